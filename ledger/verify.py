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

from domain.identities import BOOTSTRAP
from ledger import canonical
from ledger.envelope import SealedEvent, check_shape, content_hash, split
from ledger.keyring import Keyring, parse_time
from ledger.keys import verify as verify_signature
from ledger.store import EventStore

CHUNK = 512


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


@dataclass
class _Pending:
    position: int
    notification_id: int
    stream: str
    version: int
    public_key: bytes
    unsigned: bytes
    signature: bytes


def _check_signatures(batch: list[_Pending]) -> list[_Pending]:
    return [p for p in batch if not verify_signature(p.public_key, p.unsigned, p.signature)]


def verify_store(
    store: EventStore,
    *,
    workers: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> Report:
    report = Report()
    heads: dict[str, tuple[int, bytes | None]] = {}
    ring = Keyring()
    uses: list[tuple[str, datetime, int, int, str, int]] = []
    failed_futures = []
    batch: list[_Pending] = []
    last_id = 0
    with ThreadPoolExecutor(max_workers=workers or os.cpu_count() or 2) as pool:
        for position, row in enumerate(store.notifications()):
            report.events += 1
            stream, version = str(row.originator_id), int(row.originator_version)

            def flag(what: str, *, _p: int = position, _n: int = row.id, _s: str = stream,
                     _v: int = version) -> None:
                report.problems.append(Problem(_p, _n, _s, _v, what))

            if row.id <= last_id:
                flag("全局序列号未严格递增")
            last_id = row.id
            stored = row.state if isinstance(row.state, bytes) else str(row.state).encode("utf-8")
            try:
                outer = canonical.decode(stored)
                if not isinstance(outer, dict) or set(outer) != {"event", "sig"}:
                    raise ValueError("外层应只含 event 与 sig")
                unsigned, signature = split(stored)
                event = SealedEvent(stored, check_shape(outer["event"]))
                recorded = parse_time(event.recorded_at)
                signer, kid = event.signer
            except (ValueError, KeyError, TypeError) as exc:
                flag(f"事件字节损坏或不是规范编码: {exc}")
                heads[stream] = (heads.get(stream, (version, b""))[0] + 1, b"")
                continue
            if event.stream != stream or event.version != version:
                flag(f"行的流/版本 ({stream} v{version}) 与签名内容 "
                     f"({event.stream} v{event.version}) 不符")
            if row.topic != event.type:
                flag(f"行的类型 {row.topic} 与签名内容 {event.type} 不符")
            last_version, last_hash = heads.get(event.stream, (0, None))
            if event.version != last_version + 1:
                flag(f"版本不连续: 期望 v{last_version + 1}, 实为 v{event.version}")
            expected_prev = last_hash.hex() if last_hash else None
            if last_hash != b"" and event.prev != expected_prev:
                flag("prev 与本流前一事件的哈希不符 (删除、插入或调换了事件)")
            heads[event.stream] = (event.version, content_hash(unsigned))
            try:
                if _is_bootstrap(event):
                    ring.apply(event)  # the bootstrap identity signs its own registration
            except (ValueError, KeyError, TypeError) as exc:
                flag(f"身份事件内容无效: {exc}")
            key_problem = ring.problem(signer, kid, recorded)
            if key_problem:
                flag(f"签名密钥无效: {key_problem}")
            else:
                batch.append(_Pending(position, row.id, stream, version,
                                      ring.keys[kid].public_key, unsigned, signature))
                uses.append((kid, recorded, position, row.id, stream, version))
            try:
                ring.apply(event)
            except (ValueError, KeyError, TypeError) as exc:
                flag(f"身份事件内容无效: {exc}")
            if len(batch) >= CHUNK:
                failed_futures.append(pool.submit(_check_signatures, batch))
                batch = []
            if progress and report.events % 1000 == 0:
                progress(report.events)
        if batch:
            failed_futures.append(pool.submit(_check_signatures, batch))
        for future in failed_futures:
            for p in future.result():
                report.problems.append(Problem(p.position, p.notification_id, p.stream,
                                               p.version, "签名验证失败 (内容被改动或签名伪造)"))
    for kid, recorded, position, nid, stream, version in uses:
        if ring.compromised(kid, recorded):
            since = ring.keys[kid].compromised_since
            assert since is not None
            report.problems.append(Problem(position, nid, stream, version,
                                           f"由已泄露密钥 {kid} 签名 (自 {since.isoformat()} 起泄露)"))
    if progress:
        progress(report.events)
    report.streams = len(heads)
    report.problems.sort(key=lambda p: (p.position, p.what))
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
