"""The licence audit's builders and defect table: the brief's lawful licence file
(examples/licence-case.jsonl), a lawful revocation proceeding on that licence, and one entry per
defect that breaks one thing and names the rule that must fire (tests/test_licence_audit.py)."""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from audit.licence_engine import evaluate_licence
from audit.model import BLOCKER, MAJOR, MINOR, Evaluation
from tests.helpers.audit_cases import context, versioned
from tests.helpers.kinds_examples import DOC, LICENCE, SPJ, SPJ_HEAD, SPJ_OFFICER, index_of, licence_steps

Raw = dict[str, Any]
PROCEEDING = "licence/DXH-SPJ-CX-2026-0002"
OFFICER2 = "officer/42011230002"
PRESIDER = "officer/42011230004"
AS_OF = date(2026, 12, 31)
BASIS = [{"law": "中华人民共和国行政许可法", "article": 69, "clause": 1, "item": 4, "rank": "law"}]
REMEDIES = {"reconsideration_bodies": ["武汉市东西湖区人民政府"], "reconsideration_days": 60,
            "court": "武汉市东西湖区人民法院", "litigation_months": 6}
VETO = frozenset({"EVAL-01"})


def doc(name: str, n: int = 1) -> Raw:
    return {**DOC, "sha256": f"{n:064x}", "name": name}


def lstep(step_type: str, when: str, data: dict[str, Any], stream: str = LICENCE, by: str = SPJ_OFFICER) -> Raw:
    return {"stream": stream, "type": step_type, "at": f"{when}+08:00", "by": by, "data": data}


def proceeding_steps() -> list[Raw]:
    """A lawful 撤销 of the example's licence (第69条第一款(四): the applicant was not qualified),
    then its 注销 (第70条(四)) on the same stream, each published within 7 WD."""
    p = PROCEEDING
    return [
        lstep("LicenceProceedingOpened", "2026-11-16T10:00:00", {
            "agency": SPJ, "action": "revocation",
            "licence": {"stream": LICENCE, "licence_no": "东审批广字〔2026〕第0031号"},
            "holder": {"kind": "organisation", "name": "武汉某传媒有限公司", "credit_code": "91420112MA4L0C3M2R"},
            "trigger": "interested_party", "grounds": ["场地使用证明系伪造，申请人不具备申请资格"],
            "approved_by": SPJ_HEAD, "document": doc("撤销立案审批表", 101)}, p),
        lstep("ProposedActionNoticeServed", "2026-11-17T10:00:00", {
            "proposed": {"action": "revocation", "grounds": ["申请人不具备申请资格"], "basis": BASIS},
            "rights": {"statement": True, "hearing": False}, "method": "in_person",
            "served_at": "2026-11-17T10:00:00+08:00", "document": doc("拟撤销行政许可告知书", 102),
            "receipt": doc("送达回证", 103)}, p),
        lstep("StatementSubmitted", "2026-11-19T10:00:00", {"content": doc("陈述申辩书", 104)}, p),
        lstep("StatementReviewed", "2026-11-23T10:00:00", {"adopted": [], "rejected": [
            {"point": "场地使用证明真实", "reason": "出具单位书面确认未出具该证明"}]}, p),
        lstep("LicenceRevoked", "2026-11-30T10:00:00", {
            "ground": "unqualified", "paragraph": 1, "public_interest_check": "撤销不会对公共利益造成重大损害",
            "compensation": {"decided": True, "amount_fen": 0, "reasons": "被许可人无合法权益受损"},
            "effective_on": "2026-11-30", "document_no": "东审批撤字〔2026〕第0002号", "basis": BASIS,
            "remedies": REMEDIES, "approved_by": SPJ_HEAD, "sealed_by": SPJ,
            "document": doc("撤销行政许可决定书", 105)}, p),
        lstep("DecisionPublished", "2026-12-02T10:00:00", {
            "published_at": "2026-12-02T10:00:00+08:00", "channel": "区政务网 双公示",
            "text": "东审批撤字〔2026〕第0002号：撤销武汉某传媒有限公司（统一社会信用代码91420112MA4L0C3M2R）"
                    "大型户外广告设置许可（东审批广字〔2026〕第0031号），撤销日期2026年11月30日。"}, p),
        lstep("LicenceCancelled", "2026-12-03T10:00:00", {
            "ground": "revoked_or_withdrawn", "cancelled_on": "2026-12-03", "sealed_by": SPJ,
            "basis": [{"law": "中华人民共和国行政许可法", "article": 70, "clause": None, "item": 4, "rank": "law"}],
            "document": doc("注销行政许可决定书", 106)}, p),
        lstep("DecisionPublished", "2026-12-04T10:00:00", {
            "published_at": "2026-12-04T10:00:00+08:00", "channel": "区政务网 双公示",
            "text": "注销武汉某传媒有限公司（统一社会信用代码91420112MA4L0C3M2R）大型户外广告设置许可"
                    "（东审批广字〔2026〕第0031号），注销日期2026年12月3日。"}, p),
        lstep("CaseClosed", "2026-12-07T10:00:00", {"approved_by": SPJ_HEAD, "summary": "撤销并注销，办结"}, p),
        lstep("CaseArchived", "2026-12-10T10:00:00", {"archive_no": "SPJ-CX-2026-0002", "retention": "30y"}, p),
    ]


