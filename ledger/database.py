"""The ledger's database as the tables beside the events use it (the transparency log, the projections).

Shaped like eventsourcing's own recorders: one base, one subclass per database
(:class:`SQLiteDatabase`, :class:`PostgresDatabase`), each a subclass of
eventsourcing's tracking recorder for that database, so a position is recorded
with the recorder's own tracking insert inside the caller's transaction. Rows are
plain tuples; statements use ``?`` placeholders (:meth:`Database.placeholders`).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from typing import Any, TypeVar, cast

from eventsourcing.persistence import Tracking
from eventsourcing.postgres import PostgresTrackingRecorder
from eventsourcing.sqlite import SQLiteTrackingRecorder

from ledger.store import EventStore

__all__ = [
    "CHUNK", "Database", "PostgresDatabase", "SQLiteDatabase", "in_chunks", "in_lists", "open_database", "quote",
]

CHUNK = 400
"""Values per ``IN (...)`` list: under SQLite's and PostgreSQL's parameter limits with room to spare."""

V = TypeVar("V")

_SQLITE_MMAP = 1 << 30


def quote(identifier: str) -> str:
    """An SQL identifier, quoted."""
    return '"' + str(identifier).replace('"', '""') + '"'


def in_chunks(values: Sequence[V], size: int = CHUNK) -> Iterator[list[V]]:
    """``values`` in lists of at most ``size``: one ``IN (...)`` statement each."""
    for start in range(0, len(values), size):
        yield list(values[start : start + size])


def in_lists(sql: str, values: Sequence[V], size: int = CHUNK) -> Iterator[tuple[str, list[V]]]:
    """``(statement, chunk)`` per chunk of ``values``: ``{in}`` in ``sql`` becomes ``?,?,…`` for the chunk.

    The one way to ask ``... IN (...)`` of many values; the chunk's values go where
    ``{in}`` stands among the statement's parameters.
    """
    for chunk in in_chunks(values, size):
        yield sql.replace("{in}", ",".join(["?"] * len(chunk))), chunk


class Database:
    """What both databases offer: names, cursors, table creation, tracking positions."""

    postgres: bool = False
    int_type = "INTEGER"
    blob_type = "BLOB"
    clustered = " WITHOUT ROWID"
    """Appended to ``CREATE TABLE ... PRIMARY KEY (...)``: the key is the table (SQLite)."""
    nid = "rowid"
    """The column of the events table holding notification ids."""

    datastore: Any
    schema = ""
    store: EventStore
    events: str
    tracking_table: str
    _tracking_created = False

    def bind(self, store: EventStore) -> None:
        """Learn the events table of ``store`` (the recorder is made by eventsourcing's factory)."""
        self.store = store
        self.events_table_name = str(cast(Any, store.recorder).events_table_name)
        self.events = self.qualify(self.events_table_name)

    def create_tracking(self) -> None:
        """Create eventsourcing's tracking table (once per object)."""
        if not self._tracking_created:
            cast(Any, self).create_table()
            self._tracking_created = True

    # -- naming ------------------------------------------------------------------------

    def qualify(self, table: str) -> str:
        """A table's name as SQL refers to it (schema-qualified on PostgreSQL)."""
        return quote(table)

    def placeholders(self, text: str) -> str:
        """``?`` placeholders in the database's own style."""
        return text

    # -- cursors (per subclass) ----------------------------------------------------------

    def transaction(self, *, write: bool) -> AbstractContextManager[Any]:
        """A cursor in one transaction of the store's pool, committed on success when ``write``."""
        raise NotImplementedError

    def read(self) -> AbstractContextManager[Any]:
        """A cursor of the store's pool outside any explicit transaction (autocommit)."""
        raise NotImplementedError

    def fresh_reader(self) -> AbstractContextManager[Any]:
        """A cursor over a new connection of its own (what a forked process must use)."""
        raise NotImplementedError

    def ddl(self, key: str) -> AbstractContextManager[Any]:
        """A write transaction for ``CREATE TABLE IF NOT EXISTS`` (serialised on ``key`` where needed)."""
        raise NotImplementedError

    def table_exists(self, cur: Any, table: str) -> bool:
        raise NotImplementedError

    def lock(self, cur: Any, table: str) -> None:
        """Take the write lock first in the pool's transaction ``cur``, so that what it reads is
        what it writes against (``table`` is the qualified table that stands for it)."""
        raise NotImplementedError

    def write(self, lock_table: str) -> AbstractContextManager[Any]:
        """A write transaction over this thread's own connection, holding the write lock from the start."""
        raise NotImplementedError

    def thread_reader(self) -> AbstractContextManager[Any]:
        """A cursor for one read statement over this thread's own connection; rows are tuples."""
        return self.read()

    @contextmanager
    def bulk(self) -> Iterator[None]:
        """Bulk loading (a rebuild): nothing to set by default."""
        yield

    def release(self) -> None:
        """Close the connections this object opened (the store's own stay open)."""

    # -- tracking ---------------------------------------------------------------------------

    def tracked(self, cur: Any, name: str) -> int:
        """The last notification id ``name`` has recorded (0 before the first)."""
        cur.execute(self.placeholders(f"SELECT MAX(notification_id) FROM {self.tracking_table} "
                                      "WHERE application_name = ?"), (name,))
        row = cur.fetchone()
        return 0 if row is None or row[0] is None else int(row[0])

    def track(self, cur: Any, name: str, notification_id: int) -> None:
        """Record the position with the tracking recorder's own insert (it refuses to go backwards)."""
        cast(Any, self)._insert_tracking(cur, Tracking(name, notification_id))

    def untrack(self, cur: Any, name: str) -> None:
        cur.execute(self.placeholders(f"DELETE FROM {self.tracking_table} WHERE application_name = ?"), (name,))


class SQLiteDatabase(Database, SQLiteTrackingRecorder):
    """The ledger's SQLite file (or in-memory database)."""

    tracking_table = "tracking"

    def bind(self, store: EventStore) -> None:
        self._local = threading.local()
        self._lock = threading.Lock()
        self._connections: list[sqlite3.Connection] = []
        super().bind(store)

    @contextmanager
    def transaction(self, *, write: bool) -> Iterator[Any]:
        with self.datastore.transaction(commit=write) as cur:
            yield cur

    @contextmanager
    def read(self) -> Iterator[Any]:
        with self.datastore.get_connection(commit=False) as conn:
            cur = conn._sqlite_conn.cursor()
            try:
                yield cur
            finally:
                cur.close()

    @contextmanager
    def fresh_reader(self) -> Iterator[Any]:
        pool = self.datastore.pool
        lite = sqlite3.connect(pool.db_name, uri=True, isolation_level=None, timeout=pool.lock_timeout or 30)
        try:
            yield lite.cursor()
        finally:
            lite.close()

    def ddl(self, key: str) -> AbstractContextManager[Any]:
        return self.transaction(write=True)

    def table_exists(self, cur: Any, table: str) -> bool:
        cur.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (table,))
        return cur.fetchone() is not None

    def lock(self, cur: Any, table: str) -> None:
        cur.execute(f"DELETE FROM {table} WHERE 0")  # a write statement takes the database's write lock

    @contextmanager
    def write(self, lock_table: str) -> Iterator[Any]:
        conn = self._own("writer")
        if conn is None:  # an in-memory database: only the pool's connection sees it
            with self.datastore.get_connection(commit=True) as pooled, self._begin(pooled._sqlite_conn) as cur:
                yield cur
            return
        with self._begin(conn) as cur:
            yield cur

    @staticmethod
    @contextmanager
    def _begin(conn: sqlite3.Connection) -> Iterator[Any]:
        cur = conn.cursor()
        cur.execute("BEGIN IMMEDIATE")  # the write lock first: what is checked is what is committed against
        try:
            yield cur
        except BaseException:
            conn.rollback()
            raise
        else:
            conn.commit()
        finally:
            cur.close()

    @contextmanager
    def thread_reader(self) -> Iterator[Any]:
        conn = self._own("reader")
        if conn is not None:
            yield conn.cursor()
            return
        with self.datastore.get_connection(commit=False) as pooled, pooled.cursor() as cur:
            cur.row_factory = None  # plain tuples
            yield cur

    def _own(self, role: str) -> sqlite3.Connection | None:
        """This thread's own connection for ``role`` (none for an in-memory database).

        Readers: proofs are many small reads; a connection kept per thread saves the
        pool's locking, and mapping the file saves a read() per page. Writers (the
        projections): their own, so that their settings never reach the ledger's
        appends: ``synchronous=NORMAL`` (in WAL mode a commit survives a crash of the
        process; only a power loss may undo the last commits, which the runner then
        simply does again: views and tracking commit together), a larger page cache,
        and no zeroing of freed pages: Debian builds SQLite with SECURE_DELETE, so a
        rebuild's swap rewrote the whole old view, and the views hold nothing the
        ledger's events (same file, never deleted) do not.
        """
        pool = self.datastore.pool
        if pool.is_sqlite_memory_mode:
            return None
        conn: sqlite3.Connection | None = getattr(self._local, role, None)
        if conn is None:
            # Used only by its own thread; closed by whichever thread releases this object.
            if role == "reader":
                conn = sqlite3.connect(pool.db_name, uri=True, isolation_level=None,
                                       timeout=pool.lock_timeout or 5, check_same_thread=False)
                conn.execute(f"PRAGMA mmap_size = {_SQLITE_MMAP}")
            else:
                conn = sqlite3.connect(pool.db_name, uri=True, isolation_level=None,
                                       timeout=pool.lock_timeout or 30, check_same_thread=False)
                conn.execute("PRAGMA journal_mode = WAL")
                conn.execute("PRAGMA synchronous = NORMAL")
                conn.execute("PRAGMA cache_size = -65536")
                conn.execute("PRAGMA secure_delete = OFF")
            setattr(self._local, role, conn)
            with self._lock:
                self._connections.append(conn)
        return conn

    @contextmanager
    def bulk(self) -> Iterator[None]:
        """Let the write-ahead log grow to 256 MB before checkpointing, instead of 4 MB, then
        checkpoint once: fewer checkpoints, fewer fsyncs; a crash meanwhile loses nothing committed."""
        conn = self._own("writer")
        if conn is None:
            yield
            return
        conn.execute("PRAGMA wal_autocheckpoint = 65536")
        try:
            yield
        finally:
            conn.execute("PRAGMA wal_autocheckpoint = 1000")
            conn.execute("PRAGMA wal_checkpoint(PASSIVE)")

    def release(self) -> None:
        with self._lock:
            connections, self._connections = self._connections, []
        for conn in connections:
            conn.close()


