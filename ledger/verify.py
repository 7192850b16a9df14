"""Whole-ledger verification: every byte, every chain, every signature, the global order.

The rows are read in ranges of notification ids, each range by a worker (forked processes,
``ledger.pool``; threads where the store cannot be opened again, an in-memory SQLite). A worker
derives, once, everything one row determines on its own: the stored bytes' frame and canonical
encoding, the envelope's shape and values, the row's columns against its envelope, the content
hash, ``recorded_at`` — and checks the signature, with the public key the ledger had registered
for the signing key when the range was handed out (or that the range itself registers). This
process then takes the ranges' results in notification order and does what needs the sequence:
the global order, versions and chains per stream, the key valid at each ``recorded_at`` (a
signature checked with another key than the one the sequence says is checked again here).
Compromised-key flags are applied at the end, because a revocation may be dated back over
events that come before it in the sequence; until then each signing key keeps its events' times,
positions and notification ids in compact arrays (24 bytes an event), so memory stays bounded by
the streams and keys, not the events' contents.

Measured on 2 shared cores (``benchmarks/verify_reference.py``, a 3,000-case demo): processes
reach 0.83-0.88 of bare Ed25519 on as many threads, threads 0.75-0.79 — with threads every check
but the signature waits for one interpreter lock (docs/ledger.md).
"""

from __future__ import annotations

import hashlib
import marshal
import os
import sys
from array import array
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson

from domain.identities import BOOTSTRAP
from ledger import canonical
from ledger.envelope import SealedEvent, check_shape, split, unb64
from ledger.keyring import KEY_EVENTS, Keyring, parse_time
from ledger.keys import verify as verify_signature
from ledger.pool import collector_paused, forked_executor
from ledger.store import EventStore, Row, StoreConfig, stored_bytes

CHUNK = 4096
"""Notification ids a worker reads and derives at a time."""

IN_FLIGHT = 2
"""Ranges handed out per worker ahead of the one being consumed (bounds memory)."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong, and where: global position, notification id, stream, version."""

    position: int
    notification_id: int
    stream: str
    version: int
    what: str


@dataclass
class Report:
    events: int = 0
    streams: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "events": self.events,
            "streams": self.streams,
            "problems": [asdict(p) for p in self.problems],
        }


def default_workers() -> int:
    """Workers ``verify`` uses unless told: one per CPU."""
    return os.cpu_count() or 2


# -- one row, on its own (in a worker) ------------------------------------------------------

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)
_SORTED = orjson.OPT_SORT_KEYS
Keys = dict[tuple[str, str], bytes | None]
"""(signer, key id) -> the public key the signer's own stream registers under that id (None: none);
a worker's cache, filled as it meets signers."""

# A derived row: (nid, stream, version, problem) when its bytes do not decode, else
# (nid, stream, version, mismatches, envelope stream, envelope version, prev, content hash,
#  signer, key id, recorded_at in µs since the epoch, key event, signature), where
#  key event = (envelope, is the bootstrap) for a key event, else None; and signature =
#  (verdict, public key checked with), or None when the signer's stream registers no such key.
Derived = tuple[Any, ...]


def _decode(stored: bytes) -> tuple[dict[str, Any], bytes, bytes, datetime]:
    """The exact checks of the stored bytes, with the exact messages (the slow path)."""
    outer = canonical.decode(stored, values=False)
    if not isinstance(outer, dict) or len(outer) != 2 or "sig" not in outer:
        raise ValueError("外层应只含 event 与 sig")
    unsigned, signature = split(stored)
    envelope = check_shape(outer["event"])
    # The shape fixes the ledger's own members' exact types; free values live here.
    canonical.check(envelope["data"])
    canonical.check(envelope.get("override"))
    return envelope, unsigned, signature, parse_time(envelope["recorded_at"])


def _decode_fast(stored: bytes) -> tuple[dict[str, Any], bytes, bytes, datetime]:
    """What :func:`_decode` returns, parsing the envelope only (the frame around it is checked
    byte for byte by ``split``); anything it cannot pass is left to :func:`_decode`."""
    unsigned, signature = split(stored)
    envelope = orjson.loads(unsigned)
    if type(envelope) is not dict or orjson.dumps(envelope, option=_SORTED) != unsigned:
        raise ValueError
    check_shape(envelope)
    if not (canonical.passes_check(envelope["data"]) and canonical.passes_check(envelope.get("override"))):
        raise ValueError
    return envelope, unsigned, signature, parse_time(envelope["recorded_at"])


