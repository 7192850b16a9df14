"""The case pages (``/ui/cases…``): the list, the case file, its evaluation, its export and its PDFs."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api.catalogue_pages import counter, media_types, number_pages
from api.pages.common import (
    GRADES,
    agency_param,
    bounded_int,
    case_stream,
    choice,
    date_param,
    forbidden,
    missing,
    paper_names,
    pdf_response,
)
from api.pages.guards import Reader
from api.pages.reads import CaseFilter
from api.pages.web import (
    Ctx,
    page,
    render,
)
from audit.model import SEVERITY_LABELS
from audit.report import as_html
from audit.rulebook import PATH_LABELS
from domain.calendar import SHANGHAI
from projections import coercion_queries
from projections.labels import PROCEDURE_LABELS

router = APIRouter(include_in_schema=False)


@router.get("/ui/cases")
def cases(ctx: Reader) -> Response:
    request = ctx.request
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


def case_filter(request: Request) -> CaseFilter:
    """The case list's filters from its query (the page and its spreadsheet read the same)."""
    q = request.query_params
    return CaseFilter(text=(q.get("q") or "")[:100], agency=agency_param(q.get("agency")), status=q.get("status") or "",
                      grade=choice(q.get("grade"), GRADES), colour=choice(q.get("colour"), ("red", "yellow")),
                      page=bounded_int(q.get("page"), 1), procedure=choice(q.get("procedure"), tuple(PROCEDURE_LABELS)),
                      officer=_officer(q.get("officer")), since=date_param(q.get("from")),
                      until=date_param(q.get("to")))


def _case_context(ctx: Ctx, number: str) -> tuple[str, dict[str, Any]] | Response:
    stream = case_stream(number)
    if stream is None:
        return missing(ctx, f"案件 {number}")
    assert ctx.principal is not None
    if not ctx.svc.access.can_read(ctx.principal, stream):
        return forbidden(ctx, stream)  # existing or not alike: no oracle of case numbers (issue 12)
    found = ctx.reads.case_file(stream, ctx.as_of) if ctx.reads.ready() else None
    if found is None:
        return missing(ctx, f"案件 {stream} 的案卷（读模型中没有；若刚记录，请等投影更新）")
    return stream, found


@router.get("/ui/cases/{number}")
def case_file(number: str, ctx: Reader) -> Response:
    svc = ctx.svc
    got = _case_context(ctx, number)
    if isinstance(got, Response):
        return got
    stream, cf = got
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
    if ctx.reads.db.exists("proj_measures"):  # EVAL-04 item 7: the measures and enforcement on its stream
        cf.update(coercion_queries.case_measures(ctx.reads.db, stream, as_of=ctx.as_of,
                                                 calendar=ctx.reads.calendar(), config=ctx.reads.config))
    return render(ctx, "case.html", stream=stream, cf=cf, evaluation=evaluation, concerned=concerned,
                  uploaded=uploaded, colours=colours, severity_labels=SEVERITY_LABELS, path_labels=PATH_LABELS,
                  audit=ctx.reads.has_audit())


@router.get("/ui/cases/{number}/evaluation.html")
def evaluation_report(number: str, ctx: Reader) -> Response:
    got = _case_context(ctx, number)
    if isinstance(got, Response):
        return got
    stream, _ = got
    row = ctx.reads.evaluation(stream)
    if row is None:
        return missing(ctx, f"{stream} 的评查结果（评查结果表尚未生成或未包含该案："
                             "运行 enforcement-ledger audit --refresh）")
    ev = ctx.reads.evaluation_object(row)
    html = as_html([ev], ctx.reads.config, generated=ev.as_of)
    return page(html, headers={"Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'"})


@router.get("/ui/cases/{number}/export.zip")
def export_zip(number: str, ctx: Reader) -> Response:
    got = _case_context(ctx, number)
    if isinstance(got, Response):
        return got
    stream, cf = got
    data = _export(ctx, stream, cf)
    name = stream.split("/", 1)[1]
    return Response(data, media_type="application/zip", headers={
        "Content-Disposition": f'attachment; filename="case-{name}.zip"', "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff"})


def _export(ctx: Ctx, stream: str, cf: dict[str, Any]) -> bytes:
    """The export folder of ``enforcement-ledger export`` as a zip, against the latest checkpoint (no new one)."""
    from api.cli.export import README
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
def case_pdf(number: str, ctx: Reader) -> Response:
    from api.pdf_export import Checked, case_file_pdf

    svc = ctx.svc

    got = _case_context(ctx, number)
    if isinstance(got, Response):
        return got
    stream, cf = got
    loaded = _paper_case(ctx, stream, evaluate=False)
    if loaded is None:
        return missing(ctx, f"案件 {stream}")
    file, ev = loaded
    related = sorted({t["stream"] for t in cf["timeline"] if t.get("stream") and t["stream"] != stream})
    assert ctx.principal is not None
    streams = [stream, *[s for s in related if svc.access.can_read(ctx.principal, s)]]
    rows = ctx.reads.db.stream_events(streams, ctx.reads.db.head())
    with svc.log.reading() as log:
        checked = Checked.of(log, rows)
    data = case_file_pdf(file, ev, ctx.reads.config, as_of=ev.as_of if ev else ctx.as_of, names=paper_names(ctx),
                         calendar=ctx.reads.calendar(), checked=checked)
    return pdf_response(data, f"case-{file.number}.pdf")


@router.get("/ui/cases/{number}/evaluation.pdf")
def evaluation_pdf_page(number: str, ctx: Reader) -> Response:
    from api.pdf_export import evaluation_pdf

    got = _case_context(ctx, number)
    if isinstance(got, Response):
        return got
    stream, _ = got
    loaded = _paper_case(ctx, stream, evaluate=True)
    if loaded is None or loaded[1] is None:
        return missing(ctx, f"{stream} 的评查结果")
    file, ev = loaded
    assert ctx.principal is not None
    data = evaluation_pdf(file, ev, ctx.reads.config, evaluator=ctx.principal.identity, names=paper_names(ctx),
                          issued=datetime.now(SHANGHAI).date())
    return pdf_response(data, f"evaluation-{file.number}.pdf")
