"""The state of a ``licence/`` stream that the LIC gates need, folded from its steps.

Why a fold like ``domain.casestate``'s: a gate judges a decision against the stream *before*
it — which agency decides, which item was applied for and when, which hearings were told,
requested, held or abandoned (LIC-01, LIC-08). Cheap and forgiving: it reads the stored JSON,
tolerates backfilled nulls, and keeps only what the gates ask. Each step type has its handler
in ``HANDLERS`` (the coercion and inspection streams of a later issue get tables of their own).
Clerical corrections are applied first, as for cases.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final

from domain.casestate import CaseState, apply_corrections, party_facts
from domain.reading import mapping_of, text_of
from domain.registry import step_time
from domain.step_types import by_step_type

__all__ = ["HANDLERS", "HearingEvent", "LicenceState", "fold_licence", "publication_case"]


@dataclass(frozen=True, slots=True)
class HearingEvent:
    """A hearing step of the stream: its position (0-based, version order) and time."""

    position: int
    at: datetime


@dataclass(frozen=True, slots=True)
class LicenceState:
    """What a licence stream shows so far."""

    stream: str
    length: int = 0
    agency: str | None = None
    """The deciding agency: ``LicenceApplied.agency``, or ``LicenceProceedingOpened.agency``."""
    item: str | None = None
    applied_at: datetime | None = None
    application: str | None = None
    licence_stream: str | None = None
    """The stream of the licence a change, renewal or agency proceeding concerns."""
    action: str | None = None
    """An agency proceeding's ``action`` (withdrawal/revocation/cancellation)."""
    rights_told: tuple[HearingEvent, ...] = ()
    requests: tuple[HearingEvent, ...] = ()
    held: tuple[HearingEvent, ...] = ()
    abandoned: tuple[HearingEvent, ...] = ()
    announced: tuple[HearingEvent, ...] = ()

    def told_before(self, position: int) -> HearingEvent | None:
        """The last 听证权利告知 before ``position`` (the one a request answers)."""
        earlier = [e for e in self.rights_told if e.position < position]
        return earlier[-1] if earlier else None

    def answered(self, request: HearingEvent) -> bool:
        """Whether a hearing was held, or abandoned, after ``request``."""
        return any(e.position > request.position for e in (*self.held, *self.abandoned))


@dataclass(slots=True)
class _Fold:
    scalars: dict[str, Any] = field(default_factory=dict)
    events: dict[str, list[HearingEvent]] = field(default_factory=dict)

    def add(self, name: str, position: int, entry: Mapping[str, Any], member: str | None = None) -> None:
        at = step_time(entry)
        stated = mapping_of(entry.get("data")).get(member) if member else None
        if isinstance(stated, str):
            try:
                parsed = datetime.fromisoformat(stated.replace("Z", "+00:00"))
                at = parsed if parsed.tzinfo is not None else at
            except ValueError:
                pass
        self.events.setdefault(name, []).append(HearingEvent(position, at))

    def state(self, stream: str, length: int) -> LicenceState:
        members: dict[str, Any] = {name: tuple(found) for name, found in self.events.items()}
        return LicenceState(stream, length, **self.scalars, **members)


Handler = Callable[[_Fold, int, Mapping[str, Any], Mapping[str, Any]], None]
"""``(accumulator, position, step, its data)``."""


def _applied(b: _Fold, position: int, entry: Mapping[str, Any], data: Mapping[str, Any]) -> None:
    b.scalars.update(agency=text_of(data.get("agency")), item=text_of(data.get("item")), applied_at=step_time(entry),
                     application=text_of(data.get("application")),
                     licence_stream=text_of(mapping_of(data.get("licence")).get("stream")))


def _opened(b: _Fold, position: int, entry: Mapping[str, Any], data: Mapping[str, Any]) -> None:
    b.scalars.update(agency=text_of(data.get("agency")), action=text_of(data.get("action")),
                     licence_stream=text_of(mapping_of(data.get("licence")).get("stream")))


def _event(name: str, member: str | None = None) -> Handler:
    def handle(b: _Fold, position: int, entry: Mapping[str, Any], data: Mapping[str, Any]) -> None:
        b.add(name, position, entry, member)
    return handle


