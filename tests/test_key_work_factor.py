"""A new key store's scrypt cost comes from ``LEDGER_SCRYPT_N`` or the default; a store already made
keeps the cost in its header, whatever the setting says later."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ledger.keys import MIN_SCRYPT_N, SCRYPT_N, KeyStore, KeyStoreError, SigningKey, default_work_factor


def test_unset_is_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LEDGER_SCRYPT_N", raising=False)
    assert default_work_factor() == SCRYPT_N == 2**15


@pytest.mark.parametrize("text", ["1024", "2048", " 65536 "])
def test_a_power_of_two_from_the_minimum_is_taken(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    monkeypatch.setenv("LEDGER_SCRYPT_N", text)
    assert default_work_factor() == int(text)


@pytest.mark.parametrize("text", ["512", "1000", "3072", "-1024", "2**15", "abc", "0"])
def test_anything_else_is_refused(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    monkeypatch.setenv("LEDGER_SCRYPT_N", text)
    with pytest.raises(KeyStoreError, match="LEDGER_SCRYPT_N"):
        default_work_factor()
    assert MIN_SCRYPT_N == 1024


def test_the_header_keeps_its_cost_and_opens_under_another_setting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LEDGER_SCRYPT_N", "2048")
    store = KeyStore.create(tmp_path / "keys.json", "pass")
    kid = store.add("officer/1", SigningKey(bytes(32)))
    assert json.loads((tmp_path / "keys.json").read_bytes())["kdf"]["n"] == 2048
    monkeypatch.setenv("LEDGER_SCRYPT_N", "1024")
    reopened = KeyStore(tmp_path / "keys.json", "pass")
    assert reopened.get(kid).sign(b"m") == SigningKey(bytes(32)).sign(b"m")
