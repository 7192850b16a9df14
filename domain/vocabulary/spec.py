"""One step type as data: the stream kinds it is recorded on and, on each, who records it
and its data fields.

Most step types belong to one kind of stream (their *home*, the table of steps.md that
defines them). Some are recorded on several kinds ("as in the case table" in the licence
and complaint tables): a hearing on a licence stream, a closing on a complaint stream. Each
kind has its own ``Placement``: the same fields as at home plus the fields that kind adds
(``HearingRequested.requested_by`` on a licence stream), and its own ``RecordRule``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from types import MappingProxyType

from domain.fields import Condition, Field, Obj, StreamKind
from domain.vocabulary.records import RecordRule


@dataclass(frozen=True, slots=True)
class Placement:
    """How a step type is recorded on one kind of stream: who records it, and its data."""

    kind: StreamKind
    record: RecordRule
    data: Obj
    added: tuple[str, ...] = ()
    """The fields this kind adds to the home fields (none at home)."""


@dataclass(frozen=True, slots=True)
class StepSpec:
    """One step type: where it may go, whether it opens a stream, who records it, its data."""

    name: str
    home: StreamKind
    opens: bool
    placements: Mapping[StreamKind, Placement]
    note: str = ""

    @property
    def streams(self) -> frozenset[StreamKind]:
        """Every kind of stream the step may be recorded on."""
        return frozenset(self.placements)

    def on(self, kind: StreamKind) -> Placement | None:
        """The step as recorded on ``kind``; None when it may not be recorded there."""
        return self.placements.get(kind)

    @property
    def record(self) -> RecordRule:
        """Who records it on its home kind."""
        return self.placements[self.home].record

    @property
    def data(self) -> Obj:
        """Its data on its home kind (the fields every kind shares)."""
        return self.placements[self.home].data

    @property
    def fields(self) -> Mapping[str, Field]:
        """The home data fields by name."""
        return self.data.by_name

    @property
    def conditions(self) -> tuple[Condition, ...]:
        """Requirements across fields (one of two given; required with general procedure)."""
        return self.data.conditions


def _obj(name: str, fields: tuple[Field, ...], conditions: tuple[Condition, ...]) -> Obj:
    return Obj(fields, None, conditions, what=f"{name} 的 data 对象")


def step(
    name: str, home: StreamKind, record: RecordRule, *fields: Field, opens: bool = False,
    conditions: tuple[Condition, ...] = (), note: str = "",
) -> StepSpec:
    """A step type defined in the table of its home kind."""
    placement = Placement(home, record, _obj(name, fields, conditions))
    return StepSpec(name, home, opens, MappingProxyType({home: placement}), note)


@dataclass(frozen=True, slots=True)
class Also:
    """A step type of another table that a kind's table also allows ("as in the case table")."""

    name: str
    kind: StreamKind
    record: RecordRule | None = None
    """Who records it on this kind; None: as at home."""
    added: tuple[Field, ...] = ()


def also(name: str, kind: StreamKind, *added: Field, record: RecordRule | None = None) -> Also:
    """``name`` may also be recorded on ``kind``, with ``added`` fields and ``record`` there."""
    return Also(name, kind, record, added)


def place(spec: StepSpec, extra: Also) -> StepSpec:
    """``spec`` with the placement ``extra`` describes."""
    if extra.kind in spec.placements:
        raise ValueError(f"{spec.name} is already recorded on {extra.kind}")
    home = spec.data
    data = _obj(spec.name, (*home.fields, *extra.added), home.conditions)
    placement = Placement(extra.kind, extra.record or spec.record, data,
                          tuple(f.name for f in extra.added))
    return replace(spec, placements=MappingProxyType({**spec.placements, extra.kind: placement}))
