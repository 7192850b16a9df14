"""Issue 13, defects 7 and 8: the feeds link to public pages and page beyond the newest 50, answer
``HEAD`` with ``Last-Modified`` (``If-Modified-Since`` → 304); the public search finds decisions by
统一社会信用代码, by words of the violation and by a date range — never a natural person by an ID number.
"""

from __future__ import annotations

import copy
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit
from xml.etree import ElementTree as ET

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.helpers.examples import scaled
from tests.helpers.feeds import validate_atom, validate_json_feed
from tests.helpers.http_reads import Populated, populate, project
from tests.helpers.http_world import ADMIN, case_steps, world_at

if TYPE_CHECKING:
    from projections.queries import DecisionSearch

ATOM = "{http://www.w3.org/2005/Atom}"
PERSON_ID = "420112198001011234"  # a valid 18-digit ID number (check digit 4)
PERSON = "李建华"
CODE = "91420112MA4KX7Y166"  # the general example's organisation


@dataclass
class Site:
    populated: Populated
    person: str  # case/…: a natural person's case, published with the ID number in its text
    other: str  # case/…: another organisation, another violation

    @property
    def client(self) -> Any:
        return self.populated.world.client


def _person_case(number: str) -> list[dict[str, Any]]:
    steps = case_steps(number)
    for step in steps:
        data = step["data"]
        if step["type"] == "CaseRegistered":
            data["party"] = {"kind": "person", "name": PERSON, "id_number": PERSON_ID, "birth_date": "1980-01-01",
                             "address": "武汉市东西湖区某小区5栋", "phone": "13900001111"}
            data["violation"]["summary"] = "占道经营烧烤摊点"
        if step["type"] == "DecisionPublished":
            data["text"] = f"当事人{PERSON}（身份证号{PERSON_ID}）占道经营烧烤摊点，处罚款。"
        if step["type"] == "DecisionMade":
            data["document_no"] = "东城管罚决字〔2026〕第0777号"
    return steps


def _other_case(number: str) -> list[dict[str, Any]]:
    steps = case_steps(number)
    for step in steps:
        data = step["data"]
        if step["type"] == "CaseRegistered":
            data["party"] = {**copy.deepcopy(data["party"]), "name": "武汉市某某建材贸易有限公司",
                             "credit_code": "91420112MA4ABCDE9X"}
            data["violation"]["summary"] = "运输渣土未密闭抛洒滴漏"
        if step["type"] == "DecisionPublished":
            data["text"] = "东城管罚决字〔2026〕第0888号：武汉市某某建材贸易有限公司运输渣土未密闭，处罚款。"
        if step["type"] == "DecisionMade":
            data["document_no"] = "东城管罚决字〔2026〕第0888号"
    return steps


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    from api.server.config import HttpSettings

    http = HttpSettings(max_request_bytes=1024 * 1024, max_batch_bytes=4 * 1024 * 1024, max_batch_steps=100,
                        max_document_bytes=4096, integrate_interval=0, auth_cache_seconds=0)
    with world_at(tmp_path_factory.mktemp("feeds-search"), http=http) as world:
        populated = populate(world)
        person, other = world.number(), world.number()
        for steps in (_person_case(person), _other_case(other)):
            response = world.client.post("/v1/steps:batch", json={"steps": steps}, headers=world.h(ADMIN),
                                         params={"backfill": "true"})
            assert response.status_code == 201, response.text
        project(world)
        yield Site(populated, f"case/{person}", f"case/{other}")


def _path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


# --------------------------------------------------------------------------- defect 7: feeds


def test_atom_entries_link_to_their_public_page(site: Site) -> None:
    root = ET.fromstring(site.client.get("/v1/public/feed.atom").content)
    validate_atom(root)
    kinds = set()
    for entry in root.findall(f"{ATOM}entry"):
        alternate = [k for k in entry.findall(f"{ATOM}link") if k.get("rel") == "alternate"]
        assert len(alternate) == 1 and alternate[0].get("type") == "text/html"
        href = alternate[0].get("href") or ""
        kind = "withdrawal" if "/public/withdrawals" in href else "decision"
        kinds.add(kind)
        page = site.client.get(_path(href))
        assert page.status_code == 200, href
        if kind == "withdrawal":
            assert f'id="{urlsplit(href).fragment}"' in page.text
        else:
            assert "/public/decisions/" in href and "行政处罚" in page.text
    assert kinds == {"decision", "withdrawal"}
    home = [k.get("href") for k in root.findall(f"{ATOM}link") if k.get("rel") == "alternate"]
    assert [urlsplit(h or "").path for h in home] == ["/public/"]


def test_json_feed_urls_and_home_page(site: Site) -> None:
    feed = site.client.get("/v1/public/feed.json").json()
    validate_json_feed(feed)
    assert urlsplit(feed["home_page_url"]).path == "/public/"
    for item in feed["items"]:
        assert site.client.get(_path(item["url"])).status_code == 200
    full = next(i for i in feed["items"] if site.populated.full in i["id"])
    number = site.populated.full.removeprefix("case/")
    assert urlsplit(full["url"]).path == f"/public/decisions/{number}/21"


