"""c2sp.org/tlog-checkpoint and tlog-cosignature: checkpoints and their witnesses' cosignatures."""

from __future__ import annotations

import struct
from collections.abc import Iterable
from dataclasses import dataclass

from ledger.merkle import HASH_SIZE
from ledger.notes.base import (
    _DECIMAL,
    _MAX_TIMESTAMP,
    _MAX_UINT64,
    CheckpointError,
    InvalidSignatureError,
    NoteError,
    UnverifiedNoteError,
    _as_bytes,
    _b64,
    _check_text,
    _unb64,
)
from ledger.notes.keys import CosignatureSigner, CosignatureVerifier, Signer, Verifier
from ledger.notes.signed import (
    Note,
    NoteSignature,
    _as_verifiers,
    _parse_signature_line,
    open_note,
    parse_note,
    sign_note,
)

__all__ = [
    "Checkpoint",
    "cosign_checkpoint",
    "cosignature_timestamp",
    "open_checkpoint",
    "parse_checkpoint",
    "sign_checkpoint",
    "verify_cosignature",
]

# --- checkpoints ----------------------------------------------------------------------


@dataclass(frozen=True)
class Checkpoint:
    """A log's tree head as c2sp.org/tlog-checkpoint: origin, size, root, extensions."""

    origin: str
    size: int
    root_hash: bytes
    extensions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.origin, str) or not self.origin:
            raise CheckpointError("checkpoint origin must be a non-empty string")
        if "\n" in self.origin or any(ch < " " for ch in self.origin):
            raise CheckpointError(f"checkpoint origin contains control characters: {self.origin!r}")
        if isinstance(self.size, bool) or not isinstance(self.size, int):
            raise CheckpointError("checkpoint size must be an int")
        if not 0 <= self.size <= _MAX_UINT64:
            raise CheckpointError(f"checkpoint size out of range: {self.size}")
        if not isinstance(self.root_hash, bytes) or len(self.root_hash) != HASH_SIZE:
            raise CheckpointError(f"checkpoint root hash must be {HASH_SIZE} bytes")
        object.__setattr__(self, "extensions", tuple(self.extensions))
        for ext in self.extensions:
            if not isinstance(ext, str) or not ext:
                raise CheckpointError("checkpoint extension lines must be non-empty strings")
            if any(ch < " " for ch in ext):
                raise CheckpointError(f"checkpoint extension line has control characters: {ext!r}")

    def text(self) -> str:
        """The note text: one line each for origin, size, base64 root, then extensions."""
        lines = [self.origin, str(self.size), _b64(self.root_hash), *self.extensions]
        return "".join(line + "\n" for line in lines)


def parse_checkpoint(text: bytes | str) -> Checkpoint:
    """Parse a checkpoint note text (the body only, without signature lines)."""
    raw = _as_bytes(text, "checkpoint", CheckpointError)
    body = _check_text(raw, "checkpoint", CheckpointError)
    if not body.endswith("\n"):
        raise CheckpointError("checkpoint text must end with a newline")
    lines = body[:-1].split("\n")
    if len(lines) < 3:
        raise CheckpointError(f"checkpoint needs at least 3 lines, got {len(lines)}")
    if any(line == "" for line in lines):
        raise CheckpointError("checkpoint lines must not be empty")
    origin, size_text, root_text, *extensions = lines
    if not _DECIMAL.fullmatch(size_text):
        raise CheckpointError(f"checkpoint size is not a canonical decimal: {size_text!r}")
    size = int(size_text)
    if size > _MAX_UINT64:
        raise CheckpointError(f"checkpoint size out of range: {size_text}")
    root_hash = _unb64(root_text, "checkpoint root hash", CheckpointError)
    if len(root_hash) != HASH_SIZE:
        raise CheckpointError(f"checkpoint root hash is {len(root_hash)} bytes, not {HASH_SIZE}")
    return Checkpoint(origin, size, root_hash, tuple(extensions))


def sign_checkpoint(checkpoint: Checkpoint, *signers: Signer) -> bytes:
    """The signed checkpoint note (log key first, cosigners after, if given)."""
    return sign_note(checkpoint.text(), *signers)


