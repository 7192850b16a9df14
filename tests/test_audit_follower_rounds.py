"""The audit follower's rounds keep what they read between them (``audit.store.Known``: the parties'
history, the 复议 and lawsuits, the links, the inspection openings) and bring it up to date from the
new events alone (issue 17: a round costs what its events touch). Whatever the rounds' sizes, the
tables they leave are the ones a rebuild from zero writes, row for row — also the first reviews
(``audit_reviewers``), which rounds after the first fill once never added."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from audit.table import EVALUATIONS, TABLES, AuditFollower, rebuild_table
from domain.calendar import SHANGHAI
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
        assert incremental["audit_evaluations"] and incremental["audit_reviewers"]
        rebuild_table(db, today)
        assert tables(db) == incremental
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
