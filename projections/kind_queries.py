"""Reading the licence and complaint read models: files, registers, warnings, public licence entries.

As in :mod:`projections.queries`, what depends on the day asked — a deadline's state, a warning's
colour, whether a licence is still valid or has been ended by a later 撤回/撤销/注销 (PUB-07, PUB-04
extended) — is computed here from stored dates and ``as_of``, never stored.

Complaints are read three ways, each from its own tables (``projections.complaint_tables``): the
public view (every reader), the agency view (adds ``proj_complaint_shared`` for that agency only) and
the bureau's supervisors (adds ``proj_complainants``). Nothing here is public but
:func:`public_licence_entries`, which reads ``pub_*`` tables only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Final, Protocol

import orjson

from domain.calendar import WorkingCalendar
from domain.config import Config
from projections.base import catalogue_rows
from projections.labels import (
    DISCLOSURE_KIND_LABELS,
    LICENCE_DECISION_LABELS,
    LICENCE_ENDINGS,
    STAGES,
    STEP_STAGE,
    WARNING_LABELS,
    deadline_label,
    step_label,
)
from projections.queries import DecisionSearch, escape_like, rows_of, state_on, words
from projections.sql import Database

__all__ = [
    "LICENCE_TEXT",
    "FileWarning",
    "LicenceSearch",
    "Reader",
    "complaint_file",
    "complaint_register",
    "ending_reason",
    "ending_withdrawals",
    "file_warnings",
    "labelled_timeline",
    "licence_file",
    "licence_history",
    "licences",
    "public_licence",
    "public_licence_entries",
    "shown_licences",
]

LICENCE_TEXT: Final = ("document_no", "party_name", "party_credit_code", "licence_no", "text")
"""The columns of ``pub_licences`` the public search reads (as ``DecisionSearch`` reads a decision's)."""
_ENDINGS_SQL: Final = "(" + ", ".join(f"'{e}'" for e in sorted(LICENCE_ENDINGS)) + ")"


def labelled_timeline(lines: Sequence[Sequence[Any]], stream: str) -> list[dict[str, Any]]:
    return [{"stream": stream, "version": v, "type": kind, "label": step_label(kind, stream),
             "stage": STAGES.get(STEP_STAGE.get(kind, ""), ""), "at": at, "recorded_at": recorded, "by": by,
             "backfilled": backfilled, "overrides": overrides}
            for v, kind, at, recorded, by, backfilled, overrides in lines]


def _deadlines(db: Database, table: str, grp: str, as_of: date, calendar: WorkingCalendar,
               soon: int) -> list[dict[str, Any]]:
    found = rows_of(db, f"SELECT stream, key, rule, title, agency, start_on, due_on, provisional, known_until, "
                        f"done_on, holder FROM {db.qualify(table)} WHERE grp = ? ORDER BY start_on, key", (grp,))
    for row in found:
        row["state"] = state_on(row, as_of, calendar, soon)
        row["state_label"] = deadline_label(row["state"], row.get("holder"))
    return found


def _file(row: dict[str, Any]) -> dict[str, Any]:
    """A file row with its JSON document opened (timeline labelled)."""
    out = dict(row)
    document = orjson.loads(out.pop("file") or b"{}")
    out.update({k: v for k, v in document.items() if k != "timeline"})
    out["timeline"] = labelled_timeline(document.get("timeline") or [], out["grp"])
    if "catalogue" in document:
        out["catalogue"] = catalogue_rows(document["catalogue"])
    return out


# --------------------------------------------------------------------------- licences


def licence_file(db: Database, stream: str, *, as_of: date, calendar: WorkingCalendar,
                 config: Config) -> dict[str, Any] | None:
    """One licence file as a reviewer opens it: the file, its 卷内目录, timeline, deadlines with
    their state on ``as_of``, and the life of its licence (:func:`licence_history`)."""
    found = rows_of(db, f"SELECT * FROM {db.qualify('proj_licences')} WHERE grp = ?", (stream,))
    if not found:
        return None
    out = _file(found[0])
    out["deadlines"] = _deadlines(db, "proj_licence_deadlines", stream, as_of, calendar, config.warnings.yellow_wd)
    out["licence"] = licence_history(db, as_of=as_of, licence_no=out.get("licence_no") or
                                     out.get("concerns_licence_no"), stream=out.get("concerns_stream") or stream)
    out["as_of"] = as_of.isoformat()
    return out


def licence_history(db: Database, *, as_of: date, licence_no: str | None = None,
                    stream: str | None = None) -> dict[str, Any]:
    """A licence from grant through change and renewal to 撤回/撤销/注销: every file that issued it or
    names it (by number, or by the stream that granted it), oldest first, and its state on
    ``as_of``: ``valid``, ``expired``, an ending (``LicenceRevoked`` …) in force, or ``pending``."""
    table = db.qualify("proj_licence_register")
    streams = {stream} if stream else set()
    if licence_no:
        streams |= {str(r["licence_stream"]) for r in rows_of(
            db, f"SELECT DISTINCT licence_stream FROM {table} WHERE licence_no = ?", (licence_no,))}
    marks = ",".join("?" * len(streams))
    clauses = [f"licence_stream IN ({marks})", f"grp IN ({marks})"] if streams else []
    params: list[Any] = [*sorted(streams), *sorted(streams)]
    if licence_no:
        clauses.append("licence_no = ?")
        params.append(licence_no)
    events = rows_of(db, f"SELECT * FROM {table} WHERE {' OR '.join(clauses)} "
                         "ORDER BY COALESCE(decided_on, '9999'), grp", params) if clauses else []
    day = as_of.isoformat()
    state, label = "pending", "办理中"
    for event in events:
        kind, effective = event["event"], event.get("effective_on") or event.get("decided_on")
        if kind in LICENCE_ENDINGS and effective and effective <= day:
            state, label = kind, LICENCE_DECISION_LABELS[kind].replace("行政许可", "") + "（已终止）"
        elif kind == "LicenceGranted" and state not in LICENCE_ENDINGS:
            valid_to = event.get("valid_to")
            state, label = ("expired", "已过有效期") if valid_to and valid_to < day else ("valid", "有效")
    numbers = sorted({str(e["licence_no"]) for e in events if e.get("licence_no")})
    return {"licence_no": licence_no or (numbers[0] if numbers else None), "numbers": numbers, "state": state,
            "state_label": label, "events": events, "as_of": day}


@dataclass(frozen=True)
class LicenceSearch:
    """The licence list's filters: equalities on ``proj_licences`` and words in the number, the
    document number, the licence number or the holder's name."""

    agency: str = ""
    status: str = ""
    decision: str = ""
    item: str = ""
    licence_no: str = ""
    text: str = ""

    def where(self) -> tuple[list[str], list[Any]]:
        out: list[str] = []
        params: list[Any] = []
        for column, value in (("agency", self.agency), ("status", self.status), ("decision", self.decision),
                              ("item", self.item)):
            if value:
                out.append(f"{column} = ?")
                params.append(value)
        if self.licence_no:
            out.append("(licence_no = ? OR concerns_licence_no = ?)")
            params += [self.licence_no, self.licence_no]
        for word in words(self.text):
            like = f"%{escape_like(word)}%"
            out.append("(" + " OR ".join(f"{c} LIKE ? ESCAPE '\\'" for c in (
                "grp", "document_no", "licence_no", "holder_name")) + ")")
            params += [like] * 4
        return out, params


_LIST: Final = ("grp", "number", "kind", "agency", "item", "application", "action", "holder_kind", "holder_name",
                "holder_credit_code", "status", "status_label", "received_on", "accepted_on", "decision",
                "decision_label", "document_no", "decided_on", "valid_from", "valid_to", "licence_no", "issued_on",
                "concerns_stream", "concerns_licence_no", "closed_on", "archived_on", "events")


def licences(db: Database, search: LicenceSearch, *, agencies: Sequence[str] | None, cursor: str | None,
             limit: int) -> tuple[list[dict[str, Any]], str | None]:
    """A page of licence files (``agencies`` None: all), by stream; and the next page's cursor."""
    where, params = search.where()
    if agencies is not None:
        if not agencies:
            return [], None
        where.append(f"agency IN ({','.join('?' * len(agencies))})")
        params += list(agencies)
    if cursor is not None:
        where.append("grp > ?")
        params.append(cursor)
    sql = (f"SELECT {', '.join(_LIST)} FROM {db.qualify('proj_licences')}"
           + (f" WHERE {' AND '.join(where)}" if where else "") + " ORDER BY grp LIMIT ?")
    found = rows_of(db, sql, [*params, limit + 1])
    more = len(found) > limit
    found = found[:limit]
    return found, (found[-1]["grp"] if more and found else None)


# --------------------------------------------------------------------------- warnings


@dataclass(frozen=True)
class FileWarning:
    """A running deadline of a licence or complaint file at risk on ``as_of`` (yellow or red)."""

    colour: str
    state: str
    file: str
    key: str
    rule: str
    title: str
    agency: str | None
    start_on: str
    due_on: str

    def as_json(self) -> dict[str, Any]:
        return {"colour": self.colour, "colour_label": WARNING_LABELS[self.colour], "state": self.state,
                "file": self.file, "key": self.key, "rule": self.rule, "title": self.title, "agency": self.agency,
                "start_on": self.start_on, "due_on": self.due_on}


def file_warnings(db: Database, table: str, as_of: date, *, groups: Sequence[str] | None, calendar: WorkingCalendar,
                  soon_days: int) -> list[FileWarning]:
    """The agency's running deadlines of ``table`` (``proj_licence_deadlines``, ``proj_complaint_deadlines``)
    that are red (missed) or yellow (due within ``soon_days`` WD) on ``as_of``, for ``groups`` (None: all)."""
    horizon = (as_of + timedelta(days=30 + 3 * soon_days)).isoformat()
    sql = (f"SELECT grp, key, rule, title, agency, start_on, due_on, provisional, known_until, done_on "
           f"FROM {db.qualify(table)} WHERE done_on IS NULL AND holder = 'agency' AND due_on <= ?")
    params: list[Any] = [horizon]
    if groups is not None:
        if not groups:
            return []
        sql += f" AND grp IN ({','.join('?' * len(groups))})"
        params += list(groups)
    out = []
    for row in rows_of(db, sql + " ORDER BY due_on, grp, key", params):
        state = state_on(row, as_of, calendar, soon_days)
        colour = {"missed": "red", "due_soon": "yellow"}.get(state)
        if colour is not None:
            out.append(FileWarning(colour, state, row["grp"], row["key"], row["rule"], row["title"], row["agency"],
                                   row["start_on"], row["due_on"]))
    out.sort(key=lambda w: (w.colour != "red", w.due_on, w.file, w.key))
    return out


# --------------------------------------------------------------------------- complaints


def complaint_file(db: Database, stream: str, *, as_of: date, calendar: WorkingCalendar, config: Config,
                   complainant: bool = False, agency: str | None = None) -> dict[str, Any] | None:
    """One complaint file: the public view, with ``complainant`` (the bureau's supervisors) the
    complainant and their words, with ``agency`` what ``agency_view(agency)`` adds (a 投诉's
    complainant shared with that agency; never a 检举/举报's)."""
    found = rows_of(db, f"SELECT * FROM {db.qualify('proj_complaints')} WHERE grp = ?", (stream,))
    if not found:
        return None
    out = _file(found[0])
    out["against_officers"] = orjson.loads(out.get("against_officers") or b"[]")
    out["deadlines"] = _deadlines(db, "proj_complaint_deadlines", stream, as_of, calendar,
                                  config.warnings.yellow_wd)
    out["as_of"] = as_of.isoformat()
    if complainant:
        private = rows_of(db, f"SELECT * FROM {db.qualify('proj_complainants')} WHERE grp = ?", (stream,))
        who = {k: v for k, v in private[0].items() if k not in ("grp", "bureau", "nature")} if private else None
        if who is not None:
            who["requests"] = orjson.loads(who.get("requests") or b"[]")
        out["complainant"] = who
    elif agency is not None:
        shared = rows_of(db, f"SELECT party_kind, name, phone, address, contact FROM "
                             f"{db.qualify('proj_complaint_shared')} WHERE grp = ? AND agency = ?", (stream, agency))
        out["complainant"] = shared[0] if shared else None
    return out


_REGISTER: Final = ("grp", "number", "bureau", "channel", "nature", "anonymous", "against_agency", "against_stream",
                    "status", "status_label", "concluded", "received_on", "decided_on", "accepted_on",
                    "not_accepted_on", "outcome", "supervision", "answered_on", "closed_on", "archived_on")


def complaint_register(db: Database, as_of: date, *, bureaus: Sequence[str] | None, calendar: WorkingCalendar,
                       config: Config, status: str | None = None, soon_days: int | None = None
                       ) -> dict[str, Any]:
    """The supervisors' register of complaints (public-view columns only), each with its deadlines'
    states on ``as_of``, and the warnings: acceptance (CMP-02, 5 WD) and answer (CMP-06, 30 ND and
    its extensions) due soon (yellow) or missed (red)."""
    soon = soon_days if soon_days is not None else config.warnings.yellow_wd
    where, params = [], []
    if bureaus is not None:
        if not bureaus:
            return {"as_of": as_of.isoformat(), "complaints": [], "warnings": []}
        where.append(f"bureau IN ({','.join('?' * len(bureaus))})")
        params += list(bureaus)
    if status:
        where.append("status = ?")
        params.append(status)
    found = rows_of(db, f"SELECT {', '.join(_REGISTER)} FROM {db.qualify('proj_complaints')}"
                        + (f" WHERE {' AND '.join(where)}" if where else "") + " ORDER BY received_on, grp", params)
    for row in found:
        row["deadlines"] = _deadlines(db, "proj_complaint_deadlines", row["grp"], as_of, calendar, soon)
    warned = file_warnings(db, "proj_complaint_deadlines", as_of, groups=[r["grp"] for r in found],
                           calendar=calendar, soon_days=soon)
    return {"as_of": as_of.isoformat(), "complaints": found, "warnings": [w.as_json() for w in warned]}


# --------------------------------------------------------------------------- public


class Reader(Protocol):
    """What the public list reads through (``api.server.readmodels.ReadModels``): rows of a query and
    the physical name of a table."""

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]: ...

    def table(self, name: str) -> str: ...


