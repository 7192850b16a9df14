"""Deadlines on the 2026 calendar, and a year the installed calendar does not know.

The 2026 cases are the issue's: 7 working days from 2026-04-28 end on 2026-05-11 (the
劳动节 block 05-01..05 and the make-up Saturday 05-09), 3 working days from 2026-06-16 end
on 2026-06-22 (端午 06-19). The first year ``chinesecalendar`` does not know is found by
asking the library, never named: a deadline in it is provisional until a
``HolidayNoticePublished`` step for that year is *recorded in the ledger*; the calendar
the gates use (``domain.admission.calendar_for`` over the ledger's ``BatchView``) then
knows it, and ``enforcement-ledger calendar`` says how far it reaches.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import chinese_calendar
import pytest

from domain.admission import calendar_for
from domain.calendar import DEFAULT_CALENDAR, LIBRARY_YEARS, WorkingCalendar
from domain.errors import StepRefused
from ledger.keys import KeyStore
from ledger.service import BatchView, Ledger
from ledger.store import EventStore, StoreConfig
from tests.helpers.cli_data import cli_data
from tests.helpers.gate_context import BOOTSTRAP_STEP, find, load
from tests.helpers.stores import AHEAD_OF_THE_CLOCK

ADMIN = "officer/admin"


def first_unknown_year() -> int:
    """The first year from 2026 on for which the installed chinesecalendar has no data."""
    for year in itertools.count(2026):
        try:
            chinese_calendar.is_workday(date(year, 7, 1))
        except NotImplementedError:
            return year
    raise AssertionError("unreachable")


UNKNOWN = first_unknown_year()


def new_ledger(tmp_path: Path) -> Ledger:
    keystore = KeyStore.create(tmp_path / "keys.json", "deadlines", work_factor=2**10)
    # UNKNOWN, the calendar's first unknown year, lies ahead of the wall clock
    ledger = Ledger(EventStore(StoreConfig(sqlite_path=str(tmp_path / "ledger.sqlite"))), keystore,
                    config=AHEAD_OF_THE_CLOCK)
    ledger.record([BOOTSTRAP_STEP], actor=ADMIN)
    return ledger


@pytest.fixture
def ledger(tmp_path: Path) -> Iterator[Ledger]:
    led = new_ledger(tmp_path)
    yield led
    led.close()


def recorded_calendar(ledger: Ledger, year: int) -> WorkingCalendar:
    """The calendar the live gates would use for a step in ``year``, from what the ledger holds."""
    return calendar_for(BatchView(ledger), year)


def notice_step(year: int, holidays: list[date], workdays: list[date], at: str | None = None,
                source: str | None = None) -> dict[str, Any]:
    return {
        "stream": f"calendar/{year}", "type": "HolidayNoticePublished",
        "at": at or f"{year - 1}-12-01T10:00:00+08:00", "by": ADMIN,
        "data": {"year": year, "holidays": [d.isoformat() for d in holidays],
                 "workdays": [d.isoformat() for d in workdays],
                 "source": source or f"国务院办公厅关于{year}年部分节假日安排的通知"},
    }


def count_by_notice(start: date, n: int, holidays: set[date], workdays: set[date]) -> date:
    """The n-th working day after ``start`` by a notice's own rule, counted independently."""
    day = start
    while n:
        day += timedelta(days=1)
        if day in workdays or (day.weekday() < 5 and day not in holidays):
            n -= 1
    return day


# --------------------------------------------------------------------------- 2026


@pytest.mark.parametrize("calendar", [DEFAULT_CALENDAR, WorkingCalendar()], ids=["default", "fresh"])
def test_seven_working_days_over_labour_day_with_the_make_up_saturday(calendar: WorkingCalendar) -> None:
    deadline = calendar.add_working_days(date(2026, 4, 28), 7)
    assert deadline.due == date(2026, 5, 11) and not deadline.provisional
    assert calendar.deadline(date(2026, 4, 28), 7, "WD") == deadline
    assert calendar.is_working_day(date(2026, 5, 9)) is True, "2026-05-09 (Saturday) is a make-up working day"
    assert date(2026, 5, 9).weekday() == 5
    assert [calendar.is_working_day(date(2026, 5, d)) for d in range(1, 6)] == [False] * 5
    assert calendar.working_days_between(date(2026, 4, 28), date(2026, 5, 11)).days == 7


@pytest.mark.parametrize("calendar", [DEFAULT_CALENDAR, WorkingCalendar()], ids=["default", "fresh"])
def test_three_working_days_over_the_dragon_boat_festival(calendar: WorkingCalendar) -> None:
    deadline = calendar.add_working_days(date(2026, 6, 16), 3)
    assert deadline.due == date(2026, 6, 22) and not deadline.provisional
    assert calendar.is_working_day(date(2026, 6, 19)) is False, "端午节"
    assert calendar.add_working_days(date(2026, 6, 16), 2).due == date(2026, 6, 18)


