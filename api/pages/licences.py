"""The licence pages (``/ui/licences…``): the list, a licence file, the register of a licence.

Who reads them is who reads ``/v1/licences``: a licence belongs to the agency that decides it
(:meth:`~api.server.access.Access.can_read` on its stream): its members, its supervisors and
administrators; anyone else gets the same 403 whether the file exists or not, as on the case pages.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api.pages import kind_reads
from api.pages.common import GRADES, agency_param, bounded_int, choice, forbidden, missing
from api.pages.guards import Reader
from api.pages.kind_reads import LicenceFilter
from api.pages.web import Ctx, render
from audit.licence_rulebook import LICENCE_PATH_LABELS
from audit.model import SEVERITY_LABELS
from domain.fields import MalformedStream, parse_stream
from projections import kind_queries
from projections.labels import LICENCE_APPLICATION_LABELS, LICENCE_DECISION_LABELS
from projections.licencefile import STATUS_LABELS as LICENCE_STATUS_LABELS

router = APIRouter(include_in_schema=False)


def licence_filter(request: Request) -> LicenceFilter:
    q = request.query_params
    return LicenceFilter(text=(q.get("q") or "")[:100], agency=agency_param(q.get("agency")),
                         status=choice(q.get("status"), tuple(LICENCE_STATUS_LABELS)),
                         decision=choice(q.get("decision"), tuple(LICENCE_DECISION_LABELS)),
                         grade=choice(q.get("grade"), GRADES), page=bounded_int(q.get("page"), 1))


def licence_stream(number: str) -> str | None:
    stream = number if number.startswith("licence/") else f"licence/{number}"
    try:
        parse_stream(stream)
    except MalformedStream:
        return None
    return stream


@router.get("/ui/licences")
def licences(ctx: Reader) -> Response:
    flt = licence_filter(ctx.request)
    scope = ctx.agencies_in_scope()
    found = kind_reads.licences(ctx.reads, scope, flt, ctx.as_of)
    agencies = [a for a in ctx.reads.agencies() if scope is None or a["stream"] in scope]
    return render(ctx, "licences.html", page=found, flt=flt, agencies=agencies, grades=GRADES,
                  audit=ctx.reads.has_audit(), statuses=LICENCE_STATUS_LABELS, decisions=LICENCE_DECISION_LABELS,
                  applications=LICENCE_APPLICATION_LABELS)


@router.get("/ui/licences/register/{licence_no}")
def register(licence_no: str, ctx: Reader) -> Response:
    """A licence from grant through change and renewal to 撤回/撤销/注销, in the reader's agencies."""
    assert ctx.principal is not None
    found = kind_reads.licence_register(ctx.reads, licence_no[:200], ctx.as_of)
    found["events"] = [e for e in found["events"] if ctx.svc.access.covers_agency(ctx.principal, e.get("agency"))]
    if not found["events"]:
        return missing(ctx, f"许可证号 {licence_no} 的登记（或您无权查看）")
    return render(ctx, "licence_register.html", reg=found, licence_no=licence_no,
                  applications=LICENCE_APPLICATION_LABELS)


@router.get("/ui/licences/{number}")
def licence_file(number: str, ctx: Reader) -> Response:
    stream = licence_stream(number)
    if stream is None:
        return missing(ctx, f"许可案卷 {number}")
    assert ctx.principal is not None
    if not ctx.svc.access.can_read(ctx.principal, stream):
        return forbidden(ctx, stream)  # existing or not alike, as the case pages
    lf = kind_reads.licence_file(ctx.reads, stream, ctx.as_of)
    if lf is None:
        return missing(ctx, f"许可案卷 {stream} 的读模型（若刚记录，请等投影更新）")
    lf["item_name"] = ctx.reads.item_name(lf.get("agency"), lf.get("item"))
    evaluation = ctx.reads.evaluation(stream)
    concerned: dict[tuple[str, int], list[str]] = {}
    for f in (evaluation or {}).get("findings", []):
        for e in f.get("events", []):
            concerned.setdefault((e["stream"], int(e["version"])), []).append(str(f["rule"]))
    colours = _colours(ctx, stream)
    concerns = lf.get("concerns_stream")
    return render(ctx, "licence.html", stream=stream, lf=lf, evaluation=evaluation, concerned=concerned,
                  severity_labels=SEVERITY_LABELS, path_labels=LICENCE_PATH_LABELS, audit=ctx.reads.has_audit(),
                  colours=colours, applications=LICENCE_APPLICATION_LABELS,
                  concerns_readable=bool(concerns) and ctx.svc.access.can_read(ctx.principal, str(concerns)))


def _colours(ctx: Ctx, stream: str) -> dict[str, str]:
    """deadline key → warning colour on ``as_of`` of this file's running deadlines."""
    reads = ctx.reads
    if not reads.db.exists("proj_licence_deadlines"):
        return {}
    return {w.key: w.colour for w in kind_queries.file_warnings(
        reads.db, "proj_licence_deadlines", ctx.as_of, groups=[stream], calendar=reads.calendar(),
        soon_days=reads.config.warnings.yellow_wd)}
