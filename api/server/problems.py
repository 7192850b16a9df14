"""Errors as ``application/problem+json`` (RFC 9457), and the handlers that make them.

Every error the service returns has ``type``, ``title``, ``status`` and ``detail``;
a refusal by the domain or the ledger adds ``rule`` (a rules.md id or ``STRUCT-*``),
``basis`` when a legal article is cited, and ``index`` (which step of a batch). A
crash returns a bare 500 problem: the traceback is logged server-side, never sent.
"""

from __future__ import annotations

import logging
import sqlite3
from typing import Any

import orjson
from eventsourcing.persistence import IntegrityError, OperationalError
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from api.server.storeguard import StoreUnavailable
from domain.errors import StepRefused
from ledger.canonical import EncodingError
from ledger.errors import ChainError
from ledger.store import ChainBrokenError

log = logging.getLogger("enforcement_ledger.http")

PROBLEM_MEDIA_TYPE = "application/problem+json"
TYPE_BASE = "urn:enforcement-ledger:problem:"

FORBIDDEN_RULES = frozenset({"STRUCT-ROLE", "STRUCT-ACTOR", "STRUCT-BACKFILL"})
"""Refusals that say *who* may not record the step: 403, not 422."""
CONFLICT_RULES = frozenset({"STALE-VERSION", "VERSION-MISMATCH"})
"""Refusals that say the stream moved on meanwhile: 409."""
MAX_DETAIL = 1000
"""Characters of ``detail`` sent at most: details quote request input (a path, a number), and a
100 KB path must not come back 100 KB long (issue 12, finding 11)."""

TITLES = {
    400: "请求有误", 401: "未认证", 403: "无权操作", 404: "未找到", 405: "方法不允许", 409: "版本冲突",
    410: "已不再提供", 413: "请求体过大", 415: "不支持的媒体类型", 422: "无法处理的内容", 500: "服务器内部错误",
    503: "服务暂不可用",
}


class ProblemModel(BaseModel):
    """RFC 9457 problem details, with the rule that refused when there is one."""

    model_config = ConfigDict(title="Problem", extra="allow")

    type: str = Field(description="问题类型 URI (urn:enforcement-ledger:problem:<slug>)")
    title: str
    status: int
    detail: str | None = None
    rule: str | None = Field(None, description="拒绝所依据的规则编号 (rules.md 或 STRUCT-*)")
    basis: str | None = Field(None, description="规则的法律依据")
    index: int | None = Field(None, description="批次中被拒绝步骤的序号 (从 0 起)")


class Problem(Exception):
    """Raise from a route to answer with a problem document."""

    def __init__(self, status: int, slug: str, detail: str | None = None, *, title: str | None = None,
                 rule: str | None = None, basis: str | None = None, index: int | None = None,
                 headers: dict[str, str] | None = None, **extra: Any) -> None:
        super().__init__(detail or slug)
        self.status = status
        self.slug = slug
        self.detail = bounded(detail)
        self.title = title or TITLES.get(status, "错误")
        self.rule, self.basis, self.index = rule, basis, index
        self.headers = headers or {}
        self.extra = extra

    def body(self) -> dict[str, Any]:
        doc: dict[str, Any] = {"type": TYPE_BASE + self.slug, "title": self.title, "status": self.status}
        if self.detail is not None:
            doc["detail"] = self.detail
        for name in ("rule", "basis", "index"):
            value = getattr(self, name)
            if value is not None:
                doc[name] = value
        doc.update(self.extra)
        return doc

    def response(self) -> Response:
        return problem_response(self.status, self.body(), self.headers)


def bounded(detail: str | None) -> str | None:
    """``detail`` cut to :data:`MAX_DETAIL` characters, marked where it was cut."""
    if detail is None or len(detail) <= MAX_DETAIL:
        return detail
    return detail[: MAX_DETAIL - 6] + "…(已截断)"


