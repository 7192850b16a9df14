"""ledger.database: the one layer the transparency log, the projections and the side tables share."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from eventsourcing.persistence import IntegrityError, TrackingRecorder
from hypothesis import given
from hypothesis import strategies as st

from ledger.database import in_lists, open_database
from ledger.store import EventStore, StoreConfig
from tests.helpers.stores import store_config


@given(st.lists(st.integers()), st.integers(min_value=1, max_value=50))
def test_in_lists_asks_for_every_value_once_in_order_within_the_size(values: list[int], size: int) -> None:
    seen: list[int] = []
    for sql, chunk in in_lists("SELECT x FROM t WHERE a = ? AND x IN ({in}) AND b = ?", values, size):
        assert 1 <= len(chunk) <= size
        assert sql == f"SELECT x FROM t WHERE a = ? AND x IN ({','.join('?' * len(chunk))}) AND b = ?"
        seen += chunk
    assert seen == values


@pytest.fixture
def config(backend: str, tmp_path: Path) -> Iterator[StoreConfig]:
    with store_config(backend, tmp_path) as cfg:
        yield cfg


def test_positions_are_kept_by_eventsourcings_tracking_recorder(config: StoreConfig) -> None:
    store = EventStore(config)
    try:
        db = open_database(store)
        assert isinstance(db, TrackingRecorder)
        with db.transaction(write=True) as cur:
            assert db.tracked(cur, "app") == 0
            db.track(cur, "app", 7)
        assert db.max_tracking_id("app") == 7
        with pytest.raises(IntegrityError), db.transaction(write=True) as cur:
            db.track(cur, "app", 3)  # never backwards
        with db.transaction(write=False) as cur:
            assert db.tracked(cur, "app") == 7
        with db.transaction(write=True) as cur:
            db.untrack(cur, "app")
        with db.read() as cur:
            assert db.tracked(cur, "app") == 0
        db.release()
    finally:
        store.close()
