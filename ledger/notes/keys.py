"""Signers and verifiers (Ed25519 notes, cosignature/v1) and the vkey/skey text formats."""

from __future__ import annotations

import struct
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

import nacl.exceptions
import nacl.signing

from ledger.notes.base import (
    _HEX8,
    _MAX_TIMESTAMP,
    _SKEY_PREFIX,
    COSIGNATURE_V1_HEADER,
    SIG_TYPE_COSIGNATURE_V1,
    SIG_TYPE_ED25519,
    CheckpointError,
    KeyFormatError,
    _as_bytes,
    _b64,
    _unb64,
    encode_vkey,
    is_valid_key_name,
    key_id,
    witness_key_id,
)

__all__ = [
    "CosignatureSigner",
    "CosignatureVerifier",
    "Ed25519Signer",
    "Ed25519Verifier",
    "Signer",
    "Verifier",
    "cosignature_message",
    "parse_skey",
    "parse_vkey",
]

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

