"""Recording: ``POST /v1/steps`` and ``POST /v1/steps:batch``.

The body is kept as sent: a step's JSON is what the ledger canonicalises and signs,
and a client-signed envelope must arrive byte for byte as its signer encoded it. So
bodies are read raw and checked by the domain (structure, role and agency, the legal
gates when live) and the ledger (signer, key, version), never coerced by a model.

Who may record: the token's identity must be the step's ``by`` — or hold ``admin``
and act for ``by`` (the server must keep ``by``'s key; the event records the admin as
``actor``). ``?backfill=true`` (补录) needs an admin token, whose identity signs.
Optimistic concurrency: ``If-Match: "<version>"`` (or ``*``: the stream exists) is the
version the stream must be at; a batch names several streams in ``expect``. A mismatch,
or a concurrent append that won the race, is 409.
"""

from __future__ import annotations

from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Depends, Header, Query, Request, Response
from fastapi.security import HTTPAuthorizationCredentials
from pydantic import BaseModel, Field

from api.server.access import Principal
from api.server.auth import Credentials, ServicesDep, resolve_principal
from api.server.problems import Problem, problem_responses
from api.server.schemas import step_body_schema
from api.server.state import Services, expecting
from domain.fields import MalformedStream, parse_stream
from ledger.service import Appended

router = APIRouter(prefix="/v1", tags=["recording"])


class RecordedEvent(BaseModel):
    """An appended event: its stream, version, type and chain hash (what the next ``prev`` names)."""

    stream: str
    version: int = Field(ge=1)
    type: str
    hash: str = Field(pattern=r"^[0-9a-f]{64}$", description="信封规范字节的 SHA-256 (十六进制)")


class RecordedBatch(BaseModel):
    events: list[RecordedEvent]


async def raw_body(request: Request) -> bytes:
    return await request.body()


RawBody = Annotated[bytes, Depends(raw_body)]


def etag(version: int) -> str:
    return f'"{version}"'


def parse_if_match(value: str | None) -> int | str | None:
    """``"3"`` → 3; ``*`` → ``*``; absent → None. Weak or several tags are refused (400)."""
    if value is None:
        return None
    text = value.strip()
    if text == "*":
        return "*"
    if text.startswith('"') and text.endswith('"') and len(text) >= 2:
        text = text[1:-1]
    if not text.isdigit() or len(text) > 18:
        raise Problem(400, "bad-if-match", f'If-Match 应为流版本的 ETag, 如 "3", 或 *: {value!r}')
    return int(text)


def stream_path(stream: str) -> str:
    return f"/v1/streams/{stream}"


def decode(body: bytes) -> Any:
    if not body:
        raise Problem(400, "invalid-json", "请求体为空; 应为一个步骤的 JSON", rule="STRUCT-JSON")
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise Problem(400, "invalid-json", f"不是合法的 JSON: {exc}", rule="STRUCT-JSON") from exc


def is_sealed(value: Any) -> bool:
    return isinstance(value, dict) and set(value) == {"event", "sig"}


def authorize(principal: Principal, steps: list[Any], backfill: bool) -> None:
    """What the token may ask, before the ledger is touched (the ledger checks it again)."""
    if backfill and not principal.is_admin:
        raise Problem(403, "forbidden", f"补录须使用管理员令牌; {principal.identity} 不是管理员",
                      title="无权记录该步骤", rule="STRUCT-BACKFILL")
    if backfill or principal.is_admin:
        return
    for index, step in enumerate(steps):
        by = step.get("by") if isinstance(step, dict) else None
        if isinstance(by, str) and by != principal.identity:
            raise Problem(403, "forbidden", f"令牌身份 {principal.identity} 不能代 {by} 记录 (须为本人或管理员)",
                          title="无权记录该步骤", rule="STRUCT-ACTOR", index=index)


def as_model(appended: Appended) -> RecordedEvent:
    return RecordedEvent(stream=appended.stream, version=appended.version, type=appended.type, hash=appended.hash)


_STEP_BODY = {
    "requestBody": {
        "required": True,
        "description": "一个步骤 (steps.md), 或客户端签名的信封 {event, sig} (规范编码字节)",
        "content": {"application/json": {"schema": step_body_schema()}},
    }
}
_BATCH_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/StepBatch"}}},
    }
}
_WRITE_ERRORS = problem_responses(400, 401, 403, 409, 413, 422)
_ETAG_HEADERS = {
    "ETag": {"description": "流的新版本", "schema": {"type": "string"}},
    "Location": {"description": "新事件的地址", "schema": {"type": "string"}},
}

IfMatch = Annotated[str | None, Header(alias="If-Match", description='期望的流版本, 如 "3"; * 表示流须已存在')]
Backfill = Annotated[bool, Query(description="补录纸质历史: 只做结构校验, 由管理员令牌的身份签名")]


@router.post(
    "/steps", status_code=201, response_model=RecordedEvent, openapi_extra=_STEP_BODY,
    responses={201: {"headers": _ETAG_HEADERS}, **_WRITE_ERRORS},
    summary="记录一个步骤 (或提交客户端签名的信封)",
)
async def record_step(
    body: RawBody, credentials: Credentials, svc: ServicesDep,
    if_match: IfMatch = None, backfill: Backfill = False,
) -> Response:
    # Authentication and the append in one worker thread: the hot path of the service.
    event = await svc.in_writer(_record_step, body, credentials, svc, if_match, backfill)
    return _created(event.model_dump(), etag(event.version),
                    f"{stream_path(event.stream)}/events/{event.version}")


