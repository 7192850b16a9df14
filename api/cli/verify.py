"""``enforcement-ledger verify``: hashes, signatures, chains, versions, global order and the log."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from api.settings import Settings
from api.wiring import open_ledger
from ledger.translog import verify_log
from ledger.verify import iter_problem_lines, terminal_progress, verify_store


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("verify", help="校验整个账本: 哈希、签名、链、版本、全局顺序与透明日志")
    p.add_argument("--json", action="store_true", help="输出 JSON")
    p.add_argument("--log-key", help="用公布的日志公钥 (C2SP vkey) 核对检查点; 默认用账本中记录的公钥")
    p.add_argument("--workers", type=int, default=None, help="校验工作进程数 (默认: CPU 核数)")
    p.set_defaults(run=run)


def run(settings: Settings, args: argparse.Namespace) -> int:
    ledger = open_ledger(settings, keys=False)
    try:
        report = verify_store(ledger.store, workers=args.workers, progress=terminal_progress())
        report.problems.extend(verify_log(ledger.store, args.log_key) if args.log_key else verify_log(ledger.store))
        report.problems.sort(key=lambda p: (p.position, p.what))
    finally:
        ledger.close()
    if sys.stderr.isatty():
        sys.stderr.write("\n")
    if args.json:
        print(json.dumps(report.as_json(), ensure_ascii=False, indent=2))
    else:
        for line in iter_problem_lines(report):
            print(line)
        verdict = "完好" if report.ok else f"发现 {len(report.problems)} 个问题"
        print(f"账本校验: {report.events} 个事件, {report.streams} 个流, {verdict}")
    return 0 if report.ok else 1
