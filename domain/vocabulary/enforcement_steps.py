"""The enforcement table of steps.md (行政机关强制执行, 行政强制法 第四章): what the agency does itself,
recorded on a ``coercion/<number>`` stream (its home) and, for the enforcement of a penalty case's
decision, on that ``case/`` stream. Money demands, payments and court applications keep their case
steps, also recorded on a coercion stream."""

from __future__ import annotations

from typing import Final

from domain.coercion_shapes import ENFORCEMENT_WITNESS, SIGNATURES
from domain.fields import Choice, Field, ListOf, StreamKind, Timestamp
from domain.shapes import (
    AGENCY,
    BASIS,
    BOOL,
    DATE,
    DOCUMENT,
    DOCUMENTS,
    FEN,
    INSTALMENT,
    OFFICER,
    OFFICERS,
    REMEDIES,
    SERVICE_METHODS,
    TEXT,
    TEXTS,
    opt,
    req,
)
from domain.vocabulary.records import FILE_RULE, Role
from domain.vocabulary.spec import StepSpec, also, step

TS: Final = Timestamp()
HEAD: Final = Role.HEAD.value

_CO = StreamKind.COERCION
_METHODS: Final = ("account_transfer", "auction", "demolition", "restore", "substitute", "utility_cutoff", "other")
_SERVICE: Final = Choice(SERVICE_METHODS)


def _head(name: str) -> Field:
    """A head's approval or decision (ENF-03, ENF-10): must name a head of the acting agency."""
    return req(name, OFFICER, fact=True, must_hold=HEAD)


