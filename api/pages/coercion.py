"""The 行政强制 pages (``/ui/coercion…``): the 强制 files, one file, the measures list with its warnings;
and the public page of the published results (``/public/coercion``, 事后公开, PUB-06).

Who reads them is who reads ``/v1/coercion``: a ``coercion/`` stream belongs to the agency that opened
it (:meth:`~api.server.access.Access.can_read`), a measure inside a case to the case's agency; lists
show the reader's agencies only (``agencies_in_scope``). Anyone else gets the same 403 whether the
file exists or not, as on the case pages. The case page shows a case's own measures
(``coercion_measures.html``, the same table as here). The public page reads ``pub_coercions`` only: an
organisation's name and code, a natural person masked (张某某), never the items or a freezing's account.
"""

from __future__ import annotations

from itertools import groupby
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from api.pages.common import agency_param, bounded_int, choice, forbidden, missing
from api.pages.guards import Reader, Visitor
from api.pages.reads import PAGE_SIZE, Page
from api.pages.web import render
from domain.fields import MalformedStream, parse_stream
from projections import coercion_queries
from projections.coercion_labels import MEASURE_NAMES, MEASURE_STATUS_LABELS
from projections.coercionfile import STATUS_LABELS

router = APIRouter(include_in_schema=False)

FILE_KINDS = {"coercion": "独立强制案卷", "case": "处罚案件中"}


def coercion_stream(number: str) -> str | None:
    stream = number if number.startswith("coercion/") else f"coercion/{number}"
    try:
        parse_stream(stream)
    except MalformedStream:
        return None
    return stream


@router.get("/ui/coercion")
def coercions(ctx: Reader) -> Response:
    q = ctx.request.query_params
    scope = ctx.agencies_in_scope()
    agency = agency_param(q.get("agency"))
    if agency and scope is not None and agency not in scope:
        return forbidden(ctx, f"{agency} 的行政强制案卷")
    search = coercion_queries.CoercionSearch(agency, choice(q.get("status"), tuple(STATUS_LABELS)),
                                             choice(q.get("purpose"), ("measure", "enforcement")),
                                             (q.get("q") or "")[:100])
    number = bounded_int(q.get("page"), 1)
    rows: list[dict[str, object]] = []
    total = 0
    if ctx.reads.db.exists("proj_coercions"):
        rows, total = coercion_queries.coercion_page(ctx.reads.db, search, agencies=scope,
                                                     offset=(number - 1) * PAGE_SIZE, limit=PAGE_SIZE)
    agencies = [a for a in ctx.reads.agencies() if scope is None or a["stream"] in scope]
    params = {k: v for k, v in (("agency", search.agency), ("status", search.status), ("purpose", search.purpose),
                                ("q", search.text)) if v}
    return render(ctx, "coercions.html", page=Page(rows, total, number), search=search, agencies=agencies,
                  statuses=STATUS_LABELS, params=params)


@router.get("/ui/coercion/measures")
def measures(ctx: Reader) -> Response:
    q = ctx.request.query_params
    scope = ctx.agencies_in_scope()
    agency = agency_param(q.get("agency"))
    if agency and scope is not None and agency not in scope:
        return forbidden(ctx, f"{agency} 的强制措施")
    search = coercion_queries.MeasureSearch(agency, choice(q.get("file_kind"), tuple(FILE_KINDS)),
                                            choice(q.get("measure"), tuple(MEASURE_NAMES)),
                                            choice(q.get("status"), tuple(MEASURE_STATUS_LABELS)))
    wanted = [agency] if agency else scope
    number = bounded_int(q.get("page"), 1)
    reads = ctx.reads
    found: list[dict[str, object]] = []
    total = 0
    warnings: list[dict[str, object]] = []
    if reads.db.exists("proj_measures"):
        found, total = coercion_queries.measures(reads.db, search, agencies=wanted, as_of=ctx.as_of,
                                                 calendar=reads.calendar(), config=reads.config,
                                                 offset=(number - 1) * PAGE_SIZE, limit=PAGE_SIZE)
        warnings = coercion_queries.coercion_warnings(reads.db, ctx.as_of, calendar=reads.calendar(),
                                                      agencies=wanted, soon_days=reads.config.warnings.yellow_wd)
    params = {k: v for k, v in (("agency", search.agency), ("file_kind", search.file_kind),
                                ("measure", search.measure), ("status", search.status)) if v}
    agencies = [a for a in reads.agencies() if scope is None or a["stream"] in scope]
    return render(ctx, "coercion_measures.html", page=Page(found, total, number), measures=found,
                  warnings=warnings, search=search, params=params, agencies=agencies, file_kinds=FILE_KINDS,
                  kinds=MEASURE_NAMES, statuses=MEASURE_STATUS_LABELS,
                  reds=sum(1 for w in warnings if w["colour"] == "red"),
                  yellows=sum(1 for w in warnings if w["colour"] == "yellow"))


@router.get("/ui/coercion/{number}")
def coercion_file(number: str, ctx: Reader) -> Response:
    stream = coercion_stream(number)
    if stream is None:
        return missing(ctx, f"行政强制案卷 {number}")
    assert ctx.principal is not None
    if not ctx.svc.access.can_read(ctx.principal, stream):
        return forbidden(ctx, stream)  # existing or not alike, as the case pages
    reads = ctx.reads
    f = coercion_queries.coercion_file(reads.db, stream, as_of=ctx.as_of, calendar=reads.calendar(),
                                       config=reads.config) if reads.db.exists("proj_coercions") else None
    if f is None:
        return missing(ctx, f"行政强制案卷 {stream} 的读模型（若刚记录，请等投影更新）")
    f["item_name"] = reads.item_name(f.get("agency"), f.get("item"))
    colours = {w["key"]: w["colour"] for w in f["warnings"]}
    origin = f.get("origin")
    return render(ctx, "coercion.html", stream=stream, f=f, colours=colours,
                  origin_readable=bool(origin) and ctx.svc.access.can_read(ctx.principal, str(origin)))


@router.get("/public/coercion")
def public_coercion(ctx: Visitor) -> Response:
    """行政强制公示: the published measures and enforcement decisions, newest first, paged; one
    publication's lines under its anchor (``coercion_queries.coercion_anchor``), which the feeds link to
    with ``?file=`` (that stream's lines only, so the anchor is on the first page)."""
    q = ctx.request.query_params
    agency = agency_param(q.get("agency"))
    wanted = (q.get("file") or "").strip()[:200]
    file = wanted if wanted.startswith(("coercion/", "case/")) else ""
    number = bounded_int(q.get("page"), 1)
    rows: list[dict[str, Any]] = []
    total = 0
    if ctx.reads.db.exists("pub_coercions"):
        rows, total = coercion_queries.public_coercions(ctx.reads, ctx.as_of, agency=agency or None,
                                                        offset=(number - 1) * PAGE_SIZE, limit=PAGE_SIZE,
                                                        file=file or None)
    publications = [{"anchor": coercion_queries.coercion_anchor(grp, version), "rows": list(lines)}
                    for (grp, version), lines in groupby(rows, key=lambda r: (str(r["grp"]), int(r["version"])))]
    params = {k: v for k, v in (("agency", agency), ("file", file)) if v}
    return render(ctx, "public_coercion.html", public=True, page=Page(rows, total, number),
                  publications=publications, agencies=ctx.reads.agencies(), agency_filter=agency, file=file,
                  params=params)
