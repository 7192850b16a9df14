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
from tests.helpers.http_world import ADMIN, OFFICER, World, case_steps, example, world_at

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


def test_a_step_recorded_over_http_wakes_the_follower(tmp_path: Path) -> None:
    """Issue 17's freshness: the step route's commit wakes the follower thread at once — with a poll
    interval of ten minutes the new case still reaches its timeline and the audit table, and the
    wait that ended was ended by the commit (``Services.committed``), not by a timer."""
    with world_at(tmp_path, http=_http(600.0), follow=True) as world, world.client as client:
        follower = world.app.state.follower
        follower.wakeup._moved = lambda: False  # no look at the head: only the commit or the timer ends a wait
        deadline = time.monotonic() + 30
        seen = -1
        while (follower.rounds < 1 or follower.rounds != seen) and time.monotonic() < deadline:
            seen = follower.rounds  # until the first rounds are done and it waits
            time.sleep(0.3)
        woken = follower.wakeup.by_signal
        number = world.number()
        answer = world.post(ADMIN, case_steps(number, 1)[0], params={"backfill": "true"})
        assert answer.status_code == 201, answer.text
        stream = f"case/{number}"
        timeline: list[object] = []
        rows: list[EvaluationRow] = []
        while time.monotonic() < deadline and not (timeline and rows):
            found = client.get(f"/v1/cases/{number}/timeline", headers=world.h(ADMIN))
            timeline = found.json()["timeline"] if found.status_code == 200 else []
            db = Database(world.ledger.store)
            try:
                rows = query(db, cases=[stream])
            finally:
                db.close()
            time.sleep(0.05)
        assert timeline and rows, "the new case did not reach the read models and the audit table"
        assert follower.wakeup.by_signal > woken
