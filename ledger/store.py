"""Storage wiring: an eventsourcing 9.5 application whose stored state is the sealed bytes.

The stored ``state`` of every row is exactly the sealed event (envelope + signature);
``originator_id`` is the stream, ``originator_version`` the version, ``topic`` the step
type. The recorders are eventsourcing's, extended to check, inside the insert
transaction, that the first new event of each stream links to the stored head.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, cast
from urllib.parse import unquote, urlparse
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.persistence import (
    IntegrityError,
    JSONTranscoder,
    Mapper,
    Notification,
    OperationalError,
    StoredEvent,
)
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteCursor, SQLiteTransaction
from eventsourcing.utils import get_topic

from ledger.envelope import SealedEvent, content_hash, split


class ChainBrokenError(IntegrityError):
    """An append whose ``prev`` does not name the stored head of its stream."""


Row = tuple[int, str, int, str, Any]
"""One stored row: notification id, stream, version, topic, state (bytes, or what a tampered
SQLite column holds: see :func:`stored_bytes`)."""


def stored_bytes(state: object) -> bytes:
    """A row's state as bytes: SQLite keeps whatever type was written, and a tampered TEXT
    value must reach the checks (and fail them), not crash the reader."""
    if isinstance(state, bytes):
        return state
    if isinstance(state, bytearray | memoryview):
        return bytes(state)
    return str(state).encode("utf-8", "surrogatepass")


def _first_per_stream(stored_events: Sequence[StoredEvent]) -> dict[UUID | str, StoredEvent]:
    """The first new event of each stream, keyed by the originator id as given (UUID or text)."""
    firsts: dict[UUID | str, StoredEvent] = {}
    for s in stored_events:
        firsts.setdefault(s.originator_id, s)
    return firsts


def _sqlite_id(originator_id: UUID | str) -> str:
    """The originator id as eventsourcing's SQLite recorder stores it (a UUID as its hex)."""
    return originator_id.hex if isinstance(originator_id, UUID) else originator_id


def _check_link(new: StoredEvent, head_state: bytes | None) -> None:
    prev = SealedEvent.from_stored(new.state).prev
    if new.originator_version == 1:
        if prev is not None:
            raise ChainBrokenError(f"{new.originator_id} v1 不应有 prev")
        return
    if head_state is None:
        raise ChainBrokenError(f"{new.originator_id} v{new.originator_version}: 前一版本不存在")
    if content_hash(split(head_state)[0]).hex() != prev:
        raise ChainBrokenError(
            f"{new.originator_id} v{new.originator_version}: prev 与已存储的前一事件哈希不符"
        )


class _ImmediateTransaction(SQLiteTransaction):
    """eventsourcing's transaction, begun with the write lock (``BEGIN IMMEDIATE``)."""

    def __enter__(self) -> SQLiteCursor:
        cursor = self.connection.cursor()
        try:
            cursor.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:  # busy beyond the lock timeout
            raise OperationalError(exc) from exc
        return cursor


