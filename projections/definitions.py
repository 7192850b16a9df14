"""The read models: each projection's tables and how a folded file becomes their rows.

* ``casefiles`` (案卷), from case groups: ``proj_cases`` (with the timeline in its
  ``file`` document), ``proj_case_catalogue`` (卷内目录), ``proj_case_officers``,
  ``proj_deadlines``.
* ``records`` (全过程记录), from case groups: ``proj_records``, one row per written or
  audio-visual record.
* ``registers`` (登记簿), from case groups and every event: ``proj_legal_reviews``
  (法制审核), ``proj_reconsiderations`` (复议), ``proj_lawsuits`` (诉讼, 出庭),
  ``proj_overrides`` (闸门越权), ``proj_backfills`` (补录).
* ``statistics`` (统计), from case groups: ``stat_facts`` (per file) and
  ``proj_statistics`` (per agency, year and metric).
* ``disclosure`` (事后公开, public), from case groups: ``pub_decisions``, ``pub_withdrawals``.
* ``registry`` (事前公开, public), from agency and officer streams: ``pub_agencies``,
  ``pub_officers``, ``pub_items``, ``pub_review_catalogues``.
* ``licences``, ``licence_disclosure`` (行政许可), from licence streams: see
  :mod:`projections.licence_tables`; ``complaints`` (投诉举报), from complaint streams: see
  :mod:`projections.complaint_tables`; ``coercions``, ``coercion_disclosure`` (行政强制), from
  ``coercion/`` streams and the measures of case streams: see :mod:`projections.coercion_tables`.
  ``statistics`` counts them too.

A *case group* is a case stream with the 复议 and 诉讼 streams that target it (and a
supervision, licence or complaint stream is a group of its own: :mod:`projections.groups`);
its rows are all replaced whenever anything in it changes, so the rows are a function of the
events alone. Tables named ``pub_*`` are public: they never hold personal data (see :mod:`projections.disclosure`).
Deadline states and warning colours are never stored (see :mod:`projections.queries`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from functools import lru_cache
from typing import Any, Final

import orjson

from projections.base import Context, Event, Projection, Rows, day_iso, flag, iso, on
from projections.casefile import CaseFile, SupervisionFile, days_between
from projections.coercion_tables import CoercionDisclosure, Coercions
from projections.complaint_tables import Complaints
from projections.disclosure import json_text, public_decisions, public_registry
from projections.groups import Folded
from projections.inspection_tables import InspectionDisclosure, Inspections
from projections.labels import OUTCOME_LABELS, REVIEW_DECISION_LABELS
from projections.licence_tables import LicenceDisclosure, Licences
from projections.sql import Database, Table, in_lists
from projections.statistics import facts

__all__ = ["ALL", "Context", "Event", "Projection", "Rows", "by_name"]

Group = CaseFile | SupervisionFile
T, N = "text", "int"
LIST_DAY = "(COALESCE(registered_on, source_on))"
"""The day a case list is ordered by (立案, else 案源登记): indexed as this expression, so the list's
``ORDER BY COALESCE(c.registered_on, c.source_on) DESC`` walks an index and stops at the page."""


# --------------------------------------------------------------------------- 案卷


class CaseFiles(Projection):
    name = "casefiles"
    title = "案卷（卷内目录、时间线、期限）"
    groups = True
    tables = (
        Table("proj_cases", (
            ("grp", T), ("number", T), ("agency", T), ("procedure", T), ("item", T), ("party_kind", T),
            ("party_name", T), ("party_credit_code", T), ("violation", T), ("status", T), ("status_label", T),
            ("outcome", T), ("outcome_label", T), ("fine_fen", N), ("paid_fen", N), ("document_no", T),
            ("source_on", T), ("registered_on", T), ("decided_on", T), ("served_on", T), ("closed_on", T),
            ("archived_on", T), ("archive_no", T), ("retention", T), ("handlers", T), ("events", N),
            ("backfilled", N), ("overridden", N), ("last_at", T), ("reviews", N), ("lawsuits", N), ("file", T),
        ), ("grp",), indexes=(
            # The case list: an agency's cases in list order, with the filters it counts and pages by
            # (procedure, status) and the day's columns, so a count or a page's keys read this index only.
            ("agency", LIST_DAY, "procedure", "status", "registered_on", "source_on"),
            (LIST_DAY,),  # every agency's list (an administrator's), newest first
        ), clustered=False),
        # the item's title is CATALOGUE_ITEMS[item]; ``title`` is NULL where it is that title; a file's hash is
        # its record's (``proj_records`` by version and field), not stored twice (read: queries.case_file)
        Table("proj_case_catalogue", (
            ("grp", T), ("volume", T), ("seq", N), ("item", N), ("title", T), ("version", N), ("on_date", T),
            ("field", T), ("paginated", N),
        ), ("grp", "volume", "seq")),
        Table("proj_case_officers", (("grp", T), ("officer", T), ("role", T)), ("grp", "officer", "role"),
              indexes=(("officer",),)),
        Table("proj_deadlines", (
            ("grp", T), ("stream", T), ("key", T), ("rule", T), ("title", T), ("agency", T), ("start_on", T),
            ("due_on", T), ("provisional", N), ("known_until", T), ("done_on", T), ("holder", T),
        ), ("grp", "stream", "key"), indexes=(("done_on", "due_on"),)),
    )

    def group_rows(self, key: str, group: Folded, ctx: Context) -> Rows:
        if not isinstance(group, CaseFile | SupervisionFile):
            return {}  # a licence or complaint file: projections.licence_tables, complaint_tables
        deadlines = [
            (key, d.stream, d.key, d.rule, d.title, d.agency, day_iso(d.start), day_iso(d.due.due),
             int(d.due.provisional), day_iso(d.due.known_until), day_iso(d.done_on), d.holder)
            for d in (group.deadlines if isinstance(group, SupervisionFile) else group.all_deadlines)
        ]
        if isinstance(group, SupervisionFile):
            staff = {t.by for t in group.timeline}
            return {"proj_deadlines": deadlines, "proj_case_officers": [(key, o, "staff") for o in sorted(staff) if o]}
        cf = group
        officers = {(key, o, "handler") for o in cf.handlers}
        officers |= {(key, o, "participant") for o in cf.officers if o not in cf.handlers}
        officers |= {(key, o, "staff") for r in cf.reviews for o in r.staff}
        officers |= {(key, o, "staff") for s in cf.lawsuits for o in s.staff}
        rows: Rows = {"proj_deadlines": deadlines, "proj_case_officers": sorted(officers)}
        if not cf.exists:
            return rows  # a 复议 or lawsuit whose case is not (yet) in the ledger: no case row
        party = cf.party
        decision = cf.decision
        last_at = max((t.at_text for t in cf.timeline), default=None)
        source = cf.source or {}
        rows["proj_cases"] = [(
            key, cf.number, cf.agency, cf.procedure, cf.item, party.kind if party else None,
            party.name if party else None, party.credit_code if party else None,
            str(cf.violation.get("summary")) if cf.violation.get("summary") else None, cf.status, cf.status_label,
            cf.outcome, OUTCOME_LABELS.get(cf.outcome or "", cf.outcome), cf.fine_fen, cf.paid_fen,
            decision.document_no if decision else None,
            _day_text(source.get("received_at")), on(cf.registered_at), on(decision.at) if decision else None,
            on(cf.served_at), on(cf.closed_at), on(cf.archived_at), cf.archive_no, cf.retention,
            json_text(list(cf.handlers)), cf.events, cf.backfilled, cf.overridden, last_at, len(cf.reviews),
            len(cf.lawsuits), file_document(cf),
        )]
        fields: dict[tuple[int | None, str], str] = {
            (d.version, d.sha256): d.field for d in cf.documents if d.sha256 is not None and d.kind != "entry"}
        rows["proj_case_catalogue"] = [
            (key, c.volume, c.seq, c.item, None if c.title == c.item_title else c.title, c.version, day_iso(c.on),
             None if c.sha256 is None else fields[(c.version, c.sha256)], int(c.paginated))
            for c in cf.catalogue
        ]
        return rows


def file_document(cf: CaseFile) -> str:
    """The parts of a case file that have no table of their own, as one JSON document: the party
    as registered (an internal table: it holds personal data), the violation, the source, the
    extensions. Not the timeline: that is the events themselves, which the case page reads from
    the ledger (``projections.queries.group_timeline``), one group's streams being cheap to read."""
    party = cf.party
    return json_text({
        "party": None if party is None else {k: v for k, v in (
            ("kind", party.kind), ("name", party.name), ("id_number", party.id_number),
            ("credit_code", party.credit_code), ("address", party.address), ("phone", party.phone),
            ("birth_date", party.birth_date.isoformat() if party.birth_date else None),
            ("legal_representative", party.legal_representative)) if v},
        "violation": dict(cf.violation),
        "source": dict(cf.source) if cf.source else None,
        "extensions": extension_rows(cf),
    })


