"""``enforcement-ledger draw verify spotcheck/…``: re-derive a 双随机 draw from what the ledger recorded.

Anyone holding the ledger can check that a spot check's objects and inspectors were not chosen:
the secret matches the commitment recorded in the plan before the directory snapshots, the seed
is SHA-256(secret ‖ the beacon checkpoint's root), and ``ledger-draw-v1`` (``domain.draw``) run on
the snapshots' counts gives exactly the recorded indices and inspectors (``audit.draw_check``).
The beacon must be a signed checkpoint of this ledger; for a 补录 (``import --backfill``) draw
whose checkpoint this ledger does not hold it is reported as "unverified" and everything else is
still checked.

Exit status: 0 the draw re-derives (unverified parts allowed); 1 a check failed; 2 usage errors
(no such stream, not a ``spotcheck/`` stream).
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from api.settings import Settings, SettingsError
from api.wiring import open_ledger
from audit.draw_check import FAIL, OK, DrawReport, verify_draw
from projections.inspectionfile import fold_spotchecktask

__all__ = ["register", "run"]

EPILOG = """\
检查内容 / what is checked: 算法 algorithm; SHA-256(seed_secret) = seed_commitment; seed = SHA-256(seed_secret ‖
beacon root); 信标为本账本已签名检查点 beacon is a signed checkpoint of this ledger (补录时为"未核验" unverified
when backfilled); 对象名录库快照哈希 objects snapshot hash; 抽中对象序号 drawn indices; 每个对象的检查人员及替补
inspectors of each object and their replacements.

退出码 / exit status: 0 复算一致 re-derived; 1 有检查不通过 a check failed; 2 用法错误 usage error.

例 / example:
  enforcement-ledger draw verify spotcheck/DXH-CGJ-CC-2026-01
  enforcement-ledger draw verify spotcheck/DXH-CGJ-CC-2026-01 --json
"""

_MARKS = {OK: "✓ 通过 ok", FAIL: "✗ 不符 FAIL", "unverified": "? 未核验 unverified"}


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("draw", help="双随机抽取: 按账本记录复算抽查对象和检查人员 (draw verify)",
                              description="双随机抽取 (ledger-draw-v1, INS-02) / random spot-check draws")
    sub = p.add_subparsers(dest="draw_command", metavar="命令", required=True)
    v = sub.add_parser("verify", help="按记录的承诺、秘密值、检查点和名录库快照复算抽查对象和检查人员",
                       description="复算一次双随机抽取 / re-derive a recorded draw: 承诺 commitment、种子 seed、"
                                   "信标 beacon、抽中对象 objects、检查人员 inspectors。",
                       epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    v.add_argument("stream", help="抽查任务的流 / the spot check's stream, e.g. spotcheck/DXH-CGJ-CC-2026-01")
    v.add_argument("--json", action="store_true", help="输出 JSON / print JSON")
    v.set_defaults(run=run)


def report_of(settings: Settings, stream: str) -> DrawReport:
    """The draw of ``stream`` re-derived from this ledger (``SettingsError`` when there is none)."""
    if not stream.startswith("spotcheck/"):
        raise SettingsError(f"{stream} 不是抽查任务的流 (应为 spotcheck/…) / not a spotcheck/ stream")
    ledger = open_ledger(settings, keys=False)
    try:
        events = ledger.read(stream)
        if not events:
            raise SettingsError(f"账本中没有抽查任务 {stream} / no such stream in the ledger")
        task = fold_spotchecktask(stream, [e.envelope for e in events])
        backfilled = any(t.backfilled for t in task.timeline
                         if task.draw is not None and t.version == task.draw.version)
        return verify_draw(task, ledger.log, backfilled=backfilled)
    finally:
        ledger.close()


def run(settings: Settings, args: argparse.Namespace) -> int:
    report = report_of(settings, args.stream)
    if args.json:
        print(json.dumps(report.as_json(), ensure_ascii=False, indent=2))
    else:
        print(f"抽查任务 / spot check: {report.stream}（ledger-draw-v1）")
        for check in report.checks:
            print(f"  {_MARKS.get(check.status, check.status)}  {check.what} / {check.what_en}: {check.detail}")
        verdict = ("复算一致 / the draw re-derives" if report.ok
                   else "复算不一致 / the draw does NOT re-derive")
        print(f"结论 / verdict: {verdict}")
    return 0 if report.ok else 1
