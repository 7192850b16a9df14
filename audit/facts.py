"""The raw steps of a case (and of the 复议 and lawsuits that target it), indexed for the rules.

The :class:`~projections.casefile.CaseFile` holds what a reader sees (documents,
deadlines, decision, publications); several rules also need the facts a step
records that the file does not carry as such — ``credentials_shown``, the
interviewee's signature, ``rights_told``, the remedies told, ``surcharge_told``,
the facts and their evidence, an opinion of the legal review, who appeared in
court. :class:`CaseFacts` keeps every step (with clerical corrections applied,
as the file does) by type, with its position, version and Asia/Shanghai date.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from audit.model import Envelope, EventRef
from domain.calendar import SHANGHAI
from domain.casestate import apply_corrections  # the one implementation of 补正 (RecordCorrected)
from projections.casefile import day_of, parse_time, time_of  # one reading of time fields

__all__ = ["CaseFacts", "RawStep", "as_of_prefix", "day_of", "parse_time", "text_of", "time_of"]

EPOCH = datetime(1970, 1, 1, tzinfo=SHANGHAI)
"""The ``at`` of a step whose ``at`` cannot be read (never for a recorded step)."""


def text_of(value: object) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


@dataclass(frozen=True, slots=True)
class RawStep:
    """One recorded step: where it is in its stream, when it happened, what it says."""

    stream: str
    position: int
    version: int
    type: str
    at: datetime
    day: date
    by: str
    data: Mapping[str, Any]
    backfilled: bool
    raw: Envelope

    @property
    def ref(self) -> EventRef:
        return EventRef(self.stream, self.version, self.type)

    def get(self, key: str) -> Any:
        return self.data.get(key)

    def time(self, key: str) -> datetime | None:
        """A ``…_at`` field of the step, or None."""
        return time_of(self.data.get(key))

    def when(self, key: str) -> datetime:
        """A ``…_at`` field, else the step's ``at``."""
        return time_of(self.data.get(key)) or self.at

    def day_of(self, key: str) -> date:
        """The date of a ``…_at`` field, else of the step's ``at``."""
        return self.when(key).astimezone(SHANGHAI).date()


def _steps(stream: str, history: Sequence[Envelope]) -> tuple[RawStep, ...]:
    out = []
    for position, entry in enumerate(history):
        at = time_of(entry.get("at")) or EPOCH
        version = entry.get("version")
        data = entry.get("data")
        by = entry.get("by")
        out.append(RawStep(
            stream, position, version if isinstance(version, int) and not isinstance(version, bool) else position + 1,
            str(entry.get("type")), at, at.astimezone(SHANGHAI).date(), by if isinstance(by, str) else "",
            data if isinstance(data, Mapping) else {}, entry.get("backfilled") is True, entry,
        ))
    return tuple(out)


def _position(step: RawStep) -> int:
    return step.position


@dataclass(frozen=True)
class StreamFacts:
    """The steps of one stream by type."""

    stream: str
    steps: tuple[RawStep, ...]
    by_type: Mapping[str, tuple[RawStep, ...]] = field(default_factory=dict)
    _cache: dict[tuple[str, ...], tuple[RawStep, ...]] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def of(cls, stream: str, history: Sequence[Envelope]) -> StreamFacts:
        steps = _steps(stream, history)
        grouped: dict[str, list[RawStep]] = {}
        for s in steps:
            grouped.setdefault(s.type, []).append(s)
        return cls(stream, steps, {k: tuple(v) for k, v in grouped.items()})

    def all(self, *types: str) -> tuple[RawStep, ...]:
        if len(types) == 1:
            return self.by_type.get(types[0], ())
        cached = self._cache.get(types)
        if cached is None:
            found = [s for t in types for s in self.by_type.get(t, ())]
            cached = self._cache[types] = tuple(sorted(found, key=_position))
        return cached

    def first(self, step_type: str) -> RawStep | None:
        found = self.by_type.get(step_type)
        return found[0] if found else None

    def last(self, step_type: str) -> RawStep | None:
        found = self.by_type.get(step_type)
        return found[-1] if found else None

    def has(self, step_type: str) -> bool:
        return step_type in self.by_type

    def before(self, position: int, *types: str) -> tuple[RawStep, ...]:
        return tuple(s for s in self.all(*types) if s.position < position)

    def after(self, position: int, *types: str) -> tuple[RawStep, ...]:
        return tuple(s for s in self.all(*types) if s.position > position)


@dataclass(frozen=True)
class CaseFacts(StreamFacts):
    """The case's steps (clerical corrections applied) and those of the related streams."""

    reviews: Mapping[str, StreamFacts] = field(default_factory=dict)
    lawsuits: Mapping[str, StreamFacts] = field(default_factory=dict)

    @classmethod
    def build(cls, stream: str, history: Sequence[Envelope],
              reviews: Mapping[str, Sequence[Envelope]] | None = None,
              lawsuits: Mapping[str, Sequence[Envelope]] | None = None) -> CaseFacts:
        base = StreamFacts.of(stream, apply_corrections(stream, history))
        return cls(base.stream, base.steps, base.by_type,
                   reviews={s: StreamFacts.of(s, h) for s, h in (reviews or {}).items()},
                   lawsuits={s: StreamFacts.of(s, h) for s, h in (lawsuits or {}).items()})


def as_of_prefix(history: Iterable[Envelope], as_of: date) -> list[Envelope]:
    """The steps that had happened by the end of ``as_of`` (their ``at``, in Asia/Shanghai dates)."""
    out = []
    for entry in history:
        at = time_of(entry.get("at"))
        if at is None or at.astimezone(SHANGHAI).date() <= as_of:
            out.append(entry)
    return out
