"""The SQL the projections need, in the ledger's own database (SQLite file or PostgreSQL schema).

On the ledger's database layer (``ledger.database``, shared with the transparency
log): table names filled in and qualified, ``?`` placeholders turned into ``%s`` for PostgreSQL, plain
tuples as rows, and one *write* transaction that takes the projections' write lock
first (SQLite: ``BEGIN IMMEDIATE``; PostgreSQL: a table lock on ``proj_state``), so
what a runner checks (its tracking position) is what it commits against.

Tables are declared as :class:`Table` — only ``text`` and ``int`` columns, so that
both dialects store the same values and a rebuild can be compared row for row.
"""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager, ExitStack, nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

from ledger.database import in_chunks, in_lists, open_database, quote
from ledger.follow import follow
from ledger.store import EventStore
from ledger.translog.lookup import Cursors, LogLookup

__all__ = ["NEXT", "STREAM_EVENTS", "Database", "Table", "in_chunks", "in_lists", "instant_key", "prefix_end",
           "quote"]

STREAM_EVENTS: Final = ("SELECT {nid}, originator_id, originator_version, topic, state FROM {events} "
                        "WHERE originator_id IN ({in}) AND {nid} <= ? ORDER BY originator_id, originator_version")
"""Every event of some streams up to a position, per stream in version order (``in_lists`` fills ``{in}``)."""

COPY_ROWS: Final = 64
"""From this many rows an insert on PostgreSQL is a ``COPY`` (a rebuild writes thousands at a time)."""

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


@dataclass(frozen=True)
class Table:
    """A read-model table: columns (``text`` or ``int``), primary key, indexes.

    ``scope`` names the column whose value identifies what a refresh replaces: ``grp``
    (a case group), ``stream`` (a registry stream); ``None`` for per-event rows, which
    are inserted once and never replaced (``ON CONFLICT DO NOTHING``); ``custom`` for
    tables their projection maintains itself (aggregates). ``public``
    tables feed the public disclosure surfaces and must never hold personal data.
    ``clustered`` (SQLite): the primary key is the table (``WITHOUT ROWID``), right for narrow
    rows; a table whose rows hold a document of a kilobyte or more says ``False``: a
    ``WITHOUT ROWID`` row over ~1 KB spills into overflow pages left half empty, a rowid
    table keeps rows up to ~4 KB in its leaf pages.
    """

    name: str
    columns: tuple[tuple[str, str], ...]
    key: tuple[str, ...]
    scope: str | None = "grp"
    indexes: tuple[tuple[str, ...], ...] = ()
    public: bool = False
    clustered: bool = True

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c for c, _ in self.columns)

    def index_columns(self) -> tuple[tuple[str, ...], ...]:
        scoped = self.scope in ("grp", "stream") and self.key[0] != self.scope
        extra = ((str(self.scope),),) if scoped else ()
        return extra + self.indexes



