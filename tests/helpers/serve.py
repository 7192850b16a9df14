"""A real ``enforcement-ledger serve`` process, for the tests that need uvicorn, a port and signals."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_serve(data: str | Path, env: dict[str, str], port: int, *options: str,
                timeout: float = 60) -> subprocess.Popen[bytes]:
    """``serve`` on ``port``, returned once ``/healthz`` answers (killed if it never does)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "--data", str(data), "serve", "--port", str(port), "--no-access-log",
         "--log-level", "warning", *options], env=env, cwd=ROOT,
    )
    deadline = time.monotonic() + timeout
    while True:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return process
        except httpx.TransportError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            process.wait(timeout=30)
            raise AssertionError("serve did not start")
        time.sleep(0.1)


@contextmanager
def serving(data: str | Path, env: dict[str, str], *options: str) -> Iterator[tuple[str, int]]:
    """(base URL, port) of a started ``serve``, stopped with SIGINT as an operator would."""
    port = free_port()
    process = start_serve(data, env, port, *options)
    try:
        yield f"http://127.0.0.1:{port}", port
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=60)
