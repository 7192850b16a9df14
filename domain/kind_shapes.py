"""The nested shapes of licensing (行政许可) and complaint (投诉举报) steps, and of a licence
item in the registry.

Like ``domain.shapes``: each shape is a frozen dataclass for readers and an ``Obj`` spec
for the raw JSON with the same member names (``tests/test_vocabulary.py`` checks both).
Coercion and inspections have theirs in ``domain.coercion_shapes`` and ``domain.inspection_shapes``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Final

from domain.fields import Choice, Integer, ListOf, Obj, OneOf, Ref, StreamKind
from domain.shapes import (
    AGENCY,
    BASIS,
    BOOL,
    COUNT,
    DATE,
    DOCUMENT,
    FEN,
    LICENCE_STREAM,
    OFFICERS,
    RULE_ID,
    TEXT,
    TEXTS,
    DocumentRef,
    LegalBasis,
    opt,
    req,
)

# --------------------------------------------------------------------------- registry


@dataclass(frozen=True, slots=True)
class LicenceTerms:
    """What an agency publishes for a licence item (第30条): periods, materials, hearing, fee."""

    materials: tuple[str, ...]
    statutory_days: int | None = None
    promised_days: int | None = None
    extension_days: int | None = None
    joint: bool | None = None
    on_the_spot: bool | None = None
    hearing_required: bool | None = None
    affects_third_parties: bool | None = None
    testing: bool | None = None
    validity_months: int | None = None
    fee_fen: int | None = None
    fee_basis: tuple[LegalBasis, ...] | None = None


LICENCE_TERMS: Final = Obj((
    opt("statutory_days", Integer(minimum=1), note="default 20 WD"),
    opt("promised_days", Integer(minimum=1), note="承诺时限, WD"),
    opt("extension_days", COUNT, note="default 10"),
    opt("joint", BOOL, note="统一/联合/集中办理: 45 + 15"),
    opt("on_the_spot", BOOL),
    req("materials", TEXTS),
    opt("hearing_required", BOOL),
    opt("affects_third_parties", BOOL),
    opt("testing", BOOL),
    opt("validity_months", COUNT),
    opt("fee_fen", FEN),
    opt("fee_basis", BASIS),
), LicenceTerms, what="许可事项 {materials, statutory_days?, ...}")

# --------------------------------------------------------------------------- licence steps


@dataclass(frozen=True, slots=True)
class Agent:
    """The applicant's agent (委托代理人, 第29条) and the authorization."""

    name: str
    authorization: DocumentRef | None
    id_number: str | None = None


AGENT: Final = Obj((
    req("name", TEXT),
    opt("id_number", TEXT),
    req("authorization", DOCUMENT, fact=True),
), Agent, what="代理人 {name, id_number?, authorization}")


@dataclass(frozen=True, slots=True)
class Material:
    """One application material as received (申请材料)."""

    name: str
    file: DocumentRef | None


MATERIAL: Final = Obj((req("name", TEXT), req("file", DOCUMENT, fact=True)), Material,
                      what="申请材料 {name, file}")
MATERIALS: Final = ListOf(MATERIAL)


@dataclass(frozen=True, slots=True)
class LicenceConcerned:
    """The effective licence a change, renewal or cancellation application concerns."""

    stream: str
    licence_no: str
    valid_to: date


LICENCE_CONCERNED: Final = Obj((
    req("stream", LICENCE_STREAM),
    req("licence_no", TEXT),
    req("valid_to", DATE),
), LicenceConcerned, what="所涉许可 {stream, licence_no, valid_to}")


@dataclass(frozen=True, slots=True)
class LicenceHeld:
    """The licence an agency proceeding (撤回, 撤销, 注销) is about."""

    stream: str
    licence_no: str


LICENCE_HELD: Final = Obj((req("stream", LICENCE_STREAM), req("licence_no", TEXT)), LicenceHeld,
                          what="所涉许可 {stream, licence_no}")

LICENCE_ACTIONS: Final = ("withdrawal", "revocation", "cancellation")


@dataclass(frozen=True, slots=True)
class ProposedAction:
    """The action an agency proposes on a licence (拟撤回/撤销), told before it decides."""

    action: str
    grounds: tuple[str, ...]
    basis: tuple[LegalBasis, ...] | None


