"""The transparency log's values: errors, stored records, proofs and their JSON, hash text."""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from ledger import merkle, notes

APPLICATION_NAME = "TransparencyLog"
"""The name under which the integrator's position is tracked (eventsourcing ``Tracking``)."""

DEFAULT_BATCH = 1000
ZERO = bytes(merkle.HASH_SIZE)


class LogError(Exception):
    """The transparency log cannot do what was asked (the message says why)."""


class NotCoveredError(LogError):
    """A position or size that no stored checkpoint (or the tree) covers yet."""


class IntegratorConflictError(LogError):
    """Another integrator appended to the tree meanwhile; reload and retry."""


def encode_hash(h: bytes) -> str:
    """A hash as standard base64 (the encoding of checkpoints and proofs)."""
    return base64.b64encode(h).decode("ascii")


def decode_hash(text: str) -> bytes:
    """The inverse of :func:`encode_hash`; refuses anything but a canonical 32-byte hash."""
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
    except (ValueError, UnicodeEncodeError) as exc:
        raise merkle.ProofError(f"not base64: {text!r}") from exc
    if len(raw) != merkle.HASH_SIZE or encode_hash(raw) != text:
        raise merkle.ProofError(f"not a canonical base64 hash: {text!r}")
    return raw


def now_text() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


# --- records -----------------------------------------------------------------------------


@dataclass(frozen=True)
class LeafRecord:
    """One leaf: its position, the notification it logs, its data and hash."""

    position: int
    notification_id: int
    commitment: bytes
    leaf_hash: bytes


@dataclass(frozen=True)
class StoredCheckpoint:
    """A checkpoint as the log keeps it: signed note and the witnesses' cosignatures."""

    size: int
    root: bytes
    note: bytes
    created_at: str
    cosignatures: tuple[notes.NoteSignature, ...] = ()

    @property
    def text(self) -> str:
        """The checkpoint body (what every signature signs)."""
        return notes.parse_note(self.note).text

    @property
    def signed(self) -> bytes:
        """The checkpoint note with the log's signature and every stored cosignature."""
        if not self.cosignatures:
            return self.note
        parsed = notes.parse_note(self.note)
        return notes.sign_note(parsed.text, existing=[*parsed.unverified, *self.cosignatures])

    def checkpoint(self) -> notes.Checkpoint:
        return notes.parse_checkpoint(self.text)


@dataclass(frozen=True)
class InclusionProof:
    """Leaf ``index`` is in the tree of ``tree_size`` leaves with ``root`` (signed in ``checkpoint``)."""

    index: int
    tree_size: int
    leaf_hash: bytes
    proof: tuple[bytes, ...]
    root: bytes
    checkpoint: bytes | None = None

    def verify(self) -> None:
        """The Merkle check alone (the checkpoint's signature is the caller's business)."""
        merkle.verify_inclusion(self.leaf_hash, self.index, self.tree_size, self.proof, self.root)

    def as_json(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "tree_size": self.tree_size,
            "leaf_hash": encode_hash(self.leaf_hash),
            "proof": [encode_hash(h) for h in self.proof],
            "root": encode_hash(self.root),
            "checkpoint": None if self.checkpoint is None else self.checkpoint.decode("utf-8"),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> InclusionProof:
        checkpoint = data.get("checkpoint")
        return cls(
            index=_int(data, "index"),
            tree_size=_int(data, "tree_size"),
            leaf_hash=decode_hash(str(data["leaf_hash"])),
            proof=tuple(decode_hash(str(h)) for h in data["proof"]),
            root=decode_hash(str(data["root"])),
            checkpoint=None if checkpoint is None else str(checkpoint).encode("utf-8"),
        )


@dataclass(frozen=True)
class ConsistencyProof:
    """The tree of ``old_size`` leaves (``old_root``) is a prefix of the one of ``new_size``."""

    old_size: int
    new_size: int
    old_root: bytes
    new_root: bytes
    proof: tuple[bytes, ...]
    old_checkpoint: bytes | None = None
    new_checkpoint: bytes | None = None

    def verify(self) -> None:
        merkle.verify_consistency(self.old_size, self.new_size, self.old_root, self.new_root, self.proof)

    def as_json(self) -> dict[str, Any]:
        return {
            "from": self.old_size,
            "to": self.new_size,
            "old_root": encode_hash(self.old_root),
            "new_root": encode_hash(self.new_root),
            "proof": [encode_hash(h) for h in self.proof],
            "old_checkpoint": None if self.old_checkpoint is None else self.old_checkpoint.decode("utf-8"),
            "new_checkpoint": None if self.new_checkpoint is None else self.new_checkpoint.decode("utf-8"),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ConsistencyProof:
        old_cp, new_cp = data.get("old_checkpoint"), data.get("new_checkpoint")
        return cls(
            old_size=_int(data, "from"),
            new_size=_int(data, "to"),
            old_root=decode_hash(str(data["old_root"])),
            new_root=decode_hash(str(data["new_root"])),
            proof=tuple(decode_hash(str(h)) for h in data["proof"]),
            old_checkpoint=None if old_cp is None else str(old_cp).encode("utf-8"),
            new_checkpoint=None if new_cp is None else str(new_cp).encode("utf-8"),
        )


def _int(data: dict[str, Any], name: str) -> int:
    value = data[name]
    if isinstance(value, bool) or not isinstance(value, int):
        raise merkle.ProofError(f"{name} must be an integer")
    return value


@dataclass
class TileExport:
    """What :meth:`TransparencyLog.export_tiles` wrote."""

    size: int
    since: int
    written: list[str] = field(default_factory=list)
