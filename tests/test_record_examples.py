"""``record STEP.json``: every example case recorded one step per call, live, without a gate.

The registry goes first (as ``examples/README.md`` says), then each case, each step its own
``enforcement-ledger record`` run through ``api.cli.main`` — so every step passes structure
and the legal gates on the stream as the ledger holds it, not as one batch sees it.

``cli_data`` (``tests/helpers/cli_data.py``): a real ``init``, with a cheaper key derivation.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import orjson
import pytest

from api.cli import main
from api.settings import Settings
from api.wiring import open_ledger
from ledger.verify import verify_store
from tests.helpers.cli_data import cli_data, stored
from tests.helpers.spec_paths import EXAMPLES

ORDER = ["registry", "general-case", "summary-case", "no-penalty-case", "transfer-case", "reconsideration",
         "litigation"]
ADMIN = "officer/admin"
def lines(name: str) -> list[dict[str, Any]]:
    raw = (EXAMPLES / f"{name}.jsonl").read_bytes().splitlines()
    return [orjson.loads(line) for line in raw if line.strip()]


def write_step(path: Path, step: dict[str, Any]) -> str:
    path.write_text(json.dumps(step, ensure_ascii=False), encoding="utf-8")
    return str(path)


def record(data: Path, step_file: str, *, actor: str | None = None) -> int:
    args = ["--data", str(data)]
    if actor is not None:
        args += ["--as", actor]
    return main([*args, "record", step_file, "--json"])


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return cli_data(tmp_path, monkeypatch)


@pytest.mark.parametrize("acting", ["by", pytest.param("admin", marks=pytest.mark.slow)])
def test_every_example_step_records_one_call_at_a_time(data: Path, tmp_path: Path, acting: str,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    """Acting as the step's ``by`` (signs with its own held key) or as the admin acting for it (the slow
    tier: every step once more through the CLI, ≈ 4 s)."""
    versions: dict[str, int] = {}
    expected: dict[str, list[dict[str, Any]]] = {}
    for name in ORDER:
        for number, step in enumerate(lines(name), start=1):
            actor = step["by"] if acting == "by" else ADMIN
            capsys.readouterr()
            code = record(data, write_step(tmp_path / "step.json", step), actor=actor)
            out, err = capsys.readouterr()
            assert code == 0, f"{name} 第 {number} 行 {step['type']} 被拒绝: {err}"
            appended = json.loads(out)
            versions[step["stream"]] = versions.get(step["stream"], 0) + 1
            assert (appended["stream"], appended["type"], appended["version"]) == (
                step["stream"], step["type"], versions[step["stream"]])
            expected.setdefault(step["stream"], []).append(step)

    for stream, steps in expected.items():
        events = stored(data, stream)  # chain and head signature checked
        assert [e.step() for e in events] == steps, stream
        for event in events:
            assert "backfilled" not in event.envelope
            assert event.signer[0] == event.envelope["by"], "live, the signer is by"
            acted = event.envelope.get("actor")
            assert acted == (ADMIN if acting == "admin" and event.envelope["by"] != ADMIN else None)

    ledger = open_ledger(Settings.load(str(data)), keys=False)
    try:
        report = verify_store(ledger.store)
        assert report.ok, report.problems
        assert report.events == 1 + sum(len(s) for s in expected.values())
    finally:
        ledger.close()


def test_a_case_step_before_the_registry_is_refused_and_nothing_written(
        data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    first = lines("general-case")[0]
    capsys.readouterr()
    assert record(data, write_step(tmp_path / "step.json", first)) == 1
    err = capsys.readouterr().err
    assert "[STRUCT-" in err, err
    assert stored(data, first["stream"]) == []


def test_a_case_step_out_of_order_is_refused_then_the_case_goes_on(
        data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for step in lines("registry"):
        assert record(data, write_step(tmp_path / "step.json", step)) == 0
    steps = lines("summary-case")
    capsys.readouterr()
    # the decision before the case is registered: the stream's opening step must come first
    assert record(data, write_step(tmp_path / "step.json", steps[1])) == 1
    assert "[STRUCT-OPEN]" in capsys.readouterr().err
    assert stored(data, steps[0]["stream"]) == []
    for step in steps:
        assert record(data, write_step(tmp_path / "step.json", step)) == 0, capsys.readouterr().err
    assert [e.step() for e in stored(data, steps[0]["stream"])] == steps