def _derive(store: EventStore, row: Row, keys: Keys) -> tuple[Derived, tuple[bytes, bytes, bytes] | None]:
    """A row derived but for its signature's verdict, and what checks it (key, message, signature)."""
    nid, stream, version, topic, state = row
    try:
        try:
            envelope, unsigned, signature, recorded = _decode_fast(stored_bytes(state))
        except Exception:
            envelope, unsigned, signature, recorded = _decode(stored_bytes(state))
        if recorded.tzinfo is None:
            raise ValueError("recorded_at 缺少时区")
        at = (recorded - _EPOCH) // _MICROSECOND
    except (ValueError, KeyError, TypeError) as exc:
        return (nid, stream, version, f"事件字节损坏或不是规范编码: {exc}"), None
    estream, eversion, etype, signed = envelope["stream"], envelope["version"], envelope["type"], envelope["signer"]
    signer, kid = signed["id"], signed["key"]
    mismatches: tuple[str, ...] = ()
    if estream != stream or eversion != version:
        mismatches += (f"行的流/版本 ({stream} v{version}) 与签名内容 ({estream} v{eversion}) 不符",)
    if topic != etype:
        mismatches += (f"行的类型 {topic} 与签名内容 {etype} 不符",)
    key = (envelope, _is_bootstrap(envelope)) if etype in KEY_EVENTS else None
    known = keys.get((signer, kid), _UNKNOWN)
    public = _registered(store, keys, signer, kid) if known is _UNKNOWN else known
    return ((nid, stream, version, mismatches, estream, eversion, envelope.get("prev"),
             hashlib.sha256(unsigned).digest(), signer, kid, at, key),
            None if public is None else (public, unsigned, signature))


_UNKNOWN: Any = object()


def _registered(store: EventStore, keys: Keys, signer: str, kid: str) -> bytes | None:
    """The public key the signer's stream first registers as ``kid``, read from that stream (an
    index lookup): what the sequence has registered by then is this process's to confirm."""
    found = None
    try:
        for event in store.stream(signer):
            issued = event.envelope.get("key")
            if event.type in _ISSUING and isinstance(issued, dict) and issued.get("id") == kid:
                found = unb64(str(issued["public_key"]))
                break
    except (ValueError, KeyError, TypeError):
        found = None  # a damaged identity stream: this process checks with the key it folded
    keys[signer, kid] = found
    return found


_ISSUING = frozenset({"OfficerRegistered", "KeyRotated"})


def _derive_range(store: EventStore, lo: int, hi: int, keys: Keys) -> list[Derived]:
    """Every row with ``lo <= id <= hi``, derived; the signatures are checked after the rest, one
    after another (each kind of work keeps its caches warm: measured 2% less CPU than alternating)."""
    derived = [_derive(store, row, keys) for row in store.rows(lo, hi)]
    return [d if len(d) == 4 else (*d, None if c is None else (verify_signature(*c), c[0])) for d, c in derived]


_WORKER_STORE: EventStore | None = None
_WORKER_KEYS: Keys = {}


def _open_worker_store(config: StoreConfig) -> None:
    """In a forked worker: a connection of its own (never the parent's), creating nothing."""
    global _WORKER_STORE
    _WORKER_STORE = EventStore(replace(config, extra={**config.extra, "CREATE_TABLE": "n"}))


def _derive_in_worker(lo: int, hi: int) -> bytes:
    """A range derived in a worker, marshalled (plain values: twice as fast as pickle both ways)."""
    assert _WORKER_STORE is not None
    return marshal.dumps(_derive_range(_WORKER_STORE, lo, hi, _WORKER_KEYS))


def _reopenable(config: StoreConfig) -> bool:
    """Whether another process can open the store (not an in-memory SQLite)."""
    if config.postgres_dsn:
        return True
    path = config.sqlite_path or ""
    return path != ":memory:" and "mode=memory" not in path


# -- the sequence (this process) ------------------------------------------------------------


