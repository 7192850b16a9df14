"""Issue 13, defect 12 (second part): the demo has a supervisor token beside the admin's, and
rectifications ordered and answered (``RectificationOrdered``/``RectificationReported`` on
supervision streams, signed by a 司法局 supervisor, deterministic by seed, recorded live)."""

from __future__ import annotations

import io
import sqlite3
from collections.abc import Iterator
from contextlib import redirect_stdout
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from demo import SUPERVISOR, DemoData, generate
from domain.admission import validate
from domain.config import Config
from domain.errors import StepRefused
from domain.step import Step
from tests.helpers.examples import scaled
from tests.helpers.gate_context import MemoryContext

AS_OF = date(2026, 11, 25)
CONFIG = Config()

DEMO: dict[int, DemoData] = {}


def demo(seed: int, cases: int = 120) -> DemoData:
    if seed not in DEMO:
        DEMO[seed] = generate(cases, seed, AS_OF)
    return DEMO[seed]


def _supervisors(data: DemoData) -> dict[str, str]:
    """officer → agency, of the registry's supervisors."""
    return {s["stream"]: s["data"]["agency"] for s in data.registry
            if s["type"] == "OfficerRegistered" and "supervisor" in s["data"]["roles"]}


def test_the_demo_orders_and_answers_rectifications() -> None:
    data = demo(1)
    assert len(data.rectifications) >= 3
    assert {r.reported for r in data.rectifications} == {"on_time", "late", "none"}  # every follow-up state
    assert all((len(r.steps) == 1) == (r.reported == "none") for r in data.rectifications)
    live = [s for segment in data.segments() if not segment.backfill for s in segment.steps]
    assert all(s in live for r in data.rectifications for s in r.steps)  # recorded live, through the gates


@settings(max_examples=scaled(6), deadline=None)
@given(seed=st.integers(min_value=1, max_value=50))
def test_rectifications_are_lawful_signed_by_a_supervisor_and_reproducible(seed: int) -> None:
    """For all seeds: each order is by a supervisor of the agency that supervises the case's agency,
    names the case's defect, comes after the case's last step, is due later; a report follows the
    order; nothing on or after ``as_of``; the same seed gives the same steps."""
    data = generate(40, seed, AS_OF)
    assert data.rectifications == generate(40, seed, AS_OF).rectifications
    supervisors = _supervisors(data)
    supervised = {s["stream"]: s["data"].get("supervised_by") for s in data.registry
                  if s["type"] == "AgencyRegistered"}
    cases = {c.stream: c for c in data.cases}
    for r in data.rectifications:
        order, *rest = r.steps
        case = cases[r.case]
        assert case.defect is not None and order["data"]["findings"] == [case.defect.rule]
        assert order["type"] == "RectificationOrdered" and order["data"]["case"] == r.case == case.stream
        assert order["by"] in supervisors and supervisors[order["by"]] == supervised[r.agency]
        assert order["at"] > case.steps[-1]["at"] and order["data"]["due_at"] > order["at"]
        assert all(s["stream"] == r.stream and s["by"] == order["by"] for s in r.steps)
        for report in rest:
            assert report["type"] == "RectificationReported" and report["at"] > order["at"]
            assert report["data"]["actions"] and report["data"]["reported_at"] == report["at"]
            late = report["data"]["reported_at"] > order["data"]["due_at"]
            assert late == (r.reported == "late")
        assert date.fromisoformat(r.steps[-1]["at"][:10]) < data.as_of
    live = MemoryContext()
    refused: list[tuple[str, str, str]] = []
    for segment in data.segments():
        for raw in segment.steps:
            try:
                validate(Step.parse(raw), live, backfill=segment.backfill, config=CONFIG)
            except StepRefused as exc:
                refused.append((raw["stream"], raw["type"], exc.rule))
            live.append(raw)
    assert [r for r in refused if r[0].startswith("supervision/")] == []


def test_the_supervisor_is_a_registered_supervisor_only() -> None:
    officer = next(s for s in demo(1).registry if s["stream"] == SUPERVISOR)
    assert officer["type"] == "OfficerRegistered" and officer["data"]["roles"] == ["supervisor"]


# --------------------------------------------------------------------------- make run


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """``make run`` (api.run_local) on a fresh data directory with a small demo; the serve step replaced."""
    import api.run_local as run_local

    data = tmp_path_factory.mktemp("make-run") / "var"
    patch = pytest.MonkeyPatch()
    for key in [k for k in __import__("os").environ if k.startswith("LEDGER_")]:
        patch.delenv(key)
    patch.setenv("LEDGER_DATA", str(data))
    patch.setenv("LEDGER_DEMO_CASES", "40")
    real = run_local.cli_main

    def cli(argv: list[str]) -> int:
        return 0 if argv[:1] == ["serve"] else real(argv)

    patch.setattr(run_local, "cli_main", cli)
    out = io.StringIO()
    try:
        with redirect_stdout(out):
            assert run_local.main([]) == 0
        yield data, out.getvalue()
    finally:
        patch.undo()


@pytest.mark.slow
def test_make_run_prints_a_supervisor_token_beside_the_admins(made: tuple[Path, str]) -> None:
    data, printed = made
    admin = (data / "demo-token").read_text(encoding="utf-8").strip()
    supervisor = (data / "demo-supervisor-token").read_text(encoding="utf-8").strip()
    assert (data / "demo-supervisor-token").stat().st_mode & 0o777 == 0o600
    assert admin != supervisor and admin in printed and supervisor in printed
    assert f"({SUPERVISOR}" in printed and "demo-supervisor-token" in printed


@pytest.mark.slow
def test_the_supervisor_token_reads_the_rectifications_of_the_demo(made: tuple[Path, str]) -> None:
    from fastapi.testclient import TestClient

    from api.server.app import create_app
    from api.settings import Settings

    data, _ = made
    token = (data / "demo-supervisor-token").read_text(encoding="utf-8").strip()
    with sqlite3.connect(data / "ledger.sqlite") as conn:
        streams = [r[0] for r in conn.execute("SELECT DISTINCT originator_id FROM stored_events "
                                              "WHERE originator_id LIKE 'supervision/%'")]
        reports = conn.execute("SELECT COUNT(*) FROM (SELECT originator_id FROM stored_events WHERE originator_id "
                               "LIKE 'supervision/%' GROUP BY originator_id HAVING COUNT(*) >= 2)").fetchone()[0]
    assert streams and reports >= 1
    app: Any = create_app(Settings.load(str(data)))
    with TestClient(app) as client:
        client.cookies.set("elt_session", token)
        page = client.get("/ui/supervision")
        assert page.status_code == 200
        assert "已按期整改报告" in page.text or "逾期后报告" in page.text
        assert any(s.removeprefix("supervision/") in page.text for s in streams)
