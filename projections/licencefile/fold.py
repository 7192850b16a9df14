"""The licence-file fold: ``HANDLERS``, one small function per step type, over a :class:`LicenceFold`.

Every step adds its timeline line, documents and the officers it names; the step types in
``HANDLERS`` also add what the file shows beyond those (who applies for what, the status, the
decision, the certificate, publications, closing). Corrections (``RecordCorrected``) are applied
first, as for case files (``domain.casestate.apply_corrections``): the timeline still shows the
step as recorded.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final

from domain.calendar import DEFAULT_CALENDAR, WorkingCalendar
from domain.casestate import apply_corrections
from domain.config import Config
from domain.licence_state import publication_case
from domain.reading import mapping_of, text_of
from domain.step_types import by_step_type
from projections.casefile.documents import officers_named
from projections.casefile.model import DEFAULT_CONFIG
from projections.casefile.reading import day_of, party_of, time_of
from projections.casefile.steps import Step, fold_steps
from projections.closing import archived as _archived
from projections.closing import closed as _closed
from projections.licencefile.accumulator import LicenceFold
from projections.licencefile.documents import licence_catalogue, licence_documents
from projections.licencefile.model import (
    AgencyRegistry,
    IssuedLicence,
    LicenceDecision,
    LicenceFile,
    LicencePublication,
)

__all__ = ["HANDLERS", "fold_licencefile"]

History = Sequence[Mapping[str, Any]]



Handler = Callable[[LicenceFold, Step], None]


def _applied(fold: LicenceFold, step: Step) -> None:
    data = step.data
    fold.agency, fold.item = text_of(data.get("agency")), text_of(data.get("item"))
    fold.application = text_of(data.get("application"))
    fold.applicant = party_of(data.get("applicant"))
    fold.applied_at = step.at
    fold.received_at = time_of(data.get("received_at")) or step.at
    fold.concerns = dict(mapping_of(data.get("licence")))


def _opened(fold: LicenceFold, step: Step) -> None:
    data = step.data
    fold.kind = "proceeding"
    fold.agency, fold.action = text_of(data.get("agency")), text_of(data.get("action"))
    fold.applicant = party_of(data.get("holder"))
    fold.concerns = dict(mapping_of(data.get("licence")))
    fold.status = "opened"


def _status(new: str) -> Handler:
    def handle(fold: LicenceFold, step: Step) -> None:
        fold.advance(new)
    return handle


def _decided(fold: LicenceFold, step: Step) -> None:
    data = step.data
    if fold.decision is None:
        fold.decision = LicenceDecision(
            step.version, step.kind, step.at, text_of(data.get("document_no")), day_of(data.get("valid_from")),
            day_of(data.get("valid_to")), data.get("on_the_spot") is True,
            day_of(data.get("effective_on")) or day_of(data.get("cancelled_on")))
    fold.advance("decided")


def _issued(fold: LicenceFold, step: Step) -> None:
    if fold.issued is None:
        fold.issued = IssuedLicence(step.version, text_of(step.data.get("licence_no")),
                                    time_of(step.data.get("issued_at")) or step.at)
    fold.advance("issued")


def _published(fold: LicenceFold, step: Step) -> None:
    data = step.data
    fold.publications.append(LicencePublication(step.version, time_of(data.get("published_at")) or step.at,
                                                str(data.get("text") or ""), channel=text_of(data.get("channel")),
                                                url=text_of(data.get("url"))))


def _publication_corrected(fold: LicenceFold, step: Step) -> None:
    fold.mark_publication(corrected_version=step.version, corrected_text=text_of(step.data.get("text")),
                          corrected_at=time_of(step.data.get("corrected_at")) or step.at)


def _publication_withdrawn(fold: LicenceFold, step: Step) -> None:
    data = step.data
    fold.mark_publication(withdrawn_version=step.version, withdrawn_at=time_of(data.get("withdrawn_at")) or step.at,
                          withdrawal_reason=text_of(data.get("reason")),
                          withdrawal_explanation=text_of(data.get("explanation")))


def _suppressed(fold: LicenceFold, step: Step) -> None:
    fold.suppressions.append(str(step.data.get("reason") or ""))


def _decision_corrected(fold: LicenceFold, step: Step) -> None:
    data = step.data
    fold.corrections.append({"version": step.version, "kind": text_of(data.get("kind")),
                             "received_at": text_of(data.get("received_at")),
                             "effective_at": text_of(data.get("effective_at"))})


HANDLERS: Final[dict[str, Handler]] = by_step_type({
    "LicenceApplied": _applied,
    "LicenceProceedingOpened": _opened,
    "LicenceAccepted": _status("accepted"),
    "LicenceNotAccepted": _status("not_accepted"),
    "ProposedActionNoticeServed": _status("noticed"),
    "LicenceReviewed": _status("reviewed"),
    "LicenceGranted": _decided,
    "LicenceDenied": _decided,
    "LicenceWithdrawn": _decided,
    "LicenceRevoked": _decided,
    "LicenceCancelled": _decided,
    "LicenceIssued": _issued,
    "DecisionPublished": _published,
    "PublicationCorrected": _publication_corrected,
    "PublicationWithdrawn": _publication_withdrawn,
    "PublicationSuppressed": _suppressed,
    "DecisionCorrected": _decision_corrected,
    "CaseClosed": _closed,
    "CaseArchived": _archived,
})
"""The step types the fold reads beyond the timeline, documents and officers, and how."""

_NAMED: Final[dict[str, tuple[str, ...]]] = {
    "SiteVerificationRecorded": ("staff",), "LicenceReviewed": ("reviewer",), "HearingHeld": ("presider",),
    "LegalReviewCompleted": ("reviewer",), "TimeLimitExtended": ("approved_by",),
    "LicenceGranted": ("approved_by",), "LicenceDenied": ("approved_by",), "LicenceWithdrawn": ("approved_by",),
    "LicenceRevoked": ("approved_by",), "LicenceProceedingOpened": ("approved_by",), "CaseClosed": ("approved_by",),
}
"""The fields of the licence steps that name officers (who verified, reviewed, approved, presided)."""


_named: Final = officers_named(_NAMED)


def fold_licencefile(
    stream: str,
    history: History,
    *,
    config: Config = DEFAULT_CONFIG,
    calendar: WorkingCalendar = DEFAULT_CALENDAR,
    registry: AgencyRegistry | None = None,
    linked: Mapping[str, History] | None = None,
) -> LicenceFile:
    """The licence file after every event of ``history`` (the ``licence/`` stream's envelopes in
    version order).

    ``registry`` gives the item's published periods as of the application (LIC-10); ``linked``
    the histories of other licence streams that concern the same licence (a later 注销 for
    LIC-19). Pure: the SQL projection and the audit call it alike.
    """
    corrected = apply_corrections(stream, history)
    fold = LicenceFold(stream, corrected, config, calendar, registry, dict(linked or {}))
    fold_steps(fold, stream, history, corrected, HANDLERS, licence_documents, _named)
    return _licence_file(fold, history)


def _licence_file(fold: LicenceFold, history: History) -> LicenceFile:
    limits = fold.limits()
    accepted = limits.accepted
    number = fold.stream.split("/", 1)[1] if "/" in fold.stream else fold.stream
    documents = tuple(fold.documents)
    named = publication_case(fold.stream, history)
    return LicenceFile(
        stream=fold.stream, number=number, exists=bool(history), kind=fold.kind, agency=fold.agency, item=fold.item,
        application=fold.application, action=fold.action, applicant=fold.applicant, concerns=fold.concerns,
        status=fold.status, received_at=fold.received_at,
        accepted_on=accepted.accepted_on if accepted is not None else None,
        deemed_accepted=accepted.deemed if accepted is not None else False,
        decision=fold.decision, issued=fold.issued, publications=tuple(fold.publications),
        suppressions=tuple(fold.suppressions), corrections=tuple(fold.corrections), closed_at=fold.closed_at,
        archived_at=fold.archived_at, archive_no=fold.archive_no, retention=fold.retention, documents=documents,
        catalogue=licence_catalogue(documents), timeline=tuple(fold.timeline), deadlines=fold.deadlines(limits),
        excluded=limits.excluded, extensions=limits.decision.extensions if limits.decision is not None else (),
        officers=tuple(dict.fromkeys(fold.officers)), events=len(history), backfilled=fold.backfilled,
        person_names=named.person_names, organisation_names=named.organisation_names,
    )
