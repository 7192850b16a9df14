"""The transparency log: an RFC 9162 Merkle tree over the global event sequence.

The tree lives in the ledger's own database (the SQLite file, or the PostgreSQL
schema of the events) in six tables:

| table | columns | key |
|---|---|---|
| ``translog_leaves`` | ``position``, ``notification_id``, ``commitment`` (leaf data) | ``position`` |
| ``translog_nodes`` | ``level`` (≥ 1), ``idx``, ``hash``: every complete subtree above the leaves | ``(level, idx)`` |
| ``translog_checkpoints`` | ``tree_size``, ``root_hash``, ``note`` (signed), ``created_at`` | ``tree_size`` |
| ``translog_witnesses`` | ``name``, ``key_id``, ``vkey``, ``added_at`` | ``(name, key_id)`` |
| ``translog_cosignatures`` | ``tree_size``, ``name``, ``key_id``, ``timestamp``, ``signature`` | all but the last two |
| ``translog_meta`` | ``name``, ``value``: ``origin``, ``log_key_id``, ``vkey`` | ``name`` |

A leaf's data is ``envelope.leaf_commitment(stored_bytes)`` (kept in
``translog_leaves``), its hash ``merkle.leaf_hash`` of that (computed when read); its
position is its 0-based index, assigned in notification order (notification
ids may have gaps and are never positions). The :class:`Integrator` follows the
notification log with eventsourcing's tracking: the ``Tracking`` of the last
integrated notification is written in the same transaction as the leaves and
nodes it appends, so integration is exactly-once and resumes after a crash.
Nodes are computed in memory from the right edge of the tree, so appending
``n`` leaves costs about ``3n`` hashes and ``2n`` inserted rows, and every
inclusion or consistency proof reads ``O(log n)`` stored nodes in one query.

Checkpoints are C2SP ``tlog-checkpoint`` notes signed with the log's Ed25519
key; each tree size is signed at most once (the text, and the Ed25519
signature, are deterministic). Cosignatures by registered witnesses are kept
per checkpoint and served with it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import os
import sqlite3
import threading
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar, cast

from eventsourcing.persistence import Notification, Tracking

from ledger import merkle, notes, tiles
from ledger.envelope import leaf_commitment
from ledger.keys import KeyStore
from ledger.store import EventStore, stored_bytes
from ledger.verify import Problem

__all__ = [
    "APPLICATION_NAME",
    "ConsistencyProof",
    "InclusionProof",
    "Integrator",
    "IntegratorConflictError",
    "LeafRecord",
    "LogError",
    "NotCoveredError",
    "StoredCheckpoint",
    "TileExport",
    "TransparencyLog",
    "decode_hash",
    "encode_hash",
    "log_signer",
    "verify_log",
]

APPLICATION_NAME = "TransparencyLog"
"""The name under which the integrator's position is tracked (eventsourcing ``Tracking``)."""

DEFAULT_BATCH = 1000
_PAGE = 4096
_CACHE_LEVEL = 6
"""Nodes at this level and above are cached in memory once read (they never change)."""
_CACHE_MAX = 1 << 20
_SQLITE_MMAP = 1 << 30
_ZERO = bytes(merkle.HASH_SIZE)

T = TypeVar("T")


class LogError(Exception):
    """The transparency log cannot do what was asked (the message says why)."""


class NotCoveredError(LogError):
    """A position or size that no stored checkpoint (or the tree) covers yet."""


class IntegratorConflictError(LogError):
    """Another integrator appended to the tree meanwhile; reload and retry."""


def encode_hash(h: bytes) -> str:
    """A hash as standard base64 (the encoding of checkpoints and proofs)."""
    return base64.b64encode(h).decode("ascii")


def decode_hash(text: str) -> bytes:
    """The inverse of :func:`encode_hash`; refuses anything but a canonical 32-byte hash."""
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
    except (ValueError, UnicodeEncodeError) as exc:
        raise merkle.ProofError(f"not base64: {text!r}") from exc
    if len(raw) != merkle.HASH_SIZE or encode_hash(raw) != text:
        raise merkle.ProofError(f"not a canonical base64 hash: {text!r}")
    return raw


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


# --- records -----------------------------------------------------------------------------


@dataclass(frozen=True)
class LeafRecord:
    """One leaf: its position, the notification it logs, its data and hash."""

    position: int
    notification_id: int
    commitment: bytes
    leaf_hash: bytes


@dataclass(frozen=True)
class StoredCheckpoint:
    """A checkpoint as the log keeps it: signed note and the witnesses' cosignatures."""

    size: int
    root: bytes
    note: bytes
    created_at: str
    cosignatures: tuple[notes.NoteSignature, ...] = ()

    @property
    def text(self) -> str:
        """The checkpoint body (what every signature signs)."""
        return notes.parse_note(self.note).text

    @property
    def signed(self) -> bytes:
        """The checkpoint note with the log's signature and every stored cosignature."""
        if not self.cosignatures:
            return self.note
        parsed = notes.parse_note(self.note)
        return notes.sign_note(parsed.text, existing=[*parsed.unverified, *self.cosignatures])

    def checkpoint(self) -> notes.Checkpoint:
        return notes.parse_checkpoint(self.text)


