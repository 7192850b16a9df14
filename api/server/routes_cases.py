"""Case files for those allowed to read them: the list, a case file, its timeline, its 卷内目录, its evaluation.

Every route needs a token. The list shows only the cases of the agencies the reader
covers (``Access.covers_agency``: its own agency, those it supervises, all for admins);
a case's routes answer 403 unless ``Access.can_read`` allows its stream. The case file,
timeline and catalogue come from the read models (``projections.queries.case_file``);
the evaluation (``/audit``) is the stored one of the audit table when it is current
(``audit.current``), else computed from the ledger by the audit engine on ``as_of``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field

from api.catalogue_pages import counter, media_types, number_pages
from api.server import readmodels
from api.server.access import Principal
from api.server.auth import Authenticated, ServicesDep, forbidden
from api.server.problems import Problem, problem_responses
from api.server.readmodels import ReadModels, read_models
from api.server.state import Area
from api.server.tabular import TABLE_RESPONSES, FormatQuery, TableFormat, table_format, table_response
from api.tables_export import Names, cases_table
from audit.current import context_for, stored_evaluation
from audit.engine import evaluate
from projections import coercion_queries, queries

router = APIRouter(prefix="/v1/cases", tags=["case files"])

LIST_COLUMNS = ("grp", "number", "agency", "procedure", "item", "party_kind", "party_name", "status",
                "status_label", "outcome", "outcome_label", "fine_fen", "paid_fen", "document_no", "source_on",
                "registered_on", "decided_on", "served_on", "closed_on", "archived_on", "events", "backfilled",
                "overridden", "last_at", "reviews", "lawsuits")


class CaseSummary(BaseModel):
    stream: str
    number: str | None
    agency: str | None
    procedure: str | None
    status: str | None
    status_label: str | None
    model_config = {"extra": "allow"}


class CaseList(BaseModel):
    cases: list[CaseSummary]
    next: str | None = Field(description="下一页的 cursor (没有更多时为 null)")


class CaseFile(BaseModel):
    model_config = {"extra": "allow"}
    number: str | None
    agency: str | None
    timeline: list[dict[str, Any]]
    catalogue: list[dict[str, Any]]
    records: list[dict[str, Any]]
    deadlines: list[dict[str, Any]]
    measures: list[dict[str, Any]] = Field(default_factory=list, description=(
        "案件中实施的查封、扣押、冻结: 期限末日及其状态、财物及其处理 (EVAL-04 第7项)"))
    enforcement: dict[str, Any] | None = Field(None, description="行政机关强制执行: 催告、决定、执行、费用")
    as_of: str


class Timeline(BaseModel):
    case: str
    timeline: list[dict[str, Any]]


class Catalogue(BaseModel):
    case: str
    catalogue: list[dict[str, Any]]


class EvaluationOut(BaseModel):
    model_config = {"extra": "allow"}
    case: str
    score: int
    grade: str | None = Field(description="优秀、合格、不合格; null: 办理中 (尚无决定、移送或结案, 不评定等次)")


def case_stream(number: str) -> str:
    return number if number.startswith("case/") else f"case/{number}"


def list_cases(models: ReadModels, principal: Principal, search: queries.CaseSearch, *, cursor: str | None,
               limit: int) -> tuple[list[dict[str, Any]], str | None]:
    """A page of the cases ``principal`` reads that match ``search`` (the pages' filters), by stream."""
    covered = models.covered(principal)
    if search.agency and covered is not None and search.agency not in covered:
        raise forbidden(f"{principal.identity} 无权读取 {search.agency} 的案件")
    where: list[str] = []
    params: list[Any] = []
    if covered is not None:
        if not covered:
            return [], None
        where.append(f"agency IN ({','.join(['?'] * len(covered))})")
        params += covered
    found, values = search.where(models.db)
    where += found
    params += values
    if cursor is not None:
        where.append("grp > ?")
        params.append(cursor)
    sql = (f"SELECT {', '.join(LIST_COLUMNS)} FROM {models.table('proj_cases')}"
           + (f" WHERE {' AND '.join(where)}" if where else "") + " ORDER BY grp LIMIT ?")
    rows = models.rows(sql, [*params, limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    out = [{"stream": r.pop("grp"), **r} for r in rows]
    return out, (out[-1]["stream"] if more and out else None)


Since = Query(None, alias="from", description="立案日期起 (含; 未立案的按案源登记日期)")
Until = Query(None, alias="to", description="立案日期止 (含)")
Text = Query(None, max_length=200, description="检索词 (空格分隔, 均须出现): 案号、文书号或当事人")


@router.get("", response_model=CaseList, responses={**TABLE_RESPONSES, **problem_responses(401, 403, 422)},
            summary="案件列表 (按读者可读的机关过滤, 游标分页; 与页面相同的筛选; 亦可为 CSV、XLSX)")
async def cases(request: Request, principal: Authenticated, svc: ServicesDep,
                agency: str | None = Query(None, max_length=200, description="执法机关 (DXH-CGJ 或 agency/…)"),
                status: str | None = Query(None, max_length=200, description="案件状态 (registered、archived …)"),
                procedure: str | None = Query(None, max_length=200, description="general | summary"),
                outcome: str | None = Query(None, max_length=200, description="处理结果 (penalty …)"),
                item: str | None = Query(None, max_length=200, description="执法事项编码"),
                officer: str | None = Query(None, max_length=200, description="承办或参与的执法人员"),
                q: str | None = Text, since: date | None = Since, until: date | None = Until,
                cursor: str | None = Query(None, max_length=2000, description="上一页的 next"),
                limit: int = Query(100, ge=1, le=500), fmt: TableFormat | None = FormatQuery) -> Any:
    key = readmodels.decode_cursor(cursor, 1)
    models = read_models(svc)
    search = queries.CaseSearch(text=q or "", agency=readmodels.stream_name("agency", agency) or "",
                                status=status or "", procedure=procedure or "", outcome=outcome or "",
                                item=item or "", officer=readmodels.stream_name("officer", officer) or "",
                                since=since, until=until)
    found, following = await run_in_threadpool(
        list_cases, models, principal, search, cursor=str(key[0]) if key else None, limit=limit)
    following_cursor = readmodels.encode_cursor([following]) if following is not None else None
    table = table_format(request, fmt)
    if table is not None:
        more = {"Link": f'<{request.url.include_query_params(cursor=following_cursor)}>; rel="next"'
                } if following_cursor is not None else {}
        names = await run_in_threadpool(Names.of, models.db)
        return table_response(cases_table(found, names), table, headers=more)
    return {"cases": found, "next": following_cursor}


def _readable(svc: ServicesDep, principal: Principal, number: str) -> str:
    stream = case_stream(number)
    if not svc.access.can_read(principal, stream):
        raise forbidden(f"{principal.identity} 无权读取 {stream}")
    return stream


def _case_file(models: ReadModels, svc: ServicesDep, principal: Principal, number: str, as_of: date
               ) -> dict[str, Any]:
    stream = _readable(svc, principal, number)
    found = queries.case_file(models.db, stream, as_of=as_of, calendar=models.calendar(), config=models.config)
    if found is None:
        raise Problem(404, "not-found", f"读模型中没有案件 {stream}")
    for name in ("legal_reviews", "reconsiderations", "lawsuits"):
        found[name] = [readmodels.decode_json_columns(r) for r in found[name]]
    found["catalogue"] = number_pages(found["catalogue"], counter(svc.documents.path), media_types(found["records"]))
    if models.db.exists("proj_measures"):  # EVAL-04 item 7: the measures and enforcement on the case's stream
        found.update(coercion_queries.case_measures(models.db, stream, as_of=as_of, calendar=models.calendar(),
                                                    config=models.config))
    return found


AsOf = Query(None, description="按此日期 (Asia/Shanghai) 计算期限状态 (默认今天)")
NUMBER = "案件编号 (DXH-CGJ-2026-0012)"


@router.get("/{number}", response_model=CaseFile, responses=problem_responses(401, 403, 404, 422),
            summary="案卷: 案件、卷内目录、记录、时间线、期限及其状态、复议与诉讼")
async def case_file(number: str, principal: Authenticated, svc: ServicesDep, as_of: date | None = AsOf) -> Any:
    return await run_in_threadpool(_case_file, read_models(svc), svc, principal, number, as_of or readmodels.today())


@router.get("/{number}/timeline", response_model=Timeline, responses=problem_responses(401, 403, 404, 422),
            summary="案件时间线 (案件流及其复议、诉讼流的步骤)")
async def timeline(number: str, principal: Authenticated, svc: ServicesDep) -> Any:
    found = await run_in_threadpool(_case_file, read_models(svc), svc, principal, number, readmodels.today())
    return {"case": case_stream(number), "timeline": found["timeline"]}


@router.get("/{number}/catalogue", response_model=Catalogue, responses=problem_responses(401, 403, 404, 422),
            summary="卷内目录")
async def catalogue(number: str, principal: Authenticated, svc: ServicesDep) -> Any:
    found = await run_in_threadpool(_case_file, read_models(svc), svc, principal, number, readmodels.today())
    return {"case": case_stream(number), "catalogue": found["catalogue"]}


def evaluate_case(models: ReadModels, stream: str, as_of: date) -> dict[str, Any] | None:
    """The stored evaluation when current, else one made now with a context read for this case alone
    (``audit.current.context_for``: not a scan of every case, which a new case's page would repeat)."""
    stored = stored_evaluation(models.db, stream, as_of)
    if stored is not None:
        return stored
    found = context_for(models.db, stream, as_of, models.config)
    if found is None:
        return None
    history, ctx, reviews, lawsuits = found
    return evaluate(stream, history, ctx, reviews=reviews, lawsuits=lawsuits).as_json()


def _evaluation(models: ReadModels, svc: ServicesDep, principal: Principal, number: str, as_of: date
                ) -> dict[str, Any]:
    stream = _readable(svc, principal, number)
    found = evaluate_case(models, stream, as_of)
    if found is None:
        raise Problem(404, "not-found", f"账本中没有案件 {stream}")
    return found


AuditAsOf = Query(None, description="评查基准日 (默认今天)")


@router.get("/{number}/audit", response_model=EvaluationOut, responses=problem_responses(401, 403, 404, 422),
            summary="案卷评查: 按评查规则计算的得分、等级与问题")
async def audit(number: str, principal: Authenticated, svc: ServicesDep,
                as_of: date | None = AuditAsOf) -> Any:
    return await run_in_threadpool(_evaluation, read_models(svc), svc, principal, number,
                                   as_of or readmodels.today())


def area() -> Area:
    return Area("cases", router)