class Database:
    """The ledger's database as the projections use it (on :class:`ledger.database.Database`)."""

    def __init__(self, store: EventStore) -> None:
        self.store = store
        self.base = open_database(store)
        self.datastore: Any = self.base.datastore
        self.postgres = self.base.postgres
        self.tracking = self.base
        self.schema = self.base.schema
        self.events = self.base.events
        self.nid = self.base.nid
        self.tracking_table = self.base.tracking_table
        events = self.base.events_table_name
        self.channel = str(getattr(store.recorder, "channel_name", events.replace(".", "_")))
        self._cache: dict[str, str] = {}
        self._lock = threading.Lock()
        self._held: tuple[int, ExitStack, Any] | None = None  # a forked worker's own reader (process id, ...)

    # -- what the read side asks of the ledger beyond its tables (the audit reads through here) --

    def follow(self, work: Callable[[], int], stop: threading.Event, *, poll: float, name: str,
               on_round: Callable[[int], None] | None = None) -> int:
        """Run ``work`` until ``stop``, waking on new events of this store (``ledger.follow``)."""
        return follow(work, stop, store=self.store, poll=poll, name=name, on_round=on_round)

    def log(self, cursors: Cursors | None = None) -> LogLookup:
        """This ledger's transparency log as INS-02's beacon asks it (``ledger.translog.lookup``), read
        over ``cursors`` when given (a forked worker's own)."""
        return LogLookup(self.base, cursors)

    # -- naming --------------------------------------------------------------------

    def qualify(self, table: str) -> str:
        """A table's name as SQL refers to it (schema-qualified on PostgreSQL)."""
        return self.base.qualify(table)

    def index(self, name: str) -> str:
        """An index name as ``CREATE INDEX`` takes it (never schema-qualified there)."""
        return quote(name)

    def q(self, text: str) -> str:
        """``{events}``, ``{nid}``, ``{tracking}`` filled in; ``?`` → ``%s`` for PostgreSQL."""
        out = self._cache.get(text)
        if out is None:
            out = text.replace("{events}", self.events).replace("{nid}", self.nid)
            out = self.base.placeholders(out.replace("{tracking}", self.tracking_table))
            with self._lock:
                self._cache[text] = out
        return out

    # -- transactions --------------------------------------------------------------

    def write(self) -> AbstractContextManager[Any]:
        """One write transaction holding the projections' lock; committed on success."""
        return self.base.write(self.qualify("proj_state"))

    def bulk(self) -> AbstractContextManager[None]:
        """Bulk loading (a rebuild): on SQLite, fewer write-ahead-log checkpoints."""
        return self.base.bulk()

    def close(self) -> None:
        """Close the connections this object opened (the store's stay open)."""
        self.base.release()

    def read(self) -> AbstractContextManager[Any]:
        """A cursor for reads outside any explicit transaction."""
        return self.base.read()

    def fresh_reader(self) -> AbstractContextManager[Any]:
        """A cursor over a new connection of its own, not the pool's: what a forked process must
        use (a connection must never cross ``fork``)."""
        return self.base.fresh_reader()

    def process_reader(self) -> Any:
        """A cursor over a connection of this process's own, opened on its first use in the process
        and kept until it exits: what a forked worker reads with, job after job (on SQLite with the
        file mapped, as the parent's readers), instead of a new connection with a cold cache per read."""
        held = self._held
        if held is None or held[0] != os.getpid():
            stack = ExitStack()
            cur = stack.enter_context(self.fresh_reader())
            if not self.postgres:
                cur.execute(f"PRAGMA mmap_size = {1 << 30}")
            self._held = held = (os.getpid(), stack, cur)
        return held[2]

    def execute(self, cur: Any, sql: str, params: Sequence[Any] = ()) -> Any:
        cur.execute(self.q(sql), params)
        return cur

    def all(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self.read() as cur:
            cur.execute(self.q(sql), params)
            return [tuple(r) for r in cur.fetchall()]

    # -- DDL -----------------------------------------------------------------------

    def create(self, cur: Any, table: Table, suffix: str = "", *, indexes: bool = True) -> None:
        """Create a table and its indexes unless it exists (inside the caller's transaction).

        ``indexes=False`` leaves the secondary indexes out: a rebuild fills its fresh tables
        first and then builds each index once, sorted (:meth:`create_indexes`), instead of
        updating it row by row in random order.
        """
        if self._exists(cur, table.name + suffix):
            return
        physical = self.qualify(table.name + suffix)
        kinds = {"text": "TEXT", "int": self.base.int_type}
        cols = ", ".join(f"{c} {kinds[t]}" for c, t in table.columns)
        # SQLite: the primary key is the table (WITHOUT ROWID), so each row is written once, not twice.
        clustered = self.base.clustered if table.clustered else ""
        cur.execute(f"CREATE TABLE {physical} ({cols}, PRIMARY KEY ({', '.join(table.key)})){clustered}")
        if indexes:
            self.create_indexes(cur, table, suffix)

    def create_indexes(self, cur: Any, table: Table, suffix: str = "") -> None:
        """Create the secondary indexes of a table created without them.

        Index names carry a random token, so that a rebuilt table can be renamed into
        place with its indexes as they are (SQLite cannot rename an index).
        """
        physical = self.qualify(table.name + suffix)
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
        return self.base.table_exists(cur, table)

    def exists(self, table: str) -> bool:
        with self.read() as cur:
            return self._exists(cur, table)

    def ddl_lock(self) -> AbstractContextManager[Any]:
        """A write transaction for creating tables (PostgreSQL: serialised by an advisory lock)."""
        if self.postgres:
            return self.base.ddl(f"{self.schema}.projections")
        return self.write()

    # -- rows ----------------------------------------------------------------------

    def delete_in(self, cur: Any, physical: str, column: str, values: Iterable[str]) -> None:
        for sql, chunk in in_lists(f"DELETE FROM {physical} WHERE {column} IN ({{in}})", list(values)):
            cur.execute(self.q(sql), chunk)

    def insert(self, cur: Any, physical: str, table: Table, rows: Sequence[Sequence[Any]]) -> None:
        if not rows:
            return
        cols = table.column_names
        if self.postgres and table.scope is not None and len(rows) >= COPY_ROWS:
            # PostgreSQL: COPY streams the rows in one statement (a key already present fails as the INSERT
            # would; the per-event tables, which skip such keys, keep the INSERT)
            with cur.copy(f"COPY {physical} ({', '.join(cols)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
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

        ``fresh`` reads over a connection of this process's own (:meth:`process_reader`), not the
        pool's: what a forked process must do (a connection must never cross ``fork``).
        """
        return [(n, s, v, b) for n, s, v, _, b in self.typed_stream_events(streams, upto, fresh=fresh)]

    def typed_stream_events(self, streams: Sequence[str], upto: int, *, fresh: bool = False
                            ) -> list[tuple[int, str, int, str, bytes]]:
        """As :meth:`stream_events`, with each event's type: ``(nid, stream, version, type, bytes)``."""
        out: list[tuple[int, str, int, str, bytes]] = []
        with nullcontext(self.process_reader()) if fresh else self.read() as cur:
            for sql, chunk in in_lists(STREAM_EVENTS, streams):
                cur.execute(self.q(sql), [*chunk, upto])
                if self.postgres:
                    out += [(int(n), str(s), int(v), str(t), bytes(b)) for n, s, v, t, b in cur.fetchall()]
                else:  # SQLite's reader gives plain tuples of these very types (a rebuild's worker reads them all)
                    out += cur.fetchall()
        return out

    def states(self, nids: Sequence[int]) -> dict[int, bytes]:
        """The stored bytes of the events at ``nids``."""
        out: dict[int, bytes] = {}
        for sql, chunk in in_lists("SELECT {nid}, state FROM {events} WHERE {nid} IN ({in})", list(nids)):
            out.update((int(n), bytes(b)) for n, b in self.all(sql, chunk))
        return out

    def last_positions(self) -> dict[str, int]:
        """Every stream's last notification id (one scan of the stream index): when a rebuild
        has read that far, the stream has no more events to wait for."""
        return {str(s): int(n) for s, n in self.all("SELECT originator_id, MAX({nid}) FROM {events} "
                                                    "GROUP BY originator_id")}

    def streams_with_prefix(self, prefix: str, upto: int, types: Sequence[str] | None = None) -> list[str]:
        """Streams named ``prefix...`` with an event up to ``upto`` (a range scan of the stream index);
        with ``types``, only those with an event of one of these types."""
        if types is not None and not types:
            return []
        typed = "" if types is None else f"AND topic IN ({','.join('?' * len(types))}) "
        return [str(r[0]) for r in self.all(
            "SELECT DISTINCT originator_id FROM {events} WHERE originator_id >= ? AND originator_id < ? "
            + typed + "AND {nid} <= ?", (prefix, prefix_end(prefix), *(types or ()), upto))]

    def head(self) -> int:
        rows = self.all("SELECT MAX({nid}) FROM {events}")
        return int(rows[0][0]) if rows and rows[0][0] is not None else 0

    def count_after(self, after: int) -> int:
        rows = self.all("SELECT COUNT(*) FROM {events} WHERE {nid} > ?", (after,))
        return int(rows[0][0]) if rows else 0

    # -- tracking ------------------------------------------------------------------

    def tracked(self, cur: Any, name: str) -> int:
        return self.base.tracked(cur, name)

    def track(self, cur: Any, name: str, notification_id: int) -> None:
        """Record the position with eventsourcing's own tracking insert (it refuses to go backwards)."""
        self.base.track(cur, name, notification_id)

    def untrack(self, cur: Any, name: str) -> None:
        self.base.untrack(cur, name)
