"""Statistics per agency and year (TS-04 annual report data), as facts folded from each file.

Each case group contributes counts ``(agency, year, metric, value)``; the statistics
table is their sum per agency, year and metric, so it can be rebuilt or updated one
file at a time with the same result. Rates (纠错率, 出庭率, timeliness) are computed
when read, from these counts (:func:`rates`).

Years are Asia/Shanghai calendar years of the event the count is about: registration
for cases, the decision for outcomes and fines, the 复议 receipt and decision, the
lawsuit's filing and judgment, the court hearing for 出庭.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from datetime import datetime
from functools import lru_cache
from typing import Final

from domain.calendar import SHANGHAI, WorkingCalendar
from projections.casefile import CaseFile, SupervisionFile
from projections.coercion_statistics import COERCION_METRIC_LABELS, COERCION_RATES, coercion_facts, measure_facts
from projections.coercionfile import CoercionFile
from projections.complaintfile import ComplaintFile
from projections.groups import Folded
from projections.inspection_statistics import (
    INSPECTION_METRIC_LABELS,
    INSPECTION_RATES,
    inspection_facts,
    spotcheck_facts,
)
from projections.inspectionfile import InspectionFile, SpotCheckTask
from projections.kind_statistics import KIND_METRIC_LABELS, KIND_RATES, complaint_facts, licence_facts
from projections.labels import STEP_LABELS
from projections.licencefile import LicenceFile

__all__ = ["METRIC_LABELS", "MONEY_METRICS", "RATES", "facts", "rates"]

Fact = tuple[str, int, str, int]

METRIC_LABELS: Final[dict[str, str]] = {
    "cases.registered": "立案数", "cases.general": "普通程序案件", "cases.summary": "简易程序案件",
    "decisions.total": "作出决定数", "decisions.penalty": "行政处罚决定", "decisions.no_penalty": "不予处罚决定",
    "decisions.transfer": "移送司法机关", "decisions.corrected": "自行纠错（变更、撤销、确认违法或无效）",
    "fines.count": "罚款决定数", "fines.amount_fen": "罚款金额（分）", "fines.paid_fen": "已缴纳罚没款（分）",
    "publication.required": "应公开的处罚决定", "publication.published": "已公开",
    "publication.timely": "按期公开（7个工作日内）", "publication.late": "逾期公开",
    "publication.withdrawn": "撤下公开信息", "publication.suppressed": "依法不予公开",
    "reconsideration.received": "被申请行政复议", "reconsideration.decided": "复议决定",
    "reconsideration.corrected": "复议纠错", "litigation.filed": "被提起行政诉讼", "litigation.judgments": "收到裁判",
    "litigation.corrected": "诉讼纠错（败诉）", "litigation.hearings": "开庭次数",
    "litigation.head_appeared": "负责人出庭次数", "rectification.ordered": "责令整改",
    **KIND_METRIC_LABELS,
    **COERCION_METRIC_LABELS,
    **INSPECTION_METRIC_LABELS,
}

MONEY_METRICS: Final[dict[str, str]] = {"fines.amount_fen": "罚款金额", "fines.paid_fen": "已缴纳罚没款"}
"""The counts that are money (integer fen in the table and in JSON): their label where a person reads
them in yuan (``domain.money.yuan``: ``projections stats``, the spreadsheets)."""

RATES: Final[dict[str, tuple[str, str, str]]] = {
    "reconsideration.correction_rate": ("复议纠错率", "reconsideration.corrected", "reconsideration.decided"),
    "litigation.correction_rate": ("诉讼纠错率（败诉率）", "litigation.corrected", "litigation.judgments"),
    "litigation.appearance_rate": ("负责人出庭率", "litigation.head_appeared", "litigation.hearings"),
    "publication.timeliness": ("公开及时率", "publication.timely", "publication.required"),
    **KIND_RATES,
    **COERCION_RATES,
    **INSPECTION_RATES,
}
"""Rates computed when read: name → (label, numerator metric, denominator metric)."""


def _year(moment: datetime | None) -> int | None:
    return moment.astimezone(SHANGHAI).year if moment is not None else None


@lru_cache(maxsize=131072)
def _year_of_text(text: str) -> int:
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return 0
    return moment.astimezone(SHANGHAI).year if moment.tzinfo is not None else moment.year


_STEP_METRIC: Final[dict[str, str]] = {name: f"steps.{name}" for name in STEP_LABELS}


def facts(group: Folded, calendar: WorkingCalendar) -> list[Fact]:
    """The counts one file contributes, summed per (agency, year, metric) (licence and complaint
    files: :mod:`projections.kind_statistics`)."""
    if isinstance(group, LicenceFile):
        return licence_facts(group)
    if isinstance(group, ComplaintFile):
        return complaint_facts(group)
    if isinstance(group, CoercionFile):
        return coercion_facts(group)
    if isinstance(group, InspectionFile):
        return inspection_facts(group)
    if isinstance(group, SpotCheckTask):
        return spotcheck_facts(group)
    found = _case_facts(group, calendar)
    if isinstance(group, CaseFile) and (group.measures or group.enforcement is not None):
        found = sorted(found + measure_facts(group.agency, group.measures, group.enforcement))
    return found


def _case_facts(group: CaseFile | SupervisionFile, calendar: WorkingCalendar) -> list[Fact]:
    """A case group's or a supervision stream's counts."""
    counts: Counter[tuple[str, int, str]] = Counter()

    def add(agency: str | None, year: int | None, metric: str, value: int = 1) -> None:
        if year is not None and value:
            counts[(agency or "", year, metric)] += value

    if isinstance(group, SupervisionFile):
        for line in group.timeline:
            add(group.agency, _year(line.at), f"steps.{line.type}")
            if line.type == "RectificationOrdered":
                add(group.agency, _year(line.at), "rectification.ordered")
        return [(a, y, m, v) for (a, y, m), v in sorted(counts.items())]
    cf = group
    agency = cf.agency
    counts.update((agency or "", _year_of_text(line.at_text), _STEP_METRIC.get(line.type) or f"steps.{line.type}")
                  for line in cf.timeline if line.at_text)
    if cf.registered_at is not None:
        year = _year(cf.registered_at)
        add(agency, year, "cases.registered")
        add(agency, year, f"cases.{cf.procedure or 'unknown'}")
    decision = cf.decision
    if decision is not None:
        year = _year(decision.at)
        add(agency, year, "decisions.total")
        add(agency, year, "decisions.penalty" if decision.outcome == "penalty" else "decisions.no_penalty")
        add(agency, year, f"outcomes.{decision.outcome}")
        for penalty in decision.penalties:
            add(agency, year, f"penalties.{penalty.type}")
        if decision.fine_fen:
            add(agency, year, "fines.count")
            add(agency, year, "fines.amount_fen", decision.fine_fen)
            add(agency, year, "fines.paid_fen", min(cf.paid_fen, decision.fine_fen))
    if cf.transferred_at is not None:
        add(agency, _year(cf.transferred_at), "decisions.transfer")
    for correction in cf.corrections:
        when = correction.get("effective_at")
        moment = datetime.fromisoformat(when.replace("Z", "+00:00")) if isinstance(when, str) else None
        add(agency, _year(moment) if moment and moment.tzinfo else None, "decisions.corrected")
    publication = next((d for d in cf.deadlines if d.rule == "PEN-40"), None)
    if publication is not None and decision is not None:
        year = _year(decision.at)
        add(agency, year, "publication.required")
        if publication.done_on is not None:
            state = calendar.deadline_state(publication.due, publication.done_on, publication.done_on)
            add(agency, year, "publication.timely" if state == "met" else "publication.late")
    for pub in cf.penalty_publications:
        add(agency, _year(pub.published_at), "publication.published")
        if pub.withdrawal is not None:
            add(agency, _year(pub.withdrawal.withdrawn_at), "publication.withdrawn")
    if cf.suppressions and decision is not None:
        add(agency, _year(decision.at), "publication.suppressed")
    for review in cf.reviews:
        add(agency, _year(review.received_at), "reconsideration.received")
        for line in review.timeline:
            add(agency, _year(line.at), f"steps.{line.type}")
        if review.decision is not None:
            year = _year(review.decided_at)
            add(agency, year, "reconsideration.decided")
            add(agency, year, f"reconsideration.{review.decision}")
            if review.corrective:
                add(agency, year, "reconsideration.corrected")
    for suit in cf.lawsuits:
        add(agency, _year(suit.filed_at), "litigation.filed")
        for line in suit.timeline:
            add(agency, _year(line.at), f"steps.{line.type}")
        for hearing in suit.hearings:
            add(agency, _year(hearing.hearing_at), "litigation.hearings")
            if hearing.head_appeared:
                add(agency, _year(hearing.hearing_at), "litigation.head_appeared")
        for judgment in suit.judgments:
            year = _year(judgment.received_at)
            add(agency, year, "litigation.judgments")
            add(agency, year, f"litigation.{judgment.outcome}")
            if judgment.corrective:
                add(agency, year, "litigation.corrected")
    return sorted((a, y, m, v) for (a, y, m), v in counts.items() if y)


def rates(counts: Mapping[str, int]) -> dict[str, float | None]:
    """The rates of one agency-year from its counts; None when the denominator is zero."""
    out: dict[str, float | None] = {}
    for name, (_, numerator, denominator) in RATES.items():
        below = counts.get(denominator, 0)
        out[name] = round(counts.get(numerator, 0) / below, 4) if below else None
    return out
