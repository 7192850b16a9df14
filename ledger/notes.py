"""C2SP signed notes, checkpoints, cosignatures and tlog-proofs.

The formats are those of c2sp.org/signed-note, tlog-checkpoint,
tlog-cosignature (cosignature/v1, Ed25519) and tlog-proof, byte for byte
compatible with golang.org/x/mod/sumdb/note and transparency-dev, so that
anyone can check our checkpoints and proofs with off-the-shelf tools.

Wire formats (signed notes, proofs) are ``bytes``; inputs accept ``str`` too.
Base64 is always the standard alphabet with padding, and parsing insists on
the canonical encoding so that no two byte strings carry the same signature.
Nothing here performs I/O; the only ambient input is the clock a cosigner
reads when no timestamp is given.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import struct
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import nacl.exceptions
import nacl.signing

from ledger.merkle import HASH_SIZE, ProofError, inclusion_root, leaf_hash

__all__ = [
    "COSIGNATURE_V1_HEADER",
    "MAX_SIGNATURES",
    "SIG_TYPE_COSIGNATURE_V1",
    "SIG_TYPE_ED25519",
    "TLOG_PROOF_HEADER",
    "Checkpoint",
    "CheckpointError",
    "CosignatureSigner",
    "CosignatureVerifier",
    "Ed25519Signer",
    "Ed25519Verifier",
    "InvalidSignatureError",
    "KeyFormatError",
    "MalformedNoteError",
    "Note",
    "NoteError",
    "NoteSignature",
    "Signer",
    "TlogProof",
    "TlogProofError",
    "UnverifiedNoteError",
    "VerifiedTlogProof",
    "Verifier",
    "add_signatures",
    "cosign_checkpoint",
    "cosignature_message",
    "cosignature_timestamp",
    "encode_vkey",
    "format_tlog_proof",
    "is_valid_key_name",
    "key_id",
    "open_checkpoint",
    "open_note",
    "parse_checkpoint",
    "parse_note",
    "parse_skey",
    "parse_tlog_proof",
    "parse_vkey",
    "sign_checkpoint",
    "sign_note",
    "verify_cosignature",
    "verify_tlog_proof",
    "witness_key_id",
]

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


# --- signers and verifiers ------------------------------------------------------


class Signer(Protocol):
    """Anything that signs note texts under a (name, key ID)."""

    @property
    def name(self) -> str: ...

    @property
    def key_id(self) -> int: ...

    def sign(self, message: bytes) -> bytes:
        """The signature bytes (without the key ID) over the note text ``message``."""
        ...


class Verifier(Protocol):
    """Anything that checks note signatures made under a (name, key ID)."""

    @property
    def name(self) -> str: ...

    @property
    def key_id(self) -> int: ...

    def verify(self, message: bytes, signature: bytes) -> bool:
        """Whether ``signature`` (without the key ID) signs the note text ``message``."""
        ...


def _ed25519_verify(public_key: bytes, message: bytes, signature: bytes) -> bool:
    if len(signature) != 64:
        return False
    try:
        nacl.signing.VerifyKey(public_key).verify(message, signature)
    except (nacl.exceptions.BadSignatureError, nacl.exceptions.ValueError, ValueError):
        return False
    return True


def _check_public_key(public_key: bytes) -> bytes:
    if not isinstance(public_key, bytes | bytearray) or len(public_key) != 32:
        raise KeyFormatError("an Ed25519 public key is 32 bytes")
    return bytes(public_key)


@dataclass(frozen=True)
class Ed25519Verifier:
    """Verifier of plain Ed25519 note signatures (type 0x01), e.g. a log's checkpoints."""

    name: str
    public_key: bytes
    key_id: int = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "public_key", _check_public_key(self.public_key))
        object.__setattr__(self, "key_id", key_id(self.name, SIG_TYPE_ED25519, self.public_key))

    def verify(self, message: bytes, signature: bytes) -> bool:
        """Ed25519 over the note text itself."""
        return _ed25519_verify(self.public_key, message, signature)

    def vkey(self) -> str:
        """This key as a verifier key string."""
        return encode_vkey(self.name, SIG_TYPE_ED25519, self.public_key)


def cosignature_message(checkpoint_text: bytes | str, timestamp: int) -> bytes:
    """The exact bytes a cosignature/v1 signs: header line, time line, checkpoint body."""
    body = _as_bytes(checkpoint_text, "checkpoint text", CheckpointError)
    if isinstance(timestamp, bool) or not isinstance(timestamp, int):
        raise TypeError("timestamp must be an int")
    if not 0 <= timestamp <= _MAX_TIMESTAMP:
        raise ValueError(f"cosignature timestamp out of range: {timestamp}")
    return f"{COSIGNATURE_V1_HEADER}\ntime {timestamp}\n".encode("ascii") + body