class ChainedSQLiteRecorder(SQLiteApplicationRecorder):
    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        """Insert with the write lock taken first: the link check reads the head before inserting,
        and a deferred ``BEGIN`` would let another process commit between that read and the write,
        failing this writer at once ("database is locked") instead of waiting its turn."""
        with self.datastore.get_connection(commit=True) as conn, \
                _ImmediateTransaction(conn, commit=True) as curs, curs:
            ids: Sequence[int] | None = self._insert_events(curs, stored_events, **kwargs)
            return ids

    def _insert_events(self, c: Any, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Any:
        self._check_links(c, stored_events)
        return super()._insert_events(c, stored_events, **kwargs)

    def insert_chunk(self, c: Any, stored_events: Sequence[StoredEvent]) -> list[int]:
        """Insert inside an open write transaction with one statement; returns the rowids.

        Rowids are assigned max+1 in order while the transaction holds the write lock, so
        the chunk's ids are the ``len(chunk)`` values ending at ``last_insert_rowid()``.
        """
        self._check_links(c, stored_events)
        rows = [(s.originator_id, s.originator_version, s.topic, s.state) for s in stored_events]
        if len(rows) == 1:
            c.execute(self.insert_events_statement, rows[0])
            return [int(c.lastrowid)]
        c.executemany(self.insert_events_statement, rows)
        c.execute("SELECT last_insert_rowid()")
        last = int(c.fetchone()[0])
        return list(range(last - len(rows) + 1, last + 1))

    def select_range(self, lo: int, hi: int) -> list[Row]:
        """Rows with ``lo <= id <= hi`` as plain tuples: a whole-ledger pass reads them at half the
        cost of ``select_notifications``' objects."""
        with self.datastore.transaction(commit=False) as c:
            c.execute(f"SELECT rowid, originator_id, originator_version, topic, state FROM {self.events_table_name} "
                      "WHERE rowid BETWEEN ? AND ? ORDER BY rowid", (lo, hi))
            return [tuple(r) for r in c.fetchall()]

    def select_in(self, c: Any, stream: str, gt: int | None, desc: bool, limit: int | None) -> list[StoredEvent]:
        """``select_events`` on the cursor of an open transaction."""
        sql = f"SELECT * FROM {self.events_table_name} WHERE originator_id=?"
        params: list[Any] = [stream]
        if gt is not None:
            sql += " AND originator_version>?"
            params.append(gt)
        sql += " ORDER BY originator_version" + (" DESC" if desc else "")
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        c.execute(sql, params)
        return [StoredEvent(r["originator_id"], r["originator_version"], r["topic"], r["state"]) for r in c.fetchall()]

    def _check_links(self, c: Any, stored_events: Sequence[StoredEvent]) -> None:
        for stream, new in _first_per_stream(stored_events).items():
            head = None
            if new.originator_version > 1:
                c.execute(
                    f"SELECT state FROM {self.events_table_name} "
                    "WHERE originator_id=? AND originator_version=?",
                    (_sqlite_id(stream), new.originator_version - 1),
                )
                row = c.fetchone()
                head = bytes(row[0]) if row else None
            _check_link(new, head)


class ChainedPostgresRecorder(PostgresApplicationRecorder):
    def __init__(self, datastore: PostgresDatastore, *args: Any, **kwargs: Any) -> None:
        if datastore.enable_db_functions:
            # The stored-function insert bypasses _insert_events, and with it the chain check.
            raise ValueError("ChainedPostgresRecorder 不支持 enable_db_functions=True (数据库函数插入会绕过链校验); "
                             "请去掉 POSTGRES_ENABLE_DB_FUNCTIONS")
        super().__init__(datastore, *args, **kwargs)

    def _create_table(self, curs: Any) -> None:
        """eventsourcing's DDL (tables, ``CREATE OR REPLACE FUNCTION``) under an advisory lock: processes
        starting at once on one schema (the deployment's five) would otherwise fail with
        "tuple concurrently updated"."""
        curs.execute("SELECT pg_advisory_xact_lock(hashtext(%s))",
                     (f"eventsourcing-ddl:{self.datastore.schema}.{self.events_table_name}",))
        super()._create_table(curs)

    def _insert_events(self, curs: Any, stored_events: Sequence[StoredEvent], **kwargs: Any) -> None:
        from psycopg.sql import SQL, Identifier

        for stream, new in _first_per_stream(stored_events).items():
            head = None
            if new.originator_version > 1:
                curs.execute(
                    SQL(
                        "SELECT state FROM {}.{} WHERE originator_id=%s AND originator_version=%s"
                    ).format(
                        Identifier(self.datastore.schema), Identifier(self.events_table_name)
                    ),
                    (stream, new.originator_version - 1),
                )
                row = curs.fetchone()
                head = bytes(row["state"]) if row else None
            _check_link(new, head)
        super()._insert_events(curs, stored_events, **kwargs)


class SealedMapper(Mapper[str]):
    """Stores the sealed bytes as they are: no transcoding, compression or cipher."""

    def __init__(self) -> None:
        super().__init__(transcoder=JSONTranscoder())

    def to_stored_event(self, domain_event: Any) -> StoredEvent:
        event: SealedEvent = domain_event
        return StoredEvent(
            originator_id=event.stream,
            originator_version=event.version,
            topic=event.type,
            state=event.stored,
        )

    def to_domain_event(self, stored_event: StoredEvent) -> Any:
        return SealedEvent.from_stored(stored_bytes(stored_event.state))


@dataclass(frozen=True)
class StoreConfig:
    """Where the events live: a SQLite file, or a PostgreSQL DSN (and schema)."""

    sqlite_path: str | None = None
    postgres_dsn: str | None = None
    postgres_schema: str = "public"
    extra: dict[str, str] = field(default_factory=dict)

    def env(self) -> dict[str, str]:
        env = {"ORIGINATOR_ID_TYPE": "text", "CREATE_TABLE": "y"}
        if self.postgres_dsn:
            url = urlparse(self.postgres_dsn)
            env.update(
                PERSISTENCE_MODULE="eventsourcing.postgres",
                APPLICATION_RECORDER_TOPIC=get_topic(ChainedPostgresRecorder),
                POSTGRES_DBNAME=url.path.lstrip("/") or "postgres",
                POSTGRES_HOST=url.hostname or "127.0.0.1",
                POSTGRES_PORT=str(url.port or 5432),
                POSTGRES_USER=unquote(url.username or "postgres"),
                POSTGRES_PASSWORD=unquote(url.password or ""),
                POSTGRES_SCHEMA=self.postgres_schema,
                POSTGRES_LOCK_TIMEOUT="10",
                # Fail fast while the server is unreachable: the pool hands out a connection
                # within this many seconds or fails (eventsourcing calls it the connect timeout),
                # and a transaction left idle by a lost client is ended by the server.
                POSTGRES_CONNECT_TIMEOUT=os.environ.get("LEDGER_POSTGRES_POOL_TIMEOUT", "2"),
                POSTGRES_IDLE_IN_TRANSACTION_SESSION_TIMEOUT="5",
            )
        else:
            if not self.sqlite_path:
                raise ValueError("StoreConfig needs sqlite_path or postgres_dsn")
            env.update(
                PERSISTENCE_MODULE="eventsourcing.sqlite",
                APPLICATION_RECORDER_TOPIC=get_topic(ChainedSQLiteRecorder),
                SQLITE_DBNAME=self.sqlite_path,
                SQLITE_LOCK_TIMEOUT="30",
            )
        env.update(self.extra)
        return env


def _create_private(path: str) -> None:
    """Create a new SQLite file readable by its owner only (0600, like the key store): it holds
    every party's personal data. SQLite gives its -wal and -shm files the mode of the database.
    An existing file keeps its mode; ``:memory:`` and URIs are left to SQLite."""
    if path == ":memory:" or path.startswith("file:"):
        return
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        pass


class EventStore(Application[str]):
    """The ledger's eventsourcing application: append sealed events, read them back."""

    name = "Ledger"

    def __init__(self, config: StoreConfig) -> None:
        self.config = config
        self._local = threading.local()
        if config.sqlite_path and not config.postgres_dsn:
            _create_private(config.sqlite_path)
        super().__init__(env=config.env())

    def construct_env(self, name: str, env: Any = None) -> Any:
        # Only the configuration given, never stray eventsourcing variables from os.environ.
        from eventsourcing.utils import Environment

        return Environment(name, dict(env or {}))

    def construct_mapper(self) -> Mapper[str]:
        return SealedMapper()

    def append(self, events: Sequence[SealedEvent]) -> list[int]:
        """Append in one transaction; returns the notification ids (may have gaps)."""
        # EventStore.put directly: Application.save's protocol checks cost more than the insert.
        recordings = self.events.put(events)
        return [r.notification.id for r in recordings]

    @contextmanager
    def appending(self) -> Iterator[Appender]:
        """One append transaction; what is read meanwhile comes from inside it.

        SQLite: ``BEGIN IMMEDIATE`` takes the write lock first, so the heads read while
        sealing are the heads appended to, and reads share the transaction instead of
        opening their own. PostgreSQL: events are collected and appended on exit by the
        recorder's usual locked insert (its in-transaction link check guards the heads).
        Any exception rolls everything back.
        """
        if not isinstance(self.recorder, ChainedSQLiteRecorder):
            appender = Appender(self, None)
            yield appender
            appender.ids = self.append(appender.buffer)
            return
        with self._shared(write=True) as cursor:
            yield Appender(self, cursor)

    @contextmanager
    def reading(self) -> Iterator[None]:
        """One read transaction for many small reads (SQLite); nothing to do elsewhere.

        Each read through eventsourcing opens its own transaction, which costs more than
        the read itself; a caller about to read many streams shares one snapshot instead.
        """
        if not isinstance(self.recorder, ChainedSQLiteRecorder) or getattr(self._local, "cursor", None):
            yield
            return
        with self._shared(write=False):
            yield

    @contextmanager
    def _shared(self, *, write: bool) -> Iterator[Any]:
        """A SQLite transaction whose cursor this thread's reads use; kept only when writing."""
        recorder = cast(ChainedSQLiteRecorder, self.recorder)
        with recorder.datastore.get_connection(commit=write) as conn:
            cursor = conn.cursor()
            cursor.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            self._local.cursor = cursor
            try:
                yield cursor
            except BaseException:
                conn.rollback()
                raise
            else:
                if write:
                    conn.commit()
                else:
                    conn.rollback()
            finally:
                self._local.cursor = None

    def open_cursor(self) -> Any | None:
        """The cursor of this thread's open transaction (SQLite: :meth:`appending`, :meth:`reading`), so
        that a read beside the events sees what the transaction sees; None when there is none."""
        return getattr(self._local, "cursor", None)

    def _select(self, stream: str, gt: int | None = None, desc: bool = False,
                limit: int | None = None) -> list[SealedEvent]:
        cursor = getattr(self._local, "cursor", None)
        if cursor is not None:
            rows = cast(ChainedSQLiteRecorder, self.recorder).select_in(cursor, stream, gt, desc, limit)
            return [cast(SealedEvent, self.mapper.to_domain_event(r)) for r in rows]
        return [cast(SealedEvent, e) for e in self.events.get(stream, gt=gt, desc=desc, limit=limit)]

    def stream(self, stream: str, *, gt: int | None = None) -> list[SealedEvent]:
        return self._select(stream, gt=gt)

    def head(self, stream: str) -> SealedEvent | None:
        found = self._select(stream, desc=True, limit=1)
        return found[0] if found else None

    def openings(self, prefix: str) -> list[SealedEvent]:
        """The first event of every stream named ``prefix…`` (e.g. every ``review/`` opening: the
        decision each targets), read inside this thread's transaction when one is open."""
        upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
        recorder: Any = self.recorder
        if isinstance(recorder, ChainedSQLiteRecorder):
            sql = (f"SELECT state FROM {recorder.events_table_name} WHERE originator_id >= ? "
                   "AND originator_id < ? AND originator_version = 1 ORDER BY originator_id")
            cursor = getattr(self._local, "cursor", None)
            if cursor is not None:
                cursor.execute(sql, (prefix, upper))
                rows = [bytes(r[0]) for r in cursor.fetchall()]
            else:
                with recorder.datastore.transaction(commit=False) as c:
                    c.execute(sql, (prefix, upper))
                    rows = [bytes(r[0]) for r in c.fetchall()]
        else:
            sql = (f'SELECT state FROM "{recorder.datastore.schema}"."{recorder.events_table_name}" '
                   "WHERE originator_id >= %s AND originator_id < %s AND originator_version = 1 "
                   "ORDER BY originator_id")
            with recorder.datastore.transaction(commit=False) as c:
                c.execute(sql, (prefix, upper))
                rows = [bytes(r["state"]) for r in c.fetchall()]
        return [SealedEvent.from_stored(row) for row in rows]

    def notifications(self, start: int = 1, page: int = 1000) -> Iterator[Notification]:
        """Every row in notification order, paged; ids may have gaps."""
        position: int | None = start
        while True:
            rows = self.recorder.select_notifications(start=position, limit=page)
            yield from rows
            if len(rows) < page:
                return
            position = rows[-1].id + 1

    def rows(self, lo: int, hi: int) -> list[Row]:
        """Every row with ``lo <= id <= hi``, in order, as (id, stream, version, topic, state)."""
        if isinstance(self.recorder, ChainedSQLiteRecorder):
            return self.recorder.select_range(lo, hi)
        return [(n.id, str(n.originator_id), n.originator_version, n.topic, n.state)
                for n in self.recorder.select_notifications(start=lo, limit=hi - lo + 1, stop=hi)]

    def count(self) -> int:
        return sum(1 for _ in self.notifications())

    def close(self) -> None:
        self.factory.close()


class Appender:
    """Collects a transaction's events; see ``EventStore.appending``."""

    def __init__(self, store: EventStore, cursor: Any) -> None:
        self.store, self.cursor = store, cursor
        self.buffer: list[SealedEvent] = []
        self.ids: list[int] = []

    def add(self, events: Sequence[SealedEvent]) -> None:
        if self.cursor is None:
            self.buffer.extend(events)
            return
        stored = [StoredEvent(e.stream, e.version, e.type, e.stored) for e in events]
        recorder = cast(ChainedSQLiteRecorder, self.store.recorder)
        self.ids.extend(recorder.insert_chunk(self.cursor, stored))


def iter_sealed(rows: Iterable[Notification]) -> Iterator[tuple[Notification, SealedEvent]]:
    for row in rows:
        yield row, SealedEvent.from_stored(stored_bytes(row.state))
