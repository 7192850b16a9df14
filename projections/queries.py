"""Reading the read models: a case file, warnings, statistics, the public feed.

Everything that depends on the day it is asked — a deadline's state, a warning's
colour, whether a publication is still shown (PUB-04's ``max_until``) — is computed
here from the stored dates and ``as_of``; nothing of it is ever stored. ``as_of`` is
always a parameter (the CLI's ``--as-of``, default today), so any answer can be
reproduced.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import orjson

from domain.calendar import Deadline as DueDate
from domain.calendar import HolidayNotice, WorkingCalendar
from domain.config import Config
from ledger.store import EventStore
from ledger.stored import decode
from projections.casefile import deadline_state
from projections.casefile.model import CATALOGUE_ITEMS, TimelineEntry
from projections.casefile.reading import timeline_entry, version_of
from projections.definitions import ALL
from projections.labels import STAGES, STEP_LABELS, STEP_STAGE, WARNING_LABELS, deadline_label
from projections.poison import POISON
from projections.sql import Database, in_lists
from projections.state import tracking_name
from projections.statistics import METRIC_LABELS, RATES, rates

__all__ = [
    "CaseSearch",
    "DeadlineWarning",
    "DecisionSearch",
    "calendar_of",
    "case_file",
    "group_timeline",
    "public_decisions",
    "public_tables",
    "rows_of",
    "state_on",
    "statistics",
    "warnings",
]


def public_tables() -> list[str]:
    """The tables that feed public surfaces (事前公开 and 事后公开): never personal data."""
    return [t.name for p in ALL for t in p.tables if t.public]


def calendar_of(store: EventStore) -> WorkingCalendar:
    """The working-day calendar with every ``HolidayNoticePublished`` the ledger holds."""
    db = Database(store)
    streams = db.streams_with_prefix("calendar/", db.head())
    notices = []
    for _, _, _, state in db.stream_events(streams, db.head()) if streams else []:
        envelope = decode(state)
        data = envelope.get("data")
        if envelope.get("type") == "HolidayNoticePublished" and isinstance(data, Mapping):
            try:
                notices.append(HolidayNotice.from_step_data(data))
            except ValueError:
                continue
    return WorkingCalendar.from_notices(notices)


def _rows(db: Database, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
    with db.read() as cur:
        cur.execute(db.q(sql), params)
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def rows_of(db: Database, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
    """The rows of a query as dicts (column name → value)."""
    return _rows(db, sql, params)


def state_on(row: Mapping[str, Any], as_of: date, calendar: WorkingCalendar, soon_days: int) -> str:
    """A stored deadline row's state on ``as_of`` (met, pending, due soon, missed, provisional, …)."""
    return _state(row, as_of, calendar, soon_days)


def _due(row: Mapping[str, Any]) -> DueDate:
    known = row.get("known_until")
    return DueDate(date.fromisoformat(row["due_on"]), bool(row.get("provisional")),
                   date.fromisoformat(known) if known else None)


def _state(row: Mapping[str, Any], as_of: date, calendar: WorkingCalendar, soon_days: int) -> str:
    done = row.get("done_on")
    return deadline_state(_due(row), date.fromisoformat(done) if done else None, row.get("holder") or "agency",
                          as_of, calendar, soon_days)


# --------------------------------------------------------------------------- case file


def case_file(
    db: Database, case: str, *, as_of: date, calendar: WorkingCalendar | None = None, config: Config | None = None,
) -> dict[str, Any] | None:
    """One case file as a reviewer opens it: the case, its 卷内目录 in order, its records,
    timeline, deadlines with their state on ``as_of``, and the 复议, lawsuits and legal reviews."""
    calendar = calendar or WorkingCalendar()
    soon = (config or Config()).warnings.yellow_wd
    found = _rows(db, f"SELECT * FROM {db.qualify('proj_cases')} WHERE grp = ?", (case,))
    if not found:
        return None
    out = dict(found[0])
    document = orjson.loads(out.pop("file") or b"{}")
    out["handlers"] = orjson.loads(out["handlers"] or b"[]")
    out["party"] = document.get("party")
    out["source"] = document.get("source")
    out["violation"] = document.get("violation")
    out["extensions"] = document.get("extensions") or []
    out["timeline"] = [
        {"stream": line.stream, "version": line.version, "type": line.type,
         "label": STEP_LABELS.get(line.type, line.type), "stage": STAGES.get(STEP_STAGE.get(line.type, ""), ""),
         "at": line.at_text, "recorded_at": line.recorded_at, "by": line.by, "backfilled": line.backfilled,
         "overrides": list(line.overrides)}
        for line in group_timeline(db, case)
    ]
    out["records"] = [
        {"stream": case, "version": version, "field": field, "step": step, "stage": stage,
         "stage_label": STAGES.get(stage, stage), "kind": kind, "title": title, "sha256": sha256, "bytes": size,
         "media_type": media_type, "officers": officers, "at": at}
        for version, field, step, stage, kind, title, sha256, size, media_type, officers, at in db.all(
            f"SELECT version, field, step, stage, kind, title, sha256, bytes, media_type, officers, at "
            f"FROM {db.qualify('proj_records')} WHERE grp = ? ORDER BY version, field", (case,))]
    out["catalogue"] = _catalogue(db, case, {(r["version"], r["field"]): r["sha256"] for r in out["records"]})
    deadlines = _rows(db, f"SELECT stream, key, rule, title, agency, start_on, due_on, provisional, known_until, "
                          f"done_on, holder FROM {db.qualify('proj_deadlines')} WHERE grp = ? ORDER BY start_on, key",
                      (case,))
    for row in deadlines:
        row["state"] = _state(row, as_of, calendar, soon)
        row["state_label"] = deadline_label(row["state"], row.get("holder"))
    out["deadlines"] = deadlines
    out["as_of"] = as_of.isoformat()
    for name, table in (("legal_reviews", "proj_legal_reviews"), ("reconsiderations", "proj_reconsiderations"),
                        ("lawsuits", "proj_lawsuits")):
        out[name] = _rows(db, f"SELECT * FROM {db.qualify(table)} WHERE grp = ?", (case,))
    return out


