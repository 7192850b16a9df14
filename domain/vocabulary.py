"""The step vocabulary of ``docs/spec/steps.md`` as data, and its structural checks.

Everything recordable is listed here once: the stream it belongs to, whether it
may open a stream, who may record it, and its data fields with their types. The
ledger, the API, the import and the audit all read this table, so a name in
steps.md is a name here (``tests/test_vocabulary.py`` parses steps.md to keep
both in step). Structural checks never consult state: gates and stream order
live elsewhere and read ``RecordRule`` and ``Field.must_hold`` from here.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import Final, TypeVar

from domain.errors import StepRefused
from domain.fields import (
    JSON_KINDS,
    NULL,
    AnyOf,
    Choice,
    Condition,
    Field,
    FieldType,
    Integer,
    ListOf,
    MalformedStream,
    Obj,
    OneOf,
    Problem,
    PublicKey,
    Ref,
    RequiredWhen,
    StreamKind,
    Timestamp,
    join,
    parse_stream,
)
from domain.shapes import (
    ADOPTED_POINT,
    AGENCY,
    ANY,
    APPEARANCE,
    BAND,
    BASIS,
    BOOL,
    CASE,
    CIRCUMSTANCES,
    COUNT,
    DATE,
    DATES,
    DECISION_OUTCOMES,
    DECISION_TARGET,
    DOCUMENT,
    DOCUMENTS,
    EVENT_TARGET,
    FACTS,
    FEN,
    FINDING,
    INSTALMENT,
    INTERVIEWEE,
    NO_PENALTY,
    OFFICER,
    OFFICERS,
    OPINIONS,
    OVERRIDE,
    PARTY,
    PARTY_OR_NAME,
    PENALTIES,
    PENALTY_TYPES,
    PROPOSED,
    REJECTION,
    REMEDIES,
    RIGHTS,
    RULE_ID,
    RULE_IDS,
    SERVICE_METHODS,
    TEXT,
    TEXT_OR_DOCUMENT,
    TEXTS,
    VIOLATION,
    Override,
    opt,
    req,
)

__all__ = [
    "BOOTSTRAP_OFFICER",
    "STEPS",
    "InvalidStepData",
    "MalformedStream",
    "Problem",
    "Proviso",
    "RecordRule",
    "Role",
    "Scope",
    "StepData",
    "StepSpec",
    "StreamKind",
    "UnknownStepType",
    "accepted_kinds_at",
    "check_override",
    "check_step_data",
    "field_at",
    "may_open_stream",
    "parse_data",
    "parse_override",
    "parse_stream",
    "record_rule",
    "roles_may_record",
    "spec",
    "step_types",
    "stream_kind_of",
]

TS: Final = Timestamp()
BOOTSTRAP_OFFICER: Final = "officer/admin"
"""The identity ``init`` creates; the only officer registered without an agency."""

# --------------------------------------------------------------------------- who records


class Role(StrEnum):
    """The roles an officer stream may hold (``OfficerRegistered.roles``)."""

    OFFICER = "officer"
    LEGAL_REVIEWER = "legal_reviewer"
    HEAD = "head"
    SUPERVISOR = "supervisor"
    RECONSIDERATION_STAFF = "reconsideration_staff"
    ADMIN = "admin"


class Scope(StrEnum):
    """Of which agency ``by`` must hold the role (read from the registry by the caller)."""

    ANY = "any"
    """Any agency: administrators, reconsideration staff."""
    CASE_AGENCY = "case_agency"
    """The agency of the case (``CaseRegistered.agency``)."""
    RESPONDENT_AGENCY = "respondent_agency"
    """The agency of the case a reconsideration targets (被申请人)."""
    DEFENDANT_AGENCY = "defendant_agency"
    """The agency of the case a lawsuit targets (被告)."""
    SUPERVISING = "supervising"
    """A supervisor of the agency concerned (``supervised_by``; default every supervisor)."""


class Proviso(StrEnum):
    """The special cases of the table "Who may record what"."""

    OWN_KEY = "own_key"
    """The officer whose stream it is may record it without the role (rotate own key)."""
    NOT_HANDLER = "not_handler"
    """``by`` must not be a handler of the case (legal review, hearing presider)."""


@dataclass(frozen=True, slots=True)
class RecordRule:
    """Who may record a step: ``by`` holds one of ``roles`` in the ``scope`` agency."""

    roles: frozenset[Role]
    scope: Scope
    provisos: frozenset[Proviso] = frozenset()
    note: str = ""


def _rule(*roles: Role, scope: Scope = Scope.ANY, provisos: tuple[Proviso, ...] = (),
          note: str = "") -> RecordRule:
    return RecordRule(frozenset(roles), scope, frozenset(provisos), note)


ADMIN_RULE: Final = _rule(Role.ADMIN)
OWN_KEY_RULE: Final = _rule(Role.ADMIN, provisos=(Proviso.OWN_KEY,),
                            note="an officer may rotate their own key")
CASE_RULE: Final = _rule(Role.OFFICER, Role.HEAD, scope=Scope.CASE_AGENCY,
                         note="approvals (approved_by, decided_by, attendees) name heads")
LEGAL_REVIEW_RULE: Final = _rule(Role.LEGAL_REVIEWER, scope=Scope.CASE_AGENCY,
                                 provisos=(Proviso.NOT_HANDLER,))
HEARING_RULE: Final = _rule(Role.HEAD, Role.OFFICER, scope=Scope.CASE_AGENCY,
                            provisos=(Proviso.NOT_HANDLER,))
REVIEW_RULE: Final = _rule(Role.RECONSIDERATION_STAFF)
ANSWER_RULE: Final = _rule(Role.OFFICER, Role.HEAD, scope=Scope.RESPONDENT_AGENCY)
LITIGATION_RULE: Final = _rule(Role.OFFICER, Role.HEAD, scope=Scope.DEFENDANT_AGENCY)
SUPERVISION_RULE: Final = _rule(Role.SUPERVISOR, scope=Scope.SUPERVISING)
EVALUATION_RULE: Final = _rule(Role.SUPERVISOR, Role.LEGAL_REVIEWER, scope=Scope.SUPERVISING,
                               note="legal_reviewer as well as supervisor")

# --------------------------------------------------------------------------- steps


@dataclass(frozen=True, slots=True)
class StepSpec:
    """One step type: where it goes, whether it opens a stream, who records it, its data."""

    name: str
    stream: StreamKind
    opens: bool
    record: RecordRule
    data: Obj
    note: str = ""

    @property
    def fields(self) -> Mapping[str, Field]:
        """The data fields by name."""
        return self.data.by_name

    @property
    def conditions(self) -> tuple[Condition, ...]:
        """Requirements across fields (one of two given; required with general procedure)."""
        return self.data.conditions


def _step(
    name: str, stream: StreamKind, record: RecordRule, *fields: Field, opens: bool = False,
    conditions: tuple[Condition, ...] = (), note: str = "",
) -> StepSpec:
    return StepSpec(name, stream, opens, record,
                    Obj(fields, None, conditions, what=f"{name} 的 data 对象"), note)


_A, _O, _C = StreamKind.AGENCY, StreamKind.OFFICER, StreamKind.CASE
_R, _L, _S = StreamKind.REVIEW, StreamKind.LITIGATION, StreamKind.SUPERVISION
HEAD: Final = Role.HEAD.value

_REGISTRY: Final = (
    _step("AgencyRegistered", _A, ADMIN_RULE,
          req("name", TEXT), req("credit_code", TEXT), req("level", TEXT), req("region", TEXT),
          req("reconsideration_bodies", TEXTS), req("court", TEXT),
          opt("supervised_by", AGENCY, note="absent: every supervisor supervises it"),
          opens=True),
    _step("EnforcementItemPublished", _A, ADMIN_RULE,
          req("code", TEXT), req("name", TEXT),
          req("kind", Choice(("penalty", "inspection", "coercion"))),
          req("basis", BASIS, fact=True), req("sanction_basis", BASIS, fact=True),
          req("penalty_types", ListOf(Choice(PENALTY_TYPES))),
          opt("min_fen", FEN), opt("max_fen", FEN), opt("bands", ListOf(BAND)),
          opt("no_penalty", NO_PENALTY)),
    _step("LegalReviewCatalogPublished", _A, ADMIN_RULE,
          req("person_fen", FEN), req("organisation_fen", FEN),
          req("hearing_person_fen", FEN), req("hearing_organisation_fen", FEN),
          req("categories", TEXTS)),
    _step("OfficerRegistered", _O, ADMIN_RULE,
          req("name", TEXT), req("agency", AGENCY, unless_stream=BOOTSTRAP_OFFICER),
          req("roles", ListOf(Choice(tuple(role.value for role in Role)), min_items=1)),
          opt("credential_no", TEXT), opt("credential_valid_from", DATE),
          opt("credential_valid_to", DATE), opt("fields", TEXTS),
          opt("legal_qualification_no", TEXT),
          opt("public_key", PublicKey(), note="absent: the server generates and keeps one"),
          opens=True),
    _step("CredentialRenewed", _O, ADMIN_RULE, req("credential_no", TEXT), req("valid_to", DATE)),
    _step("CredentialRevoked", _O, ADMIN_RULE, req("reason", TEXT)),
    _step("KeyRotated", _O, OWN_KEY_RULE,
          opt("public_key", PublicKey(), note="absent: the server generates one")),
    _step("KeyRevoked", _O, ADMIN_RULE,
          req("key_id", TEXT), req("reason", Choice(("retired", "compromised")))),
    _step("HolidayNoticePublished", StreamKind.CALENDAR, ADMIN_RULE,
          req("year", Integer(minimum=1949, maximum=9999)), req("holidays", DATES),
          req("workdays", DATES), req("source", TEXT), opens=True),
)

_TRIGGER: Final = Ref(frozenset({_R, _L, _S}), frozenset({"self"}))
"""``self``, or the review, litigation or supervision stream that led to a correction."""

_CASE: Final = (
    _step("CaseSourceRecorded", _C, CASE_RULE,
          req("source", Choice(("complaint", "inspection", "transfer", "referral", "other"))),
          req("received_at", TS), req("summary", TEXT), opens=True),
    _step("CaseRegistered", _C, CASE_RULE,
          req("agency", AGENCY), req("procedure", Choice(("general", "summary"))),
          req("item", TEXT), req("party", PARTY), req("violation", VIOLATION),
          req("handlers", OFFICERS),
          opt("approved_by", OFFICER, fact=True, must_hold=HEAD,
              note="required with the general procedure"),
          opt("document", DOCUMENT, fact=True, note="立案审批表; general procedure"),
          opens=True,
          conditions=(RequiredWhen("approved_by", "procedure", ("general",), "普通程序须立案审批"),)),
    _step("InquiryRecorded", _C, CASE_RULE,
          req("officers", OFFICERS), req("credentials_shown", BOOL, fact=True),
          req("interviewee", INTERVIEWEE), req("started_at", TS), req("ended_at", TS),
          req("record", DOCUMENT, fact=True), opt("av", DOCUMENTS, fact=True),
          opt("signed_by_interviewee", BOOL, fact=True), opt("refusal_noted", BOOL, fact=True),
          conditions=(AnyOf(("signed_by_interviewee", "refusal_noted")),)),
    _step("InspectionRecorded", _C, CASE_RULE,
          req("officers", OFFICERS), req("credentials_shown", BOOL, fact=True),
          req("place", TEXT), req("started_at", TS), req("ended_at", TS),
          req("record", DOCUMENT, fact=True), opt("av", DOCUMENTS, fact=True)),
    _step("EvidenceCollected", _C, CASE_RULE,
          req("evidence_id", TEXT),
          req("kind", Choice(("documentary", "physical", "audiovisual", "electronic", "witness",
                              "statement", "expert_opinion", "inspection_record"))),
          req("source", TEXT), req("collected_by", OFFICERS), req("file", DOCUMENT, fact=True),
          opt("proves", TEXTS), opt("identifies_party", BOOL), opt("illegally_obtained", BOOL)),
    _step("EvidencePreserved", _C, CASE_RULE,
          req("officers", OFFICERS), req("approved_by", OFFICER, fact=True, must_hold=HEAD),
          req("approved_at", TS, fact=True), req("items", ListOf(ANY, min_items=1)),
          req("list_served_at", TS), req("document", DOCUMENT, fact=True),
          note="先行登记保存"),
    _step("PreservationResolved", _C, CASE_RULE,
          req("disposition", Choice(("returned", "confiscated", "transferred", "released",
                                     "other"))),
          req("document", DOCUMENT, fact=True)),
    _step("RecusalRequested", _C, CASE_RULE, req("officer", OFFICER), req("reason", TEXT)),
    _step("RecusalDecided", _C, CASE_RULE,
          req("decided_by", OFFICER, fact=True, must_hold=HEAD), req("granted", BOOL)),
    _step("InvestigationConcluded", _C, CASE_RULE,
          req("report", DOCUMENT, fact=True), req("facts", FACTS), req("proposed", PROPOSED),
          req("circumstance", Choice(CIRCUMSTANCES))),
    _step("PenaltyNoticeServed", _C, CASE_RULE,
          req("proposed", PROPOSED), req("facts", FACTS), req("rights", RIGHTS),
          req("method", Choice(SERVICE_METHODS)), req("served_at", TS),
          req("document", DOCUMENT, fact=True), req("receipt", DOCUMENT, fact=True)),
    _step("StatementSubmitted", _C, CASE_RULE, req("content", DOCUMENT, fact=True)),
    _step("StatementReviewed", _C, CASE_RULE,
          req("adopted", ListOf(OneOf((TEXT, ADOPTED_POINT)))),
          req("rejected", ListOf(REJECTION))),
    _step("RightsWaived", _C, CASE_RULE,
          req("rights", ListOf(Choice(("statement", "hearing")), min_items=1)),
          req("document", DOCUMENT, fact=True)),
    _step("HearingRequested", _C, CASE_RULE, req("requested_at", TS)),
    _step("HearingNoticeServed", _C, CASE_RULE,
          req("served_at", TS), req("hearing_at", TS), req("place", TEXT),
          req("document", DOCUMENT, fact=True), req("receipt", DOCUMENT, fact=True)),
    _step("HearingHeld", _C, HEARING_RULE,
          req("presider", OFFICER), req("record", DOCUMENT, fact=True),
          req("report", DOCUMENT, fact=True), req("public", BOOL),
          opt("agents", ListOf(PARTY_OR_NAME), note="the party's agents: names or parties")),
    _step("HearingAbandoned", _C, CASE_RULE, req("reason", TEXT)),
    _step("LegalReviewRequested", _C, CASE_RULE, req("materials", DOCUMENTS, fact=True)),
    _step("LegalReviewCompleted", _C, LEGAL_REVIEW_RULE,
          req("reviewer", OFFICER, must_hold=Role.LEGAL_REVIEWER.value),
          req("outcome", Choice(("approved", "issues_found"))), req("opinions", OPINIONS),
          req("document", DOCUMENT, fact=True)),
    _step("CollectiveDiscussionHeld", _C, CASE_RULE,
          req("attendees", OFFICERS, fact=True, must_hold=HEAD), req("conclusion", TEXT),
          req("record", DOCUMENT, fact=True)),
    _step("TimeLimitExtended", _C, CASE_RULE,
          req("rule", RULE_ID), req("approved_by", OFFICER, fact=True, must_hold=HEAD),
          req("days", Integer(minimum=1)), req("reason", TEXT), req("basis", BASIS, fact=True)),
    _step("DecisionMade", _C, CASE_RULE,
          req("outcome", Choice(DECISION_OUTCOMES)), req("penalties", PENALTIES),
          req("correction_ordered", BOOL), opt("correction_due", DATE),
          req("basis", BASIS, fact=True), req("document_no", TEXT, fact=True),
          req("sealed_by", AGENCY, fact=True),
          req("approved_by", OFFICER, fact=True, must_hold=HEAD),
          req("approval_form", DOCUMENT, fact=True), req("remedies", REMEDIES, fact=True),
          opt("payment_due_days", COUNT), req("surcharge_told", BOOL, fact=True),
          opt("no_penalty_grounds", TEXTS, note="with a no_penalty_* outcome"),
          req("document", DOCUMENT, fact=True)),
    _step("SummaryDecisionMade", _C, CASE_RULE,
          req("officers", OFFICERS), req("credentials_shown", BOOL, fact=True),
          req("rights_told", BOOL, fact=True), opt("statement", TEXT),
          req("penalties", PENALTIES), req("correction_ordered", BOOL),
          req("basis", BASIS, fact=True), req("form_no", TEXT, fact=True), req("place", TEXT),
          req("sealed_by", AGENCY, fact=True), req("remedies", REMEDIES, fact=True),
          req("surcharge_told", BOOL, fact=True), req("document", DOCUMENT, fact=True),
          note="简易程序"),
    _step("EducationGiven", _C, CASE_RULE,
          req("method", Choice(("批评教育", "行政指导", "other"))),
          req("document", DOCUMENT, fact=True)),
    _step("DecisionServed", _C, CASE_RULE,
          req("method", Choice(SERVICE_METHODS)), req("served_at", TS),
          req("receipt", DOCUMENT, fact=True), opt("consent", DOCUMENT, fact=True)),
    _step("PaymentRecorded", _C, CASE_RULE,
          req("amount_fen", FEN), req("paid_at", TS),
          req("channel", Choice(("bank", "electronic", "on_the_spot"))),
          req("receipt_no", TEXT, fact=True), opt("on_the_spot_reason", TEXT)),
    _step("CashHandedOver", _C, CASE_RULE,
          req("amount_fen", FEN), req("handed_over_at", TS), req("deposited_at", TS)),
    _step("PaymentDeferred", _C, CASE_RULE,
          req("approved_by", OFFICER, fact=True, must_hold=HEAD), opt("until", DATE),
          opt("instalments", ListOf(INSTALMENT, min_items=1)),
          conditions=(AnyOf(("until", "instalments"), exclusive=True),)),
    _step("PaymentDemanded", _C, CASE_RULE,
          req("served_at", TS), req("document", DOCUMENT, fact=True), note="催告"),
    _step("CourtEnforcementApplied", _C, CASE_RULE, req("court", TEXT), req("applied_at", TS)),
    _step("TransferDecided", _C, CASE_RULE,
          req("decided_by", OFFICER, fact=True, must_hold=HEAD, note="the principal head"),
          req("transfer", BOOL), req("reason", TEXT), req("report", DOCUMENT, fact=True)),
    _step("TransferredToJudicialOrgan", _C, CASE_RULE,
          req("organ", TEXT), req("transferred_at", TS), req("materials", DOCUMENTS, fact=True)),
    _step("DecisionPublished", _C, CASE_RULE,
          req("published_at", TS), req("channel", TEXT), opt("url", TEXT),
          req("text", TEXT, note="redacted (PUB-01)"), opt("regime", TEXT),
          opt("min_until", DATE), opt("max_until", DATE)),
    _step("PublicationSuppressed", _C, CASE_RULE,
          req("reason", Choice(("minor", "secret", "privacy", "security", "designated"))),
          req("basis", BASIS, fact=True)),
    _step("PublicationCorrectionRequested", _C, CASE_RULE,
          req("requested_at", TS), req("points", TEXTS)),
    _step("PublicationCorrected", _C, CASE_RULE, req("corrected_at", TS), req("text", TEXT)),
    _step("PublicationWithdrawn", _C, CASE_RULE,
          req("withdrawn_at", TS), req("reason", TEXT), req("explanation", TEXT)),
    _step("DecisionCorrected", _C, CASE_RULE,
          req("kind", Choice(("changed", "revoked", "partially_revoked", "confirmed_illegal",
                              "confirmed_void"))),
          req("triggered_by", _TRIGGER),
          req("effective_at", TS), opt("received_at", TS),
          opt("replacement", ANY, note="left open by steps.md")),
    _step("RecordCorrected", _C, CASE_RULE,
          req("target", EVENT_TARGET), req("field", TEXT), req("old", ANY), req("new", ANY),
          req("reason", TEXT), note="补正 of a clerical error; the original stays"),
    _step("CaseClosed", _C, CASE_RULE,
          req("approved_by", OFFICER, fact=True, must_hold=HEAD), req("summary", TEXT),
          opt("report", DOCUMENT, fact=True, note="结案报告; general procedure")),
    _step("CaseArchived", _C, CASE_RULE,
          req("archive_no", TEXT), req("retention", Choice(("permanent", "30y", "10y")))),
)

_DECISION_KINDS: Final = ("upheld", "dismissed", "changed", "revoked", "partially_revoked",
                          "confirmed_illegal", "confirmed_void", "ordered_to_perform",
                          "mediated", "terminated")

_REVIEW: Final = (
    _step("ReconsiderationApplied", _R, REVIEW_RULE,
          req("applicant", PARTY), req("target", DECISION_TARGET), req("received_at", TS),
          opt("learned_at", TS), opens=True),
    _step("ReconsiderationAccepted", _R, REVIEW_RULE, req("decided_at", TS)),
    _step("ReconsiderationRejected", _R, REVIEW_RULE, req("decided_at", TS), req("reason", TEXT)),
    _step("AnswerRequested", _R, REVIEW_RULE, req("sent_at", TS)),
    _step("AnswerFiled", _R, ANSWER_RULE,
          req("filed_at", TS), req("evidence", DOCUMENTS, fact=True)),
    _step("ReconsiderationHearingHeld", _R, REVIEW_RULE,
          req("held_at", TS), req("respondent_head_attended", BOOL),
          opt("reason_if_absent", TEXT)),
    _step("ReconsiderationExtended", _R, REVIEW_RULE,
          req("approved_by", OFFICER, fact=True),
          req("days", Integer(minimum=1), note="≤30 is the law's limit, judged by the audit")),
    _step("ReconsiderationDecided", _R, REVIEW_RULE,
          req("type", Choice(_DECISION_KINDS)), req("grounds", TEXTS), req("decided_at", TS),
          opt("served_at", TS), opt("order_remake", BOOL)),
    _step("OpinionLetterIssued", _R, REVIEW_RULE,
          req("to", AGENCY), req("issued_at", TS), req("content", TEXT_OR_DOCUMENT),
          note="意见书"),
    _step("SuggestionLetterIssued", _R, REVIEW_RULE,
          req("to", AGENCY), req("issued_at", TS), req("content", TEXT_OR_DOCUMENT),
          note="建议书"),
    _step("OpinionLetterAnswered", _R, REVIEW_RULE,
          req("answered_at", TS), req("correction", TEXT)),
)

_LITIGATION: Final = (
    _step("LawsuitFiled", _L, LITIGATION_RULE,
          req("court", TEXT), req("target", DECISION_TARGET), req("filed_at", TS), opens=True),
    _step("CourtHearingAttended", _L, LITIGATION_RULE,
          req("hearing_at", TS), req("appeared", ListOf(APPEARANCE)),
          opt("head_absent_reason", TEXT), opt("summoned_head", BOOL)),
    _step("JudgmentReceived", _L, LITIGATION_RULE,
          req("outcome", Choice(("upheld", "dismissed", "revoked", "confirmed_illegal",
                                 "confirmed_void", "changed", "ordered_to_perform"))),
          req("received_at", TS), req("instance", Choice(("first", "second", "retrial")))),
    _step("JudicialSuggestionReceived", _L, LITIGATION_RULE,
          req("received_at", TS), req("content", TEXT_OR_DOCUMENT)),
)

_SUPERVISION: Final = (
    _step("CaseFileEvaluated", _S, EVALUATION_RULE,
          req("case", CASE), req("evaluator", OFFICER), req("score", COUNT),
          req("grade", Choice(("优秀", "合格", "不合格"))), req("findings", ListOf(FINDING)),
          req("report", DOCUMENT, fact=True), opens=True),
    _step("RectificationOrdered", _S, SUPERVISION_RULE,
          req("agency", AGENCY), opt("case", CASE), req("findings", RULE_IDS),
          req("due_at", TS), opens=True),
    _step("RectificationReported", _S, SUPERVISION_RULE,
          req("reported_at", TS), req("actions", TEXTS), opens=True),
)

STEPS: Final[Mapping[str, StepSpec]] = MappingProxyType(
    {s.name: s for s in (*_REGISTRY, *_CASE, *_REVIEW, *_LITIGATION, *_SUPERVISION)}
)
"""Every step type of steps.md, by name."""

# --------------------------------------------------------------------------- lookups


class UnknownStepType(StepRefused, LookupError):
    """A ``type`` that steps.md does not define."""

    def __init__(self, step_type: object) -> None:
        super().__init__("STRUCT-TYPE", f"未知的步骤类型: {step_type!r}")


def spec(step_type: str) -> StepSpec:
    """The spec of a step type; raises ``UnknownStepType``."""
    found = STEPS.get(step_type) if isinstance(step_type, str) else None
    if found is None:
        raise UnknownStepType(step_type)
    return found


def step_types() -> frozenset[str]:
    """The names of every step type."""
    return frozenset(STEPS)


def stream_kind_of(step_type: str) -> StreamKind:
    """The kind of stream a step type is recorded on."""
    return spec(step_type).stream


def may_open_stream(step_type: str) -> bool:
    """Whether the step may be a stream's first (opening steps of steps.md)."""
    return spec(step_type).opens