@dataclass(frozen=True)
class InclusionProof:
    """Leaf ``index`` is in the tree of ``tree_size`` leaves with ``root`` (signed in ``checkpoint``)."""

    index: int
    tree_size: int
    leaf_hash: bytes
    proof: tuple[bytes, ...]
    root: bytes
    checkpoint: bytes | None = None

    def verify(self) -> None:
        """The Merkle check alone (the checkpoint's signature is the caller's business)."""
        merkle.verify_inclusion(self.leaf_hash, self.index, self.tree_size, self.proof, self.root)

    def as_json(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "tree_size": self.tree_size,
            "leaf_hash": encode_hash(self.leaf_hash),
            "proof": [encode_hash(h) for h in self.proof],
            "root": encode_hash(self.root),
            "checkpoint": None if self.checkpoint is None else self.checkpoint.decode("utf-8"),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> InclusionProof:
        checkpoint = data.get("checkpoint")
        return cls(
            index=_int(data, "index"),
            tree_size=_int(data, "tree_size"),
            leaf_hash=decode_hash(str(data["leaf_hash"])),
            proof=tuple(decode_hash(str(h)) for h in data["proof"]),
            root=decode_hash(str(data["root"])),
            checkpoint=None if checkpoint is None else str(checkpoint).encode("utf-8"),
        )


@dataclass(frozen=True)
class ConsistencyProof:
    """The tree of ``old_size`` leaves (``old_root``) is a prefix of the one of ``new_size``."""

    old_size: int
    new_size: int
    old_root: bytes
    new_root: bytes
    proof: tuple[bytes, ...]
    old_checkpoint: bytes | None = None
    new_checkpoint: bytes | None = None

    def verify(self) -> None:
        merkle.verify_consistency(self.old_size, self.new_size, self.old_root, self.new_root, self.proof)

    def as_json(self) -> dict[str, Any]:
        return {
            "from": self.old_size,
            "to": self.new_size,
            "old_root": encode_hash(self.old_root),
            "new_root": encode_hash(self.new_root),
            "proof": [encode_hash(h) for h in self.proof],
            "old_checkpoint": None if self.old_checkpoint is None else self.old_checkpoint.decode("utf-8"),
            "new_checkpoint": None if self.new_checkpoint is None else self.new_checkpoint.decode("utf-8"),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ConsistencyProof:
        old_cp, new_cp = data.get("old_checkpoint"), data.get("new_checkpoint")
        return cls(
            old_size=_int(data, "from"),
            new_size=_int(data, "to"),
            old_root=decode_hash(str(data["old_root"])),
            new_root=decode_hash(str(data["new_root"])),
            proof=tuple(decode_hash(str(h)) for h in data["proof"]),
            old_checkpoint=None if old_cp is None else str(old_cp).encode("utf-8"),
            new_checkpoint=None if new_cp is None else str(new_cp).encode("utf-8"),
        )


def _int(data: dict[str, Any], name: str) -> int:
    value = data[name]
    if isinstance(value, bool) or not isinstance(value, int):
        raise merkle.ProofError(f"{name} must be an integer")
    return value


@dataclass
class TileExport:
    """What :meth:`TransparencyLog.export_tiles` wrote."""

    size: int
    since: int
    written: list[str] = field(default_factory=list)


# --- SQL --------------------------------------------------------------------------------


def _quote(identifier: str) -> str:
    return '"' + str(identifier).replace('"', '""') + '"'


class _Sql:
    """The two dialects (SQLite, PostgreSQL) behind one small interface; tuples as rows."""

    TABLES = ("leaves", "nodes", "checkpoints", "witnesses", "cosignatures", "meta")

    def __init__(self, store: EventStore) -> None:
        self.store = store
        self.datastore: Any = store.recorder.datastore  # type: ignore[attr-defined]
        self.postgres = bool(store.config.postgres_dsn)
        self._tracking: Any = None
        if self.postgres:
            prefix = f"{_quote(self.datastore.schema)}."
            # eventsourcing's PostgreSQL factory names it after the application
            self._pg_tracking = (str(store.factory.env.name).lower() or "notification") + "_tracking"
            tracking_table = prefix + _quote(self._pg_tracking)
        else:
            prefix = ""
            tracking_table = "tracking"
        self.names = {t: f"{prefix}translog_{t}" for t in self.TABLES}
        self.names["tracking"] = tracking_table
        events_table = str(store.recorder.events_table_name)  # type: ignore[attr-defined]
        self.names["events"] = prefix + _quote(events_table) if self.postgres else events_table
        self.names["nid"] = "notification_id" if self.postgres else "rowid"
        self._local = threading.local()
        self._lock = threading.Lock()
        self._readers: list[sqlite3.Connection] = []
        self._cache: dict[str, str] = {}

    @property
    def tracking(self) -> Any:
        """eventsourcing's tracking recorder (made on first use; it creates its table)."""
        if self._tracking is None:
            recorder: Any = cast(Any, self.store.factory.tracking_recorder())
            if self.postgres and recorder.tracking_table_name != self._pg_tracking:
                raise LogError(f"意外的跟踪表名 {recorder.tracking_table_name}")
            self._tracking = recorder
        return self._tracking

    def q(self, text: str) -> str:
        """Table names filled in, placeholders in the dialect's style."""
        out = self._cache.get(text)
        if out is None:
            out = text.format(**self.names)
            if self.postgres:
                out = out.replace("?", "%s")
            self._cache[text] = out
        return out

    @contextmanager
    def transaction(self, *, write: bool) -> Iterator[Any]:
        """A cursor in one transaction, committed on success when ``write``.

        A write transaction takes the log's write lock first, so the state it
        reads is the state it appends to (SQLite: a write to ``translog_meta``
        takes the database's write lock; PostgreSQL: a table lock).
        """
        if self.postgres:
            from psycopg.rows import tuple_row

            with self.datastore.get_connection() as conn, conn.transaction(force_rollback=not write):
                cur = conn.cursor(row_factory=tuple_row)
                if write:
                    cur.execute(f"LOCK TABLE {self.names['meta']} IN SHARE ROW EXCLUSIVE MODE")
                yield cur
        else:
            with self.datastore.transaction(commit=write) as cur:
                if write:
                    cur.execute(self.q("UPDATE {meta} SET value = value WHERE name = 'lock'"))
                yield cur

    def notifications(self, start: int, limit: int) -> list[tuple[int, bytes]]:
        """``(notification id, state)`` of up to ``limit`` stored events from ``start`` on.

        The rows, order and ids of the recorder's ``select_notifications``,
        without building a ``Notification`` object per row.
        """
        with self.reader() as cur:
            cur.execute(self.q("SELECT {nid}, state FROM {events} WHERE {nid} >= ? ORDER BY {nid} LIMIT ?"),
                        (start, limit))
            return [(int(nid), bytes(state)) for nid, state in cur.fetchall()]

    @contextmanager
    def reader(self) -> Iterator[Any]:
        """A cursor for one read statement, outside any explicit transaction (autocommit)."""
        if self.postgres:
            from psycopg.rows import tuple_row

            with self.datastore.get_connection() as conn:
                yield conn.cursor(row_factory=tuple_row)
        else:
            conn = self._local_reader()
            if conn is not None:
                yield conn.cursor()
                return
            with self.datastore.get_connection(commit=False) as pooled, pooled.cursor() as cur:
                cur.row_factory = None  # plain tuples
                yield cur

    def _local_reader(self) -> sqlite3.Connection | None:
        """This thread's own read connection to the SQLite file (none for in-memory databases).

        Proofs are many small reads: a connection kept per thread saves the pool's
        locking, and mapping the file saves a read() per page.
        """
        pool = self.datastore.pool
        if pool.is_sqlite_memory_mode:
            return None
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            # Used only by its own thread; closed by whichever thread closes the log.
            conn = sqlite3.connect(pool.db_name, uri=True, isolation_level=None,
                                   timeout=pool.lock_timeout or 5, check_same_thread=False)
            conn.execute(f"PRAGMA mmap_size = {_SQLITE_MMAP}")
            self._local.conn = conn
            with self._lock:
                self._readers.append(conn)
        return conn

    def close(self) -> None:
        """Close the read connections this object opened (the store's own stay open)."""
        with self._lock:
            readers, self._readers = self._readers, []
        for conn in readers:
            conn.close()

    def create(self) -> None:
        blob, big = ("BYTEA", "BIGINT") if self.postgres else ("BLOB", "INTEGER")
        rowid = "" if self.postgres else " WITHOUT ROWID"
        statements = [
            f"CREATE TABLE IF NOT EXISTS {{leaves}} (position {big} PRIMARY KEY, "
            f"notification_id {big} NOT NULL, commitment {blob} NOT NULL)",
            f"CREATE TABLE IF NOT EXISTS {{nodes}} (level INTEGER NOT NULL, idx {big} NOT NULL, "
            f"hash {blob} NOT NULL, PRIMARY KEY (level, idx)){rowid}",
            f"CREATE TABLE IF NOT EXISTS {{checkpoints}} (tree_size {big} PRIMARY KEY, "
            f"root_hash {blob} NOT NULL, note TEXT NOT NULL, created_at TEXT NOT NULL)",
            f"CREATE TABLE IF NOT EXISTS {{witnesses}} (name TEXT NOT NULL, key_id {big} NOT NULL, "
            "vkey TEXT NOT NULL, added_at TEXT NOT NULL, PRIMARY KEY (name, key_id))",
            f"CREATE TABLE IF NOT EXISTS {{cosignatures}} (tree_size {big} NOT NULL, name TEXT NOT NULL, "
            f"key_id {big} NOT NULL, timestamp {big} NOT NULL, signature {blob} NOT NULL, "
            "PRIMARY KEY (tree_size, name, key_id))",
            "CREATE TABLE IF NOT EXISTS {meta} (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
            "INSERT INTO {meta} (name, value) VALUES ('lock', '') ON CONFLICT (name) DO NOTHING",
        ]
        if self.postgres:
            # Concurrent CREATE TABLE IF NOT EXISTS can race on PostgreSQL's catalogue.
            with self.datastore.get_connection() as conn, conn.transaction():
                conn.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (self.names["leaves"],))
                for s in statements:
                    conn.execute(self.q(s))
        else:
            with self.datastore.transaction(commit=True) as cur:
                for s in statements:
                    cur.execute(self.q(s))

    def exists(self) -> bool:
        with self.transaction(write=False) as cur:
            if self.postgres:
                cur.execute("SELECT to_regclass(%s)", (self.names["meta"],))
                row = cur.fetchone()
                return row is not None and row[0] is not None
            cur.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'translog_meta'")
            return cur.fetchone() is not None


# --- the log ----------------------------------------------------------------------------------


class TransparencyLog:
    """The stored Merkle tree of one ledger, its checkpoints, proofs, cosignatures and tiles.

    ``origin`` is recorded on first use; opening the log with another origin is
    refused (its checkpoints would name two logs). ``signer`` (see
    :func:`log_signer`) is needed only to sign checkpoints. ``create=False``
    refuses a ledger without a log; ``load=False`` skips reading the tree's
    state (for verifiers, which must open even a damaged log).
    """

    def __init__(
        self,
        store: EventStore,
        *,
        origin: str | None = None,
        signer: notes.Signer | None = None,
        create: bool = True,
        load: bool = True,
    ) -> None:
        self.store = store
        self.sql = _Sql(store)
        if create:
            self.sql.create()
        elif not self.sql.exists():
            raise LogError("这个账本还没有透明日志 (先运行 log integrate)")
        # Verifiers (load=False) only read: they need not create eventsourcing's tracking table.
        self.tracking: Any = self.sql.tracking if (create or load) else None
        stored_origin = self.meta("origin")
        if origin is None:
            if stored_origin is None:
                raise LogError("透明日志还没有 origin; 需要指定 origin")
            origin = stored_origin
        elif stored_origin is None:
            if not notes.is_valid_key_name(origin):
                raise LogError(f"origin 不能含空白或 '+': {origin!r}")
            self._set_meta("origin", origin, replace=False)
            origin = self.meta("origin") or origin
        elif stored_origin != origin:
            raise LogError(f"透明日志的 origin 是 {stored_origin!r}, 而设置为 {origin!r} (LEDGER_LOG_ORIGIN)")
        self.origin = origin
        self.signer: notes.Signer | None = None
        if signer is not None:
            self.use_signer(signer)
        self._size = 0
        self._edge: list[tuple[int, int, bytes]] = []  # (level, index, hash) == subtree_nodes(0, size)
        self._tracked = 0
        self._node_cache: dict[tuple[int, int], bytes] = {}
        if load:
            self.reload()

    def close(self) -> None:
        """Release the log's own read connections (the store is the caller's to close)."""
        self.sql.close()

    # -- meta --------------------------------------------------------------------------

    def meta(self, name: str) -> str | None:
        with self.sql.transaction(write=False) as cur:
            cur.execute(self.sql.q("SELECT value FROM {meta} WHERE name = ?"), (name,))
            row = cur.fetchone()
        return None if row is None else str(row[0])

    def _set_meta(self, name: str, value: str, *, replace: bool = True) -> None:
        action = "UPDATE SET value = excluded.value" if replace else "NOTHING"
        with self.sql.transaction(write=True) as cur:
            cur.execute(
                self.sql.q(f"INSERT INTO {{meta}} (name, value) VALUES (?, ?) ON CONFLICT (name) DO {action}"),
                (name, value),
            )

    def use_signer(self, signer: notes.Signer) -> None:
        """Sign checkpoints with ``signer``; its vkey is recorded on first use, another is refused."""
        if signer.name != self.origin:
            raise LogError(f"签名密钥名 {signer.name!r} 与 origin {self.origin!r} 不符")
        vkey_of = getattr(signer, "vkey", None)
        if callable(vkey_of):
            vkey = str(vkey_of())
            recorded = self.meta("vkey")
            if recorded is None:
                self._set_meta("vkey", vkey, replace=False)
                recorded = self.meta("vkey")
            if recorded != vkey:
                raise LogError(f"透明日志的公钥是 {recorded}, 这把签名密钥不是它")
        self.signer = signer

    # -- state ---------------------------------------------------------------------------

    @property
    def size(self) -> int:
        """Leaves integrated, as this object last saw them (see :meth:`reload`)."""
        return self._size

    @property
    def tracked_notification_id(self) -> int:
        """The last notification id integrated (0 before the first)."""
        return self._tracked

    def reload(self) -> None:
        """Re-read size, right edge and tracking position from the database."""
        with self.sql.transaction(write=False) as cur:
            self._load(cur)

    def _load(self, cur: Any) -> None:
        cur.execute(self.sql.q("SELECT MAX(position) FROM {leaves}"))
        row = cur.fetchone()
        size = 0 if row is None or row[0] is None else int(row[0]) + 1
        tracked = self._read_tracking(cur)
        last_nid = 0
        if size:
            cur.execute(self.sql.q("SELECT notification_id FROM {leaves} WHERE position = ?"), (size - 1,))
            found = cur.fetchone()
            last_nid = int(found[0]) if found else -1
        if last_nid != tracked:
            raise LogError(
                f"透明日志的跟踪位置 (通知号 {tracked}) 与最后一片叶子 (通知号 {last_nid}) 不符; "
                "运行 log integrate --rebuild 重建"
            )
        keys = merkle.subtree_nodes(0, size) if size else []
        nodes = self._fetch(cur, keys, cached=False)
        if any(self._node_cache.get(key, h) != h for key, h in nodes.items()):
            # Another process rebuilt the tree: every changed node is below a changed edge node.
            self._node_cache.clear()
        self._size = size
        self._tracked = tracked
        self._edge = [(level, index, nodes[(level, index)]) for level, index in keys]

    def _read_tracking(self, cur: Any) -> int:
        cur.execute(
            self.sql.q("SELECT MAX(notification_id) FROM {tracking} WHERE application_name = ?"),
            (APPLICATION_NAME,),
        )
        row = cur.fetchone()
        return 0 if row is None or row[0] is None else int(row[0])

    # -- nodes -------------------------------------------------------------------------------

    def _fetch(
        self, cur: Any, keys: Iterable[tuple[int, int]], *, cached: bool = True
    ) -> dict[tuple[int, int], bytes]:
        """The stored nodes ``keys``, in one query per 400 keys; LogError if one is missing.

        Complete nodes never change, so those at level ``_CACHE_LEVEL`` and above
        are kept in memory once read (``cached=False`` reads the database only).
        """
        out: dict[tuple[int, int], bytes] = {}
        wanted: list[tuple[int, int]] = []
        cache = self._node_cache if cached else {}
        for key in keys:
            hit = cache.get(key)
            if hit is not None:
                out[key] = hit
            else:
                wanted.append(key)
        leaves = [index for level, index in wanted if level == 0]
        inner = [key for key in wanted if key[0] != 0]
        for start in range(0, max(len(leaves), len(inner)), 400):
            parts: list[str] = []
            params: list[int] = []
            chunk_leaves = leaves[start : start + 400]
            chunk_inner = inner[start : start + 400]
            if chunk_leaves:
                values = ",".join(["(?)"] * len(chunk_leaves))
                parts.append(f"SELECT 0, l.position, l.commitment FROM (VALUES {values}) AS k "
                             "JOIN {leaves} AS l ON l.position = k.column1")
                params.extend(chunk_leaves)
            if chunk_inner:
                values = ",".join(["(?, ?)"] * len(chunk_inner))
                parts.append(f"SELECT n.level, n.idx, n.hash FROM (VALUES {values}) AS k "
                             "JOIN {nodes} AS n ON n.level = k.column1 AND n.idx = k.column2")
                params.extend(v for key in chunk_inner for v in key)
            cur.execute(self.sql.q(" UNION ALL ".join(parts)), params)
            for level, idx, h in cur.fetchall():
                key = (int(level), int(idx))
                out[key] = bytes(h) if level else merkle.leaf_hash(bytes(h))
                if cached and key[0] >= _CACHE_LEVEL and len(self._node_cache) < _CACHE_MAX:
                    self._node_cache[key] = out[key]
        missing = [k for k in wanted if k not in out]
        if missing:
            raise LogError(f"透明日志缺少节点 {missing[:3]} (树被删改; 运行 verify)")
        return out

    def _with_nodes(self, compute: Callable[[merkle.NodeGetter], T], cur: Any | None = None) -> T:
        """Run ``compute`` against the stored tree, reading every node it needs in one go."""
        keys: set[tuple[int, int]] = set()

        def record(level: int, index: int) -> bytes:
            keys.add((level, index))
            return _ZERO

        compute(record)
        if cur is None:
            with self.sql.reader() as c:
                nodes = self._fetch(c, keys)
        else:
            nodes = self._fetch(cur, keys)
        return compute(lambda level, index: nodes[(level, index)])

    def get_node(self, level: int, index: int) -> bytes:
        """One stored complete-subtree node (:data:`ledger.merkle.NodeGetter`)."""
        with self.sql.transaction(write=False) as cur:
            return self._fetch(cur, [(level, index)])[(level, index)]

    def _check_size(self, size: int | None) -> int:
        if size is None:
            return self._size
        if isinstance(size, bool) or not isinstance(size, int) or size < 0:
            raise LogError(f"树的大小无效: {size!r}")
        if size > self._size:
            self.reload()
            if size > self._size:
                raise NotCoveredError(f"树只有 {self._size} 片叶子, 没有大小 {size}")
        return size

    def root(self, size: int | None = None) -> bytes:
        """Root of the tree of the first ``size`` leaves (default: all integrated)."""
        size = self._check_size(size)
        if size == self._size:
            return _fold(self._edge)
        return self._with_nodes(lambda get: merkle.root_at(size, get))

    def leaf(self, position: int) -> LeafRecord:
        """The leaf at ``position``."""
        self._check_position(position, self._size)
        with self.sql.transaction(write=False) as cur:
            cur.execute(
                self.sql.q("SELECT notification_id, commitment FROM {leaves} WHERE position = ?"),
                (position,),
            )
            row = cur.fetchone()
        if row is None:
            raise LogError(f"透明日志缺少位置 {position} 的叶子")
        return LeafRecord(position, int(row[0]), bytes(row[1]), merkle.leaf_hash(bytes(row[1])))

    def position_of(self, notification_id: int) -> int | None:
        """The position of a notification's leaf, if integrated.

        Positions and notification ids grow together, so this is a binary
        search over positions (no index on notification ids to slow appends).
        """
        low, high = 0, min(self._size, max(notification_id, 0))  # position < notification id
        with self.sql.transaction(write=False) as cur:
            while low < high:
                mid = (low + high) // 2
                cur.execute(self.sql.q("SELECT notification_id FROM {leaves} WHERE position = ?"), (mid,))
                row = cur.fetchone()
                if row is None:
                    return None
                nid = int(row[0])
                if nid == notification_id:
                    return mid
                if nid < notification_id:
                    low = mid + 1
                else:
                    high = mid
        return None

    def event_bytes(self, position: int) -> bytes:
        """The stored (signed) bytes of the event at ``position``: what its leaf commits to."""
        leaf = self.leaf(position)
        rows = self.store.recorder.select_notifications(start=leaf.notification_id, limit=1)
        if not rows or rows[0].id != leaf.notification_id:
            raise LogError(f"位置 {position} 的事件 (通知号 {leaf.notification_id}) 已不在账本中")
        stored = stored_bytes(rows[0].state)
        if leaf_commitment(stored) != leaf.commitment:
            raise LogError(f"位置 {position} 的事件字节与日志中的承诺不符 (事件被改动)")
        return stored

    @staticmethod
    def _check_position(position: int, size: int) -> None:
        if isinstance(position, bool) or not isinstance(position, int) or position < 0:
            raise LogError(f"位置无效: {position!r}")
        if position >= size:
            raise NotCoveredError(f"位置 {position} 不在大小为 {size} 的树中")

    # -- appending ---------------------------------------------------------------------------

    def _append(
        self,
        rows: Sequence[tuple[int, bytes]],
        tracking: Any,
        *,
        before_commit: Callable[[], None] | None = None,
    ) -> None:
        """Append one batch of notifications ``(id, state)`` as leaves, with their tracking, in one transaction.

        Hashing happens before the transaction, against the state this object
        holds; the transaction then checks that state is still the stored one.
        """
        if not rows:
            return
        expected_tracked, expected_size = self._tracked, self._size
        ids = [nid for nid, _ in rows]
        if ids[0] <= expected_tracked or any(a >= b for a, b in itertools.pairwise(ids)):
            raise LogError(f"通知号未严格递增 (已集成至 {expected_tracked})")
        sha256 = hashlib.sha256
        commitments = [sha256(state).digest() for _, state in rows]  # envelope.leaf_commitment
        hashes = [sha256(b"\x00" + c).digest() for c in commitments]  # merkle.leaf_hash
        nodes, edge = _extend(self._edge, expected_size, hashes)
        size = expected_size + len(rows)
        with self.sql.transaction(write=True) as cur:
            tracked = self._read_tracking(cur)
            cur.execute(self.sql.q("SELECT MAX(position) FROM {leaves}"))
            row = cur.fetchone()
            stored_size = 0 if row is None or row[0] is None else int(row[0]) + 1
            if tracked != expected_tracked or stored_size != expected_size:
                raise IntegratorConflictError(
                    f"透明日志已被其他进程推进 (叶子 {expected_size} → {stored_size}); 重新加载"
                )
            cur.executemany(
                self.sql.q(
                    "INSERT INTO {leaves} (position, notification_id, commitment) VALUES (?, ?, ?)"
                ),
                zip(range(expected_size, size), ids, commitments, strict=True),
            )
            cur.executemany(self.sql.q("INSERT INTO {nodes} (level, idx, hash) VALUES (?, ?, ?)"), nodes)
            tracking._insert_tracking(cur, Tracking(APPLICATION_NAME, ids[-1]))
            if before_commit is not None:
                before_commit()
        self._size, self._tracked, self._edge = size, ids[-1], edge

    def integrate(self, *, batch: int = DEFAULT_BATCH) -> int:
        """Append every notification not yet in the tree; returns how many leaves were added."""
        return Integrator(self, batch=batch).run_once()

    def reset(self) -> None:
        """Forget the tree and the integrator's position (checkpoints and cosignatures stay)."""
        with self.sql.transaction(write=True) as cur:
            cur.execute(self.sql.q("DELETE FROM {leaves}"))
            cur.execute(self.sql.q("DELETE FROM {nodes}"))
            cur.execute(self.sql.q("DELETE FROM {tracking} WHERE application_name = ?"), (APPLICATION_NAME,))
        self._node_cache.clear()
        self.reload()

    def rebuild(self, *, batch: int = DEFAULT_BATCH) -> int:
        """Rebuild the tree from zero from the events; returns the new size.

        The stored checkpoints are kept: if the events no longer give their
        roots, :func:`verify_log` says so.
        """
        self.reset()
        self.integrate(batch=batch)
        return self._size

    # -- proofs ---------------------------------------------------------------------------------

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        """Audit path of leaf ``index`` in the tree of ``size`` leaves (O(log n) stored nodes, one query)."""
        size = self._check_size(size)
        self._check_position(index, size)
        plan = _audit_plan(index, size)
        with self.sql.reader() as cur:
            nodes = self._fetch(cur, [key for keys in plan for key in keys])
        proof: list[bytes] = []
        for keys in plan:
            acc = nodes[keys[-1]]
            for key in reversed(keys[:-1]):
                acc = merkle.node_hash(nodes[key], acc)
            proof.append(acc)
        return proof

    def consistency_proof(self, old_size: int, new_size: int | None = None) -> list[bytes]:
        """Proof that the tree of ``old_size`` leaves is a prefix of the one of ``new_size``."""
        new_size = self._check_size(new_size)
        if isinstance(old_size, bool) or not isinstance(old_size, int) or not 0 < old_size <= new_size:
            raise LogError(f"一致性证明需要 0 < from ≤ to: from={old_size!r}, to={new_size}")
        return self._with_nodes(lambda get: merkle.consistency_proof(old_size, new_size, get))

    def prove(self, position: int, size: int | None = None) -> InclusionProof:
        """Inclusion of the leaf at ``position`` in a stored checkpoint.

        ``size`` names the checkpoint; by default the latest one, which must cover ``position``.
        """
        cp = self.latest_checkpoint() if size is None else self.checkpoint_at(size)
        if cp is None:
            raise NotCoveredError("还没有检查点 (先运行 log checkpoint)")
        if position >= cp.size:
            raise NotCoveredError(
                f"位置 {position} 尚未被检查点覆盖 (最新检查点大小 {cp.size}); 先运行 log checkpoint"
            )
        self._check_position(position, cp.size)

        leaf = self.leaf(position).leaf_hash
        path = self.inclusion_proof(position, cp.size)
        proof = InclusionProof(position, cp.size, leaf, tuple(path), cp.root, cp.signed)
        try:
            proof.verify()
        except merkle.ProofError as exc:
            raise LogError(f"存储的树与检查点 (大小 {cp.size}) 不符, 拒绝给出证明 (运行 verify): {exc}") from exc
        return proof

    def prove_consistency(self, old_size: int, new_size: int | None = None) -> ConsistencyProof:
        """Consistency between two sizes (default: the latest checkpoint), with their checkpoints."""
        if new_size is None:
            latest = self.latest_checkpoint()
            if latest is None:
                raise NotCoveredError("还没有检查点 (先运行 log checkpoint)")
            new_size = latest.size
        new_size = self._check_size(new_size)
        if isinstance(old_size, bool) or not isinstance(old_size, int) or not 0 < old_size <= new_size:
            raise LogError(f"一致性证明需要 0 < from ≤ to: from={old_size!r}, to={new_size}")
        size_new = new_size

        def compute(get: merkle.NodeGetter) -> tuple[bytes, bytes, list[bytes]]:
            return (
                merkle.root_at(old_size, get),
                merkle.root_at(size_new, get),
                merkle.consistency_proof(old_size, size_new, get),
            )

        old_root, new_root, path = self._with_nodes(compute)
        old_cp, new_cp = self.checkpoint_at(old_size), self.checkpoint_at(new_size)
        return ConsistencyProof(
            old_size, new_size, old_root, new_root, tuple(path),
            None if old_cp is None else old_cp.signed,
            None if new_cp is None else new_cp.signed,
        )

    def receipt(self, position: int, size: int | None = None) -> bytes:
        """A c2sp.org/tlog-proof for the event at ``position``, checkable offline."""
        proof = self.prove(position, size)
        assert proof.checkpoint is not None
        return notes.format_tlog_proof(proof.index, proof.proof, proof.checkpoint)

    # -- checkpoints -----------------------------------------------------------------------------

    def checkpoint(self) -> StoredCheckpoint:
        """Sign (and keep) a checkpoint of the whole integrated tree; an existing one is reused."""
        if self.signer is None:
            raise LogError("没有日志签名密钥, 不能签署检查点")
        with self.sql.transaction(write=True) as cur:
            self._load(cur)
            size = self._size
            existing = self._checkpoint_row(cur, size)
            if existing is not None:
                return existing
            root = _fold(self._edge)
            note = notes.sign_checkpoint(notes.Checkpoint(self.origin, size, root), self.signer)
            created = _now()
            cur.execute(
                self.sql.q("INSERT INTO {checkpoints} (tree_size, root_hash, note, created_at) VALUES (?, ?, ?, ?)"),
                (size, root, note.decode("utf-8"), created),
            )
        return StoredCheckpoint(size, root, note, created)

    def maybe_checkpoint(self, interval: float, *, now: datetime | None = None) -> StoredCheckpoint | None:
        """Sign a checkpoint when the tree grew and the latest is ``interval`` seconds old (or none)."""
        latest = self.latest_checkpoint()
        self.reload()
        if latest is not None:
            if self._size <= latest.size:
                return None
            made = datetime.fromisoformat(latest.created_at.replace("Z", "+00:00"))
            if ((now or datetime.now(UTC)) - made).total_seconds() < interval:
                return None
        return self.checkpoint()

    def _checkpoint_row(self, cur: Any, size: int) -> StoredCheckpoint | None:
        cur.execute(
            self.sql.q("SELECT tree_size, root_hash, note, created_at FROM {checkpoints} WHERE tree_size = ?"),
            (size,),
        )
        row = cur.fetchone()
        if row is None:
            return None
        return StoredCheckpoint(int(row[0]), bytes(row[1]), str(row[2]).encode("utf-8"), str(row[3]),
                                self._cosignatures(cur, int(row[0])))

    def _cosignatures(self, cur: Any, size: int) -> tuple[notes.NoteSignature, ...]:
        cur.execute(
            self.sql.q("SELECT name, key_id, signature FROM {cosignatures} WHERE tree_size = ? ORDER BY name, key_id"),
            (size,),
        )
        return tuple(notes.NoteSignature(str(n), int(k), bytes(s)) for n, k, s in cur.fetchall())

    def checkpoint_at(self, size: int) -> StoredCheckpoint | None:
        """The stored checkpoint of ``size`` leaves, with its cosignatures."""
        with self.sql.transaction(write=False) as cur:
            return self._checkpoint_row(cur, size)

    def latest_checkpoint(self) -> StoredCheckpoint | None:
        with self.sql.transaction(write=False) as cur:
            cur.execute(self.sql.q("SELECT MAX(tree_size) FROM {checkpoints}"))
            row = cur.fetchone()
            if row is None or row[0] is None:
                return None
            return self._checkpoint_row(cur, int(row[0]))

    def checkpoints(self) -> list[StoredCheckpoint]:
        """Every stored checkpoint, smallest first."""
        with self.sql.transaction(write=False) as cur:
            cur.execute(self.sql.q("SELECT tree_size FROM {checkpoints} ORDER BY tree_size"))
            sizes = [int(r[0]) for r in cur.fetchall()]
            found = [self._checkpoint_row(cur, s) for s in sizes]
        return [c for c in found if c is not None]

    def vkey(self) -> str | None:
        """The log's verifier key (C2SP vkey), once a signing key has been chosen."""
        return self.meta("vkey")

    # -- witnesses ---------------------------------------------------------------------------------

    def register_witness(self, vkey: str) -> notes.CosignatureVerifier:
        """Accept cosignatures by this witness (a cosignature/v1 vkey)."""
        verifier = notes.parse_vkey(vkey.strip())
        if not isinstance(verifier, notes.CosignatureVerifier):
            raise LogError("见证人的 vkey 应为 cosignature/v1 (类型 0x04)")
        with self.sql.transaction(write=True) as cur:
            cur.execute(
                self.sql.q(
                    "INSERT INTO {witnesses} (name, key_id, vkey, added_at) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT (name, key_id) DO NOTHING"
                ),
                (verifier.name, verifier.key_id, verifier.vkey(), _now()),
            )
        return verifier

    def witnesses(self) -> list[notes.CosignatureVerifier]:
        with self.sql.transaction(write=False) as cur:
            cur.execute(self.sql.q("SELECT vkey FROM {witnesses} ORDER BY name, key_id"))
            keys = [str(r[0]) for r in cur.fetchall()]
        out: list[notes.CosignatureVerifier] = []
        for k in keys:
            v = notes.parse_vkey(k)
            if isinstance(v, notes.CosignatureVerifier):
                out.append(v)
        return out

    def add_cosignatures(self, cosigned: bytes | str) -> list[str]:
        """Keep the valid cosignatures of registered witnesses found on a checkpoint note.

        The checkpoint must be one the log signed and stored. Returns the names
        of the witnesses whose cosignature was kept; a cosignature by a
        registered witness that does not verify is refused (:class:`LogError`).
        """
        parsed = notes.parse_note(cosigned)
        try:
            cp = notes.parse_checkpoint(parsed.text)
        except notes.NoteError as exc:
            raise LogError(f"不是检查点: {exc}") from exc
        stored = self.checkpoint_at(cp.size)
        if stored is None or stored.text != parsed.text:
            raise LogError(f"日志没有签署过这个检查点 (大小 {cp.size})")
        known = {(w.name, w.key_id): w for w in self.witnesses()}
        kept: list[tuple[int, str, int, int, bytes]] = []
        for sig in parsed.unverified:
            witness = known.get((sig.name, sig.key_id))
            if witness is None:
                continue
            try:
                timestamp = notes.verify_cosignature(parsed.text, sig, witness)
            except notes.NoteError as exc:
                raise LogError(f"见证人 {sig.name} 的副署无效: {exc}") from exc
            kept.append((cp.size, sig.name, sig.key_id, timestamp, sig.signature))
        with self.sql.transaction(write=True) as cur:
            cur.executemany(
                self.sql.q(
                    "INSERT INTO {cosignatures} (tree_size, name, key_id, timestamp, signature) "
                    "VALUES (?, ?, ?, ?, ?) ON CONFLICT (tree_size, name, key_id) DO UPDATE "
                    "SET timestamp = excluded.timestamp, signature = excluded.signature"
                ),
                kept,
            )
        return [k[1] for k in kept]

    # -- tiles -----------------------------------------------------------------------------------

    def export_tiles(self, directory: Path | str, *, since: int | None = None) -> TileExport:
        """Write the latest checkpoint's tree as c2sp.org/tlog-tiles under ``directory``.

        Writes ``checkpoint`` (with cosignatures), the hash tiles ``tile/<L>/<N>[.p/<W>]``
        and the entry bundles ``tile/entries/<N>[.p/<W>]`` (the leaf commitments only).
        Only tiles new since the size of an existing ``checkpoint`` file are written
        (or since ``since``); a full tile that exists with other contents is refused.
        """
        out = Path(directory)
        cp = self.latest_checkpoint()
        if cp is None:
            raise NotCoveredError("还没有检查点 (先运行 log checkpoint)")
        if since is None:
            since = 0
            previous = out / "checkpoint"
            if previous.exists():
                try:
                    old = notes.parse_checkpoint(notes.parse_note(previous.read_bytes()).text)
                except notes.NoteError:
                    old = None
                if old is not None and old.origin == self.origin and old.size <= cp.size:
                    since = old.size
        since = min(since, cp.size)
        result = TileExport(cp.size, since)
        with self.sql.transaction(write=False) as cur:
            for ref in tiles.tiles_for_size(cp.size, since):
                assert ref.level is not None
                first = ref.index * tiles.TILE_WIDTH
                level = tiles.TILE_HEIGHT * ref.level
                if level == 0:
                    cur.execute(
                        self.sql.q(
                            "SELECT commitment FROM {leaves} WHERE position >= ? AND position < ? ORDER BY position"
                        ),
                        (first, first + ref.width),
                    )
                else:
                    cur.execute(
                        self.sql.q("SELECT hash FROM {nodes} WHERE level = ? AND idx >= ? AND idx < ? ORDER BY idx"),
                        (level, first, first + ref.width),
                    )
                found = [bytes(r[0]) for r in cur.fetchall()]
                data = b"".join(merkle.leaf_hash(c) for c in found) if level == 0 else b"".join(found)
                if len(data) != ref.width * merkle.HASH_SIZE:
                    raise LogError(f"透明日志缺少瓦片 {ref.path()} 的节点")
                _write_tile(out, ref, data, result)
            for ref in tiles.entry_bundles_for_size(cp.size, since):
                first = ref.index * tiles.TILE_WIDTH
                cur.execute(
                    self.sql.q(
                        "SELECT commitment FROM {leaves} WHERE position >= ? AND position < ? ORDER BY position"
                    ),
                    (first, first + ref.width),
                )
                entries = [bytes(r[0]) for r in cur.fetchall()]
                if len(entries) != ref.width:
                    raise LogError(f"透明日志缺少条目包 {ref.path()} 的叶子")
                _write_tile(out, ref, tiles.encode_entry_bundle(entries), result)
        _write_file(out / "checkpoint", cp.signed)
        result.written.append("checkpoint")
        return result


def _write_tile(root: Path, ref: tiles.TileRef, data: bytes, result: TileExport) -> None:
    path = root / ref.path()
    if path.exists():
        if path.read_bytes() == data:
            return
        if not ref.is_partial:
            raise LogError(f"已导出的完整瓦片 {ref.path()} 内容不同: 日志被改写, 拒绝覆盖")
    _write_file(path, data)
    result.written.append(ref.path())


def _write_file(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _audit_plan(index: int, size: int) -> list[list[tuple[int, int]]]:
    """The stored nodes whose hashes make the audit path of ``index`` (RFC 9162 2.1.3.1), leaf first.

    Going up from the leaf, the sibling at each level is a complete node, or (on
    the right edge) the hash of the partial range up to ``size``, or absent.
    """
    plan: list[list[tuple[int, int]]] = []
    for level in range((size - 1).bit_length()):
        sibling = (index >> level) ^ 1
        start = sibling << level
        if start >= size:
            continue
        if start + (1 << level) <= size:
            plan.append([(level, sibling)])
        else:
            plan.append(_subtree_keys(start, size))
    return plan


def _subtree_keys(start: int, end: int) -> list[tuple[int, int]]:
    """:func:`ledger.merkle.subtree_nodes` without its checks (the ranges here are valid)."""
    n, pos = end - start, start
    if n & (n - 1) == 0:  # one complete subtree: most audit-path entries
        level = n.bit_length() - 1
        return [(level, pos >> level)]
    keys: list[tuple[int, int]] = []
    for level in range(n.bit_length() - 1, -1, -1):
        if n >> level & 1:
            keys.append((level, pos >> level))
            pos += 1 << level
    return keys


def _extend(
    edge: Sequence[tuple[int, int, bytes]], size: int, hashes: Sequence[bytes]
) -> tuple[list[tuple[int, int, bytes]], list[tuple[int, int, bytes]]]:
    """Append leaf ``hashes`` to the tree of ``size`` leaves whose right edge is ``edge``.

    Returns the new complete nodes above the leaves ``(level, idx, hash)`` and
    the new right edge. Works level by level: each level's new nodes hash pairs
    of the level below, the first one with the old edge's node at that level
    when the level's first new node is a right child.
    """
    old = {level: h for level, _, h in edge}
    last: dict[int, tuple[int, bytes]] = {0: (size + len(hashes) - 1, hashes[-1])} if hashes else {}
    nodes: list[tuple[int, int, bytes]] = []
    sha256 = hashlib.sha256
    current, start, level = list(hashes), size, 0
    while current:
        if start & 1:  # the first new node's left sibling is on the old edge
            current.insert(0, old[level])
            start -= 1
        parents = [sha256(b"\x01" + current[i] + current[i + 1]).digest() for i in range(0, len(current) - 1, 2)]
        level, start = level + 1, start >> 1
        nodes.extend(zip([level] * len(parents), range(start, start + len(parents)), parents, strict=True))
        if parents:
            last[level] = (start + len(parents) - 1, parents[-1])
        current = parents
    new_size = size + len(hashes)
    new_edge: list[tuple[int, int, bytes]] = []
    for lv, idx in merkle.subtree_nodes(0, new_size) if new_size else []:
        made = last.get(lv)
        new_edge.append((lv, idx, made[1] if made is not None and made[0] == idx else old[lv]))
    return nodes, new_edge


def _fold(edge: Sequence[tuple[int, int, bytes]]) -> bytes:
    """Root of the tree whose right edge (complete subtrees, largest first) is ``edge``."""
    if not edge:
        return merkle.EMPTY_ROOT
    acc = edge[-1][2]
    for _, _, h in reversed(edge[:-1]):
        acc = merkle.node_hash(h, acc)
    return acc


# --- integrator ---------------------------------------------------------------------------------


class Integrator:
    """The tracked follower of the notification log that appends leaves.

    Each batch (up to ``batch`` notifications) is one transaction: leaves,
    nodes and the eventsourcing ``Tracking`` of its last notification commit
    together or not at all. ``after_batch`` (tests: inject a crash) runs after
    each committed batch with the new tree size; ``before_commit`` runs inside
    each transaction, before it commits.
    """

    def __init__(
        self,
        log: TransparencyLog,
        *,
        batch: int = DEFAULT_BATCH,
        after_batch: Callable[[int], None] | None = None,
        before_commit: Callable[[], None] | None = None,
    ) -> None:
        if batch < 1:
            raise ValueError("batch must be at least 1")
        self.log = log
        self.batch = batch
        self.after_batch = after_batch
        self.before_commit = before_commit
        self.tracking = log.tracking

    def run_once(self, *, max_batches: int | None = None, retries: int = 3) -> int:
        """Integrate what is pending (or ``max_batches`` batches); returns leaves appended."""
        appended = 0
        batches = 0
        conflicts = 0
        while max_batches is None or batches < max_batches:
            rows = self.log.sql.notifications(self.log.tracked_notification_id + 1, self.batch)
            if not rows:
                break
            try:
                self.log._append(rows, self.tracking, before_commit=self.before_commit)
            except IntegratorConflictError:
                conflicts += 1
                if conflicts > retries:
                    raise
                self.log.reload()
                continue
            appended += len(rows)
            batches += 1
            if self.after_batch is not None:
                self.after_batch(self.log.size)
            if len(rows) < self.batch:
                break
        return appended


# --- keys ------------------------------------------------------------------------------------------


def log_signer(log: TransparencyLog, keystore: KeyStore) -> notes.Ed25519Signer:
    """The log's checkpoint signer, its key kept in ``keystore`` under ``log/<origin>``.

    Created on first use; the key's id (``log_key_id``) and the public ``vkey``
    are recorded in the log's ``translog_meta`` table so later runs find them.
    The signer is also installed on ``log``.
    """
    kid = log.meta("log_key_id")
    if kid is None:
        key = keystore.generate(f"log/{log.origin}")
        log._set_meta("log_key_id", key.key_id, replace=False)
        kid = log.meta("log_key_id")  # another process may have won the race
    assert kid is not None
    signer = notes.Ed25519Signer(log.origin, keystore.get(kid).seed)
    log.use_signer(signer)
    return signer


# --- verification ------------------------------------------------------------------------------------


Vkey = str | notes.Verifier


def _verifiers(keys: Vkey | Iterable[Vkey] | None, log: TransparencyLog) -> list[notes.Verifier]:
    if keys is None:
        own = log.vkey()
        return [] if own is None else [notes.parse_vkey(own)]
    items: Iterable[Vkey] = [keys] if isinstance(keys, str) or not isinstance(keys, Iterable) else keys
    return [notes.parse_vkey(k.strip()) if isinstance(k, str) else k for k in items]


class _Levels:
    """A whole tree in memory, one concatenated ``bytes`` per level (a NodeGetter)."""

    def __init__(self, leaf_hashes: bytes) -> None:
        size = merkle.HASH_SIZE
        self.levels = [leaf_hashes]
        current = leaf_hashes
        node_hash = merkle.node_hash
        while len(current) >= 2 * size:
            pairs = len(current) // (2 * size)
            current = b"".join(
                node_hash(current[2 * i * size : (2 * i + 1) * size], current[(2 * i + 1) * size : (2 * i + 2) * size])
                for i in range(pairs)
            )
            self.levels.append(current)

    @property
    def size(self) -> int:
        return len(self.levels[0]) // merkle.HASH_SIZE

    def count(self, level: int) -> int:
        return len(self.levels[level]) // merkle.HASH_SIZE if level < len(self.levels) else 0

    def get(self, level: int, index: int) -> bytes:
        if level >= len(self.levels) or not 0 <= index < self.count(level):
            raise IndexError(f"no node ({level}, {index})")
        s = merkle.HASH_SIZE
        return self.levels[level][index * s : (index + 1) * s]


def verify_log(
    store: EventStore,
    keys: Vkey | Iterable[Vkey] | None = None,
    *,
    progress: Callable[[int], None] | None = None,
) -> list[Problem]:
    """Check the stored tree against the events, and every checkpoint; the problems found.

    - every leaf is the commitment of the event at its position in notification
      order, with that event's notification id, and the positions have no gaps;
    - every stored node recomputes from the stored leaves;
    - every stored checkpoint is signed by the log's key (``keys``: vkeys or
      verifiers; by default the key the log recorded for itself), its root is
      the root of the events' tree at its size, and each is consistent with the
      one before it (a consistency proof from the stored tree must verify);
    - every stored cosignature verifies with its registered witness key.

    ``Problem.position`` is the 0-based leaf index (for checkpoint problems, the
    last position the checkpoint covers). A ledger without a log has no problems.
    """
    if not _Sql(store).exists():
        return []
    return _LogCheck(store, progress).run(keys)


class _LogCheck:
    """One pass of :func:`verify_log`."""

    def __init__(self, store: EventStore, progress: Callable[[int], None] | None) -> None:
        self.store = store
        self.log = TransparencyLog(store, create=False, load=False)
        self.sql = self.log.sql
        self.progress = progress
        self.problems: list[Problem] = []
        self.event_ids = array("q")  # notification id of the event at each position
        self.event_hashes = bytearray()  # leaf hashes of the events as they are
        self.stored_hashes = bytearray()  # leaf hashes of the stored leaves
        self.leaf_ids = array("q")  # notification id each stored leaf names
        self.first_diff: int | None = None
        self.size = 0

    def flag(self, position: int, what: str) -> None:
        nid, stream, version = self.where(position)
        self.problems.append(Problem(position, nid, stream, version, what))

    def where(self, position: int) -> tuple[int, str, int]:
        """(notification id, stream, version) of the event at ``position``, read when a problem needs it."""
        if 0 <= position < len(self.event_ids):
            nid = self.event_ids[position]
            rows = self.store.recorder.select_notifications(start=nid, limit=1)
            if rows and rows[0].id == nid:
                return nid, str(rows[0].originator_id), int(rows[0].originator_version)
            return nid, "", 0
        return (self.leaf_ids[position] if 0 <= position < len(self.leaf_ids) else 0), "", 0

    def run(self, keys: Vkey | Iterable[Vkey] | None) -> list[Problem]:
        try:
            verifiers = _verifiers(keys, self.log)
        except notes.NoteError as exc:
            return [Problem(0, 0, "", 0, f"日志公钥无效: {exc}")]
        tree = self.check_leaves()
        self.check_nodes(tree)
        self.check_checkpoints(tree, verifiers)
        if self.progress:
            self.progress(self.size)
        self.problems.sort(key=lambda p: (p.position, p.what))
        return self.problems

    def _leaves(self) -> Iterator[tuple[int, int, bytes]]:
        """Stored leaves in position order, a page at a time."""
        after = -1
        while True:
            with self.sql.reader() as cur:
                cur.execute(
                    self.sql.q(
                        "SELECT position, notification_id, commitment FROM {leaves} "
                        "WHERE position > ? ORDER BY position LIMIT ?"
                    ),
                    (after, _PAGE * 8),
                )
                page = cur.fetchall()
            for pos, nid, commitment in page:
                yield int(pos), int(nid), bytes(commitment)
            if len(page) < _PAGE * 8:
                return
            after = int(page[-1][0])

    def check_leaves(self) -> _Levels:
        rows = self.store.notifications(page=_PAGE)
        leaf_hash = merkle.leaf_hash

        def take_event() -> tuple[Notification, bytes] | None:
            row = next(rows, None)
            if row is None:
                return None
            commitment = leaf_commitment(stored_bytes(row.state))
            self.event_ids.append(row.id)
            self.event_hashes += leaf_hash(commitment)
            return row, commitment

        def differs(pos: int) -> None:
            if self.first_diff is None:
                self.first_diff = pos

        position = 0
        for pos, nid, commitment in self._leaves():
            if pos > position:
                self.problems.append(Problem(position, 0, "", 0, f"透明日志缺少位置 {position}..{pos - 1} 的叶子"))
                for missing in range(position, pos):
                    take_event()
                    self.stored_hashes += _ZERO
                    self.leaf_ids.append(0)
                    differs(missing)
            taken = take_event()
            self.stored_hashes += leaf_hash(commitment)
            self.leaf_ids.append(nid)
            if taken is None:
                self.problems.append(Problem(pos, nid, "", 0, f"叶子 {pos} (通知号 {nid}) 没有对应的事件: 事件被删除"))
                differs(pos)
            else:
                row, event_commitment = taken
                if row.id != nid:
                    self.problems.append(Problem(
                        pos, row.id, str(row.originator_id), int(row.originator_version),
                        f"叶子 {pos} 记录的是通知号 {nid}, 而此位置的事件是通知号 {row.id}: 事件被删除、插入或调换",
                    ))
                    differs(pos)
                elif event_commitment != commitment:
                    self.problems.append(Problem(pos, row.id, str(row.originator_id), int(row.originator_version),
                                                 "事件字节与透明日志中的承诺不符: 事件被改写"))
                    differs(pos)
            position = pos + 1
            if self.progress and position % 10000 == 0:
                self.progress(position)
        while take_event() is not None:  # not integrated yet: no problem, but checkpoints may cover them
            pass
        self.size = position
        return _Levels(bytes(self.stored_hashes))

    def check_nodes(self, tree: _Levels) -> None:
        sql = self.sql
        with sql.reader() as cur:
            cur.execute(sql.q("SELECT DISTINCT level FROM {nodes}"))
            levels = {int(r[0]) for r in cur.fetchall()} | set(range(1, len(tree.levels)))
        for level in sorted(levels - {0}):
            expected_count = tree.count(level)
            seen = 0
            after = -1
            while True:
                with sql.reader() as cur:
                    cur.execute(
                        sql.q("SELECT idx, hash FROM {nodes} WHERE level = ? AND idx > ? ORDER BY idx LIMIT ?"),
                        (level, after, _PAGE * 8),
                    )
                    page = cur.fetchall()
                for idx, h in page:
                    i = int(idx)
                    if i >= expected_count:
                        self.flag(min(i << level, max(self.size - 1, 0)), f"透明日志含多余的节点 ({level}, {i})")
                        continue
                    seen += 1
                    if bytes(h) != tree.get(level, i):
                        self.flag(i << level, f"透明日志节点 ({level}, {i}) 与叶子重算的值不符")
                if len(page) < _PAGE * 8:
                    break
                after = int(page[-1][0])
            if seen < expected_count:
                self.flag(0, f"透明日志第 {level} 层缺少 {expected_count - seen} 个节点")

    def check_checkpoints(self, tree: _Levels, verifiers: list[notes.Verifier]) -> None:
        origin = self.log.meta("origin")
        events_tree: _Levels | None = None

        def events_root(n: int) -> bytes:
            nonlocal events_tree
            if self.first_diff is None or n <= self.first_diff:
                return merkle.root_at(n, tree.get)
            if events_tree is None:
                events_tree = _Levels(bytes(self.event_hashes))
            return merkle.root_at(n, events_tree.get)

        known_witnesses = {(w.name, w.key_id): w for w in self.log.witnesses()}
        previous: notes.Checkpoint | None = None
        for stored in self.log.checkpoints():
            last = max(stored.size - 1, 0)
            label = f"检查点 (大小 {stored.size})"
            try:
                if not verifiers:
                    raise notes.NoteError("没有日志公钥 (log key)")
                cp, _ = notes.open_checkpoint(stored.note, verifiers, origin=origin)
            except (notes.NoteError, ValueError) as exc:
                self.flag(last, f"{label} 的签名无效: {exc}")
                continue
            if cp.size != stored.size or cp.root_hash != stored.root:
                self.flag(last, f"{label} 的内容与其所在行不符")
                continue
            if cp.size > len(self.event_ids):
                self.flag(last, f"{label} 覆盖 {cp.size} 个事件, 账本只有 {len(self.event_ids)} 个: 事件被删除")
            elif not hmac.compare_digest(events_root(cp.size), cp.root_hash):
                self.flag(last, f"{label} 的根与按当前事件重算的根不符: 检查点覆盖的历史被改写或删除")
            if cp.size > self.size:
                self.flag(last, f"{label} 覆盖 {cp.size} 片叶子, 存储的树只有 {self.size} 片")
            elif previous is not None and previous.size > 0:
                try:
                    proof = merkle.consistency_proof(previous.size, cp.size, tree.get)
                    merkle.verify_consistency(previous.size, cp.size, previous.root_hash, cp.root_hash, proof)
                except (merkle.ProofError, ValueError, IndexError) as exc:
                    self.flag(last, f"{label} 与前一检查点 (大小 {previous.size}) 不一致: {exc}")
            for sig in stored.cosignatures:
                witness = known_witnesses.get((sig.name, sig.key_id))
                if witness is None:
                    self.flag(last, f"{label} 的副署来自未登记的见证人 {sig.name}")
                    continue
                try:
                    notes.verify_cosignature(cp.text(), sig, witness)
                except notes.NoteError as exc:
                    self.flag(last, f"{label} 的见证人 {sig.name} 副署无效: {exc}")
            previous = cp
