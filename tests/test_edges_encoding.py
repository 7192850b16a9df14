"""Issue 12, findings 3 (first part), 6 and 11 (file mode, future horizon): what the write path
refuses before anything walks or stores a new step, while stored bytes keep reading and verifying."""

from __future__ import annotations

import copy
import http.client
import os
import stat
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ledger.service as service
from api.settings import Settings
from api.wiring import init_ledger
from domain.config import Config
from domain.errors import StepRefused
from ledger import canonical
from ledger.service import Ledger, format_time
from ledger.store import EventStore, StoreConfig
from ledger.verify import verify_store
from tests.helpers.examples import scaled
from tests.helpers.http_world import (
    CLIENT,
    PASSPHRASE,
    World,
    case_steps,
    problem,
    sealed_envelope,
    world_at,
    world_on,
)
from tests.helpers.serve import serving
from tests.helpers.stores import ADMIN, OFFICER, bootstrap, make_ledger, sample_step, store_config

FORBIDDEN = [chr(c) for c in range(0x20) if chr(c) not in "\t\n\r"]
ALLOWED_CONTROLS = "\t\n\r"
NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)

clean_text = st.text(st.characters(exclude_categories=("Cs", "Cc")) | st.sampled_from(ALLOWED_CONTROLS), max_size=8)
bad_text = st.tuples(clean_text, st.sampled_from(FORBIDDEN), clean_text).map("".join)
clean_scalars = st.none() | st.booleans() | st.integers(-(2**53) + 1, 2**53 - 1) | clean_text
clean_values = st.recursive(
    clean_scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(clean_text, inner, max_size=3),
    max_leaves=12,
)
# A forbidden character as a string or as a key, wrapped at any depth among clean siblings.
bad_leaf = bad_text | bad_text.map(lambda key: {key: 1})
bad_values = st.recursive(
    bad_leaf,
    lambda inner: st.tuples(st.lists(clean_values, max_size=2), inner, st.integers(0, 2)).map(
        lambda t: [*t[0][: t[2]], t[1], *t[0][t[2]:]])
    | st.tuples(st.dictionaries(clean_text, clean_values, max_size=2), clean_text, inner).map(
        lambda t: {**t[0], t[1]: t[2]}),
    max_leaves=8,
)


def nested(depth: int, leaf: Any = "底") -> Any:
    """``depth`` levels of alternating objects and arrays around ``leaf``, built without recursion."""
    value = leaf
    for level in range(depth):
        value = {"k": value} if level % 2 else [value]
    return value


def nested_json(depth: int) -> bytes:
    """The JSON of ``nested(depth)``, written directly (encoders stop long before 100,000 levels)."""
    openers = [b"[" if level % 2 == 0 else b'{"k":' for level in range(depth)]
    closers = [b"]" if level % 2 == 0 else b"}" for level in range(depth)]
    return b"".join(reversed(openers)) + orjson.dumps("底") + b"".join(closers)


@pytest.fixture
def ledger(backend: str, tmp_path: Path) -> Iterator[Ledger]:
    with store_config(backend, tmp_path) as config:
        led = make_ledger(config, tmp_path / "keys.json", clock=lambda: NOW)
        bootstrap(led, OFFICER)
        try:
            yield led
        finally:
            led.close()


def _refused(ledger: Ledger, steps: list[dict[str, Any]], **kwargs: Any) -> StepRefused:
    before = ledger.store.count()
    with pytest.raises(StepRefused) as caught:
        ledger.record(steps, actor=kwargs.pop("actor", OFFICER), **kwargs)
    assert ledger.store.count() == before  # nothing written
    return caught.value


# --------------------------------------------------------------------------- control characters


@given(bad_values)
def test_for_all_values_with_a_forbidden_control_anywhere_the_new_value_check_refuses(value: Any) -> None:
    with pytest.raises(canonical.ForbiddenValueError):
        canonical.check_new(value)
    canonical.check(value)  # what stored bytes are judged by still accepts it
    assert canonical.decode(canonical.encode(value)) == value


@given(clean_values)
def test_for_all_values_without_one_the_new_value_check_accepts(value: Any) -> None:
    canonical.check_new(value)


