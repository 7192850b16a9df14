"""Issue 12, finding 3: no query or path parameter reaches SQL with a NUL, another control
character or bytes that are not UTF-8. ``GET /v1/public/registry?agency=%00`` was a 500 on
PostgreSQL; now every route (API and pages, enumerated from the routers) answers such a
parameter with a 400 problem (rule STRUCT-PARAMETER) and never a 5xx."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.routing import APIRoute
from hypothesis import given
from hypothesis import strategies as st

from api.server.app import default_areas
from api.server.params import bad_parameter
from tests.helpers.http_world import ADMIN, World, problem, world_on

PAGE_QUERY = ("agency", "case", "findings", "due", "year", "colour", "page", "as_of", "recorded", "next", "q",
              "status", "grade", "n", "seed")
"""Query parameters the pages read from ``request.query_params`` (not declared, so not in the schema)."""
BAD = ("%00", "%1f", "%ff", "abc%00def", "%ed%a0%80")  # NUL, a C0 control, not UTF-8, NUL inside, a lone surrogate
EVERY_ROUTE = ("%00", "%ed%a0%80")  # what the enumeration of every route sends (the rest: one route, below)


@pytest.fixture
def world(backend: str, tmp_path: Path) -> Iterator[World]:
    with world_on(backend, tmp_path) as made:
        yield made


def _routes() -> list[tuple[str, str, list[str], list[str]]]:
    """(method, path template, query parameter names, path parameter names) of every route of every area."""
    out = []
    for area in default_areas():
        for route in area.router.routes:
            if not isinstance(route, APIRoute):
                continue
            query = [str(p.alias) for p in route.dependant.query_params]
            if route.path.startswith(("/ui", "/public")) or route.path == "/":
                query = sorted(set(query) | set(PAGE_QUERY))
            names = [str(p.name) for p in route.dependant.path_params]
            for method in sorted(route.methods or ()):
                if method != "HEAD":
                    out.append((method, route.path, query, names))
    return out


def _fill(template: str, values: dict[str, str]) -> str:
    return re.sub(r"\{(\w+)(?::\w+)?\}", lambda m: values.get(m.group(1), "x1"), template)


def test_every_route_refuses_bad_query_and_path_parameters(world: World) -> None:
    routes = _routes()
    pairs = sum(len(q) + len(p) for _, _, q, p in routes)
    assert pairs > 40, "the routers were not enumerated"
    world.client.cookies.clear()
    login = world.client.post("/ui/login", data={"token": world.tokens[ADMIN], "next": "/ui/cases"},
                              follow_redirects=False)
    assert login.status_code in (302, 303), login.text
    failures = []
    for method, template, query, names in routes:
        for name in query:
            for bad in EVERY_ROUTE:
                url = f"{_fill(template, {})}?{name}={bad}"
                answer = world.client.request(method, url, headers=world.h(ADMIN), follow_redirects=False)
                if answer.status_code != 400:
                    failures.append((method, url, answer.status_code))
        for name in names:
            url = _fill(template, {name: "a%00b"})
            answer = world.client.request(method, url, headers=world.h(ADMIN), follow_redirects=False)
            if answer.status_code != 400:
                failures.append((method, url, answer.status_code))
    assert not failures, failures[:20]


def test_the_reported_query_is_a_problem_not_a_crash(world: World) -> None:
    body = problem(world.client.get("/v1/public/registry?agency=%00"), 400, "STRUCT-PARAMETER")
    assert "\x00" not in body["detail"] and body["parameter"] == "agency"
    for bad in BAD:
        problem(world.client.get(f"/v1/public/disclosures?agency={bad}"), 400, "STRUCT-PARAMETER")
    problem(world.client.get("/v1/public/disclosures?agency=%E4%B8%9C%00"), 400, "STRUCT-PARAMETER")
    # Clean values still work, tab-free Chinese included.
    assert world.client.get("/v1/public/registry?agency=DXH-CGJ").status_code == 200
    assert world.client.get("/v1/public/registry?agency=%E4%B8%9C%E8%A5%BF%E6%B9%96").status_code == 200


@given(st.text(max_size=20), st.text(max_size=20))
def test_guard_refuses_exactly_controls_and_invalid_utf8(name: str, value: str) -> None:
    from urllib.parse import quote

    query = f"{quote(name, safe='')}={quote(value, safe='')}".encode("ascii", "ignore") if _encodable(name, value) \
        else b"a=%ff"
    bad = not _encodable(name, value) or any(ch < " " or ch == "\x7f" for ch in name + value)
    assert (bad_parameter(b"/v1/x", query) is not None) == bad


def _encodable(*texts: str) -> bool:
    try:
        for text in texts:
            text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def test_guard_checks_the_raw_path() -> None:
    assert bad_parameter(b"/v1/streams/case/a%00b", b"") is not None
    assert bad_parameter(b"/v1/streams/case/a%c3", b"") is not None
    assert bad_parameter(b"/v1/streams/case/%E4%B8%9C", b"") is None
