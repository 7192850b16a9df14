"""Ed25519 keys: identifiers, signing, verifying, and the encrypted key store.

Signing and verifying go through PyNaCl (libsodium): its verification releases the GIL,
so threads verify in parallel; its signing does not, so large batches sign in a helper
process (``ledger.signer_process``). The key store is one file encrypted with AES-256-GCM
under a key derived from the passphrase with scrypt (both from ``cryptography``).
"""

from __future__ import annotations

import base64
import fcntl
import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import nacl.bindings
import nacl.exceptions
import nacl.signing
import orjson
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt


class KeyStoreError(Exception):
    """The key store cannot be opened or does not hold the key asked for."""


def key_id(public_key: bytes) -> str:
    """A short, stable name for a public key: the first 8 bytes of its SHA-256, in hex."""
    return hashlib.sha256(public_key).digest()[:8].hex()


def verify(public_key: bytes, message: bytes, signature: bytes) -> bool:
    """Ed25519 verification; never raises for a bad signature or key."""
    if len(signature) != 64 or len(public_key) != 32:
        return False
    try:
        nacl.bindings.crypto_sign_open(signature + message, public_key)
    except (nacl.exceptions.BadSignatureError, nacl.exceptions.ValueError, ValueError):
        return False
    return True


class SigningKey:
    """A private key in memory, with the identifiers the envelope needs (computed once)."""

    __slots__ = ("_nacl", "_secret", "key_id", "public_key", "seed")

    def __init__(self, seed: bytes) -> None:
        self.seed = seed
        self._nacl = nacl.signing.SigningKey(seed)
        self._secret = self._nacl._signing_key  # libsodium's 64-byte secret key
        self.public_key = bytes(self._nacl.verify_key)
        self.key_id = key_id(self.public_key)

    @classmethod
    def generate(cls) -> SigningKey:
        return cls(os.urandom(32))

    def sign(self, message: bytes) -> bytes:
        # libsodium directly: PyNaCl's SignedMessage wrapper costs more than a tenth of the signing.
        return bytes(nacl.bindings.crypto_sign(message, self._secret)[:64])


SCRYPT_N = 2**15
MIN_SCRYPT_N = 2**10


def default_work_factor() -> int:
    """scrypt's N for a new key store: ``LEDGER_SCRYPT_N`` (a power of two, at least 2**10) or 2**15.

    A store keeps its N in its header, so the setting never touches a store already made; the
    test suite lowers it because a 2**15 derivation per ``init`` was a fifth of its time.
    """
    text = os.environ.get("LEDGER_SCRYPT_N", "").strip()
    if not text:
        return SCRYPT_N
    n = int(text) if text.isdigit() else 0
    if n < MIN_SCRYPT_N or n & (n - 1):
        raise KeyStoreError(f"LEDGER_SCRYPT_N 须为不小于 {MIN_SCRYPT_N} 的 2 的幂，而不是 {text!r}")
    return n


def _derive(passphrase: str, salt: bytes, n: int) -> bytes:
    return Scrypt(salt=salt, length=32, n=n, r=8, p=1).derive(passphrase.encode("utf-8"))


