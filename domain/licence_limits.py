"""The time limits of a 行政许可 file (LIC-03, LIC-08–LIC-10, LIC-13, LIC-15, LIC-16, LIC-19).

Why one module: every limit of 行政许可法 counts working days (第82条, CAL-06) from the day of
receipt, acceptance or decision, start day excluded (CAL-02), and the decision limit depends on
three things the others read too — the acceptance day (deemed on the receipt date when the 补正
notice is late, LIC-03), the excluded periods that stop the clock (第45条, CAL-07) and the
extension a head approved in time (第42条; ``domain.extensions``, the one rule for every
extension). Pure: a stream's steps as plain mappings, the configuration, the item's terms
(``domain.config.effective_licence_terms``) and the calendar.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import partial
from typing import Any, Final

from domain.calendar import DayCount, Deadline, WorkingCalendar
from domain.config import Config, LicenceLimits
from domain.extensions import ExtendedPeriod, Extension, extend_period
from domain.limits import (
    ExcludedSpan,
    Limit,
    day_of,
    excluded_days,
    excluded_spans,
    first_day,
    recorded_extensions,
    step_day,
    within,
    working_days_strictly_between,
)
from domain.reading import mapping_of

__all__ = [
    "DECISIONS",
    "GRANTS",
    "Acceptance",
    "LicenceDeadlines",
    "acceptance",
    "cancellation_limit",
    "decision_limit",
    "hearing_notice_gap",
    "hearing_notice_in_time",
    "licence_limits",
    "renewal_limits",
]

GRANTS: Final = frozenset({"LicenceGranted"})
DECISIONS: Final = frozenset({"LicenceGranted", "LicenceDenied"})
"""The decisions that end an application (LIC-10's "作出行政许可决定")."""
AGENCY_DECISIONS: Final = frozenset({"LicenceWithdrawn", "LicenceRevoked", "LicenceCancelled"})
_REPLIES: Final = ("SupplementRequested", "LicenceAccepted", "LicenceNotAccepted")


@dataclass(frozen=True, slots=True)
class Acceptance:
    """The day LIC-10's limit counts from (``accepted_on``, LIC-03).

    ``deemed``: no 补正 notice and no acceptance came within the 5 WD, so the application counts
    as accepted on the receipt date. ``provisional``: whether they came in time depends on a
    year the calendar does not know; they are then taken as timely (as a late extension cannot be
    shown late, ``domain.extensions``)."""

    accepted_on: date
    deemed: bool
    provisional: bool = False


def acceptance(calendar: WorkingCalendar, received_on: date, supplement_on: date | None,
               accepted_on: date | None, notice_wd: int) -> Acceptance | None:
    """LIC-03: the recorded acceptance day when it, or a 补正 notice, came within ``notice_wd``
    WD of receipt; else the receipt date (deemed). None while a timely 补正 is still awaited."""
    due = calendar.add_working_days(received_on, notice_wd)
    for replied in (supplement_on, accepted_on):
        if replied is None:
            continue
        timely = within(due, replied)
        if timely is not False:
            if accepted_on is None:
                return None
            return Acceptance(accepted_on, deemed=False, provisional=timely is None)
    return Acceptance(received_on, deemed=True)


def decision_limit(calendar: WorkingCalendar, accepted_on: date, terms: LicenceLimits,
                   extensions: Sequence[Extension] = (), spans: Sequence[ExcludedSpan] = ()) -> ExtendedPeriod:
    """LIC-10: ``terms.decision_wd`` WD after ``accepted_on`` with the clock stopped on every
    excluded day (CAL-07), grown by the extensions approved while it ran, at most
    ``terms.extension_wd`` in all."""
    count = partial(calendar.add_working_days, accepted_on, excluding=excluded_days(spans))
    return extend_period(count, terms.decision_wd, extensions, max_days=terms.extension_wd)


def hearing_notice_gap(calendar: WorkingCalendar, served_on: date, held_on: date) -> DayCount:
    """Working days strictly between a hearing notice and the hearing (Q4's reading of "七日前")."""
    return working_days_strictly_between(calendar, served_on, held_on)


def hearing_notice_in_time(calendar: WorkingCalendar, served_on: date, held_on: date, notice_wd: int) -> bool | None:
    """LIC-09: at least ``notice_wd`` WD strictly between notice and hearing; None if unknowable."""
    gap = hearing_notice_gap(calendar, served_on, held_on)
    if gap.days >= notice_wd:
        return True
    return None if gap.provisional else False


def renewal_limits(valid_to: date, config: Config, applied_on: date | None,
                   decided_on: date | None) -> tuple[Limit, Limit]:
    """LIC-16: the holder applies at least ``renewal_apply_nd`` ND before ``valid_to`` (the
    holder's window, an INFO finding only, Q21), and the agency decides by ``valid_to`` (after it,
    视为准予延续)."""
    apply_by = Deadline(valid_to - timedelta(days=config.licence.renewal_apply_nd))
    return (
        Limit("LIC-16/apply", "LIC-16", "有效期届满三十日前申请延续", apply_by.due, apply_by, applied_on, "party"),
        Limit("LIC-16/decide", "LIC-16", "有效期届满前作出是否准予延续的决定", valid_to, Deadline(valid_to),
              decided_on),
    )


def cancellation_limit(calendar: WorkingCalendar, ended_on: date, config: Config, cancelled_on: date | None) -> Limit:
    """LIC-19: 注销 within ``cancellation_wd`` WD of the day the licence ended on a 第70条 ground."""
    due = calendar.add_working_days(ended_on, config.licence.cancellation_wd)
    return Limit("LIC-19", "LIC-19", "依法办理注销手续", ended_on, due, cancelled_on)


# --------------------------------------------------------------------------- a whole file


@dataclass(frozen=True, slots=True)
class LicenceDeadlines:
    """Every limit of one licence stream, with what LIC-10 rests on."""

    received_on: date | None
    accepted: Acceptance | None
    excluded: tuple[ExcludedSpan, ...]
    decision: ExtendedPeriod | None
    limits: tuple[Limit, ...]

    def limit(self, key: str) -> Limit | None:
        return next((x for x in self.limits if x.key == key), None)


def _decided(history: Sequence[Mapping[str, Any]], types: frozenset[str]) -> tuple[int, str, date] | None:
    for position, entry in enumerate(history):
        if entry.get("type") in types:
            return position, str(entry.get("type")), step_day(entry)
    return None


def _application(history: Sequence[Mapping[str, Any]]) -> tuple[Mapping[str, Any], date] | None:
    entry = next((e for e in history if e.get("type") == "LicenceApplied"), None)
    if entry is None:
        return None
    return mapping_of(entry.get("data")), step_day(entry, "received_at")


def licence_limits(history: Sequence[Mapping[str, Any]], config: Config, calendar: WorkingCalendar,
                   terms: LicenceLimits) -> LicenceDeadlines:
    """The limits of a licence stream (its steps in version order): LIC-03, LIC-10 (with the
    item's promise when it made one), LIC-08/LIC-09's hearing windows, LIC-13, LIC-15, LIC-16."""
    out: list[Limit] = []
    applied = _application(history)
    received = applied[1] if applied is not None else None
    accepted: Acceptance | None = None
    spans = excluded_spans(history)
    period: ExtendedPeriod | None = None
    decided = _decided(history, DECISIONS)
    decided_on = decided[2] if decided is not None else None
    if applied is not None and received is not None:
        data = applied[0]
        out.append(_supplement(calendar, config, received, history))
        accepted = _acceptance(calendar, config, received, history)
        not_accepted = first_day(history, ("LicenceNotAccepted",))
        if accepted is not None and not_accepted is None:
            period = decision_limit(calendar, accepted.accepted_on, terms, recorded_extensions(history, "LIC-10"),
                                    spans)
            out.append(Limit("LIC-10", "LIC-10", "作出行政许可决定", accepted.accepted_on, period.due, decided_on))
            if terms.promised_wd is not None:
                promised = calendar.add_working_days(accepted.accepted_on, terms.promised_wd,
                                                     excluding=excluded_days(spans))
                out.append(Limit("LIC-10/promised", "LIC-10", "承诺时限内作出决定", accepted.accepted_on, promised,
                                 decided_on))
        out += _renewal(config, data, received, decided_on)
    out += _hearing_windows(calendar, config, history)
    out += _after_decision(calendar, config, history)
    return LicenceDeadlines(received, accepted, spans, period, tuple(out))


def _supplement(calendar: WorkingCalendar, config: Config, received: date,
                history: Sequence[Mapping[str, Any]]) -> Limit:
    due = calendar.add_working_days(received, config.licence.supplement_notice_wd)
    return Limit("LIC-03", "LIC-03", "一次告知补正或受理", received, due, first_day(history, _REPLIES))


def _acceptance(calendar: WorkingCalendar, config: Config, received: date,
                history: Sequence[Mapping[str, Any]]) -> Acceptance | None:
    return acceptance(calendar, received, first_day(history, ("SupplementRequested",), "served_at"),
                      first_day(history, ("LicenceAccepted",)), config.licence.supplement_notice_wd)


def _renewal(config: Config, data: Mapping[str, Any], received: date,
             decided_on: date | None) -> list[Limit]:
    valid_to = day_of(mapping_of(data.get("licence")).get("valid_to"))
    if data.get("application") != "renewal" or valid_to is None:
        return []
    return list(renewal_limits(valid_to, config, received, decided_on))


def _hearing_windows(calendar: WorkingCalendar, config: Config, history: Sequence[Mapping[str, Any]]) -> list[Limit]:
    """LIC-08's request window after each 听证权利告知 (the party's), LIC-09's 20 WD after each
    request to hold the hearing."""
    cfg = config.licence
    out = []
    for position, entry in enumerate(history):
        kind = entry.get("type")
        if kind == "HearingRightsNotified":
            told = step_day(entry, "served_at")
            requested = first_day(history, ("HearingRequested",), after=position)
            out.append(Limit(f"LIC-08@{position + 1}", "LIC-08", "申请听证", told,
                             calendar.add_working_days(told, cfg.hearing_request_wd), requested, "party"))
        elif kind == "HearingRequested":
            asked = step_day(entry)
            held = first_day(history, ("HearingHeld",), after=position)
            out.append(Limit(f"LIC-09@{position + 1}", "LIC-09", "组织听证", asked,
                             calendar.add_working_days(asked, cfg.hearing_within_wd), held))
    return out


def _after_decision(calendar: WorkingCalendar, config: Config, history: Sequence[Mapping[str, Any]]) -> list[Limit]:
    """LIC-13 (certificate within 10 WD of a grant) and LIC-15 (publication within 7 WD of every
    grant, withdrawal, revocation and cancellation; of a denial only when set)."""
    published = DECISIONS | AGENCY_DECISIONS if config.licence.publish_denials else GRANTS | AGENCY_DECISIONS
    out = []
    for position, entry in enumerate(history):
        kind = entry.get("type")
        if kind not in DECISIONS | AGENCY_DECISIONS:
            continue
        day = step_day(entry)
        if kind in GRANTS:
            issued = first_day(history, ("LicenceIssued",), "issued_at", after=position)
            out.append(Limit("LIC-13", "LIC-13", "颁发、送达行政许可证件", day,
                             calendar.add_working_days(day, config.licence.issue_wd), issued))
        if kind in published:
            shown = first_day(history, ("DecisionPublished", "PublicationSuppressed"), "published_at", after=position)
            out.append(Limit(f"LIC-15@{position + 1}", "LIC-15", "公开行政许可决定", day,
                             calendar.add_working_days(day, config.publication.licence_wd), shown))
    return out