def run(steps: list[Raw], *, as_of: date = AS_OF, linked: dict[str, list[Raw]] | None = None,
        **kwargs: Any) -> Evaluation:
    """The licence file of ``steps`` evaluated as the audit does (the licence itself linked to a
    proceeding on it)."""
    if linked is None:
        linked = {LICENCE: licence_steps()} if steps[0]["stream"] != LICENCE else {}
    ctx = context(as_of, **kwargs)
    return evaluate_licence(steps[0]["stream"], versioned(steps), ctx,
                            linked={k: versioned(v) for k, v in linked.items()})


def fired(ev: Evaluation) -> set[str]:
    return {f.rule for f in ev.findings if f.severity != "INFO"}


def edit(steps: list[Raw], step_type: str, change: Callable[[Raw], object], nth: int = 0) -> list[Raw]:
    out = copy.deepcopy(steps)
    change(out[index_of(out, step_type, nth)])
    return out


def without(steps: list[Raw], *types: str) -> list[Raw]:
    return [copy.deepcopy(s) for s in steps if s["type"] not in types]


def insert_before(steps: list[Raw], step_type: str, new: Raw, nth: int = 0) -> list[Raw]:
    out = copy.deepcopy(steps)
    out.insert(index_of(out, step_type, nth), new)
    return out


def put(path: str, value: Any) -> Callable[[Raw], None]:
    """Set ``data.<path>`` (dots for nested keys); ``None`` for value deletes it."""
    def change(s: Raw) -> None:
        target = s["data"]
        *parents, last = path.split(".")
        for key in parents:
            target = target[key]
        if value is None:
            target.pop(last, None)
        else:
            target[last] = copy.deepcopy(value)
    return change


def moved(when: str, *members: str) -> Callable[[Raw], None]:
    """Move a step (and its ``_at`` members) to ``when`` (``YYYY-MM-DDTHH:MM:SS``)."""
    def change(s: Raw) -> None:
        s["at"] = f"{when}+08:00"
        for m in members:
            s["data"][m] = f"{when}+08:00"
    return change


@dataclass(frozen=True)
class Defect:
    """One thing broken: the rule that must fire, its severity, the companions expected with it,
    and rules that must stay quiet."""

    name: str
    rule: str
    severity: str
    build: Callable[[], list[Raw]]
    also: frozenset[str] = field(default_factory=frozenset)
    quiet: frozenset[str] = field(default_factory=frozenset)
    as_of: date = AS_OF

    @property
    def expected(self) -> set[str]:
        found = {self.rule, *self.also}
        return found | VETO if self.severity == BLOCKER else found


# --------------------------------------------------------------------------- more lawful files

REVIEWER = "officer/42011230005"
NOT_ACCEPTED_STREAM = "licence/DXH-SPJ-XK-2026-0035"
RENEWAL_STREAM = "licence/DXH-SPJ-XK-2026-0040"
OLD_LICENCE = "licence/DXH-SPJ-XK-2025-0007"
COMMITTEE = {"kind": "organisation", "name": "金山大道某小区居民委员会"}
APPLICANT = {"kind": "organisation", "name": "武汉某传媒有限公司", "credit_code": "91420112MA4L0C3M2R"}
OPINIONS = {k: "ok" for k in ("subject", "competence", "officers", "procedure", "facts", "evidence", "law",
                              "discretion", "documents", "crime_transfer")}


