"""One loop for every tracked follower of the notification log — the transparency-log
integrator, the projections runner, the audit table — whether it runs as a thread of
``serve`` or as a process of its own (``log integrate --follow``, ``projections run``,
``audit --follow``).

A *round* does what is pending and says how much it did. After a round that did something
the next one starts at once; otherwise the loop waits for a new event: on PostgreSQL for
the ``NOTIFY`` eventsourcing's recorder sends on every insert (``LISTEN`` on the events
table's channel), on SQLite (no notifications) for ``poll`` seconds. The wait never
exceeds ``poll`` either way, so work that falls due with time alone (a checkpoint's
cadence, a deadline reached on a new day) is done within ``poll`` of falling due.

A round that raises is logged and tried again after the wait: a follower is long-running
and a database restart must not end it (its tracking record makes the retry exactly-once).
Setting ``stop`` ends the loop within :data:`SLICE` seconds, after the round in progress.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any, Final

from ledger.store import EventStore

__all__ = ["SLICE", "Wakeup", "follow", "how"]

SLICE: Final = 0.25
"""Longest a wait goes without looking at ``stop`` (seconds)."""

_log = logging.getLogger("enforcement_ledger.follow")


def how(store: EventStore, poll: float) -> str:
    """How a follower of ``store`` learns of new events, for its status line."""
    return "LISTEN/NOTIFY" if store.config.postgres_dsn else f"每 {poll:g} 秒轮询"


class Wakeup:
    """Waits for the next event of ``store``: a ``LISTEN`` connection on PostgreSQL, a timer on SQLite.

    A lost ``LISTEN`` connection (a database restart) falls back to the timer and is
    opened again at the next wait.
    """

    def __init__(self, store: EventStore) -> None:
        self.store = store
        self.channel = str(getattr(store.recorder, "channel_name", "")) if store.config.postgres_dsn else ""
        self._conn: Any = None

    def _listener(self) -> Any:
        if not self.channel:
            return None
        if self._conn is None:
            import psycopg

            try:
                conn = psycopg.connect(str(self.store.config.postgres_dsn), autocommit=True)
                conn.execute(f'LISTEN "{self.channel}"')
            except psycopg.Error as exc:
                _log.warning("LISTEN %s failed (%s); polling until it works", self.channel, exc)
                return None
            self._conn = conn
        return self._conn

    def wait(self, stop: threading.Event, timeout: float) -> bool:
        """Until an event is notified (True), ``timeout`` seconds pass or ``stop`` is set (False)."""
        end = time.monotonic() + timeout
        while not stop.is_set():
            left = end - time.monotonic()
            if left <= 0:
                return False
            conn = self._listener()
            if conn is None:
                stop.wait(min(left, SLICE))
                continue
            try:
                for _ in conn.notifies(timeout=min(left, SLICE), stop_after=1):
                    return True
            except Exception as exc:  # the connection went away: poll, reconnect next time
                _log.warning("LISTEN connection lost (%s)", exc)
                self.close()
        return False

    def close(self) -> None:
        if self._conn is not None:
            conn, self._conn = self._conn, None
            try:
                conn.close()
            except Exception:  # already broken
                pass


def follow(
    round: Callable[[], int],
    stop: threading.Event,
    *,
    store: EventStore,
    poll: float,
    name: str,
    on_round: Callable[[int], None] | None = None,
    due_in: Callable[[], float | None] | None = None,
) -> int:
    """Run ``round`` until ``stop`` is set, waiting for new events between idle rounds; the rounds run.

    ``on_round`` sees what each round that did something returned (progress lines); ``due_in``, if
    given, the seconds until work falls due without a new event (None: none pending), so an idle
    wait ends then rather than after ``poll``.
    """
    wakeup = Wakeup(store)
    rounds = 0
    try:
        while not stop.is_set():
            try:
                done = round()
            except Exception:
                _log.exception("%s failed; retrying", name)
                done = 0
            rounds += 1
            if done:
                if on_round is not None:
                    on_round(done)
                continue
            try:
                due = due_in() if due_in is not None else None
            except Exception:
                due = None  # the round that follows says what is wrong
            wakeup.wait(stop, poll if due is None else max(0.0, min(poll, due)))
    finally:
        wakeup.close()
    return rounds
