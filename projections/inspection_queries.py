"""Reading the inspection read models: inspection files, spot-check tasks, INS-06's count per object,
and the public entries of inspection results and spot checks (双随机、一公开).

As in :mod:`projections.kind_queries`, what depends on the day asked (a deadline's state) is computed
here, never stored; what a task's drawn objects became is joined here (``proj_spotcheck_objects``
with ``proj_inspections``). Nothing here is public but :func:`public_spotcheck` and
:func:`public_inspection_entries`, which read ``pub_*`` tables only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Final

import orjson

from domain.calendar import WorkingCalendar
from domain.config import Config
from projections.base import catalogue_rows
from projections.kind_queries import Reader, file_warnings, labelled_timeline
from projections.labels import DISCLOSURE_KIND_LABELS, deadline_label
from projections.queries import escape_like, rows_of, state_on, words
from projections.sql import Database

__all__ = ["DRAW_VERIFY", "InspectionSearch", "inspection_file", "inspection_frequency", "inspection_warnings",
           "inspections", "public_inspection_entries", "public_spotcheck", "spotcheck_task", "spotchecks"]

DRAW_VERIFY: Final = "enforcement-ledger draw verify {stream}"
"""How anyone holding the ledger re-derives a task's draw (``api.cli.draw``)."""


def _opened(row: dict[str, Any], *json_columns: str) -> dict[str, Any]:
    """A row with its JSON document (``file``) merged in and its JSON columns parsed."""
    out = dict(row)
    document = orjson.loads(out.pop("file", None) or b"{}")
    out.update(document)
    if "catalogue" in document:
        out["catalogue"] = catalogue_rows(document["catalogue"])
    for column in json_columns:
        if isinstance(out.get(column), str):
            out[column] = orjson.loads(out[column])
    return out


def _timeline(out: dict[str, Any]) -> None:
    out["timeline"] = labelled_timeline(out.get("timeline") or [], out["grp"])


@dataclass(frozen=True)
class InspectionSearch:
    """The inspection list's filters: equalities on ``proj_inspections`` and words in the number or the
    object's name or credit code."""

    agency: str = ""
    status: str = ""
    result: str = ""
    origin: str = ""
    spotcheck: str = ""
    text: str = ""

    def where(self) -> tuple[list[str], list[Any]]:
        out: list[str] = []
        params: list[Any] = []
        for column, value in (("agency", self.agency), ("status", self.status), ("result", self.result),
                              ("origin", self.origin), ("spotcheck", self.spotcheck)):
            if value:
                out.append(f"{column} = ?")
                params.append(value)
        for word in words(self.text):
            like = f"%{escape_like(word)}%"
            out.append("(" + " OR ".join(f"{c} LIKE ? ESCAPE '\\'" for c in (
                "grp", "object_name", "object_credit_code")) + ")")
            params += [like] * 3
        return out, params


_LIST: Final = ("grp", "number", "agency", "item", "origin", "spotcheck", "object_index", "object_kind",
                "object_name", "object_credit_code", "status", "status_label", "opened_on", "inspected_on",
                "result", "result_label", "concluded_on", "referred", "published", "closed_on", "events")


def _scoped(where: list[str], params: list[Any], agencies: Sequence[str] | None) -> bool:
    """Add the reader's agencies to ``where``; False when the reader covers none."""
    if agencies is None:
        return True
    if not agencies:
        return False
    where.append(f"agency IN ({','.join('?' * len(agencies))})")
    params += list(agencies)
    return True


def inspections(db: Database, search: InspectionSearch, *, agencies: Sequence[str] | None, cursor: str | None,
                limit: int) -> tuple[list[dict[str, Any]], str | None]:
    """A page of inspection files (``agencies`` None: all), by stream; and the next page's cursor."""
    where, params = search.where()
    if not _scoped(where, params, agencies):
        return [], None
    if cursor is not None:
        where.append("grp > ?")
        params.append(cursor)
    sql = (f"SELECT {', '.join(_LIST)} FROM {db.qualify('proj_inspections')}"
           + (f" WHERE {' AND '.join(where)}" if where else "") + " ORDER BY grp LIMIT ?")
    found = rows_of(db, sql, [*params, limit + 1])
    more = len(found) > limit
    found = found[:limit]
    return found, (found[-1]["grp"] if more and found else None)


