"""The state of a case stream that the legal gates need, folded from its steps.

Why a separate, small fold: a gate judges a step against what the case shows
*before* it (rules.md: "judged on the stream as recorded so far, version order"),
and live recording runs it for every step, so it must be cheap and forgiving:
it reads the stored JSON directly, tolerates the nulls backfilled history may
hold, and keeps only what the gates ask (procedure, party, item, violation
dates, notices, waivers, hearings, reviews, discussions, decisions, disclosure).
The full case file (documents, timeline, deadlines) is a projection.

Clerical corrections (``RecordCorrected``) are applied before folding: the
original stays in the ledger, but a gate reads the corrected value, as an
evaluator reads the 补正 file.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Final

from domain.personal_data import is_valid_resident_id
from domain.reading import mapping_of
from domain.registry import step_time
from domain.step_types import by_step_type

__all__ = [
    "CHANGE_STEPS",
    "CaseState",
    "Decision",
    "LegalReview",
    "Notice",
    "PartyFacts",
    "PenaltyLine",
    "Violation",
    "Waiver",
    "amount_of",
    "apply_corrections",
    "fold_case",
    "parse_penalties",
]

CHANGE_STEPS = frozenset({
    "EvidenceCollected", "InvestigationConcluded", "PenaltyNoticeServed", "StatementSubmitted",
    "StatementReviewed", "HearingHeld", "DecisionCorrected",
})
"""Steps that can change the facts or the proposed outcome, so a legal review before
them no longer covers the decision (PEN-16 "since the last change"; Q16: one review,
after the statements and any hearing, before the decision)."""


@dataclass(frozen=True, slots=True)
class PenaltyLine:
    """One penalty proposed or imposed (fen)."""

    type: str
    amount_fen: int | None = None


def parse_penalties(value: object) -> tuple[PenaltyLine, ...]:
    """Penalties from step JSON, skipping anything malformed (structure is checked elsewhere)."""
    if not isinstance(value, list | tuple):
        return ()
    out = []
    for item in value:
        if isinstance(item, Mapping) and isinstance(item.get("type"), str):
            amount = item.get("amount_fen")
            ok = isinstance(amount, int) and not isinstance(amount, bool)
            out.append(PenaltyLine(item["type"], amount if ok else None))
    return tuple(out)


def amount_of(penalties: Sequence[PenaltyLine], penalty_type: str) -> int:
    """The total amount (fen) of one penalty type, e.g. the fine."""
    return sum(p.amount_fen or 0 for p in penalties if p.type == penalty_type)


@dataclass(frozen=True, slots=True)
class PartyFacts:
    """Who the party is, as far as gates care (kind, names, age)."""

    kind: str | None
    name: str | None
    birth_date: date | None
    legal_representative: str | None
    credit_code: str | None


@dataclass(frozen=True, slots=True)
class Violation:
    """The violation's dates as registered (PEN-01, PEN-35)."""

    started_on: date | None = None
    ended_on: date | None = None
    discovered_on: date | None = None

    @property
    def end(self) -> date | None:
        """When the conduct ended (continuing or serial violations count from here, PEN-01)."""
        return self.ended_on or self.started_on

    @property
    def act_on(self) -> date | None:
        """The latest day of the act known: what "at the violation" means for ages."""
        return self.ended_on or self.started_on or self.discovered_on


@dataclass(frozen=True, slots=True)
class Notice:
    """A served 行政处罚事先告知书 and what it told."""

    position: int
    at: datetime
    served_at: datetime
    outcome: str | None
    penalties: tuple[PenaltyLine, ...]
    statement_right: bool
    hearing_right: bool


@dataclass(frozen=True, slots=True)
class Waiver:
    """A written waiver of rights (statement, hearing)."""

    position: int
    at: datetime
    rights: frozenset[str]


@dataclass(frozen=True, slots=True)
class LegalReview:
    """A completed 法制审核 and its outcome."""

    position: int
    at: datetime
    outcome: str | None
    reviewer: str | None


@dataclass(frozen=True, slots=True)
class Decision:
    """A decision already in the case (DecisionMade or SummaryDecisionMade)."""

    position: int
    type: str
    at: datetime
    outcome: str
    penalties: tuple[PenaltyLine, ...]


