"""Concurrent writers over HTTP, on SQLite and on PostgreSQL: If-Match lets exactly one win,
every acknowledged step is stored, the chain holds."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from ledger.verify import verify_store
from tests.helpers.http_world import OFFICER, World, case_steps, problem, world_on


@pytest.fixture
def world(backend: str, tmp_path: Path) -> Iterator[World]:
    with world_on(backend, tmp_path) as made:
        yield made


def test_if_match_lets_exactly_one_concurrent_writer_win(world: World) -> None:
    number = world.number()
    source, registered, inspection = case_steps(number, 3)
    assert world.post(OFFICER, source).status_code == 201
    assert world.post(OFFICER, registered).status_code == 201
    variants = []
    for i in range(8):
        step = {**inspection, "data": {**inspection["data"], "place": f"地点 {i}"}}
        variants.append(step)
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda s: world.post(OFFICER, s, headers={"If-Match": '"2"'}), variants))
    statuses = sorted(a.status_code for a in answers)
    assert statuses == [201] + [409] * 7, [a.text for a in answers]
    for answer in answers:
        if answer.status_code == 409:
            problem(answer, 409, "VERSION-MISMATCH")
    events = world.client.get(f"/v1/streams/case/{number}/events", headers=world.h(OFFICER)).json()["events"]
    assert [e["version"] for e in events] == [1, 2, 3]


def test_concurrent_writers_on_distinct_cases_all_land(world: World) -> None:
    cases = [case_steps(world.number(), 3) for _ in range(6)]

    def run(steps: list[dict[str, object]]) -> list[int]:
        return [world.post(OFFICER, step).status_code for step in steps]

    with ThreadPoolExecutor(6) as pool:
        results = list(pool.map(run, cases))
    assert all(codes == [201, 201, 201] for codes in results), results
    for steps in cases:
        kind, ident = str(steps[0]["stream"]).split("/", 1)
        head = world.client.get(f"/v1/streams/{kind}/{ident}/head", headers=world.h(OFFICER)).json()
        assert head["version"] == 3
    assert verify_store(world.ledger.store).ok
