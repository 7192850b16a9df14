"""The state of ``inspection/`` and ``spotcheck/`` streams that the INS gates need, folded from their steps.

Why: INS-01 and INS-04 judge an inspection against the agency that opened it; INS-02 re-derives a
draw from the plan and snapshots recorded before it; INS-03 holds a drawn inspection to the draw, and
to the replacements recorded since (``InspectorReplaced``), on the ``spotcheck/`` stream it names,
read as recorded (like the audit's context). Handlers by step type, as ``domain.casestate``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from domain.casestate import apply_corrections
from domain.reading import int_of, mapping_of, text_of, texts_of

__all__ = ["InspectionState", "Snapshot", "SpotCheckState", "fold_inspection", "fold_spotcheck"]

Handler = Callable[[dict[str, Any], Mapping[str, Any], Mapping[str, Any]], None]
"""``(the state's members so far, step, its data)``."""


@dataclass(frozen=True, slots=True)
class InspectionState:
    """What an inspection stream shows so far: who opened it, for what item, from which draw."""

    stream: str
    agency: str | None = None
    item: str | None = None
    origin: str | None = None
    spotcheck: str | None = None
    object_index: int | None = None
    object_key: str | None = None
    officers: tuple[str, ...] = ()


def opening_members(data: Mapping[str, Any]) -> dict[str, Any]:
    """An ``InspectionOpened``'s data as ``InspectionState`` members (also read from the step itself
    when it is the one judged)."""
    origin, obj = mapping_of(data.get("origin")), mapping_of(data.get("object"))
    return {"agency": text_of(data.get("agency")), "item": text_of(data.get("item")),
            "origin": text_of(origin.get("kind")),
            "spotcheck": text_of(origin.get("spotcheck")), "object_index": int_of(origin.get("object_index")),
            "object_key": text_of(obj.get("key")), "officers": texts_of(data.get("officers"))}


def fold_inspection(stream: str, history: Sequence[Mapping[str, Any]]) -> InspectionState:
    """The inspection's state after ``history``: its ``InspectionOpened``."""
    for entry in apply_corrections(stream, history):
        if entry.get("type") == "InspectionOpened":
            return InspectionState(stream, **opening_members(mapping_of(entry.get("data"))))
    return InspectionState(stream)


@dataclass(frozen=True, slots=True)
class Snapshot:
    """A ``DirectorySnapshotTaken``: which directory, its count, its officers (inspectors), its position."""

    directory: str
    count: int | None
    officers: tuple[str, ...]
    position: int
    entry: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class SpotCheckState:
    """What a spot-check stream shows so far: the plan, the snapshots, the draw and the replacements."""

    stream: str
    agency: str | None = None
    plan: Mapping[str, Any] | None = None
    plan_entry: Mapping[str, Any] | None = None
    snapshots: tuple[Snapshot, ...] = ()
    draw: Mapping[str, Any] | None = None
    replacements: tuple[tuple[int | None, str | None, str | None], ...] = ()
    """``(object_index, officer, replacement)`` of each ``InspectorReplaced``, in order."""

    def snapshot(self, directory: str) -> Snapshot | None:
        """The first snapshot of ``directory`` (objects/inspectors)."""
        return next((s for s in self.snapshots if s.directory == directory), None)

    def drawn_officers(self, object_index: int) -> tuple[str, ...] | None:
        """The officers of a drawn object as the draw assigned them, each replacement applied in
        order; None when the index was not drawn."""
        for entry in (self.draw or {}).get("inspectors_drawn") or ():
            item = mapping_of(entry)
            if int_of(item.get("object_index")) == object_index:
                officers = list(texts_of(item.get("officers")))
                for index, out, into in self.replacements:
                    if index == object_index and out in officers and into is not None:
                        officers[officers.index(out)] = into
                return tuple(officers)
        return None


def _planned(members: dict[str, Any], entry: Mapping[str, Any], data: Mapping[str, Any]) -> None:
    members.update(agency=text_of(data.get("agency")), plan=data, plan_entry=entry)


def _snapshot(members: dict[str, Any], entry: Mapping[str, Any], data: Mapping[str, Any]) -> None:
    snap = Snapshot(str(data.get("directory")), int_of(data.get("count")), texts_of(data.get("officers")),
                    int_of(entry.get("version")) or len(members.get("snapshots", ())), entry)
    members["snapshots"] = (*members.get("snapshots", ()), snap)


def _drawn(members: dict[str, Any], entry: Mapping[str, Any], data: Mapping[str, Any]) -> None:
    members["draw"] = data


def _replaced(members: dict[str, Any], entry: Mapping[str, Any], data: Mapping[str, Any]) -> None:
    row = (int_of(data.get("object_index")), text_of(data.get("officer")), text_of(data.get("replacement")))
    members["replacements"] = (*members.get("replacements", ()), row)


SPOTCHECK_HANDLERS: Final[dict[str, Handler]] = {
    "SpotCheckPlanned": _planned, "DirectorySnapshotTaken": _snapshot, "RandomDrawPerformed": _drawn,
    "InspectorReplaced": _replaced,
}
"""A plain table until the #16 vocabulary is in ``StepType`` (then ``by_step_type``)."""


def fold_spotcheck(stream: str, history: Sequence[Mapping[str, Any]]) -> SpotCheckState:
    """The spot check's state after every step of ``history`` (version order)."""
    members: dict[str, Any] = {}
    for entry in apply_corrections(stream, history):
        handler = SPOTCHECK_HANDLERS.get(str(entry.get("type")))
        if handler is not None:
            handler(members, entry, mapping_of(entry.get("data")))
    return SpotCheckState(stream, **members)
