"""The complaint rules (CMP-01…CMP-09, EVAL-12): the lawful example grades 优秀, the brief's three
defects fire exactly what examples-notes.md §5 names, and every rule fires on the far side of its
boundary and not on the near side (5 WD across 劳动节 and the 调休 Saturday; 30 ND rolled past a
Sunday, +30 with an extension; the 信访 channel's 15 ND and 60 ND)."""

from __future__ import annotations

from datetime import date

import pytest

from audit.complaint_rulebook import ALL_CMP, COMPLAINT_RULES
from audit.model import BLOCKER, MAJOR
from audit.rulebook import RULES
from domain.calendar import WorkingCalendar
from domain.config import Config
from domain.gates import firing_gates, with_registry
from tests.helpers.complaint_cases import audit_complaint, complaint_only, fired
from tests.helpers.complaint_defects import (
    DEFECTS,
    LAWFUL_VARIANTS,
    Defect,
    data_of,
    not_accepted,
    report,
    transferred_out,
)
from tests.helpers.gate_context import MemoryContext, load
from tests.helpers.kinds_examples import COMPLAINT, as_step, complaint_steps

CMP_RULES = set(COMPLAINT_RULES)


def test_the_lawful_example_grades_excellent() -> None:
    ev = audit_complaint(complaint_steps())
    assert (ev.findings, ev.score, ev.grade, ev.veto, ev.path) == ((), 100, "优秀", False, "complaint_accepted")
    assert ev.agency == "agency/DXH-SFJ" and ev.status == "archived"


@pytest.mark.parametrize("name", sorted(LAWFUL_VARIANTS))
def test_the_near_side_of_every_boundary_finds_nothing(name: str) -> None:
    ev = audit_complaint(LAWFUL_VARIANTS[name]())
    assert ev.findings == (), [f.as_json() for f in ev.findings]
    assert ev.grade == "优秀"


@pytest.mark.parametrize("defect", DEFECTS, ids=[d.name for d in DEFECTS])
def test_each_defect_fires_exactly_its_rules(defect: Defect) -> None:
    ev = audit_complaint(defect.build(), as_of=defect.as_of)
    assert fired(ev) == defect.expected, [f.as_json() for f in ev.findings]
    assert not fired(ev) & defect.absent
    finding = ev.by_rule()[str(defect.rule)]
    assert finding.severity == defect.severity, finding.as_json()
    assert finding.basis and finding.message and finding.category and finding.events
    assert all(e.stream == COMPLAINT for e in finding.events)
    assert ev.veto == (defect.severity == BLOCKER)
    if defect.severity == BLOCKER:
        assert ev.grade == "不合格"
    elif defect.severity == MAJOR and finding.category in ("执法主体", "事实证据"):
        assert ev.grade == "合格"  # a basic-element problem bars 优秀


def test_every_complaint_rule_is_broken_by_a_defect() -> None:
    broken = {d.rule for d in DEFECTS} | {"CMP-09"}  # CMP-09 is monitoring: test_complaintfile's statistics
    assert CMP_RULES == broken | {"EVAL-12"} and "EVAL-12" in broken
    assert not [r for r in CMP_RULES if COMPLAINT_RULES[r].paths - ALL_CMP]


def test_paths_follow_the_decision() -> None:
    assert audit_complaint(not_accepted()).path == "complaint_not_accepted"
    assert audit_complaint(transferred_out()).path == "complaint_transferred"
    assert audit_complaint(complaint_steps()).path == "complaint_accepted"


@pytest.mark.parametrize("shared", [True, False])
def test_cmp04_is_the_gates_judgement(shared: bool) -> None:
    """The audit's CMP-04 and the live gate judge the same transfer alike (one judgement, two places)."""
    steps = complaint_only(report(data_of("ComplaintTransferred", complainant_identity_shared=shared)))
    i = next(i for i, s in enumerate(steps) if s["type"] == "ComplaintTransferred")
    ctx = MemoryContext()
    ctx.streams[COMPLAINT] = [{**s, "version": v + 1} for v, s in enumerate(steps[:i])]
    for raw in load("registry.jsonl"):
        ctx.streams.setdefault(raw["stream"], []).append({**raw, "version": len(ctx.streams[raw["stream"]]) + 1})
    gate = [f.rule for f in firing_gates(as_step(steps[i]), with_registry(ctx), config=Config(),
                                         calendar=WorkingCalendar())]
    assert gate == (["CMP-04"] if shared else [])
    assert ("CMP-04" in fired(audit_complaint(steps))) is shared


def test_a_file_in_progress_has_no_grade_and_reports_only_what_is_due() -> None:
    received = complaint_steps()[:1]
    assert audit_complaint(received, as_of=date(2026, 5, 11)).findings == ()
    late = audit_complaint(received, as_of=date(2026, 5, 12))
    assert fired(late) == {"CMP-02"} and late.grade is None


def test_a_blocker_in_progress_has_no_veto_finding() -> None:
    steps = [s for s in report(complaint_steps()) if s["type"] in ("ComplaintReceived", "ComplaintAccepted",
                                                                     "ComplaintTransferred")]
    ev = audit_complaint(steps)
    assert "CMP-04" in fired(ev) and "EVAL-01" not in fired(ev) and ev.grade is None and ev.veto


def test_no_case_rule_judges_a_complaint_and_no_complaint_rule_a_case() -> None:
    """Each engine runs the rules of its own paths: no rule is declared on both kinds of path."""
    assert not set(COMPLAINT_RULES) & set(RULES) - {"EVAL-01"}  # no case rule is a complaint rule
