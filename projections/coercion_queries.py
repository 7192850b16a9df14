"""Reading the 行政强制 read models: 强制 files, the measures list with its warnings, a case's measures,
the public coercion entries.

As in :mod:`projections.kind_queries`, what depends on the day asked is computed here from stored
dates and ``as_of``, never stored: a measure's state (its last day near, or past, while it runs), a
催告's period still running, the colour of a duty of a 强制 file. Nothing here is public but
:func:`public_coercions` and :func:`public_coercion_entries`, which read ``pub_coercions`` (the
latter ``pub_decisions`` too, to leave out the publications that are the penalty decision's entry).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any, Final

import orjson

from domain.calendar import WorkingCalendar
from domain.config import Config
from projections.coercion_labels import DISPOSITION_LABELS
from projections.kind_queries import Reader, _deadlines, _file, file_warnings
from projections.labels import DISCLOSURE_KIND_LABELS, WARNING_LABELS, deadline_label
from projections.queries import DecisionSearch, escape_like, rows_of, state_on, words
from projections.sql import Database

__all__ = [
    "COERCION_WARNING_LABELS",
    "CoercionSearch",
    "MeasureSearch",
    "case_measures",
    "coercion_anchor",
    "coercion_file",
    "coercion_page",
    "coercion_warnings",
    "coercions",
    "measures",
    "public_coercion_entries",
    "public_coercions",
]

COERCION_WARNING_LABELS: Final[dict[str, str]] = {**WARNING_LABELS, "running": "催告期间"}
"""A warning's colour: red (missed), yellow (due within N working days), running (a 催告's period the
agency must wait out before enforcing, ENF-02)."""
_ITEM_KEYS: Final = ("id", "name", "quantity", "unit", "disposition", "disposed_on")


def _in(column: str, values: Sequence[str]) -> str:
    return f"{column} IN ({','.join('?' * len(values))})"


def _measure(row: dict[str, Any], as_of: date, calendar: WorkingCalendar, soon: int) -> dict[str, Any]:
    """A ``proj_measures`` row with its items opened and its period's state on ``as_of``."""
    out = dict(row)
    items = [dict(zip(_ITEM_KEYS, i, strict=True)) for i in orjson.loads(out.get("items") or b"[]")]
    for item in items:
        item["disposition_label"] = DISPOSITION_LABELS.get(item["disposition"] or "", "未处理")
    out["items"] = items
    state = state_on({**out, "done_on": out.get("ended_on"), "holder": "agency"}, as_of, calendar, soon) \
        if out.get("due_on") else None
    out["state"] = state
    out["state_label"] = deadline_label(state, "agency") if state is not None else None
    return out


# --------------------------------------------------------------------------- files


@dataclass(frozen=True)
class CoercionSearch:
    """The 强制 file list's filters: equalities on ``proj_coercions`` and words in the number, the
    party's name (as the table holds it) or the item."""

    agency: str = ""
    status: str = ""
    purpose: str = ""
    text: str = ""

    def where(self) -> tuple[list[str], list[Any]]:
        out: list[str] = []
        params: list[Any] = []
        for column, value in (("agency", self.agency), ("status", self.status), ("purpose", self.purpose)):
            if value:
                out.append(f"{column} = ?")
                params.append(value)
        for word in words(self.text):
            like = f"%{escape_like(word)}%"
            out.append("(" + " OR ".join(f"{c} LIKE ? ESCAPE '\\'" for c in ("grp", "party_name", "item")) + ")")
            params += [like] * 3
        return out, params


_LIST: Final = ("grp", "number", "agency", "purpose", "item", "party_kind", "party_name", "origin", "status",
                "status_label", "concluded", "opened_on", "measures", "running", "enforcement", "published",
                "closed_on", "archived_on", "events")


def coercions(db: Database, search: CoercionSearch, *, agencies: Sequence[str] | None, cursor: str | None,
              limit: int) -> tuple[list[dict[str, Any]], str | None]:
    """A page of 强制 files (``agencies`` None: all), by stream; and the next page's cursor."""
    where, params = search.where()
    if agencies is not None:
        if not agencies:
            return [], None
        where.append(_in("agency", agencies))
        params += list(agencies)
    if cursor is not None:
        where.append("grp > ?")
        params.append(cursor)
    sql = (f"SELECT {', '.join(_LIST)} FROM {db.qualify('proj_coercions')}"
           + (f" WHERE {' AND '.join(where)}" if where else "") + " ORDER BY grp LIMIT ?")
    found = rows_of(db, sql, [*params, limit + 1])
    more = len(found) > limit
    found = found[:limit]
    return found, (found[-1]["grp"] if more and found else None)


