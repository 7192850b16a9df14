"""Issue 12 at the projections' edges.

Finding 10: a ``kill -9`` of the process that forked the fold workers (``projections
rebuild``/``run``, an audit over every file) leaves no worker behind.

Finding 3: an event a projection cannot apply is parked (a counted ``proj_poison`` row with
the reason) and the runner goes on; ``projections status`` and ``/readyz`` report it and
readiness does not depend on it; a rebuild parks the same events and still equals the
incremental run.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from unittest.mock import patch

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import projections.groups as groups_module
import projections.runner as runner_module
from ledger import canonical
from ledger.envelope import FORMAT, SealedEvent, seal
from ledger.keys import SigningKey
from ledger.store import EventStore, StoreConfig
from projections import poison
from projections.runner import Runner, rebuild, status
from projections.sql import Database
from tests.helpers.examples import scaled
from tests.helpers.projection_ledgers import GENERAL, SUMMARY, dump, import_examples, lines, new_ledger, table
from tests.helpers.stores import store_config

ROOT = Path(__file__).resolve().parent.parent

# --------------------------------------------------------------------------- finding 10: orphans

_PROJECTIONS_PARENT = """
    import sys, time
    from unittest.mock import patch
    import projections.pool as pool_module
    import projections.runner as runner_module
    from tests.helpers.projection_ledgers import import_examples, new_ledger
    from ledger.store import StoreConfig

    def stuck(*_):
        time.sleep(120)  # a long fold: the parent is killed meanwhile

    ledger = new_ledger(StoreConfig(sqlite_path=sys.argv[1]), __import__("pathlib").Path(sys.argv[2]))
    import_examples(ledger)
    with patch.object(runner_module, "PARALLEL_GROUPS", 1), patch.object(pool_module, "_fold_part", stuck):
        print("READY", flush=True)
        runner_module.rebuild(ledger.store, workers=2)
"""

_AUDIT_PARENT = """
    import sys, time
    from unittest.mock import patch
    import audit.parallel as parallel

    def stuck(group):
        time.sleep(120)

    with patch.object(parallel, "_evaluate", stuck):
        print("READY", flush=True)
        list(parallel.evaluate_raw(([("case/x", [], {}, {})] * 8), None, workers=2))
"""

_WATCHED = """
    import ledger.lifeline
    ledger.lifeline._death_signal = lambda: False  # the portable way: a thread watching the parent
"""


def _children(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found |= {int(p) for p in (task / "children").read_text().split()}
        except OSError:
            continue
    return found


def _alive(pid: int) -> bool:
    """Running (a zombie, dead but not yet reaped by init, does not count)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.slow  # a parent killed with -9: the slow tier holds the crash tests
@pytest.mark.parametrize("script", [_PROJECTIONS_PARENT, _AUDIT_PARENT, _WATCHED + _PROJECTIONS_PARENT],
                         ids=["rebuild", "audit", "rebuild-without-prctl"])
