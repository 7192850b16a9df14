"""The registry (事前公开) as of a given time: agencies, their items and catalogue, officers.

Why "as of": gates and the audit judge a step by the legal facts in force when it
happened (rules.md "How the project applies it"): the item's range on the day of
the decision, an officer's credential on the day of the inspection. So these folds
take only the registry steps whose ``at`` is at or before the time asked for;
a later revision of an item, a renewal or a revocation does not reach back.

One exception, by design: a stream's opening step (``AgencyRegistered``,
``OfficerRegistered``) always counts. Registration is the ledger learning of a
body or a person; the legal facts it carries have their own dates
(``credential_valid_from``/``_to``), which are what the check reads.

Structural role checks read the registry as recorded (``validation.Context.officer``);
these folds are for legal facts. Everything here is a pure function of a stream's
history, so a ledger implements ``GateContext`` simply by wrapping its validation
context in ``HistoryRegistry``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from functools import lru_cache
from types import MappingProxyType
from typing import Any, Final

from domain.beacon import CheckpointLog
from domain.identities import Officer
from domain.item_terms import CoercionTerms, EnforcementTerms, SpotCheckTerms, basis_ranks
from domain.reading import int_of, texts_of
from domain.shapes import Band
from domain.validation import Context, History

__all__ = [
    "CREDENTIAL_STATES",
    "AgencyState",
    "CoercionTerms",
    "EnforcementTerms",
    "HistoryRegistry",
    "Item",
    "LicenceTerms",
    "OfficerRecord",
    "ReviewCatalogue",
    "SpotCheckTerms",
    "credential_state",
    "fold_agency",
    "fold_officer",
    "step_time",
]


@lru_cache(maxsize=65536)
def _parse_time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def step_time(entry: Mapping[str, Any]) -> datetime:
    """The ``at`` of a recorded step as an aware datetime (steps are checked on entry)."""
    at = entry["at"]
    return at if isinstance(at, datetime) else _parse_time(str(at))


def _date(value: object) -> date | None:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


# --------------------------------------------------------------------------- agencies


@dataclass(frozen=True, slots=True)
class LicenceTerms:
    """A licence item's published terms (``EnforcementItemPublished.licence``): its periods in WD,
    which win over the configured defaults for the item, and what its procedure requires."""

    statutory_days: int | None = None
    promised_days: int | None = None
    extension_days: int | None = None
    joint: bool = False
    on_the_spot: bool = False
    hearing_required: bool = False
    affects_third_parties: bool = False
    testing: bool = False
    materials: tuple[str, ...] = ()
    fee_fen: int | None = None
    """The published fee (LIC-14); None: the item publishes none."""
    fee_basis: tuple[Mapping[str, Any], ...] = ()
    """The law or administrative regulation allowing the fee (第58条, LIC-14)."""

    @classmethod
    def from_data(cls, value: object) -> LicenceTerms | None:
        if not isinstance(value, Mapping):
            return None
        return cls(
            statutory_days=int_of(value.get("statutory_days")), promised_days=int_of(value.get("promised_days")),
            extension_days=int_of(value.get("extension_days")), joint=value.get("joint") is True,
            on_the_spot=value.get("on_the_spot") is True, hearing_required=value.get("hearing_required") is True,
            affects_third_parties=value.get("affects_third_parties") is True, testing=value.get("testing") is True,
            materials=texts_of(value.get("materials")), fee_fen=int_of(value.get("fee_fen")),
            fee_basis=tuple(b for b in value.get("fee_basis") or () if isinstance(b, Mapping)),
        )


@dataclass(frozen=True, slots=True)
class Item:
    """An enforcement item (执法事项) as published: what penalties it allows, in what range."""

    code: str
    name: str
    kind: str
    penalty_types: frozenset[str]
    min_fen: int | None
    max_fen: int | None
    bands: tuple[Band, ...]
    no_penalty_conditions: tuple[str, ...]
    first_violation_months: int | None
    published_at: datetime
    licence: LicenceTerms | None = None
    """The ``licence`` terms of a ``licence`` item (None for other kinds)."""
    coercion: CoercionTerms | None = None
    """The ``coercion`` terms of a ``coercion`` item."""
    enforcement: EnforcementTerms | None = None
    """The ``enforcement`` terms of an ``enforcement`` item."""
    spot_check: SpotCheckTerms | None = None
    """The ``spot_check`` terms of an ``inspection`` item."""
    basis_ranks: tuple[str, ...] = ()
    """The ``rank`` of each ``basis`` (COE-01, ENF-01: what norm founds the power)."""

    @property
    def fine_range(self) -> tuple[int | None, int | None]:
        """The fine's legal range (fen): ``min_fen``/``max_fen``, else the bands' extremes."""
        low, high = self.min_fen, self.max_fen
        if low is None and self.bands:
            low = min(b.min_fen for b in self.bands)
        if high is None and self.bands:
            high = max(b.max_fen for b in self.bands)
        return low, high

    @classmethod
    def from_data(cls, data: Mapping[str, Any], at: datetime) -> Item:
        bands = tuple(
            Band(str(b.get("circumstance")), int_of(b.get("min_fen")) or 0, int_of(b.get("max_fen")) or 0)
            for b in data.get("bands") or () if isinstance(b, Mapping)
        )
        no_penalty = data.get("no_penalty")
        conditions: tuple[str, ...] = ()
        months = None
        if isinstance(no_penalty, Mapping):
            conditions = texts_of(no_penalty.get("conditions"))
            months = int_of(no_penalty.get("first_violation_months"))
        return cls(
            code=str(data.get("code", "")), name=str(data.get("name", "")), kind=str(data.get("kind", "")),
            penalty_types=frozenset(texts_of(data.get("penalty_types"))),
            min_fen=int_of(data.get("min_fen")), max_fen=int_of(data.get("max_fen")), bands=bands,
            no_penalty_conditions=conditions, first_violation_months=months, published_at=at,
            licence=LicenceTerms.from_data(data.get("licence")),
            coercion=CoercionTerms.from_data(data.get("coercion")),
            enforcement=EnforcementTerms.from_data(data.get("enforcement")),
            spot_check=SpotCheckTerms.from_data(data.get("spot_check")), basis_ranks=basis_ranks(data.get("basis")),
        )


@dataclass(frozen=True, slots=True)
class ReviewCatalogue:
    """An agency's 法制审核目录清单 and 较大数额 thresholds (fen; met at or above)."""

    person_fen: int
    organisation_fen: int
    hearing_person_fen: int
    hearing_organisation_fen: int
    categories: tuple[str, ...]
    published_at: datetime
    items: tuple[str, ...] = ()
    """Codes of the items whose decisions need a 法制审核 (TS-10)."""


