"""The pages' spreadsheets: each table's download link (``….xlsx``, ``….csv``).

| download | rows |
|---|---|
| ``/ui/cases.{xlsx,csv}`` | every case of the case list under the page's filters (all pages) |
| ``/ui/supervision/warnings.{xlsx,csv}`` | the warnings page's list (colour, agency) |
| ``/ui/supervision/statistics.{xlsx,csv}?year=`` | statistics per agency and year (as ``/v1/supervision/statistics``) |
| ``/ui/supervision/rectifications.{xlsx,csv}`` | rectification orders and their reports |
| ``/ui/supervision/evaluations.{xlsx,csv}?agency=&grade=`` | the stored evaluations |
| ``/ui/supervision/sample.{xlsx,csv}?n=&seed=&agency=`` | the stored evaluations of the sample page's draw |

Each reuses its page's query (``cases.case_filter``, ``supervision.warning_list``) or the API's list
function, and the same login and read policy: a reader gets only the rows of the agencies they
read. The columns and formats are those of :mod:`api.tables_export`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from fastapi import APIRouter
from fastapi.responses import Response

from api.pages.cases import case_filter
from api.pages.common import GRADES, bounded_int, choice, forbidden
from api.pages.guards import Reader
from api.pages.supervision import sample_draw, warning_list
from api.pages.web import Ctx
from api.server import routes_supervision
from api.server.readmodels import read_models
from api.server.tabular import table_response
from api.tables_export import (
    FORMATS,
    Names,
    Table,
    cases_table,
    evaluations_table,
    rectifications_table,
    statistics_table,
    warnings_table,
)
from audit.table import query as stored_evaluations

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

EXPORT_ROWS = 1_000_000
"""The case list's spreadsheet holds every matching case on one sheet."""


def _names(ctx: Ctx) -> Names:
    return Names(ctx.reads.agency_names(), ctx.reads.officer_names())


def _answer(ctx: Ctx, table: Table, fmt: str) -> Response:
    response = table_response(table, fmt, day=ctx.as_of)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _cases(ctx: Ctx, fmt: str) -> Response:
    flt = replace(case_filter(ctx.request), page=1)
    audit = ctx.reads.ready() and ctx.reads.has_audit()
    rows = ctx.reads.cases(ctx.agencies_in_scope(), flt, ctx.as_of, size=EXPORT_ROWS).rows if ctx.reads.ready() else []
    return _answer(ctx, cases_table(rows, _names(ctx), evaluated=audit, coloured=True), fmt)


def _warnings(ctx: Ctx, fmt: str) -> Response:
    q = ctx.request.query_params
    found = warning_list(ctx, q.get("colour") or "", q.get("agency") or "")
    return _answer(ctx, warnings_table(found, _names(ctx)), fmt)


def _statistics(ctx: Ctx, fmt: str) -> Response:
    assert ctx.principal is not None
    year = bounded_int(ctx.request.query_params.get("year"), 0, 0, 9999) or None
    found = routes_supervision._statistics(read_models(ctx.svc), ctx.principal, None, year) if ctx.reads.ready() else []
    return _answer(ctx, statistics_table(found, _names(ctx)), fmt)


def _rectifications(ctx: Ctx, fmt: str) -> Response:
    assert ctx.principal is not None
    found = routes_supervision.rectifications(read_models(ctx.svc), ctx.principal, None, ctx.as_of)
    return _answer(ctx, rectifications_table(found, _names(ctx)), fmt)


def _sample(ctx: Ctx, fmt: str) -> Response:
    q = ctx.request.query_params
    chosen = q.get("agency") or ""
    scope = ctx.agencies_in_scope()
    if chosen and scope is not None and chosen not in scope:
        return forbidden(ctx, f"{chosen} 的案卷")
    picked = sample_draw(ctx, chosen, bounded_int(q.get("n"), 10, 1, 500), bounded_int(q.get("seed"), 1, 0, 2**31)) \
        if ctx.reads.ready() else []
    found = stored_evaluations(ctx.reads.db, cases=picked, order="case") if picked and ctx.reads.has_audit() else []
    return _answer(ctx, evaluations_table(found, _names(ctx)), fmt)


def _evaluations(ctx: Ctx, fmt: str) -> Response:
    assert ctx.principal is not None
    agency = ctx.request.query_params.get("agency") or None
    scope = ctx.agencies_in_scope()
    if agency is not None and scope is not None and agency not in scope:
        return forbidden(ctx, f"{agency} 的评查结果")
    grade = choice(ctx.request.query_params.get("grade"), GRADES) or None
    found = routes_supervision.evaluations(read_models(ctx.svc), ctx.principal, agency, grade, None)
    return _answer(ctx, evaluations_table(found, _names(ctx)), fmt)


Handler = Callable[[Ctx, str], Response]


def _endpoint(handler: Handler, fmt: str) -> Callable[..., Response]:
    def endpoint(ctx: Reader) -> Response:
        return handler(ctx, fmt)
    return endpoint


for _path, _handler in (("/ui/cases", _cases), ("/ui/supervision/warnings", _warnings),
                        ("/ui/supervision/statistics", _statistics),
                        ("/ui/supervision/rectifications", _rectifications),
                        ("/ui/supervision/evaluations", _evaluations), ("/ui/supervision/sample", _sample)):
    for _fmt in FORMATS:
        router.add_api_route(f"{_path}.{_fmt}", _endpoint(_handler, _fmt), methods=["GET"])