class PostgresDatabase(Database, PostgresTrackingRecorder):
    """The ledger's PostgreSQL schema."""

    postgres = True
    int_type = "BIGINT"
    blob_type = "BYTEA"
    clustered = ""
    nid = "notification_id"

    def bind(self, store: EventStore) -> None:
        self.schema = str(self.datastore.schema)
        self.tracking_table = self.qualify(self.tracking_table_name)
        super().bind(store)

    def qualify(self, table: str) -> str:
        return f"{quote(self.schema)}.{quote(table)}"

    def placeholders(self, text: str) -> str:
        return text.replace("?", "%s")

    @contextmanager
    def transaction(self, *, write: bool) -> Iterator[Any]:
        from psycopg.rows import tuple_row

        with self.datastore.get_connection() as conn, conn.transaction(force_rollback=not write):
            yield conn.cursor(row_factory=tuple_row)

    @contextmanager
    def read(self) -> Iterator[Any]:
        from psycopg.rows import tuple_row

        with self.datastore.get_connection() as conn:
            yield conn.cursor(row_factory=tuple_row)

    @contextmanager
    def fresh_reader(self) -> Iterator[Any]:
        import psycopg

        with psycopg.connect(str(self.store.config.postgres_dsn), autocommit=True) as pg:
            yield pg.cursor()

    @contextmanager
    def ddl(self, key: str) -> Iterator[Any]:
        """Concurrent ``CREATE TABLE IF NOT EXISTS`` can race on PostgreSQL's catalogue: an advisory lock."""
        with self.transaction(write=True) as cur:
            cur.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (key,))
            yield cur

    def table_exists(self, cur: Any, table: str) -> bool:
        cur.execute("SELECT to_regclass(%s)", (self.qualify(table),))
        row = cur.fetchone()
        return row is not None and row[0] is not None

    def lock(self, cur: Any, table: str) -> None:
        cur.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")

    @contextmanager
    def write(self, lock_table: str) -> Iterator[Any]:
        with self.transaction(write=True) as cur:
            self.lock(cur, lock_table)
            yield cur


def open_database(store: EventStore, *, create_tracking: bool = True) -> Database:
    """The database of ``store``, made like eventsourcing's factory makes a tracking recorder.

    ``create_tracking=False`` leaves eventsourcing's tracking table alone until
    :meth:`Database.create_tracking` (verifiers only read).
    """
    factory: Any = store.factory
    db: Database
    if store.config.postgres_dsn:
        # eventsourcing's PostgreSQL factory names the tracking table after the application
        name = (str(factory.env.name).lower() or "notification") + "_tracking"
        db = PostgresDatabase(datastore=factory.datastore, tracking_table_name=name)
    else:
        db = SQLiteDatabase(datastore=factory.datastore)
    db.bind(store)
    if create_tracking:
        db.create_tracking()
    return db
