"""Backups of a ledger, taken while the service runs, and their restore into an empty place.

A backup is a directory: the store's snapshot (SQLite: ``ledger.sqlite`` made with SQLite's online
backup API, consistent under WAL while writers go on; PostgreSQL: ``ledger.pgdump``, ``pg_dump
--format=custom`` of the ledger's schema inside an exported snapshot), the data directory's own
files (``keys.json`` — the key store of a SQLite ledger, still encrypted —, ``log-origin``,
``ledger.toml``, ``documents/``) and ``manifest.json``: what the snapshot holds (events, the last
notification id, the latest signed checkpoint's size and root) and the SHA-256 of every file.

The store is copied *before* the documents: a step references a document stored before the step,
so every document the snapshot's events name is already there when the documents are copied.

A restore checks every file against the manifest first, then refuses a target that already holds
a ledger (restoring never replaces events), copies the files, and reports what
:func:`check_restored` finds: the latest checkpoint the one the manifest names, and the stored
tree's root at that size equal to the checkpoint's root. ``verify`` then checks every event.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

from api.settings import Settings, SettingsError
from ledger.database import open_database, quote
from ledger.store import EventStore
from ledger.translog import TransparencyLog, encode_hash

__all__ = ["MANIFEST", "Manifest", "Restored", "backup", "check_restored", "read_manifest", "restore"]

MANIFEST: Final = "manifest.json"
SQLITE_FILE: Final = "ledger.sqlite"
PG_DUMP: Final = "ledger.pgdump"
DATA_FILES: Final = ("keys.json", "log-origin", "ledger.toml")
DOCUMENTS: Final = "documents"
FORMAT: Final = 1


class BackupError(Exception):
    """A backup that cannot be taken or restored; the message says why and what to do."""


@dataclass(frozen=True)
class Manifest:
    """What a backup holds."""

    format: int
    created_at: str
    store: str
    """``sqlite`` or ``postgres``."""
    schema: str | None
    events: int
    last_notification: int
    checkpoint_size: int | None
    checkpoint_root: str | None
    files: dict[str, str]
    """Path inside the backup → SHA-256 (hex)."""

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Restored:
    """What a restored ledger holds, against its manifest."""

    events: int
    checkpoint_size: int | None
    checkpoint_root: str | None
    tree_root: str | None
    """The stored tree's root at the checkpoint's size."""
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_json(self) -> dict[str, Any]:
        return {**asdict(self), "ok": self.ok}


# -- taking a backup ------------------------------------------------------------------------------


def backup(settings: Settings, target: Path) -> Manifest:
    """Back up the ledger of ``settings`` into the new (or empty) directory ``target``."""
    if target.exists() and any(target.iterdir()):
        raise BackupError(f"备份目录 {target} 已存在且不为空; 请指定新目录")
    if not settings.postgres_dsn and not settings.sqlite_path.exists():
        raise SettingsError(f"数据目录 {settings.data} 中没有账本; 先运行 enforcement-ledger init")
    target.mkdir(parents=True, exist_ok=True)
    if settings.postgres_dsn:
        facts = _dump_postgres(settings, target / PG_DUMP)
    else:
        facts = _copy_sqlite(settings, target / SQLITE_FILE)
    for name in DATA_FILES:
        if (settings.data / name).is_file():
            shutil.copy2(settings.data / name, target / name)
    for source in _documents(settings.data / DOCUMENTS):
        dest = target / source.relative_to(settings.data)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, dest)
    files = {path.relative_to(target).as_posix(): _sha256(path) for path in _files(target)}
    manifest = Manifest(FORMAT, datetime.now(UTC).isoformat(timespec="seconds"),
                        "postgres" if settings.postgres_dsn else "sqlite",
                        settings.postgres_schema if settings.postgres_dsn else None, files=files, **facts)
    (target / MANIFEST).write_text(json.dumps(manifest.as_json(), ensure_ascii=False, indent=2) + "\n",
                                   encoding="utf-8")
    return manifest


def _names(settings: Settings) -> tuple[str, str, str]:
    """The events table, its notification-id column and the checkpoints table, as SQL names them."""
    store = EventStore(settings.store_config())
    try:
        db = open_database(store, create_tracking=False)
        return db.events, db.nid, db.qualify("translog_checkpoints")
    finally:
        store.close()


def _facts(cur: Any, events: str, nid: str, checkpoints: str, *, has_checkpoints: bool) -> dict[str, Any]:
    cur.execute(f"SELECT COUNT(*), MAX({nid}) FROM {events}")
    count, last = cur.fetchone()
    size = root = None
    if has_checkpoints:
        cur.execute(f"SELECT tree_size, root_hash FROM {checkpoints} ORDER BY tree_size DESC LIMIT 1")
        row = cur.fetchone()
        if row is not None:
            size, root = int(row[0]), encode_hash(bytes(row[1]))
    return {"events": int(count), "last_notification": int(last or 0), "checkpoint_size": size,
            "checkpoint_root": root}


def _copy_sqlite(settings: Settings, dest: Path) -> dict[str, Any]:
    """SQLite's online backup in one step: it reads one consistent state while writers go on (they
    append to the write-ahead log meanwhile); the copy is then made one self-contained file."""
    events, nid, checkpoints = _names(settings)
    src = sqlite3.connect(settings.sqlite_path, timeout=30)
    dst = sqlite3.connect(dest)
    try:
        src.backup(dst)
        dst.execute("PRAGMA journal_mode=DELETE")
        cur = dst.cursor()
        cur.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'translog_checkpoints'")
        has = cur.fetchone() is not None
        return _facts(cur, events, nid, checkpoints, has_checkpoints=has)
    finally:
        dst.close()
        src.close()


def _dump_postgres(settings: Settings, dest: Path) -> dict[str, Any]:
    """``pg_dump`` of the ledger's schema inside a snapshot this connection exports, so the manifest's
    facts are read from exactly what the dump holds."""
    import psycopg

    _require("pg_dump")
    events, nid, checkpoints = _names(settings)
    dsn = str(settings.postgres_dsn)
    with psycopg.connect(dsn) as conn:
        conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        cur = conn.cursor()
        cur.execute("SELECT pg_export_snapshot()")
        snapshot = str(cur.fetchone()[0])  # type: ignore[index]
        cur.execute("SELECT to_regclass(%s)", (checkpoints,))
        has = cur.fetchone()[0] is not None  # type: ignore[index]
        facts = _facts(cur, events, nid, checkpoints, has_checkpoints=has)
        _run(["pg_dump", "--format=custom", "--no-owner", f"--snapshot={snapshot}",
              f"--schema={settings.postgres_schema}", f"--file={dest}", f"--dbname={dsn}"])
        conn.rollback()
    return facts


# -- restoring it ---------------------------------------------------------------------------------


def read_manifest(source: Path) -> Manifest:
    """The manifest of the backup ``source``, every file checked against it."""
    try:
        data = json.loads((source / MANIFEST).read_text(encoding="utf-8"))
        manifest = Manifest(**data)
    except (OSError, ValueError, TypeError) as exc:
        raise BackupError(f"{source} 不是账本备份 (没有可读的 {MANIFEST}: {exc})") from exc
    if manifest.format != FORMAT:
        raise BackupError(f"备份格式 {manifest.format} 不受支持 (本版本: {FORMAT})")
    present = {p.relative_to(source).as_posix() for p in _files(source)}
    missing = sorted(set(manifest.files) - present)
    changed = sorted(name for name in set(manifest.files) & present if _sha256(source / name) != manifest.files[name])
    if missing or changed:
        raise BackupError(f"备份不完整或已被改动: 缺少 {missing or '无'}; 哈希不符 {changed or '无'}")
    return manifest


def restore(settings: Settings, source: Path) -> Manifest:
    """Restore the backup ``source`` into the (empty) ledger place of ``settings``."""
    manifest = read_manifest(source)
    wanted = "postgres" if settings.postgres_dsn else "sqlite"
    if manifest.store != wanted:
        raise BackupError(f"这是 {manifest.store} 账本的备份, 而目标是 {wanted} (LEDGER_POSTGRES_DSN)")
    for name in (*DATA_FILES, SQLITE_FILE):
        if (settings.data / name).exists():
            raise BackupError(f"目标数据目录 {settings.data} 已有 {name}: 恢复只写入空目录, 从不覆盖账本")
    if settings.postgres_dsn:
        if manifest.schema != settings.postgres_schema:
            raise BackupError(f"备份的 schema 是 {manifest.schema!r}, 而 LEDGER_POSTGRES_SCHEMA 是 "
                              f"{settings.postgres_schema!r}; 恢复到同名 schema (可在另一个数据库中演练)")
        _restore_postgres(settings, source / PG_DUMP)
    settings.data.mkdir(parents=True, exist_ok=True)
    if not settings.postgres_dsn:
        src = sqlite3.connect(source / SQLITE_FILE)
        dst = sqlite3.connect(settings.sqlite_path)
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=WAL")
        finally:
            dst.close()
            src.close()
    for name in manifest.files:
        if name in (SQLITE_FILE, PG_DUMP):
            continue
        dest = settings.data / name
        if dest.exists():
            continue  # a document already there has the same content (its name is its hash)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source / name, dest)
    return manifest


def _restore_postgres(settings: Settings, dump: Path) -> None:
    import psycopg

    _require("pg_restore")
    dsn = str(settings.postgres_dsn)
    schema = settings.postgres_schema
    with psycopg.connect(dsn, autocommit=True) as conn:
        tables = conn.execute("SELECT COUNT(*) FROM pg_tables WHERE schemaname = %s", (schema,)).fetchone()
        exists = conn.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", (schema,)).fetchone()
        if tables is not None and tables[0]:
            raise BackupError(f"目标 schema {schema!r} 已有 {tables[0]} 张表: 恢复只写入空 schema, 从不覆盖账本")
        if exists is not None:
            conn.execute(f"DROP SCHEMA {quote(schema)}")  # empty (checked above); the dump creates it
    _run(["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={dsn}", str(dump)])


def check_restored(settings: Settings, manifest: Manifest) -> Restored:
    """The restored ledger against ``manifest``: the events, the latest checkpoint, and the stored
    tree's root at that checkpoint's size equal to the checkpoint's root."""
    problems: list[str] = []
    store = EventStore(settings.store_config())
    try:
        events = store.count()
        if events != manifest.events:
            problems.append(f"事件数 {events} 与备份清单的 {manifest.events} 不符")
        size = root = tree = None
        if manifest.checkpoint_size is not None:
            log = TransparencyLog(store, create=False)
            try:
                latest = log.latest_checkpoint()
                if latest is None:
                    problems.append("恢复后没有检查点")
                else:
                    size, root = latest.size, encode_hash(latest.root)
                    tree = encode_hash(log.root(latest.size))
                    if (size, root) != (manifest.checkpoint_size, manifest.checkpoint_root):
                        problems.append(f"最新检查点 (大小 {size}) 与备份清单的 (大小 {manifest.checkpoint_size}) 不符")
                    if tree != root:
                        problems.append(f"树在大小 {size} 的根 {tree} 与检查点的根 {root} 不符")
            finally:
                log.close()
    finally:
        store.close()
    return Restored(events, size, root, tree, problems)


# -- helpers --------------------------------------------------------------------------------------


def _documents(root: Path) -> Iterator[Path]:
    """The stored documents and their sidecars (not uploads in progress)."""
    if not root.is_dir():
        return
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if path.is_file() and rel.parts[0] != "tmp" and not path.name.endswith(".tmp"):
            yield path


def _files(root: Path) -> Iterator[Path]:
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.name != MANIFEST:
            yield path


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _require(tool: str) -> None:
    if shutil.which(tool) is None:
        raise BackupError(f"找不到 {tool}: 请安装 PostgreSQL 客户端工具 (与服务器同一主版本或更新)")


def _run(command: list[str]) -> None:
    done = subprocess.run(command, capture_output=True, text=True, env={**os.environ, "PGCONNECT_TIMEOUT": "10"})
    if done.returncode != 0:
        raise BackupError(f"{command[0]} 失败 (退出码 {done.returncode}): {done.stderr.strip()}")
