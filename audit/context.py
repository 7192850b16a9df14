"""The read-only context a rule may read besides the case file (rules.md "Context").

* the registry as of each step's time (:class:`RegistryIndex`: agencies with their items
  and catalogue, officers with credentials and qualifications), folded once from the
  registry streams and answered by bisection, so thousands of files share the work;
* the configuration and the working-day calendar;
* the party's earlier cases (PEN-32, PEN-36) and the people's history (a legal reviewer's
  first review, PEN-17): :class:`History`;
* "today" (``as_of``), never the clock.

Everything here is pure: the loaders in :mod:`audit.store` (and tests) fill it.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from audit.model import Envelope
from domain.appeals import targeting_in
from domain.beacon import CheckpointLog
from domain.calendar import DEFAULT_CALENDAR, CalendarError, HolidayNotice, WorkingCalendar
from domain.config import Config
from domain.identities import Officer, fold
from domain.registry import AgencyState, OfficerRecord, fold_agency, fold_officer, step_time
from domain.validation import History as StepHistory

__all__ = ["AuditContext", "History", "PriorCase", "RegistryIndex", "StreamsAsOf", "calendar_from", "party_key"]



class _Snapshots:
    """One registry stream folded as of any time: states cached by how many steps count."""

    __slots__ = ("ats", "cache", "history", "kind", "stream")

    def __init__(self, stream: str, history: Sequence[Envelope], kind: str) -> None:
        self.stream = stream
        self.history = list(history)
        self.kind = kind
        self.ats = sorted(step_time(e) for e in self.history[1:]) if self.history else []
        self.cache: dict[int, Any] = {}

    def as_of(self, at: datetime) -> Any:
        key = bisect_right(self.ats, at)
        if key not in self.cache:
            moment = self.ats[key - 1] if key else _BEFORE_ALL
            fold_ = fold_agency if self.kind == "agency" else fold_officer
            self.cache[key] = fold_(self.stream, self.history, moment)
        return self.cache[key]


_BEFORE_ALL = datetime.fromisoformat("0001-01-02T00:00:00+00:00")


class RegistryIndex:
    """The registry (``agency/…``, ``officer/…`` streams) folded as of any time.

    Implements the two as-of methods of ``domain.gates.GateContext`` (so gate checks can
    be reused) plus ``officer`` (identity and roles as recorded) and ``history``; it knows no
    transparency log (``log``: the subjects of a draw pass the ledger's, ``StreamsAsOf``).
    """

    log: CheckpointLog | None = None

    def __init__(self, histories: Mapping[str, Sequence[Envelope]] | None = None) -> None:
        self._histories: dict[str, list[Envelope]] = {}
        self._snapshots: dict[str, _Snapshots] = {}
        self._officers: dict[str, Officer | None] = {}
        for stream, history in (histories or {}).items():
            self.put(stream, history)

    def put(self, stream: str, history: Sequence[Envelope]) -> None:
        """Replace (or add) one registry stream's history."""
        self._histories[stream] = list(history)
        self._snapshots.pop(stream, None)
        self._officers.pop(stream, None)

    @property
    def streams(self) -> tuple[str, ...]:
        return tuple(self._histories)

    def history(self, stream: str) -> Sequence[Envelope]:
        return self._histories.get(stream, [])

    def _snap(self, stream: str, kind: str) -> _Snapshots | None:
        found = self._snapshots.get(stream)
        if found is None:
            history = self._histories.get(stream)
            if not history:
                return None
            found = self._snapshots[stream] = _Snapshots(stream, history, kind)
        return found

    def agency_as_of(self, agency: str, at: datetime) -> AgencyState | None:
        snap = self._snap(agency, "agency")
        return snap.as_of(at) if snap is not None else None

    def officer_as_of(self, identity: str, at: datetime) -> OfficerRecord | None:
        snap = self._snap(identity, "officer")
        return snap.as_of(at) if snap is not None else None

    def targeting(self, stream: str) -> Sequence[str]:
        """None: the registry holds no reviews or lawsuits (the rules that read them build a
        :class:`StreamsAsOf` over the streams they loaded)."""
        del stream
        return ()

    def agency(self, agency: str) -> AgencyState | None:
        """The agency with everything recorded."""
        history = self._histories.get(agency)
        return fold_agency(agency, history) if history else None

    def officer(self, identity: str) -> Officer | None:
        """Identity and roles as recorded (structural facts)."""
        if identity not in self._officers:
            history = self._histories.get(identity, [])
            self._officers[identity] = fold(identity, ((s["type"], s["data"]) for s in history)) if history else None
        return self._officers[identity]


def calendar_from(histories: Iterable[Sequence[Envelope]]) -> WorkingCalendar:
    """The working-day calendar with the ``HolidayNoticePublished`` steps of ``calendar/<year>`` streams."""
    notices: list[HolidayNotice] = []
    for history in histories:
        for entry in history:
            data = entry.get("data")
            if entry.get("type") != "HolidayNoticePublished" or not isinstance(data, Mapping):
                continue
            try:
                notices.append(HolidayNotice.from_step_data(data))
            except CalendarError:
                continue  # a notice the calendar cannot use changes no working day
    return WorkingCalendar.from_notices(notices) if notices else DEFAULT_CALENDAR


def party_key(party: Mapping[str, Any] | Any) -> str | None:
    """Who a party is across cases: the 统一社会信用代码, else the ID number, else kind + name."""
    get = party.get if isinstance(party, Mapping) else (lambda k: getattr(party, k, None))
    for key in ("credit_code", "id_number"):
        value = get(key)
        if isinstance(value, str) and value:
            return f"{key}:{value}"
    name, kind = get("name"), get("kind")
    return f"name:{kind}:{name}" if isinstance(name, str) and name else None


@dataclass(frozen=True, slots=True)
class PriorCase:
    """Another case of the same party, as far as PEN-32 and PEN-36 need it."""

    stream: str
    agency: str | None
    item: str | None
    decided_on: date | None
    outcome: str | None
    fine_fen: int
    started_on: date | None
    ended_on: date | None


@dataclass
class History:
    """The party's cases and the people's history, from the other files of the ledger."""

    cases_by_party: dict[str, list[PriorCase]] = field(default_factory=dict)
    first_review: dict[str, date] = field(default_factory=dict)
    """Each legal reviewer's first ``LegalReviewCompleted`` date (PEN-17)."""
    party_of: dict[str, str] = field(default_factory=dict)
    """Each case's party key as last added (a corrected party moves the case)."""

    def cases_of(self, key: str | None) -> Sequence[PriorCase]:
        return self.cases_by_party.get(key, ()) if key else ()

    def add_case(self, key: str | None, case: PriorCase) -> None:
        self.forget(case.stream)
        if key:
            self.cases_by_party.setdefault(key, []).append(case)
            self.party_of[case.stream] = key

    def forget(self, stream: str) -> None:
        """Drop ``stream`` from whichever party it was listed under."""
        old = self.party_of.pop(stream, None)
        if old is not None:
            found = self.cases_by_party.get(old, [])
            found[:] = [c for c in found if c.stream != stream]

    def add_review(self, reviewer: str, on: date) -> None:
        known = self.first_review.get(reviewer)
        if known is None or on < known:
            self.first_review[reviewer] = on


@dataclass
class AuditContext:
    """Everything a rule may read besides the file itself; ``as_of`` is "today"."""

    as_of: date
    registry: RegistryIndex = field(default_factory=RegistryIndex)
    config: Config = field(default_factory=Config)
    calendar: WorkingCalendar = DEFAULT_CALENDAR
    history: History = field(default_factory=History)


class StreamsAsOf:
    """A gate context for a step of a recorded file: the stream as it stood before the step, the
    linked streams, the registry as of any time (so the live gates judge as they would have), and this
    ledger's transparency log when the step's rule reads it (INS-02's beacon)."""

    def __init__(self, ctx: AuditContext, streams: Mapping[str, StepHistory],
                 log: CheckpointLog | None = None) -> None:
        self._ctx, self._streams, self.log = ctx, streams, log

    def history(self, stream: str) -> StepHistory:
        found = self._streams.get(stream)
        return found if found is not None else self._ctx.registry.history(stream)

    def officer(self, identity: str) -> Any:
        return self._ctx.registry.officer(identity)

    def targeting(self, stream: str) -> Sequence[str]:
        """The reviews and lawsuits among the given streams that target ``stream`` (ENF-05)."""
        return targeting_in(self._streams, stream)

    def agency_as_of(self, agency: str, at: datetime) -> AgencyState | None:
        return self._ctx.registry.agency_as_of(agency, at)

    def officer_as_of(self, identity: str, at: datetime) -> OfficerRecord | None:
        return self._ctx.registry.officer_as_of(identity, at)
