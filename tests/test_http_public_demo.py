"""Every public HTTP answer over a demo ledger holds no personal data: no ID number, phone number
or bank card (the PUB-01 patterns of ``domain.personal_data``, as a public surface judges them),
in any value of any page of the disclosures, the Atom and JSON feeds, the registry and the
statistics — and in no answer of ``GET /v1/log/event/N``: neither those patterns nor, verbatim,
any personal field its case records for the party (issue 12: the demo's 补录 publications with
unmasked personal data are answered 451), nor any complainant's name or contact (issue 15); the
public spot checks and inspection results (issue 16) are scanned too, and the coercion results (PUB-06)
in the list, the feeds, their JSON and every page of ``/public/coercion``. The
fast tier asks for the public events' positions, the slow tier (1,000 cases) for every position."""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pytest
from fastapi.testclient import TestClient

from api.cli.demo import run_demo
from api.log_settings import log_origin
from api.server import create_app
from api.server.config import HttpSettings
from api.settings import Settings
from domain.gates import PUBLICLY_SERVED
from domain.personal_data import find_personal_data
from ledger.envelope import SealedEvent
from ledger.translog import TransparencyLog, log_signer
from projections.runner import Runner
from projections.sql import Database
from tests.helpers.projection_ledgers import new_ledger
from tests.helpers.stores import store_config

AS_OF = date(2026, 11, 25)
CASES = int(os.environ.get("HTTP_DEMO_CASES", "100"))  # the fast tier; the slow tier scans 1,000 cases
PATTERNS = ("id_number", "phone", "bank_card")


