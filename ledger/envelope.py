"""The sealed event: the envelope the ledger signs and the exact bytes it stores.

Stored bytes are ``{"event":<E>,"sig":"<base64 signature>"}`` where ``<E>`` is the
canonical encoding of the envelope. The signature is over ``<E>``; the stream's chain
links each envelope to ``sha256(<E>)`` of its predecessor (content hashes, so a
batch can be signed in parallel); the transparency log commits to ``sha256`` of the
whole stored bytes. The unsigned bytes are a slice of the stored ones, so reading
needs no re-encoding.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
from eventsourcing.persistence import DataError

from ledger import canonical

FORMAT = 1
_HEAD = b'{"event":'
_SIG = b',"sig":"'
_TAIL = b'"}'
_SIG64 = re.compile(rb"[A-Za-z0-9+/]{85}[AQgw]==")
"""The canonical base64 of 64 bytes: the last character's unused low bits are zero."""


class MalformedEventError(DataError, ValueError):
    """Stored bytes that are not a sealed event: eventsourcing's ``DataError`` (bad data for the
    recorder, not an outage), and a ``ValueError`` as callers parsing bytes expect."""


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def content_hash(unsigned: bytes) -> bytes:
    """The chain hash of an envelope: what the next event's ``prev`` names."""
    return hashlib.sha256(unsigned).digest()


def leaf_commitment(stored: bytes) -> bytes:
    """The transparency-log leaf data: a commitment to the signed bytes, no personal data."""
    return hashlib.sha256(stored).digest()


def step_identity(step: Mapping[str, Any]) -> str:
    """The idempotency key of a step: its canonical statement, never the nonce."""
    keys = ("stream", "type", "at", "by", "data", "override")
    subset = {k: step[k] for k in keys if step.get(k) is not None}
    try:
        # The same bytes as canonical.encode for any recordable step, without its value walk:
        # a step whose values have no canonical form is refused when recorded anyway.
        return hashlib.sha256(canonical.encode_checked(subset)).hexdigest()
    except canonical.EncodingError:
        # No canonical form, so it can never have been recorded: an identity of its own.
        return "uncanonical:" + hashlib.sha256(repr(subset).encode("utf-8")).hexdigest()


def seal(unsigned: bytes, signature: bytes) -> bytes:
    return _HEAD + unsigned + _SIG + b64(signature).encode("ascii") + _TAIL


