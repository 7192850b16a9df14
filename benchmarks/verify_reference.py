"""``verify`` against the hardware's limit: whole-ledger verification vs bare Ed25519 on the same signatures.

* **ours** — :func:`ledger.verify.verify_store` over the whole store, every check it does
  (canonical bytes, content hashes, chains, versions, the rows' columns, key validity at each
  ``recorded_at``, signatures, compromised keys); events / second.
* **reference** — the same Ed25519 library (``ledger.keys.verify``: libsodium through PyNaCl)
  verifying the same signatures over the same public keys with the same number of workers
  (threads: libsodium releases the GIL), and nothing else. The rows are read and split into
  (public key, message, signature) in chunks outside the clock, so the reference holds one chunk
  at a time (bounded memory at a million events) and times only the verification.

``verify_scale(store)`` is what ``benchmarks/scale.py`` prints (``from verify_reference import
verify_scale``: a script's own directory is first on ``sys.path``); ``benchmarks/ledger.py``
measures its ``verify`` line with the same function. Run as a script, it records a demo year of
``--cases`` cases (default 2,000) in a temporary data dir, or takes an existing SQLite ledger
(``--sqlite``), and prints one JSON line ``{"metric", "ours", "reference", "unit", "ratio",
"budget"}``. Budget (issue 17): verify_scale >= 0.7.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ledger.envelope import SealedEvent, split
from ledger.keyring import KEY_EVENTS, Keyring
from ledger.keys import verify
from ledger.store import EventStore, StoreConfig, stored_bytes
from ledger.verify import default_workers, verify_store

BUDGET = 0.7
CHUNK = 8192
ADMIN = "officer/admin"

Work = list[tuple[bytes, bytes, bytes]]


def _chunks(store: EventStore) -> Iterator[Work]:
    """(public key, message, signature) of every event, in chunks, with the keys as the ledger
    registered them up to that event (the reference needs no more: it checks nothing else)."""
    ring, work = Keyring(), []
    for row in store.notifications():
        stored = stored_bytes(row.state)
        event = SealedEvent.from_stored(stored)
        if event.type in KEY_EVENTS:
            ring.apply(event)
        unsigned, signature = split(stored)
        work.append((ring.keys[event.signer[1]].public_key, unsigned, signature))
        if len(work) == CHUNK:
            yield work
            work = []
    if work:
        yield work


def _verify_all(part: Work) -> bool:
    return all([verify(*w) for w in part])


def reference_seconds(store: EventStore, workers: int) -> tuple[int, float]:
    """(events, seconds) of bare Ed25519 verification of every signature on ``workers`` threads."""
    events, spent = 0, 0.0
    with ThreadPoolExecutor(workers) as pool:
        for work in _chunks(store):
            size = -(-len(work) // workers)
            parts = [work[i : i + size] for i in range(0, len(work), size)]
            start = time.perf_counter()
            ok = all(pool.map(_verify_all, parts))
            spent += time.perf_counter() - start
            if not ok:
                raise SystemExit("reference: a signature does not verify (the ledger is not intact)")
            events += len(work)
    return events, spent


def verify_scale(store: EventStore, *, workers: int | None = None, rounds: int = 1,
                 metric: str = "verify_scale") -> dict[str, Any]:
    """Events/s of ``verify_store`` over the whole ledger against the reference, best of ``rounds``
    for each side (a burst of load from elsewhere should not decide the ratio)."""
    count = workers or default_workers()
    ours_s = ref_s = float("inf")
    events = 0
    for _ in range(max(1, rounds)):
        start = time.perf_counter()
        report = verify_store(store, workers=count)
        ours_s = min(ours_s, time.perf_counter() - start)
        if not report.ok:
            raise SystemExit(json.dumps({"error": "verify found problems", "problems": len(report.problems)}))
        events, spent = reference_seconds(store, count)
        ref_s = min(ref_s, spent)
        if events != report.events:
            raise SystemExit(json.dumps({"error": "event counts differ", "ours": report.events, "reference": events}))
    ours, ref = events / ours_s, events / ref_s
    return {"metric": metric, "ours": round(ours, 1), "reference": round(ref, 1), "unit": "events/s",
            "ratio": round(ours / ref, 3), "budget": BUDGET, "events": events, "workers": count,
            "reference_is": "libsodium (PyNaCl) verifying the same signatures on as many threads"}


def _record_demo(data: Path, cases: int) -> EventStore:
    from api.cli.demo import run_demo
    from domain.calendar import SHANGHAI
    from ledger.keys import KeyStore
    from ledger.service import Ledger

    keystore = KeyStore.create(data / "keys.json", "bench-verify", work_factor=2**10)
    ledger = Ledger(EventStore(StoreConfig(sqlite_path=str(data / "ledger.sqlite"))), keystore)
    ledger.record([{"stream": ADMIN, "type": "OfficerRegistered", "at": "2025-01-01T00:00:00+08:00", "by": ADMIN,
                    "data": {"name": "系统管理员", "roles": ["admin"]}}], actor=ADMIN)
    summary = run_demo(ledger, cases, 1, datetime.now(SHANGHAI).date())  # as the CLI's demo does
    if summary.refusal is not None:
        raise SystemExit(json.dumps({"error": "demo refused", "refusal": summary.refusal}, ensure_ascii=False))
    return ledger.store


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sqlite", type=Path, help="an existing ledger's SQLite file (default: record a demo)")
    parser.add_argument("--cases", type=int, default=2_000, help="demo cases when no --sqlite is given")
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--rounds", type=int, default=2, help="each side's best of this many rounds")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store = (EventStore(StoreConfig(sqlite_path=str(args.sqlite))) if args.sqlite
                 else _record_demo(Path(tmp), args.cases))
        row = verify_scale(store, workers=args.workers, rounds=args.rounds)
        store.close()
    print(json.dumps(row, ensure_ascii=False), flush=True)
    if row["ratio"] < row["budget"]:
        print(json.dumps({"over_budget": [row["metric"]]}), file=sys.stderr)
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    sys.exit(main())
