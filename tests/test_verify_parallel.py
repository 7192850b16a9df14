"""verify's workers: the report is the same whether rows are derived here, on threads or on forked
processes, in ranges of any size — for intact and tampered stores alike; a signature the workers
checked with another key than the sequence registered is checked again; a row read twice never is.

The tamper tests (tests/test_tamper.py) verify small stores, which ``verify_store`` derives in
this process: here ``CHUNK`` is made small so that the same stores go through the pools.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ledger.verify as verify
from ledger.store import EventStore, StoreConfig
from ledger.verify import Report, verify_store
from tests.helpers.examples import scaled
from tests.helpers.stores import ADMIN, OFFICER, bootstrap, make_ledger, sample_step, step, store_config


@pytest.fixture(scope="module")
def original(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A SQLite ledger with a key rotation, a compromise dated back and events on both keys."""
    tmp = tmp_path_factory.mktemp("parallel")
    with store_config("sqlite", tmp) as config:
        led = make_ledger(config, tmp / "keys.json")
        bootstrap(led, OFFICER)
        for n in range(1, 4):
            led.record([sample_step(s, n) for s in ("case/P-1", "case/P-2")], actor=OFFICER)
        cutoff = datetime.now(UTC)
        led.record([sample_step("case/P-1", 4)], actor=OFFICER)
        old = led.keyring(OFFICER).active_key(OFFICER)
        assert old is not None
        led.record([step(OFFICER, "KeyRotated", OFFICER, {})], actor=OFFICER)
        for n in range(5, 8):
            led.record([sample_step("case/P-1", n), sample_step("case/P-3", n)], actor=OFFICER)
        led.record([step(OFFICER, "KeyRevoked", ADMIN, {"key_id": old.key_id, "reason": "compromised"},
                         at=cutoff.isoformat())], actor=ADMIN)
        led.close()
        yield Path(str(config.sqlite_path))


def rows(path: Path) -> list[tuple[int, bytes]]:
    with sqlite3.connect(path) as conn:
        return [(r[0], bytes(r[1])) for r in conn.execute("SELECT rowid, state FROM stored_events ORDER BY rowid")]


def tampered(original: Path, tmp: Path, statements: list[tuple[str, tuple[Any, ...]]]) -> Path:
    copy = tmp / "copy.sqlite"
    for suffix in ("", "-wal", "-shm"):
        Path(str(copy) + suffix).unlink(missing_ok=True)
    shutil.copy(original, copy)
    with sqlite3.connect(copy) as conn:
        for sql, params in statements:
            conn.execute(sql, params)
    return copy


def every_way(path: Path, monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """The report of this process alone, of forked workers and of threads, in ranges of 3 ids."""
    store = EventStore(StoreConfig(sqlite_path=str(path)))
    try:
        alone = verify_store(store, workers=1)
        with monkeypatch.context() as m:
            m.setattr(verify, "CHUNK", 3)
            forked = verify_store(store, workers=2, processes=True)
            threads = verify_store(store, workers=2, processes=False)
        return [r.as_json() for r in (alone, forked, threads)]
    finally:
        store.close()


def test_intact_the_same_every_way(original: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    reports = every_way(tampered(original, tmp_path, []), monkeypatch)
    assert reports[0] == reports[1] == reports[2]
    flagged = {(p["stream"], p["version"]) for p in reports[0]["problems"]}
    # the compromise dated back, found across ranges: the last event under the old key and its rotation
    assert flagged == {("case/P-1", 4), (OFFICER, 2)}
    assert reports[0]["events"] == len(rows(original))


@settings(max_examples=scaled(40), suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_tampering_reported_the_same_every_way(original: Path, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch, data: st.DataObject) -> None:
    stored = rows(original)
    rowid, state = data.draw(st.sampled_from(stored))
    kind = data.draw(st.sampled_from(["byte", "topic", "delete", "swap"]))
    if kind == "byte":
        index = data.draw(st.integers(0, len(state) - 1))
        changed = bytearray(state)
        changed[index] ^= data.draw(st.integers(1, 255))
        statements: list[tuple[str, tuple[Any, ...]]] = [
            ("UPDATE stored_events SET state=? WHERE rowid=?", (bytes(changed), rowid))]
    elif kind == "topic":
        statements = [("UPDATE stored_events SET topic=? WHERE rowid=?", ("KeyRotated", rowid))]
    elif kind == "delete":
        statements = [("DELETE FROM stored_events WHERE rowid=?", (rowid,))]
    else:
        other, other_state = data.draw(st.sampled_from([r for r in stored if r[0] != rowid]))
        statements = [("UPDATE stored_events SET state=? WHERE rowid=?", (other_state, rowid)),
                      ("UPDATE stored_events SET state=? WHERE rowid=?", (state, other))]
    reports = every_way(tampered(original, tmp_path, statements), monkeypatch)
    assert reports[0] == reports[1] == reports[2]


def test_a_key_the_workers_got_wrong_is_checked_again(original: Path, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Workers take a signer's key from its stream; the sequence's registration decides."""
    wrong = bytes(32)
    monkeypatch.setattr(verify, "_registered", lambda store, keys, signer, kid: keys.setdefault((signer, kid), wrong))
    intact = every_way(tampered(original, tmp_path, []), monkeypatch)
    assert intact[0] == intact[1] == intact[2]
    assert {(p["stream"], p["version"]) for p in intact[0]["problems"]} == {("case/P-1", 4), (OFFICER, 2)}
    last, state = rows(original)[-1]
    forged = state[:-10] + (b"A" if state[-10:-9] != b"A" else b"B") + state[-9:]
    broken = every_way(tampered(original, tmp_path, [("UPDATE stored_events SET state=? WHERE rowid=?",
                                                      (forged, last))]), monkeypatch)
    assert any(p["notification_id"] == last and "签名" in p["what"] for p in broken[1]["problems"]), broken[1]


def test_a_recorded_at_without_offset_is_a_problem_not_a_crash(original: Path, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    rowid, state = rows(original)[3]
    cut = state.index(b'Z"', state.index(b'"recorded_at":"'))
    naive = state[:cut] + state[cut + 1:]
    reports = every_way(tampered(original, tmp_path, [("UPDATE stored_events SET state=? WHERE rowid=?",
                                                       (naive, rowid))]), monkeypatch)
    assert reports[0] == reports[1] == reports[2]
    assert any(p["notification_id"] == rowid and "时区" in p["what"] for p in reports[0]["problems"])


def test_rows_appended_while_verifying_are_verified(backend: str, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """The ranges go on to the last row there is when they run out (as the paged reads did)."""
    with store_config(backend, tmp_path) as config:
        led = make_ledger(config, tmp_path / "keys.json")
        bootstrap(led, OFFICER)
        led.record([sample_step("case/Q-1", n) for n in range(1, 6)], actor=OFFICER)
        first = verify._max_id(led.store)
        calls = {"n": 0}
        real = verify._max_id

        def growing(store: EventStore) -> int:
            calls["n"] += 1
            if calls["n"] == 2:  # after the first ranges were handed out
                led.record([sample_step("case/Q-1", 6)], actor=OFFICER)
            return real(store)

        monkeypatch.setattr(verify, "_max_id", growing)
        monkeypatch.setattr(verify, "CHUNK", 2)
        report: Report = verify_store(led.store, workers=2, processes=backend == "postgres")
        led.close()
    assert report.ok, report.problems
    assert report.events == first + 1
