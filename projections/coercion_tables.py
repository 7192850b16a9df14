"""The read models of 行政强制: 强制 files, the measures and enforcement of every stream, their 事后公开.

* ``coercions`` (行政强制案卷与强制措施台账):
  ``proj_coercions`` (one row per ``coercion/`` file: what the list and the file page show, with the
  timeline and the 卷内目录 in its ``file`` document — step types and times, not the events' data),
  ``proj_coercion_deadlines`` (the file's deadlines: COE-08, COE-10, COE-11, ENF-02, TS-03, PUB-07),
  ``proj_measures`` (one row per 查封/扣押/冻结, on a ``coercion/`` stream or inside a penalty case on
  its ``case/`` stream: kind, agency, start, last day of the period (CAL-08: natural days, not rolled
  forward; one extension), status running/released/disposed, the items and what became of them) and
  ``proj_enforcements`` (one row per stream whose agency enforces: 催告, decision, carrying out, cost).
* ``coercion_disclosure`` (强制公示, public): ``pub_coercions`` (:mod:`projections.coercion_disclosure`).

A measure's row carries its period's last day with the provisional flag, so the measures list warns
(a measure near its 30th day, or past it) from ``proj_measures`` alone, whichever stream holds it; a
case's other deadlines stay in ``proj_deadlines``. Party names are as ``pub_*`` tables hold them (an
organisation's name, a natural person masked): the pages name parties no further than the list needs.
"""

from __future__ import annotations

from typing import Any

from projections.base import (
    DEADLINE_COLUMNS,
    Context,
    Projection,
    Rows,
    catalogue_document,
    day_iso,
    deadline_rows,
    iso,
    on,
    timeline_document,
)
from projections.casefile import CaseFile
from projections.coercion_disclosure import (
    Coerced,
    enforcement_conclusion,
    enforcement_status,
    measure_conclusion,
    public_coercion_rows,
)
from projections.coercion_labels import MEASURE_NAMES, MEASURE_STATUS_LABELS, METHOD_LABELS, measure_status
from projections.coercionfile import CoercionFile
from projections.disclosure import json_text
from projections.groups import Folded
from projections.licence_disclosure import party_columns
from projections.measures import EnforcementRecord, MeasureRecord
from projections.sql import Table

__all__ = ["CoercionDisclosure", "Coercions", "coercion_document", "enforcement_row", "measure_row"]

T, N = "text", "int"

MEASURE_COLUMNS = (
    ("grp", T), ("stream", T), ("measure_id", T), ("version", N), ("file_kind", T), ("measure", T),
    ("measure_label", T), ("agency", T), ("party_kind", T), ("party_name", T), ("emergency", N), ("document_no", T),
    ("started_on", T), ("decided_days", N), ("extended", N), ("due_on", T), ("provisional", N), ("known_until", T),
    ("status", T), ("status_label", T), ("conclusion", T), ("released_on", T), ("returned_on", T), ("ended_on", T),
    ("items", T),
)
ENFORCEMENT_COLUMNS = (
    ("grp", T), ("stream", T), ("file_kind", T), ("agency", T), ("party_kind", T), ("party_name", T),
    ("demands", N), ("demanded_on", T), ("demand_due", T), ("decision", T), ("document_no", T), ("method", T),
    ("method_label", T), ("decided_on", T), ("scheduled_on", T), ("carried_out_on", T), ("cost_fen", N),
    ("status", T), ("status_label", T),
)


class Coercions(Projection):
    name = "coercions"
    title = "行政强制案卷与强制措施、强制执行台账"
    groups = True
    tables = (
        Table("proj_coercions", (
            ("grp", T), ("number", T), ("agency", T), ("purpose", T), ("item", T), ("party_kind", T),
            ("party_name", T), ("party_credit_code", T), ("origin", T), ("status", T), ("status_label", T),
            ("concluded", N), ("opened_on", T), ("measures", N), ("running", N), ("enforcement", T),
            ("published", N), ("closed_on", T), ("archived_on", T), ("archive_no", T), ("retention", T),
            ("events", N), ("backfilled", N), ("last_at", T), ("file", T),
        ), ("grp",), indexes=(("agency", "opened_on"), ("opened_on",)), clustered=False),
        Table("proj_coercion_deadlines", DEADLINE_COLUMNS, ("grp", "stream", "key"),
              indexes=(("done_on", "due_on"),)),
        Table("proj_measures", MEASURE_COLUMNS, ("grp", "stream", "measure_id"),
              indexes=(("agency", "started_on"), ("started_on",), ("status", "due_on"))),
        Table("proj_enforcements", ENFORCEMENT_COLUMNS, ("grp", "stream"),
              indexes=(("agency",), ("status", "demand_due"))),
    )

    def group_rows(self, key: str, group: Folded, ctx: Context) -> Rows:
        if isinstance(group, CaseFile):
            return _records_rows(key, group, "case") if group.measures or group.enforcement is not None else {}
        if not isinstance(group, CoercionFile) or not group.exists:
            return {}
        f = group
        kind, name, credit = party_columns(f.party)
        running = sum(1 for m in f.measures if m.open)
        enforcement = enforcement_status(f.enforcement) if f.enforcement.exists else None
        rows = _records_rows(key, f, "coercion")
        rows["proj_coercions"] = [(
            key, f.number, f.agency, f.purpose, f.item, kind, name, credit, f.origin, f.status, f.status_label,
            int(f.concluded), f.timeline[0].at_text[:10] if f.timeline else None, len(f.measures), running,
            enforcement, len(f.publications), on(f.closed_at), on(f.archived_at), f.archive_no, f.retention,
            f.events, f.backfilled, max((t.at_text for t in f.timeline), default=None), coercion_document(f),
        )]
        rows["proj_coercion_deadlines"] = deadline_rows(key, f.deadlines)
        return rows