_PUBLIC: Final = ("grp", "version", "document_no", "agency", "item", "decision", "decision_label", "application",
                  "party_kind", "party_name", "party_credit_code", "licence_no", "valid_from", "valid_to",
                  "decided_on", "published_at", "published_on", "channel", "url", "text", "corrected_at")
_ENDED_BY = ("SELECT 1 FROM {endings} e WHERE e.grp <> l.grp AND e.effective_on <= ? AND "
             "(e.licence_stream = l.grp OR (l.licence_no IS NOT NULL AND e.licence_no = l.licence_no))")


def public_licence_entries(reader: Reader, as_of: date, *, agency: str | None, cursor: Sequence[Any] | None,
                           limit: int, search: DecisionSearch | None = None
                           ) -> list[tuple[str, dict[str, Any]]]:
    """The licence entries of the public disclosure list on ``as_of``, keyed by instant for merging
    with the penalty entries (``api.server.routes_public.disclosures``), at most ``limit + 1``:

    * ``licence`` (行政许可): a published licence decision, not withdrawn, its licence still valid and
      not ended by a later 撤回/撤销/注销 in force on ``as_of`` (PUB-04 extended, PUB-07);
    * ``licence_withdrawal``: the stream's own ``PublicationWithdrawn``, and each 撤回/撤销/注销 that
      takes a published licence off the list (one entry per ending)."""
    day = as_of.isoformat()
    licences_t, endings_t = reader.table("pub_licences"), reader.table("pub_licence_endings")
    where_l, params_l = shown_licences(endings_t, as_of)
    if search is not None and search.active:
        found, values = search.where("l.", LICENCE_TEXT)
        where_l += found
        params_l += values
    where_w, params_w = ["withdrawn_on <= ?"], [day]
    where_e, params_e = ending_withdrawals(licences_t, as_of)
    if agency is not None:
        for where, params, alias in ((where_l, params_l, "l."), (where_w, params_w, ""), (where_e, params_e, "e.")):
            where.append(f"{alias}agency = ?")
            params.append(agency)
    if cursor is not None:
        at, grp, version = cursor
        for where, params, alias, key in ((where_l, params_l, "l.", "published_utc"),
                                          (where_w, params_w, "", "withdrawn_utc"),
                                          (where_e, params_e, "e.", "decided_utc")):
            where.append(f"({alias}{key} < ? OR ({alias}{key} = ? AND ({alias}grp < ? OR ({alias}grp = ? AND "
                         f"{alias}version < ?))))")
            params += [at, at, grp, grp, version]
    shown = reader.rows(f"SELECT {', '.join('l.' + c for c in _PUBLIC)}, l.published_utc FROM {licences_t} l "
                        f"WHERE {' AND '.join(where_l)} ORDER BY l.published_utc DESC, l.grp DESC, l.version DESC "
                        "LIMIT ?", [*params_l, limit + 1])
    keyed = [(r.pop("published_utc") or "", _licence_entry(r)) for r in shown]
    if search is not None and search.active:
        return keyed
    own = reader.rows("SELECT grp, version, decision_version, document_no, agency, withdrawn_at, withdrawn_on, "
                      f"reason, explanation, withdrawn_utc FROM {reader.table('pub_licence_withdrawals')} "
                      f"WHERE {' AND '.join(where_w)} ORDER BY withdrawn_utc DESC, grp DESC, version DESC LIMIT ?",
                  [*params_w, limit + 1])
    keyed += [(r.pop("withdrawn_utc") or "", _withdrawal_entry(r)) for r in own]
    ended = reader.rows(f"SELECT e.grp, e.version, e.action, e.action_label, e.licence_no, e.agency, e.document_no, "
                        f"e.effective_on, e.decided_utc FROM {endings_t} e WHERE {' AND '.join(where_e)} "
                        "ORDER BY e.decided_utc DESC, e.grp DESC, e.version DESC LIMIT ?", [*params_e, limit + 1])
    keyed += [(r["decided_utc"] or "", _ending_entry(r)) for r in ended]
    return keyed


