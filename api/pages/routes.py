"""The reviewer and supervisor pages (``/ui/…``, login by token) and the public pages (``/public/…``).

| page | what it shows |
|---|---|
| ``/`` | where to go: the login, the public disclosure pages |
| ``/ui/login`` | the login form (an API token, kept in an HttpOnly cookie) |
| ``/ui/cases`` | case search and list: agency, status, grade, warning colour, text |
| ``/ui/cases/{number}`` | the case file: 卷内目录, documents and records, timeline, deadlines, evaluation |
| ``/ui/cases/{number}/evaluation.html`` | the printable evaluation report |
| ``/ui/cases/{number}/export.zip`` | the file to take away and check offline (as ``enforcement-ledger export``) |
| ``/ui/cases/{number}/case.pdf``, ``…/evaluation.pdf`` | the case file and the 评查意见书, in PDF to print |
| ``/ui/events/{kind}/{id}/{version}`` | one event: its data, signature, chain, inclusion proof, findings |
| ``/ui/streams/{kind}/{id}`` | the events of a 复议, lawsuit or supervision stream |
| ``/ui/streams/supervision/{id}/notice.pdf`` | the 责令整改通知书 of a rectification order |
| ``/ui/documents/{sha256}`` | a stored document (笔录, 决定书, 音像记录) |
| ``/ui/supervision`` | warnings, per-agency figures, rectification orders and their follow-up |
| ``/ui/supervision/warnings`` | every red and yellow warning |
| ``/ui/supervision/sample`` | a reproducible random sample for evaluation (双随机) |
| ``/public/`` … | disclosed decisions with their proofs, withdrawals, the registry, statistics, the log |

Everything is read from the read models (paginated) and filtered by the API's read
policy; the public pages read only the public tables (``pub_*``) and the log.
"""

from __future__ import annotations

import io
import json
import re
import secrets
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from api.catalogue_pages import counter, media_types, number_pages
from api.pages import proofs
from api.pages.reads import CaseFilter
from api.pages.web import (
    COOKIE,
    HERE,
    SECURITY_HEADERS,
    Ctx,
    login_redirect,
    page,
    principal_of,
    render,
    safe_next,
)
from api.server.auth import ServicesDep
from api.server.problems import bounded
from api.server.readmodels import stream_name
from api.server.state import Services
from api.wiring import SHANGHAI
from audit.model import SEVERITY_LABELS
from audit.report import as_html
from audit.rulebook import PATH_LABELS
from domain.errors import StepRefused
from domain.fields import MalformedStream, parse_stream
from ledger.envelope import SealedEvent
from projections.labels import IN_PROGRESS, PROCEDURE_LABELS

router = APIRouter(include_in_schema=False)

STATIC = HERE / "static"
STATIC_TYPES = {".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8",
                ".svg": "image/svg+xml"}
GRADES = ("优秀", "合格", "不合格", IN_PROGRESS)
"""The EVAL-03 grades and 办理中 (a file without its concluding step: no grade; docs/audit.md)."""
KINDS = ("case", "review", "litigation", "supervision", "agency", "officer", "calendar")


def _int(text: str | None, default: int, low: int = 1, high: int = 10**6) -> int:
    try:
        return max(low, min(high, int(text or default)))
    except ValueError:
        return default


def _choice(value: str | None, allowed: tuple[str, ...]) -> str:
    return value if value is not None and value in allowed else ""


def _agency(value: str | None) -> str:
    """An agency filter as the CLI and the API take it: ``JA-CGJ`` or ``agency/JA-CGJ`` (issue 13, 1)."""
    return stream_name("agency", (value or "").strip()[:200]) or ""


def _case_stream(number: str) -> str | None:
    stream = number if number.startswith("case/") else f"case/{number}"
    try:
        parse_stream(stream)
    except MalformedStream:
        return None
    return stream


def _guard(request: Request, svc: Services) -> Ctx | Response:
    principal = principal_of(request, svc)
    if principal is None:
        return login_redirect(request)
    return Ctx(request, svc, principal)


def _forbidden(ctx: Ctx, what: str) -> HTMLResponse:
    return render(ctx, "error.html", 403, title="无权查看", message=f"{ctx.principal.identity if ctx.principal else ''}"
                  f" 无权查看 {bounded(what)}。阅读权限与 API 相同：本机关人员、监督本机关的监督人员和管理员。")


def _missing(ctx: Ctx, what: str) -> HTMLResponse:
    return render(ctx, "error.html", 404, title="未找到", message=f"没有 {bounded(what)}。")


# --------------------------------------------------------------------------- static, landing, login


@router.get("/ui/static/{name}")
def static(name: str) -> Response:
    path = STATIC / name
    if "/" in name or name.startswith(".") or path.suffix not in STATIC_TYPES or not path.is_file():
        return Response("not found", status_code=404, media_type="text/plain")
    return FileResponse(path, media_type=STATIC_TYPES[path.suffix],
                        headers={"Cache-Control": "public, max-age=300", "X-Content-Type-Options": "nosniff"})


