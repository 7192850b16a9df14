"""Issue 17's pages read indexes: every read-model query the budgeted pages run (the staff case list
filtered, a case page, the supervision dashboard, the public list, both feeds, and a few neighbours of
them) is captured while requesting them on a small demo, then explained on the same store; none may
scan a large table (a table that grows with the files: a case's rows, an evaluation, an event).

SQLite: ``EXPLAIN QUERY PLAN`` may show ``SCAN t USING [COVERING] INDEX`` (an index walked in order,
stopped by a LIMIT, or counted without reading rows) but never a bare ``SCAN t``. PostgreSQL (the slow
twin): ``EXPLAIN`` with ``enable_seqscan = off`` must not keep a ``Seq Scan`` of such a table (the planner
keeps one only when no index can serve the query). A new page query without an index fails here."""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.cli import main as cli_main
from api.server import create_app
from api.server.config import HttpSettings
from api.settings import Settings
from audit.table import TABLES as AUDIT_TABLES
from projections.definitions import ALL
from projections.sql import Database
from tests.helpers.http_world import ENV, restore_env
from tests.helpers.stores import store_config

PASSPHRASE = "page-queries"
ADMIN = "officer/admin"
SMALL = {"proj_statistics", "proj_state", "proj_poison"}
"""Tables that grow with agencies, years or projections, never with files (scanning them is cheap)."""


def large_tables() -> set[str]:
    """Every read-model table with a row per file, step or event, the audit's, the links and the events."""
    out = {t.name for p in ALL for t in p.tables if t.scope in ("grp", None)}
    out |= {t.name for t in AUDIT_TABLES if t.name != "audit_reviewers"} | {"proj_links", "stored_events"}
    return out - SMALL


def pages(number: str, agency: str) -> list[str]:
    """The budgeted pages (benchmarks/scale.py ``pages``) and their neighbours (other filters, page 2)."""
    return [f"/ui/cases?agency={agency}&procedure=general&page=2", f"/ui/cases?agency={agency}",
            f"/ui/cases?agency={agency}&status=closed", "/ui/cases", f"/ui/cases/{number}", "/ui/supervision",
            "/public", "/public?page=2", f"/public?agency=agency/{agency}", "/v1/public/feed.atom",
            "/v1/public/feed.json", f"/v1/public/feed.json?agency={agency}"]


def _cli(*args: str) -> None:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        status = cli_main(list(args))
    assert status == 0, (args, out.getvalue())


@contextlib.contextmanager
def demo_site(backend: str, tmp: Path) -> Iterator[tuple[Settings, Any]]:
    """A small demo (cases, read models, the audit's table) on ``backend``, and its app."""
    saved = {name: os.environ.get(name) for name in ENV}
    try:
        with store_config(backend, tmp) as config:
            for name in ENV:
                os.environ.pop(name, None)
            os.environ["LEDGER_KEY_PASSPHRASE"] = PASSPHRASE
            os.environ["LEDGER_DATA"] = str(tmp / "var")
            if config.postgres_dsn:
                os.environ["LEDGER_POSTGRES_DSN"] = str(config.postgres_dsn)
                os.environ["LEDGER_POSTGRES_SCHEMA"] = str(config.postgres_schema)
            _cli("init")
            _cli("demo", "--cases", "12", "--seed", "3")
            _cli("projections", "run", "--once")
            _cli("audit", "--refresh")
            settings = Settings.load(str(tmp / "var"))
            app = create_app(settings, http=HttpSettings(integrate_interval=0), integrate=False)
            try:
                yield settings, app
            finally:
                svc = app.state.services
                svc.log.close()
                svc.ledger.close()
    finally:
        restore_env(saved)


class _Recording:
    """A cursor that notes each statement and its parameters."""

    def __init__(self, cur: Any, seen: list[tuple[str, tuple[Any, ...] | None]]) -> None:
        self._cur, self._seen = cur, seen

    def execute(self, sql: str, params: Any = None) -> Any:
        self._seen.append((sql, None if params is None else tuple(params)))
        return self._cur.execute(sql, params) if params is not None else self._cur.execute(sql)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._cur, name)


