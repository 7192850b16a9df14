"""The service's edges (issue 12): safe retries with ``Idempotency-Key`` (5), the truth after an
append of unknown outcome (4), a tampered stream answered 503 INTEGRITY (7), and readiness and
writes during a PostgreSQL outage, cut through a TCP proxy (8)."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
import pytest
from eventsourcing.persistence import OperationalError
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.idempotency import fingerprint
from api.server import create_app
from api.server.routes_steps import _step_reply, _unstored
from tests.helpers.examples import scaled
from tests.helpers.http_world import ADMIN, OFFICER, OFFICER2, World, case_steps, problem, world_at, world_on
from tests.helpers.stores import PG_DSN, require_postgres, store_config
from tests.helpers.tcp_proxy import TcpProxy


@pytest.fixture
def world(backend: str, tmp_path: Path) -> Iterator[World]:
    with world_on(backend, tmp_path) as made:
        yield made


def post(world: World, who: str, body: bytes, key: str | None, path: str = "/v1/steps") -> Any:
    headers = {**world.h(who), "Content-Type": "application/json"}
    if key is not None:
        headers["Idempotency-Key"] = key
    return world.client.post(path, content=body, headers=headers)


def version_of(world: World, stream: str) -> int:
    kind, ident = stream.split("/", 1)
    head = world.client.get(f"/v1/streams/{kind}/{ident}/head", headers=world.h(ADMIN))
    assert head.status_code == 200, head.text
    return int(head.json()["version"])


def source(world: World, summary: str = "群众投诉餐馆油烟扰民", number: str | None = None) -> dict[str, Any]:
    step = case_steps(number or world.number(), 1)[0]
    step["data"]["summary"] = summary
    return step


# -- 5: Idempotency-Key --------------------------------------------------------------------------


def test_same_key_and_body_answer_the_first_result_without_writing(world: World) -> None:
    step = source(world)
    body = orjson.dumps(step)
    first = post(world, OFFICER, body, "k-1")
    assert first.status_code == 201, first.text
    again = post(world, OFFICER, body, "k-1")
    assert again.status_code == 201, again.text
    assert again.content == first.content
    assert again.headers["etag"] == first.headers["etag"] == '"1"'
    assert again.headers["location"] == first.headers["location"]
    assert version_of(world, step["stream"]) == 1
    # without a key the same body is a second step (the draft's point)
    assert post(world, OFFICER, body, None).json()["version"] == 2


def test_same_key_with_another_body_is_422(world: World) -> None:
    step = source(world)
    assert post(world, OFFICER, orjson.dumps(step), "k-2").status_code == 201
    other = post(world, OFFICER, orjson.dumps({**step, "data": {**step["data"], "summary": "另一投诉"}}), "k-2")
    problem(other, 422, "IDEMPOTENCY-KEY")
    assert version_of(world, step["stream"]) == 1


def test_keys_are_scoped_to_the_token_identity(world: World) -> None:
    step = source(world)
    assert post(world, OFFICER, orjson.dumps(step), "shared").status_code == 201
    theirs = source(world)
    theirs["by"] = OFFICER2
    answer = post(world, OFFICER2, orjson.dumps(theirs), "shared")
    assert answer.status_code == 201 and answer.json()["stream"] == theirs["stream"], answer.text


def test_batch_repeat_answers_the_first_batch(world: World) -> None:
    steps = case_steps(world.number(), 3)
    body = orjson.dumps({"steps": steps})
    first = post(world, OFFICER, body, "batch-1", "/v1/steps:batch")
    assert first.status_code == 201, first.text
    again = post(world, OFFICER, body, "batch-1", "/v1/steps:batch")
    assert again.status_code == 201 and again.content == first.content
    assert again.headers["etag"] == first.headers["etag"] == '"3"'
    assert version_of(world, steps[0]["stream"]) == 3


def test_key_in_progress_is_409(world: World) -> None:
    step = source(world)
    keys = world.app.state.services.idempotency()
    with keys.in_flight(OFFICER, "busy") as free:
        assert free
        problem(post(world, OFFICER, orjson.dumps(step), "busy"), 409, "IDEMPOTENCY-KEY")
    assert post(world, OFFICER, orjson.dumps(step), "busy").status_code == 201


def test_malformed_key_is_400(world: World) -> None:
    problem(post(world, OFFICER, orjson.dumps(source(world)), "x" * 256), 400, "IDEMPOTENCY-KEY")


def test_a_key_is_honoured_by_another_process_of_the_same_ledger(world: World) -> None:
    step = source(world)
    body = orjson.dumps(step)
    first = post(world, OFFICER, body, "across")
    assert first.status_code == 201
    other = create_app(world.settings, http=world.app.state.services.http, integrate=False, follow=False)
    with TestClient(other, raise_server_exceptions=False) as client:
        again = client.post("/v1/steps", content=body,
                            headers={**world.h(OFFICER), "Idempotency-Key": "across"})
    assert again.status_code == 201 and again.content == first.content
    assert version_of(world, step["stream"]) == 1


def test_keys_are_kept_a_day_then_pruned(world: World) -> None:
    assert post(world, OFFICER, orjson.dumps(source(world)), "old").status_code == 201
    keys = world.app.state.services.idempotency()
    assert keys.find(OFFICER, "old", now=datetime.now(UTC) + timedelta(hours=23)) is not None
    keys.prune(datetime.now(UTC) + timedelta(hours=25), force=True)
    assert keys.find(OFFICER, "old") is None


REQUESTS = st.lists(st.tuples(st.integers(0, 2), st.integers(0, 2)), min_size=1, max_size=7)


@settings(max_examples=scaled(15), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(requests=REQUESTS)
def test_any_sequence_of_keyed_requests_writes_once_per_key(tmp_path: Path, requests: list[tuple[int, int]]) -> None:
    """For all sequences: a key's first request writes, a repeat answers the same bytes, another body 422."""
    with world_at(tmp_path / str(time.monotonic_ns())) as world:
        number = world.number()
        bodies = [orjson.dumps(source(world, f"投诉 {i}", number)) for i in range(3)]
        first: dict[int, tuple[int, bytes]] = {}
        for key, body in requests:
            answer = post(world, OFFICER, bodies[body], f"key-{key}")
            if key not in first:
                assert answer.status_code == 201, answer.text
                first[key] = (body, answer.content)
            elif first[key][0] == body:
                assert answer.status_code == 201 and answer.content == first[key][1]
            else:
                problem(answer, 422, "IDEMPOTENCY-KEY")
        assert version_of(world, f"case/{number}") == len(first)