class KeyStore:
    """The private keys the server keeps, one encrypted file; loaded keys stay in memory.

    Each seed is sealed with AES-256-GCM (its identity as associated data) under a key
    derived from the passphrase with scrypt; the header (salt, work factor, a check value)
    says how. Storage is three methods (:meth:`_read_header`, :meth:`_read_entry`,
    :meth:`_write_entry`): ``ledger.keys_db.DbKeyStore`` keeps the same sealed entries in
    the ledger's database instead, so every node of one ledger holds the same keys.
    """

    def __init__(self, path: Path, passphrase: str) -> None:
        self.path = path
        self._passphrase = passphrase
        self._cache: dict[str, SigningKey] = {}
        self._aes: AESGCM | None = None

    @classmethod
    def create(cls, path: Path, passphrase: str, *, work_factor: int | None = None) -> KeyStore:
        if path.exists():
            raise KeyStoreError(f"密钥库已存在: {path}")
        doc = {**new_header(passphrase, work_factor), "keys": {}}
        path.parent.mkdir(parents=True, exist_ok=True)
        write_private(path, orjson.dumps(doc, option=orjson.OPT_INDENT_2))
        return cls(path, passphrase)

    # -- storage (the file; DbKeyStore overrides these three) ----------------------------

    def _read_header(self) -> dict[str, Any]:
        return self._load()

    def _read_entry(self, kid: str) -> dict[str, Any] | None:
        entry: dict[str, Any] | None = self._load()["keys"].get(kid)
        return entry

    def _write_entry(self, kid: str, entry: dict[str, Any]) -> None:
        with self._locked() as doc:
            doc["keys"][kid] = entry

    def entries(self) -> dict[str, dict[str, Any]]:
        """Every sealed entry by key id (for a migration into another store)."""
        keys: dict[str, dict[str, Any]] = self._load()["keys"]
        return keys

    def _load(self) -> dict[str, Any]:
        try:
            doc: dict[str, Any] = orjson.loads(self.path.read_bytes())
        except FileNotFoundError as exc:
            raise KeyStoreError(f"找不到密钥库: {self.path} (先运行 init)") from exc
        return doc

    @contextmanager
    def _locked(self) -> Iterator[dict[str, Any]]:
        with open(self.path.with_suffix(".lock"), "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                doc = self._load()
                yield doc
                write_private(self.path, orjson.dumps(doc, option=orjson.OPT_INDENT_2))
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    # -- keys ------------------------------------------------------------------------------

    def _cipher(self) -> AESGCM:
        """The passphrase's AES key, checked against the header once per process."""
        if self._aes is None:
            self._aes = open_header(self._read_header(), self._passphrase)
        return self._aes

    def add(self, identity: str, key: SigningKey) -> str:
        """Keep a private key for an identity; returns its key id."""
        self._write_entry(key.key_id, seal(self._cipher(), identity, key))
        self._cache[key.key_id] = key
        return key.key_id

    def generate(self, identity: str) -> SigningKey:
        key = SigningKey.generate()
        self.add(identity, key)
        return key

    def get(self, kid: str) -> SigningKey:
        if kid in self._cache:
            return self._cache[kid]
        aes = self._cipher()
        entry = self._read_entry(kid)
        if entry is None:
            raise KeyStoreError(f"服务器未保管密钥 {kid}")
        key = unseal(aes, entry)
        self._cache[kid] = key
        return key

    def holds(self, kid: str) -> bool:
        if kid in self._cache:
            return True
        self._cipher()
        return self._read_entry(kid) is not None


def new_header(passphrase: str, work_factor: int | None = None) -> dict[str, Any]:
    """A fresh key-store header: scrypt parameters with a random salt, and a check value."""
    if not passphrase:
        raise KeyStoreError("密钥库口令为空 (LEDGER_KEY_PASSPHRASE)")
    if work_factor is None:
        work_factor = default_work_factor()
    salt = os.urandom(16)
    aes = AESGCM(_derive(passphrase, salt, work_factor))
    check_nonce = os.urandom(12)
    return {
        "format": 1,
        "kdf": {"name": "scrypt", "salt": _b64(salt), "n": work_factor, "r": 8, "p": 1},
        "check": {"nonce": _b64(check_nonce), "ct": _b64(aes.encrypt(check_nonce, b"ok", None))},
    }


def open_header(header: dict[str, Any], passphrase: str) -> AESGCM:
    """The AES key a header and the passphrase give; a wrong passphrase is a KeyStoreError."""
    kdf = header["kdf"]
    aes = AESGCM(_derive(passphrase, _unb64(kdf["salt"]), int(kdf["n"])))
    try:
        aes.decrypt(_unb64(header["check"]["nonce"]), _unb64(header["check"]["ct"]), None)
    except InvalidTag as exc:
        raise KeyStoreError("密钥库口令错误 (LEDGER_KEY_PASSPHRASE)") from exc
    return aes


def seal(aes: AESGCM, identity: str, key: SigningKey) -> dict[str, Any]:
    """One stored entry: the seed encrypted, bound to its identity."""
    nonce = os.urandom(12)
    return {
        "identity": identity,
        "public_key": _b64(key.public_key),
        "nonce": _b64(nonce),
        "ct": _b64(aes.encrypt(nonce, key.seed, identity.encode("utf-8"))),
    }


def unseal(aes: AESGCM, entry: dict[str, Any]) -> SigningKey:
    """The key of a stored entry (InvalidTag, as a KeyStoreError, when it was altered)."""
    try:
        seed = aes.decrypt(_unb64(entry["nonce"]), _unb64(entry["ct"]), str(entry["identity"]).encode("utf-8"))
    except InvalidTag as exc:
        raise KeyStoreError(f"密钥 {entry.get('public_key')} 无法解密 (密钥库被改动或口令不同)") from exc
    return SigningKey(seed)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text, validate=True)


def write_private(path: Path, data: bytes) -> None:
    """Replace a file atomically with owner-only permissions (keys, witness state)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)
