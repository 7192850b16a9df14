"""Time limits of the non-penalty files, and what they share: the result type, the reading of
step dates, the recorded extensions and the excluded periods (CAL-07).

Why here: the licence (``domain.licence_limits``) and complaint (``domain.complaint_limits``)
limits — and later the coercion and inspection ones — are pure functions of a stream's steps
(plain mappings as stored), the configuration and the working-day calendar. Each answers
``Limit`` rows that say their due date and whether it is *provisional* (it depends on a year
the calendar does not know, CAL-03), as ``domain.calendar.Deadline`` does for the penalty
deadlines; the projection turns them into its deadline rows and the audit judges them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Final

from domain.calendar import DayCount, Deadline, WorkingCalendar, shanghai_date
from domain.extensions import Extension, approval_day
from domain.reading import int_of, mapping_of
from domain.registry import step_time

__all__ = [
    "EXCLUDED_REASONS",
    "ExcludedSpan",
    "Limit",
    "day_of",
    "excluded_days",
    "excluded_spans",
    "first_day",
    "recorded_extensions",
    "step_day",
    "within",
    "working_days_strictly_between",
]

_ONE_DAY: Final = timedelta(days=1)
EXCLUDED_REASONS: Final = frozenset({
    "hearing", "tender", "auction", "inspection", "testing", "quarantine", "appraisal", "expert_review",
})
"""行政许可法 第45条's list (听证、招标、拍卖、检验、检测、检疫、鉴定、专家评审), as ``reason`` values."""


@dataclass(frozen=True, slots=True)
class Limit:
    """One legal time limit: its rule, what it is (Chinese), from when, until when, and when it
    was met. ``holder`` ``party`` marks a window the party holds (a hearing request, a renewal
    application): the agency waits for it, it is never the agency's breach."""

    key: str
    rule: str
    title: str
    start: date
    due: Deadline
    done_on: date | None = None
    holder: str = "agency"

    @property
    def provisional(self) -> bool:
        """Whether ``due`` depends on a year the calendar does not know (CAL-03)."""
        return self.due.provisional

    @property
    def in_time(self) -> bool | None:
        """Whether the act was done within the limit: None while not done, or when a provisional
        due date leaves it unknowable."""
        return None if self.done_on is None else within(self.due, self.done_on)


def within(due: Deadline, day: date) -> bool | None:
    """True if ``day`` is on or before ``due``, False if after, None if unknowable (CAL-03: a
    provisional due date is known to lie after its ``known_until``)."""
    if not due.provisional:
        return day <= due.due
    if due.known_until is not None and day <= due.known_until:
        return True
    return None


def working_days_strictly_between(calendar: WorkingCalendar, first: date, last: date) -> DayCount:
    """Working days strictly between two days, both ends excluded (Q4's reading of "七日前", "三日前"):
    a hearing notice and the hearing (LIC-09), the 代履行 催告 and the 代履行 (ENF-08)."""
    found = calendar.working_days_between(first, last)
    last_working = calendar.is_working_day(last)
    days = found.days - (1 if last_working is not False and last > first else 0)
    return DayCount(days, found.provisional or last_working is None)


# --------------------------------------------------------------------------- reading steps


def day_of(value: object) -> date | None:
    """The Asia/Shanghai date of an aware RFC 3339 time, or a plain ``YYYY-MM-DD`` date."""
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if len(value) == 10:
        return parsed.date()
    return shanghai_date(parsed) if parsed.tzinfo is not None and parsed.utcoffset() is not None else None


def step_day(entry: Mapping[str, Any], member: str | None = None) -> date:
    """The day a step's act happened: its ``member`` time (``served_at``, ``issued_at`` …) when
    stated and readable, else the step's own ``at``."""
    if member is not None:
        found = day_of(mapping_of(entry.get("data")).get(member))
        if found is not None:
            return found
    return shanghai_date(step_time(entry))


