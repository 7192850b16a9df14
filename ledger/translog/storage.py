"""The log's tables in the ledger's database: SQLite or PostgreSQL behind one small interface."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

from ledger.database import Database, open_database
from ledger.store import EventStore


class Storage:
    """The log's tables on the ledger's :class:`~ledger.database.Database`; tuples as rows."""

    TABLES = ("leaves", "nodes", "checkpoints", "witnesses", "cosignatures", "meta")

    def __init__(self, store: EventStore) -> None:
        self.store = store
        self.db = open_database(store, create_tracking=False)
        self.postgres = self.db.postgres
        self.names = {t: self.db.qualify(f"translog_{t}") for t in self.TABLES}
        self.names["tracking"] = self.db.tracking_table
        self.names["events"] = self.db.events
        self.names["nid"] = self.db.nid
        self._cache: dict[str, str] = {}

    @property
    def tracking(self) -> Database:
        """eventsourcing's tracking recorder (its table created on first use)."""
        self.db.create_tracking()
        return self.db

    def q(self, text: str) -> str:
        """Table names filled in, placeholders in the dialect's style."""
        out = self._cache.get(text)
        if out is None:
            out = self.db.placeholders(text.format(**self.names))
            self._cache[text] = out
        return out

    @contextmanager
    def transaction(self, *, write: bool) -> Iterator[Any]:
        """A cursor in one transaction, committed on success when ``write``.

        A write transaction takes the log's write lock first, so the state it
        reads is the state it appends to.
        """
        with self.db.transaction(write=write) as cur:
            if write:
                self.db.lock(cur, self.names["meta"])
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

    def reader(self) -> AbstractContextManager[Any]:
        """A cursor for one read statement, outside any explicit transaction (autocommit)."""
        return self.db.thread_reader()

    def close(self) -> None:
        """Close the read connections this object opened (the store's own stay open)."""
        self.db.release()

    def create(self) -> None:
        blob, big, rowid = self.db.blob_type, self.db.int_type, self.db.clustered
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
        with self.db.ddl(self.names["leaves"]) as cur:
            for s in statements:
                cur.execute(self.q(s))

    def exists(self) -> bool:
        with self.transaction(write=False) as cur:
            return self.db.table_exists(cur, "translog_meta")