# -- 5 on PostgreSQL: a key whose append did not happen -------------------------------------------


class Abandoned(Exception):
    pass


def keyed_but_not_appended(world: World, body: bytes, key: str) -> dict[str, Any]:
    """What a node killed between writing the key and appending leaves: the key row, no events."""
    svc = world.app.state.services
    keys = svc.idempotency()
    hook = keys.hook(OFFICER, key, fingerprint(body), lambda events: _step_reply([_unstored(e) for e in events]))

    def abandon(appender: Any, events: list[Any]) -> None:
        hook(appender, events)
        raise Abandoned

    with pytest.raises(Abandoned):
        svc.ledger.record([orjson.loads(body)], actor=OFFICER, on_sealed=abandon)
    found = keys.find(OFFICER, key)
    assert found is not None
    return {"reply": found.reply, "hash": _unstored(found.events[0]).hash}


@pytest.mark.postgres
def test_a_key_left_by_a_dead_node_is_in_flight_then_completed(tmp_path: Path) -> None:
    with store_config("postgres", tmp_path) as config:
        assert config.postgres_dsn is not None
        with world_at(tmp_path, postgres=(config.postgres_dsn, config.postgres_schema)) as world:
            step = source(world)
            body = orjson.dumps(step)
            left = keyed_but_not_appended(world, body, "dead")
            assert version_of(world, step["stream"]) == 0
            problem(post(world, OFFICER, body, "dead"), 409, "IDEMPOTENCY-KEY")
            _age(config.postgres_schema, seconds=20)
            answer = post(world, OFFICER, body, "dead")
            assert answer.status_code == 201, answer.text
            assert answer.content == left["reply"].body and answer.json()["hash"] == left["hash"]
            assert version_of(world, step["stream"]) == 1
            assert post(world, OFFICER, body, "dead").content == answer.content
            assert version_of(world, step["stream"]) == 1


def _age(schema: str, seconds: int) -> None:
    import psycopg

    with psycopg.connect(PG_DSN, autocommit=True) as conn:
        rows = conn.execute(f'SELECT key, created_at FROM "{schema}".idempotency_keys').fetchall()
        for key, created in rows:
            moved = datetime.fromisoformat(created.replace("Z", "+00:00")) - timedelta(seconds=seconds)
            conn.execute(f'UPDATE "{schema}".idempotency_keys SET created_at = %s WHERE key = %s',
                         (moved.isoformat().replace("+00:00", "Z"), key))


# -- 4: an append of unknown outcome -------------------------------------------------------------


