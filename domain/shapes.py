"""The nested shapes of step data (documents, legal bases, parties, penalties, ...).

Each shape is a frozen dataclass for readers and an ``Obj`` spec that checks the
raw JSON; the spec's field names are the dataclass's, so one cannot drift from
the other (``tests/test_vocabulary.py`` checks it). Optional members read as
``None`` when absent; legal facts read as ``None`` when backfilled as null.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Final

from domain.fields import (
    AnyJson,
    AnyOf,
    Boolean,
    Choice,
    Date,
    Field,
    FieldType,
    Integer,
    ListOf,
    Obj,
    OneOf,
    Ref,
    StreamKind,
    Text,
)

# --------------------------------------------------------------------------- scalar types

TEXT: Final = Text()
TEXTS: Final = ListOf(TEXT)
FEN: Final = Integer(minimum=0)
COUNT: Final = Integer(minimum=0)
BOOL: Final = Boolean()
DATE: Final = Date()
DATES: Final = ListOf(DATE)
ANY: Final = AnyJson()
OFFICER: Final = Ref(frozenset({StreamKind.OFFICER}))
OFFICERS: Final = ListOf(OFFICER)
AGENCY: Final = Ref(frozenset({StreamKind.AGENCY}))
CASE: Final = Ref(frozenset({StreamKind.CASE}))
LICENCE_STREAM: Final = Ref(frozenset({StreamKind.LICENCE}))
COMPLAINT_STREAM: Final = Ref(frozenset({StreamKind.COMPLAINT}))
DECIDING_STREAM: Final = Ref(frozenset({StreamKind.LICENCE, StreamKind.COERCION}))
"""A file other than a case whose decisions may be reviewed or sued (a licence, a coercion)."""
FILE_STREAM: Final = Ref(frozenset({StreamKind.LICENCE, StreamKind.COERCION, StreamKind.INSPECTION}))
"""A file other than a case that a rectification may concern."""
ANY_STREAM: Final = Ref(frozenset(StreamKind))
RULE_ID: Final = Text(re.compile(r"[A-Z]+-[0-9]+[A-Za-z]?"), "规则编号 (如 PEN-04)")
RULE_IDS: Final = ListOf(RULE_ID)
SHA256: Final = Text(re.compile(r"[0-9a-f]{64}"), "SHA-256 (64 位小写十六进制)")
MEDIA_TYPE: Final = Text(
    re.compile(r"[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*(?:;.*)?"),
    "媒体类型 (如 application/pdf)",
)

PENALTY_TYPES: Final = ("warning", "fine", "confiscation", "suspension", "revocation",
                        "detention", "other")
DECISION_OUTCOMES: Final = ("penalty", "no_penalty_minor", "no_penalty_first_violation",
                            "no_penalty_no_fault", "no_penalty_unproven")
PROPOSED_OUTCOMES: Final = (*DECISION_OUTCOMES, "transfer")
CIRCUMSTANCES: Final = ("轻微", "一般", "较重", "严重")
SERVICE_METHODS: Final = ("in_person", "mail", "electronic", "left_at_residence",
                          "public_notice")


def req(
    name: str, kind: FieldType, *, fact: bool = False, nullable: bool = False,
    must_hold: str | None = None, unless_stream: str | None = None, note: str = "",
) -> Field:
    """A required member (``fact=True``: a legal fact that backfilled history may leave null)."""
    return Field(name, kind, True, legal_fact=fact, nullable=nullable, must_hold=must_hold,
                 unless_stream=unless_stream, note=note)


def opt(
    name: str, kind: FieldType, *, fact: bool = False, nullable: bool = False,
    must_hold: str | None = None, note: str = "",
) -> Field:
    """An optional member: absent is fine; null only if ``nullable`` or a backfilled fact."""
    return Field(name, kind, False, legal_fact=fact, nullable=nullable, must_hold=must_hold,
                 note=note)


# --------------------------------------------------------------------------- shapes


@dataclass(frozen=True, slots=True)
class DocumentRef:
    """A document or media file, referenced by content; never embedded in the ledger."""

    sha256: str
    bytes: int
    media_type: str
    name: str


DOCUMENT: Final = Obj((
    req("sha256", SHA256),
    req("bytes", COUNT),
    req("media_type", MEDIA_TYPE),
    req("name", TEXT),
), DocumentRef, what="文件引用 {sha256, bytes, media_type, name}")
DOCUMENTS: Final = ListOf(DOCUMENT)


@dataclass(frozen=True, slots=True)
class LegalBasis:
    """A legal basis down to the article, clause and item; ``version`` is the text's date."""

    law: str
    article: int
    clause: int | None = None
    item: int | None = None
    version: date | None = None
    rank: str | None = None


NORM_RANKS: Final = ("law", "administrative_regulation", "local_regulation", "rule", "normative")
"""The rank of a norm (法律, 行政法规, 地方性法规, 规章, 规范性文件): whether it can found a
licence fee (行政许可法 第58条), a coercive measure (行政强制法 第10条) or a freezing (第29条)."""

