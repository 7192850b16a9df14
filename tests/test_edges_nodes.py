"""Issue 12, findings 9, 11 (two parts) and 14: no existence oracle on streams a caller may not
read, bounded echo of request input in problem details, the key store shared through the
ledger's database, and a log origin that names one log."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from api.cli import main as cli_main
from api.server.problems import MAX_DETAIL, Problem
from api.settings import Settings, legacy_origin
from api.wiring import init_ledger, open_ledger
from ledger.importer import import_lines
from ledger.keys import KeyStore, KeyStoreError
from ledger.keys_db import DbKeyStore
from ledger.service import Ledger
from ledger.store import EventStore, StoreConfig
from tests.helpers.http_world import (
    ADMIN,
    FAR,
    OFFICER,
    OTHER,
    World,
    case_steps,
    officer,
    problem,
    registry_lines,
)
from tests.helpers.stores import PG_DSN, store_config

ROOT = Path(__file__).resolve().parents[1]
PASS = "nodes-pass"


# --------------------------------------------------------------------------- finding 11: no oracle


def _answer(world: World, who: str, path: str) -> tuple[int, dict[str, Any]]:
    response = world.client.get(path, headers=world.h(who))
    body = response.json()
    return response.status_code, {k: v for k, v in body.items() if k != "detail"}


@pytest.mark.parametrize("suffix", ["head", "events", "events/1", "events/2"])
def test_a_stream_one_may_not_read_answers_alike_whether_it_exists_or_not(world: World, suffix: str) -> None:
    number = world.number()
    for step in case_steps(number, 2):
        assert world.post(OFFICER, step).status_code == 201
    absent = world.number()
    for who in (OTHER, FAR):
        existing = _answer(world, who, f"/v1/streams/case/{number}/{suffix}")
        missing = _answer(world, who, f"/v1/streams/case/{absent}/{suffix}")
        assert existing == missing, (who, existing, missing)
        assert existing[0] == 403
        detail_existing = world.client.get(f"/v1/streams/case/{number}/{suffix}", headers=world.h(who)).json()
        detail_missing = world.client.get(f"/v1/streams/case/{absent}/{suffix}", headers=world.h(who)).json()
        assert detail_existing["detail"].replace(number, "N") == detail_missing["detail"].replace(absent, "N")


def test_readers_still_see_heads_and_the_absent_stream_of_a_registry(world: World) -> None:
    number = world.number()
    for step in case_steps(number, 2):
        assert world.post(OFFICER, step).status_code == 201
    assert world.client.get(f"/v1/streams/case/{number}/head", headers=world.h(OFFICER)).json()["version"] == 2
    empty = world.client.get(f"/v1/streams/case/{world.number()}/head", headers=world.h(ADMIN))
    assert empty.status_code == 200 and empty.json()["version"] == 0
    registry = world.client.get("/v1/streams/agency/NOT-YET-1/head", headers=world.h(FAR))
    assert registry.status_code == 200 and registry.json()["version"] == 0


def test_case_routes_answer_alike_for_an_existing_and_an_absent_case(world: World) -> None:
    number = world.number()
    for step in case_steps(number, 2):
        assert world.post(OFFICER, step).status_code == 201
    absent = world.number()
    for suffix in ("", "/timeline", "/catalogue", "/audit"):
        for who in (OTHER, FAR):
            existing = _answer(world, who, f"/v1/cases/{number}{suffix}")
            missing = _answer(world, who, f"/v1/cases/{absent}{suffix}")
            assert existing == missing and existing[0] == 403, (suffix, who, existing, missing)


# --------------------------------------------------------------------------- finding 11: echo


@pytest.mark.parametrize("who", [ADMIN, OFFICER])
@pytest.mark.parametrize("path", ["/v1/cases/{x}", "/v1/cases/{x}/timeline", "/v1/streams/case/{x}/head",
                                  "/v1/{x}", "/ui/{x}", "/v1/public/cases/{x}"])
def test_a_long_path_is_not_echoed_back(world: World, who: str, path: str) -> None:
    long = "A" * 60_000  # httpx refuses URLs over 64 KiB; the server must not echo even this much
    response = world.client.get(path.format(x=long), headers=world.h(who))
    assert response.status_code >= 400
    if response.headers.get("content-type", "").startswith("application/problem+json"):
        body = problem(response, response.status_code)
        assert len(body.get("detail") or "") <= MAX_DETAIL
    assert len(response.content) < 10_000, (path, response.status_code, len(response.content))


def test_pages_answer_alike_for_an_existing_and_an_absent_stream(world: World) -> None:
    from fastapi.testclient import TestClient

    number = world.number()
    for step in case_steps(number, 2):
        assert world.post(OFFICER, step).status_code == 201
    absent = world.number()
    client = TestClient(world.app)  # no lifespan: the module's world is started already and stops once
    login = client.post("/ui/login", data={"token": world.tokens[FAR], "next": "/ui/cases"},
                        follow_redirects=False)
    assert login.status_code == 303, login.text
    for path in ("/ui/cases/{n}", "/ui/events/case/{n}/1", "/ui/events/case/{n}/9", "/ui/streams/case/{n}"):
        existing = client.get(path.format(n=number))
        missing = client.get(path.format(n=absent))
        assert existing.status_code == missing.status_code == 403, path
        assert existing.text.replace(number, "N") == missing.text.replace(absent, "N"), path


def test_pages_do_not_echo_a_long_path(world: World) -> None:
    from fastapi.testclient import TestClient

    long = "A" * 60_000
    client = TestClient(world.app)  # no lifespan: the module's world is started already and stops once
    redirect = client.get(f"/ui/cases/{long}", follow_redirects=False)  # not logged in: to the login
    assert redirect.status_code == 303 and len(redirect.headers["location"]) < 2_000
    assert client.post("/ui/login", data={"token": world.tokens[FAR], "next": "/ui/cases"},
                       follow_redirects=False).status_code == 303
    for path in (f"/ui/cases/{long}", f"/ui/streams/case/{long}", f"/ui/{long}"):
        response = client.get(path)
        assert response.status_code >= 400 and len(response.content) < 20_000, (path[:20], len(response.content))


@given(st.text(max_size=3 * MAX_DETAIL))
def test_every_detail_is_bounded_and_a_cut_one_keeps_its_start(detail: str) -> None:
    sent = Problem(404, "not-found", detail).body()["detail"]
    assert len(sent) <= MAX_DETAIL
    assert sent == detail if len(detail) <= MAX_DETAIL else detail.startswith(sent.removesuffix("…(已截断)"))


# --------------------------------------------------------------------------- finding 9: shared keys


@pytest.fixture
def pg_schema(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[StoreConfig]:
    for name in ("LEDGER_KEY_PASSPHRASE_FILE", "LEDGER_LOG_ORIGIN", "LEDGER_POSTGRES_DSN", "LEDGER_POSTGRES_SCHEMA"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LEDGER_KEY_PASSPHRASE", PASS)
    with store_config("postgres", tmp_path) as config:
        yield config


def node(config: StoreConfig, data: Path) -> Settings:
    return Settings(data=data, postgres_dsn=config.postgres_dsn, postgres_schema=config.postgres_schema)


def new_officer(ident: str) -> dict[str, Any]:
    return officer(f"officer/{ident}", "DXH-CGJ", ["officer"])


def first_step(number: str, by: str) -> dict[str, Any]:
    step = case_steps(number, 1)[0]
    step["by"] = by
    return step


@pytest.mark.postgres
def test_a_key_made_through_one_node_signs_through_another(pg_schema: StoreConfig, tmp_path: Path) -> None:
    a_settings, b_settings = node(pg_schema, tmp_path / "a" / "var"), node(pg_schema, tmp_path / "b" / "var")
    a = init_ledger(a_settings)
    b = init_ledger(b_settings)  # joins: B's own data directory, the same schema
    try:
        assert import_lines(a, registry_lines(), actor=ADMIN).refusal is None
        a.record([new_officer("NODE-A-1")], actor=ADMIN)  # B is running already: it finds the key on lookup
        assert b.record([first_step("DXH-CGJ-2026-N1", "officer/NODE-A-1")], actor="officer/NODE-A-1")
        b.record([new_officer("NODE-B-1")], actor=ADMIN)
        assert a.record([first_step("DXH-CGJ-2026-N2", "officer/NODE-B-1")], actor="officer/NODE-B-1")
    finally:
        a.close()
        b.close()
    assert not a_settings.keystore_path.exists() and not b_settings.keystore_path.exists()


@pytest.mark.postgres
def test_the_database_holds_no_passphrase_and_no_plain_seed(pg_schema: StoreConfig, tmp_path: Path) -> None:
    import psycopg

    ledger = init_ledger(node(pg_schema, tmp_path / "var"))
    try:
        assert ledger.keystore is not None
        key = ledger.keystore.generate("officer/SECRET-1")
    finally:
        ledger.close()
    with psycopg.connect(PG_DSN) as conn:
        rows = conn.execute(f'SELECT * FROM "{pg_schema.postgres_schema}".signing_keys').fetchall()
        rows += conn.execute(f'SELECT * FROM "{pg_schema.postgres_schema}".key_store').fetchall()
    text = json.dumps([list(map(str, r)) for r in rows])
    assert key.key_id in text
    for secret in (PASS, base64.b64encode(key.seed).decode(), key.seed.hex()):
        assert secret not in text
    with pytest.raises(KeyStoreError, match="口令错误"):
        DbKeyStore(EventStore(pg_schema), "another passphrase")


@pytest.mark.postgres
def test_an_old_key_file_is_migrated_on_open_and_kept(pg_schema: StoreConfig, tmp_path: Path) -> None:
    settings = node(pg_schema, tmp_path / "var")
    settings.data.mkdir(parents=True)
    old = KeyStore.create(settings.keystore_path, PASS, work_factor=2**10)  # a data directory made before
    ledger = Ledger(EventStore(settings.store_config()), old)
    kept = [old.generate(f"officer/OLD-{n}") for n in range(3)]
    ledger.close()
    before = settings.keystore_path.read_bytes()
    # a second node's own old file: other salt, same passphrase
    other_path = tmp_path / "other" / "keys.json"
    other = KeyStore.create(other_path, PASS, work_factor=2**10)
    theirs = other.generate("officer/OLD-B")

    with pytest.raises(KeyStoreError):  # a wrong passphrase touches nothing
        DbKeyStore(EventStore(settings.store_config()), "wrong", legacy=settings.keystore_path)
    assert settings.keystore_path.read_bytes() == before

    reopened = open_ledger(settings)
    try:
        assert not settings.keystore_path.exists()
        assert (settings.data / "keys.json.migrated").read_bytes() == before  # the backup, byte for byte
        assert reopened.keystore is not None
        for key in kept:
            assert reopened.keystore.get(key.key_id).seed == key.seed
        store = reopened.keystore
        assert isinstance(store, DbKeyStore)
        assert store.migrate(other_path) == 1
        assert store.get(theirs.key_id).seed == theirs.seed
        assert (other_path.parent / "keys.json.migrated").exists()
    finally:
        reopened.close()
    # a restored file migrated again: nothing lost, the first backup not replaced
    settings.keystore_path.write_bytes(before)
    open_ledger(settings).close()
    assert (settings.data / "keys.json.migrated").read_bytes() == before
    assert (settings.data / "keys.json.migrated.1").read_bytes() == before


def test_sqlite_keeps_its_key_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("LEDGER_POSTGRES_DSN", "LEDGER_LOG_ORIGIN", "LEDGER_KEY_PASSPHRASE_FILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LEDGER_KEY_PASSPHRASE", PASS)
    settings = Settings(data=tmp_path / "var")
    init_ledger(settings).close()
    assert settings.keystore_path.exists() and oct(settings.keystore_path.stat().st_mode & 0o777) == "0o600"
    with pytest.raises(KeyStoreError):
        DbKeyStore(EventStore(settings.store_config()), PASS)


# --------------------------------------------------------------------------- finding 14: one log, one origin


def test_each_init_chooses_its_own_origin_and_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    for name in ("LEDGER_POSTGRES_DSN", "LEDGER_LOG_ORIGIN", "LEDGER_KEY_PASSPHRASE_FILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LEDGER_KEY_PASSPHRASE", PASS)
    origins = []
    for where in ("one", "two"):
        data = tmp_path / where / "var"
        assert cli_main(["--data", str(data), "init"]) == 0
        out = capsys.readouterr()
        origin = Settings(data=data).log_origin()
        assert origin in out.out and "LEDGER_LOG_ORIGIN" in out.err
        assert (data / "log-origin").read_text(encoding="utf-8").strip() == origin
        assert cli_main(["--data", str(data), "log", "checkpoint"]) == 0
        assert cli_main(["--data", str(data), "verify"]) == 0
        capsys.readouterr()
        origins.append(origin)
    assert origins[0] != origins[1]
    assert all(o != legacy_origin(tmp_path / "one" / "var") for o in origins)
    monkeypatch.setenv("LEDGER_LOG_ORIGIN", "ledger.example.gov.cn/dxh")
    assert cli_main(["--data", str(tmp_path / "three"), "init"]) == 0
    assert (tmp_path / "three" / "log-origin").read_text(encoding="utf-8").strip() == "ledger.example.gov.cn/dxh"


def test_a_data_dir_from_before_keeps_its_origin_and_verifies(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    for name in ("LEDGER_POSTGRES_DSN", "LEDGER_LOG_ORIGIN", "LEDGER_KEY_PASSPHRASE_FILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LEDGER_KEY_PASSPHRASE", PASS)
    data = tmp_path / "var"
    assert cli_main(["--data", str(data), "init"]) == 0
    (data / "log-origin").unlink()  # as init left a data directory before this file existed
    assert cli_main(["--data", str(data), "log", "checkpoint"]) == 0
    assert cli_main(["--data", str(data), "verify"]) == 0
    capsys.readouterr()
    assert cli_main(["--data", str(data), "log", "checkpoint", "--json"]) == 0
    assert legacy_origin(data) in capsys.readouterr().out
    assert cli_main(["--data", str(data), "init"]) == 2  # initialised (keys.json): refused, origin untouched
    assert not (data / "log-origin").exists()


@pytest.mark.postgres
def test_a_joining_node_takes_the_origin_of_the_shared_log(pg_schema: StoreConfig, tmp_path: Path) -> None:
    a, b = node(pg_schema, tmp_path / "a" / "var"), node(pg_schema, tmp_path / "b" / "var")
    init_ledger(a).close()
    init_ledger(b).close()
    assert a.log_origin() == b.log_origin() != legacy_origin(a.data)
