"""``enforcement-ledger calendar [--json]``: how far the working-day calendar reaches (CAL-03/04).

Working days come from the installed ``chinesecalendar`` and from the
``HolidayNoticePublished`` steps recorded on ``calendar/<year>`` streams (a notice wins
for its year). A deadline that depends on a day past the known stretch is provisional
until that year's notice is recorded; this command says where the stretch ends, so an
administrator knows when the next State Council notice must be recorded.

The calendar is built with ``domain.admission.calendar_for`` — the function the live gates
use — over ``calendar/<year>`` streams from the library's first year to
``LOOKAHEAD_YEARS`` past its last.
"""

from __future__ import annotations

import argparse
import json
from datetime import date
from typing import Any

from api.settings import Settings
from api.wiring import open_ledger
from domain.admission import calendar_for
from domain.calendar import LIBRARY_VERSION, LIBRARY_YEARS, WorkingCalendar
from ledger.service import BatchView, Ledger

LOOKAHEAD_YEARS = 30
"""How many years past the library's last one are looked up for recorded notices."""


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "calendar", help="工作日历覆盖到哪一天: chinesecalendar 与账本中记录的放假通知",
        description="显示工作日历的覆盖范围。期限若落在未覆盖的年份, 计算结果为暂定; "
                    "记录该年的 HolidayNoticePublished 步骤 (calendar/<年份>) 后即为确定。",
    )
    p.add_argument("--json", action="store_true", help="输出 JSON")


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


def run(settings: Settings, args: argparse.Namespace) -> int:
    ledger = open_ledger(settings, keys=False)
    try:
        reach = calendar_reach(ledger)
    finally:
        ledger.close()
    if args.json:
        print(json.dumps(reach, ensure_ascii=False, indent=2))
        return 0
    lib = reach["library"]
    print(f"工作日历: chinesecalendar {lib['version']} 覆盖 {lib['first_year']}–{lib['last_year']} 年")
    if reach["notices"]:
        for n in reach["notices"]:
            source = f"{n['source']}; " if n["source"] else ""
            print(f"已记录的放假通知: {n['year']} 年 ({source}{n['stream']} v{n['version']}, "
                  f"假日 {n['holidays']} 天, 调休上班 {n['workdays']} 天)")
    else:
        print("账本中没有记录放假通知 (HolidayNoticePublished)")
    unknown = reach["first_unknown_year"]
    print(f"连续可知至 {reach['known_through']}; {unknown} 年起的期限为暂定, "
          f"记录该年的 HolidayNoticePublished (calendar/{unknown}) 后即为确定")
    if reach["known_after_gap"]:
        years = "、".join(str(y) for y in reach["known_after_gap"])
        print(f"另有 {years} 年的通知, 但其前有未知年份")
    return 0
