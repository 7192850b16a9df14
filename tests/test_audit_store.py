"""The audit's reads of the store page through the events by (stream, version): every page bound
by a row value, on SQLite and PostgreSQL alike; paged reads equal one read of each stream."""

from __future__ import annotations

from pathlib import Path
from unittest.mock import patch

import audit.store as store_module
from audit.store import LedgerSource, stream_rows
from projections.sql import Database
from tests.helpers.projection_ledgers import import_examples, new_ledger
from tests.helpers.stores import store_config


def test_paged_reads_equal_whole_reads(backend: str, tmp_path: Path) -> None:
    with store_config(backend, tmp_path) as config:
        ledger = new_ledger(config, tmp_path / "keys.json")
        try:
            import_examples(ledger)
            db = Database(ledger.store)
            cases = LedgerSource(db).cases()
            whole = {s: [r[-1] for r in stream_rows(db, [s], db.head())] for s in cases}
            with patch.object(store_module, "PAGE", 3):  # many pages, each bounded by the last row read
                source = LedgerSource(db)
                paged = {stream: list(stored) for stream, stored, _, _ in source.raw_groups()}
                halves = [*source.raw_groups(span=(cases[0], cases[1])), *source.raw_groups(span=(cases[2], cases[-1]))]
                history = source.history()
            assert paged == whole and len(cases) == 4
            assert {s: list(b) for s, b, _, _ in halves} == whole
            assert sorted(c.stream for cs in history.cases_by_party.values() for c in cs) == cases
            assert history.first_review  # the general case's legal review
            db.close()
        finally:
            ledger.close()
