"""The public routes, no token: disclosures (cursor, ETag, 304, withdrawals), Atom, JSON Feed, registry, statistics."""

from __future__ import annotations

from collections.abc import Iterator
from xml.etree import ElementTree as ET

import pytest

from tests.helpers.http_reads import Populated, populated_at, project
from tests.helpers.http_world import ADMIN, OFFICER, case_steps, problem

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Populated]:
    with populated_at(tmp_path_factory.mktemp("http-public")) as populated:
        yield populated


def test_disclosures_list_decisions_and_withdrawals_without_a_token(site: Site) -> None:
    response = site.world.client.get("/v1/public/disclosures", params={"as_of": "2026-06-01"})
    assert response.status_code == 200, response.text
    body = response.json()
    kinds = {(item["case"], item["kind"]) for item in body["items"]}
    assert (site.full, "decision") in kinds
    assert (site.withdrawn, "withdrawal") in kinds
    assert (site.withdrawn, "decision") not in kinds  # withdrawn: its text is no longer shown
    withdrawal = next(i for i in body["items"] if i["kind"] == "withdrawal")
    assert withdrawal["reason"] == "决定被撤销" and withdrawal["withdrawn_on"] == "2026-05-20"
    decision = next(i for i in body["items"] if i["case"] == site.full)
    assert "东城管罚决字" in decision["text"]
    assert body["next"] is None
    ats = [i["at"] for i in body["items"]]
    assert ats == sorted(ats, reverse=True)


def test_disclosures_before_publication_are_empty(site: Site) -> None:
    body = site.world.client.get("/v1/public/disclosures", params={"as_of": "2026-01-01"}).json()
    assert body["items"] == []


def test_disclosures_page_by_cursor(site: Site) -> None:
    client = site.world.client
    everything = client.get("/v1/public/disclosures", params={"as_of": "2026-06-01"}).json()["items"]
    seen, cursor = [], None
    for _ in range(10):
        params = {"as_of": "2026-06-01", "limit": 1, **({"cursor": cursor} if cursor else {})}
        page = client.get("/v1/public/disclosures", params=params).json()
        seen += page["items"]
        cursor = page["next"]
        if cursor is None:
            break
    assert [i["id"] for i in seen] == [i["id"] for i in everything]
    assert len(seen) >= 2
    problem(client.get("/v1/public/disclosures", params={"cursor": "not-a-cursor"}), 422)
    problem(client.get("/v1/public/disclosures", params={"limit": 0}), 422)