def extension_rows(cf: CaseFile) -> list[dict[str, Any]]:
    """Each extension of a period (PEN-23 and the 复议's RC-05) as judged by ``domain.extensions``:
    a late one (approved after the period it tried to extend had ended) is shown as void."""
    found = [(cf.stream, "PEN-23", e) for e in cf.extensions]
    found += [(r.stream, "RC-05", e) for r in cf.reviews for e in r.extensions]
    return [{"stream": stream, "version": e.version, "rule": rule, "approved_on": e.extension.approved_on.isoformat(),
             "approved_by": e.extension.approved_by, "days": e.extension.days, "counted": e.counted,
             "due_before": e.due_before.due.isoformat(),
             "state": "late" if e.late else "unknown" if e.timely is None else "lawful"}
            for stream, rule, e in found]


def _day_text(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return on(moment) if moment.tzinfo is not None else None


# --------------------------------------------------------------------------- 全过程记录


DOCUMENT_KEY: Final = "(substr(sha256, 1, 16))"
"""What ``proj_records`` is indexed by to find who may read a document: the hash's first 16 hex digits
(64 bits: as selective as the whole hash, a quarter of its bytes in every index entry). A lookup says
``WHERE substr(sha256, 1, 16) = ? AND substr(sha256, 17) = ?`` (the expression as indexed, then the rest; not
``AND sha256 = ?``: SQLite would put the value into the indexed expression and scan the table)."""


class Records(Projection):
    name = "records"
    title = "执法全过程记录"
    groups = True
    tables = (
        # a record's stream is the case's (``grp``): a case file's documents are its own stream's. No agency (the
        # case's), stage label (labels.STAGES) or file name: nothing reads them from here
        Table("proj_records", (
            ("grp", T), ("version", N), ("field", T), ("step", T), ("stage", T), ("kind", T), ("title", T),
            ("sha256", T), ("bytes", N), ("media_type", T), ("officers", T), ("at", T),
        ), ("grp", "version", "field"), indexes=((DOCUMENT_KEY,),)),  # who may read a document
    )

    def group_rows(self, key: str, group: Folded, ctx: Context) -> Rows:
        if not isinstance(group, CaseFile | SupervisionFile):
            return {}  # a licence or complaint file: projections.licence_tables, complaint_tables
        if isinstance(group, SupervisionFile):
            return {}
        return {"proj_records": [
            (key, d.version, d.field, d.step, d.stage, d.kind, d.title, d.sha256, d.bytes, d.media_type,
             _names(d.officers), _at_text(d.at))
            for d in group.documents if d.kind != "entry" and d.stream == key
        ]}


@lru_cache(maxsize=16384)
def _names(officers: tuple[str, ...]) -> str:
    return json_text(list(officers))


@lru_cache(maxsize=65536)
def _at_text(moment: datetime) -> str:
    return moment.isoformat()


# --------------------------------------------------------------------------- registers


class Registers(Projection):
    name = "registers"
    title = "法制审核、复议、诉讼、闸门越权与补录登记"
    groups = True
    events = True
    tables = (
        Table("proj_legal_reviews", (
            ("grp", T), ("version", N), ("agency", T), ("requested_at", T), ("completed_at", T), ("reviewer", T),
            ("outcome", T), ("issues", T), ("document", T),
        ), ("grp", "version")),
        Table("proj_reconsiderations", (
            ("grp", T), ("stream", T), ("agency", T), ("applicant_kind", T), ("applicant_name", T),
            ("document_no", T), ("received_on", T), ("accepted_on", T), ("rejected_on", T),
            ("answer_requested_on", T), ("answer_filed_on", T), ("hearings", N), ("head_attended", N),
            ("extended_days", N), ("decision", T), ("decision_label", T), ("decided_on", T), ("served_on", T),
            ("corrective", N),
        ), ("grp", "stream"), indexes=(("agency",),)),
        Table("proj_lawsuits", (
            ("grp", T), ("stream", T), ("agency", T), ("court", T), ("document_no", T), ("filed_on", T),
            ("hearings", N), ("head_appearances", N), ("judgment", T), ("judgment_label", T), ("judgment_on", T),
            ("instance", T), ("corrective", N), ("suggestions", N),
        ), ("grp", "stream"), indexes=(("agency",),)),
        Table("proj_overrides", (
            ("stream", T), ("version", N), ("idx", N), ("type", T), ("rule", T), ("justification", T),
            ("authorized_by", T), ("at", T), ("recorded_at", T), ("by_id", T),
        ), ("stream", "version", "idx"), scope=None, indexes=(("rule",),)),
        Table("proj_backfills", (
            ("stream", T), ("version", N), ("type", T), ("at", T), ("recorded_at", T), ("gap_days", N),
            ("signer", T), ("by_id", T),
        ), ("stream", "version"), scope=None),
    )

    def group_rows(self, key: str, group: Folded, ctx: Context) -> Rows:
        if not isinstance(group, CaseFile | SupervisionFile):
            return {}  # a licence or complaint file: projections.licence_tables, complaint_tables
        if isinstance(group, SupervisionFile):
            return {}
        cf = group
        reviews = [
            (key, lr.version, cf.agency, iso(lr.requested_at), iso(lr.completed_at), lr.reviewer, lr.outcome,
             json_text(list(lr.issues)), lr.document)
            for lr in cf.legal_reviews
        ]
        reconsiderations = [
            (key, r.stream, cf.agency, r.applicant.kind if r.applicant else None,
             r.applicant.name if r.applicant else None, r.document_no, on(r.received_at), on(r.accepted_at),
             on(r.rejected_at), on(r.answer_requested_at), on(r.answer_filed_at), len(r.hearings),
             flag(r.head_attended), r.extended_days, r.decision,
             REVIEW_DECISION_LABELS.get(r.decision or "", r.decision), on(r.decided_at), on(r.served_at),
             int(r.corrective))
            for r in cf.reviews
        ]
        lawsuits = []
        for s in cf.lawsuits:
            judgment = s.judgment
            lawsuits.append((
                key, s.stream, cf.agency, s.court, s.document_no, on(s.filed_at), len(s.hearings),
                sum(h.head_appeared for h in s.hearings), judgment.outcome if judgment else None,
                REVIEW_DECISION_LABELS.get(judgment.outcome, judgment.outcome) if judgment else None,
                on(judgment.received_at) if judgment else None, judgment.instance if judgment else None,
                int(judgment.corrective) if judgment else 0, s.suggestions,
            ))
        return {"proj_legal_reviews": reviews, "proj_reconsiderations": reconsiderations, "proj_lawsuits": lawsuits}

    def has_event_rows(self, envelope: Mapping[str, Any]) -> bool:
        return "override" in envelope or envelope.get("backfilled") is True

    def event_rows(self, events: Sequence[Event], ctx: Context) -> Rows:
        overrides: list[tuple[Any, ...]] = []
        backfills: list[tuple[Any, ...]] = []
        for event in events:
            env = event.envelope
            if "override" in env:
                raw = env.get("override")
                items = [raw] if isinstance(raw, Mapping) else raw if isinstance(raw, list) else []
                overrides += [
                    (event.stream, event.version, i, event.type, str(o.get("rule") or ""), o.get("justification"),
                     o.get("authorized_by"), env.get("at"), env.get("recorded_at"), env.get("by"))
                    for i, o in enumerate(items) if isinstance(o, Mapping)
                ]
            if env.get("backfilled") is True:
                backfills.append(_backfill_row(event))
        return {"proj_overrides": overrides, "proj_backfills": backfills}


def _backfill_row(event: Event) -> tuple[Any, ...]:
    """A 补录 event: who transcribed it, and how long after ``at`` it reached the ledger."""
    env = event.envelope
    gap = None
    at, recorded = env.get("at"), env.get("recorded_at")
    if isinstance(at, str) and isinstance(recorded, str):
        try:
            gap = days_between(datetime.fromisoformat(at.replace("Z", "+00:00")),
                               datetime.fromisoformat(recorded.replace("Z", "+00:00")))
        except (ValueError, TypeError):
            gap = None
    signer = env.get("signer")
    return (event.stream, event.version, event.type, at, recorded, gap,
            signer.get("id") if isinstance(signer, Mapping) else None, env.get("by"))


# --------------------------------------------------------------------------- statistics


class Statistics(Projection):
    """Counts per agency, year and metric, kept by deltas: each file's facts are stored
    (``stat_facts``, one JSON document per group) and a refresh adds the difference
    between its new and its old facts to ``proj_statistics``; a count that falls to zero
    is removed, so the table equals a summation from scratch."""

    name = "statistics"
    title = "执法统计（年度）"
    groups = True
    tables = (
        Table("stat_facts", (("grp", T), ("facts", T)), ("grp",), clustered=False),
        Table("proj_statistics", (("agency", T), ("year", N), ("metric", T), ("value", N)),
              ("agency", "year", "metric"), scope="custom"),
    )

    def group_rows(self, key: str, group: Folded, ctx: Context) -> Rows:
        found = facts(group, ctx.calendar)
        # the parsed facts ride along (third element) so that ``write`` needs no JSON round trip
        return {"stat_facts": [(key, facts_text(found), found)]} if found else {}

    def write(self, db: Database, cur: Any, suffix: str, groups: Sequence[str], streams: Sequence[str],
              rows: Rows, fresh: frozenset[str] = frozenset()) -> None:
        facts_table = db.qualify("stat_facts" + suffix)
        totals = db.qualify("proj_statistics" + suffix)
        delta: dict[tuple[str, int, str], int] = {}
        old_groups = [g for g in groups if g not in fresh]
        for sql, chunk in in_lists(f"SELECT facts FROM {facts_table} WHERE grp IN ({{in}})", old_groups):
            cur.execute(db.q(sql), chunk)
            for (text,) in cur.fetchall():
                for agency, year, metric, value in facts_of(text):
                    delta[(agency, year, metric)] = delta.get((agency, year, metric), 0) - value
        new = rows.get("stat_facts", [])
        for _, _, found in new:
            for agency, year, metric, value in found:
                delta[(agency, year, metric)] = delta.get((agency, year, metric), 0) + value
        super().write(db, cur, suffix, groups, streams, {"stat_facts": [r[:2] for r in new]}, fresh)
        changes = sorted((a, y, m, v) for (a, y, m), v in delta.items() if v)
        if changes:
            alias, current = (" AS t", "t.value") if db.postgres else ("", "value")
            cur.executemany(db.q(
                f"INSERT INTO {totals}{alias} (agency, year, metric, value) VALUES (?, ?, ?, ?) "
                f"ON CONFLICT (agency, year, metric) DO UPDATE SET value = {current} + excluded.value"), changes)
            cur.execute(db.q(f"DELETE FROM {totals} WHERE value = 0"))


def facts_text(found: Sequence[tuple[str, int, str, int]]) -> str:
    """A file's facts as ``stat_facts`` stores them: nested by agency, year and the metric's prefix
    (``{"agency/X": {"2026": {"steps": {"CaseClosed": 1}}}}``), so that no agency, year or prefix is
    repeated per fact (a third of the size of one ``[agency, year, metric, value]`` list per fact)."""
    nested: dict[str, dict[str, dict[str, dict[str, int]]]] = {}
    for agency, year, metric, value in found:
        prefix, dot, rest = metric.partition(".")
        if not dot or not prefix:
            prefix, rest = "", metric
        nested.setdefault(agency, {}).setdefault(str(year), {}).setdefault(prefix, {})[rest] = value
    return json_text(nested)


def facts_of(text: str | bytes) -> list[tuple[str, int, str, int]]:
    """The facts :func:`facts_text` stored."""
    return [(agency, int(year), f"{prefix}.{rest}" if prefix else rest, value)
            for agency, years in orjson.loads(text).items() for year, prefixes in years.items()
            for prefix, values in prefixes.items() for rest, value in values.items()]


# --------------------------------------------------------------------------- 公示


class Disclosure(Projection):
    name = "disclosure"
    title = "事后公开（处罚决定公示与撤下）"
    groups = True
    tables = (
        Table("pub_decisions", (
            ("grp", T), ("version", N), ("document_no", T), ("agency", T), ("party_kind", T), ("party_name", T),
            ("party_credit_code", T), ("outcome", T), ("outcome_label", T), ("penalties", T), ("fine_fen", N),
            ("decided_on", T), ("published_at", T), ("published_on", T), ("channel", T), ("url", T), ("text", T),
            ("corrected_at", T), ("regime", T), ("min_until", T), ("max_until", T), ("status", T),
            ("withdrawn_at", T),
            ("published_utc", T),  # sql.instant_key(published_at): the order of the feeds (not the string's)
            ("violation", T),  # the violation's summary as published (redacted): the public search by words
        ), ("grp", "version"), indexes=(("agency",), ("max_until",), ("published_utc",)), public=True),
        Table("pub_withdrawals", (
            ("grp", T), ("version", N), ("decision_version", N), ("document_no", T), ("agency", T),
            ("withdrawn_at", T), ("withdrawn_on", T), ("reason", T), ("explanation", T),
            ("withdrawn_utc", T),  # sql.instant_key(withdrawn_at)
        ), ("grp", "version"), indexes=(("withdrawn_utc",),), public=True),
    )

    def group_rows(self, key: str, group: Folded, ctx: Context) -> Rows:
        if not isinstance(group, CaseFile | SupervisionFile):
            return {}  # a licence or complaint file: projections.licence_tables, complaint_tables
        if isinstance(group, SupervisionFile) or not group.exists:
            return {}
        decisions, withdrawals = public_decisions(group, ctx.config)
        return {"pub_decisions": decisions, "pub_withdrawals": withdrawals}


class Registry(Projection):
    name = "registry"
    title = "事前公开（执法主体、人员、事项、法制审核目录）"
    registry = True
    tables = (
        Table("pub_agencies", (
            ("stream", T), ("name", T), ("credit_code", T), ("level", T), ("region", T), ("court", T),
            ("supervised_by", T), ("reconsideration_bodies", T), ("registered_at", T),
        ), ("stream",), scope="stream", public=True),
        Table("pub_officers", (
            ("stream", T), ("name", T), ("agency", T), ("credential_no", T), ("credential_valid_from", T),
            ("credential_valid_to", T), ("credential_status", T), ("roles", T), ("fields", T),
        ), ("stream",), scope="stream", indexes=(("agency",),), public=True),
        Table("pub_items", (
            ("stream", T), ("code", T), ("name", T), ("kind", T), ("basis", T), ("sanction_basis", T),
            ("penalty_types", T), ("min_fen", N), ("max_fen", N), ("bands", T), ("no_penalty", T),
            ("published_at", T),
        ), ("stream", "code"), scope="stream", public=True),
        Table("pub_review_catalogues", (
            ("stream", T), ("person_fen", N), ("organisation_fen", N), ("hearing_person_fen", N),
            ("hearing_organisation_fen", N), ("categories", T), ("published_at", T),
        ), ("stream",), scope="stream", public=True),
    )

    def registry_rows(self, stream: str, history: Sequence[Mapping[str, Any]], ctx: Context) -> Rows:
        return public_registry(stream, history)


ALL: Final[tuple[Projection, ...]] = (CaseFiles(), Records(), Registers(), Statistics(), Disclosure(), Registry(),
                                      Licences(), LicenceDisclosure(), Complaints(), Coercions(),
                                      CoercionDisclosure(), Inspections(), InspectionDisclosure())
"""Every projection, in the order status lists them."""


def by_name(name: str) -> Projection:
    for projection in ALL:
        if projection.name == name:
            return projection
    names = "、".join(p.name for p in ALL)
    raise KeyError(f"没有名为 {name} 的投影（可用：{names}）")
