"""The command line: ``enforcement-ledger [--data DIR] [--as ID] COMMAND``.

Exit status: 0 success; 1 the subject is bad (a refused step, a failed verification);
2 usage or setup errors.
"""

from __future__ import annotations

import argparse
import functools
import sys
from collections.abc import Callable, Sequence
from typing import Final

from api.cli import (
    audit,
    backup,
    calendar,
    demo,
    documents,
    draw,
    export,
    import_steps,
    init,
    log,
    projections,
    record,
    serve,
    token,
    verify,
    verify_export,
)
from api.settings import Settings, SettingsError
from ledger.keys import KeyStoreError

__all__ = ["COMMANDS", "build_parser", "main"]

COMMANDS: Final = (init, verify, record, import_steps, log, calendar, token, serve, documents, demo, projections,
                   audit, draw, export, verify_export, backup)
"""One module per command, in the order of ``--help``; each ``register`` sets ``run`` on its parser."""

EPILOG = """\
环境变量: LEDGER_DATA (数据目录, 默认 ./var), LEDGER_ACTOR (默认 officer/admin),
LEDGER_KEY_PASSPHRASE 或 LEDGER_KEY_PASSPHRASE_FILE (密钥库口令),
LEDGER_POSTGRES_DSN (使用 PostgreSQL 存储), LEDGER_LOG_ORIGIN (透明日志 origin, init 时选定).

例:
  enforcement-ledger init
  enforcement-ledger record step.json
  enforcement-ledger verify --json
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="enforcement-ledger",
        description="行政执法账本: 每个执法步骤都是不可更改的签名事件。",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--data", help="数据目录 (LEDGER_DATA, 默认 ./var)")
    parser.add_argument("--config", help="法定参数 TOML 文件 (LEDGER_CONFIG)")
    parser.add_argument("--as", dest="actor", help="执行身份 (LEDGER_ACTOR, 默认 officer/admin)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    for command in COMMANDS:
        command.register(sub)
    return parser


@functools.cache
def _parser() -> argparse.ArgumentParser:
    """The parser, built once a process: building it (240 subparsers) costs more than most commands
    that a test runs in process; parsing leaves it unchanged."""
    return build_parser()


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        settings = Settings.load(args.data, args.actor, args.config)
        run: Callable[[Settings, argparse.Namespace], int] = args.run
        return run(settings, args)
    except (SettingsError, KeyStoreError) as exc:
        print(f"错误: {exc}", file=sys.stderr)
        return 2
