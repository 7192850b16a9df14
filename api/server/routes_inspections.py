"""Inspection files (行政检查) and random spot checks (双随机 抽查任务): lists, a file, a task with its draw
and how to re-derive it, INS-10's warnings, INS-06's count per object; and the public page of a task.

Every ``/v1/inspections`` and ``/v1/spotchecks`` route needs a token and follows ``Access``'s agency
scope, as licences do: an inspection concerns ``InspectionOpened.agency``, a task
``SpotCheckPlanned.agency``; their members, supervisors and administrators read them, others get
403. A task's draw is re-derived when read (``projections.inspectionfile.rederive``, as
``enforcement-ledger draw verify``), its beacon against this ledger's signed checkpoints.
``/v1/public/spotchecks/{number}`` needs no token: the 一公开 of a spot check (plan, draw, results),
from the public tables only. Recording a step is ``POST /v1/steps`` as for every step.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from pydantic import BaseModel, Field

from api.server import readmodels
from api.server.access import Principal
from api.server.auth import Authenticated, ServicesDep, forbidden
from api.server.problems import Problem, problem_responses
from api.server.readmodels import ReadModels, read_models
from api.server.state import Area
from audit.store import LedgerSource
from projections import inspection_queries
from projections.inspectionfile import fold_spotchecktask
from projections.inspectionfile.rederive import verify_draw

__all__ = ["area", "public_router", "router"]

router = APIRouter(prefix="/v1", tags=["inspections"])
public_router = APIRouter(prefix="/v1/public", tags=["public"])


class InspectionList(BaseModel):
    inspections: list[dict[str, Any]]
    next: str | None = Field(description="下一页的 cursor (没有更多时为 null)")


class InspectionFileOut(BaseModel):
    model_config = {"extra": "allow"}
    grp: str
    agency: str | None
    status: str
    timeline: list[dict[str, Any]]
    catalogue: list[dict[str, Any]]
    deadlines: list[dict[str, Any]]
    as_of: str


class InspectionWarnings(BaseModel):
    as_of: str
    warnings: list[dict[str, Any]]


class InspectionFrequency(BaseModel):
    year: int | None
    objects: list[dict[str, Any]] = Field(description="每个机关、对象、年度的日常和专项检查次数及频次上限 (INS-06)")


class SpotCheckList(BaseModel):
    spotchecks: list[dict[str, Any]]
    next: str | None = Field(description="下一页的 cursor (没有更多时为 null)")


class SpotCheckOut(BaseModel):
    model_config = {"extra": "allow"}
    grp: str
    agency: str | None
    status: str
    objects: list[dict[str, Any]] = Field(description="抽中的对象、检查人员 (替补后) 及其检查结果或未检查的原因")
    verify: str = Field(description="复算这次抽取的命令 (enforcement-ledger draw verify …)")
    rederivation: dict[str, Any] = Field(
        description="按本账本复算的每一项检查 (承诺、种子、信标检查点、序号、检查人员)")


class PublicSpotCheck(BaseModel):
    model_config = {"extra": "allow"}
    stream: str
    as_of: str
    task: dict[str, Any] = Field(description="计划、名录库快照、抽取 (承诺、秘密值、检查点、种子、抽中序号、检查人员)")
    results: list[dict[str, Any]] = Field(description="已公开的检查结果")
    verify: str


AsOf = Query(None, description="按此日期 (Asia/Shanghai) 计算期限状态 (默认今天)")
AgencyFilter = Query(None, max_length=200, description="机关 (DXH-CGJ 或 agency/DXH-CGJ)")
Cursor = Query(None, max_length=2000, description="上一页的 next")


def _stream(kind: str, number: str) -> str:
    return number if number.startswith(f"{kind}/") else f"{kind}/{number}"


def _covered(models: ReadModels, principal: Principal, agency: str | None) -> list[str] | None:
    """The agencies the reader lists (None: all); 403 when the reader asks for one they do not cover."""
    covered = models.covered(principal)
    if agency and covered is not None and agency not in covered:
        raise forbidden(f"{principal.identity} 无权读取 {agency} 的检查案卷")
    return [agency] if agency else covered


def _list(models: ReadModels, principal: Principal, search: inspection_queries.InspectionSearch,
          cursor: str | None, limit: int) -> dict[str, Any]:
    agencies = _covered(models, principal, search.agency or None)
    found, following = inspection_queries.inspections(models.db, search, agencies=agencies, cursor=cursor,
                                                      limit=limit)
    return {"inspections": found, "next": readmodels.encode_cursor([following]) if following is not None else None}


@router.get("/inspections", response_model=InspectionList, responses=problem_responses(401, 403, 422),
            summary="行政检查案卷列表 (按读者可读的机关过滤, 游标分页)")
async def inspections(principal: Authenticated, svc: ServicesDep, agency: str | None = AgencyFilter,
                      status: str | None = Query(None, max_length=100, description="案卷状态 (concluded、closed …)"),
                      result: str | None = Query(None, max_length=100, description="检查结果 (compliant …)"),
                      origin: str | None = Query(None, max_length=100, description="来源 (random、complaint …)"),
                      spotcheck: str | None = Query(None, max_length=200, description="抽查任务"),
                      q: str | None = Query(None, max_length=200, description="检索词: 编号、对象名称、信用代码"),
                      cursor: str | None = Cursor, limit: int = Query(100, ge=1, le=500)) -> Any:
    key = readmodels.decode_cursor(cursor, 1)
    search = inspection_queries.InspectionSearch(
        readmodels.stream_name("agency", agency) or "", status or "", result or "", origin or "",
        readmodels.stream_name("spotcheck", spotcheck) or "", q or "")
    return await run_in_threadpool(_list, read_models(svc), principal, search, str(key[0]) if key else None, limit)


def _warnings(models: ReadModels, principal: Principal, agency: str | None, as_of: date) -> dict[str, Any]:
    found = inspection_queries.inspection_warnings(models.db, as_of, agencies=_covered(models, principal, agency),
                                                   calendar=models.calendar(), config=models.config)
    return {"as_of": as_of.isoformat(), "warnings": found}


@router.get("/inspections/warnings", response_model=InspectionWarnings, responses=problem_responses(401, 403, 422),
            summary="检查结果公开预警: 作出结果后 20 个工作日内未公开 (INS-10, 黄: 即将到期, 红: 已逾期)")
async def warnings(principal: Authenticated, svc: ServicesDep, agency: str | None = AgencyFilter,
                   as_of: date | None = AsOf) -> Any:
    return await run_in_threadpool(_warnings, read_models(svc), principal, readmodels.stream_name("agency", agency),
                                   as_of or readmodels.today())


def _frequency(models: ReadModels, principal: Principal, agency: str | None, year: int | None,
               over: bool) -> dict[str, Any]:
    found = inspection_queries.inspection_frequency(
        models.db, agencies=_covered(models, principal, agency), year=year,
        default_cap=models.config.inspection.max_per_year or None, over_only=over)
    return {"year": year, "objects": found}


@router.get("/inspections/frequency", response_model=InspectionFrequency, responses=problem_responses(401, 403, 422),
            summary="同一对象年度检查次数与频次上限 (INS-06)")
async def frequency(principal: Authenticated, svc: ServicesDep, agency: str | None = AgencyFilter,
                    year: int | None = Query(None, ge=2000, le=2100, description="年度 (默认全部)"),
                    over: bool = Query(False, description="只列超过上限的对象")) -> Any:
    return await run_in_threadpool(_frequency, read_models(svc), principal, readmodels.stream_name("agency", agency),
                                   year, over)


def _file(models: ReadModels, principal: Principal, number: str, as_of: date) -> dict[str, Any]:
    stream = _stream("inspection", number)
    if not models.svc.access.can_read(principal, stream):
        raise forbidden(f"{principal.identity} 无权读取 {stream}")
    found = inspection_queries.inspection_file(models.db, stream, as_of=as_of, calendar=models.calendar(),
                                               config=models.config)
    if found is None:
        raise Problem(404, "not-found", f"读模型中没有检查案卷 {stream}")
    return found


@router.get("/inspections/{number}", response_model=InspectionFileOut, responses=problem_responses(401, 403, 404, 422),
            summary="检查案卷: 对象、审批、现场检查、结果、整改、移送、公开、卷内目录、时间线、期限")
async def inspection_file(number: str, principal: Authenticated, svc: ServicesDep,
                          as_of: date | None = AsOf) -> Any:
    return await run_in_threadpool(_file, read_models(svc), principal, number, as_of or readmodels.today())


def _tasks(models: ReadModels, principal: Principal, agency: str | None, cursor: str | None,
           limit: int) -> dict[str, Any]:
    found, following = inspection_queries.spotchecks(models.db, agencies=_covered(models, principal, agency),
                                                     cursor=cursor, limit=limit)
    return {"spotchecks": found, "next": readmodels.encode_cursor([following]) if following is not None else None}


@router.get("/spotchecks", response_model=SpotCheckList, responses=problem_responses(401, 403, 422),
            summary="双随机抽查任务列表 (按读者可读的机关过滤, 游标分页)")
async def spotchecks(principal: Authenticated, svc: ServicesDep, agency: str | None = AgencyFilter,
                     cursor: str | None = Cursor, limit: int = Query(100, ge=1, le=500)) -> Any:
    key = readmodels.decode_cursor(cursor, 1)
    return await run_in_threadpool(_tasks, read_models(svc), principal, readmodels.stream_name("agency", agency),
                                   str(key[0]) if key else None, limit)


def rederivation(models: ReadModels, stream: str) -> dict[str, Any]:
    """The task's draw re-derived from the ledger's events, its beacon against this ledger's signed
    checkpoints (``draw verify``'s report)."""
    history = [e.envelope for e in models.svc.ledger.read(stream)]
    task = fold_spotchecktask(stream, history)
    backfilled = task.draw is not None and any(t.backfilled for t in task.timeline if t.version == task.draw.version)
    return verify_draw(task, LedgerSource(models.db).log(), backfilled=backfilled).as_json()


def _task(models: ReadModels, principal: Principal, number: str) -> dict[str, Any]:
    stream = _stream("spotcheck", number)
    if not models.svc.access.can_read(principal, stream):
        raise forbidden(f"{principal.identity} 无权读取 {stream}")
    found = inspection_queries.spotcheck_task(models.db, stream)
    if found is None:
        raise Problem(404, "not-found", f"读模型中没有抽查任务 {stream}")
    found["rederivation"] = rederivation(models, stream)
    return found


@router.get("/spotchecks/{number}", response_model=SpotCheckOut, responses=problem_responses(401, 403, 404, 422),
            summary="抽查任务: 计划、名录库快照、抽取及其复算、抽中对象与检查人员、各对象的检查结果")
async def spotcheck(number: str, principal: Authenticated, svc: ServicesDep) -> Any:
    return await run_in_threadpool(_task, read_models(svc), principal, number)


@public_router.get("/spotchecks/{number}", response_model=PublicSpotCheck,
                   responses={304: {"description": "未改变 (If-None-Match 与 ETag 相同)"},
                              **problem_responses(404, 422)},
                   summary="双随机、一公开: 一次抽查的计划、抽取 (及如何复算) 与已公开的检查结果")
async def public_spotcheck(request: Request, svc: ServicesDep, number: str, as_of: date | None = AsOf) -> Response:
    models = read_models(svc)
    stream = _stream("spotcheck", number)
    found = await run_in_threadpool(inspection_queries.public_spotcheck, models.db, stream,
                                    as_of or readmodels.today())
    if found is None:
        raise Problem(404, "not-found", f"没有公示的抽查任务 {stream}")
    return readmodels.json_answer(request, found)


def area() -> Area:
    both = APIRouter()
    both.include_router(router)
    both.include_router(public_router)
    return Area("inspections", both)
