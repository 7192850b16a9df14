"""The party's windows in the case file (PEN-10 陈述申辩期, PEN-13 听证申请期, RC-01 复议期限,
LIT-04 起诉期限, PEN-29 催告后履行期) and the court-enforcement duty that follows them.

A window is the party's: the agency waits for it, so it ends ``elapsed`` (never missed) and is
never a warning; the duty to apply to the court when the fine stays unpaid is the agency's.
"""

from __future__ import annotations

import copy
from datetime import date

import pytest

from audit.engine import load_file
from domain.calendar import WorkingCalendar
from projections.casefile import CaseFile, Deadline, fold_casefile, fold_review
from tests.helpers.audit_cases import (
    GENERAL,
    HEAD,
    LAWSUIT,
    REVIEW,
    SUMMARY,
    at_day,
    audit,
    context,
    find,
    fired,
    general_group,
    insert_after,
    shift,
    step,
    versioned,
    without,
)
from tests.helpers.audit_cases import (
    NO_PENALTY as NO_PENALTY_FILE,
)
from tests.helpers.gate_context import load

CAL = WorkingCalendar()
CASE = "case/DXH-CGJ-2026-0012"


def folded(steps: list[dict[str, object]]) -> CaseFile:
    return fold_casefile(steps[0]["stream"], versioned(steps))  # type: ignore[arg-type]


def by_key(file: CaseFile) -> dict[str, Deadline]:
    return {d.key: d for d in file.all_deadlines}


def test_general_example_windows_from_the_notice_and_the_decision() -> None:
    """Notice served Tue 17 March with the hearing right: 5 WD → 24 March; hearing asked 20 March;
    decision served 14 April: 复议 60 days → 13 June, a Saturday, so 15 June; 起诉 6 months → 14 Oct."""
    file = folded(load(GENERAL))
    found = by_key(file)
    notice = file.state.notices[-1]
    statement, hearing = found[f"PEN-10@{notice.position + 1}"], found[f"PEN-13@{notice.position + 1}"]
    assert (statement.start, statement.due.due, statement.done_on) == (date(2026, 3, 17), date(2026, 3, 24), None)
    assert (hearing.due.due, hearing.done_on) == (date(2026, 3, 24), date(2026, 3, 20))
    assert (found["RC-01"].start, found["RC-01"].due.due) == (date(2026, 4, 14), date(2026, 6, 15))
    assert found["LIT-04"].due.due == date(2026, 10, 14)
    assert {d.holder for d in found.values() if d.rule in ("PEN-10", "PEN-13", "RC-01", "LIT-04")} == {"party"}
    assert "PEN-29@court" not in found  # the fine was paid in time


def test_an_unused_window_ends_elapsed_and_a_used_one_met() -> None:
    found = by_key(folded(load(GENERAL)))
    statement = next(d for d in found.values() if d.rule == "PEN-10")
    assert statement.state(date(2026, 3, 20), CAL) in ("pending", "due_soon")
    assert statement.state(date(2026, 3, 25), CAL) == "elapsed"
    assert next(d for d in found.values() if d.rule == "PEN-13").state(date(2026, 12, 1), CAL) == "met"
    assert found["PEN-24"].state(date(2026, 12, 1), CAL) == "met"  # the agency's duties keep their states


@pytest.mark.parametrize(("hearing_right", "due"), [(True, date(2026, 10, 13)), (False, date(2026, 10, 10))])
def test_statement_window_across_national_day(hearing_right: bool, due: date) -> None:
    """Served Wed 30 September 2026; 1–7 October are holidays, Sat 10 October a make-up working day:
    3 WD → 8, 9, 10 October; 5 WD → 8, 9, 10, 12, 13 October."""
    steps = load(GENERAL)
    notice = steps[find(steps, "PenaltyNoticeServed")]
    at_day(notice, date(2026, 9, 30), "served_at")
    notice["data"]["rights"]["hearing"] = hearing_right
    found = folded(steps)
    statement = next(d for d in found.deadlines if d.rule == "PEN-10")
    assert statement.due.due == due == CAL.add_working_days(date(2026, 9, 30), 5 if hearing_right else 3).due
    assert any(d.rule == "PEN-13" for d in found.deadlines) is hearing_right


def test_a_written_waiver_closes_the_statement_window() -> None:
    steps = load(GENERAL)
    waiver = step(CASE, "RightsWaived", "2026-03-18T10:00:00+08:00", {"rights": ["statement", "hearing"]})
    found = folded(insert_after(steps, "PenaltyNoticeServed", waiver))
    windows = {d.rule: d.done_on for d in found.deadlines if d.holder == "party" and d.rule in ("PEN-10", "PEN-13")}
    assert windows == {"PEN-10": date(2026, 3, 18), "PEN-13": date(2026, 3, 18)}


