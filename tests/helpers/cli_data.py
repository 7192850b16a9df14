"""A data directory made by ``enforcement-ledger init`` for the CLI-level tests (its key store is cheap
to open: tests/conftest.py sets ``LEDGER_SCRYPT_N``)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from api.cli import main
from api.settings import Settings
from api.wiring import open_ledger

PASSPHRASE = "record-examples-test"


def cli_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *, template: Path | None = None) -> Path:
    """A data directory made by ``enforcement-ledger init`` (SQLite), its key store cheap to open; a
    copy of ``template`` (such a directory a module prepared once) when given."""
    monkeypatch.setenv("LEDGER_KEY_PASSPHRASE", PASSPHRASE)
    for name in ("LEDGER_POSTGRES_DSN", "LEDGER_ACTOR", "LEDGER_CONFIG", "LEDGER_DATA"):
        monkeypatch.delenv(name, raising=False)
    data = tmp_path / "var"
    if template is not None:
        shutil.copytree(template, data)
        return data
    assert main(["--data", str(data), "init"]) == 0
    return data


def stored(data: Path, stream: str) -> list:
    ledger = open_ledger(Settings.load(str(data)), keys=False)
    try:
        return ledger.read(stream)
    finally:
        ledger.close()