LEGAL_BASIS: Final = Obj((
    req("law", TEXT),
    req("article", Integer(minimum=1)),
    opt("clause", Integer(minimum=1), nullable=True),
    opt("item", Integer(minimum=1), nullable=True),
    opt("version", DATE, nullable=True),
    opt("rank", Choice(NORM_RANKS), nullable=True),
), LegalBasis, what="法律依据 {law, article, clause?, item?, version?, rank?}")
BASIS: Final = ListOf(LEGAL_BASIS)

_PARTY_DETAILS: Final = (
    opt("id_number", TEXT),
    opt("credit_code", TEXT),
    opt("address", TEXT),
    opt("phone", TEXT),
    opt("birth_date", DATE),
    opt("legal_representative", TEXT),
)


@dataclass(frozen=True, slots=True)
class Party:
    """A natural person or an organisation (当事人, 申请人); holds personal data."""

    kind: str
    name: str
    id_number: str | None = None
    credit_code: str | None = None
    address: str | None = None
    phone: str | None = None
    birth_date: date | None = None
    legal_representative: str | None = None


PARTY_KINDS: Final = ("person", "organisation")
PARTY: Final = Obj((
    req("kind", Choice(PARTY_KINDS)),
    req("name", TEXT),
    *_PARTY_DETAILS,
), Party, what="当事人 {kind, name, ...}")


@dataclass(frozen=True, slots=True)
class Interviewee:
    """The person questioned in an inquiry (询问笔录), and in what capacity."""

    kind: str
    name: str
    role: str
    id_number: str | None = None
    credit_code: str | None = None
    address: str | None = None
    phone: str | None = None
    birth_date: date | None = None
    legal_representative: str | None = None


INTERVIEWEE: Final = Obj((
    req("kind", Choice(PARTY_KINDS)),
    req("name", TEXT),
    req("role", Choice(("party", "legal_representative", "witness", "other"))),
    *_PARTY_DETAILS,
), Interviewee, what="被询问人 {kind, name, role, ...}")


@dataclass(frozen=True, slots=True)
class Violation:
    """The alleged violation as registered (立案): its dates drive the limitation period."""

    summary: str
    discovered_on: date
    started_on: date | None = None
    ended_on: date | None = None


VIOLATION: Final = Obj((
    req("summary", TEXT),
    opt("started_on", DATE),
    opt("ended_on", DATE),
    req("discovered_on", DATE),
), Violation, what="违法行为 {summary, discovered_on, ...}")


@dataclass(frozen=True, slots=True)
class Penalty:
    """One penalty imposed or proposed; fines in integer fen."""

    type: str
    amount_fen: int | None = None


PENALTY: Final = Obj((
    req("type", Choice(PENALTY_TYPES)),
    opt("amount_fen", FEN),
), Penalty, what="处罚 {type, amount_fen?}")
PENALTIES: Final = ListOf(PENALTY)


@dataclass(frozen=True, slots=True)
class Proposed:
    """The proposed outcome (调查终结, 事先告知): compared with the decision by PEN-11."""

    outcome: str
    penalties: tuple[Penalty, ...]
    basis: tuple[LegalBasis, ...] | None


PROPOSED: Final = Obj((
    req("outcome", Choice(PROPOSED_OUTCOMES)),
    req("penalties", PENALTIES),
    req("basis", BASIS, fact=True),
), Proposed, what="拟处理意见 {outcome, penalties, basis}")


@dataclass(frozen=True, slots=True)
class Fact:
    """A finding of fact and the evidence ids that prove it."""

    id: str
    text: str
    evidence: tuple[str, ...]


FACT: Final = Obj((
    req("id", TEXT),
    req("text", TEXT),
    req("evidence", TEXTS),
), Fact, what="事实 {id, text, evidence}")
FACTS: Final = ListOf(FACT)


@dataclass(frozen=True, slots=True)
class Rights:
    """Which rights the notice told the party of (陈述申辩, 听证)."""

    statement: bool | None
    hearing: bool | None


RIGHTS: Final = Obj((
    req("statement", BOOL, fact=True),
    req("hearing", BOOL, fact=True),
), Rights, what="告知的权利 {statement, hearing}")


@dataclass(frozen=True, slots=True)
class Rejection:
    """A point of the party's statement not adopted, and why (PEN-10 reasons)."""

    point: str
    reason: str


REJECTION: Final = Obj((req("point", TEXT), req("reason", TEXT)), Rejection,
                       what="未采纳意见 {point, reason}")


@dataclass(frozen=True, slots=True)
class AdoptedPoint:
    """A point of the party's statement that was adopted, when given as an object."""

    point: str


ADOPTED_POINT: Final = Obj((req("point", TEXT),), AdoptedPoint, what="采纳意见 {point}")

OPINION_SUBJECTS: Final = ("subject", "competence", "officers", "procedure", "facts", "evidence",
                           "law", "discretion", "documents", "crime_transfer")