def inspection_file(db: Database, stream: str, *, as_of: date, calendar: WorkingCalendar,
                    config: Config) -> dict[str, Any] | None:
    """One inspection file as a reviewer opens it: the file, its 卷内目录, timeline, INS-10's deadline
    with its state on ``as_of``, and its task (when drawn)."""
    found = rows_of(db, f"SELECT * FROM {db.qualify('proj_inspections')} WHERE grp = ?", (stream,))
    if not found:
        return None
    out = _opened(found[0])
    _timeline(out)
    deadlines = rows_of(db, f"SELECT stream, key, rule, title, agency, start_on, due_on, provisional, known_until, "
                            f"done_on, holder FROM {db.qualify('proj_inspection_deadlines')} WHERE grp = ? "
                            "ORDER BY start_on, key", (stream,))
    for row in deadlines:
        row["state"] = state_on(row, as_of, calendar, config.warnings.yellow_wd)
        row["state_label"] = deadline_label(row["state"], row.get("holder"))
    out["deadlines"] = deadlines
    task = out.get("spotcheck")
    out["task"] = rows_of(db, f"SELECT grp, status, status_label, rederived FROM {db.qualify('proj_spotchecks')} "
                              "WHERE grp = ?", (task,))[:1] if task else []
    out["as_of"] = as_of.isoformat()
    return out


def inspection_warnings(db: Database, as_of: date, *, agencies: Sequence[str] | None, calendar: WorkingCalendar,
                        config: Config) -> list[dict[str, Any]]:
    """INS-10's warnings on ``as_of``: a result unpublished after 20 WD (red) or about to be (yellow)."""
    groups = None
    if agencies is not None:
        marks = ",".join("?" * len(agencies)) or "NULL"
        groups = [str(r[0]) for r in db.all(
            f"SELECT grp FROM {db.qualify('proj_inspections')} WHERE agency IN ({marks})", list(agencies))]
    return [w.as_json() for w in file_warnings(db, "proj_inspection_deadlines", as_of, groups=groups,
                                               calendar=calendar, soon_days=config.warnings.yellow_wd)]


_TASKS: Final = ("grp", "number", "agency", "items", "population", "sample_size", "inspectors_per_object",
                 "period_from", "period_until", "planned_on", "published_on", "status", "status_label",
                 "objects_count", "inspectors_count", "drawn_on", "drawn", "rederived", "draw_backfilled",
                 "replaced", "skipped", "completed_on")


def spotchecks(db: Database, *, agencies: Sequence[str] | None, cursor: str | None,
               limit: int) -> tuple[list[dict[str, Any]], str | None]:
    """A page of spot-check tasks (``agencies`` None: all), by stream; and the next page's cursor."""
    where: list[str] = []
    params: list[Any] = []
    if not _scoped(where, params, agencies):
        return [], None
    if cursor is not None:
        where.append("grp > ?")
        params.append(cursor)
    found = rows_of(db, f"SELECT {', '.join(_TASKS)} FROM {db.qualify('proj_spotchecks')}"
                        + (f" WHERE {' AND '.join(where)}" if where else "") + " ORDER BY grp LIMIT ?",
                    [*params, limit + 1])
    for row in found:
        row["items"] = orjson.loads(row["items"] or b"[]")
    more = len(found) > limit
    found = found[:limit]
    return found, (found[-1]["grp"] if more and found else None)


