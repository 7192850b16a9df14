"""The public list of decisions (penalties and licences together) and a licence's public page, on both
stores: the merged query is the same SQL on SQLite and PostgreSQL (the PostgreSQL twin runs in the
slow tier, as every storage test's does)."""

from __future__ import annotations

from pathlib import Path

from projections.runner import Runner
from tests.helpers.http_world import ADMIN, world_on
from tests.helpers.kinds_examples import licence_steps
from tests.helpers.spec_paths import EXAMPLES

NUMBER = "DXH-SPJ-XK-2026-0031"
DOCUMENT_NO = "东审批许字〔2026〕第0031号"


def test_the_public_list_and_page_of_a_licence(backend: str, tmp_path: Path) -> None:
    with world_on(backend, tmp_path) as world:
        general = [line for line in (EXAMPLES / "general-case.jsonl").read_text(encoding="utf-8").splitlines() if line]
        for line in general:
            assert world.client.post("/v1/steps", content=line.encode(), headers={
                **world.h(ADMIN), "Content-Type": "application/json"}).status_code == 201
        for step in licence_steps():
            assert world.post(ADMIN, step).status_code == 201, step["type"]
        runner = Runner(world.ledger.store)
        runner.run_once()
        runner.close()
        listed = world.client.get("/public/")
        assert listed.status_code == 200 and NUMBER in listed.text and "DXH-CGJ-2026-0012" in listed.text
        only = world.client.get("/public/", params={"kind": "licence"})
        assert only.status_code == 200 and NUMBER in only.text and "DXH-CGJ-2026-0012" not in only.text
        page = world.client.get(f"/public/licences/{NUMBER}")
        assert page.status_code == 200 and DOCUMENT_NO in page.text
        answer = world.client.get(f"/v1/public/licences/{NUMBER}")
        assert answer.status_code == 200 and DOCUMENT_NO in answer.text
