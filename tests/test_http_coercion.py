"""The HTTP routes of 行政强制: the 强制 file list and a file in the agency's scope, the measures list across
``coercion/`` and ``case/`` streams with its warnings on either side of a measure's last day and during a
催告's period, the case file's measures (EVAL-04 item 7), and the public coercion results (PUB-06:
the person party masked, no items, no ID number or address)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.helpers.coercion_world import (
    COERCION,
    DEMANDED_CASE,
    ENFORCED_CASE,
    PARTY,
    RUNNING_CASE,
    SEIZED_CASE,
    coercion_world,
)
from tests.helpers.http_world import ADMIN, HEAD, OFFICER, OTHER, SUPERVISOR, World


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    with coercion_world(Path(tmp_path_factory.mktemp("coercion"))) as made:
        yield made


def get(world: World, path: str, who: str | None = None, **params: Any) -> Any:
    return world.client.get(path, params=params, headers=world.h(who) if who else {})


def test_the_coercion_file_and_list_in_the_agencys_scope(world: World) -> None:
    found = get(world, f"/v1/coercion/{COERCION}", OFFICER, as_of="2026-12-01")
    assert found.status_code == 200, found.text
    body = found.json()
    assert (body["status"], body["party_name"], body["purpose"]) == ("archived", "张某某", "measure")
    [measure] = body["measures"]
    assert (measure["measure"], measure["status"], measure["conclusion"], measure["due_on"]) == (
        "seize", "disposed", "已没收", "2026-10-30")
    assert [i["disposition"] for i in measure["items"]] == ["confiscated", "confiscated"]
    assert {d["key"]: d["state"] for d in body["deadlines"]}["COE-08/M1"] == "met"
    assert body["catalogue"] and body["timeline"][0]["type"] == "CoercionOpened"
    assert body["warnings"] == []
    assert get(world, f"/v1/coercion/{COERCION}", OTHER).status_code == 403  # DXH-SCJ did not take it
    assert get(world, f"/v1/coercion/{COERCION}", SUPERVISOR).status_code == 200
    assert get(world, "/v1/coercion/DXH-CGJ-QZ-2026-9999", ADMIN).status_code == 404
    assert get(world, "/v1/coercion/DXH-CGJ-QZ-2026-9999", HEAD).status_code == 403  # existing or not alike
    assert [r["grp"] for r in get(world, "/v1/coercion", HEAD).json()["coercions"]] == [f"coercion/{COERCION}"]
    assert get(world, "/v1/coercion", OTHER).json()["coercions"] == []
    assert get(world, "/v1/coercion", OTHER, agency="DXH-CGJ").status_code == 403
    assert get(world, "/v1/coercion", HEAD, status="measure").json()["coercions"] == []
    assert get(world, "/v1/coercion").status_code == 401


def test_the_measures_list_spans_both_kinds_of_stream_and_warns(world: World) -> None:
    body = get(world, "/v1/coercion/measures", HEAD, as_of="2026-07-08").json()
    kinds = {(m["grp"], m["file_kind"], m["status"]) for m in body["measures"]}
    assert kinds == {(f"case/{SEIZED_CASE}", "case", "disposed"), (f"coercion/{COERCION}", "coercion", "disposed"),
                     (f"case/{RUNNING_CASE}", "case", "running")}
    assert body["total"] == 3
    running = next(m for m in body["measures"] if m["status"] == "running")
    assert (running["due_on"], running["state"], running["items"][0]["disposition"]) == ("2026-08-06", "pending",
                                                                                          None)

    def warned(day: str) -> list[tuple[str, str]]:
        found = get(world, "/v1/coercion/measures", HEAD, as_of=day).json()["warnings"]
        return [(w["colour"], w["key"]) for w in found if w["rule"] == "COE-08"]
    # the 30th day of the running seizure (7-07 + 30 ND = 8-06, a Thursday): yellow within 3 WD, red after
    assert warned("2026-07-31") == []
    assert warned("2026-08-03") == [("yellow", "COE-08/M1")]
    assert warned("2026-08-06") == [("yellow", "COE-08/M1")]
    assert warned("2026-08-07") == [("red", "COE-08/M1")]
    filtered = get(world, "/v1/coercion/measures", HEAD, file_kind="coercion").json()
    assert [m["file_kind"] for m in filtered["measures"]] == ["coercion"]
    assert get(world, "/v1/coercion/measures", HEAD, status="running").json()["total"] == 1
    other = get(world, "/v1/coercion/measures", OTHER).json()  # DXH-SCJ took none
    assert (other["measures"], other["warnings"], other["total"]) == ([], [], 0)
    assert get(world, "/v1/coercion/measures", OTHER, agency="DXH-CGJ").status_code == 403
    assert get(world, "/v1/coercion/measures", HEAD, status="open").status_code == 422


def test_a_running_demand_period_warns_until_it_ends(world: World) -> None:
    def running(day: str) -> list[str]:
        return [w["file"] for w in get(world, "/v1/coercion/measures", HEAD, as_of=day).json()["warnings"]
                if w["colour"] == "running" and w["rule"] == "ENF-02"]
    assert running("2026-02-08") == []  # before the 催告 was served (2-09)
    assert running("2026-02-09") == [f"case/{DEMANDED_CASE}"]
    assert running("2026-02-11") == [f"case/{DEMANDED_CASE}"]  # its last day
    assert running("2026-02-12") == []  # the period has ended: the agency may decide
    assert get(world, "/v1/coercion/measures", OTHER, as_of="2026-02-10").json()["warnings"] == []


def test_the_case_file_shows_its_measures_and_enforcement(world: World) -> None:
    case = get(world, f"/v1/cases/{SEIZED_CASE}", OFFICER, as_of="2026-12-01").json()
    [measure] = case["measures"]
    assert (measure["measure_label"], measure["document_no"], measure["ended_on"]) == (
        "扣押", "东城管扣字〔2026〕第0012号", "2026-07-20")
    assert case["enforcement"] is None
    enforced = get(world, f"/v1/cases/{ENFORCED_CASE}", OFFICER, as_of="2026-12-01").json()
    assert enforced["measures"] == []
    assert (enforced["enforcement"]["method_label"], enforced["enforcement"]["status"]) == ("代履行", "carried_out")
    assert get(world, "/v1/cases/DXH-CGJ-2026-0012", OFFICER).json()["measures"] == []


def test_public_coercion_results_mask_the_person(world: World) -> None:
    response = get(world, "/v1/public/coercion", as_of="2026-12-01")
    assert response.status_code == 200
    body = response.json()
    by_key = {(i["grp"], i["key"]): i for i in body["items"]}
    assert set(by_key) == {(f"coercion/{COERCION}", "M1"), (f"case/{SEIZED_CASE}", "M1"),
                           (f"case/{ENFORCED_CASE}", "E16")}
    person = by_key[(f"coercion/{COERCION}", "M1")]
    assert (person["party_name"], person["conclusion"], person["category_label"]) == ("张某某", "已没收", "扣押")
    assert "张某某" in person["text"] and "items" not in person
    for value in PARTY:
        assert value not in response.text
    assert by_key[(f"case/{ENFORCED_CASE}", "E16")]["conclusion"] == "已执行完毕"
    assert get(world, "/v1/public/coercion", as_of="2026-07-23").json()["total"] == 1  # 0021's only
    assert (f"case/{RUNNING_CASE}", "M1") not in by_key  # not published
    assert get(world, "/v1/public/coercion", agency="DXH-SCJ").json()["items"] == []