@dataclass(frozen=True)
class CosignatureVerifier:
    """Verifier of cosignature/v1 signatures (type 0x04) by one Ed25519 witness."""

    name: str
    public_key: bytes
    key_id: int = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "public_key", _check_public_key(self.public_key))
        object.__setattr__(self, "key_id", witness_key_id(self.name, self.public_key))

    def verify(self, message: bytes, signature: bytes) -> bool:
        """Check ``timestamp || ed25519`` over the cosignature/v1 message of ``message``."""
        if len(signature) != 72:
            return False
        (timestamp,) = struct.unpack(">Q", signature[:8])
        if timestamp > _MAX_TIMESTAMP:
            return False
        signed = cosignature_message(message, timestamp)
        return _ed25519_verify(self.public_key, signed, signature[8:])

    def vkey(self) -> str:
        """This witness key as a verifier key string (type 0x04)."""
        return encode_vkey(self.name, SIG_TYPE_COSIGNATURE_V1, self.public_key)


class _Ed25519Key:
    """Shared part of the two signers: a name and a libsodium key, never printed."""

    __slots__ = ("_key", "_name", "_public_key")

    def __init__(self, name: str, seed: bytes) -> None:
        if not is_valid_key_name(name):
            raise KeyFormatError(f"invalid key name: {name!r}")
        if not isinstance(seed, bytes | bytearray) or len(seed) != 32:
            raise KeyFormatError("an Ed25519 seed is 32 bytes")
        self._name = name
        self._key = nacl.signing.SigningKey(bytes(seed))
        self._public_key = bytes(self._key.verify_key)

    @property
    def name(self) -> str:
        return self._name

    @property
    def public_key(self) -> bytes:
        return self._public_key

    @property
    def seed(self) -> bytes:
        """The 32-byte private seed (handle with care)."""
        return bytes(self._key)

    def _sign(self, message: bytes) -> bytes:
        return bytes(self._key.sign(message).signature)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self._name!r}, public_key={self._public_key.hex()})"


class Ed25519Signer(_Ed25519Key):
    """Signer of plain Ed25519 note signatures (type 0x01): the log's checkpoint key."""

    __slots__ = ("_key_id",)

    def __init__(self, name: str, seed: bytes) -> None:
        super().__init__(name, seed)
        self._key_id = key_id(name, SIG_TYPE_ED25519, self._public_key)

    @classmethod
    def generate(cls, name: str) -> Ed25519Signer:
        """A fresh random key."""
        return cls(name, bytes(nacl.signing.SigningKey.generate()))

    @property
    def key_id(self) -> int:
        return self._key_id

    def sign(self, message: bytes) -> bytes:
        """Ed25519 over the note text (deterministic, RFC 8032)."""
        return self._sign(message)

    def verifier(self) -> Ed25519Verifier:
        return Ed25519Verifier(self._name, self._public_key)

    def vkey(self) -> str:
        return encode_vkey(self._name, SIG_TYPE_ED25519, self._public_key)

    def skey(self) -> str:
        """Go's private key string ``PRIVATE+KEY+<name>+<id>+<base64(0x01 || seed)>``."""
        material = _b64(bytes([SIG_TYPE_ED25519]) + self.seed)
        return f"{_SKEY_PREFIX}{self._name}+{self._key_id:08x}+{material}"


class CosignatureSigner(_Ed25519Key):
    """A witness: signs checkpoint texts as cosignature/v1 (type 0x04).

    ``clock`` gives the POSIX time recorded in each cosignature; inject it to
    make signatures reproducible.
    """

    __slots__ = ("_clock", "_key_id")

    def __init__(self, name: str, seed: bytes, clock: Callable[[], float] = time.time) -> None:
        super().__init__(name, seed)
        self._key_id = witness_key_id(name, self._public_key)
        self._clock = clock

    @classmethod
    def generate(cls, name: str, clock: Callable[[], float] = time.time) -> CosignatureSigner:
        """A fresh random witness key."""
        return cls(name, bytes(nacl.signing.SigningKey.generate()), clock)

    @property
    def key_id(self) -> int:
        return self._key_id

    def sign(self, message: bytes) -> bytes:
        """``timestamp || Ed25519(cosignature/v1 message)`` at the clock's current second."""
        return self.sign_at(message, int(self._clock()))

    def sign_at(self, message: bytes, timestamp: int) -> bytes:
        """Cosign the checkpoint text ``message`` as of ``timestamp``."""
        signed = cosignature_message(message, timestamp)
        return struct.pack(">Q", timestamp) + self._sign(signed)

    def verifier(self) -> CosignatureVerifier:
        return CosignatureVerifier(self._name, self._public_key)

    def vkey(self) -> str:
        return encode_vkey(self._name, SIG_TYPE_COSIGNATURE_V1, self._public_key)


