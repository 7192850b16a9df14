"""The FastAPI app: ``create_app(settings) -> FastAPI``.

The app is a set of :class:`~api.server.state.Area` s, one router each: recording,
streams, documents, the public log and health now; case files, disclosures and
supervision (backed by projections and the audit) plug in the same way — add the
area to :func:`default_areas` (or pass ``areas=``). An area's ``start`` hook runs
when the app starts (it may put its state in ``Services.extras[area.name]``), its
``checks`` join ``/readyz``.

Every error is ``application/problem+json``; a crash answers a bare 500 problem and
is logged with its traceback. Bodies are size-limited before routes read them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

import anyio.to_thread
from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from api import pages
from api.documents import DocumentStore
from api.log_settings import log_origin
from api.server import (
    routes_cases,
    routes_coercion,
    routes_complaints,
    routes_documents,
    routes_health,
    routes_inspections,
    routes_licences,
    routes_log,
    routes_public,
    routes_steps,
    routes_streams,
    routes_supervision,
)
from api.server.access import Access
from api.server.config import HttpSettings
from api.server.docs_ui import install_docs
from api.server.followers import FollowerThread, IntegratorThread
from api.server.limits import BodyLimit
from api.server.params import ParameterGuard
from api.server.problems import PROBLEM_MEDIA_TYPE, ProblemModel, install_handlers, problem_responses
from api.server.schemas import step_components
from api.server.state import Area, LogAccess, PrincipalCache, Services, with_expectations
from api.settings import Settings
from api.tokens import TokenStore
from api.wiring import open_ledger
from ledger.service import Ledger
from ledger.translog import TransparencyLog

API_VERSION = "1"


def default_areas() -> list[Area]:
    """The areas every app serves; projection-backed areas are added here when they exist."""
    return [
        Area("recording", routes_steps.router),
        Area("streams", routes_streams.router),
        Area("documents", routes_documents.router),
        Area("log", routes_log.router),
        Area("health", routes_health.router),
        routes_public.area(),
        routes_cases.area(),
        routes_supervision.area(),
        routes_licences.area(),
        routes_complaints.area(),
        routes_coercion.area(),
        routes_inspections.area(),
        pages.area(),
    ]


def build_services(settings: Settings, http: HttpSettings, ledger: Ledger | None = None) -> Services:
    ledger = ledger or open_ledger(settings)
    ledger.validator = with_expectations(ledger.validator)
    origin = log_origin(settings)
    return Services(
        settings=settings,
        http=http,
        ledger=ledger,
        tokens=TokenStore(ledger.store),
        documents=DocumentStore(settings.data / "documents", max_bytes=http.max_document_bytes),
        access=Access(ledger),
        log=LogAccess(lambda: TransparencyLog(ledger.store, origin=origin)),
        principals=PrincipalCache(http.auth_cache_seconds),
    )


def create_app(settings: Settings, *, http: HttpSettings | None = None, areas: Sequence[Area] | None = None,
               ledger: Ledger | None = None, integrate: bool | None = None, follow: bool = False) -> FastAPI:
    """The HTTP service over the ledger ``settings`` name (opened now; closed when the app stops).

    ``integrate`` runs the transparency-log integrator (and the scheduled checkpoints)
    in a thread of this process, every ``LEDGER_HTTP_INTEGRATE`` seconds; default: when
    that interval is positive. ``follow`` keeps the projections and the audit table
    current in a thread (:mod:`api.server.followers`), woken by this process's commits and
    waiting ``LEDGER_HTTP_FOLLOW`` seconds at most; ``serve`` asks for it unless ``--no-follow``.
    """
    http = http or HttpSettings.from_env()
    chosen = list(areas) if areas is not None else default_areas()
    svc = build_services(settings, http, ledger)
    run_integrator = http.integrate_interval > 0 if integrate is None else integrate

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Blocking work (sync routes, run_in_threadpool) waits for one of a few threads.
        anyio.to_thread.current_default_thread_limiter().total_tokens = http.worker_threads
        integrator = IntegratorThread(svc, http.integrate_interval or 2.0) if run_integrator else None
        follower = FollowerThread(svc, http.follow_interval) if follow and http.follow_interval > 0 else None
        app.state.follower = follower
        for area in chosen:
            if area.start is not None:
                area.start(svc)
        if integrator is not None:
            integrator.start()
        if follower is not None:
            follower.start()
        try:
            yield
        finally:
            if follower is not None:
                follower.stop()
            if integrator is not None:
                integrator.stop()
            for area in reversed(chosen):
                if area.stop is not None:
                    area.stop(svc)
            close_services(svc)

    app = FastAPI(
        title="行政执法账本 HTTP 服务 (enforcement-ledger)",
        version=API_VERSION,
        description="记录执法步骤、读取流与签名、上传文件、公开透明日志。错误一律为 application/problem+json。",
        lifespan=lifespan,
        docs_url=None,  # api.server.docs_ui: the same pages with their assets served here, not from a CDN
        redoc_url=None,
    )
    install_docs(app)
    app.state.services = svc
    for area in chosen:
        app.include_router(area.router)
        svc.checks.extend(area.checks)
    install_handlers(app)
    app.add_middleware(BodyLimit, http=http)
    app.add_middleware(ParameterGuard)  # outermost: no route, nor the body limit, sees a bad parameter
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    return app


def close_services(svc: Services) -> None:
    svc.writer.shutdown(wait=True)
    svc.log.close()
    svc.ledger.close()


def _openapi(app: FastAPI) -> dict[str, Any]:
    """FastAPI's schema, plus the step models, problem documents for every error, 500 everywhere."""
    if app.openapi_schema is not None:
        return app.openapi_schema
    schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components.update(step_components())
    components["Problem"] = ProblemModel.model_json_schema(ref_template="#/components/schemas/{model}")
    for name in ("HTTPValidationError", "ValidationError"):
        components.pop(name, None)
    problem = {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}
    internal = problem_responses(500)[500]
    for path in schema.get("paths", {}).values():
        for operation in path.values():
            responses = operation.setdefault("responses", {})
            if "422" in responses:
                responses["422"] = {"description": responses["422"].get("description", "参数无效"),
                                    "content": problem}
            responses.setdefault("500", internal)
            if operation.get("parameters"):  # api.server.params: a control character or bad UTF-8 in one
                responses.setdefault("400", problem_responses(400)[400])
            if "requestBody" in operation:
                responses.setdefault("413", problem_responses(413)[413])
    app.openapi_schema = schema
    return schema

