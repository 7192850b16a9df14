"""The read models of complaints about enforcement (行政执法投诉举报).

* ``complaints`` (投诉举报案卷), from ``complaint/`` streams:
  ``proj_complaints`` and ``proj_complaint_deadlines`` hold only what
  ``ComplaintFile.public_view()`` shows (no column could hold the complainant): the supervisor's
  register and the agency's view read them. ``proj_complaint_shared`` holds what
  ``agency_view(agency)`` adds for the agency a 投诉 was transferred to with
  ``complainant_identity_shared`` — never a 检举/举报's complainant (CMP-04). ``proj_complainants``
  holds the complainant and their own words: only the bureau's supervisors read it
  (``api.server.routes_complaints``), no public or agency route.

Why split by table rather than by column: a route that reads a table cannot leak a column the
table does not have (PUB-06, 信访工作条例 第30条第3款). No table here is public (``pub_*``):
complaints are never published one by one, only counted (CMP-09, TS-04).
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
    judged_extensions,
    on,
    timeline_document,
)
from projections.complaintfile import ComplaintFile, PublicComplaintFile
from projections.disclosure import json_text
from projections.groups import Folded
from projections.sql import Table

__all__ = ["Complaints", "complaint_document"]

T, N = "text", "int"


class Complaints(Projection):
    name = "complaints"
    title = "投诉举报案卷与登记（投诉举报人信息单独存放）"
    groups = True
    tables = (
        Table("proj_complaints", (
            ("grp", T), ("number", T), ("bureau", T), ("channel", T), ("nature", T), ("anonymous", N),
            ("owed_answer", N), ("against_agency", T), ("against_officers", T), ("against_stream", T),
            ("against_document_no", T), ("status", T), ("status_label", T), ("concluded", N), ("received_on", T),
            ("decided_on", T), ("accepted_on", T), ("not_accepted_on", T), ("transferred_out", N), ("outcome", T),
            ("supervision", T), ("answered_on", T), ("closed_on", T), ("archived_on", T), ("archive_no", T),
            ("retention", T), ("events", N), ("last_at", T), ("file", T),
        ), ("grp",), indexes=(("bureau",), ("against_agency",)), clustered=False),
        Table("proj_complaint_deadlines", DEADLINE_COLUMNS, ("grp", "stream", "key"),
              indexes=(("done_on", "due_on"),)),
        Table("proj_complaint_shared", (
            ("grp", T), ("agency", T), ("party_kind", T), ("name", T), ("phone", T), ("address", T),
            ("contact", T),
        ), ("grp", "agency")),
        Table("proj_complainants", (
            ("grp", T), ("bureau", T), ("nature", T), ("anonymous", N), ("party_kind", T), ("name", T),
            ("id_number", T), ("credit_code", T), ("address", T), ("phone", T), ("contact", T), ("summary", T),
            ("requests", T),
        ), ("grp",)),
    )

    def group_rows(self, key: str, group: Folded, ctx: Context) -> Rows:
        if not isinstance(group, ComplaintFile) or not group.public.exists:
            return {}
        f = group.public_view()
        conclusion = f.conclusion
        rows: Rows = {
            "proj_complaints": [(
                key, f.number, f.bureau, f.channel, f.nature, int(f.anonymous), int(f.owed_answer),
                f.against.agency, json_text(list(f.against.officers)), f.against.stream, f.against.document_no,
                f.status, f.status_label, int(f.concluded), on(f.received_at), on(f.decided_at), on(f.accepted_at),
                on(f.not_accepted_at), int(f.transferred_out), conclusion.outcome if conclusion else None,
                conclusion.supervision if conclusion else None, on(f.answered_at), on(f.closed_at),
                on(f.archived_at), f.archive_no, f.retention, f.events,
                max((t.at_text for t in f.timeline), default=None), complaint_document(f),
            )],
            "proj_complaint_deadlines": deadline_rows(key, f.deadlines),
            "proj_complaint_shared": _shared(key, group),
        }
        who = group.private.complainant
        party = who.party
        rows["proj_complainants"] = [(
            key, f.bureau, f.nature, int(who.anonymous), party.kind if party else None, party.name if party else None,
            party.id_number if party else None, party.credit_code if party else None,
            party.address if party else None, party.phone if party else None, who.contact, group.private.summary,
            json_text(list(group.private.requests)),
        )]
        return rows


def _shared(key: str, cf: ComplaintFile) -> list[tuple[Any, ...]]:
    """What ``agency_view`` gives each agency the file names beyond the public view (a 投诉's
    complainant, shared with the agency it was transferred to): one row per such agency."""
    f = cf.public
    agencies = sorted({a for a in (f.against.agency, *(x.to for x in f.assignments)) if a})
    out = []
    for agency in agencies:
        who = cf.agency_view(agency).complainant
        if who is None:
            continue
        party = who.party
        out.append((key, agency, party.kind if party else None, party.name if party else None,
                    party.phone if party else None, party.address if party else None, who.contact))
    return out


def complaint_document(f: PublicComplaintFile) -> str:
    """What the public view shows beyond the columns, as one JSON document: the timeline, the 卷内目录,
    the assignments (转送/交办), the 处理意见, handlers and investigators, the extensions (CMP-06)."""
    conclusion = f.conclusion
    return json_text({
        "timeline": timeline_document(f.timeline),
        "catalogue": catalogue_document(f.catalogue),
        "assignments": [{"version": a.version, "kind": a.kind, "to": a.to, "transferred_on": on(a.transferred_at),
                         "due": day_iso(a.due), "reported_on": day_iso(a.reported_on)} for a in f.assignments],
        "conclusion": None if conclusion is None else {
            "version": conclusion.version, "outcome": conclusion.outcome, "findings": list(conclusion.findings),
            "measures": list(conclusion.measures), "supervision": conclusion.supervision, "on": on(conclusion.at)},
        "not_accepted_reason": f.not_accepted_reason,
        "handlers": list(f.handlers), "investigators": list(f.investigators),
        "streams_examined": list(f.streams_examined),
        "extensions": judged_extensions(f.extensions),
    })
