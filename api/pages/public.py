"""The public pages (``/public/…``, no login): disclosed penalty and licensing decisions, withdrawals, the
registry, statistics, the log. No complaint is ever shown here (PUB-06): no page reads a complaint table."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter
from fastapi.responses import Response

from api.pages import kind_reads, proofs
from api.pages.common import (
    agency_param,
    bounded_int,
    case_stream,
    choice,
    date_param,
)
from api.pages.guards import Visitor
from api.pages.web import (
    render,
)
from projections.labels import LICENCE_ENDINGS
from projections.queries import DecisionSearch

router = APIRouter(include_in_schema=False)


@router.get("/public")
@router.get("/public/")
def public_decisions(ctx: Visitor) -> Response:
    request = ctx.request
    q = request.query_params
    agency = agency_param(q.get("agency"))
    text = (q.get("q") or "")[:100]
    since, until = date_param(q.get("from")), date_param(q.get("to"))
    kind = choice(q.get("kind"), ("decision", "licence"))
    search = DecisionSearch(text, "", date.fromisoformat(since) if since else None,
                            date.fromisoformat(until) if until else None)
    found = kind_reads.public_entries(ctx.reads, ctx.as_of, agency or None, bounded_int(q.get("page"), 1), search,
                                      kind)
    return render(ctx, "public_list.html", public=True, page=found, agencies=ctx.reads.agencies(),
                  agency_filter=agency, text=text, since=since, until=until, kind=kind)


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


@router.get("/public/licences/{number}")
def public_licence(number: str, ctx: Visitor) -> Response:
    """A licensing decision as published (行政许可 事后公开, PUB-06): each publication of the licence stream with
    its proof, a withdrawn one without its text, and the 撤回/撤销/注销 that ended the licence (PUB-07)."""
    stream = number if number.startswith("licence/") else f"licence/{number}"
    found = kind_reads.public_licence(ctx.reads, stream, ctx.as_of)
    day = ctx.as_of.isoformat()
    shown = [r for r in (found or {}).get("decisions", []) if str(r.get("published_on") or "") <= day]
    if found is None or not shown:
        return render(ctx, "error.html", 404, public=True, title="未找到", message="没有这项行政许可的公示信息。")
    ended = found["ended_by"]
    for row in shown:
        row["proof"] = proofs.event_proof(ctx.svc, ctx.reads, stream, int(row["version"]))
        row["withheld"] = proofs.bytes_withheld(ctx.svc, stream, int(row["version"]))
        row["expired"] = bool(row.get("valid_to")) and str(row["valid_to"]) < day
        row["item_name"] = ctx.reads.item_name(row.get("agency"), row.get("item"))
        if ended and row.get("decision") not in LICENCE_ENDINGS:
            row["text"] = None  # the grant's publication is withdrawn once the licence is ended (PUB-07)
    return render(ctx, "public_licence.html", public=True, stream=stream, rows=shown, ended=ended)


@router.get("/public/withdrawals")
def public_withdrawals(ctx: Visitor) -> Response:
    request = ctx.request
    svc = ctx.svc
    found = ctx.reads.public_withdrawals(bounded_int(request.query_params.get("page"), 1))
    licences = kind_reads.public_licence_withdrawals(ctx.reads, ctx.as_of,
                                                     bounded_int(request.query_params.get("lpage"), 1))
    rows = [*found.rows, *licences.rows]
    positions = {(r["grp"], r["version"]): proofs.position_of(svc, ctx.reads, r["grp"], r["version"]) for r in rows}
    withheld = {(r["grp"], r["version"]) for r in rows if proofs.bytes_withheld(svc, r["grp"], r["version"])}
    unserved = {(r["grp"], r["version"]) for r in licences.rows if not proofs.bytes_served(svc, r["grp"], r["version"])}
    return render(ctx, "public_withdrawals.html", public=True, page=found, licences=licences, positions=positions,
                  withheld=withheld, unserved=unserved)


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
