"""``GET /healthz`` (the process answers) and ``GET /readyz`` (it can serve: store, calendar, areas).

``/readyz`` is 200 when every check passes and 503 otherwise, with the checks in the
body either way, within about a second (a check that takes longer is failed as ``timeout``).
Checks: ``store`` (the ledger's database answers; while PostgreSQL is known unreachable,
why and since when), ``integrity`` (no stream failed its chain check in this process),
``calendar`` (the
working-day calendar knows today and the days after it, so live deadlines are not
provisional; ``days_known_ahead`` says how far), and whatever the plugged-in areas add
(projection lag, once projections are served).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, wait
from datetime import date, datetime
from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from api.calendar_reach import calendar_reach
from api.server.auth import ServicesDep
from api.server.state import Check, Services
from domain.calendar import SHANGHAI
from domain.identities import BOOTSTRAP

router = APIRouter(tags=["health"])
CALENDAR_CACHE_SECONDS = 60.0
CHECK_TIMEOUT = 1.0
"""Seconds ``/readyz`` waits for its checks; one still running then counts as failed."""


class Health(BaseModel):
    status: str


class CheckOut(BaseModel):
    name: str
    ok: bool
    detail: dict[str, Any]


class Readiness(BaseModel):
    ready: bool
    checks: list[CheckOut]


@router.get("/healthz", response_model=Health, summary="进程存活")
async def healthz() -> Health:
    return Health(status="ok")


@router.get("/readyz", response_model=Readiness,
            responses={503: {"model": Readiness, "description": "尚不能服务 (见 checks)"}},
            summary="可以服务: 存储、账本完整性、工作日历覆盖、各模块")
def readyz(svc: ServicesDep) -> Any:
    checks = [store_check, integrity_check, calendar_check, *svc.checks]
    bounded: _Bounded = svc.extras.setdefault("readiness", _Bounded())
    results = bounded.run(svc, checks, CHECK_TIMEOUT)
    ready = all(c.ok for c in results)
    body = Readiness(ready=ready, checks=[CheckOut(name=c.name, ok=c.ok, detail=c.detail) for c in results])
    return JSONResponse(body.model_dump(), status_code=200 if ready else 503,
                        headers={"Cache-Control": "no-store"})


class _Bounded:
    """Runs the checks side by side, each given at most ``timeout`` seconds in all.

    A check still running then is reported failed (``timeout``) and left to finish in its
    thread; the next probe waits on that same run instead of starting another, so a hung
    database never piles up threads.
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.running: dict[int, Future[Check]] = {}

    def run(self, svc: Services, checks: list[Callable[[Services], Check]], timeout: float) -> list[Check]:
        futures = []
        with self.lock:
            for check in checks:
                name = getattr(check, "__name__", "check")
                future = self.running.get(id(check))
                if future is None or future.done():
                    future = self.running[id(check)] = _in_thread(check, svc)
                futures.append((name, future))
        wait([f for _, f in futures], timeout=timeout)
        results = []
        for name, future in futures:
            if future.done():
                results.append(future.result())
            else:
                results.append(Check(name.removesuffix("_check"), False, {"error": "timeout", "seconds": timeout}))
        return results


def _in_thread(check: Callable[[Services], Check], svc: Services) -> Future[Check]:
    """A daemon thread (a hung check must not hold up the process's exit)."""
    future: Future[Check] = Future()
    threading.Thread(target=lambda: future.set_result(_guarded(check, svc)), daemon=True,
                     name="readyz-check").start()
    return future


def _guarded(check: Callable[[Services], Check], svc: Services) -> Check:
    try:
        return check(svc)
    except Exception as exc:  # a failing check is a not-ready answer, not a crash
        name = getattr(check, "__name__", "check").removesuffix("_check")
        return Check(name, False, {"error": type(exc).__name__, "reason": str(exc).splitlines()[0][:200]
                                   if str(exc) else ""})


def store_check(svc: Services) -> Check:
    if svc.guard is not None and svc.guard.down:
        return Check("store", False, svc.guard.state())
    version, _ = svc.ledger.stream_head(BOOTSTRAP)
    return Check("store", version >= 1, {"bootstrap_version": version})


def integrity_check(svc: Services) -> Check:
    """Chain failures met since this process started (docs/operations.md: what the operator does)."""
    state = svc.integrity.state()
    return Check("integrity", state["failures"] == 0, state)


class _CalendarCache:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.value: tuple[float, dict[str, Any]] | None = None

    def reach(self, svc: Services) -> dict[str, Any]:
        with self.lock:
            if self.value is not None and time.monotonic() - self.value[0] < CALENDAR_CACHE_SECONDS:
                return self.value[1]
        found = calendar_reach(svc.ledger)
        with self.lock:
            self.value = (time.monotonic(), found)
        return found



def calendar_check(svc: Services) -> Check:
    reach = svc.extras.setdefault("calendar_cache", _CalendarCache()).reach(svc)
    known = date.fromisoformat(reach["known_through"])
    today = datetime.now(SHANGHAI).date()
    return Check("calendar", known >= today, {
        "known_through": reach["known_through"], "first_unknown_year": reach["first_unknown_year"],
        "days_known_ahead": (known - today).days,
    })