def _catalogue(db: Database, case: str, hashes: Mapping[tuple[int, str], str]) -> list[dict[str, Any]]:
    """The 卷内目录 rows of a case with what is not stored put back: the item's title (``CATALOGUE_ITEMS``),
    an entry's title where it is the item's, a file's hash (its record's, by version and field)."""
    return [
        {"volume": volume, "seq": seq, "item": item, "item_title": CATALOGUE_ITEMS.get(item, ""),
         "title": CATALOGUE_ITEMS.get(item, "") if title is None else title, "version": version, "on_date": on_date,
         "sha256": None if field is None else hashes.get((version, field)), "paginated": paginated}
        for volume, seq, item, title, version, on_date, field, paginated in db.all(
            f"SELECT volume, seq, item, title, version, on_date, field, paginated "
            f"FROM {db.qualify('proj_case_catalogue')} WHERE grp = ? ORDER BY volume, seq", (case,))]


def group_timeline(db: Database, case: str) -> list[TimelineEntry]:
    """The timeline of a case group read from the ledger, not stored: every event of the case stream,
    then of the 复议 and then the lawsuits that target it (``proj_links``), each stream in version order,
    up to the events the ``casefiles`` projection has applied and without those it parked, so it is
    the timeline of the file the case's rows were written from (``timeline_entry``, as the fold has it)."""
    with db.read() as cur:
        upto = db.tracked(cur, tracking_name("casefiles"))
    linked = {str(r[0]) for r in db.all(f"SELECT stream FROM {db.qualify('proj_links')} WHERE grp = ? AND nid <= ?",
                                        (case, upto))} - {case}
    streams = [case, *sorted(s for s in linked if s.startswith("review/")),
               *sorted(s for s in linked if s.startswith("litigation/"))]
    parked = set()
    for sql, chunk in in_lists(f"SELECT nid FROM {db.qualify(POISON.name)} WHERE source = 'projections' "
                               "AND stream IN ({in})", streams):
        parked |= {int(r[0]) for r in db.all(sql, chunk)}
    events: dict[str, list[tuple[int, bytes]]] = {s: [] for s in streams}
    for nid, stream, version, state in db.stream_events(streams, upto) if upto else []:
        if nid not in parked:
            events[stream].append((version, state))
    out: list[TimelineEntry] = []
    for stream in streams:
        for position, (_, state) in enumerate(sorted(events[stream])):
            try:
                envelope = decode(state)
            except ValueError:
                continue  # undecodable bytes: the runner parked the event
            out.append(timeline_entry(stream, envelope, version_of(envelope, position)))
    return out


# --------------------------------------------------------------------------- warnings


@dataclass(frozen=True)
class DeadlineWarning:
    """A running deadline at risk on ``as_of``: yellow (due within N working days) or red (missed)."""

    colour: str
    state: str
    case: str
    stream: str
    key: str
    rule: str
    title: str
    agency: str | None
    due_on: str
    start_on: str
    officers: tuple[str, ...]

    def as_json(self) -> dict[str, Any]:
        return {"colour": self.colour, "colour_label": WARNING_LABELS[self.colour], "state": self.state,
                "case": self.case, "stream": self.stream, "key": self.key, "rule": self.rule, "title": self.title,
                "agency": self.agency, "due_on": self.due_on, "start_on": self.start_on,
                "officers": list(self.officers)}


