"""Recording over HTTP against recording through the library, one step per transaction both sides.

``record_http``: the first steps of the general example case, repeated into distinct
cases, each posted as one ``POST /v1/steps`` (live, every gate) by several concurrent
clients (httpx, asyncio) to ``enforcement-ledger serve`` running under uvicorn in a
subprocess on 127.0.0.1 — against the same steps appended with ``Ledger.record([step])``
in this process, one call per step, on a ledger prepared the same way. Afterwards every
acknowledged step must be in the served ledger and it must verify. Prints one JSON object
per line with p50/p99 latency beside the rates.

``feed``: requests/s of ``GET /v1/public/disclosures`` (first page, 100 entries) on a demo
ledger (``--feed-cases``, projected once) against a route of the same app, served the same
way, that answers a fixed body of the same size; same clients, alternating rounds.

Budgets (issue 7): record_http >= 0.3, feed >= 0.5.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import argparse
import asyncio
import contextlib
import json
import os
import socket
import statistics
import subprocess
import tempfile
import time
from typing import Any

import httpx
import orjson

from api.settings import Settings
from api.tokens import TokenStore
from api.wiring import init_ledger, open_ledger
from ledger.importer import import_lines
from ledger.service import Ledger
from ledger.translog import verify_log
from ledger.verify import verify_store

EXAMPLES = ROOT / "examples"
STEPS_PER_CASE = 8  # source … evidence: every step recorded by officer/42011219001
OFFICER = "officer/42011219001"
ADMIN = "officer/admin"
BUDGET = 0.3
FEED_BUDGET = 0.5
FEED_SERVER = """
import sys
from pathlib import Path
import uvicorn
from fastapi import Response
from api.server import create_app
from api.settings import Settings
data, port, fixed = sys.argv[1], int(sys.argv[2]), Path(sys.argv[3])
app = create_app(Settings.load(data), integrate=False)
body = []
@app.get("/bench/fixed")
async def fixed_body() -> Response:
    if not body:
        body.append(fixed.read_bytes())
    return Response(body[0], media_type="application/json", headers={"ETag": '"fixed"', "Cache-Control": "no-cache"})
uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False, server_header=False)
"""
PASSPHRASE = "benchmark-passphrase"


def workload(cases: int) -> list[list[dict[str, Any]]]:
    """``cases`` lists of steps, each list one case (a stream of its own), in order."""
    lines = (EXAMPLES / "general-case.jsonl").read_bytes().splitlines()
    template = [orjson.loads(line) for line in lines if line.strip()][:STEPS_PER_CASE]
    assert all(step["by"] == OFFICER for step in template)
    out = []
    for n in range(cases):
        case = []
        for step in template:
            copy = orjson.loads(orjson.dumps(step))
            copy["stream"] = f"case/DXH-CGJ-2026-B{n:06d}"
            case.append(copy)
        out.append(case)
    return out


def prepare(data: Path) -> Settings:
    settings = Settings.load(str(data))
    ledger = init_ledger(settings)
    try:
        result = import_lines(ledger, (EXAMPLES / "registry.jsonl").read_bytes().splitlines(), actor=ADMIN)
        assert result.refusal is None, result.refusal
    finally:
        ledger.close()
    return settings


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def direct(ledger: Ledger, cases: list[list[dict[str, Any]]]) -> tuple[float, list[float]]:
    """Append the cases' steps one ``Ledger.record`` call each; (seconds, latencies)."""
    latencies: list[float] = []
    start = time.perf_counter()
    for case in cases:
        for step in case:
            t = time.perf_counter()
            ledger.record([step], actor=OFFICER)
            latencies.append(time.perf_counter() - t)
    return time.perf_counter() - start, latencies


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def serve(data: Path, port: int, log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "LEDGER_KEY_PASSPHRASE": PASSPHRASE, "LEDGER_HTTP_INTEGRATE": "0"}
    with open(log, "wb") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "api.cli", "--data", str(data), "serve", "--port", str(port), "--no-integrate",
             "--no-access-log", "--log-level", "warning"], env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
        )