def _record_step(body: bytes, credentials: HTTPAuthorizationCredentials | None, svc: Services,
                 if_match: str | None, backfill: bool) -> RecordedEvent:
    principal = resolve_principal(svc, credentials)
    value = decode(body)
    expected = parse_if_match(if_match)
    if is_sealed(value):
        return as_model(_submit_sealed(body, value, principal, svc, expected, backfill))
    authorize(principal, [value], backfill)
    stream = value.get("stream") if isinstance(value, dict) else None
    versions = {stream: expected} if expected is not None and isinstance(stream, str) else None
    with expecting(versions), svc.writing():
        return as_model(svc.ledger.record([value], actor=principal.identity, backfill=backfill)[0])


def _created(body: dict[str, Any], tag: str | None, location: str | None = None) -> Response:
    headers = {}
    if tag is not None:
        headers["ETag"] = tag
    if location is not None:
        headers["Location"] = location
    return Response(orjson.dumps(body), status_code=201, media_type="application/json", headers=headers)


def _submit_sealed(body: bytes, value: dict[str, Any], principal: Principal, svc: Services,
                   expected: int | str | None, backfill: bool) -> Appended:
    envelope = value.get("event")
    if backfill:
        raise Problem(422, "step-refused", "客户端签名的信封不能是补录", title="步骤被拒绝", rule="STRUCT-ENVELOPE")
    if not isinstance(envelope, dict):
        raise Problem(422, "step-refused", "event 应为对象", title="步骤被拒绝", rule="STRUCT-ENVELOPE")
    by = envelope.get("by")
    if by != principal.identity:
        raise Problem(403, "forbidden", f"客户端签名的步骤须由令牌身份本人提交: by={by!r}, 令牌 {principal.identity}",
                      title="无权记录该步骤", rule="STRUCT-ACTOR")
    stream = envelope.get("stream")
    versions = {stream: expected} if expected is not None and isinstance(stream, str) else None
    with expecting(versions), svc.writing():
        return svc.ledger.submit_sealed(body)


@router.post(
    "/steps:batch", status_code=201, response_model=RecordedBatch, openapi_extra=_BATCH_BODY,
    responses={201: {"headers": {"ETag": {"description": "流的新版本 (仅当批次只涉及一个流)",
                                          "schema": {"type": "string"}}}}, **_WRITE_ERRORS},
    summary="原子地记录多个步骤 (全部记录或全部不记录)",
)
async def record_batch(
    body: RawBody, credentials: Credentials, svc: ServicesDep,
    if_match: IfMatch = None, backfill: Backfill = False,
) -> Response:
    batch = await svc.in_writer(_record_batch, body, credentials, svc, if_match, backfill)
    streams = {e.stream for e in batch.events}
    return _created(batch.model_dump(), etag(batch.events[-1].version) if len(streams) == 1 else None)


def _record_batch(body: bytes, credentials: HTTPAuthorizationCredentials | None, svc: Services,
                  if_match: str | None, backfill: bool) -> RecordedBatch:
    principal = resolve_principal(svc, credentials)
    value = decode(body)
    if not isinstance(value, dict) or not isinstance(value.get("steps"), list) or not value["steps"]:
        raise Problem(422, "step-refused", "批次应为 {\"steps\": [步骤, ...], \"expect\"?: {流: 版本}}",
                      title="步骤被拒绝", rule="STRUCT-SHAPE")
    unknown = set(value) - {"steps", "expect"}
    if unknown:
        raise Problem(422, "step-refused", f"批次含未知字段: {', '.join(sorted(unknown))}",
                      title="步骤被拒绝", rule="STRUCT-SHAPE")
    steps: list[Any] = value["steps"]
    if len(steps) > svc.http.max_batch_steps:
        raise Problem(413, "payload-too-large", f"一批最多 {svc.http.max_batch_steps} 个步骤 (LEDGER_MAX_BATCH_STEPS)")
    versions = _expectations(value.get("expect"), steps, parse_if_match(if_match))
    authorize(principal, steps, backfill)
    with expecting(versions), svc.writing():
        appended = svc.ledger.record(steps, actor=principal.identity, backfill=backfill)
    return RecordedBatch(events=[as_model(a) for a in appended])


def _expectations(expect: Any, steps: list[Any], if_match: int | str | None) -> dict[str, int | str] | None:
    versions: dict[str, int | str] = {}
    if expect is not None:
        if not isinstance(expect, dict):
            raise Problem(422, "step-refused", "expect 应为 {流: 版本}", title="步骤被拒绝", rule="STRUCT-SHAPE")
        for stream, version in expect.items():
            try:
                parse_stream(stream)
            except MalformedStream as exc:
                raise Problem(422, "step-refused", exc.message, title="步骤被拒绝", rule=exc.rule) from exc
            if isinstance(version, bool) or not isinstance(version, int) or version < 0:
                raise Problem(422, "step-refused", f"expect[{stream}] 应为非负整数", title="步骤被拒绝",
                              rule="STRUCT-SHAPE")
            versions[stream] = version
        named = {s.get("stream") for s in steps if isinstance(s, dict)}
        missing = sorted(set(versions) - named)
        if missing:
            raise Problem(422, "step-refused", f"expect 中的流不在批次里: {', '.join(missing)}",
                          title="步骤被拒绝", rule="STRUCT-SHAPE")
    if if_match is not None:
        streams = {s.get("stream") for s in steps if isinstance(s, dict)}
        if len(streams) != 1 or not all(isinstance(s, str) for s in streams):
            raise Problem(400, "bad-if-match", "If-Match 只适用于单一流的批次; 多个流请用 expect")
        versions[str(next(iter(streams)))] = if_match
    return versions or None


__all__ = ["RecordedBatch", "RecordedEvent", "etag", "router"]
