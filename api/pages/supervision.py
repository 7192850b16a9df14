"""The supervision pages (``/ui/supervision…``): the dashboard, warnings, the sample, and the
rectification orders with their reports and notices (the only pages that record steps)."""

from __future__ import annotations

import re
import secrets
from datetime import date, datetime
from typing import Any
from urllib.parse import parse_qs

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from api.pages.common import (
    GRADES,
    agency_param,
    bounded_int,
    case_stream,
    events_of,
    forbidden,
    missing,
    page_stream,
    paper_names,
    pdf_response,
    scoped,
)
from api.pages.guards import Reader
from api.pages.web import (
    SECURITY_HEADERS,
    Ctx,
    render,
)
from api.server.auth import ServicesDep
from domain.calendar import SHANGHAI
from domain.errors import StepRefused
from projections.labels import IN_PROGRESS

router = APIRouter(include_in_schema=False)
RECTIFICATIONS_SHOWN = 50
"""Rectification orders the dashboard lists (not yet reported first); the spreadsheet holds them all."""


@router.get("/ui/supervision")
def supervision(ctx: Reader) -> Response:
    request = ctx.request
    return _dashboard(ctx, _form(request), None)


def _dashboard(ctx: Ctx, form: dict[str, str], error: str | None, status: int = 200) -> Response:
    request, svc = ctx.request, ctx.svc
    if not ctx.reads.ready():
        return render(ctx, "supervision.html", ready=False)
    scope = ctx.agencies_in_scope()
    years = ctx.reads.years()
    raw_year = request.query_params.get("year")
    year: int | None = ctx.as_of.year if raw_year is None else (bounded_int(raw_year, 0, 0, 9999) or None)
    if year is not None and years and year not in years and raw_year is None:
        year = years[0]
    figures = ctx.reads.figures(scope, year)
    warnings = [w for w in ctx.reads.warnings(ctx.as_of) if scope is None or w.agency in scope]
    per_agency: dict[str, dict[str, int]] = {}
    for w in warnings:
        slot = per_agency.setdefault(w.agency or "", {"red": 0, "yellow": 0})
        slot[w.colour] = slot.get(w.colour, 0) + 1
    rectifications = ctx.reads.rectifications(ctx.as_of, scope, RECTIFICATIONS_SHOWN)
    for r in rectifications:
        events = svc.ledger.cached(r["stream"])
        order = events[r["version"] - 1].data if 0 < r["version"] <= len(events) else {}
        r["case"] = order.get("case") if isinstance(order.get("case"), str) else None
        r["findings"] = [f for f in order.get("findings") or [] if isinstance(f, str)]
    grades: dict[str, dict[str, int]] = {}
    other_grades: dict[tuple[str, str], dict[str, int]] = {}  # (agency, 许可/投诉举报/强制/检查…) → grade → files
    for row in ctx.reads.grade_counts():
        if scope is None or row["agency"] in scope:
            slot = (grades.setdefault(row["agency"] or "", {}) if not row["kind"]
                    else other_grades.setdefault((row["agency"] or "", row["kind"]), {}))
            slot[row["grade"] or IN_PROGRESS] = int(row["n"])
    top = max([f["cases"] for f in figures] + [1])
    return render(ctx, "supervision.html", status, ready=True, figures=figures, top=top, years=years, year=year,
                  orderable=_orderable(ctx), form=form, error=error,
                  warnings=warnings[:20], warning_total=len(warnings),
                  reds=sum(1 for w in warnings if w.colour == "red"),
                  yellows=sum(1 for w in warnings if w.colour == "yellow"), per_agency=per_agency,
                  rectifications=rectifications, rectification_total=ctx.reads.rectification_count(scope),
                  grades=grades, other_grades=other_grades, grade_names=GRADES,
                  audit=ctx.reads.has_audit())


def warning_list(ctx: Ctx, colour: str, agency: str) -> list[Any]:
    """The warnings page's list: the reader's agencies, one colour, one agency (the page and its spreadsheet)."""
    agency = agency_param(agency)  # JA-CGJ or agency/JA-CGJ, as the CLI and the API take it
    every = ctx.reads.warnings(ctx.as_of) if ctx.reads.ready() else []
    return [w for w in every if scoped(ctx, w.agency) and (not colour or w.colour == colour)
            and (not agency or w.agency == agency)]