@dataclass(frozen=True, slots=True)
class CaseState:
    """What the case shows so far; positions are 0-based indexes in version order."""

    stream: str
    length: int = 0
    agency: str | None = None
    procedure: str | None = None
    item: str | None = None
    party: PartyFacts | None = None
    violation: Violation = field(default_factory=Violation)
    handlers: tuple[str, ...] = ()
    notices: tuple[Notice, ...] = ()
    waivers: tuple[Waiver, ...] = ()
    hearing_requests: tuple[int, ...] = ()
    hearings_held: tuple[int, ...] = ()
    legal_reviews: tuple[LegalReview, ...] = ()
    discussions: tuple[int, ...] = ()
    decisions: tuple[Decision, ...] = ()
    changes: tuple[int, ...] = ()
    publications: tuple[int, ...] = ()
    suppressions: tuple[str, ...] = ()
    person_names: tuple[str, ...] = ()
    organisation_names: tuple[str, ...] = ()

    @property
    def last_notice(self) -> Notice | None:
        return self.notices[-1] if self.notices else None

    @property
    def last_change(self) -> int:
        """Position of the last step that changed facts or proposal; -1 when none."""
        return self.changes[-1] if self.changes else -1

    def waived_after(self, position: int) -> frozenset[str]:
        """The rights waived in writing after ``position`` (e.g. after the last notice)."""
        rights: set[str] = set()
        for waiver in self.waivers:
            if waiver.position > position:
                rights |= waiver.rights
        return frozenset(rights)

    def reviews_after(self, position: int) -> tuple[LegalReview, ...]:
        return tuple(r for r in self.legal_reviews if r.position > position)


# --------------------------------------------------------------------------- folding


def _date(value: object) -> date | None:
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _time(value: object, fallback: datetime) -> datetime:
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return fallback
        return parsed if parsed.tzinfo is not None else fallback
    return fallback


def _birth_from_id(number: object) -> date | None:
    """The birth date a valid resident ID number encodes (GB 11643), when no date is given."""
    if not isinstance(number, str) or not is_valid_resident_id(number):
        return None
    digits = number[6:14] if len(number) == 18 else "19" + number[6:12]
    try:
        return date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        return None


def party_facts(value: object) -> PartyFacts | None:
    """A party's facts from step JSON (None when it is not an object)."""
    if not isinstance(value, Mapping):
        return None
    text = {k: v if isinstance(v, str) and v else None for k, v in value.items()}
    birth = _date(value.get("birth_date")) or _birth_from_id(value.get("id_number"))
    return PartyFacts(text.get("kind"), text.get("name"), birth, text.get("legal_representative"),
                      text.get("credit_code"))


_INDEX = re.compile(r"\[(\d+)\]")


def _path(field_name: str) -> list[str | int]:
    text = field_name[5:] if field_name.startswith("data.") else field_name
    text = _INDEX.sub(r".\1", text)
    return [int(p) if p.isdigit() else p for p in text.split(".") if p]


def _set(data: Any, path: list[str | int], value: object) -> None:
    target = data
    for key in path[:-1]:
        if isinstance(key, int) and isinstance(target, list) and key < len(target):
            target = target[key]
        elif isinstance(key, str) and isinstance(target, dict):
            target = target.setdefault(key, {})
        else:
            return
    last = path[-1]
    if isinstance(last, int) and isinstance(target, list) and last < len(target):
        target[last] = value
    elif isinstance(last, str) and isinstance(target, dict):
        target[last] = value


def apply_corrections(stream: str, history: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The history with every ``RecordCorrected`` of this stream applied to its target's data."""
    fixes: dict[int, list[tuple[str, object]]] = {}
    for entry in history:
        if entry.get("type") != "RecordCorrected":
            continue
        data = entry.get("data") or {}
        target = data.get("target")
        if not isinstance(target, Mapping) or target.get("stream") != stream:
            continue
        version = target.get("version")
        if isinstance(version, int) and isinstance(data.get("field"), str):
            fixes.setdefault(version, []).append((data["field"], data.get("new")))
    if not fixes:
        return list(history)
    out: list[Mapping[str, Any]] = []
    for index, entry in enumerate(history):
        version = entry.get("version")
        found = fixes.get(version if isinstance(version, int) else index + 1)
        if not found:
            out.append(entry)
            continue
        data = copy.deepcopy(dict(entry.get("data") or {}))
        for name, value in found:
            path = _path(name)
            if path:
                _set(data, path, copy.deepcopy(value))
        out.append({**entry, "data": data})
    return out


@dataclass(slots=True)
class _Fold:
    """What :func:`fold_case` has gathered so far (the accumulator its ``HANDLERS`` fill)."""

    scalars: dict[str, Any] = field(default_factory=dict)
    notices: list[Notice] = field(default_factory=list)
    waivers: list[Waiver] = field(default_factory=list)
    hearing_requests: list[int] = field(default_factory=list)
    hearings_held: list[int] = field(default_factory=list)
    legal_reviews: list[LegalReview] = field(default_factory=list)
    discussions: list[int] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)
    changes: list[int] = field(default_factory=list)
    publications: list[int] = field(default_factory=list)
    suppressions: list[str] = field(default_factory=list)
    persons: list[str] = field(default_factory=list)
    organisations: list[str] = field(default_factory=list)

    def name(self, kind: object, who: object) -> None:
        if isinstance(who, str) and who:
            (self.organisations if kind == "organisation" else self.persons).append(who)

    def state(self, stream: str, length: int) -> CaseState:
        return CaseState(
            stream=stream, length=length, **self.scalars, notices=tuple(self.notices), waivers=tuple(self.waivers),
            hearing_requests=tuple(self.hearing_requests), hearings_held=tuple(self.hearings_held),
            legal_reviews=tuple(self.legal_reviews), discussions=tuple(self.discussions),
            decisions=tuple(self.decisions), changes=tuple(self.changes), publications=tuple(self.publications),
            suppressions=tuple(self.suppressions), person_names=tuple(dict.fromkeys(self.persons)),
            organisation_names=tuple(dict.fromkeys(self.organisations)),
        )


