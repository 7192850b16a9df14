"""Issue 12 at the projections' edges.

Finding 10: a ``kill -9`` of the process that forked the fold workers (``projections
rebuild``/``run``, an audit over every file) leaves no worker behind.

Finding 3: an event a projection cannot apply is parked (a counted ``proj_poison`` row with
the reason) and the runner goes on; ``projections status`` and ``/readyz`` report it and
readiness does not depend on it; a rebuild parks the same events and still equals the
incremental run.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# --------------------------------------------------------------------------- finding 10: orphans

_PROJECTIONS_PARENT = """
    import sys, time
    from unittest.mock import patch
    import projections.runner as runner_module
    from tests.projections_support import import_examples, new_ledger
    from ledger.store import StoreConfig

    def stuck(*_):
        time.sleep(120)  # a long fold: the parent is killed meanwhile

    ledger = new_ledger(StoreConfig(sqlite_path=sys.argv[1]), __import__("pathlib").Path(sys.argv[2]))
    import_examples(ledger)
    with patch.object(runner_module, "PARALLEL_GROUPS", 1), patch.object(runner_module, "_fold_part", stuck):
        print("READY", flush=True)
        runner_module.rebuild(ledger.store, workers=2)
"""

_AUDIT_PARENT = """
    import sys, time
    from unittest.mock import patch
    import audit.parallel as parallel

    def stuck(group):
        time.sleep(120)

    with patch.object(parallel, "_evaluate", stuck):
        print("READY", flush=True)
        list(parallel.evaluate_raw(([("case/x", [], {}, {})] * 8), None, workers=2))
"""

_WATCHED = """
    import projections.lifeline
    projections.lifeline._death_signal = lambda: False  # the portable way: a thread watching the parent
"""


def _children(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found |= {int(p) for p in (task / "children").read_text().split()}
        except OSError:
            continue
    return found


def _alive(pid: int) -> bool:
    """Running (a zombie, dead but not yet reaped by init, does not count)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("script", [_PROJECTIONS_PARENT, _AUDIT_PARENT, _WATCHED + _PROJECTIONS_PARENT],
                         ids=["rebuild", "audit", "rebuild-without-prctl"])
def test_fork_workers_die_with_a_killed_parent(tmp_path: Path, script: str) -> None:
    parent = subprocess.Popen([sys.executable, "-c", textwrap.dedent(script), str(tmp_path / "ledger.sqlite"),
                               str(tmp_path / "keys.json")], cwd=ROOT, stdout=subprocess.PIPE, text=True,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})
    workers: set[int] = set()
    try:
        assert parent.stdout is not None
        assert parent.stdout.readline().strip() == "READY"
        deadline = time.monotonic() + 60
        while len(workers) < 2 and time.monotonic() < deadline:
            workers = {p for p in _children(parent.pid) if _alive(p)}
            time.sleep(0.05)
        assert len(workers) >= 2, "the parent never forked its workers"
        time.sleep(0.3)  # let them reach their initializer
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait(10)
        deadline = time.monotonic() + 5
        while any(_alive(p) for p in workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        left = [p for p in workers if _alive(p)]
        assert not left, f"workers {left} outlived their killed parent"
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait(10)
        for pid in workers:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
