"""The public surfaces, no token: 事后公开 (disclosures, Atom and JSON feeds), 事前公开 (the registry),
the annual statistics.

They read only the public tables of the read models (``pub_decisions``, ``pub_withdrawals``,
``pub_licences``, ``pub_licence_withdrawals``, ``pub_licence_endings``, ``pub_agencies``,
``pub_officers``, ``pub_items``, ``pub_review_catalogues``, ``pub_inspections``, ``pub_spotchecks``,
``pub_coercions``:
redacted by the projections, never personal data) and the aggregate counts of ``proj_statistics``
(agency, year, metric, number).
No complaint is ever public (PUB-06): no route here reads a complaint table.

Each entry of the list and the feeds has a ``kind`` and its ``label``: ``decision`` (处罚决定公开),
``withdrawal`` (撤回公示), ``licence`` (行政许可: a published licence decision, PUB-06) and
``licence_withdrawal`` (its own withdrawal, or the 撤回/撤销/注销 that ended the licence: PUB-07),
``inspection`` (行政检查结果公示, ``pub_inspections``) and ``spotcheck`` (a 双随机 task: plan and draw,
``pub_spotchecks``, its page ``/public/spotchecks/…``; ``routes_inspections`` serves its JSON) and
``coercion`` (行政强制公示: one publication of a ``coercion/`` or ``case/`` stream with the measures and
enforcement decisions it publishes, ``pub_coercions``, PUB-06; its line on ``/public/coercion``).

``GET /v1/public/disclosures`` lists, newest first, the decisions shown on ``as_of`` (published,
not withdrawn, before their PUB-04 ``max_until``) and the withdrawals (撤回公示), with cursor
pagination (``next``: pass it back as ``cursor``), an ``ETag`` of the body and 304 for a
matching ``If-None-Match``; ``q``, ``credit_code``, ``from`` and ``to`` search the decisions
(:class:`projections.queries.DecisionSearch`, the public pages' search too). The feeds carry the
newest ``limit`` entries of the same list, each linked to its public page, and page to the older
ones (RFC 5005 ``next``, JSON Feed ``next_url``); they answer ``HEAD`` and ``If-Modified-Since``.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any
from urllib.parse import quote, urlencode
from xml.etree import ElementTree as ET

import orjson
from fastapi import APIRouter, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from api.server import readmodels
from api.server.auth import ServicesDep
from api.server.problems import Problem, problem_responses
from api.server.readmodels import ReadModels, read_models
from api.server.state import Area, Services
from api.server.tabular import TABLE_RESPONSES, FormatQuery, TableFormat, table_format, table_response
from api.tables_export import Names, statistics_table
from projections import coercion_queries, inspection_queries, kind_queries, queries
from projections.disclosure import credential_status_on
from projections.labels import DISCLOSURE_KIND_LABELS

router = APIRouter(prefix="/v1/public", tags=["public"])

DISCLOSURES = ("disclosure", "licence_disclosure", "inspection_disclosure", "coercion_disclosure")
"""The projections the disclosure list and the feeds read (their cached answers follow both)."""
NOT_MODIFIED: dict[int | str, dict[str, Any]] = {304: {"description": "未改变 (If-None-Match 与 ETag 相同)"}}
FEED_TITLE = "行政执法公示 (行政处罚决定、行政许可决定与撤回、行政检查结果、行政强制结果)"


class AtomResponse(Response):
    media_type = "application/atom+xml"


class JsonFeedResponse(JSONResponse):
    media_type = "application/feed+json"


class Disclosure(BaseModel):
    """One entry: a decision shown (``kind: decision``) or a withdrawal (``kind: withdrawal``)."""

    model_config = ConfigDict(extra="allow")

    kind: str = Field(description="decision | withdrawal | licence | licence_withdrawal | inspection | spotcheck "
                                  "| coercion")
    label: str = Field(description="处罚决定公开、撤回公示、行政许可、行政许可撤回公示、行政检查结果公示、"
                                   "双随机抽查任务公示、行政强制公示")
    id: str = Field(description="<案件流、许可流、检查流、抽查任务流或强制流>@<版本> (抽查任务为 @0)")
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
                     "published_on", "channel", "url", "text", "corrected_at", "regime", "min_until", "max_until",
                     "violation")
_WITHDRAWAL_COLUMNS = ("grp", "version", "decision_version", "document_no", "agency", "withdrawn_at",
                       "withdrawn_on", "reason", "explanation")


def disclosures(models: ReadModels, as_of: date, *, agency: str | None, cursor: list[Any] | None,
                limit: int, search: queries.DecisionSearch | None = None
                ) -> tuple[list[dict[str, Any]], list[Any] | None]:
    """(entries newest first, the cursor of the next page or None).

    "Newest" is by instant (``published_utc`` / ``withdrawn_utc``, ``projections.sql.instant_key``),
    never by the stored strings, whose offsets differ (``Z``, ``+08:00``); the cursor holds that key.
    A ``search`` (text, credit code, dates) finds decisions only — penalty, licensing and coercion
    decisions (行政强制措施、强制执行决定) — not a withdrawal (it shows no party or facts) nor an
    inspection result or a spot check (not decisions)."""
    day = as_of.isoformat()
    where_d = ["status = 'published'", "published_on <= ?", "max_until > ?"]
    params_d: list[Any] = [day, day]
    if search is not None and search.active:
        found, values = search.where()
        where_d += found
        params_d += values
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
    withdrawals = [] if search is not None and search.active else models.rows(
        f"SELECT {', '.join(_WITHDRAWAL_COLUMNS)}, withdrawn_utc FROM {models.table('pub_withdrawals')} "
        f"WHERE {' AND '.join(where_w)} ORDER BY withdrawn_utc DESC, grp DESC, version DESC LIMIT ?",
        [*params_w, limit + 1])
    keyed = [(r.pop("published_utc") or "", _decision(r)) for r in decisions]
    keyed += [(r.pop("withdrawn_utc") or "", _withdrawal(r)) for r in withdrawals]
    keyed += kind_queries.public_licence_entries(models, as_of, agency=agency, cursor=cursor, limit=limit,
                                                 search=search)
    keyed += inspection_queries.public_inspection_entries(models, as_of, agency=agency, cursor=cursor, limit=limit,
                                                          search_active=search is not None and search.active)
    keyed += coercion_queries.public_coercion_entries(models, as_of, agency=agency, cursor=cursor, limit=limit,
                                                      search=search)
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
    return {"kind": "decision", "label": DISCLOSURE_KIND_LABELS["decision"], "id": f"{grp}@{row['version']}",
            "case": grp, "at": row.get("published_at"), **row}


def _withdrawal(row: dict[str, Any]) -> dict[str, Any]:
    grp = row.pop("grp")
    return {"kind": "withdrawal", "label": DISCLOSURE_KIND_LABELS["withdrawal"], "id": f"{grp}@{row['version']}",
            "case": grp, "at": row.get("withdrawn_at"), **row}


def _agency(value: str | None) -> str | None:
    return readmodels.stream_name("agency", value)


AsOf = Query(None, description="按此日期 (Asia/Shanghai) 判断是否仍在公示期 (默认今天)")
AgencyFilter = Query(None, max_length=200, description="执法机关 (DXH-CGJ 或 agency/DXH-CGJ)")
SearchText = Query(None, max_length=200, description="检索词 (空格分隔, 均须出现): 文书号、当事人单位名称、"
                                                     "统一社会信用代码、违法行为或公示内容")
CreditCode = Query(None, max_length=40, description="当事人单位的统一社会信用代码 (精确匹配; 自然人的身份证号不可检索)")
Since = Query(None, alias="from", description="决定日期起 (含)")
Until = Query(None, alias="to", description="决定日期止 (含)")


@router.get("/disclosures", response_model=Disclosures, responses={**NOT_MODIFIED, **problem_responses(422)},
            summary="事后公开: 公示中的行政处罚决定、行政许可决定、行政检查与行政强制结果及撤回公示 "
                    "(新的在前, 游标分页; 可检索)")
async def list_disclosures(request: Request, svc: ServicesDep, as_of: date | None = AsOf,
                           agency: str | None = AgencyFilter,
                           q: str | None = SearchText, credit_code: str | None = CreditCode,
                           since: date | None = Since, until: date | None = Until,
                           cursor: str | None = Query(None, max_length=2000, description="上一页的 next"),
                           limit: int = Query(100, ge=1, le=500)) -> Response:
    key = readmodels.decode_cursor(cursor, 3)
    day = as_of or readmodels.today()
    models = read_models(svc)
    who = _agency(agency)
    search = queries.DecisionSearch(q or "", credit_code or "", since, until)

    def build() -> bytes:
        entries, following = disclosures(models, day, agency=who, cursor=key, limit=limit, search=search)
        return orjson.dumps({"as_of": day.isoformat(), "items": entries,
                             "next": readmodels.encode_cursor(following) if following is not None else None})

    body = await run_in_threadpool(models.cached, DISCLOSURES, ("disclosures", day, who, cursor, limit, search),
                                   build)
    return readmodels.bytes_answer(request, body, media_type="application/json")


def _entry_title(entry: dict[str, Any]) -> str:
    number = entry.get("document_no") or entry["case"]
    if entry["kind"] in ("withdrawal", "licence_withdrawal"):
        return f"{entry['label']}: {number}"
    if entry["kind"] == "licence":
        return f"{entry['label']}: {number} {entry.get('decision_label') or ''}".strip()
    if entry["kind"] in ("inspection", "spotcheck"):
        return f"{entry['label']}: {entry.get('object_name') or number} {entry.get('result_label') or ''}".strip()
    if entry["kind"] == "coercion":
        what = "、".join(dict.fromkeys(str(c["category_label"]) for c in entry.get("coercions", [])))
        return f"{entry['label']}: {entry.get('party_name') or number} {what}".strip()
    return f"{number} {entry.get('outcome_label') or ''}".strip()


def _entry_text(entry: dict[str, Any]) -> str:
    if entry["kind"] in ("withdrawal", "licence_withdrawal"):
        return "；".join(t for t in (entry.get("reason"), entry.get("explanation")) if t) or "已撤回公示"
    if entry["kind"] == "spotcheck":
        return (f"抽查 {entry.get('population') or ''}：从名录库随机抽取 {entry.get('sample_size')} 户"
                f"（ledger-draw-v1，可复算）")
    if entry["kind"] == "coercion" and not entry.get("text"):
        return "；".join(f"{c['category_label']}{'（' + c['document_no'] + '）' if c.get('document_no') else ''}："
                        f"{c['conclusion']}" for c in entry.get("coercions", [])) or str(entry["label"])
    return str(entry.get("text") or entry.get("outcome_label") or entry.get("decision_label") or "")


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/")


def public_page(entry: dict[str, Any], base: str) -> str:
    """The entry's public page: a decision's own page (a licensing decision's: ``/public/licences/…``), a
    withdrawal's line on the 撤下公示 page, a coercion publication's lines on ``/public/coercion``."""
    if entry["kind"] == "licence":
        return f"{base}/public/licences/{quote(str(entry['case']).removeprefix('licence/'))}"
    if entry["kind"] in ("inspection", "spotcheck"):
        task = entry["case"] if entry["kind"] == "spotcheck" else entry.get("spotcheck")
        if task:
            return f"{base}/public/spotchecks/{quote(str(task).removeprefix('spotcheck/'))}"
        return f"{base}/public/#i-{quote(str(entry['case']).removeprefix('inspection/'))}-{entry['version']}"
    if entry["kind"] == "coercion":
        anchor = coercion_queries.coercion_anchor(str(entry["case"]), int(entry["version"]))
        return f"{base}/public/coercion?{urlencode({'file': entry['case']})}#{anchor}"
    if entry["kind"] == "licence_withdrawal":
        return f"{base}/public/withdrawals#lw-{quote(str(entry['case']).removeprefix('licence/'))}-{entry['version']}"
    number = str(entry["case"]).removeprefix("case/")
    if entry["kind"] == "withdrawal":
        return f"{base}/public/withdrawals#w-{quote(number)}-{entry['version']}"
    return f"{base}/public/decisions/{quote(number)}/{entry['version']}"


def _page_url(base: str, name: str, agency: str | None, limit: int, cursor: list[Any] | None) -> str | None:
    """The address of a feed page (RFC 5005 paging: the next page holds the older entries)."""
    if cursor is None:
        return None
    params = {k: v for k, v in (("agency", agency), ("limit", str(limit)),
                                ("cursor", readmodels.encode_cursor(cursor))) if v}
    return f"{base}/v1/public/{name}?{urlencode(params)}"


def _first_url(base: str, name: str, agency: str | None, limit: int | None) -> str:
    """The newest page's address (``limit`` None: the subscription's, as a reader adds it)."""
    wanted = str(limit) if limit is not None and limit != FEED_LIMIT else None
    params = {k: v for k, v in (("agency", agency), ("limit", wanted)) if v}
    return f"{base}/v1/public/{name}" + (f"?{urlencode(params)}" if params else "")


FEED_LIMIT = 50
FeedCursor = Query(None, max_length=2000, description="下一页 (更早的条目): 由 rel=next / next_url 给出")
FeedLimit = Query(FEED_LIMIT, ge=1, le=500)

_SEEN: OrderedDict[str, datetime] = OrderedDict()
_SEEN_LOCK = threading.Lock()


def first_served(tag: str) -> datetime:
    """When this process first served the body with ETag ``tag`` (whole seconds, UTC): the feeds'
    ``Last-Modified``. Not a time stated in the data, which a 补录 may set in the past: a body
    that changes is always first served after the change, so ``If-Modified-Since`` never hides it."""
    with _SEEN_LOCK:
        found = _SEEN.get(tag)
        if found is None:
            found = _SEEN[tag] = datetime.now(UTC).replace(microsecond=0)
            while len(_SEEN) > 4096:
                _SEEN.popitem(last=False)
        else:
            _SEEN.move_to_end(tag)
        return found


def feed_answer(request: Request, body: bytes, media_type: str) -> Response:
    """The feed with ``ETag`` and ``Last-Modified``: 304 for a matching ``If-None-Match``, or, when that
    header is absent, for an ``If-Modified-Since`` not older than the body (RFC 9110 §13.1.3)."""
    tag = readmodels.etag_of(body)
    modified = first_served(tag)
    headers = {"ETag": tag, "Cache-Control": "no-cache", "Last-Modified": format_datetime(modified, usegmt=True)}
    if request.headers.get("if-none-match"):
        fresh = readmodels.not_modified(request, tag)
    else:
        since = _http_date(request.headers.get("if-modified-since"))
        fresh = since is not None and modified <= since
    if fresh:
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=media_type, headers=headers)


def _http_date(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        found = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    return found if found.tzinfo is not None else found.replace(tzinfo=UTC)


async def _feed(request: Request, svc: Services, name: str, agency: str | None, cursor: str | None, limit: int,
                render: Callable[[list[dict[str, Any]], str, FeedLinks], bytes], media_type: str) -> Response:
    key = readmodels.decode_cursor(cursor, 3)
    day = readmodels.today()
    models = read_models(svc)
    who = _agency(agency)
    base = _base(request)

    def build() -> bytes:
        entries, following = disclosures(models, day, agency=who, cursor=key, limit=limit)
        links = FeedLinks(here=_page_url(base, name, who, limit, key) or _first_url(base, name, who, limit),
                          first=_first_url(base, name, who, limit),
                          next=_page_url(base, name, who, limit, following),
                          feed=_first_url(base, name, who, None))
        return render(entries, base, links)

    body = await run_in_threadpool(models.cached, DISCLOSURES, (name, day, who, cursor, limit, base), build)
    return feed_answer(request, body, media_type)


@dataclass(frozen=True)
class FeedLinks:
    """A feed page's own address, the first (newest) page's and the next (older) page's, if any."""

    here: str
    first: str
    next: str | None = None
    feed: str | None = None  # the subscription's address (JSON Feed's feed_url), default the first page's


