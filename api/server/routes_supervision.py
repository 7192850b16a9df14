"""Supervision (执法监督): warnings, statistics per agency, a random sample for evaluation, rectification orders,
the stored evaluations. The lists also answer CSV or XLSX (``api.server.tabular``).

Every route needs a token and answers only about the agencies the reader covers (its own
agency, those it supervises, all for admins); naming an agency it does not cover is 403.
The sample (双随机) is for evaluators: supervisors, legal reviewers and admins; it is
reproducible from its ``seed`` (for an admin, or with ``agency``, the same cases as
``audit --sample N --seed S [--agency A]``; otherwise drawn from the reader's agencies), and
``evaluate=true`` adds each sampled case's evaluation.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel

from api.server import readmodels
from api.server.access import Principal
from api.server.auth import Authenticated, ServicesDep, forbidden
from api.server.problems import problem_responses
from api.server.readmodels import ReadModels, read_models
from api.server.state import Area
from api.server.tabular import TABLE_RESPONSES, FormatQuery, TableFormat, table_format, table_response
from api.tables_export import Names, evaluations_table, rectifications_table, statistics_table, warnings_table
from audit.engine import evaluate
from audit.store import LedgerSource
from audit.table import EVALUATIONS, EvaluationRow
from audit.table import query as stored_evaluations
from domain.calendar import SHANGHAI
from ledger.stored import decode
from projections import queries

router = APIRouter(prefix="/v1/supervision", tags=["supervision"])

EVALUATORS = ("supervisor", "legal_reviewer", "admin")


class WarningsOut(BaseModel):
    as_of: str
    warnings: list[dict[str, Any]]


class StatisticsOut(BaseModel):
    statistics: list[dict[str, Any]]


class SampleOut(BaseModel):
    seed: int
    n: int
    agency: str | None
    cases: list[str]
    evaluations: list[dict[str, Any]] | None


class RectificationsOut(BaseModel):
    as_of: str
    rectifications: list[dict[str, Any]]


def _check_agency(models: ReadModels, principal: Principal, agency: str | None) -> list[str] | None:
    """The agencies covered (None: all); 403 when ``agency`` is named and not among them."""
    covered = models.covered(principal)
    if agency is not None and covered is not None and not models.svc.access.covers_agency(principal, agency):
        raise forbidden(f"{principal.identity} 无权查看 {agency}")
    return covered


AgencyFilter = Query(None, max_length=200, description="执法机关 (DXH-CGJ 或 agency/DXH-CGJ)")
AsOf = Query(None, description="按此日期 (Asia/Shanghai) 计算 (默认今天)")


def _warnings(models: ReadModels, principal: Principal, as_of: date, agency: str | None, officer: str | None,
              days: int | None, provisional: bool) -> list[dict[str, Any]]:
    covered = _check_agency(models, principal, agency)
    found = queries.warnings(models.db, as_of, agency=agency, officer=officer, calendar=models.calendar(),
                             soon_days=days, config=models.config, include_provisional=provisional)
    access = models.svc.access
    allowed = set(covered) if covered is not None else None
    return [w.as_json() for w in found
            if allowed is None or (w.agency in allowed if w.agency else access.can_read(principal, w.case))]


@router.get("/warnings", response_model=WarningsOut, responses={**TABLE_RESPONSES, **problem_responses(401, 403, 422)},
            summary="预警: 即将到期 (黄) 与已逾期 (红) 的期限 (亦可为 CSV、XLSX)")
async def warnings(request: Request, principal: Authenticated, svc: ServicesDep, as_of: date | None = AsOf,
                   agency: str | None = AgencyFilter,
                   officer: str | None = Query(None, max_length=200, description="执法人员"),
                   days: int | None = Query(None, ge=0, le=60, description="黄色预警的工作日数 (默认配置)"),
                   provisional: bool = Query(False, description="也列出因日历未知而待定的期限"),
                   fmt: TableFormat | None = FormatQuery) -> Any:
    day = as_of or readmodels.today()
    models = read_models(svc)
    found = await run_in_threadpool(_warnings, models, principal, day,
                                    readmodels.stream_name("agency", agency),
                                    readmodels.stream_name("officer", officer), days, provisional)
    table = table_format(request, fmt)
    if table is not None:
        names = await run_in_threadpool(Names.of, models.db)
        return table_response(warnings_table(found, names), table, day=day)
    return {"as_of": day.isoformat(), "warnings": found}


def _statistics(models: ReadModels, principal: Principal, agency: str | None, year: int | None
                ) -> list[dict[str, Any]]:
    covered = _check_agency(models, principal, agency)
    found = queries.statistics(models.db, agency=agency, year=year)
    return found if covered is None else [b for b in found if b["agency"] in covered]


@router.get("/statistics", response_model=StatisticsOut,
            responses={**TABLE_RESPONSES, **problem_responses(401, 403, 422)},
            summary="按机关和年度的执法统计, 含纠错率、出庭率、公开及时率 (亦可为 CSV、XLSX)")
async def statistics(request: Request, principal: Authenticated, svc: ServicesDep, agency: str | None = AgencyFilter,
                     year: int | None = Query(None, ge=1949, le=9999), fmt: TableFormat | None = FormatQuery) -> Any:
    models = read_models(svc)
    found = await run_in_threadpool(_statistics, models, principal, readmodels.stream_name("agency", agency), year)
    table = table_format(request, fmt)
    if table is not None:
        names = await run_in_threadpool(Names.of, models.db)
        return table_response(statistics_table(found, names), table)
    return {"statistics": found}


def _sample(models: ReadModels, principal: Principal, n: int, seed: int, agency: str | None, as_of: date,
            evaluated: bool) -> dict[str, Any]:
    if not principal.has_role(*EVALUATORS):
        raise forbidden(f"{principal.identity} 不是评查人员 (supervisor、legal_reviewer)")
    covered = _check_agency(models, principal, agency)
    source = LedgerSource(models.db)
    if covered is None or agency is not None:
        chosen = source.sample(n, seed, agency)
    else:
        marks = ",".join(["?"] * len(covered))
        streams = [str(r[0]) for r in models.db.all(
            f"SELECT grp FROM {models.table('proj_cases')} WHERE agency IN ({marks}) ORDER BY grp", covered)
        ] if covered else []
        chosen = sorted(random.Random(seed).sample(streams, min(n, len(streams))))
    evaluations = None
    if evaluated:
        ctx = source.context(as_of, models.config)
        evaluations = []
        for stream in chosen:
            group = source.group(stream)
            if group is not None:
                ev = evaluate(group.stream, group.history, ctx, reviews=group.reviews, lawsuits=group.lawsuits)
                evaluations.append(ev.as_json())
    return {"seed": seed, "n": n, "agency": agency, "cases": chosen, "evaluations": evaluations}


@router.get("/sample", response_model=SampleOut, responses=problem_responses(401, 403, 422),
            summary="评查抽样 (双随机): 按 seed 可复现的随机案件样本")
async def sample(principal: Authenticated, svc: ServicesDep,
                 n: int = Query(20, ge=1, le=500, description="样本量"),
                 seed: int = Query(1, ge=0, le=2**53, description="随机种子 (同一 seed 同一样本)"),
                 agency: str | None = AgencyFilter, as_of: date | None = AsOf,
                 evaluate: bool = Query(False, description="同时给出每件案卷的评查结果")) -> Any:
    return await run_in_threadpool(_sample, read_models(svc), principal, n, seed,
                                   readmodels.stream_name("agency", agency), as_of or readmodels.today(), evaluate)


def _day(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value).astimezone(SHANGHAI).date().isoformat()
    except ValueError:
        try:
            return date.fromisoformat(value).isoformat()
        except ValueError:
            return None


def rectifications(models: ReadModels, principal: Principal, agency: str | None, as_of: date
                   ) -> list[dict[str, Any]]:
    _check_agency(models, principal, agency)
    db = models.db
    head = db.head()
    streams = db.streams_with_prefix("supervision/", head)
    history: dict[str, list[Mapping[str, Any]]] = {}
    for _, stream, _, stored in db.stream_events(streams, head) if streams else []:
        history.setdefault(stream, []).append(decode(stored))
    out = []
    day = as_of.isoformat()
    for stream, events in sorted(history.items()):
        if not models.svc.access.can_read(principal, stream):
            continue
        for position, envelope in enumerate(events):
            if envelope.get("type") != "RectificationOrdered":
                continue
            data = envelope.get("data") if isinstance(envelope.get("data"), Mapping) else {}
            assert isinstance(data, Mapping)
            if agency is not None and data.get("agency") != agency:
                continue
            report = next((e for e in events[position + 1:] if e.get("type") == "RectificationReported"), None)
            report_data = report.get("data") if report is not None and isinstance(report.get("data"), Mapping) else {}
            assert isinstance(report_data, Mapping)
            due = _day(data.get("due_at"))
            reported = _day(report_data.get("reported_at")) if report is not None else None
            state = "reported" if reported else ("overdue" if due is not None and due < day else "open")
            out.append({
                "stream": stream, "version": envelope.get("version", position + 1), "agency": data.get("agency"),
                "case": data.get("case"), "findings": list(data.get("findings") or []),
                "ordered_at": envelope.get("at"), "by": envelope.get("by"), "due_at": data.get("due_at"),
                "due_on": due, "reported_on": reported,
                "actions": list(report_data.get("actions") or []) if report is not None else [],
                "state": state, "late": bool(reported and due and reported > due),
            })
    return out


@router.get("/rectifications", response_model=RectificationsOut,
            responses={**TABLE_RESPONSES, **problem_responses(401, 403, 422)},
            summary="责令整改: 整改通知、期限与整改报告 (亦可为 CSV、XLSX)")
async def list_rectifications(request: Request, principal: Authenticated, svc: ServicesDep,
                              agency: str | None = AgencyFilter, as_of: date | None = AsOf,
                              fmt: TableFormat | None = FormatQuery) -> Any:
    day = as_of or readmodels.today()
    models = read_models(svc)
    found = await run_in_threadpool(rectifications, models, principal, readmodels.stream_name("agency", agency), day)
    table = table_format(request, fmt)
    if table is not None:
        names = await run_in_threadpool(Names.of, models.db)
        return table_response(rectifications_table(found, names), table, day=day)
    return {"as_of": day.isoformat(), "rectifications": found}


class EvaluationsOut(BaseModel):
    evaluations: list[dict[str, Any]]


def evaluations(models: ReadModels, principal: Principal, agency: str | None, grade: str | None,
                rule: str | None) -> list[EvaluationRow]:
    """The stored evaluations (``audit_evaluations``, kept current by the service) of the agencies the
    reader covers; empty until the audit's table exists."""
    covered = _check_agency(models, principal, agency)
    if not models.db.exists(EVALUATIONS.name):
        return []
    found = stored_evaluations(models.db, agency=agency, grade=grade, rule=rule, order="case")
    return found if covered is None else [r for r in found if r.agency in covered]