Handler = Callable[[_Fold, int, Mapping[str, Any], Any], None]
"""``(accumulator, position, step, its data)``."""


def _registered(b: _Fold, position: int, entry: Mapping[str, Any], data: Any) -> None:
    violation = mapping_of(data.get("violation"))
    party = party_facts(data.get("party"))
    b.scalars.update(
        agency=data.get("agency"), procedure=data.get("procedure"), item=data.get("item"), party=party,
        violation=Violation(_date(violation.get("started_on")), _date(violation.get("ended_on")),
                            _date(violation.get("discovered_on"))),
        handlers=tuple(h for h in data.get("handlers") or () if isinstance(h, str)),
    )
    if party is not None:
        b.name(party.kind, party.name)
        b.name("person", party.legal_representative)


def _inquiry(b: _Fold, position: int, entry: Mapping[str, Any], data: Any) -> None:
    who = data.get("interviewee")
    if isinstance(who, Mapping):
        b.name(who.get("kind"), who.get("name"))
        b.name("person", who.get("legal_representative"))


def _hearing_held(b: _Fold, position: int, entry: Mapping[str, Any], data: Any) -> None:
    b.hearings_held.append(position)
    for agent in data.get("agents") or ():
        if isinstance(agent, Mapping):
            b.name(agent.get("kind"), agent.get("name"))
        else:
            b.name("person", agent)


def _hearing_requested(b: _Fold, position: int, entry: Mapping[str, Any], data: Any) -> None:
    b.hearing_requests.append(position)


def _notice(b: _Fold, position: int, entry: Mapping[str, Any], data: Any) -> None:
    at = step_time(entry)
    proposed = mapping_of(data.get("proposed"))
    rights = mapping_of(data.get("rights"))
    b.notices.append(Notice(
        position, at, _time(data.get("served_at"), at), proposed.get("outcome"),
        parse_penalties(proposed.get("penalties")), rights.get("statement") is True, rights.get("hearing") is True,
    ))


def _waived(b: _Fold, position: int, entry: Mapping[str, Any], data: Any) -> None:
    waived = frozenset(r for r in data.get("rights") or () if isinstance(r, str))
    b.waivers.append(Waiver(position, step_time(entry), waived))


def _reviewed(b: _Fold, position: int, entry: Mapping[str, Any], data: Any) -> None:
    b.legal_reviews.append(LegalReview(position, step_time(entry), data.get("outcome"), data.get("reviewer")))


def _discussed(b: _Fold, position: int, entry: Mapping[str, Any], data: Any) -> None:
    b.discussions.append(position)


def _decided(b: _Fold, position: int, entry: Mapping[str, Any], data: Any) -> None:
    kind = str(entry.get("type"))
    outcome = data.get("outcome") if kind == "DecisionMade" else "penalty"
    b.decisions.append(Decision(position, kind, step_time(entry), str(outcome), parse_penalties(data.get("penalties"))))


def _published(b: _Fold, position: int, entry: Mapping[str, Any], data: Any) -> None:
    b.publications.append(position)


def _suppressed(b: _Fold, position: int, entry: Mapping[str, Any], data: Any) -> None:
    b.suppressions.append(str(data.get("reason")))


HANDLERS: Final[dict[str, Handler]] = by_step_type({
    "CaseRegistered": _registered,
    "InquiryRecorded": _inquiry,
    "HearingHeld": _hearing_held,
    "HearingRequested": _hearing_requested,
    "PenaltyNoticeServed": _notice,
    "RightsWaived": _waived,
    "LegalReviewCompleted": _reviewed,
    "CollectiveDiscussionHeld": _discussed,
    "DecisionMade": _decided,
    "SummaryDecisionMade": _decided,
    "DecisionPublished": _published,
    "PublicationSuppressed": _suppressed,
})
"""The step types the gates' state reads, and how (every other step only counts in ``length``
and, when in ``CHANGE_STEPS``, as a change)."""


def fold_case(stream: str, history: Sequence[Mapping[str, Any]]) -> CaseState:
    """The case state after every step of ``history`` (its steps in version order)."""
    b = _Fold()
    for position, entry in enumerate(apply_corrections(stream, history)):
        kind = entry.get("type")
        if kind in CHANGE_STEPS:
            b.changes.append(position)
        handler = HANDLERS.get(kind) if isinstance(kind, str) else None
        if handler is not None:
            handler(b, position, entry, entry.get("data") or {})
    return b.state(stream, len(history))