PROPOSED_ACTION: Final = Obj((
    req("action", Choice(LICENCE_ACTIONS)),
    req("grounds", TEXTS),
    req("basis", BASIS, fact=True),
), ProposedAction, what="拟作决定 {action, grounds, basis}")


@dataclass(frozen=True, slots=True)
class Compensation:
    """The compensation (补偿, 赔偿) decided with a withdrawal or revocation."""

    decided: bool
    amount_fen: int | None = None
    reasons: str | None = None


COMPENSATION: Final = Obj((
    req("decided", BOOL),
    opt("amount_fen", FEN),
    opt("reasons", TEXT),
), Compensation, what="补偿 {decided, amount_fen?, reasons?}")


@dataclass(frozen=True, slots=True)
class LicenceFee:
    """A fee charged for a licence: lawful only by law or administrative regulation (LIC-14)."""

    amount_fen: int
    basis: tuple[LegalBasis, ...] | None
    receipt_no: str | None


LICENCE_FEE: Final = Obj((
    req("amount_fen", FEN),
    req("basis", BASIS, fact=True),
    req("receipt_no", TEXT, fact=True),
), LicenceFee, what="收费 {amount_fen, basis, receipt_no}")

# --------------------------------------------------------------------------- complaint steps

COMPLAINED_FILE: Final = Ref(frozenset({StreamKind.CASE, StreamKind.LICENCE, StreamKind.COERCION,
                                          StreamKind.INSPECTION}))
"""A file a complaint may concern."""


@dataclass(frozen=True, slots=True)
class Origin:
    """The file a case came from (an inspection, coercion, complaint or licence stream)."""

    stream: str


ORIGIN: Final = Obj((req("stream", Ref(frozenset({StreamKind.LICENCE, StreamKind.COMPLAINT, StreamKind.INSPECTION,
                                                   StreamKind.COERCION}))),),
                    Origin, what="来源 {stream}")


@dataclass(frozen=True, slots=True)
class Against:
    """Whom and what a complaint is about: the agency, officers, file and document."""

    agency: str
    officers: tuple[str, ...] | None = None
    stream: str | None = None
    document_no: str | None = None


AGAINST: Final = Obj((
    req("agency", AGENCY),
    opt("officers", OFFICERS),
    opt("stream", COMPLAINED_FILE),
    opt("document_no", TEXT),
), Against, what="投诉对象 {agency, officers?, stream?, document_no?}")


@dataclass(frozen=True, slots=True)
class ComplaintFinding:
    """One finding of a complaint investigation, with the rule it concerns."""

    id: str
    text: str
    rule: str | None = None
    evidence: tuple[object, ...] | None = None


COMPLAINT_FINDING: Final = Obj((
    req("id", TEXT),
    req("text", TEXT),
    opt("rule", RULE_ID),
    opt("evidence", ListOf(OneOf((TEXT, DOCUMENT))), note="evidence ids or documents"),
), ComplaintFinding, what="调查发现 {id, text, rule?, evidence?}")

KIND_SHAPES: Final = (
    LICENCE_TERMS, AGENT, MATERIAL, LICENCE_CONCERNED, LICENCE_HELD, PROPOSED_ACTION,
    COMPENSATION, LICENCE_FEE, ORIGIN, AGAINST, COMPLAINT_FINDING,
)
"""Every shape of this module, for tests that keep specs and dataclasses in step."""

__all__ = [
    "AGAINST",
    "AGENT",
    "COMPENSATION",
    "COMPLAINED_FILE",
    "COMPLAINT_FINDING",
    "KIND_SHAPES",
    "LICENCE_ACTIONS",
    "LICENCE_CONCERNED",
    "LICENCE_FEE",
    "LICENCE_HELD",
    "LICENCE_TERMS",
    "MATERIAL",
    "MATERIALS",
    "ORIGIN",
    "PROPOSED_ACTION",
    "Against",
    "Agent",
    "Compensation",
    "ComplaintFinding",
    "LicenceConcerned",
    "LicenceFee",
    "LicenceHeld",
    "LicenceTerms",
    "Material",
    "Origin",
    "ProposedAction",
]
