"""Licence time limits (LIC-03, LIC-08–LIC-10, LIC-13, LIC-15, LIC-16, LIC-19; CAL-06, CAL-07):
the brief's example and defects across 中秋/国庆 2026 and the 20 Sep / 10 Oct 调休 days, both
sides of each boundary, and a property test against chinese_calendar counted directly."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.calendar import WorkingCalendar
from domain.config import Config, LicenceLimits, effective_licence_terms
from domain.extensions import Extension
from domain.licence_limits import (
    acceptance,
    cancellation_limit,
    decision_limit,
    hearing_notice_in_time,
    licence_limits,
    renewal_limits,
)
from domain.limits import ExcludedSpan, excluded_spans
from domain.registry import Item
from tests.helpers.examples import scaled
from tests.helpers.kinds_examples import LICENCE, SPJ_OFFICER, at, edit_step, index_of, licence_steps, versioned

CAL = WorkingCalendar()
CONFIG = Config()
TERMS = LicenceLimits(20, 10, None, False, "config")
D = date
_T0 = datetime(2026, 1, 1, tzinfo=UTC)


def _limits(steps: list[dict[str, Any]], terms: LicenceLimits = TERMS, config: Config = CONFIG) -> Any:
    return licence_limits(versioned(steps), config, CAL, terms)


def _ext(on: date, days: int = 10, version: int = 99) -> Extension:
    return Extension(version, on, days, "officer/42011230003")


# --------------------------------------------------------------------------- the brief's example


def test_the_lawful_example_meets_every_limit() -> None:
    found = _limits(licence_steps())
    assert found.received_on == D(2026, 9, 18)
    assert found.accepted is not None and found.accepted.accepted_on == D(2026, 9, 28)
    assert not found.accepted.deemed
    expected = {
        "LIC-03": D(2026, 9, 24),  # 20 Sep (Sunday, 调休) counts; 25–27 Sep 中秋 do not
        "LIC-10": D(2026, 11, 6),  # 20 WD after 28 Sep = 30 Oct, + 5 WD of expert review (12–16 Oct)
        "LIC-13": D(2026, 11, 4),  # 10 WD after 21 Oct
        "LIC-15@9": D(2026, 10, 30),  # 7 WD after 21 Oct
    }
    assert {x.key: x.due.due for x in found.limits} == expected
    for x in found.limits:
        assert x.in_time is True and not x.provisional, x


def test_the_extension_would_reach_20_november() -> None:
    steps = licence_steps()
    ext = {"stream": LICENCE, "type": "TimeLimitExtended", "at": "2026-11-02T10:00:00+08:00", "by": SPJ_OFFICER,
           "data": {"rule": "LIC-10", "approved_by": "officer/42011230003", "days": 10, "reason": "情况复杂",
                    "told_at": "2026-11-02T11:00:00+08:00"}}
    steps.insert(index_of(steps, "LicenceGranted"), ext)
    found = _limits(steps)
    assert found.decision is not None and found.decision.days == 30
    assert found.limit("LIC-10").due.due == D(2026, 11, 20)


def test_defect_1_late_supplement_deems_acceptance_on_receipt() -> None:
    steps = edit_step(licence_steps(), "SupplementRequested",
                      lambda s: at(s, "2026-09-28T09:00:00+08:00", "served_at"))
    found = _limits(steps)
    assert found.accepted is not None and found.accepted.deemed
    assert found.accepted.accepted_on == D(2026, 9, 18)
    assert found.limit("LIC-03").in_time is False
    lic10 = found.limit("LIC-10")
    assert lic10.due.due == D(2026, 10, 29)  # 22 Oct + 5 excluded WD
    assert lic10.in_time is True  # decided 21 Oct


def test_defect_2_an_unnotified_review_excludes_nothing() -> None:
    steps = [s for s in licence_steps() if s["type"] not in ("ExcludedPeriodNotified", "ExcludedPeriodEnded")]
    for kind, when in (("LicenceGranted", "2026-11-05T16:00:00+08:00"), ("LicenceIssued", "2026-11-09T10:00:00+08:00"),
                       ("DecisionPublished", "2026-11-10T09:00:00+08:00")):
        steps[index_of(steps, kind)]["at"] = when
    steps[index_of(steps, "LicenceIssued")]["data"]["issued_at"] = "2026-11-09T10:00:00+08:00"
    steps[index_of(steps, "DecisionPublished")]["data"]["published_at"] = "2026-11-10T09:00:00+08:00"
    found = _limits(steps)
    assert found.limit("LIC-10").due.due == D(2026, 10, 30)
    assert found.limit("LIC-10").in_time is False
    granted = index_of(steps, "LicenceGranted") + 1
    assert found.limit("LIC-13").in_time is True and found.limit(f"LIC-15@{granted}").in_time is True
    # the variant: step 7 without step 6 still excludes nothing
    ended = [s for s in licence_steps() if s["type"] != "ExcludedPeriodNotified"]
    assert excluded_spans(versioned(ended)) == ()
    assert _limits(ended).limit("LIC-10").due.due == D(2026, 10, 30)


def test_defect_3_the_hearing_request_window() -> None:
    steps = licence_steps()
    told = {"stream": LICENCE, "type": "HearingRightsNotified", "at": "2026-10-09T11:00:00+08:00", "by": SPJ_OFFICER,
            "data": {"to": [{"kind": "organisation", "name": "某社区居民委员会"}], "method": "in_person",
                     "served_at": "2026-10-09T11:00:00+08:00", "document": {}}}
    asked = {"stream": LICENCE, "type": "HearingRequested", "at": "2026-10-14T09:00:00+08:00", "by": SPJ_OFFICER,
             "data": {"requested_by": {"kind": "organisation", "name": "某社区居民委员会"}}}
    index = index_of(steps, "LicenceReviewed")
    steps[index:index] = [told, asked]
    found = _limits(steps)
    window = found.limit(f"LIC-08@{index + 1}")
    assert window.holder == "party" and window.due.due == D(2026, 10, 15)  # 10 Oct (Saturday, 调休) counts
    assert window.in_time is True
    organise = found.limit(f"LIC-09@{index + 2}")
    assert organise.due.due == CAL.add_working_days(D(2026, 10, 14), 20).due and organise.done_on is None


# --------------------------------------------------------------------------- boundaries


@pytest.mark.parametrize(("supplement", "deemed"), [
    (D(2026, 9, 18), False), (D(2026, 9, 24), False), (D(2026, 9, 25), True), (D(2026, 9, 28), True)])
def test_lic03_both_sides_of_the_fifth_working_day(supplement: date, deemed: bool) -> None:
    found = acceptance(CAL, D(2026, 9, 18), supplement, D(2026, 10, 8), 5)
    assert found is not None and found.deemed is deemed
    assert found.accepted_on == (D(2026, 9, 18) if deemed else D(2026, 10, 8))


def test_lic03_an_acceptance_in_time_needs_no_supplement_and_a_timely_one_awaits_the_acceptance() -> None:
    assert acceptance(CAL, D(2026, 9, 18), None, D(2026, 9, 24), 5).accepted_on == D(2026, 9, 24)  # type: ignore[union-attr]
    late = acceptance(CAL, D(2026, 9, 18), None, D(2026, 9, 28), 5)
    assert late is not None and late.deemed and late.accepted_on == D(2026, 9, 18)
    assert acceptance(CAL, D(2026, 9, 18), D(2026, 9, 21), None, 5) is None
    nothing = acceptance(CAL, D(2026, 9, 18), None, None, 5)
    assert nothing is not None and nothing.deemed


@pytest.mark.parametrize(("accepted", "due"), [
    (D(2026, 9, 28), D(2026, 10, 30)),  # crosses 国庆 (1–7 Oct) and counts Saturday 10 Oct
    (D(2026, 9, 18), D(2026, 10, 22)),  # crosses 中秋 too, counts Sunday 20 Sep
    (D(2026, 9, 19), D(2026, 10, 22)),  # a Saturday start: day 1 is Sunday 20 Sep (调休)
    (D(2026, 9, 20), D(2026, 10, 23)),
])
def test_lic10_base_limit_across_the_autumn_holidays(accepted: date, due: date) -> None:
    assert decision_limit(CAL, accepted, TERMS).due.due == due


def test_lic10_clock_stops_only_on_excluded_working_days() -> None:
    weekend = ExcludedSpan("testing", None, D(2026, 10, 17), D(2026, 10, 18), True)  # Sat–Sun: no effect
    assert decision_limit(CAL, D(2026, 9, 28), TERMS, spans=[weekend]).due.due == D(2026, 10, 30)
    holiday = ExcludedSpan("testing", None, D(2026, 10, 1), D(2026, 10, 10), True)  # only 8, 9 and 10 Oct count
    assert decision_limit(CAL, D(2026, 9, 28), TERMS, spans=[holiday]).due.due == D(2026, 11, 4)
    after = ExcludedSpan("testing", None, D(2026, 11, 2), D(2026, 11, 6), True)  # after the deadline
    assert decision_limit(CAL, D(2026, 9, 28), TERMS, spans=[after]).due.due == D(2026, 10, 30)
    a = ExcludedSpan("testing", None, D(2026, 10, 12), D(2026, 10, 14), True)
    b = ExcludedSpan("appraisal", None, D(2026, 10, 13), D(2026, 10, 16), True)  # overlapping: counted once
    assert decision_limit(CAL, D(2026, 9, 28), TERMS, spans=[a, b]).due.due == D(2026, 11, 6)


@pytest.mark.parametrize(("approved", "counted"), [(D(2026, 10, 30), 10), (D(2026, 11, 2), 0)])
def test_lic10_extension_counts_only_when_approved_within_the_limit(approved: date, counted: int) -> None:
    period = decision_limit(CAL, D(2026, 9, 28), TERMS, [_ext(approved)])
    assert period.extensions[0].counted == counted
    assert period.due.due == (D(2026, 11, 13) if counted else D(2026, 10, 30))


def test_lic10_extension_is_capped_and_joint_processing_is_45_plus_15() -> None:
    capped = decision_limit(CAL, D(2026, 9, 28), TERMS, [_ext(D(2026, 10, 20), 15), _ext(D(2026, 10, 21), 5, 100)])
    assert capped.days == 30
    joint = LicenceLimits(45, 15, None, True, "config")
    base = decision_limit(CAL, D(2026, 9, 28), joint)
    assert base.due.due == CAL.add_working_days(D(2026, 9, 28), 45).due
    assert decision_limit(CAL, D(2026, 9, 28), joint, [_ext(D(2026, 10, 20), 15)]).days == 60


def test_the_items_promise_and_statutory_days_win() -> None:
    item = Item.from_data({"code": "X", "name": "x", "kind": "licence",
                           "licence": {"statutory_days": 15, "promised_days": 7}}, _T0)
    terms = effective_licence_terms(CONFIG, item)
    found = _limits(licence_steps(), terms)
    assert found.limit("LIC-10").due.due == CAL.add_working_days(D(2026, 9, 28), 20).due  # 15 + 5 excluded
    promised = found.limit("LIC-10/promised")
    # 7 WD with the clock stopped 12–16 Oct: 29, 30 Sep, 8, 9, 10, 19, 20 Oct; decided 21 Oct
    assert promised.due.due == D(2026, 10, 20) and promised.in_time is False


@pytest.mark.parametrize(("served", "held", "ok"), [
    (D(2026, 9, 28), D(2026, 10, 19), True),  # 29, 30 Sep, 8, 9, 10, 12, 13, 14, 15, 16 Oct between
    (D(2026, 10, 8), D(2026, 10, 19), True),  # 9, 10, 12–16 Oct: exactly 7
    (D(2026, 10, 9), D(2026, 10, 19), False),  # 6
    (D(2026, 10, 9), D(2026, 10, 20), True),
])
def test_lic09_seven_working_days_strictly_between_notice_and_hearing(served: date, held: date, ok: bool) -> None:
    assert hearing_notice_in_time(CAL, served, held, 7) is ok


def test_lic16_renewal_and_lic19_cancellation() -> None:
    apply, decide = renewal_limits(D(2027, 10, 20), CONFIG, D(2027, 9, 21), None)
    assert apply.due.due == D(2027, 9, 20) and apply.holder == "party" and apply.in_time is False
    assert decide.due.due == D(2027, 10, 20)
    on_time, _ = renewal_limits(D(2027, 10, 20), CONFIG, D(2027, 9, 20), None)
    assert on_time.in_time is True
    cancel = cancellation_limit(CAL, D(2026, 9, 18), CONFIG, D(2026, 10, 22))
    assert cancel.due.due == D(2026, 10, 22) and cancel.in_time is True  # 20 WD across 中秋 and 国庆
    assert cancellation_limit(CAL, D(2026, 9, 18), CONFIG, D(2026, 10, 23)).in_time is False


def test_a_renewal_application_gets_its_limits_and_denials_are_not_published_by_default() -> None:
    def renew(s: dict[str, Any]) -> None:
        s["data"]["application"] = "renewal"
        s["data"]["licence"] = {"stream": "licence/DXH-SPJ-XK-2025-0009", "licence_no": "L", "valid_to": "2026-10-15"}

    found = _limits(edit_step(licence_steps(), "LicenceApplied", renew))
    assert found.limit("LIC-16/apply").in_time is False  # 27 days before expiry: INFO only
    assert found.limit("LIC-16/decide").in_time is False  # decided 21 Oct, after 15 Oct
    denied = edit_step(licence_steps(), "LicenceGranted", lambda s: s.update(type="LicenceDenied"))
    assert not [x for x in _limits(denied).limits if x.rule == "LIC-15"]
    published = Config.from_toml({"licence": {"publish_denials": True}})
    assert [x.key for x in _limits(denied, config=published).limits if x.rule == "LIC-15"] == ["LIC-15@9"]


def test_a_limit_in_an_unknown_year_is_provisional() -> None:
    first_unknown = next(y for y in range(2026, 2100) if not CAL.covers_year(y))
    accepted = D(first_unknown - 1, 12, 10)
    period = decision_limit(CAL, accepted, TERMS)
    assert period.due.provisional and period.due.known_until == D(first_unknown - 1, 12, 31)
    ext = decision_limit(CAL, accepted, TERMS, [_ext(D(first_unknown, 1, 20))])
    assert ext.extensions[0].timely is None and ext.extensions[0].counted == 10  # cannot be shown late


# --------------------------------------------------------------------------- against chinese_calendar


def _reference_due(accepted: date, n: int, excluded: set[date]) -> date:
    """The n-th working day after ``accepted`` that is not excluded, from chinese_calendar's list."""
    last = min(accepted + timedelta(days=400), D(2026, 12, 31))  # the library's last year
    days = chinese_calendar.get_workdays(accepted + timedelta(days=1), last)
    counted: list[date] = [d for d in days if d not in excluded]
    return counted[n - 1]