def test_the_ledgers_calendar_counts_2026_the_same(ledger: Ledger) -> None:
    calendar = recorded_calendar(ledger, 2026)
    assert calendar.add_working_days(date(2026, 4, 28), 7).due == date(2026, 5, 11)
    assert calendar.add_working_days(date(2026, 6, 16), 3).due == date(2026, 6, 22)


# --------------------------------------------------------------------------- the first unknown year


def test_the_first_unknown_year_is_the_libraries_and_the_domains() -> None:
    assert UNKNOWN == LIBRARY_YEARS.stop
    assert not DEFAULT_CALENDAR.covers_year(UNKNOWN) and DEFAULT_CALENDAR.covers_year(UNKNOWN - 1)
    assert DEFAULT_CALENDAR.known_through() == date(UNKNOWN - 1, 12, 31)
    assert DEFAULT_CALENDAR.is_working_day(date(UNKNOWN, 3, 1)) is None


def _spring_block(year: int) -> tuple[date, list[date], list[date]]:
    """A first Monday of March, three holidays after it and a make-up Saturday that week —
    a notice no weekday estimate could guess."""
    monday = next(date(year, 3, d) for d in range(1, 8) if date(year, 3, d).weekday() == 0)
    return monday, [monday + timedelta(days=k) for k in (1, 2, 3)], [monday + timedelta(days=5)]


def test_a_deadline_in_the_unknown_year_is_provisional_until_its_notice_is_recorded(ledger: Ledger) -> None:
    start, holidays, workdays = _spring_block(UNKNOWN)
    before = recorded_calendar(ledger, UNKNOWN)
    estimate = before.add_working_days(start, 7)
    assert estimate.provisional and estimate.known_until is not None and estimate.known_until < start + timedelta(1)
    assert before.deadline_state(estimate, None, start) == "provisional"
    # a period that starts in the known year and runs into the unknown one is provisional too
    crossing = before.add_working_days(date(UNKNOWN - 1, 12, 28), 5)
    assert crossing.provisional and crossing.known_until == date(UNKNOWN - 1, 12, 31)

    ledger.record([notice_step(UNKNOWN, [date(UNKNOWN, 1, 1), *holidays], workdays)], actor=ADMIN)

    after = recorded_calendar(ledger, UNKNOWN)
    assert after.covers_year(UNKNOWN) and after.known_through() == date(UNKNOWN, 12, 31)
    definite = after.add_working_days(start, 7)
    assert not definite.provisional
    assert definite.due == count_by_notice(start, 7, set(holidays), set(workdays))
    assert definite.due != estimate.due, "the notice, not the estimate, decides"
    assert after.is_working_day(workdays[0]) is True and after.is_working_day(holidays[0]) is False
    assert after.deadline_state(definite, None, start) in ("pending", "due_soon")
    assert after.deadline_state(definite, definite.due, start) == "met"
    assert not after.add_working_days(date(UNKNOWN - 1, 12, 28), 5).provisional
    # the year after stays unknown
    assert after.add_working_days(date(UNKNOWN + 1, 3, 2), 3).provisional
    # the library-only calendar still does not know it: the notice lives in the ledger
    assert DEFAULT_CALENDAR.add_working_days(start, 7).provisional


def test_a_later_notice_for_the_year_replaces_the_earlier(ledger: Ledger) -> None:
    start, holidays, workdays = _spring_block(UNKNOWN)
    ledger.record([notice_step(UNKNOWN, holidays, workdays)], actor=ADMIN)
    first = recorded_calendar(ledger, UNKNOWN).add_working_days(start, 7).due
    extra = start + timedelta(days=7)  # the next Monday becomes a holiday too
    corrected = notice_step(UNKNOWN, [*holidays, extra], workdays, at=f"{UNKNOWN - 1}-12-05T10:00:00+08:00",
                            source="国务院办公厅关于调整放假安排的通知")
    ledger.record([corrected], actor=ADMIN)
    assert [e.version for e in ledger.read(f"calendar/{UNKNOWN}")] == [1, 2]
    second = recorded_calendar(ledger, UNKNOWN).add_working_days(start, 7)
    assert not second.provisional
    assert second.due == count_by_notice(start, 7, {*holidays, extra}, set(workdays))
    assert second.due > first, "one more holiday inside the period moves its end"


@pytest.mark.parametrize("backfill", [False, True], ids=["live", "backfill"])
@pytest.mark.parametrize(("holidays", "workdays"), [
    ([f"{UNKNOWN + 1}-01-01"], []),
    ([f"{UNKNOWN}-01-01"], [f"{UNKNOWN}-01-01"]),
], ids=["a day of another year", "a day both holiday and workday"])
def test_a_notice_the_calendar_cannot_hold_is_refused_and_recording_goes_on(
        ledger: Ledger, backfill: bool, holidays: list[str], workdays: list[str]) -> None:
    """Such a notice used to be recorded, and then every live step within reach of its year
    crashed building the gates' calendar (CalendarError instead of a refusal)."""
    bad = notice_step(UNKNOWN, [], [])
    bad["data"].update(holidays=holidays, workdays=workdays)
    count = ledger.store.count()
    with pytest.raises(StepRefused) as caught:
        ledger.record([bad], actor=ADMIN, backfill=backfill)
    assert caught.value.rule == "STRUCT-FIELD"
    assert ledger.store.count() == count
    ledger.record(load("registry.jsonl"), actor=ADMIN)
    ledger.record(load("summary-case.jsonl"), actor=ADMIN)


