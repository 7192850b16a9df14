"""Ten years of a district (issue 17): a demo of ``SCALE_CASES`` cases (default 75,000, about a
million events and more) in a temporary data directory, then what its users feel, one JSON line each
({"metric", "ours", "reference", "unit", "ratio", "budget"}, as ``benchmarks/*.py``):

* ``verify_scale``: events/s of ``verify`` over the whole ledger against the same Ed25519 library
  verifying the same signatures with the same workers (``verify_scale`` of ``benchmarks/ledger.py``
  or ``benchmarks/verify_reference.py`` when present; else the stand-in below, same signature);
* ``rebuild_scale``: events/s of a full ``projections rebuild`` against a plain eventsourcing
  read-and-decode of the same events (the steps, as ``benchmarks/projections.py`` stores them);
* ``models_bytes``: read-model bytes ÷ event bytes (``ours``; ``ratio`` is its inverse): every
  table ``projections rebuild`` and the audit table write, with their indexes — not the events, the
  log's nodes, tokens or keys (SQLite: ``dbstat``; PostgreSQL: ``pg_total_relation_size``);
* ``page_p99_ms``: p99 over the staff case list (filtered), a case page, the supervision dashboard,
  the public list and both feeds, ``PAGE_REQUESTS`` (200) requests each from ``CLIENTS`` clients,
  while the followers run;
* ``fresh_p99_ms``: from the 201 of a step recorded over HTTP to its appearance in the case's
  timeline (``/v1/cases/{n}/timeline``, what the case page shows) and in ``/v1/cases/{n}/audit``,
  for 200 steps recorded by 20 concurrent writers.

The two latencies' ``reference`` is the same measurement on a ``REFERENCE_CASES`` (2,000) case demo
in the same run; their budgets bound ``ours``. Budgets: verify_scale >= 0.7, rebuild_scale >= 0.3,
models_bytes <= 1.0, page_p99_ms <= 300, fresh_p99_ms <= 2000 (SQLite, default size).
``SCALE_DSN`` (a PostgreSQL DSN) runs it there, each demo in a schema of its own (dropped at the end), with
the service as docs/operations.md's deployment layout: ``API_PROCESSES`` (2) ``serve --no-integrate
--no-follow``, the clients' requests spread over them in turn, beside ``log integrate --follow --checkpoint``,
``projections run`` and ``audit --follow``; the latency rows say each process's peak memory.
The demo is generated streaming (``api.cli.demo.run_demo``) without its documents (PDF files are
neither events nor read models). Extra keys of each line say what dominates its cost.

``SCALE_DEMO_FROM`` (SQLite only) names the data directory of a demo built before by the same generator for
``SCALE_CASES`` cases with nothing else run on it (``benchmarks/scale.py``'s ``build_demo``, e.g. by an
earlier run's ``SCALE_KEEP_DEMO``): it is copied instead of built, so the metrics can be re-measured
without paying the demo again (the ``scale_demo`` line then says ``copied``). ``SCALE_KEEP_DEMO`` names a
directory to copy the freshly built demo to before anything else reads it.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import asyncio
import contextlib
import importlib.util
import itertools
import json
import os
import random
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import orjson

from api.settings import Settings
from api.tokens import TokenStore
from api.wiring import init_ledger, open_ledger
from ledger.store import EventStore

ADMIN = "officer/admin"
PASSPHRASE = "benchmark-passphrase"
SHANGHAI = ZoneInfo("Asia/Shanghai")
BUDGETS = {"verify_scale": 0.7, "rebuild_scale": 0.3, "models_bytes": 1.0, "page_p99_ms": 300.0,
           "fresh_p99_ms": 2000.0}
EVENT_TABLES = ("stored_events", "ledger_events")
"""The events' table: SQLite's ``stored_events``, PostgreSQL's ``ledger_events``."""
EXCLUDED_PREFIXES = (*EVENT_TABLES, "ledger_tracking", "translog_", "api_tokens", "keys", "key_", "signing_keys",
                     "sqlite_")