@dataclass(frozen=True, slots=True)
class AgencyState:
    """An agency as the registry shows it at some time."""

    id: str
    name: str
    credit_code: str | None
    reconsideration_bodies: tuple[str, ...]
    court: str | None
    supervised_by: str | None
    items: Mapping[str, Item]
    catalogue: ReviewCatalogue | None

    def item(self, code: str | None) -> Item | None:
        return self.items.get(code) if code is not None else None


def fold_agency(stream: str, history: History, as_of: datetime | None = None) -> AgencyState | None:
    """The agency ``stream`` as of ``as_of`` (None: everything recorded); None if unregistered."""
    state: AgencyState | None = None
    items: dict[str, Item] = {}
    for entry in history:
        kind = entry.get("type")
        data = entry.get("data") or {}
        if kind == "AgencyRegistered":
            state = AgencyState(
                id=stream, name=str(data.get("name", "")), credit_code=data.get("credit_code"),
                reconsideration_bodies=texts_of(data.get("reconsideration_bodies")), court=data.get("court"),
                supervised_by=data.get("supervised_by"), items=MappingProxyType({}), catalogue=None,
            )
            continue
        if state is None:
            continue
        at = step_time(entry)
        if as_of is not None and at > as_of:
            continue
        if kind == "EnforcementItemPublished":
            item = Item.from_data(data, at)
            items[item.code] = item
        elif kind == "LegalReviewCatalogPublished":
            state = replace(state, catalogue=ReviewCatalogue(
                person_fen=int_of(data.get("person_fen")) or 0,
                organisation_fen=int_of(data.get("organisation_fen")) or 0,
                hearing_person_fen=int_of(data.get("hearing_person_fen")) or 0,
                hearing_organisation_fen=int_of(data.get("hearing_organisation_fen")) or 0,
                categories=texts_of(data.get("categories")), published_at=at, items=texts_of(data.get("items")),
            ))
    if state is None:
        return None
    return replace(state, items=MappingProxyType(items))


# --------------------------------------------------------------------------- officers


@dataclass(frozen=True, slots=True)
class OfficerRecord:
    """An officer's legal standing at some time: agency, roles, 执法证, 法律职业资格."""

    id: str
    name: str
    agency: str | None
    roles: frozenset[str]
    credential_no: str | None
    credential_valid_from: date | None
    credential_valid_to: date | None
    credential_revoked: bool
    fields: tuple[str, ...]
    legal_qualification_no: str | None

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    def credential_state(self, day: date) -> str:
        """The 行政执法证's state on ``day``: one of :data:`CREDENTIAL_STATES`."""
        return credential_state(self.credential_no, self.credential_revoked, self.credential_valid_from,
                                self.credential_valid_to, day)

    def credential_problem(self, day: date) -> str | None:
        """Why the 行政执法证 is not valid on ``day`` (in Chinese), or None when it is."""
        state = self.credential_state(day)
        if state == "none":
            return "未持有行政执法证"
        if state == "revoked":
            return f"行政执法证 {self.credential_no} 已被吊销"
        if state == "not_yet_valid" and self.credential_valid_from is not None:
            return f"行政执法证 {self.credential_no} 自 {self.credential_valid_from.isoformat()} 起才有效"
        if state == "expired" and self.credential_valid_to is not None:
            return f"行政执法证 {self.credential_no} 已于 {self.credential_valid_to.isoformat()} 到期"
        return None


