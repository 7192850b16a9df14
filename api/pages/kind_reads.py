"""What the licence, complaint and public licensing pages read: queries over their read models.

Why beside :mod:`api.pages.reads`: the licence and complaint files have tables of their own
(``proj_licences``, ``proj_complaints`` …, :mod:`projections.kind_queries` reads them for the API);
the pages add what the API's lists do not have — a page number, the grade of the stored evaluation
(``audit_evaluations``) beside each file, the warning colour of its deadlines on ``as_of`` — and the
public list that shows licensing decisions next to penalty decisions (one ordered, paged list).
Nothing here decides who reads what: the routes do, with :class:`~api.server.access.Access`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from api.pages.reads import AUDIT_TABLE, PAGE_SIZE, Page, Reads
from projections import kind_queries
from projections.labels import DISCLOSURE_KIND_LABELS, IN_PROGRESS
from projections.queries import DecisionSearch

__all__ = ["LicenceFilter", "complaint_file", "complaint_register", "licence_colours", "licence_file",
           "licence_register", "licences", "public_entries", "public_licence", "public_licence_withdrawals"]


@dataclass(frozen=True)
class LicenceFilter:
    """The licence list's filters: agency, status, decision, grade (of the stored evaluation), text, page."""

    text: str = ""
    agency: str = ""
    status: str = ""
    decision: str = ""
    grade: str = ""
    page: int = 1

    def params(self, **changes: Any) -> dict[str, str]:
        values = {"q": self.text, "agency": self.agency, "status": self.status, "decision": self.decision,
                  "grade": self.grade, "page": str(self.page)}
        values.update({k: str(v) for k, v in changes.items()})
        return {k: v for k, v in values.items() if v and not (k == "page" and v == "1")}

    def search(self) -> kind_queries.LicenceSearch:
        return kind_queries.LicenceSearch(agency=self.agency, status=self.status, decision=self.decision,
                                          text=self.text)


def _in(column: str, values: Sequence[str]) -> str:
    return f"{column} IN ({','.join('?' * len(values))})"


def licence_colours(reads: Reads, as_of: date) -> dict[str, str]:
    """licence file → its worst warning colour on ``as_of`` (its running deadlines: LIC-03, LIC-10 …)."""
    if not reads.db.exists("proj_licence_deadlines"):
        return {}
    out: dict[str, str] = {}
    for w in kind_queries.file_warnings(reads.db, "proj_licence_deadlines", as_of, groups=None,
                                        calendar=reads.calendar(), soon_days=reads.config.warnings.yellow_wd):
        if out.get(w.file) != "red":
            out[w.file] = w.colour
    return out


