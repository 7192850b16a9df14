"""Who may read what: the one place the service decides read access.

Writing is decided by the domain (``by`` must hold a role that may record the step,
in the case's agency) and the ledger (``by`` is the token's identity, or an admin acts
for it; 补录 needs an admin). Reading is decided here, from the reader's officer stream
and the registry:

| reader | reads |
|---|---|
| ``admin`` | everything |
| anyone authenticated | registry streams (``agency/``, ``officer/``, ``calendar/``): they are public anyway |
| a member of an agency (any role) | the streams concerning their agency |
| ``supervisor`` | the streams concerning every agency they supervise: those whose \
``supervised_by`` names the supervisor's agency, or that name none |
| ``reconsideration_staff`` | every ``review/`` stream |

The agency a stream concerns: a case's ``CaseRegistered.agency`` (before registration,
the agency of whoever recorded its first step); a review's or a lawsuit's target case's
agency (被申请人, 被告); a supervision stream's ``RectificationOrdered.agency``, or the
agency of the case a ``CaseFileEvaluated`` evaluates; a licence's ``LicenceApplied.agency`` (or
``LicenceProceedingOpened.agency``); an inspection's ``InspectionOpened.agency``, a spot check's
``SpotCheckPlanned.agency``; a 强制 file's ``CoercionOpened.agency``; a complaint's bureau, the agency
of the supervisor who recorded ``ComplaintReceived``. Registrations never change, so the answers are cached.

A complaint stream holds the complainant (CMP-04, PUB-06): only the supervisors of its bureau (and
administrators) read it; the agency complained of reads the complaint file's ``agency_view`` through
``/v1/complaints`` (``can_read_complaint_as_agency``), never the stream.

Routes for lists (case lists, warnings, statistics) filter with :class:`ReadScope`,
which says the same thing as a predicate over ``(agency, supervised_by)``.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from domain.fields import MalformedStream, parse_stream
from domain.identities import Officer
from ledger.service import Ledger

REGISTRY_KINDS = frozenset({"agency", "officer", "calendar"})
_CACHE = 10_000


@dataclass(frozen=True)
class Principal:
    """The identity behind a request: its token and the officer stream it acts as."""

    identity: str
    officer: Officer
    token_id: str

    def has_role(self, *roles: str) -> bool:
        return self.officer.has_role(*roles)

    @property
    def is_admin(self) -> bool:
        return self.officer.has_role("admin")

    @property
    def agency(self) -> str | None:
        return self.officer.agency


@dataclass(frozen=True)
class ReadScope:
    """What a principal reads, as a predicate over an agency and its ``supervised_by``.

    ``everything``: administrators. ``agency``: the reader's own agency.
    ``supervising``: the reader is a supervisor of this agency, and reads every agency
    supervised by it or by nobody in particular. ``reviews``: reconsideration staff.
    """

    everything: bool
    agency: str | None
    supervising: str | None
    reviews: bool

    def covers(self, agency: str | None, supervised_by: str | None) -> bool:
        if self.everything:
            return True
        if agency is None:
            return False
        if self.agency is not None and agency == self.agency:
            return True
        return self.supervising is not None and supervised_by in (None, self.supervising)


class _Lru:
    def __init__(self, size: int) -> None:
        self.size = size
        self.data: OrderedDict[str, Any] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str) -> tuple[bool, Any]:
        with self.lock:
            if key in self.data:
                self.data.move_to_end(key)
                return True, self.data[key]
        return False, None

    def put(self, key: str, value: Any) -> None:
        with self.lock:
            self.data[key] = value
            while len(self.data) > self.size:
                self.data.popitem(last=False)


class Access:
    """Read decisions over one ledger."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self._agency_of = _Lru(_CACHE)
        self._supervised_by = _Lru(_CACHE)

    def scope(self, principal: Principal) -> ReadScope:
        return ReadScope(
            everything=principal.is_admin,
            agency=principal.agency,
            supervising=principal.agency if principal.has_role("supervisor") else None,
            reviews=principal.has_role("reconsideration_staff"),
        )

    # -- the registry ---------------------------------------------------------------------

    def _history(self, stream: str) -> list[Any]:
        return self.ledger.cached(stream)

    def supervised_by(self, agency: str) -> str | None:
        """The agency named by ``AgencyRegistered.supervised_by`` (None: every supervisor)."""
        hit, value = self._supervised_by.get(agency)
        if hit:
            return value  # type: ignore[no-any-return]
        events = self._history(agency)
        registered = next((e for e in events if e.type == "AgencyRegistered"), None)
        value = registered.data.get("supervised_by") if registered is not None else None
        value = value if isinstance(value, str) else None
        if registered is not None:
            self._supervised_by.put(agency, value)
        return value

    def concerned_agency(self, stream: str) -> str | None:
        """The agency a case, review, litigation or supervision stream concerns (None if unknown)."""
        hit, value = self._agency_of.get(stream)
        if hit:
            return value  # type: ignore[no-any-return]
        try:
            kind, _ = parse_stream(stream)
        except MalformedStream:
            return None
        value, final = self._find_agency(kind.value, stream)
        if final:
            self._agency_of.put(stream, value)
        return value

    def _find_agency(self, kind: str, stream: str) -> tuple[str | None, bool]:
        """(agency, whether the answer can no longer change)."""
        events = self._history(stream)
        if not events:
            return None, False
        if kind == "case":
            registered = _first(events, "CaseRegistered")
            if registered is not None:
                agency = registered.get("agency")
                return (agency if isinstance(agency, str) else None), True
            first_by = self.ledger.officer(events[0].by)
            return (first_by.agency if first_by is not None else None), False
        if kind in ("review", "litigation"):
            opening = _first(events, "ReconsiderationApplied" if kind == "review" else "LawsuitFiled")
            target = (opening or {}).get("target")
            case = target.get("case") if isinstance(target, dict) else None
            if not isinstance(case, str):
                return None, opening is not None
            agency = self.concerned_agency(case)
            return agency, agency is not None
        if kind == "licence":
            opening = _first(events, "LicenceApplied") or _first(events, "LicenceProceedingOpened")
            agency = (opening or {}).get("agency")
            return (agency if isinstance(agency, str) else None), opening is not None
        if kind in _OPENINGS:
            opening = _first(events, _OPENINGS[kind])
            agency = (opening or {}).get("agency")
            return (agency if isinstance(agency, str) else None), opening is not None
        if kind == "complaint":
            first = next((e for e in events if e.type == "ComplaintReceived"), None)
            officer = self.ledger.officer(first.by) if first is not None else None
            return (officer.agency if officer is not None else None), officer is not None
        if kind == "supervision":
            for event in events:
                if event.type == "RectificationOrdered" and isinstance(event.data.get("agency"), str):
                    return str(event.data["agency"]), True
                if event.type == "CaseFileEvaluated" and isinstance(event.data.get("case"), str):
                    agency = self.concerned_agency(str(event.data["case"]))
                    return agency, agency is not None
            return None, False
        return None, True

    # -- decisions ---------------------------------------------------------------------------

    def supervises(self, principal: Principal, agency: str) -> bool:
        if not principal.has_role("supervisor"):
            return False
        named = self.supervised_by(agency)
        return named is None or named == principal.agency

    def covers_agency(self, principal: Principal, agency: str | None) -> bool:
        """Everything of ``agency``: its members, its supervisors, administrators."""
        if principal.is_admin:
            return True
        if agency is None:
            return False
        return agency == principal.agency or self.supervises(principal, agency)

    def can_read(self, principal: Principal, stream: str) -> bool:
        if principal.is_admin:
            return True
        try:
            kind, _ = parse_stream(stream)
        except MalformedStream:
            return False
        if kind.value in REGISTRY_KINDS:
            return True
        if kind.value == "review" and principal.has_role("reconsideration_staff"):
            return True
        agency = self.concerned_agency(stream)
        if kind.value == "complaint":
            return self.is_bureau_supervisor(principal, agency)
        if agency is None:
            # a supervision stream that names no agency yet: supervisors
            return kind.value == "supervision" and principal.has_role("supervisor")
        return self.covers_agency(principal, agency)

    def is_bureau_supervisor(self, principal: Principal, bureau: str | None) -> bool:
        """A supervisor of the justice bureau handling a complaint (or an administrator): who reads
        the complainant (CMP-04)."""
        if principal.is_admin:
            return True
        return bureau is not None and principal.has_role("supervisor") and principal.agency == bureau

    def can_read_document(self, principal: Principal, agencies: Iterable[str],
                          streams: Iterable[str] = ()) -> bool:
        """A document: readers of an agency that uploaded it, or of a stream that references it."""
        if principal.is_admin:
            return True
        if any(self.covers_agency(principal, agency) for agency in agencies):
            return True
        return any(self.can_read(principal, stream) for stream in streams)


_OPENINGS = {"coercion": "CoercionOpened", "inspection": "InspectionOpened", "spotcheck": "SpotCheckPlanned"}
"""The opening step whose ``agency`` a 强制, an inspection or a spot-check stream concerns."""


def _first(events: list[Any], step_type: str) -> dict[str, Any] | None:
    for event in events:
        if event.type == step_type:
            data: dict[str, Any] = event.data
            return data
    return None