@router.get("/feed.atom", response_class=AtomResponse, responses={**NOT_MODIFIED, **problem_responses(422)},
            summary="事后公开: Atom 订阅源 (RFC 5005 分页)")
async def feed_atom(request: Request, svc: ServicesDep, agency: str | None = AgencyFilter,
                    cursor: str | None = FeedCursor, limit: int = FeedLimit) -> Response:
    return await _feed(request, svc, "feed.atom", agency, cursor, limit, atom, "application/atom+xml")


def atom(entries: list[dict[str, Any]], base: str, links: FeedLinks | None = None) -> bytes:
    """An Atom document (RFC 4287) of ``entries``; with ``links``, a page of a paged feed (RFC 5005 §3)."""
    ns = "http://www.w3.org/2005/Atom"
    links = links or FeedLinks(f"{base}/v1/public/feed.atom", f"{base}/v1/public/feed.atom")
    feed = ET.Element("feed", xmlns=ns)
    ET.SubElement(feed, "id").text = f"{base}/v1/public/feed.atom"
    ET.SubElement(feed, "title").text = FEED_TITLE
    # entries come newest first by instant: the first stated time is the feed's newest
    updated = next((e["at"] for e in entries if e["at"]), "1970-01-01T00:00:00Z")
    ET.SubElement(feed, "updated").text = updated
    ET.SubElement(feed, "link", rel="self", type="application/atom+xml", href=links.here)
    ET.SubElement(feed, "link", rel="alternate", type="text/html", href=f"{base}/public/")
    ET.SubElement(feed, "link", rel="first", type="application/atom+xml", href=links.first)
    if links.next is not None:
        ET.SubElement(feed, "link", rel="next", type="application/atom+xml", href=links.next)
    author = ET.SubElement(feed, "author")
    ET.SubElement(author, "name").text = "enforcement-ledger"
    for entry in entries:
        item = ET.SubElement(feed, "entry")
        ET.SubElement(item, "id").text = f"urn:enforcement-ledger:{entry['id']}"
        ET.SubElement(item, "title").text = _entry_title(entry)
        ET.SubElement(item, "updated").text = entry["at"] or updated
        ET.SubElement(item, "link", rel="alternate", type="text/html", href=public_page(entry, base))
        if entry.get("agency"):
            ET.SubElement(item, "category", term=str(entry["agency"]))
        ET.SubElement(item, "category", term=entry["kind"])
        if entry.get("url"):
            ET.SubElement(item, "link", rel="related", href=str(entry["url"]))
        ET.SubElement(item, "content", type="text").text = _entry_text(entry)
    body: bytes = ET.tostring(feed, encoding="utf-8", xml_declaration=False)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + body