@router.get("/ui/supervision/warnings")
def warnings_page(ctx: Reader) -> Response:
    request = ctx.request
    colour = request.query_params.get("colour") or ""
    agency = agency_param(request.query_params.get("agency"))
    found = warning_list(ctx, colour, agency)
    number = bounded_int(request.query_params.get("page"), 1)
    size = 100
    pages = max(1, -(-len(found) // size))
    number = min(number, pages)
    return render(ctx, "warnings.html", warnings=found[(number - 1) * size: number * size], total=len(found),
                  page_no=number, pages=pages, colour=colour, agency_filter=agency)


def sample_draw(ctx: Ctx, chosen: str, n: int, seed: int) -> list[str]:
    """The sample page's draw (the CLI's for an administrator or a named agency; else among the reader's)."""
    scope = ctx.agencies_in_scope()
    if scope is None or chosen:
        return ctx.reads.sample(n, seed, chosen or None)
    return ctx.reads.sample_among(n, seed, scope)


@router.get("/ui/supervision/sample")
def sample(ctx: Reader) -> Response:
    request = ctx.request
    q = request.query_params
    scope = ctx.agencies_in_scope()
    agencies = [a for a in ctx.reads.agencies() if scope is None or a["stream"] in scope]
    chosen = agency_param(q.get("agency"))
    if chosen and scope is not None and chosen not in scope:
        return forbidden(ctx, f"{chosen} 的案卷")
    n = bounded_int(q.get("n"), 10, 1, 500)
    seed = bounded_int(q.get("seed"), 1, 0, 2**31)
    picked: list[str] = []
    rows: dict[str, dict[str, Any]] = {}
    grades: dict[str, dict[str, Any]] = {}
    drawn = "n" in q and ctx.reads.ready()
    if drawn:
        picked = sample_draw(ctx, chosen, n, seed)
        rows = ctx.reads.case_rows(picked)
        grades = ctx.reads.grades(picked)
    command = (f"enforcement-ledger audit --sample {n} --seed {seed}"
               + (f" --agency {chosen.split('/', 1)[1]}" if chosen else "")) if scope is None or chosen else ""
    return render(ctx, "sample.html", agencies=agencies, chosen=chosen, n=n, seed=seed, picked=picked, rows=rows,
                  grades=grades, drawn=drawn, command=command, audit=ctx.reads.has_audit())


RULE_ID = re.compile(r"^[A-Z]{2,5}-[0-9]{2}[A-Za-z]?$")


def _orderable(ctx: Ctx) -> list[dict[str, Any]]:
    """The agencies the principal may order rectification for: those a supervisor supervises."""
    p = ctx.principal
    if p is None or not p.has_role("supervisor"):
        return []
    return [a for a in ctx.reads.agencies() if ctx.svc.access.supervises(p, a["stream"])]


def _form(request: Request) -> dict[str, str]:
    return {k: request.query_params.get(k, "") for k in ("agency", "case", "findings", "due")}


def _same_origin(request: Request) -> bool:
    """A state-changing form must come from a page of this site (``Origin``, else ``Referer``)."""
    base = f"{request.url.scheme}://{request.url.netloc}"
    origin = request.headers.get("origin")
    if origin is not None:
        return origin == base
    referer = request.headers.get("referer") or ""
    return referer == base or referer.startswith(base + "/")


async def _fields(request: Request) -> dict[str, str]:
    body = (await request.body())[:16384].decode("utf-8", "replace")
    return {k: v[0].strip() for k, v in parse_qs(body, keep_blank_values=True).items()}


def _record(ctx: Ctx, step: dict[str, Any]) -> str | None:
    """Record one live step as the principal (signed with the key the service keeps); the refusal, if any."""
    assert ctx.principal is not None
    try:
        with ctx.svc.writing():
            ctx.svc.ledger.record([step], actor=ctx.principal.identity)
    except StepRefused as exc:
        return f"[{exc.rule}] {exc.message}" + (f"（{exc.basis}）" if exc.basis else "")
    return None


@router.post("/ui/supervision/rectifications")
async def order_rectification(request: Request, ctx: Reader, svc: ServicesDep) -> Response:
    fields = await _fields(request)

    def run() -> Response:
        if not _same_origin(request):
            return render(ctx, "error.html", 403, title="请求被拒绝", message="表单须从本站页面提交。")
        orderable = {a["stream"] for a in _orderable(ctx)}
        if not orderable:
            return forbidden(ctx, "下达整改通知（须为该机关的监督人员）")
        agency = fields.get("agency", "")
        case = fields.get("case", "")
        findings = [f for f in re.split(r"[\s,，、;；]+", fields.get("findings", "")) if f]
        error = None
        try:
            due = date.fromisoformat(fields.get("due", ""))
        except ValueError:
            due = None
            error = "整改期限应为日期（YYYY-MM-DD）。"
        if agency not in orderable:
            error = "请选择您监督的执法机关。"
        elif not findings or not all(RULE_ID.match(f) for f in findings):
            error = "请填写问题对应的规则编号，如 PEN-10、PEN-40（以逗号或空格分隔）。"
        elif case and case_stream(case) is None:
            error = f"案号无效：{case}"
        now = datetime.now(SHANGHAI)
        if error is None and due is not None and due < now.date():
            error = "整改期限不能早于今天。"
        if error is None and due is not None:
            stream = f"supervision/ZG-{now:%Y%m%d}-{secrets.token_hex(3).upper()}"
            data: dict[str, Any] = {"agency": agency, "findings": findings,
                                    "due_at": f"{due.isoformat()}T17:00:00+08:00"}
            if case:
                data["case"] = case_stream(case)
            assert ctx.principal is not None
            error = _record(ctx, {"stream": stream, "type": "RectificationOrdered",
                                  "at": now.isoformat(timespec="seconds"), "by": ctx.principal.identity,
                                  "data": data})
            if error is None:
                return RedirectResponse(ctx.url(f"/ui/streams/{stream}", recorded="1"), status_code=303,
                                        headers=SECURITY_HEADERS)
        return _dashboard(ctx, fields, error or "无法记录。", 422)

    return await svc.in_writer(run)


@router.post("/ui/streams/supervision/{ident}/report")
async def report_rectification(ident: str, request: Request, ctx: Reader, svc: ServicesDep) -> Response:
    fields = await _fields(request)

    def run() -> Response:
        if not _same_origin(request):
            return render(ctx, "error.html", 403, title="请求被拒绝", message="表单须从本站页面提交。")
        stream = page_stream("supervision", ident)
        assert ctx.principal is not None
        if stream is None or svc.ledger.stream_head(stream)[0] == 0:
            return missing(ctx, f"流 supervision/{ident}")
        if not ctx.principal.has_role("supervisor") or not svc.access.can_read(ctx.principal, stream):
            return forbidden(ctx, f"{stream} 的整改报告（须为该机关的监督人员）")
        actions = [line.strip() for line in fields.get("actions", "").splitlines() if line.strip()]
        try:
            reported = date.fromisoformat(fields.get("reported_on", ""))
        except ValueError:
            reported = None
        now = datetime.now(SHANGHAI)
        error: str | None
        if reported is None or reported > now.date():
            error = "报告日期应为不晚于今天的日期（YYYY-MM-DD）。"
        elif not actions:
            error = "请逐行填写整改措施。"
        else:
            at = now if reported == now.date() else datetime.combine(reported, now.time(), SHANGHAI)
            error = _record(ctx, {"stream": stream, "type": "RectificationReported",
                                  "at": now.isoformat(timespec="seconds"), "by": ctx.principal.identity,
                                  "data": {"reported_at": at.isoformat(timespec="seconds"), "actions": actions}})
            if error is None:
                return RedirectResponse(ctx.url(f"/ui/streams/{stream}", recorded="1"), status_code=303,
                                        headers=SECURITY_HEADERS)
        events = events_of(svc, stream)
        return render(ctx, "stream.html", 422, stream=stream, events=events, group=None, error=error,
                      can_report=True, form=fields, today=now.date().isoformat())

    return await svc.in_writer(run)


@router.get("/ui/streams/supervision/{ident}/notice.pdf")
def notice_pdf(ident: str, ctx: Reader) -> Response:
    from api.pdf_export import Rectification, rectification_pdf

    svc = ctx.svc

    stream = page_stream("supervision", ident)
    if stream is None:
        return missing(ctx, f"流 supervision/{ident}")
    assert ctx.principal is not None
    if not svc.access.can_read(ctx.principal, stream):
        return forbidden(ctx, stream)
    order = Rectification.of(stream, [{**e.envelope, "version": e.version} for e in events_of(svc, stream)])
    if order is None:
        return missing(ctx, f"{stream} 的责令整改通知")
    return pdf_response(rectification_pdf(order, names=paper_names(ctx)), f"notice-{ident}.pdf")
