"""``enforcement-ledger backup --to DIR`` and ``enforcement-ledger restore --from DIR``.

``backup`` runs beside the service (no need to stop it): a consistent snapshot of the store (SQLite's
online backup API; ``pg_dump`` in an exported snapshot), the data directory's files and a manifest
with every file's SHA-256 (:mod:`api.backup`). ``restore`` checks the backup against its manifest,
writes it only into an empty place (a data directory without a ledger; an empty or absent
PostgreSQL schema), then checks the latest checkpoint and the tree's root at its size, and runs
``verify`` unless ``--no-verify``. Exit status: 0 done (and verified); 1 the backup or the
restored ledger is bad; 2 usage errors (a target that is not empty, a missing tool).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from api.backup import BackupError, backup, check_restored, restore
from api.settings import Settings
from api.wiring import open_ledger
from ledger.translog import verify_log
from ledger.verify import iter_problem_lines, terminal_progress, verify_store

BACKUP_EPILOG = """\
备份目录的内容: ledger.sqlite (SQLite, 在线备份 API, 服务运行时一致) 或 ledger.pgdump (PostgreSQL,
pg_dump --format=custom, 与清单读自同一快照); keys.json (SQLite 的密钥库, 仍是加密的; 口令另行保管),
log-origin, ledger.toml (若有), documents/ (文书); manifest.json: 事件数、最后通知号、最新检查点的大小与根、
每个文件的 SHA-256。先备份存储、后复制文书: 快照中事件引用的文书此时都已在 documents/ 中。
恢复与演练: enforcement-ledger restore --from DIR (见 docs/operations.md)。

例:
  enforcement-ledger log checkpoint                         # 先签一个检查点, 备份就有可核对的根
  enforcement-ledger backup --to /backup/ledger-$(date +%F)
"""

RESTORE_EPILOG = """\
只写入空的位置 (没有账本的数据目录; PostgreSQL: 不存在或为空的同名 schema), 从不覆盖或改写事件。
步骤: 按清单核对备份的每个文件 → 恢复存储与数据目录的文件 → 核对最新检查点与清单一致、树在其大小处的根
等于检查点的根 → 运行 verify (哈希、签名、链、版本、全局顺序与透明日志)。之后再启动服务与常驻进程。

例:
  enforcement-ledger --data /srv/ledger-restored restore --from /backup/ledger-2026-05-01
  LEDGER_POSTGRES_DSN=postgresql://…/ledger_drill enforcement-ledger --data ./drill restore --from /backup/…
"""


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "backup", help="备份账本 (服务运行时亦可): 存储快照、密钥库、文书与清单",
        description="把账本备份到一个新目录, 服务无需停止。", epilog=BACKUP_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--to", required=True, help="备份目录 (不存在或为空)")
    p.add_argument("--json", action="store_true", help="输出清单 JSON")
    p.set_defaults(run=run_backup)

    p = subparsers.add_parser(
        "restore", help="从备份恢复账本到空的数据目录/schema, 并校验",
        description="从 backup 生成的目录恢复账本, 然后核对检查点并运行 verify。", epilog=RESTORE_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--from", dest="source", required=True, help="备份目录")
    p.add_argument("--no-verify", action="store_true", help="不运行 verify (只核对清单与检查点)")
    p.add_argument("--json", action="store_true", help="输出 JSON")
    p.set_defaults(run=run_restore)


def run_backup(settings: Settings, args: argparse.Namespace) -> int:
    try:
        manifest = backup(settings, Path(args.to))
    except BackupError as exc:
        print(f"错误: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(manifest.as_json(), ensure_ascii=False, indent=2))
        return 0
    size = sum((Path(args.to) / name).stat().st_size for name in manifest.files)
    print(f"已备份到 {args.to}: {manifest.events} 个事件 (至通知号 {manifest.last_notification}), "
          f"{len(manifest.files)} 个文件, {size} 字节")
    if manifest.checkpoint_size is None:
        print("提示: 备份中还没有检查点; 先运行 log checkpoint, 恢复时才能核对日志的根", file=sys.stderr)
    else:
        print(f"最新检查点: 大小 {manifest.checkpoint_size}, 根 {manifest.checkpoint_root}")
    return 0


def run_restore(settings: Settings, args: argparse.Namespace) -> int:
    try:
        manifest = restore(settings, Path(args.source))
    except BackupError as exc:
        print(f"错误: {exc}", file=sys.stderr)
        return 2
    restored = check_restored(settings, manifest)
    problems = list(restored.problems)
    report = None
    if not args.no_verify:
        ledger = open_ledger(settings, keys=False)
        try:
            report = verify_store(ledger.store, progress=None if args.json else terminal_progress())
            report.problems.extend(verify_log(ledger.store))
        finally:
            ledger.close()
        problems += list(iter_problem_lines(report)) if not report.ok else []
    ok = not problems
    if args.json:
        print(json.dumps({"restored": restored.as_json(), "verify": None if report is None else report.as_json(),
                          "ok": ok}, ensure_ascii=False, indent=2))
        return 0 if ok else 1
    where = settings.postgres_dsn and f"{settings.postgres_dsn} schema {settings.postgres_schema}"
    print(f"已恢复到 {where or settings.sqlite_path}: {restored.events} 个事件")
    if restored.checkpoint_size is not None:
        same = "等于" if restored.tree_root == restored.checkpoint_root else "不等于"
        print(f"最新检查点: 大小 {restored.checkpoint_size}, 根 {restored.checkpoint_root}; "
              f"树在此大小的根 {same}检查点的根")
    if report is not None:
        print(f"账本校验: {report.events} 个事件, {report.streams} 个流, {'完好' if report.ok else '发现问题'}")
    for line in problems:
        print(f"问题: {line}")
    return 0 if ok else 1