@contextmanager
def commit_reply_lost_once(world: World) -> Iterator[dict[str, int]]:
    """The first insert commits, then its connection 'fails' (as when PostgreSQL stops just then):
    eventsourcing's retry runs the INSERT again and meets its own row."""
    recorder: Any = world.ledger.store.recorder
    datastore = recorder.datastore
    original_connection, original_insert = datastore.get_connection, recorder.insert_events
    state = {"inserting": 0, "lost": 0}

    @contextmanager
    def connection() -> Iterator[Any]:
        with original_connection() as conn:
            yield conn
        if state["inserting"] and not state["lost"]:
            state["lost"] = 1
            raise OperationalError("server closed the connection unexpectedly")

    def insert(*args: Any, **kwargs: Any) -> Any:
        state["inserting"] = 1
        try:
            return original_insert(*args, **kwargs)
        finally:
            state["inserting"] = 0

    datastore.get_connection, recorder.insert_events = connection, insert
    try:
        yield state
    finally:
        del datastore.get_connection, recorder.insert_events


@pytest.mark.postgres
def test_a_stored_write_whose_commit_reply_was_lost_is_201_not_409(tmp_path: Path) -> None:
    with store_config("postgres", tmp_path) as config:
        assert config.postgres_dsn is not None
        with world_at(tmp_path, postgres=(config.postgres_dsn, config.postgres_schema)) as world:
            step = source(world)
            with commit_reply_lost_once(world) as state:
                answer = world.post(OFFICER, step)
            assert state["lost"] == 1
            assert answer.status_code == 201, answer.text
            assert version_of(world, step["stream"]) == 1
            events = world.client.get(f"/v1/streams/{step['stream']}/events", headers=world.h(OFFICER)).json()
            assert events["events"][0]["hash"] == answer.json()["hash"]


def test_settle_tells_stored_absent_and_lost(world: World) -> None:
    ledger = world.ledger
    step = source(world)
    sealed: list[Any] = []

    def keep(appender: Any, events: list[Any]) -> None:
        sealed.extend(events)
        raise Abandoned

    with pytest.raises(Abandoned):
        ledger.record([step], actor=OFFICER, on_sealed=keep)
    assert ledger.settle(sealed) == "absent"
    ledger.record([step], actor=OFFICER)  # another event takes version 1
    assert ledger.settle(sealed) == "lost"
    mine: list[Any] = []
    ledger.record([step], actor=OFFICER, on_sealed=lambda a, events: mine.extend(events))
    found = ledger.settle(mine)
    assert isinstance(found, list) and len(found) == 1


# -- 7: a tampered stream ------------------------------------------------------------------------


def tamper(world: World, stream: str, version: int) -> None:
    """Change one character of the stored nonce of ``stream`` v``version`` (still valid JSON)."""
    settings_ = world.settings
    if settings_.postgres_dsn:
        import psycopg

        table = f'"{settings_.postgres_schema}"."{world.ledger.store.recorder.events_table_name}"'  # type: ignore[attr-defined]
        with psycopg.connect(PG_DSN, autocommit=True) as conn:
            state = bytes(conn.execute(f"SELECT state FROM {table} WHERE originator_id=%s AND originator_version=%s",
                                       (stream, version)).fetchone()[0])
            conn.execute(f"UPDATE {table} SET state=%s WHERE originator_id=%s AND originator_version=%s",
                         (_flip(state), stream, version))
        return
    with sqlite3.connect(settings_.sqlite_path) as conn:
        state = conn.execute("SELECT state FROM stored_events WHERE originator_id=? AND originator_version=?",
                             (stream, version)).fetchone()[0]
        conn.execute("UPDATE stored_events SET state=? WHERE originator_id=? AND originator_version=?",
                     (_flip(bytes(state)), stream, version))


def _flip(state: bytes) -> bytes:
    at = state.index(b'"nonce":"') + len(b'"nonce":"')
    return state[:at] + (b"B" if state[at:at + 1] == b"A" else b"A") + state[at + 1:]


def test_a_tampered_stream_is_503_integrity_for_reads_writes_and_readiness(world: World) -> None:
    number = world.number()
    steps = case_steps(number, 3)
    for step in steps[:2]:
        assert world.post(OFFICER, step).status_code == 201
    assert world.client.get("/readyz").status_code == 200
    tamper(world, f"case/{number}", 1)
    read = world.client.get(f"/v1/streams/case/{number}/events", headers=world.h(OFFICER))
    body = problem(read, 503, "INTEGRITY")
    assert body["stream"] == f"case/{number}" and body["version"] == 2
    write = world.post(OFFICER, steps[2])
    assert problem(write, 503, "INTEGRITY")["stream"] == f"case/{number}"
    ready = world.client.get("/readyz")
    assert ready.status_code == 503
    integrity = next(c for c in ready.json()["checks"] if c["name"] == "integrity")
    assert not integrity["ok"] and integrity["detail"]["failures"] >= 2
    assert integrity["detail"]["first"]["stream"] == f"case/{number}"
    assert integrity["detail"]["first"]["version"] == 2


