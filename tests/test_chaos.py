"""Chaos (issue 12, slow tier): two ``serve`` processes on one PostgreSQL schema, writers retrying
with ``Idempotency-Key`` through both, one node killed with SIGKILL three times and restarted.

Every acknowledged step is stored exactly once, no answer is a 5xx other than 503, ``verify``
passes and the transparency log (after ``log integrate``) has one leaf per event. The officers
are registered before the nodes start and both nodes use one data directory (one key store).
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest

from api.cli import main
from tests.helpers.http_world import OFFICER, PASSPHRASE, case_steps, world_at
from tests.helpers.serve import free_port, start_serve
from tests.helpers.stores import store_config

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

WRITERS = 4
STEPS = 20
KILLS = 3


class Node:
    """One ``enforcement-ledger serve`` process on a fixed port, restartable."""

    def __init__(self, data: str, env: dict[str, str]) -> None:
        self.data, self.env, self.port = data, env, free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = start_serve(self.data, self.env, self.port, "--no-integrate", "--no-follow")

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=30)


class Writer(threading.Thread):
    """Records STEPS source steps on its own case, each with its own key, retrying until acknowledged."""

    def __init__(self, index: int, number: str, nodes: list[Node], token: str) -> None:
        super().__init__(daemon=True)
        self.index, self.number, self.nodes, self.token = index, number, nodes, token
        self.acknowledged: dict[str, str] = {}  # summary → hash
        self.statuses: Counter[int] = Counter()
        self.unexpected: list[str] = []
        self.transport_errors = 0

    def run(self) -> None:
        client = httpx.Client(timeout=30)
        try:
            for n in range(STEPS):
                self.record(client, n)
        finally:
            client.close()

    def record(self, client: httpx.Client, n: int) -> None:
        step = case_steps(self.number, 1)[0]
        summary = f"w{self.index}-n{n}"
        step["data"]["summary"] = summary
        body = orjson.dumps(step)
        headers = {"Authorization": f"Bearer {self.token}", "Content-Type": "application/json",
                   "Idempotency-Key": f"chaos-{summary}"}
        target = (self.index + n) % len(self.nodes)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                answer = client.post(f"{self.nodes[target].url}/v1/steps", content=body, headers=headers)
            except httpx.TransportError:
                self.transport_errors += 1
                target = 1 - target
                time.sleep(0.1)
                continue
            self.statuses[answer.status_code] += 1
            if answer.status_code == 201:
                self.acknowledged[summary] = answer.json()["hash"]
                return
            retryable = answer.status_code == 503 or (
                answer.status_code == 409 and answer.json().get("rule") == "IDEMPOTENCY-KEY")
            if not retryable:
                self.unexpected.append(f"{answer.status_code} {answer.text[:300]}")
                return
            target = 1 - target
            time.sleep(0.3)
        self.unexpected.append(f"{summary}: not acknowledged within 120 s")


def test_two_nodes_kill_9_and_keyed_retries_store_every_step_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with store_config("postgres", tmp_path) as config:
        assert config.postgres_dsn is not None
        with world_at(tmp_path, postgres=(config.postgres_dsn, config.postgres_schema)) as world:
            data = str(world.data)
            token = world.tokens[OFFICER]
            numbers = [world.number("DXH-CGJ-2026-C") for _ in range(WRITERS)]
            env = {**os.environ, "LEDGER_KEY_PASSPHRASE": PASSPHRASE, "LEDGER_POSTGRES_DSN": config.postgres_dsn,
                   "LEDGER_POSTGRES_SCHEMA": config.postgres_schema, "LEDGER_HTTP_AUTH_CACHE": "0"}
            nodes = [Node(data, env), Node(data, env)]
            try:
                for node in nodes:
                    node.start()
                writers = [Writer(i, numbers[i], nodes, token) for i in range(WRITERS)]
                for writer in writers:
                    writer.start()
                rng = random.Random(12)
                for _ in range(KILLS):
                    time.sleep(1.0 + rng.random() * 1.5)
                    nodes[0].kill()
                    time.sleep(0.3)
                    nodes[0].start()
                for writer in writers:
                    writer.join(timeout=300)
                    assert not writer.is_alive()
            finally:
                for node in nodes:
                    node.stop()

            statuses = sum((w.statuses for w in writers), Counter())
            assert all(w.unexpected == [] for w in writers), [w.unexpected for w in writers]
            assert not [s for s in statuses if s >= 500 and s != 503], statuses
            for writer in writers:
                assert len(writer.acknowledged) == STEPS
                stored: Counter[str] = Counter()
                hashes: dict[str, str] = {}
                for event in world.ledger.read(f"case/{writer.number}"):
                    summary = event.envelope["data"]["summary"]
                    stored[summary] += 1
                    hashes[summary] = event_hash(event)
                assert stored == Counter(dict.fromkeys(writer.acknowledged, 1)), stored
                assert hashes == writer.acknowledged

            capsys.readouterr()
            assert main(["--data", data, "verify", "--json"]) == 0, capsys.readouterr().out
            capsys.readouterr()
            assert main(["--data", data, "log", "integrate", "--json"]) == 0
            size = json.loads(capsys.readouterr().out)["size"]
            assert size == world.ledger.store.count()
            print(f"chaos: statuses {dict(statuses)}, transport errors {sum(w.transport_errors for w in writers)}")


def event_hash(event: Any) -> str:
    from ledger.envelope import content_hash

    return content_hash(event.unsigned).hex()