def record_rule(step_type: str) -> RecordRule:
    """Who may record the step: roles, the agency they must hold them in, and provisos."""
    return spec(step_type).record


def roles_may_record(step_type: str) -> frozenset[str]:
    """The roles of which ``by`` must hold one (see ``record_rule`` for the provisos)."""
    return spec(step_type).record.roles


# --------------------------------------------------------------------------- checks


def check_step_data(
    step_type: str, data: Mapping[str, object], *, backfill: bool = False,
    stream: str | None = None,
) -> list[Problem]:
    """Every structural problem of a step's data; empty when it may be recorded.

    ``backfill`` lets legal facts (seals, approvals, signatures, credentials shown,
    legal bases, documents) be null: imported history keeps what the paper shows
    and the audit judges it. ``stream``, when given, is checked against the type
    and lifts stream-specific requirements (``officer/admin`` has no agency).
    """
    step = STEPS.get(step_type) if isinstance(step_type, str) else None
    if step is None:
        return [Problem("type", f"未知的步骤类型: {step_type!r}")]
    out: list[Problem] = []
    if stream is not None:
        _check_stream(step, stream, data, out)
    step.data.check_members(data, "data", out, backfill, stream)
    return out


def _check_stream(step: StepSpec, stream: str, data: Mapping[str, object],
                  out: list[Problem]) -> None:
    try:
        kind, ident = parse_stream(stream)
    except MalformedStream as error:
        out.append(Problem("stream", error.message))
        return
    if kind is not step.stream:
        out.append(Problem("stream", f"{step.name} 应记录在 {step.stream.value}/<编号> 流上"))
    elif kind is StreamKind.CALENDAR and isinstance(data, Mapping):
        year = data.get("year")
        if isinstance(year, int) and not isinstance(year, bool) and str(year) != ident:
            out.append(Problem("data.year", f"应与 stream 的年份 {ident} 一致"))
        notice_year = str(year) if isinstance(year, int) and not isinstance(year, bool) else ident
        _check_notice_days(notice_year, data, out)


