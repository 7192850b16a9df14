"""Counting a legal period: the due date of ``n`` units from a start, and a deadline made of it."""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from domain.calendar import Deadline as DueDate
from domain.calendar import WorkingCalendar
from projections.casefile.model import Deadline


@lru_cache(maxsize=65536)
def period(calendar: WorkingCalendar, start: date, n: int, unit: str, roll: bool = True) -> DueDate:
    """``calendar``'s deadline of ``n`` units from ``start`` (memoised: files repeat the same periods)."""
    if unit == "WD":
        return calendar.add_working_days(start, n)
    if unit == "ND":
        return calendar.add_natural_days(start, n, roll=roll)
    return calendar.add_months(start, n, roll=roll)


def deadline_or_none(stream: str, key: str, rule: str, title: str, start: date | None, due: DueDate | None,
                     done_on: date | None, agency: str | None, holder: str = "agency") -> Deadline | None:
    """The deadline, or None when its start or due date is not known (backfilled gaps)."""
    if start is None or due is None:
        return None
    return Deadline(stream, key, rule, title, start, due, done_on, agency, holder)
