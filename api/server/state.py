"""What the routes share: the ledger, tokens, documents, the log and the read policy.

One :class:`Services` per app (``app.state.services``), made by ``create_app``; routes
get it with ``Depends(services)`` (see ``api.server.auth``). An :class:`Area` is one
router with what it needs started and stopped, and the readiness checks it adds to
``/readyz``; the projection-backed areas (case files, disclosures, supervision) plug
in as areas too.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import logging
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, TypeVar

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool

from api.documents import DocumentStore
from api.idempotency import IdempotencyStore
from api.server.access import Access, Principal
from api.server.config import HttpSettings
from api.server.storeguard import StoreGuard
from api.settings import Settings, env_number
from api.tokens import TokenStore
from domain.errors import StepRefused
from domain.step import Step
from ledger.errors import ChainError
from ledger.follow import Signal
from ledger.service import BatchView, Ledger, Validator
from ledger.translog import TransparencyLog

log = logging.getLogger("enforcement_ledger.http")
T = TypeVar("T")
_KEYS_LOCK = threading.Lock()


@dataclass(frozen=True)
class Check:
    """One readiness check: its name, whether it passes, and what it found."""

    name: str
    ok: bool
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Area:
    """A part of the API: its router, its start/stop hooks and its readiness checks."""

    name: str
    router: APIRouter
    start: Callable[[Services], None] | None = None
    stop: Callable[[Services], None] | None = None
    checks: tuple[Callable[[Services], Check], ...] = ()


DocumentReferences = Callable[[str], list[str]]
"""sha256 → the streams whose steps reference that document (a projection supplies it)."""


class PrincipalCache:
    """Token → principal for a short time, so a busy client costs no token lookup per request."""

    def __init__(self, seconds: float, size: int = 10_000) -> None:
        self.seconds = seconds
        self.size = size
        self._entries: dict[bytes, tuple[float, Principal]] = {}
        self._lock = threading.Lock()

    @staticmethod
    def _key(token: str) -> bytes:
        return hashlib.sha256(token.encode("utf-8", "surrogatepass")).digest()

    def get(self, token: str) -> Principal | None:
        if self.seconds <= 0:
            return None
        key = self._key(token)
        with self._lock:
            entry = self._entries.get(key)
        if entry is None or entry[0] < time.monotonic():
            return None
        return entry[1]

    def put(self, token: str, principal: Principal) -> None:
        if self.seconds <= 0:
            return
        with self._lock:
            if len(self._entries) >= self.size:
                self._entries.clear()
            self._entries[self._key(token)] = (time.monotonic() + self.seconds, principal)


@dataclass
class Services:
    settings: Settings
    http: HttpSettings
    ledger: Ledger
    tokens: TokenStore
    documents: DocumentStore
    access: Access
    log: LogAccess
    principals: PrincipalCache
    document_references: DocumentReferences = field(default=lambda sha256: [])
    checks: list[Callable[[Services], Check]] = field(default_factory=list)
    extras: dict[str, Any] = field(default_factory=dict)
    """Per-area state (e.g. a projection reader), keyed by the area's name."""
    write_lock: threading.Lock = field(default_factory=threading.Lock)
    writer: ThreadPoolExecutor = field(
        default_factory=lambda: ThreadPoolExecutor(max_workers=1, thread_name_prefix="ledger-writer"))
    integrity: IntegrityWatch = field(default_factory=lambda: IntegrityWatch())
    guard: StoreGuard | None = None
    """PostgreSQL only: refuses at once while the database is unreachable (see storeguard)."""
    committed: Signal = field(default_factory=Signal)
    """Notified after each append of this process (:meth:`writing`): wakes the followers at once."""

    _keys: IdempotencyStore | None = None

    def __post_init__(self) -> None:
        if self.settings.postgres_dsn and self.guard is None:
            self.guard = StoreGuard(self.ledger.store.recorder.datastore)  # type: ignore[attr-defined]

    def idempotency(self) -> IdempotencyStore:
        """The idempotency keys of the ledger's database (table made on first use)."""
        with _KEYS_LOCK:
            if self._keys is None:
                hours = env_number("LEDGER_IDEMPOTENCY_HOURS", 24.0, minimum=24.0)
                self._keys = IdempotencyStore(self.ledger.store, hours=hours)
        return self._keys

    async def in_writer(self, fn: Callable[..., T], *args: Any) -> T:
        """Run a blocking append (and what precedes it) in the writer thread on SQLite.

        SQLite appends one transaction at a time; one thread doing them, instead of many
        threads queueing on a lock, spares the GIL hand-offs between them (measured: the
        recording route's throughput). PostgreSQL appends use the common worker threads.
        """
        if self.settings.postgres_dsn:
            return await run_in_threadpool(fn, *args)
        return await asyncio.get_running_loop().run_in_executor(self.writer, functools.partial(fn, *args))

    @contextmanager
    def writing(self) -> Iterator[None]:
        """Appends of this process one at a time on SQLite.

        SQLite has one writer at a time anyway; queueing on a lock here instead of in
        SQLite's busy handler (which sleeps and retries) keeps latency flat under
        concurrent clients. PostgreSQL appends run concurrently (its recorder locks).
        After the block (committed, or failed: a wasted round costs little) the followers
        of this process are woken (:attr:`committed`): a recorded step reaches the read
        models and the audit table without waiting for a poll.
        """
        try:
            if self.settings.postgres_dsn:
                yield
                return
            with self.write_lock:
                yield
        finally:
            self.committed.notify()


