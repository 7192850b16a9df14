"""SIGKILL in the middle of appending leaves a store that verifies, with every acknowledged append."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from ledger.envelope import content_hash
from ledger.store import EventStore
from ledger.verify import verify_store
from tests.helpers.stores import OFFICER, bootstrap, make_ledger, store_config

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
@pytest.mark.parametrize("kill_after", [0.05, 0.9, 2.3])
def test_sigkill_while_appending(backend: str, kill_after: float, tmp_path: Path) -> None:
    with store_config(backend, tmp_path) as config:
        ledger = make_ledger(config, tmp_path / "keys.json")
        bootstrap(ledger, OFFICER)
        ledger.close()
        where = config.sqlite_path or f"{config.postgres_dsn}#{config.postgres_schema}"
        child = subprocess.Popen(
            [sys.executable, "-m", "tests.helpers.crash_writer", backend, where, str(tmp_path / "keys.json")],
            cwd=ROOT, stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        acked: list[tuple[str, int, str]] = []
        started = threading.Event()

        def read() -> None:
            assert child.stdout is not None
            for line in child.stdout:
                if line.startswith("ACK "):
                    _, stream, version, digest = line.split()
                    acked.append((stream, int(version), digest))
                    started.set()

        reader = threading.Thread(target=read)
        reader.start()
        started.wait(timeout=60)  # start-up time varies with load; the kill counts from the first ack
        time.sleep(kill_after)
        child.send_signal(signal.SIGKILL)
        child.wait()
        reader.join()
        assert acked, "the writer acknowledged nothing before it was killed"

        store = EventStore(config)
        try:
            report = verify_store(store)
            assert report.ok, report.problems
            stored = {(e.stream, e.version): content_hash(e.unsigned).hex()
                      for s in {a[0] for a in acked} for e in store.stream(s)}
            for stream, version, digest in acked:
                assert stored.get((stream, version)) == digest
        finally:
            store.close()
