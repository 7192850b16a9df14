"""The landing page, the static files and the login (``/``, ``/ui/static/…``, ``/ui/login``, ``/ui/logout``)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, RedirectResponse, Response

from api.pages.web import (
    COOKIE,
    HERE,
    SECURITY_HEADERS,
    Ctx,
    principal_of,
    render,
    safe_next,
)
from api.server.auth import ServicesDep

router = APIRouter(include_in_schema=False)


STATIC = HERE / "static"
STATIC_TYPES = {".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8",
                ".svg": "image/svg+xml"}


@router.get("/ui/static/{name}")
def static(name: str) -> Response:
    path = STATIC / name
    if "/" in name or name.startswith(".") or path.suffix not in STATIC_TYPES or not path.is_file():
        return Response("not found", status_code=404, media_type="text/plain")
    return FileResponse(path, media_type=STATIC_TYPES[path.suffix],
                        headers={"Cache-Control": "public, max-age=300", "X-Content-Type-Options": "nosniff"})


@router.get("/")
def landing(request: Request, svc: ServicesDep) -> Response:
    ctx = Ctx(request, svc, principal_of(request, svc))
    return render(ctx, "landing.html")


@router.get("/ui")
@router.get("/ui/")
def ui_home() -> Response:
    return RedirectResponse("/ui/cases", status_code=303)


@router.get("/ui/login")
def login_form(request: Request, svc: ServicesDep) -> Response:
    ctx = Ctx(request, svc, None)
    return render(ctx, "login.html", next=safe_next(request.query_params.get("next")), error=None)


@router.post("/ui/login")
async def login(request: Request, svc: ServicesDep) -> Response:
    body = (await request.body())[:8192].decode("utf-8", "replace")
    fields = {k: v[0] for k, v in parse_qs(body, keep_blank_values=True).items()}
    token = fields.get("token", "").strip()
    target = safe_next(fields.get("next"))

    def check() -> Response:
        ctx = Ctx(request, svc, None)
        if not token:
            return render(ctx, "login.html", 400, next=target, error="请输入令牌。")
        request.cookies[COOKIE] = token  # resolve it exactly as a page will
        principal = principal_of(request, svc)
        if principal is None:
            return render(ctx, "login.html", 401, next=target,
                          error="令牌无效、已过期或已撤销，或其身份未在账本中登记。")
        response = RedirectResponse(target, status_code=303, headers=SECURITY_HEADERS)
        response.set_cookie(COOKIE, token, httponly=True, samesite="lax", secure=request.url.scheme == "https",
                            path="/", max_age=12 * 3600)
        return response

    return await run_in_threadpool(check)


@router.post("/ui/logout")
def logout() -> Response:
    response = RedirectResponse("/ui/login", status_code=303, headers=SECURITY_HEADERS)
    response.delete_cookie(COOKIE, path="/")
    return response


def static_files() -> list[Path]:
    return sorted(p for p in STATIC.iterdir() if p.suffix in STATIC_TYPES)
