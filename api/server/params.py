"""Query and path parameters checked once, before any route (or SQL) sees them.

PostgreSQL ``text`` cannot hold NUL, and no parameter of this service (an agency code,
a case number, a date, a cursor) has a use for a control character or for bytes that
are not UTF-8. Starlette decodes such bytes leniently (U+FFFD) and passes NUL through,
so without this check ``?agency=%00`` reached a query and answered 500 on PostgreSQL.
:class:`ParameterGuard` refuses them with one 400 problem (rule ``STRUCT-PARAMETER``)
for every route, the pages included; the offending value is never echoed back.
"""

from __future__ import annotations

from urllib.parse import unquote_to_bytes

from starlette.types import ASGIApp, Receive, Scope, Send

from api.server.problems import Problem

__all__ = ["ParameterGuard", "bad_parameter"]

RULE = "STRUCT-PARAMETER"
_NAME_ECHO = 64


def _clean(raw: bytes) -> str | None:
    """The text of percent-decoded ``raw``; None when it is not UTF-8 or holds a C0 control or DEL."""
    try:
        text = unquote_to_bytes(raw).decode("utf-8")
    except UnicodeDecodeError:
        return None
    if any(ch < " " or ch == "\x7f" for ch in text):
        return None
    return text


def bad_parameter(path: bytes, query: bytes) -> Problem | None:
    """The problem to answer for this raw path and query string, or None when both are clean."""
    if _clean(path) is None:
        return Problem(400, "invalid-parameter", "路径含控制字符或无效的 UTF-8 编码", rule=RULE)
    for pair in query.split(b"&"):
        if not pair:
            continue
        name, _, value = pair.partition(b"=")
        label = _clean(name.replace(b"+", b" "))
        if label is None:
            return Problem(400, "invalid-parameter", "查询参数名含控制字符或无效的 UTF-8 编码", rule=RULE)
        if _clean(value.replace(b"+", b" ")) is None:
            shown = label if len(label) <= _NAME_ECHO else label[:_NAME_ECHO] + "…"
            return Problem(400, "invalid-parameter", f"查询参数 {shown} 含控制字符或无效的 UTF-8 编码",
                           rule=RULE, parameter=shown)
    return None


class ParameterGuard:
    """Pure ASGI middleware: 400 problem+json for a path or query parameter that no route may receive."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            raw_path = scope.get("raw_path") or str(scope.get("path", "")).encode("utf-8", "surrogateescape")
            found = bad_parameter(raw_path, scope.get("query_string", b""))
            if found is not None:
                await found.response()(scope, receive, send)
                return
        await self.app(scope, receive, send)
