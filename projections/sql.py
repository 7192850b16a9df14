"""The SQL the projections need, in the ledger's own database (SQLite file or PostgreSQL schema).

One small interface over both dialects (like ``ledger.translog``'s): table names
filled in and qualified, ``?`` placeholders turned into ``%s`` for PostgreSQL, plain
tuples as rows, and one *write* transaction that takes the projections' write lock
first (SQLite: ``BEGIN IMMEDIATE``; PostgreSQL: a table lock on ``proj_state``), so
what a runner checks (its tracking position) is what it commits against.

Tables are declared as :class:`Table` — only ``text`` and ``int`` columns, so that
both dialects store the same values and a rebuild can be compared row for row.
"""

from __future__ import annotations

import sqlite3
import threading
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast

from ledger.store import EventStore

__all__ = ["NEXT", "Database", "Table", "instant_key", "prefix_end", "quote"]

NEXT = "__next"
"""Suffix of the tables a rebuild fills before they are swapped in."""


def prefix_end(prefix: str) -> str:
    """The least string above every string starting with ``prefix`` (a range scan's upper bound)."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def instant_key(moment: datetime | None) -> str | None:
    """A moment as fixed-width UTC text (``2026-04-20T01:30:00.000000Z``), for ordering columns:
    compared as text it compares as instants, whatever offset the stored string was written
    with (``Z`` sorts before ``+08:00`` as text, not in time). The stored string stays as written."""
    if moment is None:
        return None
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


@dataclass(frozen=True)
class Table:
    """A read-model table: columns (``text`` or ``int``), primary key, indexes.

    ``scope`` names the column whose value identifies what a refresh replaces: ``grp``
    (a case group), ``stream`` (a registry stream); ``None`` for per-event rows, which
    are inserted once and never replaced (``ON CONFLICT DO NOTHING``); ``custom`` for
    tables their projection maintains itself (aggregates). ``public``
    tables feed the public disclosure surfaces and must never hold personal data.
    """

    name: str
    columns: tuple[tuple[str, str], ...]
    key: tuple[str, ...]
    scope: str | None = "grp"
    indexes: tuple[tuple[str, ...], ...] = ()
    public: bool = False

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c for c, _ in self.columns)

    def index_columns(self) -> tuple[tuple[str, ...], ...]:
        scoped = self.scope in ("grp", "stream") and self.key[0] != self.scope
        extra = ((str(self.scope),),) if scoped else ()
        return extra + self.indexes



class Database:
    """The ledger's database as the projections use it."""

    def __init__(self, store: EventStore) -> None:
        self.store = store
        self.datastore: Any = store.recorder.datastore  # type: ignore[attr-defined]
        self.postgres = bool(store.config.postgres_dsn)
        self.tracking: Any = cast(Any, store.factory.tracking_recorder())
        self.schema = str(self.datastore.schema) if self.postgres else ""
        events = str(store.recorder.events_table_name)  # type: ignore[attr-defined]
        self.events = self.qualify(events)
        self.nid = "notification_id" if self.postgres else "rowid"
        self.tracking_table = self.qualify(self.tracking.tracking_table_name) if self.postgres else "tracking"
        self.channel = str(getattr(store.recorder, "channel_name", events.replace(".", "_")))
        self._cache: dict[str, str] = {}
        self._lock = threading.Lock()
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []

    # -- naming --------------------------------------------------------------------

    def qualify(self, table: str) -> str:
        """A table's name as SQL refers to it (schema-qualified on PostgreSQL)."""
        return f"{quote(self.schema)}.{quote(table)}" if self.postgres else quote(table)

    def index(self, name: str) -> str:
        """An index name as ``CREATE INDEX`` takes it (never schema-qualified there)."""
        return quote(name)

    def q(self, text: str) -> str:
        """``{events}``, ``{nid}``, ``{tracking}`` filled in; ``?`` → ``%s`` for PostgreSQL."""
        out = self._cache.get(text)
        if out is None:
            out = text.replace("{events}", self.events).replace("{nid}", self.nid)
            out = out.replace("{tracking}", self.tracking_table)
            if self.postgres:
                out = out.replace("?", "%s")
            with self._lock:
                self._cache[text] = out
        return out

    # -- transactions --------------------------------------------------------------

    @contextmanager
    def write(self) -> Iterator[Any]:
        """One write transaction holding the projections' lock; committed on success."""
        if self.postgres:
            from psycopg.rows import tuple_row

            with self.datastore.get_connection() as conn, conn.transaction():
                cur = conn.cursor(row_factory=tuple_row)
                cur.execute(f"LOCK TABLE {self.qualify('proj_state')} IN SHARE ROW EXCLUSIVE MODE")
                yield cur
            return
        conn = self._writer()
        if conn is None:  # an in-memory database: only the pool's connection sees it
            with self.datastore.get_connection(commit=True) as pooled:
                raw = pooled._sqlite_conn
                with self._sqlite_transaction(raw) as cur:
                    yield cur
            return
        with self._sqlite_transaction(conn) as cur:
            yield cur

    @staticmethod
    @contextmanager
    def _sqlite_transaction(conn: sqlite3.Connection) -> Iterator[Any]:
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

    def _writer(self) -> sqlite3.Connection | None:
        """This thread's own connection for projection writes (None for an in-memory database).

        Its own, not the pool's, so that its settings never reach the ledger's appends:
        ``synchronous=NORMAL`` (in WAL mode a commit survives a crash of the process, and
        the database stays consistent; only a power loss may undo the last commits, which
        the runner then simply does again — views and tracking commit together) and a
        larger page cache for the view tables; no zeroing of freed pages (below).
        """
        pool = self.datastore.pool
        if pool.is_sqlite_memory_mode:
            return None
        conn: sqlite3.Connection | None = getattr(self._local, "writer", None)
        if conn is None:
            conn = sqlite3.connect(pool.db_name, uri=True, isolation_level=None, timeout=pool.lock_timeout or 30,
                                   check_same_thread=False)
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA cache_size = -65536")
            # Debian builds SQLite with SECURE_DELETE: every freed page zeroed, so a rebuild's swap
            # rewrote the whole old view. The views hold nothing the ledger's events (same file,
            # never deleted) do not, so zeroing what they free hides nothing.
            conn.execute("PRAGMA secure_delete = OFF")
            self._local.writer = conn
            with self._lock:
                self._connections.append(conn)
        return conn

    @contextmanager
    def bulk(self) -> Iterator[None]:
        """Bulk loading (a rebuild): on SQLite, let the write-ahead log grow to 256 MB before
        checkpointing, instead of 4 MB, then checkpoint once. Fewer checkpoints, fewer fsyncs;
        a crash meanwhile loses nothing committed."""
        conn = None if self.postgres else self._writer()
        if conn is None:
            yield
            return
        conn.execute("PRAGMA wal_autocheckpoint = 65536")
        try:
            yield
        finally:
            conn.execute("PRAGMA wal_autocheckpoint = 1000")
            conn.execute("PRAGMA wal_checkpoint(PASSIVE)")

    def close(self) -> None:
        """Close the connections this object opened (the store's stay open)."""
        with self._lock:
            connections, self._connections = self._connections, []
        for conn in connections:
            conn.close()

    @contextmanager
    def read(self) -> Iterator[Any]:
        """A cursor for reads outside any explicit transaction; rows are tuples."""
        if self.postgres:
            from psycopg.rows import tuple_row

            with self.datastore.get_connection() as conn:
                yield conn.cursor(row_factory=tuple_row)
            return
        with self.datastore.get_connection(commit=False) as conn:
            cur = conn._sqlite_conn.cursor()
            try:
                yield cur
            finally:
                cur.close()

    def execute(self, cur: Any, sql: str, params: Sequence[Any] = ()) -> Any:
        cur.execute(self.q(sql), params)
        return cur

    def all(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self.read() as cur:
            cur.execute(self.q(sql), params)
            return [tuple(r) for r in cur.fetchall()]

    # -- DDL -----------------------------------------------------------------------

    def create(self, cur: Any, table: Table, suffix: str = "") -> None:
        """Create a table and its indexes unless it exists (inside the caller's transaction).

        Index names carry a random token, so that a rebuilt table can be renamed into
        place with its indexes as they are (SQLite cannot rename an index).
        """
        if self._exists(cur, table.name + suffix):
            return
        physical = self.qualify(table.name + suffix)
        kinds = {"text": "TEXT", "int": "BIGINT" if self.postgres else "INTEGER"}
        cols = ", ".join(f"{c} {kinds[t]}" for c, t in table.columns)
        # SQLite: the primary key is the table (WITHOUT ROWID), so each row is written once, not twice.
        clustered = "" if self.postgres else " WITHOUT ROWID"
        cur.execute(f"CREATE TABLE {physical} ({cols}, PRIMARY KEY ({', '.join(table.key)})){clustered}")
        token = uuid.uuid4().hex[:8]
        for i, columns in enumerate(table.index_columns()):
            name = quote(f"{table.name}_i{i}_{token}")
            cur.execute(f"CREATE INDEX {name} ON {physical} ({', '.join(columns)})")

    def drop(self, cur: Any, table: Table, suffix: str = "") -> None:
        cur.execute(f"DROP TABLE IF EXISTS {self.qualify(table.name + suffix)}")

    def swap(self, cur: Any, table: Table) -> None:
        """Replace ``table`` by its rebuilt ``table__next`` (inside the caller's transaction)."""
        self.drop(cur, table)
        cur.execute(f"ALTER TABLE {self.qualify(table.name + NEXT)} RENAME TO {quote(table.name)}")

    def _exists(self, cur: Any, table: str) -> bool:
        if self.postgres:
            cur.execute("SELECT to_regclass(%s)", (f"{quote(self.schema)}.{quote(table)}",))
            row = cur.fetchone()
            return row is not None and row[0] is not None
        cur.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (table,))
        return cur.fetchone() is not None

    def exists(self, table: str) -> bool:
        if self.postgres:
            rows = self.all("SELECT to_regclass(?)", (f"{quote(self.schema)}.{quote(table)}",))
            return bool(rows and rows[0][0] is not None)
        return bool(self.all("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)))

    @contextmanager
    def ddl_lock(self) -> Iterator[Any]:
        """A write transaction for creating tables (PostgreSQL: serialised by an advisory lock)."""
        if self.postgres:
            from psycopg.rows import tuple_row

            with self.datastore.get_connection() as conn, conn.transaction():
                cur = conn.cursor(row_factory=tuple_row)
                cur.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (f"{self.schema}.projections",))
                yield cur
            return
        with self.write() as cur:
            yield cur

    # -- rows ----------------------------------------------------------------------

    def delete_in(self, cur: Any, physical: str, column: str, values: Iterable[str]) -> None:
        items = list(values)
        for start in range(0, len(items), 500):
            chunk = items[start : start + 500]
            marks = ",".join(["?"] * len(chunk))
            cur.execute(self.q(f"DELETE FROM {physical} WHERE {column} IN ({marks})"), chunk)

    def insert(self, cur: Any, physical: str, table: Table, rows: Sequence[Sequence[Any]]) -> None:
        if not rows:
            return
        cols = table.column_names
        marks = ",".join(["?"] * len(cols))
        conflict = " ON CONFLICT DO NOTHING" if table.scope is None else ""
        cur.executemany(self.q(f"INSERT INTO {physical} ({', '.join(cols)}) VALUES ({marks}){conflict}"), rows)

    # -- events --------------------------------------------------------------------

    def events_after(self, after: int, limit: int) -> list[tuple[int, str, int, str, bytes]]:
        """``(notification id, stream, version, type, stored bytes)`` of up to ``limit`` events after ``after``."""
        with self.read() as cur:
            cur.execute(self.q("SELECT {nid}, originator_id, originator_version, topic, state FROM {events} "
                               "WHERE {nid} > ? ORDER BY {nid} LIMIT ?"), (after, limit))
            return [(int(n), str(s), int(v), str(t), bytes(b)) for n, s, v, t, b in cur.fetchall()]

    def events_after_sparse(self, after: int, limit: int, prefixes: Sequence[str], keep_types: Sequence[str],
                            markers: Sequence[bytes]) -> list[tuple[int, str, int, str, bytes | None]]:
        """As :meth:`events_after`, but without the stored bytes (None) of events in streams named
        ``prefixes...`` unless their type is in ``keep_types`` or their bytes hold one of ``markers``:
        a parallel rebuild reads those again where it folds them. SQLite decides in the query and
        never copies the bytes out; PostgreSQL reads them all and decides here."""
        if self.postgres:
            return [(n, st, v, t, b if not st.startswith(tuple(prefixes)) or t in keep_types
                     or any(m in b for m in markers) else None) for n, st, v, t, b in self.events_after(after, limit)]
        grouped = " OR ".join("(originator_id >= ? AND originator_id < ?)" for _ in prefixes)
        kept_types = ["topic IN (" + ",".join("?" * len(keep_types)) + ")"] if keep_types else []
        kept = " OR ".join([*kept_types, *["instr(state, ?) > 0"] * len(markers)]) or "0"
        params: list[Any] = [bound for p in prefixes for bound in (p, prefix_end(p))]
        params += [*keep_types, *markers, after, limit]
        sql = (f"SELECT {{nid}}, originator_id, originator_version, topic, "
               f"CASE WHEN NOT ({grouped}) OR {kept} THEN state END FROM {{events}} "
               "WHERE {nid} > ? ORDER BY {nid} LIMIT ?")
        with self.read() as cur:
            cur.execute(self.q(sql), params)
            return [(int(n), str(st), int(v), str(t), None if b is None else bytes(b))
                    for n, st, v, t, b in cur.fetchall()]

    def stream_events(self, streams: Sequence[str], upto: int, *, fresh: bool = False
                      ) -> list[tuple[int, str, int, bytes]]:
        """Every event of ``streams`` with a notification id up to ``upto``, per stream in version order.

        ``fresh`` reads over a new connection of its own, not the pool's: what a forked
        process must do (a connection must never cross ``fork``).
        """
        out: list[tuple[int, str, int, bytes]] = []
        with self._fresh_reader() if fresh else self.read() as cur:
            for start in range(0, len(streams), 400):
                chunk = list(streams[start : start + 400])
                marks = ",".join(["?"] * len(chunk))
                cur.execute(self.q(f"SELECT {{nid}}, originator_id, originator_version, state FROM {{events}} "
                                   f"WHERE originator_id IN ({marks}) AND {{nid}} <= ? "
                                   "ORDER BY originator_id, originator_version"), [*chunk, upto])
                out += [(int(n), str(s), int(v), bytes(b)) for n, s, v, b in cur.fetchall()]
        return out

    @contextmanager
    def _fresh_reader(self) -> Iterator[Any]:
        if self.postgres:
            import psycopg

            with psycopg.connect(str(self.store.config.postgres_dsn), autocommit=True) as pg:
                yield pg.cursor()
            return
        pool = self.datastore.pool
        lite = sqlite3.connect(pool.db_name, uri=True, isolation_level=None, timeout=pool.lock_timeout or 30)
        try:
            yield lite.cursor()
        finally:
            lite.close()

    def streams_with_prefix(self, prefix: str, upto: int) -> list[str]:
        """Streams named ``prefix...`` with an event up to ``upto`` (a range scan of the stream index)."""
        upper = prefix_end(prefix)
        return [str(r[0]) for r in self.all(
            "SELECT DISTINCT originator_id FROM {events} WHERE originator_id >= ? AND originator_id < ? "
            "AND {nid} <= ?", (prefix, upper, upto))]

    def head(self) -> int:
        rows = self.all("SELECT MAX({nid}) FROM {events}")
        return int(rows[0][0]) if rows and rows[0][0] is not None else 0

    def count_after(self, after: int) -> int:
        rows = self.all("SELECT COUNT(*) FROM {events} WHERE {nid} > ?", (after,))
        return int(rows[0][0]) if rows else 0

    # -- tracking ------------------------------------------------------------------

    def tracked(self, cur: Any, name: str) -> int:
        cur.execute(self.q("SELECT MAX(notification_id) FROM {tracking} WHERE application_name = ?"), (name,))
        row = cur.fetchone()
        return 0 if row is None or row[0] is None else int(row[0])

    def track(self, cur: Any, name: str, notification_id: int) -> None:
        """Record the position with eventsourcing's own tracking insert (it refuses to go backwards)."""
        from eventsourcing.persistence import Tracking

        self.tracking._insert_tracking(cur, Tracking(name, notification_id))

    def untrack(self, cur: Any, name: str) -> None:
        cur.execute(self.q("DELETE FROM {tracking} WHERE application_name = ?"), (name,))
