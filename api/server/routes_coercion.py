"""行政强制 for those allowed to read it: the 强制 files, one file, the measures list with its warnings;
and, for everyone, the 事后公开 of coercion results (PUB-06).

The staff routes need a token and follow ``Access``'s agency scope as the licence routes do: a
``coercion/`` stream concerns the agency that opened it (``CoercionOpened.agency``), a measure on a
``case/`` stream the case's agency; its members, its supervisors and administrators read it, others
get 403. The measures list spans both kinds of stream (``file_kind``: ``coercion`` or ``case``); a
case's own measures and enforcement are in its file (``GET /v1/cases/{number}``, EVAL-04 item 7).
``GET /v1/public/coercion`` reads ``pub_coercions`` only: an organisation's name, a natural person
masked, never the items, a freezing's account or amount. Recording is ``POST /v1/steps``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from api.server import readmodels
from api.server.access import Principal
from api.server.auth import Authenticated, ServicesDep, forbidden
from api.server.problems import Problem, problem_responses
from api.server.readmodels import ReadModels, read_models
from api.server.state import Area
from projections import coercion_queries

staff = APIRouter(prefix="/v1/coercion", tags=["coercion files"])
public = APIRouter(prefix="/v1/public", tags=["public"])


class CoercionList(BaseModel):
    coercions: list[dict[str, Any]]
    next: str | None = Field(description="下一页的 cursor (没有更多时为 null)")


class CoercionFileOut(BaseModel):
    model_config = ConfigDict(extra="allow")
    grp: str
    agency: str | None
    status: str
    timeline: list[dict[str, Any]]
    catalogue: list[dict[str, Any]]
    measures: list[dict[str, Any]]
    enforcement: dict[str, Any] | None
    deadlines: list[dict[str, Any]]
    warnings: list[dict[str, Any]]
    as_of: str


class MeasureList(BaseModel):
    as_of: str
    total: int = Field(description="符合条件的强制措施数")
    measures: list[dict[str, Any]] = Field(
        description="每项措施: 种类、所在流、机关、起始日、期限末日及其状态、财物及其处理")
    warnings: list[dict[str, Any]] = Field(description="预警: 期限将届满 (黄)、已超期 (红)、催告期间 (running)")


class PublicCoercions(BaseModel):
    model_config = ConfigDict(extra="allow")
    as_of: str
    total: int
    items: list[dict[str, Any]]


AsOf = Query(None, description="按此日期 (Asia/Shanghai) 计算期限状态与预警 (默认今天)")
PublicAsOf = Query(None, description="按此日期 (Asia/Shanghai) 的公示 (默认今天)")
AgencyFilter = Query(None, max_length=200, description="实施机关 (DXH-CGJ 或 agency/DXH-CGJ)")


def coercion_stream(number: str) -> str:
    return number if number.startswith("coercion/") else f"coercion/{number}"


def _scope(models: ReadModels, principal: Principal, agency: str | None) -> list[str] | None:
    covered = models.covered(principal)
    if agency and covered is not None and agency not in covered:
        raise forbidden(f"{principal.identity} 无权读取 {agency} 的行政强制信息")
    return [agency] if agency else covered


def _list(models: ReadModels, principal: Principal, search: coercion_queries.CoercionSearch, cursor: str | None,
          limit: int) -> dict[str, Any]:
    covered = _scope(models, principal, search.agency or None)
    found, following = coercion_queries.coercions(models.db, search, agencies=covered, cursor=cursor, limit=limit)
    return {"coercions": found, "next": readmodels.encode_cursor([following]) if following is not None else None}


@staff.get("", response_model=CoercionList, responses=problem_responses(401, 403, 422),
           summary="行政强制案卷列表 (coercion/ 流; 按读者可读的机关过滤, 游标分页)")
async def coercions(principal: Authenticated, svc: ServicesDep, agency: str | None = AgencyFilter,
                    status: str | None = Query(None, max_length=100,
                                               description="案卷状态 (measure、ended、archived …)"),
                    purpose: str | None = Query(None, max_length=100, description="measure (强制措施) 或 enforcement"),
                    q: str | None = Query(None, max_length=200, description="检索词: 编号、当事人 (已遮蔽)、事项"),
                    cursor: str | None = Query(None, max_length=2000, description="上一页的 next"),
                    limit: int = Query(100, ge=1, le=500)) -> Any:
    key = readmodels.decode_cursor(cursor, 1)
    search = coercion_queries.CoercionSearch(readmodels.stream_name("agency", agency) or "", status or "",
                                             purpose or "", q or "")
    return await run_in_threadpool(_list, read_models(svc), principal, search, str(key[0]) if key else None, limit)


def _measures(models: ReadModels, principal: Principal, search: coercion_queries.MeasureSearch, as_of: date,
              offset: int, limit: int) -> dict[str, Any]:
    covered = _scope(models, principal, search.agency or None)
    calendar, config = models.calendar(), models.config
    found, total = coercion_queries.measures(models.db, search, agencies=covered, as_of=as_of, calendar=calendar,
                                             config=config, offset=offset, limit=limit)
    warned = coercion_queries.coercion_warnings(models.db, as_of, calendar=calendar, agencies=covered,
                                                soon_days=config.warnings.yellow_wd)
    return {"as_of": as_of.isoformat(), "total": total, "measures": found, "warnings": warned}


@staff.get("/measures", response_model=MeasureList, responses=problem_responses(401, 403, 422),
           summary="强制措施台账与预警: coercion/ 与案件中的查封、扣押、冻结 (COE-08 期限, ENF-02 催告期间)")
async def measures(principal: Authenticated, svc: ServicesDep, agency: str | None = AgencyFilter,
                   file_kind: str | None = Query(None, pattern="^(coercion|case)$",
                                                 description="coercion (独立强制案卷) 或 case (处罚案件中)"),
                   measure: str | None = Query(None, pattern="^(seal|seize|freeze)$", description="查封、扣押、冻结"),
                   status: str | None = Query(None, pattern="^(running|released|disposed)$",
                                              description="running (实施中)、released (已解除)、disposed (已处理)"),
                   as_of: date | None = AsOf, offset: int = Query(0, ge=0, le=1_000_000),
                   limit: int = Query(100, ge=1, le=500)) -> Any:
    search = coercion_queries.MeasureSearch(readmodels.stream_name("agency", agency) or "", file_kind or "",
                                            measure or "", status or "")
    return await run_in_threadpool(_measures, read_models(svc), principal, search, as_of or readmodels.today(),
                                   offset, limit)


def _file(models: ReadModels, principal: Principal, number: str, as_of: date) -> dict[str, Any]:
    stream = coercion_stream(number)
    if not models.svc.access.can_read(principal, stream):
        raise forbidden(f"{principal.identity} 无权读取 {stream}")
    found = coercion_queries.coercion_file(models.db, stream, as_of=as_of, calendar=models.calendar(),
                                           config=models.config)
    if found is None:
        raise Problem(404, "not-found", f"读模型中没有行政强制案卷 {stream}")
    return found


@staff.get("/{number}", response_model=CoercionFileOut, responses=problem_responses(401, 403, 404, 422),
           summary="行政强制案卷: 当事人、措施与财物处理、强制执行、卷内目录、时间线、期限及其状态、预警")
async def coercion_file(number: str, principal: Authenticated, svc: ServicesDep, as_of: date | None = AsOf) -> Any:
    return await run_in_threadpool(_file, read_models(svc), principal, number, as_of or readmodels.today())


@public.get("/coercion", response_model=PublicCoercions, responses=problem_responses(422),
            summary="事后公开: 行政强制措施与强制执行结果 (PUB-06; 自然人遮蔽, 不含财物清单和账户)")
async def public_coercions(request: Request, svc: ServicesDep, agency: str | None = AgencyFilter,
                           as_of: date | None = PublicAsOf,
                           offset: int = Query(0, ge=0, le=1_000_000), limit: int = Query(100, ge=1, le=500)
                           ) -> Response:
    models = read_models(svc)
    day = as_of or readmodels.today()

    def answer() -> dict[str, Any]:
        if not models.db.exists("pub_coercions"):
            return {"as_of": day.isoformat(), "total": 0, "items": []}
        found, total = coercion_queries.public_coercions(models, day, agency=readmodels.stream_name("agency", agency),
                                                         offset=offset, limit=limit)
        return {"as_of": day.isoformat(), "total": total, "items": found}

    return readmodels.json_answer(request, await run_in_threadpool(answer))


router = APIRouter()
router.include_router(staff)
router.include_router(public)


def area() -> Area:
    return Area("coercion", router)