def leaves(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from leaves(item)
    elif isinstance(value, list):
        for item in value:
            yield from leaves(item)
    elif value is not None:
        yield str(value)


def xml_leaves(text: bytes) -> Iterator[str]:
    for element in ET.fromstring(text).iter():
        if element.text and element.text.strip():
            yield element.text
        yield from element.attrib.values()


@pytest.mark.parametrize("cases", [CASES, pytest.param(1000, marks=pytest.mark.slow)])
def test_no_public_answer_of_a_demo_holds_personal_data(tmp_path: Path, cases: int) -> None:
    with store_config("sqlite", tmp_path) as config:
        ledger = new_ledger(config, tmp_path / "keys.json")
        settings = Settings.load(str(tmp_path / "var"))
        summary = run_demo(ledger, cases, 1, AS_OF, log_origin=log_origin(settings))
        assert summary.refusal is None, summary.refusal
        runner = Runner(ledger.store)
        runner.run_once()
        runner.close()
        public_positions, size = _checkpoint(ledger, log_origin(settings))
        complainants = _complainants(ledger)
        http = HttpSettings(integrate_interval=0, auth_cache_seconds=0)
        app = create_app(settings, http=http, ledger=ledger, integrate=False)
        values: list[tuple[str, str]] = []
        with TestClient(app, raise_server_exceptions=False) as client:
            for as_of in (AS_OF.isoformat(), "2026-06-30"):
                cursor: str | None = None
                pages = 0
                while True:
                    params = {"as_of": as_of, "limit": 100, **({"cursor": cursor} if cursor else {})}
                    response = client.get("/v1/public/disclosures", params=params)
                    assert response.status_code == 200, response.text
                    body = response.json()
                    values += [("disclosures", v) for v in leaves(body)]
                    pages += 1
                    cursor = body["next"]
                    if cursor is None:
                        break
            assert sum(1 for where, v in values if v == "decision") > cases // 10
            withdrawals = Database(ledger.store).all("SELECT COUNT(*) FROM pub_withdrawals")[0][0]
            assert withdrawals > 0 or cases < 1000
            assert sum(1 for _, v in values if v == "withdrawal") >= withdrawals
            for path in ("/v1/public/feed.json?limit=500", "/v1/public/registry", "/v1/public/statistics",
                         f"/v1/public/coercion?limit=500&as_of={AS_OF.isoformat()}"):
                response = client.get(path)
                assert response.status_code == 200, (path, response.text)
                values += [(path, v) for v in leaves(response.json())]
            tasks = [str(r[0]) for r in Database(ledger.store).all("SELECT grp FROM pub_spotchecks")]
            assert tasks, "the demo draws spot checks (issue 16)"
            for task in tasks:  # 双随机、一公开: the plan, the draw and the results of each spot check
                response = client.get(f"/v1/public/spotchecks/{task.removeprefix('spotcheck/')}")
                assert response.status_code == 200, response.text
                values += [("spotcheck", v) for v in leaves(response.json())]
            assert any(v == "inspection" for where, v in values if where == "disclosures")
            atom = client.get("/v1/public/feed.atom?limit=500")
            assert atom.status_code == 200
            values += [("feed.atom", v) for v in xml_leaves(atom.content)]
            coerced = client.get("/v1/public/coercion", params={"as_of": AS_OF.isoformat()}).json()
            assert coerced["total"] > 0  # the demo publishes coercion results (PUB-06), scanned above
            assert any(v == "coercion" for where, v in values if where == "disclosures")  # and lists them
            values += [("/public/coercion", v) for v in _html_pages(client, "/public/coercion", AS_OF)]
            statuses = _scan_events(client, ledger, range(size) if cases >= 1000 else public_positions, values)
        assert statuses[200] >= len(public_positions) // 2
        assert statuses[451] > 0 or cases < 1000  # the demo's unmasked 补录 publications
        assert complainants, "the demo records complaints (issue 15)"
        leaked = [(where, value) for where, value in values for c in complainants if c in value]
        assert leaked == [], leaked[:10]  # a complainant's name or contact on no public answer
        found = [(where, f.kind, f.text) for where, value in values
                 for f in find_personal_data(value, public_surface=True) if f.kind in PATTERNS]
        assert found == [], found[:10]
        assert len(values) > 1000


def _html_pages(client: TestClient, path: str, as_of: date) -> Iterator[str]:
    """The text of every page of a paged public HTML list."""
    number, pages = 1, 1
    while number <= pages:
        response = client.get(path, params={"as_of": as_of.isoformat(), "page": number})
        assert response.status_code == 200, (path, number)
        yield response.text
        found = re.search(r"第 \d+ / (\d+) 页", response.text)
        pages = int(found.group(1)) if found else 1
        number += 1


def _complainants(ledger: Any) -> set[str]:
    """The names and contacts of every complainant the demo recorded (ComplaintReceived)."""
    found: set[str] = set()
    for stream in Database(ledger.store).streams_with_prefix("complaint/", Database(ledger.store).head()):
        for event in ledger.read(stream):
            if event.type == "ComplaintReceived":
                person = event.data.get("complainant") or {}
                found |= {v for v in (person.get("name"), person.get("phone"), event.data.get("contact"))
                          if isinstance(v, str) and len(v) >= 2}
    return found


def _checkpoint(ledger: Any, origin: str) -> tuple[list[int], int]:
    """Integrate the log and sign a checkpoint; the positions of the public events, the size."""
    tlog = TransparencyLog(ledger.store, origin=origin)
    try:
        log_signer(tlog, ledger.keystore)
        tlog.integrate()
        size = tlog.checkpoint().size
        # every event is a leaf, in notification order: position = index among the notifications
        rows = ledger.store.recorder.select_notifications(start=1, limit=size)
        assert len(rows) == size
        public = [p for p, row in enumerate(rows) if SealedEvent.from_stored(bytes(row.state)).type in PUBLICLY_SERVED]
        assert all(SealedEvent.from_stored(tlog.event_bytes(p)).type in PUBLICLY_SERVED for p in public[:20])
    finally:
        tlog.close()
    return public, size


def _personal_fields(ledger: Any, stream: str, cache: dict[str, list[str]]) -> list[str]:
    """What the case records about its party that no public answer may show verbatim."""
    if stream not in cache:
        registered = [e.data.get("party") for e in ledger.read(stream) if e.type == "CaseRegistered"]
        party: dict[str, Any] = registered[0] if registered and isinstance(registered[0], dict) else {}
        keys = ["id_number", "phone", "legal_representative"]
        keys += ["name", "address"] if party.get("kind") == "person" else []
        cache[stream] = [f for f in map(party.get, keys) if isinstance(f, str) and len(f) >= 2]
    return cache[stream]


def _scan_events(client: TestClient, ledger: Any, positions: Any, values: list[tuple[str, str]]) -> Counter[int]:
    """Ask for each position; every answer's strings join ``values``; a case's own personal fields
    must not appear in any answer. The statuses counted."""
    statuses: Counter[int] = Counter()
    cache: dict[str, list[str]] = {}
    for position in positions:
        response = client.get(f"/v1/log/event/{position}")
        statuses[response.status_code] += 1
        assert response.status_code in (200, 403, 410, 451), (position, response.text)
        body = response.json()
        values.extend((f"event/{position}", v) for v in leaves(body))
        if response.status_code == 200 and body["event"]["stream"].startswith("case/"):
            for field in _personal_fields(ledger, body["event"]["stream"], cache):
                assert field not in response.text, (position, field)
    return statuses