def _records_rows(key: str, f: Coerced, file_kind: str) -> Rows:
    kind, name, _ = party_columns(f.party)
    out: Rows = {"proj_measures": [measure_row(key, f.stream, file_kind, f.agency, kind, name, m)
                                   for m in f.measures]}
    if f.enforcement is not None and f.enforcement.exists:
        out["proj_enforcements"] = [enforcement_row(key, f.stream, file_kind, f.agency, kind, name, f.enforcement)]
    return out


def measure_row(key: str, stream: str, file_kind: str, agency: str | None, party_kind: str | None,
                party_name: str | None, m: MeasureRecord) -> tuple[Any, ...]:
    """One measure as ``proj_measures`` holds it (the items as ``[id, name, quantity, unit, disposition,
    disposed_on]``; no account or amount of a freezing)."""
    status = measure_status(m.status)
    end = m.end
    items = [[i.id, i.name, i.quantity, i.unit, i.disposition, day_iso(i.disposed_on)] for i in m.items]
    return (key, stream, m.measure_id, m.version, file_kind, m.measure, MEASURE_NAMES.get(m.measure, m.measure),
            agency, party_kind, party_name, int(m.emergency), m.document_no, on(m.started_at), m.decided_days,
            len(m.extensions), day_iso(end.due) if end is not None else None,
            int(end.provisional) if end is not None else 0, day_iso(end.known_until) if end is not None else None,
            status, MEASURE_STATUS_LABELS[status], measure_conclusion(m), day_iso(m.released_on),
            day_iso(m.returned_on), day_iso(m.ended_on), json_text(items))


def enforcement_row(key: str, stream: str, file_kind: str, agency: str | None, party_kind: str | None,
                    party_name: str | None, e: EnforcementRecord) -> tuple[Any, ...]:
    """A stream's enforcement as ``proj_enforcements`` holds it: its first 催告 and the last period it
    set, its (last) decision, when it was carried out, its cost and its stage."""
    demand = e.demands[0] if e.demands else None
    dues = [d.due for d in e.demands if d.due is not None]
    decision = e.decisions[-1] if e.decisions else None
    method = decision.method if decision is not None else None
    done = next((a for a in e.carried_out if a.result == "done"), None)
    status = enforcement_status(e)
    return (key, stream, file_kind, agency, party_kind, party_name, len(e.demands),
            day_iso(demand.served_on) if demand is not None else None, day_iso(max(dues)) if dues else None,
            decision.type if decision is not None else None, decision.document_no if decision is not None else None,
            method, METHOD_LABELS.get(method or "", method), on(decision.at) if decision is not None else None,
            on(decision.scheduled_at) if decision is not None else None,
            on(done.ended_at or done.at) if done is not None else None, e.cost_fen, status,
            enforcement_conclusion(e))


def coercion_document(f: CoercionFile) -> str:
    """What a 强制 file shows beyond its columns, as one JSON document: the timeline, the 卷内目录, the
    publications, corrections and suppressions, the handlers and officers. The measures and the
    enforcement are rows of their own."""
    return json_text({
        "timeline": timeline_document(f.timeline),
        "catalogue": catalogue_document(f.catalogue),
        "publications": [{"version": p.version, "published_at": iso(p.published_at), "channel": p.channel,
                          "corrected_version": p.corrected_version, "withdrawn_version": p.withdrawn_version,
                          "withdrawn_at": iso(p.withdrawn_at)} for p in f.publications],
        "corrections": [dict(c) for c in f.corrections],
        "suppressions": list(f.suppressions),
        "enforced": dict(f.enforced),
        "handlers": list(f.handlers),
        "officers": list(f.officers),
    })


class CoercionDisclosure(Projection):
    name = "coercion_disclosure"
    title = "事后公开（行政强制措施与强制执行结果）"
    groups = True
    tables = (
        Table("pub_coercions", (
            ("grp", T), ("key", T), ("version", N), ("kind", T), ("category", T), ("category_label", T),
            ("agency", T), ("party_kind", T), ("party_name", T), ("party_credit_code", T), ("place", T),
            ("document_no", T), ("started_on", T), ("period_end", T), ("conclusion", T), ("concluded_on", T),
            ("published_at", T), ("published_on", T), ("channel", T), ("text", T), ("status", T),
            ("withdrawn_at", T), ("published_utc", T),
        ), ("grp", "key"), indexes=(("published_utc",), ("agency", "published_utc")), public=True),
    )

    def group_rows(self, key: str, group: Folded, ctx: Context) -> Rows:
        if isinstance(group, CoercionFile | CaseFile) and group.exists:
            return {"pub_coercions": public_coercion_rows(group, ctx.config)}
        return {}
