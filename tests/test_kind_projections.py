"""The licence and complaint read models: the examples give the expected rows; a person applicant is
masked on every public row (PUB-06, and PUB-01's gate now knows the licence's names); a revocation
takes the grant off the public list (PUB-07); the complainant never reaches a public, agency or
statistics table (CMP-04); the complaint register warns before and after its due dates across
the 国庆 holiday and its 调休 working day."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import orjson
import pytest

from domain.errors import StepRefused
from domain.gates import check_gates
from domain.registry import HistoryRegistry
from domain.step import Step
from projections import kind_queries, queries
from projections.definitions import ALL
from projections.sql import Database
from tests.helpers.gate_context import CALENDAR, CONFIG, context_with, load
from tests.helpers.kinds_examples import LICENCE, SFJ, SPJ, complaint_steps, edit_step
from tests.helpers.kinds_readmodels import (
    COMPLAINANT,
    PERSON,
    kinds_ledger,
    person_licence,
    proceeding_steps,
    report_complaint,
)
from tests.helpers.projection_ledgers import dump, table

LICENCE_NO = "东审批广字〔2026〕第0031号"


class _Reader:
    """``kind_queries.Reader`` over a projections database (as ``ReadModels`` is)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        return queries.rows_of(self.db, sql, params)

    def table(self, name: str) -> str:
        return self.db.qualify(name)


def test_the_examples_give_their_rows(tmp_path: Path) -> None:
    with kinds_ledger(tmp_path) as ledger:
        [lic] = table(ledger.store, "proj_licences")
        assert (lic["grp"], lic["agency"], lic["status"], lic["decision"], lic["licence_no"]) == (
            LICENCE, SPJ, "archived", "LicenceGranted", LICENCE_NO)
        assert (lic["holder_kind"], lic["holder_name"], lic["accepted_on"], lic["decided_on"]) == (
            "organisation", "武汉某传媒有限公司", "2026-09-28", "2026-10-21")
        document = orjson.loads(lic["file"])
        assert [t[1] for t in document["timeline"]][:2] == ["LicenceApplied", "SupplementRequested"]
        assert document["catalogue"] and document["excluded"][0]["reason"] == "expert_review"
        # the 卷内目录 is stored as lists (no keys per entry, no title repeating its item's) and read as rows
        assert all(isinstance(entry, list) for entry in document["catalogue"])
        shown = kind_queries.licence_file(Database(ledger.store), LICENCE, as_of=date(2026, 12, 1), calendar=CALENDAR,
                                          config=CONFIG)
        assert shown is not None and len(shown["catalogue"]) == len(document["catalogue"])
        assert all(c["title"] and c["item_title"] and c["seq"] for c in shown["catalogue"])
        assert any(entry[4] is None for entry in document["catalogue"]) and any(
            c["title"] == c["item_title"] for c in shown["catalogue"])
        deadlines = {r["key"]: r for r in table(ledger.store, "proj_licence_deadlines")}
        assert deadlines["LIC-10"]["done_on"] == "2026-10-21" and deadlines["LIC-10"]["provisional"] == 0
        assert deadlines["LIC-13"]["done_on"] == "2026-10-23"
        [register] = table(ledger.store, "proj_licence_register")
        assert (register["licence_no"], register["event"], register["valid_to"]) == (
            LICENCE_NO, "LicenceGranted", "2027-10-20")
        [pub] = table(ledger.store, "pub_licences")
        assert (pub["decision_label"], pub["party_name"], pub["status"]) == ("准予行政许可", "武汉某传媒有限公司",
                                                                             "published")
        [complaint] = table(ledger.store, "proj_complaints")
        assert (complaint["bureau"], complaint["against_agency"], complaint["status"]) == (SFJ, "agency/DXH-CGJ",
                                                                                          "archived")
        assert {r["key"] for r in table(ledger.store, "proj_complaint_deadlines")} == {"CMP-02", "CMP-06", "CMP-08@3"}
        stats = {(r["agency"], r["metric"]): r["value"] for r in table(ledger.store, "proj_statistics")}
        assert stats[(SPJ, "licences.decided_on_time")] == 1 and stats[(SPJ, "certificates.on_time")] == 1
        assert stats[(SFJ, "complaints.decided_on_time")] == 1 and stats[(SFJ, "complaints.answered_on_time")] == 1
        assert stats[("agency/DXH-CGJ", "complaints.against")] == 1
        db = Database(ledger.store)
        try:
            [year] = queries.statistics(db, agency=SPJ, year=2026)
            assert year["rates"]["licence.timeliness"]["value"] == 1.0
        finally:
            db.close()


def test_a_person_applicant_is_masked_on_every_public_row(tmp_path: Path) -> None:
    with kinds_ledger(tmp_path, person_licence(), examples=False) as ledger:
        [pub] = table(ledger.store, "pub_licences")
        assert pub["party_name"] == "王某某" and pub["party_credit_code"] is None
        assert "王某某" in pub["text"]
        [lic] = table(ledger.store, "proj_licences")
        assert lic["holder_name"] == "王某某"
        public = orjson.dumps([table(ledger.store, name) for name in queries.public_tables()]).decode()
        for value in (PERSON["name"], PERSON["phone"], PERSON["address"]):
            assert value not in public


