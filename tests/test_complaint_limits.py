"""Complaint time limits (CMP-02, CMP-06): the brief's example across 劳动节 and the 9 May 调休
Saturday, the answer rolled past a Sunday, extensions, the 信访 channel and anonymous complaints."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.calendar import WorkingCalendar
from domain.complaint_limits import answer_limit, complaint_limits
from domain.config import Config
from domain.extensions import Extension
from tests.helpers.examples import scaled
from tests.helpers.kinds_examples import COMPLAINT, SFJ_HEAD, SFJ_SUPERVISOR, at, complaint_steps, edit_step, versioned

CAL = WorkingCalendar()
D = date


def _limits(steps: list[dict[str, Any]], config: Config | None = None) -> Any:
    return complaint_limits(versioned(steps), config or Config(), CAL)


def _extension(at_: str, days: int = 30) -> dict[str, Any]:
    return {"stream": COMPLAINT, "type": "TimeLimitExtended", "at": at_, "by": SFJ_SUPERVISOR,
            "data": {"rule": "CMP-06", "approved_by": SFJ_HEAD, "days": days, "reason": "情况复杂", "told_at": at_}}


def test_the_lawful_example_meets_both_limits() -> None:
    found = _limits(complaint_steps())
    assert (found.received_on, found.accepted_on, found.petition) == (D(2026, 4, 30), D(2026, 5, 8), False)
    assert {x.key: x.due.due for x in found.limits} == {
        "CMP-02": D(2026, 5, 11),  # 6, 7, 8, Sat 9 May (调休), 11 May
        "CMP-06": D(2026, 6, 8),  # 30 ND = Sunday 7 Jun, rolled to Monday
    }
    assert all(x.in_time is True and not x.provisional for x in found.limits)


@pytest.mark.parametrize(("accepted", "in_time"), [("2026-05-11T17:00:00+08:00", True),
                                                   ("2026-05-12T10:00:00+08:00", False)])
def test_defect_1_acceptance_one_working_day_late(accepted: str, in_time: bool) -> None:
    steps = edit_step(complaint_steps(), "ComplaintAccepted", lambda s: at(s, accepted, "told_at"))
    found = _limits(steps)
    assert found.limit("CMP-02").in_time is in_time
    answer = found.limit("CMP-06")
    assert answer.due.due == (D(2026, 6, 10) if in_time else D(2026, 6, 11)) and answer.in_time is True


def test_a_transfer_or_non_acceptance_also_decides_in_time() -> None:
    steps = [s for s in complaint_steps() if s["type"] not in ("ComplaintAccepted",)]
    found = _limits(steps)
    assert found.limit("CMP-02").done_on == D(2026, 5, 13) and found.limit("CMP-02").in_time is False
    assert found.accepted_on is None and found.limit("CMP-06") is None


@pytest.mark.parametrize(("approved", "due"), [("2026-06-08T17:00:00+08:00", D(2026, 7, 7)),
                                               ("2026-06-09T09:00:00+08:00", D(2026, 6, 8))])
def test_cmp06_extension_counts_only_within_the_period(approved: str, due: date) -> None:
    steps = complaint_steps()
    steps.insert(5, _extension(approved))
    steps[-3]["data"]["answered_at"] = steps[-3]["at"] = "2026-07-06T10:00:00+08:00"
    found = _limits(steps)
    assert found.limit("CMP-06").due.due == due  # 8 May + 60 ND = 7 Jul
    assert found.limit("CMP-06").in_time is (due == D(2026, 7, 7))


def test_the_extension_is_capped_at_30_days() -> None:
    period = answer_limit(CAL, D(2026, 5, 8), 30, 30, [Extension(1, D(2026, 5, 20), 45)])
    assert period.days == 60 and period.due.due == D(2026, 7, 7)


def test_the_petition_channel_adds_the_statutory_bounds() -> None:
    steps = edit_step(complaint_steps(), "ComplaintReceived", lambda s: s["data"].update(channel="petition_transfer"))
    found = _limits(steps)
    assert found.petition
    told = found.limit("CMP-02/petition")
    assert told.due.due == D(2026, 5, 15) and told.done_on == D(2026, 5, 8) and told.in_time is True
    outer = found.limit("CMP-06/petition")
    assert outer.due.due == D(2026, 7, 7) and outer.in_time is True  # 60 ND after 8 May
    untold = edit_step(steps, "ComplaintAccepted", lambda s: s["data"].pop("told_at"))
    assert _limits(untold).limit("CMP-02/petition").done_on is None


def test_an_anonymous_complaint_without_contact_is_owed_no_answer() -> None:
    def anonymous(s: dict[str, Any]) -> None:
        s["data"].pop("complainant")
        s["data"].pop("contact", None)  # the example's complainant gives it inside the party
        s["data"]["anonymous"] = True
        s["data"]["channel"] = "petition_transfer"

    found = _limits(edit_step(complaint_steps(), "ComplaintReceived", anonymous))
    assert [x.key for x in found.limits] == ["CMP-02"]
    with_contact = edit_step(complaint_steps(), "ComplaintReceived",
                             lambda s: s["data"].update(anonymous=True, complainant=None, contact="13900000000"))
    assert _limits(with_contact).limit("CMP-06") is not None


def test_configured_periods_apply() -> None:
    found = _limits(complaint_steps(), Config.from_toml({"complaint": {"accept_wd": 7, "answer_nd": 20}}))
    assert found.limit("CMP-02").due.due == D(2026, 5, 13)
    assert found.limit("CMP-06").due.due == D(2026, 5, 28)


@settings(max_examples=scaled(200), deadline=None)
@given(accepted=st.dates(D(2024, 1, 1), D(2026, 10, 31)), base=st.integers(1, 60))
def test_the_answer_limit_is_the_natural_day_rolled_to_a_working_day(accepted: date, base: int) -> None:
    end = accepted + timedelta(days=base)
    while not chinese_calendar.is_workday(end):
        end += timedelta(days=1)
    assert answer_limit(CAL, accepted, base, 30, []).due.due == end
