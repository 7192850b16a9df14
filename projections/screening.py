"""Judging each event alone for the per-event registers (overrides, 补录) before any fold reads it.

An event whose own rows cannot be stored is parked and left out of every fold, in whichever
process meets it first: a live runner (and a rebuild in one process) screens each batch as
it reads it; a parallel rebuild reads the bytes of a group's events only where it folds the
group (``projections.pool``), so it screens them there, before the fold. Each event is judged
alone, by the same function, so both park exactly the same events (rebuild equals incremental).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ledger.stored import decode
from projections.definitions import Context, Event, Projection, Rows
from projections.poison import CannotApply, Parked, check_rows

__all__ = ["Loaded", "load_screened", "screen_event"]


def screen_event(per_event: Sequence[Projection], event: Event, ctx: Context) -> dict[str, Rows]:
    """The event's own rows, per projection; raises :class:`CannotApply` when they cannot be stored."""
    out: dict[str, Rows] = {}
    for projection in per_event:
        if not projection.has_event_rows(event.envelope):
            continue  # no rows: nothing to judge
        try:
            rows = projection.event_rows([event], ctx)
        except Exception as exc:
            raise CannotApply(projection.name, repr(exc)) from exc
        check_rows(projection.name, rows)
        out[projection.name] = rows
    return out


@dataclass
class Loaded:
    """A parallel rebuild's group events, decoded and screened where they are folded."""

    data: dict[str, list[Mapping[str, Any]]] = field(default_factory=dict)
    broken: set[str] = field(default_factory=set)  # streams with bytes that do not decode: isolated by the fold
    rows: dict[str, Rows] = field(default_factory=dict)  # the per-event registers' rows, per projection
    parked: list[Parked] = field(default_factory=list)  # the events whose own rows cannot be stored


def load_screened(per_event: Sequence[Projection], raw: Iterable[tuple[int, str, int, str, bytes]],
                  skip: Collection[int], ctx: Context) -> Loaded:
    """Decode ``raw`` (``nid, stream, version, type, bytes``) but ``skip``; with ``per_event``, screen each
    event (:func:`screen_event`): its rows are kept, or it is parked and left out of ``data``."""
    out = Loaded()
    for nid, stream, version, kind, state in raw:
        if nid in skip:
            continue
        try:
            envelope = decode(state)
        except Exception:
            out.broken.add(stream)  # the group is isolated where it is folded, and the event parked there
            continue
        if per_event and any(p.has_event_rows(envelope) for p in per_event):
            try:
                found = screen_event(per_event, Event(nid, stream, version, kind, envelope), ctx)
            except CannotApply as exc:
                out.parked.append(Parked(nid, stream, version, kind, exc.projection, exc.reason))
                continue
            for name, rows in found.items():
                mine = out.rows.setdefault(name, {})
                for table, items in rows.items():
                    if items:
                        mine.setdefault(table, []).extend(items)
        out.data.setdefault(stream, []).append(envelope)
    return out
