"""For any stored row and any byte in it, a modification makes verify fail naming that row.

Runs against a real SQLite file (a fresh copy per example) and a real PostgreSQL schema
(each example is undone after it is checked).
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from ledger.store import EventStore, StoreConfig
from ledger.verify import Report, verify_store
from tests.helpers.examples import scaled
from tests.helpers.stores import OFFICER, bootstrap, make_ledger, sample_step, store_config

STREAMS = ["case/T-1", "case/T-2", "review/T-3"]


@dataclass
class Row:
    rowid: int
    originator_id: str
    originator_version: int
    topic: str
    state: bytes


class Target:
    """A populated store that examples tamper with; each example starts from the original."""

    def __init__(self, backend: str, config: StoreConfig, tmp: Path) -> None:
        self.backend, self.config, self.tmp = backend, config, tmp
        self.rows = self._rows()
        store = EventStore(config)
        self.table = store.recorder.events_table_name  # type: ignore[attr-defined]
        store.close()

    def _rows(self) -> list[Row]:
        store = EventStore(self.config)
        try:
            return [Row(n.id, n.originator_id, n.originator_version, n.topic, bytes(n.state))
                    for n in store.notifications()]
        finally:
            store.close()

    def run(self, statements: list[tuple[str, tuple[Any, ...]]]) -> Report:
        """Apply SQL (sqlite placeholders) to a copy of the store; verify it."""
        if self.backend == "sqlite":
            copy = self.tmp / "copy.sqlite"
            for suffix in ("", "-wal", "-shm"):
                Path(str(copy) + suffix).unlink(missing_ok=True)
            shutil.copy(self.config.sqlite_path, copy)  # type: ignore[arg-type]
            with sqlite3.connect(copy) as conn:
                for sql, params in statements:
                    conn.execute(sql, params)
            store = EventStore(StoreConfig(sqlite_path=str(copy)))
            try:
                return verify_store(store, workers=2)
            finally:
                store.close()
        import psycopg

        from tests.helpers.stores import PG_DSN

        table = f'"{self.config.postgres_schema}".{self.table}'
        with psycopg.connect(PG_DSN) as conn:
            with conn.transaction():
                conn.execute(f"CREATE TEMP TABLE backup AS SELECT * FROM {table}")
                for sql, params in statements:
                    conn.execute(sql.replace("stored_events", table).replace("rowid", "notification_id")
                                 .replace("?", "%s"), params)
            try:
                store = EventStore(self.config)
                try:
                    return verify_store(store, workers=2)
                finally:
                    store.close()
            finally:
                with conn.transaction():
                    conn.execute(f"DELETE FROM {table}")
                    conn.execute(f"INSERT INTO {table} SELECT * FROM backup")
                    conn.execute("DROP TABLE backup")


@pytest.fixture(scope="module")
def target(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Target]:
    tmp = tmp_path_factory.mktemp(backend)
    with store_config(backend, tmp) as config:
        ledger = make_ledger(config, tmp / "keys.json")
        bootstrap(ledger, OFFICER)
        for n in range(1, 5):
            ledger.record([sample_step(s, n) for s in STREAMS], actor=OFFICER)
        ledger.close()
        target = Target(backend, config, tmp)
        assert verify_store(EventStore(config)).ok
        yield target


def named(report: Report, rowid: int) -> bool:
    return any(p.notification_id == rowid for p in report.problems)


@settings(max_examples=scaled(60))
@given(data=st.data())
def test_any_changed_state_byte_is_caught_at_its_row(target: Target, data: st.DataObject) -> None:
    row = data.draw(st.sampled_from(target.rows))
    index = data.draw(st.integers(0, len(row.state) - 1))
    mask = data.draw(st.integers(1, 255))
    tampered = bytearray(row.state)
    tampered[index] ^= mask
    report = target.run([("UPDATE stored_events SET state=? WHERE rowid=?", (bytes(tampered), row.rowid))])
    assert not report.ok
    assert named(report, row.rowid), report.problems


@settings(max_examples=scaled(30))
@given(data=st.data())
def test_any_changed_column_is_caught_at_its_row(target: Target, data: st.DataObject) -> None:
    row = data.draw(st.sampled_from(target.rows))
    column = data.draw(st.sampled_from(["topic", "originator_id", "originator_version"]))
    if column == "originator_version":
        value: Any = data.draw(st.integers(1, 50).filter(lambda v: v != row.originator_version))
        assume(not any(r.originator_id == row.originator_id and r.originator_version == value
                       for r in target.rows))
    else:
        old = getattr(row, column)
        i = data.draw(st.integers(0, len(old) - 1))
        replacement = data.draw(st.characters(exclude_characters=old[i] + "\x00", exclude_categories=["Cs"]))
        value = old[:i] + replacement + old[i + 1:]
        assume(column != "originator_id" or not any(
            r.originator_id == value and r.originator_version == row.originator_version for r in target.rows))
    report = target.run([(f"UPDATE stored_events SET {column}=? WHERE rowid=?", (value, row.rowid))])
    assert named(report, row.rowid), report.problems


@settings(max_examples=scaled(20))
@given(data=st.data())
def test_deleting_an_event_with_a_successor_is_caught(target: Target, data: st.DataObject) -> None:
    candidates = [r for r in target.rows if any(
        o.originator_id == r.originator_id and o.originator_version == r.originator_version + 1
        for o in target.rows)]
    row = data.draw(st.sampled_from(candidates))
    successor = next(o for o in target.rows if o.originator_id == row.originator_id
                     and o.originator_version == row.originator_version + 1)
    report = target.run([("DELETE FROM stored_events WHERE rowid=?", (row.rowid,))])
    assert named(report, successor.rowid), report.problems


@settings(max_examples=scaled(20))
@given(data=st.data())
def test_swapping_two_events_is_caught_at_both(target: Target, data: st.DataObject) -> None:
    a, b = data.draw(st.lists(st.sampled_from(target.rows), min_size=2, max_size=2, unique_by=lambda r: r.rowid))
    report = target.run([
        ("UPDATE stored_events SET state=? WHERE rowid=?", (b.state, a.rowid)),
        ("UPDATE stored_events SET state=? WHERE rowid=?", (a.state, b.rowid)),
    ])
    assert named(report, a.rowid) and named(report, b.rowid), report.problems


@settings(max_examples=scaled(20))
@given(data=st.data())
def test_duplicating_an_event_is_caught(target: Target, data: st.DataObject) -> None:
    row = data.draw(st.sampled_from(target.rows))
    stream = data.draw(st.sampled_from([row.originator_id, "case/T-new"]))
    version = 1 + max((r.originator_version for r in target.rows if r.originator_id == stream), default=0)
    nid = max(r.rowid for r in target.rows) + 7
    report = target.run([(
        "INSERT INTO stored_events (rowid, originator_id, originator_version, topic, state) VALUES (?,?,?,?,?)",
        (nid, stream, version, row.topic, row.state))])
    assert named(report, nid), report.problems
