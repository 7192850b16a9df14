"""The inspection audit (INS-01…11, TS-03, EVAL-11 on inspection/ files and spotcheck/ tasks): the §4
example grades 优秀 (one MINOR: step 7's missing 检查码, as the brief says); each brief defect fires the
rules it names on the streams it names and not those it excludes (tests/helpers/inspection_defects.py);
each rule is tried on both sides of its boundary; the audit grades the files in a ledger."""

from __future__ import annotations

import dataclasses
import json
from datetime import date
from pathlib import Path

import pytest

from api.cli import main
from audit.inspection_engine import evaluate_inspection
from audit.inspection_rulebook import ALL_INSPECTION_PATHS, INSPECTION_RULES
from audit.model import BLOCKER, INFO, MAJOR, MINOR, Evaluation
from domain.config import Config
from domain.config.coercion import Inspection
from tests.helpers.audit_cases import context
from tests.helpers.checkpoint_logs import DictLog, log_of
from tests.helpers.cli_data import cli_data
from tests.helpers.inspection_defects import (
    BASELINE,
    DEFECTS,
    INSPECTIONS,
    REFERRED_CASE,
    SPOTCHECK,
    Defect,
    at,
    change,
    edited,
    evaluate_all,
    fired,
    insert_after,
    put,
    run_defect,
)
from tests.helpers.inspection_examples import by_stream, versioned
from tests.helpers.spec_paths import EXAMPLES

ROOT = "9a483ad3529c98fdc08fa983a4a868f6f7a703f43d543e75f1c5b958b899a68d"
DOC = {"sha256": "e" * 64, "bytes": 10, "media_type": "application/pdf", "name": "文书"}


def _rules(stream: str, *edits: object, as_of: date = date(2026, 12, 31), **kwargs: object) -> set[str]:
    return fired(evaluate_all(edited(*edits), as_of=as_of, **kwargs)[stream])  # type: ignore[arg-type]


def test_the_book_holds_every_ins_rule_with_its_paths() -> None:
    assert {f"INS-{n:02d}" for n in range(1, 12)} | {"TS-02", "TS-03", "PUB-06", "EVAL-11"} == set(INSPECTION_RULES)
    assert all(r.paths <= ALL_INSPECTION_PATHS for r in INSPECTION_RULES.values())
    assert not {r for r in INSPECTION_RULES if r.startswith("PEN-")}


def test_the_examples_files_grade_excellent() -> None:
    evaluations = evaluate_all(edited())
    assert {s: e.grade for s, e in evaluations.items()} == {s: "优秀" for s in [*INSPECTIONS, SPOTCHECK]}
    assert {s: fired(e) for s, e in evaluations.items() if fired(e)} == BASELINE
    minor = [f for f in evaluations[INSPECTIONS[1]].findings if f.rule == "INS-05"]
    assert [f.severity for f in minor] == [MINOR] and "检查码" in minor[0].message
    info = {f.rule for e in evaluations.values() for f in e.findings if f.severity == INFO}
    assert info == {"INS-02", "INS-06"}  # the beacon unverified, the yearly count without a cap


@pytest.mark.parametrize("defect", DEFECTS, ids=lambda d: d.name)
def test_each_brief_defect_fires_what_it_names_and_not_what_it_excludes(defect: Defect) -> None:
    evaluations = run_defect(defect)
    for stream, ev in evaluations.items():
        wanted = defect.fires.get(stream, BASELINE.get(stream, frozenset()))
        assert fired(ev) == wanted, stream
        assert not fired(ev) & defect.must_not, stream
        assert (ev.grade == "不合格") == (stream in defect.veto), stream


# --------------------------------------------------------------------------- boundaries


def test_ins01_an_item_that_is_no_inspection_item_fires() -> None:
    assert "INS-01" in _rules(INSPECTIONS[0], change(INSPECTIONS[0], "InspectionOpened", put("item", "CGJ-DQ-30-QZ")))


def _beacon(evs: dict[str, Evaluation]) -> list[tuple[str, str]]:
    return [(f.severity, f.message) for f in evs[SPOTCHECK].findings if f.rule == "INS-02"]


def _log(checkpoints: dict[int, str], first_leaf: int = 100) -> DictLog:
    """The plan and both snapshots (versions 1–3 of the task) at leaves ``first_leaf`` … + 2."""
    return log_of(SPOTCHECK, [first_leaf, first_leaf + 1, first_leaf + 2], checkpoints)


