"""Helpers for the transparency-log tests: raw events (fast), SQL on either backend, references."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from typing import Any

from eventsourcing.persistence import StoredEvent

from ledger import merkle
from ledger.store import EventStore

ORIGIN = "test.enforcement-ledger.local/log"


def raw_event(i: int, salt: str = "") -> StoredEvent:
    """A stored row the integrator accepts (it only hashes the bytes); version 1 of its own stream."""
    state = b'{"event":{"n":%d,"pad":"%s"},"sig":"AA=="}' % (i, os.urandom(12).hex().encode())
    return StoredEvent(f"raw/{salt}{i}", 1, "Raw", state)


def fill(store: EventStore, n: int, *, salt: str = "", start: int = 0, chunk: int = 500) -> None:
    """Append ``n`` raw events."""
    for first in range(start, start + n, chunk):
        store.recorder.insert_events([raw_event(i, salt) for i in range(first, min(start + n, first + chunk))])


def is_postgres(store: EventStore) -> bool:
    return bool(store.config.postgres_dsn)


def events_table(store: EventStore) -> str:
    table = str(store.recorder.events_table_name)  # type: ignore[attr-defined]
    if is_postgres(store):
        return f'"{store.recorder.datastore.schema}"."{table}"'  # type: ignore[attr-defined]
    return table


def table(store: EventStore, name: str) -> str:
    """A table of the log (``leaves``, ``nodes``...) by its qualified name."""
    if is_postgres(store):
        return f'"{store.recorder.datastore.schema}".translog_{name}'  # type: ignore[attr-defined]
    return f"translog_{name}"


def sql(store: EventStore, statement: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
    """Run one statement (``?`` placeholders; ``{events}``, ``{nid}`` filled in) and commit."""
    pg = is_postgres(store)
    text = statement.format(events=events_table(store), nid="notification_id" if pg else "rowid")
    datastore: Any = store.recorder.datastore  # type: ignore[attr-defined]
    if pg:
        text = text.replace("?", "%s")
        with datastore.get_connection() as conn, conn.transaction():
            cur = conn.execute(text, list(params))
            return [tuple(r.values()) for r in cur.fetchall()] if cur.description else []
    with datastore.transaction(commit=True) as cur:
        cur.execute(text, list(params))
        try:
            return [tuple(r) for r in cur.fetchall()]
        except Exception:
            return []


def delete_notifications(store: EventStore, ids: Sequence[int]) -> None:
    """Delete rows by notification id (to make gaps, or to tamper)."""
    for nid in ids:
        sql(store, "DELETE FROM {events} WHERE {nid} = ?", (nid,))


def notification_ids(store: EventStore) -> list[int]:
    return [n.id for n in store.notifications()]


def reference_leaves(store: EventStore) -> list[bytes]:
    """Leaf hashes of the events as they are now, in notification order."""
    return [merkle.leaf_hash(hashlib.sha256(bytes(n.state)).digest()) for n in store.notifications()]


def reference_tree(store: EventStore) -> merkle.MemoryTree:
    return merkle.MemoryTree(reference_leaves(store))
