"""The inspections' openings indexed by the task they name (INS-03) and by their object's marks within
their agency (INS-06): each inspection file's rules look up the others there, where a scan of every
opening per file grew as the square of their number (a 75,000-case demo's audit fill took minutes in it)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["InspectionIndex", "member", "object_marks"]


def member(value: object, name: str) -> Mapping[str, Any]:
    """``value[name]`` when both are objects, else the empty mapping."""
    found = value.get(name) if isinstance(value, Mapping) else None
    return found if isinstance(found, Mapping) else {}


def object_marks(opening: Mapping[str, Any]) -> set[tuple[str, str]]:
    """What may identify an inspection's object (its credit code, directory key, name): INS-06 counts an
    inspection of the same object (``audit.rules.ins``), which shares at least one of them."""
    found = member(opening, "object")
    return {(name, value) for name in ("credit_code", "key", "name")
            if isinstance(value := found.get(name), str) and value}


@dataclass
class InspectionIndex:
    """``inspection/`` streams by the ``spotcheck/`` task they name and by (agency, mark), each list in the
    openings' own order (as a scan of them would find them)."""

    order: dict[str, int] = field(default_factory=dict)
    by_task: dict[str, list[str]] = field(default_factory=dict)
    by_mark: dict[tuple[Any, str, str], list[str]] = field(default_factory=dict)

    @classmethod
    def of(cls, openings: Mapping[str, Mapping[str, Any]]) -> InspectionIndex:
        index = cls()
        for position, (stream, entry) in enumerate(openings.items()):
            index.order[stream] = position
            data = member(entry, "data")
            task = member(data, "origin").get("spotcheck")
            if task is not None:
                index.by_task.setdefault(task, []).append(stream)
            for mark in object_marks(data):
                index.by_mark.setdefault((data.get("agency"), *mark), []).append(stream)
        return index

    def of_task(self, task: str) -> list[str]:
        return list(self.by_task.get(task, ()))

    def same_object(self, stream: str, data: Mapping[str, Any]) -> list[str]:
        """The other inspections of ``data``'s agency sharing a mark of its object, in the openings' order."""
        agency = data.get("agency")
        found = {s for mark in object_marks(data) for s in self.by_mark.get((agency, *mark), ())}
        found.discard(stream)
        return sorted(found, key=self.order.__getitem__)
