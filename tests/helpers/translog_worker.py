"""Child process of the integrator crash test: integrate in tiny batches, report each one."""

from __future__ import annotations

import sys

from ledger.store import EventStore, StoreConfig
from ledger.translog import Integrator, TransparencyLog
from tests.helpers.translog_ledgers import ORIGIN


def main() -> None:
    kind, where = sys.argv[1], sys.argv[2]
    config = (StoreConfig(sqlite_path=where) if kind == "sqlite"
              else StoreConfig(postgres_dsn=where.split("#")[0], postgres_schema=where.split("#")[1]))
    log = TransparencyLog(EventStore(config), origin=ORIGIN)

    def report(size: int) -> None:
        sys.stdout.write(f"SIZE {size}\n")
        sys.stdout.flush()

    Integrator(log, batch=3, after_batch=report).run_once()
    sys.stdout.write("DONE\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
