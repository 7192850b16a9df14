"""Fail fast while PostgreSQL is unreachable, instead of every request waiting out the pool.

eventsourcing retries a failed read or insert ten times, each waiting up to the pool's
timeout for a connection: a request that meets an outage would hang for half a minute and
then, if the server came back meanwhile, re-run an INSERT whose commit had succeeded. The
guard wraps the connection pool of the ledger's datastore: the first sign that the server
is gone (a broken connection, a pool timeout) trips it, and from then on every request for
a connection is refused at once with :class:`StoreUnavailable` (not an ``OperationalError``,
so the library does not retry it; the HTTP layer answers 503 with ``Retry-After``). A probe
thread reconnects every half second, outside the pool; when it succeeds the pool's idle
connections are checked (dead ones dropped) and the guard lets requests through again.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from eventsourcing.persistence import PersistenceError

log = logging.getLogger("enforcement_ledger.http")
PROBE_INTERVAL = 0.5


class StoreUnavailable(PersistenceError):
    """The ledger's database is known to be unreachable; nothing was attempted."""


class StoreGuard:
    """The tripped/closed state of one PostgreSQL datastore, and the probe that closes it."""

    def __init__(self, datastore: Any) -> None:
        self.datastore = datastore
        self.pool = datastore.pool
        self._lock = threading.Lock()
        self.error: str | None = None
        self.since: datetime | None = None
        self.trips = 0
        self._stopped = threading.Event()
        self._probing = False
        self._inner = self.pool.connection
        self.pool.connection = self._connection

    @property
    def down(self) -> bool:
        return self.error is not None

    def state(self) -> dict[str, Any]:
        with self._lock:
            if self.error is None:
                return {"reachable": True, "trips": self.trips}
            assert self.since is not None
            return {"reachable": False, "error": self.error, "since": self.since.isoformat(), "trips": self.trips}

    def check(self) -> None:
        """Raise :class:`StoreUnavailable` at once if the store is known to be down."""
        error = self.error
        if error is not None:
            raise StoreUnavailable(f"数据库不可达: {error}")

    def trip(self, reason: str) -> None:
        with self._lock:
            if self.error is None:
                self.error, self.since = reason, datetime.now(UTC)
                self.trips += 1
                log.warning("ledger database unreachable: %s", reason)
            if self._probing or self._stopped.is_set():
                return
            self._probing = True
        threading.Thread(target=self._probe, daemon=True, name="store-probe").start()

    def stop(self) -> None:
        self._stopped.set()

    @contextmanager
    def _connection(self, timeout: float | None = None) -> Iterator[Any]:
        import psycopg
        import psycopg_pool

        self.check()
        try:
            with self._inner(timeout) as conn:
                try:
                    yield conn
                except psycopg.OperationalError as exc:
                    if conn.broken or conn.closed:
                        self.trip(_reason(exc))
                    raise
        except psycopg_pool.PoolTimeout as exc:
            self.trip(_reason(exc))
            raise

    def _probe(self) -> None:
        import psycopg

        kwargs = {k: v for k, v in dict(self.pool.kwargs or {}).items() if k != "row_factory"}
        try:
            while not self._stopped.wait(PROBE_INTERVAL) and not self.pool.closed:
                try:
                    with psycopg.connect(**kwargs, connect_timeout=2, autocommit=True) as conn:
                        conn.execute("SELECT 1")
                except Exception as exc:  # still down: say why, try again
                    with self._lock:
                        self.error = _reason(exc)
                    continue
                try:
                    self.pool.check()  # drop the idle connections the outage killed
                except Exception:  # the pool refills itself; a failed check only delays that
                    log.debug("pool check after an outage failed", exc_info=True)
                with self._lock:
                    self.error, self.since = None, None
                log.warning("ledger database reachable again")
                return
        finally:
            with self._lock:
                self._probing = False


def _reason(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}"[:200]

