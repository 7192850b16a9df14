"""The coercive-measure table of steps.md (行政强制措施): recorded on a ``coercion/<number>`` stream
(its home) and, for a measure taken in a registered penalty case, on that ``case/`` stream; and
the case steps also recorded on a coercion stream."""

from __future__ import annotations

from typing import Final

from domain.coercion_shapes import (
    COERCION_ORIGIN,
    COERCIVE_MEASURES,
    CUSTODY,
    DISPOSING_DECISION,
    ENFORCED_DECISION,
    FREEZE_DECISION,
    SEIZED_ITEM,
    SEIZURE_DECISION,
    WITNESS,
)
from domain.fields import AnyOf, Choice, Integer, ListOf, StreamKind, Timestamp
from domain.shapes import (
    AGENCY,
    BASIS,
    BOOL,
    DATE,
    DOCUMENT,
    DOCUMENTS,
    FEN,
    OFFICER,
    OFFICERS,
    PARTY,
    SERVICE_METHODS,
    TEXT,
    opt,
    req,
)
from domain.vocabulary.records import FILE_RULE, Role
from domain.vocabulary.spec import StepSpec, also, step

TS: Final = Timestamp()
HEAD: Final = Role.HEAD.value

_CO = StreamKind.COERCION
_ITEM_IDS: Final = ListOf(TEXT, min_items=1)

COERCION_STEPS: Final[tuple[StepSpec, ...]] = (
    step("CoercionOpened", _CO, FILE_RULE,
         req("agency", AGENCY), req("purpose", Choice(("measure", "enforcement"))), req("party", PARTY),
         req("summary", TEXT), opt("item", TEXT, note="a coercion or enforcement item"),
         req("handlers", OFFICERS), opt("origin", COERCION_ORIGIN, note="the inspection, complaint or licence"),
         opt("decision", ENFORCED_DECISION, note="with enforcement: the decision enforced"),
         opens=True, note="stand-alone 强制 file"),
    step("CoercionApprovalDecided", _CO, FILE_RULE,
         req("measure_id", TEXT), req("measure", Choice(COERCIVE_MEASURES)),
         req("decided_by", OFFICER, fact=True, must_hold=HEAD), req("approved", BOOL),
         req("reason", TEXT), req("basis", BASIS, fact=True), req("document", DOCUMENT, fact=True),
         opt("reported_at", TS, note="emergency: when the officers reported (第19条)"),
         note="实施行政强制措施审批 / 紧急情况 补办批准"),
    step("SeizureImposed", _CO, FILE_RULE,
         req("measure_id", TEXT), req("measure", Choice(("seal", "seize"))), req("emergency", BOOL),
         opt("emergency_reason", TEXT), req("officers", OFFICERS),
         req("credentials_shown", BOOL, fact=True), req("party_notified", BOOL, fact=True),
         req("party_present", BOOL), opt("witness", WITNESS, note="party absent, 第18条(九)"),
         req("rights_told", BOOL, fact=True), req("statement_heard", BOOL, fact=True), req("place", TEXT),
         req("started_at", TS), req("ended_at", TS), req("record", DOCUMENT, fact=True, note="现场笔录"),
         opt("signed_by_party", BOOL, fact=True), opt("refusal_noted", BOOL, fact=True),
         opt("av", DOCUMENTS, fact=True), req("items", ListOf(SEIZED_ITEM, min_items=1)),
         req("decision", SEIZURE_DECISION), req("list", DOCUMENT, fact=True, note="清单 一式二份"),
         req("handed_over", BOOL, fact=True, note="第24条"), opt("custody", CUSTODY),
         conditions=(AnyOf(("signed_by_party", "refusal_noted", "witness")),),
         note="查封 / 扣押, 第18、24条"),
    step("FreezeImposed", _CO, FILE_RULE,
         req("measure_id", TEXT), req("officers", OFFICERS), req("credentials_shown", BOOL, fact=True),
         req("institution", TEXT), req("account", TEXT), req("amount_fen", FEN),
         req("amount_involved_fen", FEN, note="第29条第2款"),
         req("notice", DOCUMENT, fact=True, note="冻结通知书"), req("record", DOCUMENT, fact=True),
         req("frozen_at", TS), note="冻结通知, 第30条"),
    step("FreezeDecisionServed", _CO, FILE_RULE,
         req("measure_id", TEXT), req("decision", FREEZE_DECISION), req("method", Choice(SERVICE_METHODS)),
         req("served_at", TS), req("receipt", DOCUMENT, fact=True), note="冻结决定书, 第31条"),
    step("CoercionExtended", _CO, FILE_RULE,
         req("measure_id", TEXT), req("approved_by", OFFICER, fact=True, must_hold=HEAD),
         req("days", Integer(minimum=1)), req("until", DATE), req("reason", TEXT),
         req("document_no", TEXT, fact=True), req("notice", DOCUMENT, fact=True, note="延长决定书"),
         req("served_at", TS), note="延长, 第25、32条"),
    step("CoercionReleased", _CO, FILE_RULE,
         req("measure_id", TEXT),
         req("ground", Choice(("no_violation", "unrelated", "decided", "expired", "not_approved", "other"))),
         req("document_no", TEXT, fact=True), req("document", DOCUMENT, fact=True), req("served_at", TS),
         opt("institution_notified_at", TS, note="freezing"), note="解除, 第28、33条"),
    step("SeizedItemsReturned", _CO, FILE_RULE,
         req("measure_id", TEXT), req("items", _ITEM_IDS), req("returned_at", TS),
         req("receipt", DOCUMENT, fact=True), opt("proceeds_fen", FEN, note="鲜活物品 sold"),
         opt("compensation_fen", FEN), opt("damage", TEXT), note="退还"),
    step("SeizureDisposed", _CO, FILE_RULE,
         req("measure_id", TEXT),
         req("disposition", Choice(("confiscated", "destroyed", "transferred_to_judicial",
                                    "auctioned_for_fine"))),
         req("items", _ITEM_IDS), req("basis", BASIS, fact=True), req("decision", DISPOSING_DECISION),
         opt("party_notice", DOCUMENT, fact=True, note="with transferred_to_judicial, 第21条"),
         opt("document", DOCUMENT, fact=True), note="处理决定, 第27、21条"),
)

_SHARED: Final = ("StatementSubmitted", "StatementReviewed", "LegalReviewRequested", "LegalReviewCompleted",
                  "DecisionServed",
                  "DecisionPublished", "PublicationSuppressed", "PublicationWithdrawn", "DecisionCorrected",
                  "RecordCorrected", "CaseClosed", "CaseArchived")

COERCION_ALSO: Final = (
    *(also(name, _CO) for name in _SHARED),
    also("ExcludedPeriodNotified", StreamKind.CASE),
    also("ExcludedPeriodEnded", StreamKind.CASE),
    also("ExcludedPeriodNotified", _CO),
    also("ExcludedPeriodEnded", _CO),
    *(also(spec.name, StreamKind.CASE) for spec in COERCION_STEPS if spec.name != "CoercionOpened"),
)
"""The case and licence steps also recorded on a coercion stream, and the measure steps (and the
testing periods, 第25条第3款) also recorded on a case stream."""