def shown_licences(endings_t: str, as_of: date) -> tuple[list[str], list[Any]]:
    """The conditions (over ``pub_licences l``) of a licensing decision shown on ``as_of``: published,
    not withdrawn, its licence still valid and not ended by a later 撤回/撤销/注销 in force (PUB-07)."""
    day = as_of.isoformat()
    ended_by = _ENDED_BY.format(endings=endings_t)
    return (["l.status = 'published'", "l.published_on <= ?", "(l.valid_to IS NULL OR l.valid_to >= ?)",
             f"(l.decision IN {_ENDINGS_SQL} OR NOT EXISTS ({ended_by}))"], [day, day, day])


def ending_withdrawals(licences_t: str, as_of: date) -> tuple[list[str], list[Any]]:
    """The conditions (over ``pub_licence_endings e``) of a 撤回/撤销/注销 in force on ``as_of`` that takes
    a published grant off the public list (PUB-07)."""
    return (["e.effective_on <= ?", f"EXISTS (SELECT 1 FROM {licences_t} l WHERE l.status = 'published' AND "
             f"l.grp <> e.grp AND l.decision NOT IN {_ENDINGS_SQL} AND (e.licence_stream = l.grp OR "
             "(l.licence_no IS NOT NULL AND e.licence_no = l.licence_no)))"], [as_of.isoformat()])


