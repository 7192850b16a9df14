"""The licensing table of steps.md (行政许可, stream ``licence/<number>``): one application or one
proceeding the agency opens on an effective licence, and the case steps also recorded there."""

from __future__ import annotations

from typing import Final

from domain.fields import (
    AnyOf,
    Choice,
    Field,
    Integer,
    ListOf,
    StreamKind,
    Timestamp,
)
from domain.kind_shapes import (
    AGENT,
    COMPENSATION,
    LICENCE_ACTIONS,
    LICENCE_CONCERNED,
    LICENCE_FEE,
    LICENCE_HELD,
    MATERIALS,
    PROPOSED_ACTION,
)
from domain.shapes import (
    AGENCY,
    BASIS,
    BOOL,
    DATE,
    DOCUMENT,
    DOCUMENTS,
    OFFICER,
    OFFICERS,
    PARTY,
    REMEDIES,
    RIGHTS,
    SERVICE_METHODS,
    TEXT,
    TEXTS,
    opt,
    req,
)
from domain.vocabulary.records import (
    FILE_RULE,
    Role,
)
from domain.vocabulary.spec import StepSpec, also, step

TS: Final = Timestamp()
HEAD: Final = Role.HEAD.value

_LIC = StreamKind.LICENCE
_DOC = DOCUMENT
_METHOD = Choice(SERVICE_METHODS)
_EXCLUDED_REASONS: Final = ("hearing", "tender", "auction", "inspection", "testing", "quarantine",
                            "appraisal", "expert_review")


def _sealed() -> tuple[Field, ...]:
    """The seal and approval every licence decision carries (LIC-12)."""
    return (req("approved_by", OFFICER, fact=True, must_hold=HEAD),
            req("sealed_by", AGENCY, fact=True))


