"""The licence and complaint gates through the real ledger (``Ledger.record``, default admission):
the brief's examples record live; one thing changed is refused at the judged step with the rule,
nothing written; the head of the acting agency (the justice bureau's, for a complaint) may override."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from domain.errors import StepRefused
from ledger.service import Ledger
from tests.helpers.gate_context import Raw, live_ledger, live_template
from tests.helpers.kinds_examples import SFJ_HEAD, SPJ_HEAD, SPJ_OFFICER, complaint_steps, edit_step, licence_steps

ADMIN = "officer/admin"
JUSTIFICATION = "经负责人批准先行记录，事后补正"


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return live_template(tmp_path_factory.mktemp("live-kind-gates"), "general-case.jsonl")


@pytest.fixture
def ledger(tmp_path: Path, template: Path) -> Iterator[Ledger]:
    led = live_ledger(tmp_path, template=template)
    yield led
    led.close()


def _reported(steps: list[Raw]) -> list[Raw]:
    """A 举报 against an officer of DXH-CGJ, assigned to DXH-CGJ with the identity shared (CMP-04)."""
    steps = edit_step(steps, "ComplaintReceived", lambda s: s["data"].update(
        nature="report", against={**s["data"]["against"], "agency": "agency/DXH-CGJ",
                                  "officers": ["officer/42011219002"]}))
    return edit_step(steps, "ComplaintTransferred", lambda s: s["data"].update(
        kind="assign", to="agency/DXH-CGJ", complainant_identity_shared=True))


DEFECTS: list[tuple[str, Callable[[], list[Raw]], str, str, str]] = [
    ("LIC-01", lambda: edit_step(licence_steps(), "LicenceApplied", lambda s: s["data"].update(item="SPJ-NONE")),
     "LicenceGranted", SPJ_HEAD, SPJ_OFFICER),
    ("CMP-04", lambda: _reported(complaint_steps()), "ComplaintTransferred", SFJ_HEAD, SPJ_OFFICER),
]


@pytest.mark.parametrize("make", [licence_steps, complaint_steps], ids=["licence", "complaint"])
def test_the_lawful_files_record_live(ledger: Ledger, make: Callable[[], list[Raw]]) -> None:
    steps = make()
    for step in steps:
        ledger.record([step], actor=step["by"])
    stream = steps[0]["stream"]  # the complaint's file also holds a step on a supervision stream
    assert [e.step() for e in ledger.read(stream)] == [s for s in steps if s["stream"] == stream]


@pytest.mark.parametrize(("rule", "make", "judged", "head", "other"), DEFECTS, ids=[d[0] for d in DEFECTS])
def test_a_defect_is_refused_at_its_step_and_a_head_may_override(
        ledger: Ledger, rule: str, make: Callable[[], list[Raw]], judged: str, head: str, other: str) -> None:
    steps = make()
    index = next(i for i, s in enumerate(steps) if s["type"] == judged)
    for step in steps[:index]:
        ledger.record([step], actor=step["by"])
    step = steps[index]
    count = ledger.store.count()
    with pytest.raises(StepRefused) as caught:
        ledger.record([step], actor=step["by"])
    assert caught.value.rule == rule and caught.value.basis and caught.value.basis.startswith("《")
    assert ledger.store.count() == count, "a refused step writes nothing"
    with pytest.raises(StepRefused) as caught:
        ledger.record([{**step, "override": {"rule": rule, "justification": JUSTIFICATION, "authorized_by": other}}],
                      actor=step["by"])
    assert caught.value.rule == rule and "越权记录无效" in caught.value.message
    allowed = {**step, "override": {"rule": rule, "justification": JUSTIFICATION, "authorized_by": head}}
    ledger.record([allowed], actor=step["by"])
    assert ledger.read(step["stream"])[-1].step() == allowed


def test_a_grant_without_its_seal_is_refused_naming_the_field(ledger: Ledger) -> None:
    steps = edit_step(licence_steps(), "LicenceGranted", lambda s: s["data"].pop("sealed_by"))
    index = next(i for i, s in enumerate(steps) if s["type"] == "LicenceGranted")
    ledger.record(steps[:index], actor=ADMIN)
    count = ledger.store.count()
    with pytest.raises(StepRefused) as caught:
        ledger.record([steps[index]], actor=steps[index]["by"])
    assert "sealed_by" in str(caught.value) and ledger.store.count() == count
