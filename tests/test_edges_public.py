"""Issue 12, findings 1, 2 and 13: no personal data through any public door; feeds in time order.

* PUB-01 judges every string of a step whose bytes are served publicly (``url``, an extra
  ``note``, nested ``attachments[].party.id_number``; corrections, withdrawals, the registry),
  live: refused, nothing written.
* 补录 records history as it was, so ``GET /v1/log/event/N`` re-scans what it would serve and
  answers 451 (rule PUB-01, with the leaf hash) instead; the disclosures, the feeds and the
  public pages show none of it and link no such bytes. On public surfaces a mistyped ID
  number (wrong check character) is still an ID number; the live gate keeps rules.md's
  checksum (docs/guide-public-feed.md).
* Feeds, paging and ``updated`` compare instants, not the stored strings (``Z`` / ``+08:00``).
"""

from __future__ import annotations

import copy
import hashlib
import re
import sqlite3
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any
from xml.etree import ElementTree as ET

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.errors import StepRefused
from domain.gates import firing_gates
from domain.personal_data import find_personal_data, gb11643_check_char
from domain.registry import HistoryRegistry
from ledger import merkle
from ledger.translog import TransparencyLog, encode_hash
from tests.helpers.examples import scaled
from tests.helpers.gate_context import CALENDAR, CONFIG, find, judge, load, record, registry_context
from tests.helpers.http_reads import moved, project
from tests.helpers.http_world import ADMIN, OFFICER, OTHER, World, case_steps, checkpoint, problem, world_at

GENERAL = "general-case.jsonl"
ATOM = "{http://www.w3.org/2005/Atom}"
FUTURE = "2099-12-31"
ID = "420102199001011236"  # valid GB 11643 check character
MISTYPED_ID = "420102199001011230"  # the same number with a wrong check character
PHONE = "13812345678"
NOTE_PHONE = "13912345678"
WITHDRAWAL_PHONE = "13712345678"
REGISTRY_PHONE = "13612345678"
CLEAN = "武汉市东西湖区味香餐饮管理有限公司超过排放标准排放油烟，处罚款。"
SECRETS = (ID, MISTYPED_ID, PHONE, NOTE_PHONE, WITHDRAWAL_PHONE, REGISTRY_PHONE)

SHAPES: dict[str, dict[str, Any]] = {
    "note": {"text": CLEAN, "note": f"当事人联系人手机{NOTE_PHONE}"},
    "attachments": {"text": CLEAN, "attachments": [{"name": "决定书", "party": {"id_number": ID}}]},
    "url": {"text": CLEAN, "url": f"https://www.dxh.gov.cn/gk/cf?id={ID}&tel={PHONE}"},
}
"""Finding 2's shapes: personal data outside ``data.text``."""


COERCED = "DXH-CGJ-QZ-2026-0077"
PERSON = ("张建华", "420112198805120318")  # the stand-alone 强制 file's party


def coercion_file() -> list[dict[str, Any]]:
    """The stand-alone example's emergency seizure, half a year earlier, published with the party's full
    name and a mistyped ID number in its text (补录: no gate judges it)."""
    steps = [s for s in load("coercion-standalone.jsonl") if s["stream"].startswith("coercion/")][:3]
    text = orjson.dumps(steps).decode().replace("coercion/DXH-CGJ-QZ-2026-0003", f"coercion/{COERCED}").replace(
        "2026-09-30", "2026-03-30").replace("2026-10-01", "2026-03-31")
    out: list[dict[str, Any]] = orjson.loads(text)
    out.append({"stream": f"coercion/{COERCED}", "type": "DecisionPublished", "by": OFFICER,
                "at": "2026-04-20T09:00:00+08:00",
                "data": {"published_at": "2026-04-20T09:00:00+08:00", "channel": "区政府门户网站",
                         "text": f"对当事人{PERSON[0]}（身份证号{MISTYPED_ID}）的烧烤工具实施扣押。"}})
    return out


def publication(stream: str, data: dict[str, Any], *, by: str = OFFICER,
                published_at: str = "2026-04-20T09:00:00+08:00") -> dict[str, Any]:
    return {"stream": stream, "type": "DecisionPublished", "by": by, "at": "2026-04-20T09:00:00+08:00",
            "data": {"published_at": published_at, "channel": "区政府门户网站", "max_until": FUTURE, **data}}