@dataclass(frozen=True, slots=True)
class Opinions:
    """法制审核 opinion on each reviewed point: ``ok`` or the issue found, in words."""

    subject: str
    competence: str
    officers: str
    procedure: str
    facts: str
    evidence: str
    law: str
    discretion: str
    documents: str
    crime_transfer: str


OPINIONS: Final = Obj(tuple(req(name, TEXT) for name in OPINION_SUBJECTS), Opinions,
                      what="审核意见 {subject, ..., crime_transfer}")


@dataclass(frozen=True, slots=True)
class Remedies:
    """The remedies told in a decision (复议机关与期限, 法院与起诉期限)."""

    reconsideration_bodies: tuple[str, ...]
    reconsideration_days: int
    court: str
    litigation_months: int


REMEDIES: Final = Obj((
    req("reconsideration_bodies", TEXTS),
    req("reconsideration_days", COUNT),
    req("court", TEXT),
    req("litigation_months", COUNT),
), Remedies, what="救济途径 {reconsideration_bodies, reconsideration_days, court, "
                  "litigation_months}")


@dataclass(frozen=True, slots=True)
class Instalment:
    """One instalment of a deferred payment (分期缴纳)."""

    due: date
    amount_fen: int


INSTALMENT: Final = Obj((req("due", DATE), req("amount_fen", FEN)), Instalment,
                        what="分期 {due, amount_fen}")


@dataclass(frozen=True, slots=True)
class Band:
    """A discretion band of an enforcement item (裁量基准): range of the fine by circumstance."""

    circumstance: str
    min_fen: int
    max_fen: int


BAND: Final = Obj((
    req("circumstance", Choice(CIRCUMSTANCES)),
    req("min_fen", FEN),
    req("max_fen", FEN),
), Band, what="裁量档次 {circumstance, min_fen, max_fen}")


@dataclass(frozen=True, slots=True)
class NoPenaltyPolicy:
    """An item's 包容免罚 list: when a first, minor violation goes unpunished."""

    conditions: tuple[str, ...]
    first_violation_months: int


NO_PENALTY: Final = Obj((
    req("conditions", TEXTS),
    req("first_violation_months", COUNT),
), NoPenaltyPolicy, what="免罚清单 {conditions, first_violation_months}")


@dataclass(frozen=True, slots=True)
class DecisionTarget:
    """The decision a reconsideration or lawsuit is about: in a case (``case``) or in
    another file that decides (``stream``: a licence or coercion stream)."""

    document_no: str
    case: str | None = None
    stream: str | None = None

    @property
    def file(self) -> str:
        """The stream of the decision, whichever member names it."""
        found = self.case or self.stream
        assert found is not None
        return found


DECISION_TARGET: Final = Obj(
    (opt("case", CASE), opt("stream", DECIDING_STREAM), req("document_no", TEXT)), DecisionTarget,
    (AnyOf(("case", "stream"), exclusive=True),),
    what="被申请/被诉决定 {case 或 stream, document_no}",
)


@dataclass(frozen=True, slots=True)
class EventTarget:
    """The recorded event a clerical correction (补正) is about."""

    stream: str
    version: int


EVENT_TARGET: Final = Obj((req("stream", ANY_STREAM), req("version", Integer(minimum=1))),
                          EventTarget, what="被补正的事件 {stream, version}")


@dataclass(frozen=True, slots=True)
class Appearance:
    """Who appeared in court for the defendant agency, in which capacity (出庭应诉)."""

    person: str
    role: str


APPEARANCE: Final = Obj((
    req("person", TEXT),
    req("role", Choice(("principal_head", "deputy_head", "responsible_head", "staff",
                        "lawyer"))),
), Appearance, what="出庭人员 {person, role}")


@dataclass(frozen=True, slots=True)
class FindingScore:
    """One finding of a case-file evaluation and the points it deducted."""

    rule: str
    points: int


FINDING: Final = Obj((req("rule", RULE_ID), req("points", COUNT)), FindingScore,
                     what="评查发现 {rule, points}")


@dataclass(frozen=True, slots=True)
class Override:
    """A recorded exception to one gate: who authorised it and why; the audit still reports."""

    rule: str
    justification: str
    authorized_by: str


OVERRIDE: Final = Obj((
    req("rule", RULE_ID),
    req("justification", TEXT),
    req("authorized_by", OFFICER),
), Override, what="越权记录 {rule, justification, authorized_by}")

TEXT_OR_DOCUMENT: Final = OneOf((TEXT, DOCUMENT))
PARTY_OR_NAME: Final = OneOf((TEXT, PARTY))

ALL_SHAPES: Final = (
    DOCUMENT, LEGAL_BASIS, PARTY, INTERVIEWEE, VIOLATION, PENALTY, PROPOSED, FACT, RIGHTS,
    REJECTION, ADOPTED_POINT, OPINIONS, REMEDIES, INSTALMENT, BAND, NO_PENALTY,
    DECISION_TARGET, EVENT_TARGET, APPEARANCE, FINDING, OVERRIDE,
)
"""Every nested shape, for tests that keep specs and dataclasses in step."""
