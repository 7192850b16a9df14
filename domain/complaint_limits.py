"""The time limits of a 投诉举报 file (CMP-02, CMP-06).

Why: the bureau must decide on acceptance within 5 WD of receipt and answer within 30 ND of
acceptance, +30 ND with a head's approval given while the period runs (the one extension rule,
``domain.extensions``). A complaint that came through the 信访 channel also has 信访工作条例's
statutory bounds: the complainant told within 15 ND (第23条), and 60 (+30) ND to conclude
(第34条). Natural-day periods roll their last day forward to a working day (CAL-02). An
anonymous complaint with no contact is owed no notice and no answer.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Any, Final

from domain.calendar import WorkingCalendar
from domain.config import Config
from domain.extensions import ExtendedPeriod, Extension, extend_period
from domain.limits import Limit, day_of, first_day, recorded_extensions, step_day
from domain.reading import mapping_of

__all__ = ["DECIDED", "PETITION", "ComplaintDeadlines", "answer_limit", "complaint_limits", "owed_answer"]

PETITION: Final = "petition_transfer"
DECIDED: Final = ("ComplaintAccepted", "ComplaintNotAccepted", "ComplaintTransferred")
"""The steps that decide on acceptance (CMP-02: 受理, 不予受理 or 转送/交办)."""


@dataclass(frozen=True, slots=True)
class ComplaintDeadlines:
    """Every limit of one complaint stream, with the answer periods the extensions shaped."""

    received_on: date | None
    accepted_on: date | None
    petition: bool
    answer: ExtendedPeriod | None
    petition_answer: ExtendedPeriod | None
    limits: tuple[Limit, ...]

    def limit(self, key: str) -> Limit | None:
        return next((x for x in self.limits if x.key == key), None)


def owed_answer(received: Mapping[str, Any]) -> bool:
    """Whether the complainant can be told and answered: not anonymous, or left a contact."""
    return received.get("anonymous") is not True or bool(received.get("contact"))


def answer_limit(calendar: WorkingCalendar, accepted_on: date, base_nd: int, cap_nd: int,
                 extensions: Sequence[Extension]) -> ExtendedPeriod:
    """CMP-06: ``base_nd`` ND after acceptance (rolled to a working day), grown by the extensions
    approved within it, at most ``cap_nd`` in all."""
    return extend_period(partial(calendar.add_natural_days, accepted_on), base_nd, extensions, max_days=cap_nd)


def _told_on(history: Sequence[Mapping[str, Any]]) -> date | None:
    """The first day the complainant was told of the acceptance decision or the transfer."""
    days = []
    for entry in history:
        data = mapping_of(entry.get("data"))
        if entry.get("type") in ("ComplaintAccepted", "ComplaintNotAccepted"):
            days.append(day_of(data.get("told_at")))
        elif entry.get("type") == "ComplaintTransferred":
            days.append(day_of(data.get("complainant_told_at")))
    known = [d for d in days if d is not None]
    return min(known) if known else None


def complaint_limits(history: Sequence[Mapping[str, Any]], config: Config,
                     calendar: WorkingCalendar) -> ComplaintDeadlines:
    """The limits of a complaint stream (its steps in version order)."""
    cfg = config.complaint
    entry = next((e for e in history if e.get("type") == "ComplaintReceived"), None)
    if entry is None:
        return ComplaintDeadlines(None, None, False, None, None, ())
    received = mapping_of(entry.get("data"))
    received_on = step_day(entry, "received_at")
    petition = received.get("channel") == PETITION
    owed = owed_answer(received)
    out = [Limit("CMP-02", "CMP-02", "决定是否受理", received_on,
                 calendar.add_working_days(received_on, cfg.accept_wd), first_day(history, DECIDED))]
    if petition and owed:
        out.append(Limit("CMP-02/petition", "CMP-02", "书面告知信访人", received_on,
                         calendar.add_natural_days(received_on, cfg.petition_notice_nd), _told_on(history)))
    accepted_on = first_day(history, ("ComplaintAccepted",))
    answer = petition_answer = None
    if accepted_on is not None and owed:
        answered = first_day(history, ("ComplaintAnswered",), "answered_at")
        extensions = recorded_extensions(history, "CMP-06")
        answer = answer_limit(calendar, accepted_on, cfg.answer_nd, cfg.extension_nd, extensions)
        out.append(Limit("CMP-06", "CMP-06", "书面答复投诉举报人", accepted_on, answer.due, answered))
        if petition:
            petition_answer = answer_limit(calendar, accepted_on, cfg.petition_answer_nd, cfg.petition_extension_nd,
                                           extensions)
            out.append(Limit("CMP-06/petition", "CMP-06", "信访事项办结（法定期限）", accepted_on, petition_answer.due,
                             answered))
    return ComplaintDeadlines(received_on, accepted_on, petition, answer, petition_answer, tuple(out))