def legal_reviewer() -> list[Raw]:
    """A qualified 法制审核人员 of DXH-SPJ (for TS-10), as a registry addition."""
    return [{"stream": REVIEWER, "type": "OfficerRegistered", "at": "2026-01-07T09:40:00+08:00", "by": "officer/admin",
             "data": {"name": "孙丽", "agency": SPJ, "roles": ["legal_reviewer"], "credential_no": "42011230005",
                      "credential_valid_from": "2024-01-01", "credential_valid_to": "2028-12-31",
                      "fields": ["行政审批"], "legal_qualification_no": "A20194201120005"}}]


def review_catalogue() -> list[Raw]:
    """DXH-SPJ's 法制审核目录 naming the licence item (TS-10's condition)."""
    return [{"stream": SPJ, "type": "LegalReviewCatalogPublished", "at": "2026-01-08T09:00:00+08:00",
             "by": "officer/admin", "data": {"person_fen": 1, "organisation_fen": 1, "hearing_person_fen": 1,
                                             "hearing_organisation_fen": 1, "categories": ["重大行政许可"],
                                             "items": ["SPJ-SR-11-2"]}}]


def with_interested(steps: list[Raw] | None = None) -> list[Raw]:
    """The lawful file with the building's residents' committee as an interested party: told of the
    application and of the right to ask for a hearing on 9 Oct (brief §1, defect 3, before its request)."""
    out = edit(steps or licence_steps(), "LicenceReviewed", put("interested_parties", [COMMITTEE]))
    told = [lstep("InterestedPartyNotified", "2026-10-09T11:00:00", {
                "party": COMMITTEE, "method": "in_person", "served_at": "2026-10-09T11:00:00+08:00",
                "document": doc("利害关系人告知书", 201)}),
            lstep("HearingRightsNotified", "2026-10-09T11:30:00", {
                "to": [APPLICANT, COMMITTEE], "method": "in_person", "served_at": "2026-10-09T11:30:00+08:00",
                "document": doc("听证权利告知书", 202)})]
    at = index_of(out, "ExcludedPeriodNotified") + 1
    return out[:at] + told + out[at:]


def requested(steps: list[Raw], when: str = "2026-10-14T10:00:00") -> list[Raw]:
    """The committee asks for a hearing (timely: the 5th WD after 9 Oct is 15 Oct)."""
    at = index_of(steps, "LicenceReviewed")
    return [*steps[:at], lstep("HearingRequested", when, {"requested_at": f"{when}+08:00",
                                                          "requested_by": COMMITTEE}), *steps[at:]]


def with_hearing(served: str = "2026-10-12T10:00:00", held: str = "2026-10-22T09:00:00") -> list[Raw]:
    """A lawful hearing on the committee's request: notice ≥ 7 WD before it, held by a presider who
    did not review the application, record confirmed; legal review after it (TS-10); the decision
    on 23 Oct rests on the record."""
    steps = requested(with_interested(), "2026-10-12T09:00:00")
    at = index_of(steps, "LicenceReviewed")
    hearing = [
        lstep("HearingNoticeServed", served, {"served_at": f"{served}+08:00", "hearing_at": f"{held}+08:00",
                                              "place": "区行政审批局听证室", "document": doc("听证通知书", 203),
                                              "receipt": doc("送达回证", 204)}),
        lstep("HearingHeld", held, {"presider": PRESIDER, "record": doc("听证笔录", 205),
                                    "report": doc("听证报告", 206), "public": True, "record_confirmed": True}),
    ]
    steps = [*steps[:at + 1], *hearing, *steps[at + 1:]]
    review = lstep("LegalReviewCompleted", "2026-10-22T15:00:00", {
        "reviewer": REVIEWER, "outcome": "approved", "opinions": OPINIONS, "document": doc("法制审核意见书", 207)},
        by=REVIEWER)
    steps = insert_before(steps, "LicenceGranted", review)
    steps = edit(steps, "LicenceGranted", moved("2026-10-23T09:00:00"))
    steps = edit(steps, "LicenceGranted", put("hearing_record_considered", True))
    steps = edit(steps, "LicenceGranted", put("valid_from", "2026-10-23"))
    return edit(steps, "LicenceIssued", moved("2026-10-23T15:00:00", "issued_at"))


