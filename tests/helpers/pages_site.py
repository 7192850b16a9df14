"""Helpers for the page tests: a small demo ledger served by the real app. No tests here.

``build_site`` does what ``make run`` does on a first run, in this process: ``init``, a
reproducible ``demo``, the read models, the transparency log with a checkpoint, and the
audit's table of current evaluations; then one document is uploaded and referenced by a
step (so a case file has a stored document to open), and tokens are made for an
administrator, an officer of one agency, an officer of another and a supervisor.
``tests/test_pages.py`` reads it through ``TestClient``; ``tests/test_browser.py`` serves
it with uvicorn on a free port for Chromium.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import html
import io
import os
import re
import shutil
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.cli import main as cli_main
from api.server import create_app
from api.server.config import HttpSettings
from api.settings import Settings
from projections.runner import Runner
from tests.helpers.http_world import ENV, restore_env

PASSPHRASE = "pages-test"
ADMIN = "officer/admin"
AGENCY = "agency/JA-CGJ"
OTHER_AGENCY = "agency/JA-SCJ"


@dataclass
class Site:
    data: Path
    settings: Settings
    app: FastAPI
    client: TestClient
    tokens: dict[str, str]
    identities: dict[str, str]
    document: str
    """The sha256 of the uploaded document, referenced by ``document_case``."""
    document_case: str
    failing: str
    """A case the audit graded 不合格 (it has findings with events)."""
    extra: dict[str, Any] = field(default_factory=dict)
    closed: bool = False

    def close(self) -> None:
        """Stop the app of the build (its ledger and log readers); the data stay."""
        if not self.closed:
            self.closed = True
            self.client.__exit__(None, None, None)

    def db(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.settings.sqlite_path)
        conn.row_factory = sqlite3.Row
        return conn

    def rows(self, sql: str, params: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
        with contextlib.closing(self.db()) as conn:
            return [dict(r) for r in conn.execute(sql, params).fetchall()]

    def login(self, client: TestClient, who: str) -> None:
        response = client.post("/ui/login", data={"token": self.tokens[who], "next": "/ui/cases"},
                               follow_redirects=False)
        assert response.status_code == 303, response.text


def _cli(*args: str) -> None:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        status = cli_main(list(args))
    assert status == 0, (args, out.getvalue())


def _first(site_rows: list[dict[str, Any]], what: str) -> str:
    assert site_rows, f"the demo has no {what}"
    return str(site_rows[0]["stream"])


def build_site(tmp: Path, *, cases: int = 40) -> Site:
    """A demo ledger of ``cases`` cases under ``tmp`` and the app over it (env vars set for it)."""
    for name in ENV:
        os.environ.pop(name, None)
    os.environ["LEDGER_KEY_PASSPHRASE"] = PASSPHRASE
    data = tmp / "var"
    os.environ["LEDGER_DATA"] = str(data)
    _cli("init")  # a cheap key store: tests/conftest.py sets LEDGER_SCRYPT_N
    _cli("demo", "--cases", str(cases), "--seed", "1")
    _cli("projections", "run", "--once")
    settings = Settings.load(str(data))
    app = create_app(settings, http=HttpSettings(integrate_interval=0), integrate=False)
    client = TestClient(app, raise_server_exceptions=False)
    client.__enter__()
    store = app.state.services.tokens

    def query(sql: str, params: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
        with contextlib.closing(sqlite3.connect(settings.sqlite_path)) as conn:
            conn.row_factory = sqlite3.Row
            return [dict(r) for r in conn.execute(sql, params).fetchall()]

    identities = {
        "admin": ADMIN,
        "officer": _first(query("SELECT stream FROM pub_officers WHERE agency = ? AND roles LIKE '%\"officer\"%' "
                                "ORDER BY stream", (AGENCY,)), "officer"),
        "other": _first(query("SELECT stream FROM pub_officers WHERE agency = ? AND roles LIKE '%\"officer\"%' "
                              "ORDER BY stream", (OTHER_AGENCY,)), "officer of another agency"),
        "supervisor": _first(query("SELECT stream FROM pub_officers WHERE roles LIKE '%\"supervisor\"%' "
                                   "ORDER BY stream"), "supervisor"),
    }
    tokens = {who: store.create(identity, name=f"pages test {who}")[1] for who, identity in identities.items()}

    # A document in the store, referenced by a step of a running case (补录 by the administrator).
    content = "询问笔录（测试上传）\n".encode()
    sha256 = hashlib.sha256(content).hexdigest()
    admin = {"Authorization": f"Bearer {tokens['admin']}"}
    put = client.put(f"/v1/documents/{sha256}", content=content, headers={**admin, "Content-Type": "text/plain"})
    assert put.status_code in (200, 201), put.text
    running = query("SELECT grp, handlers, registered_on FROM proj_cases WHERE agency = ? AND status = 'registered' "
                    "AND registered_on IS NOT NULL ORDER BY grp", (AGENCY,))
    assert running, "the demo has no running case"
    case = running[0]
    handler = orjson.loads(case["handlers"])[0]
    at = datetime.combine(date.fromisoformat(case["registered_on"]) + timedelta(days=1),
                          datetime.min.time()).replace(hour=10).isoformat() + "+08:00"
    step = {"stream": case["grp"], "type": "EvidenceCollected", "at": at, "by": handler,
            "data": {"evidence_id": "PAGES-TEST-1", "kind": "documentary", "source": "当事人提供",
                     "collected_by": [handler],
                     "file": {"sha256": sha256, "bytes": len(content), "media_type": "text/plain",
                              "name": "测试书证.txt"}}}
    posted = client.post("/v1/steps?backfill=true", json=step, headers=admin)
    assert posted.status_code == 201, posted.text
    runner = Runner(app.state.services.ledger.store)
    try:
        runner.run_once()
    finally:
        runner.close()
    _cli("log", "integrate", "--checkpoint")
    _cli("audit", "--refresh")
    failing = query("SELECT grp FROM audit_evaluations WHERE grade = '不合格' AND agency = ? ORDER BY grp", (AGENCY,))
    assert failing, "the demo has no failing case"
    return Site(data, settings, app, client, tokens, identities, sha256, str(case["grp"]), str(failing[0]["grp"]))


def _open_site(data: Path, meta: dict[str, Any]) -> Site:
    """The app over a copy of a built site's data (what ``build_site`` returned, recorded in ``meta``)."""
    for name in ENV:
        os.environ.pop(name, None)
    os.environ["LEDGER_KEY_PASSPHRASE"] = PASSPHRASE
    os.environ["LEDGER_DATA"] = str(data)
    settings = Settings.load(str(data))
    app = create_app(settings, http=HttpSettings(integrate_interval=0), integrate=False)
    client = TestClient(app, raise_server_exceptions=False)
    client.__enter__()
    return Site(data, settings, app, client, dict(meta["tokens"]), dict(meta["identities"]), meta["document"],
                meta["document_case"], meta["failing"])