@settings(max_examples=scaled(300), deadline=None)
@given(accepted=st.dates(D(2024, 1, 1), D(2026, 9, 30)),
       spans=st.lists(st.tuples(st.integers(0, 40), st.integers(0, 12)), max_size=3),
       extension=st.none() | st.tuples(st.integers(0, 60), st.integers(1, 15)))
def test_the_decision_limit_agrees_with_chinese_calendar(accepted: date, spans: list[tuple[int, int]],
                                                         extension: tuple[int, int] | None) -> None:
    excluded_spans_ = [ExcludedSpan("testing", None, accepted + timedelta(days=a), accepted + timedelta(days=a + n),
                                    True) for a, n in spans]
    excluded = {s.first + timedelta(days=i) for s in excluded_spans_ for i in range((s.last - s.first).days + 1)}
    extensions = [] if extension is None else [_ext(accepted + timedelta(days=extension[0]), extension[1])]
    found = decision_limit(CAL, accepted, TERMS, extensions, excluded_spans_)
    base = _reference_due(accepted, 20, excluded)
    days = 20
    if extension is not None and accepted + timedelta(days=extension[0]) <= base:
        days += min(extension[1], 10)
    assert found.days == days
    assert found.due.due == _reference_due(accepted, days, excluded)
    assert not found.due.provisional