def test_reconsideration_and_lawsuit_close_the_remedy_windows() -> None:
    steps, reviews, lawsuits = general_group()
    file, _ = load_file(CASE, versioned(steps), context(), reviews={k: versioned(v) for k, v in reviews.items()},
                        lawsuits={k: versioned(v) for k, v in lawsuits.items()})
    found = by_key(file)
    review, suit = file.reviews[0], file.lawsuits[0]
    assert review.received_at is not None and suit.filed_at is not None and review.decided_at is not None
    assert found["RC-01"].done_on == review.received_at.date()
    decided = (review.served_at or review.decided_at).date()
    lit = found["LIT-04"]
    assert (lit.start, lit.due.due, lit.done_on) == (decided, CAL.add_natural_days(decided, 15).due,
                                                     suit.filed_at.date())
    assert "PEN-29@court" not in found  # finality waits for the court


def unpaid_general() -> list[dict[str, object]]:
    return without(load(GENERAL), "PaymentRecorded")


def test_unpaid_fine_opens_the_court_enforcement_duty() -> None:
    """Served 14 April: the remedies lapse with the 6-month 起诉期限 on 14 October, then 3 months."""
    court = by_key(folded(unpaid_general()))["PEN-29@court"]
    assert (court.holder, court.start) == ("agency", date(2026, 10, 14))
    assert court.due.due == date(2027, 1, 14) and court.due.provisional  # 2027 is not in the calendar yet
    applied = step(CASE, "CourtEnforcementApplied", "2026-11-20T10:00:00+08:00",
                   {"court": "武汉市东西湖区人民法院", "applied_at": "2026-11-20T10:00:00+08:00"})
    steps = [*unpaid_general(), applied]
    assert by_key(folded(steps))["PEN-29@court"].done_on == date(2026, 11, 20)


def test_court_enforcement_duty_is_audited_once_due() -> None:
    steps = unpaid_general()
    assert "PEN-29" not in fired(audit(steps, as_of=date(2026, 12, 31)), provisional=True)
    late = audit(steps, as_of=date(2027, 2, 1))
    finding = next(f for f in late.findings if f.rule == "PEN-29")
    assert "未缴纳" in finding.message and finding.severity == "INFO"  # provisional: 2027 holidays unknown


def test_demand_gives_the_party_ten_working_days() -> None:
    steps = unpaid_general()
    demand = step(CASE, "PaymentDemanded", "2026-09-25T10:00:00+08:00",
                  {"served_at": "2026-09-25T10:00:00+08:00", "document": None})
    window = next(d for d in folded([*steps, demand]).deadlines if d.key.startswith("PEN-29@demand"))
    # 28, 29, 30 September, 8, 9, 10 (make-up Saturday), 12, 13, 14, 15 October
    assert (window.holder, window.due.due) == ("party", date(2026, 10, 15))


def test_summary_case_has_remedy_windows_but_no_statement_window() -> None:
    rules = {d.rule for d in folded(load(SUMMARY)).deadlines}
    assert {"RC-01", "LIT-04"} <= rules and not rules & {"PEN-10", "PEN-13"}


def test_shifted_case_keeps_its_windows_relative() -> None:
    """Moved back 35 days, the notice (Tue 10 Feb) meets the Spring Festival: 11, 12, 13, 14 (make-up
    Saturday), then 15–23 February off → the fifth working day is Tue 24 February."""
    steps = shift(load(GENERAL), -35)
    statement = next(d for d in folded(steps).deadlines if d.rule == "PEN-10")
    assert statement.start == date(2026, 2, 10)
    assert statement.due.due == date(2026, 2, 24)


# --------------------------------------------------------------------------- edge cases


def with_review(case_steps: list[dict[str, object]], review_steps: list[dict[str, object]]) -> CaseFile:
    review = fold_review(REVIEW, versioned(review_steps))  # type: ignore[arg-type]
    return fold_casefile(CASE, versioned(case_steps), reviews=[review])  # type: ignore[arg-type]


def review_until(last_type: str) -> list[dict[str, object]]:
    steps = load("reconsideration.jsonl")
    return steps[: find(steps, last_type) + 1]


def test_revoked_or_corrected_fine_is_not_taken_to_court() -> None:
    revoked = review_until("ReconsiderationDecided")
    revoked[-1]["data"]["type"] = "revoked"  # type: ignore[index]
    assert "PEN-29@court" not in by_key(with_review(unpaid_general(), revoked))
    upheld = review_until("ReconsiderationDecided")
    upheld[-1]["data"]["type"] = "upheld"  # type: ignore[index]
    assert "PEN-29@court" in by_key(with_review(unpaid_general(), upheld))
    corrected = [*unpaid_general(), step(CASE, "DecisionCorrected", "2026-05-06T10:00:00+08:00",
                                         {"kind": "revoked", "triggered_by": "self",
                                          "effective_at": "2026-05-06T10:00:00+08:00"})]
    assert "PEN-29@court" not in by_key(folded(corrected))


