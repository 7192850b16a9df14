"""Every legal gate through the real ledger: lawful case recorded, one thing changed refused.

``tests/test_gates.py`` proves each defect at the domain level (exactly one gate fires on an
in-memory context). Here the same defects (imported, not copied) go through
``Ledger.record`` on a real SQLite store with the default admission (structure + gates,
no test validator), and through the CLI (``record``, ``import``, ``import --backfill``):

* the lawful example case records live;
* the same case with one thing changed is refused at exactly the judged step, with exactly
  the gate's rule id, and nothing is written (as one batch, and step by step);
* an override by someone who is neither a head of the case's agency nor its supervisor is
  refused naming the same gate; an override authorised by the head records it, and the
  rest of the case then records live;
* ``--backfill`` (补录) records the defective case whole, marked backfilled, signed by the
  importing admin.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from domain.errors import StepRefused
from domain.gates import gate_rule_ids
from ledger.service import Ledger
from ledger.verify import verify_store
from tests.helpers.cli_data import cli_data
from tests.helpers.cli_data import stored as cli_stored
from tests.helpers.gate_context import HEAD, OFFICER, SUPERVISOR, Raw, live_ledger, live_template, load
from tests.helpers.gate_defects import DEFECTS, Defect, defect_steps

ADMIN = "officer/admin"
LIVE_DEFECTS = [d for d in DEFECTS if d.structural_ok]
"""Defects whose changed step is well-formed, so only the gate can refuse it on the ledger."""
JUSTIFICATION = "当事人即将离境，经负责人批准先行作出决定，事后补正程序"


def _ids(defects: list[Defect]) -> list[str]:
    return [f"{d.rule}:{d.name}" for d in defects]


def override(rule: str, by: str) -> dict[str, str]:
    return {"rule": rule, "justification": JUSTIFICATION, "authorized_by": by}


def renamed(steps: list[Raw], stream: str) -> list[Raw]:
    """The same steps on another case stream (so lawful and defective cases share a ledger)."""
    old = steps[0]["stream"]
    out = copy.deepcopy(steps)
    for step in out:
        assert step["stream"] == old
        step["stream"] = stream
    return out


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return live_template(tmp_path_factory.mktemp("live-gates"))


@pytest.fixture
def ledger(tmp_path: Path, template: Path) -> Iterator[Ledger]:
    led = live_ledger(tmp_path, template=template)
    yield led
    led.close()


def heads(ledger: Ledger, streams: list[str]) -> dict[str, tuple[int, str | None]]:
    return {s: ledger.stream_head(s) for s in streams}


def refused(ledger: Ledger, steps: list[Raw], actor: str, *, watch: list[str]) -> StepRefused:
    """Record ``steps``, expect a refusal, and check that nothing at all was written."""
    count, before = ledger.store.count(), heads(ledger, watch)
    with pytest.raises(StepRefused) as caught:
        ledger.record(steps, actor=actor)
    assert ledger.store.count() == count, "a refused step must write nothing"
    assert heads(ledger, watch) == before
    return caught.value


def test_every_gate_has_a_defect_the_ledger_can_judge() -> None:
    # LIC and CMP gates: every one in tests/test_kind_gates.py (domain level, both sides and overrides),
    # LIC-01, CMP-04 and the unsealed grant through the ledger in tests/test_live_kind_gates.py.
    assert {d.rule for d in LIVE_DEFECTS} == {r for r in gate_rule_ids() if r.startswith(("PEN", "PUB"))}


@pytest.mark.parametrize("defect", LIVE_DEFECTS, ids=_ids(LIVE_DEFECTS))
def test_gate_on_the_real_ledger(ledger: Ledger, defect: Defect) -> None:
    lawful = load(defect.file)
    lawful_stream = lawful[0]["stream"]
    ledger.record(lawful, actor=ADMIN)
    assert [e.step() for e in ledger.read(lawful_stream)] == lawful

    steps, index = defect_steps(defect)
    case = renamed(steps, lawful_stream + "-D")
    stream = case[0]["stream"]
    judged = case[index]
    watch = [stream, lawful_stream]

    # the whole defective case as one batch: refused at the judged step, all rolled back
    whole = refused(ledger, case, ADMIN, watch=watch)
    assert (whole.rule, whole.index) == (defect.rule, index), whole

    # step by step: everything before it records live, the judged step is refused
    for step in case[:index]:
        ledger.record([step], actor=step["by"])
    assert ledger.stream_head(stream)[0] == index
    refusal = refused(ledger, [judged], judged["by"], watch=watch)
    assert refusal.rule == defect.rule, refusal
    assert refusal.basis and refusal.basis.startswith("《")
    # the admin acting for ``by`` is refused the same way
    assert refused(ledger, [judged], ADMIN, watch=watch).rule == defect.rule

    # an override by an officer of the agency who is not a head: refused, naming the gate
    not_head = refused(ledger, [{**judged, "override": override(defect.rule, OFFICER)}], judged["by"],
                       watch=watch)
    assert not_head.rule == defect.rule and "越权记录无效" in not_head.message
    # an override of another gate does not let it through
    other = next(r for r in sorted(gate_rule_ids()) if r != defect.rule)
    assert refused(ledger, [{**judged, "override": override(other, HEAD)}], judged["by"],
                   watch=watch).rule == defect.rule

    # the head of the case's agency authorises it: recorded, the override kept and signed over
    allowed = {**judged, "override": override(defect.rule, HEAD)}
    (appended,) = ledger.record([allowed], actor=judged["by"])
    assert (appended.stream, appended.version, appended.type) == (stream, index + 1, judged["type"])
    event = ledger.read(stream)[-1]
    assert event.step() == allowed and "backfilled" not in event.envelope
    assert event.signer[0] == judged["by"]

    # the rest of the case records live after the overridden step
    ledger.record(case[index + 1:], actor=ADMIN)
    assert len(ledger.read(stream)) == len(case)

    # 补录: the defective case, whole, passes structure only and is marked backfilled
    paper = renamed(steps, lawful_stream + "-B")
    ledger.record(paper, actor=ADMIN, backfill=True)
    events = ledger.read(paper[0]["stream"])
    assert [e.step() for e in events] == paper
    assert all(e.envelope.get("backfilled") is True and e.signer[0] == ADMIN for e in events)

    report = verify_store(ledger.store)
    assert report.ok, report.problems


def test_a_supervisor_may_authorise_an_override(ledger: Ledger) -> None:
    defect = next(d for d in LIVE_DEFECTS if d.rule == "PEN-19")
    steps, index = defect_steps(defect)
    ledger.record(steps[:index], actor=ADMIN)
    judged = steps[index]
    ledger.record([{**judged, "override": override("PEN-19", SUPERVISOR)}], actor=judged["by"])
    assert ledger.read(judged["stream"])[-1].step()["override"]["authorized_by"] == SUPERVISOR


def test_an_override_naming_an_unknown_approver_or_no_reason_is_refused(ledger: Ledger) -> None:
    defect = next(d for d in LIVE_DEFECTS if d.rule == "PEN-10")
    steps, index = defect_steps(defect)
    ledger.record(steps[:index], actor=ADMIN)
    judged = steps[index]
    watch = [judged["stream"]]
    nobody = refused(ledger, [{**judged, "override": override("PEN-10", "officer/nobody")}], ADMIN, watch=watch)
    assert nobody.rule == "PEN-10" and "未登记" in nobody.message
    blank = {**judged, "override": {**override("PEN-10", HEAD), "justification": " "}}
    assert refused(ledger, [blank], ADMIN, watch=watch).rule == "PEN-10"


def test_a_step_that_fails_structure_is_refused_structurally_live_and_in_backfill(ledger: Ledger) -> None:
    """A defect the structure already refuses (a summary form with no seal at all) is not a gate
    matter: live and 补录 both refuse it structurally. The paper's missing seal is ``null``."""
    for defect in (d for d in DEFECTS if not d.structural_ok):
        steps, index = defect_steps(defect)
        stream = steps[0]["stream"]
        ledger.record(steps[:index], actor=ADMIN, backfill=True)
        live = refused(ledger, [steps[index]], ADMIN, watch=[stream])
        assert live.rule.startswith("STRUCT-"), live
        count = ledger.store.count()
        with pytest.raises(StepRefused) as caught:
            ledger.record([steps[index]], actor=ADMIN, backfill=True)
        assert caught.value.rule.startswith("STRUCT-") and ledger.store.count() == count
        paper = copy.deepcopy(steps[index])
        paper["data"]["sealed_by"] = None
        ledger.record([paper], actor=ADMIN, backfill=True)
        assert ledger.read(stream)[-1].step() == paper


