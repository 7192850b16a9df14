"""The state of a ``complaint/`` stream that the CMP gate needs, folded from its steps.

Why: CMP-04 judges a transfer against what the complaint is (a 举报 or a 投诉) and whom it is
against (信访工作条例 第30条第3款); the override of a complaint step is authorised by the justice
bureau that registered the complaint. Handlers by step type, as ``domain.casestate``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from domain.casestate import apply_corrections
from domain.reading import mapping_of, texts_of
from domain.registry import step_time
from domain.step_types import by_step_type

__all__ = ["HANDLERS", "ComplaintState", "fold_complaint"]


@dataclass(frozen=True, slots=True)
class ComplaintState:
    """What a complaint stream shows so far."""

    stream: str
    length: int = 0
    received_at: datetime | None = None
    registered_by: str | None = None
    """Who recorded ``ComplaintReceived``: a supervisor of the bureau handling the complaint."""
    nature: str | None = None
    anonymous: bool = False
    against_agency: str | None = None
    against_officers: tuple[str, ...] = ()


Handler = Callable[[dict[str, Any], Mapping[str, Any], Mapping[str, Any]], None]
"""``(the state's members so far, step, its data)``."""


def _received(members: dict[str, Any], entry: Mapping[str, Any], data: Mapping[str, Any]) -> None:
    against = mapping_of(data.get("against"))
    agency = against.get("agency")
    by = entry.get("by")
    members.update(
        received_at=step_time(entry), registered_by=by if isinstance(by, str) else None,
        nature=data.get("nature") if isinstance(data.get("nature"), str) else None,
        anonymous=data.get("anonymous") is True, against_agency=agency if isinstance(agency, str) else None,
        against_officers=texts_of(against.get("officers")),
    )


HANDLERS: Final[dict[str, Handler]] = by_step_type({"ComplaintReceived": _received})
"""The step types the CMP gate's state reads (every other step only counts in ``length``)."""


def fold_complaint(stream: str, history: Sequence[Mapping[str, Any]]) -> ComplaintState:
    """The complaint stream's state after every step of ``history`` (version order)."""
    members: dict[str, Any] = {}
    for entry in apply_corrections(stream, history):
        kind = entry.get("type")
        handler = HANDLERS.get(kind) if isinstance(kind, str) else None
        if handler is not None:
            handler(members, entry, mapping_of(entry.get("data")))
    return ComplaintState(stream, len(history), **members)