# --------------------------------------------------------------------------- the live gate (domain)


def _general_with(change: dict[str, Any]) -> tuple[list[dict[str, Any]], int]:
    steps = load(GENERAL)
    index = find(steps, "DecisionPublished")
    steps[index]["data"].update(copy.deepcopy(change))
    return steps, index


def _fired(steps: list[dict[str, Any]], index: int) -> set[str]:
    step, ctx = judge(steps, index)
    return {f.rule for f in firing_gates(step, HistoryRegistry(ctx), config=CONFIG, calendar=CALENDAR)}


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_the_gate_judges_every_string_of_a_publication(shape: str) -> None:
    steps, index = _general_with(SHAPES[shape])
    assert _fired(steps, index) == {"PUB-01"}
    _, ctx = judge(steps, index)
    with pytest.raises(StepRefused) as refused:
        record(ctx, steps[index])
    assert refused.value.rule == "PUB-01"
    assert {"note": "data.note", "attachments": "data.attachments[0].party.id_number",
            "url": "data.url"}[shape] in refused.value.message
    assert all(secret not in refused.value.message for secret in SECRETS)  # masked in the refusal
    assert len(ctx.history(steps[index]["stream"])) == index  # nothing written


_KEYS = st.text(alphabet="abcdefgxyz_", min_size=1, max_size=8)


def _nest(leaf: Any) -> st.SearchStrategy[Any]:
    """``leaf`` somewhere inside a random nesting of objects and lists."""
    return st.recursive(st.just(leaf), lambda inner: st.one_of(
        st.builds(lambda k, v, other: {k: v, "other": other}, _KEYS, inner, st.text(max_size=5)),
        st.builds(lambda v, before: [*before, v], inner, st.lists(st.integers(), max_size=2))), max_leaves=6)


@settings(max_examples=scaled(25), deadline=None)  # each example judges the whole example case
@given(member=_KEYS.filter(lambda k: k not in {"text", "published_at", "channel", "max_until", "other"}),
       value=st.sampled_from([f"联系电话{PHONE}", f"身份证{ID}", "e-mail: zhang.san@example.com"]).flatmap(_nest),
       as_key=st.booleans())
def test_for_all_nestings_the_gate_finds_the_personal_data(member: str, value: Any, as_key: bool) -> None:
    """For every member name and every nesting of objects and lists around it, a string holding
    personal data (as a value, or as a member name) makes PUB-01 fire on the publication."""
    if as_key:
        value = {f"备注{PHONE}": 1}
    steps, index = _general_with({member: value})
    assert _fired(steps, index) == {"PUB-01"}


def test_a_clean_publication_with_extra_members_passes() -> None:
    party = {"name": "武汉市东西湖区味香餐饮管理有限公司"}
    steps, index = _general_with({"note": "网站栏目：行政处罚决定公开", "url": "https://www.dxh.gov.cn/gk/cf/0012.html",
                                  "attachments": [{"name": "决定书", "party": party}]})
    assert _fired(steps, index) == set()


@pytest.mark.parametrize(("step_type", "data"), [
    ("PublicationCorrected", {"corrected_at": "2026-04-22T09:00:00+08:00", "text": f"更正：联系电话{PHONE}"}),
    ("PublicationWithdrawn", {"withdrawn_at": "2026-05-20T09:00:00+08:00", "reason": "决定被撤销",
                              "explanation": f"如有疑问请联系{WITHDRAWAL_PHONE}"}),
])
def test_the_gate_judges_corrections_and_withdrawals(step_type: str, data: dict[str, Any]) -> None:
    steps = load(GENERAL)
    index = find(steps, "DecisionPublished") + 1
    steps.insert(index, {"stream": steps[0]["stream"], "type": step_type, "by": OFFICER,
                         "at": "2026-04-22T09:00:00+08:00", "data": data})
    assert _fired(steps, index) == {"PUB-01"}


