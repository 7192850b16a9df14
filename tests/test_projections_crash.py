"""SIGKILL a projection runner mid-batch (a real process), restart it: the same rows as an
uninterrupted run — no duplicate, no gap (tracking commits with the views)."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from projections.definitions import ALL
from projections.runner import Runner, ensure, rebuild, status, tracking_name
from projections.sql import Database
from tests.helpers.projection_ledgers import dump, import_steps, lines, new_ledger, repeated_examples
from tests.helpers.stores import store_config

ROOT = Path(__file__).resolve().parent.parent


def consistent(db: Database) -> None:
    """Each projection's event count equals the events up to its tracked notification: no gap, no double."""
    for projection in ALL:
        with db.read() as cur:
            tracked = db.tracked(cur, tracking_name(projection.name))
        [(counted,)] = db.all(f"SELECT events FROM {db.qualify('proj_state')} WHERE name = ?", (projection.name,))
        [(actual,)] = db.all("SELECT COUNT(*) FROM {events} WHERE {nid} <= ?", (tracked,))
        assert counted == actual, (projection.name, counted, actual)


@pytest.mark.slow
def test_sigkill_mid_batch_then_restart(backend: str, tmp_path: Path) -> None:
    with store_config(backend, tmp_path) as config:
        ledger = new_ledger(config, tmp_path / "keys.json", live=False)
        import_steps(ledger, lines("registry"))
        import_steps(ledger, repeated_examples(12), backfill=True)
        events = ledger.store.count()
        db = Database(ledger.store)
        ensure(db)  # the tables exist before the child races for them
        where = config.sqlite_path or f"{config.postgres_dsn}#{config.postgres_schema}"
        rng = random.Random(5)
        positions: list[int] = []
        for _ in range(4):
            child = subprocess.Popen(
                [sys.executable, "-m", "tests.helpers.projections_worker", backend, str(where)],
                cwd=ROOT, stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)},
            )
            assert child.stdout is not None
            first = child.stdout.readline()
            assert first.startswith(("BATCH", "DONE")), first
            time.sleep(rng.uniform(0.05, 0.4))
            child.send_signal(signal.SIGKILL)
            child.wait()
            consistent(db)
            positions.append(min(s.position for s in status(ledger.store)))
        assert any(0 < p < events for p in positions), f"never killed mid-run: {positions}"
        assert positions == sorted(positions)
        runner = Runner(ledger.store)
        runner.run_once()
        runner.close()
        consistent(db)
        assert [(s.position, s.lag) for s in status(ledger.store)] == [(events, 0)] * len(ALL)
        after_crashes = dump(ledger.store)
        rebuild(ledger.store)  # an uninterrupted run from zero
        assert dump(ledger.store) == after_crashes
        db.close()
        ledger.close()
