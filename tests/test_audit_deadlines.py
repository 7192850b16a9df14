"""Deadline rules on both sides of the boundary, on the 2026 calendar (holidays and 调休 make-up days);
running cases report only what is due; a year the calendar does not know gives a provisional finding."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from domain.calendar import HolidayNotice, WorkingCalendar
from tests.helpers.audit_cases import (
    NO_PENALTY,
    TRANSFER,
    at_day,
    audit,
    find,
    fired,
    general_group,
    shift,
    without,
)
from tests.helpers.gate_context import load

CAL = WorkingCalendar()


def test_2026_calendar_facts_the_tests_rely_on() -> None:
    assert CAL.is_working_day(date(2026, 5, 9)) is True  # Saturday, 调休 for 劳动节
    assert CAL.is_working_day(date(2026, 5, 5)) is False  # 劳动节 holiday on a Tuesday
    assert CAL.is_working_day(date(2026, 4, 6)) is False  # 清明 holiday on a Monday
    assert CAL.is_working_day(date(2026, 10, 7)) is False and CAL.is_working_day(date(2026, 10, 8)) is True


@pytest.mark.parametrize(("served", "late"), [(date(2026, 5, 12), False), (date(2026, 5, 13), True)])
def test_pen24_service_within_7_working_days_across_labour_day(served: date, late: bool) -> None:
    """Decided Wed 29 April 2026: 30 Apr, 6, 7, 8, 9 (Saturday make-up day), 11, 12 May → due 12 May."""
    steps = shift(load(NO_PENALTY), (date(2026, 4, 29) - date(2026, 5, 13)).days)
    index = find(steps, "DecisionServed")
    at_day(steps[index], served, "served_at")
    assert CAL.add_working_days(date(2026, 4, 29), 7).due == date(2026, 5, 12)
    assert ("PEN-24" in fired(audit(steps))) is late


@pytest.mark.parametrize(("resolved", "late"), [(date(2026, 4, 15), False), (date(2026, 4, 16), True)])
def test_pen08_preservation_resolved_within_7_working_days_across_qingming(resolved: date, late: bool) -> None:
    """Preserved Fri 3 April 2026; 4–6 April is 清明: 7, 8, 9, 10, 13, 14, 15 April → due 15 April."""
    steps = load(TRANSFER)
    at_day(steps[find(steps, "PreservationResolved")], resolved)
    found = fired(audit(steps))
    assert ("PEN-08" in found) is late
    assert found <= {"PEN-08"}


@pytest.mark.parametrize(("hearing", "short"), [(date(2026, 4, 10), False), (date(2026, 4, 9), True)])
def test_pen14_seven_working_days_strictly_between_notice_and_hearing(hearing: date, short: bool) -> None:
    """Notice served Mon 30 March; 31 Mar, 1, 2, 3, 7, 8, 9 April are the 7 working days between (Q4)."""
    steps, reviews, lawsuits = general_group()
    notice = steps[find(steps, "HearingNoticeServed")]
    at_day(notice, date(2026, 3, 30), "served_at")
    notice["data"]["hearing_at"] = f"{hearing.isoformat()}T09:30:00+08:00"
    found = fired(audit(steps, reviews=reviews, lawsuits=lawsuits))
    assert ("PEN-14" in found) is short
    assert found <= {"PEN-14"}


@pytest.mark.parametrize(("archived", "late"), [(date(2026, 10, 8), False), (date(2026, 10, 9), True)])
def test_eval07_thirty_days_roll_past_national_day(archived: date, late: bool) -> None:
    """Closed 1 September: day 30 is 1 October, a holiday; the period ends on the next working day, 8 October."""
    steps, reviews, lawsuits = general_group()
    at_day(steps[find(steps, "CaseClosed")], date(2026, 9, 1))
    at_day(steps[find(steps, "CaseArchived")], archived)
    found = fired(audit(steps, reviews=reviews, lawsuits=lawsuits))
    assert ("EVAL-07" in found) is late
    assert found <= {"EVAL-07"}


def test_pen03_registration_within_15_working_days_across_spring_festival() -> None:
    due = CAL.add_working_days(date(2026, 2, 10), 15).due
    assert due == date(2026, 3, 9)  # 春节 15–23 February; 14 and 28 February are make-up working days
    for registered, late in ((due, False), (due + timedelta(days=1), True)):
        steps, reviews, lawsuits = general_group()
        source = steps[find(steps, "CaseSourceRecorded")]
        at_day(source, date(2026, 2, 10), "received_at")
        registration = steps[find(steps, "CaseRegistered")]
        at_day(registration, registered)
        steps = without(steps, "InquiryRecorded")  # keep 立案 before every inquiry
        found = fired(audit(steps, reviews=reviews, lawsuits=lawsuits))
        assert ("PEN-03" in found) is late, found


@pytest.mark.parametrize(("days", "late"), [(49, False), (50, True)])
def test_pen23_ninety_days_from_registration(days: int, late: bool) -> None:
    steps, reviews, lawsuits = general_group()
    steps = shift(steps, days, find(steps, "DecisionMade"))  # registered 3 March: day 90 is 1 June
    found = fired(audit(steps, reviews=reviews, lawsuits=lawsuits))
    assert ("PEN-23" in found) is late
    assert found <= {"PEN-23"}


# --------------------------------------------------------------------------- running cases


def test_running_case_reports_only_what_is_due() -> None:
    steps, reviews, lawsuits = general_group()
    steps = without(steps, "DecisionPublished")
    decided = date(2026, 4, 13)
    due = CAL.add_working_days(decided, 7).due
    assert fired(audit(steps, as_of=due, reviews=reviews, lawsuits=lawsuits)) == set()
    assert fired(audit(steps, as_of=due + timedelta(days=1), reviews=reviews, lawsuits=lawsuits)) == {"PEN-40", "TS-03"}


def test_as_of_judges_the_file_as_it_stood_then() -> None:
    """On the decision day the file holds nothing later: service is not due yet, nothing is missing."""
    steps, reviews, lawsuits = general_group()
    ev = audit(steps, as_of=date(2026, 4, 13), reviews=reviews, lawsuits=lawsuits)
    assert ev.findings == () and ev.status == "decided"
    early = audit(steps, as_of=date(2026, 3, 18), reviews=reviews, lawsuits=lawsuits)
    assert early.findings == () and early.status == "notified"


def test_service_not_yet_due_then_missed() -> None:
    steps = without(load(NO_PENALTY), "DecisionServed", "CaseClosed", "CaseArchived")
    assert fired(audit(steps, as_of=date(2026, 5, 22))) == set()  # 13 May + 7 WD = 22 May
    assert fired(audit(steps, as_of=date(2026, 5, 25))) == {"PEN-24"}


# --------------------------------------------------------------------------- unknown years (CAL-03)


def _late_2026_no_penalty() -> list[dict[str, object]]:
    steps = shift(load(NO_PENALTY), (date(2026, 12, 28) - date(2026, 5, 13)).days)
    return without(steps, "DecisionServed", "CaseClosed", "CaseArchived")


def test_deadline_in_an_unknown_year_is_provisional_never_wrong() -> None:
    steps = _late_2026_no_penalty()
    assert not CAL.covers_year(2027)  # the installed calendar stops at 2026
    assert fired(audit(steps, as_of=date(2026, 12, 31))) == set()  # the known part of the period
    ev = audit(steps, as_of=date(2027, 1, 20))
    assert fired(ev) == set()
    provisional = [f for f in ev.findings if f.provisional]
    assert [f.rule for f in provisional] == ["PEN-24"]
    assert provisional[0].severity == "INFO" and provisional[0].points == 0 and "暂定" in provisional[0].message
    assert ev.grade == "优秀"


def test_holiday_notice_makes_the_deadline_certain() -> None:
    notice = HolidayNotice(2027, frozenset({date(2027, 1, 1), date(2027, 1, 2), date(2027, 1, 3)}), frozenset(),
                           "国务院办公厅关于2027年部分节假日安排的通知")
    calendar = WorkingCalendar.from_notices([notice])
    ev = audit(_late_2026_no_penalty(), as_of=date(2027, 1, 20), calendar=calendar)
    finding = ev.by_rule()["PEN-24"]
    assert finding.severity == "MAJOR" and not finding.provisional and "2027-01-07" in finding.message