def open_checkpoint(
    msg: bytes | str,
    log_verifiers: Verifier | Iterable[Verifier],
    *,
    origin: str | None = None,
    witnesses: Iterable[Verifier] = (),
    min_cosignatures: int = 0,
) -> tuple[Checkpoint, Note]:
    """Verify a signed checkpoint and parse it.

    It must carry a valid signature by one of ``log_verifiers`` and at least
    ``min_cosignatures`` valid signatures by distinct ``witnesses``. Its origin
    must equal ``origin``, or, when that is None, the name of a log key that
    verified (the key name SHOULD be the origin, per tlog-checkpoint).
    """
    logs = _as_verifiers(log_verifiers)
    wits = list(witnesses)
    note = open_note(msg, [*logs, *wits])
    log_ids = {(v.name, v.key_id) for v in logs}
    wit_ids = {(v.name, v.key_id) for v in wits} - log_ids
    by_log = [s for s in note.signatures if (s.name, s.key_id) in log_ids]
    if not by_log:
        raise UnverifiedNoteError(note, "checkpoint is not signed by the log's key")
    cosigned = {(s.name, s.key_id) for s in note.signatures if (s.name, s.key_id) in wit_ids}
    if len(cosigned) < min_cosignatures:
        raise UnverifiedNoteError(
            note,
            f"checkpoint has {len(cosigned)} valid witness cosignatures, "
            f"{min_cosignatures} are required",
        )
    checkpoint = parse_checkpoint(note.text)
    if origin is not None:
        if checkpoint.origin != origin:
            raise CheckpointError(f"checkpoint origin {checkpoint.origin!r} is not {origin!r}")
    elif checkpoint.origin not in {s.name for s in by_log}:
        raise CheckpointError(
            f"checkpoint origin {checkpoint.origin!r} is not the name of the log key that signed it"
        )
    return checkpoint, note


# --- cosignatures ------------------------------------------------------------------------


def cosignature_timestamp(signature: NoteSignature | bytes) -> int:
    """The POSIX time recorded in a cosignature/v1 signature (not verified)."""
    raw = signature.signature if isinstance(signature, NoteSignature) else signature
    if len(raw) != 72:
        raise NoteError(f"a cosignature/v1 signature is 72 bytes, got {len(raw)}")
    (timestamp,) = struct.unpack(">Q", raw[:8])
    if timestamp > _MAX_TIMESTAMP:
        raise NoteError(f"cosignature timestamp out of range: {timestamp}")
    return int(timestamp)


def cosign_checkpoint(
    signed_checkpoint: bytes | str, cosigner: CosignatureSigner, timestamp: int | None = None
) -> bytes:
    """Add ``cosigner``'s cosignature/v1 line to a signed checkpoint.

    Only checks that the body is a checkpoint: a real witness must first verify
    the log's signature and consistency with what it saw before.
    """
    note = parse_note(signed_checkpoint)
    parse_checkpoint(note.text)
    if timestamp is None:
        return sign_note(note.text, cosigner, existing=note.unverified)
    body = note.text.encode("utf-8")
    sig = NoteSignature(cosigner.name, cosigner.key_id, cosigner.sign_at(body, timestamp))
    kept = [s for s in note.unverified if (s.name, s.key_id) != (sig.name, sig.key_id)]
    return sign_note(note.text, existing=[*kept, sig])


def verify_cosignature(
    checkpoint_text: bytes | str, line: str | NoteSignature, verifier: CosignatureVerifier
) -> int:
    """Check one cosignature line over a checkpoint body; returns its timestamp.

    Raises :class:`NoteError` when the line is malformed or from another key,
    :class:`InvalidSignatureError` when the signature does not verify.
    """
    if isinstance(line, NoteSignature):
        sig = line
    else:
        sig = _parse_signature_line(line[:-1] if line.endswith("\n") else line)
    if (sig.name, sig.key_id) != (verifier.name, verifier.key_id):
        raise NoteError(
            f"signature is by {sig.name}+{sig.key_id:08x}, "
            f"not by the witness {verifier.name}+{verifier.key_id:08x}"
        )
    timestamp = cosignature_timestamp(sig)
    body = _as_bytes(checkpoint_text, "checkpoint text", CheckpointError)
    if not verifier.verify(body, sig.signature):
        raise InvalidSignatureError(sig.name, sig.key_id)
    return timestamp

