"""``enforcement-ledger verify-export BUNDLE``: check a case export offline (``api.export_check``)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from api.export_check import check_export
from api.settings import Settings


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "verify-export", help="离线核验一件案卷导出 (目录或 zip): 全部签名、链与回执, 一次完成",
        description="不需要账本: 校验导出中每个事件的签名与密钥有效期、每个流的哈希链、"
                    "每个回执的日志签名与包含证明。请另行把 log.vkey 与机关公布的日志公钥比对。",
    )
    p.add_argument("bundle", help="enforcement-ledger export 的输出目录, 或页面下载的 zip")
    p.add_argument("--json", action="store_true", help="输出 JSON")
    p.set_defaults(run=run)


def run(settings: Settings, args: argparse.Namespace) -> int:
    report = check_export(Path(args.bundle))
    if args.json:
        print(json.dumps(report.as_json(), ensure_ascii=False))
    else:
        for line in report.problems:
            print(f"失败: {line}")
        for label in report.uncovered:
            print(f"尚无回执: {label}")
        verdict = "核验通过" if report.ok else f"核验失败 ({len(report.problems)} 处)"
        print(f"{verdict}: {report.case} {report.events} 个事件, {report.streams} 个流, "
              f"{report.signatures} 个签名有效, {report.receipts} 个回执有效, {len(report.uncovered)} 个尚无回执")
    return 0 if report.ok else 1
