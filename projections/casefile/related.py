"""The streams that target a case, folded: reconsiderations (复议), lawsuits (诉讼) and
supervision (执法监督); and who a case still at 案源登记 belongs to."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from domain.calendar import DEFAULT_CALENDAR, SHANGHAI, WorkingCalendar
from domain.calendar import Deadline as DueDate
from domain.config import Config
from domain.extensions import ExtendedPeriod, Extension, extend_period
from domain.identities import Officer
from domain.reading import int_of, mapping_of, text_of
from domain.registry import HistoryRegistry, step_time
from domain.roles import RegistryAsOf, heads_named
from projections.casefile.model import (
    DEFAULT_CONFIG,
    CourtHearing,
    Deadline,
    History,
    Judgment,
    LawsuitFile,
    ReviewFile,
    SupervisionFile,
    TimelineEntry,
)
from projections.casefile.periods import deadline_or_none, period
from projections.casefile.reading import (
    EPOCH,
    day_of,
    extension_of,
    first_after,
    on_day,
    party_of,
    staff_of,
    time_of,
    timeline_entry,
    version_of,
)
from projections.labels import HEAD_ROLES


def fold_review(
    stream: str, history: History, *, config: Config = DEFAULT_CONFIG, calendar: WorkingCalendar = DEFAULT_CALENDAR,
    agency: str | None = None,
) -> ReviewFile:
    """A reconsideration (复议) stream folded; ``agency`` is the respondent (the case's agency)."""
    values: dict[str, Any] = {}
    hearings: list[tuple[datetime | None, bool]] = []
    letters: list[tuple[str, str | None, datetime | None]] = []
    answered: list[tuple[int, date | None]] = []
    issued: list[tuple[int, date | None]] = []
    timeline: list[TimelineEntry] = []
    extended = 0
    extensions: list[Extension] = []
    for position, entry in enumerate(history):
        kind = str(entry.get("type"))
        data = mapping_of(entry.get("data"))
        line = timeline_entry(stream, entry, version_of(entry, position))
        timeline.append(line)
        at = line.at
        if kind == "ReconsiderationApplied":
            values["applicant"] = party_of(data.get("applicant"))
            target = mapping_of(data.get("target"))
            values["case"] = text_of(target.get("case"))
            values["document_no"] = text_of(target.get("document_no"))
            values["received_at"] = time_of(data.get("received_at")) or at
        elif kind == "ReconsiderationAccepted":
            values.setdefault("accepted_at", time_of(data.get("decided_at")) or at)
        elif kind == "ReconsiderationRejected":
            values.setdefault("rejected_at", time_of(data.get("decided_at")) or at)
        elif kind == "AnswerRequested":
            values.setdefault("answer_requested_at", time_of(data.get("sent_at")) or at)
        elif kind == "AnswerFiled":
            values.setdefault("answer_filed_at", time_of(data.get("filed_at")) or at)
        elif kind == "ReconsiderationHearingHeld":
            hearings.append((time_of(data.get("held_at")) or at, data.get("respondent_head_attended") is True))
        elif kind == "ReconsiderationExtended":
            extended += int_of(data.get("days")) or 0
            extensions.append(extension_of(line.version, on_day(at), data))
        elif kind == "ReconsiderationDecided":
            values["decision"] = text_of(data.get("type"))
            values["decided_at"] = time_of(data.get("decided_at")) or at
            values["served_at"] = time_of(data.get("served_at"))
        elif kind in ("OpinionLetterIssued", "SuggestionLetterIssued"):
            when = time_of(data.get("issued_at")) or at
            letters.append((kind, text_of(data.get("to")), when))
            if kind == "OpinionLetterIssued":
                issued.append((position, when.astimezone(SHANGHAI).date()))
        elif kind == "OpinionLetterAnswered":
            answered.append((position, (time_of(data.get("answered_at")) or at).astimezone(SHANGHAI).date()))
    deadlines, limit = _review_deadlines(stream, values, extensions, issued, answered, config=config,
                                         calendar=calendar, agency=agency)
    return ReviewFile(
        stream=stream, case=values.get("case"), document_no=values.get("document_no"),
        applicant=values.get("applicant"), received_at=values.get("received_at"),
        accepted_at=values.get("accepted_at"), rejected_at=values.get("rejected_at"),
        answer_requested_at=values.get("answer_requested_at"), answer_filed_at=values.get("answer_filed_at"),
        hearings=tuple(hearings), extended_days=extended, decision=values.get("decision"),
        decided_at=values.get("decided_at"), served_at=values.get("served_at"), letters=tuple(letters),
        staff=staff_of(history), timeline=tuple(timeline), deadlines=deadlines,
        extensions=limit.extensions if limit is not None else (),
    )


def _review_deadlines(
    stream: str, values: Mapping[str, Any], extensions: Sequence[Extension], issued: Sequence[tuple[int, date | None]],
    answered: Sequence[tuple[int, date | None]], *, config: Config, calendar: WorkingCalendar, agency: str | None,
) -> tuple[tuple[Deadline, ...], ExtendedPeriod | None]:
    """A 复议's deadlines (RC-02, RC-03, RC-05 with its extensions, RC-07) and RC-05's extended period."""
    rc = config.reconsideration

    def day(name: str) -> date | None:
        value = values.get(name)
        return value.astimezone(SHANGHAI).date() if isinstance(value, datetime) else None

    deadlines: list[Deadline | None] = []
    received, accepted = day("received_at"), day("accepted_at")
    limit = None
    if accepted is not None:
        start = accepted
        limit = extend_period(lambda n: period(calendar, start, n, "ND"), rc.decision_nd, extensions,
                              max_days=rc.extension_max_nd)
    decided_on = day("accepted_at") or day("rejected_at")
    if received is not None:
        deadlines.append(deadline_or_none(stream, "RC-02", "RC-02", "复议受理审查", received,
                                   period(calendar, received, rc.acceptance_wd, "WD"), decided_on, None))
    if accepted is not None:
        deadlines.append(deadline_or_none(stream, "RC-03@copy", "RC-03", "发送复议申请书副本", accepted,
                                   period(calendar, accepted, rc.copy_wd, "WD"), day("answer_requested_at"), None))
        deadlines.append(deadline_or_none(stream, "RC-05", "RC-05", "作出复议决定", accepted,
                                   limit.due if limit is not None else None, day("decided_at"), None))
    sent = day("answer_requested_at")
    if sent is not None:
        deadlines.append(deadline_or_none(stream, "RC-03@answer", "RC-03", "被申请人提交答复", sent,
                                   period(calendar, sent, rc.answer_wd, "WD"), day("answer_filed_at"), agency))
    for position, issued_on in issued:
        if issued_on is not None:
            deadlines.append(deadline_or_none(stream, f"RC-07@{position + 1}", "RC-07", "回复行政复议意见书", issued_on,
                                       period(calendar, issued_on, rc.opinion_answer_nd, "ND"),
                                       first_after(answered, position), agency))
    return tuple(d for d in deadlines if d is not None), limit


def fold_lawsuit(stream: str, history: History, *, registry: RegistryAsOf | None = None,
                 agency: str | None = None) -> LawsuitFile:
    """A lawsuit (行政诉讼) stream folded: hearings with who appeared (出庭), judgments.

    ``registry`` (as of any time) and ``agency`` (the defendant: the case's agency) decide
    who was a head in court (``domain.roles.heads_named``). Without a registry the fold
    cannot check anyone, and takes the role written in the step (a reader with none).
    """
    values: dict[str, Any] = {}
    hearings: list[CourtHearing] = []
    judgments: list[Judgment] = []
    timeline: list[TimelineEntry] = []
    suggestions = 0
    for position, entry in enumerate(history):
        kind = str(entry.get("type"))
        data = mapping_of(entry.get("data"))
        line = timeline_entry(stream, entry, version_of(entry, position))
        timeline.append(line)
        if kind == "LawsuitFiled":
            target = mapping_of(data.get("target"))
            values.update(case=text_of(target.get("case")), document_no=text_of(target.get("document_no")),
                          court=text_of(data.get("court")), filed_at=time_of(data.get("filed_at")) or line.at)
        elif kind == "CourtHearingAttended":
            appeared = tuple((str(a.get("person") or ""), str(a.get("role") or ""))
                             for a in data.get("appeared") or () if isinstance(a, Mapping))
            hearing_at = time_of(data.get("hearing_at")) or line.at
            if registry is not None:
                heads, not_heads = heads_named(registry, appeared, agency, hearing_at)
                head_appeared = bool(heads)
            else:
                head_appeared, not_heads = any(role in HEAD_ROLES for _, role in appeared), ()
            hearings.append(CourtHearing(hearing_at, appeared, head_appeared, text_of(data.get("head_absent_reason")),
                                         not_heads))
        elif kind == "JudgmentReceived":
            judgments.append(Judgment(str(data.get("outcome") or ""), time_of(data.get("received_at")) or line.at,
                                      text_of(data.get("instance"))))
        elif kind == "JudicialSuggestionReceived":
            suggestions += 1
    return LawsuitFile(
        stream=stream, case=values.get("case"), court=values.get("court"), document_no=values.get("document_no"),
        filed_at=values.get("filed_at"), hearings=tuple(hearings), judgments=tuple(judgments),
        suggestions=suggestions, staff=staff_of(history), timeline=tuple(timeline),
    )


def source_officer(history: History) -> tuple[str, datetime] | None:
    """Who recorded the source of a case not yet registered, and when (None once registered: the
    ``CaseRegistered`` step names the agency)."""
    if not history or any(entry.get("type") == "CaseRegistered" for entry in history):
        return None
    first = history[0]
    by = first.get("by")
    if not isinstance(by, str) or not by.startswith("officer/"):
        return None
    try:
        return by, step_time(first)
    except (KeyError, TypeError, ValueError):
        return None


def source_agency(history: History, registry: RegistryAsOf | None) -> str | None:
    """The agency of a case still at 案源登记: that of the officer who recorded the source, at that time
    (as the API's read policy reads it: ``api.server.access``); None without a registry."""
    found = source_officer(history)
    if found is None or registry is None:
        return None
    record = registry.officer_as_of(*found)
    return record.agency if record is not None and isinstance(record.agency, str) else None


def registered_agency(history: History) -> str | None:
    """The agency the first ``CaseRegistered`` of ``history`` names, as written (the respondent
    of the reconsiderations and the defendant of the lawsuits that target the case)."""
    for entry in history:
        if entry.get("type") == "CaseRegistered":
            data = entry.get("data")
            agency = data.get("agency") if isinstance(data, Mapping) else None
            return agency if isinstance(agency, str) else None
    return None


def named_in_court(history: History) -> set[str]:
    """The officer streams a lawsuit names as appearing in court (whose registry the fold reads)."""
    found: set[str] = set()
    for entry in history:
        if entry.get("type") == "CourtHearingAttended":
            for a in mapping_of(entry.get("data")).get("appeared") or ():
                person = a.get("person") if isinstance(a, Mapping) else None
                if isinstance(person, str) and person.startswith("officer/"):
                    found.add(person)
    return found


class _Streams:
    """A validation context over given registry streams (for :func:`registry_of`)."""

    def __init__(self, histories: Mapping[str, History]) -> None:
        self._histories = histories

    def history(self, stream: str) -> History:
        return self._histories.get(stream, ())

    def officer(self, identity: str) -> Officer | None:
        del identity  # structural facts are not what the fold reads
        return None


def registry_of(histories: Mapping[str, History]) -> HistoryRegistry:
    """The registry as of any time over the given officer and agency streams (a projection's fold
    of a lawsuit: the streams of :func:`named_in_court`)."""
    return HistoryRegistry(_Streams(histories))


def fold_supervision(stream: str, history: History, *, calendar: WorkingCalendar = DEFAULT_CALENDAR
                     ) -> SupervisionFile:
    """A supervision (执法监督) stream: the rectification it ordered and its due date (EVAL-08)."""
    del calendar  # a rectification's due date is stated, not counted
    timeline: list[TimelineEntry] = []
    agency = case = None
    ordered: list[tuple[int, date | None, date | None]] = []
    reported: list[tuple[int, date | None]] = []
    for position, entry in enumerate(history):
        kind = str(entry.get("type"))
        data = mapping_of(entry.get("data"))
        line = timeline_entry(stream, entry, version_of(entry, position))
        timeline.append(line)
        day = line.at.astimezone(SHANGHAI).date() if line.at is not EPOCH else None
        if kind == "RectificationOrdered":
            agency = text_of(data.get("agency")) or agency
            case = text_of(data.get("case")) or case
            ordered.append((position, day, day_of(data.get("due_at"))))
        elif kind == "RectificationReported":
            reported.append((position, day_of(data.get("reported_at")) or day))
        elif kind == "CaseFileEvaluated":
            case = text_of(data.get("case")) or case
    deadlines = [
        deadline_or_none(stream, f"EVAL-08@{position + 1}", "EVAL-08", "整改并报告", start, DueDate(due),
                  first_after(reported, position), agency)
        for position, start, due in ordered if due is not None
    ]
    return SupervisionFile(stream, agency, case, tuple(timeline), tuple(d for d in deadlines if d is not None))
