"""The state of the coercion and enforcement steps of a stream (``case/`` or ``coercion/``) that the COE
and ENF gates need, folded from its steps.

Why one fold for both stream kinds: a measure taken in a registered penalty case, and the
enforcement of its decision, are recorded on that case's stream; everything else opens a
``coercion/`` stream; the steps and the rules judging them are the same (steps.md "Where a coercive
measure or an enforcement is recorded"). The acting agency is ``CoercionOpened.agency`` on a
``coercion/`` stream and the case's agency on a ``case/`` one. Handlers by step type, as
``domain.casestate``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from types import MappingProxyType
from typing import Any, Final

from domain.casestate import apply_corrections
from domain.coercion_limits import MEASURE_STEPS, measure_started_at
from domain.limits import day_of
from domain.reading import mapping_of, text_of
from domain.registry import step_time

__all__ = ["HANDLERS", "Approval", "CoercionState", "Measure", "fold_coercion"]


@dataclass(frozen=True, slots=True)
class Approval:
    """A ``CoercionApprovalDecided``: for which measure, by whom, when, approved or not."""

    measure_id: str
    approved: bool
    decided_by: str | None
    at: datetime


@dataclass(frozen=True, slots=True)
class Measure:
    """A measure opened by ``SeizureImposed`` or ``FreezeImposed``."""

    measure_id: str
    step: str
    measure: str
    emergency: bool
    started_at: datetime


@dataclass(frozen=True, slots=True)
class CoercionState:
    """What the stream shows so far of its measures and enforcement."""

    stream: str
    agency: str | None = None
    """``CoercionOpened.agency`` (None on a case stream: the case's agency acts)."""
    item: str | None = None
    """``CoercionOpened.item``: the coercion or enforcement item named at the opening."""
    decision_served_on: date | None = None
    """``CoercionOpened.decision.served_on``: the decision enforced, when made outside this stream."""
    approvals: tuple[Approval, ...] = ()
    measures: Mapping[str, Measure] = field(default_factory=lambda: MappingProxyType({}))
    extensions: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))
    """How many ``CoercionExtended`` each measure has had."""
    demolition_dues: tuple[date | None, ...] = ()
    """The ``due`` of each ``DemolitionNoticePublished`` (第44条)."""

    def approvals_of(self, measure_id: str) -> tuple[Approval, ...]:
        return tuple(a for a in self.approvals if a.measure_id == measure_id)


Handler = Callable[[dict[str, Any], Mapping[str, Any], Mapping[str, Any]], None]
"""``(the state's members so far, step, its data)``."""


def _opened(members: dict[str, Any], entry: Mapping[str, Any], data: Mapping[str, Any]) -> None:
    decision = mapping_of(data.get("decision"))
    members.update(agency=text_of(data.get("agency")), item=text_of(data.get("item")),
                   decision_served_on=day_of(decision.get("served_on")))


def _approval(members: dict[str, Any], entry: Mapping[str, Any], data: Mapping[str, Any]) -> None:
    approval = Approval(str(data.get("measure_id")), data.get("approved") is True, text_of(data.get("decided_by")),
                        step_time(entry))
    members["approvals"] = (*members.get("approvals", ()), approval)


def _measure(members: dict[str, Any], entry: Mapping[str, Any], data: Mapping[str, Any]) -> None:
    kind = "freeze" if entry.get("type") == "FreezeImposed" else str(data.get("measure") or "")
    measure = Measure(str(data.get("measure_id")), str(entry.get("type")), kind, data.get("emergency") is True,
                      measure_started_at(entry))
    members["measures"] = {**members.get("measures", {}), measure.measure_id: measure}


def _extended(members: dict[str, Any], entry: Mapping[str, Any], data: Mapping[str, Any]) -> None:
    counts = dict(members.get("extensions", {}))
    key = str(data.get("measure_id"))
    counts[key] = counts.get(key, 0) + 1
    members["extensions"] = counts


def _demolition(members: dict[str, Any], entry: Mapping[str, Any], data: Mapping[str, Any]) -> None:
    members["demolition_dues"] = (*members.get("demolition_dues", ()), day_of(data.get("due")))


HANDLERS: Final[dict[str, Handler]] = {
    "CoercionOpened": _opened, "CoercionApprovalDecided": _approval, **dict.fromkeys(MEASURE_STEPS, _measure),
    "CoercionExtended": _extended, "DemolitionNoticePublished": _demolition,
}
"""The step types the COE and ENF gates' state reads. A plain table until the #16 vocabulary is in
``StepType`` (then ``by_step_type``)."""


def fold_coercion(stream: str, history: Sequence[Mapping[str, Any]]) -> CoercionState:
    """The stream's coercion state after every step of ``history`` (version order, corrections applied)."""
    members: dict[str, Any] = {}
    for entry in apply_corrections(stream, history):
        handler = HANDLERS.get(str(entry.get("type")))
        if handler is not None:
            handler(members, entry, mapping_of(entry.get("data")))
    for key in ("measures", "extensions"):
        if key in members:
            members[key] = MappingProxyType(members[key])
    return CoercionState(stream, **members)

