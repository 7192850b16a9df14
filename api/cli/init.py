"""``enforcement-ledger init``: create the data directory, store, key store, first administrator and log origin."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from api.settings import Settings
from api.wiring import init_ledger


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("init", help="创建数据目录、存储、加密密钥库、初始管理员 officer/admin 和透明日志 origin"
                                            " (PostgreSQL: 加入已有账本时沿用其密钥库与 origin)")
    p.set_defaults(run=run)


def run(settings: Settings, args: argparse.Namespace) -> int:
    ledger = init_ledger(settings)
    try:
        where = settings.postgres_dsn or settings.sqlite_path
        print(f"已初始化账本: {settings.data} (存储: {where}); 初始身份 officer/admin")
        origin = settings.log_origin()
        print(f"透明日志 origin: {origin} (记在 {settings.origin_path}; 每个检查点都署此名, 不再更改)")
        if settings.log_origin_override() is None and origin.startswith("enforcement-ledger.local/"):
            print("提示: 这是自动生成的唯一名称。正式部署请在 init 之前设置 LEDGER_LOG_ORIGIN 为"
                  "本机关的名称 (如 ledger.example.gov.cn/enforcement), 见 docs/transparency-log.md",
                  file=sys.stderr)
    finally:
        ledger.close()
    return 0
