"""Licence files (行政许可) for those allowed to read them: the list, a file, the register of a licence,
the warnings of running licence deadlines.

Every route needs a token and follows ``Access``'s agency scope: a licence stream concerns the
agency that decides it (``LicenceApplied.agency``, ``LicenceProceedingOpened.agency``); its members,
its supervisors and administrators read it, others get 403. The register of a licence
(``/v1/licences/register/{licence_no}``) lists every file that issued it or names it, in the reader's
agencies, with its state on ``as_of`` (valid, expired, 撤回/撤销/注销 in force). Recording a licence
step is ``POST /v1/steps`` as for every step.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Query
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field

from api.server import readmodels
from api.server.access import Principal
from api.server.auth import Authenticated, ServicesDep, forbidden
from api.server.problems import Problem, problem_responses
from api.server.readmodels import ReadModels, read_models
from api.server.state import Area
from projections import kind_queries

router = APIRouter(prefix="/v1/licences", tags=["licence files"])


class LicenceList(BaseModel):
    licences: list[dict[str, Any]]
    next: str | None = Field(description="下一页的 cursor (没有更多时为 null)")


class LicenceFileOut(BaseModel):
    model_config = {"extra": "allow"}
    grp: str
    agency: str | None
    status: str
    timeline: list[dict[str, Any]]
    catalogue: list[dict[str, Any]]
    deadlines: list[dict[str, Any]]
    licence: dict[str, Any]
    as_of: str


class LicenceRegister(BaseModel):
    model_config = {"extra": "allow"}
    licence_no: str | None
    state: str = Field(description="valid、expired、pending 或终止它的决定 (LicenceRevoked …)")
    events: list[dict[str, Any]]
    as_of: str


class LicenceWarnings(BaseModel):
    as_of: str
    warnings: list[dict[str, Any]]


def licence_stream(number: str) -> str:
    return number if number.startswith("licence/") else f"licence/{number}"


AsOf = Query(None, description="按此日期 (Asia/Shanghai) 计算期限与许可状态 (默认今天)")
AgencyFilter = Query(None, max_length=200, description="许可机关 (DXH-SPJ 或 agency/DXH-SPJ)")


def _list(models: ReadModels, principal: Principal, search: kind_queries.LicenceSearch, cursor: str | None,
          limit: int) -> dict[str, Any]:
    covered = models.covered(principal)
    if search.agency and covered is not None and search.agency not in covered:
        raise forbidden(f"{principal.identity} 无权读取 {search.agency} 的许可案卷")
    found, following = kind_queries.licences(models.db, search, agencies=covered, cursor=cursor, limit=limit)
    return {"licences": found, "next": readmodels.encode_cursor([following]) if following is not None else None}


@router.get("", response_model=LicenceList, responses=problem_responses(401, 403, 422),
            summary="许可案卷列表 (按读者可读的机关过滤, 游标分页)")
async def licences(principal: Authenticated, svc: ServicesDep, agency: str | None = AgencyFilter,
                   status: str | None = Query(None, max_length=100, description="案卷状态 (accepted、issued …)"),
                   decision: str | None = Query(None, max_length=100, description="决定 (LicenceGranted …)"),
                   item: str | None = Query(None, max_length=200, description="许可事项编码"),
                   licence_no: str | None = Query(None, max_length=200, description="许可证号 (签发或涉及)"),
                   q: str | None = Query(None, max_length=200, description="检索词: 编号、文书号、许可证号、持证人"),
                   cursor: str | None = Query(None, max_length=2000, description="上一页的 next"),
                   limit: int = Query(100, ge=1, le=500)) -> Any:
    key = readmodels.decode_cursor(cursor, 1)
    search = kind_queries.LicenceSearch(readmodels.stream_name("agency", agency) or "", status or "",
                                        decision or "", item or "", licence_no or "", q or "")
    return await run_in_threadpool(_list, read_models(svc), principal, search, str(key[0]) if key else None, limit)


def _register(models: ReadModels, principal: Principal, licence_no: str, as_of: date) -> dict[str, Any]:
    found = kind_queries.licence_history(models.db, as_of=as_of, licence_no=licence_no)
    access = models.svc.access
    found["events"] = [e for e in found["events"] if access.covers_agency(principal, e.get("agency"))]
    if not found["events"]:
        raise Problem(404, "not-found", f"读者可读的许可登记中没有许可证号 {licence_no}")
    return found


@router.get("/register/{licence_no}", response_model=LicenceRegister, responses=problem_responses(401, 404, 422),
            summary="许可登记簿: 一项许可从准予、变更、延续到撤回、撤销、注销")
async def register(licence_no: str, principal: Authenticated, svc: ServicesDep, as_of: date | None = AsOf) -> Any:
    return await run_in_threadpool(_register, read_models(svc), principal, licence_no, as_of or readmodels.today())


def _warnings(models: ReadModels, principal: Principal, agency: str | None, as_of: date) -> dict[str, Any]:
    covered = models.covered(principal)
    if agency is not None and covered is not None and agency not in covered:
        raise forbidden(f"{principal.identity} 无权查看 {agency}")
    wanted = [agency] if agency is not None else covered
    groups = None
    if wanted is not None:
        marks = ",".join("?" * len(wanted)) or "NULL"
        groups = [str(r[0]) for r in models.db.all(
            f"SELECT grp FROM {models.table('proj_licences')} WHERE agency IN ({marks})", wanted)]
    found = kind_queries.file_warnings(models.db, "proj_licence_deadlines", as_of, groups=groups,
                                       calendar=models.calendar(), soon_days=models.config.warnings.yellow_wd)
    return {"as_of": as_of.isoformat(), "warnings": [w.as_json() for w in found]}


@router.get("/warnings", response_model=LicenceWarnings, responses=problem_responses(401, 403, 422),
            summary="许可期限预警: 即将到期 (黄) 与已逾期 (红) (LIC-03、LIC-10、LIC-13 …)")
async def warnings(principal: Authenticated, svc: ServicesDep, agency: str | None = AgencyFilter,
                   as_of: date | None = AsOf) -> Any:
    return await run_in_threadpool(_warnings, read_models(svc), principal, readmodels.stream_name("agency", agency),
                                   as_of or readmodels.today())


def _file(models: ReadModels, principal: Principal, number: str, as_of: date) -> dict[str, Any]:
    stream = licence_stream(number)
    if not models.svc.access.can_read(principal, stream):
        raise forbidden(f"{principal.identity} 无权读取 {stream}")
    found = kind_queries.licence_file(models.db, stream, as_of=as_of, calendar=models.calendar(),
                                      config=models.config)
    if found is None:
        raise Problem(404, "not-found", f"读模型中没有许可案卷 {stream}")
    return found


@router.get("/{number}", response_model=LicenceFileOut, responses=problem_responses(401, 403, 404, 422),
            summary="许可案卷: 申请人、决定、证件、卷内目录、时间线、期限及其状态、许可登记")
async def licence_file(number: str, principal: Authenticated, svc: ServicesDep, as_of: date | None = AsOf) -> Any:
    return await run_in_threadpool(_file, read_models(svc), principal, number, as_of or readmodels.today())


def area() -> Area:
    return Area("licences", router)
