"""What every page needs: templates, the login cookie, the reader, responses with safe headers.

Login: ``POST /ui/login`` takes an API token (the same ``elt_…`` token the API takes as
``Authorization: Bearer``), checks it like the API does, and keeps it in an HttpOnly,
``SameSite=Lax`` cookie (``Secure`` over HTTPS). Every page resolves the cookie to a
:class:`~api.server.access.Principal` as the API resolves a bearer token (the token table,
then the identity's officer stream) — so an expired or revoked token, or a change of roles
recorded in the ledger, takes effect at the next page — and reads through
:class:`~api.server.access.Access`, the API's one read policy. Pages answer HTML: a
redirect to the login page when there is no valid cookie, 403 and 404 pages otherwise.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from api.pages.fields import moment, readable
from api.pages.reads import Reads
from api.server.access import Principal
from api.server.problems import bounded
from api.server.state import Services
from domain import money
from domain.calendar import SHANGHAI
from domain.citation import citation
from domain.config import Config
from projections.labels import (
    CREDENTIAL_STATUS_LABELS,
    GRADE_LABELS,
    PARTY_KIND_LABELS,
    PROCEDURE_LABELS,
    RECORD_KIND_LABELS,
    SEVERITY_LABELS,
    STATUS_LABELS,
    WARNING_LABELS,
    code_label,
    field_label,
    step_label,
)
from projections.sql import Database

__all__ = ["COOKIE", "HERE", "Ctx", "page", "principal_of", "reads_of", "render"]

HERE = Path(__file__).parent
COOKIE = "elt_session"
AREA = "pages"
CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; "
       "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}

_env = Environment(loader=FileSystemLoader(str(HERE / "templates")), autoescape=select_autoescape(["html"]),
                   trim_blocks=True, lstrip_blocks=True)
_lock = threading.Lock()


def yuan(fen: Any) -> str:
    return "—" if fen is None or fen == "" else money.yuan(int(fen))


def percent(value: Any, digits: int = 1) -> str:
    return "—" if value is None else f"{float(value) * 100:.{digits}f}%"


def short(text: Any, n: int = 12) -> str:
    s = "" if text is None else str(text)
    return s if len(s) <= n else s[:n] + "…"


def day(text: Any) -> str:
    """An ISO date or time as its Asia/Shanghai date and minute (``2026-03-02 09:00``)."""
    if not text:
        return "—"
    s = str(text)
    try:
        moment = datetime.fromisoformat(s.replace("Z", "+00:00"))
    except ValueError:
        return s
    if moment.tzinfo is None:
        return s if len(s) <= 10 else moment.strftime("%Y-%m-%d %H:%M")
    return moment.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")


def number_of(stream: Any) -> str:
    s = str(stream or "")
    return s.split("/", 1)[1] if "/" in s else s


def citations(entries: Any) -> str:
    """A ``basis`` list as people cite it: 《法》第八十一条第一款；…"""
    if not isinstance(entries, list | tuple):
        return "—" if not entries else str(entries)
    return "；".join(citation(e) for e in entries) or "—"


def bands(entries: Any) -> str:
    """裁量基准: each circumstance with its fine range in yuan."""
    if not isinstance(entries, list | tuple) or not entries:
        return "—"
    out = []
    for band in entries:
        if isinstance(band, Mapping):
            out.append(f"{band.get('circumstance') or ''} {yuan(band.get('min_fen'))}–{yuan(band.get('max_fen'))}")
    return "；".join(out) or "—"


def codes(values: Any, field: str | None = None) -> str:
    """A code or a list of codes in Chinese (``projections.labels``)."""
    if isinstance(values, list | tuple):
        return "、".join(code_label(v, field) for v in values) or "—"
    return "—" if values is None or values == "" else code_label(values, field)


FILE_PAGES = {"case": ("/ui/cases/", "案卷"), "licence": ("/ui/licences/", "许可案卷"),
              "complaint": ("/ui/complaints/", "投诉举报案卷"), "coercion": ("/ui/coercion/", "行政强制案卷"),
              "inspection": ("/ui/inspections/", "检查案卷"),
              "spotcheck": ("/ui/spotchecks/", "抽查任务")}
"""The page of each kind of file (a group whose events and evaluation a page shows)."""


def file_url(group: Any) -> str:
    """The page of a file (``case/…``, ``licence/…``, ``complaint/…``)."""
    kind, _, ident = str(group or "").partition("/")
    return FILE_PAGES[kind][0] + quote(ident, safe="") if kind in FILE_PAGES else "/ui/cases"


def file_name(group: Any) -> str:
    return FILE_PAGES.get(str(group or "").partition("/")[0], ("", "案卷"))[1]


_env.filters.update(yuan=yuan, percent=percent, short=short, day=day, number=number_of, citations=citations,
                    bands=bands, code=codes, field_label=field_label, moment=moment, step_label=step_label)
_env.globals.update(readable=readable, STATUS_LABELS=STATUS_LABELS, WARNING_LABELS=WARNING_LABELS,
                    GRADE_LABELS=GRADE_LABELS, SEVERITY_LABELS=SEVERITY_LABELS,
                    CREDENTIAL_STATUS_LABELS=CREDENTIAL_STATUS_LABELS, RECORD_KIND_LABELS=RECORD_KIND_LABELS,
                    PROCEDURE_LABELS=PROCEDURE_LABELS, PARTY_KIND_LABELS=PARTY_KIND_LABELS,
                    quote=lambda s: quote(str(s), safe=""), file_url=file_url, file_name=file_name)


def reads_of(svc: Services) -> Reads:
    """The pages' reader of this app (made on first use, kept in ``Services.extras``)."""
    found = svc.extras.get(AREA)
    if isinstance(found, Reads):
        return found
    with _lock:
        found = svc.extras.get(AREA)
        if not isinstance(found, Reads):
            config = getattr(svc.ledger, "config", None)
            found = Reads(Database(svc.ledger.store), config if isinstance(config, Config) else Config())
            svc.extras[AREA] = found
    return found