class _Pass:
    """The checks that need the sequence, over derived rows in notification order."""

    def __init__(self, store: EventStore) -> None:
        self.store = store
        self.report = Report()
        self.heads: dict[str, tuple[int, bytes | None]] = {}
        self.ring = Keyring()
        # key id -> (identity, valid from, retired at or None) in µs; emptied when a key event applies
        self.valid: dict[str, tuple[str, int, int | None]] = {}
        # key id -> (recorded_at µs, position, notification id) of every event it signed
        self.uses: dict[str, tuple[array[int], array[int], array[int]]] = {}
        self.last_id = 0
        self.position = 0

    def flag(self, position: int, nid: int, stream: str, version: int, what: str) -> None:
        self.report.problems.append(Problem(position, nid, stream, version, what))

    def rows(self, derived: list[Derived]) -> None:
        for d in derived:
            self.row(d)

    def row(self, d: Derived) -> None:
        position = self.position
        self.position += 1
        self.report.events += 1
        nid, stream, version = d[0], d[1], d[2]
        if nid <= self.last_id:
            self.flag(position, nid, stream, version, "全局序列号未严格递增")
        self.last_id = nid
        if len(d) == 4:
            self.flag(position, nid, stream, version, d[3])
            self.heads[stream] = (self.heads.get(stream, (version, b""))[0] + 1, b"")
            return
        _, _, _, mismatches, estream, eversion, prev, digest, signer, kid, at, key, sig = d
        for what in mismatches:
            self.flag(position, nid, stream, version, what)
        last_version, last_hash = self.heads.get(estream, (0, None))
        if eversion != last_version + 1:
            self.flag(position, nid, stream, version, f"版本不连续: 期望 v{last_version + 1}, 实为 v{eversion}")
        if last_hash != b"" and prev != (last_hash.hex() if last_hash else None):
            self.flag(position, nid, stream, version, "prev 与本流前一事件的哈希不符 (删除、插入或调换了事件)")
        self.heads[estream] = (eversion, digest)
        bootstrap = key is not None and key[1]
        if bootstrap:
            self._apply(key[0], position, nid, stream, version)  # it signs its own registration
        key_problem = self._key_problem(signer, kid, at)
        if key_problem:
            self.flag(position, nid, stream, version, f"签名密钥无效: {key_problem}")
        else:
            public = self.ring.keys[kid].public_key
            if not (sig[0] if sig is not None and sig[1] == public else self._verify_again(nid, public)):
                self.flag(position, nid, stream, version, "签名验证失败 (内容被改动或签名伪造)")
            uses = self.uses.get(kid)
            if uses is None:
                uses = self.uses[kid] = (array("q"), array("q"), array("q"))
            uses[0].append(at)
            uses[1].append(position)
            uses[2].append(nid)
        if key is not None and not bootstrap:
            self._apply(key[0], position, nid, stream, version)

    def _verify_again(self, nid: int, public: bytes) -> bool:
        """A signature the worker checked with another key than the sequence registered (a damaged
        identity stream), or could not check: read its row again and check it here."""
        rows = self.store.recorder.select_notifications(start=nid, limit=1, stop=nid)
        try:
            unsigned, signature = split(stored_bytes(rows[0].state))
        except (IndexError, ValueError):
            return False
        return verify_signature(public, unsigned, signature)

    def _key_problem(self, signer: str, kid: str, at: int) -> str | None:
        valid = self.valid.get(kid)
        if valid is None and kid in self.ring.keys:
            record = self.ring.keys[kid]
            retired = record.retired_at
            valid = self.valid[kid] = (record.identity, _micros(record.valid_from),
                                       None if retired is None else _micros(retired))
        if valid is not None and valid[0] == signer and valid[1] <= at and (valid[2] is None or at < valid[2]):
            return None
        return self.ring.problem(signer, kid, _instant(at))

    def _apply(self, envelope: dict[str, Any], position: int, nid: int, stream: str, version: int) -> None:
        try:
            self.ring.apply(SealedEvent(b"", envelope))
        except (ValueError, KeyError, TypeError) as exc:
            self.flag(position, nid, stream, version, f"身份事件内容无效: {exc}")
        self.valid.clear()

    def finish(self) -> Report:
        for kid, (times, positions, nids) in self.uses.items():
            since = self.ring.keys[kid].compromised_since
            if since is None:
                continue
            for at, position, nid in zip(times, positions, nids, strict=True):
                if self.ring.compromised(kid, _instant(at)):
                    stream, version = _columns(self.store, nid)
                    what = f"由已泄露密钥 {kid} 签名 (自 {since.isoformat()} 起泄露)"
                    self.flag(position, nid, stream, version, what)
        self.report.streams = len(self.heads)
        self.report.problems.sort(key=lambda p: (p.position, p.what))
        return self.report