@router.get("/")
def landing(request: Request, svc: ServicesDep) -> Response:
    ctx = Ctx(request, svc, principal_of(request, svc))
    return render(ctx, "landing.html")


@router.get("/ui")
@router.get("/ui/")
def ui_home() -> Response:
    return RedirectResponse("/ui/cases", status_code=303)


@router.get("/ui/login")
def login_form(request: Request, svc: ServicesDep) -> Response:
    ctx = Ctx(request, svc, None)
    return render(ctx, "login.html", next=safe_next(request.query_params.get("next")), error=None)


@router.post("/ui/login")
async def login(request: Request, svc: ServicesDep) -> Response:
    body = (await request.body())[:8192].decode("utf-8", "replace")
    fields = {k: v[0] for k, v in parse_qs(body, keep_blank_values=True).items()}
    token = fields.get("token", "").strip()
    target = safe_next(fields.get("next"))

    def check() -> Response:
        ctx = Ctx(request, svc, None)
        if not token:
            return render(ctx, "login.html", 400, next=target, error="请输入令牌。")
        request.cookies[COOKIE] = token  # resolve it exactly as a page will
        principal = principal_of(request, svc)
        if principal is None:
            return render(ctx, "login.html", 401, next=target,
                          error="令牌无效、已过期或已撤销，或其身份未在账本中登记。")
        response = RedirectResponse(target, status_code=303, headers=SECURITY_HEADERS)
        response.set_cookie(COOKIE, token, httponly=True, samesite="lax", secure=request.url.scheme == "https",
                            path="/", max_age=12 * 3600)
        return response

    return await run_in_threadpool(check)


@router.post("/ui/logout")
def logout() -> Response:
    response = RedirectResponse("/ui/login", status_code=303, headers=SECURITY_HEADERS)
    response.delete_cookie(COOKIE, path="/")
    return response


# --------------------------------------------------------------------------- cases


@router.get("/ui/cases")
def cases(request: Request, svc: ServicesDep) -> Response:
    ctx = _guard(request, svc)
    if isinstance(ctx, Response):
        return ctx
    flt = case_filter(request)
    if not ctx.reads.ready():
        return render(ctx, "cases.html", page=None, flt=flt, agencies=[], grades=GRADES)
    scope = ctx.agencies_in_scope()
    found = ctx.reads.cases(scope, flt, ctx.as_of)
    agencies = [a for a in ctx.reads.agencies() if scope is None or a["stream"] in scope]
    return render(ctx, "cases.html", page=found, flt=flt, agencies=agencies, grades=GRADES,
                  audit=ctx.reads.has_audit(), procedures=PROCEDURE_LABELS, officer_choices=ctx.reads.officers(scope))


def _officer(text: str | None) -> str:
    """An officer filter as a stream name (``42011219001`` or ``officer/42011219001``), as the API takes it."""
    value = (text or "").strip()[:200]
    return value if not value or value.startswith("officer/") else f"officer/{value}"


def _date_text(text: str | None) -> str:
    """A ``YYYY-MM-DD`` form value as given, or "" when it is not one (a filter left out, never a 500)."""
    try:
        return date.fromisoformat(text).isoformat() if text else ""
    except ValueError:
        return ""


def case_filter(request: Request) -> CaseFilter:
    """The case list's filters from its query (the page and its spreadsheet read the same)."""
    q = request.query_params
    return CaseFilter(text=(q.get("q") or "")[:100], agency=_agency(q.get("agency")), status=q.get("status") or "",
                      grade=_choice(q.get("grade"), GRADES), colour=_choice(q.get("colour"), ("red", "yellow")),
                      page=_int(q.get("page"), 1), procedure=_choice(q.get("procedure"), tuple(PROCEDURE_LABELS)),
                      officer=_officer(q.get("officer")), since=_date_text(q.get("from")),
                      until=_date_text(q.get("to")))


def _case_context(ctx: Ctx, number: str) -> tuple[str, dict[str, Any]] | Response:
    stream = _case_stream(number)
    if stream is None:
        return _missing(ctx, f"案件 {number}")
    assert ctx.principal is not None
    if not ctx.svc.access.can_read(ctx.principal, stream):
        return _forbidden(ctx, stream)  # existing or not alike: no oracle of case numbers (issue 12)
    found = ctx.reads.case_file(stream, ctx.as_of) if ctx.reads.ready() else None
    if found is None:
        return _missing(ctx, f"案件 {stream} 的案卷（读模型中没有；若刚记录，请等投影更新）")
    return stream, found


def _case_page(request: Request, svc: Services, number: str) -> tuple[Ctx, str, dict[str, Any]] | Response:
    """A case page's guard and case file: the login redirect or refusal, or (ctx, stream, file)."""
    ctx = _guard(request, svc)
    if isinstance(ctx, Response):
        return ctx
    got = _case_context(ctx, number)
    if isinstance(got, Response):
        return got
    return ctx, got[0], got[1]


