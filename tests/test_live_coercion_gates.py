"""A seizure recorded with one officer is refused live naming COE-02 (issue 16's acceptance), on a
``coercion/`` stream and inside a penalty case, through ``Ledger.record`` and the CLI; nothing is
written, and the lawful measures of the examples record live around it."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from api.cli import main
from domain.errors import StepRefused
from ledger.service import Ledger
from tests.helpers.cli_data import cli_data
from tests.helpers.gate_context import Raw, live_ledger, load
from tests.helpers.spec_paths import EXAMPLES

ADMIN = "officer/admin"
STANDALONE = "coercion/DXH-CGJ-QZ-2026-0003"
IN_CASE = "case/DXH-CGJ-2026-0058"


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Ledger]:
    led = live_ledger(tmp_path_factory.mktemp("live-coercion"))
    led.record(load("general-case.jsonl"), actor=ADMIN)
    yield led
    led.close()


def _until_seizure(name: str, stream: str) -> tuple[list[Raw], Raw]:
    """The example's steps on ``stream`` before its ``SeizureImposed``, and that step with one officer."""
    steps = [s for s in load(name) if s["stream"] == stream]
    index = next(i for i, s in enumerate(steps) if s["type"] == "SeizureImposed")
    seizure = copy.deepcopy(steps[index])
    seizure["data"]["officers"] = seizure["data"]["officers"][:1]
    return steps[:index], seizure


@pytest.mark.parametrize(("name", "stream"), [("coercion-standalone.jsonl", STANDALONE),
                                              ("coercion-case.jsonl", IN_CASE)], ids=["coercion", "case"])
def test_a_seizure_by_one_officer_is_refused_naming_coe02(ledger: Ledger, name: str, stream: str) -> None:
    before, seizure = _until_seizure(name, stream)
    for step in before:
        ledger.record([step], actor=step["by"])
    count, head = ledger.store.count(), ledger.stream_head(stream)
    with pytest.raises(StepRefused) as caught:
        ledger.record([seizure], actor=seizure["by"])
    assert caught.value.rule == "COE-02", caught.value  # not PEN-04, even on a case stream
    assert "2" in caught.value.message and caught.value.basis
    assert (ledger.store.count(), ledger.stream_head(stream)) == (count, head), "a refused step writes nothing"
    lawful = next(s for s in load(name) if s["stream"] == stream and s["type"] == "SeizureImposed")
    ledger.record([lawful], actor=lawful["by"])  # with both officers it records live
    assert ledger.read(stream)[-1].step() == lawful


def test_the_cli_refuses_it_with_the_rule_id(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    data = cli_data(tmp_path, monkeypatch)
    for example in ("registry", "general-case"):
        assert main(["--data", str(data), "import", str(EXAMPLES / f"{example}.jsonl")]) == 0
    before, seizure = _until_seizure("coercion-standalone.jsonl", STANDALONE)
    lines = tmp_path / "before.jsonl"
    lines.write_text("".join(json.dumps(s, ensure_ascii=False) + "\n" for s in before), encoding="utf-8")
    assert main(["--data", str(data), "import", str(lines)]) == 0
    step = tmp_path / "seizure.json"
    step.write_text(json.dumps(seizure, ensure_ascii=False), encoding="utf-8")
    capsys.readouterr()
    assert main(["--data", str(data), "record", str(step)]) == 1
    assert "COE-02" in capsys.readouterr().err
