"""Documents: ``PUT /v1/documents/{sha256}`` and ``GET /v1/documents/{sha256}``.

Upload: any authenticated member of an agency (or an admin) may upload; the body is
streamed to disk, hashed on arrival and kept only if its SHA-256 is the one in the
address (else 422), within ``LEDGER_MAX_DOCUMENT_BYTES`` (else 413). The same content
uploaded again answers 200 instead of 201.

Read back: administrators; members and supervisors of an agency that uploaded it;
and readers of any stream that references it, once a reference index is plugged in
(``Services.document_references``, which the case-file projection provides).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field

from api.documents import DocumentMeta, DocumentTooLarge, HashMismatch
from api.server.auth import Authenticated, ServicesDep, forbidden
from api.server.limits import too_large
from api.server.problems import Problem, problem_responses

router = APIRouter(prefix="/v1/documents", tags=["documents"])

Sha256 = Annotated[str, Path(pattern=r"^[0-9a-f]{64}$", description="文件内容的 SHA-256 (64 位小写十六进制)")]


class DocumentOut(BaseModel):
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    bytes: int = Field(ge=0)
    media_type: str
    reference: dict[str, Any] = Field(description="步骤中引用该文件的对象 (name 需填写)")


def _out(meta: DocumentMeta) -> DocumentOut:
    return DocumentOut(sha256=meta.sha256, bytes=meta.bytes, media_type=meta.media_type,
                       reference=meta.reference(""))


@router.put(
    "/{sha256}", status_code=201, response_model=DocumentOut,
    openapi_extra={"requestBody": {"required": True, "description": "文件内容 (原样字节)",
                                   "content": {"*/*": {"schema": {"type": "string", "format": "binary"}}}}},
    responses={200: {"description": "已存在相同内容", "model": DocumentOut},
               **problem_responses(401, 403, 413, 422)},
    summary="上传文件 (内容寻址, 到达时核对哈希)",
)
async def put_document(sha256: Sha256, request: Request, principal: Authenticated, svc: ServicesDep,
                       response: Response) -> DocumentOut:
    if principal.agency is None and not principal.is_admin:
        raise forbidden(f"{principal.identity} 不属于任何机关, 不能上传文件")
    upload = await run_in_threadpool(svc.documents.begin, sha256)
    try:
        async for chunk in request.stream():
            if chunk:
                await run_in_threadpool(upload.write, chunk)
        meta, created = await run_in_threadpool(
            lambda: svc.documents.finish(upload, media_type=request.headers.get("content-type"),
                                         uploader=principal.identity, agency=principal.agency)
        )
    except DocumentTooLarge as exc:
        raise too_large(exc.limit) from exc
    except HashMismatch as exc:
        raise Problem(422, "hash-mismatch", str(exc), title="内容与哈希不符", actual=exc.actual) from exc
    finally:
        upload.discard()
    if not created:
        response.status_code = 200
    response.headers["Location"] = f"/v1/documents/{meta.sha256}"
    return _out(meta)


@router.get(
    "/{sha256}",
    response_class=FileResponse,
    responses={200: {"description": "文件内容", "content": {"*/*": {"schema": {"type": "string",
                                                                             "format": "binary"}}}},
               **problem_responses(401, 403, 404, 422)},
    summary="读取文件 (有权阅读引用它的案件者)",
)
def get_document(sha256: Sha256, principal: Authenticated, svc: ServicesDep) -> Response:
    meta = svc.documents.meta(sha256)
    # Access first: whether a file exists is no one's business but its readers' (issue 12, finding 11).
    if not svc.access.can_read_document(principal, meta.agencies if meta else (), svc.document_references(sha256)):
        raise forbidden(f"{principal.identity} 无权读取文件 {sha256}")
    if meta is None or not svc.documents.exists(sha256):
        raise Problem(404, "not-found", f"没有文件 {sha256}")
    return FileResponse(
        svc.documents.path(sha256), media_type=meta.media_type,
        headers={
            "ETag": f'"{sha256}"',
            "Content-Disposition": f'attachment; filename="{sha256}"',
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, max-age=31536000, immutable",
        },
    )