# --------------------------------------------------------------------------- gates and the CLI


def test_a_statement_window_into_the_unknown_year_fails_closed_until_the_notice_is_recorded(
        ledger: Ledger) -> None:
    """PEN-10 through the ledger: notice served on the last days of the known year, decision in
    the unknown one. Refused as provisional; definite, and recorded, once the notice is."""
    ledger.record(load("registry.jsonl"), actor=ADMIN)
    steps = load("general-case.jsonl")
    served = date(UNKNOWN - 1, 12, 30)
    notice = steps[find(steps, "PenaltyNoticeServed")]
    notice["at"] = notice["data"]["served_at"] = f"{served}T09:00:00+08:00"
    index = find(steps, "DecisionMade")
    ledger.record(steps[:index], actor=ADMIN)

    holidays = [date(UNKNOWN, 1, 1)]
    due = count_by_notice(served, 5, set(holidays), set())  # 5 WD: a hearing right was told
    decision = {**steps[index], "at": f"{due + timedelta(days=1)}T10:00:00+08:00"}
    count = ledger.store.count()
    with pytest.raises(StepRefused) as caught:
        ledger.record([decision], actor=decision["by"])
    assert caught.value.rule == "PEN-10" and "暂定" in caught.value.message
    assert ledger.store.count() == count

    ledger.record([notice_step(UNKNOWN, holidays, [])], actor=ADMIN)
    ledger.record([decision], actor=decision["by"])
    assert ledger.read(steps[0]["stream"])[-1].step() == decision
    # while still inside the (now definite) window a decision is refused, not provisional
    early = {**steps[index], "at": f"{due}T10:00:00+08:00"}
    with pytest.raises(StepRefused) as caught:
        ledger.record([early], actor=early["by"])
    assert caught.value.rule == "PEN-10" and "暂定" not in caught.value.message


def _cli(data: Path, *args: str) -> int:
    from api.cli import main

    return main(["--data", str(data), *args])


def test_the_cli_says_how_far_the_calendar_reaches(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    data = cli_data(tmp_path, monkeypatch)
    (data / "ledger.toml").write_text("[recording]\nfuture_at_hours = 1_000_000\n", "utf-8")  # UNKNOWN + 2 is ahead
    capsys.readouterr()
    assert _cli(data, "calendar", "--json") == 0
    reach = json.loads(capsys.readouterr().out)
    assert reach["library"]["last_year"] == UNKNOWN - 1 and reach["library"]["through"] == f"{UNKNOWN - 1}-12-31"
    assert reach["library"]["version"] == chinese_calendar.__version__
    assert (reach["known_through"], reach["first_unknown_year"], reach["notices"]) == (
        f"{UNKNOWN - 1}-12-31", UNKNOWN, [])
    assert _cli(data, "calendar") == 0
    text = capsys.readouterr().out
    assert f"{UNKNOWN - 1}-12-31" in text and f"{UNKNOWN} 年起" in text and "暂定" in text

    # record the unknown year's notice (record), and one two years on (import): a gap between
    _, holidays, workdays = _spring_block(UNKNOWN)
    step_file = tmp_path / "notice.json"
    step_file.write_text(json.dumps(notice_step(UNKNOWN, holidays, workdays), ensure_ascii=False), "utf-8")
    assert _cli(data, "record", str(step_file)) == 0
    later = tmp_path / "later.jsonl"
    later.write_text(json.dumps(notice_step(UNKNOWN + 2, [date(UNKNOWN + 2, 1, 1)], []), ensure_ascii=False)
                     + "\n", "utf-8")
    assert _cli(data, "import", str(later)) == 0
    capsys.readouterr()
    assert _cli(data, "calendar", "--json") == 0
    reach = json.loads(capsys.readouterr().out)
    assert reach["known_through"] == f"{UNKNOWN}-12-31" and reach["first_unknown_year"] == UNKNOWN + 1
    assert [(n["year"], n["stream"], n["version"], n["holidays"], n["workdays"]) for n in reach["notices"]] == [
        (UNKNOWN, f"calendar/{UNKNOWN}", 1, 3, 1), (UNKNOWN + 2, f"calendar/{UNKNOWN + 2}", 1, 1, 0)]
    assert reach["known_after_gap"] == [UNKNOWN + 2]
    assert _cli(data, "calendar") == 0
    text = capsys.readouterr().out
    assert f"{UNKNOWN}-12-31" in text and f"calendar/{UNKNOWN}" in text and f"{UNKNOWN + 1} 年起" in text


def test_the_calendar_command_needs_an_initialised_ledger(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("LEDGER_POSTGRES_DSN", raising=False)
    assert _cli(tmp_path / "nothing", "calendar") == 2
    assert "init" in capsys.readouterr().err