def test_fork_workers_die_with_a_killed_parent(tmp_path: Path, script: str) -> None:
    parent = subprocess.Popen([sys.executable, "-c", textwrap.dedent(script), str(tmp_path / "ledger.sqlite"),
                               str(tmp_path / "keys.json")], cwd=ROOT, stdout=subprocess.PIPE, text=True,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})
    workers: set[int] = set()
    try:
        assert parent.stdout is not None
        assert parent.stdout.readline().strip() == "READY"
        deadline = time.monotonic() + 60
        while len(workers) < 2 and time.monotonic() < deadline:
            workers = {p for p in _children(parent.pid) if _alive(p)}
            time.sleep(0.05)
        assert len(workers) >= 2, "the parent never forked its workers"
        time.sleep(0.3)  # let them reach their initializer
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait(10)
        deadline = time.monotonic() + 5
        while any(_alive(p) for p in workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        left = [p for p in workers if _alive(p)]
        assert not left, f"workers {left} outlived their killed parent"
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait(10)
        for pid in workers:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("command", [["projections", "rebuild", "--workers", "2"], ["projections", "run", "--once"]],
                         ids=["rebuild", "run"])
def test_kill_9_of_the_cli_on_a_demo_leaves_no_worker(tmp_path: Path, command: list[str]) -> None:
    """The reported case, unpatched: the real command folding a 2,000-case demo, killed while its workers fold
    (``run`` on empty read models over a long ledger rebuilds first, with the same workers)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "LEDGER_KEY_PASSPHRASE": "orphans"}
    env.pop("LEDGER_POSTGRES_DSN", None)
    cli = [sys.executable, "-m", "api.cli", "--data", str(tmp_path / "var")]
    subprocess.run([*cli, "init"], cwd=ROOT, env=env, check=True, capture_output=True)
    subprocess.run([*cli, "demo", "--cases", "2000", "--seed", "7"], cwd=ROOT, env=env, check=True,
                   capture_output=True)
    for attempt in range(5):  # noqa: B007  # the fold lasts about a second: catch the workers in it
        parent = subprocess.Popen([*cli, *command], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)
        workers: set[int] = set()
        try:
            deadline = time.monotonic() + 120
            while len(workers) < 2 and parent.poll() is None and time.monotonic() < deadline:
                workers = {p for p in _children(parent.pid) if _alive(p)}
                time.sleep(0.01)
            if len(workers) < 2:
                continue  # finished before it was caught: again, from empty read models
            os.kill(parent.pid, signal.SIGKILL)
            parent.wait(10)
            deadline = time.monotonic() + 5
            while any(_alive(p) for p in workers) and time.monotonic() < deadline:
                time.sleep(0.05)
            assert not [p for p in workers if _alive(p)], "workers outlived their killed parent"
            return
        finally:
            if parent.poll() is None:
                parent.kill()
                parent.wait(10)
            for pid in workers:
                if _alive(pid):
                    os.kill(pid, signal.SIGKILL)
            _empty_read_models(tmp_path / "var" / "ledger.sqlite")
    pytest.fail(f"the workers were never caught folding in {attempt + 1} attempts")


def _empty_read_models(path: Path) -> None:
    import sqlite3

    with sqlite3.connect(path) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND "
                                             "(name LIKE 'proj%' OR name LIKE 'pub%' OR name LIKE 'stat%')")]
        for name in tables:
            conn.execute(f'DROP TABLE "{name}"')
        conn.execute("DELETE FROM tracking")


# --------------------------------------------------------------------------- finding 3: parking

NUL_CASE = "case/DXH-CGJ-2026-9000"
_MARK = "NULMARK"


def inject_nul_case(store: EventStore, stream: str = NUL_CASE, *, key: SigningKey | None = None,
                    where: str = "party") -> int:
    """Write a ``CaseRegistered`` whose party name holds NUL straight into the store, sealed and signed
    with a test key, as a ledger written before the encoding refused NUL holds it. Returns its position.

    The canonical bytes are made with a placeholder that is then replaced by the escape ``\\u0000``, so
    this keeps working once the canonical encoder refuses NUL in new steps."""
    step = next(s for s in lines("general-case") if s["type"] == "CaseRegistered")
    data = orjson.loads(orjson.dumps(step["data"]))
    if where == "party":
        data["party"]["name"] = f"味香{_MARK}餐饮"
    else:  # the agency: a column of the audit's table too
        data["agency"] = f"agency/DXH-CGJ{_MARK}"
    key = key or SigningKey.generate()
    envelope = {**step, "stream": stream, "data": data, "format": FORMAT, "backfilled": True,
                "recorded_at": datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
                "version": 1, "prev": None, "nonce": "AAAAAAAAAAAAAAAAAAAAAAAA",
                "signer": {"id": step["by"], "key": key.key_id}}
    unsigned = canonical.encode(envelope).replace(_MARK.encode(), b"\\u0000")
    stored = orjson.loads(unsigned)["data"]
    assert "\x00" in stored["party"]["name"] + stored["agency"]
    store.append([SealedEvent.from_stored(seal(unsigned, key.sign(unsigned)))])
    return max(n.id for n in store.notifications())


def _poison_rows(store: EventStore) -> list[dict[str, Any]]:
    return table(store, "proj_poison")


@pytest.fixture
def examples(backend: str, tmp_path: Path) -> Iterator[Any]:
    with store_config(backend, tmp_path) as config:
        ledger = new_ledger(config, tmp_path / "keys.json")
        try:
            import_examples(ledger)
            yield ledger
        finally:
            ledger.close()


def test_a_nul_party_name_is_parked_and_the_runner_goes_on(examples: Any) -> None:
    """The reported case: before, ``run_once`` raised (DataError on PostgreSQL) and every later event waited."""
    store = examples.store
    position = inject_nul_case(store)
    runner = Runner(store)
    try:
        assert runner.run_once() > 0
        assert runner.position == Database(store).head()
    finally:
        runner.close()
    rows = _poison_rows(store)
    assert [(r["nid"], r["stream"], r["version"], r["type"]) for r in rows] == \
        [(position, NUL_CASE, 1, "CaseRegistered")]
    assert "NUL" in rows[0]["reason"] and "\x00" not in rows[0]["reason"]
    assert all(s.lag == 0 for s in status(store))
    cases = {r["grp"] for r in table(store, "proj_cases")}
    assert GENERAL in cases and SUMMARY in cases and NUL_CASE not in cases
    assert [r["stream"] for r in table(store, "proj_backfills") if r["stream"] == NUL_CASE] == [NUL_CASE]
    incremental = dump(store)
    rebuild(store, workers=1)
    assert dump(store) == incremental
    assert len(_poison_rows(store)) == 1  # parked once, however often it is met


def _fold_failing_on(stream: str, version: int) -> Any:
    """A ``fold_casefile`` that raises whenever ``stream``'s history holds ``version`` (a fold bug)."""
    real = groups_module.fold_casefile

    def fold(key: str, history: Any, **kwargs: Any) -> Any:
        if key == stream and any(e.get("version") == version for e in history):
            raise RuntimeError(f"boom at {stream} v{version}")
        return real(key, history, **kwargs)

    return fold


@pytest.mark.parametrize("batch", [1, 7, 2000])
def test_a_fold_that_fails_parks_the_event_that_makes_it_fail(tmp_path: Path, batch: int) -> None:
    with store_config("sqlite", tmp_path) as config:
        ledger = new_ledger(config, tmp_path / "keys.json")
        try:
            import_examples(ledger)
            store = ledger.store
            with patch.object(groups_module, "fold_casefile", _fold_failing_on(GENERAL, 3)):
                runner = Runner(store, batch=batch)
                try:
                    runner.run_once()
                    assert runner.position == Database(store).head()
                finally:
                    runner.close()
                incremental = dump(store)
                parked = _poison_rows(store)
                assert [(r["stream"], r["version"], r["projection"]) for r in parked] == [(GENERAL, 3, "fold")]
                assert "boom" in parked[0]["reason"]
                general = next(r for r in table(store, "proj_cases") if r["grp"] == GENERAL)
                assert general["events"] == len(store.stream(GENERAL)) - 1  # every other event is applied
                for workers in (1, 2):
                    with patch.object(runner_module, "PARALLEL_GROUPS", 1):
                        rebuild(store, workers=workers)
                    assert dump(store) == incremental, workers
        finally:
            ledger.close()


def test_a_fresh_rebuild_parks_what_an_incremental_run_parks(tmp_path: Path) -> None:
    """Without the incremental run's ``proj_poison`` rows, a rebuild finds the same events on its own."""
    with store_config("sqlite", tmp_path) as config:
        ledger = new_ledger(config, tmp_path / "keys.json")
        try:
            import_examples(ledger)
            inject_nul_case(ledger.store)
            store = ledger.store
            with patch.object(groups_module, "fold_casefile", _fold_failing_on(GENERAL, 5)):
                runner = Runner(store, batch=3)
                runner.run_once()
                runner.close()
                incremental, parked = dump(store), _poison_rows(store)
                db = Database(store)
                with db.write() as cur:
                    cur.execute("DELETE FROM proj_poison")
                db.close()
                with patch.object(runner_module, "PARALLEL_GROUPS", 1):
                    rebuild(store, workers=2)
                assert dump(store) == incremental
                assert [(r["nid"], r["projection"]) for r in _poison_rows(store)] == \
                    [(r["nid"], r["projection"]) for r in parked]
        finally:
            ledger.close()


@settings(max_examples=scaled(5), deadline=None)
@given(st.data())
def test_parking_is_a_function_of_the_events(tmp_path_factory: pytest.TempPathFactory, data: st.DataObject) -> None:
    """For any failing (stream, version) and any batch size, incremental == rebuild and one event is parked."""
    _parking_is_a_function_of_the_events(tmp_path_factory, data)


@pytest.mark.slow
@settings(max_examples=scaled(100), deadline=None)
@given(st.data())
def test_parking_is_a_function_of_the_events_at_length(tmp_path_factory: pytest.TempPathFactory,
                                                        data: st.DataObject) -> None:
    _parking_is_a_function_of_the_events(tmp_path_factory, data)


def _parking_is_a_function_of_the_events(tmp_path_factory: pytest.TempPathFactory, data: st.DataObject) -> None:
    tmp = tmp_path_factory.mktemp("park")
    with store_config("sqlite", tmp) as config:
        ledger = new_ledger(config, tmp / "keys.json")
        try:
            import_examples(ledger, ["registry", "general-case", "summary-case"])
            store = ledger.store
            stream = data.draw(st.sampled_from([GENERAL, SUMMARY]))
            version = data.draw(st.integers(1, len(store.stream(stream))))
            batch = data.draw(st.integers(1, 40))
            with patch.object(groups_module, "fold_casefile", _fold_failing_on(stream, version)):
                runner = Runner(store, batch=batch)
                runner.run_once()
                runner.close()
                incremental = dump(store)
                assert [(r["stream"], r["version"]) for r in _poison_rows(store)] == [(stream, version)]
                rebuild(store, workers=1)
                assert dump(store) == incremental
        finally:
            ledger.close()


def test_cli_run_once_exits_0_and_status_shows_the_parked_event(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    from api.cli import main

    monkeypatch.setenv("LEDGER_KEY_PASSPHRASE", "cli-test")
    monkeypatch.delenv("LEDGER_POSTGRES_DSN", raising=False)
    data = tmp_path / "var"
    assert main(["--data", str(data), "init"]) == 0
    store = EventStore(StoreConfig(sqlite_path=str(data / "ledger.sqlite")))
    try:
        position = inject_nul_case(store)
    finally:
        store.close()
    capsys.readouterr()
    assert main(["--data", str(data), "projections", "run", "--once"]) == 0
    capsys.readouterr()
    assert main(["--data", str(data), "projections", "status", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["parked"]["count"] == 1
    assert doc["parked"]["events"][0]["position"] == position
    assert doc["parked"]["events"][0]["stream"] == NUL_CASE
    assert all(p["lag"] == 0 for p in doc["projections"])
    assert main(["--data", str(data), "projections", "status"]) == 0
    text = capsys.readouterr().out
    assert "搁置" in text and NUL_CASE in text


def test_readiness_reports_the_parked_event_and_stays_ready(backend: str, tmp_path: Path) -> None:
    from tests.helpers.http_world import world_at

    with store_config(backend, tmp_path) as config:
        extra = {} if backend == "sqlite" else {"postgres": (config.postgres_dsn, config.postgres_schema)}
        with world_at(tmp_path, **extra) as world:
            store = world.ledger.store
            position = inject_nul_case(store)
            runner = Runner(store)
            try:
                runner.run_once()
            finally:
                runner.close()
            answer = world.client.get("/readyz")
            assert answer.status_code == 200, answer.text
            checks = answer.json()["checks"]
            found = next(c for c in checks if c["name"] == "projections")
            assert found["ok"] is True
            assert found["detail"]["parked"] == 1
            assert found["detail"]["first_parked"][0]["position"] == position


def test_the_audit_follower_is_not_stopped_by_the_nul_event(examples: Any) -> None:
    from datetime import date

    from audit.table import AuditFollower

    store = examples.store
    inject_nul_case(store)  # the party name: the audit's tables hold a digest of it, no stall
    inject_nul_case(store, NUL_CASE + "A", where="agency")  # the agency: a text column of audit_evaluations
    db = Database(store)
    try:
        follower = AuditFollower(db, workers=1)
        follower.run_once(date(2026, 6, 1))
        assert follower.position() == db.head()
        rows = {r["grp"] for r in table(store, "audit_evaluations")}
        assert GENERAL in rows and NUL_CASE in rows and NUL_CASE + "A" not in rows
        parked = [p for p in poison.latest(db) if p.source == "audit"]
        assert [p.stream for p in parked] == [NUL_CASE + "A"]
        assert "NUL" in parked[0].reason
    finally:
        db.close()

