"""The demo's calendar: generated holiday notices for years the installed calendar lacks, and
working-day arithmetic over a precomputed table (the same answers as ``WorkingCalendar``)."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from datetime import date, timedelta
from typing import Final

import chinese_calendar

from demo.draw import DAY
from demo.model import ADMIN, Raw
from domain.calendar import LIBRARY_YEARS, WorkingCalendar


def holiday_notice_years(as_of: date) -> tuple[int, ...]:
    """The years of the demo's range the installed calendar does not know (they get a
    generated ``HolidayNoticePublished``)."""
    start = as_of - timedelta(days=365)
    return tuple(y for y in range(start.year, as_of.year + 1) if y not in LIBRARY_YEARS)


# 春节 (正月初一), 端午 and 中秋 of the years after chinesecalendar 1.11.0's last (2026).
_LUNAR: Final[dict[int, tuple[date, date, date]]] = {
    2027: (date(2027, 2, 6), date(2027, 6, 9), date(2027, 9, 15)),
    2028: (date(2028, 1, 26), date(2028, 5, 28), date(2028, 10, 3)),
    2029: (date(2029, 2, 13), date(2029, 6, 16), date(2029, 9, 22)),
    2030: (date(2030, 2, 3), date(2030, 6, 5), date(2030, 9, 12)),
    2031: (date(2031, 1, 23), date(2031, 6, 24), date(2031, 10, 1)),
    2032: (date(2032, 2, 11), date(2032, 6, 12), date(2032, 9, 19)),
    2033: (date(2033, 1, 31), date(2033, 6, 1), date(2033, 9, 8)),
    2034: (date(2034, 2, 19), date(2034, 6, 20), date(2034, 9, 27)),
    2035: (date(2035, 2, 8), date(2035, 6, 10), date(2035, 9, 16)),
}


def holiday_notice(year: int) -> Raw:
    """A plausible notice for a year the calendar lacks, marked as generated in ``source``:
    the statutory holidays of 全国年节及纪念日放假办法 without 调休 make-up days."""
    days: set[date] = {date(year, 1, 1)}
    days |= {date(year, 5, d) for d in range(1, 6)}
    days |= {date(year, 10, d) for d in range(1, 8)}
    try:
        qingming = [d for d, name in chinese_calendar.get_solar_terms(date(year, 4, 1), date(year, 4, 10))
                    if name == "清明"]
    except Exception:  # outside the library's solar-term table
        qingming = []
    days |= {qingming[0] + timedelta(days=k) for k in range(3)} if qingming else {date(year, 4, 5)}
    lunar = _LUNAR.get(year)
    if lunar is not None:
        spring, dragon, autumn = lunar
        days |= {spring + timedelta(days=k) for k in range(-1, 8)}
        days |= {dragon + timedelta(days=k) for k in range(3)}
        days |= {autumn + timedelta(days=k) for k in range(3)}
    holidays = sorted(d for d in days if d.year == year)
    return {
        "stream": f"calendar/{year}", "type": "HolidayNoticePublished", "by": ADMIN,
        "data": {"year": year, "holidays": [d.isoformat() for d in holidays], "workdays": [],
                 "source": f"演示数据：按《全国年节及纪念日放假办法》推定的{year}年放假安排（非国务院办公厅通知）"},
    }


class Workdays:
    """Working-day arithmetic over a precomputed table (the same answers as
    ``WorkingCalendar.add_working_days``/``roll_forward``, in O(log n))."""

    def __init__(self, calendar: WorkingCalendar, first: date, last: date) -> None:
        self._cal = calendar
        ords = []
        day = first
        while day <= last:
            known = calendar.is_working_day(day)
            working = known if known is not None else calendar.roll_forward(day).due == day
            if working:
                ords.append(day.toordinal())
            day += DAY
        self._ords = ords

    def add(self, day: date, n: int) -> date:
        """The n-th working day after ``day`` (start excluded); n = 0: ``day`` if it is one,
        else the next."""
        o = day.toordinal()
        i = bisect_left(self._ords, o) if n == 0 else bisect_right(self._ords, o) + n - 1
        if 0 <= i < len(self._ords) and (self._ords and o >= self._ords[0]):
            return date.fromordinal(self._ords[i])
        return (self._cal.roll_forward(day) if n == 0 else self._cal.add_working_days(day, n)).due

    def back(self, day: date) -> date:
        """The last working day on or before ``day``."""
        i = bisect_right(self._ords, day.toordinal()) - 1
        if i >= 0 and day.toordinal() <= self._ords[-1]:
            return date.fromordinal(self._ords[i])
        while self._cal.roll_forward(day).due != day:
            day -= DAY
        return day