def problem_response(status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> Response:
    return Response(orjson.dumps(body), status_code=status, media_type=PROBLEM_MEDIA_TYPE, headers=headers)


def refusal_status(rule: str) -> int:
    if rule in FORBIDDEN_RULES:
        return 403
    if rule in CONFLICT_RULES:
        return 409
    return 422


def refusal(exc: StepRefused) -> Problem:
    status = refusal_status(exc.rule)
    slug = {403: "forbidden", 409: "version-conflict"}.get(status, "step-refused")
    title = {403: "无权记录该步骤", 409: "流版本冲突"}.get(status, "步骤被拒绝")
    return Problem(status, slug, exc.message, title=title, rule=exc.rule, basis=exc.basis, index=exc.index)


ERROR_PAGES = "error_pages"
"""``Services.extras`` key of an area's error pages: ``(request, status, detail) -> Response | None``
(the web pages answer HTML under ``/ui/`` and ``/public/``; None leaves the problem document)."""


def _page_instead(request: Request, status: int, detail: str | None, problem: Response) -> Response:
    svc = getattr(request.app.state, "services", None)
    pages = getattr(svc, "extras", {}).get(ERROR_PAGES) if svc is not None else None
    found = pages(request, status, detail) if callable(pages) else None
    return found if isinstance(found, Response) else problem


def install_handlers(app: FastAPI) -> None:
    """Problem documents for every error, including the unexpected (HTML pages under the pages' paths)."""

    async def on_problem(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, Problem)
        return exc.response()

    async def on_refused(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StepRefused)
        return refusal(exc).response()

    async def on_conflict(request: Request, exc: Exception) -> Response:
        # A concurrent append to the same stream won the race (unique version, chain link).
        detail = "同一流上另有步骤已先记录; 读取流头后重试"
        if not isinstance(exc, ChainBrokenError):
            log.info("integrity conflict on %s: %s", request.url.path, exc)
        return Problem(409, "version-conflict", detail, rule="VERSION-MISMATCH").response()

    async def on_unavailable(request: Request, exc: Exception) -> Response:
        log.warning("storage unavailable on %s %s: %s", request.method, request.url.path, exc)
        return Problem(503, "unavailable", "存储暂时不可用 (繁忙或连接不足); 稍后重试",
                       headers={"Retry-After": "1"}).response()

    async def on_chain(request: Request, exc: Exception) -> Response:
        # A stored stream whose chain does not hold: evidence is damaged, never a bare 500.
        assert isinstance(exc, ChainError)
        log.error("integrity failure on %s %s: %s", request.method, request.url.path, exc)
        svc = getattr(request.app.state, "services", None)
        if svc is not None:
            svc.integrity.record(exc.stream, exc.version, str(exc))
        where: dict[str, Any] = {k: v for k, v in (("stream", exc.stream), ("version", exc.version)) if v is not None}
        return Problem(503, "integrity", f"流的哈希链或签名校验失败, 暂停读写该流; 请运维核查 (verify): {exc}",
                       title="账本完整性校验失败", rule="INTEGRITY", **where).response()

    async def on_encoding(request: Request, exc: Exception) -> Response:
        # The domain accepted a value the canonical encoding cannot hold (|n| > 2**53-1, a lone surrogate).
        return Problem(422, "step-refused", f"步骤无法规范编码: {exc}", title="步骤被拒绝",
                       rule="STRUCT-ENCODING").response()

    async def on_validation(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        parts = []
        for error in exc.errors()[:5]:
            where = ".".join(str(p) for p in error.get("loc", ()))
            parts.append(f"{where}: {error.get('msg', '')}")
        return _page_instead(request, 404, None,
                             Problem(422, "invalid-request", "; ".join(parts) or "请求参数无效").response())

    async def on_http(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        status = exc.status_code
        detail = exc.detail if isinstance(exc.detail, str) else None
        slug = {404: "not-found", 405: "method-not-allowed"}.get(status, "http-error")
        headers = dict(exc.headers) if exc.headers else None
        return _page_instead(request, status, detail, Problem(status, slug, detail, headers=headers).response())

    async def on_crash(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return _page_instead(request, 500, None,
                             Problem(500, "internal-error", "服务器内部错误; 详情已记入服务器日志").response())

    app.add_exception_handler(Problem, on_problem)
    app.add_exception_handler(StepRefused, on_refused)
    app.add_exception_handler(IntegrityError, on_conflict)
    app.add_exception_handler(OperationalError, on_unavailable)
    app.add_exception_handler(StoreUnavailable, on_unavailable)
    app.add_exception_handler(ChainError, on_chain)
    app.add_exception_handler(sqlite3.IntegrityError, on_conflict)
    app.add_exception_handler(EncodingError, on_encoding)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(Exception, on_crash)


def problem_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` entries for these status codes, each a problem document."""
    descriptions = {
        400: "请求有误", 401: "缺少或无效的令牌", 403: "令牌的身份无权进行此操作", 404: "未找到",
        409: "流版本与 If-Match 或信封不符, 或同一流上另有步骤先记录", 410: "已撤回或已过公示期",
        413: "请求体超过大小上限", 422: "步骤或参数被拒绝 (含规则编号)", 503: "服务暂不可用",
    }
    return {
        code: {"description": descriptions.get(code, TITLES.get(code, "错误")),
               "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}}
        for code in codes
    }
