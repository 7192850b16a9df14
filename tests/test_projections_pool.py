"""A rebuild's worker that dies (killed, out of memory) fails the rebuild at once, leaving the live
tables as they were — it never leaves the rebuild waiting for rows that will not come."""

from __future__ import annotations

import os
import signal
from pathlib import Path
from types import FrameType
from typing import Any
from unittest.mock import patch

import pytest

import projections.pool as pool_module
import projections.runner as runner_module
from projections.runner import Runner, rebuild
from tests.helpers.projection_ledgers import dump, import_examples, new_ledger
from tests.helpers.stores import store_config


def _die(*_: Any) -> bytes:
    os._exit(3)  # a worker killed mid-fold


def _too_slow(signum: int, frame: FrameType | None) -> None:
    raise TimeoutError("the rebuild waited for a dead worker")


def test_dead_worker_fails_the_rebuild_and_keeps_the_live_tables(tmp_path: Path) -> None:
    with store_config("sqlite", tmp_path) as config:
        ledger = new_ledger(config, tmp_path / "keys.json")
        try:
            import_examples(ledger)
            Runner(ledger.store).run_once()
            before = dump(ledger.store)
            previous = signal.signal(signal.SIGALRM, _too_slow)
            signal.alarm(60)
            try:
                with patch.object(runner_module, "PARALLEL_GROUPS", 1), \
                        patch.object(pool_module, "_fold_part", _die), \
                        pytest.raises(RuntimeError, match="工作进程意外退出"):
                    rebuild(ledger.store, workers=2)
            finally:
                signal.alarm(0)
                signal.signal(signal.SIGALRM, previous)
            assert dump(ledger.store) == before
            rebuild(ledger.store, workers=2)  # and the next rebuild works
            assert dump(ledger.store) == before
        finally:
            ledger.close()
