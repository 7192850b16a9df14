"""Scoring (EVAL-01 to EVAL-03): deductions per category capped at its weight, once per rule, veto,
grades and their cut-offs from the configuration."""

from __future__ import annotations

from dataclasses import replace

from domain.config import Config, Evaluation
from tests.helpers.audit_cases import OFFICER, edit, general_group
from tests.helpers.audit_defects import DEFECTS, run_defect


def _defect(name: str) -> dict[str, object]:
    return next(d for d in DEFECTS if d.name == name).build()


def _many_procedural() -> dict[str, object]:
    steps, reviews, lawsuits = general_group()

    def change(s: dict[str, object]) -> None:
        data = s["data"]
        assert isinstance(data, dict)
        data["remedies"]["reconsideration_days"] = 15
        data["surcharge_told"] = False
        data["approved_by"] = OFFICER

    steps = edit(steps, "DecisionMade", change)
    steps = edit(steps, "HearingHeld", lambda s: s["data"].update(presider=OFFICER))
    steps = edit(steps, "DecisionServed", lambda s: s["data"].update(method="electronic"))
    steps = edit(steps, "LegalReviewCompleted", lambda s: s["data"]["opinions"].pop("law"))
    return {"steps": steps, "reviews": reviews, "lawsuits": lawsuits}


def test_deductions_stop_at_the_category_weight() -> None:
    ev = run_defect(_many_procedural())
    procedural = [f for f in ev.findings if f.category == "执法程序"]
    assert len(procedural) == 6 and sum(f.points for f in procedural) == 30
    assert ev.deductions["执法程序"] == 25
    assert ev.score == 75 and ev.grade == "合格" and not ev.veto


def test_a_major_finding_deducts_its_points_and_keeps_excellent() -> None:
    ev = run_defect(_defect("wrong_remedy_days"))
    assert ev.score == 95 and ev.grade == "优秀"


def test_basic_element_problem_bars_excellent() -> None:
    """A MAJOR finding in 事实证据 (PEN-05) is a basic-element problem: 95 points but 合格."""
    ev = run_defect(_defect("record_unsigned"))
    assert ev.by_rule()["PEN-05"].category == "事实证据"
    assert ev.score == 95 and ev.grade == "合格"


def test_blocker_is_a_veto_whatever_the_score() -> None:
    ev = run_defect(_defect("no_legal_review"))
    assert ev.veto and ev.grade == "不合格" and ev.score >= 90
    assert {"PEN-39", "EVAL-01"} <= set(ev.rules())
    assert ev.by_rule()["PEN-39"].points == 0 and ev.by_rule()["EVAL-01"].points == 0


def test_minor_deducts_two() -> None:
    ev = run_defect(_defect("no_av"))
    assert ev.score == 98 and ev.by_rule()["TS-06"].points == 2


def test_cut_offs_weights_points_and_severities_come_from_the_configuration() -> None:
    strict = Config(evaluation=replace(Evaluation(), excellent_min=96, major_points=8))
    built = _defect("wrong_remedy_days")
    ev = run_defect({**built, "config": strict})
    assert ev.score == 92 and ev.grade == "合格"
    local = Config(evaluation=replace(Evaluation(), severities={"TS-06": "MAJOR"}))
    ev = run_defect({**_defect("no_av"), "config": local})
    assert ev.by_rule()["TS-06"].severity == "MAJOR" and ev.score == 95
    moved = Config(evaluation=replace(Evaluation(), categories={"PEN-22": "法律文书"}))
    ev = run_defect({**_defect("wrong_remedy_days"), "config": moved})
    assert ev.by_rule()["PEN-22"].category == "法律文书" and ev.deductions["法律文书"] == 5


def test_pass_cut_off() -> None:
    lenient = Config(evaluation=replace(Evaluation(), pass_min=80, excellent_min=90))
    ev = run_defect({**_many_procedural(), "config": lenient})
    assert ev.score == 75 and ev.grade == "不合格"