@router.get("/feed.json", response_class=JsonFeedResponse, response_model=JsonFeed,
            responses={**NOT_MODIFIED, **problem_responses(422)},
            summary="事后公开: JSON Feed 1.1 订阅源 (next_url 分页)")
async def feed_json(request: Request, svc: ServicesDep, agency: str | None = AgencyFilter,
                    cursor: str | None = FeedCursor, limit: int = FeedLimit) -> Response:
    return await _feed(request, svc, "feed.json", agency, cursor, limit,
                       lambda entries, base, links: orjson.dumps(json_feed(entries, base, links)),
                       "application/feed+json")


def json_feed(entries: list[dict[str, Any]], base: str, links: FeedLinks | None = None) -> dict[str, Any]:
    """A JSON Feed 1.1 document of ``entries``; ``next_url`` when older entries follow."""
    links = links or FeedLinks(f"{base}/v1/public/feed.json", f"{base}/v1/public/feed.json")
    items = []
    for entry in entries:
        item: dict[str, Any] = {"id": f"urn:enforcement-ledger:{entry['id']}", "url": public_page(entry, base),
                                "title": _entry_title(entry), "content_text": _entry_text(entry),
                                "tags": [t for t in (entry["kind"], entry.get("agency")) if t]}
        if entry["at"]:
            item["date_published"] = entry["at"]
        if entry.get("url"):
            item["external_url"] = entry["url"]
        item["_enforcement_ledger"] = {k: v for k, v in entry.items() if k != "text"}
        items.append(item)
    out: dict[str, Any] = {"version": "https://jsonfeed.org/version/1.1", "title": FEED_TITLE,
                           "home_page_url": f"{base}/public/", "feed_url": links.feed or links.first,
                           "language": "zh-CN", "items": items}
    if links.next is not None:
        out["next_url"] = links.next
    return out


