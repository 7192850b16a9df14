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


_SCRYPT_N = 2**15


def _derive(passphrase: str, salt: bytes, n: int) -> bytes:
    return Scrypt(salt=salt, length=32, n=n, r=8, p=1).derive(passphrase.encode("utf-8"))


class KeyStore:
    """The private keys the server keeps, one encrypted file; loaded keys stay in memory."""

    def __init__(self, path: Path, passphrase: str) -> None:
        self.path = path
        self._passphrase = passphrase
        self._cache: dict[str, SigningKey] = {}
        self._aes: AESGCM | None = None

    @classmethod
    def create(cls, path: Path, passphrase: str, *, work_factor: int = _SCRYPT_N) -> KeyStore:
        if path.exists():
            raise KeyStoreError(f"密钥库已存在: {path}")
        if not passphrase:
            raise KeyStoreError("密钥库口令为空 (LEDGER_KEY_PASSPHRASE)")
        salt = os.urandom(16)
        aes = AESGCM(_derive(passphrase, salt, work_factor))
        check_nonce = os.urandom(12)
        doc = {
            "format": 1,
            "kdf": {"name": "scrypt", "salt": _b64(salt), "n": work_factor, "r": 8, "p": 1},
            "check": {"nonce": _b64(check_nonce), "ct": _b64(aes.encrypt(check_nonce, b"ok", None))},
            "keys": {},
        }
        path.parent.mkdir(parents=True, exist_ok=True)
        write_private(path, orjson.dumps(doc, option=orjson.OPT_INDENT_2))
        return cls(path, passphrase)

    def _load(self) -> dict[str, Any]:
        try:
            doc: dict[str, Any] = orjson.loads(self.path.read_bytes())
        except FileNotFoundError as exc:
            raise KeyStoreError(f"找不到密钥库: {self.path} (先运行 init)") from exc
        if self._aes is None:
            kdf = doc["kdf"]
            aes = AESGCM(_derive(self._passphrase, _unb64(kdf["salt"]), int(kdf["n"])))
            try:
                aes.decrypt(_unb64(doc["check"]["nonce"]), _unb64(doc["check"]["ct"]), None)
            except InvalidTag as exc:
                raise KeyStoreError("密钥库口令错误 (LEDGER_KEY_PASSPHRASE)") from exc
            self._aes = aes
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

    def add(self, identity: str, key: SigningKey) -> str:
        """Keep a private key for an identity; returns its key id."""
        with self._locked() as doc:
            assert self._aes is not None
            nonce = os.urandom(12)
            kid = key.key_id
            doc["keys"][kid] = {
                "identity": identity,
                "public_key": _b64(key.public_key),
                "nonce": _b64(nonce),
                "ct": _b64(self._aes.encrypt(nonce, key.seed, identity.encode("utf-8"))),
            }
        self._cache[kid] = key
        return kid

    def generate(self, identity: str) -> SigningKey:
        key = SigningKey.generate()
        self.add(identity, key)
        return key

    def get(self, kid: str) -> SigningKey:
        if kid in self._cache:
            return self._cache[kid]
        doc = self._load()
        entry = doc["keys"].get(kid)
        if entry is None:
            raise KeyStoreError(f"服务器未保管密钥 {kid}")
        assert self._aes is not None
        seed = self._aes.decrypt(
            _unb64(entry["nonce"]), _unb64(entry["ct"]), entry["identity"].encode("utf-8")
        )
        key = SigningKey(seed)
        self._cache[kid] = key
        return key

    def holds(self, kid: str) -> bool:
        return kid in self._cache or kid in self._load()["keys"]


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