def coercion_page(db: Database, search: CoercionSearch, *, agencies: Sequence[str] | None, offset: int,
                  limit: int) -> tuple[list[dict[str, Any]], int]:
    """A page of 强制 files newest first (the staff page), and how many match."""
    return _page(db, "proj_coercions", search.where(), agencies, ", ".join(_LIST), "opened_on DESC, grp DESC",
                 offset, limit)


def _page(db: Database, name: str, where_params: tuple[list[str], list[Any]], agencies: Sequence[str] | None,
          columns: str, order: str, offset: int, limit: int) -> tuple[list[dict[str, Any]], int]:
    """One page of table ``name`` under a search's ``where_params``, in ``agencies`` (None: all; none:
    nothing), ordered by ``order``; and how many rows match."""
    where, params = where_params
    if agencies is not None:
        if not agencies:
            return [], 0
        where.append(_in("agency", agencies))
        params += list(agencies)
    clause = f" WHERE {' AND '.join(where)}" if where else ""
    table = db.qualify(name)
    total = int(rows_of(db, f"SELECT COUNT(*) AS n FROM {table}{clause}", params)[0]["n"])
    found = rows_of(db, f"SELECT {columns} FROM {table}{clause} ORDER BY {order} LIMIT ? OFFSET ?",
                    [*params, limit, offset])
    return found, total


def case_measures(db: Database, grp: str, *, as_of: date, calendar: WorkingCalendar,
                  config: Config) -> dict[str, Any]:
    """The measures and the enforcement recorded on one file's stream (a case's: EVAL-04 item 7), each
    measure with its period's state on ``as_of``."""
    soon = config.warnings.yellow_wd
    found = rows_of(db, f"SELECT * FROM {db.qualify('proj_measures')} WHERE grp = ? ORDER BY started_on, measure_id",
                    (grp,))
    enforcement = rows_of(db, f"SELECT * FROM {db.qualify('proj_enforcements')} WHERE grp = ?", (grp,))
    return {"measures": [_measure(r, as_of, calendar, soon) for r in found],
            "enforcement": enforcement[0] if enforcement else None}


def coercion_file(db: Database, stream: str, *, as_of: date, calendar: WorkingCalendar,
                  config: Config) -> dict[str, Any] | None:
    """One 强制 file as a reviewer opens it: the file, its 卷内目录 and timeline, its measures (items and
    their disposal) and enforcement, its deadlines with their state on ``as_of`` and its warnings."""
    found = rows_of(db, f"SELECT * FROM {db.qualify('proj_coercions')} WHERE grp = ?", (stream,))
    if not found:
        return None
    out = _file(found[0])
    out.update(case_measures(db, stream, as_of=as_of, calendar=calendar, config=config))
    out["deadlines"] = _deadlines(db, "proj_coercion_deadlines", stream, as_of, calendar, config.warnings.yellow_wd)
    out["warnings"] = coercion_warnings(db, as_of, groups=[stream], calendar=calendar,
                                        soon_days=config.warnings.yellow_wd)
    out["as_of"] = as_of.isoformat()
    return out


# --------------------------------------------------------------------------- measures and warnings


@dataclass(frozen=True)
class MeasureSearch:
    """The measures list's filters: the kind of stream (``case``, ``coercion``), the measure (seal,
    seize, freeze), its status (running, released, disposed)."""

    agency: str = ""
    file_kind: str = ""
    measure: str = ""
    status: str = ""

    def where(self) -> tuple[list[str], list[Any]]:
        out: list[str] = []
        params: list[Any] = []
        for column, value in (("agency", self.agency), ("file_kind", self.file_kind), ("measure", self.measure),
                              ("status", self.status)):
            if value:
                out.append(f"{column} = ?")
                params.append(value)
        return out, params


def measures(db: Database, search: MeasureSearch, *, agencies: Sequence[str] | None, as_of: date,
             calendar: WorkingCalendar, config: Config, offset: int = 0,
             limit: int = 100) -> tuple[list[dict[str, Any]], int]:
    """A page of measures of ``agencies`` (None: all) across ``coercion/`` and ``case/`` streams, newest
    first, each with its period's state on ``as_of``; and how many match."""
    found, total = _page(db, "proj_measures", search.where(), agencies, "*",
                         "started_on DESC, grp DESC, measure_id", offset, limit)
    soon = config.warnings.yellow_wd
    return [_measure(r, as_of, calendar, soon) for r in found], total