# --------------------------------------------------------------------------- excluded periods as recorded


def _notified(from_on: str, until: str, served: str, reason: str = "testing") -> dict[str, Any]:
    return {"stream": LICENCE, "type": "ExcludedPeriodNotified", "at": f"{served}T10:00:00+08:00",
            "by": SPJ_OFFICER, "data": {"reason": reason, "from_on": from_on, "until": until, "notice": {},
                                        "served_at": f"{served}T10:00:00+08:00"}}


def _ended(on: str, reason: str = "testing") -> dict[str, Any]:
    return {"stream": LICENCE, "type": "ExcludedPeriodEnded", "at": f"{on}T17:00:00+08:00", "by": SPJ_OFFICER,
            "data": {"reason": reason, "ended_on": on}}


def test_a_span_runs_from_its_notice_to_the_earlier_of_until_and_its_end() -> None:
    early_end = excluded_spans(versioned([_notified("2026-10-12", "2026-10-16", "2026-10-09"), _ended("2026-10-14")]))
    assert [(s.first, s.last, s.ended) for s in early_end] == [(D(2026, 10, 12), D(2026, 10, 14), True)]
    overrun = excluded_spans(versioned([_notified("2026-10-12", "2026-10-16", "2026-10-09"), _ended("2026-10-20")]))
    assert [(s.first, s.last) for s in overrun] == [(D(2026, 10, 12), D(2026, 10, 16))], "beyond until: not excluded"
    told_late = excluded_spans(versioned([_notified("2026-10-12", "2026-10-16", "2026-10-14")]))
    assert [(s.first, s.last, s.ended) for s in told_late] == [(D(2026, 10, 14), D(2026, 10, 16), False)]
    renewed = excluded_spans(versioned([_notified("2026-10-12", "2026-10-16", "2026-10-09"),
                                        _notified("2026-10-19", "2026-10-20", "2026-10-16"), _ended("2026-10-20")]))
    assert [(s.first, s.last, s.ended) for s in renewed] == [(D(2026, 10, 12), D(2026, 10, 16), False),
                                                            (D(2026, 10, 19), D(2026, 10, 20), True)]
    other_reason = excluded_spans(versioned([_notified("2026-10-12", "2026-10-16", "2026-10-09"),
                                             _ended("2026-10-13", "expert_review")]))
    assert other_reason[0].last == D(2026, 10, 16)
