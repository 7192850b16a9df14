"""Helpers for the HTTP tests: a real SQLite ledger made by ``init``, the example registry,
a few more agencies and officers, tokens for every role, and a ``TestClient`` on the real app.

No tests here; ``tests/test_http*.py`` import it.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.server import create_app
from api.server.config import HttpSettings
from api.server.state import Area
from api.settings import Settings
from api.wiring import init_ledger
from ledger import canonical
from ledger.envelope import FORMAT, seal
from ledger.importer import import_lines
from ledger.keys import SigningKey
from ledger.service import Ledger, format_time
from tests.helpers.spec_paths import EXAMPLES
from tests.helpers.stores import store_config

PASSPHRASE = "http-test"
ADMIN = "officer/admin"
OFFICER = "officer/42011219001"  # 张伟, officer of DXH-CGJ
OFFICER2 = "officer/42011219002"
HEAD = "officer/42011219003"
REVIEWER = "officer/42011219004"  # legal_reviewer of DXH-CGJ
SUPERVISOR = "officer/SFJ-0001"  # supervisor + reconsideration_staff of DXH-SFJ
OTHER = "officer/SCJ-0001"  # officer of DXH-SCJ (supervised by nobody in particular)
FAR = "officer/XYZ-0001"  # officer of XYZ-ZFJ (supervised by agency/XYZ-SFJ: not by DXH-SFJ)
CLIENT = "officer/42011219099"  # officer of DXH-CGJ whose key only the client holds
AT = "2026-03-02T09:00:00+08:00"


def registry_lines() -> list[bytes]:
    return [line for line in (EXAMPLES / "registry.jsonl").read_bytes().splitlines() if line.strip()]


def example(name: str) -> list[dict[str, Any]]:
    return [orjson.loads(line) for line in (EXAMPLES / f"{name}.jsonl").read_bytes().splitlines() if line.strip()]


def case_steps(number: str, count: int | None = None) -> list[dict[str, Any]]:
    """The general example case's steps, moved to ``case/<number>``."""
    steps = example("general-case")[:count]
    for step in steps:
        step["stream"] = f"case/{number}"
    return steps


