"""行政强制公示 (PUB-06, issue 16) on the public surfaces: one ``coercion`` entry per publication in the
disclosure list and both feeds (a publication of two measures is one entry; two publications at the
same instant page exactly), not the withdrawn one, not before ``as_of``, not a second entry for the
penalty decision's own publication; found by the public search; the page ``/public/coercion`` with the
anchors the feeds link to — and no natural person's name or ID number anywhere."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit
from xml.etree import ElementTree as ET

import orjson
import pytest

from ledger.importer import import_lines
from tests.helpers.coercion_world import COERCION, ENFORCED_CASE, PARTY, SEIZED_CASE, coercion_world
from tests.helpers.feeds import ATOM, validate_atom, validate_json_feed
from tests.helpers.http_reads import project
from tests.helpers.http_world import ADMIN, World, example
from tests.helpers.pages_site import text_of

TWO = "DXH-CGJ-QZ-2026-0901"  # one publication of two seizures
ONE = "DXH-CGJ-QZ-2026-0902"  # published at TWO's instant, written in UTC
GONE = "DXH-CGJ-QZ-2026-0903"  # published, then withdrawn
SAME = ("2026-11-10T09:00:00+08:00", "2026-11-10T01:00:00Z")
AS_OF = "2026-12-01"
SECOND = "东城管扣字〔2026〕第0911号"


def _file(number: str, published_at: str, *, second: bool = False, withdrawn: bool = False) -> list[dict[str, Any]]:
    """The stand-alone example's 强制 file up to its seizure's approval, moved to ``number`` and published at
    ``published_at`` (with a second seizure before; withdrawn the next day)."""
    base = [s for s in example("coercion-standalone") if s["stream"] == f"coercion/{COERCION}"]
    opened, imposed, approved = base[:3]
    published = next(s for s in base if s["type"] == "DecisionPublished")
    steps = [opened, imposed, approved]
    if second:
        more, agreed = copy.deepcopy(imposed), copy.deepcopy(approved)
        more["data"]["measure_id"] = agreed["data"]["measure_id"] = "M2"
        more["data"]["decision"]["document_no"] = SECOND
        more["at"] = more["data"]["started_at"] = "2026-09-30T20:40:00+08:00"
        agreed["at"] = "2026-10-01T09:05:00+08:00"
        steps += [more, agreed]
    shown = copy.deepcopy(published)
    shown["at"] = shown["data"]["published_at"] = published_at
    steps.append(shown)
    if withdrawn:
        steps.append({"stream": published["stream"], "type": "PublicationWithdrawn", "by": published["by"],
                      "at": "2026-11-12T09:00:00+08:00",
                      "data": {"withdrawn_at": "2026-11-12T09:00:00+08:00", "reason": "强制措施决定被撤销",
                               "explanation": "复议撤销扣押决定"}})
    text = orjson.dumps(steps).decode().replace(COERCION, number).replace("第0003号", f"第{number[-4:]}号")
    out: list[dict[str, Any]] = orjson.loads(text)
    return out


@pytest.fixture(scope="module")
def world(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """On SQLite in the fast tier; its PostgreSQL twin (the grouping and ``NOT EXISTS`` on both dialects)
    in the slow tier."""
    with coercion_world(Path(tmp_path_factory.mktemp("public_coercion")), backend) as made:
        steps = [*_file(TWO, SAME[0], second=True), *_file(ONE, SAME[1]),
                 *_file(GONE, "2026-11-11T09:00:00+08:00", withdrawn=True)]
        result = import_lines(made.ledger, [orjson.dumps(s) for s in steps], actor=ADMIN, backfill=True)
        assert result.refusal is None, result.refusal
        project(made)
        yield made


def _entries(world: World, **params: Any) -> list[dict[str, Any]]:
    response = world.client.get("/v1/public/disclosures", params={"as_of": AS_OF, "limit": 500, **params})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["next"] is None
    items: list[dict[str, Any]] = body["items"]
    return items


def _coercions(entries: list[dict[str, Any]]) -> list[str]:
    return [e["id"] for e in entries if e["kind"] == "coercion"]


def _id(stream: str, world: World) -> str:
    """The one coercion entry's id of ``stream`` (its publication's version)."""
    return next(i for i in _coercions(_entries(world)) if i.startswith(f"{stream}@"))


def test_one_entry_per_publication_newest_first(world: World) -> None:
    entries = _entries(world)
    found = [i.split("@")[0] for i in _coercions(entries)]
    assert found == [f"coercion/{ONE}", f"coercion/{TWO}", f"coercion/{COERCION}", f"case/{ENFORCED_CASE}"]
    by_case = {e["case"]: e for e in entries if e["kind"] == "coercion"}
    two = by_case[f"coercion/{TWO}"]
    assert [(c["key"], c["category_label"], c["document_no"]) for c in two["coercions"]] == [
        ("M1", "扣押", "东城管扣字〔2026〕第0901号"), ("M2", "扣押", SECOND)]
    assert (two["label"], two["document_no"], two["party_name"], two["agency"]) == (
        "行政强制公示", f"东城管扣字〔2026〕第0901号、{SECOND}", "张某某", "agency/DXH-CGJ")
    assert "张某某" in two["text"]
    enforced = by_case[f"case/{ENFORCED_CASE}"]
    assert [(c["kind"], c["category_label"], c["conclusion"]) for c in enforced["coercions"]] == [
        ("enforcement", "代履行", "已执行完毕")]
    assert (enforced["party_name"], enforced["party_credit_code"]) == ("湖北某建材有限公司", "91420112MA4K9B3C2D")
    # the case's seizure is published with its penalty decision: that publication's entry is the decision's
    seized = [e for e in entries if e["case"] == f"case/{SEIZED_CASE}"]
    assert [e["kind"] for e in seized] == ["decision"]
    assert all(value not in orjson.dumps(entries).decode() for value in PARTY)


def test_the_same_instant_in_two_offsets_is_one_instant(world: World) -> None:
    entries = _entries(world)
    ids = [e["id"] for e in entries]
    one, two = _id(f"coercion/{ONE}", world), _id(f"coercion/{TWO}", world)
    assert ids.index(two) == ids.index(one) + 1  # adjacent: the same instant, ordered by case
    assert len({e["at"] for e in entries if e["id"] in (one, two)}) == 2  # written in two offsets
    assert {datetime.fromisoformat(e["at"]) for e in entries if e["id"] in (one, two)} == {
        datetime.fromisoformat(SAME[0])}


@pytest.mark.parametrize("limit", [1, 2, 3, 7])
def test_pages_walk_every_entry_once(world: World, limit: int) -> None:
    everything = [e["id"] for e in _entries(world)]
    walked: list[str] = []
    cursor: str | None = None
    while True:
        params: dict[str, Any] = {"as_of": AS_OF, "limit": limit, **({"cursor": cursor} if cursor else {})}
        body = world.client.get("/v1/public/disclosures", params=params).json()
        assert len(body["items"]) <= limit
        walked += [e["id"] for e in body["items"]]
        cursor = body["next"]
        if cursor is None:
            break
    assert walked == everything


def test_a_page_boundary_between_publications_at_one_instant(world: World) -> None:
    everything = [e["id"] for e in _entries(world)]
    one = everything.index(_id(f"coercion/{ONE}", world))
    first = world.client.get("/v1/public/disclosures", params={"as_of": AS_OF, "limit": one + 1}).json()
    assert first["items"][-1]["id"] == everything[one]  # the page ends on ONE, TWO (same instant) follows
    rest = world.client.get("/v1/public/disclosures",
                            params={"as_of": AS_OF, "limit": 1, "cursor": first["next"]}).json()
    assert [e["id"] for e in rest["items"]] == [everything[one + 1]] == [_id(f"coercion/{TWO}", world)]


def test_withdrawn_publications_and_later_ones_are_not_listed(world: World) -> None:
    assert not any(i.startswith(f"coercion/{GONE}@") for i in _coercions(_entries(world)))
    listed = world.client.get("/v1/public/coercion", params={"as_of": "2026-11-11"}).json()["items"]
    assert listed and not any(r["grp"] == f"coercion/{GONE}" for r in listed)  # withdrawn: gone from the JSON too
    before = _coercions(_entries(world, as_of="2026-11-09"))
    assert [i.split("@")[0] for i in before] == [f"coercion/{COERCION}", f"case/{ENFORCED_CASE}"]
    on = _coercions(_entries(world, as_of="2026-11-10"))
    assert [i.split("@")[0] for i in on][:2] == [f"coercion/{ONE}", f"coercion/{TWO}"]
    assert _coercions(_entries(world, as_of="2026-03-04")) == []
    assert [i.split("@")[0] for i in _coercions(_entries(world, as_of="2026-03-05"))] == [f"case/{ENFORCED_CASE}"]


def test_the_agency_filter(world: World) -> None:
    assert _coercions(_entries(world, agency="DXH-SCJ")) == []
    assert len(_coercions(_entries(world, agency="agency/DXH-CGJ"))) == 4


def test_the_search_finds_coercion_decisions(world: World) -> None:
    """Coercion entries are decisions (a measure's or an enforcement's, with a number and a party): the
    public search finds them as it finds a licensing decision; an inspection result it does not."""
    assert _coercions(_entries(world, q=SECOND)) == [_id(f"coercion/{TWO}", world)]
    assert _coercions(_entries(world, credit_code="91420112MA4K9B3C2D")) == [_id(f"case/{ENFORCED_CASE}", world)]
    assert [i.split("@")[0] for i in _coercions(_entries(world, q="代履行"))] == [f"case/{ENFORCED_CASE}"]
    assert _coercions(_entries(world, q="张建华")) == []  # the name is masked
    assert _coercions(_entries(world, q=PARTY[1])) == []
    days = [i.split("@")[0] for i in _coercions(_entries(world, **{"from": "2026-09-30", "to": "2026-09-30"}))]
    assert days == [f"coercion/{ONE}", f"coercion/{TWO}", f"coercion/{COERCION}"]
    assert _coercions(_entries(world, **{"from": "2026-10-01"})) == []


def test_the_feeds_carry_the_entries_and_link_to_their_lines(world: World) -> None:
    feed = world.client.get("/v1/public/feed.json", params={"limit": 500})
    assert feed.status_code == 200
    body = feed.json()
    validate_json_feed(body)
    items = {i["id"]: i for i in body["items"] if "coercion" in i["tags"]}
    two = items[f"urn:enforcement-ledger:{_id(f'coercion/{TWO}', world)}"]
    assert two["title"] == "行政强制公示: 张某某 扣押" and "张某某" in two["content_text"]
    enforced = items[f"urn:enforcement-ledger:{_id(f'case/{ENFORCED_CASE}', world)}"]
    assert enforced["content_text"] == "代履行（东城管代字〔2026〕第0002号）：已执行完毕"
    atom = world.client.get("/v1/public/feed.atom", params={"limit": 500})
    root = ET.fromstring(atom.content)
    validate_atom(root)
    coerced = [e for e in root.findall(f"{ATOM}entry")
               if any(c.get("term") == "coercion" for c in e.findall(f"{ATOM}category"))]
    assert len(coerced) == len(items) == 4
    for entry in coerced:
        link = urlsplit(next(k.get("href") or "" for k in entry.findall(f"{ATOM}link")))
        assert link.path == "/public/coercion" and link.fragment.startswith("pc-")
        page = world.client.get(f"{link.path}?{link.query}")
        assert page.status_code == 200
        assert f'id="{link.fragment}"' in page.text  # the line the entry links to
        assert parse_qs(link.query)["file"][0] in entry.findtext(f"{ATOM}id", "")
    everything = feed.text + atom.text
    assert all(value not in everything for value in PARTY)


def test_the_public_page_shows_the_published_results(world: World) -> None:
    page = world.client.get("/public/coercion", params={"as_of": AS_OF})
    assert page.status_code == 200
    text = text_of(page.text)
    for shown in ("行政强制公示", "张某某", "湖北某建材有限公司", "91420112MA4K9B3C2D", "东城管扣字〔2026〕第0003号",
                  SECOND, "代履行", "已执行完毕", "已没收", "区政府门户网站", "2026-10-20"):
        assert shown in text, shown
    assert f"随处罚案件 {SEIZED_CASE} 公开" in text  # the case's seizure, its text is the decision's
    assert GONE not in page.text and "第0903号" not in text  # withdrawn
    assert all(value not in page.text for value in PARTY)
    assert page.text.count('class="publication"') == 5  # 0003, 0901 (two lines), 0902, case 0058, case 0021
    assert page.text.count('class="kind-measure"') == 5 and page.text.count('class="kind-enforcement"') == 1
    earlier = text_of(world.client.get("/public/coercion", params={"as_of": "2026-11-09"}).text)
    assert "第0901号" not in earlier and "第0003号" in earlier
    assert "没有公示中的行政强制结果" in text_of(world.client.get("/public/coercion",
                                                          params={"agency": "DXH-SCJ"}).text)
    one = world.client.get("/public/coercion", params={"file": f"coercion/{TWO}"}).text
    assert one.count('class="publication"') == 1 and "第0003号" not in one


def test_the_public_pages_link_to_it(world: World) -> None:
    for path in ("/public/", "/public/registry"):
        assert 'href="/public/coercion"' in world.client.get(path).text, path
