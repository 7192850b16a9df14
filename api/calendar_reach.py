"""How far the working-day calendar reaches (CAL-03/04): the library's years and the
``HolidayNoticePublished`` steps recorded on ``calendar/<year>`` streams, built with
``domain.admission.calendar_for`` — the function the live gates use. Shown by the
``calendar`` command and the service's health page.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from domain.admission import calendar_for
from domain.calendar import LIBRARY_VERSION, LIBRARY_YEARS, WorkingCalendar
from ledger.service import BatchView, Ledger

LOOKAHEAD_YEARS = 30
"""How many years past the library's last one are looked up for recorded notices."""


def calendar_reach(ledger: Ledger) -> dict[str, Any]:
    """What the calendar knows: library years, recorded notices, the last day known without a gap."""
    first, last = LIBRARY_YEARS.start, LIBRARY_YEARS.stop - 1
    view = BatchView(ledger)
    years = range(first, last + LOOKAHEAD_YEARS + 1)
    calendar: WorkingCalendar = calendar_for(view, first, span=(0, len(years) - 1))
    notices: list[dict[str, Any]] = []
    for notice in calendar.notices:
        stream = f"calendar/{notice.year}"
        version, _ = ledger.stream_head(stream)
        notices.append({
            "year": notice.year, "stream": stream, "version": version, "source": notice.source,
            "holidays": len(notice.holidays), "workdays": len(notice.workdays),
        })
    through: date = calendar.known_through()
    beyond = [int(n["year"]) for n in notices if int(n["year"]) > through.year]
    return {
        "library": {"package": "chinesecalendar", "version": LIBRARY_VERSION, "first_year": first,
                    "last_year": last, "through": date(last, 12, 31).isoformat()},
        "notices": notices,
        "known_through": through.isoformat(),
        "first_unknown_year": through.year + 1,
        "known_after_gap": beyond,
    }