def test_the_gate_judges_registry_steps_whose_bytes_are_public() -> None:
    ctx = registry_context()
    officer = {"stream": "officer/42011219077", "type": "OfficerRegistered", "at": "2026-01-06T09:00:00+08:00",
               "by": ADMIN, "data": {"name": "测试人员", "agency": "agency/DXH-CGJ", "roles": ["officer"],
                                     "mobile": PHONE}}
    with pytest.raises(StepRefused) as refused:
        record(ctx, officer)
    assert refused.value.rule == "PUB-01" and "data.mobile" in refused.value.message
    assert ctx.history("officer/42011219077") == []
    officer["data"].pop("mobile")
    record(ctx, officer)  # the officer's name is public (事前公开)
    assert len(ctx.history("officer/42011219077")) == 1


def test_an_override_cannot_let_a_registry_step_through() -> None:
    ctx = registry_context()
    step = {"stream": "officer/42011219078", "type": "OfficerRegistered", "at": "2026-01-06T09:00:00+08:00",
            "by": ADMIN, "data": {"name": "测试人员", "agency": "agency/DXH-CGJ", "roles": ["officer"],
                                  "mobile": PHONE},
            "override": [{"rule": "PUB-01", "justification": "情况紧急", "authorized_by": "officer/SFJ-0001"}]}
    with pytest.raises(StepRefused) as refused:
        record(ctx, step)
    assert refused.value.rule == "PUB-01"


def test_the_live_gate_keeps_the_checksum_and_public_surfaces_do_not() -> None:
    text = f"当事人身份证号码{MISTYPED_ID}，处罚款。"
    steps, index = _general_with({"text": text})
    assert _fired(steps, index) == set()  # rules.md §7: "with the GB 11643 checksum"
    assert find_personal_data(text) == []
    assert [f.text for f in find_personal_data(text, public_surface=True)] == [MISTYPED_ID]


_REGIONS = ("11", "31", "42", "44", "65", "81", "942")  # 9 + a province: 外国人永久居留身份证


@settings(max_examples=scaled(300), deadline=None)
@given(region=st.sampled_from(_REGIONS), rest=st.from_regex(r"[0-9]{4}", fullmatch=True),
       born=st.dates(date(1900, 1, 1), date(2099, 12, 31)), serial=st.from_regex(r"[0-9]{3}", fullmatch=True),
       check=st.sampled_from("0123456789X"))
def test_public_surfaces_find_every_plausible_id_number(region: str, rest: str, born: date, serial: str,
                                                        check: str) -> None:
    """For all 18-digit numbers with a plausible region and birth date, whatever the check character:
    a public surface finds the ID number; the gate (rules.md) only when the check character is right."""
    body = (region + rest)[:6] + born.strftime("%Y%m%d").rjust(8, "0") + serial
    number = body + check
    text = f"当事人{number}，"
    public = [f.kind for f in find_personal_data(text, public_surface=True)]
    assert public == ["id_number"], number
    gate = [f.kind for f in find_personal_data(text)]
    assert (gate == ["id_number"]) == (gb11643_check_char(body) == check)


def test_the_walk_finds_every_string_with_its_path() -> None:
    from domain.personal_data import find_personal_data_in

    value = {"data": {"url": f"https://x.cn/?id={ID}&tel={PHONE}", "list": [[{"k": f"电话{NOTE_PHONE}"}]],
                      f"手机{WITHDRAWAL_PHONE}": True, "n": 1, "none": None}}
    found = {(where, f.kind, f.text) for where, f in find_personal_data_in(value)}
    assert found == {("data.url", "id_number", ID), ("data.url", "phone", PHONE),
                     ("data.list[0][0].k", "phone", NOTE_PHONE),
                     (f"data.手机{WITHDRAWAL_PHONE}", "phone", WITHDRAWAL_PHONE)}


# --------------------------------------------------------------------------- the service


class Site:
    def __init__(self, world: World) -> None:
        self.world = world
        self.streams: dict[str, str] = {}
        self.positions: dict[tuple[str, int], int] = {}
        self.live = ""


def _numbered(world: World, prefix: str = "DXH-CGJ-2026-T") -> str:
    return f"case/{world.number(prefix)}"


