"""Coercion, enforcement and inspection time limits (COE-04, COE-07, COE-11, ENF-02, ENF-06, ENF-08,
INS-10; CAL-07–CAL-09): the brief's examples (examples-notes.md §2–§4) across 国庆 and 春节 2026 and
the 14 Feb / 28 Feb / 10 Oct 调休 days, both sides of each boundary, and a property test of a
measure's end against datetime and chinese_calendar counted directly."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from typing import Any

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.calendar import WorkingCalendar
from domain.coercion_limits import emergency_limits, freeze_decision_due, measure_end, measure_period, publication_due
from domain.config import CoercionLimits, Config, Enforcement
from domain.enforcement_limits import demand_passed, demands, forbidden_parts, substitute_notice_in_time
from domain.inspection_limits import publication_limit, publication_required
from tests.helpers.examples import scaled

CAL = WorkingCalendar()
CONFIG = Config()
TERMS = CoercionLimits(30, 30, "config")
D = date
BJ = timezone(timedelta(hours=8))
STREAM = "coercion/DXH-CGJ-QZ-2026-0003"


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _entry(step_type: str, at: str, data: dict[str, Any]) -> dict[str, Any]:
    return {"stream": STREAM, "type": step_type, "at": at, "by": "officer/42011219001", "data": data}


def _seizure(days: int = 30, started: str = "2026-09-30T20:30:00+08:00") -> dict[str, Any]:
    return _entry("SeizureImposed", "2026-09-30T20:55:00+08:00", {
        "measure_id": "M1", "measure": "seize", "emergency": True, "started_at": started,
        "decision": {"days": days, "until": "2026-10-30"}})


def _extended(at: str, days: int = 30, measure: str = "M1") -> dict[str, Any]:
    return _entry("CoercionExtended", at, {"measure_id": measure, "days": days, "approved_by": "officer/42011219003"})


def _excluded(reason: str, from_on: str, until: str, served: str, measure: str = "M1") -> dict[str, Any]:
    return _entry("ExcludedPeriodNotified", served, {"reason": reason, "measure_id": measure, "from_on": from_on,
                                                      "until": until, "served_at": served})


def _period(history: list[dict[str, Any]], terms: CoercionLimits = TERMS, config: Config = CONFIG) -> Any:
    stored = [{**e, "version": i + 1} for i, e in enumerate(history)]
    found = measure_period(stored, "M1", config, CAL, terms)
    assert found is not None
    return found


# --------------------------------------------------------------------------- COE-07 / CAL-08


def test_the_seizure_of_30_sep_ends_on_30_oct_without_roll_forward() -> None:
    period = _period([_seizure()])
    assert period.started_on == D(2026, 9, 30) and period.due.due == D(2026, 10, 30)
    assert measure_period([_seizure()], "M2", CONFIG, CAL, TERMS) is None


def test_a_last_day_on_a_holiday_is_not_moved_unless_configured() -> None:
    # 1 Sep + 30 = 1 Oct, 国庆: no roll-forward (CAL-08); with roll_forward the 8th (a Thursday).
    assert measure_end(CAL, D(2026, 9, 1), 30).due == D(2026, 10, 1)
    assert measure_end(CAL, D(2026, 9, 1), 30, roll_forward=True).due == D(2026, 10, 8)
    rolled = Config.from_toml({"coercion": {"roll_forward": True}})
    history = [_seizure(started="2026-09-01T10:00:00+08:00")]
    assert _period(history, config=rolled).due.due == D(2026, 10, 8)
    assert _period(history).due.due == D(2026, 10, 1)


@pytest.mark.parametrize(("approved", "due", "timely"), [
    ("2026-10-30T17:00:00+08:00", D(2026, 11, 29), True),   # on the last day: still running
    ("2026-10-31T09:00:00+08:00", D(2026, 10, 30), False),  # the day after: adds nothing (examples-notes §2 variant)
])
def test_an_extension_counts_only_if_approved_by_the_last_day(approved: str, due: date, timely: bool) -> None:
    period = _period([_seizure(), _extended(approved)])
    assert period.due.due == due
    assert period.period.extensions[0].timely is timely


def test_one_extension_of_at_most_30_days() -> None:
    period = _period([_seizure(), _extended("2026-10-20T09:00:00+08:00", 45),
                      _extended("2026-10-25T09:00:00+08:00", 10)])
    assert period.due.due == D(2026, 11, 29), "capped at 30, the second extension void"
    assert [e.days for e in period.further_extensions] == [10]


def test_a_decision_over_the_maximum_counts_up_to_it_and_an_items_maximum_wins() -> None:
    assert _period([_seizure(45)]).decided_days == 30
    assert _period([_seizure(45)], CoercionLimits(60, 30, "item")).due.due == D(2026, 11, 14)
    assert _period([_seizure(20)]).due.due == D(2026, 10, 20)


def test_only_notified_testing_periods_of_the_measure_stop_the_clock() -> None:
    testing = _excluded("testing", "2026-10-10", "2026-10-14", "2026-10-09T10:00:00+08:00")
    assert _period([_seizure(), testing]).due.due == D(2026, 11, 4)
    ended = _entry("ExcludedPeriodEnded", "2026-10-12T17:00:00+08:00",
                   {"reason": "testing", "measure_id": "M1", "ended_on": "2026-10-12"})
    assert _period([_seizure(), testing, ended]).due.due == D(2026, 11, 2)
    expert = _excluded("expert_review", "2026-10-10", "2026-10-14", "2026-10-09T10:00:00+08:00")
    other = _excluded("testing", "2026-10-10", "2026-10-14", "2026-10-09T10:00:00+08:00", "M2")
    assert _period([_seizure(), expert, other]).due.due == D(2026, 10, 30)


# --------------------------------------------------------------------------- COE-04, COE-11, TS-03


@pytest.mark.parametrize(("reported", "in_time"), [
    ("2026-10-01T08:30:00+08:00", True), ("2026-10-01T20:30:00+08:00", True),
    ("2026-10-01T20:31:00+08:00", False), ("2026-10-01T21:00:00+08:00", False),
])
def test_the_emergency_report_is_due_24_clock_hours_after_the_start(reported: str, in_time: bool) -> None:
    approval = _entry("CoercionApprovalDecided", reported, {"measure_id": "M1", "reported_at": reported})
    report, approved = emergency_limits(_at("2026-09-30T20:30:00+08:00"), approval, CONFIG)
    assert report.due == _at("2026-10-01T20:30:00+08:00")
    assert report.in_time is in_time and approved.in_time is in_time
    assert emergency_limits(_at("2026-09-30T20:30:00+08:00"), None, CONFIG)[0].in_time is None


def test_freeze_decision_within_3_working_days_across_guoqing() -> None:
    assert freeze_decision_due(CAL, D(2026, 9, 29), CONFIG).due == D(2026, 10, 9)
    assert freeze_decision_due(CAL, D(2026, 9, 30), CONFIG).due == D(2026, 10, 10), "the 调休 Saturday counts"


def test_publication_of_the_measure_is_due_on_3_nov() -> None:
    assert publication_due(CAL, D(2026, 9, 30), CONFIG).due == D(2026, 11, 3)


# --------------------------------------------------------------------------- ENF-02, ENF-08, CAL-09


def test_the_demand_must_have_passed_before_the_decision() -> None:
    found = demands([_entry("PerformanceDemanded", "2026-02-09T11:00:00+08:00",
                            {"purpose": "agency_enforcement", "due": "2026-02-11",
                             "served_at": "2026-02-09T11:00:00+08:00", "receipt": {"sha256": "a"}})])
    assert [(d.served_on, d.due, d.purpose, d.receipt) for d in found] == [
        (D(2026, 2, 9), D(2026, 2, 11), "agency_enforcement", True)]
    assert not demand_passed(found[0], D(2026, 2, 11))
    assert demand_passed(found[0], D(2026, 2, 12))


@pytest.mark.parametrize(("carried", "ok"), [
    (D(2026, 2, 26), True),   # 14 Feb (调休), 24, 25 Feb strictly between
    (D(2026, 2, 25), False),  # only 14 and 24 Feb (defect 1)
    (D(2026, 2, 18), False),  # only 14 Feb (defect 2)
])
def test_substitute_demand_three_working_days_before(carried: date, ok: bool) -> None:
    assert substitute_notice_in_time(CAL, D(2026, 2, 13), carried, CONFIG.enforcement) is ok


def _forbidden(start: str, end: str, config: Enforcement = CONFIG.enforcement) -> tuple[str, ...]:
    return forbidden_parts(CAL, _at(start), _at(end), config)


def test_the_substitute_performance_of_26_feb_is_at_a_lawful_time() -> None:
    assert _forbidden("2026-02-26T09:00:00+08:00", "2026-02-26T11:30:00+08:00") == ()
    assert _forbidden("2026-02-14T09:00:00+08:00", "2026-02-14T11:00:00+08:00") == (), "a 调休 Saturday works"
    assert _forbidden("2026-02-28T09:00:00+08:00", "2026-02-28T11:00:00+08:00") == ()


def test_a_holiday_or_a_weekend_is_protected() -> None:
    assert "2026-02-18 为法定节假日或休息日" in _forbidden("2026-02-18T09:00:00+08:00", "2026-02-18T11:00:00+08:00")
    assert _forbidden("2026-03-07T09:00:00+08:00", "2026-03-07T10:00:00+08:00") != ()
    weekdays_only = Config.from_toml({"enforcement": {"weekends_protected": False}}).enforcement
    assert _forbidden("2026-03-07T09:00:00+08:00", "2026-03-07T10:00:00+08:00", weekdays_only) == ()
    assert _forbidden("2026-02-18T09:00:00+08:00", "2026-02-18T10:00:00+08:00", weekdays_only) != ()
    assert "不能确认为工作日" in _forbidden("2099-03-03T09:00:00+08:00", "2099-03-03T10:00:00+08:00")[0]


@pytest.mark.parametrize(("start", "end", "night"), [
    ("2026-02-26T21:00:00+08:00", "2026-02-26T22:00:00+08:00", False),
    ("2026-02-26T21:00:00+08:00", "2026-02-26T22:01:00+08:00", True),
    ("2026-02-26T06:00:00+08:00", "2026-02-26T07:00:00+08:00", False),
    ("2026-02-26T05:59:00+08:00", "2026-02-26T07:00:00+08:00", True),
    ("2026-02-26T13:00:00Z", "2026-02-26T13:30:00Z", False),   # 21:00–21:30 in Shanghai
    ("2026-02-26T14:00:00Z", "2026-02-26T14:30:00Z", True),    # 22:00–22:30 in Shanghai
])
def test_night_is_22_to_6_in_shanghai(start: str, end: str, night: bool) -> None:
    assert any("夜间" in p for p in _forbidden(start, end)) is night


def test_a_configured_night_moves_the_boundary() -> None:
    early = Config.from_toml({"enforcement": {"night": "21:00-07:00"}}).enforcement
    assert _forbidden("2026-02-26T21:00:00+08:00", "2026-02-26T21:30:00+08:00", early) != ()
    assert _forbidden("2026-02-26T06:30:00+08:00", "2026-02-26T06:45:00+08:00", early) != ()


# --------------------------------------------------------------------------- INS-10


def test_which_inspection_results_are_published() -> None:
    assert publication_required("random", "compliant", CONFIG)
    assert not publication_required("complaint", "compliant", CONFIG)
    assert publication_required("complaint", "violation_found", CONFIG)
    assert publication_required("routine", "correction_ordered", CONFIG)
    everything = Config.from_toml({"publication": {"inspection_no_issue": True}})
    assert publication_required("complaint", "compliant", everything)


@pytest.mark.parametrize(("concluded", "published", "due", "in_time"), [
    ("2026-02-10", "2026-03-16", D(2026, 3, 16), True), ("2026-02-10", "2026-03-17", D(2026, 3, 16), False),
    ("2026-02-12", "2026-03-17", D(2026, 3, 18), True), ("2026-02-13", "2026-03-17", D(2026, 3, 19), True),
])
def test_inspection_results_are_published_within_20_working_days(concluded: str, published: str, due: date,
                                                                   in_time: bool) -> None:
    history = [
        _entry("InspectionOpened", "2026-02-06T09:00:00+08:00", {"origin": {"kind": "random"}}),
        _entry("InspectionConcluded", f"{concluded}T16:00:00+08:00", {"result": "compliant"}),
        _entry("DecisionPublished", f"{published}T09:00:00+08:00", {}),
    ]
    limit = publication_limit(history, CONFIG, CAL)
    assert limit is not None and limit.due.due == due and limit.in_time is in_time
    targeted = [{**history[0], "data": {"origin": {"kind": "complaint"}}}, *history[1:]]
    assert publication_limit(targeted, CONFIG, CAL) is None


# --------------------------------------------------------------------------- property


def _reference_end(start: date, days: int, roll: bool) -> date:
    end = start + timedelta(days=days)
    while roll and not chinese_calendar.is_workday(end):
        end += timedelta(days=1)
    return end


@settings(max_examples=scaled(200), deadline=None)
@given(start=st.dates(D(2025, 1, 1), D(2026, 10, 15)), days=st.integers(1, 30),
       approve_after=st.integers(0, 40), extension=st.integers(0, 40), roll=st.booleans())
def test_a_measures_end_agrees_with_chinese_calendar(start: date, days: int, approve_after: int, extension: int,
                                                      roll: bool) -> None:
    config = Config.from_toml({"coercion": {"roll_forward": roll}})
    started = datetime.combine(start, time(10, 0), BJ).isoformat()
    approved = datetime.combine(start + timedelta(days=approve_after), time(10, 0), BJ).isoformat()
    history = [_seizure(days, started), _extended(approved, extension)]
    base = _reference_end(start, days, roll)
    timely = start + timedelta(days=approve_after) <= base
    expected = _reference_end(start, days + min(extension, 30), roll) if timely else base
    assert _period(history, config=config).due.due == expected