def spotcheck_task(db: Database, stream: str) -> dict[str, Any] | None:
    """One task: plan, snapshots, the draw as recorded, and each drawn object with its inspectors and
    what became of it (its inspection's result and publication, or why it was skipped); the command
    that re-derives the draw."""
    found = rows_of(db, f"SELECT * FROM {db.qualify('proj_spotchecks')} WHERE grp = ?", (stream,))
    if not found:
        return None
    out = _opened(found[0], "items")
    _timeline(out)
    out["objects"] = _objects(db, stream)
    out["verify"] = DRAW_VERIFY.format(stream=stream)
    return out


def _objects(db: Database, stream: str) -> list[dict[str, Any]]:
    rows = rows_of(db, f"SELECT o.object_index, o.key, o.position, o.officers, o.skipped, i.grp AS inspection, "
                       f"i.object_name, i.status_label, i.result, i.result_label, i.published "
                       f"FROM {db.qualify('proj_spotcheck_objects')} o LEFT JOIN {db.qualify('proj_inspections')} i "
                       "ON i.spotcheck = o.grp AND i.object_index = o.object_index WHERE o.grp = ? "
                       "ORDER BY o.position, i.grp", (stream,))
    for row in rows:
        row["officers"] = orjson.loads(row["officers"] or b"[]")
    return rows


def inspection_frequency(db: Database, *, agencies: Sequence[str] | None, year: int | None, default_cap: int | None,
                         over_only: bool = False) -> list[dict[str, Any]]:
    """INS-06: per agency, object and year, the routine and special inspections counted (drawn ones
    included, 个案 not) against the strictest yearly cap of their items (the item's published
    ``spot_check.max_per_year``, else ``default_cap``; None: no cap, the count is for information)."""
    where: list[str] = ["i.counted = 1", "i.object_id IS NOT NULL"]
    params: list[Any] = []
    if agencies is not None:
        if not agencies:
            return []
        where.append(f"i.agency IN ({','.join('?' * len(agencies))})")
        params += list(agencies)
    if year is not None:
        where.append("i.year = ?")
        params.append(year)
    rows = rows_of(db, f"SELECT i.agency, i.year, i.object_id, MAX(i.object_name) AS object_name, "
                       f"MAX(i.object_credit_code) AS object_credit_code, COUNT(*) AS inspections, "
                       f"MIN(c.max_per_year) AS item_cap, COUNT(c.max_per_year) AS capped, "
                       f"MIN(i.opened_on) AS first_on, MAX(i.opened_on) AS last_on "
                       f"FROM {db.qualify('proj_inspections')} i LEFT JOIN {db.qualify('proj_inspection_caps')} c "
                       f"ON c.stream = i.agency AND c.code = i.item WHERE {' AND '.join(where)} "
                       "GROUP BY i.agency, i.year, i.object_id ORDER BY i.agency, i.year, i.object_id", params)
    out = []
    for row in rows:
        uncapped = row.pop("capped") < row["inspections"]
        item_cap = row.pop("item_cap")
        caps = [c for c in (item_cap, default_cap if uncapped or item_cap is None else None) if c]
        cap = min(caps) if caps else None
        row["cap"] = cap
        row["over"] = cap is not None and row["inspections"] > cap
        if row["object_id"].startswith("name:"):
            row["object_id"] = None  # a hash of a person's name identifies nobody on a page
        if not over_only or row["over"]:
            out.append(row)
    return out


# --------------------------------------------------------------------------- public

_PUBLIC_RESULT: Final = ("grp", "version", "agency", "item", "origin", "spotcheck", "object_index", "object_kind",
                         "object_name", "object_credit_code", "inspected_on", "concluded_on", "result",
                         "result_label", "published_at", "published_on", "channel", "batch", "text")
_PUBLIC_TASK: Final = ("grp", "agency", "items", "population", "sample_size", "inspectors_per_object", "period_from",
                       "period_until", "published_on", "drawn_on", "rederived", "completed_on", "status")
_TASK_JSON: Final = ("items", "inspectors", "drawn", "replacements", "skipped", "checks")


