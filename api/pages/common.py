"""What the page modules share: query parameters read leniently (a bad value is a
default, never a 500), stream names from a page's path, the refusal and not-found pages,
the reader's scope and the PDF answer.
"""

from __future__ import annotations

from datetime import date

from fastapi.responses import HTMLResponse, Response

from api.pages.web import Ctx, render
from api.server.problems import bounded
from api.server.readmodels import stream_name
from api.server.state import Services
from domain.fields import MalformedStream, parse_stream
from ledger.envelope import SealedEvent
from projections.labels import IN_PROGRESS

GRADES = ("优秀", "合格", "不合格", IN_PROGRESS)
KINDS = ("case", "review", "litigation", "supervision", "licence", "complaint", "agency", "officer", "calendar")


def bounded_int(text: str | None, default: int, low: int = 1, high: int = 10**6) -> int:
    try:
        return max(low, min(high, int(text or default)))
    except ValueError:
        return default


def choice(value: str | None, allowed: tuple[str, ...]) -> str:
    return value if value is not None and value in allowed else ""


def agency_param(value: str | None) -> str:
    """An agency filter as the CLI and the API take it: ``JA-CGJ`` or ``agency/JA-CGJ`` (issue 13, 1)."""
    return stream_name("agency", (value or "").strip()[:200]) or ""


def date_param(text: str | None) -> str:
    """A ``YYYY-MM-DD`` form value as given, or "" when it is not one (a filter left out, never a 500)."""
    try:
        return date.fromisoformat(text).isoformat() if text else ""
    except ValueError:
        return ""


def case_stream(number: str) -> str | None:
    stream = number if number.startswith("case/") else f"case/{number}"
    try:
        parse_stream(stream)
    except MalformedStream:
        return None
    return stream


def page_stream(kind: str, ident: str) -> str | None:
    stream = f"{kind}/{ident}"
    if kind not in KINDS:
        return None
    try:
        parse_stream(stream)
    except MalformedStream:
        return None
    return stream


def events_of(svc: Services, stream: str) -> list[SealedEvent]:
    return svc.ledger.read(stream, check_signature=False)


def forbidden(ctx: Ctx, what: str) -> HTMLResponse:
    return render(ctx, "error.html", 403, title="无权查看", message=f"{ctx.principal.identity if ctx.principal else ''}"
                  f" 无权查看 {bounded(what)}。阅读权限与 API 相同：本机关人员、监督本机关的监督人员和管理员。")


def missing(ctx: Ctx, what: str) -> HTMLResponse:
    return render(ctx, "error.html", 404, title="未找到", message=f"没有 {bounded(what)}。")


def scoped(ctx: Ctx, agency: str | None) -> bool:
    scope = ctx.agencies_in_scope()
    return scope is None or (agency is not None and agency in scope)


def paper_names(ctx: Ctx) -> dict[str, str]:
    return {**ctx.reads.agency_names(), **ctx.reads.officer_names()}


def pdf_response(data: bytes, name: str) -> Response:
    return Response(data, media_type="application/pdf", headers={
        "Content-Disposition": f"attachment; filename=\"{name}\"", "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff"})
