"""What the projection-backed areas share: one reader of the read models per app.

``read_models(svc)`` is made on first use and kept in ``Services.extras["read_models"]``:
the projections' :class:`~projections.sql.Database` over the app's own ledger, the
legal configuration, the working-day calendar (re-read at most every minute), and
small helpers the routes use (dates, cursors, ETags, the agencies a principal covers).
The projection tables are created if they are missing (``projections.runner.ensure``),
so a fresh ledger answers with empty lists rather than errors.

``projection_lag_check`` joins ``/readyz``: ready while every projection is at most
``LEDGER_HTTP_MAX_PROJECTION_LAG`` events (default 1000) behind the ledger; it also
reports the parked events (``parked``, ``first_parked``) without failing on them.
"""

from __future__ import annotations

import base64
import hashlib
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

import orjson
from fastapi import Request, Response

from api.server.access import Principal
from api.server.problems import Problem
from api.server.state import Check, Services
from api.wiring import load_config
from domain.calendar import SHANGHAI, WorkingCalendar
from domain.config import Config
from projections import queries
from projections.runner import ensure, parked, status
from projections.sql import Database

KEY = "read_models"
CALENDAR_SECONDS = 60.0
DEFAULT_MAX_LAG = 1000
ANSWERS = 512
"""Public answers remembered (per app), each until its projection moves."""

_lock = threading.Lock()


class ReadModels:
    """The read models of one app's ledger."""

    def __init__(self, svc: Services) -> None:
        self.svc = svc
        self.db = Database(svc.ledger.store)
        ensure(self.db)
        self.config: Config = load_config(svc.settings)
        self._calendar: tuple[float, WorkingCalendar] | None = None
        self._lock = threading.Lock()
        self._answers: OrderedDict[tuple[Any, ...], tuple[tuple[Any, ...], bytes]] = OrderedDict()

    def calendar(self) -> WorkingCalendar:
        with self._lock:
            found = self._calendar
        if found is not None and time.monotonic() - found[0] < CALENDAR_SECONDS:
            return found[1]
        calendar = queries.calendar_of(self.svc.ledger.store)
        with self._lock:
            self._calendar = (time.monotonic(), calendar)
        return calendar

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        with self.db.read() as cur:
            cur.execute(self.db.q(sql), list(params))
            names = [d[0] for d in cur.description]
            return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]

    def table(self, name: str) -> str:
        return self.db.qualify(name)

    def agencies(self) -> list[str]:
        """Every agency the registry or a case names."""
        found = {str(r[0]) for r in self.db.all(f"SELECT stream FROM {self.table('pub_agencies')}")}
        found |= {str(r[0]) for r in self.db.all(f"SELECT DISTINCT agency FROM {self.table('proj_cases')} "
                                                 "WHERE agency IS NOT NULL")}
        return sorted(found)

    def covered(self, principal: Principal) -> list[str] | None:
        """The agencies whose cases ``principal`` reads (None: every one — an administrator)."""
        if principal.is_admin:
            return None
        access = self.svc.access
        return [a for a in self.agencies() if access.covers_agency(principal, a)]

    def version(self, *names: str) -> tuple[Any, ...]:
        """Where the named projections stand (events applied, last commit, last rebuild): changes with their rows."""
        marks = ",".join(["?"] * len(names))
        return tuple(sorted(self.db.all(f"SELECT name, events, updated_at, rebuilt_at FROM "
                                        f"{self.table('proj_state')} WHERE name IN ({marks})", names)))

    def cached(self, projections: tuple[str, ...], key: tuple[Any, ...], build: Callable[[], bytes]) -> bytes:
        """``build()``'s bytes, remembered until one of ``projections`` moves (public answers, same for everyone)."""
        version = self.version(*projections)
        with self._lock:
            found = self._answers.get(key)
            if found is not None and found[0] == version:
                self._answers.move_to_end(key)
                return found[1]
        body = build()
        with self._lock:
            self._answers[key] = (version, body)
            while len(self._answers) > ANSWERS:
                self._answers.popitem(last=False)
        return body

    def document_references(self, sha256: str) -> list[str]:
        """The streams whose steps reference a document (the records projection): their readers may read it."""
        return [str(r[0]) for r in self.db.all(_references_sql(self), (sha256[:16], sha256[16:]))]

    def close(self) -> None:
        self.db.close()


