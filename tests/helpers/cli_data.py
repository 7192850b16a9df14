"""A data directory made by ``enforcement-ledger init`` for the CLI-level tests, with a cheaper key
derivation (the key store records its own work factor, so later opens stay cheap too)."""

from __future__ import annotations

from pathlib import Path

import pytest

import api.wiring
from api.cli import main
from api.settings import Settings
from api.wiring import open_ledger
from ledger.keys import KeyStore

PASSPHRASE = "record-examples-test"


class CheapKeyStore(KeyStore):
    """The project's key store with a test-sized scrypt work factor (2**10 instead of 2**15)."""

    @classmethod
    def create(cls, path: Path, passphrase: str, *, work_factor: int = 2**10) -> KeyStore:
        return super().create(path, passphrase, work_factor=work_factor)


def cli_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A data directory made by ``enforcement-ledger init`` (SQLite), its key store cheap to open."""
    monkeypatch.setenv("LEDGER_KEY_PASSPHRASE", PASSPHRASE)
    for name in ("LEDGER_POSTGRES_DSN", "LEDGER_ACTOR", "LEDGER_CONFIG", "LEDGER_DATA"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(api.wiring, "KeyStore", CheapKeyStore)
    data = tmp_path / "var"
    assert main(["--data", str(data), "init"]) == 0
    return data


def stored(data: Path, stream: str) -> list:
    ledger = open_ledger(Settings.load(str(data)), keys=False)
    try:
        return ledger.read(stream)
    finally:
        ledger.close()