@pytest.mark.parametrize(("checkpoints", "first_leaf", "says"), [
    ({129: ROOT}, 100, "不是本账本透明日志签署的检查点"),
    ({128: "0" * 64}, 100, "不符"),
    ({110: "1" * 64, 128: ROOT}, 100, "第一个已签名检查点（tree_size 110）"),
    ({128: ROOT}, 126, "签署于抽查计划或名录库快照之前"),
], ids=["not-a-checkpoint", "another-root", "not-the-first", "before-the-snapshots"])
def test_ins02_a_live_draws_beacon_is_judged_by_the_gate_against_this_ledgers_log(
        checkpoints: dict[int, str], first_leaf: int, says: str) -> None:
    found = _beacon(evaluate_all(edited(), log=_log(checkpoints, first_leaf)))
    assert [s for s, _ in found] == [BLOCKER] and says in found[0][1]


def test_ins02_the_first_checkpoint_covering_the_snapshots_is_verified() -> None:
    assert _beacon(evaluate_all(edited(), log=_log({128: ROOT}))) == []
    assert _beacon(evaluate_all(edited(), log=_log({128: ROOT}, first_leaf=125))) == [], "leaf 127 is covered by 128"
    assert _beacon(evaluate_all(edited(), log=_log({100: "1" * 64, 128: ROOT}))) == [], "100 does not cover leaf 100"


def test_ins02_a_backfilled_draws_beacon_is_info_unless_it_is_this_ledgers() -> None:
    backfilled = edited(change(SPOTCHECK, "RandomDrawPerformed", lambda s: s.update(backfilled=True)))
    for log in (DictLog(), _log({129: ROOT}), _log({110: "1" * 64, 128: ROOT}), None):
        found = _beacon(evaluate_all(backfilled, log=log))
        assert [s for s, _ in found] == [INFO] and "未核验" in found[0][1], log
    assert _beacon(evaluate_all(backfilled, log=_log({128: ROOT}))) == []
    assert [s for s, _ in _beacon(evaluate_all(edited()))] == [INFO], "a live draw judged without the log"


def test_ins02_a_changed_secret_is_a_veto_on_the_task_and_every_drawn_file() -> None:
    evaluations = evaluate_all(edited(change(SPOTCHECK, "RandomDrawPerformed", put("seed_secret", "00" * 32))))
    assert all("INS-02" in fired(e) and e.grade == "不合格" for e in evaluations.values())


def test_ins02_a_drawn_file_without_its_task_is_a_veto() -> None:
    steps = [s for s in edited() if s["stream"] != SPOTCHECK]
    ev = evaluate_inspection(INSPECTIONS[0], versioned(by_stream(steps)[INSPECTIONS[0]]), context())
    assert fired(ev) == {"INS-02", "INS-03", "EVAL-01"} and ev.grade == "不合格"


def test_ins04_one_officer_on_a_remote_check_is_still_judged_on_the_follow_up() -> None:
    one = change(INSPECTIONS[0], "SiteInspectionRecorded", put("officers", ["officer/42011219011"]))
    assert {"INS-04", "INS-03"} <= _rules(INSPECTIONS[0], one)


@pytest.mark.parametrize(("approved", "urgent", "fires"), [
    ("2026-02-10T10:00:00", False, False), ("2026-02-10T10:01:00", False, True), ("2026-02-10T10:01:00", True, False)])
def test_ins05_approval_before_the_site_check_unless_urgent(approved: str, urgent: bool, fires: bool) -> None:
    edits = [change(INSPECTIONS[0], "InspectionOpened", put("approved_at", f"{approved}+08:00"))]
    if urgent:
        edits.append(change(INSPECTIONS[0], "InspectionOpened", put("urgent", True)))
    assert ("INS-05" in _rules(INSPECTIONS[0], *edits)) == fires


def test_ins05_the_notice_and_the_signature() -> None:
    assert "INS-05" in _rules(INSPECTIONS[0], change(INSPECTIONS[0], "SiteInspectionRecorded",
                                                     put("credentials_shown", False)))
    refused = [change(INSPECTIONS[0], "SiteInspectionRecorded", put("signed_by_party", None)),
               change(INSPECTIONS[0], "SiteInspectionRecorded", put("refusal_noted", True))]
    assert "INS-05" not in _rules(INSPECTIONS[0], *refused)


