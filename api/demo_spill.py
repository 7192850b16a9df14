"""A streamed demo's steps and documents on disk, in recording order (``demo.StepSink``).

Why: a demo of tens of thousands of cases is about a million steps, and ``DemoData.segments()``
orders them across every stream by time, which needs them all at once. Held as Python objects that
is gigabytes; here each stream's steps go, as the generator hands them over, into a SQLite file in a
temporary directory (one JSON line each, with its sort key), and are read back sorted — the same
order ``segments()`` gives (segment, then time, then the stream's place, then its own order) — so
the demo command holds only the light facts of each case whatever its size.
"""

from __future__ import annotations

import sqlite3
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from types import TracebackType

import orjson

from demo import DemoFile
from demo.model import CASES, REGISTRY, Raw

_SCHEMA = """
CREATE TABLE steps (seg INTEGER, at TEXT, grp INTEGER, key TEXT, i INTEGER, line BLOB);
CREATE TABLE documents (sha256 TEXT PRIMARY KEY, agency TEXT, media_type TEXT, content BLOB);
"""
_REGISTRY, _BACKFILL, _LIVE = 0, 1, 2


class SpillSink:
    """Steps and documents of one demo run, in a temporary SQLite file removed on ``close``.
    ``documents``: keep the documents (False drops them: the caller stores none). ``generated``: called
    with the number of steps generated so far, now and then."""

    def __init__(self, *, documents: bool = True, generated: Callable[[int], None] | None = None) -> None:
        self._dir = tempfile.TemporaryDirectory(prefix="enforcement-demo-")
        self.db = sqlite3.connect(Path(self._dir.name) / "demo.sqlite", isolation_level=None)
        for pragma in ("journal_mode=OFF", "synchronous=OFF", "cache_size=-16384", "temp_store=FILE"):
            self.db.execute(f"PRAGMA {pragma}")
        self.db.executescript(_SCHEMA)
        self.db.execute("BEGIN")
        self.keep_documents = documents
        self.generated = generated
        self.count = 0
        self._reported = 0

    # -- demo.StepSink ----------------------------------------------------------------------------

    def steps(self, backfill: bool, group: int, key: str, steps: Sequence[Raw], start: int = 0) -> None:
        seg = _REGISTRY if group == REGISTRY else _BACKFILL if backfill else _LIVE
        self.db.executemany("INSERT INTO steps VALUES (?, ?, ?, ?, ?, ?)", [
            (seg, "" if seg == _REGISTRY else step["at"], group, key, start + i, orjson.dumps(step))
            for i, step in enumerate(steps)])
        self.count += len(steps)
        if self.generated is not None and self.count - self._reported >= 5000:
            self._reported = self.count
            self.generated(self.count)

    def documents(self, files: Mapping[str, DemoFile]) -> None:
        if self.keep_documents and files:
            self.db.executemany("INSERT OR REPLACE INTO documents VALUES (?, ?, ?, ?)",
                                [(f.sha256, f.agency, f.media_type, f.content) for f in files.values()])

    # -- reading back -----------------------------------------------------------------------------

    def segments(self) -> Iterator[tuple[bool, Iterator[Raw]]]:
        """(backfill, steps) of each non-empty segment in recording order: registry, 补录, live."""
        self._commit()
        for seg in (_REGISTRY, _BACKFILL, _LIVE):
            if self.db.execute("SELECT 1 FROM steps WHERE seg = ? LIMIT 1", (seg,)).fetchone():
                yield seg == _BACKFILL, self._read(seg)

    def _read(self, seg: int) -> Iterator[Raw]:
        cursor = self.db.execute("SELECT line FROM steps WHERE seg = ? ORDER BY at, grp, key, i", (seg,))
        while rows := cursor.fetchmany(2000):
            for (line,) in rows:
                yield orjson.loads(line)

    def first_steps(self, suffix: str) -> list[Raw]:
        """The first step of each case stream whose name ends with ``suffix``, by stream."""
        self._commit()
        rows = self.db.execute("SELECT line FROM steps WHERE grp = ? AND i = 0 AND key LIKE ? ORDER BY key",
                               (CASES, f"%{suffix}"))
        return [orjson.loads(line) for (line,) in rows]

    def stored_documents(self) -> Iterator[DemoFile]:
        self._commit()
        cursor = self.db.execute("SELECT sha256, agency, media_type, content FROM documents ORDER BY rowid")
        while rows := cursor.fetchmany(500):
            for sha256, agency, media_type, content in rows:
                yield DemoFile(sha256, agency, media_type, content)

    def _commit(self) -> None:
        if self.db.in_transaction:
            self.db.execute("COMMIT")

    def close(self) -> None:
        self.db.close()
        self._dir.cleanup()

    def __enter__(self) -> SpillSink:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()