def principal_of(request: Request, svc: Services) -> Principal | None:
    """The principal of the login cookie (blocking), or None when absent, unknown, expired or revoked."""
    token = request.cookies.get(COOKIE)
    if not token:
        return None
    return principal_of_token(svc, token)


def principal_of_token(svc: Services, token: str) -> Principal | None:
    """What the API's bearer authentication answers for ``token`` (``api.server.auth``): the token
    must be known, unexpired and unrevoked, and its identity registered in the ledger."""
    record = svc.tokens.authenticate(token)
    if record is None:
        return None
    officer = svc.ledger.officer(record.identity)
    if officer is None:
        return None
    return Principal(record.identity, officer, record.id)


def today() -> date:
    return datetime.now(SHANGHAI).date()


class Ctx:
    """One page request: the app's services, the reader, the principal and the day it is read as of."""

    def __init__(self, request: Request, svc: Services, principal: Principal | None) -> None:
        self.request = request
        self.svc = svc
        self.principal = principal
        self.reads = reads_of(svc)
        raw = request.query_params.get("as_of") or ""
        self.as_of_given = ""
        self.as_of = today()
        if raw:
            try:
                self.as_of = date.fromisoformat(raw)
                self.as_of_given = raw
            except ValueError:
                pass

    def url(self, path: str, params: Mapping[str, Any] | None = None, **more: Any) -> str:
        """A link that keeps the page's ``as_of`` (if one was given)."""
        query = {k: str(v) for k, v in {**(params or {}), **more}.items() if v not in (None, "")}
        if self.as_of_given and "as_of" not in query:
            query["as_of"] = self.as_of_given
        return path + ("?" + urlencode(query) if query else "")

    def agencies_in_scope(self) -> list[str] | None:
        """The agencies whose cases the principal reads (None: every agency)."""
        p = self.principal
        if p is None:
            return []
        if p.is_admin:
            return None
        return [a["stream"] for a in self.reads.agencies() if self.svc.access.covers_agency(p, a["stream"])]