@pytest.mark.parametrize(("cap", "fires"), [(1, True), (2, False)])
def test_ins06_the_yearly_cap_counts_the_same_object(cap: int, fires: bool) -> None:
    """A second routine inspection of OBJ-0012 in 2026 (stream 0004): beyond a cap of 1, within 2."""
    again = [dict(s, stream="inspection/DXH-CGJ-JC-2026-0004") for s in edited() if s["stream"] == INSPECTIONS[0]]
    for s in again:
        s["at"] = s["at"].replace("2026-02", "2026-05").replace("2026-03", "2026-06")
    again[0]["data"] = {**again[0]["data"], "origin": {"kind": "routine"}}
    config = dataclasses.replace(Config(), inspection=Inspection(max_per_year=cap))
    evaluations = evaluate_all([*edited(), *again], config=config)
    assert ("INS-06" in fired(evaluations["inspection/DXH-CGJ-JC-2026-0004"])) == fires
    assert "INS-06" not in fired(evaluations[INSPECTIONS[0]])  # the first of the year


def test_ins07_a_closed_file_without_its_result_and_a_correction_not_served() -> None:
    steps = [s for s in edited() if not (s["stream"] == INSPECTIONS[0] and s["type"] == "InspectionConcluded")]
    assert "INS-07" in fired(evaluate_all(steps)[INSPECTIONS[0]])
    ordered = {"due": "2026-02-24", "document": DOC}
    unserved = [change(INSPECTIONS[0], "InspectionConcluded", put("result", "correction_ordered")),
                change(INSPECTIONS[0], "InspectionConcluded", put("correction", ordered)),
                change(INSPECTIONS[0], "InspectionConcluded", put("served_at", None))]
    found = evaluate_all(edited(*unserved))[INSPECTIONS[0]]
    assert [f.severity for f in found.findings if f.rule == "INS-07"] == [MINOR]


def _no_referral() -> list:
    return [s for s in edited() if s["type"] != "InspectionReferred" and s["stream"] != REFERRED_CASE]


@pytest.mark.parametrize(("as_of", "fires"), [(date(2026, 3, 12), False), (date(2026, 3, 13), True)])
def test_ins08_a_violation_not_referred_within_15_wd(as_of: date, fires: bool) -> None:
    """Concluded 13 Feb: 15 WD (the 14 and 28 Feb 调休 counted, 春节 not) end on 12 Mar (the brief's date)."""
    steps = [s for s in _no_referral() if not (s["stream"] == INSPECTIONS[1] and s["type"] == "CaseClosed")]
    assert ("INS-08" in fired(evaluate_all(steps, as_of=as_of)[INSPECTIONS[1]])) == fires


@pytest.mark.parametrize(("registered", "fires"), [("2026-03-12", False), ("2026-03-13", True)])
def test_ins08_the_referred_case_is_registered_within_15_wd_of_the_referral(registered: str, fires: bool) -> None:
    late = change(REFERRED_CASE, "CaseRegistered", at(f"{registered}T10:00:00"))
    assert ("INS-08" in _rules(INSPECTIONS[1], late)) == fires
    unnamed = change(REFERRED_CASE, "CaseSourceRecorded", put("origin", {"stream": INSPECTIONS[0]}))
    assert "INS-08" in _rules(INSPECTIONS[1], unnamed)


def _correction(verified: str | None) -> list:
    edits = [change(INSPECTIONS[0], "InspectionOpened", put("origin", {"kind": "routine"})),
             change(INSPECTIONS[0], "InspectionConcluded", put("result", "correction_ordered")),
             change(INSPECTIONS[0], "InspectionConcluded", put("correction", {"due": "2026-02-24", "document": DOC}))]
    if verified is not None:
        edits.append(insert_after(INSPECTIONS[0], "InspectionConcluded", {
            "stream": INSPECTIONS[0], "type": "CorrectionVerified", "at": f"{verified}T10:00:00+08:00",
            "by": "officer/42011219011", "data": {
                "officers": ["officer/42011219011", "officer/42011219010"], "credentials_shown": True,
                "verified_at": f"{verified}T10:00:00+08:00", "result": "corrected", "record": DOC}}))
    return edited(*edits)


@pytest.mark.parametrize(("verified", "as_of", "fires"), [
    ("2026-02-24", date(2026, 12, 31), False), ("2026-02-23", date(2026, 12, 31), True),
    (None, date(2026, 2, 24), False), (None, date(2026, 2, 25), True)])
def test_ins09_the_correction_verified_not_before_its_due_date(verified: str | None, as_of: date,
                                                               fires: bool) -> None:
    assert ("INS-09" in fired(evaluate_all(_correction(verified), as_of=as_of)[INSPECTIONS[0]])) == fires


