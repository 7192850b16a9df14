"""Tables kept beside the events in the ledger's own database (API tokens, idempotency keys, the
PostgreSQL key store): one way to reach them, SQLite or PostgreSQL alike, so every node sharing
the database shares them."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from contextlib import AbstractContextManager
from typing import Any

from eventsourcing.persistence import IntegrityError

from ledger.database import Database, open_database
from ledger.store import EventStore


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
    _db: Database

    def _open_tables(self, store: EventStore, tables: Mapping[str, str]) -> None:
        self._db = open_database(store, create_tracking=False)
        self.postgres = self._db.postgres
        self.datastore = self._db.datastore
        self.tables = {name: self._db.qualify(table) for name, table in tables.items()}

    def _cursor(self, *, write: bool) -> AbstractContextManager[Any]:
        return self._db.transaction(write=write)

    def _q(self, text: str) -> str:
        for name, table in self.tables.items():
            text = text.replace("{" + name + "}", table)
        return self._db.placeholders(text)

    def _create_tables(self, *ddl: str) -> None:
        """``CREATE TABLE IF NOT EXISTS`` statements (on PostgreSQL serialised: concurrent creations
        race on the catalogue)."""
        with self._db.ddl(min(self.tables.values())) as cur:
            for statement in ddl:
                cur.execute(self._q(statement))
