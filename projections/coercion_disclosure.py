"""事后公开 of coercive measures and enforcement (PUB-06): pure rows from a 强制 file or a case file.

PUB-06 publishes of a 强制措施 the agency, the party (an organisation's name, a natural person masked),
the category (查封/扣押/冻结), the place of a 查封 of premises, the period and the conclusion (解除, 没收,
移送); of a 强制执行 the agency, the party, the method, the decision number, the date and the
conclusion. It leaves out the item lists, a freezing's account and amount, and every personal datum:
no column below can hold them, and the free text (a ``coercion/`` stream's own publication, the
place) goes through :func:`projections.disclosure.redact_public` with the file's names as masking
context (``CoercionFile.person_names``; the case file's for a measure on a ``case/`` stream).

A measure or an enforcement decision is public once a ``DecisionPublished`` of its stream follows it
(as TS-03 counts it, :mod:`projections.measures`) and nothing suppressed publication (PUB-02); it
stays listed with ``status`` ``withdrawn`` (and no text) after a ``PublicationWithdrawn`` (PUB-07).
A measure on a ``case/`` stream is published with the case: its row has the structured columns and
no text (the case's own text is the penalty decision's, in ``pub_decisions``). ``publication.coercion``
off (Q25) publishes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from domain.calendar import SHANGHAI
from domain.config import Config
from projections.casefile import CaseFile
from projections.coercion_labels import (
    CONCLUSION_LABELS,
    ENFORCEMENT_STATUS_LABELS,
    MEASURE_NAMES,
    METHOD_LABELS,
)
from projections.coercionfile import CoercionFile
from projections.disclosure import redact_public
from projections.licence_disclosure import party_columns
from projections.measures import EnforcementRecord, MeasureRecord
from projections.sql import instant_key

__all__ = ["Published", "enforcement_conclusion", "enforcement_status", "measure_conclusion",
           "public_coercion_rows", "publications_of"]

Row = tuple[Any, ...]
Coerced = CoercionFile | CaseFile


@dataclass(frozen=True, slots=True)
class Published:
    """A ``DecisionPublished`` of a stream as PUB-06 reads it, whichever kind of file holds it."""

    version: int
    published_at: datetime
    channel: str | None
    text: str | None
    withdrawn_at: datetime | None


def publications_of(f: Coerced) -> list[Published]:
    """The file's publications (a case's text is left out: it is the penalty decision's)."""
    if isinstance(f, CoercionFile):
        return [Published(p.version, p.published_at, p.channel, p.corrected_text or p.text,
                          p.withdrawn_at if p.withdrawn_version is not None else None) for p in f.publications]
    return [Published(p.version, p.published_at, p.channel, None,
                      p.withdrawal.withdrawn_at if p.withdrawal is not None else None) for p in f.publications]


def measure_conclusion(m: MeasureRecord) -> str:
    """已没收, 已解除 …: what became of the measure's items (实施中 while it runs)."""
    if m.open:
        return "实施中"
    found = dict.fromkeys(i.disposition for i in m.items if i.disposition)
    if not found:
        return CONCLUSION_LABELS["released"] if m.released_version is not None else "已处理"
    return "、".join(CONCLUSION_LABELS.get(d, d) for d in found)


def enforcement_status(e: EnforcementRecord) -> str:
    """The enforcement's stage: ``demanded``, ``decided``, ``carried_out`` or ``terminated``."""
    if e.terminated:
        return "terminated"
    if e.done:
        return "carried_out"
    return "decided" if e.decisions else "demanded"


def enforcement_conclusion(e: EnforcementRecord) -> str:
    return ENFORCEMENT_STATUS_LABELS[enforcement_status(e)]


def _day(moment: datetime | None) -> str | None:
    return moment.astimezone(SHANGHAI).date().isoformat() if moment is not None else None


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _after(pubs: Sequence[Published], version: int) -> Published | None:
    return next((p for p in pubs if p.version > version), None)


def public_coercion_rows(f: Coerced, config: Config) -> list[Row]:
    """Rows of ``pub_coercions`` for one file: each published measure and enforcement decision."""
    measures = f.measures
    enforcement = f.enforcement
    if not config.publication.coercion or f.suppressions or not (measures or enforcement is not None):
        return []
    pubs = publications_of(f)
    if not pubs:
        return []
    kind, name, credit = party_columns(f.party)
    out: list[Row] = []

    def text_of(pub: Published, value: str | None) -> str | None:
        if pub.withdrawn_at is not None or not value:
            return None
        return redact_public(value, f, config) or None

    def row(pub: Published, key: str, what: str, category: str, label: str, place: str | None,
            document_no: str | None, started_on: str | None, period_end: str | None, conclusion: str,
            concluded_on: str | None) -> Row:
        return (f.stream, key, pub.version, what, category, label, f.agency, kind, name, credit, place, document_no,
                started_on, period_end, conclusion, concluded_on, _iso(pub.published_at), _day(pub.published_at),
                pub.channel, text_of(pub, pub.text), "withdrawn" if pub.withdrawn_at is not None else "published",
                _iso(pub.withdrawn_at), instant_key(pub.published_at))

    for m in measures:
        pub = _after(pubs, m.version)
        if pub is None:
            continue
        place = text_of(pub, m.place) if m.measure == "seal" else None
        out.append(row(pub, m.measure_id, "measure", m.measure, MEASURE_NAMES.get(m.measure, m.measure), place,
                       m.document_no, _day(m.started_at), m.end.due.isoformat() if m.end is not None else None,
                       measure_conclusion(m),
                       m.ended_on.isoformat() if m.ended_on is not None else None))
    if enforcement is not None:
        for decision in enforcement.decisions:
            pub = _after(pubs, decision.version)
            if pub is None:
                continue
            method = decision.method or "other"
            done = next((a for a in enforcement.carried_out if a.result == "done"), None)
            out.append(row(pub, f"E{decision.version}", "enforcement", method, METHOD_LABELS.get(method, method),
                           None, decision.document_no, _day(decision.at), None, enforcement_conclusion(enforcement),
                           _day(done.ended_at or done.at) if done is not None else None))
    return out
