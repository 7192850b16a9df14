"""The 强制-file fold: ``HANDLERS``, one small function per step type, over a :class:`CoercionFold`.

Every step adds its timeline line, documents and the officers it names; the step types in
``HANDLERS`` also add what the file shows beyond those (who is concerned, the status, publications,
closing). The measures and the enforcement themselves are folded once the steps are read
(:func:`projections.measures.fold_records`, the case file's fold of the same steps). Corrections
(``RecordCorrected``) are applied first, as for every file.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final

from domain.calendar import DEFAULT_CALENDAR, WorkingCalendar
from domain.casestate import apply_corrections
from domain.config import Config
from domain.reading import mapping_of, text_of
from domain.step_types import by_step_type
from projections.casefile.documents import officers_of
from projections.casefile.model import DEFAULT_CONFIG
from projections.casefile.reading import party_of, time_of
from projections.casefile.steps import Step, fold_steps
from projections.closing import archived as _archived
from projections.closing import closed as _closed
from projections.coercionfile.accumulator import CoercionFold
from projections.coercionfile.documents import coercion_catalogue, coercion_documents
from projections.coercionfile.model import CoercionFile
from projections.licencefile.model import LicencePublication
from projections.measures import ItemLookup

__all__ = ["HANDLERS", "fold_coercionfile"]

History = Sequence[Mapping[str, Any]]



Handler = Callable[[CoercionFold, Step], None]


def _opened(fold: CoercionFold, step: Step) -> None:
    data = step.data
    fold.agency, fold.purpose, fold.item = text_of(data.get("agency")), text_of(data.get("purpose")), \
        text_of(data.get("item"))
    fold.party = party_of(data.get("party"))
    fold.summary = text_of(data.get("summary"))
    fold.origin = text_of(mapping_of(data.get("origin")).get("stream"))
    fold.enforced = dict(mapping_of(data.get("decision")))
    fold.handlers = tuple(h for h in data.get("handlers") or () if isinstance(h, str))


def _status(new: str) -> Handler:
    def handle(fold: CoercionFold, step: Step) -> None:
        fold.advance(new)
    return handle


def _published(fold: CoercionFold, step: Step) -> None:
    data = step.data
    fold.publications.append(LicencePublication(step.version, time_of(data.get("published_at")) or step.at,
                                                str(data.get("text") or ""), channel=text_of(data.get("channel")),
                                                url=text_of(data.get("url"))))


def _publication_withdrawn(fold: CoercionFold, step: Step) -> None:
    data = step.data
    fold.mark_publication(withdrawn_version=step.version, withdrawn_at=time_of(data.get("withdrawn_at")) or step.at,
                          withdrawal_reason=text_of(data.get("reason")),
                          withdrawal_explanation=text_of(data.get("explanation")))


def _suppressed(fold: CoercionFold, step: Step) -> None:
    fold.suppressions.append(str(step.data.get("reason") or ""))


def _decision_corrected(fold: CoercionFold, step: Step) -> None:
    data = step.data
    fold.corrections.append({"version": step.version, "kind": text_of(data.get("kind")),
                             "received_at": text_of(data.get("received_at")),
                             "effective_at": text_of(data.get("effective_at"))})


def _witnesses(fold: CoercionFold, step: Step) -> None:
    """The witnesses a measure or an enforcement names (natural persons, masked when published)."""
    raw = step.data.get("witness")
    for witness in raw if isinstance(raw, list) else [raw]:
        name = text_of(mapping_of(witness).get("name"))
        if name is not None:
            fold.people.append(name)


def _measure(fold: CoercionFold, step: Step) -> None:
    _witnesses(fold, step)
    fold.advance("measure")


def _carried_out(fold: CoercionFold, step: Step) -> None:
    _witnesses(fold, step)
    fold.advance("carried_out")


HANDLERS: Final[dict[str, Handler]] = by_step_type({
    "CoercionOpened": _opened,
    "SeizureImposed": _measure,
    "FreezeImposed": _measure,
    "PerformanceDemanded": _status("demanded"),
    "PaymentDemanded": _status("demanded"),
    "EnforcementDecided": _status("decided"),
    "SubstituteDecisionServed": _status("decided"),
    "EnforcementCarriedOut": _carried_out,
    "DecisionPublished": _published,
    "PublicationWithdrawn": _publication_withdrawn,
    "PublicationSuppressed": _suppressed,
    "DecisionCorrected": _decision_corrected,
    "CaseClosed": _closed,
    "CaseArchived": _archived,
})
"""The step types the fold reads beyond the timeline, documents and officers, and how."""


def fold_coercionfile(
    stream: str,
    history: History,
    *,
    config: Config = DEFAULT_CONFIG,
    calendar: WorkingCalendar = DEFAULT_CALENDAR,
    agency_as_of: ItemLookup | None = None,
    elsewhere: Sequence[Mapping[str, Any]] = (),
) -> CoercionFile:
    """The 强制 file after every event of ``history`` (the ``coercion/`` stream's envelopes in version
    order). ``agency_as_of`` (the registry's) gives the coercion item's published periods (COE-07);
    ``elsewhere`` the penalty decisions of other streams that dispose of its measures
    (``DecisionMade.disposes[].stream``: the audit passes them from the linked cases).
    Pure: a SQL projection and the audit call it alike."""
    corrected = apply_corrections(stream, history)
    fold = CoercionFold(stream, corrected, config, calendar, agency_as_of, elsewhere)
    fold_steps(fold, stream, history, corrected, HANDLERS, coercion_documents, officers_of)
    return _coercion_file(fold, history)


def _coercion_file(fold: CoercionFold, history: History) -> CoercionFile:
    records = fold.records()
    if fold.ended(records):
        fold.advance("ended")
    party = fold.party
    persons = [*([party.name] if party is not None and party.kind == "person" else []),
               *([party.legal_representative] if party is not None and party.legal_representative else []),
               *fold.people]
    organisations = [party.name] if party is not None and party.kind == "organisation" else []
    number = fold.stream.split("/", 1)[1] if "/" in fold.stream else fold.stream
    documents = tuple(fold.documents)
    return CoercionFile(
        stream=fold.stream, number=number, exists=bool(history), agency=fold.agency, purpose=fold.purpose,
        item=fold.item, party=party, summary=fold.summary, origin=fold.origin, enforced=fold.enforced,
        handlers=fold.handlers, status=fold.status, measures=records.measures, enforcement=records.enforcement,
        publications=tuple(fold.publications), suppressions=tuple(fold.suppressions),
        corrections=tuple(fold.corrections), closed_at=fold.closed_at, archived_at=fold.archived_at,
        archive_no=fold.archive_no, retention=fold.retention, documents=documents,
        catalogue=coercion_catalogue(documents), timeline=tuple(fold.timeline), deadlines=fold.deadlines(records),
        officers=tuple(dict.fromkeys(fold.officers)), events=len(history), backfilled=fold.backfilled,
        person_names=tuple(dict.fromkeys(persons)), organisation_names=tuple(organisations),
    )