@router.get("/ui/cases/{number}")
def case_file(number: str, request: Request, svc: ServicesDep) -> Response:
    got = _case_page(request, svc, number)
    if isinstance(got, Response):
        return got
    ctx, stream, cf = got
    cf["catalogue"] = number_pages(cf["catalogue"], counter(svc.documents.path), media_types(cf["records"]))
    cf["item_name"] = ctx.reads.item_name(cf.get("agency"), cf.get("item"))
    evaluation = ctx.reads.evaluation(stream)
    concerned: dict[tuple[str, int], list[str]] = {}
    for f in (evaluation or {}).get("findings", []):
        for e in f.get("events", []):
            concerned.setdefault((e["stream"], int(e["version"])), []).append(str(f["rule"]))
    documents = {r["sha256"] for r in cf["records"] if r.get("sha256")} | {
        c["sha256"] for c in cf["catalogue"] if c.get("sha256")}
    uploaded = {h for h in documents if svc.documents.exists(h)}
    colours = {w.key: w.colour for w in ctx.reads.warnings(ctx.as_of) if w.case == stream}
    return render(ctx, "case.html", stream=stream, cf=cf, evaluation=evaluation, concerned=concerned,
                  uploaded=uploaded, colours=colours, severity_labels=SEVERITY_LABELS, path_labels=PATH_LABELS,
                  audit=ctx.reads.has_audit())


@router.get("/ui/cases/{number}/evaluation.html")
def evaluation_report(number: str, request: Request, svc: ServicesDep) -> Response:
    got = _case_page(request, svc, number)
    if isinstance(got, Response):
        return got
    ctx, stream, _ = got
    row = ctx.reads.evaluation(stream)
    if row is None:
        return _missing(ctx, f"{stream} 的评查结果（评查结果表尚未生成或未包含该案："
                             "运行 enforcement-ledger audit --refresh）")
    ev = ctx.reads.evaluation_object(row)
    html = as_html([ev], ctx.reads.config, generated=ev.as_of)
    return page(html, headers={"Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'"})


@router.get("/ui/cases/{number}/export.zip")
def export_zip(number: str, request: Request, svc: ServicesDep) -> Response:
    got = _case_page(request, svc, number)
    if isinstance(got, Response):
        return got
    ctx, stream, cf = got
    data = _export(ctx, stream, cf)
    name = stream.split("/", 1)[1]
    return Response(data, media_type="application/zip", headers={
        "Content-Disposition": f'attachment; filename="case-{name}.zip"', "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff"})


def _export(ctx: Ctx, stream: str, cf: dict[str, Any]) -> bytes:
    """The export folder of ``enforcement-ledger export`` as a zip, against the latest checkpoint (no new one)."""
    from api.export_cmd import README
    from ledger.keyring import Keyring

    svc, reads = ctx.svc, ctx.reads
    related = sorted({t["stream"] for t in cf["timeline"] if t.get("stream") and t["stream"] != stream})
    streams = [stream, *[s for s in related if ctx.principal is not None and svc.access.can_read(ctx.principal, s)]]
    rows = reads.db.stream_events(streams, reads.db.head())
    buffer = io.BytesIO()
    manifest: list[dict[str, Any]] = []
    uncovered: list[dict[str, Any]] = []
    signers: set[str] = set()
    size = 0
    origin = ""
    vkey = ""
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z, svc.log.reading() as log:
        latest = log.latest_checkpoint()
        size = latest.size if latest is not None else 0
        origin = log.origin
        vkey = log.vkey() or ""
        lines = []
        for n, (nid, name, version, state) in enumerate(rows, start=1):
            slug = f"{n:04d}"
            lines.append(state)
            z.writestr(f"events/{slug}.bin", state)
            envelope = json.loads(state)["event"]
            signer = envelope.get("signer") or {}
            if isinstance(signer.get("id"), str):
                signers.add(signer["id"])
            position = log.position_of(nid)
            entry: dict[str, Any] = {"n": slug, "stream": name, "version": version, "type": envelope.get("type"),
                                     "position": position, "event": f"events/{slug}.bin", "receipt": None}
            if position is not None and position < size:
                z.writestr(f"receipts/{slug}.tlog-proof", log.receipt(position, size))
                entry["receipt"] = f"receipts/{slug}.tlog-proof"
            else:
                uncovered.append(entry)
            manifest.append(entry)
        z.writestr("events.jsonl", b"".join(line + b"\n" for line in lines))
        z.writestr("log.vkey", vkey + "\n")
        keyring = Keyring()
        for identity in sorted(signers):
            for event in svc.ledger.store.stream(identity):
                keyring.apply(event)
        import base64

        keys = [{"key_id": r.key_id, "identity": r.identity,
                 "public_key": base64.b64encode(r.public_key).decode(), "valid_from": r.valid_from.isoformat(),
                 "retired_at": r.retired_at.isoformat() if r.retired_at else None,
                 "compromised_since": r.compromised_since.isoformat() if r.compromised_since else None}
                for r in sorted(keyring.keys.values(), key=lambda r: (r.identity, r.valid_from))]
        z.writestr("keys.json", json.dumps(keys, ensure_ascii=False, indent=2) + "\n")
        row = reads.evaluation(stream)
        as_of = ctx.as_of.isoformat()
        if row is not None:
            ev = reads.evaluation_object(row)
            as_of = ev.as_of.isoformat()
            z.writestr("evaluation.json", json.dumps(ev.as_json(), ensure_ascii=False, indent=2) + "\n")
            z.writestr("evaluation.html", as_html([ev], reads.config, generated=ev.as_of))
        z.writestr("manifest.json", json.dumps({"case": stream, "checkpoint_size": size, "origin": origin,
                                                "events": manifest}, ensure_ascii=False, indent=2) + "\n")
        note = ""
        if uncovered:
            note = ("## 尚无回执的事件\n\n以下事件在导出时尚未被检查点覆盖（检查点签署后再次导出即可取得回执）：\n\n"
                    + "\n".join(f"- {u['stream']} v{u['version']} {u['type']}" for u in uncovered) + "\n")
        if row is None:
            note += "\n评查结果表中没有本案（运行 `enforcement-ledger audit --refresh`），故未附 evaluation.json。\n"
        z.writestr("README.md", README.format(case=stream, exported=datetime.now().astimezone().isoformat(
            timespec="seconds"), as_of=as_of, origin=origin, size=size, uncovered=note))
    return buffer.getvalue()