def _evaluation_json(row: EvaluationRow) -> dict[str, Any]:
    return {**row.as_json(), "agency": row.agency, "procedure": row.procedure, "status": row.status,
            "as_of": row.as_of}


@router.get("/evaluations", response_model=EvaluationsOut,
            responses={**TABLE_RESPONSES, **problem_responses(401, 403, 422)},
            summary="案卷评查结果 (评查结果表, 按机关、等级、规则过滤; 亦可为 CSV、XLSX)")
async def list_evaluations(request: Request, principal: Authenticated, svc: ServicesDep,
                           agency: str | None = AgencyFilter,
                           grade: Literal["优秀", "合格", "不合格"] | None = Query(None, description="评查等级"),
                           rule: str | None = Query(None, max_length=20, description="有此规则发现的案卷 (如 PEN-40)"),
                           fmt: TableFormat | None = FormatQuery) -> Any:
    models = read_models(svc)
    found = await run_in_threadpool(evaluations, models, principal, readmodels.stream_name("agency", agency),
                                    grade, rule)
    table = table_format(request, fmt)
    if table is not None:
        names = await run_in_threadpool(Names.of, models.db)
        return table_response(evaluations_table(found, names), table)
    return {"evaluations": [_evaluation_json(r) for r in found]}


def area() -> Area:
    return Area("supervision", router)
