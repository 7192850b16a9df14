"""``token create|list|revoke`` and ``serve`` from the command line, against the real app."""

from __future__ import annotations

import json
import os
from pathlib import Path

import httpx
import pytest

from api.cli import main
from tests.helpers.http_world import ADMIN, OFFICER, PASSPHRASE, bearer, case_steps, problem, world_at
from tests.helpers.serve import serving


def test_token_create_list_revoke(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with world_at(tmp_path) as world:
        data = str(world.data)
        assert main(["--data", data, "token", "create", "--as-identity", "42011219001", "--name", "案件系统",
                     "--json"]) == 0
        created = json.loads(capsys.readouterr().out)
        assert created["identity"] == OFFICER and created["state"] == "active" and created["name"] == "案件系统"
        secret = created["token"]
        step = case_steps(world.number(), 1)[0]
        assert world.client.post("/v1/steps", json=step, headers=bearer(secret)).status_code == 201

        assert main(["--data", data, "token", "create", "--as-identity", "officer/admin", "--expires",
                     "2099-12-31"]) == 0
        out = capsys.readouterr()
        assert out.out.strip().startswith("elt_") and "2099-12-31" in out.err

        assert main(["--data", data, "token", "create", "--as-identity", "officer/NOBODY"]) == 1
        assert "未登记" in capsys.readouterr().err

        assert main(["--data", data, "token", "list", "--json"]) == 0
        listed = json.loads(capsys.readouterr().out)
        mine = next(t for t in listed if t["id"] == created["id"])
        assert "token" not in mine and "secret_sha256" not in mine
        assert any(t["identity"] == ADMIN and t["expires_at"] for t in listed)
        assert main(["--data", data, "token", "list"]) == 0
        assert created["id"] in capsys.readouterr().out

        assert main(["--data", data, "token", "revoke", created["id"]]) == 0
        assert "已撤销" in capsys.readouterr().out
        problem(world.client.post("/v1/steps", json=step, headers=bearer(secret)), 401)
        assert main(["--data", data, "token", "revoke", "deadbeef"]) == 1
        assert main(["--data", data, "token", "list", "--json"]) == 0
        states = {t["id"]: t["state"] for t in json.loads(capsys.readouterr().out)}
        assert states[created["id"]] == "revoked"


@pytest.mark.slow  # a uvicorn process: the fast tier keeps serve's usage error and the app in process
def test_serve_runs_uvicorn(tmp_path: Path) -> None:
    with world_at(tmp_path) as world:
        token = world.tokens[OFFICER]
        data = str(world.data)
    env = {**os.environ, "LEDGER_KEY_PASSPHRASE": PASSPHRASE, "LEDGER_HTTP_INTEGRATE": "0"}
    with serving(data, env) as (base, _):
        head = httpx.get(f"{base}/v1/streams/officer/admin/head", headers=bearer(token))
        assert head.status_code == 200 and head.json()["version"] == 1
        assert "server" not in head.headers


def test_serve_without_passphrase_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with world_at(tmp_path) as world:
        data = str(world.data)
    saved = {k: os.environ.pop(k, None) for k in ("LEDGER_KEY_PASSPHRASE", "LEDGER_KEY_PASSPHRASE_FILE")}
    try:
        assert main(["--data", data, "serve"]) == 2
    finally:
        for k, v in saved.items():
            if v is not None:
                os.environ[k] = v
    assert "口令" in capsys.readouterr().err
