"""The command line end to end: init, record, verify, exit codes, nothing written on refusal."""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from api.cli import main

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("LEDGER_KEY_PASSPHRASE", "cli-test")
    monkeypatch.delenv("LEDGER_POSTGRES_DSN", raising=False)
    d = tmp_path / "var"
    assert main(["--data", str(d), "init"]) == 0
    return d


def write(tmp_path: Path, obj: object, name: str = "step.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps(obj, ensure_ascii=False), encoding="utf-8")
    return str(path)


OFFICER_STEP = {
    "stream": "officer/42011219001", "type": "OfficerRegistered", "at": "2026-01-05T09:00:00+08:00",
    "by": "officer/admin", "data": {"name": "张三", "agency": "agency/DXH-CGJ", "roles": ["officer"]},
}


def rows(data: Path) -> int:
    with sqlite3.connect(data / "ledger.sqlite") as conn:
        return int(conn.execute("SELECT COUNT(*) FROM stored_events").fetchone()[0])


def test_init_record_verify(data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--data", str(data), "record", write(tmp_path, OFFICER_STEP)]) == 0
    capsys.readouterr()
    assert main(["--data", str(data), "verify", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report == {"ok": True, "events": 2, "streams": 2, "problems": []}


def test_init_twice_is_a_usage_error(data: Path) -> None:
    assert main(["--data", str(data), "init"]) == 2


def test_refused_step_exit_1_nothing_written(data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = dict(OFFICER_STEP, data={"name": "张三", "roles": ["officer"]})  # no agency
    before = rows(data)
    assert main(["--data", str(data), "record", write(tmp_path, bad)]) == 1
    assert "STRUCT-FIELD" in capsys.readouterr().err
    assert rows(data) == before


def test_wrong_passphrase_is_reported(data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("LEDGER_KEY_PASSPHRASE", "wrong")
    assert main(["--data", str(data), "record", write(tmp_path, OFFICER_STEP)]) == 2
    assert "口令错误" in capsys.readouterr().err


def test_verify_fails_on_tampered_row(data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--data", str(data), "record", write(tmp_path, OFFICER_STEP)]) == 0
    with sqlite3.connect(data / "ledger.sqlite") as conn:
        conn.execute("UPDATE stored_events SET state = replace(state, '张三', '李四') WHERE rowid = 2")
    capsys.readouterr()
    assert main(["--data", str(data), "verify", "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert [p["notification_id"] for p in report["problems"]] == [2]
    assert report["problems"][0]["stream"] == "officer/42011219001"


@pytest.mark.slow  # a process of its own: the fast tier reads the same help in process (below)
def test_console_script_help_teaches() -> None:
    out = subprocess.run([sys.executable, "-m", "api.cli", "--help"], cwd=ROOT, capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": str(ROOT)}, check=True).stdout
    for word in ("init", "verify", "record", "LEDGER_DATA", "LEDGER_KEY_PASSPHRASE"):
        assert word in out


def _parsers(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...],
                                                                                         argparse.ArgumentParser]]:
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _parsers(sub, (*path, name))


def test_every_commands_help_renders() -> None:
    """``--help`` of every command and subcommand (a stray ``%`` in a help text once crashed ``demo --help``)."""
    from api.cli import build_parser

    found = list(_parsers(build_parser()))
    assert len(found) > 20 and ("draw", "verify") in {p for p, _ in found}
    for path, parser in found:
        assert parser.format_help(), path
    top = build_parser().format_help()  # what ``enforcement-ledger --help`` prints
    for word in ("init", "verify", "record", "LEDGER_DATA", "LEDGER_KEY_PASSPHRASE"):
        assert word in top


def test_make_run_entry_initialises_and_verifies(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """``make run --no-serve`` in this process (the slow tier runs ``python -m api.run_local`` from a fresh
    clone): the first run initialises with a demo and verifies, the second only verifies."""
    from api import run_local

    for name in [k for k in os.environ if k.startswith("LEDGER_") and k != "LEDGER_SCRYPT_N"]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("LEDGER_KEY_PASSPHRASE_FILE", "")  # restored (unset) after the test: main sets it
    monkeypatch.delenv("LEDGER_KEY_PASSPHRASE_FILE")
    monkeypatch.setenv("LEDGER_DATA", str(tmp_path / "var"))
    monkeypatch.setenv("LEDGER_DEMO_CASES", "12")
    assert run_local.main(["--no-serve"]) == 0
    first = capsys.readouterr().out
    assert "已初始化账本" in first and "完好" in first
    assert (tmp_path / "var" / "passphrase").stat().st_mode & 0o777 == 0o600
    assert run_local.main(["--no-serve"]) == 0
    again = capsys.readouterr().out
    assert "完好" in again and "已初始化账本" not in again


def test_config_file_changes_a_threshold_and_bad_config_is_a_usage_error(
        data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from api.settings import Settings
    from api.wiring import load_config

    good = tmp_path / "ledger.toml"
    good.write_text("[statement]\nwindow_wd = 5\n", encoding="utf-8")
    bad = tmp_path / "bad.toml"
    bad.write_text("[statement]\nno_such_key = 1\n", encoding="utf-8")
    try:
        config = load_config(Settings.load(str(data), config=str(good)))
    except Exception as exc:  # the key name is the config module's; show it if it moved
        pytest.fail(f"{exc}")
    assert config != load_config(Settings.load(str(data)))
    assert main(["--data", str(data), "--config", str(bad), "record", write(tmp_path, OFFICER_STEP)]) == 2
    assert "no_such_key" in capsys.readouterr().err


def test_verify_catches_a_deleted_stream_head_once_checkpointed(
        data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A per-stream chain cannot see its newest event go; the transparency log can."""
    assert main(["--data", str(data), "record", write(tmp_path, OFFICER_STEP)]) == 0
    assert main(["--data", str(data), "log", "integrate", "--checkpoint"]) == 0
    with sqlite3.connect(data / "ledger.sqlite") as conn:
        conn.execute("DELETE FROM stored_events WHERE rowid = 2")
    capsys.readouterr()
    assert main(["--data", str(data), "verify", "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert any(p["position"] == 1 for p in report["problems"])
