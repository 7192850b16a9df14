"""The complaint table of steps.md (行政执法投诉举报, stream ``complaint/<number>``), recorded by the
justice bureau's supervision function. The complainant is personal data: no complaint step is
served publicly (``domain.gates.PUBLICLY_SERVED``) and none is a publication."""

from __future__ import annotations

from typing import Final

from domain.fields import (
    AnyOf,
    Choice,
    ListOf,
    Ref,
    StreamKind,
    Timestamp,
)
from domain.kind_shapes import AGAINST, COMPLAINT_FINDING
from domain.shapes import (
    ANY_STREAM,
    BOOL,
    DATE,
    DOCUMENT,
    DOCUMENTS,
    OFFICER,
    OFFICERS,
    PARTY,
    RULE_IDS,
    SERVICE_METHODS,
    TEXT,
    TEXTS,
    opt,
    req,
)
from domain.vocabulary.records import (
    COMPLAINED_AGENCY_RULE,
    COMPLAINT_RULE,
    Role,
)
from domain.vocabulary.spec import StepSpec, also, step

TS: Final = Timestamp()
HEAD: Final = Role.HEAD.value

_CMP = StreamKind.COMPLAINT
SUPERVISOR: Final = Role.SUPERVISOR.value

COMPLAINT_STEPS: Final[tuple[StepSpec, ...]] = (
    step("ComplaintReceived", _CMP, COMPLAINT_RULE,
         req("received_at", TS),
         req("channel", Choice(("letter", "phone", "visit", "online", "hotline_12345",
                                "petition_transfer", "other"))),
         req("nature", Choice(("complaint", "report"))),
         opt("complainant", PARTY), opt("anonymous", BOOL), opt("contact", TEXT),
         req("against", AGAINST), req("summary", TEXT), req("requests", TEXTS),
         opt("materials", DOCUMENTS), req("record", DOCUMENT, fact=True, note="登记表"),
         conditions=(AnyOf(("complainant", "anonymous"), exclusive=True),), opens=True),
    step("ComplaintAccepted", _CMP, COMPLAINT_RULE,
         req("decided_by", OFFICER, fact=True, must_hold=SUPERVISOR),
         req("handlers", OFFICERS), opt("notice", DOCUMENT, fact=True), opt("told_at", TS),
         note="受理"),
    step("ComplaintNotAccepted", _CMP, COMPLAINT_RULE,
         req("reason", Choice(("outside_scope", "no_target", "in_review_or_litigation",
                               "already_decided", "duplicate", "unverifiable", "other"))),
         req("explanation", TEXT), opt("route", TEXT, note="the right procedure and its limit"),
         req("notice", DOCUMENT, fact=True), opt("told_at", TS), note="不予受理"),
    step("ComplaintTransferred", _CMP, COMPLAINT_RULE,
         req("kind", Choice(("transfer", "assign"))), req("to", TEXT, note="agency or body"),
         req("transferred_at", TS), opt("due", DATE, note="assign: report deadline"),
         req("complainant_identity_shared", BOOL), req("document", DOCUMENT, fact=True),
         opt("complainant_told_at", TS), note="转送 / 交办"),
    step("ComplaintAgencyReported", _CMP, COMPLAINED_AGENCY_RULE,
         req("reported_at", TS), req("report", DOCUMENT, fact=True), req("actions", TEXTS),
         note="办结报告"),
    step("ComplaintInvestigated", _CMP, COMPLAINT_RULE,
         req("investigators", OFFICERS),
         req("methods", ListOf(Choice(("file_review", "ledger_records", "inquiry", "site",
                                       "other")))),
         opt("streams_examined", ListOf(ANY_STREAM)), req("findings", ListOf(COMPLAINT_FINDING)),
         req("record", DOCUMENT, fact=True), note="调查核实"),
    step("ComplaintConcluded", _CMP, COMPLAINT_RULE,
         req("outcome", Choice(("substantiated", "partly_substantiated", "unsubstantiated",
                                "withdrawn", "transferred"))),
         req("findings", RULE_IDS),
         req("measures", ListOf(Choice(("rectification", "opinion_letter", "interview",
                                        "circular", "accountability_referral", "none")))),
         opt("supervision", Ref(frozenset({StreamKind.SUPERVISION}))),
         req("document", DOCUMENT, fact=True, note="处理意见书"), note="处理意见"),
    step("ComplaintAnswered", _CMP, COMPLAINT_RULE,
         req("answered_at", TS), req("method", Choice(SERVICE_METHODS)),
         req("document", DOCUMENT, fact=True, note="答复书"), opt("receipt", DOCUMENT, fact=True),
         note="答复"),
)

COMPLAINT_ALSO: Final = tuple(
    also(name, _CMP, record=COMPLAINT_RULE)
    for name in ("TimeLimitExtended", "CaseClosed", "CaseArchived")
)
"""The case steps also recorded on a complaint stream, by the bureau's supervisors."""