ORDER = {  # finding 13 (DXH-SCJ): the instant order is Z2, W, P1, P3; the string order P1, P3, Z2
    "P1": "2026-04-20T09:00:00+08:00",
    "Z2": "2026-04-20T01:30:00Z",  # 09:30 in Beijing: the newest
    "P3": "2026-04-20T08:00:00+08:00",
}
WITHDRAWN_AT = "2026-04-20T01:15:00Z"  # 09:15 in Beijing


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    from api.server.config import HttpSettings

    http = HttpSettings(max_request_bytes=1024 * 1024, max_batch_bytes=4 * 1024 * 1024, max_batch_steps=100,
                        max_document_bytes=4096, integrate_interval=0, auth_cache_seconds=0)
    with world_at(tmp_path_factory.mktemp("edges-public"), http=http) as world:
        site = Site(world)
        backfill: list[dict[str, Any]] = []

        def case(name: str, data: dict[str, Any], **kwargs: Any) -> str:
            stream = _numbered(world)
            steps = case_steps(stream.split("/", 1)[1], 2)
            site.streams[name] = stream
            backfill.extend([*steps, publication(stream, data, **kwargs)])
            return stream

        for shape, data in SHAPES.items():
            case(shape, data)
        site.streams["coercion"] = f"coercion/{COERCED}"
        backfill.extend(coercion_file())
        case("mistyped", {"text": f"当事人身份证号码{MISTYPED_ID}，处罚款。"})
        case("clean", {"text": CLEAN})
        withdrawn = case("withdrawal", {"text": CLEAN})
        backfill.append({"stream": withdrawn, "type": "PublicationWithdrawn", "by": OFFICER,
                         "at": "2026-05-20T09:00:00+08:00",
                         "data": {"withdrawn_at": "2026-05-20T09:00:00+08:00", "reason": "决定被撤销",
                                  "explanation": f"如有疑问请联系{WITHDRAWAL_PHONE}"}})
        for name, at in [*ORDER.items(), ("W", "2026-04-19T09:00:00+08:00")]:
            stream = _numbered(world, "DXH-SCJ-2026-T")
            site.streams[name] = stream
            steps = moved(case_steps(stream.split("/", 1)[1], 2), "agency/DXH-SCJ", OTHER)
            backfill += [*steps, publication(stream, {"text": CLEAN}, by=OTHER, published_at=at)]
            if name == "W":
                backfill.append({"stream": stream, "type": "PublicationWithdrawn", "by": OTHER,
                                 "at": "2026-04-20T09:15:00+08:00",
                                 "data": {"withdrawn_at": WITHDRAWN_AT, "reason": "决定被撤销",
                                          "explanation": "复议撤销"}})
        backfill.append({"stream": "officer/42011219066", "type": "OfficerRegistered", "by": ADMIN,
                         "at": "2026-01-06T09:00:00+08:00",
                         "data": {"name": f"测试人员（手机{REGISTRY_PHONE}）", "agency": "agency/DXH-CGJ",
                                  "roles": ["officer"], "credential_no": "42011219066"}})
        live = case_steps(world.number())  # its history backfilled; its publication posted live
        backfill += live[:find(live, "DecisionPublished")]
        site.live = live[0]["stream"]
        response = world.client.post("/v1/steps:batch", json={"steps": backfill}, headers=world.h(ADMIN),
                                     params={"backfill": "true"})
        assert response.status_code == 201, response.text
        checkpoint(world)
        project(world)
        tlog = TransparencyLog(world.ledger.store)
        try:
            for position in range(tlog.size):
                from ledger.envelope import SealedEvent

                event = SealedEvent.from_stored(tlog.event_bytes(position))
                site.positions[(event.stream, event.version)] = position
        finally:
            tlog.close()
        yield site


