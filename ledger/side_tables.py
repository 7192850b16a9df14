"""Tables kept beside the events in the ledger's own database (API tokens, idempotency keys, the
PostgreSQL key store): one way to reach them, SQLite or PostgreSQL alike, so every node sharing
the database shares them."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from eventsourcing.persistence import IntegrityError

from ledger.store import EventStore


def quote(identifier: str) -> str:
    """A PostgreSQL identifier, quoted."""
    return '"' + identifier.replace('"', '""') + '"'


def is_unique_violation(exc: Exception) -> bool:
    """A primary-key or unique clash, as either store reports it."""
    if isinstance(exc, sqlite3.IntegrityError | IntegrityError):
        return True
    try:
        import psycopg
    except ImportError:  # pragma: no cover - psycopg is a dependency
        return False
    return isinstance(exc, psycopg.errors.UniqueViolation)


class SideTables:
    """SQL on the ledger's database outside the event recorder; ``{name}`` in a statement is a table."""

    postgres: bool
    datastore: Any
    tables: dict[str, str]

    def _open_tables(self, store: EventStore, tables: Mapping[str, str]) -> None:
        self.postgres = bool(store.config.postgres_dsn)
        self.datastore = store.recorder.datastore  # type: ignore[attr-defined]
        prefix = f"{quote(self.datastore.schema)}." if self.postgres else ""
        self.tables = {name: prefix + table for name, table in tables.items()}

    @contextmanager
    def _cursor(self, *, write: bool) -> Iterator[Any]:
        if self.postgres:
            from psycopg.rows import tuple_row

            with self.datastore.get_connection() as conn, conn.transaction(force_rollback=not write):
                yield conn.cursor(row_factory=tuple_row)
        else:
            with self.datastore.transaction(commit=write) as cur:
                yield cur

    def _q(self, text: str) -> str:
        for name, table in self.tables.items():
            text = text.replace("{" + name + "}", table)
        return text.replace("?", "%s") if self.postgres else text

    def _create_tables(self, *ddl: str) -> None:
        """``CREATE TABLE IF NOT EXISTS`` statements; on PostgreSQL under an advisory lock, since
        concurrent creations race on the catalogue."""
        if self.postgres:
            with self.datastore.get_connection() as conn, conn.transaction():
                conn.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (min(self.tables.values()),))
                for statement in ddl:
                    conn.execute(self._q(statement))
        else:
            with self._cursor(write=True) as cur:
                for statement in ddl:
                    cur.execute(self._q(statement))