def ending_reason(licence_no: str | None, action_label: str) -> str:
    """Why a 撤回/撤销/注销 takes a grant's publication off the list, as the public reads it."""
    return f"许可{licence_no or ''}已{action_label.removesuffix('行政许可')}，原准予许可公示撤下（PUB-07）"


def _licence_entry(row: dict[str, Any]) -> dict[str, Any]:
    grp = row.pop("grp")
    return {"kind": "licence", "label": DISCLOSURE_KIND_LABELS["licence"], "id": f"{grp}@{row['version']}",
            "case": grp, "at": row.get("published_at"), **row}


def _withdrawal_entry(row: dict[str, Any]) -> dict[str, Any]:
    grp = row.pop("grp")
    return {"kind": "licence_withdrawal", "label": DISCLOSURE_KIND_LABELS["licence_withdrawal"],
            "id": f"{grp}@{row['version']}", "case": grp, "at": row.get("withdrawn_at"), **row}


def _ending_entry(row: dict[str, Any]) -> dict[str, Any]:
    grp = row.pop("grp")
    number = row.get("licence_no") or ""
    return {"kind": "licence_withdrawal", "label": DISCLOSURE_KIND_LABELS["licence_withdrawal"],
            "id": f"{grp}@{row['version']}", "case": grp, "version": row["version"], "at": row.pop("decided_utc"),
            "document_no": row.get("document_no"), "agency": row.get("agency"), "withdrawn_on": row["effective_on"],
            "reason": ending_reason(number, row["action_label"]),
            "action": row["action"], "action_label": row["action_label"], "licence_no": row.get("licence_no")}