def _leaves(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _leaves(item)
    elif isinstance(value, list):
        for item in value:
            yield from _leaves(item)
    elif value is not None:
        yield str(value)


def _no_personal_data(where: str, texts: Iterator[str] | list[str]) -> None:
    texts = list(texts)
    for secret in SECRETS:
        assert all(secret not in t for t in texts), (where, secret)
    found = [(t, f.kind) for t in texts for f in find_personal_data(t, public_surface=True)
             if f.kind in ("id_number", "phone", "bank_card", "email")]
    assert found == [], (where, found)


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_live_publications_of_each_shape_are_refused_and_not_written(site: Site, shape: str) -> None:
    world = site.world
    before = world.client.get(f"/v1/streams/{site.live}", headers=world.h(OFFICER))
    step = publication(site.live, SHAPES[shape])
    body = problem(world.post(OFFICER, step), 422, "PUB-01")
    assert all(secret not in body["detail"] for secret in SECRETS)
    after = world.client.get(f"/v1/streams/{site.live}", headers=world.h(OFFICER))
    assert before.status_code == after.status_code
    assert before.text == after.text


def test_live_registry_step_with_personal_data_is_refused(site: Site) -> None:
    world = site.world
    step = {"stream": "officer/42011219088", "type": "OfficerRegistered", "at": "2026-01-06T09:00:00+08:00",
            "by": ADMIN, "data": {"name": "测试人员", "agency": "agency/DXH-CGJ", "roles": ["officer"],
                                  "home": "武汉市东西湖区吴家山街道七雄路88号", "mobile": PHONE}}
    problem(world.post(ADMIN, step), 422, "PUB-01")


WITHHELD = ("note", "attachments", "url", "mistyped")


@pytest.mark.parametrize("name", WITHHELD)
def test_event_bytes_with_personal_data_are_451_with_the_leaf_hash(site: Site, name: str) -> None:
    stream = site.streams[name]
    position = site.positions[(stream, 3)]
    response = site.world.client.get(f"/v1/log/event/{position}")
    body = problem(response, 451, "PUB-01")
    _no_personal_data("451", [response.text])
    tlog = TransparencyLog(site.world.ledger.store)
    try:
        stored = tlog.event_bytes(position)
    finally:
        tlog.close()
    assert body["leaf_hash"] == encode_hash(merkle.leaf_hash(hashlib.sha256(stored).digest()))
    assert body["position"] == position
    proof = site.world.client.get(body["inclusion_proof"])
    assert proof.status_code == 200 and proof.json()["leaf_hash"] == body["leaf_hash"]


def test_a_withdrawal_with_personal_data_is_451_and_a_clean_publication_is_served(site: Site) -> None:
    client = site.world.client
    problem(client.get(f"/v1/log/event/{site.positions[(site.streams['withdrawal'], 4)]}"), 451, "PUB-01")
    clean = client.get(f"/v1/log/event/{site.positions[(site.streams['clean'], 3)]}")
    assert clean.status_code == 200 and CLEAN in clean.json()["event"]["data"]["text"]


SHAPE_SECRETS = {"note": (NOTE_PHONE,), "attachments": (ID,), "url": (ID, PHONE), "mistyped": (MISTYPED_ID,),
                 "withdrawal": (WITHDRAWAL_PHONE,), "coercion": (MISTYPED_ID, *PERSON)}


@pytest.mark.parametrize("name", sorted(SHAPE_SECRETS))
def test_no_public_route_serves_the_personal_data(site: Site, name: str) -> None:
    client = site.world.client
    stream = site.streams[name]
    answers: dict[str, list[str]] = {}
    for path in ("/v1/public/disclosures?as_of=2026-06-01&limit=500", "/v1/public/feed.json?limit=500"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert stream in response.text, path  # the case is listed, its personal data is not
        answers[path] = [response.text, *_leaves(response.json())]
    atom = client.get("/v1/public/feed.atom?limit=500")
    root = ET.fromstring(atom.content)
    answers["atom"] = [atom.text, *(e.text or "" for e in root.iter()),
                       *(v for e in root.iter() for v in e.attrib.values())]
    for path in ("/v1/public/registry", "/v1/public/statistics", "/v1/public/coercion?as_of=2026-06-01&limit=500",
                 "/public/coercion?as_of=2026-06-01", "/public/?as_of=2026-06-01"):
        response = client.get(path)
        assert response.status_code == 200, path
        answers[path] = [response.text]
    assert "张某某" in answers["/public/coercion?as_of=2026-06-01"][0]  # the coercion file's party, masked
    for where, texts in answers.items():
        for secret in SHAPE_SECRETS[name]:
            assert all(secret not in t for t in texts), (where, secret)
        _no_personal_data(where, texts)


def test_a_backfilled_registry_step_with_personal_data_is_neither_listed_nor_served(site: Site) -> None:
    client = site.world.client
    problem(client.get(f"/v1/log/event/{site.positions[('officer/42011219066', 1)]}"), 451, "PUB-01")
    registry = client.get("/v1/public/registry")
    officer = next(o for o in registry.json()["officers"] if o["stream"] == "officer/42011219066")
    assert officer["name"].startswith("测试人员") and REGISTRY_PHONE not in registry.text
    page = client.get("/public/registry")
    assert page.status_code == 200 and "测试人员" in page.text
    _no_personal_data("registry", [registry.text, page.text])


def test_public_pages_link_no_withheld_bytes(site: Site) -> None:
    client = site.world.client
    for name in (*WITHHELD, "clean"):
        stream = site.streams[name]
        page = client.get(f"/public/decisions/{stream.split('/', 1)[1]}/3")
        assert page.status_code == 200, (name, page.text[:300])
        _no_personal_data(name, [page.text])
        linked = f"/v1/log/event/{site.positions[(stream, 3)]}" in page.text
        assert linked == (name == "clean"), name
        assert ("PUB-01" in page.text) == (name != "clean")
    withdrawals = client.get("/public/withdrawals")
    assert withdrawals.status_code == 200
    _no_personal_data("withdrawals", [withdrawals.text])
    assert f"/v1/log/event/{site.positions[(site.streams['withdrawal'], 4)]}\"" not in withdrawals.text
    assert f"/v1/log/event/{site.positions[(site.streams['W'], 4)]}\"" in withdrawals.text


# --------------------------------------------------------------------------- finding 13: instants


def _scj(site: Site, path: str, **params: Any) -> Any:
    response = site.world.client.get(path, params={"agency": "DXH-SCJ", **params})
    assert response.status_code == 200, response.text
    return response


def test_disclosures_order_by_instant_not_by_string(site: Site) -> None:
    items = _scj(site, "/v1/public/disclosures", as_of="2026-06-01").json()["items"]
    order = [(i["case"], i["kind"]) for i in items]
    s = site.streams
    assert order == [(s["Z2"], "decision"), (s["W"], "withdrawal"), (s["P1"], "decision"), (s["P3"], "decision")]
    decisions = [i["at"] for i in items if i["kind"] == "decision"]
    assert decisions == [ORDER["Z2"], ORDER["P1"], ORDER["P3"]]  # the strings as written


def test_paging_follows_the_instant_order(site: Site) -> None:
    everything = _scj(site, "/v1/public/disclosures", as_of="2026-06-01").json()["items"]
    seen: list[str] = []
    cursor = None
    for _ in range(10):
        params = {"as_of": "2026-06-01", "limit": 1, **({"cursor": cursor} if cursor else {})}
        page = _scj(site, "/v1/public/disclosures", **params).json()
        seen += [i["id"] for i in page["items"]]
        cursor = page["next"]
        if cursor is None:
            break
    assert seen == [i["id"] for i in everything] and len(seen) == 4
    assert seen == [f"{site.streams[n]}@{4 if n == 'W' else 3}" for n in ("Z2", "W", "P1", "P3")]


def test_feeds_cut_the_newest_by_instant_and_say_when(site: Site) -> None:
    feed = _scj(site, "/v1/public/feed.json", limit=1).json()
    assert [i["id"] for i in feed["items"]] == [f"urn:enforcement-ledger:{site.streams['Z2']}@3"]
    atom = ET.fromstring(_scj(site, "/v1/public/feed.atom", limit=2).content)
    assert atom.findtext(f"{ATOM}updated") == ORDER["Z2"]
    ids = [e.findtext(f"{ATOM}id") for e in atom.findall(f"{ATOM}entry")]
    assert ids == [f"urn:enforcement-ledger:{site.streams['Z2']}@3", f"urn:enforcement-ledger:{site.streams['W']}@4"]


def test_the_public_list_page_orders_by_instant(site: Site) -> None:
    page = site.world.client.get("/public/", params={"agency": "agency/DXH-SCJ"}).text
    where = [page.find(site.streams[n].split("/", 1)[1]) for n in ("Z2", "P1", "P3")]
    assert all(w >= 0 for w in where) and where == sorted(where), where


# the read-model level, for all instants and offsets


_OFFSETS = st.integers(min_value=-14 * 60, max_value=14 * 60).map(lambda m: timezone(timedelta(minutes=m)))
_MOMENTS = st.datetimes(datetime(2000, 1, 1), datetime(2099, 1, 1)).map(lambda d: d.replace(tzinfo=UTC))


def _stated(moment: datetime, offset: timezone, zulu: bool) -> str:
    local = moment.astimezone(offset)
    text = local.isoformat()
    return text.replace("+00:00", "Z") if zulu else text


@settings(max_examples=scaled(200), deadline=None)
@given(a=_MOMENTS, b=_MOMENTS, oa=_OFFSETS, ob=_OFFSETS, za=st.booleans(), zb=st.booleans())
def test_instant_keys_compare_as_instants(a: datetime, b: datetime, oa: timezone, ob: timezone,
                                          za: bool, zb: bool) -> None:
    from projections.sql import instant_key

    ka = instant_key(datetime.fromisoformat(_stated(a, oa, za).replace("Z", "+00:00")))
    kb = instant_key(datetime.fromisoformat(_stated(b, ob, zb).replace("Z", "+00:00")))
    assert (ka < kb) == (a < b) and (ka == kb) == (a == b)


class _Models:
    """The public tables of the disclosure list in an in-memory SQLite, behind ``ReadModels``'
    ``rows``/``table``."""

    def __init__(self) -> None:
        from api.server.routes_public import DISCLOSURES
        from projections.definitions import by_name

        self.conn = sqlite3.connect(":memory:")
        self.tables = {t.name: t for name in DISCLOSURES for t in by_name(name).tables}
        for table in self.tables.values():
            self.conn.execute(f"CREATE TABLE {table.name} ({', '.join(table.column_names)})")

    def insert(self, name: str, values: dict[str, Any]) -> None:
        columns = self.tables[name].column_names
        self.conn.execute(f"INSERT INTO {name} VALUES ({', '.join('?' for _ in columns)})",
                          [values.get(c) for c in columns])

    def rows(self, sql: str, params: Any = ()) -> list[dict[str, Any]]:
        cur = self.conn.execute(sql, list(params))
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]

    def table(self, name: str) -> str:
        return name


@settings(max_examples=scaled(60), deadline=None)
@given(entries=st.lists(st.tuples(_MOMENTS, _OFFSETS, st.booleans(), st.booleans()), min_size=1, max_size=12),
       limit=st.integers(min_value=1, max_value=5))
def test_disclosures_page_and_cut_by_instant_for_all_offsets(entries: list[tuple[datetime, timezone, bool, bool]],
                                                            limit: int) -> None:
    from api.server.routes_public import atom, disclosures, json_feed
    from projections.sql import instant_key

    models = _Models()
    expected: list[tuple[datetime, str, int]] = []
    for i, (moment, offset, zulu, withdrawal) in enumerate(entries):
        stated = _stated(moment, offset, zulu)
        key = instant_key(moment)
        grp = f"case/C-{i:03d}"
        if withdrawal:
            models.insert("pub_withdrawals", {"grp": grp, "version": 2, "decision_version": 1, "withdrawn_at": stated,
                                              "withdrawn_on": "2000-01-01", "withdrawn_utc": key})
        else:
            models.insert("pub_decisions", {"grp": grp, "version": 1, "status": "published", "penalties": "[]",
                                            "published_at": stated, "published_on": "2000-01-01",
                                            "max_until": "2100-01-01", "published_utc": key})
        expected.append((moment, grp, 2 if withdrawal else 1))
    expected.sort(reverse=True)
    want = [f"{grp}@{version}" for _, grp, version in expected]
    seen: list[str] = []
    cursor = None
    for _ in range(len(entries) + 1):
        page, cursor = disclosures(models, date(2099, 1, 1), agency=None, cursor=cursor, limit=limit)
        seen += [e["id"] for e in page]
        if cursor is None:
            break
    assert seen == want
    newest, _ = disclosures(models, date(2099, 1, 1), agency=None, cursor=None, limit=limit)
    assert [e["id"] for e in newest] == want[:limit]
    feed = ET.fromstring(atom(newest, "http://x"))
    top = newest[0]
    assert feed.findtext(f"{ATOM}updated") == top["at"]
    items = json_feed(newest, "http://x")["items"]
    assert [i["id"] for i in items] == [f"urn:enforcement-ledger:{w}" for w in want[:limit]]
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})", top["at"])