def _everything(site: Site) -> list[str]:
    items = site.client.get("/v1/public/disclosures", params={"limit": 500}).json()["items"]
    return [f"urn:enforcement-ledger:{i['id']}" for i in items]


def test_atom_pages_beyond_the_newest(site: Site) -> None:
    want = _everything(site)
    assert len(want) >= 3
    seen: list[str] = []
    url: str | None = "/v1/public/feed.atom?limit=1"
    pages = 0
    while url is not None and pages < 20:
        root = ET.fromstring(site.client.get(url).content)
        validate_atom(root)
        pages += 1
        links = {k.get("rel"): k.get("href") for k in root.findall(f"{ATOM}link")}
        assert links["first"] and urlsplit(links["self"] or "").path == "/v1/public/feed.atom"
        seen += [e.findtext(f"{ATOM}id") or "" for e in root.findall(f"{ATOM}entry")]
        url = _path(links["next"]) if links.get("next") else None
    assert seen == want and pages == len(want)


def test_json_feed_pages_by_next_url(site: Site) -> None:
    want = _everything(site)
    seen: list[str] = []
    url: str | None = "/v1/public/feed.json?limit=2"
    while url is not None and len(seen) <= len(want):
        feed = site.client.get(url).json()
        validate_json_feed(feed)
        seen += [i["id"] for i in feed["items"]]
        url = _path(feed["next_url"]) if "next_url" in feed else None
    assert seen == want
    first = site.client.get("/v1/public/feed.json").json()
    assert "next_url" not in first or len(want) > 50  # the default page is the newest 50


def test_feed_cursor_is_checked(site: Site) -> None:
    assert site.client.get("/v1/public/feed.atom", params={"cursor": "nope"}).status_code == 422


@pytest.mark.parametrize("path", ["/v1/public/feed.atom", "/v1/public/feed.json"])
def test_head_last_modified_and_if_modified_since(site: Site, path: str) -> None:
    client = site.client
    got = client.get(path)
    head = client.head(path)
    assert head.status_code == 200 and head.content == b""
    assert head.headers["etag"] == got.headers["etag"]
    modified = got.headers["last-modified"]
    assert head.headers["last-modified"] == modified
    when = parsedate_to_datetime(modified)
    assert client.get(path, headers={"If-Modified-Since": modified}).status_code == 304
    later = format_datetime(when + timedelta(days=1), usegmt=True)
    assert client.get(path, headers={"If-Modified-Since": later}).status_code == 304
    earlier = format_datetime(when - timedelta(seconds=1), usegmt=True)
    assert client.get(path, headers={"If-Modified-Since": earlier}).status_code == 200
    # If-None-Match decides when both are sent (RFC 9110 §13.2.2)
    both = client.get(path, headers={"If-Modified-Since": modified, "If-None-Match": '"other"'})
    assert both.status_code == 200
    assert client.get(path, headers={"If-Modified-Since": "not a date"}).status_code == 200


def test_a_changed_feed_is_modified_after_what_a_reader_holds(site: Site) -> None:
    from api.server.routes_public import first_served

    old = first_served('"a"')
    assert first_served('"a"') == old  # the same body keeps its time
    assert first_served('"b"') >= old


# --------------------------------------------------------------------------- defect 8: public search


def _search(site: Site, **params: str) -> set[str]:
    body = site.client.get("/v1/public/disclosures", params={"limit": 500, **params}).json()
    assert all(i["kind"] == "decision" for i in body["items"])
    return {i["case"] for i in body["items"]}


def test_search_by_credit_code(site: Site) -> None:
    assert _search(site, credit_code=CODE) == {site.populated.full}
    assert _search(site, credit_code=CODE.lower()) == {site.populated.full}
    assert _search(site, q=CODE) == {site.populated.full}
    assert _search(site, credit_code="91420112MA4ABCDE9X") == {site.other}


def test_search_by_words_of_the_violation(site: Site) -> None:
    assert _search(site, q="渣土") == {site.other}
    assert _search(site, q="烧烤") == {site.person}
    assert _search(site, q="渣土 抛洒") == {site.other}  # every word
    assert _search(site, q="渣土 烧烤") == set()
    assert _search(site, q="0888") == {site.other}  # the document number, as before


def test_search_by_decision_dates(site: Site) -> None:
    everyone = {site.populated.full, site.person, site.other}
    assert _search(site, **{"from": "2026-04-13", "to": "2026-04-13"}) >= everyone
    assert _search(site, **{"from": "2026-04-14"}) == set()
    assert _search(site, to="2026-04-12") == set()
    assert site.client.get("/v1/public/disclosures", params={"from": "2026-13-01"}).status_code == 422


