"""The command line: ``enforcement-ledger [--data DIR] [--as ID] COMMAND``.

Exit status: 0 success; 1 the subject is bad (a refused step, a failed verification);
2 usage or setup errors.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import orjson

from api import (
    audit_cmd,
    calendar_cmd,
    cli_log,
    demo,
    documents_cmd,
    export_check,
    export_cmd,
    projections_cmd,
    serve_cmd,
    token_cmd,
)
from api.settings import Settings, SettingsError
from api.wiring import init_ledger, open_ledger
from domain.errors import StepRefused
from ledger.importer import DEFAULT_BATCH, import_lines
from ledger.keys import KeyStoreError
from ledger.translog import verify_log
from ledger.verify import iter_problem_lines, terminal_progress, verify_store

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

    sub.add_parser("init", help="创建数据目录、存储、加密密钥库、初始管理员 officer/admin 和透明日志 origin"
                                 " (PostgreSQL: 加入已有账本时沿用其密钥库与 origin)")

    p = sub.add_parser("verify", help="校验整个账本: 哈希、签名、链、版本、全局顺序与透明日志")
    p.add_argument("--json", action="store_true", help="输出 JSON")
    p.add_argument("--log-key", help="用公布的日志公钥 (C2SP vkey) 核对检查点; 默认用账本中记录的公钥")
    p.add_argument("--workers", type=int, default=None, help="验签线程数 (默认: CPU 核数)")

    p = sub.add_parser("record", help="记录一个步骤 (JSON 文件, - 为标准输入)")
    p.add_argument("file", help="步骤 JSON 文件")
    p.add_argument("--json", action="store_true", help="输出 JSON")

    p = sub.add_parser(
        "import", help="导入步骤 (JSON Lines, 每行一个); 可重复运行, 已记录的步骤自动跳过",
        description="按批提交; 在第一条被拒绝的行停止并报告行号、规则编号和原因, 之前的行保持已记录。"
                    " --backfill (补录) 只做结构校验, 由 --as 身份 (须为管理员) 签名。",
    )
    p.add_argument("file", help="JSON Lines 文件 (- 为标准输入)")
    p.add_argument("--backfill", action="store_true", help="补录纸质历史: 不做法定闸门校验, 导入人签名")
    p.add_argument("--batch", type=int, default=DEFAULT_BATCH, help=f"每批提交的行数 (默认 {DEFAULT_BATCH})")
    p.add_argument("--json", action="store_true", help="输出 JSON")
    cli_log.register(sub)
    calendar_cmd.register(sub)
    token_cmd.register(sub)
    serve_cmd.register(sub)
    documents_cmd.register(sub)
    demo.register(sub)
    projections_cmd.register(sub)
    audit_cmd.register(sub)
    export_cmd.register(sub)
    export_check.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = Settings.load(args.data, args.actor, args.config)
        handler = {"init": cmd_init, "verify": cmd_verify, "record": cmd_record,
                   "import": cmd_import, "calendar": calendar_cmd.run, "log": cli_log.run,
                   "token": token_cmd.run, "serve": serve_cmd.run, "documents": documents_cmd.run,
                   "demo": demo.run, "projections": projections_cmd.run,
                   "audit": audit_cmd.run, "export": export_cmd.run,
                   "verify-export": export_check.run}[args.command]
        return handler(settings, args)
    except (SettingsError, KeyStoreError) as exc:
        print(f"错误: {exc}", file=sys.stderr)
        return 2


def cmd_init(settings: Settings, args: argparse.Namespace) -> int:
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


def cmd_verify(settings: Settings, args: argparse.Namespace) -> int:
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


def cmd_record(settings: Settings, args: argparse.Namespace) -> int:
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


def cmd_import(settings: Settings, args: argparse.Namespace) -> int:
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


if __name__ == "__main__":
    sys.exit(main())
