"""The HTTP routes and pages of inspections and spot checks: the list, a file, a task with its draw
re-derived and the command that does it, INS-10's warnings and INS-06's count in the agency's scope
(403 for another agency); the public spot check (plan, draw, results) and its page; the public list
and feeds carry inspection results and the task, with no natural person's name, number or phone."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from fastapi.testclient import TestClient

from ledger.importer import import_lines
from tests.helpers.http_reads import project
from tests.helpers.http_world import ADMIN, OFFICER, OTHER, SUPERVISOR, World, world_at
from tests.helpers.inspection_examples import INSPECTIONS, SPOTCHECK
from tests.helpers.inspection_readmodels import (
    PERSON,
    PERSON_ID,
    PERSON_PHONE,
    PUBLISHED,
    capped_item,
    person_inspections,
)
from tests.helpers.projection_ledgers import lines

TASK = SPOTCHECK.removeprefix("spotcheck/")


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    with world_at(Path(tmp_path_factory.mktemp("inspections"))) as made:
        steps = [capped_item(), *lines("general-case"), *lines("spotcheck"), *person_inspections()]
        result = import_lines(made.ledger, [orjson.dumps(s) for s in steps], actor=ADMIN, backfill=True)
        assert result.refusal is None, result.refusal
        project(made)
        yield made


def get(world: World, path: str, who: str | None = None, **params: Any) -> Any:
    return world.client.get(path, params=params, headers=world.h(who) if who else {})


def test_the_list_and_a_file_in_the_agencys_scope(world: World) -> None:
    found = get(world, "/v1/inspections", OFFICER, origin="random")
    assert found.status_code == 200
    assert [r["grp"] for r in found.json()["inspections"]] == list(INSPECTIONS)
    paged = get(world, "/v1/inspections", OFFICER, limit=2).json()
    assert len(paged["inspections"]) == 2 and paged["next"]
    rest = get(world, "/v1/inspections", OFFICER, limit=2, cursor=paged["next"]).json()
    assert rest["inspections"][0]["grp"] > paged["inspections"][-1]["grp"]
    assert get(world, "/v1/inspections", OTHER).json()["inspections"] == []  # DXH-SCJ: none of its own
    assert get(world, "/v1/inspections", OTHER, agency="DXH-CGJ").status_code == 403
    body = get(world, f"/v1/inspections/{INSPECTIONS[1].removeprefix('inspection/')}", OFFICER,
               as_of="2026-12-01").json()
    assert (body["result"], body["referred"], body["task"][0]["rederived"]) == ("violation_found", 1, "ok")
    assert body["deadlines"][0]["state"] == "met"
    number = INSPECTIONS[1].removeprefix("inspection/")
    assert get(world, f"/v1/inspections/{number}", OTHER).status_code == 403
    assert get(world, f"/v1/inspections/{number}", SUPERVISOR).status_code == 200
    assert get(world, "/v1/inspections/DXH-CGJ-JC-2099-0001", ADMIN).status_code == 404
    assert get(world, "/v1/inspections").status_code == 401


def test_a_task_with_its_draw_re_derived_and_how(world: World) -> None:
    body = get(world, f"/v1/spotchecks/{TASK}", OFFICER).json()
    assert body["verify"] == f"enforcement-ledger draw verify {SPOTCHECK}"
    report = body["rederivation"]
    statuses = {c["what_en"]: c["status"] for c in report["checks"]}
    assert report["ok"] and statuses["beacon checkpoint"] == "unverified"  # a 补录 draw: not this ledger's
    assert statuses["drawn object indices"] == "ok" and statuses["seed commitment"] == "ok"
    assert [o["object_index"] for o in body["objects"]] == [11, 3, 2]
    assert [t["grp"] for t in get(world, "/v1/spotchecks", OFFICER).json()["spotchecks"]] == [SPOTCHECK]
    assert get(world, f"/v1/spotchecks/{TASK}", OTHER).status_code == 403


def test_warnings_and_the_yearly_count(world: World) -> None:
    warned = get(world, "/v1/inspections/warnings", OFFICER, as_of="2026-05-06").json()["warnings"]
    assert [(w["rule"], w["colour"]) for w in warned] == [("INS-10", "red")]
    assert get(world, "/v1/inspections/warnings", OFFICER, as_of="2026-04-20").json()["warnings"] == []
    assert get(world, "/v1/inspections/warnings", OTHER, agency="DXH-CGJ").status_code == 403
    over = get(world, "/v1/inspections/frequency", OFFICER, year=2026, over="true").json()["objects"]
    assert [(o["object_name"], o["inspections"], o["cap"]) for o in over] == [("李某某", 2, 1)]


def test_the_public_spot_check_and_the_disclosure_list(world: World) -> None:
    public = get(world, f"/v1/public/spotchecks/{TASK}", as_of="2026-12-01")
    assert public.status_code == 200
    body = public.json()
    assert [d["index"] for d in body["task"]["drawn"]] == [11, 3, 2] and len(body["results"]) == 3
    assert body["task"]["seed_secret"] and body["task"]["beacon_root"] and body["verify"].endswith(SPOTCHECK)
    assert get(world, "/v1/public/spotchecks/DXH-CGJ-CC-2099-01").status_code == 404
    entries = get(world, "/v1/public/disclosures", as_of="2026-12-01", limit=50).json()["items"]
    kinds = {(e["kind"], e["case"]) for e in entries}
    assert ("spotcheck", SPOTCHECK) in kinds and ("inspection", INSPECTIONS[0]) in kinds
    assert ("inspection", PUBLISHED) in kinds
    feed = get(world, "/v1/public/feed.json", limit=50).json()
    assert any(i["url"].endswith(f"/public/spotchecks/{TASK}") for i in feed["items"])
    atom = get(world, "/v1/public/feed.atom", limit=50)
    everything = public.text + str(entries) + str(feed) + atom.text
    for value in (PERSON, PERSON_ID, PERSON_PHONE):
        assert value not in everything
    assert "李某某" in str(entries)


def _login(world: World, who: str) -> TestClient:
    client = TestClient(world.app, raise_server_exceptions=True)
    response = client.post("/ui/login", data={"token": world.tokens[who], "next": "/ui/cases"},
                           follow_redirects=False)
    assert response.status_code == 303, response.text
    return client


def test_the_staff_pages(world: World) -> None:
    client = _login(world, OFFICER)
    listing = client.get("/ui/inspections", params={"as_of": "2026-05-06"})
    assert listing.status_code == 200
    page = listing.text
    assert f'href="/ui/spotchecks/{TASK}' in page and "/ui/inspections/DXH-CGJ-JC-2026-0001" in page
    assert "李某某" in page and "INS-10" in page and PERSON not in page
    assert 'href="/ui/inspections"' in client.get("/ui/cases").text  # the navigation
    file_page = client.get(f"/ui/inspections/{INSPECTIONS[1].removeprefix('inspection/')}").text
    assert "发现违法" in file_page and f"/ui/spotchecks/{TASK}" in file_page
    task_page = client.get(f"/ui/spotchecks/{TASK}").text
    assert f"enforcement-ledger draw verify {SPOTCHECK}" in task_page and "未核验" in task_page
    other = _login(world, OTHER)
    assert other.get(f"/ui/spotchecks/{TASK}").status_code == 403
    assert other.get(f"/ui/inspections/{INSPECTIONS[0].removeprefix('inspection/')}").status_code == 403


def test_the_public_page_shows_the_plan_the_draw_and_how_to_re_derive_it(world: World) -> None:
    page = world.client.get(f"/public/spotchecks/{TASK}", params={"as_of": "2026-12-01"})
    assert page.status_code == 200
    text = page.text
    for shown in (f"enforcement-ledger draw verify {SPOTCHECK}",
                  "67e0285a7712000e8d51ceba9264a332e1754893cce66ae19e3ed7a314c56973",  # the commitment
                  "6c65646765720000000000000000000000000000000000000000000000000000",  # the secret
                  "ff8916eeccde33bdc8fda662d7bb71b168e6c0e23da907ca85839aea8d86486d",  # the objects snapshot
                  "tree_size 128", "11、3、2", "已移送立案", "未核验"):
        assert shown in text, shown
    assert world.client.get("/public/spotchecks/DXH-CGJ-CC-2099-01").status_code == 404
