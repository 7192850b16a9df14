"""The gates' defect table: each entry is an example record with ONE thing changed, judged at the
step that would break the rule (tests/test_gates.py and tests/test_live_gates.py run it)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from domain.personal_data import gb11643_check_char
from tests.helpers.gate_context import (
    OFFICER,
    Raw,
    find,
    load,
)

GENERAL = "general-case.jsonl"
SUMMARY = "summary-case.jsonl"


def set_field(step_type: str, path: str, value: Any, nth: int = 0) -> Callable[[list[Raw]], None]:
    """Set ``data.<path>`` of the nth step of a type (None removes the field)."""
    def change(steps: list[Raw]) -> None:
        target: Any = steps[find(steps, step_type, nth)]["data"]
        keys = path.split(".")
        for key in keys[:-1]:
            target = target[key]
        if value is None:
            target.pop(keys[-1], None)
        else:
            target[keys[-1]] = value
    return change


def set_time(step_type: str, at: str) -> Callable[[list[Raw]], None]:
    def change(steps: list[Raw]) -> None:
        steps[find(steps, step_type)]["at"] = at
    return change


def drop_step(step_type: str) -> Callable[[list[Raw]], None]:
    def change(steps: list[Raw]) -> None:
        del steps[find(steps, step_type)]
    return change


def insert_before(step_type: str, new: Raw) -> Callable[[list[Raw]], None]:
    def change(steps: list[Raw]) -> None:
        steps.insert(find(steps, step_type), new)
    return change


def case_step(case: str, step_type: str, data: dict[str, Any], at: str, by: str = OFFICER) -> Raw:
    return {"stream": case, "type": step_type, "at": at, "by": by, "data": data}


G_CASE = "case/DXH-CGJ-2026-0012"
S_CASE = "case/DXH-CGJ-2026-0031"
DOC = {"sha256": "ab" * 32, "bytes": 1000, "media_type": "application/pdf", "name": "文书"}
_BORN_2013 = "42011220130615001"
CHILD_ID = _BORN_2013 + gb11643_check_char(_BORN_2013)


@dataclass(frozen=True)
class Defect:
    """One thing changed in an example, the step judged, and the rule that must refuse."""

    name: str
    file: str
    change: Callable[[list[Raw]], None]
    judged: str
    rule: str
    structural_ok: bool = True
    """False when structural validation already refuses the step (the gate is tested alone)."""


DEFECTS = [
    Defect("violation ended over two years before discovery", GENERAL,
           set_field("CaseRegistered", "violation", {"summary": "超标排放油烟", "started_on": "2023-06-01",
                                                 "ended_on": "2023-12-31", "discovered_on": "2026-03-02"}),
           "DecisionMade", "PEN-01"),
    Defect("summary decision beyond the limitation period", SUMMARY,
           set_field("CaseRegistered", "violation.ended_on", "2024-01-05"), "SummaryDecisionMade", "PEN-01"),
    Defect("one officer at the inspection", GENERAL,
           set_field("InspectionRecorded", "officers", ["officer/42011219001"]), "InspectionRecorded", "PEN-04"),
    Defect("the same officer listed twice", GENERAL,
           set_field("InquiryRecorded", "officers", ["officer/42011219001", "officer/42011219001"]),
           "InquiryRecorded", "PEN-04"),
    Defect("an officer whose credential expired", GENERAL,
           set_field("InspectionRecorded", "officers", ["officer/42011219001", "officer/42011219007"]),
           "InspectionRecorded", "PEN-04"),
    Defect("an officer with no credential (legal reviewer without one is fine, a supervisor has none)",
           GENERAL, set_field("InspectionRecorded", "officers", ["officer/42011219001", "officer/SFJ-0001"]),
           "InspectionRecorded", "PEN-04"),
    Defect("summary decision by one officer", SUMMARY,
           set_field("SummaryDecisionMade", "officers", ["officer/42011219001"]), "SummaryDecisionMade", "PEN-04"),
    Defect("no notice before the decision", GENERAL, drop_step("PenaltyNoticeServed"), "DecisionMade", "PEN-09"),
    Defect("the notice did not tell the statement right", GENERAL,
           set_field("PenaltyNoticeServed", "rights.statement", False), "DecisionMade", "PEN-09"),
    Defect("summary decision without rights told", SUMMARY,
           set_field("SummaryDecisionMade", "rights_told", False), "SummaryDecisionMade", "PEN-09"),
    Defect("decision one working day after the notice's service", GENERAL,
           set_time("DecisionMade", "2026-03-18T10:00:00+08:00"), "DecisionMade", "PEN-10"),
    Defect("decision on the window's last day (5 WD: 2026-03-24)", GENERAL,
           set_time("DecisionMade", "2026-03-24T17:00:00+08:00"), "DecisionMade", "PEN-10"),
    Defect("decision heavier than the notice", GENERAL,
           set_field("DecisionMade", "penalties", [{"type": "fine", "amount_fen": 4_000_000}]),
           "DecisionMade", "PEN-11"),
    Defect("the notice proposed less than the decision imposes", GENERAL,
           set_field("PenaltyNoticeServed", "proposed.penalties", [{"type": "fine", "amount_fen": 2_500_000}]),
           "DecisionMade", "PEN-11"),
    Defect("the notice proposed no penalty", GENERAL,
           set_field("PenaltyNoticeServed", "proposed", {"outcome": "no_penalty_minor", "penalties": [],
                                                    "basis": [{"law": "中华人民共和国行政处罚法", "article": 33}]}),
           "DecisionMade", "PEN-11"),
    Defect("hearing right not told for a large fine", GENERAL,
           set_field("PenaltyNoticeServed", "rights.hearing", False), "PenaltyNoticeServed", "PEN-12"),
    Defect("no legal review", GENERAL, drop_step("LegalReviewCompleted"), "DecisionMade", "PEN-16"),
    Defect("legal review found issues", GENERAL,
           set_field("LegalReviewCompleted", "outcome", "issues_found"), "DecisionMade", "PEN-16"),
    Defect("a statement reviewed after the legal review (Q16)", GENERAL,
           insert_before("CollectiveDiscussionHeld", case_step(
               G_CASE, "StatementReviewed", {"adopted": [], "rejected": [{"point": "补充意见", "reason": "不成立"}]},
               "2026-04-10T09:00:00+08:00")),
           "DecisionMade", "PEN-16"),
    Defect("no collective discussion", GENERAL, drop_step("CollectiveDiscussionHeld"), "DecisionMade", "PEN-19"),
    Defect("decision without legal basis", GENERAL, set_field("DecisionMade", "basis", []), "DecisionMade", "PEN-21"),
    Defect("decision sealed by another agency", GENERAL,
           set_field("DecisionMade", "sealed_by", "agency/DXH-SFJ"), "DecisionMade", "PEN-21"),
    Defect("summary form without seal", SUMMARY, set_field("SummaryDecisionMade", "sealed_by", None),
           "SummaryDecisionMade", "PEN-21", structural_ok=False),
    Defect("summary fine above 200 yuan for a person", SUMMARY,
           set_field("SummaryDecisionMade", "penalties", [{"type": "fine", "amount_fen": 30_000}]),
           "SummaryDecisionMade", "PEN-30"),
    Defect("summary fine below the item's minimum", SUMMARY,
           set_field("SummaryDecisionMade", "penalties", [{"type": "fine", "amount_fen": 5_000}]),
           "SummaryDecisionMade", "PEN-31"),
    Defect("a warning the item does not provide", SUMMARY,
           set_field("SummaryDecisionMade", "penalties", [{"type": "fine", "amount_fen": 10_000}, {"type": "warning"}]),
           "SummaryDecisionMade", "PEN-31"),
    Defect("decision fine below the item's minimum", GENERAL,
           set_field("DecisionMade", "penalties", [{"type": "fine", "amount_fen": 400_000}]), "DecisionMade", "PEN-31"),
    Defect("a party aged 13 at the violation", SUMMARY,
           set_field("CaseRegistered", "party.birth_date", "2012-06-01"), "SummaryDecisionMade", "PEN-35"),
    Defect("a party whose ID number says 12 at the violation", SUMMARY,
           lambda steps: (set_field("CaseRegistered", "party.birth_date", None)(steps),
                          set_field("CaseRegistered", "party.id_number", CHILD_ID)(steps)),
           "SummaryDecisionMade", "PEN-35"),
    Defect("a phone number in the published text", GENERAL,
           set_field("DecisionPublished", "text",
                     "当事人武汉市东西湖区味香餐饮管理有限公司，联系电话13871234567，处罚款。"),
           "DecisionPublished", "PUB-01"),
    Defect("the legal representative's name in the published text (Q13)", GENERAL,
           set_field("DecisionPublished", "text",
                "武汉市东西湖区味香餐饮管理有限公司（法定代表人黄建国）超标排放油烟，处罚款。"),
           "DecisionPublished", "PUB-01"),
    Defect("publishing a case whose publication was suppressed", GENERAL,
           insert_before("DecisionPublished", case_step(
               G_CASE, "PublicationSuppressed",
               {"reason": "privacy", "basis": [{"law": "中华人民共和国政府信息公开条例", "article": 15}]},
               "2026-04-16T09:00:00+08:00")),
           "DecisionPublished", "PUB-02"),
    Defect("publishing the penalty of a minor", GENERAL,
           set_field("CaseRegistered", "party", {"kind": "person", "name": "张小明", "birth_date": "2010-05-01"}),
           "DecisionPublished", "PUB-02"),
]


def defect_steps(defect: Defect) -> tuple[list[Raw], int]:
    steps = load(defect.file)
    defect.change(steps)
    return steps, find(steps, defect.judged)
