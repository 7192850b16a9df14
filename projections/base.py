"""The shape every read model shares: a projection (its tables) and what a runner hands it.

Why apart from :mod:`projections.definitions`: the projections of each kind of file (cases in
``definitions``, licences in ``licence_tables``, complaints in ``complaint_tables``) all derive
from :class:`Projection`, and ``definitions`` lists them all (``ALL``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Any, Final

from domain.calendar import SHANGHAI, WorkingCalendar
from domain.config import Config
from domain.extensions import JudgedExtension
from domain.frozen import quick_init
from projections.casefile.model import CatalogueEntry, Deadline, TimelineEntry
from projections.groups import Folded
from projections.sql import Database, Table

__all__ = [
    "CATALOGUE_KEYS",
    "DEADLINE_COLUMNS",
    "Context",
    "Event",
    "Projection",
    "Rows",
    "catalogue_document",
    "catalogue_rows",
    "day_iso",
    "deadline_rows",
    "flag",
    "iso",
    "judged_extensions",
    "on",
    "timeline_document",
]

Rows = dict[str, list[tuple[Any, ...]]]

T, N = "text", "int"

DEADLINE_COLUMNS: Final = (
    ("grp", T), ("stream", T), ("key", T), ("rule", T), ("title", T), ("agency", T), ("start_on", T),
    ("due_on", T), ("provisional", N), ("known_until", T), ("done_on", T), ("holder", T),
)
"""The columns of every deadline table (``proj_deadlines`` and those of licences and complaints): the
state of a deadline is computed when read (``projections.queries``), never stored."""


@quick_init
@dataclass(frozen=True, slots=True)
class Event:
    """One event of a batch as the runner decoded it."""

    nid: int
    stream: str
    version: int
    type: str
    envelope: Mapping[str, Any]


@dataclass(frozen=True)
class Context:
    config: Config
    calendar: WorkingCalendar


class Projection:
    """A named set of tables, tracked and rebuilt together."""

    name: str = ""
    title: str = ""
    tables: tuple[Table, ...] = ()
    groups: bool = False
    registry: bool = False
    events: bool = False

    def group_rows(self, key: str, group: Folded, ctx: Context) -> Rows:
        """Rows of the group's tables from its folded file (a ``projections.groups.Folded``); a projection
        returns nothing for the kinds of file it does not hold."""
        del key, group, ctx
        return {}

    def registry_rows(self, stream: str, history: Sequence[Mapping[str, Any]], ctx: Context) -> Rows:
        del stream, history, ctx
        return {}

    def event_rows(self, events: Sequence[Event], ctx: Context) -> Rows:
        """Rows of per-event tables for ``events`` (those after the projection's position)."""
        del events, ctx
        return {}

    def has_event_rows(self, envelope: Mapping[str, Any]) -> bool:
        """False when an event with this envelope surely has no rows of :meth:`event_rows` (a cheap test
        that lets the screening skip most events); True when it may."""
        del envelope
        return self.events

    def write(self, db: Database, cur: Any, suffix: str, groups: Sequence[str], streams: Sequence[str],
              rows: Rows, fresh: frozenset[str] = frozenset()) -> None:
        """Replace the rows of the refreshed groups and streams; add per-event rows.

        ``fresh`` names groups known to have no rows yet (a rebuild writing them for the
        first time): their delete is skipped.
        """
        stale = [g for g in groups if g not in fresh] if fresh else groups
        for table in self.tables:
            physical = db.qualify(table.name + suffix)
            if table.scope == "grp" and stale:
                db.delete_in(cur, physical, "grp", stale)
            elif table.scope == "stream" and streams:
                db.delete_in(cur, physical, "stream", streams)
            if table.scope != "custom":
                db.insert(cur, physical, table, rows.get(table.name, []))


@lru_cache(maxsize=65536)
def day_iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


def on(moment: datetime | None) -> str | None:
    return moment.astimezone(SHANGHAI).date().isoformat() if moment is not None else None


def iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def flag(value: bool | None) -> int | None:
    return None if value is None else int(value)




def deadline_rows(key: str, deadlines: Sequence[Deadline]) -> list[tuple[Any, ...]]:
    """A file's deadlines as rows of :data:`DEADLINE_COLUMNS` (due date with its provisional flag)."""
    return [(key, d.stream, d.key, d.rule, d.title, d.agency, day_iso(d.start), day_iso(d.due.due),
             int(d.due.provisional), day_iso(d.due.known_until), day_iso(d.done_on), d.holder) for d in deadlines]


def timeline_document(timeline: Sequence[TimelineEntry]) -> list[list[Any]]:
    """A timeline as a file document holds it (labels are added when read, as for case files):
    ``[version, type, at, recorded_at, by, backfilled, overrides]`` per step."""
    return [[t.version, t.type, t.at_text, t.recorded_at, t.by, t.backfilled, list(t.overrides)] for t in timeline]


def judged_extensions(extensions: Sequence[JudgedExtension]) -> list[dict[str, Any]]:
    """Extensions of a period as ``domain.extensions`` judged them (a late one is shown as void)."""
    return [{"version": e.extension.version, "approved_on": e.extension.approved_on.isoformat(),
             "approved_by": e.extension.approved_by, "days": e.extension.days, "counted": e.counted,
             "due_before": e.due_before.due.isoformat(),
             "state": "late" if e.late else "unknown" if e.timely is None else "lawful"} for e in extensions]


CATALOGUE_KEYS: Final = ("volume", "seq", "item", "item_title", "title", "version", "on_date", "sha256", "paginated")


def catalogue_document(entries: Sequence[CatalogueEntry]) -> list[list[Any]]:
    """A 卷内目录 as a file document holds it: one list per entry in the order of :data:`CATALOGUE_KEYS`
    (not a dict repeating the keys), the title ``None`` where it is the item's; :func:`catalogue_rows` reads it."""
    return [[c.volume, c.seq, c.item, c.item_title, None if c.title == c.item_title else c.title, c.version,
             day_iso(c.on), c.sha256, int(c.paginated)] for c in entries]


def catalogue_rows(document: Sequence[Any] | None) -> list[dict[str, Any]]:
    """The entries of a :func:`catalogue_document` as rows (dicts of :data:`CATALOGUE_KEYS`, every title put back)."""
    out: list[dict[str, Any]] = []
    for entry in document or ():
        row = dict(entry) if isinstance(entry, Mapping) else dict(zip(CATALOGUE_KEYS, entry, strict=True))
        if row.get("title") is None:
            row["title"] = row.get("item_title")
        out.append(row)
    return out
