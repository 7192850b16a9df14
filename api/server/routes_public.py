"""The public surfaces, no token: 事后公开 (disclosures, Atom and JSON feeds), 事前公开 (the registry),
the annual statistics.

They read only the public tables of the read models (``pub_decisions``, ``pub_withdrawals``,
``pub_agencies``, ``pub_officers``, ``pub_items``, ``pub_review_catalogues``: redacted by the
projections, never personal data) and the aggregate counts of ``proj_statistics`` (agency,
year, metric, number).

``GET /v1/public/disclosures`` lists, newest first, the decisions shown on ``as_of`` (published,
not withdrawn, before their PUB-04 ``max_until``) and the withdrawals (撤回公示), with cursor
pagination (``next``: pass it back as ``cursor``), an ``ETag`` of the body and 304 for a
matching ``If-None-Match``. The feeds carry the newest ``limit`` entries of the same list.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from xml.etree import ElementTree as ET

import orjson
from fastapi import APIRouter, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from api.server import readmodels
from api.server.auth import ServicesDep
from api.server.problems import problem_responses
from api.server.readmodels import ReadModels, read_models
from api.server.state import Area
from api.server.tabular import TABLE_RESPONSES, FormatQuery, TableFormat, table_format, table_response
from api.tables_export import Names, statistics_table
from projections import queries
from projections.disclosure import credential_status_on

router = APIRouter(prefix="/v1/public", tags=["public"])

NOT_MODIFIED: dict[int | str, dict[str, Any]] = {304: {"description": "未改变 (If-None-Match 与 ETag 相同)"}}
FEED_TITLE = "行政执法公示 (行政处罚决定与撤回)"


class AtomResponse(Response):
    media_type = "application/atom+xml"


class JsonFeedResponse(JSONResponse):
    media_type = "application/feed+json"


class Disclosure(BaseModel):
    """One entry: a decision shown (``kind: decision``) or a withdrawal (``kind: withdrawal``)."""

    model_config = ConfigDict(extra="allow")

    kind: str = Field(description="decision | withdrawal")
    id: str = Field(description="<案件流>@<版本>")
    case: str
    version: int
    at: str | None = Field(description="公示或撤回的时间")
    document_no: str | None = None
    agency: str | None = None


class Disclosures(BaseModel):
    as_of: str
    items: list[Disclosure]
    next: str | None = Field(description="下一页的 cursor (没有更多时为 null)")


class JsonFeedItem(BaseModel):
    model_config = ConfigDict(extra="allow")

    id: str
    title: str
    content_text: str
    date_published: str | None = None


class JsonFeed(BaseModel):
    """JSON Feed 1.1 (https://jsonfeed.org/version/1.1)."""

    model_config = ConfigDict(extra="allow")

    version: str
    title: str
    home_page_url: str
    feed_url: str
    items: list[JsonFeedItem]


class Registry(BaseModel):
    agencies: list[dict[str, Any]]
    officers: list[dict[str, Any]]
    items: list[dict[str, Any]]
    review_catalogues: list[dict[str, Any]]


class PublicStatistics(BaseModel):
    statistics: list[dict[str, Any]]


_DECISION_COLUMNS = ("grp", "version", "document_no", "agency", "party_kind", "party_name", "party_credit_code",
                     "outcome", "outcome_label", "penalties", "fine_fen", "decided_on", "published_at",
                     "published_on", "channel", "url", "text", "corrected_at", "regime", "min_until", "max_until")
_WITHDRAWAL_COLUMNS = ("grp", "version", "decision_version", "document_no", "agency", "withdrawn_at",
                       "withdrawn_on", "reason", "explanation")


def disclosures(models: ReadModels, as_of: date, *, agency: str | None, cursor: list[Any] | None,
                limit: int) -> tuple[list[dict[str, Any]], list[Any] | None]:
    """(entries newest first, the cursor of the next page or None).

    "Newest" is by instant (``published_utc`` / ``withdrawn_utc``, ``projections.sql.instant_key``),
    never by the stored strings, whose offsets differ (``Z``, ``+08:00``); the cursor holds that key."""
    day = as_of.isoformat()
    where_d = ["status = 'published'", "published_on <= ?", "max_until > ?"]
    params_d: list[Any] = [day, day]
    where_w = ["withdrawn_on <= ?"]
    params_w: list[Any] = [day]
    if agency is not None:
        where_d.append("agency = ?")
        params_d.append(agency)
        where_w.append("agency = ?")
        params_w.append(agency)
    if cursor is not None:
        where_d.append("(published_utc < ? OR (published_utc = ? AND (grp < ? OR (grp = ? AND version < ?))))")
        where_w.append("(withdrawn_utc < ? OR (withdrawn_utc = ? AND (grp < ? OR (grp = ? AND version < ?))))")
        at, grp, version = cursor
        for params in (params_d, params_w):
            params += [at, at, grp, grp, version]
    decisions = models.rows(
        f"SELECT {', '.join(_DECISION_COLUMNS)}, published_utc FROM {models.table('pub_decisions')} "
        f"WHERE {' AND '.join(where_d)} ORDER BY published_utc DESC, grp DESC, version DESC LIMIT ?",
        [*params_d, limit + 1])
    withdrawals = models.rows(
        f"SELECT {', '.join(_WITHDRAWAL_COLUMNS)}, withdrawn_utc FROM {models.table('pub_withdrawals')} "
        f"WHERE {' AND '.join(where_w)} ORDER BY withdrawn_utc DESC, grp DESC, version DESC LIMIT ?",
        [*params_w, limit + 1])
    keyed = [(r.pop("published_utc") or "", _decision(r)) for r in decisions]
    keyed += [(r.pop("withdrawn_utc") or "", _withdrawal(r)) for r in withdrawals]
    return newest(keyed, limit)


def newest(keyed: list[tuple[str, dict[str, Any]]], limit: int) -> tuple[list[dict[str, Any]], list[Any] | None]:
    """The ``limit`` newest entries by (instant key, case, version), and the next page's cursor."""
    keyed.sort(key=lambda k: (k[0], k[1]["case"], k[1]["version"]), reverse=True)
    more = len(keyed) > limit
    keyed = keyed[:limit]
    last = keyed[-1] if more and keyed else None
    return [e for _, e in keyed], ([last[0], last[1]["case"], last[1]["version"]] if last is not None else None)


def _decision(row: dict[str, Any]) -> dict[str, Any]:
    readmodels.decode_json_columns(row)
    grp = row.pop("grp")
    return {"kind": "decision", "id": f"{grp}@{row['version']}", "case": grp, "at": row.get("published_at"), **row}


def _withdrawal(row: dict[str, Any]) -> dict[str, Any]:
    grp = row.pop("grp")
    return {"kind": "withdrawal", "id": f"{grp}@{row['version']}", "case": grp, "at": row.get("withdrawn_at"), **row}


def _agency(value: str | None) -> str | None:
    return readmodels.stream_name("agency", value)


AsOf = Query(None, description="按此日期 (Asia/Shanghai) 判断是否仍在公示期 (默认今天)")
AgencyFilter = Query(None, max_length=200, description="执法机关 (DXH-CGJ 或 agency/DXH-CGJ)")


@router.get("/disclosures", response_model=Disclosures, responses={**NOT_MODIFIED, **problem_responses(422)},
            summary="事后公开: 公示中的行政处罚决定与撤回公示 (新的在前, 游标分页)")
async def list_disclosures(request: Request, svc: ServicesDep, as_of: date | None = AsOf,
                           agency: str | None = AgencyFilter,
                           cursor: str | None = Query(None, max_length=2000, description="上一页的 next"),
                           limit: int = Query(100, ge=1, le=500)) -> Response:
    key = readmodels.decode_cursor(cursor, 3)
    day = as_of or readmodels.today()
    models = read_models(svc)
    who = _agency(agency)

    def build() -> bytes:
        entries, following = disclosures(models, day, agency=who, cursor=key, limit=limit)
        return orjson.dumps({"as_of": day.isoformat(), "items": entries,
                             "next": readmodels.encode_cursor(following) if following is not None else None})

    body = await run_in_threadpool(models.cached, ("disclosure",), ("disclosures", day, who, cursor, limit), build)
    return readmodels.bytes_answer(request, body, media_type="application/json")


def _entry_title(entry: dict[str, Any]) -> str:
    number = entry.get("document_no") or entry["case"]
    if entry["kind"] == "withdrawal":
        return f"撤回公示: {number}"
    return f"{number} {entry.get('outcome_label') or ''}".strip()


def _entry_text(entry: dict[str, Any]) -> str:
    if entry["kind"] == "withdrawal":
        return "；".join(t for t in (entry.get("reason"), entry.get("explanation")) if t) or "已撤回公示"
    return str(entry.get("text") or entry.get("outcome_label") or "")


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/")


@router.get("/feed.atom", response_class=AtomResponse, responses={**NOT_MODIFIED, **problem_responses(422)},
            summary="事后公开: Atom 订阅源")
async def feed_atom(request: Request, svc: ServicesDep, agency: str | None = AgencyFilter,
                    limit: int = Query(50, ge=1, le=500)) -> Response:
    day = readmodels.today()
    models = read_models(svc)
    who = _agency(agency)
    base = _base(request)

    def build() -> bytes:
        entries, _ = disclosures(models, day, agency=who, cursor=None, limit=limit)
        return atom(entries, base)

    body = await run_in_threadpool(models.cached, ("disclosure",), ("feed.atom", day, who, limit, base), build)
    return readmodels.bytes_answer(request, body, media_type="application/atom+xml")


def atom(entries: list[dict[str, Any]], base: str) -> bytes:
    ns = "http://www.w3.org/2005/Atom"
    feed = ET.Element("feed", xmlns=ns)
    ET.SubElement(feed, "id").text = f"{base}/v1/public/feed.atom"
    ET.SubElement(feed, "title").text = FEED_TITLE
    # entries come newest first by instant: the first stated time is the feed's newest
    updated = next((e["at"] for e in entries if e["at"]), "1970-01-01T00:00:00Z")
    ET.SubElement(feed, "updated").text = updated
    ET.SubElement(feed, "link", rel="self", href=f"{base}/v1/public/feed.atom")
    ET.SubElement(feed, "link", rel="alternate", type="application/json", href=f"{base}/v1/public/disclosures")
    author = ET.SubElement(feed, "author")
    ET.SubElement(author, "name").text = "enforcement-ledger"
    for entry in entries:
        item = ET.SubElement(feed, "entry")
        ET.SubElement(item, "id").text = f"urn:enforcement-ledger:{entry['id']}"
        ET.SubElement(item, "title").text = _entry_title(entry)
        ET.SubElement(item, "updated").text = entry["at"] or updated
        if entry.get("agency"):
            ET.SubElement(item, "category", term=str(entry["agency"]))
        ET.SubElement(item, "category", term=entry["kind"])
        if entry.get("url"):
            ET.SubElement(item, "link", rel="alternate", href=str(entry["url"]))
        ET.SubElement(item, "content", type="text").text = _entry_text(entry)
    body: bytes = ET.tostring(feed, encoding="utf-8", xml_declaration=False)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + body


@router.get("/feed.json", response_class=JsonFeedResponse, response_model=JsonFeed,
            responses={**NOT_MODIFIED, **problem_responses(422)},
            summary="事后公开: JSON Feed 1.1 订阅源")
async def feed_json(request: Request, svc: ServicesDep, agency: str | None = AgencyFilter,
                    limit: int = Query(50, ge=1, le=500)) -> Response:
    day = readmodels.today()
    models = read_models(svc)
    who = _agency(agency)
    base = _base(request)

    def build() -> bytes:
        entries, _ = disclosures(models, day, agency=who, cursor=None, limit=limit)
        return orjson.dumps(json_feed(entries, base))

    body = await run_in_threadpool(models.cached, ("disclosure",), ("feed.json", day, who, limit, base), build)
    return readmodels.bytes_answer(request, body, media_type="application/feed+json")


def json_feed(entries: list[dict[str, Any]], base: str) -> dict[str, Any]:
    items = []
    for entry in entries:
        item: dict[str, Any] = {"id": f"urn:enforcement-ledger:{entry['id']}", "title": _entry_title(entry),
                                "content_text": _entry_text(entry),
                                "tags": [t for t in (entry["kind"], entry.get("agency")) if t]}
        if entry["at"]:
            item["date_published"] = entry["at"]
        if entry.get("url"):
            item["url"] = entry["url"]
        item["_enforcement_ledger"] = {k: v for k, v in entry.items() if k != "text"}
        items.append(item)
    return {"version": "https://jsonfeed.org/version/1.1", "title": FEED_TITLE,
            "home_page_url": f"{base}/v1/public/disclosures", "feed_url": f"{base}/v1/public/feed.json",
            "language": "zh-CN", "items": items}


_REGISTRY = (("agencies", "pub_agencies", "stream", "stream"), ("officers", "pub_officers", "agency", "stream"),
             ("items", "pub_items", "stream", "stream, code"),
             ("review_catalogues", "pub_review_catalogues", "stream", "stream"))


def registry(models: ReadModels, agency: str | None, day: date | None = None) -> dict[str, Any]:
    """The 事前公开 tables; an officer's ``credential_status`` is the 执法证's state on ``day``
    (default today): ``valid``, ``expired``, ``not_yet_valid``, ``revoked`` or ``none``."""
    out: dict[str, Any] = {}
    for name, table, column, order in _REGISTRY:
        sql = f"SELECT * FROM {models.table(table)}"
        params: list[Any] = []
        if agency is not None:
            sql += f" WHERE {column} = ?"
            params.append(agency)
        out[name] = [readmodels.decode_json_columns(r) for r in models.rows(sql + f" ORDER BY {order}", params)]
    on = day or readmodels.today()
    for officer in out.get("officers", []):
        officer["credential_status"] = credential_status_on(officer, on)
    return out


CredentialDay = Query(None, description="执法证状态 (credential_status) 按此日期 (Asia/Shanghai) 判断 (默认今天)")


@router.get("/registry", response_model=Registry, responses={**NOT_MODIFIED, **problem_responses(422)},
            summary="事前公开: 执法主体、执法人员、执法事项与法制审核目录")
async def public_registry(request: Request, svc: ServicesDep, agency: str | None = AgencyFilter,
                          as_of: date | None = CredentialDay) -> Response:
    models = read_models(svc)
    who = _agency(agency)
    day = as_of or readmodels.today()
    body = await run_in_threadpool(models.cached, ("registry",), ("registry", who, day),
                                   lambda: orjson.dumps(registry(models, who, day)))
    return readmodels.bytes_answer(request, body, media_type="application/json")


@router.get("/statistics", response_model=PublicStatistics,
            responses={**TABLE_RESPONSES, **NOT_MODIFIED, **problem_responses(422)},
            summary="年度报告数据: 按机关和年度的执法统计 (亦可为 CSV、XLSX)")
async def public_statistics(request: Request, svc: ServicesDep, agency: str | None = AgencyFilter,
                            year: int | None = Query(None, ge=1949, le=9999),
                            fmt: TableFormat | None = FormatQuery) -> Response:
    models = read_models(svc)
    who = _agency(agency)
    table = table_format(request, fmt)
    if table is not None:
        def sheet() -> Response:
            found = queries.statistics(models.db, agency=who, year=year)
            return table_response(statistics_table(found, Names.of(models.db)), table)
        return await run_in_threadpool(sheet)
    body = await run_in_threadpool(
        models.cached, ("statistics",), ("statistics", who, year),
        lambda: orjson.dumps({"statistics": queries.statistics(models.db, agency=who, year=year)}))
    return readmodels.bytes_answer(request, body, media_type="application/json")


def area() -> Area:
    return Area("public", router, start=readmodels.start, stop=readmodels.stop,
                checks=(readmodels.projection_lag_check,))