def public_spotcheck(db: Database, stream: str, as_of: date) -> dict[str, Any] | None:
    """A spot check as the public reads it: the plan, the draw with everything needed to re-derive it
    (and the command that does), and the results published by ``as_of`` of its inspections."""
    found = rows_of(db, f"SELECT * FROM {db.qualify('pub_spotchecks')} WHERE grp = ?", (stream,))
    if not found:
        return None
    task = found[0]
    task.pop("shown_utc", None)
    for column in _TASK_JSON:
        if isinstance(task.get(column), str):
            task[column] = orjson.loads(task[column])
    results = rows_of(db, f"SELECT {', '.join(_PUBLIC_RESULT)} FROM {db.qualify('pub_inspections')} "
                          "WHERE spotcheck = ? AND status = 'published' AND published_on <= ? "
                          "ORDER BY object_index, grp, version", (stream, as_of.isoformat()))
    return {"stream": stream, "as_of": as_of.isoformat(), "task": task, "results": results,
            "verify": DRAW_VERIFY.format(stream=stream)}


def public_inspection_entries(reader: Reader, as_of: date, *, agency: str | None, cursor: Sequence[Any] | None,
                              limit: int, search_active: bool = False) -> list[tuple[str, dict[str, Any]]]:
    """The inspection entries of the public disclosure list on ``as_of``, keyed by instant for merging
    with the others (``api.server.routes_public.disclosures``), at most ``limit + 1`` of each kind:
    ``inspection`` (a published result, not withdrawn) and ``spotcheck`` (a task, from its draw, or its
    plan's publication before it). A text search finds neither (they are not decisions)."""
    if search_active:
        return []
    day = as_of.isoformat()
    where_i, params_i = ["status = 'published'", "published_on <= ?"], [day]
    where_s, params_s = ["COALESCE(drawn_on, published_on) <= ?"], [day]
    if agency is not None:
        for where, params in ((where_i, params_i), (where_s, params_s)):
            where.append("agency = ?")
            params.append(agency)
    if cursor is not None:
        at, grp, version = cursor
        where_i.append("(published_utc < ? OR (published_utc = ? AND (grp < ? OR (grp = ? AND version < ?))))")
        params_i += [at, at, grp, grp, version]
        where_s.append("(shown_utc < ? OR (shown_utc = ? AND (grp < ? OR (grp = ? AND 0 < ?))))")
        params_s += [at, at, grp, grp, version]
    results = reader.rows(f"SELECT {', '.join(_PUBLIC_RESULT)}, published_utc FROM "
                          f"{reader.table('pub_inspections')} WHERE {' AND '.join(where_i)} "
                          "ORDER BY published_utc DESC, grp DESC, version DESC LIMIT ?", [*params_i, limit + 1])
    keyed = [(r.pop("published_utc") or "", _result_entry(r)) for r in results]
    tasks = reader.rows(f"SELECT {', '.join(_PUBLIC_TASK)}, shown_utc FROM {reader.table('pub_spotchecks')} "
                        f"WHERE {' AND '.join(where_s)} ORDER BY shown_utc DESC, grp DESC LIMIT ?",
                        [*params_s, limit + 1])
    keyed += [(r.pop("shown_utc") or "", _task_entry(r)) for r in tasks]
    return keyed


def _result_entry(row: dict[str, Any]) -> dict[str, Any]:
    grp = row.pop("grp")
    return {"kind": "inspection", "label": DISCLOSURE_KIND_LABELS["inspection"], "id": f"{grp}@{row['version']}",
            "case": grp, "at": row.get("published_at"), "document_no": None, **row}


def _task_entry(row: dict[str, Any]) -> dict[str, Any]:
    grp = row.pop("grp")
    row["items"] = orjson.loads(row["items"] or b"[]")
    return {"kind": "spotcheck", "label": DISCLOSURE_KIND_LABELS["spotcheck"], "id": f"{grp}@0", "case": grp,
            "version": 0, "at": row.get("drawn_on") or row.get("published_on"), "document_no": None, **row}
