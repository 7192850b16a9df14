"""projections.sql.Database.insert: a rebuild's large inserts go through ``COPY`` on PostgreSQL (40 % off a
rebuild there); whichever way a row goes in, the table holds the same values and a key already present
fails the same way."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ledger.store import EventStore
from projections.sql import COPY_ROWS, Database, Table
from projections.state import ensure
from tests.helpers.stores import store_config

GROUPED = Table("t_grouped", (("grp", "text"), ("n", "int"), ("title", "text"), ("fen", "int")), ("grp", "n"))
PER_EVENT = Table("t_per_event", (("nid", "int"), ("title", "text")), ("nid",), scope=None)


@pytest.fixture
def db(backend: str, tmp_path: Path) -> Iterator[Database]:
    with store_config(backend, tmp_path) as config:
        store = EventStore(config)
        database = Database(store)
        try:
            ensure(database, ())  # the shared tables: a write takes its lock on proj_state
            with database.write() as cur:
                database.create(cur, GROUPED)
                database.create(cur, PER_EVENT)
            yield database
        finally:
            database.close()
            store.close()


def _rows(count: int, start: int = 0) -> list[tuple[Any, ...]]:
    titles = ["卷内目录", "", None, "tab\tand\nnewline", "back\\slash", "引号 \"'", "𠀀 (an astral character)"]
    return [(f"case/{i % 7}", i, titles[i % len(titles)], None if i % 5 == 0 else (-1) ** i * 2**62 // (i + 1))
            for i in range(start, start + count)]


def _table(db: Database, table: Table) -> list[tuple[Any, ...]]:
    return sorted(db.all(f"SELECT {', '.join(table.column_names)} FROM {db.qualify(table.name)}"), key=repr)


@pytest.mark.parametrize("count", [1, COPY_ROWS - 1, COPY_ROWS, 5 * COPY_ROWS + 3])
def test_what_is_inserted_is_what_is_read(db: Database, count: int) -> None:
    rows = _rows(count)
    with db.write() as cur:
        db.insert(cur, db.qualify(GROUPED.name), GROUPED, rows)
    assert _table(db, GROUPED) == sorted(rows, key=repr)


@pytest.mark.parametrize("count", [2, 2 * COPY_ROWS])
def test_a_key_already_present_fails_and_writes_nothing(db: Database, count: int) -> None:
    with db.write() as cur:
        db.insert(cur, db.qualify(GROUPED.name), GROUPED, _rows(count))
    with pytest.raises(Exception, match=r"(?i)unique|duplicate"), db.write() as cur:
        db.insert(cur, db.qualify(GROUPED.name), GROUPED, _rows(count, start=count - 1))  # one key again
    assert len(_table(db, GROUPED)) == count


def test_per_event_rows_skip_a_key_already_present(db: Database) -> None:
    first = [(i, f"事件 {i}") for i in range(2 * COPY_ROWS)]
    with db.write() as cur:
        db.insert(cur, db.qualify(PER_EVENT.name), PER_EVENT, first)
        db.insert(cur, db.qualify(PER_EVENT.name), PER_EVENT, [(i, "again") for i in range(3 * COPY_ROWS)])
    assert _table(db, PER_EVENT) == sorted(first + [(i, "again") for i in range(2 * COPY_ROWS, 3 * COPY_ROWS)],
                                           key=repr)