@pytest.mark.parametrize(("as_of", "fires"), [(date(2026, 3, 16), set()), (date(2026, 3, 17), {"INS-10", "TS-03"})])
def test_ins10_an_unpublished_drawn_result_after_20_wd(as_of: date, fires: set[str]) -> None:
    steps = [s for s in edited() if not (s["stream"] == INSPECTIONS[0] and s["type"] in ("DecisionPublished",
                                                                                          "CaseClosed"))]
    assert fired(evaluate_all(steps, as_of=as_of)[INSPECTIONS[0]]) & {"INS-10", "TS-03"} == fires


def test_ins10_a_targeted_compliant_result_need_not_be_published() -> None:
    steps = [s for s in edited(change(INSPECTIONS[0], "InspectionOpened", put("origin", {"kind": "routine"})))
             if not (s["stream"] == INSPECTIONS[0] and s["type"] == "DecisionPublished")]
    assert not fired(evaluate_all(steps)[INSPECTIONS[0]]) & {"INS-10", "TS-03"}


@pytest.mark.parametrize(("published", "fires"), [("2026-03-16", False), ("2026-03-17", True)])
def test_ts03_the_result_within_20_wd_across_the_spring_festival(published: str, fires: bool) -> None:
    late = change(INSPECTIONS[0], "DecisionPublished", at(f"{published}T09:00:00", "published_at"))
    assert ("TS-03" in _rules(INSPECTIONS[0], late)) == fires


@pytest.mark.parametrize(("filed", "fires"), [("2026-02-04T10:00:00", False), ("2026-02-04T10:01:00", True)])
def test_ins11_the_plan_filed_before_the_draw(filed: str, fires: bool) -> None:
    edit = change(SPOTCHECK, "SpotCheckPlanned", put("filed_at", f"{filed}+08:00"))
    assert ("INS-11" in _rules(SPOTCHECK, edit)) == fires
    assert ("INS-11" in _rules(INSPECTIONS[0], edit)) == fires


def test_eval11_a_result_without_its_notice() -> None:
    found = evaluate_all(edited(change(INSPECTIONS[0], "InspectionConcluded", put("notice", None))))[INSPECTIONS[0]]
    assert [(f.rule, f.severity, f.category) for f in found.findings if f.rule == "EVAL-11"] == [
        ("EVAL-11", MAJOR, "立卷归档")]


# --------------------------------------------------------------------------- in a ledger


def test_audit_case_grades_the_backfilled_example(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    data = cli_data(tmp_path, monkeypatch)
    for name, extra in (("registry", []), ("general-case", []), ("spotcheck", ["--backfill"])):
        assert main(["--data", str(data), "import", *extra, str(EXAMPLES / f"{name}.jsonl")]) == 0
    capsys.readouterr()
    for stream in [*INSPECTIONS, SPOTCHECK]:
        assert main(["--data", str(data), "audit", "--case", stream, "--json", "--as-of", "2026-12-31"]) == 0
        ev = json.loads(capsys.readouterr().out)
        assert ev["grade"] == "优秀", stream
        beacon = [f for f in ev["findings"] if f["rule"] == "INS-02"]
        assert [f["severity"] for f in beacon] == ["INFO"] and "未核验" in beacon[0]["message"]


def test_inspection_links_load_only_the_agencys_inspections_of_the_same_object(tmp_path: Path) -> None:
    """INS-06 counts inspections of the same object: the audit loads those (one sharing the credit
    code, one only the name), not the agency's other inspections (a load that grew as their square)."""
    from audit.files import inspection_links
    from audit.store import LedgerSource
    from projections.sql import Database
    from tests.helpers.projection_ledgers import imported, ledger_with, lines

    first = lines("spotcheck")
    opening = next(s for s in first if s["stream"] == INSPECTIONS[0] and s["type"] == "InspectionOpened")
    obj = opening["data"]["object"]

    def another(number: int, **object_fields: str) -> dict[str, object]:
        data = {**opening["data"], "origin": {"kind": "routine"}, "object": {"kind": "organisation", **object_fields}}
        return {**opening, "stream": f"inspection/DXH-CGJ-JC-2026-00{number}", "data": data}

    same_code = another(91, name="改名后的餐馆", credit_code=obj["credit_code"])
    same_name = another(92, name=obj["name"])
    other = another(93, name="另一家餐馆", credit_code="92420112MA4L1A0099", key="OBJ-0099")
    for ledger in ledger_with(tmp_path, ["registry", "general-case"]):
        assert imported(ledger, [*first, same_code, same_name, other], backfill=True) is None
        db = Database(ledger.store)
        try:
            links = inspection_links(LedgerSource(db), INSPECTIONS[0])
        finally:
            db.close()
    assert sorted(links.others) == [same_code["stream"], same_name["stream"]]
