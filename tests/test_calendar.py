"""Tests of the working-day calendar and deadlines (rules.md §1, CAL-01 to CAL-04).

The hand-checked 2026 dates were read off ``chinese_calendar`` (1.11.0) and the
2026 State Council notice: 春节 2026-02-15..23 off with 调休 Saturdays 02-14
and 02-28; 中秋 09-25..27 and 国庆 10-01..07 off with 调休 Sunday 09-20 and
Saturday 10-10.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import chinese_calendar as cc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.calendar import (
    DEFAULT_CALENDAR,
    LIBRARY_YEARS,
    CalendarError,
    DayCount,
    Deadline,
    HolidayNotice,
    NaiveDatetimeError,
    WorkingCalendar,
    deadline_state,
    parse_aware_datetime,
    shanghai_date,
)
from tests.helpers.examples import scaled

CAL = WorkingCalendar()
D = date

# A made-up notice for a year the library does not know: test data only, not
# the real 2027 arrangement. 2027-01-01 is a Friday; 01-02 is a Saturday.
FAKE_2027 = HolidayNotice(
    year=2027,
    holidays=frozenset({D(2027, 1, 1)}),
    workdays=frozenset({D(2027, 1, 2)}),
    source="测试用虚构通知",
)


def brute_add_working_days(start: date, n: int) -> date:
    d, left = start, n
    while left:
        d += timedelta(days=1)
        if cc.is_workday(d):
            left -= 1
    return d


# -- coverage ---------------------------------------------------------------


def test_library_coverage_matches_chinese_calendar() -> None:
    assert LIBRARY_YEARS == range(2004, 2027)
    for year in (LIBRARY_YEARS.start - 1, LIBRARY_YEARS.stop):
        with pytest.raises(NotImplementedError):
            cc.is_workday(D(year, 6, 1))
    assert CAL.known_through() == D(2026, 12, 31)


def test_every_covered_day_agrees_with_chinese_calendar() -> None:
    d = D(LIBRARY_YEARS.start, 1, 1)
    end = D(LIBRARY_YEARS.stop - 1, 12, 31)
    while d <= end:
        assert CAL.is_working_day(d) is cc.is_workday(d), d
        d += timedelta(days=1)


# -- single days around 2026 holidays --------------------------------------


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (D(2026, 1, 1), False),  # 元旦
        (D(2026, 1, 4), True),  # Sunday, 调休
        (D(2026, 2, 13), True),
        (D(2026, 2, 14), True),  # Saturday, 调休 before 春节
        (D(2026, 2, 15), False),
        (D(2026, 2, 23), False),  # last day of 春节
        (D(2026, 2, 24), True),
        (D(2026, 2, 28), True),  # Saturday, 调休 after 春节
        (D(2026, 3, 1), False),  # ordinary Sunday
        (D(2026, 3, 7), False),  # ordinary Saturday
        (D(2026, 9, 20), True),  # Sunday, 调休 before 中秋/国庆
        (D(2026, 9, 25), False),  # 中秋
        (D(2026, 10, 1), False),
        (D(2026, 10, 7), False),
        (D(2026, 10, 8), True),
        (D(2026, 10, 10), True),  # Saturday, 调休 after 国庆
        (D(2026, 10, 11), False),
    ],
)
def test_is_working_day_2026(day: date, working: bool) -> None:
    assert CAL.is_working_day(day) is working
    assert cc.is_workday(day) is working


def test_unknown_year_is_none() -> None:
    assert CAL.is_working_day(D(2027, 3, 1)) is None
    assert CAL.is_working_day(D(2003, 3, 3)) is None
    assert not CAL.covers_year(2027)


# -- working-day periods (CAL-01, start day excluded) -----------------------


@pytest.mark.parametrize(
    ("start", "n", "due"),
    [
        (D(2026, 2, 12), 1, D(2026, 2, 13)),
        (D(2026, 2, 13), 1, D(2026, 2, 14)),  # 调休 Saturday counts
        (D(2026, 2, 13), 2, D(2026, 2, 24)),  # jumps over 春节
        (D(2026, 2, 13), 3, D(2026, 2, 25)),  # PEN-10's 3 WD window
        (D(2026, 2, 14), 5, D(2026, 2, 28)),  # lands on the 调休 Saturday
        (D(2026, 2, 15), 1, D(2026, 2, 24)),  # start inside the holiday
        (D(2026, 9, 18), 1, D(2026, 9, 20)),  # 调休 Sunday
        (D(2026, 9, 24), 7, D(2026, 10, 12)),  # 中秋 + 国庆 + 调休 Saturday
        (D(2026, 9, 30), 1, D(2026, 10, 8)),
        (D(2026, 9, 30), 3, D(2026, 10, 10)),
        (D(2026, 3, 6), 5, D(2026, 3, 13)),  # plain week, Friday start
        (D(2026, 3, 6), 0, D(2026, 3, 6)),
    ],
)
def test_add_working_days_2026(start: date, n: int, due: date) -> None:
    assert CAL.add_working_days(start, n) == Deadline(due=due)
    assert brute_add_working_days(start, n) == due


def test_working_days_between() -> None:
    assert CAL.working_days_between(D(2026, 2, 13), D(2026, 2, 25)) == DayCount(3)
    assert CAL.working_days_between(D(2026, 9, 30), D(2026, 10, 8)) == DayCount(1)
    assert CAL.working_days_between(D(2026, 10, 1), D(2026, 10, 7)) == DayCount(0)
    assert CAL.working_days_between(D(2026, 3, 2), D(2026, 3, 2)) == DayCount(0)
    assert CAL.working_days_between(D(2026, 2, 25), D(2026, 2, 13)) == DayCount(-3)
    count = CAL.working_days_between(D(2026, 12, 30), D(2027, 1, 6))
    assert count.provisional and count.days == 4  # estimate: 01-01 off, weekend off


# -- natural days, months, years (CAL-02 roll-forward) ----------------------


@pytest.mark.parametrize(
    ("start", "n", "due"),
    [
        (D(2026, 3, 2), 3, D(2026, 3, 5)),  # a working day: no roll
        (D(2026, 3, 2), 5, D(2026, 3, 9)),  # Saturday rolls to Monday
        (D(2026, 9, 20), 15, D(2026, 10, 8)),  # 国庆 rolls to 10-08
        (D(2026, 2, 5), 10, D(2026, 2, 24)),  # 春节 rolls to 02-24
        (D(2026, 2, 4), 10, D(2026, 2, 14)),  # 调休 Saturday: no roll
        (D(2026, 9, 15), 5, D(2026, 9, 20)),  # 调休 Sunday: no roll
        (D(2026, 1, 5), 60, D(2026, 3, 6)),  # 复议 60 days
    ],
)
def test_add_natural_days_2026(start: date, n: int, due: date) -> None:
    assert CAL.add_natural_days(start, n) == Deadline(due=due)


def test_natural_days_without_roll() -> None:
    assert CAL.add_natural_days(D(2026, 9, 20), 15, roll=False) == Deadline(D(2026, 10, 5))
    # Pure arithmetic needs no calendar, so it is never provisional.
    assert CAL.add_natural_days(D(2026, 12, 20), 30, roll=False) == Deadline(D(2027, 1, 19))


@pytest.mark.parametrize(
    ("start", "months", "due"),
    [
        (D(2026, 1, 31), 1, D(2026, 2, 28)),  # month end; 02-28 is a 调休 Saturday
        (D(2026, 3, 31), 1, D(2026, 4, 30)),
        (D(2026, 4, 5), 6, D(2026, 10, 8)),  # 10-05 in 国庆 rolls forward
        (D(2026, 8, 1), 2, D(2026, 10, 8)),
        (D(2025, 8, 31), 6, D(2026, 2, 28)),
        (D(2025, 12, 15), 3, D(2026, 3, 16)),  # 03-15 is a Sunday
    ],
)
def test_add_months(start: date, months: int, due: date) -> None:
    assert CAL.add_months(start, months) == Deadline(due=due)
    assert CAL.deadline(start, months, "M") == Deadline(due=due)


def test_add_years() -> None:
    assert CAL.add_years(D(2024, 2, 29), 2) == Deadline(D(2026, 2, 28))
    assert CAL.add_years(D(2024, 2, 29), 1) == Deadline(D(2025, 2, 28))
    assert CAL.add_years(D(2024, 10, 3), 2) == Deadline(D(2026, 10, 8))
    assert CAL.add_years(D(2024, 10, 3), 2, roll=False) == Deadline(D(2026, 10, 3))
    assert CAL.deadline(D(2024, 10, 3), 2, "Y") == Deadline(D(2026, 10, 8))


def test_deadline_dispatch_and_bad_input() -> None:
    assert CAL.deadline(D(2026, 2, 13), 3, "WD") == Deadline(D(2026, 2, 25))
    assert CAL.deadline(D(2026, 9, 20), 15, "ND") == Deadline(D(2026, 10, 8))
    with pytest.raises(CalendarError):
        CAL.deadline(D(2026, 2, 13), 3, "H")  # type: ignore[arg-type]
    with pytest.raises(CalendarError):
        CAL.add_working_days(D(2026, 2, 13), -1)
    with pytest.raises(CalendarError, match="shanghai_date"):
        CAL.add_working_days(datetime(2026, 2, 13, tzinfo=UTC), 1)


# -- provisional: a year nobody covers (CAL-03 fail closed) -----------------


def test_working_days_into_unknown_year_are_provisional() -> None:
    d = CAL.add_working_days(D(2026, 12, 28), 5)
    # 12-29, 12-30, 12-31 known; 2027 estimated (01-01 fixed holiday, weekend).
    assert d == Deadline(due=D(2027, 1, 5), provisional=True, known_until=D(2026, 12, 31))
    assert CAL.add_working_days(D(2026, 12, 28), 3) == Deadline(D(2026, 12, 31))


def test_natural_days_into_unknown_year_are_provisional() -> None:
    assert CAL.add_natural_days(D(2026, 12, 20), 10) == Deadline(D(2026, 12, 30))
    d = CAL.add_natural_days(D(2026, 12, 25), 10)
    assert d.provisional and d.due == D(2027, 1, 4) and d.known_until == D(2027, 1, 3)
    d = CAL.add_months(D(2026, 10, 1), 6)
    assert d.provisional and d.due == D(2027, 4, 1)


def test_start_before_library_is_provisional() -> None:
    d = CAL.add_working_days(D(2003, 12, 30), 3)
    assert d.provisional and d.known_until == D(2003, 12, 30)
    assert d.due == D(2004, 1, 5)  # 12-31 (estimated), 01-02, 01-05


def test_notice_fills_unknown_year() -> None:
    cal = CAL.with_notice(FAKE_2027)
    assert CAL.is_working_day(D(2027, 1, 2)) is None  # the original is unchanged
    assert cal.is_working_day(D(2027, 1, 1)) is False
    assert cal.is_working_day(D(2027, 1, 2)) is True  # 调休 Saturday
    assert cal.is_working_day(D(2027, 1, 4)) is True
    assert cal.is_working_day(D(2027, 1, 9)) is False  # ordinary Saturday
    assert cal.add_working_days(D(2026, 12, 28), 5) == Deadline(D(2027, 1, 4))
    assert cal.add_natural_days(D(2026, 12, 22), 10) == Deadline(D(2027, 1, 2))
    assert cal.known_through() == D(2027, 12, 31)
    assert cal.covers_year(2027)
    assert cal.is_working_day(D(2028, 1, 3)) is None


def test_notice_takes_precedence_and_later_notice_replaces() -> None:
    monday = D(2026, 3, 2)
    override = HolidayNotice(2026, frozenset({monday}), frozenset())
    cal = CAL.with_notice(override)
    assert CAL.is_working_day(monday) is True
    assert cal.is_working_day(monday) is False
    # The notice replaces the library for its whole year: 02-14 is now an
    # ordinary Saturday, because this (made-up) notice lists no 调休.
    assert cal.is_working_day(D(2026, 2, 14)) is False
    corrected = cal.with_notice(HolidayNotice(2026, frozenset(), frozenset()))
    assert corrected.is_working_day(monday) is True
    assert len(corrected.notices) == 1


def test_calendar_is_immutable_value() -> None:
    a = WorkingCalendar.from_notices([FAKE_2027])
    b = WorkingCalendar().with_notice(FAKE_2027)
    assert a == b and hash(a) == hash(b)
    with pytest.raises(AttributeError):
        a.notices = ()  # type: ignore[misc]


def test_known_through_needs_unbroken_years() -> None:
    later = HolidayNotice(2028, frozenset(), frozenset())
    assert CAL.with_notice(later).known_through() == D(2026, 12, 31)
    assert CAL.with_notice(later).with_notice(FAKE_2027).known_through() == D(2028, 12, 31)


def test_notice_from_step_data() -> None:
    notice = HolidayNotice.from_step_data(
        {
            "year": 2027,
            "holidays": ["2027-01-01"],
            "workdays": ["2027-01-02"],
            "source": "测试用虚构通知",
        }
    )
    assert notice == FAKE_2027


@pytest.mark.parametrize(
    "data",
    [
        {"year": "2027", "holidays": [], "workdays": []},
        {"year": 2027, "holidays": ["2028-01-01"], "workdays": []},
        {"year": 2027, "holidays": ["2027-01-02"], "workdays": ["2027-01-02"]},
        {"year": 2027, "holidays": ["2027/01/01"], "workdays": []},
        {"year": 2027, "holidays": "2027-01-01", "workdays": []},
    ],
)
def test_notice_rejects_bad_data(data: dict[str, object]) -> None:
    with pytest.raises(CalendarError):
        HolidayNotice.from_step_data(data)


# -- deadline states ----------------------------------------------------------


def test_deadline_state_known() -> None:
    d = CAL.add_working_days(D(2026, 2, 13), 3)  # due 2026-02-25
    assert deadline_state(d, D(2026, 2, 25), D(2026, 3, 1)) == "met"
    assert deadline_state(d, D(2026, 2, 26), D(2026, 3, 1)) == "missed"
    assert deadline_state(d, None, D(2026, 2, 26)) == "missed"
    assert deadline_state(d, None, D(2026, 2, 25)) == "due_soon"
    assert deadline_state(d, None, D(2026, 2, 13)) == "due_soon"  # 3 WD away
    assert deadline_state(d, None, D(2026, 2, 13), soon_days=2) == "pending"
    assert deadline_state(d, None, D(2026, 2, 10)) == "pending"
    # The window is counted in working days: on 02-12 the due date is 4 WD away.
    assert deadline_state(d, None, D(2026, 2, 12)) == "pending"


def test_deadline_state_window_into_unknown_year() -> None:
    d = Deadline(D(2026, 12, 31))
    assert deadline_state(d, None, D(2026, 12, 30)) == "due_soon"
    far = CAL.with_notice(FAKE_2027).add_working_days(D(2026, 12, 28), 20)
    assert not far.provisional
    # Without the notice the 3-WD window from 12-31 reaches into 2027 unknown.
    assert deadline_state(far, None, D(2026, 12, 31)) == "provisional"
    assert (
        deadline_state(far, None, D(2026, 12, 31), calendar=CAL.with_notice(FAKE_2027))
        == "pending"
    )


def test_deadline_state_provisional() -> None:
    d = CAL.add_working_days(D(2026, 12, 28), 5)  # provisional, known until 12-31
    assert deadline_state(d, D(2026, 12, 30), D(2027, 2, 1)) == "met"  # certain
    assert deadline_state(d, D(2027, 1, 6), D(2027, 2, 1)) == "provisional"
    assert deadline_state(d, None, D(2026, 12, 1)) == "pending"  # certain
    assert deadline_state(d, None, D(2026, 12, 29)) == "provisional"
    assert deadline_state(d, None, D(2027, 1, 10)) == "provisional"  # never "missed"
    assert deadline_state(Deadline(D(2027, 1, 5), provisional=True), None, D(2026, 1, 5)) == (
        "provisional"
    )


# -- Asia/Shanghai dates ----------------------------------------------------


def test_shanghai_date() -> None:
    assert shanghai_date(datetime(2026, 3, 4, 10, 15, tzinfo=timezone(timedelta(hours=8)))) == D(
        2026, 3, 4
    )
    # 23:30 UTC is 07:30 the next morning in Beijing.
    assert shanghai_date(datetime(2026, 3, 4, 23, 30, tzinfo=UTC)) == D(2026, 3, 5)
    assert shanghai_date(parse_aware_datetime("2026-03-04T16:00:00Z")) == D(2026, 3, 5)
    assert shanghai_date(parse_aware_datetime("2026-03-04T15:59:59Z")) == D(2026, 3, 4)
    assert shanghai_date(parse_aware_datetime("2026-03-05T01:00:00+09:00")) == D(2026, 3, 5)


def test_naive_datetimes_are_rejected() -> None:
    with pytest.raises(NaiveDatetimeError, match="时区"):
        shanghai_date(datetime(2026, 3, 4, 10, 15))
    with pytest.raises(NaiveDatetimeError):
        parse_aware_datetime("2026-03-04T10:15:00")
    with pytest.raises(CalendarError):
        parse_aware_datetime("下周一")
    with pytest.raises(CalendarError):
        shanghai_date(D(2026, 3, 4))  # type: ignore[arg-type]


@given(st.datetimes(timezones=st.none()))
def test_naive_datetimes_are_always_rejected(naive: datetime) -> None:
    with pytest.raises(NaiveDatetimeError):
        shanghai_date(naive)


@given(st.datetimes(min_value=datetime(2000, 1, 2), max_value=datetime(2100, 1, 1)))
def test_shanghai_date_is_utc_plus_8(moment: datetime) -> None:
    aware = moment.replace(tzinfo=UTC)
    assert shanghai_date(aware) == (moment + timedelta(hours=8)).date()


# -- properties over the covered years ---------------------------------------

COVERED_STARTS = st.dates(min_value=D(LIBRARY_YEARS.start, 1, 1), max_value=D(2026, 8, 31))


@settings(max_examples=scaled(300), deadline=None)
@given(COVERED_STARTS, st.integers(min_value=1, max_value=60))
def test_add_working_days_properties(start: date, n: int) -> None:
    d = CAL.add_working_days(start, n)
    assert not d.provisional
    assert cc.is_workday(d.due)
    assert CAL.working_days_between(start, d.due) == DayCount(n)
    assert sum(cc.is_workday(start + timedelta(days=i)) for i in range(1, (d.due - start).days + 1)) == n
    assert d.due == brute_add_working_days(start, n)


@settings(max_examples=scaled(300), deadline=None)
@given(COVERED_STARTS, st.integers(min_value=1, max_value=120))
def test_add_natural_days_properties(start: date, n: int) -> None:
    d = CAL.add_natural_days(start, n)
    raw = start + timedelta(days=n)
    assert not d.provisional
    assert d.due >= raw
    assert cc.is_workday(d.due)
    # Minimal: every day from the raw end up to the due date is a day off.
    day = raw
    while day < d.due:
        assert not cc.is_workday(day)
        day += timedelta(days=1)


@settings(max_examples=scaled(200), deadline=None)
@given(COVERED_STARTS, st.integers(min_value=1, max_value=24))
def test_add_months_properties(start: date, n: int) -> None:
    raw = CAL.add_months(start, n, roll=False).due
    assert (raw.year * 12 + raw.month) - (start.year * 12 + start.month) == n
    assert raw.day == start.day or (raw.day < start.day and (raw + timedelta(days=1)).day == 1)
    d = CAL.add_months(start, n)
    if not d.provisional:
        assert cc.is_workday(d.due) and d.due >= raw


@settings(max_examples=scaled(200), deadline=None)
@given(
    st.dates(min_value=D(2026, 6, 1), max_value=D(2027, 12, 31)),
    st.integers(min_value=0, max_value=60),
)
def test_notices_remove_provisional(start: date, n: int) -> None:
    """With a notice for every year touched, nothing is provisional; without, 2027 is."""
    full = CAL.with_notice(FAKE_2027).with_notice(HolidayNotice(2028, frozenset(), frozenset()))
    d = full.add_working_days(start, n)
    assert not d.provisional
    assert full.working_days_between(start, d.due) == DayCount(n)
    bare = CAL.add_working_days(start, n)
    assert bare.provisional == any(
        (start + timedelta(days=i)).year >= 2027 for i in range(1, (bare.due - start).days + 1)
    )
    if bare.provisional:
        assert bare.known_until is not None and bare.known_until < d.due


def test_default_calendar_is_library_only() -> None:
    assert DEFAULT_CALENDAR == WorkingCalendar()
    assert DEFAULT_CALENDAR.notices == ()


@settings(max_examples=scaled(50), deadline=None)
@given(start=st.dates(date(2025, 1, 1), date(2028, 12, 31)), n=st.integers(0, 40))
def test_remembered_periods_equal_computed_ones(start: date, n: int) -> None:
    """A calendar remembers the periods it computed (a rebuild asks the same ones over and over):
    asked again, or asked of a calendar fresh from a pickle (which carries no memo), the answer is the same."""
    import pickle

    cal = WorkingCalendar.from_notices([FAKE_2027])
    first = (cal.add_working_days(start, n), cal.roll_forward(start))
    assert (cal.add_working_days(start, n), cal.roll_forward(start)) == first
    fresh = pickle.loads(pickle.dumps(cal))
    assert fresh == cal and fresh._memo == {}
    assert (fresh.add_working_days(start, n), fresh.roll_forward(start)) == first
    other = WorkingCalendar()  # no notice for 2027: another answer there, never the first calendar's
    assert other.add_working_days(start, n) == WorkingCalendar().add_working_days(start, n)
    excluded = frozenset({start + timedelta(days=1)})
    assert cal.add_working_days(start, n, excluding=excluded) == \
        WorkingCalendar.from_notices([FAKE_2027]).add_working_days(start, n, excluding=excluded)


def test_a_calendar_remembers_only_its_own_periods() -> None:
    with_notice = WorkingCalendar.from_notices([FAKE_2027])
    plain = WorkingCalendar.from_notices([HolidayNotice(2027, frozenset(), frozenset(), source="测试")])
    for _ in range(2):  # the second round from the memo
        assert with_notice.add_working_days(D(2026, 12, 31), 1).due == D(2027, 1, 2)
        assert plain.add_working_days(D(2026, 12, 31), 1).due == D(2027, 1, 1)
        assert with_notice.roll_forward(D(2027, 1, 1)).due == D(2027, 1, 2)
        assert plain.roll_forward(D(2027, 1, 1)).due == D(2027, 1, 1)
