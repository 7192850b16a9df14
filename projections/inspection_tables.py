"""The read models of inspections (行政检查) and random spot checks (双随机 抽查任务).

* ``inspections``, from ``inspection/`` and ``spotcheck/`` streams (each a group of its own,
  ``projections.groups``) and the agencies' published inspection items:
  ``proj_inspections`` (one row per inspection file: what the lists, the file page and INS-06's
  count per object read, the timeline and 卷内目录 in its ``file`` document),
  ``proj_inspection_deadlines`` (INS-10: the result published within 20 WD),
  ``proj_spotchecks`` (one row per task: plan, snapshots, draw, whether the recorded draw
  re-derives), ``proj_spotcheck_objects`` (each drawn object with its inspectors as assigned after
  replacements, or why it was skipped), and ``proj_inspection_caps`` (each inspection item's yearly
  cap, INS-06, from the registry).
* ``inspection_disclosure`` (检查结果与抽查任务公示, public): ``pub_inspections``, ``pub_spotchecks``
  (:mod:`projections.inspection_disclosure`).

What a task's drawn object became is joined when read (``proj_spotcheck_objects`` with
``proj_inspections`` on the task and the object's index, :mod:`projections.inspection_queries`), so
each stream's rows stay a function of its own events. Rows hold what the pages read, not the events:
the draw's secret, beacon and indices are there because re-deriving the draw needs them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from typing import Any, Final

from domain.calendar import SHANGHAI
from domain.item_terms import SpotCheckTerms
from domain.reading import mapping_of
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
from projections.disclosure import json_text
from projections.groups import Folded
from projections.inspection_disclosure import (
    object_columns,
    public_inspection_rows,
    public_key,
    public_spotcheck_row,
    rederived_state,
)
from projections.inspectionfile import InspectionFile, SpotCheckTask
from projections.inspectionfile.rederive import DrawReport, verify_draw
from projections.sql import Table

__all__ = ["COUNTED", "InspectionDisclosure", "Inspections", "draw_report", "object_id"]

T, N = "text", "int"
COUNTED: Final = frozenset({"random", "routine", "special", "key_sector"})
"""The origins INS-06 counts against the yearly cap (as ``audit.rules.ins``); 个案 checks are not."""


def object_id(f: InspectionFile) -> str | None:
    """Who was inspected, as INS-06 groups inspections: the credit code, else the directory key, else
    a hash of the name (no name of a natural person in the column)."""
    party = f.party
    if party is not None and party.credit_code:
        return party.credit_code
    if f.object_key:
        return f"key:{f.object_key}"
    if party is not None and party.name:
        return "name:" + hashlib.sha256(party.name.encode("utf-8")).hexdigest()[:16]
    return None


def draw_report(task: SpotCheckTask) -> DrawReport | None:
    """The recorded draw re-derived from the task alone (the beacon is left "unverified": only the
    ledger's checkpoints can confirm it, ``draw verify`` and the spot-check route do)."""
    if task.draw is None:
        return None
    return verify_draw(task, None, backfilled=_draw_backfilled(task))


def _draw_backfilled(task: SpotCheckTask) -> bool:
    return task.draw is not None and any(t.backfilled for t in task.timeline if t.version == task.draw.version)


class Inspections(Projection):
    name = "inspections"
    title = "行政检查案卷与双随机抽查任务"
    groups = True
    registry = True
    tables = (
        Table("proj_inspections", (
            ("grp", T), ("number", T), ("agency", T), ("item", T), ("origin", T), ("spotcheck", T),
            ("object_index", N), ("object_kind", T), ("object_name", T), ("object_credit_code", T),
            ("object_id", T), ("counted", N), ("year", N), ("remote", N), ("status", T), ("status_label", T),
            ("opened_on", T), ("inspected_on", T), ("result", T), ("result_label", T), ("concluded_on", T),
            ("correction_due", T), ("verified_on", T), ("referred", N), ("published", N), ("closed_on", T),
            ("archived_on", T), ("events", N), ("backfilled", N), ("last_at", T), ("file", T),
        ), ("grp",), indexes=(("agency",), ("spotcheck", "object_index"), ("agency", "year", "object_id")),
              clustered=False),
        Table("proj_inspection_deadlines", DEADLINE_COLUMNS, ("grp", "stream", "key"),
              indexes=(("done_on", "due_on"),)),
        Table("proj_spotchecks", (
            ("grp", T), ("number", T), ("agency", T), ("items", T), ("population", T), ("sample_size", N),
            ("inspectors_per_object", N), ("period_from", T), ("period_until", T), ("approved_by", T),
            ("planned_on", T), ("filed_on", T), ("published_on", T), ("status", T), ("status_label", T),
            ("objects_count", N), ("inspectors_count", N), ("drawn_on", T), ("drawn", N), ("rederived", T),
            ("draw_backfilled", N), ("replaced", N), ("skipped", N), ("completed_on", T), ("events", N),
            ("last_at", T), ("file", T),
        ), ("grp",), indexes=(("agency",),), clustered=False),
        Table("proj_spotcheck_objects", (
            ("grp", T), ("object_index", N), ("key", T), ("position", N), ("officers", T), ("skipped", T),
        ), ("grp", "object_index")),
        Table("proj_inspection_caps", (("stream", T), ("code", T), ("max_per_year", N)), ("stream", "code"),
              scope="stream"),
    )

    def group_rows(self, key: str, group: Folded, ctx: Context) -> Rows:
        if isinstance(group, InspectionFile) and group.exists:
            return _inspection_rows(key, group)
        if isinstance(group, SpotCheckTask) and group.exists:
            return _spotcheck_rows(key, group)
        return {}

    def registry_rows(self, stream: str, history: Sequence[Mapping[str, Any]], ctx: Context) -> Rows:
        """Each inspection item's yearly cap as last published (INS-06; none: the setting decides)."""
        if not stream.startswith("agency/"):
            return {}
        caps: dict[str, int | None] = {}
        for entry in history:
            data = mapping_of(entry.get("data"))
            code = data.get("code")
            if entry.get("type") == "EnforcementItemPublished" and data.get("kind") == "inspection" \
                    and isinstance(code, str):
                terms = SpotCheckTerms.from_data(data.get("spot_check"))
                caps[code] = terms.max_per_year if terms is not None else None
        return {"proj_inspection_caps": [(stream, code, cap) for code, cap in sorted(caps.items())]} if caps else {}


def _inspection_rows(key: str, f: InspectionFile) -> Rows:
    kind, name, credit = object_columns(f)
    result = f.result
    year = f.opened_at.astimezone(SHANGHAI).year if f.opened_at is not None else None
    verified = f.verifications[-1].verified_at if f.verifications else None
    return {
        "proj_inspections": [(
            key, f.number, f.agency, f.item, f.origin.kind, f.origin.spotcheck, f.origin.object_index, kind, name,
            credit, object_id(f), int(f.origin.kind in COUNTED), year, int(f.remote), f.status, f.status_label,
            on(f.opened_at), on(f.site[0].at) if f.site else None, result.result if result else None,
            result.label if result else None, on(result.at) if result else None,
            day_iso(result.correction_due) if result else None, on(verified), len(f.referrals),
            len([p for p in f.publications if p.withdrawn_version is None]), on(f.closed_at), on(f.archived_at),
            f.events, f.backfilled, max((t.at_text for t in f.timeline), default=None), _inspection_document(f),
        )],
        "proj_inspection_deadlines": deadline_rows(key, f.deadlines),
    }


def _inspection_document(f: InspectionFile) -> str:
    """What an inspection file shows beyond its columns: the timeline, the 卷内目录, the approval, the
    site records, verifications, referrals, publications and suppressions, the officers. The object
    is only in the columns (masked there for a natural person)."""
    return json_text({
        "timeline": timeline_document(f.timeline),
        "catalogue": catalogue_document(f.catalogue),
        "approval": {"approved_by": f.approved_by, "approved_at": iso(f.approved_at), "urgent": f.urgent,
                     "check_code": f.check_code, "officers": list(f.officers_opened)},
        "site": [{"version": s.version, "at": iso(s.at), "remote": s.remote, "officers": list(s.officers),
                  "credentials_shown": s.credentials_shown, "notice": s.notice, "record": s.record,
                  "signed_by_party": s.signed_by_party, "refusal_noted": s.refusal_noted,
                  "check_code": s.check_code} for s in f.site],
        "findings": f.result.findings if f.result is not None else None,
        "served_on": on(f.result.served_at) if f.result is not None else None,
        "verifications": [{"version": v.version, "verified_on": on(v.verified_at), "result": v.result}
                          for v in f.verifications],
        "referrals": [{"version": r.version, "on": on(r.at), "to": r.to, "case": r.case, "agency": r.agency}
                      for r in f.referrals],
        "publications": [{"version": p.version, "published_at": iso(p.published_at), "channel": p.channel,
                          "batch": p.batch, "withdrawn_version": p.withdrawn_version} for p in f.publications],
        "suppressions": list(f.suppressions),
        "officers": list(f.officers),
    })


def _spotcheck_rows(key: str, task: SpotCheckTask) -> Rows:
    draw = task.draw
    report = draw_report(task)
    objects, inspectors = task.snapshot("objects"), task.snapshot("inspectors")
    skipped = {s.object_index: s.reason for s in task.skipped}
    drawn = [(key, index, public_key(k), position, json_text(list(task.assigned(index) or ())),
              skipped.get(index)) for position, (index, k) in enumerate(draw.objects if draw else ())
             if index is not None]
    return {
        "proj_spotchecks": [(
            key, task.number, task.agency, json_text(list(task.items)), task.population, task.sample_size,
            task.inspectors_per_object, day_iso(task.period[0]), day_iso(task.period[1]), task.approved_by,
            on(task.planned_at), on(task.filed_at), on(task.published_at), task.status, task.status_label,
            objects.count if objects else None, inspectors.count if inspectors else None,
            on(draw.at) if draw else None, len(drawn), rederived_state(task, report), int(_draw_backfilled(task)),
            len(task.replacements), len(task.skipped), day_iso(task.completed_on), task.events,
            max((t.at_text for t in task.timeline), default=None), _spotcheck_document(task),
        )],
        "proj_spotcheck_objects": drawn,
    }


def _spotcheck_document(task: SpotCheckTask) -> str:
    """What a task shows beyond its columns: the plan's commitment, the snapshots, the draw as
    recorded (what ``draw verify`` re-derives), replacements, the timeline and the task's papers (the
    checks of the re-derivation are the public row's, ``pub_spotchecks.checks``)."""
    draw = task.draw
    return json_text({
        "timeline": timeline_document(task.timeline),
        "commitment": task.seed_commitment, "algorithm": task.algorithm,
        "snapshots": [{"version": s.version, "taken_at": iso(s.at), "directory": s.directory, "count": s.count,
                       "sha256": s.sha256, "officers": list(s.officers)} for s in task.snapshots],
        "draw": None if draw is None else {
            "version": draw.version, "at": iso(draw.at), "seed_secret": draw.seed_secret,
            "beacon": {"tree_size": draw.beacon_size, "root": draw.beacon_root}, "seed": draw.seed,
            "objects_snapshot": draw.objects_snapshot},
        "replacements": [{"version": r.version, "object_index": r.object_index, "officer": r.officer,
                          "replacement": r.replacement, "reason": r.reason} for r in task.replacements],
        "documents": [{"version": d.version, "title": d.title, "sha256": d.sha256} for d in task.documents],
    })


class InspectionDisclosure(Projection):
    name = "inspection_disclosure"
    title = "事后公开（行政检查结果与双随机抽查任务公示）"
    groups = True
    tables = (
        Table("pub_inspections", (
            ("grp", T), ("version", N), ("agency", T), ("item", T), ("origin", T), ("spotcheck", T),
            ("object_index", N), ("object_kind", T), ("object_name", T), ("object_credit_code", T),
            ("inspected_on", T), ("concluded_on", T), ("result", T), ("result_label", T), ("published_at", T),
            ("published_on", T), ("channel", T), ("batch", T), ("text", T), ("status", T), ("published_utc", T),
        ), ("grp", "version"), indexes=(("agency",), ("spotcheck",), ("published_utc",)), public=True),
        Table("pub_spotchecks", (
            ("grp", T), ("agency", T), ("items", T), ("population", T), ("sample_size", N),
            ("inspectors_per_object", N), ("period_from", T), ("period_until", T), ("seed_commitment", T),
            ("algorithm", T), ("published_on", T), ("objects_count", N), ("objects_sha256", T),
            ("inspectors_count", N), ("inspectors", T), ("drawn_on", T), ("seed_secret", T), ("beacon_size", N),
            ("beacon_root", T), ("seed", T), ("objects_snapshot", T), ("drawn", T), ("replacements", T),
            ("skipped", T), ("rederived", T), ("checks", T), ("completed_on", T), ("status", T),
            ("shown_utc", T),
        ), ("grp",), indexes=(("agency",), ("shown_utc",)), public=True, clustered=False),
    )

    def group_rows(self, key: str, group: Folded, ctx: Context) -> Rows:
        if isinstance(group, InspectionFile):
            return {"pub_inspections": public_inspection_rows(group, ctx.config)}
        if isinstance(group, SpotCheckTask):
            return {"pub_spotchecks": public_spotcheck_row(group, draw_report(group))}
        return {}
