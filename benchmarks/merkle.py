"""Transparency log vs pymerkle's InmemoryTree doing the same work, in one run.

- ``merkle_append``: our integrator appends 1,000,000 events of the ledger's SQLite
  store as leaves (reading the notification log, committing to each event's
  bytes, computing and storing every node, tracking, one transaction per batch);
  pymerkle appends the same 1,000,000 leaf data (the commitments, computed for it
  beforehand) to an in-memory tree.
- ``merkle_prove``: 10,000 inclusion proofs of random leaves at that size, ours
  read from the store, pymerkle's from memory.
- ``merkle_verify``: checking those 10,000 proofs (``ledger.merkle.verify_inclusion``
  against ``pymerkle.verify_inclusion``).

Prints one JSON object per line: {"metric", "ours", "reference", "unit", "ratio"}.
Budgets (issue 4): merkle_append >= 1, merkle_prove >= 1, merkle_verify >= 1.
pymerkle is a benchmark-only dependency (``pip install -e '.[bench]'``).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from eventsourcing.persistence import StoredEvent

from ledger import merkle
from ledger.store import EventStore, StoreConfig
from ledger.translog import TransparencyLog

BUDGETS = {"merkle_append": 1.0, "merkle_prove": 1.0, "merkle_verify": 1.0}


def emit(metric: str, ours: float, reference: float, unit: str) -> None:
    print(json.dumps({"metric": metric, "ours": round(ours, 1), "reference": round(reference, 1),
                      "unit": unit, "ratio": round(ours / reference, 3)}), flush=True)


def event_bytes(i: int) -> bytes:
    """About the size of a signed envelope; only its bytes matter to the log."""
    pad = os.urandom(240).hex()
    return b'{"event":{"n":%d,"pad":"%s"},"sig":"AA=="}' % (i, pad.encode())


def fill(store: EventStore, n: int) -> None:
    chunk = 10000
    for first in range(0, n, chunk):
        store.recorder.insert_events(
            [StoredEvent(f"bench/{i}", 1, "Bench", event_bytes(i)) for i in range(first, min(n, first + chunk))]
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leaves", type=int, default=1_000_000)
    parser.add_argument("--proofs", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=10_000, help="notifications per integrator transaction")
    args = parser.parse_args()
    try:
        import pymerkle
    except ImportError:
        sys.exit("pymerkle is missing: pip install -e '.[bench]'")

    n = args.leaves
    with tempfile.TemporaryDirectory() as tmp:
        store = EventStore(StoreConfig(sqlite_path=str(Path(tmp) / "ledger.sqlite")))
        fill(store, n)
        commitments = [hashlib.sha256(bytes(row.state)).digest() for row in store.notifications(page=10000)]
        log = TransparencyLog(store, origin="bench.enforcement-ledger.local/merkle")

        start = time.perf_counter()
        log.integrate(batch=args.batch)
        ours_append = n / (time.perf_counter() - start)

        tree = pymerkle.InmemoryTree(algorithm="sha256")
        start = time.perf_counter()
        for data in commitments:
            tree.append_entry(data)
        ref_append = n / (time.perf_counter() - start)
        if tree.get_root() != log.root():
            sys.exit("pymerkle and the log disagree on the root")
        emit("merkle_append", ours_append, ref_append, "leaves/s")

        rng = random.Random(4)
        indices = [rng.randrange(n) for _ in range(args.proofs)]
        log = TransparencyLog(store)  # a fresh process's view: nothing cached
        start = time.perf_counter()
        ours_proofs = [log.inclusion_proof(i, n) for i in indices]
        ours_prove = len(indices) / (time.perf_counter() - start)
        start = time.perf_counter()
        ref_proofs = [tree.prove_inclusion(i + 1, n) for i in indices]
        ref_prove = len(indices) / (time.perf_counter() - start)
        emit("merkle_prove", ours_prove, ref_prove, "proofs/s")

        root = log.root()
        leaves = [merkle.leaf_hash(commitments[i]) for i in indices]
        ref_leaves = [tree.get_leaf(i + 1) for i in indices]
        assert leaves == ref_leaves
        start = time.perf_counter()
        for leaf, i, proof in zip(leaves, indices, ours_proofs, strict=True):
            merkle.verify_inclusion(leaf, i, n, proof, root)
        ours_verify = len(indices) / (time.perf_counter() - start)
        start = time.perf_counter()
        for leaf, proof in zip(ref_leaves, ref_proofs, strict=True):
            pymerkle.verify_inclusion(leaf, root, proof)
        ref_verify = len(indices) / (time.perf_counter() - start)
        emit("merkle_verify", ours_verify, ref_verify, "verifications/s")
        store.close()


if __name__ == "__main__":
    main()
