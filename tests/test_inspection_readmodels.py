"""The inspection read models (projections/inspection_tables.py): the §4 spot check gives its rows (a
task whose recorded draw re-derives, its drawn objects joined to their inspections, INS-10 met); a
natural person inspected is masked on every row and public text (PUB-06); INS-10 warns on both sides
of its 20th working day; INS-06 counts the person's routine inspections against the item's cap of 1;
a changed secret or index makes the draw not re-derive; statistics count results and draws."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import orjson
import pytest

from projections import inspection_queries
from projections.definitions import ALL
from projections.queries import rows_of
from projections.sql import Database
from tests.helpers.gate_context import CALENDAR, CONFIG
from tests.helpers.inspection_examples import INSPECTIONS, SPOTCHECK, example
from tests.helpers.inspection_readmodels import (
    CAPPED,
    PERSON,
    PERSON_ID,
    PERSON_PHONE,
    PUBLISHED,
    UNPUBLISHED,
    capped_item,
    person_inspections,
)
from tests.helpers.kinds_readmodels import kinds_ledger
from tests.helpers.projection_ledgers import lines

TAMPERED = "spotcheck/DXH-CGJ-CC-2026-02"


def _tampered() -> list[dict[str, Any]]:
    """The §4 task again on another stream, one recorded index changed."""
    steps = [copy.deepcopy(s) for s in example() if s["stream"] == SPOTCHECK]
    for s in steps:
        s["stream"] = TAMPERED
        if s["type"] == "RandomDrawPerformed":
            s["data"]["objects_drawn"][0]["index"] = 10
    return steps


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    tmp = Path(tmp_path_factory.mktemp("inspections"))
    with kinds_ledger(tmp, [capped_item()], lines("general-case"), example(), person_inspections(), _tampered(),
                      examples=False) as ledger:
        found = Database(ledger.store)
        try:
            yield found
        finally:
            found.close()


def _rows(db: Database, name: str, where: str = "", params: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
    return rows_of(db, f"SELECT * FROM {db.qualify(name)} {where}", params)


def test_the_spot_check_gives_its_task_objects_and_inspections(db: Database) -> None:
    [task] = _rows(db, "proj_spotchecks", "WHERE grp = ?", (SPOTCHECK,))
    assert (task["status"], task["objects_count"], task["drawn"], task["rederived"], task["draw_backfilled"]) == (
        "completed", 12, 3, "ok", 1)
    found = inspection_queries.spotcheck_task(db, SPOTCHECK)
    assert found is not None and found["verify"] == f"enforcement-ledger draw verify {SPOTCHECK}"
    assert [(o["object_index"], o["key"], o["inspection"], o["result"]) for o in found["objects"]] == [
        (11, "OBJ-0012", INSPECTIONS[0], "compliant"), (3, "OBJ-0004", INSPECTIONS[1], "violation_found"),
        (2, "OBJ-0003", INSPECTIONS[2], "compliant")]
    assert found["objects"][0]["officers"] == ["officer/42011219011", "officer/42011219010"]
    assert found["draw"]["beacon"] == {"tree_size": 128, "root": task_root(db)}
    ins = inspection_queries.inspection_file(db, INSPECTIONS[1], as_of=date(2026, 12, 1), calendar=CALENDAR,
                                             config=CONFIG)
    assert ins is not None and (ins["result"], ins["referred"], ins["published"]) == ("violation_found", 1, 1)
    assert {d["key"]: d["state"] for d in ins["deadlines"]} == {"INS-10": "met"}
    assert ins["task"][0]["rederived"] == "ok" and ins["catalogue"] and ins["timeline"][0]["type"] == "InspectionOpened"


def task_root(db: Database) -> str:
    [row] = _rows(db, "pub_spotchecks", "WHERE grp = ?", (SPOTCHECK,))
    return str(row["beacon_root"])


def test_a_changed_index_does_not_re_derive(db: Database) -> None:
    [task] = _rows(db, "proj_spotchecks", "WHERE grp = ?", (TAMPERED,))
    assert task["rederived"] == "fail"
    [public] = _rows(db, "pub_spotchecks", "WHERE grp = ?", (TAMPERED,))
    checks = {c["what_en"]: c["status"] for c in orjson.loads(public["checks"])}
    assert checks["drawn object indices"] == "fail" and checks["seed commitment"] == "ok"
    stats = {r["metric"]: r["value"] for r in _rows(db, "proj_statistics")}
    assert (stats["spotchecks.drawn"], stats["spotchecks.rederived"], stats["spotchecks.not_rederived"]) == (2, 1, 1)


def test_the_public_spot_check_holds_the_plan_the_draw_and_the_results(db: Database) -> None:
    found = inspection_queries.public_spotcheck(db, SPOTCHECK, date(2026, 12, 1))
    assert found is not None
    task = found["task"]
    assert [d["index"] for d in task["drawn"]] == [11, 3, 2]
    assert task["seed_commitment"] == "67e0285a7712000e8d51ceba9264a332e1754893cce66ae19e3ed7a314c56973"
    assert task["seed_secret"] and task["objects_sha256"] == task["objects_snapshot"]
    assert [r["result_label"] for r in found["results"]] == ["未发现问题", "已移送立案", "未发现问题"]
    before = inspection_queries.public_spotcheck(db, SPOTCHECK, date(2026, 3, 12))
    assert before is not None and before["results"] == []  # published on 13 March


def test_a_natural_person_is_masked_on_every_row_and_public_text(db: Database) -> None:
    [row] = _rows(db, "proj_inspections", "WHERE grp = ?", (PUBLISHED,))
    assert (row["object_kind"], row["object_name"], row["object_credit_code"]) == ("person", "李某某", None)
    assert row["object_id"].startswith("name:")
    [public] = _rows(db, "pub_inspections", "WHERE grp = ?", (PUBLISHED,))
    assert public["object_name"] == "李某某" and "李某某" in public["text"]
    every = orjson.dumps({t.name: _rows(db, t.name) for p in ALL if p.name.startswith("inspection")
                          for t in p.tables}).decode()
    for value in (PERSON, PERSON_ID, PERSON_PHONE):
        assert value not in every
    assert _rows(db, "pub_inspections", "WHERE grp = ?", (UNPUBLISHED,)) == []


@pytest.mark.parametrize(("day", "colour"), [("2026-04-26", None), ("2026-04-27", "yellow"), ("2026-04-30", "yellow"),
                                             ("2026-05-01", "red")])
def test_ins10_warns_before_and_after_its_20th_working_day(db: Database, day: str, colour: str | None) -> None:
    """Concluded 1 April: 20 WD end on 30 April (清明 4–6 April off); yellow within
    ``warnings.yellow_wd`` (3) working days of it, from 27 April; red from 1 May, a holiday."""
    found = inspection_queries.inspection_warnings(db, date.fromisoformat(day), agencies=None, calendar=CALENDAR,
                                                   config=CONFIG)
    mine = [w for w in found if w["file"] == UNPUBLISHED]
    assert [w["colour"] for w in mine] == ([colour] if colour else [])
    if mine:
        assert (mine[0]["rule"], mine[0]["due_on"]) == ("INS-10", "2026-04-30")


def test_ins06_counts_the_persons_routine_inspections_against_the_items_cap(db: Database) -> None:
    found = inspection_queries.inspection_frequency(db, agencies=None, year=2026, default_cap=None)
    person = [r for r in found if r["object_name"] == "李某某"]
    assert [(r["inspections"], r["cap"], r["over"], r["object_id"]) for r in person] == [(2, 1, True, None)]
    assert all(not r["over"] for r in found if r["object_name"] != "李某某")  # the drawn objects: once each
    assert inspection_queries.inspection_frequency(db, agencies=None, year=2025, default_cap=None) == []
    assert inspection_queries.inspection_frequency(db, agencies=[], year=None, default_cap=None) == []
    [cap] = _rows(db, "proj_inspection_caps", "WHERE code = ?", (CAPPED,))
    assert cap["max_per_year"] == 1


def test_statistics_count_results_publication_and_referrals(db: Database) -> None:
    stats = {r["metric"]: r["value"] for r in _rows(db, "proj_statistics", "WHERE year = 2026")}
    assert (stats["inspections.opened"], stats["inspections.random"], stats["inspections.targeted"]) == (5, 3, 2)
    assert (stats["inspections.correction_ordered"], stats["inspections.referred"]) == (2, 1)
    assert stats["inspections.published_on_time"] == 4  # the §4 three and the person's second
    assert "inspections.published_late" not in stats  # the first is not yet published: neither
