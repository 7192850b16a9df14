"""SIGKILL the integrator mid-run (a real process), restart it: the same root as an uninterrupted run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ledger.store import EventStore
from ledger.translog import TransparencyLog, verify_log
from tests.helpers.stores import store_config
from tests.helpers.translog_ledgers import ORIGIN, fill, reference_tree

ROOT = Path(__file__).resolve().parent.parent
EVENTS = 12000


@pytest.mark.slow
def test_sigkill_during_integration_then_restart(backend: str, tmp_path: Path) -> None:
    with store_config(backend, tmp_path) as config:
        store = EventStore(config)
        fill(store, EVENTS, chunk=2000)
        TransparencyLog(store, origin=ORIGIN)  # create the tables before the child races for them
        expected = reference_tree(store).root()
        where = config.sqlite_path or f"{config.postgres_dsn}#{config.postgres_schema}"
        sizes: list[int] = []
        for kill_after in (0.2, 0.5, 0.9):
            child = subprocess.Popen(
                [sys.executable, "-m", "tests.helpers.translog_worker", backend, where],
                cwd=ROOT, stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)},
            )
            assert child.stdout is not None
            first = child.stdout.readline()  # integrating has begun
            assert first.startswith(("SIZE", "DONE"))
            time.sleep(kill_after)
            child.send_signal(signal.SIGKILL)
            child.wait()
            log = TransparencyLog(store)  # what a restarted integrator finds
            sizes.append(log.size)
            assert log.size % 3 == 0 or log.size == EVENTS  # whole batches only
        assert any(0 < s < EVENTS for s in sizes), f"never killed mid-run: {sizes}"
        assert sizes == sorted(sizes)
        log = TransparencyLog(store)
        log.integrate()
        assert log.size == EVENTS
        assert log.root() == expected
        assert verify_log(store) == []
        store.close()
