"""The time limits of enforcement by the agency (行政机关强制执行; ENF-02, ENF-06, ENF-08; CAL-09).

Why here: an enforcement decision may follow a written 催告 only after its ``due`` (第37条第1款); a
代履行 needs 3 WD strictly between its prior 催告 and the act (第51条第1款(二), 第69条, Q4); and no
part of an enforcement may fall at night or on a 法定节假日 (第43条第1款), read as every non-working
day of the calendar and 22:00–06:00 Asia/Shanghai (CAL-09, Q24). Pure: steps as plain mappings,
the configuration and the calendar.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, Final

from domain.calendar import SHANGHAI, WorkingCalendar
from domain.config import Enforcement
from domain.limits import day_of, step_day, working_days_strictly_between
from domain.reading import mapping_of

__all__ = [
    "DEMANDS",
    "Demand",
    "demand_passed",
    "demands",
    "forbidden_parts",
    "substitute_notice_in_time",
]

DEMANDS: Final = frozenset({"PaymentDemanded", "PerformanceDemanded"})
"""The written 催告 of 第35条: money (``PaymentDemanded``) and other obligations (``PerformanceDemanded``)."""


@dataclass(frozen=True, slots=True)
class Demand:
    """A 催告 as recorded: its type, position, the day it was served, its ``due`` and ``purpose``."""

    type: str
    position: int
    served_on: date
    due: date | None
    purpose: str | None
    receipt: bool


def demands(history: Sequence[Mapping[str, Any]]) -> tuple[Demand, ...]:
    """Every 催告 of the stream, in order; served on ``served_at``'s day, else the step's."""
    out = []
    for position, entry in enumerate(history):
        if entry.get("type") not in DEMANDS:
            continue
        data = mapping_of(entry.get("data"))
        purpose = data.get("purpose")
        out.append(Demand(str(entry.get("type")), position, step_day(entry, "served_at"), day_of(data.get("due")),
                          purpose if isinstance(purpose, str) else None, bool(data.get("receipt"))))
    return tuple(out)


def demand_passed(demand: Demand, day: date) -> bool:
    """ENF-02: the 履行期限 has passed on ``day`` (the decision comes after ``due``, not on it: the
    party may perform until the end of that day). A demand without ``due`` never passes."""
    return demand.due is not None and day > demand.due


def substitute_notice_in_time(calendar: WorkingCalendar, served_on: date, carried_on: date,
                              config: Enforcement) -> bool | None:
    """ENF-08: at least ``substitute_notice_wd`` WD strictly between the 代履行 催告 and the 代履行;
    None when a day of an unknown year leaves it open."""
    gap = working_days_strictly_between(calendar, served_on, carried_on)
    if gap.days >= config.substitute_notice_wd:
        return True
    return None if gap.provisional else False


def _nights(first: date, last: date, window: tuple[time, time]) -> list[tuple[datetime, datetime]]:
    """The night spans (Asia/Shanghai) that may touch the days ``first``–``last``."""
    start, end = window
    out = []
    day = first - timedelta(days=1)
    while day <= last:
        begins = datetime.combine(day, start, SHANGHAI)
        ends_on = day + timedelta(days=1) if end <= start else day
        out.append((begins, datetime.combine(ends_on, end, SHANGHAI)))
        day += timedelta(days=1)
    return out


def _touches(start: datetime, end: datetime, span: tuple[datetime, datetime]) -> bool:
    """Whether [start, end] meets the night [from, until): an act ending at 22:00 or starting at 06:00
    does not."""
    night_from, night_until = span
    if start == end:
        return night_from <= start < night_until
    return start < night_until and end > night_from


def forbidden_parts(calendar: WorkingCalendar, started_at: datetime, ended_at: datetime,
                    config: Enforcement) -> tuple[str, ...]:
    """CAL-09: why [``started_at``, ``ended_at``] falls at a forbidden time, in Chinese; empty when it
    does not. A day of an unknown year cannot be shown to be a working day, and is named too."""
    start, end = started_at.astimezone(SHANGHAI), ended_at.astimezone(SHANGHAI)
    if end < start:
        start, end = end, start
    out = []
    day = start.date()
    while day <= end.date():
        working = calendar.is_working_day(day)
        if working is None:
            out.append(f"{day} 所在年份的放假安排未知，不能确认为工作日")
        elif not working and (config.weekends_protected or calendar.is_declared_holiday(day) is not False):
            out.append(f"{day} 为法定节假日或休息日")
        day += timedelta(days=1)
    if any(_touches(start, end, span) for span in _nights(start.date(), end.date(), config.night_window())):
        out.append(f"{start:%Y-%m-%d %H:%M}–{end:%H:%M} 有部分处于夜间（{config.night}）")
    return tuple(out)
