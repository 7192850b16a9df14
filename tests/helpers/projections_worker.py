"""Child process of the projection crash test: run the projections in tiny batches, report each one."""

from __future__ import annotations

import sys
import time

from ledger.store import EventStore, StoreConfig
from projections.runner import Runner


def main() -> None:
    kind, where = sys.argv[1], sys.argv[2]
    config = (StoreConfig(sqlite_path=where) if kind == "sqlite"
              else StoreConfig(postgres_dsn=where.split("#")[0], postgres_schema=where.split("#")[1]))

    def report(upto: int) -> None:
        sys.stdout.write(f"BATCH {upto}\n")
        sys.stdout.flush()

    def slow() -> None:
        time.sleep(0.003)  # widen the window in which a kill lands inside an open transaction

    Runner(EventStore(config), batch=5, after_batch=report, before_commit=slow).run_once()
    sys.stdout.write("DONE\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