def warnings(
    db: Database,
    as_of: date,
    *,
    agency: str | None = None,
    officer: str | None = None,
    calendar: WorkingCalendar | None = None,
    soon_days: int | None = None,
    config: Config | None = None,
    include_provisional: bool = False,
) -> list[DeadlineWarning]:
    """Every running deadline that is red (missed) or yellow (due within ``soon_days`` WD, default
    ``warnings.yellow_wd`` = 3) on ``as_of``, per agency or officer: a query, never a stored colour."""
    calendar = calendar or WorkingCalendar()
    soon = soon_days if soon_days is not None else (config or Config()).warnings.yellow_wd
    horizon = (as_of + timedelta(days=30 + 3 * soon)).isoformat()  # wide enough for any holiday block
    sql = (f"SELECT d.grp, d.stream, d.key, d.rule, d.title, d.agency, d.start_on, d.due_on, d.provisional, "
           f"d.known_until, d.done_on FROM {db.qualify('proj_deadlines')} d WHERE d.done_on IS NULL "
           "AND d.holder = 'agency' AND d.due_on <= ?")
    params: list[Any] = [horizon]
    if agency is not None:
        sql += f" AND (d.agency = ? OR (d.agency IS NULL AND d.grp IN (SELECT grp FROM {db.qualify('proj_cases')} " \
               "WHERE agency = ?)))"
        params += [agency, agency]
    if officer is not None:
        sql += f" AND d.grp IN (SELECT grp FROM {db.qualify('proj_case_officers')} WHERE officer = ? " \
               "AND role IN ('handler', 'staff'))"
        params.append(officer)
    rows = _rows(db, sql + " ORDER BY d.due_on, d.grp, d.key", params)
    officers: dict[str, tuple[str, ...]] = {}
    groups = sorted({r["grp"] for r in rows})
    for stmt, chunk in in_lists(f"SELECT grp, officer FROM {db.qualify('proj_case_officers')} WHERE grp IN ({{in}}) "
                                "AND role IN ('handler', 'staff') ORDER BY grp, officer", groups):
        for row in _rows(db, stmt, chunk):
            officers[row["grp"]] = (*officers.get(row["grp"], ()), row["officer"])
    out = []
    for row in rows:
        state = _state(row, as_of, calendar, soon)
        colour = {"missed": "red", "due_soon": "yellow"}.get(state)
        if colour is None and state == "provisional" and include_provisional:
            colour = "provisional"
        if colour is None:
            continue
        out.append(DeadlineWarning(colour, state, row["grp"], row["stream"], row["key"], row["rule"], row["title"],
                           row["agency"], row["due_on"], row["start_on"], officers.get(row["grp"], ())))
    out.sort(key=lambda w: (w.colour != "red", w.due_on, w.case, w.key))
    return out


# --------------------------------------------------------------------------- statistics


def statistics(db: Database, *, agency: str | None = None, year: int | None = None) -> list[dict[str, Any]]:
    """Per agency and year: every count (with its Chinese label) and the rates (纠错率, 出庭率, 公开及时率)."""
    sql = f"SELECT agency, year, metric, value FROM {db.qualify('proj_statistics')} WHERE 1 = 1"
    params: list[Any] = []
    if agency is not None:
        sql += " AND agency = ?"
        params.append(agency)
    if year is not None:
        sql += " AND year = ?"
        params.append(year)
    grouped: dict[tuple[str, int], dict[str, int]] = {}
    for row in _rows(db, sql + " ORDER BY agency, year, metric", params):
        grouped.setdefault((row["agency"], int(row["year"])), {})[row["metric"]] = int(row["value"])
    out = []
    for (who, when), counts in sorted(grouped.items()):
        labelled = {m: {"value": v, "label": METRIC_LABELS.get(m) or _step_metric_label(m)} for m, v in counts.items()}
        computed = rates(counts)
        out.append({
            "agency": who or None, "year": when, "counts": labelled,
            "rates": {k: {"value": v, "label": RATES[k][0]} for k, v in computed.items()},
        })
    return out


def _step_metric_label(metric: str) -> str:
    from projections.labels import OUTCOME_LABELS, PENALTY_LABELS, REVIEW_DECISION_LABELS, STEP_LABELS

    head, _, tail = metric.partition(".")
    if head == "steps":
        return f"步骤：{STEP_LABELS.get(tail, tail)}"
    if head == "outcomes":
        return f"决定：{OUTCOME_LABELS.get(tail, tail)}"
    if head == "penalties":
        return f"处罚种类：{PENALTY_LABELS.get(tail, tail)}"
    if head in ("reconsideration", "litigation"):
        return f"{'复议' if head == 'reconsideration' else '诉讼'}结果：{REVIEW_DECISION_LABELS.get(tail, tail)}"
    if head == "cases":
        return f"案件：{tail}"
    return metric


# --------------------------------------------------------------------------- public feed


