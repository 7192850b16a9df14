"""The deployment's long-running followers as processes of their own: ``log integrate --follow
--checkpoint`` and ``audit --follow`` pick up a step recorded after they started within a bounded
time, and stop cleanly on SIGTERM and SIGINT (exit 0, a closing status line); the one loop they
share (``ledger.follow``) retries a failed round and ends within its slice once told to stop.
On PostgreSQL (the slow twin) the followers wait for NOTIFY: their poll is one minute, so picking
the step up within seconds proves the wake-up."""

from __future__ import annotations

import signal
import threading
import time
from pathlib import Path

import pytest

from api.cli import build_parser
from audit.table import query
from ledger.follow import SLICE, Wakeup, follow
from ledger.store import EventStore, StoreConfig
from ledger.translog import TransparencyLog
from projections.sql import Database
from tests.helpers.deployment import Deployment, deployment, eventually, stop, wait_started

CASE = "case/DXH-CGJ-2026-0012"
PICKUP = 60.0
"""Seconds a follower may take to show a new step (a busy 2-core machine; typically under 2)."""


def _poll(backend: str) -> str:
    return "60" if backend == "postgres" else "0.2"


def _events(made: Deployment) -> int:
    store = EventStore(_config(made))
    try:
        return store.count()
    finally:
        store.close()


def _config(made: Deployment) -> StoreConfig:
    if "LEDGER_POSTGRES_DSN" in made.env:
        return StoreConfig(postgres_dsn=made.env["LEDGER_POSTGRES_DSN"],
                           postgres_schema=made.env["LEDGER_POSTGRES_SCHEMA"])
    return StoreConfig(sqlite_path=str(made.data / "ledger.sqlite"))


def _checkpointed(made: Deployment) -> int:
    store = EventStore(_config(made))
    try:
        log = TransparencyLog(store, create=False)
        try:
            latest = log.latest_checkpoint()
            return 0 if latest is None else latest.size
        finally:
            log.close()
    finally:
        store.close()


def _evaluated(made: Deployment) -> list[str]:
    store = EventStore(_config(made))
    db = Database(store)
    try:
        return [r.case for r in query(db)] if db.exists("audit_evaluations") else []
    finally:
        db.close()
        store.close()


@pytest.mark.slow  # a process waiting on the log's cadence
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_log_integrate_follow_integrates_and_signs_new_steps(backend: str, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch, sig: int) -> None:
    with deployment(backend, tmp_path, monkeypatch) as made:
        made.env["LEDGER_LOG_CHECKPOINT_INTERVAL"] = "0.5"
        process = made.start("log", "integrate", "--follow", "--checkpoint", "--poll", _poll(backend))
        try:
            started = wait_started(process)
            assert "透明日志集成运行中" in started and "签署检查点" in started
            eventually(lambda: _checkpointed(made) == _events(made), PICKUP, "the registry signed")
            made.import_example("general-case")
            events = _events(made)
            eventually(lambda: _checkpointed(made) == events, PICKUP, "the new case integrated and signed")
        finally:
            code, _, err = stop(process, sig)
        assert code == 0, err
        assert f"已停止: 共集成 {events} 个事件" in err and f"树大小 {events}" in err
        assert "已签署检查点" in err


