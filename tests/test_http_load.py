"""Load on 127.0.0.1 (bounded): 50 clients record steps into distinct cases while others read
the public feed; no error but deliberate 409s; afterwards verify passes and every acknowledged
step is stored. Prints throughput and p50/p99 latency (the ratio to the library is measured by
benchmarks/http_service.py)."""

from __future__ import annotations

import asyncio
import importlib.util
import json
import statistics
import time
from pathlib import Path

import httpx
import pytest

from api.tokens import TokenStore
from api.wiring import open_ledger
from ledger.translog import verify_log
from ledger.verify import verify_store

ROOT = Path(__file__).resolve().parent.parent
WRITERS, READERS, CASES = 50, 5, 100


def bench_module():  # benchmarks/http_service.py shares its server and workload helpers
    spec = importlib.util.spec_from_file_location("bench_http", ROOT / "benchmarks" / "http_service.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_fifty_writers_and_feed_readers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bench = bench_module()
    monkeypatch.setenv("LEDGER_KEY_PASSPHRASE", bench.PASSPHRASE)
    for name in ("LEDGER_POSTGRES_DSN", "LEDGER_CONFIG", "LEDGER_ACTOR", "LEDGER_KEY_PASSPHRASE_FILE"):
        monkeypatch.delenv(name, raising=False)
    settings = bench.prepare(tmp_path / "data")
    ledger = open_ledger(settings, keys=False)
    try:
        token = TokenStore(ledger.store).create(bench.OFFICER, name="load test")[1]
        before = ledger.store.count()
    finally:
        ledger.close()
    cases = bench.workload(CASES)
    port = bench.free_port()
    process = bench.serve(settings.data, port, tmp_path / "serve.log")
    base = f"http://127.0.0.1:{port}"
    try:
        bench.wait_ready(base, process)
        result = asyncio.run(_load(bench, base, token, cases))
    finally:
        process.terminate()
        process.wait(timeout=60)
    writes, reads = result
    seconds, latencies, acknowledged, errors = writes
    assert not errors, errors[:5]
    assert reads["errors"] == [], reads["errors"][:5]
    ledger = open_ledger(settings, keys=False)
    try:
        assert ledger.store.count() - before == acknowledged == CASES * bench.STEPS_PER_CASE
        report = verify_store(ledger.store)
        report.problems.extend(verify_log(ledger.store))
        assert report.ok, report.problems[:5]
    finally:
        ledger.close()
    line = {
        "writers": WRITERS, "readers": READERS, "steps": acknowledged, "steps_per_s": round(acknowledged / seconds, 1),
        "p50_ms": round(statistics.median(latencies) * 1000, 1),
        "p99_ms": round(bench.percentile(latencies, 0.99) * 1000, 1),
        "feed_requests": reads["count"], "feed_p50_ms": round(statistics.median(reads["latencies"]) * 1000, 1),
        "feed_p99_ms": round(bench.percentile(reads["latencies"], 0.99) * 1000, 1),
    }
    artifacts = ROOT / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    (artifacts / "http-load.json").write_text(json.dumps(line, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps(line, ensure_ascii=False))


async def _load(bench, base: str, token: str, cases):  # type: ignore[no-untyped-def]
    limits = httpx.Limits(max_connections=1)
    writers = [httpx.AsyncClient(timeout=120, limits=limits) for _ in range(WRITERS)]
    readers = [httpx.AsyncClient(timeout=60, limits=limits) for _ in range(READERS)]
    done = asyncio.Event()
    reads: dict = {"count": 0, "latencies": [], "errors": []}

    async def read(http: httpx.AsyncClient) -> None:
        etag = None
        while not done.is_set():
            headers = {"If-None-Match": etag} if etag else {}
            t = time.perf_counter()
            response = await http.get(f"{base}/v1/public/disclosures", headers=headers)
            reads["latencies"].append(time.perf_counter() - t)
            reads["count"] += 1
            if response.status_code == 200:
                etag = response.headers.get("ETag")
            elif response.status_code != 304:
                reads["errors"].append(f"{response.status_code} {response.text[:200]}")
            await asyncio.sleep(0)

    try:
        feed = [asyncio.create_task(read(http)) for http in readers]
        writes = await bench.over_http(writers, base, token, cases)
        done.set()
        await asyncio.gather(*feed)
    finally:
        for http in writers + readers:
            await http.aclose()
    return writes, reads
