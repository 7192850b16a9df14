"""``enforcement-ledger import FILE``: record steps from JSON Lines, batch by batch, resumable."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import Any

from api.settings import Settings
from api.wiring import open_ledger
from ledger.importer import DEFAULT_BATCH, import_lines


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "import", help="导入步骤 (JSON Lines, 每行一个); 可重复运行, 已记录的步骤自动跳过",
        description="按批提交; 在第一条被拒绝的行停止并报告行号、规则编号和原因, 之前的行保持已记录。"
                    " --backfill (补录) 只做结构校验, 由 --as 身份 (须为管理员) 签名。",
    )
    p.add_argument("file", help="JSON Lines 文件 (- 为标准输入)")
    p.add_argument("--backfill", action="store_true", help="补录纸质历史: 不做法定闸门校验, 导入人签名")
    p.add_argument("--batch", type=int, default=DEFAULT_BATCH, help=f"每批提交的行数 (默认 {DEFAULT_BATCH})")
    p.add_argument("--json", action="store_true", help="输出 JSON")
    p.set_defaults(run=run)


def run(settings: Settings, args: argparse.Namespace) -> int:
    if args.batch < 1:
        print("错误: --batch 应为正整数", file=sys.stderr)
        return 2
    source = sys.stdin.buffer if args.file == "-" else open(args.file, "rb")
    ledger = open_ledger(settings)
    try:
        with source:
            result = import_lines(ledger, source, actor=settings.actor, backfill=args.backfill,
                                  batch_size=args.batch, progress=line_progress())
    finally:
        ledger.close()
        if sys.stderr.isatty():
            sys.stderr.write("\n")
    if args.json:
        print(json.dumps(result.as_json(), ensure_ascii=False))
    else:
        print(f"导入: 记录 {result.recorded} 步, 跳过已记录 {result.skipped} 步")
        if result.refusal is not None:
            print(str(result.refusal), file=sys.stderr)
    return 1 if result.refusal is not None else 0


def line_progress() -> Callable[[int], None] | None:
    if not sys.stderr.isatty():
        return None

    def show(line: int) -> None:
        sys.stderr.write(f"\r已处理 {line} 行")
        sys.stderr.flush()

    return show