def split(stored: bytes) -> tuple[bytes, bytes]:
    """(unsigned envelope bytes, signature) of stored bytes, checking the frame only."""
    if not (stored.startswith(_HEAD) and stored.endswith(_TAIL)):
        raise MalformedEventError("存储字节不是签名事件的外层结构")
    cut = stored.rfind(_SIG)
    if cut < len(_HEAD):
        raise MalformedEventError("存储字节缺少签名字段")
    text = stored[cut + len(_SIG) : -len(_TAIL)]
    if _SIG64.fullmatch(text):  # the canonical base64 of 64 bytes, as every signature is: no round trip
        return stored[len(_HEAD) : cut], binascii.a2b_base64(text)
    try:
        signature = unb64(text.decode("ascii"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise MalformedEventError(f"签名不是 base64: {exc}") from exc
    if b64(signature).encode("ascii") != text:
        raise MalformedEventError("签名的 base64 不是规范形式")
    return stored[len(_HEAD) : cut], signature


_REQUIRED: dict[str, tuple[type, ...]] = {
    "format": (int,), "stream": (str,), "type": (str,), "at": (str,), "by": (str,), "data": (dict,),
    "recorded_at": (str,), "version": (int,), "prev": (str, type(None)), "nonce": (str,), "signer": (dict,),
}
_OPTIONAL: dict[str, tuple[type, ...]] = {
    "override": (dict, list), "actor": (str,), "backfilled": (bool,), "key": (dict,),
}
_KINDS = {**_REQUIRED, **_OPTIONAL}


def check_shape(envelope: object) -> dict[str, Any]:
    """The envelope's members and their exact JSON types, so every reader can rely on them."""
    if type(envelope) is not dict:
        raise MalformedEventError("event 应为对象")
    for name, value in envelope.items():  # one look at each member; the loop below names a fault
        kinds = _KINDS.get(name)
        if kinds is None or type(value) not in kinds:
            break
    else:
        if _REQUIRED.keys() <= envelope.keys():
            return _check_parts(envelope)
    for name, kinds in _KINDS.items():
        value = envelope.get(name, _KINDS)
        if value is _KINDS:
            if name in _REQUIRED:
                raise MalformedEventError(f"信封字段 {name} 缺失")
        elif type(value) not in kinds:  # exact types: a bool is not an int here
            raise MalformedEventError(f"信封字段 {name} 类型错误")
    if len(envelope) > len(_REQUIRED) and not envelope.keys() <= _KINDS.keys():
        unknown = ", ".join(sorted(set(envelope) - set(_KINDS)))
        raise MalformedEventError(f"信封含未知字段 {unknown}")
    return _check_parts(envelope)


def _check_parts(envelope: dict[str, Any]) -> dict[str, Any]:
    signer = envelope["signer"]
    if len(signer) != 2 or type(signer.get("id")) is not str or type(signer.get("key")) is not str:
        raise MalformedEventError("signer 应为 {id, key}")
    key = envelope.get("key")
    if key is not None and (len(key) != 2 or type(key.get("id")) is not str
                            or type(key.get("public_key")) is not str):
        raise MalformedEventError("key 应为 {id, public_key}")
    return envelope


@dataclass(frozen=True, slots=True)
class SealedEvent:
    """One stored event, as eventsourcing sees it (an immutable domain event)."""

    stored: bytes
    envelope: dict[str, Any]

    @classmethod
    def from_stored(cls, stored: bytes) -> SealedEvent:
        try:
            outer = orjson.loads(stored)
        except orjson.JSONDecodeError as exc:
            raise MalformedEventError(f"不是合法的 JSON: {exc}") from exc
        if not isinstance(outer, dict) or not isinstance(outer.get("event"), dict):
            raise MalformedEventError("存储字节缺少 event 对象")
        return cls(stored, outer["event"])

    # eventsourcing's DomainEventProtocol
    @property
    def originator_id(self) -> str:
        return str(self.envelope["stream"])

    @property
    def originator_version(self) -> int:
        return int(self.envelope["version"])

    @property
    def timestamp(self) -> datetime:
        return datetime.fromisoformat(self.recorded_at)

    @property
    def stream(self) -> str:
        return str(self.envelope["stream"])

    @property
    def version(self) -> int:
        return int(self.envelope["version"])

    @property
    def type(self) -> str:
        return str(self.envelope["type"])

    @property
    def by(self) -> str:
        return str(self.envelope["by"])

    @property
    def data(self) -> dict[str, Any]:
        data = self.envelope.get("data")
        return data if isinstance(data, dict) else {}

    @property
    def recorded_at(self) -> str:
        return str(self.envelope["recorded_at"])

    @property
    def prev(self) -> str | None:
        prev = self.envelope.get("prev")
        return prev if isinstance(prev, str) else None

    @property
    def signer(self) -> tuple[str, str]:
        signer = self.envelope["signer"]
        return str(signer["id"]), str(signer["key"])

    @property
    def unsigned(self) -> bytes:
        return split(self.stored)[0]

    @property
    def signature(self) -> bytes:
        return split(self.stored)[1]

    @property
    def hash(self) -> bytes:
        return content_hash(self.unsigned)

    @property
    def leaf(self) -> bytes:
        return leaf_commitment(self.stored)

    def step(self) -> dict[str, Any]:
        """The step as it was stated (the import/export form)."""
        keys = ("stream", "type", "at", "by", "data", "override")
        return {k: self.envelope[k] for k in keys if k in self.envelope}