def _split_key(text: str, parts: str) -> tuple[str, int, bytes]:
    name, plus1, rest = text.partition("+")
    hex_id, plus2, material = rest.partition("+")
    if not plus1 or not plus2:
        raise KeyFormatError(f"{parts} must be <name>+<key id>+<key>")
    if not is_valid_key_name(name):
        raise KeyFormatError(f"invalid key name: {name!r}")
    if not _HEX8.fullmatch(hex_id):
        raise KeyFormatError(f"key ID must be 8 hex digits: {hex_id!r}")
    raw = _unb64(material, "key material", KeyFormatError)
    if len(raw) < 2:
        raise KeyFormatError("key material is too short")
    return name, int(hex_id, 16), raw


def parse_vkey(vkey: str) -> Ed25519Verifier | CosignatureVerifier:
    """Parse a verifier key (type 0x01 or 0x04), checking that its key ID matches."""
    if not isinstance(vkey, str):
        raise TypeError("a vkey is a str")
    name, kid, raw = _split_key(vkey, "a vkey")
    sig_type, public_key = raw[0], raw[1:]
    verifier: Ed25519Verifier | CosignatureVerifier
    if len(public_key) != 32:
        raise KeyFormatError(f"Ed25519 public key must be 32 bytes, got {len(public_key)}")
    if sig_type == SIG_TYPE_ED25519:
        verifier = Ed25519Verifier(name, public_key)
    elif sig_type == SIG_TYPE_COSIGNATURE_V1:
        verifier = CosignatureVerifier(name, public_key)
    else:
        raise KeyFormatError(f"unsupported signature type 0x{sig_type:02x}")
    if verifier.key_id != kid:
        raise KeyFormatError(f"key ID {kid:08x} does not match the key (expected {verifier.key_id:08x})")
    return verifier


def parse_skey(skey: str) -> Ed25519Signer:
    """Parse Go's ``PRIVATE+KEY+...`` signer key (type 0x01), checking its key ID."""
    if not isinstance(skey, str) or not skey.startswith(_SKEY_PREFIX):
        raise KeyFormatError("a signer key starts with PRIVATE+KEY+")
    name, kid, raw = _split_key(skey[len(_SKEY_PREFIX) :], "a signer key")
    if raw[0] != SIG_TYPE_ED25519 or len(raw) != 33:
        raise KeyFormatError("only Ed25519 signer keys (type 0x01, 32-byte seed) are supported")
    signer = Ed25519Signer(name, raw[1:])
    if signer.key_id != kid:
        raise KeyFormatError(f"key ID {kid:08x} does not match the key (expected {signer.key_id:08x})")
    return signer


# --- notes ------------------------------------------------------------------------


@dataclass(frozen=True)
class NoteSignature:
    """One signature line: key name, key ID and the signature bytes after the ID."""

    name: str
    key_id: int
    signature: bytes

    def encoded(self) -> str:
        """base64(key ID || signature), as it appears on the line."""
        return _b64(self.key_id.to_bytes(4, "big") + self.signature)

    def line(self) -> str:
        """The full signature line, with the em dash and the final newline."""
        return f"{_EM_DASH_PREFIX}{self.name} {self.encoded()}\n"


@dataclass(frozen=True)
class Note:
    """A note's text with its signatures, split by whether a known key verified them."""

    text: str
    signatures: tuple[NoteSignature, ...] = ()
    unverified: tuple[NoteSignature, ...] = ()


def _parse_signature_line(line: str) -> NoteSignature:
    if not line.startswith(_EM_DASH_PREFIX):
        raise MalformedNoteError(f"signature line does not start with an em dash: {line!r}")
    name, space, b64 = line[len(_EM_DASH_PREFIX) :].partition(" ")
    if not space or not is_valid_key_name(name):
        raise MalformedNoteError(f"malformed signature line: {line!r}")
    raw = _unb64(b64, "signature")
    if len(raw) < 5:
        raise MalformedNoteError(f"signature is too short: {line!r}")
    return NoteSignature(name, int.from_bytes(raw[:4], "big"), raw[4:])


