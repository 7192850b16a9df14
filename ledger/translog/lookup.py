"""What a draw's beacon asks of this ledger's log (``domain.beacon.CheckpointLog``), read from its tables.

Why not a :class:`~ledger.translog.TransparencyLog`: the INS-02 gate asks inside the append
transaction, where opening the log (which may create eventsourcing's tracking table) would wait
for the lock the transaction holds; and the audit's forked workers read over a cursor of their own.
So this reads the stored checkpoints and leaves with whatever cursor the caller gives: the append
transaction's own (SQLite), else a read of the store's pool. A ledger that keeps no log answers
None to every question: no checkpoint, nothing integrated.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from typing import Any

from ledger.database import Database

__all__ = ["LogLookup", "leaf_position"]

Cursors = Callable[[], AbstractContextManager[Any]]
"""A cursor to read with, for one question."""


def leaf_position(notification_at: Callable[[int], int | None], size: int, notification_id: int) -> int | None:
    """The position of a notification's leaf among ``size`` leaves (``notification_at(position)``
    reads one leaf's notification id), or None. Positions and notification ids grow together, and a
    position is below its notification id (ids start at 1, with gaps), so this is a binary search
    (no index on notification ids to slow appends)."""
    low, high = 0, min(size, max(notification_id, 0))
    while low < high:
        mid = (low + high) // 2
        nid = notification_at(mid)
        if nid is None:
            return None
        if nid == notification_id:
            return mid
        if nid < notification_id:
            low = mid + 1
        else:
            high = mid
    return None


class LogLookup:
    """This ledger's signed checkpoints and the leaf index of an event, from the log's tables."""

    def __init__(self, db: Database, cursors: Cursors | None = None) -> None:
        self._db = db
        self._cursors = cursors or db.read
        self._names = {"checkpoints": db.qualify("translog_checkpoints"), "leaves": db.qualify("translog_leaves"),
                       "events": db.events, "nid": db.nid}

    @contextmanager
    def _reading(self) -> Iterator[Callable[[str, Sequence[Any]], Any | None] | None]:
        """``one(sql, params)``: the first column of the first row (None when there is none); None
        instead when the ledger keeps no log."""
        with self._cursors() as cur:
            if not self._db.table_exists(cur, "translog_checkpoints"):
                yield None
                return

            def one(sql: str, params: Sequence[Any]) -> Any | None:
                cur.execute(self._db.placeholders(sql.format(**self._names)), tuple(params))
                row = cur.fetchone()
                return None if row is None else row[0]

            yield one

    def checkpoint_root(self, tree_size: int) -> str | None:
        with self._reading() as one:
            root = one("SELECT root_hash FROM {checkpoints} WHERE tree_size = ?", (tree_size,)) if one else None
        return None if root is None else bytes(root).hex()

    def first_checkpoint(self, leaves: int) -> int | None:
        with self._reading() as one:
            size = one("SELECT MIN(tree_size) FROM {checkpoints} WHERE tree_size >= ?", (leaves,)) if one else None
        return None if size is None else int(size)

    def leaf_index(self, stream: str, version: int) -> int | None:
        with self._reading() as one:
            if one is None:
                return None
            nid = one("SELECT {nid} FROM {events} WHERE originator_id = ? AND originator_version = ?",
                      (stream, version))
            last = one("SELECT MAX(position) FROM {leaves}", ())
            if nid is None or last is None:
                return None

            def notification_at(position: int) -> int | None:
                found = one("SELECT notification_id FROM {leaves} WHERE position = ?", (position,))
                return None if found is None else int(found)

            return leaf_position(notification_at, int(last) + 1, int(nid))
