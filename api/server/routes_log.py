"""The public transparency log: checkpoint, proofs, receipts, tiles and public events. No token.

| route | answer |
|---|---|
| ``GET /v1/log/checkpoint`` | the latest signed checkpoint (C2SP tlog-checkpoint, with cosignatures), ``text/plain`` |
| ``GET /v1/log/key`` | the log's verifier key (C2SP vkey), ``text/plain`` |
| ``GET /v1/log/proof/inclusion?position=N[&size=S]`` | inclusion proof of leaf N in a \
stored checkpoint (default the latest) |
| ``GET /v1/log/proof/consistency?from=A[&to=B]`` | consistency proof between tree \
sizes (default to the latest checkpoint) |
| ``GET /v1/log/receipt/{N}[?size=S]`` | C2SP tlog-proof of leaf N, checkable offline with the key |
| ``GET /v1/log/tile/…`` | C2SP tlog-tiles: hash tiles ``tile/<L>/<N>[.p/<W>]`` and \
entry bundles ``tile/entries/<N>[.p/<W>]`` |
| ``GET /v1/log/event/{N}`` | the signed bytes of the event at position N — only public events (the registry, \
publications, withdrawals); 403 for any other, 410 for a publication withdrawn or past its ``max_until``, \
451 (rule PUB-01, with the leaf hash) when the bytes hold personal data |

Only what a checkpoint covers is served: proofs, receipts and tiles name a stored
checkpoint, so nothing the log has not signed leaves through these routes. Bytes are
never served with personal data in them: 补录 records history as it was (structure
only), so the event route re-scans every string of what it would serve (PUB-01 as a
public surface judges it) and answers 451 instead; the leaf hash in that answer still
lets anyone check the event's inclusion with the proofs above.
"""

from __future__ import annotations

import calendar
from datetime import date, datetime
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Path, Query, Response
from pydantic import BaseModel, Field

from api.server.auth import ServicesDep
from api.server.problems import Problem, problem_responses
from api.server.state import Services
from domain.calendar import SHANGHAI
from domain.config import effective_regime
from domain.gates import PUBLICATIONS, PUBLICLY_SERVED, describe_findings, masking_case, personal_data_findings
from domain.personal_data import Finding
from domain.step import parse_timestamp
from ledger import merkle, tiles
from ledger.envelope import MalformedEventError, SealedEvent
from ledger.service import BatchView
from ledger.translog import NotCoveredError, StoredCheckpoint, TransparencyLog, encode_hash

router = APIRouter(prefix="/v1/log", tags=["public log"])

WITHHELD_TITLE = "因法律原因不予提供"

TEXT = "text/plain; charset=utf-8"
_TEXT_CONTENT = {"text/plain": {"schema": {"type": "string"}}}
_BINARY_CONTENT = {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}
_MAX = 2**62
_SEALED = {"$ref": "#/components/schemas/SealedEnvelope"}


class InclusionProofOut(BaseModel):
    index: int = Field(ge=0)
    tree_size: int = Field(ge=1)
    leaf_hash: str
    proof: list[str]
    root: str
    checkpoint: str | None


class ConsistencyProofOut(BaseModel):
    from_: int = Field(alias="from", ge=1)
    to: int = Field(ge=1)
    old_root: str
    new_root: str
    proof: list[str]
    old_checkpoint: str | None
    new_checkpoint: str | None


def _latest(log: TransparencyLog) -> StoredCheckpoint:
    cp = log.latest_checkpoint()
    if cp is None:
        raise Problem(404, "no-checkpoint", "日志还没有签名检查点")
    return cp


def _not_covered(exc: NotCoveredError) -> Problem:
    return Problem(404, "not-covered", str(exc))


@router.get("/checkpoint", response_class=Response, responses={200: {"content": _TEXT_CONTENT},
                                                               **problem_responses(404)},
            summary="最新的签名检查点")
def checkpoint(svc: ServicesDep) -> Response:
    with svc.log.reading() as log:
        cp = _latest(log)
    return Response(cp.signed, media_type=TEXT, headers={"Cache-Control": "public, max-age=5"})


@router.get("/key", response_class=Response, responses={200: {"content": _TEXT_CONTENT}, **problem_responses(404)},
            summary="日志公钥 (C2SP vkey)")
def key(svc: ServicesDep) -> Response:
    with svc.log.reading() as log:
        vkey = log.vkey()
    if vkey is None:
        raise Problem(404, "no-key", "日志还没有签名密钥")
    return Response(vkey + "\n", media_type=TEXT, headers={"Cache-Control": "public, max-age=3600"})


@router.get("/proof/inclusion", response_model=InclusionProofOut, responses={**problem_responses(404, 422)},
            summary="包含证明")
