"""The nested shapes of coercive measures (行政强制措施) and enforcement by the agency (行政强制执行),
and of coercion and enforcement items in the registry.

Like ``domain.shapes``: each shape is a frozen dataclass for readers and an ``Obj`` spec for the
raw JSON with the same member names (``tests/test_vocabulary.py`` checks both). The steps that
use them are recorded on ``case/`` and ``coercion/`` streams alike (steps.md "Where a coercive
measure or an enforcement is recorded").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Final

from domain.fields import AnyOf, Choice, Integer, ListOf, Obj, OneOf, Ref, StreamKind
from domain.shapes import (
    AGENCY,
    BASIS,
    BOOL,
    COUNT,
    DATE,
    DOCUMENT,
    FEN,
    REMEDIES,
    TEXT,
    DocumentRef,
    LegalBasis,
    Remedies,
    opt,
    req,
)

# --------------------------------------------------------------------------- registry

COERCIVE_MEASURES: Final = ("seal", "seize", "freeze")
ENFORCEMENT_METHODS: Final = ("account_transfer", "auction", "demolition", "restore", "substitute", "other")
"""The methods an agency's own 强制执行 power may name (an ``enforcement`` item, 第13条)."""


@dataclass(frozen=True, slots=True)
class CoercionTerms:
    """The measures a ``coercion`` item allows, and a longer period where a law provides one (COE-07)."""

    measures: tuple[str, ...]
    max_days: int | None = None
    max_extension_days: int | None = None


COERCION_TERMS: Final = Obj((
    req("measures", ListOf(Choice(COERCIVE_MEASURES), min_items=1)),
    opt("max_days", Integer(minimum=1), note="only where a law or administrative regulation provides"),
    opt("max_extension_days", COUNT),
), CoercionTerms, what="强制措施事项 {measures, max_days?, max_extension_days?}")


@dataclass(frozen=True, slots=True)
class EnforcementTerms:
    """The 强制执行 methods a law gives the agency itself (ENF-01)."""

    methods: tuple[str, ...]


ENFORCEMENT_TERMS: Final = Obj((
    req("methods", ListOf(Choice(ENFORCEMENT_METHODS), min_items=1)),
), EnforcementTerms, what="强制执行事项 {methods}")

# --------------------------------------------------------------------------- coercion steps

COERCION_LINKED: Final = Ref(frozenset({StreamKind.INSPECTION, StreamKind.COMPLAINT, StreamKind.LICENCE}))
"""The file a stand-alone coercion came from (an inspection, a complaint, a licence)."""
DECIDING_FILE: Final = Ref(frozenset({StreamKind.CASE, StreamKind.LICENCE, StreamKind.COERCION}))
"""A file whose decision is enforced or disposes of seized items."""


@dataclass(frozen=True, slots=True)
class CoercionOrigin:
    """The inspection, complaint or licence stream a ``coercion/`` stream came from."""

    stream: str


COERCION_ORIGIN: Final = Obj((req("stream", COERCION_LINKED),), CoercionOrigin, what="来源 {stream}")


@dataclass(frozen=True, slots=True)
class EnforcedDecision:
    """The decision a stand-alone enforcement carries out (``CoercionOpened.decision``)."""

    document_no: str
    served_on: date
    stream: str | None = None


ENFORCED_DECISION: Final = Obj((
    opt("stream", DECIDING_FILE),
    req("document_no", TEXT),
    req("served_on", DATE),
), EnforcedDecision, what="被执行的决定 {stream?, document_no, served_on}")


@dataclass(frozen=True, slots=True)
class Witness:
    """A witness invited when the party is absent (第18条(九)); ``signed`` the record."""

    name: str
    signed: bool | None
    id_number: str | None = None


WITNESS: Final = Obj((
    req("name", TEXT),
    opt("id_number", TEXT),
    req("signed", BOOL, fact=True),
), Witness, what="见证人 {name, id_number?, signed}")


@dataclass(frozen=True, slots=True)
class SeizedItem:
    """One place, facility or thing sealed or seized (清单 entry), with the 第23条 flags."""

    id: str
    name: str
    quantity: int | str
    kind: str
    unit: str | None = None
    perishable: bool | None = None
    necessity: bool | None = None
    already_sealed_by: str | None = None


SEIZED_ITEM: Final = Obj((
    req("id", TEXT),
    req("name", TEXT),
    req("quantity", OneOf((COUNT, TEXT)), note="a whole number, or a text such as 1.5"),
    opt("unit", TEXT),
    req("kind", Choice(("place", "facility", "property"))),
    opt("perishable", BOOL),
    opt("necessity", BOOL, note="生活必需品 (第23条)"),
    opt("already_sealed_by", TEXT, note="another organ's seal (第23条)"),
), SeizedItem, what="查封扣押物品 {id, name, quantity, unit?, kind, ...}")


