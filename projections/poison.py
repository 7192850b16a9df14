"""Events a follower cannot apply: parked (``proj_poison``), counted and shown, never a stall.

The ledger keeps every event it accepted, including ones recorded before a check
existed (a party name holding NUL, which PostgreSQL ``text`` cannot store). A read
model that failed on such an event failed every round from then on, and every event
behind it waited. Instead, the runner *parks* the event: it is left out of the folds
(and out of the per-event registers when its own rows fail), one ``proj_poison`` row
records where it is and why, and the runner goes on. The stored event is untouched;
``verify`` and the audit still see it. Which events are parked is decided by the events
alone (the first event whose addition makes a fold or its rows fail, see
``projections.runner``), so a rebuild parks the same ones and still equals the
incremental run. The audit follower parks a case group it cannot evaluate the same way
(``source = 'audit'``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from projections.sql import Database, Table

__all__ = ["POISON", "CannotApply", "Parked", "check_rows", "count", "latest", "load", "park"]

POISON = Table("proj_poison", (
    ("source", "text"), ("nid", "int"), ("stream", "text"), ("version", "int"), ("type", "text"),
    ("projection", "text"), ("reason", "text"), ("parked_at", "text"),
), ("source", "nid", "stream"), scope=None)
"""One row per parked event (``source`` ``projections``) or case group (``audit``, ``nid`` 0)."""

INT_MIN, INT_MAX = -(2**63), 2**63 - 1
REASON_CHARS = 500


class CannotApply(Exception):
    """A projection (or a fold) cannot turn these events into rows it can store."""

    def __init__(self, projection: str, reason: str) -> None:
        super().__init__(f"{projection}: {reason}")
        self.projection = projection
        self.reason = reason


@dataclass(frozen=True)
class Parked:
    """Where a parked event is and why it was parked."""

    nid: int
    stream: str
    version: int
    type: str
    projection: str
    reason: str
    source: str = "projections"

    def as_json(self) -> dict[str, Any]:
        return {"source": self.source, "position": self.nid, "stream": self.stream, "version": self.version,
                "type": self.type, "projection": self.projection, "reason": self.reason}

    def as_tuple(self) -> tuple[Any, ...]:
        return (self.nid, self.stream, self.version, self.type, self.projection, self.reason, self.source)


def printable(text: str) -> str:
    """``text`` with control characters and lone surrogates escaped, cut short: a reason that can be stored."""
    out = "".join(ch if " " <= ch != "\x7f" and not "\ud800" <= ch <= "\udfff" else f"\\x{ord(ch):02x}"
                  for ch in text[:REASON_CHARS])
    return out + ("…" if len(text) > REASON_CHARS else "")


def _bad(value: Any) -> str | None:
    """Why ``value`` cannot be stored in a ``text``/``int`` column (both dialects), or None."""
    kind = type(value)
    if kind is str:
        return "文本含 NUL 字符 (PostgreSQL text 不能存储)" if "\x00" in value else None
    if kind is int:
        return None if INT_MIN <= value <= INT_MAX else "整数超出 64 位范围"
    if kind in (list, tuple):
        for item in value:
            inner = type(item)  # scalars inline: the facts a statistics row carries are lists of them
            if inner is str:
                if "\x00" not in item:
                    continue
            elif inner is int:
                if INT_MIN <= item <= INT_MAX:
                    continue
            elif item is None:
                continue
            found = _bad(item)
            if found is not None:
                return found
    return None


def check_rows(projection: str, rows: Mapping[str, Sequence[Sequence[Any]]]) -> None:
    """Raise :class:`CannotApply` when a value of ``rows`` cannot be stored (checked before any SQL,
    so SQLite and PostgreSQL park the same events)."""
    for table, items in rows.items():
        for row in items:
            for value in row:
                kind = type(value)
                if kind is str:
                    if "\x00" not in value:
                        continue  # the common cases first, inline: this runs for every value a rebuild writes
                elif kind is int:
                    if INT_MIN <= value <= INT_MAX:
                        continue
                elif value is None:
                    continue
                found = _bad(value)
                if found is not None:
                    raise CannotApply(projection, f"{table}: {found}")


def load(db: Database, source: str = "projections") -> set[int]:
    """The positions of the events parked so far."""
    return {int(r[0]) for r in db.all(f"SELECT nid FROM {db.qualify(POISON.name)} WHERE source = ?", (source,))}


def park(db: Database, cur: Any, found: Iterable[Parked]) -> None:
    """Record parked events inside the caller's transaction (once each)."""
    now = datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    rows = [(p.source, p.nid, p.stream, p.version, p.type, p.projection, printable(p.reason), now)
            for p in found]
    db.insert(cur, db.qualify(POISON.name), POISON, rows)


def count(db: Database) -> int:
    rows = db.all(f"SELECT COUNT(*) FROM {db.qualify(POISON.name)}")
    return int(rows[0][0]) if rows else 0


def latest(db: Database, limit: int = 10) -> list[Parked]:
    """The first ``limit`` parked events, in log order (audit groups last)."""
    rows = db.all(f"SELECT source, nid, stream, version, type, projection, reason FROM {db.qualify(POISON.name)} "
                  "ORDER BY source DESC, nid, stream LIMIT ?", (limit,))
    return [Parked(int(nid), str(stream), int(version or 0), str(kind or ""), str(projection or ""), str(reason or ""),
                   str(source)) for source, nid, stream, version, kind, projection, reason in rows]
