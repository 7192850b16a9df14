"""The 行政强制 pages: the 强制 file list and a file in the agency's scope, the measures list across
``coercion/`` and ``case/`` streams with its warnings (yellow before a running seizure's 30th day, red
after it, a 催告's period), the case page's measures (EVAL-04 item 7), and the navigation to them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.helpers.coercion_world import COERCION, DEMANDED_CASE, PARTY, RUNNING_CASE, SEIZED_CASE, coercion_world
from tests.helpers.http_world import HEAD, OTHER, SUPERVISOR, World
from tests.helpers.pages_site import links, text_of


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    with coercion_world(Path(tmp_path_factory.mktemp("coercion_pages"))) as made:
        yield made


def browser(world: World, who: str) -> TestClient:
    client = TestClient(world.app, raise_server_exceptions=True)
    response = client.post("/ui/login", data={"token": world.tokens[who], "next": "/ui/cases"},
                           follow_redirects=False)
    assert response.status_code == 303, response.text
    return client


def test_the_coercion_list_and_file_for_the_agency_only(world: World) -> None:
    head = browser(world, HEAD)
    listed = head.get("/ui/coercion")
    assert listed.status_code == 200
    assert links(listed.text, "/ui/coercion/") == ["/ui/coercion/measures", f"/ui/coercion/{COERCION}"]
    assert "张某某" in text_of(listed.text) and PARTY[0] not in listed.text
    page = head.get(f"/ui/coercion/{COERCION}", params={"as_of": "2026-12-01"})
    assert page.status_code == 200
    text = text_of(page.text)
    for expected in ("行政强制案卷 DXH-CGJ-QZ-2026-0003", "扣押", "已没收", "2026-10-30", "烧烤炉", "卷内目录",
                     "已归档"):
        assert expected in text, expected
    assert PARTY[0] not in page.text and PARTY[1] not in page.text
    other = browser(world, OTHER)
    assert other.get(f"/ui/coercion/{COERCION}").status_code == 403
    assert other.get("/ui/coercion/DXH-CGJ-QZ-2026-9999").status_code == 403  # existing or not alike
    assert "没有符合条件的行政强制案卷" in text_of(other.get("/ui/coercion").text)
    assert browser(world, SUPERVISOR).get(f"/ui/coercion/{COERCION}").status_code == 200


def test_the_measures_page_warns_on_either_side_of_the_30th_day(world: World) -> None:
    head = browser(world, HEAD)

    def warnings(day: str) -> str:
        page = head.get("/ui/coercion/measures", params={"as_of": day})
        assert page.status_code == 200
        section = page.text.split('id="measures"')[0]
        return text_of(section)
    assert "基准日没有预警" in warnings("2026-07-31")
    assert "黄色预警" in warnings("2026-08-03") and "红色预警" not in warnings("2026-08-03")
    assert "红色预警" in warnings("2026-08-07") and RUNNING_CASE in warnings("2026-08-07")
    demanded = warnings("2026-02-10")
    assert "催告期间" in demanded and DEMANDED_CASE in demanded
    page = head.get("/ui/coercion/measures", params={"as_of": "2026-08-07"})
    assert {f"/ui/cases/{SEIZED_CASE}", f"/ui/cases/{RUNNING_CASE}", f"/ui/coercion/{COERCION}"} <= {
        link.split("?")[0] for link in links(page.text, "/ui/")}
    assert "处罚案件中" in text_of(page.text) and "独立强制案卷" in text_of(page.text)
    only = head.get("/ui/coercion/measures", params={"file_kind": "coercion"})
    assert f"/ui/cases/{SEIZED_CASE}" not in links(only.text, "/ui/")
    other = browser(world, OTHER).get("/ui/coercion/measures", params={"as_of": "2026-08-07"})
    assert "没有强制措施" in text_of(other.text) and "基准日没有预警" in text_of(other.text)
    assert browser(world, OTHER).get("/ui/coercion/measures", params={"agency": "agency/DXH-CGJ"}).status_code == 403


def test_the_case_page_shows_its_measures_and_the_navigation_links_them(world: World) -> None:
    head = browser(world, HEAD)
    page = head.get(f"/ui/cases/{SEIZED_CASE}", params={"as_of": "2026-12-01"})
    assert page.status_code == 200
    text = text_of(page.text)
    assert "强制措施与强制执行" in text and "东城管扣字〔2026〕第0012号" in text
    assert "木炭 3袋（没收 2026-07-20）" in text
    assert "强制措施与强制执行" not in text_of(head.get("/ui/cases/DXH-CGJ-2026-0012").text)
    enforced = text_of(head.get("/ui/cases/DXH-CGJ-2026-0021").text)
    assert ("代履行" in enforced and "2,800.00" in enforced) or "2800.00" in enforced
    assert "/ui/coercion" in links(head.get("/ui/cases").text, "/ui/coercion")
    dashboard = browser(world, SUPERVISOR).get("/ui/supervision")
    assert "/ui/coercion/measures" in links(dashboard.text, "/ui/coercion")
