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

__all__ = ["HEAD_POLL", "SLICE", "Signal", "Wakeup", "follow", "how"]

SLICE: Final = 0.25
"""Longest a wait goes without looking at ``stop`` (seconds)."""
HEAD_POLL: Final = 0.1
"""How often a SQLite follower looks for events of other processes (seconds): ``MAX(id)``, one probe."""

_log = logging.getLogger("enforcement_ledger.follow")


def how(store: EventStore, poll: float) -> str:
    """How a follower of ``store`` learns of new events, for its status line."""
    return "LISTEN/NOTIFY" if store.config.postgres_dsn else f"每 {HEAD_POLL:g} 秒查看最新事件 (最长 {poll:g} 秒一轮)"


class Signal:
    """News of a commit within this process: each follower :meth:`listen` s, every writer :meth:`notify` s.

    Why: a follower thread of ``serve`` need not wait for a poll (or a round trip through
    PostgreSQL's NOTIFY) to learn of a step the same process has just recorded.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._events: list[threading.Event] = []
        self.notified = 0

    def listen(self) -> threading.Event:
        """An event set by every later :meth:`notify` (its holder clears it)."""
        event = threading.Event()
        with self._lock:
            self._events.append(event)
        return event

    def notify(self) -> None:
        """Wake every listener: events were committed."""
        with self._lock:
            self.notified += 1
            events = list(self._events)
        for event in events:
            event.set()


class Wakeup:
    """Waits for the next event of ``store``: ``woken`` (this process's commits), and a ``LISTEN``
    connection on PostgreSQL or a look at the highest notification id on SQLite.

    A lost ``LISTEN`` connection (a database restart) falls back to the timer and is
    opened again at the next wait.
    """

    def __init__(self, store: EventStore, woken: threading.Event | None = None) -> None:
        self.store = store
        self.channel = str(getattr(store.recorder, "channel_name", "")) if store.config.postgres_dsn else ""
        self.woken = woken
        self._conn: Any = None
        self._head: int | None = None
        self.by_signal = 0
        """Waits ended by ``woken`` (tests: the commit woke the follower, not the timer)."""

    def mark(self) -> None:
        """Before a round: what it will see is what the next wait need not wake for."""
        if self.woken is not None:
            self.woken.clear()
        if not self.channel:
            self._head = self._sqlite_head()

    def _sqlite_head(self) -> int | None:
        try:
            return int(self.store.recorder.max_notification_id() or 0)
        except Exception:  # the round that follows says what is wrong
            return None

    def _moved(self) -> bool:
        """SQLite: whether another process appended since :meth:`mark`."""
        if self._head is None:
            return False
        head = self._sqlite_head()
        return head is not None and head > self._head

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
            if self.woken is not None and self.woken.is_set():
                self.by_signal += 1
                return True
            left = end - time.monotonic()
            if left <= 0:
                return False
            conn = self._listener()
            if conn is None:
                if not self.channel and self._moved():
                    return True
                (self.woken or stop).wait(min(left, HEAD_POLL if not self.channel else SLICE))
                continue
            try:  # a commit of this process is seen within a slice here (NOTIFY brings it anyway)
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
    woken: threading.Event | None = None,
    wakeup: Wakeup | None = None,
) -> int:
    """Run ``round`` until ``stop`` is set, waiting for new events between idle rounds; the rounds run.

    ``on_round`` sees what each round that did something returned (progress lines); ``due_in``, if
    given, the seconds until work falls due without a new event (None: none pending), so an idle
    wait ends then rather than after ``poll``. ``woken`` (from :meth:`Signal.listen`) ends a wait
    at once when this process commits; ``wakeup`` is the waiter to use (the caller's, to watch it).
    """
    wakeup = wakeup or Wakeup(store, woken)
    rounds = 0
    try:
        while not stop.is_set():
            wakeup.mark()
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
