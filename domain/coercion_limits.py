"""The time limits of a coercive measure (行政强制措施: 查封、扣押、冻结; COE-04, COE-07, COE-11; CAL-07, CAL-08).

Why their own arithmetic: a measure's 30 days are natural days from the day after it, and the last
day is **not** moved forward when it is a non-working day (CAL-08, ``coercion.roll_forward``: the
measure must be disposed of or released by then); notified 检测、检验、检疫、技术鉴定 periods add their
natural days (第25条第3款, CAL-07); one extension of at most 30 days counts only when a head approved
it while the period ran (``domain.extensions``, the one rule for every extension); the emergency
report and approval are clock hours (第19条). Pure: a stream's steps as plain mappings (a ``case/``
or ``coercion/`` stream: the measure steps are the same on both), the configuration, the item's
terms (``domain.config.effective_coercion_terms``) and the calendar.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import partial
from typing import Any, Final

from domain.calendar import Deadline, WorkingCalendar, shanghai_date
from domain.config import CoercionLimits, Config
from domain.extensions import ExtendedPeriod, Extension, extend_period
from domain.limits import ExcludedSpan, excluded_days, excluded_spans, step_day
from domain.reading import int_of, mapping_of
from domain.registry import step_time

__all__ = [
    "MEASURE_STEPS",
    "TESTING_REASONS",
    "HourLimit",
    "MeasurePeriod",
    "emergency_limits",
    "freeze_decision_due",
    "measure_end",
    "measure_period",
    "measure_started_at",
    "publication_due",
]

MEASURE_STEPS: Final = frozenset({"SeizureImposed", "FreezeImposed"})
"""The steps that open a measure (``measure_id``)."""
TESTING_REASONS: Final = frozenset({"testing", "inspection", "quarantine", "appraisal"})
"""第25条第3款's 检测、检验、检疫、技术鉴定: the only periods a measure's clock excludes (COE-09)."""
_ONE_DAY: Final = timedelta(days=1)
_MAX_WALK: Final = 3660


def measure_end(calendar: WorkingCalendar, started_on: date, days: int, *, excluded: Collection[date] = (),
                roll_forward: bool = False) -> Deadline:
    """The last day of ``days`` natural days after ``started_on`` (start day excluded, CAL-02), every
    excluded day not counted (CAL-07); not moved forward unless ``roll_forward`` (CAL-08)."""
    day, left, walked = started_on, days, 0
    while left > 0:
        day += _ONE_DAY
        walked += 1
        if walked > _MAX_WALK:
            raise OverflowError(f"自 {started_on} 起的期间过长")
        if day not in excluded:
            left -= 1
    return calendar.roll_forward(day) if roll_forward else Deadline(day)


def measure_started_at(entry: Mapping[str, Any]) -> datetime:
    """When a measure began: ``SeizureImposed.started_at`` / ``FreezeImposed.frozen_at``, else the step's ``at``."""
    data = mapping_of(entry.get("data"))
    member = "frozen_at" if entry.get("type") == "FreezeImposed" else "started_at"
    text = data.get(member)
    if isinstance(text, str):
        try:
            found = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            found = None
        if found is not None and found.utcoffset() is not None:
            return found
    return step_time(entry)


@dataclass(frozen=True, slots=True)
class MeasurePeriod:
    """One measure's period: the decided days (at most the maximum), the one extension judged, the
    notified testing spans and the resulting last day (``period.due``)."""

    measure_id: str
    measure: str
    started_on: date
    decided_days: int
    maximum: CoercionLimits
    period: ExtendedPeriod
    excluded: tuple[ExcludedSpan, ...]
    further_extensions: tuple[Extension, ...]
    """Extensions after the first: void (第25条 allows one), the COE-07 gate refuses them."""

    @property
    def due(self) -> Deadline:
        return self.period.due


def _opening(history: Sequence[Mapping[str, Any]], measure_id: str) -> Mapping[str, Any] | None:
    for entry in history:
        if entry.get("type") in MEASURE_STEPS and mapping_of(entry.get("data")).get("measure_id") == measure_id:
            return entry
    return None


def _decided_days(history: Sequence[Mapping[str, Any]], opening: Mapping[str, Any], measure_id: str) -> int | None:
    """The ``days`` of the measure's decision: the seizure's own, or the 冻结决定书's."""
    days = int_of(mapping_of(mapping_of(opening.get("data")).get("decision")).get("days"))
    if days is not None:
        return days
    for entry in history:
        data = mapping_of(entry.get("data"))
        if entry.get("type") == "FreezeDecisionServed" and data.get("measure_id") == measure_id:
            return int_of(mapping_of(data.get("decision")).get("days"))
    return None