def first_day(history: Sequence[Mapping[str, Any]], types: Iterable[str], member: str | None = None,
              *, after: int = -1) -> date | None:
    """The day of the first step of one of ``types`` at a position after ``after``."""
    wanted = frozenset(types)
    for position, entry in enumerate(history):
        if position > after and entry.get("type") in wanted:
            return step_day(entry, member)
    return None


def recorded_extensions(history: Sequence[Mapping[str, Any]], rule: str) -> tuple[Extension, ...]:
    """The ``TimeLimitExtended`` steps naming ``rule``, as ``domain.extensions`` judges them:
    approved on the later of the step's day and any recorded ``approved_at``."""
    out = []
    for position, entry in enumerate(history):
        data = mapping_of(entry.get("data"))
        if entry.get("type") != "TimeLimitExtended" or data.get("rule") != rule:
            continue
        version = int_of(entry.get("version")) or position + 1
        approved = approval_day(step_day(entry), day_of(data.get("approved_at"))) or step_day(entry)
        who = data.get("approved_by")
        out.append(Extension(version, approved, int_of(data.get("days")) or 0, who if isinstance(who, str) else None))
    return tuple(out)


# --------------------------------------------------------------------------- excluded periods


@dataclass(frozen=True, slots=True)
class ExcludedSpan:
    """A notified excluded period (CAL-07): ``first``–``last`` inclusive, the days the clock stops.

    ``first`` is the later of ``from_on`` and the day the notice was served (time is excluded only
    once told in writing: 第45条 "应当将所需时间书面告知申请人"); ``last`` the earlier of ``until``
    and the matching ``ExcludedPeriodEnded.ended_on``. ``ended`` says whether that end was recorded.
    """

    reason: str
    measure_id: str | None
    first: date
    last: date
    ended: bool

    def days(self) -> frozenset[date]:
        if self.last < self.first:
            return frozenset()
        return frozenset(self.first + timedelta(days=i) for i in range((self.last - self.first).days + 1))


def _ended_on(history: Sequence[Mapping[str, Any]], position: int, reason: object,
              measure: object) -> date | None:
    """The ``ended_on`` of the first ``ExcludedPeriodEnded`` after ``position`` for the same reason
    (and measure), before any later notice for it."""
    for entry in history[position + 1:]:
        data = mapping_of(entry.get("data"))
        same = data.get("reason") == reason and data.get("measure_id") == measure
        if not same:
            continue
        if entry.get("type") == "ExcludedPeriodNotified":
            return None
        if entry.get("type") == "ExcludedPeriodEnded":
            return day_of(data.get("ended_on")) or step_day(entry)
    return None


def excluded_spans(history: Sequence[Mapping[str, Any]], measure_id: str | None = None) -> tuple[ExcludedSpan, ...]:
    """Every notified excluded period of the stream (of one ``measure_id`` on coercion streams). An
    ``ExcludedPeriodEnded`` without a notice excludes nothing (CAL-07); nor does a notice without a
    definite ``from_on`` and ``until`` (LIC-11's finding)."""
    out = []
    for position, entry in enumerate(history):
        if entry.get("type") != "ExcludedPeriodNotified":
            continue
        data = mapping_of(entry.get("data"))
        if data.get("measure_id") != measure_id:
            continue
        start, until = day_of(data.get("from_on")), day_of(data.get("until"))
        if start is None or until is None:
            continue
        served = step_day(entry, "served_at")
        ended = _ended_on(history, position, data.get("reason"), data.get("measure_id"))
        last = min(until, ended) if ended is not None else until
        out.append(ExcludedSpan(str(data.get("reason")), measure_id, max(start, served), last, ended is not None))
    return tuple(out)


def excluded_days(spans: Iterable[ExcludedSpan]) -> frozenset[date]:
    """The days of every span, overlapping spans counted once."""
    days: set[date] = set()
    for span in spans:
        days |= span.days()
    return frozenset(days)
