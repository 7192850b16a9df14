"""The inspection-file fold: ``HANDLERS``, one small function per step type, over an :class:`InspectionFold`.

Every step adds its timeline line, documents and the officers it names; the step types in
``HANDLERS`` also add what the file shows beyond those (the object and its origin, the site
records, the result, the correction's follow-up, referrals, publications, closing). Corrections
(``RecordCorrected``) are applied first, as for case and licence files.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final

from domain.calendar import DEFAULT_CALENDAR, WorkingCalendar
from domain.casestate import apply_corrections
from domain.config import Config
from domain.reading import int_of, mapping_of, text_of, texts_of
from domain.step_types import by_step_type
from projections.casefile.documents import officers_named
from projections.casefile.model import DEFAULT_CONFIG
from projections.casefile.reading import day_of, party_of, time_of
from projections.casefile.steps import Step, fold_steps
from projections.closing import archived as _archived
from projections.closing import closed as _closed
from projections.inspectionfile.accumulator import InspectionFold
from projections.inspectionfile.documents import inspection_catalogue, inspection_documents
from projections.inspectionfile.model import (
    InspectionFile,
    InspectionResult,
    Origin,
    Publication,
    Referral,
    SiteRecord,
    Verification,
)

__all__ = ["HANDLERS", "fold_inspectionfile"]

History = Sequence[Mapping[str, Any]]



Handler = Callable[[InspectionFold, Step], None]


def _is_doc(value: object) -> bool:
    return isinstance(value, Mapping) and isinstance(value.get("sha256"), str)


def _opened(fold: InspectionFold, step: Step) -> None:
    data = step.data
    origin = mapping_of(data.get("origin"))
    fold.agency, fold.item = text_of(data.get("agency")), text_of(data.get("item"))
    fold.party = party_of(data.get("object"))
    fold.object_key = text_of(mapping_of(data.get("object")).get("key"))
    fold.origin = Origin(text_of(origin.get("kind")), text_of(origin.get("spotcheck")),
                         int_of(origin.get("object_index")), text_of(origin.get("stream")))
    fold.remote = data.get("remote") is True
    fold.officers_opened = texts_of(data.get("officers"))
    fold.approved_by = text_of(data.get("approved_by"))
    fold.approved_at = time_of(data.get("approved_at"))
    fold.urgent = data.get("urgent") is True
    fold.check_code = text_of(data.get("check_code"))
    fold.opened_at = step.at


def _site(fold: InspectionFold, step: Step) -> None:
    data = step.data
    shown = data.get("credentials_shown")
    fold.site.append(SiteRecord(
        step.version, time_of(data.get("started_at")) or step.at, False, texts_of(data.get("officers")),
        shown if isinstance(shown, bool) else None, _is_doc(data.get("notice")), text_of(data.get("check_code")),
        _is_doc(data.get("record")), data.get("signed_by_party") is True, data.get("refusal_noted") is True))
    fold.advance("inspected")


def _remote(fold: InspectionFold, step: Step) -> None:
    data = step.data
    fold.site.append(SiteRecord(step.version, time_of(data.get("checked_at")) or step.at, True,
                                record=_is_doc(data.get("record"))))
    fold.advance("inspected")


def _concluded(fold: InspectionFold, step: Step) -> None:
    data = step.data
    correction = mapping_of(data.get("correction"))
    findings = data.get("findings")
    if fold.result is None:
        fold.result = InspectionResult(
            step.version, step.at, text_of(data.get("result")), len(findings) if isinstance(findings, list) else 0,
            day_of(correction.get("due")), time_of(data.get("served_at")), _is_doc(data.get("notice")))
    fold.advance("concluded")


def _verified(fold: InspectionFold, step: Step) -> None:
    data = step.data
    fold.verifications.append(Verification(step.version, step.at, time_of(data.get("verified_at")) or step.at,
                                           text_of(data.get("result"))))


def _referred(fold: InspectionFold, step: Step) -> None:
    data = step.data
    fold.referrals.append(Referral(step.version, time_of(data.get("referred_at")) or step.at, text_of(data.get("to")),
                                   text_of(data.get("case")), text_of(data.get("agency"))))


def _published(fold: InspectionFold, step: Step) -> None:
    data = step.data
    fold.publications.append(Publication(step.version, time_of(data.get("published_at")) or step.at,
                                         str(data.get("text") or ""), text_of(data.get("batch")),
                                         text_of(data.get("channel"))))


def _withdrawn(fold: InspectionFold, step: Step) -> None:
    fold.mark_publication(withdrawn_version=step.version)


def _suppressed(fold: InspectionFold, step: Step) -> None:
    fold.suppressions.append(str(step.data.get("reason") or ""))


HANDLERS: Final[dict[str, Handler]] = by_step_type({
    "InspectionOpened": _opened,
    "SiteInspectionRecorded": _site,
    "RemoteCheckRecorded": _remote,
    "InspectionConcluded": _concluded,
    "CorrectionVerified": _verified,
    "InspectionReferred": _referred,
    "DecisionPublished": _published,
    "PublicationWithdrawn": _withdrawn,
    "PublicationSuppressed": _suppressed,
    "CaseClosed": _closed,
    "CaseArchived": _archived,
})
"""The step types the fold reads beyond the timeline, documents and officers, and how."""

_NAMED: Final[dict[str, tuple[str, ...]]] = {
    "InspectionOpened": ("officers", "approved_by"), "SiteInspectionRecorded": ("officers",),
    "CorrectionVerified": ("officers",), "InspectionReferred": ("decided_by",),
}
"""The fields of the inspection steps that name officers (who inspected, approved, decided)."""


_named: Final = officers_named(_NAMED)


def fold_inspectionfile(stream: str, history: History, *, config: Config = DEFAULT_CONFIG,
                        calendar: WorkingCalendar = DEFAULT_CALENDAR) -> InspectionFile:
    """The inspection file after every event of ``history`` (the ``inspection/`` stream's envelopes
    in version order). Pure: the SQL projection and the audit call it alike."""
    corrected = apply_corrections(stream, history)
    fold = InspectionFold(stream, corrected, config, calendar)
    fold_steps(fold, stream, history, corrected, HANDLERS, inspection_documents, _named)
    documents = tuple(fold.documents)
    number = stream.split("/", 1)[1] if "/" in stream else stream
    return InspectionFile(
        stream=stream, number=number, exists=bool(history), agency=fold.agency, item=fold.item, party=fold.party,
        object_key=fold.object_key, origin=fold.origin, remote=fold.remote, officers_opened=fold.officers_opened,
        approved_by=fold.approved_by, approved_at=fold.approved_at, urgent=fold.urgent, check_code=fold.check_code,
        opened_at=fold.opened_at, status=fold.status, site=tuple(fold.site), result=fold.result,
        verifications=tuple(fold.verifications), referrals=tuple(fold.referrals),
        publications=tuple(fold.publications), suppressions=tuple(fold.suppressions), closed_at=fold.closed_at,
        archived_at=fold.archived_at, archive_no=fold.archive_no, retention=fold.retention, documents=documents,
        catalogue=inspection_catalogue(documents), timeline=tuple(fold.timeline), deadlines=fold.deadlines(),
        officers=tuple(dict.fromkeys(fold.officers)), events=len(history), backfilled=fold.backfilled,
    )