def _extensions(history: Sequence[Mapping[str, Any]], measure_id: str) -> list[Extension]:
    out = []
    for position, entry in enumerate(history):
        data = mapping_of(entry.get("data"))
        if entry.get("type") != "CoercionExtended" or data.get("measure_id") != measure_id:
            continue
        who = data.get("approved_by")
        out.append(Extension(int_of(entry.get("version")) or position + 1, step_day(entry),
                             int_of(data.get("days")) or 0, who if isinstance(who, str) else None))
    return sorted(out, key=lambda e: (e.approved_on, e.version))


def measure_period(history: Sequence[Mapping[str, Any]], measure_id: str, config: Config,
                   calendar: WorkingCalendar, terms: CoercionLimits) -> MeasurePeriod | None:
    """COE-07/COE-08's period of ``measure_id`` as recorded in ``history``; None before the measure.

    A decision over the maximum counts only up to it (the excess is void and COE-07 refuses it); a
    freezing without its 冻结决定书 yet runs for the maximum. Only the first ``CoercionExtended``
    counts, and only if recorded by the period's last day, up to ``terms.max_extension_days``.
    """
    opening = _opening(history, measure_id)
    if opening is None:
        return None
    started_on = shanghai_date(measure_started_at(opening))
    decided = _decided_days(history, opening, measure_id)
    days = terms.max_days if decided is None else max(0, min(decided, terms.max_days))
    spans = tuple(s for s in excluded_spans(history, measure_id) if s.reason in TESTING_REASONS)
    count = partial(measure_end, calendar, started_on, excluded=excluded_days(spans),
                    roll_forward=config.coercion.roll_forward)
    extensions = _extensions(history, measure_id)
    period = extend_period(count, days, extensions[:1], max_days=terms.max_extension_days)
    return MeasurePeriod(measure_id, str(mapping_of(opening.get("data")).get("measure") or
                                         ("freeze" if opening.get("type") == "FreezeImposed" else "")),
                         started_on, days, terms, period, spans, tuple(extensions[1:]))


# --------------------------------------------------------------------------- hours and short periods


@dataclass(frozen=True, slots=True)
class HourLimit:
    """A limit counted in clock hours between instants (CAL-08: nights and holidays included, not
    rounded to the next hour): from ``start``, the act is due by ``due`` inclusive."""

    key: str
    rule: str
    title: str
    start: datetime
    due: datetime
    done_at: datetime | None = None

    @property
    def in_time(self) -> bool | None:
        """Whether it was done by ``due``; None while not done."""
        return None if self.done_at is None else self.done_at <= self.due


def _instant(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        found = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return found if found.utcoffset() is not None else None


def emergency_limits(started_at: datetime, approval: Mapping[str, Any] | None, config: Config) -> tuple[HourLimit, ...]:
    """COE-04: for an emergency measure, the report to the head (``reported_at``) and the approval
    decision (its ``at``) each within ``coercion.emergency_*_hours`` of the measure's start."""
    cfg = config.coercion
    reported = approved = None
    if approval is not None:
        reported = _instant(mapping_of(approval.get("data")).get("reported_at"))
        approved = step_time(approval)
    return (
        HourLimit("COE-04/report", "COE-04", "情况紧急当场实施后二十四小时内向行政机关负责人报告", started_at,
                  started_at + timedelta(hours=cfg.emergency_report_hours), reported),
        HourLimit("COE-04/approval", "COE-04", "情况紧急当场实施后补办批准手续", started_at,
                  started_at + timedelta(hours=cfg.emergency_approval_hours), approved),
    )


def freeze_decision_due(calendar: WorkingCalendar, frozen_on: date, config: Config) -> Deadline:
    """COE-11: the 冻结决定书 within ``coercion.freeze_decision_wd`` WD of the freezing (第31条, 第69条)."""
    return calendar.add_working_days(frozen_on, config.coercion.freeze_decision_wd)


def publication_due(calendar: WorkingCalendar, decided_on: date, config: Config) -> Deadline:
    """TS-03 extended: a coercion or enforcement decision, or an inspection result, is published within
    ``publication.other_decision_wd`` WD (whether it must be: ``publication.coercion``, and
    ``domain.inspection_limits.publication_required``)."""
    return calendar.add_working_days(decided_on, config.publication.other_decision_wd)