def public_licence(db: Database, stream: str, as_of: date) -> dict[str, Any] | None:
    """A licence stream's public rows (its published decisions as shown on ``as_of``, its own
    withdrawals) and whether a later 撤回/撤销/注销 ended it: the public page of a feed entry."""
    shown = rows_of(db, f"SELECT {', '.join(_PUBLIC)}, status FROM {db.qualify('pub_licences')} WHERE grp = ? "
                        "ORDER BY version", (stream,))
    if not shown:
        return None
    ended = rows_of(db, f"SELECT DISTINCT e.grp, e.version, e.action, e.action_label, e.document_no, e.effective_on "
                        f"FROM {db.qualify('pub_licence_endings')} e JOIN {db.qualify('pub_licences')} l ON "
                        "(e.licence_stream = l.grp OR (l.licence_no IS NOT NULL AND e.licence_no = l.licence_no)) "
                        "WHERE l.grp = ? AND e.grp <> l.grp AND e.effective_on <= ? ORDER BY e.effective_on",
                    (stream, as_of.isoformat()))
    return {"stream": stream, "as_of": as_of.isoformat(), "decisions": [_public_row(r) for r in shown],
            "ended_by": ended}


def _public_row(row: dict[str, Any]) -> dict[str, Any]:
    row.pop("grp", None)
    if row.get("status") != "published":
        row["text"] = None
    return row