# --------------------------------------------------------------------------- events, streams, documents


def _stream(kind: str, ident: str) -> str | None:
    stream = f"{kind}/{ident}"
    if kind not in KINDS:
        return None
    try:
        parse_stream(stream)
    except MalformedStream:
        return None
    return stream


def _events(svc: Services, stream: str) -> list[SealedEvent]:
    return svc.ledger.read(stream, check_signature=False)


@router.get("/ui/events/{kind}/{ident}/{version}")
def event_page(kind: str, ident: str, version: int, request: Request, svc: ServicesDep) -> Response:
    ctx = _guard(request, svc)
    if isinstance(ctx, Response):
        return ctx
    stream = _stream(kind, ident)
    if stream is None or version < 1:
        return _missing(ctx, f"事件 {kind}/{ident} v{version}")
    assert ctx.principal is not None
    if not svc.access.can_read(ctx.principal, stream):
        return _forbidden(ctx, stream)  # before the head: neither existence nor length leaks
    head = svc.ledger.stream_head(stream)[0]
    if version > head:
        return _missing(ctx, f"事件 {stream} v{version}")
    events = _events(svc, stream)
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
    import base64

    return render(ctx, "event.html", stream=stream, event=event, envelope=event.envelope,
                  data_json=json.dumps(event.data, ensure_ascii=False, indent=2), check=check, proof=proof,
                  group=group, findings=findings, records=records, uploaded=uploaded, head=head,
                  sealed_b64=base64.b64encode(event.stored).decode("ascii"),
                  signature_b64=base64.b64encode(event.signature).decode("ascii"),
                  hash_hex=event.hash.hex(), severity_labels=SEVERITY_LABELS)


@router.get("/ui/streams/{kind}/{ident}")
def stream_page(kind: str, ident: str, request: Request, svc: ServicesDep) -> Response:
    ctx = _guard(request, svc)
    if isinstance(ctx, Response):
        return ctx
    stream = _stream(kind, ident)
    if stream is None:
        return _missing(ctx, f"流 {kind}/{ident}")
    assert ctx.principal is not None
    if not svc.access.can_read(ctx.principal, stream):
        return _forbidden(ctx, stream)
    if svc.ledger.stream_head(stream)[0] == 0:
        return _missing(ctx, f"流 {stream}")
    events = _events(svc, stream)
    can_report = (stream.startswith("supervision/") and ctx.principal.has_role("supervisor")
                  and any(e.type == "RectificationOrdered" for e in events))
    return render(ctx, "stream.html", stream=stream, events=events, group=ctx.reads.group_of(stream),
                  can_report=can_report, form={}, error=None, recorded=request.query_params.get("recorded") == "1",
                  today=datetime.now(SHANGHAI).date().isoformat())


@router.get("/ui/documents/{sha256}")
def document(sha256: str, request: Request, svc: ServicesDep) -> Response:
    ctx = _guard(request, svc)
    if isinstance(ctx, Response):
        return ctx
    assert ctx.principal is not None
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        return _missing(ctx, f"文件 {sha256}")
    meta = svc.documents.meta(sha256)
    streams = ctx.reads.documents_of(sha256) if ctx.reads.ready() else []
    if not svc.access.can_read_document(ctx.principal, meta.agencies if meta else (), streams):
        return _forbidden(ctx, f"文件 {sha256}")  # before existence, as the API does
    if meta is None or not svc.documents.exists(sha256):
        return _missing(ctx, f"文件 {sha256}（账本只记录其哈希；文件未上传到文件库）")
    inline = meta.media_type in ("application/pdf", "image/png", "image/jpeg", "text/plain", "audio/mpeg",
                                 "video/mp4")
    return FileResponse(svc.documents.path(sha256), media_type=meta.media_type, headers={
        "Content-Disposition": f'{"inline" if inline else "attachment"}; filename="{sha256}"',
        "X-Content-Type-Options": "nosniff", "Cache-Control": "private, max-age=3600",
        "Content-Security-Policy": "default-src 'none'; sandbox"})


