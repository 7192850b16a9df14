"""Shared test helpers: real stores (SQLite file, PostgreSQL schema), ledgers, steps."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from domain.config import Config, Recording
from domain.errors import StepRefused
from domain.step import Step
from ledger.keys import KeyStore
from ledger.service import BatchView, Ledger, structural_check
from ledger.store import EventStore, StoreConfig

PG_DSN = os.environ.get("LEDGER_TEST_POSTGRES_DSN", "postgresql://postgres@127.0.0.1:5432/test")
ADMIN = "officer/admin"
AHEAD_OF_THE_CLOCK = Config(recording=Recording(future_at_hours=10**6))
"""For tests that record live steps in years ahead of the wall clock (the calendar's unknown years)."""
OFFICER = "officer/42011219001"


def postgres_available() -> bool:
    try:
        import psycopg

        with psycopg.connect(PG_DSN, connect_timeout=3):
            return True
    except Exception:
        return False


def require_postgres() -> None:
    if not postgres_available():
        if os.environ.get("REQUIRE_POSTGRES") == "1":
            pytest.fail(f"PostgreSQL required (REQUIRE_POSTGRES=1) but not reachable at {PG_DSN}")
        pytest.skip(f"PostgreSQL not reachable at {PG_DSN}")


@contextmanager
def store_config(backend: str, tmp_path: Path) -> Iterator[StoreConfig]:
    if backend == "sqlite":
        yield StoreConfig(sqlite_path=str(tmp_path / "ledger.sqlite"))
        return
    require_postgres()
    import psycopg

    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_DSN, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield StoreConfig(postgres_dsn=PG_DSN, postgres_schema=schema)
    finally:
        with psycopg.connect(PG_DSN, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


def validator_for_tests(step: Step, view: BatchView) -> None:
    """Identity steps as the core checks them, plus a ``TestRecorded`` step for storage tests."""
    if step.type == "TestRecorded":
        if view.officer(step.by) is None:
            raise StepRefused("STRUCT-BY", f"执行人 {step.by} 未登记")
        return
    structural_check(step, view)


def make_ledger(config: StoreConfig, keys_path: Path, **kwargs: Any) -> Ledger:
    keystore = (
        KeyStore(keys_path, "test-pass")
        if keys_path.exists()
        else KeyStore.create(keys_path, "test-pass", work_factor=2**10)
    )
    kwargs.setdefault("validator", validator_for_tests)
    return Ledger(EventStore(config), keystore, **kwargs)


def step(
    stream: str, type_: str, by: str, data: dict[str, Any], at: str = "2026-03-04T10:15:00+08:00"
) -> dict[str, Any]:
    return {"stream": stream, "type": type_, "at": at, "by": by, "data": data}


def bootstrap(ledger: Ledger, *officers: str) -> None:
    ledger.record([step(ADMIN, "OfficerRegistered", ADMIN, {"name": "系统管理员", "roles": ["admin"]})], actor=ADMIN)
    for officer in officers:
        ledger.record(
            [step(officer, "OfficerRegistered", ADMIN,
                  {"name": "张三", "agency": "agency/DXH-CGJ", "roles": ["officer"]})],
            actor=ADMIN,
        )


def sample_step(stream: str, n: int, by: str = OFFICER) -> dict[str, Any]:
    return step(stream, "TestRecorded", by, {"n": n, "amount_fen": 100 * n, "note": f"第{n}步"})