def parse_note(msg: bytes | str) -> Note:
    """Split a signed note into text and signatures, verifying nothing (all ``unverified``)."""
    raw = _as_bytes(msg, "note", MalformedNoteError)
    whole = _check_text(raw, "note", MalformedNoteError)
    split = whole.rfind("\n\n")
    if split < 0:
        raise MalformedNoteError("note has no blank line before its signatures")
    text, block = whole[: split + 1], whole[split + 2 :]
    if not block or not block.endswith("\n"):
        raise MalformedNoteError("note does not end with a signature line and a newline")
    lines = block[:-1].split("\n")
    if len(lines) > MAX_SIGNATURES:
        raise MalformedNoteError(f"note has more than {MAX_SIGNATURES} signatures")
    sigs = tuple(_parse_signature_line(line) for line in lines)
    return Note(text, (), sigs)


def _verifier_map(verifiers: Iterable[Verifier]) -> dict[tuple[str, int], list[Verifier]]:
    known: dict[tuple[str, int], list[Verifier]] = {}
    for v in verifiers:
        known.setdefault((v.name, v.key_id), []).append(v)
    return known


def _as_verifiers(verifiers: Verifier | Iterable[Verifier]) -> list[Verifier]:
    if isinstance(verifiers, Iterable):
        return list(verifiers)
    return [verifiers]


def open_note(msg: bytes | str, verifiers: Verifier | Iterable[Verifier]) -> Note:
    """Parse a signed note and verify its signatures by the known ``verifiers``.

    As signed-note requires: signatures by unknown keys are ignored (kept in
    ``unverified``), a failing signature by a known key rejects the note
    (:class:`InvalidSignatureError`), and a note that no known key signed is
    rejected (:class:`UnverifiedNoteError`). Repeated signatures are dropped.
    """
    parsed = parse_note(msg)
    known = _verifier_map(_as_verifiers(verifiers))
    text = parsed.text.encode("utf-8")
    verified: list[NoteSignature] = []
    unverified: list[NoteSignature] = []
    seen: set[tuple[str, int]] = set()
    for sig in parsed.unverified:
        key = (sig.name, sig.key_id)
        candidates = known.get(key)
        if not candidates:
            if sig not in unverified:
                unverified.append(sig)
            continue
        if len(candidates) > 1:
            raise NoteError(f"ambiguous key {sig.name}+{sig.key_id:08x}: several verifiers match")
        if key in seen:
            continue
        seen.add(key)
        if not candidates[0].verify(text, sig.signature):
            raise InvalidSignatureError(sig.name, sig.key_id)
        verified.append(sig)
    note = Note(parsed.text, tuple(verified), tuple(unverified))
    if not verified:
        raise UnverifiedNoteError(note)
    return note


def sign_note(text: str, *signers: Signer, existing: Sequence[NoteSignature] = ()) -> bytes:
    """Sign ``text`` (which must end in a newline) and encode the signed note.

    ``existing`` signatures are kept first, except those by a key that signs
    again here, mirroring Go's ``note.Sign``.
    """
    if not isinstance(text, str):
        raise TypeError("note text is a str")
    if not text.endswith("\n"):
        raise MalformedNoteError("note text must end with a newline")
    body = _as_bytes(text, "note text", MalformedNoteError)
    _check_text(body, "note text", MalformedNoteError)
    if not signers and not existing:
        raise ValueError("a signed note needs at least one signature")
    new: list[NoteSignature] = []
    for s in signers:
        if not is_valid_key_name(s.name):
            raise KeyFormatError(f"invalid signer name: {s.name!r}")
        new.append(NoteSignature(s.name, s.key_id, s.sign(body)))
    replaced = {(sig.name, sig.key_id) for sig in new}
    kept = [sig for sig in existing if (sig.name, sig.key_id) not in replaced]
    for sig in kept:
        if not is_valid_key_name(sig.name):
            raise MalformedNoteError(f"invalid key name in existing signature: {sig.name!r}")
    if len(kept) + len(new) > MAX_SIGNATURES:
        raise MalformedNoteError(f"a note carries at most {MAX_SIGNATURES} signatures")
    return (text + "\n" + "".join(sig.line() for sig in [*kept, *new])).encode("utf-8")


def add_signatures(msg: bytes | str, *signers: Signer) -> bytes:
    """Add (or replace) signatures on an already signed note, keeping the others."""
    parsed = parse_note(msg)
    return sign_note(parsed.text, *signers, existing=parsed.unverified)


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