CREDENTIAL_STATES: Final = ("valid", "expired", "not_yet_valid", "revoked", "none")
"""What a 行政执法证 is on a given day; the registry shows it at its 基准日 (issue 13, 2)."""


def credential_state(number: str | None, revoked: bool, valid_from: date | None, valid_to: date | None,
                     day: date) -> str:
    """The state of a 行政执法证 on ``day``: valid from ``valid_from`` to ``valid_to`` inclusive."""
    if not number:
        return "none"
    if revoked:
        return "revoked"
    if valid_from is not None and day < valid_from:
        return "not_yet_valid"
    if valid_to is not None and day > valid_to:
        return "expired"
    return "valid"


def fold_officer(stream: str, history: History, as_of: datetime | None = None) -> OfficerRecord | None:
    """The officer ``stream`` as of ``as_of`` (None: everything recorded); None if unregistered."""
    state: OfficerRecord | None = None
    for entry in history:
        kind = entry.get("type")
        data = entry.get("data") or {}
        if kind == "OfficerRegistered":
            state = OfficerRecord(
                id=stream, name=str(data.get("name", "")), agency=data.get("agency"),
                roles=frozenset(texts_of(data.get("roles"))), credential_no=data.get("credential_no"),
                credential_valid_from=_date(data.get("credential_valid_from")),
                credential_valid_to=_date(data.get("credential_valid_to")), credential_revoked=False,
                fields=texts_of(data.get("fields")), legal_qualification_no=data.get("legal_qualification_no"),
            )
            continue
        if state is None or (as_of is not None and step_time(entry) > as_of):
            continue
        if kind == "CredentialRenewed":
            state = replace(
                state, credential_no=data.get("credential_no") or state.credential_no,
                credential_valid_to=_date(data.get("valid_to")) or state.credential_valid_to,
                credential_revoked=False,
            )
        elif kind == "CredentialRevoked":
            state = replace(state, credential_revoked=True)
    return state


# --------------------------------------------------------------------------- the context


class HistoryRegistry:
    """A gate context over any validation ``Context``: the registry folded from its history.

    The ledger wraps the view it validates with (``HistoryRegistry(view)``); tests wrap
    an in-memory dict of streams. A stream's full fold is kept while its history has the
    same length and serves every ``at`` no earlier than its newest step (the common case:
    the registry predates the cases); steps added to the context are seen at once. ``log``: this
    ledger's transparency log (the ledger passes its own; None in pure tests).
    """

    def __init__(self, ctx: Context, log: CheckpointLog | None = None) -> None:
        self._ctx = ctx
        self.log = log
        self._full: dict[tuple[str, int], tuple[Any, datetime | None]] = {}

    def _as_of(self, stream: str, at: datetime, fold: Any) -> Any:
        history = self._ctx.history(stream)
        key = (stream, len(history))
        full = self._full.get(key)
        if full is None:
            newest = max((step_time(entry) for entry in history), default=None)
            full = self._full[key] = (fold(stream, history), newest)
        if full[1] is None or full[1] <= at:
            return full[0]
        return fold(stream, history, at)

    def history(self, stream: str) -> History:
        return self._ctx.history(stream)

    def officer(self, identity: str) -> Officer | None:
        return self._ctx.officer(identity)

    def agency_as_of(self, agency: str, at: datetime) -> AgencyState | None:
        """The agency's registry entry as of ``at`` (items and catalogue published by then)."""
        state: AgencyState | None = self._as_of(agency, at, fold_agency)
        return state

    def officer_as_of(self, identity: str, at: datetime) -> OfficerRecord | None:
        """The officer's standing as of ``at`` (renewals and revocations dated by then)."""
        record: OfficerRecord | None = self._as_of(identity, at, fold_officer)
        return record

    def targeting(self, stream: str) -> Sequence[str]:
        """The reviews and lawsuits targeting ``stream``: the wrapped context's index
        (``domain.appeals.TargetIndex``); none when the context keeps no such index."""
        finder = getattr(self._ctx, "targeting", None)
        return tuple(finder(stream)) if callable(finder) else ()