@pytest.mark.slow
def test_log_integrate_follow_without_checkpoint_signs_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without ``--checkpoint`` the follower only integrates: the boundary of the signing flag."""
    with deployment("sqlite", tmp_path, monkeypatch) as made:
        made.env["LEDGER_LOG_CHECKPOINT_INTERVAL"] = "0.5"
        process = made.start("log", "integrate", "--follow", "--poll", "0.2", "--json")
        try:
            assert "不签署检查点" in wait_started(process)
            made.import_example("general-case")
            time.sleep(1.5)
        finally:
            code, out, err = stop(process)
        assert code == 0, err
        assert _checkpointed(made) == 0
        assert f'"size": {_events(made)}' in out.splitlines()[-1]  # a JSON line per round


@pytest.mark.slow  # a follower process: the fast tier keeps the loop they share and the rounds in process
def test_audit_follow_evaluates_a_new_case(backend: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with deployment(backend, tmp_path, monkeypatch) as made:
        process = made.start("audit", "--follow", "--poll", _poll(backend), "--as-of", "2026-12-31")
        try:
            assert "评查结果表跟随中" in wait_started(process)
            assert _evaluated(made) == []
            made.import_example("general-case")
            eventually(lambda: _evaluated(made) == [CASE], PICKUP, "the new case evaluated")
        finally:
            code, _, err = stop(process)
        assert code == 0, err
        assert "重新评查 1 件案卷" in err and "已停止" in err


def test_audit_follow_stands_alone() -> None:
    parser = build_parser()
    for extra in (["--all"], ["--refresh"], ["--case", "DXH-CGJ-2026-0012"], ["--poll", "0"]):
        args = parser.parse_args(["audit", "--follow", *extra])
        assert args.run(None, args) == 2  # refused before any settings are read


def test_help_teaches_the_followers(capsys: pytest.CaptureFixture[str]) -> None:
    for command in (["log", "integrate"], ["audit"]):
        with pytest.raises(SystemExit):
            build_parser().parse_args([*command, "--help"])
        text = capsys.readouterr().out
        assert "--follow" in text and "NOTIFY" in text and "SIGTERM" in text and "docs/operations.md" in text


# -- the loop they share ------------------------------------------------------------------


def test_a_failed_round_is_retried_and_work_goes_on_at_once(tmp_path: Path) -> None:
    store = EventStore(StoreConfig(sqlite_path=str(tmp_path / "ledger.sqlite")))
    stopping = threading.Event()
    seen: list[int] = []
    script = iter([RuntimeError("database restarting"), 3, 2, 0])

    def round() -> int:
        item = next(script, None)
        if isinstance(item, Exception):
            raise item
        if item is None:
            stopping.set()
            return 0
        return item

    try:
        began = time.monotonic()
        rounds = follow(round, stopping, store=store, poll=0.05, name="test", on_round=seen.append)
    finally:
        store.close()
    assert rounds == 5 and seen == [3, 2]
    assert time.monotonic() - began < 5


def test_stop_ends_a_long_wait_within_the_slice(tmp_path: Path) -> None:
    store = EventStore(StoreConfig(sqlite_path=str(tmp_path / "ledger.sqlite")))
    stopping = threading.Event()
    thread = threading.Thread(target=follow, args=(lambda: 0, stopping),
                              kwargs={"store": store, "poll": 600.0, "name": "idle"})
    try:
        thread.start()
        time.sleep(0.3)
        began = time.monotonic()
        stopping.set()
        thread.join(timeout=10)
        assert not thread.is_alive()
        assert time.monotonic() - began < SLICE + 1.0
    finally:
        store.close()


def test_sqlite_wakeup_is_a_timer(tmp_path: Path) -> None:
    store = EventStore(StoreConfig(sqlite_path=str(tmp_path / "ledger.sqlite")))
    wakeup = Wakeup(store)
    try:
        began = time.monotonic()
        assert wakeup.wait(threading.Event(), 0.3) is False
        assert 0.3 <= time.monotonic() - began < 2
    finally:
        wakeup.close()
        store.close()


@pytest.mark.postgres
def test_processes_starting_at_once_on_one_schema(tmp_path: Path) -> None:
    """The deployment's processes start together: opening the store runs eventsourcing's DDL (its
    ``CREATE OR REPLACE FUNCTION`` failed with "tuple concurrently updated" before it took a lock)."""
    from tests.helpers.stores import store_config

    with store_config("postgres", tmp_path) as config:
        EventStore(config).close()
        errors: list[str] = []

        def opens() -> None:
            for _ in range(10):
                try:
                    EventStore(config).close()
                except Exception as exc:
                    errors.append(repr(exc))

        threads = [threading.Thread(target=opens) for _ in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []


def test_sqlite_wakeup_sees_another_process_append_at_once(tmp_path: Path) -> None:
    """On SQLite a wait ends at the next look at the highest notification id (``HEAD_POLL``) once
    another connection — another process — appends, not after ``poll``; and at once when this
    process's own :class:`Signal` is notified."""
    from ledger.follow import HEAD_POLL, Signal
    from tests.test_edges_projections import inject_nul_case

    path = str(tmp_path / "ledger.sqlite")
    store, other = EventStore(StoreConfig(sqlite_path=path)), EventStore(StoreConfig(sqlite_path=path))
    signal = Signal()
    wakeup = Wakeup(store, signal.listen())
    try:
        wakeup.mark()
        threading.Timer(0.2, lambda: inject_nul_case(other)).start()
        began = time.monotonic()
        assert wakeup.wait(threading.Event(), 600.0) is True
        assert time.monotonic() - began < 0.2 + HEAD_POLL + 5
        assert wakeup.by_signal == 0
        wakeup.mark()
        threading.Timer(0.2, signal.notify).start()
        assert wakeup.wait(threading.Event(), 600.0) is True
        assert wakeup.by_signal == 1
    finally:
        wakeup.close()
        store.close()
        other.close()
