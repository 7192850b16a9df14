"""c2sp.org/tlog-proof: a leaf's inclusion proof with its checkpoint, formatted and verified."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ledger.merkle import HASH_SIZE, ProofError, inclusion_root, leaf_hash
from ledger.notes.base import (
    _DECIMAL,
    _MAX_UINT64,
    TLOG_PROOF_HEADER,
    MalformedNoteError,
    TlogProofError,
    _as_bytes,
    _b64,
    _check_text,
    _unb64,
)
from ledger.notes.checkpoints import Checkpoint, open_checkpoint
from ledger.notes.keys import Verifier
from ledger.notes.signed import Note, parse_note

__all__ = [
    "TlogProof",
    "VerifiedTlogProof",
    "format_tlog_proof",
    "parse_tlog_proof",
    "verify_tlog_proof",
]

# --- tlog-proof ---------------------------------------------------------------------------


@dataclass(frozen=True)
class TlogProof:
    """A parsed c2sp.org/tlog-proof: index, inclusion proof, signed checkpoint, extra data."""

    index: int
    proof: tuple[bytes, ...]
    checkpoint: bytes
    extra: bytes | None = None

    def encode(self) -> bytes:
        """The proof text."""
        return format_tlog_proof(self.index, self.proof, self.checkpoint, self.extra)


@dataclass(frozen=True)
class VerifiedTlogProof:
    """What a verified tlog-proof establishes: this leaf is at ``index`` under ``checkpoint``."""

    index: int
    leaf_hash: bytes
    checkpoint: Checkpoint
    note: Note
    extra: bytes | None


def format_tlog_proof(
    index: int,
    proof: Sequence[bytes],
    signed_checkpoint: bytes | str,
    extra: bytes | None = None,
) -> bytes:
    """Encode a tlog-proof: header, optional extra, index, proof hashes, blank, checkpoint."""
    if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index <= _MAX_UINT64:
        raise TlogProofError(f"invalid leaf index: {index!r}")
    lines = [TLOG_PROOF_HEADER]
    if extra is not None:
        lines.append(f"extra {_b64(extra)}")
    lines.append(f"index {index}")
    for i, h in enumerate(proof):
        if len(h) != HASH_SIZE:
            raise TlogProofError(f"proof[{i}] is {len(h)} bytes, not {HASH_SIZE}")
        lines.append(_b64(bytes(h)))
    checkpoint = _as_bytes(signed_checkpoint, "checkpoint", TlogProofError)
    parse_note(checkpoint)
    return ("\n".join(lines) + "\n\n").encode("ascii") + checkpoint


def parse_tlog_proof(text: bytes | str) -> TlogProof:
    """Parse a tlog-proof text (the embedded checkpoint is checked for form only)."""
    raw = _as_bytes(text, "tlog-proof", TlogProofError)
    whole = _check_text(raw, "tlog-proof", TlogProofError)
    head, blank, checkpoint = whole.partition("\n\n")
    if not blank:
        raise TlogProofError("tlog-proof has no blank line before the checkpoint")
    lines = head.split("\n")
    if lines[0] != TLOG_PROOF_HEADER:
        raise TlogProofError(f"tlog-proof must start with {TLOG_PROOF_HEADER!r}")
    pos = 1
    extra: bytes | None = None
    if pos < len(lines) and lines[pos].startswith("extra "):
        extra = _unb64(lines[pos][len("extra ") :], "extra data", TlogProofError)
        pos += 1
    if pos >= len(lines) or not lines[pos].startswith("index "):
        raise TlogProofError("tlog-proof has no index line")
    index_text = lines[pos][len("index ") :]
    if not _DECIMAL.fullmatch(index_text) or int(index_text) > _MAX_UINT64:
        raise TlogProofError(f"tlog-proof index is not a canonical decimal: {index_text!r}")
    proof: list[bytes] = []
    for line in lines[pos + 1 :]:
        h = _unb64(line, "proof hash", TlogProofError)
        if len(h) != HASH_SIZE:
            raise TlogProofError(f"proof hash is {len(h)} bytes, not {HASH_SIZE}")
        proof.append(h)
    try:
        parse_note(checkpoint)
    except MalformedNoteError as exc:
        raise TlogProofError(f"embedded checkpoint is not a signed note: {exc}") from exc
    return TlogProof(int(index_text), tuple(proof), checkpoint.encode("utf-8"), extra)


def verify_tlog_proof(
    text: bytes | str,
    leaf_hash_or_data: bytes,
    verifiers: Verifier | Iterable[Verifier],
    *,
    is_data: bool = False,
    origin: str | None = None,
    witnesses: Iterable[Verifier] = (),
    min_cosignatures: int = 0,
) -> VerifiedTlogProof:
    """Check a tlog-proof offline: checkpoint signature(s), then Merkle inclusion.

    ``leaf_hash_or_data`` is the 32-byte leaf hash, or the entry itself when
    ``is_data`` is true (then hashed as an RFC 6962 leaf). Signature and
    format failures raise :class:`NoteError` subclasses, a wrong inclusion
    proof raises :class:`ledger.merkle.ProofError`; both are ValueErrors.
    """
    parsed = parse_tlog_proof(text)
    checkpoint, note = open_checkpoint(
        parsed.checkpoint,
        verifiers,
        origin=origin,
        witnesses=witnesses,
        min_cosignatures=min_cosignatures,
    )
    if is_data:
        leaf = leaf_hash(bytes(leaf_hash_or_data))
    else:
        leaf = bytes(leaf_hash_or_data)
        if len(leaf) != HASH_SIZE:
            raise ProofError(f"leaf hash is {len(leaf)} bytes, not {HASH_SIZE} (pass is_data=True?)")
    computed = inclusion_root(leaf, parsed.index, checkpoint.size, parsed.proof)
    if computed != checkpoint.root_hash:
        raise ProofError(
            f"inclusion proof for index {parsed.index} does not lead to the checkpoint's root "
            f"(size {checkpoint.size})"
        )
    return VerifiedTlogProof(parsed.index, leaf, checkpoint, note, parsed.extra)