def read_models(svc: Services) -> ReadModels:
    found = svc.extras.get(KEY)
    if isinstance(found, ReadModels):
        return found
    with _lock:
        found = svc.extras.get(KEY)
        if not isinstance(found, ReadModels):
            found = ReadModels(svc)
            svc.extras[KEY] = found
            svc.document_references = found.document_references
    return found


def start(svc: Services) -> None:
    read_models(svc)


def _references_sql(models: ReadModels) -> str:
    # grp: the records' stream; the hash's prefix: what the table is indexed by (definitions.DOCUMENT_KEY)
    return (f"SELECT DISTINCT grp FROM {models.table('proj_records')} "
            "WHERE substr(sha256, 1, 16) = ? AND substr(sha256, 17) = ? ORDER BY grp")


def stop(svc: Services) -> None:
    found = svc.extras.pop(KEY, None)
    if isinstance(found, ReadModels):
        found.close()


def max_lag() -> int:
    try:
        return int(os.environ.get("LEDGER_HTTP_MAX_PROJECTION_LAG", DEFAULT_MAX_LAG))
    except ValueError:
        return DEFAULT_MAX_LAG


def projection_lag_check(svc: Services) -> Check:
    """Ready while the lag is small; parked events (``projections.poison``) are reported, never a reason to be
    unready: the runner went on past them."""
    found = status(svc.ledger.store)
    count, first = parked(svc.ledger.store, 5)
    worst = max((s.lag for s in found), default=0)
    limit = max_lag()
    return Check("projections", worst <= limit, {
        "max_lag": limit, "lag": {s.name: s.lag for s in found}, "position": {s.name: s.position for s in found},
        "parked": count, "first_parked": [p.as_json() for p in first],
    })


# --------------------------------------------------------------------------- request helpers


def today() -> date:
    return datetime.now(SHANGHAI).date()


def stream_name(kind: str, value: str | None) -> str | None:
    if value is None or value == "":
        return None
    return value if value.startswith(f"{kind}/") else f"{kind}/{value}"


def encode_cursor(key: Sequence[Any]) -> str:
    return base64.urlsafe_b64encode(orjson.dumps(list(key))).decode("ascii").rstrip("=")


def decode_cursor(text: str | None, size: int) -> list[Any] | None:
    if text is None or text == "":
        return None
    try:
        value = orjson.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
    except (ValueError, orjson.JSONDecodeError):
        value = None
    if not isinstance(value, list) or len(value) != size or not all(isinstance(v, str | int) for v in value):
        raise Problem(422, "invalid-parameter", f"cursor 无效: {text!r}", rule="STRUCT-CURSOR")
    return value


def etag_of(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def not_modified(request: Request, tag: str) -> bool:
    header = request.headers.get("if-none-match")
    if not header:
        return False
    wanted = {t.strip().removeprefix("W/") for t in header.split(",")}
    return "*" in wanted or tag in wanted


def json_answer(request: Request, doc: Any, *, media_type: str = "application/json", cache: str = "no-cache",
                headers: Mapping[str, str] | None = None) -> Response:
    """``doc`` as JSON with an ``ETag`` of its bytes; 304 when ``If-None-Match`` names it."""
    body = orjson.dumps(doc)
    return bytes_answer(request, body, media_type=media_type, cache=cache, headers=headers)


def bytes_answer(request: Request, body: bytes, *, media_type: str, cache: str = "no-cache",
                 headers: Mapping[str, str] | None = None) -> Response:
    tag = etag_of(body)
    out = {"ETag": tag, "Cache-Control": cache, **(headers or {})}
    if not_modified(request, tag):
        return Response(status_code=304, headers=out)
    return Response(body, media_type=media_type, headers=out)


JSON_COLUMNS = frozenset({"reconsideration_bodies", "roles", "fields", "penalty_types", "bands", "no_penalty",
                          "categories", "penalties", "handlers", "basis", "sanction_basis", "officers", "issues"})


def decode_json_columns(row: dict[str, Any]) -> dict[str, Any]:
    for name, value in row.items():
        if name in JSON_COLUMNS and isinstance(value, str) and value[:1] in ("[", "{"):
            try:
                row[name] = orjson.loads(value)
            except orjson.JSONDecodeError:
                pass
    return row