def _template(shared: Path, cases: int) -> tuple[Path, dict[str, Any]]:
    """A site of ``cases`` cases built once per test run under ``shared`` (every xdist worker's common
    temp root, a lock between them) and copied by each module that asks: building it is the demo, the
    read models, the log and the audit (about a second); copying it is a few milliseconds."""
    template = shared / f"site-template-{cases}"
    with open(shared / f"site-template-{cases}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (template / "site.json").exists():
            shutil.rmtree(template, ignore_errors=True)
            built = build_site(template, cases=cases)
            built.close()
            meta = {"tokens": built.tokens, "identities": built.identities, "document": built.document,
                    "document_case": built.document_case, "failing": built.failing}
            (template / "site.json").write_bytes(orjson.dumps(meta))
    return template / "var", orjson.loads((template / "site.json").read_bytes())


def shared_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The temp directory every xdist worker of this run shares (the base temp without xdist)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@contextlib.contextmanager
def site_at(tmp: Path, *, shared: Path | None = None, cases: int = 40) -> Iterator[Site]:
    """A site under ``tmp``: a copy of the run's template of that size when ``shared`` is given (the
    module may write to it freely), else built here."""
    saved = {name: os.environ.get(name) for name in ENV}
    if shared is None:
        site = build_site(tmp, cases=cases)
    else:
        template, meta = _template(shared, cases)
        shutil.copytree(template, tmp / "var")
        site = _open_site(tmp / "var", meta)
    try:
        yield site
    finally:
        site.close()
        restore_env(saved)


def number(stream: str) -> str:
    return stream.split("/", 1)[1]


def logged_in(site: Site, who: str) -> TestClient:
    client = TestClient(site.app, raise_server_exceptions=True)
    site.login(client, who)
    return client


def text_of(page: str) -> str:
    """The visible text of a page (tags, scripts and styles dropped)."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def links(page: str, prefix: str) -> list[str]:
    return [html.unescape(h) for h in re.findall(r'href="([^"]+)"', page) if html.unescape(h).startswith(prefix)]


def officer_token(site: Site, agency: str, role: str = "officer") -> str:
    """Sign in as the first registered officer of ``agency`` holding ``role``: the key of ``site.tokens``
    (``logged_in(site, key)``), made once."""
    key = f"{role}@{agency}"
    if key not in site.tokens:
        found = site.rows("SELECT stream FROM pub_officers WHERE agency = ? AND roles LIKE ? ORDER BY stream",
                          (agency, f'%"{role}"%'))
        assert found, f"the demo has no {role} in {agency}"
        identity = str(found[0]["stream"])
        site.tokens[key] = site.app.state.services.tokens.create(identity, name=f"pages test {key}")[1]
        site.identities[key] = identity
    return key


def project(site: Site) -> None:
    """Bring the read models up to the ledger's head (after a test records a step)."""
    runner = Runner(site.app.state.services.ledger.store)
    try:
        runner.run_once()
    finally:
        runner.close()