"""Tables that are not read models: the events, the followers' tracking, the log's leaves/nodes/checkpoints,
tokens, keys."""
SCALE_CASES = int(os.environ.get("SCALE_CASES", "75000"))
REFERENCE_CASES = int(os.environ.get("REFERENCE_CASES", "2000"))
PAGE_REQUESTS = int(os.environ.get("PAGE_REQUESTS", "200"))
CLIENTS = int(os.environ.get("CLIENTS", "4"))
FRESH_STEPS, WRITERS = int(os.environ.get("FRESH_STEPS", "200")), int(os.environ.get("WRITERS", "20"))
DSN = os.environ.get("SCALE_DSN") or None
DEMO_FROM = os.environ.get("SCALE_DEMO_FROM") or None
KEEP_DEMO = os.environ.get("SCALE_KEEP_DEMO") or None
API_PROCESSES = int(os.environ.get("API_PROCESSES", "2"))
"""PostgreSQL: how many ``serve --no-integrate --no-follow`` processes (the deployment layout's two)."""


def emit(row: dict[str, Any]) -> dict[str, Any]:
    print(json.dumps(row, ensure_ascii=False), flush=True)
    return row


def note(text: str) -> None:
    print(f"# {text}", file=sys.stderr, flush=True)


# ------------------------------------------------------------------------------------ the demo