def inclusion(svc: ServicesDep, position: Annotated[int, Query(ge=0, le=_MAX)],
              size: Annotated[int | None, Query(ge=1, le=_MAX, description="检查点大小 (默认最新)")] = None,
              ) -> dict[str, Any]:
    with svc.log.reading() as log:
        if size is not None and log.checkpoint_at(size) is None:
            raise Problem(404, "no-checkpoint", f"没有大小为 {size} 的检查点")
        try:
            proof = log.prove(position, size)
        except NotCoveredError as exc:
            raise _not_covered(exc) from exc
    return proof.as_json()


@router.get("/proof/consistency", response_model=ConsistencyProofOut, response_model_by_alias=True,
            responses={**problem_responses(404, 422)}, summary="一致性证明")
def consistency(svc: ServicesDep, from_: Annotated[int, Query(alias="from", ge=1, le=_MAX)],
                to: Annotated[int | None, Query(ge=1, le=_MAX, description="新的树大小 (默认最新检查点)")] = None,
                ) -> dict[str, Any]:
    with svc.log.reading() as log:
        target = to if to is not None else _latest(log).size
        if from_ > target:
            raise Problem(422, "invalid-request", f"from ({from_}) 不能大于 to ({target})")
        if log.checkpoint_at(target) is None:
            raise Problem(404, "no-checkpoint", f"没有大小为 {target} 的检查点")
        try:
            proof = log.prove_consistency(from_, target)
        except NotCoveredError as exc:
            raise _not_covered(exc) from exc
    return proof.as_json()


@router.get("/receipt/{position}", response_class=Response,
            responses={200: {"content": _TEXT_CONTENT}, **problem_responses(404, 422)},
            summary="事件回执 (C2SP tlog-proof)")
def receipt(svc: ServicesDep, position: Annotated[int, Path(ge=0, le=_MAX)],
            size: Annotated[int | None, Query(ge=1, le=_MAX)] = None) -> Response:
    with svc.log.reading() as log:
        if size is not None and log.checkpoint_at(size) is None:
            raise Problem(404, "no-checkpoint", f"没有大小为 {size} 的检查点")
        try:
            data = log.receipt(position, size)
        except NotCoveredError as exc:
            raise _not_covered(exc) from exc
    return Response(data, media_type=TEXT)


@router.get("/tile/{path:path}", response_class=Response,
            responses={200: {"content": _BINARY_CONTENT}, **problem_responses(404)},
            summary="C2SP tlog-tiles 瓦片与条目包")
def tile(svc: ServicesDep, path: str) -> Response:
    try:
        ref = tiles.parse_tile_path("tile/" + path)
    except tiles.TileError as exc:
        raise Problem(404, "not-found", f"不是瓦片路径: {exc}") from exc
    with svc.log.reading() as log:
        size = _latest(log).size
        data = _tile_bytes(log, ref, size)
    immutable = "public, max-age=31536000, immutable"
    return Response(data, media_type="application/octet-stream",
                    headers={"Cache-Control": immutable if not ref.is_partial else "public, max-age=60"})


def _tile_bytes(log: TransparencyLog, ref: tiles.TileRef, size: int) -> bytes:
    """One tile of the tree of the latest checkpoint's ``size`` (any width it covers)."""
    level = 0 if ref.level is None else ref.level
    available = size >> (tiles.TILE_HEIGHT * level)
    first = ref.index * tiles.TILE_WIDTH
    if first + ref.width > available:
        raise Problem(404, "not-covered", f"检查点 (大小 {size}) 不含瓦片 {ref.path()}")
    sql = log.sql
    with sql.reader() as cur:
        if ref.level is None or level == 0:
            cur.execute(sql.q("SELECT commitment FROM {leaves} WHERE position >= ? AND position < ? ORDER BY position"),
                        (first, first + ref.width))
            rows = [bytes(r[0]) for r in cur.fetchall()]
        else:
            cur.execute(sql.q("SELECT hash FROM {nodes} WHERE level = ? AND idx >= ? AND idx < ? ORDER BY idx"),
                        (tiles.TILE_HEIGHT * level, first, first + ref.width))
            rows = [bytes(r[0]) for r in cur.fetchall()]
    if len(rows) != ref.width:
        raise RuntimeError(f"transparency log lacks nodes of tile {ref.path()}")
    if ref.level is None:
        return tiles.encode_entry_bundle(rows)
    if level == 0:
        return b"".join(merkle.leaf_hash(c) for c in rows)
    return b"".join(rows)


