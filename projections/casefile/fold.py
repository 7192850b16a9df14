"""The case-file fold: ``HANDLERS``, one small function per step type, over a :class:`CaseFold`.

Every step adds its timeline line, documents, officers and people; the step types in
``HANDLERS`` also add what the file shows beyond those (status, decision, payments,
publications, the dates deadlines wait for). The set of step types the fold reads is the
table's keys: adding a step type is adding one entry.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Final

from domain.calendar import DEFAULT_CALENDAR, WorkingCalendar
from domain.casestate import amount_of, apply_corrections, fold_case, parse_penalties
from domain.config import Config
from domain.reading import int_of, mapping_of, text_of
from domain.roles import RegistryAsOf
from domain.step_types import by_step_type
from projections.casefile.accumulator import CaseFold
from projections.casefile.documents import RECORDED, build_catalogue, documents_of, officers_of
from projections.casefile.model import (
    DEFAULT_CONFIG,
    CaseFile,
    Deadline,
    DecisionInfo,
    History,
    LawsuitFile,
    LegalReviewInfo,
    ReviewFile,
    Withdrawal,
    of_decision,
)
from projections.casefile.reading import (
    PEOPLE,
    day_at,
    day_of,
    extension_of,
    party_of,
    people_of,
    time_of,
    timeline_entry,
)
from projections.casefile.related import source_agency
from projections.casefile.steps import Step
from projections.closing import archived as _archived
from projections.closing import closed as _closed
from projections.measures import COERCION_TYPES, CoercionRecords, fold_records

Handler = Callable[[CaseFold, Step], None]
_step: Final = tuple.__new__
"""Builds a :class:`Step` without its Python-level ``__new__`` (the fold's hot loop)."""


def _source(fold: CaseFold, step: Step) -> None:
    data = step.data
    fold.source = {"source": text_of(data.get("source")), "received_at": text_of(data.get("received_at")),
                   "summary": text_of(data.get("summary")), "version": step.version}


def _registered(fold: CaseFold, step: Step) -> None:
    fold.party = party_of(step.data.get("party"))
    fold.violation = dict(mapping_of(step.data.get("violation")))
    fold.registered_at = step.at
    fold.status = "registered"


def _investigated(fold: CaseFold, step: Step) -> None:
    if mapping_of(step.data.get("proposed")).get("outcome") == "transfer":
        fold.mark("TransferReport", step.position, step.day)
    fold.advance("investigated")


def _notified(fold: CaseFold, step: Step) -> None:
    fold.advance("notified")


def _decided(fold: CaseFold, step: Step) -> None:
    data, kind = step.data, step.kind
    penalties = parse_penalties(data.get("penalties"))
    outcome = str(data.get("outcome") or "") if kind == "DecisionMade" else "penalty"
    fold.decision = DecisionInfo(
        version=step.version, type=kind, outcome=outcome, penalties=penalties,
        fine_fen=amount_of(penalties, "fine"),
        document_no=text_of(data.get("document_no")) or text_of(data.get("form_no")), at=step.at,
        approved_by=text_of(data.get("approved_by")),
        basis=tuple(b for b in data.get("basis") or () if isinstance(b, Mapping)),
    )
    fold.payment_due_days = int_of(data.get("payment_due_days"))
    fold.advance("decided")


def _transfer_decided(fold: CaseFold, step: Step) -> None:
    if step.data.get("transfer") is False:
        fold.advance("not_transferred")
    else:
        fold.mark("TransferApproved", step.position, step.day)
        fold.advance("decided")


def _dated(field_name: str) -> Handler:
    """A step deadlines wait for, dated by a field of its own rather than its ``at``."""
    def handle(fold: CaseFold, step: Step) -> None:
        fold.mark(step.kind, step.position, day_of(step.data.get(field_name)) or step.day)
    return handle


def _cash_handed_over(fold: CaseFold, step: Step) -> None:
    data = step.data
    fold.cash.append((step.position, day_of(data.get("handed_over_at")) or step.day, day_of(data.get("deposited_at"))))


def _transferred(fold: CaseFold, step: Step) -> None:
    fold.transferred_at = time_of(step.data.get("transferred_at")) or step.at
    fold.advance("transferred")


def _served(fold: CaseFold, step: Step) -> None:
    if fold.served_at is None:
        fold.served_at = time_of(step.data.get("served_at")) or step.at
    fold.advance("served")


def _paid(fold: CaseFold, step: Step) -> None:
    data = step.data
    fold.paid += int_of(data.get("amount_fen")) or 0
    paid_on = day_of(data.get("paid_at")) or step.day
    fold.payments.append((fold.paid, paid_on))
    if data.get("channel") == "on_the_spot":
        fold.on_the_spot.append((step.position, paid_on))


def _deferred(fold: CaseFold, step: Step) -> None:
    data = step.data
    instalments = [day_of(i.get("due")) for i in data.get("instalments") or () if isinstance(i, Mapping)]
    last = max((d for d in instalments if d is not None), default=None)
    fold.deferred_until = day_of(data.get("until")) or last or fold.deferred_until


def _extended(fold: CaseFold, step: Step) -> None:
    if step.data.get("rule") in (None, "PEN-23"):
        fold.extensions.append(extension_of(step.version, step.day, step.data))


def _preserved(fold: CaseFold, step: Step) -> None:
    fold.preserved.append((step.position, step.day))


def _published(fold: CaseFold, step: Step) -> None:
    fold.publications.append({"position": step.position, "version": step.version, "data": step.data, "at": step.at,
                              "corrected": None, "withdrawn": None})


def _publication_corrected(fold: CaseFold, step: Step) -> None:
    target = fold.latest_open_publication()
    if target is not None:
        target["corrected"] = (step.data, step.at)


def _publication_withdrawn(fold: CaseFold, step: Step) -> None:
    target = fold.latest_open_publication()
    if target is not None:
        data = step.data
        target["withdrawn"] = Withdrawal(step.version, time_of(data.get("withdrawn_at")) or step.at,
                                         text_of(data.get("reason")), text_of(data.get("explanation")))


def _correction_requested(fold: CaseFold, step: Step) -> None:
    fold.corrections_requested.append((step.position, step.version,
                                       day_of(step.data.get("requested_at")) or step.day))


def _suppressed(fold: CaseFold, step: Step) -> None:
    fold.suppressions.append(str(step.data.get("reason") or ""))


def _decision_corrected(fold: CaseFold, step: Step) -> None:
    data = step.data
    fold.corrections.append({"version": step.version, "kind": text_of(data.get("kind")),
                             "triggered_by": text_of(data.get("triggered_by")),
                             "effective_at": text_of(data.get("effective_at")),
                             "received_at": text_of(data.get("received_at")), "position": step.position})


def _review_requested(fold: CaseFold, step: Step) -> None:
    fold.review_requested = step.at


def _review_completed(fold: CaseFold, step: Step) -> None:
    data = step.data
    opinions = mapping_of(data.get("opinions"))
    document = mapping_of(data.get("document"))
    fold.legal_reviews.append(LegalReviewInfo(
        version=step.version, requested_at=fold.review_requested, completed_at=step.at,
        reviewer=text_of(data.get("reviewer")), outcome=text_of(data.get("outcome")),
        issues=tuple(sorted(k for k, v in opinions.items() if v != "ok")), document=text_of(document.get("sha256")),
    ))
    fold.review_requested = None


def _marked_only(fold: CaseFold, step: Step) -> None:
    """A step read only for its date (``MARKED``)."""


HANDLERS: Final[dict[str, Handler]] = by_step_type({
    "CaseSourceRecorded": _source,
    "CaseRegistered": _registered,
    "InvestigationConcluded": _investigated,
    "PenaltyNoticeServed": _notified,
    "DecisionMade": _decided,
    "SummaryDecisionMade": _decided,
    "TransferDecided": _transfer_decided,
    "HearingRequested": _dated("requested_at"),
    "PaymentDemanded": _dated("served_at"),
    "CourtEnforcementApplied": _dated("applied_at"),
    "CashHandedOver": _cash_handed_over,
    "TransferredToJudicialOrgan": _transferred,
    "DecisionServed": _served,
    "PaymentRecorded": _paid,
    "PaymentDeferred": _deferred,
    "TimeLimitExtended": _extended,
    "EvidencePreserved": _preserved,
    "PreservationResolved": _marked_only,
    "DecisionPublished": _published,
    "PublicationCorrected": _publication_corrected,
    "PublicationWithdrawn": _publication_withdrawn,
    "PublicationCorrectionRequested": _correction_requested,
    "PublicationSuppressed": _suppressed,
    "DecisionCorrected": _decision_corrected,
    "LegalReviewRequested": _review_requested,
    "LegalReviewCompleted": _review_completed,
    "CaseClosed": _closed,
    "CaseArchived": _archived,
})
"""The step types the fold reads beyond the timeline, documents and officers, and how."""

MARKED: Final = frozenset({
    "CaseSourceRecorded", "CaseRegistered", "PreservationResolved", "TransferDecided", "TransferredToJudicialOrgan",
    "PublicationSuppressed", "PublicationCorrected", "CaseClosed", "CaseArchived",
})
"""The handled steps whose own date deadlines wait for (``CaseFold.marks``), marked before the handler."""
assert MARKED <= HANDLERS.keys()


def fold_casefile(
    stream: str,
    history: History,
    *,
    reviews: Iterable[ReviewFile] = (),
    lawsuits: Iterable[LawsuitFile] = (),
    config: Config = DEFAULT_CONFIG,
    calendar: WorkingCalendar = DEFAULT_CALENDAR,
    registry: RegistryAsOf | None = None,
) -> CaseFile:
    """The case file after every event of ``history`` (the case stream's envelopes in version order).

    ``reviews`` and ``lawsuits`` are the folded reconsiderations and lawsuits whose
    target is this case (:func:`fold_review`, :func:`fold_lawsuit`). ``calendar`` gives
    the working days for due dates; ``config`` the periods (rules.md defaults).
    ``registry`` (the officer of :func:`source_officer`) names the agency of a case not yet
    registered: the agency of the officer who recorded its source (issue 13, 3).
    """
    corrected = apply_corrections(stream, history)
    state = fold_case(stream, corrected)
    fold = CaseFold(stream, state, config, calendar, tuple(reviews), tuple(lawsuits))
    # the hot loop of a rebuild: the fold's lists bound to locals (extended in place)
    timeline, documents, officers, people = fold.timeline, fold.documents, fold.officers, fold.people
    backfilled = overridden = 0
    coercion = False
    for position, entry in enumerate(corrected):
        kind = str(entry.get("type"))
        version = entry.get("version")
        if type(version) is not int:
            version = position + 1
        # the timeline shows the step as recorded, before any 补正
        line = timeline_entry(stream, history[position] if position < len(history) else entry, version)
        timeline.append(line)
        backfilled += line.backfilled
        overridden += bool(line.overrides)
        data = mapping_of(entry.get("data"))
        named = officers_of(kind, data, line.by)
        if kind in RECORDED:
            documents += documents_of(stream, version, kind, data, line.at, named)
        officers += named
        if line.by:
            officers.append(line.by)
        if kind in PEOPLE:
            people += people_of(kind, data)
        coercion = coercion or kind in COERCION_TYPES
        handler = HANDLERS.get(kind)
        if handler is None:
            continue
        day = day_at(line.at_text)
        if kind in MARKED:
            fold.mark(kind, position, day)
        handler(fold, _step(Step, (kind, position, version, data, line.at, day)))
    fold.backfilled, fold.overridden = backfilled, overridden
    fold.close(state.agency if isinstance(state.agency, str) else source_agency(history, registry))
    records = None
    if coercion:  # EVAL-04 (extended): the measures and the enforcement recorded on the case
        records = fold_records(stream, corrected, config=config, calendar=calendar, agency=fold.agency,
                               agency_as_of=getattr(registry, "agency_as_of", None))
    return _case_file(fold, history, records)


def _case_file(fold: CaseFold, history: History, records: CoercionRecords | None = None) -> CaseFile:
    """The :class:`CaseFile` of a finished fold (deadlines counted now)."""
    state, config, reviews = fold.state, fold.config, fold.reviews
    pubs = fold.folded_publications()
    limit = fold.decision_limit()
    deadlines = fold.deadlines(limit, of_decision(pubs, fold.decision.document_no if fold.decision else None))
    if records is not None:
        deadlines += tuple(Deadline(fold.stream, x.key, x.rule, x.title, x.start, x.due, x.done_on, fold.agency,
                                    x.holder) for x in records.limits)
    officers, people = fold.officers, fold.people
    for review in reviews:
        officers += review.staff
        if review.applicant is not None:
            people.append(review.applicant)
    number = fold.stream.split("/", 1)[1] if "/" in fold.stream else fold.stream
    return CaseFile(
        stream=fold.stream, number=number, exists=bool(history), agency=fold.agency,
        procedure=state.procedure if isinstance(state.procedure, str) else None,
        item=state.item if isinstance(state.item, str) else None, party=fold.party, violation=fold.violation,
        handlers=state.handlers, officers=tuple(dict.fromkeys(officers)),
        source=fold.source, registered_at=fold.registered_at, decision=fold.decision,
        transferred_at=fold.transferred_at, served_at=fold.served_at, paid_fen=fold.paid, publications=pubs,
        suppressions=tuple(fold.suppressions), corrections=tuple(fold.corrections), closed_at=fold.closed_at,
        archived_at=fold.archived_at, archive_no=fold.archive_no,
        retention=fold.retention, status=fold.status if history else "source",
        documents=tuple(fold.documents), catalogue=build_catalogue(fold.documents, config.evaluation.file_order),
        timeline=tuple(fold.timeline), deadlines=deadlines, reviews=reviews, lawsuits=fold.lawsuits, state=state,
        people=tuple(dict.fromkeys(people)), legal_reviews=tuple(fold.legal_reviews),
        extensions=limit.extensions if limit else (), events=len(history),
        backfilled=fold.backfilled, overridden=fold.overridden,
        measures=records.measures if records is not None else (),
        enforcement=records.enforcement if records is not None else None,
    )
