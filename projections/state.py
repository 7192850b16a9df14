"""The projections' own bookkeeping: ``proj_state`` (events applied, schema digest, when rebuilt),
``proj_links`` (which case a 复议 or lawsuit targets), their creation and upgrade (:func:`ensure`),
the swap of a finished rebuild, and each projection's status and the parked events."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ledger.store import EventStore
from projections import poison
from projections.definitions import ALL, Projection
from projections.poison import Parked
from projections.sql import Database, Table

__all__ = ["REBUILD", "ProjectionStatus", "ensure", "parked", "schema_of", "status", "swap_in", "tracking_name"]

REBUILD = ":rebuild"

_STATE = Table("proj_state", (("name", "text"), ("events", "int"), ("schema", "text"), ("updated_at", "text"),
                              ("rebuilt_at", "text")), ("name",), scope="custom")
_LINKS = Table("proj_links", (("stream", "text"), ("grp", "text"), ("nid", "int")), ("stream",), scope="custom",
               indexes=(("grp",),))


def tracking_name(name: str) -> str:
    """The eventsourcing ``Tracking`` application name of a projection."""
    return f"projection:{name}"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def schema_of(projection: Projection) -> str:
    """A digest of a projection's table definitions: a change means its tables are rebuilt."""
    text = repr([(t.name, t.columns, t.key, t.scope, t.indexes) + (() if t.clustered else ("rowid",))
                 for t in projection.tables])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


# --------------------------------------------------------------------------- setup


def ensure(db: Database, projections: Iterable[Projection] = ALL) -> list[str]:
    """Create the shared tables and every projection's tables; returns the projections reset.

    A projection whose stored table definitions differ from the code's (an upgrade)
    is dropped and starts again from zero; ``projections run`` then rebuilds it.
    """
    reset: list[str] = []
    with db.ddl_lock() as cur:
        db.create(cur, _STATE)
        db.create(cur, _LINKS)
        db.create(cur, poison.POISON)
        cur.execute(db.q(f"SELECT name, schema FROM {db.qualify('proj_state')}"))
        stored = {str(n): str(s) for n, s in cur.fetchall()}
        for projection in projections:
            digest = schema_of(projection)
            if stored.get(projection.name) == digest:
                for table in projection.tables:
                    db.create(cur, table)
                continue
            for table in projection.tables:
                db.drop(cur, table)
                db.create(cur, table)
            db.untrack(cur, tracking_name(projection.name))
            _set_state(db, cur, projection.name, 0, digest)
            if projection.name in stored:
                reset.append(projection.name)
    return reset


def _set_state(db: Database, cur: Any, name: str, events: int, schema: str, rebuilt: str | None = None) -> None:
    table = db.qualify("proj_state")
    cur.execute(db.q(f"DELETE FROM {table} WHERE name = ?"), (name,))
    cur.execute(db.q(f"INSERT INTO {table} (name, events, schema, updated_at, rebuilt_at) VALUES (?, ?, ?, ?, ?)"),
                (name, events, schema, _now(), rebuilt))



def swap_in(db: Database, cur: Any, projections: Sequence[Projection], position: int) -> dict[str, int]:
    """Swap a caught-up rebuild's ``__next`` tables in (in the caller's transaction, under the lock):
    tracking and state move from the rebuild's names to the live ones. Returns the events applied."""
    state_table = db.qualify("proj_state")
    done: dict[str, int] = {}
    for projection in projections:
        for table in projection.tables:
            db.swap(cur, table)
        live, next_name = projection.name, projection.name + REBUILD
        cur.execute(db.q(f"SELECT events FROM {state_table} WHERE name = ?"), (next_name,))
        row = cur.fetchone()
        events = int(row[0]) if row and row[0] is not None else 0
        db.untrack(cur, tracking_name(live))
        if position:
            db.track(cur, tracking_name(live), position)
        db.untrack(cur, tracking_name(next_name))
        _set_state(db, cur, live, events, schema_of(projection), rebuilt=_now())
        cur.execute(db.q(f"DELETE FROM {state_table} WHERE name = ?"), (next_name,))
        done[live] = events
    return done

    return done


# --------------------------------------------------------------------------- status


@dataclass(frozen=True)
class ProjectionStatus:
    """Where a projection stands: events applied (its position in the log) and the lag behind the head."""

    name: str
    title: str
    position: int
    lag: int
    updated_at: str | None
    rebuilt_at: str | None
    rebuilding: int | None

    def as_json(self) -> dict[str, Any]:
        return {"name": self.name, "title": self.title, "position": self.position, "lag": self.lag,
                "updated_at": self.updated_at, "rebuilt_at": self.rebuilt_at, "rebuilding": self.rebuilding}


def status(store: EventStore, projections: Sequence[Projection] = ALL) -> list[ProjectionStatus]:
    """Each projection's position (events applied) and lag (events not yet applied)."""
    db = Database(store)
    try:
        return _status(db, projections)
    finally:
        db.close()


def _status(db: Database, projections: Sequence[Projection]) -> list[ProjectionStatus]:
    if not db.exists("proj_state"):
        ensure(db, projections)
    states = {str(r[0]): r for r in db.all(f"SELECT name, events, updated_at, rebuilt_at FROM "
                                           f"{db.qualify('proj_state')}")}
    out = []
    with db.read() as cur:
        tracked = {p.name: db.tracked(cur, tracking_name(p.name)) for p in projections}
    for projection in projections:
        row = states.get(projection.name)
        rebuilding = states.get(projection.name + REBUILD)
        out.append(ProjectionStatus(
            name=projection.name, title=projection.title, position=int(row[1]) if row else 0,
            lag=db.count_after(tracked[projection.name]),
            updated_at=str(row[2]) if row and row[2] else None, rebuilt_at=str(row[3]) if row and row[3] else None,
            rebuilding=int(rebuilding[1]) if rebuilding else None,
        ))
    return out


def parked(store: EventStore, limit: int = 10) -> tuple[int, list[Parked]]:
    """How many events (and audit case groups) are parked, and the first ``limit`` of them."""
    db = Database(store)
    try:
        if not db.exists(poison.POISON.name):
            return 0, []
        return poison.count(db), poison.latest(db, limit)
    finally:
        db.close()
