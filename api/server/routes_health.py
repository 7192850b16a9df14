"""``GET /healthz`` (the process answers) and ``GET /readyz`` (it can serve: store, calendar, areas).

``/readyz`` is 200 when every check passes and 503 otherwise, with the checks in the
body either way. Checks: ``store`` (the ledger's database answers), ``calendar`` (the
working-day calendar knows today and the days after it, so live deadlines are not
provisional; ``days_known_ahead`` says how far), and whatever the plugged-in areas add
(projection lag, once projections are served).
"""

from __future__ import annotations

import threading
import time
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from api.calendar_cmd import calendar_reach
from api.server.auth import ServicesDep
from api.server.state import Check, Services
from domain.identities import BOOTSTRAP

router = APIRouter(tags=["health"])
SHANGHAI = ZoneInfo("Asia/Shanghai")
CALENDAR_CACHE_SECONDS = 60.0


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
            summary="可以服务: 存储、工作日历覆盖、各模块")
def readyz(svc: ServicesDep) -> Any:
    results: list[Check] = []
    for check in [store_check, calendar_check, *svc.checks]:
        try:
            results.append(check(svc))
        except Exception as exc:  # a failing check is a not-ready answer, not a crash
            results.append(Check(getattr(check, "__name__", "check"), False, {"error": type(exc).__name__}))
    ready = all(c.ok for c in results)
    body = Readiness(ready=ready, checks=[CheckOut(name=c.name, ok=c.ok, detail=c.detail) for c in results])
    return JSONResponse(body.model_dump(), status_code=200 if ready else 503,
                        headers={"Cache-Control": "no-store"})


def store_check(svc: Services) -> Check:
    version, _ = svc.ledger.stream_head(BOOTSTRAP)
    return Check("store", version >= 1, {"bootstrap_version": version})


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
