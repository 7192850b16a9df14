"""The audit follower's rounds keep what they read between them (``audit.store.Known``: the parties'
history, the 复议 and lawsuits, the links, the inspection openings) and bring it up to date from the
new events alone (issue 17: a round costs what its events touch). Whatever the rounds' sizes, the
tables they leave are the ones a rebuild from zero writes, row for row — also the first reviews
(``audit_reviewers``), which rounds after the first fill once never added."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from audit.current import context_for
from audit.engine import evaluate
from audit.store import LedgerSource
from audit.table import EVALUATIONS, TABLES, AuditFollower, rebuild_table
from domain.calendar import SHANGHAI
from domain.config import Config
from ledger.envelope import SealedEvent
from ledger.store import EventStore, StoreConfig
from projections.sql import Database


@pytest.fixture(scope="module")
def demo_events(site: Any) -> list[bytes]:
    """The stored events of the run's 40-case demo site (every kind of file, 复议, lawsuits)."""
    return [bytes(row.state) for row in site.app.state.services.ledger.store.notifications()]


@pytest.fixture
def replay(tmp_path: Path) -> Iterator[EventStore]:
    store = EventStore(StoreConfig(sqlite_path=str(tmp_path / "ledger.sqlite")))
    try:
        yield store
    finally:
        store.close()


def tables(db: Database, *, settled_as_of: bool = True) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the audit's tables; without a settled file's ``as_of`` (a later day does not
    evaluate it again, a rebuild on that day does: the same evaluation, another date)."""
    out = {t.name: sorted(db.all(f"SELECT * FROM {db.qualify(t.name)}")) for t in TABLES}
    if not settled_as_of:
        at = EVALUATIONS.column_names.index("as_of")
        out[EVALUATIONS.name] = [(*r[:at], None, *r[at + 1:]) if r[-1] else r for r in out[EVALUATIONS.name]]
    return out


def assert_each_case_alone_as_in_the_whole(db: Database, today: date) -> None:
    """Each case evaluated with the context read for it alone (``audit.current.context_for``, what
    ``/v1/cases/{n}/audit`` uses without a current row) as with the whole ledger's context."""
    source = LedgerSource(db)
    ctx = source.context(today, Config())
    for group in source.groups():
        found = context_for(db, group.stream, today, Config())
        assert found is not None
        history, alone, reviews, lawsuits = found
        assert (evaluate(group.stream, history, alone, reviews=reviews, lawsuits=lawsuits).as_json()
                == evaluate(group.stream, group.history, ctx, reviews=group.reviews,
                            lawsuits=group.lawsuits).as_json()), group.stream


@pytest.mark.parametrize("chunk", [37, 401])
def test_rounds_over_a_growing_ledger_equal_a_rebuild(demo_events: list[bytes], replay: EventStore,
                                                      chunk: int) -> None:
    today = datetime.now(SHANGHAI).date()
    db = Database(replay)
    try:
        follower = AuditFollower(db, workers=1)
        kept_rounds = 0
        for start in range(0, len(demo_events), chunk):
            replay.append([SealedEvent.from_stored(b) for b in demo_events[start:start + chunk]])
            kept_rounds += follower._kept is not None
            follower.run_once(today)
        assert kept_rounds > 1  # rounds did start from what the last one kept
        incremental = tables(db)
        assert_each_case_alone_as_in_the_whole(db, today)
        assert incremental["audit_evaluations"] and incremental["audit_reviewers"]
        rebuild_table(db, today)
        assert tables(db) == incremental
    finally:
        db.close()


def test_the_fill_on_worker_processes_equals_the_fill_in_one(demo_events: list[bytes], replay: EventStore,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """Case files and the other kinds' files, evaluated on forked workers in small parts (each reading
    over its own connection, the links and the inspections' index read before the fork), give the
    rows one process gives."""
    import audit.parallel
    import audit.table

    monkeypatch.setattr(audit.table, "PARALLEL_FROM", 2)
    monkeypatch.setattr(audit.parallel, "CHUNK", 2)
    today = datetime.now(SHANGHAI).date()
    replay.append([SealedEvent.from_stored(b) for b in demo_events])
    db = Database(replay)
    try:
        rebuild_table(db, today, workers=1)
        alone = tables(db)
        kinds = {row[0].split("/", 1)[0] for row in alone["audit_evaluations"]}
        assert {"case", "licence", "inspection", "spotcheck", "coercion"} <= kinds, kinds
        rebuild_table(db, today, workers=2)
        assert tables(db) == alone
    finally:
        db.close()


def test_a_new_days_rows_are_refreshed_a_batch_a_round(demo_events: list[bytes], replay: EventStore,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """The first round of a day re-evaluates at most ``DUE_BATCH`` rows (a new step waits for one
    batch, not for thousands), the next rounds the rest, each row once; then the table is the
    rebuild's of that day and the next round does nothing."""
    import audit.table

    monkeypatch.setattr(audit.table, "DUE_BATCH", 3)
    today = datetime.now(SHANGHAI).date()
    later = today.replace(year=today.year + 1)
    replay.append([SealedEvent.from_stored(b) for b in demo_events])
    db = Database(replay)
    try:
        follower = AuditFollower(db, workers=1)
        follower.run_once(today)
        rounds = [follower.run_once(later) for _ in range(200)]
        done = rounds.index(0)
        assert done > 2 and all(0 < n <= 3 for n in rounds[:done]) and not any(rounds[done:])
        incremental = tables(db, settled_as_of=False)
        rebuild_table(db, later)
        assert tables(db, settled_as_of=False) == incremental
    finally:
        db.close()


@pytest.mark.postgres
def test_on_postgresql_rounds_and_the_one_case_context_equal_the_whole_ledger(demo_events: list[bytes],
                                                                              tmp_path: Path) -> None:
    """The same on PostgreSQL (its SQL differs: no ``instr`` in the search for a case's 复议), and the
    context read for one case (``audit.current.context_for``) gives what the whole ledger's gives."""
    from tests.helpers.stores import store_config

    today = datetime.now(SHANGHAI).date()
    with store_config("postgres", tmp_path) as config:
        store = EventStore(config)
        db = Database(store)
        try:
            follower = AuditFollower(db, workers=1)
            for start in range(0, len(demo_events), 401):
                store.append([SealedEvent.from_stored(b) for b in demo_events[start:start + 401]])
                follower.run_once(today)
            incremental = tables(db)
            assert_each_case_alone_as_in_the_whole(db, today)
            rebuild_table(db, today)
            assert tables(db) == incremental
        finally:
            db.close()
            store.close()