def captured(client: TestClient, monkeypatch: pytest.MonkeyPatch, paths: list[str]
             ) -> list[tuple[str, tuple[Any, ...] | None]]:
    """The SELECTs the read side ran (through ``projections.sql.Database.read``) while serving ``paths``."""
    seen: list[tuple[str, tuple[Any, ...] | None]] = []
    original = Database.read

    @contextlib.contextmanager
    def read(self: Database) -> Iterator[Any]:
        with original(self) as cur:
            yield _Recording(cur, seen)

    token = client.app.state.services.tokens.create(ADMIN, name="page queries")[1]  # type: ignore[attr-defined]
    client.cookies.set("elt_session", token)
    with monkeypatch.context() as patch:
        patch.setattr(Database, "read", read)
        for path in paths:
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
    return list({(s, p): None for s, p in seen if s.lstrip().upper().startswith(("SELECT", "WITH"))})


_SOURCE = re.compile(r'(?:FROM|JOIN)\s+(?:"?\w+"?\.)?"?(\w+)"?(?:\s+(?:AS\s+)?(?!(?:WHERE|ON|JOIN|LEFT|INNER|GROUP|'
                     r'ORDER|LIMIT|UNION|USING)\b)(\w+))?', re.IGNORECASE)


def _aliases(sql: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for table, alias in _SOURCE.findall(sql):
        out[table] = table
        if alias:
            out[alias] = table
    return out


def sqlite_scans(db: Database, sql: str, params: tuple[Any, ...] | None, large: set[str]) -> list[str]:
    """The large tables ``sql`` reads whole on SQLite (``SCAN t`` with no index)."""
    with db.read() as cur:
        cur.execute("EXPLAIN QUERY PLAN " + sql, params or ())
        details = [str(row[3]) for row in cur.fetchall()]
    names = _aliases(sql)
    found = []
    for detail in details:
        scan = re.fullmatch(r"SCAN (\w+)", detail.strip())
        if scan and names.get(scan.group(1), scan.group(1)) in large:
            found.append(detail)
    return found


def postgres_scans(db: Database, sql: str, params: tuple[Any, ...] | None, large: set[str]) -> list[str]:
    """The large tables ``sql`` reads whole on PostgreSQL (a ``Seq Scan`` kept with ``enable_seqscan`` off)."""
    with db.fresh_reader() as cur:
        cur.execute("SET enable_seqscan = off")
        cur.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        plan = cur.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    found: list[str] = []

    def walk(node: dict[str, Any]) -> None:
        if node.get("Node Type") == "Seq Scan" and node.get("Relation Name") in large:
            found.append(f"Seq Scan on {node['Relation Name']}")
        for child in node.get("Plans", []):
            walk(child)

    walk(plan[0]["Plan"])
    return found


def test_every_page_query_reads_an_index(backend: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with demo_site(backend, tmp_path) as (_, app), TestClient(app) as client:
        db = Database(app.state.services.ledger.store)
        try:
            case = db.all("SELECT grp, agency FROM " + db.qualify("proj_cases") + " ORDER BY grp")[0]
            number, agency = str(case[0]).removeprefix("case/"), str(case[1]).removeprefix("agency/")
            statements = captured(client, monkeypatch, pages(number, agency))
            large = large_tables()
            touched = {t for sql, _ in statements for t in _aliases(sql).values()}
            assert {"proj_cases", "proj_deadlines", "audit_evaluations", "pub_decisions"} <= touched, touched
            scans = postgres_scans if db.postgres else sqlite_scans
            bad = {sql: found for sql, params in statements if (found := scans(db, sql, params, large))}
            assert not bad, "\n\n".join(f"{found}: {sql}" for sql, found in bad.items())
        finally:
            db.close()


def test_a_query_without_an_index_is_caught(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The check itself: a case list filtered on a column no index holds is reported (SQLite)."""
    with demo_site("sqlite", tmp_path) as (_, app), TestClient(app):
        db = Database(app.state.services.ledger.store)
        try:
            sql = f"SELECT grp FROM {db.qualify('proj_cases')} c WHERE c.party_name = ?"
            assert sqlite_scans(db, sql, ("某",), large_tables()) == ["SCAN c"]
            assert sqlite_scans(db, sql.replace("c.party_name", "c.agency"), ("agency/JA-CGJ",), large_tables()) == []
        finally:
            db.close()