@router.get("/event/{position}", response_class=Response,
            responses={200: {"description": "事件的签名字节 (原样)",
                             "content": {"application/json": {"schema": _SEALED}}},
                       **problem_responses(403, 404, 410, 422),
                       451: {"description": "事件字节含个人信息 (PUB-01)，不予提供；附叶子哈希以便核验包含",
                             "content": {"application/problem+json": {
                                 "schema": {"$ref": "#/components/schemas/Problem"}}}}},
            summary="公开事件的签名字节 (登记、公示、撤回)")
def event(svc: ServicesDep, position: Annotated[int, Path(ge=0, le=_MAX)]) -> Response:
    with svc.log.reading() as log:
        cp = _latest(log)
        if position >= cp.size:
            raise Problem(404, "not-covered", f"位置 {position} 尚未被检查点覆盖 (大小 {cp.size})")
        stored = log.event_bytes(position)
        leaf = log.leaf(position).leaf_hash
    try:
        sealed = SealedEvent.from_stored(stored)
    except MalformedEventError as exc:
        raise RuntimeError(f"event at position {position} is not a sealed event") from exc
    if sealed.type not in PUBLICLY_SERVED:  # the registry (事前公开), publications, withdrawals
        raise Problem(403, "not-public", f"位置 {position} 的事件不是公开事件 (只提供登记、公示与撤回)")
    if sealed.type in PUBLICATIONS:
        gone = publication_gone(svc, sealed, today())
        if gone is not None:
            raise Problem(410, "publication-gone", gone, title="公示信息已不再提供")
    found = withheld(svc, sealed)
    if found:
        raise Problem(451, "personal-data-withheld",
                      f"位置 {position} 的事件字节含个人信息，依 PUB-01 不予公开提供："
                      f"{describe_findings(found)}；可凭叶子哈希与包含证明核验该事件在日志中",
                      title=WITHHELD_TITLE, rule="PUB-01", position=position, leaf_hash=encode_hash(leaf),
                      inclusion_proof=f"/v1/log/proof/inclusion?position={position}&size={cp.size}",
                      headers={"Cache-Control": "public, max-age=300"})
    return Response(stored, media_type="application/json",
                    headers={"Cache-Control": "public, max-age=300"})


def withheld(svc: Services, sealed: SealedEvent) -> list[tuple[str, Finding]]:
    """PUB-01's findings in what the event route would serve: every string of the signed bytes
    (member names, nested values, the envelope), judged as a public surface (a mistyped ID
    number counts) with the names of the event's case or licence as the gate would know them
    (``domain.gates.masking_case``)."""
    served = orjson.loads(sealed.stored)
    history = [e.envelope for e in svc.ledger.cached(sealed.stream)] \
        if sealed.stream.startswith(("case/", "licence/")) else []
    case = masking_case(sealed.stream, history)
    agency = None
    if case.agency is not None:
        at = parse_timestamp(sealed.envelope.get("at"), "at")
        agency = BatchView(svc.ledger).registry.agency_as_of(case.agency, at)
    return personal_data_findings(served, case, svc.ledger.config, agency, public_surface=True)


def today() -> date:
    return datetime.now(SHANGHAI).date()


def publication_gone(svc: Services, sealed: SealedEvent, on: date) -> str | None:
    """Why a publication's bytes are no longer served: withdrawn, or past ``max_until``; else None."""
    events = svc.ledger.cached(sealed.stream)
    for later in events[sealed.version:]:
        if later.type == "PublicationWithdrawn":
            reason = later.data.get("reason")
            return f"该公示已于 {later.data.get('withdrawn_at')} 撤回: {reason}"
    published = sealed
    if sealed.type == "PublicationCorrected":
        earlier = [e for e in events[: sealed.version - 1] if e.type == "DecisionPublished"]
        if not earlier:
            return None
        published = earlier[-1]
    until = max_until(svc, published.data)
    if until is not None and on > until:
        return f"该公示的公示期已于 {until.isoformat()} 届满"
    return None


def max_until(svc: Services, data: dict[str, Any]) -> date | None:
    """``max_until`` as stated, else ``published_at`` (Asia/Shanghai date) plus the regime's longest display."""
    stated = data.get("max_until")
    if isinstance(stated, str):
        try:
            return date.fromisoformat(stated)
        except ValueError:
            return None
    published_at = data.get("published_at")
    if not isinstance(published_at, str):
        return None
    try:
        start = datetime.fromisoformat(published_at.replace("Z", "+00:00")).astimezone(SHANGHAI).date()
    except ValueError:
        return None
    regime = data.get("regime")
    months = effective_regime(svc.ledger.config, regime if isinstance(regime, str) else None).max_months
    return add_months(start, months)


def add_months(day: date, months: int) -> date:
    total = day.month - 1 + months
    year, month = day.year + total // 12, total % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