def test_pub01_judges_a_licence_publication_against_its_applicant() -> None:
    """The gap of the first round: PUB-01 on a licence stream knew no names (an empty case)."""
    steps = person_licence()
    index = next(i for i, s in enumerate(steps) if s["type"] == "DecisionPublished")
    published = copy.deepcopy(steps[index])
    published["data"]["text"] = "准予王小明大型户外广告设置审批，许可证号东审批广字〔2026〕第0031号。"
    ctx = context_with([*load("registry.jsonl"), *steps[:index]])
    with pytest.raises(StepRefused) as refused:
        check_gates(Step.parse(published), HistoryRegistry(ctx), config=CONFIG, calendar=CALENDAR)
    assert refused.value.rule == "PUB-01"


def test_a_revocation_withdraws_the_public_grant(tmp_path: Path) -> None:
    with kinds_ledger(tmp_path, proceeding_steps()) as ledger:
        db = Database(ledger.store)
        try:
            reader = _Reader(db)

            def entries(day: date) -> dict[str, str]:
                found = kind_queries.public_licence_entries(reader, day, agency=None, cursor=None, limit=50)
                return {e["id"]: e["kind"] for _, e in found}

            before = entries(date(2026, 11, 29))
            assert before == {f"{LICENCE}@11": "licence"}
            after = entries(date(2026, 12, 5))
            assert f"{LICENCE}@11" not in after
            proceeding = proceeding_steps()[0]["stream"]
            assert after[f"{proceeding}@5"] == "licence_withdrawal"  # the 撤销 (version 5) took it off
            assert after[f"{proceeding}@6"] == "licence"  # the revocation's own publication
            labels = {r["version"]: r["decision_label"] for r in table(ledger.store, "pub_licences",
                                                                       "WHERE grp = ?", (proceeding,))}
            assert labels == {6: "撤销行政许可", 8: "注销行政许可"}
            history = kind_queries.licence_history(db, as_of=date(2026, 12, 5), licence_no=LICENCE_NO)
            assert history["state"] == "LicenceRevoked"
            assert [e["event"] for e in history["events"]] == ["LicenceGranted", "LicenceRevoked"]
            assert kind_queries.licence_history(db, as_of=date(2026, 11, 1), licence_no=LICENCE_NO)["state"] == "valid"
        finally:
            db.close()


def test_the_complainant_stays_in_the_supervisors_table(tmp_path: Path) -> None:
    with kinds_ledger(tmp_path) as ledger:
        tables = dump(ledger.store)
        holding = {name for name, rows in tables.items()
                   if any(value in orjson.dumps(rows).decode() for value in COMPLAINANT)}
        # the example is a 投诉 whose transfer shared the identity with DXH-CGJ (agency_view)
        assert holding == {"proj_complainants", "proj_complaint_shared"}
        [shared] = table(ledger.store, "proj_complaint_shared")
        assert shared["agency"] == "agency/DXH-CGJ"


def test_a_reports_complainant_is_never_shared(tmp_path: Path) -> None:
    with kinds_ledger(tmp_path, report_complaint(), examples=False) as ledger:
        assert table(ledger.store, "proj_complaint_shared") == []
        tables = dump(ledger.store)
        holding = {name for name, rows in tables.items()
                   if any(value in orjson.dumps(rows).decode() for value in COMPLAINANT)}
        assert holding == {"proj_complainants"}


def _around_national_day() -> list[dict[str, object]]:
    """The example complaint received on 29 September 2026, cut before its acceptance."""
    def moved(step: dict[str, object]) -> None:
        data = step["data"]
        assert isinstance(data, dict)
        step["at"] = data["received_at"] = "2026-09-29T16:00:00+08:00"

    return edit_step(complaint_steps(), "ComplaintReceived", moved)[:1]


def test_the_register_warns_before_and_after_the_due_date_across_holidays(tmp_path: Path) -> None:
    with kinds_ledger(tmp_path, _around_national_day(), examples=False) as ledger:
        db = Database(ledger.store)
        try:
            [row] = table(ledger.store, "proj_complaint_deadlines", "WHERE key = 'CMP-02'")
            due = date.fromisoformat(row["due_on"])
            # 5 WD from 29 Sep: 30 Sep, then 国庆 (1–7 Oct, rest days), 8, 9, the 调休 Saturday 10 Oct, 12 Oct
            assert due == CALENDAR.add_working_days(date(2026, 9, 29), 5).due == date(2026, 10, 12)

            def colours(day: date) -> list[str]:
                found = kind_queries.complaint_register(db, day, bureaus=[SFJ], calendar=CALENDAR, config=CONFIG)
                return [w["colour"] for w in found["warnings"] if w["rule"] == "CMP-02"]

            assert colours(date(2026, 9, 29)) == []  # 5 WD ahead: no warning yet
            assert colours(date(2026, 10, 3)) == []  # in 国庆 still 4 WD ahead (8, 9, the 调休 10th, 12th)
            assert colours(date(2026, 10, 8)) == ["yellow"]  # 9, 10, 12 Oct left: within 3 WD, due soon
            assert colours(due) == ["yellow"]
            assert colours(due + timedelta(days=1)) == ["red"]
            assert kind_queries.complaint_register(db, due, bureaus=["agency/DXH-CGJ"], calendar=CALENDAR,
                                                   config=CONFIG)["complaints"] == []
        finally:
            db.close()


def test_every_projection_has_a_title_and_the_new_tables_are_listed() -> None:
    names = {t.name for p in ALL for t in p.tables}
    assert {"proj_licences", "pub_licences", "proj_complaints", "proj_complainants"} <= names
    assert not any(name.startswith("proj_complain") for name in queries.public_tables())
