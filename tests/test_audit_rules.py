"""Every audit rule: one thing broken in an example case fires exactly that rule, with its severity.

Each defect starts from a lawful example (``examples/``), changes one
thing, and checks that the evaluation finds exactly the rule (plus only the findings that
by definition accompany it, rules.md "Findings and scoring": PEN-39 and the EVAL-01 veto
after every BLOCKER, TS-03 with PEN-40, TS-02 with PEN-05 when the credential was not
shown) with the expected severity — and the lawful examples find nothing at all.
"""

from __future__ import annotations

from datetime import date

import pytest

from audit.context import History
from audit.model import BLOCKER
from audit.rulebook import ALL_PATHS, RULES
from tests.helpers.audit_cases import fired
from tests.helpers.audit_defects import DEFECTS, LAWFUL, Defect, run_defect


@pytest.mark.parametrize("name", sorted(LAWFUL))
def test_lawful_examples_score_excellent_with_no_finding(name: str) -> None:
    ev = run_defect(LAWFUL[name]())
    assert ev.findings == (), [f.as_json() for f in ev.findings]
    assert (ev.score, ev.grade, ev.veto) == (100, "优秀", False)


@pytest.mark.parametrize("defect", DEFECTS, ids=[f"{d.rule}:{d.name}" for d in DEFECTS])
def test_each_defect_fires_exactly_its_rule(defect: Defect) -> None:
    ev = run_defect(defect.build())
    assert fired(ev) == defect.expected, [f.as_json() for f in ev.findings]
    finding = ev.by_rule()[defect.rule]
    assert finding.severity == defect.severity, finding.as_json()
    assert finding.basis and finding.message and finding.category
    assert ev.veto == (defect.severity == BLOCKER)
    if defect.severity == BLOCKER:
        assert ev.grade == "不合格"


@pytest.mark.parametrize("defect", DEFECTS, ids=[f"{d.rule}:{d.name}" for d in DEFECTS])
def test_finding_names_the_events_it_concerns(defect: Defect) -> None:
    ev = run_defect(defect.build())
    finding = ev.by_rule()[defect.rule]
    assert finding.events, finding.as_json()
    for ref in finding.events:
        assert ref.stream.startswith(("case/", "review/", "litigation/")) and ref.version >= 1


def test_every_case_level_rule_has_a_defect_test() -> None:
    tested = {d.rule for d in DEFECTS} | {"PEN-39", "EVAL-01", "TS-02", "TS-03", "PEN-14"}
    case_rules = {r for r, spec in RULES.items() if spec.paths & ALL_PATHS}  # CMP rules: test_complaint_rules
    assert case_rules <= tested, sorted(case_rules - tested)


def test_reviewer_qualified_by_history_before_2021() -> None:
    """PEN-17: a reviewer whose first review predates 2021-07-15 needs no 法律职业资格."""
    history = History()
    history.add_review("officer/42011219006", date(2020, 5, 1))
    built = DEFECTS[[d.name for d in DEFECTS].index("unqualified_reviewer")].build()
    built["history"] = history
    assert "PEN-17" not in fired(run_defect(built))


def test_findings_json_shape() -> None:
    ev = run_defect(DEFECTS[0].build())
    data = ev.as_json()
    assert list(data) == ["case", "score", "grade", "veto", "findings"]
    assert all(
        list(f) == ["rule", "severity", "category", "points", "basis", "message", "events"] for f in data["findings"]
    )
    assert all(set(e) == {"stream", "version", "type"} for f in data["findings"] for e in f["events"])