ENFORCEMENT_STEPS: Final[tuple[StepSpec, ...]] = (
    step("PerformanceDemanded", _CO, FILE_RULE,
         req("obligation", Choice(("remove", "restore", "demolish", "stop", "other"))),
         req("decision_no", TEXT, note="the decision enforced"), req("due", DATE, note="履行期限"),
         req("performance_method", TEXT, note="履行方式"), req("rights_told", BOOL, fact=True),
         req("purpose", Choice(("agency_enforcement", "substitute_prior", "court_application"))),
         req("document", DOCUMENT, fact=True), req("method", _SERVICE), req("served_at", TS),
         req("receipt", DOCUMENT, fact=True), note="催告书, non-money obligations; 第35、51条"),
    step("EnforcementDecided", _CO, FILE_RULE,
         req("document_no", TEXT, fact=True), req("decision_no", TEXT), req("reason", TEXT),
         req("basis", BASIS, fact=True), req("enforcement_method", Choice(_METHODS)),
         req("scheduled_at", TS), opt("immediate", BOOL, note="第37条第3款"),
         opt("immediate_grounds", TEXT, note="evidence of 转移或者隐匿财物"),
         req("remedies", REMEDIES, fact=True), _head("approved_by"),
         req("sealed_by", AGENCY, fact=True), req("document", DOCUMENT, fact=True),
         note="强制执行决定, 第37条"),
    step("SubstituteDecisionServed", _CO, FILE_RULE,
         req("document_no", TEXT, fact=True), req("decision_no", TEXT), req("reason", TEXT),
         req("basis", BASIS, fact=True), req("substitute_method", TEXT, note="代履行方式"),
         req("scheduled_at", TS), req("object", TEXT, note="标的"), req("cost_budget_fen", FEN),
         req("performer", TEXT, note="the agency or a third party without interest"),
         req("harm", Choice(("traffic_safety", "environmental_pollution", "natural_resources"))),
         opt("immediate", BOOL, note="第52条"), req("sealed_by", AGENCY, fact=True),
         req("document", DOCUMENT, fact=True), req("served_at", TS), req("receipt", DOCUMENT, fact=True),
         note="代履行决定书, 第51条第1款(一)"),
    step("DemolitionNoticePublished", _CO, FILE_RULE,
         req("decision_no", TEXT), req("published_at", TS), req("channel", TEXT), opt("place_posted", TEXT),
         req("due", DATE, note="限期自行拆除"), req("document", DOCUMENT, fact=True),
         note="强制拆除公告, 第44条"),
    step("EnforcementCarriedOut", _CO, FILE_RULE,
         req("enforcement_method", Choice(_METHODS)),
         req("decision_no", TEXT, note="the enforcement or 代履行 decision"), req("officers", OFFICERS),
         req("credentials_shown", BOOL, fact=True), req("place", TEXT), req("started_at", TS),
         req("ended_at", TS), opt("urgent", BOOL, note="第43条: 情况紧急"), opt("urgent_reason", TEXT),
         opt("performer", TEXT, note="代履行人"), req("party_present", BOOL),
         opt("witness", ListOf(ENFORCEMENT_WITNESS)), req("record", DOCUMENT, fact=True, note="执行笔录"),
         req("signatures", SIGNATURES), opt("av", DOCUMENTS, fact=True),
         req("result", Choice(("done", "partly", "stopped"))),
         opt("party_notified_at", TS, note="第52条: party absent"), note="实施"),
    step("SubstituteCostAssessed", _CO, FILE_RULE,
         req("amount_fen", FEN), req("basis", TEXTS, note="cost items"), req("document", DOCUMENT, fact=True),
         req("served_at", TS), note="代履行费用"),
    step("TransferOrdered", _CO, FILE_RULE,
         req("institution", TEXT), req("account", TEXT), req("amount_fen", FEN),
         req("document", DOCUMENT, fact=True, note="划拨通知"), note="划拨, 第47条"),
    step("AuctionCommissioned", _CO, FILE_RULE,
         req("auctioneer", TEXT), req("items", ListOf(TEXT, min_items=1)), opt("measure_id", TEXT),
         req("document", DOCUMENT, fact=True), note="拍卖, 第46条第3款, 第48条"),
    step("ProceedsRemitted", _CO, FILE_RULE,
         req("amount_fen", FEN), req("remitted_at", TS), req("receipt", DOCUMENT, fact=True),
         note="上缴, 第49条"),
    step("EnforcementAgreementMade", _CO, FILE_RULE,
         req("terms", TEXT), opt("instalments", ListOf(INSTALMENT, min_items=1)),
         opt("remedial_measures", TEXTS), opt("surcharge_reduced_fen", FEN), req("document", DOCUMENT, fact=True),
         note="执行协议, 第42条"),
    step("EnforcementSuspended", _CO, FILE_RULE,
         req("ground", TEXT), _head("decided_by"), req("document", DOCUMENT, fact=True),
         note="中止, 第39条"),
    step("EnforcementResumed", _CO, FILE_RULE, req("document", DOCUMENT, fact=True), note="恢复"),
    step("EnforcementTerminated", _CO, FILE_RULE,
         req("ground", TEXT), _head("decided_by"), req("document", DOCUMENT, fact=True),
         note="终结, 第40条"),
    step("RestitutionMade", _CO, FILE_RULE,
         req("kind", Choice(("restored", "returned", "compensated"))), opt("amount_fen", FEN),
         req("document", DOCUMENT, fact=True), note="恢复原状或者退还, 第41条"),
    step("CourtEnforcementRuled", _CO, FILE_RULE,
         req("ruling", Choice(("accepted", "not_accepted", "enforce", "not_enforce"))), req("received_at", TS),
         req("document", DOCUMENT, fact=True)),
)

ENFORCEMENT_ALSO: Final = (
    *(also(name, _CO) for name in ("PaymentDemanded", "CourtEnforcementApplied", "PaymentRecorded")),
    *(also(spec.name, StreamKind.CASE) for spec in ENFORCEMENT_STEPS),
)
"""The money steps of the case table also recorded on a coercion stream, and the enforcement steps
also recorded on a case stream (the enforcement of that case's decision)."""
