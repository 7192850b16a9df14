"""Streams: their head (for client-side signing) and their events with signatures.

``GET /v1/streams/{kind}/{id}/head`` — version and hash of the head, what a client
signs its envelope against (a stream with no events yet: version 0, hash null), to those
who may read the stream. A caller who may not read a stream gets the same 403 whether it
exists or not, so the routes never tell which case numbers exist (issue 12, finding 11);
a client opening a stream it cannot read yet signs version 1 with ``prev`` null.
``GET /v1/streams/{kind}/{id}/events`` — the events, each as its exact signed bytes
(``sealed``) and their parts, for those who may read the stream
(``api.server.access``). Both carry ``ETag: "<version>"`` and answer
``If-None-Match`` with 304.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Path, Query, Response
from pydantic import BaseModel, Field

from api.server.access import Principal
from api.server.auth import Authenticated, ServicesDep, forbidden
from api.server.problems import Problem, problem_responses
from api.server.routes_steps import etag
from api.server.schemas import ID_PATTERN
from domain.fields import MalformedStream, StreamKind, parse_stream
from ledger.envelope import SealedEvent, b64

router = APIRouter(prefix="/v1/streams", tags=["streams"])


class StreamHead(BaseModel):
    stream: str
    version: int = Field(ge=0, description="流头的版本; 0 表示尚无事件")
    hash: str | None = Field(description="流头信封的 SHA-256 (十六进制): 下一个事件的 prev")


class Signer(BaseModel):
    id: str
    key: str


class EventOut(BaseModel):
    version: int = Field(ge=1)
    type: str
    recorded_at: str
    hash: str = Field(description="信封规范字节的 SHA-256 (十六进制)")
    signer: Signer
    sig: str = Field(description="Ed25519 签名 (base64), 覆盖信封的规范字节")
    event: dict[str, Any] = Field(description="信封 (步骤与账本的字段)")
    sealed: str = Field(description="存储的签名字节, 原样: {\"event\":<信封>,\"sig\":\"…\"}; "
                                    "其 SHA-256 是日志叶子的数据")


class StreamEvents(BaseModel):
    stream: str
    version: int = Field(ge=0, description="流头的版本")
    events: list[EventOut]
    next_after: int | None = Field(description="还有更多事件时, 下一页的 after 参数")


Kind = Annotated[StreamKind, Path(description="流的类别")]
Ident = Annotated[str, Path(pattern=ID_PATTERN, max_length=128, description="流的编号")]
IfNoneMatch = Annotated[str | None, Header(alias="If-None-Match")]
_READ_ERRORS = problem_responses(401, 403, 404, 422)
_ETAG = {"ETag": {"description": "流的版本", "schema": {"type": "string"}}}


def stream_name(kind: StreamKind, ident: str) -> str:
    stream = f"{kind.value}/{ident}"
    try:
        parse_stream(stream)
    except MalformedStream as exc:
        raise Problem(422, "invalid-stream", exc.message, rule=exc.rule) from exc
    return stream


def require_read(svc: ServicesDep, principal: Principal, stream: str) -> None:
    if not svc.access.can_read(principal, stream):
        raise forbidden(f"{principal.identity} 无权读取 {stream}")


def not_modified(if_none_match: str | None, tag: str) -> bool:
    if if_none_match is None:
        return False
    tags = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
    return "*" in tags or tag in tags


def event_out(event: SealedEvent) -> EventOut:
    signer_id, key = event.signer
    return EventOut(
        version=event.version, type=event.type, recorded_at=event.recorded_at, hash=event.hash.hex(),
        signer=Signer(id=signer_id, key=key), sig=b64(event.signature), event=event.envelope,
        sealed=event.stored.decode("utf-8"),
    )


@router.get(
    "/{kind}/{ident}/head", response_model=StreamHead,
    responses={200: {"headers": _ETAG}, 304: {"description": "未变化"}, **_READ_ERRORS},
    summary="流头的版本与哈希 (客户端签名用)",
)
def stream_head(kind: Kind, ident: Ident, principal: Authenticated, svc: ServicesDep, response: Response,
                if_none_match: IfNoneMatch = None) -> Any:
    stream = stream_name(kind, ident)
    require_read(svc, principal, stream)  # before the lookup: existence is no one's business but readers'
    version, head_hash = svc.ledger.stream_head(stream)
    tag = etag(version)
    if not_modified(if_none_match, tag):
        return Response(status_code=304, headers={"ETag": tag})
    response.headers["ETag"] = tag
    response.headers["Cache-Control"] = "private, no-cache"
    return StreamHead(stream=stream, version=version, hash=head_hash)


@router.get(
    "/{kind}/{ident}/events", response_model=StreamEvents,
    responses={200: {"headers": _ETAG}, 304: {"description": "未变化"}, **_READ_ERRORS},
    summary="流的事件及其签名",
)
def stream_events(
    kind: Kind, ident: Ident, principal: Authenticated, svc: ServicesDep, response: Response,
    after: Annotated[int, Query(ge=0, le=2**62, description="只列出版本大于此值的事件")] = 0,
    limit: Annotated[int, Query(ge=1, le=10_000, description="最多列出的事件数")] = 1000,
    if_none_match: IfNoneMatch = None,
) -> Any:
    stream = stream_name(kind, ident)
    events = _read(svc, principal, stream)
    tag = etag(len(events))
    if not_modified(if_none_match, tag):
        return Response(status_code=304, headers={"ETag": tag})
    page = events[after : after + limit]
    more = after + limit < len(events)
    response.headers["ETag"] = tag
    response.headers["Cache-Control"] = "private, no-cache"
    return StreamEvents(stream=stream, version=len(events), events=[event_out(e) for e in page],
                        next_after=page[-1].version if more and page else None)


@router.get(
    "/{kind}/{ident}/events/{version}", response_model=EventOut,
    responses={**_READ_ERRORS}, summary="流中的一个事件",
)
def stream_event(kind: Kind, ident: Ident, version: Annotated[int, Path(ge=1, le=2**62)],
                 principal: Authenticated, svc: ServicesDep, response: Response) -> EventOut:
    stream = stream_name(kind, ident)
    events = _read(svc, principal, stream)
    if version > len(events):
        raise Problem(404, "not-found", f"{stream} 没有版本 {version}")
    response.headers["Cache-Control"] = "private, max-age=31536000, immutable"
    return event_out(events[version - 1])


def _read(svc: ServicesDep, principal: Principal, stream: str) -> list[SealedEvent]:
    require_read(svc, principal, stream)
    version, _ = svc.ledger.stream_head(stream)
    if version == 0:
        raise Problem(404, "not-found", f"{stream} 尚无事件")
    return svc.ledger.read(stream)