# --------------------------------------------------------------------------- the CLI


FIRST_PER_GATE = list({d.rule: d for d in reversed(LIVE_DEFECTS)}.values())[::-1]


def _write_lines(path: Path, steps: list[Raw]) -> str:
    path.write_text("".join(json.dumps(s, ensure_ascii=False) + "\n" for s in steps), encoding="utf-8")
    return str(path)


def _cli(data: Path, *args: str, actor: str | None = None) -> int:
    from api.cli import main

    return main(["--data", str(data), *(["--as", actor] if actor else []), *args])


def _rows(data: Path) -> int:
    import sqlite3

    with sqlite3.connect(data / "ledger.sqlite") as conn:
        return int(conn.execute("SELECT COUNT(*) FROM stored_events").fetchone()[0])


@pytest.fixture(scope="module")
def registry_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A CLI data directory with the example registry imported, built once; each CLI test copies it."""
    tmp = tmp_path_factory.mktemp("live-gates-cli")
    with pytest.MonkeyPatch.context() as patch:
        data = cli_data(tmp, patch)
        assert _cli(data, "import", _write_lines(tmp / "registry.jsonl", load("registry.jsonl"))) == 0
    return data


@pytest.mark.parametrize("defect", FIRST_PER_GATE, ids=_ids(FIRST_PER_GATE))
def test_gate_through_the_cli(defect: Defect, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                              capsys: pytest.CaptureFixture[str], registry_data: Path) -> None:
    data = cli_data(tmp_path, monkeypatch, template=registry_data)
    steps, index = defect_steps(defect)
    judged: dict[str, Any] = steps[index]
    stream = steps[0]["stream"]

    # import (live) stops at the judged line with the gate's rule id; the lines before stay
    capsys.readouterr()
    assert _cli(data, "import", _write_lines(tmp_path / "case.jsonl", steps), "--json") == 1
    result = json.loads(capsys.readouterr().out)
    assert result["refused"]["line"] == index + 1 and result["refused"]["rule"] == defect.rule, result
    assert result["recorded"] == index and len(cli_stored(data, stream)) == index

    # record (live), as the step's ``by``: exit 1 naming the rule, nothing written
    rows = _rows(data)
    step_file = tmp_path / "step.json"
    step_file.write_text(json.dumps(judged, ensure_ascii=False), encoding="utf-8")
    assert _cli(data, "record", str(step_file), actor=judged["by"]) == 1
    assert f"[{defect.rule}]" in capsys.readouterr().err
    assert _rows(data) == rows

    # an override authorised by an officer who is not a head: exit 1, nothing written
    step_file.write_text(json.dumps({**judged, "override": override(defect.rule, OFFICER)}, ensure_ascii=False),
                         encoding="utf-8")
    assert _cli(data, "record", str(step_file), actor=judged["by"]) == 1
    assert f"[{defect.rule}]" in capsys.readouterr().err and _rows(data) == rows

    # authorised by the agency's head: exit 0, recorded with the override
    allowed = {**judged, "override": override(defect.rule, HEAD)}
    step_file.write_text(json.dumps(allowed, ensure_ascii=False), encoding="utf-8")
    assert _cli(data, "record", str(step_file), "--json", actor=judged["by"]) == 0, capsys.readouterr().err
    assert json.loads(capsys.readouterr().out)["version"] == index + 1
    assert cli_stored(data, stream)[-1].step() == allowed

    # import --backfill: the same defective case on another stream records whole
    paper = renamed(steps, stream + "-B")
    assert _cli(data, "import", _write_lines(tmp_path / "paper.jsonl", paper), "--backfill", "--json") == 0
    assert json.loads(capsys.readouterr().out)["recorded"] == len(paper)
    events = cli_stored(data, paper[0]["stream"])
    assert [e.step() for e in events] == paper and all(e.envelope["backfilled"] is True for e in events)

    assert _cli(data, "verify", "--json") == 0
    assert json.loads(capsys.readouterr().out)["ok"] is True
