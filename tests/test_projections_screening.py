"""A parallel rebuild screens a group's events for the per-event registers (overrides, 补录) where it
folds them (``projections.screening``), and the events of a 复议 whose opening it has not seen where it
reads them: it parks exactly the events an incremental run parks and writes the same rows."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from unittest.mock import patch

import projections.runner as runner_module
from ledger import canonical
from ledger.envelope import FORMAT, SealedEvent, seal
from ledger.keys import SigningKey
from ledger.store import EventStore
from projections.runner import Runner, rebuild
from projections.sql import Database
from tests.helpers.projection_ledgers import dump, import_examples, lines, new_ledger, table
from tests.helpers.stores import store_config

_MARK = "NULMARK"


def _inject(store: EventStore, stream: str, *, nul: bool) -> int:
    """A backfilled ``CaseRegistered`` in ``stream`` with an override whose justification holds NUL when ``nul``
    (its ``proj_overrides`` row cannot be stored: the event is parked before any fold reads it)."""
    step = next(s for s in lines("general-case") if s["type"] == "CaseRegistered")
    key = SigningKey.generate()
    envelope = {**step, "stream": stream, "format": FORMAT, "backfilled": True,
                "recorded_at": datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
                "version": 1, "prev": None, "nonce": "AAAAAAAAAAAAAAAAAAAAAAAA",
                "signer": {"id": step["by"], "key": key.key_id},
                "override": {"rule": "PEN-01", "justification": f"补录{_MARK if nul else ''}说明",
                             "authorized_by": step["by"]}}
    unsigned = canonical.encode(envelope).replace(_MARK.encode(), b"\\u0000")
    store.append([SealedEvent.from_stored(seal(unsigned, key.sign(unsigned)))])
    return max(n.id for n in store.notifications())


def _parked(store: EventStore) -> list[tuple[Any, ...]]:
    return [(r["nid"], r["stream"], r["type"], r["projection"]) for r in table(store, "proj_poison")]


def test_a_parallel_rebuild_parks_and_registers_what_an_incremental_run_does(tmp_path: Path) -> None:
    with store_config("sqlite", tmp_path) as config:
        ledger = new_ledger(config, tmp_path / "keys.json")
        try:
            import_examples(ledger)
            store = ledger.store
            bad_case = _inject(store, "case/DXH-CGJ-2026-9001", nul=True)  # folded (and screened) by a worker
            bad_review = _inject(store, "review/DXH-FY-9002", nul=True)  # no opening: in no group yet
            _inject(store, "review/DXH-FY-9003", nul=False)
            _inject(store, "case/DXH-CGJ-2026-9004", nul=False)
            runner = Runner(store, batch=5)
            runner.run_once()
            runner.close()
            incremental, parked = dump(store), _parked(store)
            assert {(nid, projection) for nid, _, _, projection in parked} >= \
                {(bad_case, "registers"), (bad_review, "registers")}
            backfilled = {r["stream"] for r in table(store, "proj_backfills")}
            assert {"review/DXH-FY-9003", "case/DXH-CGJ-2026-9004"} <= backfilled
            assert not {"review/DXH-FY-9002", "case/DXH-CGJ-2026-9001"} & backfilled
            db = Database(store)
            with db.write() as cur:
                cur.execute("DELETE FROM proj_poison")
            db.close()
            with patch.object(runner_module, "PARALLEL_GROUPS", 1):
                rebuild(store, workers=2, batch=5)
            assert dump(store) == incremental
            assert _parked(store) == parked
        finally:
            ledger.close()