def not_accepted_steps() -> list[Raw]:
    """An application outside the agency's competence, refused on the day of receipt (第32条(二))."""
    applied = copy.deepcopy(licence_steps()[0])
    applied["stream"] = NOT_ACCEPTED_STREAM
    s = NOT_ACCEPTED_STREAM
    return [applied,
            lstep("LicenceNotAccepted", "2026-09-18T16:00:00", {
                "reason": "not_competent", "explanation": "该广告设置于高速公路建筑控制区内，不属本机关许可范围",
                "competent_body": "湖北省交通运输厅", "basis": BASIS, "notice": doc("不予受理决定书", 301),
                "sealed_by": SPJ, "remedies": REMEDIES, "method": "in_person",
                "served_at": "2026-09-18T16:00:00+08:00"}, s),
            lstep("CaseClosed", "2026-09-21T10:00:00", {"approved_by": SPJ_HEAD, "summary": "不予受理，办结"}, s),
            lstep("CaseArchived", "2026-09-30T10:00:00", {"archive_no": "SPJ-XK-2026-0035", "retention": "30y"}, s)]


def renewal_steps(valid_to: str = "2026-10-25", applied_on: str | None = None) -> list[Raw]:
    """A renewal of an earlier licence (valid to ``valid_to``) decided on 21 Oct: the example's steps."""
    out = copy.deepcopy(licence_steps())
    for s in out:
        s["stream"] = RENEWAL_STREAM
    out[0]["data"]["application"] = "renewal"
    out[0]["data"]["licence"] = {"stream": OLD_LICENCE, "licence_no": "东审批广字〔2025〕第0007号",
                                 "valid_to": valid_to}
    if applied_on is not None:
        moved(applied_on, "received_at")(out[0])
    return out


def withdrawal_steps() -> list[Raw]:
    """A lawful 撤回 (第8条第二款: the planning changed) with compensation, then its 注销."""
    out = proceeding_steps()
    out[0]["data"]["action"] = "withdrawal"
    out[1]["data"]["proposed"]["action"] = "withdrawal"
    i = index_of(out, "LicenceRevoked")
    data = out[i]["data"]
    out[i] = lstep("LicenceWithdrawn", "2026-11-30T10:00:00", {
        "ground": "circumstances_changed", "public_interest": "金山大道拓宽改造，广告牌位于规划红线内",
        "compensation": {"decided": True, "amount_fen": 12_000_000}, "effective_on": "2026-11-30",
        "document_no": data["document_no"], "basis": BASIS, "remedies": REMEDIES, "approved_by": SPJ_HEAD,
        "sealed_by": SPJ, "document": doc("撤回行政许可决定书", 107)}, PROCEEDING)
    out[i + 1]["data"]["text"] = out[i + 1]["data"]["text"].replace("撤销", "撤回")
    return out


# --------------------------------------------------------------------------- the defects

L = licence_steps


def _brief_late_supplement() -> list[Raw]:
    """Brief §1 defect 1: the 补正 notice on 28 Sep, the 6th WD after 18 Sep (20 Sep counts)."""
    return edit(L(), "SupplementRequested", moved("2026-09-28T09:00:00", "served_at"))


def _brief_no_expert_notice(keep_end: bool = False) -> list[Raw]:
    """Brief §1 defect 2: steps 6–7 dropped (or 6 only), steps 9–11 on 5, 9 and 10 Nov."""
    steps = without(L(), "ExcludedPeriodNotified", *(() if keep_end else ("ExcludedPeriodEnded",)))
    steps = edit(steps, "LicenceGranted", moved("2026-11-05T16:00:00"))
    steps = edit(steps, "LicenceGranted", put("valid_from", "2026-11-05"))
    steps = edit(steps, "LicenceIssued", moved("2026-11-09T10:00:00", "issued_at"))
    steps = edit(steps, "DecisionPublished", moved("2026-11-10T09:00:00", "published_at"))
    steps = edit(steps, "CaseClosed", moved("2026-11-12T10:00:00"))
    return edit(steps, "CaseArchived", moved("2026-11-20T10:00:00"))


