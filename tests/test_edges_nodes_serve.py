"""Issue 12, finding 9, end to end: two ``serve`` processes on one PostgreSQL schema, each with
its own data directory, record for officers registered through the other; both integrate the
transparency log, and the ledger verifies with as many leaves as events (slow tier)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.helpers.http_world import ADMIN, bearer, case_steps, officer, registry_lines
from tests.helpers.serve import ROOT, serving
from tests.helpers.stores import store_config

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

PASS = "two-nodes"


def _cli(env: dict[str, str], data: Path, *args: str, stdin: bytes | None = None) -> str:
    done = subprocess.run([sys.executable, "-m", "api.cli", "--data", str(data), *args], env=env, cwd=ROOT,
                          input=stdin, capture_output=True, timeout=120)
    assert done.returncode == 0, (args, done.stdout.decode(), done.stderr.decode())
    return done.stdout.decode()


def _token(env: dict[str, str], data: Path, identity: str) -> str:
    out = _cli(env, data, "token", "create", "--as-identity", identity, "--json")
    return str(json.loads(out)["token"])


def _post(base: str, token: str, step: dict[str, Any]) -> httpx.Response:
    return httpx.post(f"{base}/v1/steps", json=step, headers=bearer(token), timeout=30)


def _case_step(number: str, by: str) -> dict[str, Any]:
    step = case_steps(number, 1)[0]
    step["by"] = by
    return step


def test_two_nodes_on_one_schema_record_for_each_others_officers(tmp_path: Path) -> None:
    with store_config("postgres", tmp_path) as config:
        assert config.postgres_dsn is not None
        env = {**os.environ, "LEDGER_KEY_PASSPHRASE": PASS, "LEDGER_POSTGRES_DSN": config.postgres_dsn,
               "LEDGER_POSTGRES_SCHEMA": config.postgres_schema, "LEDGER_HTTP_INTEGRATE": "1",
               "LEDGER_LOG_CHECKPOINT_INTERVAL": "1", "LEDGER_HTTP_FOLLOW": "0"}
        for name in ("LEDGER_KEY_PASSPHRASE_FILE", "LEDGER_LOG_ORIGIN", "LEDGER_DATA", "LEDGER_CONFIG"):
            env.pop(name, None)
        a_data, b_data = tmp_path / "a" / "var", tmp_path / "b" / "var"
        _cli(env, a_data, "init")
        _cli(env, b_data, "init")  # joins the ledger A made: same keys, same log origin
        assert (a_data / "log-origin").read_text() == (b_data / "log-origin").read_text()
        _cli(env, a_data, "import", "-", stdin=b"\n".join(registry_lines()) + b"\n")
        admin = _token(env, a_data, ADMIN)
        with serving(a_data, env) as (node_a, _), serving(b_data, env) as (node_b, _):
            for n, (register_at, record_at) in enumerate([(node_a, node_b), (node_b, node_a)] * 2):
                who = f"officer/TWO-NODES-{n}"
                made = _post(register_at, admin, officer(who, "DXH-CGJ", ["officer"]))
                assert made.status_code == 201, made.text
                token = _token(env, a_data if n % 2 else b_data, who)
                recorded = _post(record_at, token, _case_step(f"DXH-CGJ-2026-TN{n}", who))
                assert recorded.status_code == 201, recorded.text  # was 422 KEY-NOT-HELD
            events = json.loads(_cli(env, a_data, "verify", "--json"))["events"]
            deadline = time.monotonic() + 30
            while True:  # both nodes integrate and sign (the log's write lock makes them take turns)
                shown = subprocess.run([sys.executable, "-m", "api.cli", "--data", str(b_data), "log", "checkpoint",
                                        "--show", "--json"], env=env, cwd=ROOT, capture_output=True, timeout=60)
                if shown.returncode == 0 and json.loads(shown.stdout)["size"] == events:
                    break
                assert time.monotonic() < deadline, shown.stdout.decode() + shown.stderr.decode()
                time.sleep(0.5)
        report = json.loads(_cli(env, a_data, "verify", "--json"))
        assert report["ok"] and report["events"] == events, report
