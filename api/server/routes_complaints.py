"""Complaint files (行政执法投诉举报): the supervisors' register with its warnings, and a complaint file.

Who reads what (CMP-04, PUB-06, 信访工作条例 第30条第3款):

* a supervisor of the bureau handling it (the agency of who registered it), or an admin: the file
  with the complainant (``proj_complainants``);
* a member of the agency complained of, or of an agency it was transferred to: ``agency_view``,
  the public view, and a 投诉's complainant only when shared with that agency
  (``proj_complaint_shared``), never a 检举/举报's;
* anyone else: 403.

The register (``GET /v1/complaints``) is the bureau supervisors': public-view columns only, each
complaint's deadlines with their state on ``as_of`` and the warnings (CMP-02 acceptance within
5 WD, CMP-06 answer within 30 ND and its extensions; yellow when due soon, red when missed).
No complaint is ever public: there is no public route here. Recording a complaint step is
``POST /v1/steps``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import orjson
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

router = APIRouter(prefix="/v1/complaints", tags=["complaints"])


class ComplaintRegister(BaseModel):
    as_of: str
    complaints: list[dict[str, Any]]
    warnings: list[dict[str, Any]] = Field(description="黄色 (即将到期) 与红色 (已逾期) 预警")


class ComplaintFileOut(BaseModel):
    model_config = {"extra": "allow"}
    grp: str
    bureau: str | None
    status: str
    view: str = Field(description="supervisor (含投诉举报人) 或 agency (被投诉机关所见)")
    complainant: dict[str, Any] | None = Field(description="投诉举报人; 被投诉机关仅在投诉且已告知身份时可见")
    timeline: list[dict[str, Any]]
    deadlines: list[dict[str, Any]]
    as_of: str


def complaint_stream(number: str) -> str:
    return number if number.startswith("complaint/") else f"complaint/{number}"


AsOf = Query(None, description="按此日期 (Asia/Shanghai) 计算期限状态与预警 (默认今天)")


def _register(models: ReadModels, principal: Principal, as_of: date, status: str | None,
              days: int | None) -> dict[str, Any]:
    if not principal.is_admin and not principal.has_role("supervisor"):
        raise forbidden(f"{principal.identity} 不是执法监督人员 (supervisor)")
    bureaus = None if principal.is_admin else [principal.agency] if principal.agency else []
    return kind_queries.complaint_register(models.db, as_of, bureaus=bureaus, calendar=models.calendar(),
                                           config=models.config, status=status, soon_days=days)


@router.get("", response_model=ComplaintRegister, responses=problem_responses(401, 403, 422),
            summary="投诉举报登记簿 (本局执法监督人员): 受理、答复期限及预警")
async def register(principal: Authenticated, svc: ServicesDep, as_of: date | None = AsOf,
                   status: str | None = Query(None, max_length=100, description="案卷状态 (received、accepted …)"),
                   days: int | None = Query(None, ge=0, le=60, description="黄色预警的工作日数 (默认配置)")) -> Any:
    return await run_in_threadpool(_register, read_models(svc), principal, as_of or readmodels.today(), status, days)


def _file(models: ReadModels, principal: Principal, number: str, as_of: date) -> dict[str, Any]:
    stream = complaint_stream(number)
    rows = models.rows(f"SELECT bureau, against_agency, file FROM {models.table('proj_complaints')} WHERE grp = ?",
                       (stream,))
    if not rows:
        if principal.is_admin or principal.has_role("supervisor"):
            raise Problem(404, "not-found", f"读模型中没有投诉举报案卷 {stream}")
        raise forbidden(f"{principal.identity} 无权读取 {stream}")
    bureau, against = rows[0]["bureau"], rows[0]["against_agency"]
    found: dict[str, Any] | None
    if models.svc.access.is_bureau_supervisor(principal, bureau):
        found = kind_queries.complaint_file(models.db, stream, as_of=as_of, calendar=models.calendar(),
                                            config=models.config, complainant=True)
        view = "supervisor"
    elif principal.agency is not None and principal.agency in named_agencies(against, rows[0]["file"]):
        found = kind_queries.complaint_file(models.db, stream, as_of=as_of, calendar=models.calendar(),
                                            config=models.config, agency=principal.agency)
        view = "agency"
    else:
        raise forbidden(f"{principal.identity} 无权读取 {stream}")
    if found is None:
        raise Problem(404, "not-found", f"读模型中没有投诉举报案卷 {stream}")
    return {**found, "view": view}


def named_agencies(against: str | None, document: str | None) -> set[str]:
    """The agency complained of and those the complaint was transferred or assigned to."""
    found = {against} if against else set()
    assignments = orjson.loads(document or b"{}").get("assignments") or []
    return found | {a["to"] for a in assignments if isinstance(a, dict) and isinstance(a.get("to"), str)}


@router.get("/{number}", response_model=ComplaintFileOut, responses=problem_responses(401, 403, 404, 422),
            summary="投诉举报案卷 (本局执法监督人员; 被投诉机关仅见其可见部分)")
async def complaint_file(number: str, principal: Authenticated, svc: ServicesDep, as_of: date | None = AsOf) -> Any:
    return await run_in_threadpool(_file, read_models(svc), principal, number, as_of or readmodels.today())


def area() -> Area:
    return Area("complaints", router)