def licences(reads: Reads, agencies: Sequence[str] | None, flt: LicenceFilter, as_of: date) -> Page:
    """A page of licence files of ``agencies`` (None: all) matching ``flt``, newest application first."""
    if not reads.db.exists("proj_licences") or (agencies is not None and not agencies):
        return Page([], 0, 1)
    where, params = flt.search().where()
    if agencies is not None:
        where.append(_in("agency", agencies))
        params += list(agencies)
    inner = f"SELECT * FROM {reads.t('proj_licences')}" + (f" WHERE {' AND '.join(where)}" if where else "")
    audit = reads.has_audit()
    join = f" LEFT JOIN {reads.t(AUDIT_TABLE)} e ON e.grp = l.grp" if audit else ""
    outer: list[str] = []
    if flt.grade == IN_PROGRESS and audit:
        outer.append("e.grp IS NOT NULL AND e.grade IS NULL")
    elif flt.grade and audit:
        outer.append("e.grade = ?")
        params.append(flt.grade)
    clause = (" WHERE " + " AND ".join(outer)) if outer else ""
    base = f"FROM ({inner}) l{join}{clause}"
    total = int(reads.rows(f"SELECT COUNT(*) AS n {base}", params)[0]["n"])
    page = max(1, min(flt.page, max(1, -(-total // PAGE_SIZE))))
    extra = ", e.score, e.grade, e.veto" if audit else ""
    rows = reads.rows(f"SELECT l.grp, l.number, l.agency, l.item, l.application, l.action, l.holder_kind, "
                      f"l.holder_name, l.status, l.status_label, l.received_on, l.decision, l.decision_label, "
                      f"l.document_no, l.decided_on, l.licence_no, l.concerns_licence_no{extra} {base} "
                      "ORDER BY COALESCE(l.received_on, l.decided_on) DESC, l.grp DESC LIMIT ? OFFSET ?",
                      [*params, PAGE_SIZE, (page - 1) * PAGE_SIZE])
    colours = licence_colours(reads, as_of)
    for row in rows:
        row["colour"] = colours.get(row["grp"], "")
    return Page(rows, total, page)


def licence_file(reads: Reads, stream: str, as_of: date) -> dict[str, Any] | None:
    if not reads.db.exists("proj_licences"):
        return None
    return kind_queries.licence_file(reads.db, stream, as_of=as_of, calendar=reads.calendar(), config=reads.config)


def licence_register(reads: Reads, licence_no: str, as_of: date) -> dict[str, Any]:
    """A licence's life (grant, change, renewal, 撤回/撤销/注销) by its number; the caller keeps the events
    of agencies the reader covers."""
    if not reads.db.exists("proj_licence_register"):
        return {"licence_no": licence_no, "numbers": [], "state": "pending", "state_label": "办理中", "events": [],
                "as_of": as_of.isoformat()}
    return kind_queries.licence_history(reads.db, as_of=as_of, licence_no=licence_no)


def complaint_register(reads: Reads, bureaus: Sequence[str] | None, as_of: date, status: str) -> dict[str, Any]:
    if not reads.db.exists("proj_complaints"):
        return {"as_of": as_of.isoformat(), "complaints": [], "warnings": []}
    return kind_queries.complaint_register(reads.db, as_of, bureaus=bureaus, calendar=reads.calendar(),
                                           config=reads.config, status=status or None)


def complaint_file(reads: Reads, stream: str, as_of: date, *, complainant: bool,
                   agency: str | None) -> dict[str, Any] | None:
    return kind_queries.complaint_file(reads.db, stream, as_of=as_of, calendar=reads.calendar(),
                                       config=reads.config, complainant=complainant, agency=agency)


def complaint_heading(reads: Reads, stream: str) -> dict[str, Any] | None:
    """The bureau, the agency complained of and the file document of a complaint (who may read it)."""
    if not reads.db.exists("proj_complaints"):
        return None
    found = reads.rows(f"SELECT bureau, against_agency, file FROM {reads.t('proj_complaints')} WHERE grp = ?",
                       [stream])
    return found[0] if found else None


# --------------------------------------------------------------------------- public

_PENALTY_ENTRY = ("SELECT 'decision' AS kind, grp, version, document_no, agency, party_name, outcome_label AS label, "
                  "fine_fen, decided_on, published_on, corrected_at, CAST(NULL AS TEXT) AS licence_no, published_utc "
                  "FROM {t} WHERE {where}")
_LICENCE_ENTRY = ("SELECT 'licence' AS kind, l.grp, l.version, l.document_no, l.agency, l.party_name, "
                  "l.decision_label AS label, CAST(NULL AS BIGINT) AS fine_fen, l.decided_on, l.published_on, "
                  "l.corrected_at, l.licence_no, l.published_utc FROM {t} l WHERE {where}")


def public_entries(reads: Reads, as_of: date, agency: str | None, page: int, search: DecisionSearch,
                   kind: str = "") -> Page:
    """Published penalty and licensing decisions shown on ``as_of``, newest first, in one paged list
    (``kind``: ``decision`` or ``licence`` for one of them). Each row's ``kind_label`` says which.

    The total counts every shown row, so it is kept until a disclosure projection moves (the same
    answer for everyone; ``as_of`` is part of the key); a page reads each kind's newest rows only."""
    parts: list[tuple[str, list[Any]]] = []
    day = as_of.isoformat()
    if kind in ("", "decision") and reads.db.exists("pub_decisions"):
        where = ["status = 'published'", "max_until > ?", "published_on <= ?"]
        values: list[Any] = [day, day]
        found, more = search.where()
        where += found
        values += more
        if agency:
            where.append("agency = ?")
            values.append(agency)
        parts.append((_PENALTY_ENTRY.format(t=reads.t("pub_decisions"), where=" AND ".join(where)), values))
    if kind in ("", "licence") and reads.db.exists("pub_licences"):
        where, values = kind_queries.shown_licences(reads.t("pub_licence_endings"), as_of)
        if search.active:
            found, more = search.where("l.", kind_queries.LICENCE_TEXT)
            where += found
            values += more
        if agency:
            where.append("l.agency = ?")
            values.append(agency)
        parts.append((_LICENCE_ENTRY.format(t=reads.t("pub_licences"), where=" AND ".join(where)), values))
    if not parts:
        return Page([], 0, 1)
    union = " UNION ALL ".join(sql for sql, _ in parts)
    params = [v for _, values in parts for v in values]
    total = reads.until_moved(("disclosure", "licence_disclosure"), ("public_entries", union, *params), lambda: int(
        reads.rows(f"SELECT COUNT(*) AS n FROM ({union}) u", params)[0]["n"]))
    page = max(1, min(page, max(1, -(-total // PAGE_SIZE))))
    # Each kind's newest ``page × PAGE_SIZE`` rows (its published_utc index, stopping there), then the page of
    # their merge: never a sort of every published row.
    order = "ORDER BY published_utc DESC, grp DESC, version DESC"
    newest = " UNION ALL ".join(f"SELECT * FROM ({sql} {order} LIMIT ?) k{i}" for i, (sql, _) in enumerate(parts))
    limited = [v for _, values in parts for v in (*values, page * PAGE_SIZE)]
    rows = reads.rows(f"SELECT * FROM ({newest}) u {order} LIMIT ? OFFSET ?",
                      [*limited, PAGE_SIZE, (page - 1) * PAGE_SIZE])
    for row in rows:
        row["kind_label"] = "行政许可" if row["kind"] == "licence" else "行政处罚"
    return Page(rows, total, page)


def public_licence(reads: Reads, stream: str, as_of: date) -> dict[str, Any] | None:
    if not reads.db.exists("pub_licences"):
        return None
    return kind_queries.public_licence(reads.db, stream, as_of)


def public_licence_withdrawals(reads: Reads, as_of: date, page: int) -> Page:
    """Withdrawn licensing publications (PUB-07): a stream's own 撤下, and each 撤回/撤销/注销 in force on
    ``as_of`` that took a published grant off the list; newest first."""
    if not reads.db.exists("pub_licence_withdrawals") or not reads.db.exists("pub_licence_endings"):
        return Page([], 0, 1)
    where_e, params_e = kind_queries.ending_withdrawals(reads.t("pub_licences"), as_of)
    union = (f"SELECT grp, version, document_no, agency, withdrawn_on, reason, explanation, "
             f"CAST(NULL AS TEXT) AS licence_no, CAST(NULL AS TEXT) AS action_label, withdrawn_utc AS at_key "
             f"FROM {reads.t('pub_licence_withdrawals')} WHERE withdrawn_on <= ? UNION ALL "
             f"SELECT e.grp, e.version, e.document_no, e.agency, e.effective_on, NULL, NULL, e.licence_no, "
             f"e.action_label, e.decided_utc FROM {reads.t('pub_licence_endings')} e WHERE {' AND '.join(where_e)}")
    params = [as_of.isoformat(), *params_e]
    total = int(reads.rows(f"SELECT COUNT(*) AS n FROM ({union}) u", params)[0]["n"])
    page = max(1, min(page, max(1, -(-total // PAGE_SIZE))))
    rows = reads.rows(f"SELECT * FROM ({union}) u ORDER BY at_key DESC, grp DESC, version DESC LIMIT ? OFFSET ?",
                      [*params, PAGE_SIZE, (page - 1) * PAGE_SIZE])
    for row in rows:
        if row["action_label"]:
            row["reason"] = kind_queries.ending_reason(row["licence_no"], row["action_label"])
        row["label"] = DISCLOSURE_KIND_LABELS["licence_withdrawal"]
    return Page(rows, total, page)
