"""The HTTP routes of licences and complaints: recording their steps through ``POST /v1/steps``, the
licence file, list, register and warnings in the agency's scope, the complaint file in the bureau
supervisors' and the agency complained of's views, the register for supervisors only, the
statistics additions, and the public list and feeds (行政许可 entries; never a complainant)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from tests.helpers.http_reads import project
from tests.helpers.http_world import HEAD, OFFICER, OTHER, SUPERVISOR, World, example, world_at
from tests.helpers.kinds_readmodels import COMPLAINANT

SPJ_OFFICER = "officer/42011230001"
SPJ_HEAD = "officer/42011230003"
LICENCE = "DXH-SPJ-XK-2026-0031"
COMPLAINT = "DXH-SFJ-TS-2026-0007"
LICENCE_NO = "东审批广字〔2026〕第0031号"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    with world_at(Path(tmp_path_factory.mktemp("kinds"))) as made:
        store = made.app.state.services.tokens
        for who in (SPJ_OFFICER, SPJ_HEAD):
            made.tokens[who] = store.create(who, name="test")[1]
        for step in example("licence-case") + example("complaint"):
            response = made.post(step["by"], step)
            assert response.status_code == 201, (step["type"], response.text)
        project(made)
        yield made


def get(world: World, path: str, who: str | None = None, **params: Any) -> Any:
    return world.client.get(path, params=params, headers=world.h(who) if who else {})


def test_licence_file_list_and_register_in_the_agencys_scope(world: World) -> None:
    found = get(world, f"/v1/licences/{LICENCE}", SPJ_OFFICER, as_of="2026-12-01")
    assert found.status_code == 200
    body = found.json()
    assert body["decision_label"] == "准予行政许可" and body["licence"]["state"] == "valid"
    assert {d["key"]: d["state"] for d in body["deadlines"]}["LIC-10"] == "met"
    assert body["catalogue"] and body["timeline"][0]["type"] == "LicenceApplied"
    assert get(world, f"/v1/licences/{LICENCE}", OFFICER).status_code == 403  # DXH-CGJ does not decide it
    assert get(world, f"/v1/licences/{LICENCE}", SUPERVISOR).status_code == 200  # SFJ supervises every agency
    assert [r["grp"] for r in get(world, "/v1/licences", SPJ_OFFICER).json()["licences"]] == [f"licence/{LICENCE}"]
    assert get(world, "/v1/licences", OFFICER).json()["licences"] == []
    register = get(world, f"/v1/licences/register/{quote(LICENCE_NO)}", SPJ_OFFICER, as_of="2027-11-01")
    assert register.status_code == 200 and register.json()["state"] == "expired"
    assert get(world, f"/v1/licences/register/{quote(LICENCE_NO)}", OTHER).status_code == 404
    assert get(world, "/v1/licences/warnings", SPJ_OFFICER).json()["warnings"] == []


def test_the_complaint_file_in_each_view(world: World) -> None:
    full = get(world, f"/v1/complaints/{COMPLAINT}", SUPERVISOR)
    assert full.status_code == 200
    assert full.json()["view"] == "supervisor" and full.json()["complainant"]["name"] == COMPLAINANT[0]
    seen = get(world, f"/v1/complaints/{COMPLAINT}", HEAD)  # DXH-CGJ, complained of; a 投诉 shared with it
    assert seen.status_code == 200 and seen.json()["view"] == "agency"
    assert seen.json()["complainant"]["name"] == COMPLAINANT[0]
    assert get(world, f"/v1/complaints/{COMPLAINT}", OTHER).status_code == 403
    assert get(world, f"/v1/complaints/{COMPLAINT}", SPJ_OFFICER).status_code == 403
    raw = f"/v1/streams/complaint/{COMPLAINT}/events"  # the stream holds the complainant: the bureau only
    assert get(world, raw, HEAD).status_code == 403 and get(world, raw, SUPERVISOR).status_code == 200
    register = get(world, "/v1/complaints", SUPERVISOR, as_of="2026-05-06")
    assert register.status_code == 200
    body = register.json()
    assert [c["grp"] for c in body["complaints"]] == [f"complaint/{COMPLAINT}"]
    assert COMPLAINANT[0] not in register.text and COMPLAINANT[1] not in register.text
    assert get(world, "/v1/complaints", HEAD).status_code == 403


def test_statistics_add_licences_and_complaints(world: World) -> None:
    found = get(world, "/v1/supervision/statistics", SUPERVISOR, year=2026).json()["statistics"]
    spj = next(b for b in found if b["agency"] == "agency/DXH-SPJ")
    assert spj["counts"]["licences.decided_on_time"]["value"] == 1
    assert spj["rates"]["certificate.timeliness"]["value"] == 1.0
    sfj = next(b for b in found if b["agency"] == "agency/DXH-SFJ")
    assert sfj["rates"]["complaint.answer_timeliness"]["value"] == 1.0


def test_public_list_and_feeds_label_licences_and_never_show_a_complainant(world: World) -> None:
    items = get(world, "/v1/public/disclosures").json()["items"]
    assert [(i["kind"], i["label"]) for i in items] == [("licence", "行政许可")]
    atom = get(world, "/v1/public/feed.atom")
    feed = get(world, "/v1/public/feed.json")
    assert "行政许可" in atom.text and "处罚决定公开" not in feed.json()["items"][0]["title"]
    assert feed.json()["items"][0]["url"].endswith(f"/public/licences/{LICENCE}")
    assert get(world, f"/public/licences/{LICENCE}").status_code == 200
    page = get(world, f"/v1/public/licences/{LICENCE}")
    assert page.status_code == 200 and page.json()["decisions"][0]["licence_no"] == LICENCE_NO
    public = [get(world, p).text for p in ("/v1/public/disclosures", "/v1/public/feed.atom", "/v1/public/feed.json",
                                           "/v1/public/statistics", "/v1/public/registry",
                                           f"/v1/public/licences/{LICENCE}")]
    for text in public:
        for value in COMPLAINANT:
            assert value not in text
