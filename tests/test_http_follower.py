"""``serve`` keeps the projections and the audit table current in a thread of its own: a case
imported into the ledger appears in the case API and in ``audit_evaluations`` without any
``projections run`` or ``audit --refresh`` beside it — and not at all when following is off."""

from __future__ import annotations

import time
from pathlib import Path

import orjson

from api.server.config import HttpSettings
from audit.table import EvaluationRow, query
from ledger.importer import import_lines
from projections.sql import Database
from tests.helpers.http_world import ADMIN, OFFICER, World, example, world_at

CASE = "case/DXH-CGJ-2026-0012"


def _http(follow_interval: float) -> HttpSettings:
    return HttpSettings(integrate_interval=0, auth_cache_seconds=0, follow_interval=follow_interval)


def _import_general(world: World) -> None:
    lines = [orjson.dumps(s) for s in example("general-case")]
    result = import_lines(world.ledger, lines, actor=ADMIN)
    assert result.refusal is None, result.refusal


def test_served_app_projects_and_audits_new_steps(tmp_path: Path) -> None:
    with world_at(tmp_path, http=_http(0.1), follow=True) as world, world.client as client:
        _import_general(world)
        deadline = time.monotonic() + 60
        rows: list[EvaluationRow] = []
        while time.monotonic() < deadline:
            answer = client.get("/v1/cases/DXH-CGJ-2026-0012", headers=world.h(OFFICER))
            db = Database(world.ledger.store)
            try:
                rows = query(db, cases=[CASE]) if db.exists("audit_evaluations") else []
            finally:
                db.close()
            if answer.status_code == 200 and rows:
                break
            time.sleep(0.1)
        assert answer.status_code == 200, answer.text
        assert answer.json()["status"] == "archived"
        assert [r.grade for r in rows] == ["优秀"]
        assert world.app.state.follower.rounds >= 1


def test_without_follow_nothing_is_projected(tmp_path: Path) -> None:
    with world_at(tmp_path, http=_http(0.1), follow=False) as world, world.client as client:
        _import_general(world)
        time.sleep(0.5)
        assert client.get("/v1/cases/DXH-CGJ-2026-0012", headers=world.h(OFFICER)).status_code == 404
        assert world.app.state.follower is None