def test_no_search_finds_a_person_by_id_number(site: Site) -> None:
    for params in ({"credit_code": PERSON_ID}, {"q": PERSON_ID}, {"q": PERSON_ID[-6:]}, {"q": PERSON},
                   {"credit_code": PERSON_ID[:17] + "X"}):
        assert _search(site, **params) == set(), params
    text = site.client.get("/v1/public/disclosures", params={"q": "烧烤"}).text
    assert PERSON_ID not in text and PERSON not in text and "13900001111" not in text


def test_public_page_searches_the_same_way(site: Site) -> None:
    client = site.client
    number = site.other.removeprefix("case/")
    page = client.get("/public/", params={"q": "渣土"}).text
    assert f"/public/decisions/{number}/" in page and "0777" not in page
    by_code = client.get("/public/", params={"q": CODE}).text
    assert site.populated.full.removeprefix("case/") in by_code and number not in by_code
    none = client.get("/public/", params={"q": PERSON_ID}).text
    assert "没有公示中的处罚决定" in none
    dated = client.get("/public/", params={"from": "2026-04-14"}).text
    assert "没有公示中的处罚决定" in dated and 'name="from" value="2026-04-14"' in dated
    assert client.get("/public/", params={"from": "garbage"}).status_code == 200


# --------------------------------------------------------------------------- the search's SQL against a reference

_WORDS = st.sampled_from(["渣土", "烧烤", "0888", "MA4", "公司", "某", "%", "_", "\\", "a b"])
_ROW = st.fixed_dictionaries({
    "document_no": st.sampled_from([None, "东城管罚决字〔2026〕第0888号", "罚决字0001"]),
    "party_kind": st.sampled_from(["organisation", "person"]),
    "party_name": st.sampled_from([None, "某公司", "张某某", "100%_公司"]),
    "party_credit_code": st.sampled_from([None, CODE, "91420112MA4ABCDE9X"]),
    "violation": st.sampled_from([None, "运输渣土", "占道烧烤", "a\\b"]),
    "text": st.sampled_from([None, "处罚款", "渣土 抛洒"]),
    "decided_on": st.sampled_from([None, "2026-04-12", "2026-04-13", "2026-05-01"]),
})
_DAYS = st.sampled_from([None, date(2026, 4, 12), date(2026, 4, 13), date(2026, 4, 30)])


def _reference(row: dict[str, Any], search: DecisionSearch) -> bool:
    for word in search.text.split():
        columns = ("document_no", "party_name", "party_credit_code", "violation", "text")
        if not any(word.upper() in (row[c] or "").upper() for c in columns):
            return False
    code = search.credit_code.strip().upper()
    if code and not (row["party_kind"] == "organisation" and row["party_credit_code"] == code):
        return False
    day = row["decided_on"]
    if search.since is not None and (day is None or day < search.since.isoformat()):
        return False
    return not (search.until is not None and (day is None or day > search.until.isoformat()))


@settings(max_examples=scaled(150), deadline=None)
@given(rows=st.lists(_ROW, max_size=8), text=st.lists(_WORDS, max_size=3),
       code=st.sampled_from(["", CODE, CODE.lower(), "91420112MA4ABCDE9X"]), since=_DAYS, until=_DAYS)
def test_search_sql_matches_its_reference_for_all_rows(rows: list[dict[str, Any]], text: list[str], code: str,
                                                       since: date | None, until: date | None) -> None:
    """For all rows and searches: the SQL finds exactly the rows the plain reading finds (LIKE's
    ``%``, ``_`` and ``\\`` taken literally, Latin letters in either case; a credit code matches
    organisations only)."""
    from projections.queries import DecisionSearch

    search = DecisionSearch(" ".join(text), code, since, until)
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE pub_decisions (n INTEGER, document_no TEXT, party_kind TEXT, party_name TEXT, "
               "party_credit_code TEXT, violation TEXT, text TEXT, decided_on TEXT)")
    for n, row in enumerate(rows):
        db.execute("INSERT INTO pub_decisions VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                   (n, row["document_no"], row["party_kind"], row["party_name"], row["party_credit_code"],
                    row["violation"], row["text"], row["decided_on"]))
    where, params = search.where()
    assert len(params) == sum(c.count("?") for c in where)
    sql = "SELECT n FROM pub_decisions" + (" WHERE " + " AND ".join(where) if where else "")
    found = {n for (n,) in db.execute(sql, params)}
    assert found == {n for n, row in enumerate(rows) if _reference(row, search)}


def test_feed_pages_keep_the_agency_filter(site: Site) -> None:
    want = [f"urn:enforcement-ledger:{i['id']}" for i in site.client.get(
        "/v1/public/disclosures", params={"limit": 500, "agency": "DXH-CGJ"}).json()["items"]]
    assert len(want) >= 2
    seen: list[str] = []
    url: str | None = "/v1/public/feed.json?limit=1&agency=DXH-CGJ"
    while url is not None and len(seen) <= len(want):
        feed = site.client.get(url).json()
        assert all(i["_enforcement_ledger"]["agency"] == "agency/DXH-CGJ" for i in feed["items"])
        seen += [i["id"] for i in feed["items"]]
        url = _path(feed["next_url"]) if "next_url" in feed else None
    assert seen == want