def agency(code: str, supervised_by: str | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {"name": f"测试机关 {code}", "credit_code": "11420112MB0000000X", "level": "district",
                            "region": "湖北省武汉市", "reconsideration_bodies": ["武汉市东西湖区人民政府"],
                            "court": "武汉市东西湖区人民法院"}
    if supervised_by:
        data["supervised_by"] = supervised_by
    return {"stream": f"agency/{code}", "type": "AgencyRegistered", "at": "2026-01-05T09:00:00+08:00",
            "by": ADMIN, "data": data}


def officer(identity: str, agency_code: str, roles: list[str], public_key: str | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {"name": "测试人员", "agency": f"agency/{agency_code}", "roles": roles,
                            "credential_no": identity.split("/")[1], "credential_valid_from": "2024-01-01",
                            "credential_valid_to": "2028-12-31"}
    if public_key:
        data["public_key"] = public_key
    return {"stream": identity, "type": "OfficerRegistered", "at": "2026-01-06T09:00:00+08:00", "by": ADMIN,
            "data": data}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@dataclass
class World:
    settings: Settings
    app: FastAPI
    client: TestClient
    ledger: Ledger
    tokens: dict[str, str]
    client_key: SigningKey
    data: Path
    counter: list[int] = field(default_factory=lambda: [0])

    def h(self, who: str) -> dict[str, str]:
        return bearer(self.tokens[who])

    def number(self, prefix: str = "DXH-CGJ-2026-T") -> str:
        self.counter[0] += 1
        return f"{prefix}{os.getpid()}-{self.counter[0]:04d}"

    def post(self, who: str, step: Any, **kwargs: Any) -> Any:
        return self.client.post("/v1/steps", json=step, headers={**self.h(who), **kwargs.pop("headers", {})},
                                **kwargs)


ENV = ("LEDGER_KEY_PASSPHRASE", "LEDGER_KEY_PASSPHRASE_FILE", "LEDGER_POSTGRES_DSN", "LEDGER_POSTGRES_SCHEMA",
       "LEDGER_ACTOR", "LEDGER_CONFIG", "LEDGER_DATA", "LEDGER_LOG_ORIGIN", "LEDGER_MAX_DOCUMENT_BYTES")


def restore_env(saved: dict[str, str | None]) -> None:
    """Put back the ``ENV`` variables a world or a site replaced (``saved``: their values before)."""
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


def build_world(tmp: Path, *, http: HttpSettings | None = None, areas: list[Area] | None = None,
                integrate: bool = False, postgres: tuple[str, str] | None = None, follow: bool = False) -> World:
    """``postgres``: (DSN, schema) to keep the events in PostgreSQL instead of SQLite."""
    for name in ENV:
        os.environ.pop(name, None)
    os.environ["LEDGER_KEY_PASSPHRASE"] = PASSPHRASE
    if postgres is not None:
        os.environ["LEDGER_POSTGRES_DSN"], os.environ["LEDGER_POSTGRES_SCHEMA"] = postgres
    data = tmp / "var"
    settings = Settings.load(str(data))
    ledger = init_ledger(settings)  # a cheap key store: tests/conftest.py sets LEDGER_SCRYPT_N
    result = import_lines(ledger, registry_lines(), actor=ADMIN)
    assert result.refusal is None, result.refusal
    client_key = SigningKey.generate()
    extra = [
        agency("DXH-SCJ"),
        agency("XYZ-SFJ"),
        agency("XYZ-ZFJ", supervised_by="agency/XYZ-SFJ"),
        officer(OTHER, "DXH-SCJ", ["officer", "head"]),
        officer(FAR, "XYZ-ZFJ", ["officer", "head"]),
        officer(CLIENT, "DXH-CGJ", ["officer"], base64.b64encode(client_key.public_key).decode("ascii")),
    ]
    ledger.record(extra, actor=ADMIN)
    base = http or HttpSettings(max_request_bytes=64 * 1024, max_batch_bytes=256 * 1024, max_batch_steps=20,
                                max_document_bytes=4096, integrate_interval=0, auth_cache_seconds=0)
    app = create_app(settings, http=base, ledger=ledger, areas=areas, integrate=integrate, follow=follow)
    tokens: dict[str, str] = {}
    store = app.state.services.tokens
    for who in (ADMIN, OFFICER, OFFICER2, HEAD, REVIEWER, SUPERVISOR, OTHER, FAR, CLIENT):
        tokens[who] = store.create(who, name="test")[1]
    client = TestClient(app, raise_server_exceptions=False)
    return World(settings, app, client, ledger, tokens, client_key, data)



@contextmanager
def world_on(backend: str, tmp: Path) -> Iterator[World]:
    """A world on SQLite, or on a PostgreSQL schema of its own (the ``backend`` fixture of ``conftest.py``)."""
    with store_config(backend, tmp) as config:
        postgres = (config.postgres_dsn, config.postgres_schema) if config.postgres_dsn else None
        with world_at(tmp, postgres=postgres) as made:
            yield made


@contextmanager
def world_at(tmp: Path, **kwargs: Any) -> Iterator[World]:
    saved = {name: os.environ.get(name) for name in ENV}
    world = build_world(tmp, **kwargs)
    try:
        yield world
    finally:
        restore_env(saved)
        world.client.close()
        svc = world.app.state.services
        svc.log.close()
        svc.ledger.close()


def checkpoint(world: World) -> int:
    """Integrate the log and sign a checkpoint (what ``log checkpoint`` does); the tree size."""
    from api.log_settings import log_origin
    from ledger.translog import TransparencyLog, log_signer

    tlog = TransparencyLog(world.ledger.store, origin=log_origin(world.settings))
    try:
        assert world.ledger.keystore is not None
        log_signer(tlog, world.ledger.keystore)
        tlog.integrate()
        return tlog.checkpoint().size
    finally:
        tlog.close()


def sealed_envelope(world: World, step: dict[str, Any], *, key: SigningKey | None = None,
                    version: int | None = None, prev: str | None = "head", recorded_at: datetime | None = None,
                    who: str | None = None) -> bytes:
    """A client-signed envelope built as a client would: head from the API, canonical bytes, signature."""
    key = key or world.client_key
    kind, ident = step["stream"].split("/", 1)
    known: dict[str, Any] = {}
    if version is None or prev == "head":  # a client opening a stream it cannot read yet signs v1, prev null
        head = world.client.get(f"/v1/streams/{kind}/{ident}/head", headers=world.h(who or step["by"]))
        assert head.status_code == 200, head.text
        known = head.json()
    envelope = dict(step)
    envelope.update(
        format=FORMAT,
        recorded_at=format_time(recorded_at or datetime.now(UTC)),
        version=known["version"] + 1 if version is None else version,
        prev=known["hash"] if prev == "head" else prev,
        nonce=base64.b64encode(os.urandom(18)).decode("ascii"),
        signer={"id": step["by"], "key": key.key_id},
    )
    unsigned = canonical.encode(envelope)
    return seal(unsigned, key.sign(unsigned))


def problem(response: Any, status: int, rule: str | None = None) -> dict[str, Any]:
    """Assert a problem+json answer with this status (and rule); return its body."""
    assert response.status_code == status, (response.status_code, response.text)
    assert response.headers["content-type"].startswith("application/problem+json"), response.headers
    body: dict[str, Any] = response.json()
    assert body["status"] == status and body["type"].startswith("urn:enforcement-ledger:problem:")
    assert "title" in body
    if rule is not None:
        assert body.get("rule") == rule, body
    return body

