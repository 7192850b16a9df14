"""The read models of licensing (行政许可): the licence files, their register, their 事后公开.

* ``licences`` (许可案卷), from ``licence/`` streams: ``proj_licences`` (one row per file, what the
  pages and the API show, with the timeline and the 卷内目录 in its ``file`` document),
  ``proj_licence_deadlines`` (LIC-03 … LIC-19, PUB-07; provisional flags as counted) and
  ``proj_licence_register`` (登记簿: each file's place in the life of a licence, by ``licence_no``:
  grant, change, renewal, 撤回, 撤销, 注销).
* ``licence_disclosure`` (许可公示, public): ``pub_licences``, ``pub_licence_withdrawals``,
  ``pub_licence_endings`` (:mod:`projections.licence_disclosure`).

Each licence stream is a group of its own (``projections.groups``), its rows a function of its own
events and the registry; the life of a licence across streams is joined when read
(``projections.licence_queries``). ``proj_*`` tables are internal: the holder's name is there as
registered for an organisation, masked for a natural person.
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
    judged_extensions,
    on,
    timeline_document,
)
from projections.disclosure import json_text
from projections.groups import Folded
from projections.labels import LICENCE_DECISION_LABELS
from projections.licence_disclosure import holder_columns, licence_no_of, public_licence_rows
from projections.licencefile import LicenceFile
from projections.sql import Table

__all__ = ["LicenceDisclosure", "Licences", "licence_document"]

T, N = "text", "int"


class Licences(Projection):
    name = "licences"
    title = "行政许可案卷与许可登记簿"
    groups = True
    tables = (
        Table("proj_licences", (
            ("grp", T), ("number", T), ("kind", T), ("agency", T), ("item", T), ("application", T), ("action", T),
            ("holder_kind", T), ("holder_name", T), ("holder_credit_code", T), ("status", T), ("status_label", T),
            ("received_on", T), ("accepted_on", T), ("deemed_accepted", N), ("decision", T), ("decision_label", T),
            ("document_no", T), ("decided_on", T), ("valid_from", T), ("valid_to", T), ("effective_on", T),
            ("licence_no", T), ("issued_on", T), ("concerns_stream", T), ("concerns_licence_no", T),
            ("published", N), ("closed_on", T), ("archived_on", T), ("archive_no", T), ("retention", T),
            ("events", N), ("backfilled", N), ("last_at", T), ("file", T),
        ), ("grp",), indexes=(("agency",), ("licence_no",)), clustered=False),
        Table("proj_licence_deadlines", DEADLINE_COLUMNS, ("grp", "stream", "key"),
              indexes=(("done_on", "due_on"),)),
        Table("proj_licence_register", (
            ("grp", T), ("licence_no", T), ("licence_stream", T), ("event", T), ("event_label", T),
            ("agency", T), ("item", T), ("holder_kind", T), ("holder_name", T), ("holder_credit_code", T),
            ("document_no", T), ("decided_on", T), ("effective_on", T), ("valid_from", T), ("valid_to", T),
            ("issued_on", T),
        ), ("grp",), indexes=(("licence_no",), ("licence_stream",))),
    )

    def group_rows(self, key: str, group: Folded, ctx: Context) -> Rows:
        if not isinstance(group, LicenceFile) or not group.exists:
            return {}
        lf = group
        decision = lf.decision
        kind, name, credit = holder_columns(lf)
        licence_no = licence_no_of(lf)
        concerned = lf.concerns.get("stream") if isinstance(lf.concerns.get("stream"), str) else None
        named_no = lf.concerns.get("licence_no") if isinstance(lf.concerns.get("licence_no"), str) else None
        event = decision.type if decision is not None else None
        label = LICENCE_DECISION_LABELS.get(event or "", event)
        effective = day_iso(decision.effective_on) if decision is not None else None
        valid = (day_iso(decision.valid_from), day_iso(decision.valid_to)) if decision is not None else (None, None)
        issued_on = on(lf.issued.issued_at) if lf.issued is not None else None
        decided_on = on(decision.at) if decision is not None else None
        rows: Rows = {
            "proj_licences": [(
                key, lf.number, lf.kind, lf.agency, lf.item, lf.application, lf.action, kind, name, credit,
                lf.status, lf.status_label, on(lf.received_at), day_iso(lf.accepted_on), int(lf.deemed_accepted),
                event, label, decision.document_no if decision is not None else None, decided_on, *valid, effective,
                lf.issued.licence_no if lf.issued is not None else None, issued_on, concerned, named_no,
                len(lf.publications), on(lf.closed_at), on(lf.archived_at), lf.archive_no, lf.retention, lf.events,
                lf.backfilled, max((t.at_text for t in lf.timeline), default=None), licence_document(lf),
            )],
            "proj_licence_deadlines": deadline_rows(key, lf.deadlines),
        }
        if licence_no is not None or concerned is not None:
            rows["proj_licence_register"] = [(
                key, licence_no, concerned or key, event or "pending", label or "办理中", lf.agency, lf.item, kind,
                name, credit, decision.document_no if decision is not None else None, decided_on, effective, *valid,
                issued_on,
            )]
        return rows


def licence_document(lf: LicenceFile) -> str:
    """What a licence file shows beyond its columns, as one JSON document: the timeline, the 卷内目录,
    the publications, corrections and suppressions, the excluded periods and extensions (CAL-07,
    LIC-10), the licence it concerns and the officers. No applicant data but the columns'."""
    return json_text({
        "timeline": timeline_document(lf.timeline),
        "catalogue": catalogue_document(lf.catalogue),
        "publications": [{"version": p.version, "published_at": iso(p.published_at), "channel": p.channel,
                          "corrected_version": p.corrected_version, "withdrawn_version": p.withdrawn_version,
                          "withdrawn_at": iso(p.withdrawn_at)} for p in lf.publications],
        "corrections": [dict(c) for c in lf.corrections],
        "suppressions": list(lf.suppressions),
        "excluded": [{"reason": x.reason, "first": x.first.isoformat(), "last": day_iso(x.last), "ended": x.ended}
                     for x in lf.excluded],
        "extensions": judged_extensions(lf.extensions),
        "concerns": dict(lf.concerns),
        "officers": list(lf.officers),
    })