@dataclass(frozen=True, slots=True)
class SeizureDecision:
    """The 查封(扣押)决定书 (第24条): reason, basis, period, remedies, seal."""

    document_no: str | None
    reason: str
    basis: tuple[LegalBasis, ...] | None
    days: int
    until: date
    remedies: Remedies | None
    sealed_by: str | None
    document: DocumentRef | None


_DECISION_HEAD: Final = (
    req("document_no", TEXT, fact=True),
    req("reason", TEXT),
    req("basis", BASIS, fact=True),
    req("days", Integer(minimum=1)),
    req("until", DATE),
)
_DECISION_TAIL: Final = (
    req("remedies", REMEDIES, fact=True),
    req("sealed_by", AGENCY, fact=True),
    req("document", DOCUMENT, fact=True),
)

SEIZURE_DECISION: Final = Obj((*_DECISION_HEAD, *_DECISION_TAIL), SeizureDecision,
                              what="查封扣押决定书 {document_no, reason, basis, days, until, remedies, ...}")


@dataclass(frozen=True, slots=True)
class Custody:
    """Who keeps the seized property (第26条): the agency or a third party it entrusts."""

    holder: str
    third_party: str | None = None


CUSTODY: Final = Obj((
    req("holder", Choice(("agency", "third_party"))),
    opt("third_party", TEXT),
), Custody, what="保管 {holder, third_party?}")


@dataclass(frozen=True, slots=True)
class FreezeDecision:
    """The 冻结决定书 (第31条): the five contents, with the account and amount."""

    document_no: str | None
    reason: str
    basis: tuple[LegalBasis, ...] | None
    days: int
    until: date
    account: str
    amount_fen: int
    remedies: Remedies | None
    sealed_by: str | None
    document: DocumentRef | None


FREEZE_DECISION: Final = Obj((
    *_DECISION_HEAD,
    req("account", TEXT),
    req("amount_fen", FEN),
    *_DECISION_TAIL,
), FreezeDecision, what="冻结决定书 {document_no, reason, basis, days, until, account, amount_fen, ...}")


@dataclass(frozen=True, slots=True)
class DisposingDecision:
    """The decision that disposes of seized items: a case decision (``stream``) or the agency's
    own 处理决定书 on this stream."""

    document_no: str
    stream: str | None = None


DISPOSING_DECISION: Final = Obj((opt("stream", DECIDING_FILE), req("document_no", TEXT)), DisposingDecision,
                                what="处理决定 {stream?, document_no}")


@dataclass(frozen=True, slots=True)
class Disposal:
    """A penalty decision as 处理决定 of seized items (``DecisionMade.disposes``, 第27条)."""

    measure_id: str
    items: tuple[str, ...]
    disposition: str
    stream: str | None = None


DISPOSAL: Final = Obj((
    req("measure_id", TEXT),
    opt("stream", Ref(frozenset({StreamKind.COERCION})), note="absent: a measure of this case"),
    req("items", ListOf(TEXT, min_items=1)),
    req("disposition", Choice(("confiscated", "destroyed", "returned"))),
), Disposal, what="处理查封扣押物品 {measure_id, stream?, items, disposition}")
DISPOSALS: Final = ListOf(DISPOSAL, min_items=1)

# --------------------------------------------------------------------------- enforcement steps


@dataclass(frozen=True, slots=True)
class EnforcementWitness:
    """A witness at an enforcement, and whether they signed the 执行文书."""

    name: str
    signed: bool | None


ENFORCEMENT_WITNESS: Final = Obj((req("name", TEXT), req("signed", BOOL, fact=True)), EnforcementWitness,
                                 what="见证人 {name, signed}")


@dataclass(frozen=True, slots=True)
class Signatures:
    """Who signed or sealed the 执行文书 (第51条(四)): officers, performer, party or a witness."""

    officers: bool | None
    performer: bool | None = None
    party: bool | None = None
    witness: bool | None = None


SIGNATURES: Final = Obj((
    req("officers", BOOL, fact=True),
    opt("performer", BOOL, fact=True),
    opt("party", BOOL, fact=True),
    opt("witness", BOOL, fact=True),
), Signatures, (AnyOf(("party", "witness")),), what="签名 {officers, performer?, party 或 witness}")


@dataclass(frozen=True, slots=True)
class EnforcedTarget:
    """The decision a court application enforces, when it is not this case's penalty decision."""

    stream: str
    document_no: str


ENFORCED_TARGET: Final = Obj((req("stream", DECIDING_FILE), req("document_no", TEXT)), EnforcedTarget,
                             what="申请执行的决定 {stream, document_no}")

COERCION_SHAPES: Final = (
    COERCION_TERMS, ENFORCEMENT_TERMS, COERCION_ORIGIN, ENFORCED_DECISION, WITNESS, SEIZED_ITEM,
    SEIZURE_DECISION, CUSTODY, FREEZE_DECISION, DISPOSING_DECISION, DISPOSAL, ENFORCEMENT_WITNESS,
    SIGNATURES, ENFORCED_TARGET,
)
"""Every shape of this module, for tests that keep specs and dataclasses in step."""
