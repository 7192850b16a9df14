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
from typing import Any

from api.calendar_reach import calendar_reach
from api.settings import Settings
from api.wiring import open_ledger


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "calendar", help="工作日历覆盖到哪一天: chinesecalendar 与账本中记录的放假通知",
        description="显示工作日历的覆盖范围。期限若落在未覆盖的年份, 计算结果为暂定; "
                    "记录该年的 HolidayNoticePublished 步骤 (calendar/<年份>) 后即为确定。",
    )
    p.add_argument("--json", action="store_true", help="输出 JSON")
    p.set_defaults(run=run)


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