class IntegrityWatch:
    """Chain failures this process met on reads and writes: a counter and the first position.

    Kept until the process restarts (docs/operations.md: the operator runs ``verify``,
    deals with the damaged stream and restarts the node); ``/readyz`` reports it meanwhile.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.count = 0
        self.first: dict[str, Any] | None = None
        self.broken: dict[str, int | None] = {}

    def record(self, stream: str | None, version: int | None, message: str) -> None:
        with self._lock:
            self.count += 1
            if stream is not None:
                self.broken.setdefault(stream, version)
            if self.first is None:
                self.first = {"stream": stream, "version": version, "detail": message,
                              "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}

    def state(self) -> dict[str, Any]:
        with self._lock:
            return {"failures": self.count, "first": self.first, "streams": len(self.broken)}

    def refuse_writes(self, streams: Iterable[Any]) -> None:
        """A write to a stream found broken is refused as its read was (ChainError: 503 INTEGRITY)."""
        for stream in streams:
            if isinstance(stream, str) and stream in self.broken:
                version = self.broken[stream]
                raise ChainError(f"{stream} v{version}: 该流的哈希链校验已失败, 暂停写入", stream, version)


async def services(request: Request) -> Services:
    """The app's :class:`Services` (a FastAPI dependency)."""
    found: Services = request.app.state.services
    return found


class LogAccess:
    """The transparency log as the public routes read it: opened on first use, one reader at a time.

    A ledger that has never been integrated has no log tables yet; the routes then
    answer 404 ("no checkpoint yet") instead of creating them on a read.
    """

    def __init__(self, opener: Callable[[], TransparencyLog]) -> None:
        self._opener = opener
        self._log: TransparencyLog | None = None
        self.lock = threading.RLock()

    @contextmanager
    def reading(self) -> Iterator[TransparencyLog]:
        with self.lock:
            if self._log is None:
                self._log = self._opener()
            latest = self._log.latest_checkpoint()
            if latest is not None and latest.size > self._log.size:
                self._log.reload()  # another process (the integrator) grew the tree
            yield self._log

    def close(self) -> None:
        with self.lock:
            if self._log is not None:
                try:
                    self._log.close()
                except sqlite3.ProgrammingError:
                    # translog keeps one SQLite reader per thread, made with check_same_thread;
                    # those of the server's worker threads cannot be closed from this one.
                    log.debug("transparency-log readers of other threads left to the garbage collector")
                self._log = None


# -- optimistic concurrency ---------------------------------------------------------------------


class VersionMismatch(StepRefused):
    """The stream is not at the version the client expected (``If-Match`` / ``expect``)."""

    def __init__(self, stream: str, expected: str, current: int) -> None:
        super().__init__("VERSION-MISMATCH", f"{stream} 当前版本为 {current}, 而请求期望 {expected}")
        self.stream, self.current = stream, current


@dataclass
class Expectations:
    """Expected versions by stream: an int, or ``*`` (the stream exists)."""

    versions: dict[str, int | str]

    def check(self, stream: str, current: int) -> None:
        wanted = self.versions.pop(stream, None)
        if wanted is None:
            return
        if wanted == "*":
            if current < 1:
                raise VersionMismatch(stream, "*", current)
        elif wanted != current:
            raise VersionMismatch(stream, str(wanted), current)


_EXPECTED: ContextVar[Expectations | None] = ContextVar("expected_versions", default=None)


@contextmanager
def expecting(versions: dict[str, int | str] | None) -> Iterator[None]:
    """Within this block, ``Ledger.record`` refuses a step whose stream is not at the expected version."""
    token = _EXPECTED.set(Expectations(dict(versions)) if versions else None)
    try:
        yield
    finally:
        _EXPECTED.reset(token)


def with_expectations(inner: Validator) -> Validator:
    """Wrap the ledger's validator: the first step of each expected stream checks its version.

    The validator runs inside ``Ledger.record``'s append transaction (SQLite: after
    ``BEGIN IMMEDIATE``), so the version checked is the one appended to; on PostgreSQL
    the recorder's in-transaction link check turns a race into a conflict as well.
    """

    def check(step: Step, view: BatchView) -> None:
        expected = _EXPECTED.get()
        if expected is not None and step.stream in expected.versions:
            head = view.head(step.stream)
            expected.check(step.stream, head.version if head is not None else 0)
        inner(step, view)

    return check