@settings(max_examples=scaled(30), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(bad=bad_values, clean=clean_values)
def test_for_all_steps_a_forbidden_control_is_refused_and_clean_text_round_trips(
        ledger: Ledger, bad: Any, clean: Any) -> None:
    stream = f"case/E-{os.urandom(4).hex()}"
    step = sample_step(stream, 1)
    step["data"]["x"] = bad
    refusal = _refused(ledger, [step])
    assert (refusal.rule, refusal.index) == ("STRUCT-ENCODING", 0)
    overridden = sample_step(stream, 1)
    overridden["override"] = {"rule": "PEN-01", "justification": bad, "authorized_by": ADMIN}
    assert _refused(ledger, [overridden]).rule == "STRUCT-ENCODING"
    step["data"]["x"] = clean
    ledger.record([step], actor=OFFICER)
    stored = ledger.read(stream)[-1]
    assert stored.data["x"] == clean
    assert canonical.decode(stored.stored)["event"]["data"]["x"] == clean


@pytest.mark.parametrize("where", ["value", "key", "note", "at"])
def test_nul_in_a_live_or_backfilled_step_is_refused_and_nothing_is_written(ledger: Ledger, where: str) -> None:
    step = sample_step("case/NUL-1", 1)
    if where == "value":
        step["data"]["party"] = {"kind": "person", "name": "张\u0000三"}
    elif where == "key":
        step["data"]["party"] = {"na\u0000me": "张三"}
    elif where == "note":
        step["data"]["list"] = [1, ["ok\ttab\r\n", "bell\u0007"]]
    else:
        step["data"]["when"] = "2026-03-04T10:15:00+08:00\u001f"
    assert _refused(ledger, [step]).rule == "STRUCT-ENCODING"
    assert _refused(ledger, [step], actor=ADMIN, backfill=True).rule == "STRUCT-ENCODING"
    assert ledger.store.head("case/NUL-1") is None


def test_tab_newline_and_carriage_return_are_kept(ledger: Ledger) -> None:
    step = sample_step("case/TAB-1", 1)
    step["data"]["note"] = "第一行\r\n第二行\t完"
    ledger.record([step], actor=OFFICER)
    assert ledger.read("case/TAB-1")[0].data["note"] == "第一行\r\n第二行\t完"


def test_stored_bytes_with_control_characters_keep_reading_and_verifying(
        ledger: Ledger, monkeypatch: pytest.MonkeyPatch) -> None:
    """An event written before the rule (its bytes hold U+0000 and U+0001) reads and verifies."""
    def lenient(step: Any) -> None:
        canonical.check(step.data)

    monkeypatch.setattr(service, "_check_values", lenient)
    legacy = sample_step("case/OLD-1", 1)
    legacy["data"]["note"] = "旧\u0000数据\u0001"
    ledger.record([legacy], actor=OFFICER)
    monkeypatch.undo()
    assert _refused(ledger, [sample_step("case/OLD-1", 2) | {"data": {"n": "\u0000"}}]).rule == "STRUCT-ENCODING"
    ledger.record([sample_step("case/OLD-1", 2)], actor=OFFICER)  # the stream goes on
    events = ledger.read("case/OLD-1")
    assert [e.version for e in events] == [1, 2] and events[0].data["note"] == "旧\u0000数据\u0001"
    report = verify_store(ledger.store)
    assert report.ok, report.problems


# --------------------------------------------------------------------------- depth


@pytest.mark.parametrize("depth", [canonical.MAX_DEPTH + 1, 100, 1_000, 100_000])
def test_a_step_nested_beyond_the_limit_is_refused_without_recursion(ledger: Ledger, depth: int) -> None:
    step = sample_step("case/DEEP-1", 1)
    step["data"]["x"] = nested(depth - 2)  # the step is level 1, data level 2
    refusal = _refused(ledger, [step])
    assert refusal.rule == "STRUCT-ENCODING" and str(canonical.MAX_DEPTH) in refusal.message


def test_a_step_at_the_limit_is_recorded(ledger: Ledger) -> None:
    step = sample_step("case/DEEP-2", 1)
    step["data"]["x"] = nested(canonical.MAX_DEPTH - 2)
    ledger.record([step], actor=OFFICER)
    assert ledger.read("case/DEEP-2")[0].data["x"] == step["data"]["x"]


# --------------------------------------------------------------------------- the future


def test_a_live_step_dated_beyond_the_horizon_is_refused(ledger: Ledger) -> None:
    hours = Config().recording.future_at_hours
    assert hours == 24
    for at in ("9999-12-31T23:59:59+08:00", format_time(NOW + timedelta(hours=hours, seconds=1))):
        step = sample_step("case/FUT-1", 1) | {"at": at}
        refusal = _refused(ledger, [sample_step("case/FUT-0", 1), step])
        assert (refusal.rule, refusal.index) == ("STRUCT-TIME", 1)
    ledger.record([sample_step("case/FUT-1", 1) | {"at": format_time(NOW + timedelta(hours=hours))}], actor=OFFICER)
    # 补录 transcribes the paper as it is (a mistyped year included); the audit judges it.
    ledger.record([sample_step("case/FUT-2", 1) | {"at": "2062-03-04T10:15:00+08:00"}], actor=ADMIN, backfill=True)


def test_the_horizon_is_configurable(tmp_path: Path) -> None:
    led = make_ledger(StoreConfig(sqlite_path=str(tmp_path / "l.sqlite")), tmp_path / "keys.json", clock=lambda: NOW)
    led.config = Config.from_toml({"recording": {"future_at_hours": 0}})
    try:
        bootstrap(led, OFFICER)
        assert _refused(led, [sample_step("case/H-1", 1) | {"at": format_time(NOW + timedelta(minutes=1))}],
                        ).rule == "STRUCT-TIME"
        led.record([sample_step("case/H-1", 1) | {"at": format_time(NOW)}], actor=OFFICER)
    finally:
        led.close()


# --------------------------------------------------------------------------- over HTTP


@pytest.fixture
def world(backend: str, tmp_path: Path) -> Iterator[World]:
    with world_on(backend, tmp_path) as made:
        yield made


def _head(world: World, stream: str) -> int:
    kind, ident = stream.split("/", 1)
    # the admin: a stream with no events is no one else's to see (finding 11)
    response = world.client.get(f"/v1/streams/{kind}/{ident}/head", headers=world.h(ADMIN))
    assert response.status_code == 200, response.text
    version: int = response.json()["version"]
    return version


def test_http_case_registered_with_nul_in_party_name_is_422(world: World) -> None:
    number = world.number()
    source, registered = case_steps(number, 2)
    assert world.post(OFFICER, source).status_code == 201
    bad = copy.deepcopy(registered)
    bad["data"]["party"]["name"] = "张\u0000三"
    problem(world.post(OFFICER, bad), 422, "STRUCT-ENCODING")
    assert _head(world, f"case/{number}") == 1
    assert world.post(OFFICER, registered).status_code == 201  # the same step without it


def test_http_client_signed_envelope_with_a_control_character_is_422(world: World) -> None:
    number = world.number()
    source, registered, inspection = case_steps(number, 3)
    assert world.post(OFFICER, source).status_code == 201
    assert world.post(OFFICER, registered).status_code == 201
    step = copy.deepcopy(inspection)
    step["by"] = CLIENT
    step["data"]["officers"] = [CLIENT, OFFICER]
    for text in ("现场\u0000", "现场\u001b[31m"):
        bad = copy.deepcopy(step)
        bad["data"]["place"] = text
        sealed = sealed_envelope(world, bad)
        problem(world.client.post("/v1/steps", content=sealed, headers=world.h(CLIENT)), 422, "STRUCT-ENCODING")
    future = sealed_envelope(world, step | {"at": "9999-12-31T10:00:00+08:00"})
    problem(world.client.post("/v1/steps", content=future, headers=world.h(CLIENT)), 422, "STRUCT-TIME")
    assert _head(world, f"case/{number}") == 2
    good = sealed_envelope(world, step)
    assert world.client.post("/v1/steps", content=good, headers=world.h(CLIENT)).status_code == 201


def test_http_deep_steps_are_422_and_the_service_goes_on(world: World) -> None:
    number = world.number()
    source = case_steps(number, 1)[0]
    placeholder = orjson.dumps(source | {"data": {**source["data"], "summary": "@@"}})
    for depth in (100, 1_000):
        body = placeholder.replace(b'"@@"', nested_json(depth))
        assert body.count(b"[") >= depth // 2
        problem(world.client.post("/v1/steps", content=body, headers=world.h(OFFICER)), 422, "STRUCT-ENCODING")
    deep = copy.deepcopy(source) | {"by": CLIENT}
    deep["data"]["summary"] = nested(100)
    signed = sealed_envelope(world, deep, version=1, prev=None)  # a new stream: v1, no prev
    problem(world.client.post("/v1/steps", content=signed, headers=world.h(CLIENT)), 422, "STRUCT-ENCODING")
    # 1,000 deep has no canonical bytes (the encoder stops at 255 levels): refused as an envelope.
    body = signed.replace(nested_json(100), nested_json(1_000))
    assert body != signed
    problem(world.client.post("/v1/steps", content=body, headers=world.h(CLIENT)), 422)
    # Deeper than the JSON parser reads (1,024): the same refusal, never a 500.
    for depth in (2_000, 10_000):  # 100,000 levels are over the body limit: 413
        body = placeholder.replace(b'"@@"', nested_json(depth))
        problem(world.client.post("/v1/steps", content=body, headers=world.h(OFFICER)), 422, "STRUCT-ENCODING")
        problem(world.client.post("/v1/steps:batch", content=b'{"steps":[' + body + b"]}",
                                  headers=world.h(OFFICER)), 422, "STRUCT-ENCODING")
    assert _head(world, f"case/{number}") == 0
    assert world.post(OFFICER, source).status_code == 201


# --------------------------------------------------------------------------- the file


def test_init_creates_the_sqlite_store_owner_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    old = os.umask(0o022)
    try:
        monkeypatch.setenv("LEDGER_KEY_PASSPHRASE", PASSPHRASE)
        for name in ("LEDGER_POSTGRES_DSN", "LEDGER_CONFIG", "LEDGER_KEY_PASSPHRASE_FILE"):
            monkeypatch.delenv(name, raising=False)
        settings_ = Settings.load(str(tmp_path / "var"))
        led = init_ledger(settings_)
        try:
            created = [p for p in (tmp_path / "var").iterdir() if p.name.startswith("ledger.sqlite")]
            assert settings_.sqlite_path in created
            for path in created:  # the database and whatever -wal/-shm SQLite made beside it
                assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
        finally:
            led.close()
        fresh = tmp_path / "other.sqlite"
        EventStore(StoreConfig(sqlite_path=str(fresh))).close()
        assert stat.S_IMODE(fresh.stat().st_mode) == 0o600
    finally:
        os.umask(old)


@pytest.mark.slow
def test_a_served_node_answers_deep_steps_422_on_the_same_keep_alive_connection(tmp_path: Path) -> None:
    """Through uvicorn (not the test client): the refusal is a 422 and the connection lives on."""
    with world_at(tmp_path) as world:
        token, data = world.tokens[OFFICER], str(world.data)
        source = case_steps(world.number(), 1)[0]
    env = {**os.environ, "LEDGER_KEY_PASSPHRASE": PASSPHRASE, "LEDGER_HTTP_INTEGRATE": "0"}
    with serving(data, env, "--no-follow") as (_, port):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        placeholder = orjson.dumps(source | {"data": {**source["data"], "summary": "@@"}})
        sockets = set()
        for depth in (1_000, 100, 1_000):
            connection.request("POST", "/v1/steps", body=placeholder.replace(b'"@@"', nested_json(depth)),
                               headers=headers)
            response = connection.getresponse()
            body = orjson.loads(response.read())
            assert (response.status, body.get("rule")) == (422, "STRUCT-ENCODING"), body
            assert response.getheader("connection") != "close"
            sockets.add(id(connection.sock))
        connection.request("POST", "/v1/steps", body=orjson.dumps(source), headers=headers)
        response = connection.getresponse()
        assert response.status == 201, response.read()
        response.read()
        sockets.add(id(connection.sock))
        assert len(sockets) == 1  # one keep-alive connection throughout
        connection.close()
