"""The inspection pages (``/ui/inspections…``, ``/ui/spotchecks/…``) and the public page of a spot check
(``/public/spotchecks/…``, 双随机、一公开).

Who reads the staff pages is who reads ``/v1/inspections`` and ``/v1/spotchecks``: an inspection or a
task belongs to its agency (:meth:`~api.server.access.Access.can_read` on its stream), read by its
members, its supervisors and administrators; anyone else gets the same 403 whether the file exists or
not. The public page reads ``pub_spotchecks`` and ``pub_inspections`` only, and the log's signed
checkpoints to confirm the draw's beacon.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from api.pages.common import agency_param, choice, forbidden, missing
from api.pages.guards import Reader, Visitor
from api.pages.web import Ctx, render
from api.server.readmodels import read_models
from api.server.routes_inspections import rederivation
from audit.store import LedgerSource
from domain.fields import MalformedStream, parse_stream
from projections import inspection_queries
from projections.inspection_queries import InspectionSearch
from projections.inspectionfile import RESULT_LABELS
from projections.inspectionfile.model import STATUS_LABELS

router = APIRouter(include_in_schema=False)

ORIGIN_LABELS = {"random": "双随机抽查", "routine": "日常检查", "special": "专项检查", "key_sector": "重点监管",
                 "complaint": "投诉举报", "referral": "转办交办", "other": "其他"}
CHECK_MARKS = {"ok": "一致", "fail": "不符", "unverified": "未核验"}
PAGE = 100


def _stream(kind: str, number: str) -> str | None:
    stream = number if number.startswith(f"{kind}/") else f"{kind}/{number}"
    try:
        parse_stream(stream)
    except MalformedStream:
        return None
    return stream


def _ready(ctx: Ctx, table: str) -> bool:
    return ctx.reads.db.exists(table)


@router.get("/ui/inspections")
def inspections(ctx: Reader) -> Response:
    """Inspection files and spot-check tasks of the reader's agencies, INS-10's warnings and the objects
    inspected more often than their yearly cap (INS-06)."""
    q = ctx.request.query_params
    search = InspectionSearch(agency=agency_param(q.get("agency")),
                              origin=choice(q.get("origin"), tuple(ORIGIN_LABELS)),
                              result=choice(q.get("result"), tuple(RESULT_LABELS)), text=(q.get("q") or "")[:100])
    scope = ctx.agencies_in_scope()
    if search.agency and scope is not None and search.agency not in scope:
        return forbidden(ctx, search.agency)
    wanted = [search.agency] if search.agency else scope
    after = (q.get("after") or "")[:300] or None
    db, reads = ctx.reads.db, ctx.reads
    found: list[dict[str, Any]] = []
    following: str | None = None
    tasks: list[dict[str, Any]] = []
    warned: list[dict[str, Any]] = []
    over: list[dict[str, Any]] = []
    if _ready(ctx, "proj_inspections"):
        found, following = inspection_queries.inspections(db, search, agencies=scope, cursor=after, limit=PAGE)
        tasks = inspection_queries.spotchecks(db, agencies=wanted, cursor=None, limit=PAGE)[0]
        warned = inspection_queries.inspection_warnings(db, ctx.as_of, agencies=wanted, calendar=reads.calendar(),
                                                        config=reads.config)
        over = inspection_queries.inspection_frequency(db, agencies=wanted, year=ctx.as_of.year,
                                                       default_cap=reads.config.inspection.max_per_year or None,
                                                       over_only=True)
    agencies = [a for a in reads.agencies() if scope is None or a["stream"] in scope]
    return render(ctx, "inspections.html", rows=found, following=following, tasks=tasks, warnings=warned,
                  over=over, search=search, agencies=agencies, origins=ORIGIN_LABELS, results=RESULT_LABELS,
                  statuses=STATUS_LABELS)


@router.get("/ui/inspections/{number}")
def inspection_file(number: str, ctx: Reader) -> Response:
    stream = _stream("inspection", number)
    if stream is None:
        return missing(ctx, f"检查案卷 {number}")
    assert ctx.principal is not None
    if not ctx.svc.access.can_read(ctx.principal, stream):
        return forbidden(ctx, stream)
    found = inspection_queries.inspection_file(ctx.reads.db, stream, as_of=ctx.as_of, calendar=ctx.reads.calendar(),
                                               config=ctx.reads.config) if _ready(ctx, "proj_inspections") else None
    if found is None:
        return missing(ctx, f"检查案卷 {stream} 的读模型（若刚记录，请等投影更新）")
    found["item_name"] = ctx.reads.item_name(found.get("agency"), found.get("item"))
    colours = {d["key"]: {"missed": "red", "due_soon": "yellow"}.get(d["state"]) for d in found["deadlines"]}
    return render(ctx, "inspection.html", stream=stream, f=found, origins=ORIGIN_LABELS, colours=colours,
                  evaluation=ctx.reads.evaluation(stream), audit=ctx.reads.has_audit(),
                  task_readable=bool(found.get("spotcheck")) and ctx.svc.access.can_read(
                      ctx.principal, str(found.get("spotcheck"))))


@router.get("/ui/spotchecks/{number}")
def spotcheck(number: str, ctx: Reader) -> Response:
    stream = _stream("spotcheck", number)
    if stream is None:
        return missing(ctx, f"抽查任务 {number}")
    assert ctx.principal is not None
    if not ctx.svc.access.can_read(ctx.principal, stream):
        return forbidden(ctx, stream)
    found = inspection_queries.spotcheck_task(ctx.reads.db, stream) if _ready(ctx, "proj_spotchecks") else None
    if found is None:
        return missing(ctx, f"抽查任务 {stream} 的读模型（若刚记录，请等投影更新）")
    report = rederivation(read_models(ctx.svc), stream)
    return render(ctx, "spotcheck.html", stream=stream, t=found, report=report, marks=CHECK_MARKS,
                  evaluation=ctx.reads.evaluation(stream), audit=ctx.reads.has_audit())


def beacon_check(ctx: Ctx, task: dict[str, Any]) -> str:
    """Whether the draw's beacon is a checkpoint the log has signed: ``ok``, ``fail`` (another root)
    or ``unverified`` (the log holds no checkpoint of that size: a 补录 draw)."""
    size, root = task.get("beacon_size"), task.get("beacon_root")
    if size is None:
        return "unverified"
    signed = LedgerSource(ctx.reads.db).log().checkpoint_root(int(size))
    if signed is None:
        return "unverified"
    return "ok" if signed == root else "fail"


@router.get("/public/spotchecks/{number}")
def public_spotcheck(number: str, ctx: Visitor) -> Response:
    """双随机、一公开: the plan, the draw and how to re-derive it, and the published results."""
    stream = _stream("spotcheck", number)
    found = inspection_queries.public_spotcheck(ctx.reads.db, stream, ctx.as_of) \
        if stream is not None and _ready(ctx, "pub_spotchecks") else None
    if found is None:
        return missing(ctx, f"公示的抽查任务 {number}")
    return render(ctx, "public_spotcheck.html", public=True, stream=stream, p=found, task=found["task"],
                  beacon=beacon_check(ctx, found["task"]), marks=CHECK_MARKS, origins=ORIGIN_LABELS)