def test_a_refusal_to_accept_ends_the_review_for_the_litigation_period() -> None:
    """不予受理 on 8 May: the party may sue within 15 days of it (行政复议法第三十四条)."""
    steps = review_until("ReconsiderationApplied")
    steps.append(step(REVIEW, "ReconsiderationRejected", "2026-05-08T10:00:00+08:00",
                      {"decided_at": "2026-05-08T10:00:00+08:00", "reason": "超过申请期限"}, by=HEAD))
    found = by_key(with_review(unpaid_general(), steps))
    assert (found["LIT-04"].start, found["LIT-04"].due.due) == (date(2026, 5, 8), date(2026, 5, 25))
    assert found["PEN-29@court"].start == date(2026, 5, 25)  # RC-01 was used: finality when LIT-04 lapses


def test_with_the_hearing_right_told_both_rights_must_be_waived() -> None:
    steps = load(GENERAL)
    only_statement = step(CASE, "RightsWaived", "2026-03-18T10:00:00+08:00", {"rights": ["statement"]})
    window = next(d for d in folded(insert_after(steps, "PenaltyNoticeServed", only_statement)).deadlines
                  if d.rule == "PEN-10")
    assert window.done_on is None  # the gate still waits: the hearing right was not waived


def test_litigation_period_rolls_past_national_day() -> None:
    """Served Fri 3 April: six months end Sat 3 October, inside the holiday → Thu 8 October (CAL-02)."""
    steps = load(NO_PENALTY_FILE)
    at_day(steps[find(steps, "DecisionServed")], date(2026, 4, 3), "served_at")
    lit = next(d for d in folded(steps).deadlines if d.rule == "LIT-04")
    assert (lit.start, lit.due.due) == (date(2026, 4, 3), date(2026, 10, 8))


def test_summary_case_never_owes_a_court_application() -> None:
    steps = without(load(SUMMARY), "PaymentRecorded", "CashHandedOver")
    assert not [d for d in folded(steps).deadlines if d.rule == "PEN-29"]


def test_a_waiver_answers_only_the_notice_before_it() -> None:
    """A second notice (a changed proposal) opens new windows; a waiver after it does not close the first's."""
    steps = load(GENERAL)
    index = find(steps, "PenaltyNoticeServed")
    second = copy.deepcopy(steps[index])
    at_day(second, date(2026, 3, 19), "served_at")
    waiver = step(CASE, "RightsWaived", "2026-03-20T10:00:00+08:00", {"rights": ["statement", "hearing"]})
    steps = [*steps[: index + 1], second, waiver, *steps[index + 1 :]]
    windows = sorted((d.start, d.done_on) for d in folded(steps).deadlines if d.rule == "PEN-10")
    assert windows == [(date(2026, 3, 17), None), (date(2026, 3, 19), date(2026, 3, 20))]


def suit_file(case_steps: list[dict[str, object]], instance: str | None, outcome: str = "dismissed") -> CaseFile:
    _, reviews, lawsuits = general_group()
    suit = lawsuits[LAWSUIT]
    judgment = suit[find(suit, "JudgmentReceived")]
    judgment["data"]["outcome"] = outcome  # type: ignore[index]
    if instance is None:
        suit = suit[: find(suit, "JudgmentReceived")]
    else:
        judgment["data"]["instance"] = instance  # type: ignore[index]
    file, _ = load_file(CASE, versioned(case_steps), context(), reviews={k: versioned(v) for k, v in reviews.items()},
                        lawsuits={LAWSUIT: versioned(suit)})
    return file


def test_a_judgment_becomes_final_after_the_appeal_period() -> None:
    """First-instance judgment received 15 September: 15 days to appeal (行政诉讼法第八十五条) → 30 September;
    the unpaid fine must go to the court within 3 months of it; a second-instance judgment is final at once."""
    found = by_key(suit_file(unpaid_general(), "first"))
    appeal = found[f"LIT-04@appeal-{LAWSUIT}"]
    assert (appeal.holder, appeal.start, appeal.due.due) == ("party", date(2026, 9, 15), date(2026, 9, 30))
    assert (found["PEN-29@court"].start, found["PEN-29@court"].due.due) == (date(2026, 9, 30), date(2026, 12, 30))
    final = by_key(suit_file(unpaid_general(), "second"))
    assert f"LIT-04@appeal-{LAWSUIT}" not in final and final["PEN-29@court"].start == date(2026, 9, 15)
    assert "PEN-29@court" not in by_key(suit_file(unpaid_general(), None))  # still before the court
    assert "PEN-29@court" not in by_key(suit_file(unpaid_general(), "first", "revoked"))
    assert "PEN-29@court" not in by_key(suit_file(load(GENERAL), "first"))  # paid in time