# --------------------------------------------------------------------------- supervision


def _scoped(ctx: Ctx, agency: str | None) -> bool:
    scope = ctx.agencies_in_scope()
    return scope is None or (agency is not None and agency in scope)


@router.get("/ui/supervision")
def supervision(request: Request, svc: ServicesDep) -> Response:
    ctx = _guard(request, svc)
    if isinstance(ctx, Response):
        return ctx
    return _dashboard(ctx, _form(request), None)


def _dashboard(ctx: Ctx, form: dict[str, str], error: str | None, status: int = 200) -> Response:
    request, svc = ctx.request, ctx.svc
    if not ctx.reads.ready():
        return render(ctx, "supervision.html", ready=False)
    scope = ctx.agencies_in_scope()
    years = ctx.reads.years()
    raw_year = request.query_params.get("year")
    year: int | None = ctx.as_of.year if raw_year is None else (_int(raw_year, 0, 0, 9999) or None)
    if year is not None and years and year not in years and raw_year is None:
        year = years[0]
    figures = ctx.reads.figures(scope, year)
    warnings = [w for w in ctx.reads.warnings(ctx.as_of) if _scoped(ctx, w.agency)]
    per_agency: dict[str, dict[str, int]] = {}
    for w in warnings:
        slot = per_agency.setdefault(w.agency or "", {"red": 0, "yellow": 0})
        slot[w.colour] = slot.get(w.colour, 0) + 1
    rectifications = [r for r in ctx.reads.rectifications(ctx.as_of) if _scoped(ctx, r["agency"])]
    for r in rectifications:
        events = svc.ledger.cached(r["stream"])
        order = events[r["version"] - 1].data if 0 < r["version"] <= len(events) else {}
        r["case"] = order.get("case") if isinstance(order.get("case"), str) else None
        r["findings"] = [f for f in order.get("findings") or [] if isinstance(f, str)]
    grades: dict[str, dict[str, int]] = {}
    if ctx.reads.has_audit():
        for row in ctx.reads.rows(f"SELECT agency, grade, COUNT(*) AS n FROM {ctx.reads.t('audit_evaluations')} "
                                  "GROUP BY agency, grade"):
            if _scoped(ctx, row["agency"]):
                grades.setdefault(row["agency"] or "", {})[row["grade"] or IN_PROGRESS] = int(row["n"])
    top = max([f["cases"] for f in figures] + [1])
    return render(ctx, "supervision.html", status, ready=True, figures=figures, top=top, years=years, year=year,
                  orderable=_orderable(ctx), form=form, error=error,
                  warnings=warnings[:20], warning_total=len(warnings),
                  reds=sum(1 for w in warnings if w.colour == "red"),
                  yellows=sum(1 for w in warnings if w.colour == "yellow"), per_agency=per_agency,
                  rectifications=rectifications, grades=grades, grade_names=GRADES, audit=ctx.reads.has_audit())


def warning_list(ctx: Ctx, colour: str, agency: str) -> list[Any]:
    """The warnings page's list: the reader's agencies, one colour, one agency (the page and its spreadsheet)."""
    agency = _agency(agency)  # JA-CGJ or agency/JA-CGJ, as the CLI and the API take it
    every = ctx.reads.warnings(ctx.as_of) if ctx.reads.ready() else []
    return [w for w in every if _scoped(ctx, w.agency) and (not colour or w.colour == colour)
            and (not agency or w.agency == agency)]


