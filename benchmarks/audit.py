"""Audit throughput: case files evaluated per second for a demo year (default 10,000 cases), loading
each case file from the store counted in, against case files rebuilt per second by the projections
from the same events in the same run.

Setup (not timed): ``demo`` generates the cases and ``api.cli.demo.run_demo`` records them in a
fresh SQLite ledger (lawful cases live through every gate, defective ones as 补录).

* **ours** — ``audit --all``'s path: read the registry, calendar, 复议/lawsuits and the parties'
  history (:class:`audit.store.LedgerSource`), then every case group from the store, fold it with
  ``fold_casefile`` and run every rule (:func:`audit.engine.evaluate`) on forked workers (one per
  CPU, at most four — as the rebuild does); case files / second.
* **reference** — ``projections.runner.rebuild``: every read model rebuilt from zero from the same
  events (the same ``fold_casefile`` per case group, and every table written); case files / second.

Each side runs ``--repeat`` times; the best run counts. Prints one JSON object per line:
``{"metric", "ours", "reference", "unit", "ratio"}``, without a budget: issue 17 retired issue 6's
``audit ≥ 4`` (it compared a full re-evaluation with a rebuild, while the audit table re-evaluates
only the cases a step touches; measured 1.5-1.8). The ratio is still printed, as a regression guard.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from api.cli.demo import run_demo
from audit.parallel import default_workers, evaluate_all
from audit.store import LedgerSource
from ledger.keys import KeyStore
from ledger.service import Ledger
from ledger.store import EventStore, StoreConfig
from projections.runner import rebuild
from projections.sql import Database

ADMIN = "officer/admin"
AS_OF = date(2026, 6, 1)


def record_demo(path: Path, cases: int, seed: int) -> Ledger:
    keystore = KeyStore.create(path / "keys.json", "bench-audit", work_factor=2**10)
    ledger = Ledger(EventStore(StoreConfig(sqlite_path=str(path / "ledger.sqlite"))), keystore)
    ledger.record([{"stream": ADMIN, "type": "OfficerRegistered", "at": "2025-01-01T00:00:00+08:00", "by": ADMIN,
                    "data": {"name": "系统管理员", "roles": ["admin"]}}], actor=ADMIN)
    summary = run_demo(ledger, cases, seed, AS_OF)
    if summary.refusal is not None:
        raise SystemExit(json.dumps({"error": "demo refused", "refusal": summary.refusal}, ensure_ascii=False))
    return ledger


def audit_all(db: Database, workers: int | None) -> tuple[int, dict[str, int]]:
    """Evaluate every case file from the store, as ``audit --all`` does; (files, grades)."""
    source = LedgerSource(db)
    ctx = source.context(AS_OF - timedelta(days=1))
    grades: dict[str, int] = {}
    n = 0
    for ev in evaluate_all(source, ctx, workers=workers):
        if ev is None:
            continue
        grades[ev.grade] = grades.get(ev.grade, 0) + 1
        n += 1
    return n, grades


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--workers", type=int, default=None,
                        help="audit worker processes (default: as the rebuild, one per CPU, at most four)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        ledger = record_demo(Path(tmp), args.cases, args.seed)
        store = ledger.store
        db = Database(store)
        files = len(db.streams_with_prefix("case/", db.head()))
        ours_runs, ref_runs = [], []
        grades: dict[str, int] = {}
        for _ in range(max(1, args.repeat)):
            start = time.perf_counter()
            rebuild(store)
            ref_runs.append(time.perf_counter() - start)
            start = time.perf_counter()
            evaluated, grades = audit_all(db, args.workers)
            ours_runs.append(time.perf_counter() - start)
            if evaluated != files:
                print(json.dumps({"error": "not every case evaluated", "files": files, "evaluated": evaluated}),
                      file=sys.stderr)
                return 1
        ledger.close()
    ours, ref = files / min(ours_runs), files / min(ref_runs)
    row: dict[str, Any] = {
        "metric": "audit", "ours": round(ours, 1), "reference": round(ref, 1), "unit": "case files/s",
        "ratio": round(ours / ref, 3), "files": files, "grades": grades,
        "workers": args.workers or default_workers(), "cpus": os.cpu_count(),
        "reference_is": "projections.runner.rebuild: every read model rebuilt from the same events",
    }
    print(json.dumps(row, ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    sys.exit(main())
