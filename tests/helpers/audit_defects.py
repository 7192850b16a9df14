"""The audit's defect table: each entry breaks one thing in a lawful example and names the rule that
must fire (tests/test_audit_rules.py runs it; tests/test_audit_scoring.py scores it)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from audit.context import History, PriorCase
from audit.model import BLOCKER, MAJOR, MINOR
from tests.helpers.audit_cases import (
    ACCOMPANY_VETO,
    GENERAL,
    HEAD,
    LAWSUIT,
    NO_PENALTY,
    OFFICER,
    OFFICER2,
    REVIEW,
    SUMMARY,
    TRANSFER,
    Raw,
    audit,
    doc,
    edit,
    find,
    general_group,
    insert_after,
    shift,
    step,
    without,
)
from tests.helpers.gate_context import load

G = "case/DXH-CGJ-2026-0012"
S = "case/DXH-CGJ-2026-0031"
N = "case/DXH-CGJ-2026-0020"
T = "case/DXH-CGJ-2026-0045"

Change = Callable[[], dict[str, Any]]


@dataclass(frozen=True)
class Defect:
    name: str
    rule: str
    severity: str
    build: Change
    also: frozenset[str] = field(default_factory=frozenset)

    @property
    def expected(self) -> set[str]:
        found = {self.rule, *self.also}
        return found | ACCOMPANY_VETO if self.severity == BLOCKER else found


def g(steps: list[Raw] | None = None, **kwargs: Any) -> dict[str, Any]:
    """The general case group (复议 and lawsuit included) with ``steps`` for the case."""
    base, reviews, lawsuits = general_group()
    return {
        "steps": steps if steps is not None else base,
        "reviews": kwargs.pop("reviews", reviews),
        "lawsuits": kwargs.pop("lawsuits", lawsuits),
        **kwargs,
    }


def one(name: str) -> dict[str, Any]:
    return {"steps": load(name)}


def gen() -> list[Raw]:
    return load(GENERAL)


def _set(path: str, value: Any) -> Callable[[Raw], None]:
    def change(s: Raw) -> None:
        target = s["data"]
        keys = path.split(".")
        for key in keys[:-1]:
            target = target[int(key)] if key.isdigit() else target[key]
        last = keys[-1]
        if value is _DELETE:
            del target[last]
        else:
            target[int(last) if last.isdigit() else last] = value

    return change


_DELETE = object()


def _review(change: Callable[[list[Raw]], list[Raw]]) -> dict[str, Any]:
    reviews = {REVIEW: change(load("reconsideration.jsonl"))}
    return g(reviews=reviews)


def _lawsuit(change: Callable[[list[Raw]], list[Raw]]) -> dict[str, Any]:
    return g(lawsuits={LAWSUIT: change(load("litigation.jsonl"))})


def _prior_fine() -> History:
    history = History()
    history.add_case(
        "credit_code:91420112MA4KX7Y166",
        PriorCase(
            "case/DXH-CGJ-2026-0003",
            "agency/DXH-CGJ",
            "CGJ-DQ-118-1",
            date(2026, 3, 10),
            "penalty",
            2_000_000,
            date(2026, 2, 25),
            date(2026, 2, 28),
        ),
    )
    return history


def _prior_penalty_for_no_penalty() -> History:
    history = History()
    history.add_case(
        "credit_code:91420112MA4KR2T85G",
        PriorCase(
            "case/DXH-CGJ-2026-0001",
            "agency/DXH-CGJ",
            "CGJ-DQ-118-1",
            date(2026, 1, 20),
            "penalty",
            600_000,
            date(2026, 1, 5),
            date(2026, 1, 6),
        ),
    )
    return history


def _decision_fine(amount: int) -> Callable[[list[Raw]], list[Raw]]:
    def change(steps: list[Raw]) -> list[Raw]:
        for kind in ("InvestigationConcluded", "PenaltyNoticeServed"):
            steps = edit(steps, kind, _set("proposed.penalties", [{"type": "fine", "amount_fen": amount}]))
        steps = edit(steps, "PaymentRecorded", _set("amount_fen", amount))
        return edit(steps, "DecisionMade", _set("penalties", [{"type": "fine", "amount_fen": amount}]))

    return change


def _summary_fine(amount: int) -> list[Raw]:
    steps = edit(load(SUMMARY), "SummaryDecisionMade", _set("penalties", [{"type": "fine", "amount_fen": amount}]))
    steps = edit(steps, "PaymentRecorded", _set("channel", "bank"))
    steps = edit(steps, "PaymentRecorded", _set("amount_fen", amount))
    return without(steps, "CashHandedOver")


def _minor_party(birth: str) -> Callable[[Raw], None]:
    def change(s: Raw) -> None:
        s["data"]["party"]["birth_date"] = birth
        del s["data"]["party"]["id_number"]

    return change


def _minor_general() -> list[Raw]:
    """The general case against a 16-year-old person, fined 30 000 元 of a 5 000–50 000 元 range (not
    mitigated); publication suppressed (a minor, PUB-02)."""

    def person(s: Raw) -> None:
        s["data"]["party"] = {
            "kind": "person",
            "name": "黄小明",
            "address": "武汉市东西湖区吴家山街道七雄路88号",
            "birth_date": "2010-01-01",
        }

    steps = edit(gen(), "CaseRegistered", person)
    steps = edit(steps, "InquiryRecorded", _set("interviewee", {"kind": "person", "name": "黄小明", "role": "party"}))
    steps = edit(steps, "EvidenceCollected", _set("file.name", "居民身份证复印件"), nth=2)
    index = find(steps, "DecisionPublished")
    steps[index] = step(G, "PublicationSuppressed", steps[index]["at"], {"reason": "minor", "basis": "PUB-02"})
    return steps


def _crime_opinion(s: Raw) -> None:
    s["data"]["opinions"]["crime_transfer"] = "当事人倾倒物含危险废物，涉嫌污染环境罪，应移送公安机关"


def _recusal_pending() -> list[Raw]:
    return insert_after(
        gen(),
        "InquiryRecorded",
        step(
            G,
            "RecusalRequested",
            "2026-03-06T09:00:00+08:00",
            {"officer": OFFICER2, "reason": "与当事人法定代表人系亲属"},
        ),
    )


def _correction(kind: str = "revoked") -> list[Raw]:
    return [
        *gen(),
        step(
            G,
            "DecisionCorrected",
            "2026-06-01T10:00:00+08:00",
            {
                "kind": kind,
                "triggered_by": "self",
                "effective_at": "2026-06-01T10:00:00+08:00",
                "received_at": "2026-06-01T10:00:00+08:00",
            },
            by=HEAD,
        ),
    ]


def _enforced_early() -> list[Raw]:
    steps = without(gen(), "PaymentRecorded")
    steps = insert_after(
        steps,
        "DecisionPublished",
        step(
            G,
            "PaymentDemanded",
            "2026-05-06T10:00:00+08:00",
            {"served_at": "2026-05-06T10:00:00+08:00", "document": doc("催告书", 901)},
        ),
    )
    return insert_after(
        steps,
        "PaymentDemanded",
        step(
            G,
            "CourtEnforcementApplied",
            "2026-05-08T10:00:00+08:00",
            {"court": "武汉市东西湖区人民法院", "applied_at": "2026-05-08T10:00:00+08:00"},
        ),
    )


def _catalogue_out_of_order() -> list[Raw]:
    """Evidence dated 8 March filed after the 10 March expert opinion: the 卷内目录 is not chronological."""
    return insert_after(
        gen(),
        "EvidenceCollected",
        step(
            G,
            "EvidenceCollected",
            "2026-03-08T10:00:00+08:00",
            {
                "evidence_id": "E5",
                "kind": "documentary",
                "source": "当事人提供",
                "collected_by": [OFFICER, OFFICER2],
                "file": doc("油烟净化设施维护记录", 905),
                "proves": ["F1"],
            },
        ),
        nth=3,
    )


def _transfer_late() -> list[Raw]:
    return edit(
        load(TRANSFER),
        "TransferredToJudicialOrgan",
        lambda s: (
            s.update(at="2026-04-10T16:30:00+08:00"),
            s["data"].update(transferred_at="2026-04-10T16:30:00+08:00"),
        ),
    )


def _review_late_answer(steps: list[Raw]) -> list[Raw]:
    return edit(
        steps,
        "AnswerFiled",
        lambda s: (s.update(at="2026-05-29T10:00:00+08:00"), s["data"].update(filed_at="2026-05-29T10:00:00+08:00")),
    )


def _review_revoked_withdrawn(explanation: str = "该决定已被行政复议撤销") -> dict[str, Any]:
    reviews = {REVIEW: edit(load("reconsideration.jsonl"), "ReconsiderationDecided", _set("type", "revoked"))}
    steps = [
        *gen(),
        step(
            G,
            "PublicationWithdrawn",
            "2026-06-16T10:00:00+08:00",
            {
                "withdrawn_at": "2026-06-16T10:00:00+08:00",
                "reason": "复议撤销",
                "explanation": explanation,
            },
        ),
    ]
    return g(steps, reviews=reviews)


DEFECTS: list[Defect] = [
    Defect(
        "limitation",
        "PEN-01",
        BLOCKER,
        lambda: g(
            edit(
                gen(),
                "CaseRegistered",
                _set(
                    "violation",
                    {
                        "summary": "超标排放油烟",
                        "started_on": "2023-06-01",
                        "ended_on": "2023-08-01",
                        "discovered_on": "2026-03-02",
                    },
                ),
            )
        ),
    ),
    Defect("item_not_published", "PEN-02", BLOCKER, lambda: g(edit(gen(), "CaseRegistered", _set("item", "CGJ-XX-9")))),
    Defect(
        "late_registration",
        "PEN-03",
        MAJOR,
        lambda: g(
            edit(
                gen(),
                "CaseSourceRecorded",
                lambda s: (
                    s.update(at="2026-02-02T09:00:00+08:00"),
                    s["data"].update(received_at="2026-02-02T09:00:00+08:00"),
                ),
            )
        ),
    ),
    Defect(
        "registration_unapproved", "PEN-03", MAJOR, lambda: g(edit(gen(), "CaseRegistered", _set("approved_by", None)))
    ),
    Defect(
        "inquiry_before_registration",
        "PEN-03",
        MAJOR,
        lambda: g(edit(gen(), "CaseRegistered", lambda s: s.update(at="2026-03-06T10:00:00+08:00"))),
    ),
    Defect("one_officer", "PEN-04", BLOCKER, lambda: g(edit(gen(), "InspectionRecorded", _set("officers", [OFFICER])))),
    Defect(
        "expired_credential",
        "PEN-04",
        BLOCKER,
        lambda: g(edit(gen(), "InquiryRecorded", _set("officers", [OFFICER, "officer/42011219007"]))),
    ),
    Defect(
        "record_unsigned",
        "PEN-05",
        MAJOR,
        lambda: g(edit(gen(), "InquiryRecorded", _set("signed_by_interviewee", False))),
    ),
    Defect(
        "credentials_not_shown",
        "PEN-05",
        MAJOR,
        lambda: g(edit(gen(), "InquiryRecorded", _set("credentials_shown", False))),
        frozenset({"TS-02"}),
    ),
    Defect("recusal_undecided", "PEN-06", MAJOR, lambda: g(_recusal_pending())),
    Defect(
        "no_identity_evidence",
        "PEN-07",
        BLOCKER,
        lambda: g(edit(gen(), "EvidenceCollected", _set("identifies_party", False), nth=2)),
    ),
    Defect(
        "fact_without_evidence",
        "PEN-07",
        BLOCKER,
        lambda: g(edit(gen(), "InvestigationConcluded", _set("facts.0.evidence", ["E9"]))),
    ),
    Defect(
        "preservation_unapproved",
        "PEN-08",
        MAJOR,
        lambda: one_t(edit(load(TRANSFER), "EvidencePreserved", _set("approved_by", None))),
    ),
    Defect("no_notice", "PEN-09", BLOCKER, lambda: g(without(gen(), "PenaltyNoticeServed"))),
    Defect(
        "summary_rights_not_told",
        "PEN-09",
        BLOCKER,
        lambda: {"steps": edit(load(SUMMARY), "SummaryDecisionMade", _set("rights_told", False))},
    ),
    Defect("statement_not_reviewed", "PEN-10", BLOCKER, lambda: g(without(gen(), "StatementReviewed"))),
    Defect(
        "heavier_than_notice",
        "PEN-11",
        BLOCKER,
        lambda: g(
            edit(
                edit(gen(), "DecisionMade", _set("penalties", [{"type": "fine", "amount_fen": 3_400_000}])),
                "PaymentRecorded",
                _set("amount_fen", 3_400_000),
            )
        ),
    ),
    Defect(
        "no_hearing_right",
        "PEN-12",
        BLOCKER,
        lambda: g(edit(gen(), "PenaltyNoticeServed", _set("rights.hearing", False))),
    ),
    Defect("hearing_denied", "PEN-13", MAJOR, lambda: g(without(gen(), "HearingNoticeServed", "HearingHeld"))),
    Defect("presider_investigator", "PEN-15", MAJOR, lambda: g(edit(gen(), "HearingHeld", _set("presider", OFFICER)))),
    Defect("no_legal_review", "PEN-16", BLOCKER, lambda: g(without(gen(), "LegalReviewCompleted"))),
    Defect(
        "unqualified_reviewer",
        "PEN-17",
        MAJOR,
        lambda: g(edit(gen(), "LegalReviewCompleted", _set("reviewer", "officer/42011219006"))),
    ),
    Defect(
        "opinion_incomplete",
        "PEN-18",
        MAJOR,
        lambda: g(edit(gen(), "LegalReviewCompleted", _set("opinions.crime_transfer", _DELETE))),
    ),
    Defect("no_collective_discussion", "PEN-19", BLOCKER, lambda: g(without(gen(), "CollectiveDiscussionHeld"))),
    Defect(
        "approved_by_officer", "PEN-20", MAJOR, lambda: g(edit(gen(), "DecisionMade", _set("approved_by", OFFICER)))
    ),
    Defect("no_seal", "PEN-21", BLOCKER, lambda: g(edit(gen(), "DecisionMade", _set("sealed_by", None)))),
    Defect("no_document_no", "PEN-21", MAJOR, lambda: g(edit(gen(), "DecisionMade", _set("document_no", None)))),
    Defect(
        "wrong_remedy_days",
        "PEN-22",
        MAJOR,
        lambda: g(edit(gen(), "DecisionMade", _set("remedies.reconsideration_days", 15))),
    ),
    Defect("decision_overdue", "PEN-23", MAJOR, lambda: g(shift(gen(), 50, find(gen(), "DecisionMade")))),
    Defect(
        "electronic_without_consent",
        "PEN-24",
        MAJOR,
        lambda: g(edit(gen(), "DecisionServed", _set("method", "electronic"))),
    ),
    Defect("no_payment_receipt", "PEN-25", MAJOR, lambda: g(edit(gen(), "PaymentRecorded", _set("receipt_no", None)))),
    Defect(
        "cash_late",
        "PEN-26",
        MAJOR,
        lambda: {
            "steps": edit(
                load(SUMMARY),
                "CashHandedOver",
                lambda s: (
                    s.update(at="2026-03-12T17:00:00+08:00"),
                    s["data"].update(
                        handed_over_at="2026-03-12T09:00:00+08:00", deposited_at="2026-03-12T17:00:00+08:00"
                    ),
                ),
            )
        },
    ),
    Defect(
        "surcharge_not_told", "PEN-27", MAJOR, lambda: g(edit(gen(), "DecisionMade", _set("surcharge_told", False)))
    ),
    Defect(
        "deferral_unapproved",
        "PEN-28",
        MINOR,
        lambda: g(
            insert_after(
                gen(),
                "DecisionServed",
                step(
                    G, "PaymentDeferred", "2026-04-15T10:00:00+08:00", {"approved_by": OFFICER, "until": "2026-04-30"}
                ),
            )
        ),
    ),
    Defect("court_too_early", "PEN-29", MAJOR, lambda: g(_enforced_early())),
    Defect("summary_over_limit", "PEN-30", BLOCKER, lambda: {"steps": _summary_fine(30_000)}),
    Defect("summary_not_filed", "PEN-30", MAJOR, lambda: {"steps": without(load(SUMMARY), "CaseClosed")}),
    Defect("fine_out_of_range", "PEN-31", BLOCKER, lambda: g(_decision_fine(5_500_000)(gen()))),
    Defect(
        "no_correction_ordered",
        "PEN-31",
        MAJOR,
        lambda: g(edit(gen(), "DecisionMade", _set("correction_ordered", False))),
    ),
    Defect("fined_twice", "PEN-32", MAJOR, lambda: g(history=_prior_fine())),
    Defect(
        "outside_band", "PEN-33", MAJOR, lambda: g(edit(gen(), "InvestigationConcluded", _set("circumstance", "轻微")))
    ),
    Defect(
        "norm_not_in_force",
        "PEN-34",
        MAJOR,
        lambda: g(edit(gen(), "DecisionMade", _set("basis.0.version", "2027-01-01"))),
    ),
    Defect(
        "party_under_14",
        "PEN-35",
        BLOCKER,
        lambda: {"steps": edit(load(SUMMARY), "CaseRegistered", _minor_party("2013-01-01"))},
    ),
    Defect("minor_not_mitigated", "PEN-35", MAJOR, lambda: g(_minor_general())),
    Defect(
        "grounds_missing",
        "PEN-36",
        MAJOR,
        lambda: one(NO_PENALTY) | {"steps": edit(load(NO_PENALTY), "DecisionMade", _set("no_penalty_grounds", []))},
    ),
    Defect(
        "not_first_violation", "PEN-36", MAJOR, lambda: one(NO_PENALTY) | {"history": _prior_penalty_for_no_penalty()}
    ),
    Defect("no_education", "PEN-37", MAJOR, lambda: {"steps": without(load(NO_PENALTY), "EducationGiven")}),
    # never paid, and never taken to court within 3 months of the judgment becoming final (30 Sep): PEN-29 too
    Defect("unpaid_closed", "PEN-38", MAJOR, lambda: g(without(gen(), "PaymentRecorded")), frozenset({"PEN-29"})),
    Defect("unpublished", "PEN-40", MAJOR, lambda: g(without(gen(), "DecisionPublished")), frozenset({"TS-03"})),
    Defect("not_withdrawn", "PEN-41", MAJOR, lambda: g(_correction())),
    Defect(
        "penalty_instead_of_transfer", "PEN-42", BLOCKER, lambda: g(edit(gen(), "LegalReviewCompleted", _crime_opinion))
    ),
    Defect("transfer_late", "PEN-42", MAJOR, lambda: one_t(_transfer_late())),
    Defect("no_av", "TS-06", MINOR, lambda: g(edit(gen(), "InspectionRecorded", _set("av", [])))),
    Defect(
        "record_times",
        "TS-07",
        MINOR,
        lambda: g(edit(gen(), "InspectionRecorded", _set("ended_at", "2026-03-04T13:00:00+08:00"))),
    ),
    Defect("hash_clash", "TS-08", MINOR, lambda: g(edit(gen(), "EvidenceCollected", _set("file.bytes", 99)))),
    Defect(
        "personal_data_published",
        "PUB-01",
        BLOCKER,
        lambda: g(
            edit(
                gen(),
                "DecisionPublished",
                _set(
                    "text",
                    "东城管罚决字〔2026〕第0012号：武汉市东西湖区味香餐饮管理有限公司，联系电话13871234567，处罚款。",
                ),
            )
        ),
    ),
    Defect(
        "published_despite_suppression",
        "PUB-02",
        BLOCKER,
        lambda: g(
            insert_after(
                gen(),
                "DecisionServed",
                step(G, "PublicationSuppressed", "2026-04-15T10:00:00+08:00", {"reason": "privacy", "basis": "PUB-02"}),
            )
        ),
    ),
    Defect(
        "publication_without_number",
        "PUB-03",
        MAJOR,
        lambda: g(
            edit(
                gen(),
                "DecisionPublished",
                _set("text", "武汉市东西湖区味香餐饮管理有限公司超过排放标准排放油烟，处罚款。"),
            )
        ),
    ),
    Defect(
        "min_until_too_short",
        "PUB-04",
        MAJOR,
        lambda: g(edit(gen(), "DecisionPublished", _set("min_until", "2026-05-01"))),
    ),
    Defect(
        "correction_ignored",
        "PUB-05",
        MINOR,
        lambda: g(
            [
                *gen(),
                step(
                    G,
                    "PublicationCorrectionRequested",
                    "2026-04-21T10:00:00+08:00",
                    {"requested_at": "2026-04-21T10:00:00+08:00", "points": ["统一社会信用代码有误"]},
                ),
            ]
        ),
    ),
    Defect(
        "late_application_accepted",
        "RC-01",
        MAJOR,
        lambda: _review(lambda r: edit(r, "ReconsiderationApplied", _set("learned_at", "2026-03-01T10:00:00+08:00"))),
    ),
    Defect(
        "late_acceptance",
        "RC-02",
        MAJOR,
        lambda: _review(
            lambda r: edit(
                r,
                "ReconsiderationAccepted",
                lambda s: (
                    s.update(at="2026-05-20T10:00:00+08:00"),
                    s["data"].update(decided_at="2026-05-20T10:00:00+08:00"),
                ),
            )
        ),
    ),
    Defect(
        "late_copy",
        "RC-03",
        MAJOR,
        lambda: _review(
            lambda r: edit(
                r,
                "AnswerRequested",
                lambda s: (
                    s.update(at="2026-05-25T10:00:00+08:00"),
                    s["data"].update(sent_at="2026-05-25T10:00:00+08:00"),
                ),
            )
        ),
    ),
    Defect("late_answer", "RC-03", BLOCKER, lambda: _review(_review_late_answer)),
    Defect(
        "head_absent_hearing",
        "RC-04",
        MAJOR,
        lambda: _review(
            lambda r: insert_after(
                r,
                "AnswerFiled",
                step(
                    REVIEW,
                    "ReconsiderationHearingHeld",
                    "2026-06-01T10:00:00+08:00",
                    {"held_at": "2026-06-01T10:00:00+08:00", "respondent_head_attended": False},
                    by="officer/SFJ-0001",
                ),
            )
        ),
    ),
    Defect(
        "late_review_decision",
        "RC-05",
        MAJOR,
        lambda: _review(
            lambda r: edit(
                r,
                "ReconsiderationDecided",
                lambda s: (
                    s.update(at="2026-07-20T10:00:00+08:00"),
                    s["data"].update(decided_at="2026-07-20T10:00:00+08:00", served_at="2026-07-20T16:00:00+08:00"),
                ),
            )
        ),
    ),
    Defect(
        "decision_without_grounds",
        "RC-06",
        MAJOR,
        lambda: _review(lambda r: edit(r, "ReconsiderationDecided", _set("grounds", []))),
    ),
    Defect(
        "opinion_unanswered",
        "RC-07",
        MAJOR,
        lambda: _review(
            lambda r: [
                *r,
                step(
                    REVIEW,
                    "OpinionLetterIssued",
                    "2026-06-16T10:00:00+08:00",
                    {"to": "agency/DXH-CGJ", "issued_at": "2026-06-16T10:00:00+08:00", "content": "规范送达程序"},
                    by="officer/SFJ-0001",
                ),
            ]
        ),
    ),
    Defect("review_not_performed", "RC-08", MAJOR, _review_revoked_withdrawn),
    # a withdrawal's bytes are public too (domain.gates.PUBLICLY_SERVED): a 补录 one is judged like a publication
    Defect("personal_data_in_withdrawal", "PUB-01", BLOCKER,
           lambda: _review_revoked_withdrawn("该决定已被复议撤销，咨询电话13871234567"), frozenset({"RC-08"})),
    Defect(
        "head_absent_court",
        "LIT-01",
        MAJOR,
        lambda: _lawsuit(
            lambda r: edit(r, "CourtHearingAttended", _set("appeared", [{"person": "律师甲", "role": "lawyer"}]))
        ),
    ),
    Defect(
        "summoned_head_absent",
        "LIT-02",
        MAJOR,
        lambda: _lawsuit(
            lambda r: edit(
                r,
                "CourtHearingAttended",
                lambda s: s["data"].update(
                    appeared=[{"person": OFFICER, "role": "staff"}],
                    head_absent_reason="参加防汛紧急会议",
                    summoned_head=True,
                ),
            )
        ),
    ),
    Defect(
        "judicial_suggestion",
        "LIT-03",
        MAJOR,
        lambda: _lawsuit(
            lambda r: [
                *r,
                step(
                    LAWSUIT,
                    "JudicialSuggestionReceived",
                    "2026-09-20T10:00:00+08:00",
                    {"received_at": "2026-09-20T10:00:00+08:00", "content": "建议规范听证程序"},
                ),
            ]
        ),
    ),
    Defect("no_receipt", "EVAL-04", BLOCKER, lambda: g(edit(gen(), "DecisionServed", _set("receipt", None)))),
    Defect("no_approval_form", "EVAL-04", MAJOR, lambda: g(edit(gen(), "DecisionMade", _set("approval_form", None)))),
    Defect("catalogue_order", "EVAL-05", MINOR, lambda: g(_catalogue_out_of_order())),
    Defect("short_retention", "EVAL-06", MINOR, lambda: g(edit(gen(), "CaseArchived", _set("retention", "10y")))),
    Defect(
        "late_archive",
        "EVAL-07",
        MINOR,
        lambda: g(edit(gen(), "CaseArchived", lambda s: s.update(at="2026-06-30T10:00:00+08:00"))),
    ),
]


def one_t(steps: list[Raw]) -> dict[str, Any]:
    return {"steps": steps}


LAWFUL = {
    GENERAL: lambda: g(),
    SUMMARY: lambda: one(SUMMARY),
    NO_PENALTY: lambda: one(NO_PENALTY),
    TRANSFER: lambda: one(TRANSFER),
}


def run_defect(built: dict[str, Any]) -> Any:
    steps = built.pop("steps")
    return audit(steps, **built)
