"""Statistics facts of inspection files and spot-check tasks (per agency, year and metric).

Why apart from :mod:`projections.kind_statistics`: inspections count their own things — results by
kind, INS-10's publication on time, referrals — and a task counts whether its recorded draw
re-derives (``projections.inspection_tables.draw_report``: commitment, seed, snapshot hash, indices
and inspectors; the beacon is the ledger's to confirm). Inspections per object against the yearly
cap (INS-06) need every inspection of an object, so they are counted when read
(``projections.inspection_queries.inspection_frequency``), not here. Years are Asia/Shanghai years.
"""

from __future__ import annotations

from typing import Final

from projections.inspection_tables import draw_report
from projections.inspectionfile import InspectionFile, SpotCheckTask
from projections.kind_statistics import Counts, Fact, timely

__all__ = ["INSPECTION_METRIC_LABELS", "INSPECTION_RATES", "inspection_facts", "spotcheck_facts"]

INSPECTION_METRIC_LABELS: Final[dict[str, str]] = {
    "inspections.opened": "实施行政检查", "inspections.random": "双随机抽查检查", "inspections.targeted": "其他检查",
    "inspections.concluded": "作出检查结果", "inspections.compliant": "未发现问题",
    "inspections.correction_ordered": "责令改正", "inspections.violation_found": "发现违法",
    "inspections.referred": "移送立案或其他机关", "inspections.published": "公开检查结果",
    "inspections.published_on_time": "按期公开检查结果（INS-10）", "inspections.published_late": "逾期公开检查结果",
    "spotchecks.planned": "制定双随机抽查计划", "spotchecks.drawn": "随机抽取",
    "spotchecks.rederived": "抽取可复算（INS-02）", "spotchecks.not_rederived": "抽取不可复算",
    "spotchecks.completed": "完成抽查任务",
}
INSPECTION_RATES: Final[dict[str, tuple[str, str, str]]] = {
    "inspection.publication_timeliness": ("检查结果按期公开率（INS-10）", "inspections.published_on_time",
                                          "inspections.concluded"),
    "spotcheck.rederivation_rate": ("随机抽取复算一致率（INS-02）", "spotchecks.rederived", "spotchecks.drawn"),
}
_RESULTS: Final = frozenset({"compliant", "correction_ordered", "violation_found"})


def inspection_facts(f: InspectionFile) -> list[Fact]:
    """The counts one inspection file contributes to its agency."""
    c = Counts()
    agency = f.agency
    for line in f.timeline:
        c.add(agency, line.at, f"steps.{line.type}")
    c.add(agency, f.opened_at, "inspections.opened")
    c.add(agency, f.opened_at, "inspections.random" if f.origin.drawn else "inspections.targeted")
    if f.result is not None:
        c.add(agency, f.result.at, "inspections.concluded")
        if f.result.result in _RESULTS:
            c.add(agency, f.result.at, f"inspections.{f.result.result}")
        found = timely(f.deadlines, "INS-10")
        if found is not None:  # counted in the conclusion's year, as its denominator is
            c.add(agency, f.result.at, "inspections.published_on_time" if found[1] else "inspections.published_late")
    for referral in f.referrals:
        c.add(agency, referral.at, "inspections.referred")
    for pub in f.publications:
        c.add(agency, pub.published_at, "inspections.published")
    return c.facts()


def spotcheck_facts(task: SpotCheckTask) -> list[Fact]:
    """The counts one spot-check task contributes: planned, drawn, whether the draw re-derives, completed."""
    c = Counts()
    agency = task.agency
    for line in task.timeline:
        c.add(agency, line.at, f"steps.{line.type}")
    c.add(agency, task.planned_at, "spotchecks.planned")
    report = draw_report(task)
    if task.draw is not None and report is not None:
        c.add(agency, task.draw.at, "spotchecks.drawn")
        c.add(agency, task.draw.at, "spotchecks.rederived" if report.ok else "spotchecks.not_rederived")
    c.add(agency, task.completed_on, "spotchecks.completed")
    return c.facts()