@contextlib.contextmanager
def demo_settings(tmp: Path, name: str) -> Iterator[Settings]:
    """The settings of a fresh ledger: a data directory, and on PostgreSQL a schema of its own."""
    env = {"LEDGER_KEY_PASSPHRASE": PASSPHRASE}
    schema = None
    if DSN:
        schema = f"scale_{name}_{os.getpid()}"
        env |= {"LEDGER_POSTGRES_DSN": DSN, "LEDGER_POSTGRES_SCHEMA": schema}
        import psycopg
        with psycopg.connect(DSN, autocommit=True) as conn:
            conn.execute(f'CREATE SCHEMA "{schema}"')  # as an operator does before ``init``
    os.environ.update(env)
    try:
        yield Settings.load(str(tmp / name))
    finally:
        for key in ("LEDGER_POSTGRES_DSN", "LEDGER_POSTGRES_SCHEMA"):
            os.environ.pop(key, None)
        if schema is not None:
            import psycopg
            with psycopg.connect(DSN, autocommit=True) as conn:
                conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def build_demo(settings: Settings, cases: int) -> dict[str, Any]:
    from api.cli.demo import run_demo

    init_ledger(settings).close()
    ledger = open_ledger(settings)
    started = time.perf_counter()
    try:
        summary = run_demo(ledger, cases, 1, datetime.now(SHANGHAI).date(), actor=ADMIN,
                           log_origin=settings.log_origin(), progress=_progress(f"demo {cases}"))
    finally:
        ledger.close()
    if summary.refusal is not None:
        raise RuntimeError(f"demo refused: {summary.refusal}")
    return {"cases": cases, "events": summary.recorded, "seconds": round(time.perf_counter() - started, 1),
            "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024}


def scale_demo(settings: Settings) -> dict[str, Any]:
    """The scale demo: copied from ``SCALE_DEMO_FROM`` or built (and kept in ``SCALE_KEEP_DEMO``)."""
    data = Path(settings.data)
    if DSN and (DEMO_FROM or KEEP_DEMO):
        raise SystemExit("SCALE_DEMO_FROM and SCALE_KEEP_DEMO copy a SQLite data directory; not with SCALE_DSN")
    if DEMO_FROM:
        note(f"demo of {SCALE_CASES} cases copied from {DEMO_FROM}")
        shutil.copytree(DEMO_FROM, data, dirs_exist_ok=True)
        ledger = open_ledger(settings, keys=False)
        try:
            events = ledger.store.count()
        finally:
            ledger.close()
        return {"cases": SCALE_CASES, "events": events, "seconds": None, "maxrss_mb": None, "copied": DEMO_FROM}
    note(f"demo of {SCALE_CASES} cases")
    demo = build_demo(settings, SCALE_CASES)
    if KEEP_DEMO:
        shutil.copytree(data, KEEP_DEMO, dirs_exist_ok=True)
    return demo


def _progress(label: str) -> Callable[[int, int], None]:
    last = [0.0]

    def show(done: int, total: int) -> None:
        if time.monotonic() - last[0] > 30:
            last[0] = time.monotonic()
            note(f"{label}: {'generated' if not total else 'recorded'} {done}" + (f"/{total}" if total else ""))

    return show


# ------------------------------------------------------------------------------------ verify


def _verify_scale() -> Callable[[EventStore], dict[str, Any]]:
    """``verify_scale(store)`` of the verify helper's benchmark, when it has landed."""
    for name in ("ledger", "verify_reference"):
        if (ROOT / "benchmarks" / f"{name}.py").exists():
            found = getattr(_bench_module(name), "verify_scale", None)
            if callable(found):
                return found  # type: ignore[no-any-return]
    return verify_scale_standin


def verify_scale_standin(store: EventStore) -> dict[str, Any]:
    """Stand-in until ``verify_scale`` lands in benchmarks/ (branch verifyperf): ``verify_store`` over the
    whole ledger against the Ed25519 library verifying the same rows' signatures with as many threads,
    reading the rows as it goes (both sides read the same rows once)."""
    from ledger.envelope import SealedEvent, split
    from ledger.keyring import Keyring
    from ledger.keys import verify
    from ledger.verify import verify_store

    workers = os.cpu_count() or 2
    ring = Keyring()
    for row in store.notifications():  # the signers' public keys (outside the timing)
        ring.apply(SealedEvent.from_stored(bytes(row.state)))
    public = {kid: record.public_key for kid, record in ring.keys.items()}
    started = time.perf_counter()
    events = 0
    with ThreadPoolExecutor(workers) as pool:
        pending: list[Any] = []
        chunk: list[tuple[Any, bytes, bytes]] = []
        for row in store.notifications():
            state = bytes(row.state)
            unsigned, sig = split(state)
            kid = SealedEvent.from_stored(state).signer[1]
            chunk.append((public[kid], unsigned, sig))
            events += 1
            if len(chunk) >= 512:
                pending.append(pool.submit(lambda c: all([verify(*w) for w in c]), chunk))
                chunk = []
                if len(pending) > 4 * workers:
                    assert pending.pop(0).result()
        if chunk:
            pending.append(pool.submit(lambda c: all([verify(*w) for w in c]), chunk))
        assert all(p.result() for p in pending)
    reference = time.perf_counter() - started
    started = time.perf_counter()
    report = verify_store(store, workers=workers)
    ours = time.perf_counter() - started
    assert report.ok, report
    return {"metric": "verify_scale", "ours": round(events / ours, 1), "reference": round(events / reference, 1),
            "unit": "events/s", "ratio": round(reference / ours, 3), "budget": BUDGETS["verify_scale"],
            "events": events, "workers": workers, "stand_in": True,
            "reference_is": "Ed25519 verification of the same rows' signatures, same threads (local stand-in)"}


# ------------------------------------------------------------------------------------ rebuild and bytes


def _bench_module(name: str) -> Any:
    """``benchmarks/<name>.py``, loaded once."""
    key = f"benchmark_{name}"
    if key not in sys.modules:
        spec = importlib.util.spec_from_file_location(key, ROOT / "benchmarks" / f"{name}.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[key] = module
        spec.loader.exec_module(module)
    return sys.modules[key]


READS = 3
"""How many times the rebuild's reference reads the plain events (its fastest counts)."""


def plain_read(tmp: Path, store: EventStore) -> tuple[int, float]:
    """The same steps as plain eventsourcing aggregate events (``benchmarks/import.py``'s plain
    importer: one more, its creation, per stream), then read back through its notification log and
    decoded, the fastest of :data:`READS` reads: the reference of a rebuild; (events read, seconds)."""
    imported, bench = _bench_module("import"), _bench_module("projections")
    from ledger.envelope import SealedEvent

    def lines() -> Iterator[bytes]:
        for row in store.notifications():
            event = SealedEvent.from_stored(bytes(row.state))
            yield orjson.dumps({"stream": event.stream, "type": event.type, "at": event.envelope.get("at"),
                                "by": event.envelope.get("by"), "data": event.envelope.get("data")})

    path = tmp / "plain.sqlite"
    imported.plain_import(path, lines())
    # the fastest of three reads: one read's time swung from 5.0 to 8.8 s at 20,000 cases on this host
    # (a shared machine), and a slow reference flatters the ratio
    n, seconds = min((bench.plain_read(path) for _ in range(READS)), key=lambda found: found[1])
    path.unlink()
    return int(n), float(seconds)


def rebuild_scale(tmp: Path, settings: Settings) -> dict[str, Any]:
    from projections.runner import rebuild

    ledger = open_ledger(settings, keys=False)
    try:
        plain, reference = plain_read(tmp, ledger.store)
        events = ledger.store.count()
        started = time.perf_counter()
        rebuilt = rebuild(ledger.store)
        ours = time.perf_counter() - started
    finally:
        ledger.close()
    ours_rate, ref_rate = events / ours, plain / reference
    return {"metric": "rebuild_scale", "ours": round(ours_rate, 1), "reference": round(ref_rate, 1),
            "unit": "events/s", "ratio": round(ours_rate / ref_rate, 3), "budget": BUDGETS["rebuild_scale"],
            "events": events, "reference_events": plain, "seconds": round(ours, 1),
            "reference_seconds": round(reference, 1),
            "projections": len(rebuilt),
            "reference_is": "plain eventsourcing: read the notification log and decode every event (same steps), "
                            f"the fastest of {READS} reads"}


def audit_refresh(settings: Settings) -> float:
    from api.wiring import load_config
    from audit.table import AuditFollower
    from projections.sql import Database

    ledger = open_ledger(settings, keys=False)
    try:
        db = Database(ledger.store)
        started = time.perf_counter()
        AuditFollower(db, config=load_config(settings)).run_once(datetime.now(SHANGHAI).date())
        return time.perf_counter() - started
    finally:
        ledger.close()


def table_bytes(settings: Settings) -> dict[str, int]:
    """Bytes of each table with its indexes."""
    if DSN:
        import psycopg
        with psycopg.connect(DSN) as conn:
            rows = conn.execute(
                "SELECT c.relname, pg_total_relation_size(c.oid) FROM pg_class c JOIN pg_namespace n "
                "ON n.oid = c.relnamespace WHERE n.nspname = %s AND c.relkind IN ('r', 'p')",
                (settings.postgres_schema,)).fetchall()
        return {str(name): int(size) for name, size in rows}
    import sqlite3
    conn = sqlite3.connect(settings.sqlite_path)
    try:
        owner = dict(conn.execute("SELECT name, tbl_name FROM sqlite_master WHERE type IN ('table', 'index')"))
        out: dict[str, int] = {}
        for name, size in conn.execute("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name"):
            table = owner.get(name, name)
            out[table] = out.get(table, 0) + int(size)
        return out
    finally:
        conn.close()


def models_bytes(settings: Settings, audit_seconds: float, events: int, cases: int) -> dict[str, Any]:
    tables = table_bytes(settings)
    event_bytes = sum(v for k, v in tables.items() if k.startswith(EVENT_TABLES))
    models = {k: v for k, v in tables.items() if not k.startswith(EXCLUDED_PREFIXES)}
    total = sum(models.values())
    ours = total / event_bytes
    top = dict(sorted(models.items(), key=lambda kv: -kv[1])[:12])
    parts = {"events": event_bytes, "log": sum(v for k, v in tables.items() if k.startswith("translog_")),
             "read_models": sum(v for k, v in models.items() if not k.startswith("audit_")),
             "audit": sum(v for k, v in models.items() if k.startswith("audit_")), "all": sum(tables.values())}
    return {"metric": "models_bytes", "ours": round(ours, 3), "reference": 1.0, "unit": "model bytes / event bytes",
            "ratio": round(1 / ours, 3) if ours else None, "budget": BUDGETS["models_bytes"],
            "event_bytes": event_bytes, "model_bytes": total, "audit_refresh_seconds": round(audit_seconds, 1),
            "largest_tables": {k: round(v / 1e6, 1) for k, v in top.items()},
            "mb": {k: round(v / 1e6, 1) for k, v in parts.items()},
            "bytes_per_event": {k: round(v / events) for k, v in parts.items()},
            "bytes_per_case": {k: round(v / cases) for k, v in parts.items()},
            **dead_rows(settings),
            "reference_is": "the events' own bytes (budget: read models no bigger than the events)"}


def dead_rows(settings: Settings) -> dict[str, Any]:
    """PostgreSQL: the read models' dead row versions (rows a rebuild or the audit wrote more than once;
    their space stays in the tables' bytes until a vacuum lets new rows reuse it)."""
    if not DSN:
        return {}
    import psycopg
    with psycopg.connect(DSN) as conn:
        rows = conn.execute("SELECT relname, n_live_tup, n_dead_tup FROM pg_stat_user_tables WHERE schemaname = %s",
                            (settings.postgres_schema,)).fetchall()
    models = [(str(name), int(live), int(dead)) for name, live, dead in rows
              if not str(name).startswith(EXCLUDED_PREFIXES)]
    live, dead = sum(r[1] for r in models), sum(r[2] for r in models)
    top = sorted(models, key=lambda r: -r[2])[:5]
    return {"dead_row_share": round(dead / (live + dead), 3) if live + dead else None,
            "dead_rows": {name: f"{d} dead / {lv} live" for name, lv, d in top}}


# ------------------------------------------------------------------------------------ the service


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _cli(settings: Settings, *args: str) -> list[str]:
    return [sys.executable, "-m", "api.cli", "--data", str(settings.data), *args]


def layout(settings: Settings) -> tuple[list[int], dict[str, list[str]]]:
    """The processes ``service`` starts: (the API ports, name -> command). SQLite: one ``serve`` with its
    followers in its threads (a single host); PostgreSQL: the deployment layout of docs/operations.md —
    two ``serve --no-integrate --no-follow`` and the three followers, each a process of its own."""
    serve = ("serve", "--no-access-log", "--log-level", "warning")
    if not DSN:
        port = free_port()
        return [port], {"serve": _cli(settings, *serve, "--port", str(port))}
    ports = [free_port() for _ in range(API_PROCESSES)]
    commands = {f"serve{i + 1}": _cli(settings, *serve, "--no-integrate", "--no-follow", "--port", str(port))
                for i, port in enumerate(ports)}
    commands |= {"log_integrate": _cli(settings, "log", "integrate", "--follow", "--checkpoint"),
                 "projections_run": _cli(settings, "projections", "run"),
                 "audit_follow": _cli(settings, "audit", "--follow")}
    return ports, commands


def _end_with_us() -> None:
    """In each started process: SIGTERM when the benchmark dies, even by SIGKILL (Linux's parent-death signal)."""
    if sys.platform.startswith("linux"):
        import ctypes
        import ctypes.util

        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").prctl(1, signal.SIGTERM, 0, 0, 0)


def _tree_rss(pid: int) -> int:
    """Resident kB of ``pid`` and its descendants (the followers' forked workers), 0 when gone."""
    total, pending = 0, [pid]
    while pending:
        current = pending.pop()
        with contextlib.suppress(OSError):
            total += _status_kb(current).get("VmRSS", 0)
            for task in Path(f"/proc/{current}/task").iterdir():
                pending.extend(int(c) for c in (task / "children").read_text().split())
    return total


def _status_kb(pid: int) -> dict[str, int]:
    """The ``kB`` lines of ``/proc/<pid>/status`` (VmRSS, VmHWM, ...)."""
    out = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if value.strip().endswith(" kB"):
            out[key] = int(value.split()[0])
    return out


class Service:
    """The running processes of ``service``: the API base URLs (clients spread requests over them in
    turn), and each process's memory — its own peak (``VmHWM``, read before it is ended) and the peak of
    it with its forked workers (sampled every 0.5 s)."""

    def __init__(self, processes: dict[str, subprocess.Popen[bytes]], bases: list[str], logs: dict[str, Path]):
        self.processes, self.bases, self.logs = processes, bases, logs
        self.tree_peak_kb = dict.fromkeys(processes, 0)
        self.memory: dict[str, dict[str, float]] = {}
        self._stop = threading.Event()
        self._sampler = threading.Thread(target=self._sample, daemon=True)
        self._sampler.start()

    def _sample(self) -> None:
        while not self._stop.wait(0.5):
            for name, process in self.processes.items():
                self.tree_peak_kb[name] = max(self.tree_peak_kb[name], _tree_rss(process.pid))

    def check(self) -> None:
        """Raise when a process has exited (a deployment command that fails must fail the benchmark)."""
        for name, process in self.processes.items():
            if process.poll() is not None:
                raise RuntimeError(f"{name} exited {process.returncode}: {self.logs[name].read_text()[-3000:]}")

    def stop(self) -> None:
        """Read each process's peak memory, then end every one (SIGTERM, then SIGKILL after 60 s)."""
        self._stop.set()
        for name, process in self.processes.items():
            with contextlib.suppress(OSError):
                status = _status_kb(process.pid)
                self.memory[name] = {"hwm_mb": round(status.get("VmHWM", 0) / 1024, 1),
                                     "rss_mb": round(status.get("VmRSS", 0) / 1024, 1),
                                     "with_workers_peak_mb": round(self.tree_peak_kb[name] / 1024, 1)}
        for process in self.processes.values():
            if process.poll() is None:
                process.terminate()
        for process in self.processes.values():
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@contextlib.contextmanager
def service(settings: Settings, logdir: Path, label: str) -> Iterator[Service]:
    """The service as a deployment runs it (``layout``), every process ended on the way out."""
    env = {**os.environ, "LEDGER_KEY_PASSPHRASE": PASSPHRASE}
    if DSN:
        env |= {"LEDGER_POSTGRES_DSN": DSN, "LEDGER_POSTGRES_SCHEMA": settings.postgres_schema}
    ports, commands = layout(settings)
    processes: dict[str, subprocess.Popen[bytes]] = {}
    logs = {name: logdir / f"{label}-{name}.log" for name in commands}
    running = None
    try:
        for name, command in commands.items():
            with open(logs[name], "wb") as out:
                processes[name] = subprocess.Popen(command, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
                                                   preexec_fn=_end_with_us)
        running = Service(processes, [f"http://127.0.0.1:{port}" for port in ports], logs)
        deadline = time.monotonic() + 120
        for base in running.bases:
            while True:
                running.check()
                with contextlib.suppress(httpx.TransportError):
                    if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                        break
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{base} did not start")
                time.sleep(0.2)
        yield running
        running.check()
    except BaseException:
        for name, path in logs.items():  # what each process said, before the directory goes
            with contextlib.suppress(OSError):
                note(f"{label} {name} exit {processes[name].poll()}: " + path.read_text()[-3000:])
        raise
    finally:
        if running is not None:
            running.stop()
        else:
            for process in processes.values():
                process.kill()
                process.wait()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def sample_cases(settings: Settings, count: int) -> tuple[list[str], str]:
    """``count`` case numbers of the demo, and an agency."""
    from projections.sql import Database

    ledger = open_ledger(settings, keys=False)
    try:
        db = Database(ledger.store)
        streams = [str(r[0]) for r in db.all(f"SELECT grp FROM {db.qualify('proj_cases')}")]
        db.close()
    finally:
        ledger.close()
    if not streams:
        raise RuntimeError("no case files in the read models")
    rng = random.Random(17)
    numbers = [s.removeprefix("case/") for s in rng.sample(streams, min(count, len(streams)))]
    agency = "-".join(numbers[0].split("-")[:2])
    return numbers, agency


def pages(numbers: list[str], agency: str) -> dict[str, Callable[[int], str]]:
    return {
        "staff_case_list_filtered": lambda i: f"/ui/cases?agency={agency}&procedure=general&page={1 + i % 3}",
        "case_page": lambda i: f"/ui/cases/{numbers[i % len(numbers)]}",
        "supervision_dashboard": lambda i: "/ui/supervision",
        "public_list": lambda i: "/public",
        "feed_atom": lambda i: "/v1/public/feed.atom",
        "feed_json": lambda i: "/v1/public/feed.json",
    }


async def page_latencies(bases: list[str], token: str, numbers: list[str], agency: str) -> dict[str, Any]:
    """Each page ``PAGE_REQUESTS`` times from ``CLIENTS`` clients, request ``i`` to API process ``i mod n``."""
    out: dict[str, Any] = {}
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    async with contextlib.AsyncExitStack() as stack:
        sessions = [[await stack.enter_async_context(httpx.AsyncClient(
            base_url=base, limits=limits, timeout=120, cookies={"elt_session": token})) for base in bases]
            for _ in range(CLIENTS)]
        for name, path in pages(numbers, agency).items():
            for http in sessions[0]:
                await http.get(path(0))  # warm each API process
            latencies: list[float] = []
            statuses: dict[int, int] = {}
            queue = list(range(PAGE_REQUESTS))

            async def client(https: list[httpx.AsyncClient], path: Callable[[int], str] = path,
                             latencies: list[float] = latencies, statuses: dict[int, int] = statuses,
                             queue: list[int] = queue) -> None:
                while queue:
                    i = queue.pop()
                    t = time.perf_counter()
                    response = await https[i % len(https)].get(path(i))
                    latencies.append(time.perf_counter() - t)
                    statuses[response.status_code] = statuses.get(response.status_code, 0) + 1

            await asyncio.gather(*(client(s) for s in sessions))
            out[name] = {"p50_ms": round(statistics.median(latencies) * 1000, 1),
                         "p99_ms": round(percentile(latencies, 0.99) * 1000, 1), "statuses": statuses,
                         "all": latencies}
    return out


def fresh_steps(settings: Settings, count: int) -> tuple[list[dict[str, Any]], str]:
    """``count`` steps each opening a new case (``CaseSourceRecorded`` now), by an officer who opened a
    demo case lately; and that officer."""
    from ledger.envelope import SealedEvent

    ledger = open_ledger(settings, keys=False)
    try:
        last = None
        for row in ledger.store.notifications():
            event = SealedEvent.from_stored(bytes(row.state))
            if event.type == "CaseSourceRecorded" and event.stream.startswith("case/"):
                last = event
    finally:
        ledger.close()
    assert last is not None
    officer = str(last.envelope["by"])
    agency = "-".join(last.stream.removeprefix("case/").split("-")[:2])
    year = datetime.now(SHANGHAI).year
    steps = []
    for n in range(count):
        data = dict(last.envelope["data"])
        steps.append({"stream": f"case/{agency}-{year}-F{os.getpid() % 1000:03d}{n:05d}", "type": "CaseSourceRecorded",
                      "by": officer, "data": data})
    return steps, officer


def _stamp() -> str:
    return datetime.now(SHANGHAI).isoformat(timespec="seconds")


async def freshness(bases: list[str], token: str, steps: list[dict[str, Any]]) -> dict[str, Any]:
    """Post each step (``WRITERS`` concurrent writers), then poll until its case's timeline and audit show it;
    each writer sends its requests to the API processes in turn (a load balancer's round robin: the
    reads after a step mostly reach a process other than the one that recorded it)."""
    headers = {"Authorization": f"Bearer {token}"}
    limits = httpx.Limits(max_connections=2, max_keepalive_connections=2)
    seen: list[float] = []
    parts: dict[str, list[float]] = {"timeline": [], "audit": []}  # each on its own: which follower lags
    errors: list[str] = []
    queue = list(reversed(steps))

    async def writer(https: list[httpx.AsyncClient]) -> None:
        turn = itertools.count()

        def http() -> httpx.AsyncClient:
            return https[next(turn) % len(https)]

        while queue:
            step = dict(queue.pop())
            now = _stamp()
            step["at"] = now
            step["data"] = {**step["data"], **({"received_at": now} if "received_at" in step["data"] else {})}
            response = await http().post("/v1/steps", content=orjson.dumps(step),
                                       headers={**headers, "Content-Type": "application/json"})
            acknowledged = time.perf_counter()
            if response.status_code != 201:
                errors.append(f"{response.status_code} {response.text[:300]}")
                continue
            number = step["stream"].removeprefix("case/")
            timeline = audit = False
            while not (timeline and audit):
                if time.perf_counter() - acknowledged > 60:
                    errors.append(f"{number}: not visible after 60 s (timeline {timeline}, audit {audit})")
                    break
                if not timeline:
                    r = await http().get(f"/v1/cases/{number}/timeline", headers=headers)
                    timeline = r.status_code == 200 and any(
                        e.get("type") == "CaseSourceRecorded" for e in r.json().get("timeline", []))
                    if timeline:
                        parts["timeline"].append(time.perf_counter() - acknowledged)
                if not audit:
                    r = await http().get(f"/v1/cases/{number}/audit", headers=headers)
                    audit = r.status_code == 200
                    if audit:
                        parts["audit"].append(time.perf_counter() - acknowledged)
                if not (timeline and audit):
                    await asyncio.sleep(0.05)
            else:
                seen.append(time.perf_counter() - acknowledged)

    async with contextlib.AsyncExitStack() as stack:
        sessions = [[await stack.enter_async_context(httpx.AsyncClient(base_url=base, limits=limits, timeout=120))
                     for base in bases] for _ in range(WRITERS)]
        await asyncio.gather(*(writer(s) for s in sessions))
    return {"latencies": seen, "errors": errors,
            "parts_ms": {k: {"p50": round(statistics.median(v) * 1000, 1), "p99": round(percentile(v, 0.99) * 1000, 1)}
                         for k, v in parts.items() if v}}


def latencies(tmp: Path, settings: Settings, label: str) -> dict[str, Any]:
    numbers, agency = sample_cases(settings, PAGE_REQUESTS)
    steps, officer = fresh_steps(settings, FRESH_STEPS)
    ledger = open_ledger(settings)
    try:
        store = TokenStore(ledger.store)
        staff = store.create(ADMIN, name="scale benchmark")[1]
        writer = store.create(officer, name="scale benchmark writer")[1]
    finally:
        ledger.close()
    with service(settings, tmp, label) as running:
        page = asyncio.run(page_latencies(running.bases, staff, numbers, agency))
        fresh = asyncio.run(freshness(running.bases, writer, steps))
    every = [x for p in page.values() for x in p.pop("all")]
    return {"page_p99_ms": percentile(every, 0.99) * 1000, "pages": page,
            "fresh_p99_ms": percentile(fresh["latencies"], 0.99) * 1000,
            "fresh_p50_ms": statistics.median(fresh["latencies"]) * 1000 if fresh["latencies"] else None,
            "fresh_errors": fresh["errors"][:5], "fresh_seen": len(fresh["latencies"]),
            "fresh_parts": fresh["parts_ms"], "processes": running.memory}


# ------------------------------------------------------------------------------------ main


def main() -> int:
    os.environ.setdefault("PYTHONHASHSEED", "0")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # end the service's processes, drop the schemas
    rows = []
    with tempfile.TemporaryDirectory(prefix="scale-") as name:
        tmp = Path(name)
        with demo_settings(tmp, "reference") as ref_settings:
            note(f"reference demo of {REFERENCE_CASES} cases")
            ref_demo = build_demo(ref_settings, REFERENCE_CASES)
            rebuild_ref = rebuild_scale(tmp, ref_settings)
            audit_refresh(ref_settings)
            reference = latencies(tmp, ref_settings, "reference")
        with demo_settings(tmp, "scale") as settings:
            demo = scale_demo(settings)
            note(f"demo built: {demo}")
            ledger = open_ledger(settings, keys=False)
            try:
                rows.append(emit({**_verify_scale()(ledger.store), "cases": SCALE_CASES}))
            finally:
                ledger.close()
            rows.append(emit({**rebuild_scale(tmp, settings), "cases": SCALE_CASES,
                              "reference_demo_ratio": rebuild_ref["ratio"]}))
            audit_seconds = audit_refresh(settings)
            rows.append(emit({**models_bytes(settings, audit_seconds, demo["events"], SCALE_CASES),
                              "cases": SCALE_CASES}))
            ours = latencies(tmp, settings, "scale")
        for metric in ("page_p99_ms", "fresh_p99_ms"):
            value, ref = ours[metric], reference[metric]
            extra = ({"pages": ours["pages"], "reference_pages": reference["pages"]} if metric == "page_p99_ms" else
                     {"p50_ms": ours["fresh_p50_ms"], "reference_p50_ms": reference["fresh_p50_ms"],
                      "seen": ours["fresh_seen"], "errors": ours["fresh_errors"] + reference["fresh_errors"],
                      "visible_in_ms": ours["fresh_parts"], "reference_visible_in_ms": reference["fresh_parts"]})
            extra |= {"layout": list(ours["processes"]), "memory_mb": ours["processes"],
                      "reference_memory_mb": reference["processes"]}
            rows.append(emit({"metric": metric, "ours": round(value, 1), "reference": round(ref, 1), "unit": "ms",
                              "ratio": round(value / ref, 3) if ref else None, "budget": BUDGETS[metric],
                              "cases": SCALE_CASES, "reference_cases": REFERENCE_CASES,
                              "reference_is": f"the same measurement on a {REFERENCE_CASES}-case demo, same run",
                              **extra}))
        emit({"metric": "scale_demo", "ours": demo["seconds"], "reference": ref_demo["seconds"], "unit": "s",
              "ratio": None, "budget": None, "events": demo["events"], "reference_events": ref_demo["events"],
              "maxrss_mb": demo["maxrss_mb"], "copied": demo.get("copied"),
              "backend": "postgresql" if DSN else "sqlite"})
    failed = [r["metric"] for r in rows if r["budget"] is not None and (
        r["ours"] > r["budget"] if r["unit"] in ("ms", "model bytes / event bytes") else r["ratio"] < r["budget"])]
    if failed:
        print(json.dumps({"over_budget": failed}), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
