"""Import throughput: the example cases repeated to N cases, live through every gate,
against plain eventsourcing appending the same events batched the same way (one run,
the same kind of store: SQLite files).

Prints one JSON object per line: {"metric", "ours", "reference", "unit", "ratio"}.
Budgets (issue 3): import >= 0.4; demo >= 0.8 (demo against import of the same steps).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import orjson
from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event

from ledger.importer import import_lines
from ledger.keys import KeyStore
from ledger.service import Ledger
from ledger.store import EventStore, StoreConfig

EXAMPLES = ROOT / "examples"
CASE_FILES = ["general-case", "summary-case", "no-penalty-case", "transfer-case"]
ATTACHED = ["reconsideration", "litigation"]  # target the general case
BATCH = 500
ADMIN = "officer/admin"
BUDGETS = {"import": 0.4, "demo": 0.8}


def streams_of(lines: list[bytes]) -> set[str]:
    return {orjson.loads(line)["stream"] for line in lines}


def repeated(cases: int) -> Iterator[bytes]:
    """The example cases, each repetition renamed (streams get a suffix), registry first."""
    yield from (EXAMPLES / "registry.jsonl").read_bytes().splitlines()
    files = {name: (EXAMPLES / f"{name}.jsonl").read_bytes().splitlines() for name in CASE_FILES + ATTACHED}
    names = sorted(set().union(*(streams_of(lines) for lines in files.values())), key=len, reverse=True)
    for i in range(-(-cases // len(CASE_FILES))):
        for name in CASE_FILES + ATTACHED:
            for line in files[name]:
                text = line.decode("utf-8")
                for stream in names:
                    text = text.replace(f'"{stream}"', f'"{stream}-R{i:05d}"')
                yield text.encode("utf-8")


class Stream(Aggregate):
    @event("Opened")
    def __init__(self, name: str) -> None:
        self.name = name

    @event("Stepped")
    def step(self, type: str, at: str, by: str, data: dict[str, Any]) -> None:
        pass


def plain_import(path: Path, lines: list[bytes]) -> None:
    app: Application[Any] = Application(env={"PERSISTENCE_MODULE": "eventsourcing.sqlite",
                                             "SQLITE_DBNAME": str(path)})
    streams: dict[str, Stream] = {}
    pending: dict[str, Stream] = {}
    for n, line in enumerate(lines, start=1):
        step = orjson.loads(line)
        aggregate = streams.get(step["stream"])
        if aggregate is None:
            aggregate = streams[step["stream"]] = Stream(name=step["stream"])
        aggregate.step(type=step["type"], at=step["at"], by=step["by"], data=step["data"])
        pending[step["stream"]] = aggregate
        if n % BATCH == 0:
            app.save(*pending.values())
            pending.clear()
    app.save(*pending.values())


def new_ledger(path: Path) -> Ledger:
    keystore = KeyStore.create(path.with_suffix(".keys"), "bench", work_factor=2**10)
    ledger = Ledger(EventStore(StoreConfig(sqlite_path=str(path))), keystore)
    ledger.record([{"stream": ADMIN, "type": "OfficerRegistered", "at": "2026-01-05T08:00:00+08:00", "by": ADMIN,
                    "data": {"name": "系统管理员", "roles": ["admin"]}}], actor=ADMIN)
    return ledger


def emit(metric: str, steps: int, ours_s: float, ref_s: float, reference: str) -> dict[str, Any]:
    ours, ref = steps / ours_s, steps / ref_s
    row = {"metric": metric, "ours": round(ours, 1), "reference": round(ref, 1), "unit": "steps/s",
           "ratio": round(ours / ref, 3), "budget": BUDGETS[metric], "reference_is": reference}
    print(json.dumps(row, ensure_ascii=False), flush=True)
    return row


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--demo-cases", type=int, default=1_000)
    args = parser.parse_args()
    lines = list(repeated(args.cases))
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        start = time.perf_counter()
        plain_import(d / "plain.sqlite", lines)
        ref_s = time.perf_counter() - start
        ledger = new_ledger(d / "ours.sqlite")
        start = time.perf_counter()
        result = import_lines(ledger, lines, actor=ADMIN, batch_size=BATCH)
        ours_s = time.perf_counter() - start
        ledger.close()
        if result.refusal is not None or result.recorded != len(lines):
            print(json.dumps({"error": str(result.refusal), "recorded": result.recorded}), file=sys.stderr)
            return 1
        rows.append(emit("import", len(lines), ours_s, ref_s, "plain eventsourcing, same events, same batches"))
        rows += demo_rows(d, args.demo_cases)
    failed = [r["metric"] for r in rows if r["ratio"] < r["budget"]]
    if failed:
        print(json.dumps({"over_budget": failed}), file=sys.stderr)
    return 0


def demo_rows(d: Path, cases: int) -> list[dict[str, Any]]:
    try:
        from api.cli import demo
    except ImportError as exc:
        print(json.dumps({"metric": "demo", "skipped": f"api.cli.demo not importable: {exc}"}), flush=True)
        return []
    from datetime import date

    as_of = date(2026, 11, 25)
    ledger = new_ledger(d / "demo.sqlite")
    start = time.perf_counter()
    summary = demo.run_demo(ledger, cases, 7, as_of, 0.15, None)
    demo_s = time.perf_counter() - start
    runs: list[tuple[bool, list[bytes]]] = []  # consecutive steps recorded the same way, in order
    for row in list(ledger.store.notifications())[1:]:
        sealed = ledger.store.mapper.to_domain_event(row)
        backfill = bool(sealed.envelope.get("backfilled"))
        if not runs or runs[-1][0] != backfill:
            runs.append((backfill, []))
        runs[-1][1].append(orjson.dumps(sealed.step()))
    ledger.close()
    total = sum(len(lines) for _, lines in runs)
    again = new_ledger(d / "again.sqlite")
    start = time.perf_counter()
    recorded = 0
    for backfill, lines in runs:
        result = import_lines(again, lines, actor=ADMIN, batch_size=BATCH, backfill=backfill)
        if result.refusal:
            print(json.dumps({"error": str(result.refusal)}), file=sys.stderr)
            return []
        recorded += result.recorded
    import_s = time.perf_counter() - start
    again.close()
    if recorded != total:
        print(json.dumps({"error": f"imported {recorded} of {total}"}), file=sys.stderr)
        return []
    del summary
    return [emit("demo", total, demo_s, import_s, "import of the same steps, in the same order")]


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    sys.exit(main())
