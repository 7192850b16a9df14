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

Safe retries: ``Idempotency-Key`` (IETF httpapi draft) names a request; the same key with
the same body answers the first result again (status, body, ``ETag``, ``Location``) without
writing, the same key with another body is 422 ``IDEMPOTENCY-KEY``, and while the first is
still in progress 409 (see ``api.idempotency`` for how the key and its events are kept).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

import orjson
from eventsourcing.persistence import IntegrityError
from fastapi import APIRouter, Depends, Header, Query, Request, Response
from fastapi.security import HTTPAuthorizationCredentials
from pydantic import BaseModel, Field

from api.idempotency import KeyRecord, KeyTaken, Reply, fingerprint
from api.server.access import Principal
from api.server.auth import Credentials, ServicesDep, resolve_principal
from api.server.problems import Problem, problem_responses
from api.server.schemas import step_body_schema
from api.server.state import Services, expecting, log
from domain.fields import MalformedStream, parse_stream
from ledger import canonical
from ledger.envelope import SealedEvent, content_hash
from ledger.service import Appended, OnSealed

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
        if exc.msg == "depth limit exceeded":  # well-formed, only deeper than the parser reads
            raise Problem(422, "step-refused", f"嵌套超过 {canonical.MAX_DEPTH} 层", title="步骤被拒绝",
                          rule="STRUCT-ENCODING") from exc
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
_WRITE_ERRORS = problem_responses(400, 401, 403, 409, 413, 422, 503)
_ETAG_HEADERS = {
    "ETag": {"description": "流的新版本", "schema": {"type": "string"}},
    "Location": {"description": "新事件的地址", "schema": {"type": "string"}},
}

IfMatch = Annotated[str | None, Header(alias="If-Match", description='期望的流版本, 如 "3"; * 表示流须已存在')]
Backfill = Annotated[bool, Query(description="补录纸质历史: 只做结构校验, 由管理员令牌的身份签名")]
IdempotencyKey = Annotated[str | None, Header(
    alias="Idempotency-Key",
    description="幂等键 (IETF httpapi 草案): 同一键与同一请求体重试时返回首次结果而不重复记录; 保留至少 24 小时")]

IN_FLIGHT_SECONDS = 3.0
"""A key whose events are not stored yet is taken to be in progress this long (409)."""
REAPPEND_SECONDS = 300.0
"""After that and until this age, its sealed events are appended again (identical bytes)."""

Work = Callable[[Principal, OnSealed | None], list[Appended]]
Answer = Callable[[list[Appended]], Reply]


@router.post(
    "/steps", status_code=201, response_model=RecordedEvent, openapi_extra=_STEP_BODY,
    responses={201: {"headers": _ETAG_HEADERS}, **_WRITE_ERRORS},
    summary="记录一个步骤 (或提交客户端签名的信封)",
)
async def record_step(
    body: RawBody, credentials: Credentials, svc: ServicesDep,
    if_match: IfMatch = None, backfill: Backfill = False, idempotency_key: IdempotencyKey = None,
) -> Response:
    # Authentication and the append in one worker thread: the hot path of the service.
    def work(principal: Principal, on_sealed: OnSealed | None) -> list[Appended]:
        return [_record_step(body, principal, svc, if_match, backfill, on_sealed)]

    reply = await svc.in_writer(_keyed, svc, credentials, idempotency_key, body, work, _step_reply)
    return _respond(reply)


def _step_reply(appended: list[Appended]) -> Reply:
    event = as_model(appended[0])
    return Reply(201, {"ETag": etag(event.version), "Location": f"{stream_path(event.stream)}/events/{event.version}"},
                 orjson.dumps(event.model_dump()))


def _record_step(body: bytes, principal: Principal, svc: Services, if_match: str | None, backfill: bool,
                 on_sealed: OnSealed | None) -> Appended:
    value = decode(body)
    expected = parse_if_match(if_match)
    if is_sealed(value):
        return _submit_sealed(body, value, principal, svc, expected, backfill, on_sealed)
    authorize(principal, [value], backfill)
    stream = value.get("stream") if isinstance(value, dict) else None
    svc.integrity.refuse_writes([stream])
    versions = {stream: expected} if expected is not None and isinstance(stream, str) else None
    with expecting(versions), svc.writing():
        return svc.ledger.record([value], actor=principal.identity, backfill=backfill, on_sealed=on_sealed)[0]


def _respond(reply: Reply, replayed: bool = False) -> Response:
    headers = dict(reply.headers)
    if replayed:
        headers["Idempotent-Replayed"] = "true"
    return Response(reply.body, status_code=reply.status, media_type="application/json", headers=headers)


def _submit_sealed(body: bytes, value: dict[str, Any], principal: Principal, svc: Services,
                   expected: int | str | None, backfill: bool, on_sealed: OnSealed | None) -> Appended:
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
    svc.integrity.refuse_writes([stream])
    versions = {stream: expected} if expected is not None and isinstance(stream, str) else None
    with expecting(versions), svc.writing():
        return svc.ledger.submit_sealed(body, on_sealed)