# HEAD: the GET's answer and headers without the body (for a reader polling Last-Modified or ETag)
router.add_api_route("/feed.atom", feed_atom, methods=["HEAD"], include_in_schema=False)
router.add_api_route("/feed.json", feed_json, methods=["HEAD"], include_in_schema=False)


class PublicLicence(BaseModel):
    model_config = ConfigDict(extra="allow")

    stream: str
    as_of: str
    decisions: list[dict[str, Any]]
    ended_by: list[dict[str, Any]] = Field(description="终止该许可的撤回、撤销、注销决定 (公示随之撤下)")


@router.get("/licences/{number}", response_model=PublicLicence,
            responses={**NOT_MODIFIED, **problem_responses(404, 422)},
            summary="事后公开: 一项行政许可的公示 (已撤下的不含公示文本) 与终止它的决定")
async def public_licence(request: Request, svc: ServicesDep, number: str, as_of: date | None = AsOf) -> Response:
    models = read_models(svc)
    stream = number if number.startswith("licence/") else f"licence/{number}"
    day = as_of or readmodels.today()
    found = await run_in_threadpool(kind_queries.public_licence, models.db, stream, day)
    if found is None:
        raise Problem(404, "not-found", f"没有公示的行政许可 {stream}")
    return readmodels.json_answer(request, found)


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
