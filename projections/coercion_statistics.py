"""Statistics facts of coercive measures and enforcement, per agency and year, whichever stream holds them.

Why apart from :mod:`projections.kind_statistics`: a measure is counted the same on a ``coercion/``
stream and inside a penalty case (:func:`measure_facts` over :mod:`projections.measures`' records);
:func:`projections.statistics.facts` adds them to a case's counts and :func:`coercion_facts` to a
强制 file's steps. On time (COE-08) is the measure's end — the last item disposed of or released —
within its period (``domain.limits.within``: a last day the calendar does not know yet is neither),
counted in the year it ended, as its denominator is.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date, datetime
from typing import Final

from domain.calendar import SHANGHAI
from domain.limits import within
from projections.coercionfile import CoercionFile
from projections.measures import EnforcementRecord, MeasureRecord

__all__ = ["COERCION_METRIC_LABELS", "COERCION_RATES", "coercion_facts", "measure_facts"]

Fact = tuple[str, int, str, int]

COERCION_METRIC_LABELS: Final[dict[str, str]] = {
    "measures.imposed": "实施行政强制措施（查封、扣押、冻结）", "measures.emergency": "当场实施（紧急情况）",
    "measures.seal": "查封", "measures.seize": "扣押", "measures.freeze": "冻结",
    "measures.ended": "强制措施解除或处理完毕", "measures.released": "解除强制措施",
    "measures.disposed": "作出处理决定", "measures.ended_on_time": "期限内解除或处理（COE-08）",
    "measures.ended_late": "超期解除或处理", "measures.extended": "延长强制措施期限",
    "enforcements.demanded": "催告", "enforcements.decided": "作出强制执行决定",
    "enforcements.substitute": "代履行决定", "enforcements.carried_out": "强制执行完毕",
    "enforcements.terminated": "强制执行终结",
}
COERCION_RATES: Final[dict[str, tuple[str, str, str]]] = {
    "measure.timeliness": ("强制措施期限内解除或处理率（COE-08）", "measures.ended_on_time", "measures.ended"),
}


def _year(moment: datetime | date | None) -> int | None:
    if moment is None:
        return None
    return moment.astimezone(SHANGHAI).year if isinstance(moment, datetime) else moment.year


def measure_facts(agency: str | None, measures: Sequence[MeasureRecord],
                  enforcement: EnforcementRecord | None) -> list[Fact]:
    """The counts the measures and the enforcement of one stream contribute to its agency."""
    counts: Counter[tuple[str, int, str]] = Counter()

    def add(when: datetime | date | None, metric: str) -> None:
        year = _year(when)
        if year is not None:
            counts[(agency or "", year, metric)] += 1

    for m in measures:
        add(m.started_at, "measures.imposed")
        add(m.started_at, f"measures.{m.measure}")
        if m.emergency:
            add(m.started_at, "measures.emergency")
        if m.extensions:
            add(m.started_at, "measures.extended")
        if m.ended_on is not None:
            add(m.ended_on, "measures.ended")
            add(m.ended_on, "measures.released" if m.status == "released" else "measures.disposed")
            met = within(m.end, m.ended_on) if m.end is not None else None
            if met is not None:
                add(m.ended_on, "measures.ended_on_time" if met else "measures.ended_late")
    if enforcement is not None:
        for demand in enforcement.demands:
            add(demand.served_on, "enforcements.demanded")
        for decision in enforcement.decisions:
            add(decision.at, "enforcements.decided")
            if decision.type == "SubstituteDecisionServed" or decision.method == "substitute":
                add(decision.at, "enforcements.substitute")
        done = next((a for a in enforcement.carried_out if a.result == "done"), None)
        if done is not None:
            add(done.ended_at or done.at, "enforcements.carried_out")
        elif enforcement.terminated and enforcement.decisions:
            add(enforcement.decisions[-1].at, "enforcements.terminated")
    return sorted((a, y, metric, v) for (a, y, metric), v in counts.items())


def coercion_facts(f: CoercionFile) -> list[Fact]:
    """A 强制 file's counts: its steps and its measures and enforcement."""
    counts: Counter[tuple[str, int, str]] = Counter()
    for line in f.timeline:
        year = _year(line.at)
        if year is not None:
            counts[(f.agency or "", year, f"steps.{line.type}")] += 1
    for agency, year, metric, value in measure_facts(f.agency, f.measures,
                                                     f.enforcement if f.enforcement.exists else None):
        counts[(agency, year, metric)] += value
    return sorted((a, y, metric, v) for (a, y, metric), v in counts.items())