def _micros(moment: datetime) -> int:
    return (moment - _EPOCH) // _MICROSECOND


def _instant(micros: int) -> datetime:
    return _EPOCH + timedelta(microseconds=micros)


def _columns(store: EventStore, nid: int) -> tuple[str, int]:
    """The stream and version columns of one row (for the few a compromised key flags at the end)."""
    row = store.recorder.select_notifications(start=nid, limit=1, stop=nid)[0]
    return str(row.originator_id), int(row.originator_version)


# -- the whole ledger ---------------------------------------------------------------------


def verify_store(
    store: EventStore,
    *,
    workers: int | None = None,
    progress: Callable[[int], None] | None = None,
    processes: bool | None = None,
) -> Report:
    """Verify every row; ``workers`` derive and check signatures in parallel (default: one per CPU).

    ``processes``: forked workers (the default where the store can be opened again) or threads
    (``False``). A ledger of one range, or one worker, is verified in this process alone.
    """
    count = workers or default_workers()
    check = _Pass(store)
    top = _max_id(store)
    with collector_paused():
        if count == 1 or top <= CHUNK:
            keys: Keys = {}
            for lo, hi in _ranges(store, top):
                check.rows(_derive_range(store, lo, hi, keys))
                if progress:
                    progress(check.report.events)
        else:
            with _executor(store, count, processes) as submit:
                pending: deque[Future[Any]] = deque()
                for lo, hi in _ranges(store, top):
                    pending.append(submit(lo, hi))
                    if len(pending) >= IN_FLIGHT * count:
                        check.rows(_result(pending.popleft()))
                        if progress:
                            progress(check.report.events)
                while pending:
                    check.rows(_result(pending.popleft()))
                    if progress:
                        progress(check.report.events)
        report = check.finish()
    if progress:
        progress(report.events)
    return report


@contextmanager
def _executor(store: EventStore, count: int, processes: bool | None) -> Iterator[Callable[[int, int], Future[Any]]]:
    """``submit(lo, hi)`` deriving a range on ``count`` forked workers, or threads sharing ``store``."""
    if _reopenable(store.config) if processes is None else processes:
        with forked_executor(count, _open_worker_store, (store.config,)) as pool:
            yield lambda lo, hi: pool.submit(_derive_in_worker, lo, hi)
    else:
        keys: Keys = {}
        with ThreadPoolExecutor(count) as threads:
            yield lambda lo, hi: threads.submit(_derive_range, store, lo, hi, keys)


def _result(future: Future[Any]) -> list[Derived]:
    try:
        found = future.result()
    except BrokenProcessPool as exc:
        raise RuntimeError(f"校验失败: 工作进程意外退出 ({exc})") from exc
    derived: list[Derived] = marshal.loads(found) if isinstance(found, bytes) else found
    return derived


def _max_id(store: EventStore) -> int:
    return int(store.recorder.max_notification_id() or 0)


def _ranges(store: EventStore, top: int) -> Iterator[tuple[int, int]]:
    """Id ranges from 1 up to the last row, including rows appended while verifying."""
    lo = 1
    while lo <= top:
        while lo <= top:
            hi = min(lo + CHUNK - 1, top)  # never past the last row: one appended later is the next range's
            yield lo, hi
            lo = hi + 1
        top = _max_id(store)


def _is_bootstrap(envelope: dict[str, Any]) -> bool:
    issued = envelope.get("key")
    return (
        envelope["type"] == "OfficerRegistered"
        and envelope["stream"] == BOOTSTRAP == envelope["signer"]["id"]
        and envelope["version"] == 1
        and isinstance(issued, dict)
        and issued.get("id") == envelope["signer"]["key"]
    )


def terminal_progress(total: int | None = None) -> Callable[[int], None] | None:
    """A progress line on stderr when it is a terminal; nothing otherwise."""
    if not sys.stderr.isatty():
        return None

    def show(done: int) -> None:
        suffix = f"/{total}" if total else ""
        sys.stderr.write(f"\r校验中 {done}{suffix} 个事件")
        sys.stderr.flush()

    return show


def iter_problem_lines(report: Report) -> Iterator[str]:
    for p in report.problems:
        yield f"位置 {p.position} (通知号 {p.notification_id}) {p.stream} v{p.version}: {p.what}"
