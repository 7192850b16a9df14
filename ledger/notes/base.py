"""The signed-note basics: signature types, errors, canonical base64, key names and key ids."""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ledger.notes.signed import Note

__all__ = [
    "COSIGNATURE_V1_HEADER",
    "MAX_SIGNATURES",
    "SIG_TYPE_COSIGNATURE_V1",
    "SIG_TYPE_ED25519",
    "TLOG_PROOF_HEADER",
    "CheckpointError",
    "InvalidSignatureError",
    "KeyFormatError",
    "MalformedNoteError",
    "NoteError",
    "TlogProofError",
    "UnverifiedNoteError",
    "encode_vkey",
    "is_valid_key_name",
    "key_id",
    "witness_key_id",
]

"""signed-note signature type of plain Ed25519 note signatures."""
SIG_TYPE_ED25519 = 0x01
"""signed-note signature type of plain Ed25519 note signatures."""
SIG_TYPE_COSIGNATURE_V1 = 0x04
"""signed-note signature type of timestamped Ed25519 witness cosignatures."""
MAX_SIGNATURES = 100
"""Signature lines accepted in one note (the spec demands at least 16; Go uses 100)."""
COSIGNATURE_V1_HEADER = "cosignature/v1"
TLOG_PROOF_HEADER = "c2sp.org/tlog-proof@v1"

_EM_DASH_PREFIX = "\u2014 "
_SKEY_PREFIX = "PRIVATE+KEY+"
_MAX_TIMESTAMP = 2**63 - 1
_MAX_UINT64 = 2**64 - 1
_DECIMAL = re.compile(r"0|[1-9][0-9]*")
_HEX8 = re.compile(r"[0-9a-fA-F]{8}")


class NoteError(ValueError):
    """A note, key, checkpoint or proof text is unacceptable."""


class MalformedNoteError(NoteError):
    """The bytes are not a well-formed signed note."""


class KeyFormatError(NoteError):
    """A vkey/skey string is malformed or its key ID does not match its key."""


class InvalidSignatureError(NoteError):
    """A signature by a known key failed to verify: the whole note is rejected."""

    def __init__(self, name: str, key_id: int) -> None:
        super().__init__(f"invalid signature for key {name}+{key_id:08x}")
        self.name = name
        self.key_id = key_id


class UnverifiedNoteError(NoteError):
    """The note is well formed but no known key signed it; ``note`` holds what was parsed."""

    def __init__(self, note: Note, message: str = "note has no verifiable signatures") -> None:
        super().__init__(message)
        self.note = note


class CheckpointError(NoteError):
    """A checkpoint body breaks c2sp.org/tlog-checkpoint, or its origin is not the expected one."""


class TlogProofError(NoteError):
    """A tlog-proof text is malformed (Merkle failures raise :class:`ProofError`)."""


# --- helpers -----------------------------------------------------------------


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str, what: str, error: type[NoteError] = MalformedNoteError) -> bytes:
    """Strict, canonical standard base64: one encoding per value, so no malleability."""
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, ValueError, UnicodeEncodeError) as exc:
        raise error(f"{what} is not valid base64: {text!r}") from exc
    if _b64(raw) != text:
        raise error(f"{what} is not canonical base64: {text!r}")
    return raw


def _as_bytes(msg: bytes | str, what: str, error: type[NoteError]) -> bytes:
    if isinstance(msg, str):
        try:
            return msg.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise error(f"{what} is not encodable as UTF-8") from exc
    if isinstance(msg, bytes | bytearray | memoryview):
        return bytes(msg)
    raise TypeError(f"{what} must be bytes or str, not {type(msg).__name__}")


def _check_text(msg: bytes, what: str, error: type[NoteError]) -> str:
    """Signed-note text rules: valid UTF-8, no control characters except newline."""
    try:
        text = msg.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise error(f"{what} is not valid UTF-8") from exc
    for ch in text:
        if ch < " " and ch != "\n":
            raise error(f"{what} contains the control character {ch!r}")
    return text


def is_valid_key_name(name: str) -> bool:
    """Key names are non-empty and contain no Unicode space and no ``+``."""
    return (
        isinstance(name, str)
        and name != ""
        and "+" not in name
        and not any(ch.isspace() or ch < " " for ch in name)
    )


def key_id(name: str, sig_type: int, public_key: bytes) -> int:
    """The signed-note key ID: SHA-256(name || 0x0A || type || public key)[:4], big-endian."""
    if not is_valid_key_name(name):
        raise KeyFormatError(f"invalid key name: {name!r}")
    if not 0 <= sig_type <= 0xFF:
        raise KeyFormatError(f"signature type must be one byte: {sig_type}")
    digest = hashlib.sha256(name.encode("utf-8") + b"\n" + bytes([sig_type]) + public_key)
    return int.from_bytes(digest.digest()[:4], "big")


def witness_key_id(name: str, public_key: bytes) -> int:
    """Key ID of an Ed25519 cosigner (type 0x04), as tlog-cosignature requires."""
    return key_id(name, SIG_TYPE_COSIGNATURE_V1, public_key)


def encode_vkey(name: str, sig_type: int, public_key: bytes) -> str:
    """``<name>+<hex key id>+<base64(type || public key)>``, the verifier key text."""
    kid = key_id(name, sig_type, public_key)
    return f"{name}+{kid:08x}+{_b64(bytes([sig_type]) + public_key)}"

