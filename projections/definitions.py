"""The read models: each projection's tables and how a folded file becomes their rows.

* ``casefiles`` (案卷), from case groups: ``proj_cases``, ``proj_case_catalogue``
  (卷内目录), ``proj_case_timeline``, ``proj_case_officers``, ``proj_deadlines``.
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

A *case group* is a case stream with the 复议 and 诉讼 streams that target it (and a
supervision stream is a group of its own); its rows are all replaced whenever anything
in it changes, so the rows are a function of the events alone. Tables named ``pub_*``
are public: they never hold personal data (see :mod:`projections.disclosure`).
Deadline states and warning colours are never stored (see :mod:`projections.queries`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from domain.calendar import SHANGHAI, WorkingCalendar
from domain.config import Config
from projections.casefile import CaseFile, SupervisionFile, days_between
from projections.disclosure import json_text, public_decisions, public_registry
from projections.labels import OUTCOME_LABELS, REVIEW_DECISION_LABELS, STAGES
from projections.sql import Database, Table
from projections.statistics import facts

__all__ = ["ALL", "Event", "Projection", "Rows", "by_name"]

Rows = dict[str, list[tuple[Any, ...]]]
Group = CaseFile | SupervisionFile

T, N = "text", "int"


@dataclass(frozen=True, slots=True)
class Event:
    """One event of a batch as the runner decoded it."""

    nid: int
    stream: str
    version: int
    type: str
    envelope: Mapping[str, Any]


@dataclass(frozen=True)
class Context:
    config: Config
    calendar: WorkingCalendar


class Projection:
    """A named set of tables, tracked and rebuilt together."""

    name: str = ""
    title: str = ""
    tables: tuple[Table, ...] = ()
    groups: bool = False
    registry: bool = False
    events: bool = False

    def group_rows(self, key: str, group: Group, ctx: Context) -> Rows:
        del key, group, ctx
        return {}

    def registry_rows(self, stream: str, history: Sequence[Mapping[str, Any]], ctx: Context) -> Rows:
        del stream, history, ctx
        return {}

    def event_rows(self, event: Event, ctx: Context) -> Rows:
        del event, ctx
        return {}

    def write(self, db: Database, cur: Any, suffix: str, groups: Sequence[str], streams: Sequence[str],
              rows: Rows) -> None:
        """Replace the rows of the refreshed groups and streams; add per-event rows."""
        for table in self.tables:
            physical = db.qualify(table.name + suffix)
            if table.scope == "grp" and groups:
                db.delete_in(cur, physical, "grp", groups)
            elif table.scope == "stream" and streams:
                db.delete_in(cur, physical, "stream", streams)
            if table.scope != "custom":
                db.insert(cur, physical, table, rows.get(table.name, []))


def _on(moment: datetime | None) -> str | None:
    return moment.astimezone(SHANGHAI).date().isoformat() if moment is not None else None


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _flag(value: bool | None) -> int | None:
    return None if value is None else int(value)


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
            ("backfilled", N), ("overridden", N), ("last_at", T), ("reviews", N), ("lawsuits", N),
        ), ("grp",), indexes=(("agency",),)),
        Table("proj_case_catalogue", (
            ("grp", T), ("volume", T), ("seq", N), ("item", N), ("item_title", T), ("title", T), ("version", N),
            ("on_date", T), ("sha256", T), ("paginated", N),
        ), ("grp", "volume", "seq")),
        Table("proj_case_timeline", (
            ("grp", T), ("stream", T), ("version", N), ("type", T), ("label", T), ("stage", T), ("at", T),
            ("recorded_at", T), ("by_id", T), ("backfilled", N), ("overrides", T),
        ), ("grp", "stream", "version")),
        Table("proj_case_officers", (("grp", T), ("officer", T), ("role", T)), ("grp", "officer", "role"),
              indexes=(("officer",),)),
        Table("proj_deadlines", (
            ("grp", T), ("stream", T), ("key", T), ("rule", T), ("title", T), ("agency", T), ("start_on", T),
            ("due_on", T), ("provisional", N), ("known_until", T), ("done_on", T),
        ), ("grp", "stream", "key"), indexes=(("done_on", "due_on"),)),
    )

    def group_rows(self, key: str, group: Group, ctx: Context) -> Rows:
        deadlines = [
            (key, d.stream, d.key, d.rule, d.title, d.agency, d.start.isoformat(), d.due.due.isoformat(),
             int(d.due.provisional), d.due.known_until.isoformat() if d.due.known_until else None,
             d.done_on.isoformat() if d.done_on else None)
            for d in (group.deadlines if isinstance(group, SupervisionFile) else group.all_deadlines)
        ]
        timelines = [group.timeline] if isinstance(group, SupervisionFile) else [
            group.timeline, *(r.timeline for r in group.reviews), *(s.timeline for s in group.lawsuits)]
        timeline = [
            (key, t.stream, t.version, t.type, t.label, t.stage, t.at_text, t.recorded_at, t.by, int(t.backfilled),
             ",".join(t.overrides) or None)
            for lines in timelines for t in lines
        ]
        if isinstance(group, SupervisionFile):
            staff = {t.by for t in group.timeline}
            return {"proj_deadlines": deadlines, "proj_case_timeline": timeline,
                    "proj_case_officers": [(key, o, "staff") for o in sorted(staff) if o]}
        cf = group
        officers = {(key, o, "handler") for o in cf.handlers}
        officers |= {(key, o, "participant") for o in cf.officers if o not in cf.handlers}
        officers |= {(key, o, "staff") for r in cf.reviews for o in r.staff}
        officers |= {(key, o, "staff") for s in cf.lawsuits for o in s.staff}
        rows: Rows = {"proj_deadlines": deadlines, "proj_case_timeline": timeline,
                      "proj_case_officers": sorted(officers)}
        if not cf.exists:
            return rows  # a 复议 or lawsuit whose case is not (yet) in the ledger: no case row
        party = cf.party
        decision = cf.decision
        last_at = max((t.at_text for t in cf.timeline), default=None, key=lambda s: s or "")
        source = cf.source or {}
        rows["proj_cases"] = [(
            key, cf.number, cf.agency, cf.procedure, cf.item, party.kind if party else None,
            party.name if party else None, party.credit_code if party else None,
            str(cf.violation.get("summary")) if cf.violation.get("summary") else None, cf.status, cf.status_label,
            cf.outcome, OUTCOME_LABELS.get(cf.outcome or "", cf.outcome), cf.fine_fen, cf.paid_fen,
            decision.document_no if decision else None,
            _day_text(source.get("received_at")), _on(cf.registered_at), _on(decision.at) if decision else None,
            _on(cf.served_at), _on(cf.closed_at), _on(cf.archived_at), cf.archive_no, cf.retention,
            json_text(list(cf.handlers)), cf.events, cf.backfilled, cf.overridden, last_at, len(cf.reviews),
            len(cf.lawsuits),
        )]
        rows["proj_case_catalogue"] = [
            (key, c.volume, c.seq, c.item, c.item_title, c.title, c.version, c.on.isoformat() if c.on else None,
             c.sha256, int(c.paginated))
            for c in cf.catalogue
        ]
        return rows


def _day_text(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return _on(moment) if moment.tzinfo is not None else None


# --------------------------------------------------------------------------- 全过程记录


class Records(Projection):
    name = "records"
    title = "执法全过程记录"
    groups = True
    tables = (
        Table("proj_records", (
            ("grp", T), ("stream", T), ("version", N), ("field", T), ("agency", T), ("step", T), ("stage", T),
            ("stage_label", T), ("kind", T), ("title", T), ("name", T), ("sha256", T), ("bytes", N),
            ("media_type", T), ("officers", T), ("at", T),
        ), ("grp", "stream", "version", "field"), indexes=(("sha256",),)),
    )

    def group_rows(self, key: str, group: Group, ctx: Context) -> Rows:
        if isinstance(group, SupervisionFile):
            return {}
        return {"proj_records": [
            (key, d.stream, d.version, d.field, group.agency, d.step, d.stage, STAGES.get(d.stage, d.stage), d.kind,
             d.title, d.name, d.sha256, d.bytes, d.media_type, json_text(list(d.officers)), d.at.isoformat())
            for d in group.documents if d.kind != "entry"
        ]}


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

    def group_rows(self, key: str, group: Group, ctx: Context) -> Rows:
        if isinstance(group, SupervisionFile):
            return {}
        cf = group
        reviews = [
            (key, lr.version, cf.agency, _iso(lr.requested_at), _iso(lr.completed_at), lr.reviewer, lr.outcome,
             json_text(list(lr.issues)), lr.document)
            for lr in cf.legal_reviews
        ]
        reconsiderations = [
            (key, r.stream, cf.agency, r.applicant.kind if r.applicant else None,
             r.applicant.name if r.applicant else None, r.document_no, _on(r.received_at), _on(r.accepted_at),
             _on(r.rejected_at), _on(r.answer_requested_at), _on(r.answer_filed_at), len(r.hearings),
             _flag(r.head_attended), r.extended_days, r.decision,
             REVIEW_DECISION_LABELS.get(r.decision or "", r.decision), _on(r.decided_at), _on(r.served_at),
             int(r.corrective))
            for r in cf.reviews
        ]
        lawsuits = []
        for s in cf.lawsuits:
            judgment = s.judgment
            lawsuits.append((
                key, s.stream, cf.agency, s.court, s.document_no, _on(s.filed_at), len(s.hearings),
                sum(h.head_appeared for h in s.hearings), judgment.outcome if judgment else None,
                REVIEW_DECISION_LABELS.get(judgment.outcome, judgment.outcome) if judgment else None,
                _on(judgment.received_at) if judgment else None, judgment.instance if judgment else None,
                int(judgment.corrective) if judgment else 0, s.suggestions,
            ))
        return {"proj_legal_reviews": reviews, "proj_reconsiderations": reconsiderations, "proj_lawsuits": lawsuits}

    def event_rows(self, event: Event, ctx: Context) -> Rows:
        env = event.envelope
        rows: Rows = {}
        raw = env.get("override")
        items = [raw] if isinstance(raw, Mapping) else raw if isinstance(raw, list) else []
        overrides = [
            (event.stream, event.version, i, event.type, str(o.get("rule") or ""), o.get("justification"),
             o.get("authorized_by"), env.get("at"), env.get("recorded_at"), env.get("by"))
            for i, o in enumerate(items) if isinstance(o, Mapping)
        ]
        if overrides:
            rows["proj_overrides"] = overrides
        if env.get("backfilled") is True:
            gap = None
            try:
                at = datetime.fromisoformat(str(env.get("at")).replace("Z", "+00:00"))
                recorded = datetime.fromisoformat(str(env.get("recorded_at")).replace("Z", "+00:00"))
                gap = days_between(at, recorded)
            except ValueError:
                pass
            signer = env.get("signer")
            rows["proj_backfills"] = [(
                event.stream, event.version, event.type, env.get("at"), env.get("recorded_at"), gap,
                signer.get("id") if isinstance(signer, Mapping) else None, env.get("by"),
            )]
        return rows


# --------------------------------------------------------------------------- statistics


class Statistics(Projection):
    name = "statistics"
    title = "执法统计（年度）"
    groups = True
    tables = (
        Table("stat_facts", (("grp", T), ("agency", T), ("year", N), ("metric", T), ("value", N)),
              ("grp", "agency", "year", "metric"), indexes=(("agency", "year"),)),
        Table("proj_statistics", (("agency", T), ("year", N), ("metric", T), ("value", N)),
              ("agency", "year", "metric"), scope="custom"),
    )

    def group_rows(self, key: str, group: Group, ctx: Context) -> Rows:
        return {"stat_facts": [(key, *f) for f in facts(group, ctx.calendar)]}

    def write(self, db: Database, cur: Any, suffix: str, groups: Sequence[str], streams: Sequence[str],
              rows: Rows) -> None:
        facts_table = db.qualify("stat_facts" + suffix)
        totals = db.qualify("proj_statistics" + suffix)
        keys: set[tuple[str, int]] = set()
        for start in range(0, len(groups), 500):
            chunk = list(groups[start : start + 500])
            marks = ",".join(["?"] * len(chunk))
            cur.execute(db.q(f"SELECT DISTINCT agency, year FROM {facts_table} WHERE grp IN ({marks})"), chunk)
            keys |= {(str(a), int(y)) for a, y in cur.fetchall()}
        keys |= {(str(r[1]), int(r[2])) for r in rows.get("stat_facts", [])}
        super().write(db, cur, suffix, groups, streams, rows)
        ordered = sorted(keys)
        if ordered:
            cur.executemany(db.q(f"DELETE FROM {totals} WHERE agency = ? AND year = ?"), ordered)
            cur.executemany(db.q(
                f"INSERT INTO {totals} (agency, year, metric, value) SELECT agency, year, metric, SUM(value) "
                f"FROM {facts_table} WHERE agency = ? AND year = ? GROUP BY agency, year, metric"), ordered)


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
        ), ("grp", "version"), indexes=(("agency",), ("max_until",)), public=True),
        Table("pub_withdrawals", (
            ("grp", T), ("version", N), ("decision_version", N), ("document_no", T), ("agency", T),
            ("withdrawn_at", T), ("withdrawn_on", T), ("reason", T), ("explanation", T),
        ), ("grp", "version"), public=True),
    )

    def group_rows(self, key: str, group: Group, ctx: Context) -> Rows:
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


ALL: Final[tuple[Projection, ...]] = (CaseFiles(), Records(), Registers(), Statistics(), Disclosure(), Registry())
"""Every projection, in the order status lists them."""


def by_name(name: str) -> Projection:
    for projection in ALL:
        if projection.name == name:
            return projection
    names = "、".join(p.name for p in ALL)
    raise KeyError(f"没有名为 {name} 的投影（可用：{names}）")
