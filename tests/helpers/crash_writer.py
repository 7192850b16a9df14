"""Child process of the crash test: append forever, print each acknowledged append."""

from __future__ import annotations

import sys
from pathlib import Path

from ledger.store import StoreConfig
from tests.helpers.stores import OFFICER, make_ledger, sample_step


def main() -> None:
    kind, where, keys = sys.argv[1], sys.argv[2], Path(sys.argv[3])
    config = (StoreConfig(sqlite_path=where) if kind == "sqlite"
              else StoreConfig(postgres_dsn=where.split("#")[0], postgres_schema=where.split("#")[1]))
    ledger = make_ledger(config, keys)
    n = 0
    while True:
        n += 1
        size = 1 + n % 40  # small and large batches (large ones sign in parallel)
        steps = [sample_step(f"case/K-{(n + i) % 7}", n) for i in range(size)]
        for a in ledger.record(steps, actor=OFFICER):
            sys.stdout.write(f"ACK {a.stream} {a.version} {a.hash}\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