LICENCE_STEPS: Final[tuple[StepSpec, ...]] = (
    step("LicenceApplied", _LIC, FILE_RULE,
         req("agency", AGENCY), req("item", TEXT, note="a licence item"),
         req("application", Choice(("new", "change", "renewal", "cancellation"))),
         req("applicant", PARTY), opt("agent", AGENT), req("received_at", TS),
         req("channel", Choice(("in_person", "mail", "electronic", "fax", "other"))),
         req("materials", MATERIALS), req("receipt", _DOC, fact=True, note="申请材料接收凭证"),
         req("summary", TEXT),
         opt("licence", LICENCE_CONCERNED, note="change, renewal, cancellation"),
         opt("corrected_on_spot", TEXTS, note="第32条(三)"),
         opens=True),
    step("SupplementRequested", _LIC, FILE_RULE,
         req("items", TEXTS), req("notice", _DOC, fact=True, note="补正告知书"),
         req("sealed_by", AGENCY, fact=True), req("method", _METHOD), req("served_at", TS),
         opt("due", DATE), note="一次性告知补正"),
    step("SupplementReceived", _LIC, FILE_RULE,
         req("received_at", TS), req("materials", MATERIALS), req("receipt", _DOC, fact=True)),
    step("LicenceAccepted", _LIC, FILE_RULE,
         req("notice", _DOC, fact=True, note="受理通知书"), req("sealed_by", AGENCY, fact=True),
         opt("promised_on", DATE), opt("served_at", TS), note="受理"),
    step("LicenceNotAccepted", _LIC, FILE_RULE,
         req("reason", Choice(("not_required", "not_competent", "not_supplemented",
                               "false_materials", "other"))),
         req("explanation", TEXT), opt("competent_body", TEXT, note="with not_competent"),
         req("basis", BASIS, fact=True), req("notice", _DOC, fact=True),
         req("sealed_by", AGENCY, fact=True), opt("remedies", REMEDIES, fact=True),
         req("method", _METHOD), req("served_at", TS), note="不予受理"),
    step("SiteVerificationRecorded", _LIC, FILE_RULE,
         req("staff", OFFICERS, note="≥ 2, 第34条第3款 (LIC-06)"),
         req("credentials_shown", BOOL, fact=True), req("place", TEXT),
         req("started_at", TS), req("ended_at", TS), req("record", _DOC, fact=True),
         opt("signed_by_applicant", BOOL, fact=True), opt("refusal_noted", BOOL, fact=True),
         opt("av", DOCUMENTS, fact=True),
         conditions=(AnyOf(("signed_by_applicant", "refusal_noted")),), note="核查"),
    step("LicenceReviewed", _LIC, FILE_RULE,
         req("reviewer", OFFICER), req("opinion", Choice(("grant", "deny"))),
         req("reasons", TEXTS), opt("interested_parties", ListOf(PARTY)),
         req("document", _DOC, fact=True), note="审查意见"),
    step("InterestedPartyNotified", _LIC, FILE_RULE,
         req("party", PARTY), req("method", _METHOD), req("served_at", TS),
         req("document", _DOC, fact=True)),
    step("HearingRightsNotified", _LIC, FILE_RULE,
         req("to", ListOf(PARTY)), req("method", _METHOD), req("served_at", TS),
         req("document", _DOC, fact=True), note="第47条"),
    step("HearingAnnounced", _LIC, FILE_RULE,
         req("published_at", TS), req("channel", TEXT), opt("url", TEXT),
         req("document", _DOC, fact=True), note="第46条, 第48条(一)"),
    step("ExcludedPeriodNotified", _LIC, FILE_RULE,
         req("reason", Choice(_EXCLUDED_REASONS)), opt("measure_id", TEXT, note="coercion"),
         req("from_on", DATE), req("until", DATE), req("notice", _DOC, fact=True),
         req("served_at", TS), opt("cost_borne_by", Choice(("agency", "party"))),
         note="第45条"),
    step("ExcludedPeriodEnded", _LIC, FILE_RULE,
         req("reason", Choice(_EXCLUDED_REASONS)), opt("measure_id", TEXT),
         req("ended_on", DATE), opt("result", _DOC, fact=True)),
    step("LicenceGranted", _LIC, FILE_RULE,
         req("document_no", TEXT, fact=True), req("basis", BASIS, fact=True),
         req("content", TEXT), opt("valid_from", DATE), opt("valid_to", DATE),
         *_sealed(), req("approval_form", _DOC, fact=True), opt("on_the_spot", BOOL),
         opt("hearing_record_considered", BOOL, fact=True), req("document", _DOC, fact=True),
         note="准予, 第38条第1款; also 准予变更 / 准予延续"),
    step("LicenceDenied", _LIC, FILE_RULE,
         req("document_no", TEXT, fact=True), req("reasons", TEXTS),
         req("basis", BASIS, fact=True), opt("technical_standards", TEXTS),
         req("remedies", REMEDIES, fact=True), *_sealed(),
         req("approval_form", _DOC, fact=True),
         opt("hearing_record_considered", BOOL, fact=True), req("document", _DOC, fact=True),
         note="不予许可, 第38条第2款"),
    step("LicenceIssued", _LIC, FILE_RULE,
         req("licence_no", TEXT), req("certificate", _DOC, fact=True),
         req("sealed_by", AGENCY, fact=True),
         req("method", Choice(("in_person", "mail", "electronic"))), req("issued_at", TS),
         opt("receipt", _DOC, fact=True), opt("fee", LICENCE_FEE),
         note="颁发、送达证件, 第39、44条; only after LicenceGranted"),
    step("LicenceProceedingOpened", _LIC, FILE_RULE,
         req("agency", AGENCY), req("action", Choice(LICENCE_ACTIONS)),
         req("licence", LICENCE_HELD), req("holder", PARTY),
         req("trigger", Choice(("ex_officio", "interested_party", "superior_agency"))),
         req("grounds", TEXTS), req("approved_by", OFFICER, fact=True, must_hold=HEAD),
         opt("document", _DOC, fact=True), opens=True),
    step("ProposedActionNoticeServed", _LIC, FILE_RULE,
         req("proposed", PROPOSED_ACTION), req("rights", RIGHTS), req("method", _METHOD),
         req("served_at", TS), req("document", _DOC, fact=True),
         req("receipt", _DOC, fact=True), note="拟撤回/撤销 告知"),
    step("LicenceWithdrawn", _LIC, FILE_RULE,
         req("ground", Choice(("law_changed", "circumstances_changed"))),
         req("public_interest", TEXT), req("compensation", COMPENSATION),
         req("effective_on", DATE), req("document_no", TEXT, fact=True),
         req("basis", BASIS, fact=True), req("remedies", REMEDIES, fact=True), *_sealed(),
         req("document", _DOC, fact=True), note="撤回, 第8条第2款"),
    step("LicenceRevoked", _LIC, FILE_RULE,
         req("ground", Choice(("abuse_of_power", "beyond_competence", "procedure",
                               "unqualified", "fraud_or_bribery", "other"))),
         req("paragraph", Integer(minimum=1, maximum=2)),
         req("public_interest_check", TEXT), opt("compensation", COMPENSATION),
         opt("by_superior", AGENCY), req("effective_on", DATE),
         req("document_no", TEXT, fact=True), req("basis", BASIS, fact=True),
         req("remedies", REMEDIES, fact=True), *_sealed(), req("document", _DOC, fact=True),
         note="撤销, 第69条"),
    step("LicenceCancelled", _LIC, FILE_RULE,
         req("ground", Choice(("expired", "holder_died", "organisation_terminated",
                               "revoked_or_withdrawn", "force_majeure", "other_law"))),
         req("cancelled_on", DATE), req("basis", BASIS, fact=True),
         req("sealed_by", AGENCY, fact=True), req("document", _DOC, fact=True),
         note="注销, 第70条"),
)

LICENCE_ALSO: Final = (
    also("HearingRequested", _LIC, req("requested_by", PARTY)),
    also("HearingNoticeServed", _LIC),
    also("HearingHeld", _LIC, req("record_confirmed", BOOL, fact=True, note="第48条(五)")),
    also("HearingAbandoned", _LIC),
    also("LegalReviewRequested", _LIC),
    also("LegalReviewCompleted", _LIC),
    also("StatementSubmitted", _LIC),
    also("StatementReviewed", _LIC),
    *(also(name, _LIC) for name in (
        "DecisionServed", "DecisionPublished", "PublicationSuppressed", "PublicationCorrected",
        "PublicationWithdrawn", "DecisionCorrected", "RecordCorrected", "CaseClosed",
        "CaseArchived")),
)
"""The case steps also recorded on a licence stream, with the fields they add there."""
