"""The reconsideration (行政复议), litigation (行政诉讼) and supervision (执法监督) tables of
steps.md."""

from __future__ import annotations

from typing import Final

from domain.fields import (
    Choice,
    Integer,
    ListOf,
    StreamKind,
    Timestamp,
)
from domain.shapes import (
    AGENCY,
    APPEARANCE,
    BOOL,
    CASE,
    COMPLAINT_STREAM,
    COUNT,
    DECISION_TARGET,
    DOCUMENT,
    DOCUMENTS,
    FILE_STREAM,
    FINDING,
    OFFICER,
    PARTY,
    RULE_IDS,
    TEXT,
    TEXT_OR_DOCUMENT,
    TEXTS,
    opt,
    req,
)
from domain.vocabulary.records import (
    ANSWER_RULE,
    EVALUATION_RULE,
    LITIGATION_RULE,
    REVIEW_RULE,
    SUPERVISION_RULE,
    Role,
)
from domain.vocabulary.spec import StepSpec, step

TS: Final = Timestamp()
HEAD: Final = Role.HEAD.value

_R, _L, _S = StreamKind.REVIEW, StreamKind.LITIGATION, StreamKind.SUPERVISION

_DECISION_KINDS: Final = ("upheld", "dismissed", "changed", "revoked", "partially_revoked",
                         "confirmed_illegal", "confirmed_void", "ordered_to_perform",
                         "mediated", "terminated")

REVIEW_STEPS: Final[tuple[StepSpec, ...]] = (
    step("ReconsiderationApplied", _R, REVIEW_RULE,
         req("applicant", PARTY), req("target", DECISION_TARGET), req("received_at", TS),
         opt("learned_at", TS), opens=True),
    step("ReconsiderationAccepted", _R, REVIEW_RULE, req("decided_at", TS)),
    step("ReconsiderationRejected", _R, REVIEW_RULE, req("decided_at", TS), req("reason", TEXT)),
    step("AnswerRequested", _R, REVIEW_RULE, req("sent_at", TS)),
    step("AnswerFiled", _R, ANSWER_RULE,
         req("filed_at", TS), req("evidence", DOCUMENTS, fact=True)),
    step("ReconsiderationHearingHeld", _R, REVIEW_RULE,
         req("held_at", TS), req("respondent_head_attended", BOOL),
         opt("reason_if_absent", TEXT)),
    step("ReconsiderationExtended", _R, REVIEW_RULE,
         req("approved_by", OFFICER, fact=True),
         req("days", Integer(minimum=1), note="≤30 is the law's limit, judged by the audit")),
    step("ReconsiderationDecided", _R, REVIEW_RULE,
         req("type", Choice(_DECISION_KINDS)), req("grounds", TEXTS), req("decided_at", TS),
         opt("served_at", TS), opt("order_remake", BOOL)),
    step("OpinionLetterIssued", _R, REVIEW_RULE,
         req("to", AGENCY), req("issued_at", TS), req("content", TEXT_OR_DOCUMENT),
         note="意见书"),
    step("SuggestionLetterIssued", _R, REVIEW_RULE,
         req("to", AGENCY), req("issued_at", TS), req("content", TEXT_OR_DOCUMENT),
         note="建议书"),
    step("OpinionLetterAnswered", _R, REVIEW_RULE,
         req("answered_at", TS), req("correction", TEXT)),
)

LITIGATION_STEPS: Final[tuple[StepSpec, ...]] = (
    step("LawsuitFiled", _L, LITIGATION_RULE,
         req("court", TEXT), req("target", DECISION_TARGET), req("filed_at", TS), opens=True),
    step("CourtHearingAttended", _L, LITIGATION_RULE,
         req("hearing_at", TS), req("appeared", ListOf(APPEARANCE)),
         opt("head_absent_reason", TEXT), opt("summoned_head", BOOL)),
    step("JudgmentReceived", _L, LITIGATION_RULE,
         req("outcome", Choice(("upheld", "dismissed", "revoked", "confirmed_illegal",
                                "confirmed_void", "changed", "ordered_to_perform"))),
         req("received_at", TS), req("instance", Choice(("first", "second", "retrial")))),
    step("JudicialSuggestionReceived", _L, LITIGATION_RULE,
         req("received_at", TS), req("content", TEXT_OR_DOCUMENT)),
)

SUPERVISION_STEPS: Final[tuple[StepSpec, ...]] = (
    step("CaseFileEvaluated", _S, EVALUATION_RULE,
         req("case", CASE), req("evaluator", OFFICER), req("score", COUNT),
         req("grade", Choice(("优秀", "合格", "不合格"))), req("findings", ListOf(FINDING)),
         req("report", DOCUMENT, fact=True), opens=True),
    step("RectificationOrdered", _S, SUPERVISION_RULE,
         req("agency", AGENCY), opt("case", CASE), req("findings", RULE_IDS),
         req("due_at", TS),
         opt("stream", FILE_STREAM, note="the file concerned when it is not a case"),
         opt("complaint", COMPLAINT_STREAM, note="the complaint that led to it"),
         opens=True),
    step("RectificationReported", _S, SUPERVISION_RULE,
         req("reported_at", TS), req("actions", TEXTS), opens=True),
)
