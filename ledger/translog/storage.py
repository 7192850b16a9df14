"""The log's tables in the ledger's database: SQLite or PostgreSQL behind one small interface."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, cast

from ledger.store import EventStore
from ledger.translog.records import LogError

_SQLITE_MMAP = 1 << 30


def _quote(identifier: str) -> str:
    return '"' + str(identifier).replace('"', '""') + '"'


class Storage:
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
