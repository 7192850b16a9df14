"""Case files and supervision over HTTP, for every role: 401 without a token, 403 outside one's agencies."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.helpers.http_reads import Populated, populated_at
from tests.helpers.http_world import ADMIN, FAR, HEAD, OFFICER, OTHER, REVIEWER, SUPERVISOR, case_steps, problem

Site = Populated


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Populated]:
    with populated_at(tmp_path_factory.mktemp("http-cases")) as populated:
        yield populated


def number(stream: str) -> str:
    return stream.split("/", 1)[1]


def get(site: Site, who: str | None, path: str, **params: Any) -> Any:
    headers = site.world.h(who) if who else {}
    return site.world.client.get(path, headers=headers, params=params)


ROUTES = ("/v1/cases", "/v1/cases/{n}", "/v1/cases/{n}/timeline", "/v1/cases/{n}/catalogue",
          "/v1/cases/{n}/audit", "/v1/supervision/warnings", "/v1/supervision/statistics",
          "/v1/supervision/sample", "/v1/supervision/rectifications")


@pytest.mark.parametrize("route", ROUTES)
def test_no_token_is_401(site: Site, route: str) -> None:
    response = get(site, None, route.format(n=number(site.full)))
    problem(response, 401)
    assert response.headers["www-authenticate"].startswith("Bearer")
    bad = site.world.client.get(route.format(n=number(site.full)), headers={"Authorization": "Bearer elt_0_x"})
    problem(bad, 401)


def listed(site: Site, who: str, **params: Any) -> set[str]:
    response = get(site, who, "/v1/cases", **params)
    assert response.status_code == 200, response.text
    return {c["stream"] for c in response.json()["cases"]}


def test_case_list_is_filtered_by_what_the_reader_may_read(site: Site) -> None:
    everything = {site.full, site.withdrawn, site.scj, site.far}
    assert listed(site, ADMIN) >= everything
    assert listed(site, OFFICER) == {site.full, site.withdrawn}
    assert listed(site, REVIEWER) == {site.full, site.withdrawn}
    assert listed(site, OTHER) == {site.scj}
    assert listed(site, FAR) == {site.far}
    # DXH-SFJ supervises DXH-CGJ (named) and DXH-SCJ (names nobody), not XYZ-ZFJ (names XYZ-SFJ)
    assert listed(site, SUPERVISOR) == {site.full, site.withdrawn, site.scj}


def test_case_list_filters_and_cursor(site: Site) -> None:
    assert listed(site, ADMIN, agency="DXH-SCJ") == {site.scj}
    assert listed(site, ADMIN, agency="agency/XYZ-ZFJ") == {site.far}
    full = get(site, ADMIN, "/v1/cases", agency="DXH-CGJ").json()["cases"]
    statuses = {c["stream"]: c["status"] for c in full}
    assert listed(site, ADMIN, agency="DXH-CGJ", status=statuses[site.full]) >= {site.full}
    assert listed(site, OFFICER, officer="42011219002") >= {site.full}
    seen, cursor = [], None
    for _ in range(10):
        page = get(site, SUPERVISOR, "/v1/cases", limit=1, **({"cursor": cursor} if cursor else {})).json()
        seen += [c["stream"] for c in page["cases"]]
        cursor = page["next"]
        if cursor is None:
            break
    assert seen == sorted({site.full, site.withdrawn, site.scj})
    problem(get(site, OFFICER, "/v1/cases", agency="DXH-SCJ"), 403)
    problem(get(site, SUPERVISOR, "/v1/cases", agency="XYZ-ZFJ"), 403)
    problem(get(site, OFFICER, "/v1/cases", cursor="%%%"), 422)


def test_case_file_timeline_catalogue(site: Site) -> None:
    n = number(site.full)
    for who in (OFFICER, HEAD, REVIEWER, SUPERVISOR, ADMIN):
        response = get(site, who, f"/v1/cases/{n}", as_of="2026-04-20")
        assert response.status_code == 200, (who, response.text)
    body = response.json()
    assert body["number"] == n and body["agency"] == "agency/DXH-CGJ" and body["as_of"] == "2026-04-20"
    assert body["catalogue"] and body["timeline"] and body["deadlines"]
    timeline = get(site, OFFICER, f"/v1/cases/{n}/timeline").json()
    assert timeline["case"] == site.full and len(timeline["timeline"]) == 24
    assert [t["type"] for t in timeline["timeline"]][:2] == ["CaseSourceRecorded", "CaseRegistered"]
    catalogue = get(site, OFFICER, f"/v1/cases/{n}/catalogue").json()
    assert catalogue["catalogue"] == body["catalogue"]
    for who in (OTHER, FAR):
        for path in (f"/v1/cases/{n}", f"/v1/cases/{n}/timeline", f"/v1/cases/{n}/catalogue", f"/v1/cases/{n}/audit"):
            problem(get(site, who, path), 403)
    problem(get(site, SUPERVISOR, f"/v1/cases/{number(site.far)}"), 403)
    assert get(site, FAR, f"/v1/cases/{number(site.far)}").status_code == 200
    problem(get(site, ADMIN, "/v1/cases/DXH-CGJ-2026-NOPE"), 404)
    problem(get(site, ADMIN, "/v1/cases/DXH-CGJ-2026-NOPE/audit"), 404)


def test_case_evaluation(site: Site) -> None:
    response = get(site, SUPERVISOR, f"/v1/cases/{number(site.full)}/audit", as_of="2026-06-01")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["case"] == site.full and 0 <= body["score"] <= 100 and body["grade"]
    assert isinstance(body["findings"], list)
    again = get(site, OFFICER, f"/v1/cases/{number(site.full)}/audit", as_of="2026-06-01").json()
    assert again == body


def test_warnings(site: Site) -> None:
    late = get(site, ADMIN, "/v1/supervision/warnings", as_of="2026-05-30")
    assert late.status_code == 200, late.text
    found = late.json()["warnings"]
    assert found and all(w["colour"] in ("red", "yellow") for w in found)
    cases = {w["case"] for w in found}
    assert site.rectification in cases or site.full in cases or site.scj in cases
    for who, allowed in ((OFFICER, {"agency/DXH-CGJ"}), (OTHER, {"agency/DXH-SCJ"}), (FAR, {"agency/XYZ-ZFJ"}),
                         (SUPERVISOR, {"agency/DXH-CGJ", "agency/DXH-SCJ"})):
        mine = get(site, who, "/v1/supervision/warnings", as_of="2026-05-30").json()["warnings"]
        assert {w["agency"] for w in mine if w["agency"]} <= allowed, who
    assert {w["case"] for w in get(site, FAR, "/v1/supervision/warnings", as_of="2026-05-30").json()["warnings"]} \
        <= {site.far}
    problem(get(site, OFFICER, "/v1/supervision/warnings", agency="XYZ-ZFJ"), 403)
    problem(get(site, OFFICER, "/v1/supervision/warnings", days=-1), 422)


def test_statistics_per_agency(site: Site) -> None:
    agencies = {b["agency"] for b in get(site, ADMIN, "/v1/supervision/statistics").json()["statistics"]}
    assert {"agency/DXH-CGJ", "agency/DXH-SCJ", "agency/XYZ-ZFJ"} <= agencies
    mine = {b["agency"] for b in get(site, SUPERVISOR, "/v1/supervision/statistics").json()["statistics"]}
    assert mine == {"agency/DXH-CGJ", "agency/DXH-SCJ"}
    assert {b["agency"] for b in get(site, FAR, "/v1/supervision/statistics").json()["statistics"]} \
        == {"agency/XYZ-ZFJ"}
    one = get(site, ADMIN, "/v1/supervision/statistics", agency="DXH-CGJ", year=2026).json()["statistics"]
    assert [(b["agency"], b["year"]) for b in one] == [("agency/DXH-CGJ", 2026)]
    problem(get(site, FAR, "/v1/supervision/statistics", agency="DXH-CGJ"), 403)


def test_random_sample_for_evaluation(site: Site) -> None:
    first = get(site, SUPERVISOR, "/v1/supervision/sample", n=2, seed=7)
    assert first.status_code == 200, first.text
    body = first.json()
    assert len(body["cases"]) == 2 and set(body["cases"]) <= {site.full, site.withdrawn, site.scj}
    assert body["evaluations"] is None
    assert get(site, SUPERVISOR, "/v1/supervision/sample", n=2, seed=7).json()["cases"] == body["cases"]
    seeds = {tuple(get(site, SUPERVISOR, "/v1/supervision/sample", n=1, seed=s).json()["cases"]) for s in range(12)}
    assert len(seeds) > 1
    evaluated = get(site, REVIEWER, "/v1/supervision/sample", n=5, seed=1, evaluate="true", as_of="2026-06-01").json()
    assert set(evaluated["cases"]) == {site.full, site.withdrawn}
    assert {e["case"] for e in evaluated["evaluations"]} == set(evaluated["cases"])
    admin = get(site, ADMIN, "/v1/supervision/sample", n=1, seed=3, agency="XYZ-ZFJ").json()
    assert admin["cases"] == [site.far]
    problem(get(site, OFFICER, "/v1/supervision/sample"), 403)
    problem(get(site, SUPERVISOR, "/v1/supervision/sample", agency="XYZ-ZFJ"), 403)
    problem(get(site, SUPERVISOR, "/v1/supervision/sample", n=0), 422)


def test_rectification_orders(site: Site) -> None:
    response = get(site, SUPERVISOR, "/v1/supervision/rectifications", as_of="2026-05-10")
    assert response.status_code == 200, response.text
    orders = response.json()["rectifications"]
    order = next(o for o in orders if o["stream"] == site.rectification)
    assert order["agency"] == "agency/DXH-CGJ" and order["findings"] == ["PEN-10"]
    assert order["state"] == "open" and order["due_on"] == "2026-05-16"
    late = get(site, SUPERVISOR, "/v1/supervision/rectifications", as_of="2026-05-20").json()["rectifications"]
    assert next(o for o in late if o["stream"] == site.rectification)["state"] == "overdue"
    assert any(o["stream"] == site.rectification
               for o in get(site, OFFICER, "/v1/supervision/rectifications").json()["rectifications"])
    assert get(site, FAR, "/v1/supervision/rectifications").json()["rectifications"] == []
    assert get(site, OTHER, "/v1/supervision/rectifications").json()["rectifications"] == []
    problem(get(site, FAR, "/v1/supervision/rectifications", agency="DXH-CGJ"), 403)


def test_readers_of_a_case_read_the_documents_it_references(site: Site) -> None:
    """Runs last: it records a case. The records projection is the document reference index."""
    import hashlib

    from api.server.readmodels import read_models
    from tests.helpers.http_reads import moved, project

    read_models(site.world.app.state.services)  # what the area's start does in the lifespan (not run here)
    client = site.world.client
    content = f"立案审批表 {site.scj}".encode()
    sha = hashlib.sha256(content).hexdigest()
    put = client.put(f"/v1/documents/{sha}", content=content, headers={**site.world.h(ADMIN),
                                                                         "Content-Type": "application/pdf"})
    assert put.status_code == 201, put.text
    steps = moved(case_steps(site.world.number("DXH-SCJ-2026-D"), 2), "agency/DXH-SCJ", OTHER)
    steps[1]["data"]["document"] = {"sha256": sha, "bytes": len(content), "media_type": "application/pdf",
                                    "name": "立案审批表"}
    response = client.post("/v1/steps:batch", json={"steps": steps}, headers=site.world.h(ADMIN),
                           params={"backfill": "true"})
    assert response.status_code == 201, response.text
    problem(client.get(f"/v1/documents/{sha}", headers=site.world.h(OTHER)), 403)  # not projected yet
    project(site.world)
    assert site.world.app.state.services.document_references(sha) == [steps[0]["stream"]]
    got = client.get(f"/v1/documents/{sha}", headers=site.world.h(OTHER))
    assert got.status_code == 200 and got.content == content
    assert client.get(f"/v1/documents/{sha}", headers=site.world.h(SUPERVISOR)).status_code == 200
    problem(client.get(f"/v1/documents/{sha}", headers=site.world.h(FAR)), 403)
