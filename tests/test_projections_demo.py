"""The public tables of a 1,000-case demo hold no personal data (PUB-01): no ID number, phone
number or bank card (the PUB-01 patterns), and no personal field of any party — party,
interviewee, hearing agent, 复议 applicant — except the penalised organisation's name and
统一社会信用代码."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from api.cli.demo import run_demo
from domain.personal_data import find_personal_data
from projections import queries
from projections.definitions import ALL
from projections.runner import Runner, status
from tests.helpers.projection_ledgers import new_ledger, table
from tests.helpers.stores import store_config

AS_OF = date(2026, 11, 25)


def parties(events: list[dict[str, Any]]) -> list[tuple[dict[str, Any], bool]]:
    """Every party-like record of the ledger, and whether it is a penalised organisation."""
    found: list[tuple[dict[str, Any], bool]] = []
    for env in events:
        data = env.get("data") or {}
        kind = env.get("type")
        if kind == "CaseRegistered" and isinstance(data.get("party"), dict):
            party = data["party"]
            found.append((party, party.get("kind") == "organisation"))
        elif kind == "InquiryRecorded" and isinstance(data.get("interviewee"), dict):
            found.append((data["interviewee"], False))
        elif kind == "ReconsiderationApplied" and isinstance(data.get("applicant"), dict):
            found.append((data["applicant"], False))
        elif kind == "HearingHeld":
            found += [(a if isinstance(a, dict) else {"kind": "person", "name": a}, False)
                      for a in data.get("agents") or ()]
    return found


@pytest.mark.slow
def test_public_tables_of_a_1000_case_demo_hold_no_personal_data(tmp_path: Path) -> None:
    with store_config("sqlite", tmp_path) as config:
        ledger = new_ledger(config, tmp_path / "keys.json")
        summary = run_demo(ledger, 1000, 1, AS_OF)
        assert summary.refusal is None, summary.refusal
        runner = Runner(ledger.store)
        runner.run_once()
        runner.close()
        events = [e.envelope for e in (ledger.store.mapper.to_domain_event(n) for n in ledger.store.notifications())]
        assert [(s.position, s.lag) for s in status(ledger.store)] == [(len(events), 0)] * len(ALL)

        public: set[str] = set()  # what may be shown: penalised organisations, officers (事前公开), agencies
        forbidden: dict[str, str] = {}
        for party, penalised in parties(events):
            if penalised:
                public |= {v for v in (party.get("name"), party.get("credit_code")) if v}
        public |= {r["name"] for r in table(ledger.store, "pub_officers")}
        public |= {r["name"] for r in table(ledger.store, "pub_agencies")}
        for party, _ in parties(events):
            fields = ["id_number", "phone", "address", "birth_date", "legal_representative", "credit_code"]
            if party.get("kind") == "person":
                fields.append("name")
            for name in fields:
                value = party.get(name)
                if isinstance(value, str) and len(value) >= 2 and value not in public:
                    forbidden[value] = name

        cells: list[str] = []
        for name in queries.public_tables():
            rows = table(ledger.store, name)
            cells += [str(v) for row in rows for v in row.values() if v is not None]
        assert len(table(ledger.store, "pub_decisions")) > 100
        patterns = [(c, f.kind, f.text) for c in cells for f in find_personal_data(c)
                    if f.kind in ("id_number", "phone", "bank_card")]
        assert patterns == []
        protected = sorted(public, key=len, reverse=True)
        leaks = []
        for cell in cells:
            for keep in protected:
                if keep in cell:
                    cell = cell.replace(keep, "\0")
            leaks += [(field, value) for value, field in forbidden.items() if value in cell]
        assert leaks == [], leaks[:10]
        ledger.close()
