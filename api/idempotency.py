"""Idempotency keys (``Idempotency-Key``, IETF httpapi draft) for the recording routes.

A key is scoped to the token's identity and kept in the table ``idempotency_keys`` of the
ledger's own database (the SQLite file, or the PostgreSQL schema of the events, as the API
tokens are), so every node of one ledger sees it. A row holds the fingerprint (SHA-256 of
the request body), the sealed events of the request (base64 of their stored bytes), and the
response they make (status, ``ETag``/``Location``, body).

The row is written by the ledger's ``on_sealed`` hook: on SQLite inside the append
transaction (so the key exists exactly when its events do); on PostgreSQL, where the
recorder commits the events on its own connection, just before the append. There the
row may outlive a failed append, so its truth is the event table: the key's result stands
when exactly its sealed events are stored (their nonces make them unique, see
``Ledger.settle``); while their places are free the sealed bytes can be appended again
(identical bytes: at most one of any two attempts is stored); once another event holds a
place the attempt is void and the key is free again. ``confirmed`` marks a row whose events
were seen stored, to spare the look-up.

| column | meaning |
|---|---|
| ``scope`` / ``key`` | token identity and the client's key (primary key) |
| ``fingerprint`` | hex SHA-256 of the request body |
| ``created_at`` / ``expires_at`` | RFC 3339 UTC; expired rows are pruned |
| ``status`` / ``headers`` / ``body`` | the response (headers as JSON) |
| ``events`` | JSON list of base64 sealed event bytes |
| ``confirmed`` | 1 once the events were seen stored |
"""

from __future__ import annotations

import base64
import hashlib
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson

from ledger.envelope import SealedEvent
from ledger.side_tables import SideTables, is_unique_violation
from ledger.store import Appender, EventStore

_TABLE = "idempotency_keys"
PRUNE_EVERY_SECONDS = 600.0


def fingerprint(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


@dataclass(frozen=True)
class Reply:
    """A stored response: what the first request answered."""

    status: int
    headers: dict[str, str]
    body: bytes


@dataclass(frozen=True)
class KeyRecord:
    scope: str
    key: str
    fingerprint: str
    created_at: str
    reply: Reply
    events: list[SealedEvent]
    confirmed: bool

    def age(self, now: datetime | None = None) -> float:
        """Seconds since the row was written."""
        return ((now or datetime.now(UTC)) - _parse(self.created_at)).total_seconds()


class KeyTaken(Exception):
    """Another request wrote the same key first (the caller answers 409 and the client retries)."""


class IdempotencyStore(SideTables):
    """The ``idempotency_keys`` table of one ledger's database (created on first use)."""

    def __init__(self, store: EventStore, *, hours: float = 24.0) -> None:
        self.store = store
        self.ttl = timedelta(hours=hours)
        self._open_tables(store, {"t": _TABLE})
        self._pruned = 0.0
        self._flight: set[tuple[str, str]] = set()
        self._lock = threading.Lock()
        self._create()

    def _create(self) -> None:
        blob = "BYTEA" if self.postgres else "BLOB"
        ddl = (
            "CREATE TABLE IF NOT EXISTS {t} (scope TEXT NOT NULL, key TEXT NOT NULL, fingerprint TEXT NOT NULL, "
            f"created_at TEXT NOT NULL, expires_at TEXT NOT NULL, status INTEGER NOT NULL, headers TEXT NOT NULL, "
            f"body {blob} NOT NULL, events TEXT NOT NULL, confirmed INTEGER NOT NULL, PRIMARY KEY (scope, key))"
        )
        self._create_tables(ddl)

    # -- in flight in this process --------------------------------------------------------------

    @contextmanager
    def in_flight(self, scope: str, key: str) -> Iterator[bool]:
        """True while this process has no other request with the key in progress (then it is held)."""
        token = (scope, key)
        with self._lock:
            busy = token in self._flight
            if not busy:
                self._flight.add(token)
        try:
            yield not busy
        finally:
            if not busy:
                with self._lock:
                    self._flight.discard(token)

    # -- rows ---------------------------------------------------------------------------------

    def find(self, scope: str, key: str, now: datetime | None = None) -> KeyRecord | None:
        """The key's row, or None (an expired row counts as none and is removed)."""
        moment = now or datetime.now(UTC)
        with self._cursor(write=False) as cur:
            cur.execute(self._q("SELECT fingerprint, created_at, expires_at, status, headers, body, events, "
                                "confirmed FROM {t} WHERE scope = ? AND key = ?"), (scope, key))
            row = cur.fetchone()
        if row is None:
            return None
        fp, created, expires, status, headers, body, events, confirmed = row
        if _parse(str(expires)) <= moment:
            self.forget(scope, key, str(created))
            return None
        sealed = [SealedEvent.from_stored(base64.b64decode(e)) for e in orjson.loads(events)]
        return KeyRecord(scope, key, str(fp), str(created),
                         Reply(int(status), orjson.loads(headers), bytes(body)), sealed, bool(confirmed))

    def hook(self, scope: str, key: str, fp: str, reply_for: Any) -> Any:
        """The ledger's ``on_sealed`` hook that writes the key with the events' reply.

        ``reply_for(events) -> Reply``. A row already there means another request with the
        key got in first: :class:`KeyTaken` (the append is abandoned).
        """

        def write(appender: Appender, events: list[SealedEvent]) -> None:
            reply: Reply = reply_for(events)
            created = datetime.now(UTC)
            values = (scope, key, fp, _format(created), _format(created + self.ttl), reply.status,
                      orjson.dumps(reply.headers).decode(), reply.body,
                      orjson.dumps([base64.b64encode(e.stored).decode("ascii") for e in events]).decode(),
                      0 if appender.cursor is None else 1)
            sql = self._q("INSERT INTO {t} (scope, key, fingerprint, created_at, expires_at, status, headers, "
                          "body, events, confirmed) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
            try:
                if appender.cursor is not None:  # SQLite: in the events' own transaction
                    appender.cursor.execute(sql, values)
                else:
                    with self._cursor(write=True) as cur:
                        cur.execute(sql, values)
            except Exception as exc:
                if is_unique_violation(exc) or "UNIQUE constraint failed" in str(exc):
                    raise KeyTaken(key) from exc
                raise

        return write

    def confirm(self, scope: str, key: str) -> None:
        with self._cursor(write=True) as cur:
            cur.execute(self._q("UPDATE {t} SET confirmed = 1 WHERE scope = ? AND key = ?"), (scope, key))

    def forget(self, scope: str, key: str, created_at: str) -> None:
        """Remove a void or expired row (only the one read: a newer row of the key stays)."""
        with self._cursor(write=True) as cur:
            cur.execute(self._q("DELETE FROM {t} WHERE scope = ? AND key = ? AND created_at = ?"),
                        (scope, key, created_at))

    def prune(self, now: datetime | None = None, *, force: bool = False) -> None:
        """Delete expired rows (at most every ten minutes unless forced)."""
        if not force and time.monotonic() - self._pruned < PRUNE_EVERY_SECONDS:
            return
        self._pruned = time.monotonic()
        with self._cursor(write=True) as cur:
            cur.execute(self._q("DELETE FROM {t} WHERE expires_at <= ?"), (_format(now or datetime.now(UTC)),))


def _format(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def _parse(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))
