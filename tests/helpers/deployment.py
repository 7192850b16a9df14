"""A data directory on either store with the environment its processes share, and the long-running
processes of a deployment (``log integrate --follow``, ``audit --follow``, ``projections run``) started
as an operator starts them and stopped with a signal."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from api.cli import main
from tests.helpers.serve import ROOT
from tests.helpers.spec_paths import EXAMPLES
from tests.helpers.stores import store_config

PASSPHRASE = "deployment-test"


@dataclass(frozen=True)
class Deployment:
    """A ledger made by ``init`` and the environment every process of it runs with."""

    data: Path
    env: dict[str, str]

    def cli(self, *args: str) -> int:
        """One command in this process, with the deployment's environment (set by the fixture)."""
        return main(["--data", str(self.data), *args])

    def import_example(self, name: str) -> None:
        assert self.cli("import", str(EXAMPLES / f"{name}.jsonl")) == 0

    def start(self, *args: str) -> subprocess.Popen[str]:
        return subprocess.Popen([sys.executable, "-m", "api.cli", "--data", str(self.data), *args], env=self.env,
                                cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@contextmanager
def deployment(backend: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Deployment]:
    """``init`` on ``backend`` (a fresh PostgreSQL schema, dropped after) with ``registry`` imported."""
    with store_config(backend, tmp_path) as config:
        env = {"LEDGER_KEY_PASSPHRASE": PASSPHRASE, "LEDGER_SCRYPT_N": "1024"}
        if config.postgres_dsn:
            env |= {"LEDGER_POSTGRES_DSN": str(config.postgres_dsn), "LEDGER_POSTGRES_SCHEMA": config.postgres_schema}
        for name in ("LEDGER_POSTGRES_DSN", "LEDGER_POSTGRES_SCHEMA", "LEDGER_ACTOR", "LEDGER_CONFIG", "LEDGER_DATA"):
            monkeypatch.delenv(name, raising=False)
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        made = Deployment(tmp_path / "var", {**os.environ, **env})
        assert made.cli("init") == 0
        made.import_example("registry")
        yield made


def eventually(check: Callable[[], bool], timeout: float, what: str) -> float:
    """Seconds until ``check`` held (fails after ``timeout``)."""
    began = time.monotonic()
    while not check():
        if time.monotonic() - began > timeout:
            raise AssertionError(f"{what}: not within {timeout} s")
        time.sleep(0.05)
    return time.monotonic() - began


def stop(process: subprocess.Popen[str], sig: int = signal.SIGTERM, timeout: float = 90) -> tuple[int, str, str]:
    """Send ``sig``; the exit status and the output once it ended (killed if it does not)."""
    process.send_signal(sig)
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        out, err = process.communicate()
        raise AssertionError(f"did not stop within {timeout} s on signal {sig}: {err}") from None
    return process.returncode, out, err


def wait_started(process: subprocess.Popen[str], timeout: float = 60) -> str:
    """The status line a follower prints once it runs (its first line on standard error)."""
    assert process.stderr is not None
    began = time.monotonic()
    line = process.stderr.readline()
    if not line:
        raise AssertionError(f"the process ended before it started (status {process.wait()})")
    assert time.monotonic() - began < timeout
    return line
