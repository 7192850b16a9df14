"""The public pages (``/public/…``, no login): disclosed decisions, withdrawals, the registry, statistics, the log."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter
from fastapi.responses import Response

from api.pages import proofs
from api.pages.common import (
    agency_param,
    bounded_int,
    case_stream,
    date_param,
)
from api.pages.guards import Visitor
from api.pages.web import (
    render,
)

router = APIRouter(include_in_schema=False)


@router.get("/public")
@router.get("/public/")
def public_decisions(ctx: Visitor) -> Response:
    request = ctx.request
    q = request.query_params
    agency = agency_param(q.get("agency"))
    text = (q.get("q") or "")[:100]
    since, until = date_param(q.get("from")), date_param(q.get("to"))
    found = ctx.reads.public_decisions(ctx.as_of, agency or None, bounded_int(q.get("page"), 1), text,
                                       since=date.fromisoformat(since) if since else None,
                                       until=date.fromisoformat(until) if until else None)
    return render(ctx, "public_list.html", public=True, page=found, agencies=ctx.reads.agencies(),
                  agency_filter=agency, text=text, since=since, until=until)


@router.get("/public/decisions/{number}/{version}")
def public_decision(number: str, version: int, ctx: Visitor) -> Response:
    svc = ctx.svc
    stream = case_stream(number)
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
def public_withdrawals(ctx: Visitor) -> Response:
    request = ctx.request
    svc = ctx.svc
    found = ctx.reads.public_withdrawals(bounded_int(request.query_params.get("page"), 1))
    positions = {(r["grp"], r["version"]): proofs.position_of(svc, ctx.reads, r["grp"], r["version"])
                 for r in found.rows}
    withheld = {(r["grp"], r["version"]) for r in found.rows if proofs.bytes_withheld(svc, r["grp"], r["version"])}
    return render(ctx, "public_withdrawals.html", public=True, page=found, positions=positions, withheld=withheld)


@router.get("/public/registry")
def public_registry(ctx: Visitor) -> Response:
    return render(ctx, "public_registry.html", public=True, registry=ctx.reads.public_registry(ctx.as_of))


@router.get("/public/statistics")
def public_statistics(ctx: Visitor) -> Response:
    request = ctx.request
    years = ctx.reads.years()
    year = bounded_int(request.query_params.get("year"), years[0] if years else ctx.as_of.year, 1900, 9999)
    figures = ctx.reads.public_statistics(year)
    top = max([f["cases"] for f in figures] + [1])
    return render(ctx, "public_statistics.html", public=True, figures=figures, years=years, year=year, top=top)


@router.get("/public/log")
def public_log(ctx: Visitor) -> Response:
    svc = ctx.svc
    checkpoint = vkey = None
    try:
        with svc.log.reading() as log:
            latest = log.latest_checkpoint()
            checkpoint = latest.signed.decode("utf-8") if latest is not None else None
            vkey = log.vkey()
    except Exception:  # never integrated: no log tables yet
        checkpoint = None
    return render(ctx, "public_log.html", public=True, checkpoint=checkpoint, vkey=vkey)
