"""``/v1/cases/{n}/audit`` answers from the audit table when its row is current (defect 10).

Evaluating on the fly took 0.1–0.3 s a case; the row the follower keeps costs one query. The
route must give exactly what a fresh evaluation gives, and evaluate again when the row is
missing, made for another day, or older than an event of the case.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

import api.server.routes_cases as routes_cases
from api.server.readmodels import read_models
from audit.current import context_for
from audit.store import LedgerSource
from audit.table import AuditFollower
from projections.sql import Database
from tests.helpers.http_reads import Populated, populated_at
from tests.helpers.http_world import ADMIN, case_steps

TODAY = date(2026, 12, 6)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Populated]:
    with populated_at(tmp_path_factory.mktemp("audit-stored")) as populated:
        yield populated


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Counts the evaluator's calls made by the route (``routes_cases.evaluate``)."""
    seen: list[str] = []
    real = routes_cases.evaluate

    def counting(stream: str, *args: Any, **kwargs: Any) -> Any:
        seen.append(stream)
        return real(stream, *args, **kwargs)

    monkeypatch.setattr(routes_cases, "evaluate", counting)
    return seen


def follow(site: Populated, today: date = TODAY) -> None:
    db = Database(site.world.ledger.store)
    try:
        AuditFollower(db, workers=1).run_once(today)
    finally:
        db.close()


def audit(site: Populated, stream: str, as_of: date = TODAY) -> Any:
    answer = site.world.client.get(f"/v1/cases/{stream.split('/', 1)[1]}/audit", headers=site.world.h(ADMIN),
                                   params={"as_of": as_of.isoformat()})
    assert answer.status_code == 200, answer.text
    return answer.json()


def fresh(site: Populated, stream: str, as_of: date = TODAY) -> Any:
    models = read_models(site.world.app.state.services)
    source = LedgerSource(models.db)
    group = source.group(stream)
    assert group is not None
    ev = routes_cases.evaluate(group.stream, group.history, source.context(as_of, models.config),
                               reviews=group.reviews, lawsuits=group.lawsuits)
    return ev.as_json()


def test_the_route_answers_from_the_table_without_evaluating(site: Populated, calls: list[str]) -> None:
    follow(site)
    for stream in (site.full, site.withdrawn, site.scj, site.far):
        assert audit(site, stream) == fresh(site, stream)
    calls.clear()  # fresh() evaluated
    for stream in (site.full, site.withdrawn, site.scj, site.far):
        audit(site, stream)
    assert calls == []


def test_without_a_table_row_the_route_evaluates(site: Populated, calls: list[str]) -> None:
    follow(site)
    answer = audit(site, site.full, date(2026, 6, 1))  # another day than the row's, the file not settled
    assert calls == [site.full]
    assert answer == fresh(site, site.full, date(2026, 6, 1))


def test_a_step_after_the_row_makes_the_route_evaluate(site: Populated, calls: list[str]) -> None:
    follow(site)
    audit(site, site.withdrawn)
    assert calls == []
    step = case_steps(site.withdrawn.split("/", 1)[1], 3)[-1]  # the general case's third step
    answer = site.world.client.post("/v1/steps", json=step, headers=site.world.h(ADMIN),
                                    params={"backfill": "true"})
    assert answer.status_code == 201, answer.text
    now = audit(site, site.withdrawn)
    assert calls == [site.withdrawn]
    assert now == fresh(site, site.withdrawn)
    follow(site)  # the follower catches up: the table answers again
    calls.clear()
    assert audit(site, site.withdrawn) == now
    assert calls == []


def test_another_cases_step_the_history_reads_makes_it_evaluate(site: Populated, calls: list[str]) -> None:
    """A step of another case the context's history reads (a decision: PEN-32/36) may change this one."""
    follow(site)
    other = site.world.number()
    answer = site.world.client.post("/v1/steps:batch", json={"steps": case_steps(other, 2)},
                                    headers=site.world.h(ADMIN), params={"backfill": "true"})
    assert answer.status_code == 201, answer.text
    assert audit(site, site.full) == fresh(site, site.full)
    assert site.full in calls


@pytest.mark.slow
def test_for_every_case_of_a_demo_the_stored_answer_is_the_fresh_one(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A demo year (defects, 复议, lawsuits, a party's several files): the route answers every case
    from the table, without evaluating, exactly as a fresh evaluation does."""
    from datetime import datetime

    from audit.store import LedgerSource
    from domain.calendar import SHANGHAI
    from tests.helpers.pages_site import site_at

    with site_at(tmp_path, cases=120) as site:
        today = datetime.now(SHANGHAI).date()
        db = Database(site.app.state.services.ledger.store)
        try:
            AuditFollower(db, workers=1).run_once(today)
            streams = LedgerSource(db).cases()
        finally:
            db.close()
        assert len(streams) >= 120
        models = read_models(site.app.state.services)
        seen: list[str] = []
        real = routes_cases.evaluate
        monkeypatch.setattr(routes_cases, "evaluate",
                            lambda stream, *a, **k: seen.append(stream) or real(stream, *a, **k))
        headers = {"Authorization": f"Bearer {site.tokens['admin']}"}
        answers = {}
        for stream in streams:
            got = site.client.get(f"/v1/cases/{stream.split('/', 1)[1]}/audit", headers=headers)
            assert got.status_code == 200, got.text
            answers[stream] = got.json()
        assert seen == []
        source = LedgerSource(models.db)
        ctx = source.context(today, models.config)
        for stream in streams:
            group = source.group(stream)
            assert group is not None
            fresh_ev = real(group.stream, group.history, ctx, reviews=group.reviews, lawsuits=group.lawsuits)
            assert answers[stream] == fresh_ev.as_json(), stream
            assert evaluated_alone(models.db, stream, today, models.config) == answers[stream], stream


def evaluated_alone(db: Database, stream: str, as_of: date, config: Any) -> Any:
    """The case evaluated with the context read for it alone (``audit.current.context_for``)."""
    found = context_for(db, stream, as_of, config)
    assert found is not None
    history, ctx, reviews, lawsuits = found
    return routes_cases.evaluate(stream, history, ctx, reviews=reviews, lawsuits=lawsuits).as_json()


def test_the_context_read_for_one_case_gives_what_the_whole_ledger_gives(site: Populated) -> None:
    """Issue 17: a case without a current row is evaluated with its party's files and the reviewers'
    first reviews from the audit's tables plus the events after them — not a scan of every case —
    and that gives exactly the evaluation a context over the whole ledger gives: with the table
    current, and with steps after it (a party's other file decided, a new case, a review)."""
    models = read_models(site.world.app.state.services)
    follow(site)
    streams = LedgerSource(models.db).cases()
    for stream in streams:
        assert evaluated_alone(models.db, stream, TODAY, models.config) == fresh(site, stream), stream
    for number in (site.world.number(), site.world.number()):  # the same party's new files, not yet followed
        answer = site.world.client.post("/v1/steps:batch", json={"steps": case_steps(number)},
                                        headers=site.world.h(ADMIN), params={"backfill": "true"})
        assert answer.status_code == 201, answer.text
    for stream in LedgerSource(models.db).cases():
        assert evaluated_alone(models.db, stream, TODAY, models.config) == fresh(site, stream), stream