HANDLERS: Final[dict[str, Handler]] = by_step_type({
    "LicenceApplied": _applied,
    "LicenceProceedingOpened": _opened,
    "HearingRightsNotified": _event("rights_told", "served_at"),
    "HearingRequested": _event("requests"),
    "HearingHeld": _event("held"),
    "HearingAbandoned": _event("abandoned"),
    "HearingAnnounced": _event("announced", "published_at"),
})
"""The step types the LIC gates' state reads, and how (every other step only counts in ``length``)."""


def fold_licence(stream: str, history: Sequence[Mapping[str, Any]]) -> LicenceState:
    """The licence stream's state after every step of ``history`` (version order)."""
    b = _Fold()
    for position, entry in enumerate(apply_corrections(stream, history)):
        kind = entry.get("type")
        handler = HANDLERS.get(kind) if isinstance(kind, str) else None
        if handler is not None:
            handler(b, position, entry, mapping_of(entry.get("data")))
    return b.state(stream, len(history))


_PARTIES: Final[dict[str, tuple[str, ...]]] = {
    "LicenceApplied": ("applicant",), "LicenceProceedingOpened": ("holder",),
    "LicenceReviewed": ("interested_parties",), "InterestedPartyNotified": ("party",),
    "HearingRightsNotified": ("to",), "HearingRequested": ("requested_by",), "HearingHeld": ("agents",),
}
"""The members of licence steps that name parties or persons (PUB-01 must know their names)."""


def _names(value: object, persons: list[str], organisations: list[str]) -> None:
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, str) and item and not item.startswith(("officer/", "agency/")):
            persons.append(item)
        elif isinstance(item, Mapping) and isinstance(item.get("name"), str) and item["name"]:
            (organisations if item.get("kind") == "organisation" else persons).append(item["name"])
            if isinstance(item.get("legal_representative"), str) and item["legal_representative"]:
                persons.append(item["legal_representative"])


LICENCE_OPENINGS: Final = {"LicenceApplied": "applicant", "LicenceProceedingOpened": "holder"}
"""The opening steps of a licence stream and the member naming its party."""
PARTY_OPENINGS: Final[Mapping[str, Mapping[str, str]]] = {
    "licence": LICENCE_OPENINGS, "coercion": {"CoercionOpened": "party"}, "inspection": {"InspectionOpened": "object"},
}
"""By stream kind (other than a case): the opening steps naming the party a publication is masked against."""


def publication_case(stream: str, history: Sequence[Mapping[str, Any]],
                     openings: Mapping[str, str] = LICENCE_OPENINGS) -> CaseState:
    """A stream other than a case as PUB-01 and PUB-02 read a publication on it: the party its opening
    step names (``openings``: step type → member; a licence's applicant or holder by default, a 强制
    file's ``CoercionOpened.party``, an inspection's ``InspectionOpened.object``), every person and
    organisation the stream names (the agent, interested parties, those told of a hearing, hearing
    agents) and its suppressions.

    Why a ``CaseState``: the publication gates and the public surfaces judge a text against one
    masking context (``domain.gates.publication.personal_data_context``) whatever the stream's kind.
    """
    persons: list[str] = []
    organisations: list[str] = []
    party = agency = None
    suppressions: list[str] = []
    for entry in apply_corrections(stream, history):
        data = mapping_of(entry.get("data"))
        kind = entry.get("type")
        if kind in openings and party is None:
            party = party_facts(data.get(openings[str(kind)]))
            if kind not in _PARTIES:  # another kind's opening: its party's names as well
                _names(data.get(openings[str(kind)]), persons, organisations)
            agency = text_of(data.get("agency"))
            _names(mapping_of(data.get("agent")).get("name"), persons, organisations)
        elif kind == "PublicationSuppressed":
            suppressions.append(str(data.get("reason")))
        for member in _PARTIES.get(str(kind), ()):
            _names(data.get(member), persons, organisations)
    return CaseState(stream, len(history), agency=agency, party=party, suppressions=tuple(suppressions),
                     person_names=tuple(dict.fromkeys(persons)), organisation_names=tuple(dict.fromkeys(organisations)))
