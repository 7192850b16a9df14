"""Projection rebuild throughput: every read model rebuilt from zero from N events (default 100,000),
against a plain eventsourcing read-and-decode of the same events (one run, the same kind of store).

The events are the example cases repeated (``benchmarks/import.py``'s generator), imported live
through every gate. The reference is plain eventsourcing holding the same steps as aggregate
events (as in ``benchmarks/import.py``), read through its notification log and decoded by its
mapper into domain events: the cost of merely reading the events with eventsourcing. Ours is
``projections.runner.rebuild``: read and decode, fold every case file, write every table
(case files, catalogue, deadlines, records, registers, statistics, disclosure, registry) into
fresh tables and swap them in. Each side runs ``--repeat`` times; the best run counts.

Prints one JSON object per line: {"metric", "ours", "reference", "unit", "ratio"}.
Budget (issue 5): rebuild >= 0.3. A second, informational line compares with reading and
decoding the ledger's own sealed events through its (orjson) mapper, no budget.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from eventsourcing.application import Application

from ledger.importer import import_lines
from ledger.store import EventStore
from projections.runner import rebuild, status

BUDGETS = {"rebuild": 0.3}
ADMIN = "officer/admin"


def _import_benchmark() -> Any:
    """``benchmarks/import.py`` (its repeated examples and plain-eventsourcing importer)."""
    spec = importlib.util.spec_from_file_location("benchmark_import", ROOT / "benchmarks" / "import.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["benchmark_import"] = module
    spec.loader.exec_module(module)
    return module


def lines_for(events: int, generator: Any) -> list[bytes]:
    """About ``events`` steps: the registry, then the example cases repeated."""
    per_round = sum(1 for _ in generator.repeated(4)) - sum(1 for _ in generator.repeated(0))
    rounds = max(1, round(events / per_round))
    lines = list(generator.repeated(4 * rounds))
    return lines[: max(events - 1, 1)] if len(lines) > events else lines


def plain_read(path: Path) -> tuple[int, float]:
    """Read every event of a plain eventsourcing application and decode it to a domain event."""
    app: Application[Any] = Application(env={"PERSISTENCE_MODULE": "eventsourcing.sqlite",
                                             "SQLITE_DBNAME": str(path)})
    start = time.perf_counter()
    n, position = 0, 1
    while True:
        rows = app.recorder.select_notifications(start=position, limit=1000)
        for row in rows:
            app.mapper.to_domain_event(row)
        n += len(rows)
        if len(rows) < 1000:
            break
        position = rows[-1].id + 1
    elapsed = time.perf_counter() - start
    app.close()
    return n, elapsed


def sealed_read(store: EventStore) -> tuple[int, float]:
    """Read and decode the ledger's own events with its mapper (informational)."""
    start = time.perf_counter()
    n = 0
    for row in store.notifications(page=1000):
        store.mapper.to_domain_event(row)
        n += 1
    return n, time.perf_counter() - start


def emit(metric: str, events: int, ours_s: float, ref_s: float, reference: str, budget: float | None) -> dict[str, Any]:
    ours, ref = events / ours_s, events / ref_s
    row = {"metric": metric, "ours": round(ours, 1), "reference": round(ref, 1), "unit": "events/s",
           "ratio": round(ours / ref, 3), "budget": budget, "reference_is": reference}
    print(json.dumps(row, ensure_ascii=False), flush=True)
    return row


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--backfill", action="store_true", help="import as 补录 (structure only; faster setup)")
    args = parser.parse_args()
    generator = _import_benchmark()
    lines = lines_for(args.events, generator)
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        generator.plain_import(d / "plain.sqlite", lines)
        ledger = generator.new_ledger(d / "ours.sqlite")
        result = import_lines(ledger, lines, actor=ADMIN, batch_size=generator.BATCH, backfill=args.backfill)
        if result.refusal is not None:
            print(json.dumps({"error": str(result.refusal)}, ensure_ascii=False), file=sys.stderr)
            return 1
        store = ledger.store
        ref_runs, sealed_runs, our_runs = [], [], []
        events = 0
        for _ in range(max(1, args.repeat)):
            n, elapsed = plain_read(d / "plain.sqlite")
            ref_runs.append(elapsed)
            events, elapsed = sealed_read(store)
            sealed_runs.append(elapsed)
            start = time.perf_counter()
            rebuild(store)
            our_runs.append(time.perf_counter() - start)
        lagging = [s.name for s in status(store) if s.lag or s.position != events]
        ledger.close()
        if lagging:
            print(json.dumps({"error": "rebuild incomplete", "lagging": lagging, "plain": n, "ours": events}),
                  file=sys.stderr)
            return 1
        rows = [
            emit("rebuild", events, min(our_runs), min(ref_runs),
                 "plain eventsourcing: read the notification log and decode every event (same steps)",
                 BUDGETS["rebuild"]),
            emit("rebuild_vs_sealed_decode", events, min(our_runs), min(sealed_runs),
                 "informational: read and decode the ledger's own sealed events (orjson mapper)", None),
        ]
    failed = [r["metric"] for r in rows if r["budget"] is not None and r["ratio"] < r["budget"]]
    if failed:
        print(json.dumps({"over_budget": failed}), file=sys.stderr)
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    sys.exit(main())