def test_disclosures_etag_and_304(site: Site) -> None:
    client = site.world.client
    first = client.get("/v1/public/disclosures", params={"as_of": "2026-06-01"})
    tag = first.headers["etag"]
    again = client.get("/v1/public/disclosures", params={"as_of": "2026-06-01"}, headers={"If-None-Match": tag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == tag
    other = client.get("/v1/public/disclosures", params={"as_of": "2026-06-01"},
                       headers={"If-None-Match": '"something-else"'})
    assert other.status_code == 200
    filtered = client.get("/v1/public/disclosures", params={"as_of": "2026-06-01", "agency": "DXH-SCJ"},
                          headers={"If-None-Match": tag})
    assert filtered.status_code == 200 and filtered.json()["items"] == []


def test_atom_feed(site: Site) -> None:
    response = site.world.client.get("/v1/public/feed.atom")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    entries = root.findall(f"{ATOM}entry")
    ids = [e.findtext(f"{ATOM}id") for e in entries]
    assert any(site.full in (i or "") for i in ids) and any(site.withdrawn in (i or "") for i in ids)
    assert all(e.findtext(f"{ATOM}updated") and e.findtext(f"{ATOM}title") for e in entries)
    tag = response.headers["etag"]
    assert site.world.client.get("/v1/public/feed.atom", headers={"If-None-Match": tag}).status_code == 304


def test_json_feed(site: Site) -> None:
    response = site.world.client.get("/v1/public/feed.json", params={"limit": 10})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/feed+json")
    feed = response.json()
    assert feed["version"] == "https://jsonfeed.org/version/1.1" and feed["title"]
    assert feed["feed_url"].endswith("/v1/public/feed.json")
    assert {item["id"] for item in feed["items"]} >= {f"urn:enforcement-ledger:{site.full}@21"}
    assert all(item["content_text"] is not None and item["date_published"] for item in feed["items"])


def test_registry(site: Site) -> None:
    client = site.world.client
    body = client.get("/v1/public/registry").json()
    agencies = {a["stream"] for a in body["agencies"]}
    assert {"agency/DXH-CGJ", "agency/DXH-SCJ", "agency/XYZ-ZFJ"} <= agencies
    assert any(o["stream"] == "officer/42011219001" for o in body["officers"])
    assert body["items"] and isinstance(body["items"][0]["penalty_types"], list | str | None)
    only = client.get("/v1/public/registry", params={"agency": "DXH-SCJ"}).json()
    assert [a["stream"] for a in only["agencies"]] == ["agency/DXH-SCJ"]
    assert all(o["agency"] == "agency/DXH-SCJ" for o in only["officers"])
    tag = client.get("/v1/public/registry").headers["etag"]
    assert client.get("/v1/public/registry", headers={"If-None-Match": tag}).status_code == 304


def test_statistics(site: Site) -> None:
    client = site.world.client
    body = client.get("/v1/public/statistics").json()
    blocks = {(b["agency"], b["year"]) for b in body["statistics"]}
    assert ("agency/DXH-CGJ", 2026) in blocks
    one = client.get("/v1/public/statistics", params={"agency": "DXH-CGJ", "year": 2026}).json()["statistics"]
    assert [(b["agency"], b["year"]) for b in one] == [("agency/DXH-CGJ", 2026)]
    assert "rates" in one[0] and one[0]["counts"]
    problem(client.get("/v1/public/statistics", params={"year": 10**30}), 422)


def test_public_answers_hold_no_personal_data_of_the_party(site: Site) -> None:
    client = site.world.client
    for path in ("/v1/public/disclosures?as_of=2026-06-01", "/v1/public/feed.atom", "/v1/public/feed.json",
                 "/v1/public/registry", "/v1/public/statistics"):
        text = client.get(path).text
        assert "13871234567" not in text and "黄建国" not in text and "七雄路" not in text, path


def test_readyz_reports_projection_lag(site: Site) -> None:
    body = site.world.client.get("/readyz").json()
    check = next(c for c in body["checks"] if c["name"] == "projections")
    assert check["ok"] and set(check["detail"]["lag"]) >= {"casefiles", "disclosure"}
    assert all(lag == 0 for lag in check["detail"]["lag"].values())


def test_remembered_answers_follow_the_projection(site: Site) -> None:
    """Runs last: it records a new publication. A public answer is remembered until its projection moves."""
    client = site.world.client
    before = client.get("/v1/public/disclosures", params={"as_of": "2026-06-01"})
    assert client.get("/v1/public/disclosures", params={"as_of": "2026-06-01"}).content == before.content
    fresh = site.world.number()
    registered = case_steps(fresh, 2)
    published = {"stream": f"case/{fresh}", "type": "DecisionPublished", "by": OFFICER,
                 "at": "2026-05-25T09:00:00+08:00",
                 "data": {"published_at": "2026-05-25T09:00:00+08:00", "channel": "门户网站",
                          "text": "又一公司超标排放油烟", "max_until": "2099-12-31"}}
    response = client.post("/v1/steps:batch", json={"steps": [*registered, published]},
                           headers=site.world.h(ADMIN), params={"backfill": "true"})
    assert response.status_code == 201, response.text
    stale = client.get("/v1/public/disclosures", params={"as_of": "2026-06-01"}, headers={"If-None-Match":
                                                                                         before.headers["etag"]})
    assert stale.status_code == 304  # not projected yet
    assert project(site.world) > 0
    after = client.get("/v1/public/disclosures", params={"as_of": "2026-06-01"},
                       headers={"If-None-Match": before.headers["etag"]})
    assert after.status_code == 200 and after.headers["etag"] != before.headers["etag"]
    assert after.json()["items"][0]["case"] == f"case/{fresh}"


Site = Populated
