"""One event, one stream and one stored document (``/ui/events/…``, ``/ui/streams/…``, ``/ui/documents/…``)."""

from __future__ import annotations

import base64
import json
from datetime import datetime

from fastapi import APIRouter
from fastapi.responses import FileResponse, Response

from api.pages import proofs
from api.pages.common import (
    events_of,
    forbidden,
    missing,
    page_stream,
)
from api.pages.guards import Reader
from api.pages.web import (
    render,
)
from audit.model import SEVERITY_LABELS
from domain.calendar import SHANGHAI

router = APIRouter(include_in_schema=False)


@router.get("/ui/events/{kind}/{ident}/{version}")
def event_page(kind: str, ident: str, version: int, ctx: Reader) -> Response:
    svc = ctx.svc
    stream = page_stream(kind, ident)
    if stream is None or version < 1:
        return missing(ctx, f"事件 {kind}/{ident} v{version}")
    assert ctx.principal is not None
    if not svc.access.can_read(ctx.principal, stream):
        return forbidden(ctx, stream)  # before the head: neither existence nor length leaks
    head = svc.ledger.stream_head(stream)[0]
    if version > head:
        return missing(ctx, f"事件 {stream} v{version}")
    events = events_of(svc, stream)
    event = events[version - 1]
    check = proofs.signature_check(svc, event)
    proof = proofs.event_proof(svc, ctx.reads, stream, version)
    group = ctx.reads.group_of(stream)
    findings = []
    if group is not None:
        row = ctx.reads.evaluation(group)
        for f in (row or {}).get("findings", []):
            if any(e["stream"] == stream and int(e["version"]) == version for e in f.get("events", [])):
                findings.append(f)
    records = ctx.reads.records_of(stream, version)
    uploaded = {r["sha256"] for r in records if r.get("sha256") and svc.documents.exists(r["sha256"])}

    return render(ctx, "event.html", stream=stream, event=event, envelope=event.envelope,
                  data_json=json.dumps(event.data, ensure_ascii=False, indent=2), check=check, proof=proof,
                  group=group, findings=findings, records=records, uploaded=uploaded, head=head,
                  sealed_b64=base64.b64encode(event.stored).decode("ascii"),
                  signature_b64=base64.b64encode(event.signature).decode("ascii"),
                  hash_hex=event.hash.hex(), severity_labels=SEVERITY_LABELS)


@router.get("/ui/streams/{kind}/{ident}")
def stream_page(kind: str, ident: str, ctx: Reader) -> Response:
    request = ctx.request
    svc = ctx.svc
    stream = page_stream(kind, ident)
    if stream is None:
        return missing(ctx, f"流 {kind}/{ident}")
    assert ctx.principal is not None
    if not svc.access.can_read(ctx.principal, stream):
        return forbidden(ctx, stream)
    if svc.ledger.stream_head(stream)[0] == 0:
        return missing(ctx, f"流 {stream}")
    events = events_of(svc, stream)
    can_report = (stream.startswith("supervision/") and ctx.principal.has_role("supervisor")
                  and any(e.type == "RectificationOrdered" for e in events))
    return render(ctx, "stream.html", stream=stream, events=events, group=ctx.reads.group_of(stream),
                  can_report=can_report, form={}, error=None, recorded=request.query_params.get("recorded") == "1",
                  today=datetime.now(SHANGHAI).date().isoformat())


@router.get("/ui/documents/{sha256}")
def document(sha256: str, ctx: Reader) -> Response:
    svc = ctx.svc
    assert ctx.principal is not None
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        return missing(ctx, f"文件 {sha256}")
    meta = svc.documents.meta(sha256)
    streams = ctx.reads.documents_of(sha256) if ctx.reads.ready() else []
    if not svc.access.can_read_document(ctx.principal, meta.agencies if meta else (), streams):
        return forbidden(ctx, f"文件 {sha256}")  # before existence, as the API does
    if meta is None or not svc.documents.exists(sha256):
        return missing(ctx, f"文件 {sha256}（账本只记录其哈希；文件未上传到文件库）")
    inline = meta.media_type in ("application/pdf", "image/png", "image/jpeg", "text/plain", "audio/mpeg",
                                 "video/mp4")
    return FileResponse(svc.documents.path(sha256), media_type=meta.media_type, headers={
        "Content-Disposition": f'{"inline" if inline else "attachment"}; filename="{sha256}"',
        "X-Content-Type-Options": "nosniff", "Cache-Control": "private, max-age=3600",
        "Content-Security-Policy": "default-src 'none'; sandbox"})