def render(ctx: Ctx, template: str, status: int = 200, **values: Any) -> HTMLResponse:
    names = ctx.reads.agency_names()
    people = ctx.reads.officer_names() if ctx.principal is not None else {}

    def officer(identity: Any) -> str:
        name = people.get(str(identity or ""))
        return f"{name}（{number_of(identity)}）" if name else str(identity or "—")

    body = _env.get_template(template).render(
        has_route=lambda route: route in _routes(ctx.request.app),
        ctx=ctx, principal=ctx.principal, as_of=ctx.as_of, as_of_given=ctx.as_of_given, url=ctx.url,
        agency_names=names, agency=lambda a: names.get(a or "", number_of(a) if a else "未确定机关"),
        officer=officer, officers=lambda ids: "、".join(officer(i) for i in dict.fromkeys(ids or ())) or "—",
        stream_name=lambda s: officer(s) if str(s).startswith("officer/") else names.get(str(s), number_of(s)),
        path=echoable(ctx.request.url.path), **values)
    return page(body, status)


def _routes(app: Any) -> set[str]:
    """The paths the app serves that a page may link to: its own routes and every operation of its OpenAPI
    schema (routers included by FastAPI ≥ 0.16x are not flat in ``app.routes``)."""
    found = {str(getattr(r, "path", "")) for r in app.routes}
    try:
        found |= set(app.openapi().get("paths", {}))
    except Exception:  # a schema that cannot be built hides the links, never the page
        pass
    return found


def page(body: str, status: int = 200, headers: Mapping[str, str] | None = None) -> HTMLResponse:
    return HTMLResponse(body, status_code=status, headers={**SECURITY_HEADERS, "Cache-Control": "no-store",
                                                           **(headers or {})})


MAX_ECHOED_PATH = 1_000
"""A path longer than this is not written back into a page or a redirect (issue 12, finding 11)."""


def echoable(path: str) -> str:
    """``path`` if short enough to echo, else the case list (a page's as-of form and login target)."""
    return path if len(path) <= MAX_ECHOED_PATH else "/ui/cases"


def login_redirect(request: Request) -> Response:
    target = echoable(request.url.path + (("?" + request.url.query) if request.url.query else ""))
    return RedirectResponse("/ui/login?" + urlencode({"next": target}), status_code=303,
                            headers=SECURITY_HEADERS)


def safe_next(value: str | None) -> str:
    """Only a path of this site (no scheme, no host, no ``//``)."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/ui/cases"
    return value


def json_script(value: Any) -> Markup:
    """A value as JSON safe inside ``<script type="application/json">``."""
    import orjson

    text = orjson.dumps(value).decode("utf-8")
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


_env.filters["json_script"] = json_script


PAGE_PREFIXES = ("/ui/", "/public/")
ERROR_TITLES = {403: "无权查看", 404: "未找到", 405: "不支持该请求方法", 500: "服务器内部错误"}
ERROR_MESSAGES = {403: "您无权查看此页面。", 404: "没有这个页面。",
                  405: "此页面不接受这种请求。", 500: "服务器内部错误；详情已记入服务器日志。请稍后重试。"}


def error_page(request: Request, status: int, detail: str | None = None) -> HTMLResponse | None:
    """An error under ``/ui/`` or ``/public/`` as an HTML page in the site's look (issue 13, 5);
    None elsewhere (``/v1`` answers problem+json). Reads nothing: it must render when the store fails."""
    path = request.url.path
    if not (path + "/").startswith(PAGE_PREFIXES):
        return None
    public = path.startswith("/public")
    generic = ERROR_MESSAGES.get(status, "服务暂时不可用，请稍后重试。" if status >= 500 else "请求有误。")
    message = generic if status >= 500 or not detail or detail in ("Not Found", "Method Not Allowed") else detail
    body = _env.get_template("error.html").render(
        title=ERROR_TITLES.get(status, "服务器错误" if status >= 500 else "请求有误"), message=bounded(message),
        public=public, principal=None, ctx=None,
        as_of=today(), as_of_given="", url=lambda p, *a, **k: p, path=echoable(path),
        has_route=lambda route: False, agency=number_of, officer=str, officers=lambda ids: "—")
    return page(body, status)