def wait_ready(base: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("serve exited")
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError("serve did not start")


async def over_http(sessions: list[httpx.AsyncClient], base: str, token: str, cases: list[list[dict[str, Any]]],
                    ) -> tuple[float, list[float], int, list[str]]:
    """Post the cases' steps, one request each, from concurrent clients (one connection each); cases in order."""
    queue: asyncio.Queue[list[dict[str, Any]]] = asyncio.Queue()
    for case in cases:
        queue.put_nowait(case)
    latencies: list[float] = []
    errors: list[str] = []
    acknowledged = 0
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    async def client(http: httpx.AsyncClient) -> None:
        nonlocal acknowledged
        while True:
            try:
                case = queue.get_nowait()
            except asyncio.QueueEmpty:
                return
            for step in case:
                body = orjson.dumps(step)
                t = time.perf_counter()
                try:
                    response = await http.post(f"{base}/v1/steps", content=body, headers=headers)
                except httpx.TransportError as exc:
                    errors.append(f"{type(exc).__name__}: {exc}")
                    break
                latencies.append(time.perf_counter() - t)
                if response.status_code != 201:
                    errors.append(f"{response.status_code} {response.text[:200]}")
                    break
                acknowledged += 1

    start = time.perf_counter()
    await asyncio.gather(*(client(http) for http in sessions))
    return time.perf_counter() - start, latencies, acknowledged, errors


async def alternate(ledger: Ledger, base: str, token: str, warm: dict[str, Any],
                    rounds: list[tuple[list[list[dict[str, Any]]], list[list[dict[str, Any]]]]], clients: int
                    ) -> dict[str, Any]:
    """Each round: a slice of cases through the library, then another slice over HTTP.

    Alternating keeps both sides under the same load of this shared machine.
    """
    # One client object (one connection) per simulated client: httpx's shared pool slows down
    # with many concurrent requests and would measure itself, not the server.
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    out: dict[str, Any] = {"ref_s": 0.0, "ref_latencies": [], "ours_s": 0.0, "latencies": [], "acknowledged": 0,
                           "errors": []}
    async with contextlib.AsyncExitStack() as stack:
        sessions = [await stack.enter_async_context(httpx.AsyncClient(limits=limits, timeout=60))
                    for _ in range(clients)]
        http = sessions[0]
        ledger.record([warm], actor=OFFICER)  # warm: key store, caches
        response = await http.post(f"{base}/v1/steps", content=orjson.dumps(warm),
                                   headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        if response.status_code != 201:
            raise RuntimeError(f"warm-up refused: {response.status_code} {response.text}")
        for direct_cases, http_cases in rounds:
            seconds, latencies = direct(ledger, direct_cases)
            out["ref_s"] += seconds
            out["ref_latencies"] += latencies
            seconds, latencies, acknowledged, errors = await over_http(sessions, base, token, http_cases)
            out["ours_s"] += seconds
            out["latencies"] += latencies
            out["acknowledged"] += acknowledged
            out["errors"] += errors
    return out


async def fetch_all(sessions: list[httpx.AsyncClient], url: str, count: int) -> tuple[float, list[float], int]:
    """``count`` GETs of ``url`` spread over the sessions (one connection each); (seconds, latencies, errors)."""
    latencies: list[float] = []
    errors = 0
    left = [count]

    async def client(http: httpx.AsyncClient) -> None:
        nonlocal errors
        while left[0] > 0:
            left[0] -= 1
            t = time.perf_counter()
            response = await http.get(url)
            latencies.append(time.perf_counter() - t)
            if response.status_code != 200:
                errors += 1

    start = time.perf_counter()
    await asyncio.gather(*(client(s) for s in sessions))
    return time.perf_counter() - start, latencies, errors


async def feed_rounds(base: str, fixed_path: Path, requests: int, clients: int, rounds: int) -> dict[str, Any]:
    sessions = [httpx.AsyncClient(timeout=60, limits=httpx.Limits(max_connections=1)) for _ in range(clients)]
    try:
        first = await sessions[0].get(f"{base}/v1/public/disclosures")
        assert first.status_code == 200, first.text
        fixed_path.write_bytes(first.content)
        assert (await sessions[0].get(f"{base}/bench/fixed")).content == first.content
        per = max(1, requests // rounds)
        await fetch_all(sessions, f"{base}/v1/public/disclosures", clients)  # warm both
        await fetch_all(sessions, f"{base}/bench/fixed", clients)
        out: dict[str, Any] = {"ours_s": 0.0, "ref_s": 0.0, "latencies": [], "ref_latencies": [], "errors": 0,
                               "bytes": len(first.content), "entries": len(first.json()["items"])}
        for _ in range(rounds):
            seconds, latencies, errors = await fetch_all(sessions, f"{base}/bench/fixed", per)
            out["ref_s"] += seconds
            out["ref_latencies"] += latencies
            out["errors"] += errors
            seconds, latencies, errors = await fetch_all(sessions, f"{base}/v1/public/disclosures", per)
            out["ours_s"] += seconds
            out["latencies"] += latencies
            out["errors"] += errors
        out["requests"] = per * rounds
        return out
    finally:
        for session in sessions:
            await session.aclose()


def feed(tmp: Path, cases: int, requests: int, clients: int, rounds: int) -> dict[str, Any]:
    """The ``feed`` metric on a ``cases``-case demo ledger."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from api.cli.demo import run_demo
    from projections.runner import Runner

    settings = prepare_empty(tmp / "feed")
    ledger = open_ledger(settings)
    try:
        summary = run_demo(ledger, cases, 1, datetime.now(ZoneInfo("Asia/Shanghai")).date(), actor=ADMIN)
        assert summary.refusal is None, summary.refusal
        runner = Runner(ledger.store)
        runner.run_once()
        runner.close()
    finally:
        ledger.close()
    port = free_port()
    env = {**os.environ, "LEDGER_KEY_PASSPHRASE": PASSPHRASE, "LEDGER_HTTP_INTEGRATE": "0"}
    with open(tmp / "feed-serve.log", "wb") as out:
        process = subprocess.Popen([sys.executable, "-c", FEED_SERVER, str(settings.data), str(port),
                                    str(tmp / "fixed.json")], env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_ready(base, process)
        result = asyncio.run(feed_rounds(base, tmp / "fixed.json", requests, clients, rounds))
    finally:
        process.terminate()
        process.wait(timeout=60)
    ours, ref = result["requests"] / result["ours_s"], result["requests"] / result["ref_s"]
    return {
        "metric": "feed", "ours": round(ours, 1), "reference": round(ref, 1), "unit": "requests/s",
        "ratio": round(ours / ref, 3), "budget": FEED_BUDGET,
        "reference_is": "a route of the same app answering a fixed body of the same size, same clients",
        "cases": cases, "entries": result["entries"], "bytes": result["bytes"], "clients": clients,
        "requests": result["requests"], "errors": result["errors"],
        "p50_ms": round(statistics.median(result["latencies"]) * 1000, 2),
        "p99_ms": round(percentile(result["latencies"], 0.99) * 1000, 2),
        "reference_p50_ms": round(statistics.median(result["ref_latencies"]) * 1000, 2),
        "reference_p99_ms": round(percentile(result["ref_latencies"], 0.99) * 1000, 2),
    }


def prepare_empty(data: Path) -> Settings:
    settings = Settings.load(str(data))
    init_ledger(settings).close()
    return settings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=250, help="cases (8 steps each) per side (default 250)")
    parser.add_argument("--clients", type=int, default=16, help="concurrent HTTP clients (default 16)")
    parser.add_argument("--rounds", type=int, default=5, help="alternating rounds, library then HTTP (default 5)")
    parser.add_argument("--feed-cases", type=int, default=200, help="demo cases for the feed metric (default 200)")
    parser.add_argument("--feed-requests", type=int, default=2000, help="requests per side for feed (default 2000)")
    parser.add_argument("--only", choices=["record_http", "feed"], help="measure only this metric")
    args = parser.parse_args()
    os.environ["LEDGER_KEY_PASSPHRASE"] = PASSPHRASE
    for name in ("LEDGER_POSTGRES_DSN", "LEDGER_CONFIG", "LEDGER_ACTOR", "LEDGER_KEY_PASSPHRASE_FILE"):
        os.environ.pop(name, None)
    if args.only == "feed":
        return report_feed(args)
    cases = workload(2 * args.cases + 1)
    warm = cases[0][0]  # unmeasured: the first case's opening step, on each side
    measured = cases[1:]
    direct_cases, http_cases = measured[0::2], measured[1::2]
    per = -(-args.cases // args.rounds)
    rounds = [(direct_cases[i : i + per], http_cases[i : i + per]) for i in range(0, args.cases, per)]
    steps = args.cases * STEPS_PER_CASE
    with tempfile.TemporaryDirectory(prefix="bench-http-") as tmp:
        ref_settings = prepare(Path(tmp) / "direct")
        http_settings = prepare(Path(tmp) / "http")
        ledger = open_ledger(http_settings, keys=False)
        try:
            token = TokenStore(ledger.store).create(OFFICER, name="benchmark")[1]
            before = ledger.store.count()
        finally:
            ledger.close()
        port = free_port()
        server_log = Path(tmp) / "serve.log"
        process = serve(http_settings.data, port, server_log)
        reference = open_ledger(ref_settings)
        try:
            base = f"http://127.0.0.1:{port}"
            wait_ready(base, process)
            result = asyncio.run(alternate(reference, base, token, warm, rounds, args.clients))
        finally:
            reference.close()
            process.terminate()
            process.wait(timeout=60)
        server_output = server_log.read_text(encoding="utf-8", errors="replace")
        ref_s, ref_latencies = result["ref_s"], result["ref_latencies"]
        ours_s, latencies = result["ours_s"], result["latencies"]
        acknowledged, errors = result["acknowledged"], result["errors"]

        ledger = open_ledger(http_settings, keys=False)
        try:
            stored = ledger.store.count() - before - 1  # less the warm-up step
            report = verify_store(ledger.store)
            report.problems.extend(verify_log(ledger.store))
            verified = report.ok
        finally:
            ledger.close()

    ours, ref = acknowledged / ours_s, steps / ref_s
    row = {
        "metric": "record_http", "ours": round(ours, 1), "reference": round(ref, 1), "unit": "steps/s",
        "ratio": round(ours / ref, 3), "budget": BUDGET,
        "reference_is": "Ledger.record, one step per call, same steps, same kind of store, one thread",
        "clients": args.clients, "rounds": len(rounds), "steps": steps, "acknowledged": acknowledged, "stored": stored,
        "errors": len(errors), "verified": verified,
        "p50_ms": round(statistics.median(latencies) * 1000, 2), "p99_ms": round(percentile(latencies, 0.99) * 1000, 2),
        "reference_p50_ms": round(statistics.median(ref_latencies) * 1000, 2),
        "reference_p99_ms": round(percentile(ref_latencies, 0.99) * 1000, 2),
    }
    print(json.dumps(row, ensure_ascii=False), flush=True)
    feed_code = report_feed(args) if args.only is None else 0
    if errors:
        print(json.dumps({"errors": errors[:5]}, ensure_ascii=False), file=sys.stderr)
        print(server_output[-5000:], file=sys.stderr)
    if errors or stored != acknowledged or not verified:
        return 1
    if row["ratio"] < BUDGET:
        print(json.dumps({"over_budget": ["record_http"]}), file=sys.stderr)
    return feed_code


def report_feed(args: argparse.Namespace) -> int:
    with tempfile.TemporaryDirectory(prefix="bench-feed-") as tmp:
        row = feed(Path(tmp), args.feed_cases, args.feed_requests, args.clients, args.rounds)
    print(json.dumps(row, ensure_ascii=False), flush=True)
    if row["errors"]:
        return 1
    if row["ratio"] < FEED_BUDGET:
        print(json.dumps({"over_budget": ["feed"]}), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