def test_a_write_onto_a_head_changed_in_place_is_503_integrity_not_409(world: World) -> None:
    number = world.number()
    steps = case_steps(number, 3)
    for step in steps[:2]:
        assert world.post(OFFICER, step).status_code == 201
    # a refused write reads the stream: the process now holds its head v2
    problem(world.post(OFFICER, steps[2], headers={"If-Match": '"1"'}), 409, "VERSION-MISMATCH")
    tamper(world, f"case/{number}", 2)
    body = problem(world.post(OFFICER, steps[2]), 503, "INTEGRITY")
    assert body["stream"] == f"case/{number}" and body["version"] == 2
    read = world.client.get(f"/v1/streams/case/{number}/events", headers=world.h(OFFICER))
    assert problem(read, 503, "INTEGRITY")["version"] == 2
    assert version_of(world, f"case/{number}") == 2


# -- 8 (and 4): PostgreSQL cut through a TCP proxy ------------------------------------------------


@pytest.fixture
def proxied(tmp_path: Path) -> Iterator[tuple[World, TcpProxy]]:
    require_postgres()
    with TcpProxy() as proxy, store_config("postgres", tmp_path) as config:
        with world_at(tmp_path, postgres=(proxy.dsn(), config.postgres_schema)) as made:
            yield made, proxy
            proxy.mend()


def timed(call: Any) -> tuple[Any, float]:
    started = time.monotonic()
    result = call()
    return result, time.monotonic() - started


def wait_ready(world: World, seconds: float = 15.0) -> None:
    deadline = time.monotonic() + seconds
    while world.client.get("/readyz").status_code != 200:
        assert time.monotonic() < deadline, world.client.get("/readyz").text
        time.sleep(0.2)


@pytest.mark.postgres
@pytest.mark.slow  # an outage through a TCP proxy: the slow tier holds crash and outage tests
def test_readiness_and_writes_fail_fast_while_the_store_is_cut(proxied: tuple[World, TcpProxy]) -> None:
    world, proxy = proxied
    wait_ready(world)  # the precondition (a loaded machine may need a moment); the outage is what is timed
    proxy.cut()
    ready, seconds = timed(lambda: world.client.get("/readyz"))
    assert ready.status_code == 503 and seconds < 2.0, (seconds, ready.text)
    store = next(c for c in ready.json()["checks"] if c["name"] == "store")
    assert not store["ok"] and store["detail"].get("error")
    step = source(world)
    write, seconds = timed(lambda: world.post(OFFICER, step, headers={"Idempotency-Key": "outage"}))
    problem(write, 503)
    assert write.headers["retry-after"] and seconds < 3.0, seconds
    proxy.mend()
    wait_ready(world)
    answer = world.post(OFFICER, step, headers={"Idempotency-Key": "outage"})
    assert answer.status_code == 201, answer.text
    assert version_of(world, step["stream"]) == 1


@pytest.mark.postgres
@pytest.mark.slow  # an outage through a TCP proxy: the slow tier holds crash and outage tests
def test_readiness_answers_within_a_second_when_the_store_hangs(proxied: tuple[World, TcpProxy]) -> None:
    world, proxy = proxied
    wait_ready(world)
    proxy.hold()
    try:
        ready, seconds = timed(lambda: world.client.get("/readyz"))
        assert ready.status_code == 503 and seconds < 1.8, (seconds, ready.text)
        store = next(c for c in ready.json()["checks"] if c["name"] == "store")
        assert store["detail"]["error"] == "timeout"
    finally:
        proxy.mend()
    wait_ready(world)


@pytest.mark.slow
@pytest.mark.postgres
def test_writes_cut_mid_flight_are_stored_once_or_refused_never_409(proxied: tuple[World, TcpProxy]) -> None:
    """Cut the link at several moments of a write: each answer is 201 (stored) or 503; a keyed retry
    after the link is back leaves exactly one event per acknowledged or retried step."""
    world, proxy = proxied
    import threading

    for delay in (0.0, 0.005, 0.01, 0.02, 0.05):
        step = source(world)
        key = f"cut-{delay}"
        timer = threading.Timer(delay, proxy.cut)
        timer.start()
        answer = world.post(OFFICER, step, headers={"Idempotency-Key": key})
        timer.join()
        assert answer.status_code in (201, 503), answer.text
        proxy.mend()
        wait_ready(world)
        deadline = time.monotonic() + 30
        while True:
            retry = world.post(OFFICER, step, headers={"Idempotency-Key": key})
            if retry.status_code != 409 or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        assert retry.status_code == 201, retry.text
        if answer.status_code == 201:
            assert retry.content == answer.content
        assert version_of(world, step["stream"]) == 1
