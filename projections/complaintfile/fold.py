"""The complaint-file fold: ``HANDLERS``, one small function per step type, over a :class:`ComplaintFold`.

Every step adds its timeline line and documents; the step types in ``HANDLERS`` also add what the
file shows beyond those. One pure function, :func:`fold_complaintfile`, serves a SQL projection and
the audit alike, so a complaint file reads the same whichever way it was loaded.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from domain.calendar import DEFAULT_CALENDAR, SHANGHAI, WorkingCalendar
from domain.casestate import apply_corrections
from domain.complaint_limits import owed_answer
from domain.config import Config
from domain.reading import mapping_of, text_of, texts_of
from domain.registry import step_time
from domain.roles import RegistryAsOf
from domain.step_types import by_step_type
from projections.casefile.documents import officers_of
from projections.casefile.model import DEFAULT_CONFIG, History
from projections.casefile.reading import day_of, party_of, time_of
from projections.casefile.steps import Step, file_steps
from projections.closing import archived as _archived
from projections.closing import closed as _closed
from projections.complaintfile.accumulator import ComplaintFold
from projections.complaintfile.documents import RECORDED, build_catalogue, documents_of
from projections.complaintfile.model import (
    Against,
    Assignment,
    Complainant,
    ComplaintFile,
    ComplaintPrivate,
    Conclusion,
    PublicComplaintFile,
)

__all__ = ["HANDLERS", "bureau_of", "fold_complaintfile"]

Handler = Callable[[ComplaintFold, Step], None]


def _received(fold: ComplaintFold, step: Step) -> None:
    data = step.data
    against = mapping_of(data.get("against"))
    fold.received_at = time_of(data.get("received_at")) or step.at
    fold.channel, fold.nature = text_of(data.get("channel")), text_of(data.get("nature"))
    fold.anonymous, fold.owed_answer = data.get("anonymous") is True, owed_answer(data)
    fold.against = Against(text_of(against.get("agency")), texts_of(against.get("officers")),
                           text_of(against.get("stream")), text_of(against.get("document_no")))
    fold.complainant, fold.contact = party_of(data.get("complainant")), text_of(data.get("contact"))
    fold.summary, fold.requests = text_of(data.get("summary")), texts_of(data.get("requests"))


def _accepted(fold: ComplaintFold, step: Step) -> None:
    fold.decided(step.at)
    if fold.accepted_at is None:
        fold.accepted_at = step.at
    fold.handlers = texts_of(step.data.get("handlers"))
    fold.advance("accepted")


def _not_accepted(fold: ComplaintFold, step: Step) -> None:
    fold.decided(step.at)
    if fold.not_accepted_at is None:
        fold.not_accepted_at = step.at
    fold.not_accepted_reason = text_of(step.data.get("reason"))
    fold.advance("not_accepted")


def _transferred(fold: ComplaintFold, step: Step) -> None:
    data = step.data
    fold.decided(step.at)
    to = data.get("to")
    if isinstance(to, dict):
        to = to.get("agency") or to.get("id")
    fold.assignments.append(Assignment(
        step.version, text_of(data.get("kind")) or "", text_of(to), time_of(data.get("transferred_at")) or step.at,
        day_of(data.get("due")), data.get("complainant_identity_shared") is True,
        time_of(data.get("complainant_told_at")), None))
    if data.get("kind") == "transfer":
        fold.advance("transferred")


def _agency_reported(fold: ComplaintFold, step: Step) -> None:
    fold.reported(day_of(step.data.get("reported_at")) or step.at.astimezone(SHANGHAI).date())


def _investigated(fold: ComplaintFold, step: Step) -> None:
    fold.investigators += texts_of(step.data.get("investigators"))
    fold.streams_examined += texts_of(step.data.get("streams_examined"))
    fold.advance("investigated")


def _concluded(fold: ComplaintFold, step: Step) -> None:
    data = step.data
    fold.conclusion = Conclusion(step.version, text_of(data.get("outcome")), texts_of(data.get("findings")),
                                 texts_of(data.get("measures")), text_of(data.get("supervision")), step.at)
    fold.advance("concluded")


def _answered(fold: ComplaintFold, step: Step) -> None:
    if fold.answered_at is None:
        fold.answered_at = time_of(step.data.get("answered_at")) or step.at
    fold.advance("answered")


HANDLERS: Final[dict[str, Handler]] = by_step_type({
    "ComplaintReceived": _received,
    "ComplaintAccepted": _accepted,
    "ComplaintNotAccepted": _not_accepted,
    "ComplaintTransferred": _transferred,
    "ComplaintAgencyReported": _agency_reported,
    "ComplaintInvestigated": _investigated,
    "ComplaintConcluded": _concluded,
    "ComplaintAnswered": _answered,
    "CaseClosed": _closed,
    "CaseArchived": _archived,
})
"""The step types the fold reads beyond the timeline and documents (``TimeLimitExtended`` is read by
``domain.complaint_limits`` through the accumulator's deadlines)."""


def bureau_of(history: History, registry: RegistryAsOf | None) -> str | None:
    """The bureau handling the complaint: the agency of the supervisor who recorded
    ``ComplaintReceived``, as of that step (as the CMP gate reads it); None without a registry."""
    first = next((e for e in history if e.get("type") == "ComplaintReceived"), None)
    by = first.get("by") if first is not None else None
    if registry is None or first is None or not isinstance(by, str):
        return None
    try:
        record = registry.officer_as_of(by, step_time(first))
    except (KeyError, TypeError, ValueError):
        return None
    return record.agency if record is not None and isinstance(record.agency, str) else None


def fold_complaintfile(stream: str, history: History, *, config: Config = DEFAULT_CONFIG,
                       calendar: WorkingCalendar = DEFAULT_CALENDAR,
                       registry: RegistryAsOf | None = None) -> ComplaintFile:
    """The complaint file after every step of ``history`` (the stream's envelopes in version order).

    Pure and forgiving as ``fold_casefile``: backfilled history may hold ``null`` for any fact, and
    the file then shows what the paper shows. ``registry`` names the bureau (:func:`bureau_of`).
    """
    corrected = apply_corrections(stream, history)
    fold = ComplaintFold(stream, config, calendar, corrected, bureau=bureau_of(corrected, registry))
    for step, line in file_steps(stream, history, corrected):
        fold.timeline.append(line)
        if step.kind in RECORDED:
            named = officers_of(step.kind, step.data, line.by)
            fold.documents += documents_of(stream, step.version, step.kind, step.data, line.at, named)
        handler = HANDLERS.get(step.kind)
        if handler is not None:
            handler(fold, step)
    return _complaint_file(fold, len(history))


def _complaint_file(fold: ComplaintFold, events: int) -> ComplaintFile:
    """The two parts of a finished fold (deadlines counted now)."""
    answer = fold.limits.answer
    number = fold.stream.split("/", 1)[1] if "/" in fold.stream else fold.stream
    public = PublicComplaintFile(
        stream=fold.stream, number=number, exists=events > 0, bureau=fold.bureau, channel=fold.channel,
        nature=fold.nature, anonymous=fold.anonymous, owed_answer=fold.owed_answer, against=fold.against,
        received_at=fold.received_at, decided_at=fold.decided_at, accepted_at=fold.accepted_at,
        not_accepted_at=fold.not_accepted_at, not_accepted_reason=fold.not_accepted_reason, handlers=fold.handlers,
        investigators=tuple(dict.fromkeys(fold.investigators)),
        streams_examined=tuple(dict.fromkeys(fold.streams_examined)), assignments=tuple(fold.assignments),
        conclusion=fold.conclusion, answered_at=fold.answered_at, closed_at=fold.closed_at,
        archived_at=fold.archived_at, archive_no=fold.archive_no, retention=fold.retention, status=fold.status,
        documents=tuple(fold.documents), catalogue=build_catalogue(fold.documents), timeline=tuple(fold.timeline),
        deadlines=fold.deadlines(), extensions=answer.extensions if answer is not None else (), events=events,
    )
    private = ComplaintPrivate(Complainant(fold.complainant, fold.anonymous, fold.contact), fold.summary,
                               fold.requests)
    return ComplaintFile(public, private)


