"""Whole-ledger verification: every byte, every chain, every signature, the global order.

One pass in notification order re-derives what can be re-derived (canonical bytes,
content hashes, chains, versions, the row's columns against its envelope, the key
valid at each ``recorded_at``); signature checks run on a thread pool (libsodium
releases the GIL). Compromised-key flags are applied at the end, because a
revocation may be dated back over events that come before it in the sequence.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from eventsourcing.persistence import Notification

from domain.identities import BOOTSTRAP
from ledger import canonical
from ledger.envelope import SealedEvent, check_shape, content_hash, split
from ledger.keyring import KEY_EVENTS, Keyring, parse_time
from ledger.keys import verify as verify_signature
from ledger.store import EventStore, stored_bytes

CHUNK = 4096


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


# (position, notification id, stream, version, public key, unsigned bytes, signature)
_Pending = tuple[int, int, str, int, bytes, bytes, bytes]


def _failed(batch: list[_Pending]) -> list[_Pending]:
    return [p for p in batch if not verify_signature(p[4], p[5], p[6])]


class _Pass:
    """One pass over the global sequence; signatures are checked in chunks on a pool.

    The checks that need the GIL run first for a chunk, then its signatures are verified
    on all workers while this thread waits: interleaving the two convoys on the GIL.
    """

    def __init__(self, pool: ThreadPoolExecutor, workers: int) -> None:
        self.pool, self.workers = pool, workers
        self.report = Report()
        self.heads: dict[str, tuple[int, bytes | None]] = {}
        self.ring = Keyring()
        self.uses: list[tuple[str, datetime, int, int, str, int]] = []
        self.batch: list[_Pending] = []
        self.last_id = 0

    def flag(self, position: int, nid: int, stream: str, version: int, what: str) -> None:
        self.report.problems.append(Problem(position, nid, stream, version, what))

    def row(self, position: int, row: Notification) -> None:
        self.report.events += 1
        stream, version, nid = str(row.originator_id), int(row.originator_version), row.id
        if nid <= self.last_id:
            self.flag(position, nid, stream, version, "全局序列号未严格递增")
        self.last_id = nid
        stored = stored_bytes(row.state)
        try:
            outer = canonical.decode(stored, values=False)
            if not isinstance(outer, dict) or len(outer) != 2 or "sig" not in outer:
                raise ValueError("外层应只含 event 与 sig")
            unsigned, signature = split(stored)
            event = SealedEvent(stored, check_shape(outer["event"]))
            # The shape fixes the ledger's own members' exact types; free values live here.
            canonical.check(event.envelope["data"])
            canonical.check(event.envelope.get("override"))
            recorded = parse_time(event.recorded_at)
            signer, kid = event.signer
        except (ValueError, KeyError, TypeError) as exc:
            self.flag(position, nid, stream, version, f"事件字节损坏或不是规范编码: {exc}")
            self.heads[stream] = (self.heads.get(stream, (version, b""))[0] + 1, b"")
            return
        if event.stream != stream or event.version != version:
            self.flag(position, nid, stream, version, f"行的流/版本 ({stream} v{version}) 与签名内容 "
                      f"({event.stream} v{event.version}) 不符")
        if row.topic != event.type:
            self.flag(position, nid, stream, version, f"行的类型 {row.topic} 与签名内容 {event.type} 不符")
        last_version, last_hash = self.heads.get(event.stream, (0, None))
        if event.version != last_version + 1:
            self.flag(position, nid, stream, version, f"版本不连续: 期望 v{last_version + 1}, 实为 v{event.version}")
        if last_hash != b"" and event.prev != (last_hash.hex() if last_hash else None):
            self.flag(position, nid, stream, version, "prev 与本流前一事件的哈希不符 (删除、插入或调换了事件)")
        self.heads[event.stream] = (event.version, content_hash(unsigned))
        bootstrap = _is_bootstrap(event)
        if bootstrap:
            self._apply(event, position, nid, stream, version)  # it signs its own registration
        key_problem = self.ring.problem(signer, kid, recorded)
        if key_problem:
            self.flag(position, nid, stream, version, f"签名密钥无效: {key_problem}")
        else:
            self.batch.append((position, nid, stream, version, self.ring.keys[kid].public_key, unsigned, signature))
            self.uses.append((kid, recorded, position, nid, stream, version))
        if not bootstrap and event.type in KEY_EVENTS:
            self._apply(event, position, nid, stream, version)
        if len(self.batch) >= CHUNK:
            self.flush()

    def _apply(self, event: SealedEvent, position: int, nid: int, stream: str, version: int) -> None:
        try:
            self.ring.apply(event)
        except (ValueError, KeyError, TypeError) as exc:
            self.flag(position, nid, stream, version, f"身份事件内容无效: {exc}")

    def flush(self) -> None:
        size = -(-len(self.batch) // self.workers) if self.batch else 1
        parts = [self.batch[i : i + size] for i in range(0, len(self.batch), size)]
        for failed in self.pool.map(_failed, parts):
            for p in failed:
                self.flag(p[0], p[1], p[2], p[3], "签名验证失败 (内容被改动或签名伪造)")
        self.batch = []

    def finish(self) -> Report:
        self.flush()
        for kid, recorded, position, nid, stream, version in self.uses:
            if self.ring.compromised(kid, recorded):
                since = self.ring.keys[kid].compromised_since
                assert since is not None
                self.flag(position, nid, stream, version, f"由已泄露密钥 {kid} 签名 (自 {since.isoformat()} 起泄露)")
        self.report.streams = len(self.heads)
        self.report.problems.sort(key=lambda p: (p.position, p.what))
        return self.report


def default_workers() -> int:
    """Signature workers ``verify`` uses unless told: one per CPU."""
    return os.cpu_count() or 2


def verify_store(
    store: EventStore,
    *,
    workers: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> Report:
    count = workers or default_workers()
    with ThreadPoolExecutor(max_workers=count) as pool:
        check = _Pass(pool, count)
        for position, row in enumerate(store.notifications()):
            check.row(position, row)
            if progress and position % 1000 == 999:
                progress(position + 1)
        report = check.finish()
    if progress:
        progress(report.events)
    return report


def _is_bootstrap(event: SealedEvent) -> bool:
    issued = event.envelope.get("key")
    return (
        event.type == "OfficerRegistered"
        and event.stream == BOOTSTRAP == event.signer[0]
        and event.version == 1
        and isinstance(issued, dict)
        and issued.get("id") == event.signer[1]
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