@router.get("/ui/supervision/warnings")
def warnings_page(request: Request, svc: ServicesDep) -> Response:
    ctx = _guard(request, svc)
    if isinstance(ctx, Response):
        return ctx
    colour = request.query_params.get("colour") or ""
    agency = _agency(request.query_params.get("agency"))
    found = warning_list(ctx, colour, agency)
    number = _int(request.query_params.get("page"), 1)
    size = 100
    pages = max(1, -(-len(found) // size))
    number = min(number, pages)
    return render(ctx, "warnings.html", warnings=found[(number - 1) * size: number * size], total=len(found),
                  page_no=number, pages=pages, colour=colour, agency_filter=agency)


def sample_draw(ctx: Ctx, chosen: str, n: int, seed: int) -> list[str]:
    """The sample page's draw (the CLI's for an administrator or a named agency; else among the reader's)."""
    scope = ctx.agencies_in_scope()
    if scope is None or chosen:
        return ctx.reads.sample(n, seed, chosen or None)
    return ctx.reads.sample_among(n, seed, scope)


@router.get("/ui/supervision/sample")
def sample(request: Request, svc: ServicesDep) -> Response:
    ctx = _guard(request, svc)
    if isinstance(ctx, Response):
        return ctx
    q = request.query_params
    scope = ctx.agencies_in_scope()
    agencies = [a for a in ctx.reads.agencies() if scope is None or a["stream"] in scope]
    chosen = _agency(q.get("agency"))
    if chosen and scope is not None and chosen not in scope:
        return _forbidden(ctx, f"{chosen} 的案卷")
    n = _int(q.get("n"), 10, 1, 500)
    seed = _int(q.get("seed"), 1, 0, 2**31)
    picked: list[str] = []
    rows: dict[str, dict[str, Any]] = {}
    grades: dict[str, dict[str, Any]] = {}
    drawn = "n" in q and ctx.reads.ready()
    if drawn:
        picked = sample_draw(ctx, chosen, n, seed)
        rows = ctx.reads.case_rows(picked)
        grades = ctx.reads.grades(picked)
    command = (f"enforcement-ledger audit --sample {n} --seed {seed}"
               + (f" --agency {chosen.split('/', 1)[1]}" if chosen else "")) if scope is None or chosen else ""
    return render(ctx, "sample.html", agencies=agencies, chosen=chosen, n=n, seed=seed, picked=picked, rows=rows,
                  grades=grades, drawn=drawn, command=command, audit=ctx.reads.has_audit())


# --------------------------------------------------------------------------- public (no login)


@router.get("/public")
@router.get("/public/")
def public_decisions(request: Request, svc: ServicesDep) -> Response:
    ctx = Ctx(request, svc, None)
    q = request.query_params
    agency = _agency(q.get("agency"))
    text = (q.get("q") or "")[:100]
    since, until = _date_text(q.get("from")), _date_text(q.get("to"))
    found = ctx.reads.public_decisions(ctx.as_of, agency or None, _int(q.get("page"), 1), text,
                                       since=date.fromisoformat(since) if since else None,
                                       until=date.fromisoformat(until) if until else None)
    return render(ctx, "public_list.html", public=True, page=found, agencies=ctx.reads.agencies(),
                  agency_filter=agency, text=text, since=since, until=until)


@router.get("/public/decisions/{number}/{version}")
def public_decision(number: str, version: int, request: Request, svc: ServicesDep) -> Response:
    ctx = Ctx(request, svc, None)
    stream = _case_stream(number)
    row = ctx.reads.public_decision(stream, version) if stream else None
    if stream is None or row is None:
        return render(ctx, "error.html", 404, public=True, title="未找到", message="没有这条公示信息。")
    shown = (row["status"] == "published" and str(row["max_until"]) > ctx.as_of.isoformat()
             and str(row["published_on"]) <= ctx.as_of.isoformat())
    if not shown:
        reason = ("该公示信息已撤下" if row["status"] != "published" else "该公示信息的公示期已届满或尚未公开")
        return render(ctx, "error.html", 410, public=True, title="已不再公示",
                      message=reason + "。撤下说明见“撤下公示”。")
    proof = proofs.event_proof(svc, ctx.reads, stream, version)
    return render(ctx, "public_decision.html", public=True, row=row, stream=stream, proof=proof,
                  withheld=proofs.bytes_withheld(svc, stream, version))


@router.get("/public/withdrawals")
def public_withdrawals(request: Request, svc: ServicesDep) -> Response:
    ctx = Ctx(request, svc, None)
    found = ctx.reads.public_withdrawals(_int(request.query_params.get("page"), 1))
    positions = {(r["grp"], r["version"]): proofs.position_of(svc, ctx.reads, r["grp"], r["version"])
                 for r in found.rows}
    withheld = {(r["grp"], r["version"]) for r in found.rows if proofs.bytes_withheld(svc, r["grp"], r["version"])}
    return render(ctx, "public_withdrawals.html", public=True, page=found, positions=positions, withheld=withheld)


@router.get("/public/registry")
def public_registry(request: Request, svc: ServicesDep) -> Response:
    ctx = Ctx(request, svc, None)
    return render(ctx, "public_registry.html", public=True, registry=ctx.reads.public_registry(ctx.as_of))


@router.get("/public/statistics")
def public_statistics(request: Request, svc: ServicesDep) -> Response:
    ctx = Ctx(request, svc, None)
    years = ctx.reads.years()
    year = _int(request.query_params.get("year"), years[0] if years else ctx.as_of.year, 1900, 9999)
    figures = ctx.reads.public_statistics(year)
    top = max([f["cases"] for f in figures] + [1])
    return render(ctx, "public_statistics.html", public=True, figures=figures, years=years, year=year, top=top)


@router.get("/public/log")
def public_log(request: Request, svc: ServicesDep) -> Response:
    ctx = Ctx(request, svc, None)
    checkpoint = vkey = None
    try:
        with svc.log.reading() as log:
            latest = log.latest_checkpoint()
            checkpoint = latest.signed.decode("utf-8") if latest is not None else None
            vkey = log.vkey()
    except Exception:  # never integrated: no log tables yet
        checkpoint = None
    return render(ctx, "public_log.html", public=True, checkpoint=checkpoint, vkey=vkey)


def static_files() -> list[Path]:
    return sorted(p for p in STATIC.iterdir() if p.suffix in STATIC_TYPES)


# --------------------------------------------------------------------------- rectification (written)

RULE_ID = re.compile(r"^[A-Z]{2,5}-[0-9]{2}[A-Za-z]?$")


def _orderable(ctx: Ctx) -> list[dict[str, Any]]:
    """The agencies the principal may order rectification for: those a supervisor supervises."""
    p = ctx.principal
    if p is None or not p.has_role("supervisor"):
        return []
    return [a for a in ctx.reads.agencies() if ctx.svc.access.supervises(p, a["stream"])]


def _form(request: Request) -> dict[str, str]:
    return {k: request.query_params.get(k, "") for k in ("agency", "case", "findings", "due")}


def _same_origin(request: Request) -> bool:
    """A state-changing form must come from a page of this site (``Origin``, else ``Referer``)."""
    base = f"{request.url.scheme}://{request.url.netloc}"
    origin = request.headers.get("origin")
    if origin is not None:
        return origin == base
    referer = request.headers.get("referer") or ""
    return referer == base or referer.startswith(base + "/")


async def _fields(request: Request) -> dict[str, str]:
    body = (await request.body())[:16384].decode("utf-8", "replace")
    return {k: v[0].strip() for k, v in parse_qs(body, keep_blank_values=True).items()}


def _record(ctx: Ctx, step: dict[str, Any]) -> str | None:
    """Record one live step as the principal (signed with the key the service keeps); the refusal, if any."""
    assert ctx.principal is not None
    try:
        with ctx.svc.writing():
            ctx.svc.ledger.record([step], actor=ctx.principal.identity)
    except StepRefused as exc:
        return f"[{exc.rule}] {exc.message}" + (f"（{exc.basis}）" if exc.basis else "")
    return None


@router.post("/ui/supervision/rectifications")
async def order_rectification(request: Request, svc: ServicesDep) -> Response:
    fields = await _fields(request)

    def run() -> Response:
        ctx = _guard(request, svc)
        if isinstance(ctx, Response):
            return ctx
        if not _same_origin(request):
            return render(ctx, "error.html", 403, title="请求被拒绝", message="表单须从本站页面提交。")
        orderable = {a["stream"] for a in _orderable(ctx)}
        if not orderable:
            return _forbidden(ctx, "下达整改通知（须为该机关的监督人员）")
        agency = fields.get("agency", "")
        case = fields.get("case", "")
        findings = [f for f in re.split(r"[\s,，、;；]+", fields.get("findings", "")) if f]
        error = None
        try:
            due = date.fromisoformat(fields.get("due", ""))
        except ValueError:
            due = None
            error = "整改期限应为日期（YYYY-MM-DD）。"
        if agency not in orderable:
            error = "请选择您监督的执法机关。"
        elif not findings or not all(RULE_ID.match(f) for f in findings):
            error = "请填写问题对应的规则编号，如 PEN-10、PEN-40（以逗号或空格分隔）。"
        elif case and _case_stream(case) is None:
            error = f"案号无效：{case}"
        now = datetime.now(SHANGHAI)
        if error is None and due is not None and due < now.date():
            error = "整改期限不能早于今天。"
        if error is None and due is not None:
            stream = f"supervision/ZG-{now:%Y%m%d}-{secrets.token_hex(3).upper()}"
            data: dict[str, Any] = {"agency": agency, "findings": findings,
                                    "due_at": f"{due.isoformat()}T17:00:00+08:00"}
            if case:
                data["case"] = _case_stream(case)
            assert ctx.principal is not None
            error = _record(ctx, {"stream": stream, "type": "RectificationOrdered",
                                  "at": now.isoformat(timespec="seconds"), "by": ctx.principal.identity,
                                  "data": data})
            if error is None:
                return RedirectResponse(ctx.url(f"/ui/streams/{stream}", recorded="1"), status_code=303,
                                        headers=SECURITY_HEADERS)
        return _dashboard(ctx, fields, error or "无法记录。", 422)

    return await svc.in_writer(run)


@router.post("/ui/streams/supervision/{ident}/report")
async def report_rectification(ident: str, request: Request, svc: ServicesDep) -> Response:
    fields = await _fields(request)

    def run() -> Response:
        ctx = _guard(request, svc)
        if isinstance(ctx, Response):
            return ctx
        if not _same_origin(request):
            return render(ctx, "error.html", 403, title="请求被拒绝", message="表单须从本站页面提交。")
        stream = _stream("supervision", ident)
        assert ctx.principal is not None
        if stream is None or svc.ledger.stream_head(stream)[0] == 0:
            return _missing(ctx, f"流 supervision/{ident}")
        if not ctx.principal.has_role("supervisor") or not svc.access.can_read(ctx.principal, stream):
            return _forbidden(ctx, f"{stream} 的整改报告（须为该机关的监督人员）")
        actions = [line.strip() for line in fields.get("actions", "").splitlines() if line.strip()]
        try:
            reported = date.fromisoformat(fields.get("reported_on", ""))
        except ValueError:
            reported = None
        now = datetime.now(SHANGHAI)
        error: str | None
        if reported is None or reported > now.date():
            error = "报告日期应为不晚于今天的日期（YYYY-MM-DD）。"
        elif not actions:
            error = "请逐行填写整改措施。"
        else:
            at = now if reported == now.date() else datetime.combine(reported, now.time(), SHANGHAI)
            error = _record(ctx, {"stream": stream, "type": "RectificationReported",
                                  "at": now.isoformat(timespec="seconds"), "by": ctx.principal.identity,
                                  "data": {"reported_at": at.isoformat(timespec="seconds"), "actions": actions}})
            if error is None:
                return RedirectResponse(ctx.url(f"/ui/streams/{stream}", recorded="1"), status_code=303,
                                        headers=SECURITY_HEADERS)
        events = _events(svc, stream)
        return render(ctx, "stream.html", 422, stream=stream, events=events, group=None, error=error,
                      can_report=True, form=fields, today=now.date().isoformat())

    return await svc.in_writer(run)


# --------------------------------------------------------------------------- PDF for paper (api.pdf_export)


def _pdf(data: bytes, name: str) -> Response:
    return Response(data, media_type="application/pdf", headers={
        "Content-Disposition": f"attachment; filename=\"{name}\"", "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff"})


def _names(ctx: Ctx) -> dict[str, str]:
    return {**ctx.reads.agency_names(), **ctx.reads.officer_names()}


def _paper_case(ctx: Ctx, stream: str, evaluate: bool) -> tuple[Any, Any] | None:
    """The folded case file and the evaluation the page shows (the stored one; live when none is stored)."""
    from api.pdf_export import load_case
    from audit.store import LedgerSource

    row = ctx.reads.evaluation(stream)
    ev = ctx.reads.evaluation_object(row) if row is not None else None
    loaded = load_case(LedgerSource(ctx.reads.db), stream, ev.as_of if ev else ctx.as_of, ctx.reads.config,
                       evaluate=evaluate and ev is None)
    if loaded is None:
        return None
    return loaded[0], ev or loaded[1]


@router.get("/ui/cases/{number}/case.pdf")
def case_pdf(number: str, request: Request, svc: ServicesDep) -> Response:
    from api.pdf_export import Checked, case_file_pdf

    got = _case_page(request, svc, number)
    if isinstance(got, Response):
        return got
    ctx, stream, cf = got
    loaded = _paper_case(ctx, stream, evaluate=False)
    if loaded is None:
        return _missing(ctx, f"案件 {stream}")
    file, ev = loaded
    related = sorted({t["stream"] for t in cf["timeline"] if t.get("stream") and t["stream"] != stream})
    assert ctx.principal is not None
    streams = [stream, *[s for s in related if svc.access.can_read(ctx.principal, s)]]
    rows = ctx.reads.db.stream_events(streams, ctx.reads.db.head())
    with svc.log.reading() as log:
        checked = Checked.of(log, rows)
    data = case_file_pdf(file, ev, ctx.reads.config, as_of=ev.as_of if ev else ctx.as_of, names=_names(ctx),
                         calendar=ctx.reads.calendar(), checked=checked)
    return _pdf(data, f"case-{file.number}.pdf")


@router.get("/ui/cases/{number}/evaluation.pdf")
def evaluation_pdf_page(number: str, request: Request, svc: ServicesDep) -> Response:
    from api.pdf_export import evaluation_pdf

    got = _case_page(request, svc, number)
    if isinstance(got, Response):
        return got
    ctx, stream, _ = got
    loaded = _paper_case(ctx, stream, evaluate=True)
    if loaded is None or loaded[1] is None:
        return _missing(ctx, f"{stream} 的评查结果")
    file, ev = loaded
    assert ctx.principal is not None
    data = evaluation_pdf(file, ev, ctx.reads.config, evaluator=ctx.principal.identity, names=_names(ctx),
                          issued=datetime.now(SHANGHAI).date())
    return _pdf(data, f"evaluation-{file.number}.pdf")


@router.get("/ui/streams/supervision/{ident}/notice.pdf")
def notice_pdf(ident: str, request: Request, svc: ServicesDep) -> Response:
    from api.pdf_export import Rectification, rectification_pdf

    ctx = _guard(request, svc)
    if isinstance(ctx, Response):
        return ctx
    stream = _stream("supervision", ident)
    if stream is None:
        return _missing(ctx, f"流 supervision/{ident}")
    assert ctx.principal is not None
    if not svc.access.can_read(ctx.principal, stream):
        return _forbidden(ctx, stream)
    order = Rectification.of(stream, [{**e.envelope, "version": e.version} for e in _events(svc, stream)])
    if order is None:
        return _missing(ctx, f"{stream} 的责令整改通知")
    return _pdf(rectification_pdf(order, names=_names(ctx)), f"notice-{ident}.pdf")
