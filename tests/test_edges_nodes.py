"""Issue 12, findings 9, 11 (two parts) and 14: no existence oracle on streams a caller may not
read, bounded echo of request input in problem details, the key store shared through the
ledger's database, and a log origin that names one log."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from api.server.problems import MAX_DETAIL
from tests.test_http_support import ADMIN, FAR, OFFICER, OTHER, World, case_steps, problem, world_at


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    with world_at(tmp_path_factory.mktemp("nodes")) as made:
        yield made


# --------------------------------------------------------------------------- finding 11: no oracle


def _answer(world: World, who: str, path: str) -> tuple[int, dict[str, Any]]:
    response = world.client.get(path, headers=world.h(who))
    body = response.json()
    return response.status_code, {k: v for k, v in body.items() if k != "detail"}


@pytest.mark.parametrize("suffix", ["head", "events", "events/1", "events/2"])
def test_a_stream_one_may_not_read_answers_alike_whether_it_exists_or_not(world: World, suffix: str) -> None:
    number = world.number()
    for step in case_steps(number, 2):
        assert world.post(OFFICER, step).status_code == 201
    absent = world.number()
    for who in (OTHER, FAR):
        existing = _answer(world, who, f"/v1/streams/case/{number}/{suffix}")
        missing = _answer(world, who, f"/v1/streams/case/{absent}/{suffix}")
        assert existing == missing, (who, existing, missing)
        assert existing[0] == 403
        detail_existing = world.client.get(f"/v1/streams/case/{number}/{suffix}", headers=world.h(who)).json()
        detail_missing = world.client.get(f"/v1/streams/case/{absent}/{suffix}", headers=world.h(who)).json()
        assert detail_existing["detail"].replace(number, "N") == detail_missing["detail"].replace(absent, "N")


def test_readers_still_see_heads_and_the_absent_stream_of_a_registry(world: World) -> None:
    number = world.number()
    for step in case_steps(number, 2):
        assert world.post(OFFICER, step).status_code == 201
    assert world.client.get(f"/v1/streams/case/{number}/head", headers=world.h(OFFICER)).json()["version"] == 2
    empty = world.client.get(f"/v1/streams/case/{world.number()}/head", headers=world.h(ADMIN))
    assert empty.status_code == 200 and empty.json()["version"] == 0
    registry = world.client.get("/v1/streams/agency/NOT-YET-1/head", headers=world.h(FAR))
    assert registry.status_code == 200 and registry.json()["version"] == 0


def test_case_routes_answer_alike_for_an_existing_and_an_absent_case(world: World) -> None:
    number = world.number()
    for step in case_steps(number, 2):
        assert world.post(OFFICER, step).status_code == 201
    absent = world.number()
    for suffix in ("", "/timeline", "/catalogue", "/audit"):
        for who in (OTHER, FAR):
            existing = _answer(world, who, f"/v1/cases/{number}{suffix}")
            missing = _answer(world, who, f"/v1/cases/{absent}{suffix}")
            assert existing == missing and existing[0] == 403, (suffix, who, existing, missing)


# --------------------------------------------------------------------------- finding 11: echo


@pytest.mark.parametrize("who", [ADMIN, OFFICER])
@pytest.mark.parametrize("path", ["/v1/cases/{x}", "/v1/cases/{x}/timeline", "/v1/streams/case/{x}/head",
                                  "/v1/{x}", "/ui/{x}", "/v1/public/cases/{x}"])
def test_a_long_path_is_not_echoed_back(world: World, who: str, path: str) -> None:
    long = "A" * 60_000  # httpx refuses URLs over 64 KiB; the server must not echo even this much
    response = world.client.get(path.format(x=long), headers=world.h(who))
    assert response.status_code >= 400
    if response.headers.get("content-type", "").startswith("application/problem+json"):
        body = problem(response, response.status_code)
        assert len(body.get("detail") or "") <= MAX_DETAIL
    assert len(response.content) < 10_000, (path, response.status_code, len(response.content))


def test_pages_answer_alike_for_an_existing_and_an_absent_stream(world: World) -> None:
    from fastapi.testclient import TestClient

    number = world.number()
    for step in case_steps(number, 2):
        assert world.post(OFFICER, step).status_code == 201
    absent = world.number()
    with TestClient(world.app, raise_server_exceptions=True) as client:
        login = client.post("/ui/login", data={"token": world.tokens[FAR], "next": "/ui/cases"},
                            follow_redirects=False)
        assert login.status_code == 303, login.text
        for path in ("/ui/cases/{n}", "/ui/events/case/{n}/1", "/ui/events/case/{n}/9", "/ui/streams/case/{n}"):
            existing = client.get(path.format(n=number))
            missing = client.get(path.format(n=absent))
            assert existing.status_code == missing.status_code == 403, path
            assert existing.text.replace(number, "N") == missing.text.replace(absent, "N"), path