def public_decisions(db: Database, as_of: date, *, agency: str | None = None) -> list[dict[str, Any]]:
    """The decisions the public may see on ``as_of``: published, not withdrawn, before ``max_until`` (PUB-04)."""
    sql = (f"SELECT * FROM {db.qualify('pub_decisions')} WHERE status = 'published' AND max_until > ? "
           "AND published_on <= ?")
    params: list[Any] = [as_of.isoformat(), as_of.isoformat()]
    if agency is not None:
        sql += " AND agency = ?"
        params.append(agency)
    return _rows(db, sql + " ORDER BY published_on DESC, grp", params)


# --------------------------------------------------------------------------- searches


def escape_like(text: str) -> str:
    """``text`` as a literal inside a ``LIKE … ESCAPE '\\'`` pattern (at most 100 characters)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")[:100]


def words(text: str, most: int = 8) -> list[str]:
    """The words of a search box (split on any space, full-width too), at most ``most``."""
    return [w for w in text.replace("\u3000", " ").split() if w][:most]


_DECISION_TEXT = ("document_no", "party_name", "party_credit_code", "violation", "text")


@dataclass(frozen=True)
class DecisionSearch:
    """The public search of disclosed decisions (``pub_decisions``), for the pages and the API alike.

    Every word of ``text`` must appear (Latin letters in either case, on both dialects) in the
    document number, the party's name, the organisation's 统一社会信用代码, the violation or the
    published text; ``credit_code`` matches an organisation's code exactly; ``since``/``until``
    bound the decision's day. Only public columns are searched: a natural person's ID number is
    never stored there (``projections.disclosure``), so no search can find a person by it."""

    text: str = ""
    credit_code: str = ""
    since: date | None = None
    until: date | None = None

    @property
    def active(self) -> bool:
        return bool(words(self.text) or self.credit_code.strip() or self.since or self.until)

    def where(self, alias: str = "", columns: Sequence[str] = _DECISION_TEXT) -> tuple[list[str], list[Any]]:
        """SQL conditions (to be joined by ``AND``) and their parameters; ``columns`` are the text
        columns searched (a licence row's differ: ``projections.kind_queries.LICENCE_TEXT``)."""
        out: list[str] = []
        params: list[Any] = []
        for word in words(self.text):
            like = f"%{escape_like(word)}%"
            out.append("(" + " OR ".join(f"UPPER({alias}{c}) LIKE UPPER(?) ESCAPE '\\'" for c in columns)
                       + ")")
            params += [like] * len(columns)
        code = self.credit_code.strip().upper()
        if code:
            out.append(f"{alias}party_kind = 'organisation' AND {alias}party_credit_code = ?")
            params.append(code)
        if self.since is not None:
            out.append(f"{alias}decided_on >= ?")
            params.append(self.since.isoformat())
        if self.until is not None:
            out.append(f"{alias}decided_on <= ?")
            params.append(self.until.isoformat())
        return out, params


@dataclass(frozen=True)
class CaseSearch:
    """The case list's filters, in one place for the pages, their exports and ``GET /v1/cases``.

    ``text``: every word in the case number, the decision's document number or the party's name;
    ``since``/``until``: the day the case was registered (or, not yet registered, its source was
    recorded) — the day the list is ordered by; ``officer``: a handler, participant or staff of
    the case (``proj_case_officers``); the rest are equalities on ``proj_cases``."""

    text: str = ""
    agency: str = ""
    status: str = ""
    procedure: str = ""
    outcome: str = ""
    item: str = ""
    officer: str = ""
    since: date | None = None
    until: date | None = None

    def where(self, db: Database, alias: str = "") -> tuple[list[str], list[Any]]:
        """SQL conditions on ``proj_cases`` (as ``alias``) to be joined by ``AND``, and their parameters."""
        out: list[str] = []
        params: list[Any] = []
        for column, value in (("agency", self.agency), ("status", self.status), ("procedure", self.procedure),
                              ("outcome", self.outcome), ("item", self.item)):
            if value:
                out.append(f"{alias}{column} = ?")
                params.append(value)
        for word in words(self.text):
            like = f"%{escape_like(word)}%"
            out.append(f"({alias}grp LIKE ? ESCAPE '\\' OR {alias}document_no LIKE ? ESCAPE '\\' "
                       f"OR {alias}party_name LIKE ? ESCAPE '\\')")
            params += [like, like, like]
        day = f"COALESCE({alias}registered_on, {alias}source_on)"
        if self.since is not None:
            out.append(f"{day} >= ?")
            params.append(self.since.isoformat())
        if self.until is not None:
            out.append(f"{day} <= ?")
            params.append(self.until.isoformat())
        if self.officer:
            out.append(f"{alias}grp IN (SELECT grp FROM {db.qualify('proj_case_officers')} WHERE officer = ?)")
            params.append(self.officer)
        return out, params
