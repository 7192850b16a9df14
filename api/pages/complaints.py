"""The complaint pages (``/ui/complaints…``): the supervisors' register and a complaint file.

Who reads what is ``/v1/complaints``'s rule (CMP-04, PUB-06, 信访工作条例 第30条第3款):

* the register: the supervisors of a bureau (its complaints) and administrators; others 403;
* a file, for a supervisor of its bureau or an administrator: everything, the complainant too;
* for a member of the agency complained of, or of one it was transferred or assigned to: the
  agency view only (a 投诉's complainant only when shared with that agency, never a 检举/举报's),
  with no link to the stream's events, which hold the complainant;
* anyone else: 404, the same answer whether the complaint exists or not (no oracle of numbers).
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from api.pages import kind_reads
from api.pages.common import choice, forbidden, missing
from api.pages.guards import Reader
from api.pages.web import Ctx, render
from api.server.routes_complaints import named_agencies
from audit.complaint_rulebook import COMPLAINT_PATH_LABELS
from audit.model import SEVERITY_LABELS
from domain.fields import MalformedStream, parse_stream
from projections import kind_queries
from projections.complaintfile import STATUS_LABELS as COMPLAINT_STATUS_LABELS

router = APIRouter(include_in_schema=False)


def supervises_complaints(ctx: Ctx) -> bool:
    """Whether the reader keeps a complaint register: a supervisor (of their bureau) or an administrator."""
    p = ctx.principal
    return p is not None and (p.is_admin or p.has_role("supervisor"))


@router.get("/ui/complaints")
def register(ctx: Reader) -> Response:
    assert ctx.principal is not None
    if not supervises_complaints(ctx):
        return forbidden(ctx, "投诉举报登记簿（仅执法监督人员）")
    p = ctx.principal
    bureaus = None if p.is_admin else [p.agency] if p.agency else []
    status = choice(ctx.request.query_params.get("status"), tuple(COMPLAINT_STATUS_LABELS))
    found = kind_reads.complaint_register(ctx.reads, bureaus, ctx.as_of, status)
    worst: dict[str, str] = {}
    for w in found["warnings"]:
        if worst.get(w["file"]) != "red":
            worst[w["file"]] = w["colour"]
    return render(ctx, "complaints.html", reg=found, chosen=status, statuses=COMPLAINT_STATUS_LABELS, worst=worst)


def _unknown(ctx: Ctx, number: str) -> Response:
    return missing(ctx, f"投诉举报案卷 {number}（或您无权查看）")


@router.get("/ui/complaints/{number}")
def complaint_file(number: str, ctx: Reader) -> Response:
    stream = number if number.startswith("complaint/") else f"complaint/{number}"
    try:
        parse_stream(stream)
    except MalformedStream:
        return _unknown(ctx, number)
    p = ctx.principal
    assert p is not None
    heading = kind_reads.complaint_heading(ctx.reads, stream)
    if heading is None:
        return _unknown(ctx, number)
    if ctx.svc.access.is_bureau_supervisor(p, heading["bureau"]):
        view = "supervisor"
        found = kind_reads.complaint_file(ctx.reads, stream, ctx.as_of, complainant=True, agency=None)
    elif p.agency is not None and p.agency in named_agencies(heading["against_agency"], heading["file"]):
        view = "agency"
        found = kind_reads.complaint_file(ctx.reads, stream, ctx.as_of, complainant=False, agency=p.agency)
    else:
        return _unknown(ctx, number)
    if found is None:
        return _unknown(ctx, number)
    full = view == "supervisor"
    evaluation = ctx.reads.evaluation(stream) if full else None
    concerned: dict[tuple[str, int], list[str]] = {}
    for f in (evaluation or {}).get("findings", []):
        for e in f.get("events", []):
            concerned.setdefault((e["stream"], int(e["version"])), []).append(str(f["rule"]))
    colours = {w.key: w.colour for w in kind_queries.file_warnings(
        ctx.reads.db, "proj_complaint_deadlines", ctx.as_of, groups=[stream], calendar=ctx.reads.calendar(),
        soon_days=ctx.reads.config.warnings.yellow_wd)}
    against = found.get("against_stream")
    supervision = found.get("supervision")
    return render(ctx, "complaint.html", stream=stream, cf=found, view=view, full=full, evaluation=evaluation,
                  concerned=concerned, colours=colours, audit=ctx.reads.has_audit(), severity_labels=SEVERITY_LABELS,
                  path_labels=COMPLAINT_PATH_LABELS,
                  against_readable=bool(against) and ctx.svc.access.can_read(p, str(against)),
                  supervision_readable=bool(supervision) and ctx.svc.access.can_read(p, str(supervision)))