def coercion_warnings(db: Database, as_of: date, *, calendar: WorkingCalendar, soon_days: int,
                      agencies: Sequence[str] | None = None,
                      groups: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """What a supervisor should see on ``as_of`` of the measures and enforcement of ``agencies`` (or of
    the files ``groups``; None: all), red first:

    * a running measure whose last day (COE-08) is past (red) or within ``soon_days`` WD (yellow),
      on a ``coercion/`` stream or inside a case;
    * a 催告's period still running (``running``, ENF-02): the agency may not enforce before it ends;
    * a 强制 file's other duties at risk (COE-10 return, COE-11 freezing decision, TS-03, PUB-07)."""
    scope: list[str] = []
    params: list[Any] = []
    for column, values in (("agency", agencies), ("grp", groups)):
        if values is not None:
            if not values:
                return []
            scope.append(_in(column, values))
            params += list(values)
    where = "".join(f" AND {s}" for s in scope)
    out: list[dict[str, Any]] = []
    for row in rows_of(db, f"SELECT grp, stream, measure_id, measure_label, agency, party_name, started_on, due_on, "
                           f"provisional, known_until FROM {db.qualify('proj_measures')} WHERE status = 'running' "
                           f"AND due_on IS NOT NULL{where} ORDER BY due_on", params):
        state = state_on({**row, "done_on": None, "holder": "agency"}, as_of, calendar, soon_days)
        colour = {"missed": "red", "due_soon": "yellow"}.get(state)
        if colour is not None:
            out.append(_warning(colour, state, row["grp"], f"COE-08/{row['measure_id']}", "COE-08",
                                f"{row['measure_label']}期限届满前作出处理决定或解除（措施 {row['measure_id']}）",
                                row["agency"], row["started_on"], row["due_on"], row["stream"]))
    day = as_of.isoformat()
    for row in rows_of(db, f"SELECT grp, stream, agency, demanded_on, demand_due FROM "
                           f"{db.qualify('proj_enforcements')} WHERE status IN ('demanded', 'decided') AND "
                           f"demand_due >= ?{where} ORDER BY demand_due", [day, *params]):
        if row["demanded_on"] and row["demanded_on"] <= day:
            out.append(_warning("running", "pending", row["grp"], "ENF-02", "ENF-02",
                                "催告书载明的履行期限未届满，不得强制执行", row["agency"], row["demanded_on"],
                                row["demand_due"], row["stream"]))
    files = groups
    if files is None and agencies is not None:
        files = [str(r["grp"]) for r in rows_of(
            db, f"SELECT grp FROM {db.qualify('proj_coercions')} WHERE {_in('agency', agencies)}", agencies)]
    for w in file_warnings(db, "proj_coercion_deadlines", as_of, groups=files, calendar=calendar,
                           soon_days=soon_days):
        if w.rule not in ("COE-08", "ENF-02"):
            out.append(_warning(w.colour, w.state, w.file, w.key, w.rule, w.title, w.agency, w.start_on, w.due_on,
                                w.file))
    order = {"red": 0, "yellow": 1, "running": 2}
    out.sort(key=lambda w: (order.get(w["colour"], 3), w["due_on"], w["file"], w["key"]))
    return out


def _warning(colour: str, state: str, grp: str, key: str, rule: str, title: str, agency: str | None,
             start_on: str, due_on: str, stream: str) -> dict[str, Any]:
    return {"colour": colour, "colour_label": COERCION_WARNING_LABELS[colour], "state": state, "file": grp,
            "stream": stream, "key": key, "rule": rule, "title": title, "agency": agency, "start_on": start_on,
            "due_on": due_on}


# --------------------------------------------------------------------------- public


_PUBLIC: Final = ("grp", "key", "version", "kind", "category", "category_label", "agency", "party_kind",
                  "party_name", "party_credit_code", "place", "document_no", "started_on", "period_end",
                  "conclusion", "concluded_on", "published_at", "published_on", "channel", "text")


def public_coercions(reader: Reader, as_of: date, *, agency: str | None, offset: int,
                     limit: int, file: str | None = None) -> tuple[list[dict[str, Any]], int]:
    """The published measures and enforcement decisions shown on ``as_of`` (not withdrawn), newest
    first; and how many there are (``file``: of one stream only). Reads ``pub_coercions`` only."""
    where, params = ["status = 'published'", "published_on <= ?"], [as_of.isoformat()]
    for column, value in (("agency", agency), ("grp", file)):
        if value:
            where.append(f"{column} = ?")
            params.append(value)
    table = reader.table("pub_coercions")
    clause = " AND ".join(where)
    total = int(reader.rows(f"SELECT COUNT(*) AS n FROM {table} WHERE {clause}", params)[0]["n"])
    found = reader.rows(f"SELECT {', '.join(_PUBLIC)} FROM {table} WHERE {clause} "
                        "ORDER BY published_utc DESC, grp DESC, version DESC, kind DESC, key LIMIT ? OFFSET ?",
                        [*params, limit, offset])
    return found, total


COERCION_TEXT: Final = ("document_no", "party_name", "party_credit_code", "category_label", "conclusion", "text")
"""The columns of ``pub_coercions`` the public search reads (as ``DecisionSearch`` reads a decision's)."""
_ENTRY_ROW: Final = ("key", "kind", "category", "category_label", "document_no", "place", "started_on",
                     "period_end", "conclusion", "concluded_on")


def public_coercion_entries(reader: Reader, as_of: date, *, agency: str | None, cursor: Sequence[Any] | None,
                            limit: int, search: DecisionSearch | None = None) -> list[tuple[str, dict[str, Any]]]:
    """The ``coercion`` entries (行政强制公示) of the public disclosure list on ``as_of``, keyed by instant
    for merging with the others (``api.server.routes_public.disclosures``), at most ``limit + 1``.

    One entry per publication (``DecisionPublished``), which may publish several measures and
    enforcement decisions of a stream: the newest ``limit + 1`` (stream, version) are chosen first,
    then their rows fetched, so the shared (instant, case, version) cursor stays exact. A withdrawn
    publication is not listed. A publication that is the penalty decision's (a row of ``pub_decisions``:
    a case's measure published with the case) is that decision's entry, not a second one with the same
    key. A ``search`` finds the entries one of whose rows matches: words in the document number, the
    party, the 统一社会信用代码, the category, the conclusion or the text; the credit code exactly; the
    dates bound the day the measure began or the enforcement was decided (``started_on``)."""
    table = reader.table("pub_coercions")
    where = ["c.status = 'published'", "c.published_on <= ?",
             f"NOT EXISTS (SELECT 1 FROM {reader.table('pub_decisions')} d "
             "WHERE d.grp = c.grp AND d.version = c.version)"]
    params: list[Any] = [as_of.isoformat()]
    if agency is not None:
        where.append("c.agency = ?")
        params.append(agency)
    if search is not None and search.active:
        found, values = replace(search, since=None, until=None).where("c.", COERCION_TEXT)
        where += found
        params += values
        for bound, op in ((search.since, ">="), (search.until, "<=")):
            if bound is not None:
                where.append(f"c.started_on {op} ?")
                params.append(bound.isoformat())
    if cursor is not None:
        at, grp, version = cursor
        where.append("(c.published_utc < ? OR (c.published_utc = ? AND "
                     "(c.grp < ? OR (c.grp = ? AND c.version < ?))))")
        params += [at, at, grp, grp, version]
    # DISTINCT, not GROUP BY: the published_utc index is walked newest first and stopped at the LIMIT.
    chosen = reader.rows(f"SELECT DISTINCT c.grp, c.version, c.published_utc FROM {table} c "
                         f"WHERE {' AND '.join(where)} ORDER BY c.published_utc DESC, c.grp DESC, c.version DESC "
                         "LIMIT ?", [*params, limit + 1])
    if not chosen:
        return []
    pairs = " OR ".join("(grp = ? AND version = ?)" for _ in chosen)
    rows = reader.rows(f"SELECT {', '.join(_PUBLIC)} FROM {table} WHERE status = 'published' AND ({pairs}) "
                       "ORDER BY grp, version, kind DESC, key", [v for c in chosen for v in (c["grp"], c["version"])])
    by_publication: dict[tuple[str, int], list[dict[str, Any]]] = {}
    for row in rows:
        by_publication.setdefault((row["grp"], int(row["version"])), []).append(row)
    return [(str(c["published_utc"] or ""), _coercion_entry(by_publication[(c["grp"], int(c["version"]))]))
            for c in chosen if (c["grp"], int(c["version"])) in by_publication]


def coercion_anchor(grp: str, version: int) -> str:
    """The id of a publication's lines on the public page ``/public/coercion``, which a feed entry
    links to (with ``?file=``, so the line is on the page whatever its age)."""
    return f"pc-{grp.replace('/', '-')}-{version}"


def _coercion_entry(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """One publication's entry: what its rows share, and each measure or enforcement decision."""
    first = rows[0]
    numbers = [str(r["document_no"]) for r in rows if r.get("document_no")]
    return {"kind": "coercion", "label": DISCLOSURE_KIND_LABELS["coercion"], "id": f"{first['grp']}@{first['version']}",
            "case": first["grp"], "version": int(first["version"]), "at": first["published_at"],
            "document_no": "、".join(dict.fromkeys(numbers)) or None, "agency": first["agency"],
            "party_kind": first["party_kind"], "party_name": first["party_name"],
            "party_credit_code": first["party_credit_code"], "published_on": first["published_on"],
            "channel": first["channel"], "text": next((r["text"] for r in rows if r.get("text")), None),
            "coercions": [{k: r[k] for k in _ENTRY_ROW} for r in rows]}