def _brief_hearing_not_held() -> list[Raw]:
    """Brief §1 defect 3: the committee asks on 14 Oct (timely), the decision on 21 Oct, no hearing."""
    return requested(with_interested())


def _proceeding_without_cancellation() -> list[Raw]:
    steps = without(proceeding_steps(), "LicenceCancelled")
    return [s for i, s in enumerate(steps) if not (s["type"] == "DecisionPublished" and i > 5)]


def _fee(rank: str) -> Callable[[Raw], None]:
    return put("fee", {"amount_fen": 50_000, "basis": [{"law": "某市收费办法", "article": 3, "rank": rank}],
                       "receipt_no": "No.0001"})


DEFECTS: list[Defect] = [
    Defect("item_not_published", "LIC-01", BLOCKER, lambda: edit(L(), "LicenceApplied", put("item", "SPJ-XX-99"))),
    Defect("sealed_by_another_body", "LIC-01", BLOCKER,
           lambda: edit(L(), "LicenceGranted", put("sealed_by", "agency/DXH-CGJ"))),
    Defect("agent_without_authorization", "LIC-02", MINOR,
           lambda: edit(L(), "LicenceApplied", put("agent.authorization", None))),
    Defect("supplement_outside_the_list", "LIC-02", MAJOR,
           lambda: edit(L(), "SupplementRequested", put("items", ["结构安全计算书", "环境影响评价报告"]))),
    Defect("brief_1_late_supplement_notice", "LIC-03", MAJOR, _brief_late_supplement,
           quiet=frozenset({"LIC-10", "LIC-04"})),
    Defect("second_supplement_request", "LIC-03", MAJOR,
           lambda: insert_before(L(), "SupplementReceived", lstep("SupplementRequested", "2026-09-25T10:00:00", {
               **copy.deepcopy(L()[1]["data"]), "items": ["设置位置图"], "served_at": "2026-09-25T10:00:00+08:00"}))),
    Defect("acceptance_not_sealed", "LIC-04", MINOR,
           lambda: edit(L(), "LicenceAccepted", put("sealed_by", "agency/DXH-CGJ"))),
    Defect("not_competent_without_competent_body", "LIC-05", MAJOR,
           lambda: edit(not_accepted_steps(), "LicenceNotAccepted", put("competent_body", None))),
    Defect("not_competent_refused_next_day", "LIC-05", MINOR,
           lambda: edit(not_accepted_steps(), "LicenceNotAccepted", moved("2026-09-21T10:00:00", "served_at"))),
    Defect("one_verifier", "LIC-06", MAJOR,
           lambda: edit(L(), "SiteVerificationRecorded", put("staff", [SPJ_OFFICER]))),
    Defect("verification_credentials_not_shown", "LIC-06", MINOR,
           lambda: edit(L(), "SiteVerificationRecorded", put("credentials_shown", False))),
    Defect("statement_not_reviewed", "LIC-07", MAJOR,
           lambda: insert_before(with_interested(), "LicenceReviewed", lstep(
               "StatementSubmitted", "2026-10-13T10:00:00", {"content": doc("居委会意见", 208)}))),
    Defect("interested_party_not_told", "LIC-07", MAJOR,
           lambda: without(with_interested(), "InterestedPartyNotified")),
    Defect("brief_3_requested_hearing_not_held", "LIC-08", BLOCKER, _brief_hearing_not_held,
           quiet=frozenset({"LIC-09", "LIC-10", "PEN-12"})),
    Defect("hearing_right_not_told", "LIC-08", MAJOR, lambda: without(with_interested(), "HearingRightsNotified")),
    Defect("hearing_notice_too_short", "LIC-09", MAJOR,
           lambda: edit(with_hearing(), "HearingNoticeServed", moved("2026-10-14T10:00:00", "served_at"))),
    Defect("hearing_presided_by_reviewer", "LIC-09", MAJOR,
           lambda: edit(with_hearing(), "HearingHeld", put("presider", SPJ_OFFICER))),
    Defect("brief_2_expert_review_not_notified", "LIC-10", MAJOR, _brief_no_expert_notice,
           quiet=frozenset({"LIC-11", "LIC-13", "LIC-15"})),
    Defect("brief_2_variant_end_without_notice", "LIC-11", MINOR, lambda: _brief_no_expert_notice(True),
           also=frozenset({"LIC-10"}), quiet=frozenset({"LIC-13", "LIC-15"})),
    Defect("excluded_notice_served_late", "LIC-11", MINOR,
           lambda: edit(L(), "ExcludedPeriodNotified", moved("2026-10-13T10:00:00", "served_at"))),
    Defect("decision_not_approved_by_head", "LIC-12", MAJOR,
           lambda: edit(L(), "LicenceGranted", put("approved_by", SPJ_OFFICER))),
    Defect("decision_without_seal", "LIC-12", BLOCKER, lambda: edit(L(), "LicenceGranted", put("sealed_by", None))),
    Defect("certificate_late", "LIC-13", MAJOR,
           lambda: edit(L(), "LicenceIssued", moved("2026-11-05T10:00:00", "issued_at"))),
    Defect("fee_without_lawful_basis", "LIC-14", MAJOR, lambda: edit(L(), "LicenceIssued", _fee("local_regulation"))),
    Defect("publication_late", "LIC-15", MAJOR,
           lambda: edit(L(), "DecisionPublished", moved("2026-11-02T09:00:00", "published_at")),
           also=frozenset({"TS-03"})),
    Defect("revocation_published_late", "TS-03", MAJOR,
           lambda: edit(proceeding_steps(), "DecisionPublished", moved("2026-12-10T09:00:00", "published_at")),
           also=frozenset({"LIC-15"})),
    Defect("renewal_decided_after_expiry", "LIC-16", MAJOR, lambda: renewal_steps("2026-10-20")),
    Defect("withdrawal_without_compensation", "LIC-17", MAJOR,
           lambda: edit(withdrawal_steps(), "LicenceWithdrawn", put("compensation", {"decided": False}))),
    Defect("revocation_paragraph_mismatch", "LIC-18", MAJOR,
           lambda: edit(proceeding_steps(), "LicenceRevoked", put("paragraph", 2))),
    Defect("revocation_without_notice", "LIC-18", MAJOR,
           lambda: without(proceeding_steps(), "ProposedActionNoticeServed", "StatementSubmitted",
                           "StatementReviewed")),
    Defect("no_cancellation_after_revocation", "LIC-19", MINOR, _proceeding_without_cancellation),
    Defect("promised_date_beyond_the_limit", "CAL-06", MAJOR,
           lambda: edit(L(), "LicenceAccepted", put("promised_on", "2026-11-20"))),
    Defect("excluded_end_before_start", "CAL-07", MINOR,
           lambda: edit(L(), "ExcludedPeriodEnded", put("ended_on", "2026-10-11"))),
    Defect("catalogue_item_without_review", "TS-10", MAJOR, L),
    Defect("published_without_credit_code", "PUB-06", MAJOR,
           lambda: edit(L(), "DecisionPublished", lambda s: s["data"].update(
               text=s["data"]["text"].replace("（统一社会信用代码91420112MA4L0C3M2R）", "")))),
    Defect("corrected_decision_left_published", "PUB-07", MAJOR,
           lambda: insert_before(L(), "CaseClosed", lstep("DecisionCorrected", "2026-10-29T10:00:00", {
               "kind": "revoked", "triggered_by": {"kind": "reconsideration", "stream": "review/DXH-FY-2026-0009"},
               "effective_at": "2026-10-29T10:00:00+08:00", "received_at": "2026-10-29T10:00:00+08:00"}))),
    Defect("no_approval_form", "EVAL-09", MAJOR, lambda: edit(L(), "LicenceGranted", put("approval_form", None))),
    Defect("no_decision_document", "EVAL-09", BLOCKER, lambda: edit(L(), "LicenceGranted", put("document", None))),
]
"""Every licence rule broken once (``tests/test_licence_audit.py``)."""

CONTEXTS: dict[str, dict[str, Any]] = {
    "hearing_notice_too_short": {"extra_registry": legal_reviewer()},
    "hearing_presided_by_reviewer": {"extra_registry": legal_reviewer()},
    "catalogue_item_without_review": {"extra_registry": review_catalogue()},
}
"""Registry additions a defect needs (the qualified legal reviewer, the review catalogue)."""


def run_defect(defect: Defect) -> Evaluation:
    return run(defect.build(), as_of=defect.as_of, **CONTEXTS.get(defect.name, {}))
