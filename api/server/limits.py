"""Request size limits, enforced before a route sees the body.

A declared ``Content-Length`` over the limit is refused at once (413); a body sent
without one (chunked) is counted as it arrives and refused when it passes the limit.
Limits: ``PUT /v1/documents/…`` ``LEDGER_MAX_DOCUMENT_BYTES``; ``POST /v1/steps:batch``
``LEDGER_MAX_BATCH_BYTES``; anything else ``LEDGER_MAX_REQUEST_BYTES``.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.server.config import HttpSettings
from api.server.problems import Problem


def limit_for(http: HttpSettings, method: str, path: str) -> int:
    if method == "PUT" and path.startswith("/v1/documents/"):
        return http.max_document_bytes
    if path == "/v1/steps:batch":
        return http.max_batch_bytes
    return http.max_request_bytes


def too_large(limit: int) -> Problem:
    return Problem(413, "payload-too-large", f"请求体超过上限 {limit} 字节", limit=limit)


class BodyLimit:
    """Pure ASGI middleware: 413 problem+json for bodies over the limit of their route."""

    def __init__(self, app: ASGIApp, http: HttpSettings) -> None:
        self.app = app
        self.http = http

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = limit_for(self.http, scope["method"], scope["path"])
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            response = too_large(limit).response()
            response.headers["Connection"] = "close"
            await response(scope, receive, send)
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise too_large(limit)
            return message

        await self.app(scope, counted, send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None
