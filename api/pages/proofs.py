"""An event's signature and its inclusion proof, as the pages show them.

The signature is checked here against the signer's key as the ledger's key history
holds it (valid at the event's ``recorded_at``); the inclusion proof is the
transparency log's, against the latest signed checkpoint. The pages also hand the
browser everything it needs to check the proof itself (``static/pages.js``): the
leaf is SHA-256(0x00 ‖ SHA-256(signed bytes)), the path leads to the root in the
checkpoint, and the checkpoint's Ed25519 signature is checked with the log's key.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

from api.pages.reads import Reads
from api.server.routes_log import withheld
from api.server.state import Services
from ledger.envelope import SealedEvent
from ledger.keyring import parse_time
from ledger.keys import verify
from ledger.translog import LogError, encode_hash

__all__ = ["EventProof", "SignatureCheck", "bytes_withheld", "event_proof", "position_of", "signature_check"]


@dataclass(frozen=True)
class SignatureCheck:
    ok: bool
    signer: str
    key_id: str
    public_key: str | None
    message: str


@dataclass(frozen=True)
class EventProof:
    """Where an event is in the log and the proof that it is there (or why there is none yet)."""

    position: int | None
    tree_size: int | None = None
    leaf_hash: str | None = None
    path: tuple[str, ...] = ()
    root: str | None = None
    checkpoint: str | None = None
    vkey: str | None = None
    reason: str | None = None

    @property
    def ok(self) -> bool:
        return self.reason is None and self.checkpoint is not None

    def as_json(self) -> dict[str, Any]:
        return {"position": self.position, "tree_size": self.tree_size, "leaf_hash": self.leaf_hash,
                "proof": list(self.path), "root": self.root, "checkpoint": self.checkpoint, "vkey": self.vkey}


def signature_check(svc: Services, event: SealedEvent) -> SignatureCheck:
    """Is the event's Ed25519 signature good, by a key valid for its signer when it was recorded?"""
    signer, kid = event.signer
    ring = svc.ledger.keyring(signer)
    record = ring.keys.get(kid)
    recorded = parse_time(event.recorded_at)
    problem = ring.problem(signer, kid, recorded)
    public = base64.b64encode(record.public_key).decode("ascii") if record is not None else None
    if record is None:
        return SignatureCheck(False, signer, kid, None, problem or f"密钥 {kid} 未在账本中登记")
    if not verify(record.public_key, event.unsigned, event.signature):
        return SignatureCheck(False, signer, kid, public, "签名与事件字节不符（事件被改动）")
    if problem is not None:
        return SignatureCheck(False, signer, kid, public, f"签名正确，但{problem}")
    if ring.compromised(kid, recorded):
        return SignatureCheck(False, signer, kid, public, f"签名正确，但密钥 {kid} 已声明泄露，此后记录的事件存疑")
    return SignatureCheck(True, signer, kid, public, f"签名有效：{signer} 的密钥 {kid} 在记录时有效")


def position_of(svc: Services, reads: Reads, stream: str, version: int) -> int | None:
    nid = reads.notification_id(stream, version)
    if nid is None:
        return None
    try:
        with svc.log.reading() as log:
            return log.position_of(nid)
    except LogError:
        return None


def event_proof(svc: Services, reads: Reads, stream: str, version: int) -> EventProof:
    """The inclusion proof of ``stream`` v``version`` against the latest checkpoint."""
    nid = reads.notification_id(stream, version)
    if nid is None:
        return EventProof(None, reason="账本中没有该事件")
    try:
        with svc.log.reading() as log:
            position = log.position_of(nid)
            vkey = log.vkey()
            if position is None:
                return EventProof(None, vkey=vkey, reason="该事件尚未集成到透明日志（运行 log integrate）")
            latest = log.latest_checkpoint()
            if latest is None or position >= latest.size:
                size = latest.size if latest is not None else 0
                reason = f"位置 {position} 尚未被签名检查点覆盖（最新检查点大小 {size}；运行 log checkpoint）"
                return EventProof(position, vkey=vkey, reason=reason)
            proof = log.prove(position, latest.size)
    except LogError as exc:
        return EventProof(None, reason=f"透明日志不可用：{exc}")
    except Exception as exc:  # the log's tables do not exist yet (never integrated)
        return EventProof(None, reason=f"透明日志尚未建立（运行 log integrate --checkpoint）：{type(exc).__name__}")
    return EventProof(position, proof.tree_size, encode_hash(proof.leaf_hash),
                      tuple(encode_hash(h) for h in proof.proof), encode_hash(proof.root),
                      proof.checkpoint.decode("utf-8") if proof.checkpoint else None, vkey)


def bytes_withheld(svc: Services, stream: str, version: int) -> bool:
    """Whether ``GET /v1/log/event/N`` withholds this event's bytes (451, PUB-01): a public page
    then links no bytes and has the browser check the inclusion of the leaf hash alone."""
    events = svc.ledger.cached(stream)
    return 0 < version <= len(events) and bool(withheld(svc, events[version - 1]))


def bytes_served(svc: Services, stream: str, version: int) -> bool:
    """Whether ``GET /v1/log/event/N`` serves this kind of event at all (the registry, publications and
    withdrawals: ``PUBLICLY_SERVED``); a 撤销 decision is proven in the log, its bytes are not served."""
    from domain.gates import PUBLICLY_SERVED

    events = svc.ledger.cached(stream)
    return 0 < version <= len(events) and events[version - 1].type in PUBLICLY_SERVED