@router.post(
    "/steps:batch", status_code=201, response_model=RecordedBatch, openapi_extra=_BATCH_BODY,
    responses={201: {"headers": {"ETag": {"description": "流的新版本 (仅当批次只涉及一个流)",
                                          "schema": {"type": "string"}}}}, **_WRITE_ERRORS},
    summary="原子地记录多个步骤 (全部记录或全部不记录)",
)
async def record_batch(
    body: RawBody, credentials: Credentials, svc: ServicesDep,
    if_match: IfMatch = None, backfill: Backfill = False, idempotency_key: IdempotencyKey = None,
) -> Response:
    def work(principal: Principal, on_sealed: OnSealed | None) -> list[Appended]:
        return _record_batch(body, principal, svc, if_match, backfill, on_sealed)

    reply = await svc.in_writer(_keyed, svc, credentials, idempotency_key, body, work, _batch_reply)
    return _respond(reply)


def _batch_reply(appended: list[Appended]) -> Reply:
    batch = RecordedBatch(events=[as_model(a) for a in appended])
    streams = {e.stream for e in batch.events}
    headers = {"ETag": etag(batch.events[-1].version)} if len(streams) == 1 else {}
    return Reply(201, headers, orjson.dumps(batch.model_dump()))


def _record_batch(body: bytes, principal: Principal, svc: Services, if_match: str | None, backfill: bool,
                  on_sealed: OnSealed | None) -> list[Appended]:
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
    svc.integrity.refuse_writes(s.get("stream") for s in steps if isinstance(s, dict))
    with expecting(versions), svc.writing():
        return svc.ledger.record(steps, actor=principal.identity, backfill=backfill, on_sealed=on_sealed)


# -- idempotency keys ---------------------------------------------------------------------------


def parse_key(value: str) -> str:
    """The key as the draft writes it (a structured-field string, ``"..."``) or bare: 1-255 printable ASCII."""
    text = value.strip()
    if len(text) >= 2 and text.startswith('"') and text.endswith('"'):
        text = text[1:-1]
    if not 1 <= len(text) <= 255 or not all(0x20 <= ord(c) <= 0x7E for c in text):
        raise Problem(400, "bad-idempotency-key", "Idempotency-Key 应为 1-255 个可打印 ASCII 字符",
                      rule="IDEMPOTENCY-KEY")
    return text


def _keyed(svc: Services, credentials: HTTPAuthorizationCredentials | None, key_header: str | None, body: bytes,
           work: Work, answer: Answer) -> Reply:
    """Run ``work`` once per (identity, key): a repeat answers the first reply without writing."""
    principal = resolve_principal(svc, credentials)
    if key_header is None:
        return answer(work(principal, None))
    key, fp, scope = parse_key(key_header), fingerprint(body), principal.identity
    keys = svc.idempotency()
    with keys.in_flight(scope, key) as free:
        if not free:
            raise _in_flight(key)
        keys.prune()
        found = keys.find(scope, key)
        if found is not None:
            replay = _resolve(svc, found, fp)
            if replay is not None:
                return replay
        on_sealed = keys.hook(scope, key, fp, lambda events: answer([_unstored(e) for e in events]))
        try:
            appended = work(principal, on_sealed)
        except KeyTaken as exc:
            raise _in_flight(key) from exc
        if keys.postgres:
            try:
                keys.confirm(scope, key)
            except Exception:  # the next repeat looks the events up instead
                log.info("idempotency key %s not confirmed; a repeat will look its events up", key)
        return answer(appended)


def _resolve(svc: Services, found: KeyRecord, fp: str) -> Reply | None:
    """The stored reply if the key's events are stored (re-appending them if they can still be),
    None if the first attempt is void (the key is free again)."""
    keys = svc.idempotency()
    if found.fingerprint != fp:
        raise Problem(422, "idempotency-key-reused", f"幂等键 {found.key} 已用于另一请求体; 新请求须使用新的键",
                      title="幂等键已被使用", rule="IDEMPOTENCY-KEY")
    if found.confirmed:
        return found.reply
    outcome = svc.ledger.settle(found.events)
    if outcome == "absent" and found.age() < IN_FLIGHT_SECONDS:
        raise _in_flight(found.key)
    if outcome == "absent" and found.age() < REAPPEND_SECONDS:
        try:
            with svc.writing():
                svc.ledger.append_sealed(found.events)
        except IntegrityError:
            outcome = "lost"  # another event took a place meanwhile
        else:
            outcome = "stored"
    if isinstance(outcome, list) or outcome == "stored":
        keys.confirm(found.scope, found.key)
        return found.reply
    keys.forget(found.scope, found.key, found.created_at)
    return None


def _unstored(event: SealedEvent) -> Appended:
    return Appended(event.stream, event.version, event.type, 0, content_hash(event.unsigned).hex())


def _in_flight(key: str) -> Problem:
    return Problem(409, "idempotency-in-flight", f"幂等键 {key} 的首个请求仍在处理中; 稍后重试",
                   title="请求仍在处理中", rule="IDEMPOTENCY-KEY", headers={"Retry-After": "1"})


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