def _check_notice_days(year: str, data: Mapping[str, object], out: list[Problem]) -> None:
    """A holiday notice's days lie in its year, each a holiday or a make-up workday, not both.

    ``domain.calendar.HolidayNotice`` cannot hold any other notice, and the live gates build
    their calendar from the notices recorded: one such notice must never be recorded.
    """
    given: dict[str, set[str]] = {}
    for name in ("holidays", "workdays"):
        days = data.get(name)
        if not isinstance(days, list):
            continue
        given[name] = {d for d in days if isinstance(d, str)}
        for i, day in enumerate(days):
            if isinstance(day, str) and day[:4] != year:
                out.append(Problem(f"data.{name}[{i}]", f"应为 {year} 年的日期"))
    both = given.get("holidays", set()) & given.get("workdays", set())
    if both:
        out.append(Problem("data.workdays", f"同一日期既是假日又是调休工作日: {'、'.join(sorted(both))}"))


def check_override(
    override: object, *, gate_rules: Collection[str] | None = None
) -> list[Problem]:
    """Problems of a step's ``override``: one ``{rule, justification, authorized_by}`` or a
    list with one per gate rule. ``None`` means no override. ``gate_rules``, when given,
    are the rule ids that may be overridden at all."""
    if override is None:
        return []
    out: list[Problem] = []
    if isinstance(override, Mapping):
        items: list[tuple[str, object]] = [("override", override)]
    elif isinstance(override, list | tuple):
        if not override:
            out.append(Problem("override", "越权列表不能为空"))
        items = [(join("override", index), item) for index, item in enumerate(override)]
    else:
        return [Problem("override", "应为对象 {rule, justification, authorized_by} 或其列表")]
    seen: set[str] = set()
    for path, item in items:
        if item is None:
            out.append(Problem(path, "不能为 null, 应为越权记录对象"))
            continue
        OVERRIDE.check(item, path, out, False)
        rule = item.get("rule") if isinstance(item, Mapping) else None
        if not isinstance(rule, str):
            continue
        if rule in seen:
            out.append(Problem(join(path, "rule"), f"同一门禁规则 {rule} 只能越权一次"))
        seen.add(rule)
        if gate_rules is not None and rule not in gate_rules:
            out.append(Problem(join(path, "rule"), f"{rule} 不是可越权的门禁规则"))
    return out