class LicenceDisclosure(Projection):
    name = "licence_disclosure"
    title = "事后公开（行政许可决定公示与撤下）"
    groups = True
    tables = (
        Table("pub_licences", (
            ("grp", T), ("version", N), ("document_no", T), ("agency", T), ("item", T), ("decision", T),
            ("decision_label", T), ("application", T), ("party_kind", T), ("party_name", T),
            ("party_credit_code", T), ("licence_no", T), ("licence_stream", T), ("valid_from", T),
            ("valid_to", T), ("decided_on", T), ("published_at", T), ("published_on", T), ("channel", T),
            ("url", T), ("text", T), ("corrected_at", T), ("status", T), ("withdrawn_at", T),
            ("published_utc", T),
        ), ("grp", "version"), indexes=(
            ("agency",), ("licence_no",), ("published_utc",),
            # the public list's count of shown decisions (kind_queries.shown_licences) reads this index only
            ("status", "published_on", "valid_to", "decision", "licence_no"),
        ), public=True),
        Table("pub_licence_withdrawals", (
            ("grp", T), ("version", N), ("decision_version", N), ("document_no", T), ("agency", T),
            ("withdrawn_at", T), ("withdrawn_on", T), ("reason", T), ("explanation", T), ("withdrawn_utc", T),
        ), ("grp", "version"), indexes=(("withdrawn_utc",),), public=True),
        Table("pub_licence_endings", (
            ("grp", T), ("version", N), ("action", T), ("action_label", T), ("licence_stream", T),
            ("licence_no", T), ("agency", T), ("document_no", T), ("effective_on", T), ("decided_utc", T),
        ), ("grp", "version"), indexes=(("licence_no",), ("licence_stream",), ("decided_utc",)),  # the feeds' order
              public=True),
    )

    def group_rows(self, key: str, group: Folded, ctx: Context) -> Rows:
        if not isinstance(group, LicenceFile) or not group.exists:
            return {}
        rows: dict[str, list[tuple[Any, ...]]] = public_licence_rows(group, ctx.config)
        return rows
