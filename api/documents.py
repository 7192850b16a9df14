"""The content-addressed document store: the files steps reference by hash.

Steps never embed a document (笔录, 决定书, AV records); they reference it as
``{"sha256", "bytes", "media_type", "name"}``. The bytes live here, under
``<data>/documents``, one file per SHA-256: ``documents/ab/cd/abcd…`` (two levels of
two hex digits keep directories small). Beside each file, ``<sha256>.json`` says who
brought it: the media type given on upload, the identities that uploaded it and
their agencies, which is what lets the HTTP service decide who may read it back
before a case-file index says which cases reference it.

Writes go to ``documents/tmp`` first, are hashed while written and moved into place
only when the hash is the one announced, so a file under its name always has that
hash. Uploading the same content again is harmless (the uploader is added to the
sidecar). Size is capped by ``LEDGER_MAX_DOCUMENT_BYTES``.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

import orjson

SHA256_HEX = re.compile(r"[0-9a-f]{64}")
DEFAULT_MEDIA_TYPE = "application/octet-stream"
_MEDIA_TYPE = re.compile(r"[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}")


class DocumentError(Exception):
    """A document that cannot be stored or found (the message says why)."""


class DocumentTooLarge(DocumentError):
    def __init__(self, limit: int) -> None:
        self.limit = limit
        super().__init__(f"文件超过大小上限 {limit} 字节 (LEDGER_MAX_DOCUMENT_BYTES)")


class HashMismatch(DocumentError):
    def __init__(self, announced: str, actual: str) -> None:
        self.announced, self.actual = announced, actual
        super().__init__(f"内容的 SHA-256 是 {actual}, 不是地址中的 {announced}")


@dataclass
class DocumentMeta:
    """The sidecar of one stored document."""

    sha256: str
    bytes: int
    media_type: str
    stored_at: str
    uploaders: list[str] = field(default_factory=list)
    agencies: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {"sha256": self.sha256, "bytes": self.bytes, "media_type": self.media_type,
                "stored_at": self.stored_at, "uploaders": list(self.uploaders), "agencies": list(self.agencies)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> DocumentMeta:
        return cls(str(data["sha256"]), int(data["bytes"]), str(data["media_type"]), str(data["stored_at"]),
                   [str(u) for u in data.get("uploaders", [])], [str(a) for a in data.get("agencies", [])])

    def reference(self, name: str) -> dict[str, Any]:
        """The reference a step puts in its data (steps.md)."""
        return {"sha256": self.sha256, "bytes": self.bytes, "media_type": self.media_type, "name": name}


def check_sha256(text: str) -> str:
    if not SHA256_HEX.fullmatch(text):
        raise DocumentError(f"应为 64 位小写十六进制的 SHA-256: {text!r}")
    return text


def clean_media_type(value: str | None) -> str:
    """The media type of a ``Content-Type`` header, without parameters; a safe default otherwise."""
    if not value:
        return DEFAULT_MEDIA_TYPE
    base = value.split(";", 1)[0].strip().lower()
    return base if _MEDIA_TYPE.fullmatch(base) else DEFAULT_MEDIA_TYPE


class Upload:
    """One upload in progress: write chunks, then :meth:`DocumentStore.finish` it."""

    def __init__(self, store: DocumentStore, announced: str | None) -> None:
        self.store = store
        self.announced = announced
        self.size = 0
        self._hash = hashlib.sha256()
        store.tmp.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=store.tmp, prefix="up-")
        self.path = Path(name)
        self._file: IO[bytes] = os.fdopen(fd, "wb")

    def write(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if self.size > self.store.max_bytes:
            raise DocumentTooLarge(self.store.max_bytes)
        self._hash.update(chunk)
        self._file.write(chunk)

    @property
    def sha256(self) -> str:
        return self._hash.hexdigest()

    def discard(self) -> None:
        if not self._file.closed:
            self._file.close()
        with suppress(FileNotFoundError):
            self.path.unlink()


class DocumentStore:
    """Files by SHA-256 under ``root`` (``<data>/documents``)."""

    def __init__(self, root: Path, *, max_bytes: int) -> None:
        self.root = root
        self.max_bytes = max_bytes
        self.tmp = root / "tmp"

    def path(self, sha256: str) -> Path:
        check_sha256(sha256)
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def _meta_path(self, sha256: str) -> Path:
        return self.path(sha256).with_suffix(".json")

    def exists(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def meta(self, sha256: str) -> DocumentMeta | None:
        try:
            return DocumentMeta.from_json(orjson.loads(self._meta_path(sha256).read_bytes()))
        except FileNotFoundError:
            return None

    def begin(self, announced: str | None = None) -> Upload:
        if announced is not None:
            check_sha256(announced)
        return Upload(self, announced)

    def finish(self, upload: Upload, *, media_type: str | None, uploader: str,
               agency: str | None, sync: bool = True) -> tuple[DocumentMeta, bool]:
        """Check the hash, move the file into place; (sidecar, whether it is new). ``sync=False``
        skips the fsync, for a bulk load that syncs once at its end (the demo's documents)."""
        try:
            upload._file.flush()
            if sync:
                os.fsync(upload._file.fileno())
            upload._file.close()
            actual = upload.sha256
            if upload.announced is not None and actual != upload.announced:
                raise HashMismatch(upload.announced, actual)
            target = self.path(actual)
            target.parent.mkdir(parents=True, exist_ok=True)
            with self._locked(actual):
                created = not target.exists()
                if created:
                    os.replace(upload.path, target)
                meta = self.meta(actual) or DocumentMeta(
                    actual, upload.size, clean_media_type(media_type),
                    datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
                )
                if uploader not in meta.uploaders:
                    meta.uploaders.append(uploader)
                if agency is not None and agency not in meta.agencies:
                    meta.agencies.append(agency)
                _write_atomic(self._meta_path(actual), orjson.dumps(meta.as_json(), option=orjson.OPT_INDENT_2))
            return meta, created
        finally:
            upload.discard()

    def add_bytes(self, data: bytes, *, media_type: str | None, uploader: str, agency: str | None,
                  sync: bool = True) -> tuple[DocumentMeta, bool]:
        upload = self.begin()
        try:
            upload.write(data)
        except BaseException:
            upload.discard()
            raise
        return self.finish(upload, media_type=media_type, uploader=uploader, agency=agency, sync=sync)

    def add_file(self, source: Path, *, media_type: str | None, uploader: str,
                 agency: str | None) -> tuple[DocumentMeta, bool]:
        upload = self.begin()
        try:
            with open(source, "rb") as handle:
                while chunk := handle.read(1 << 20):
                    upload.write(chunk)
        except BaseException:
            upload.discard()
            raise
        return self.finish(upload, media_type=media_type, uploader=uploader, agency=agency)

    @contextmanager
    def _locked(self, sha256: str) -> Iterator[None]:
        lock_path = self.path(sha256).with_suffix(".lock")
        with open(lock_path, "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
