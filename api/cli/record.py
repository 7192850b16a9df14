"""``enforcement-ledger record FILE``: record one step through the live gates."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import orjson

from api.settings import Settings
from api.wiring import open_ledger
from domain.errors import StepRefused


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("record", help="记录一个步骤 (JSON 文件, - 为标准输入)")
    p.add_argument("file", help="步骤 JSON 文件")
    p.add_argument("--json", action="store_true", help="输出 JSON")
    p.set_defaults(run=run)


def run(settings: Settings, args: argparse.Namespace) -> int:
    raw = sys.stdin.buffer.read() if args.file == "-" else Path(args.file).read_bytes()
    try:
        step = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        print(f"拒绝: [STRUCT-JSON] 不是合法的 JSON: {exc}", file=sys.stderr)
        return 1
    ledger = open_ledger(settings)
    try:
        appended = ledger.record([step], actor=settings.actor)[0]
    except StepRefused as exc:
        print(f"拒绝: {exc}", file=sys.stderr)
        return 1
    finally:
        ledger.close()
    if args.json:
        print(json.dumps(appended.__dict__, ensure_ascii=False))
    else:
        print(f"已记录 {appended.stream} v{appended.version} {appended.type} (哈希 {appended.hash})")
    return 0