# --------------------------------------------------------------------------- reading


class InvalidStepData(StepRefused, ValueError):
    """Data that fails the structural checks; ``problems`` lists every defect."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("STRUCT-FIELD", "; ".join(str(p) for p in problems))


T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class StepData:
    """A step's data read into Python values: dates, aware datetimes, shape dataclasses,
    tuples. For reading only; the ledger keeps (and exports) the JSON as written.

    ``values`` holds the vocabulary's fields that are given and not null; ``extra``
    the fields steps.md does not (yet) list, frozen as found.
    """

    step_type: str
    values: Mapping[str, object]
    extra: Mapping[str, object]

    def __contains__(self, name: object) -> bool:
        return name in self.values

    def __iter__(self) -> Iterator[str]:
        return iter(self.values)

    def get(self, name: str, kind: type[T]) -> T | None:
        """The value of ``name`` as ``kind`` (``str``, ``date``, ``DocumentRef``...), or None."""
        value = self.values.get(name)
        if value is None:
            return None
        if not isinstance(value, kind):
            raise TypeError(f"{self.step_type}.{name} is {type(value).__name__}, not {kind.__name__}")
        return value

    def require(self, name: str, kind: type[T]) -> T:
        """Like ``get`` for a field that must be there (a required, non-null field)."""
        value = self.get(name, kind)
        if value is None:
            raise KeyError(f"{self.step_type}.{name} is absent or null")
        return value

    def items(self, name: str, kind: type[T]) -> tuple[T, ...]:
        """The elements of a list field, each checked as ``kind``; () when absent or null."""
        value = self.values.get(name)
        if value is None:
            return ()
        assert isinstance(value, tuple)
        for element in value:
            if not isinstance(element, kind):
                raise TypeError(f"{self.step_type}.{name} holds {type(element).__name__}, "
                                f"not {kind.__name__}")
        return value


def parse_data(
    step_type: str, data: Mapping[str, object], *, backfill: bool = True
) -> StepData:
    """Check and read a step's data; raises ``InvalidStepData`` (or ``UnknownStepType``).

    Backfill is allowed by default because readers see recorded events, and
    imported history is recorded too; pass ``backfill=False`` to read live input.
    """
    step = spec(step_type)
    problems = check_step_data(step_type, data, backfill=backfill)
    if problems:
        raise InvalidStepData(problems)
    values = step.data.parse_members(data)
    extra = {key: ANY.parse(value) for key, value in data.items() if key not in step.fields}
    return StepData(step.name, MappingProxyType(values), MappingProxyType(extra))


def parse_override(override: object) -> tuple[Override, ...]:
    """The overrides of a step as dataclasses (none when absent); raises ``InvalidStepData``."""
    problems = check_override(override)
    if problems:
        raise InvalidStepData(problems)
    if override is None:
        return ()
    items: list[object] = [override] if isinstance(override, Mapping) else []
    if isinstance(override, list | tuple):
        items = list(override)
    return tuple(_as_override(OVERRIDE.parse(item)) for item in items)


def _as_override(value: object) -> Override:
    assert isinstance(value, Override)
    return value


# --------------------------------------------------------------------------- paths


def _tokens(path: str) -> list[str | int] | None:
    if not path.startswith("data"):
        return None
    rest = path[len("data"):]
    tokens: list[str | int] = []
    for match in re.finditer(r"\.([^.\[\]]+)|\[(\d+)\]|(.)", rest):
        key, index, junk = match.groups()
        if junk is not None:
            return None
        tokens.append(key if key is not None else int(index))
    return tokens


def field_at(step_type: str, path: str) -> tuple[FieldType, Field | None] | None:
    """The type at a problem path (``data.basis[0].article``) and its member spec, if any;
    None when the path is not in the vocabulary (an unknown, open field)."""
    tokens = _tokens(path)
    if tokens is None:
        return None
    current: tuple[FieldType, Field | None] = (spec(step_type).data, None)
    for token in tokens:
        found = current[0].child(token)
        if found is None:
            return None
        current = found
    return current


def accepted_kinds_at(
    step_type: str, path: str, *, backfill: bool = False
) -> frozenset[str]:
    """The JSON kinds a value at ``path`` may have (``null`` included where allowed).

    Paths outside the vocabulary accept any JSON (more optional fields may be added).
    """
    found = field_at(step_type, path)
    if found is None or found[0].open:
        return JSON_KINDS
    kind, member = found
    if member is not None and member.accepts_null(backfill):
        return kind.kinds | {NULL}
    return kind.kinds

