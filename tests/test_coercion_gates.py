"""The coercion, enforcement and inspection gates (COE-01/02/03/06/07, ENF-01…06, INS-01…04) on the
brief's examples (examples-notes.md §2–§4), built as plain step lists: each fires on its defect and not
on the lawful file, on ``case/`` and ``coercion/`` streams alike, the override as for penalties (the
acting agency's head or a supervisor), PEN-04 no longer judges coercion steps, and no gate judges a
stream kind it is not for."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from domain.errors import StepRefused
from domain.gates import Firing, check_gates, firing_gates, gates_for
from domain.registry import HistoryRegistry
from tests.helpers.checkpoint_logs import DictLog, log_of
from tests.helpers.coercion_examples import (
    COERCION,
    EXPIRED,
    GENERAL_CASE,
    HEAD,
    OFFICER_1,
    ROOT,
    SPOTCHECK,
    all_inspections,
    approval,
    carried_out,
    case_seizure_steps,
    coercion_steps,
    enforcement_decided,
    enforcement_steps,
    extension,
    inspection_steps,
    inspection_stream,
    item,
    registry,
    seizure,
    spotcheck_steps,
    step,
)
from tests.helpers.gate_context import CALENDAR, CONFIG, MemoryContext, Raw, context_with
from tests.helpers.kinds_examples import as_step


def _context(before: list[Raw], registry_steps: list[Raw] | None = None) -> MemoryContext:
    ctx = context_with(registry() if registry_steps is None else registry_steps)
    for raw in before:
        ctx.append(raw)
    return ctx


def fired(before: list[Raw], judged: Raw, registry_steps: list[Raw] | None = None) -> set[str]:
    ctx = _context(before, registry_steps)
    return {f.rule for f in firing_gates(as_step(judged), HistoryRegistry(ctx), config=CONFIG, calendar=CALENDAR)}


def messages(before: list[Raw], judged: Raw) -> dict[str, str]:
    found = firing_gates(as_step(judged), HistoryRegistry(_context(before)), config=CONFIG, calendar=CALENDAR)
    return {f.rule: f.message for f in found}


def refusal(before: list[Raw], judged: Raw, override: Any) -> StepRefused | None:
    raw = copy.deepcopy(judged)
    raw["override"] = override
    try:
        check_gates(as_step(raw), HistoryRegistry(_context(before)), config=CONFIG, calendar=CALENDAR)
    except StepRefused as refused:
        return refused
    return None


def _every_step_quiet(steps: list[Raw], before: list[Raw] | None = None) -> None:
    for index in range(len(steps)):
        assert fired([*(before or []), *steps[:index]], steps[index]) == set(), steps[index]["type"]


# --------------------------------------------------------------------------- the lawful files


def test_no_gate_fires_on_the_lawful_coercion_enforcement_and_inspection_files() -> None:
    _every_step_quiet(coercion_steps())
    _every_step_quiet(case_seizure_steps())
    _every_step_quiet(enforcement_steps())
    _every_step_quiet(spotcheck_steps())
    for inspection in all_inspections():
        _every_step_quiet(inspection, spotcheck_steps())


def test_the_gates_are_judged_at_the_steps_of_the_table() -> None:
    def rules(step_type: str) -> list[str]:
        return [g.rule for g in gates_for(step_type)]

    assert rules("SeizureImposed") == ["COE-01", "COE-02", "COE-03", "COE-06", "COE-07"]
    assert rules("FreezeImposed") == ["COE-01", "COE-02", "COE-03"]
    assert rules("FreezeDecisionServed") == rules("CoercionExtended") == ["COE-07"]
    assert rules("EnforcementDecided") == ["ENF-01", "ENF-02", "ENF-03", "ENF-04"]
    assert rules("SubstituteDecisionServed") == ["ENF-01", "ENF-02"]
    assert rules("EnforcementCarriedOut") == ["ENF-04", "ENF-05", "ENF-06"]
    assert rules("InspectionOpened") == ["INS-01", "INS-03", "INS-04"]
    assert rules("SiteInspectionRecorded") == ["INS-03", "INS-04"]
    assert rules("RandomDrawPerformed") == ["INS-02"]
    assert rules("CorrectionVerified") == ["INS-04"]
    assert rules("CoercionApprovalDecided") == rules("PerformanceDemanded") == rules("InspectorReplaced") == []


def test_gates_do_not_judge_streams_they_are_not_for() -> None:
    bad_seizure = seizure("licence/DXH-SPJ-XK-2026-0031", officers=[EXPIRED])
    assert fired([], bad_seizure) == set()
    opened = inspection_steps(1, 11, "2026-02-10T10:00:00+08:00")[0]
    assert fired([], {**opened, "stream": GENERAL_CASE, "data": {**opened["data"], "item": "NONE"}}) == set()
    draw = spotcheck_steps()[3]
    assert fired([], {**draw, "stream": COERCION}) == set()


# --------------------------------------------------------------------------- COE


def test_coe01_no_published_coercion_item_fires() -> None:
    steps = coercion_steps()
    without = [r for r in registry() if r["data"].get("code") != "CGJ-DQ-30-QZ"]
    assert fired(steps[:1], steps[1], without) == {"COE-01"}
    seal_only = [*without, item("CGJ-DQ-30-QZ", "coercion", coercion={"measures": ["seal"]})]
    assert fired(steps[:1], steps[1], seal_only) == {"COE-01"}, "the item does not cover 扣押"
    normative = [*without, item("CGJ-DQ-30-QZ", "coercion", basis=[{"law": "某通知", "rank": "normative"}],
                                coercion={"measures": ["seize"]})]
    assert fired(steps[:1], steps[1], normative) == {"COE-01"}
    late = [*without, item("CGJ-DQ-30-QZ", "coercion", "2026-10-01T09:00:00+08:00", coercion={"measures": ["seize"]})]
    assert fired(steps[:1], steps[1], late) == {"COE-01"}


def test_coe01_a_freezing_needs_a_law() -> None:
    freeze = step(COERCION, "FreezeImposed", "2026-09-30T10:00:00+08:00", {
        "measure_id": "F1", "officers": [OFFICER_1, "officer/42011219002"], "credentials_shown": True,
        "frozen_at": "2026-09-30T10:00:00+08:00"})
    opened = coercion_steps()[:1]
    before = [*opened, approval(at="2026-09-30T09:00:00+08:00")]
    before[-1]["data"]["measure_id"] = "F1"
    regulation = [item("CGJ-DQ-30-QZ", "coercion", basis=[{"law": "某条例", "rank": "administrative_regulation"}],
                       coercion={"measures": ["freeze"]})]
    assert fired(before, freeze, [*registry(), *regulation]) == {"COE-01"}
    law = [item("CGJ-DQ-30-QZ", "coercion", coercion={"measures": ["freeze"]})]
    assert fired(before, freeze, [*registry(), *law]) == set()


def test_coe02_an_expired_credential_fires_on_both_streams_and_pen04_does_not() -> None:
    steps = coercion_steps()
    assert fired(steps[:1], seizure(officers=[OFFICER_1, EXPIRED])) == {"COE-02"}
    assert fired(steps[:1], seizure(officers=[OFFICER_1])) == {"COE-02"}
    case = case_seizure_steps()
    bad = copy.deepcopy(case[-1])
    bad["data"]["officers"] = [OFFICER_1, EXPIRED]
    assert fired(case[:-1], bad) == {"COE-02"}, "PEN-04 does not judge coercion steps on a case stream"
    assert "2025-12-31" in messages(case[:-1], bad)["COE-02"] or "有效" in messages(case[:-1], bad)["COE-02"]


def test_coe03_a_planned_measure_needs_the_heads_approval_before() -> None:
    case = case_seizure_steps()
    assert fired(case[:-2], case[-1]) == {"COE-03"}, "no approval"
    late = approval(GENERAL_CASE, "2026-03-04T10:01:00+08:00", reported_at=None)
    assert fired([*case[:-2], late], case[-1]) == {"COE-03"}, "approved after the start"
    by_officer = approval(GENERAL_CASE, "2026-03-04T09:00:00+08:00", decided_by=OFFICER_1, reported_at=None)
    assert fired([*case[:-2], by_officer], case[-1]) == {"COE-03"}
    refused = approval(GENERAL_CASE, "2026-03-04T09:00:00+08:00", approved=False, reported_at=None)
    assert fired([*case[:-2], refused], case[-1]) == {"COE-03"}
    at_start = approval(GENERAL_CASE, "2026-03-04T10:00:00+08:00", reported_at=None)
    assert fired([*case[:-2], at_start], case[-1]) == set()


def test_coe03_does_not_judge_an_emergency_measure() -> None:
    """examples-notes §2 defect 1: a late report is COE-04's (audit), not COE-03's."""
    steps = coercion_steps()
    assert fired(steps[:1], steps[1]) == set()


def test_coe06_a_decision_without_seal_or_basis_fires() -> None:
    steps = coercion_steps()
    for missing in ("sealed_by", "basis"):
        bad = seizure()
        del bad["data"]["decision"][missing]
        assert fired(steps[:1], bad) == {"COE-06"}, missing


def test_coe07_the_period_and_the_extension() -> None:
    steps = coercion_steps()
    long = seizure()
    long["data"]["decision"]["days"] = 31
    assert fired(steps[:1], long) == {"COE-07"}
    before = steps[:3]
    assert fired(before, extension("2026-10-30T16:00:00+08:00")) == set(), "on the last day"
    late = messages(before, extension("2026-10-31T09:00:00+08:00"))
    assert set(late) == {"COE-07"} and "2026-10-30" in late["COE-07"], "examples-notes §2 defect 3 variant"
    assert fired(before, extension("2026-10-20T09:00:00+08:00", days=31)) == {"COE-07"}
    assert fired(before, extension("2026-10-20T09:00:00+08:00", approved_by=OFFICER_1)) == {"COE-07"}
    once = [*before, extension("2026-10-20T09:00:00+08:00", days=10)]
    assert fired(once, extension("2026-10-25T09:00:00+08:00", days=10)) == {"COE-07"}, "a second extension"


def test_coe07_an_items_longer_maximum_wins() -> None:
    steps = coercion_steps()
    long = seizure()
    long["data"]["decision"]["days"] = 45
    own = [r for r in registry() if r["data"].get("code") != "CGJ-DQ-30-QZ"]
    own.append(item("CGJ-DQ-30-QZ", "coercion", coercion={"measures": ["seize"], "max_days": 60}))
    assert fired(steps[:1], long, own) == set()


# --------------------------------------------------------------------------- ENF


def _enforcement(index: int) -> tuple[list[Raw], Raw]:
    steps = enforcement_steps()
    return steps[:index], steps[index]


def test_enf01_enforcement_without_power_fires() -> None:
    """examples-notes §3 defect 3: 划拨 by the 城管, which has no `enforcement` item."""
    before = enforcement_steps()[:3]
    assert fired(before, enforcement_decided("2026-03-02T10:00:00+08:00")) == {"ENF-01"}
    powered = [*registry(), item("CGJ-QZZX-01", "enforcement", enforcement={"methods": ["account_transfer"]})]
    assert fired(before, enforcement_decided("2026-03-02T10:00:00+08:00"), powered) == set()
    regulation = [*registry(), item("CGJ-QZZX-01", "enforcement", enforcement={"methods": ["account_transfer"]},
                                    basis=[{"law": "某条例", "rank": "administrative_regulation"}])]
    assert fired(before, enforcement_decided("2026-03-02T10:00:00+08:00"), regulation) == {"ENF-01"}
    before, substitute = _enforcement(3)
    no_harm = copy.deepcopy(substitute)
    del no_harm["data"]["harm"]
    assert fired(before, no_harm) == {"ENF-01"}


def test_enf01_allows_the_auction_of_what_the_agency_seized() -> None:
    before = [*coercion_steps()[:3], step(COERCION, "PaymentDemanded", "2026-10-20T09:00:00+08:00", {
        "due": "2026-10-25", "purpose": "agency_enforcement", "served_at": "2026-10-20T09:00:00+08:00"})]
    assert fired(before, enforcement_decided("2026-10-28T09:00:00+08:00", "auction", COERCION)) == set()
    assert fired(before[:1], enforcement_decided("2026-10-28T09:00:00+08:00", "auction", COERCION)) == {
        "ENF-01", "ENF-02"}


def test_enf02_the_demand_must_be_served_and_its_due_passed() -> None:
    before, substitute = _enforcement(3)
    on_due = {**substitute, "at": "2026-02-11T16:00:00+08:00"}
    assert fired(before, on_due) == {"ENF-02"}
    assert fired(before[:2], substitute) == {"ENF-02"}, "no 催告"
    court = copy.deepcopy(before)
    court[2]["data"]["purpose"] = "court_application"
    assert fired(court, substitute) == {"ENF-02"}
    immediate = copy.deepcopy(substitute)
    immediate["data"]["immediate"] = True
    assert fired(before[:2], immediate) == set()
    decided = enforcement_decided("2026-02-10T10:00:00+08:00", "substitute", immediate=True)
    powered = [*registry(), item("CGJ-QZZX-01", "enforcement", enforcement={"methods": ["substitute"]})]
    assert fired(before, decided, powered) == {"ENF-02"}, "immediate without grounds"
    decided["data"]["immediate_grounds"] = ["当事人正在转移财物"]
    assert fired(before, decided, powered) == set()


def test_enf03_and_enf04() -> None:
    before = enforcement_steps()[:3]
    powered = [*registry(), item("CGJ-QZZX-01", "enforcement", enforcement={"methods": ["account_transfer"]})]
    unsealed = enforcement_decided("2026-03-02T10:00:00+08:00", sealed_by=None)
    assert fired(before, unsealed, powered) == {"ENF-03"}
    cutoff = enforcement_decided("2026-03-02T10:00:00+08:00", "utility_cutoff")
    assert "ENF-04" in fired(before, cutoff, powered)
    steps = enforcement_steps()
    cut = carried_out("2026-02-26T09:00:00+08:00", "2026-02-26T11:30:00+08:00", enforcement_method="utility_cutoff")
    assert fired(steps[:5], cut) == {"ENF-04"}


def test_enf05_a_demolition_after_notice_and_the_remedy_periods() -> None:
    steps = enforcement_steps()[:3]
    demolition = carried_out("2026-09-01T09:00:00+08:00", "2026-09-01T11:00:00+08:00",
                             enforcement_method="demolition")
    assert fired(steps, demolition) == {"ENF-05"}, "no 公告"
    notice = step(steps[0]["stream"], "DemolitionNoticePublished", "2026-08-01T09:00:00+08:00", {
        "decision_no": "东城管罚决字〔2026〕第0021号", "published_at": "2026-08-01T09:00:00+08:00",
        "channel": "现场张贴",
        "due": "2026-08-20", "document": {"sha256": "c" * 64}})
    assert fired([*steps, notice], demolition) == set()
    early = carried_out("2026-08-03T09:00:00+08:00", "2026-08-03T11:00:00+08:00", enforcement_method="demolition")
    text = messages([*steps, {**notice, "data": {**notice["data"], "due": "2026-07-20"}}], early)
    assert set(text) == {"ENF-05"} and "提起行政诉讼" in text["ENF-05"], "served 2 Feb: 6 months run to 3 Aug"
    on_due = carried_out("2026-08-20T09:00:00+08:00", "2026-08-20T10:00:00+08:00", enforcement_method="demolition")
    assert fired([*steps, notice], on_due) == {"ENF-05"}, "the 公告's own due day has not passed"


@pytest.mark.parametrize(("started", "ended", "fires"), [
    ("2026-02-26T09:00:00+08:00", "2026-02-26T11:30:00+08:00", False),
    ("2026-02-25T09:00:00+08:00", "2026-02-25T11:30:00+08:00", False),  # §3 defect 1: ENF-08 only (audit)
    ("2026-02-18T09:00:00+08:00", "2026-02-18T11:30:00+08:00", True),   # §3 defect 2: 春节
    ("2026-02-14T09:00:00+08:00", "2026-02-14T11:30:00+08:00", False),  # the 调休 Saturday
    ("2026-02-26T20:00:00+08:00", "2026-02-26T22:00:00+08:00", False),
    ("2026-02-26T20:00:00+08:00", "2026-02-26T22:30:00+08:00", True),
    ("2026-02-27T05:30:00+08:00", "2026-02-27T08:00:00+08:00", True),
])
def test_enf06_not_at_night_nor_on_a_non_working_day(started: str, ended: str, fires: bool) -> None:
    steps = enforcement_steps()
    assert fired(steps[:5], carried_out(started, ended)) == ({"ENF-06"} if fires else set())


def test_enf06_urgent_with_a_reason_passes() -> None:
    steps = enforcement_steps()
    urgent = carried_out("2026-02-18T09:00:00+08:00", "2026-02-18T11:30:00+08:00", urgent=True)
    assert fired(steps[:5], urgent) == {"ENF-06"}, "urgent without a reason"
    urgent["data"]["urgent_reason"] = "建筑材料堵塞消防通道"
    assert fired(steps[:5], urgent) == set()


# --------------------------------------------------------------------------- INS


def test_ins01_an_unpublished_item_fires() -> None:
    opened = inspection_steps(1, 11, "2026-02-10T10:00:00+08:00")[0]
    other = {**opened, "data": {**opened["data"], "item": "CGJ-DQ-30-QZ"}}
    assert fired(spotcheck_steps(), other) == {"INS-01"}, "a coercion item is no inspection item"
    late = [*[r for r in registry() if r["data"].get("code") != "CGJ-JC-YY-01"],
            item("CGJ-JC-YY-01", "inspection", "2026-02-07T09:00:00+08:00")]
    assert fired(spotcheck_steps(), opened, late) == {"INS-01"}


def _draw_with(**changes: Any) -> tuple[list[Raw], Raw]:
    steps = spotcheck_steps()
    draw = copy.deepcopy(steps[3])
    draw["data"].update(changes)
    return steps[:3], draw


@pytest.mark.parametrize(("changes", "text"), [
    ({"seed_secret": "00" * 32}, "seed_commitment"),
    ({"seed": "00" * 32}, "seed"),
    ({"objects_drawn": [{"index": 11, "key": "OBJ-0012"}, {"index": 6, "key": "OBJ-0007"},
                        {"index": 2, "key": "OBJ-0003"}]}, "复算"),
    ({"inspectors_drawn": [{"object_index": 11, "officers": ["officer/42011219011", "officer/42011219001"]},
                           {"object_index": 3, "officers": ["officer/42011219001", "officer/42011219009"]},
                           {"object_index": 2, "officers": ["officer/42011219002", "officer/42011219001"]}]}, "复算"),
    ({"beacon": {"tree_size": 0, "root": "9a" * 32}}, "beacon"),
    ({"objects_snapshot": "d" * 64}, "objects_snapshot"),
])
def test_ins02_a_draw_that_does_not_re_derive_fires(changes: dict[str, Any], text: str) -> None:
    before, draw = _draw_with(**changes)
    found = messages(before, draw)
    assert set(found) == {"INS-02"} and text in found["INS-02"]


def test_ins02_order() -> None:
    steps = spotcheck_steps()
    assert fired(steps[:2], steps[3]) == {"INS-02"}, "the inspector snapshot is missing"


def _with_log(size: int, checkpoints: dict[int, str], first_leaf: int = 1000) -> tuple[Firing, ...]:
    """The draw with beacon ``size`` judged with a log holding the plan and both snapshots at leaves
    ``first_leaf`` … + 2 and ``checkpoints``."""
    steps = spotcheck_steps()
    draw = copy.deepcopy(steps[3])
    draw["data"]["beacon"]["tree_size"] = size
    log = log_of(SPOTCHECK, [first_leaf, first_leaf + 1, first_leaf + 2], checkpoints)
    return firing_gates(as_step(draw), HistoryRegistry(_context(steps[:3]), log), config=CONFIG, calendar=CALENDAR)


@pytest.mark.parametrize(("size", "checkpoints", "first_leaf", "says"), [
    (1003, {}, 1000, "尚无覆盖抽查计划和两份名录库快照的已签名检查点"),
    (1003, {1003: "0" * 64}, 1000, "不符"),
    (1002, {1002: ROOT, 1003: ROOT}, 1000, "签署于抽查计划或名录库快照之前"),
    (1200, {1003: "1" * 64, 1200: ROOT}, 1000, "第一个已签名检查点（tree_size 1003）"),
    (1200, {1200: ROOT}, 1198, "签署于抽查计划或名录库快照之前"),
], ids=["none-signed", "another-root", "before-the-snapshots", "not-the-first", "the-last-snapshot-uncovered"])
def test_ins02_a_beacon_that_is_not_the_first_covering_checkpoint_fires(size: int, checkpoints: dict[int, str],
                                                                       first_leaf: int, says: str) -> None:
    found = _with_log(size, checkpoints, first_leaf)
    assert [f.rule for f in found] == ["INS-02"] and says in found[0].message, found


def test_ins02_the_first_covering_checkpoint_passes_and_no_log_is_not_judged() -> None:
    assert _with_log(1200, {1200: ROOT}) == ()
    assert _with_log(1200, {1000: "1" * 64, 1002: "2" * 64, 1200: ROOT}) == (), "neither covers leaf 1002"
    assert _with_log(1200, {1200: ROOT}, first_leaf=1197) == (), "leaf 1199 is covered by 1200"
    assert fired(spotcheck_steps()[:3], spotcheck_steps()[3]) == set(), "a pure context knows no log"


def test_ins02_snapshots_not_yet_in_the_log_fire_telling_to_wait() -> None:
    steps = spotcheck_steps()
    log = DictLog({1200: ROOT}, {(SPOTCHECK, 1): 5, (SPOTCHECK, 2): 6})
    found = firing_gates(as_step(steps[3]), HistoryRegistry(_context(steps[:3]), log), config=CONFIG, calendar=CALENDAR)
    assert [f.rule for f in found] == ["INS-02"] and "请等待日志集成并签署检查点" in found[0].message


def test_ins03_an_object_that_was_not_drawn_fires() -> None:
    """examples-notes §4 defect 1: stream …-0002 opens for OBJ-0007 instead of OBJ-0004."""
    opened = copy.deepcopy(inspection_steps(2, 3, "2026-02-11T10:00:00+08:00")[0])
    opened["data"]["object"]["key"] = "OBJ-0007"
    opened["data"]["origin"]["object_index"] = 6
    assert fired(spotcheck_steps(), opened) == {"INS-03"}
    wrong_key = copy.deepcopy(inspection_steps(2, 3, "2026-02-11T10:00:00+08:00")[0])
    wrong_key["data"]["object"]["key"] = "OBJ-0007"
    assert fired(spotcheck_steps(), wrong_key) == {"INS-03"}
    targeted = copy.deepcopy(opened)
    targeted["data"]["origin"] = {"kind": "complaint", "stream": "complaint/DXH-SFJ-TS-2026-0007"}
    assert fired(spotcheck_steps(), targeted) == set()


def test_ins03_and_ins04_officers_not_drawn_or_not_qualified() -> None:
    """examples-notes §4 defect 2: 001 and 007 on site, where the draw assigned 001 and 009."""
    opened, site = inspection_steps(2, 3, "2026-02-11T10:00:00+08:00")
    bad = copy.deepcopy(site)
    bad["data"]["officers"] = [OFFICER_1, EXPIRED]
    assert fired([*spotcheck_steps(), opened], bad) == {"INS-03", "INS-04"}
    replaced = step(SPOTCHECK, "InspectorReplaced", "2026-02-10T09:00:00+08:00", {
        "object_index": 3, "officer": "officer/42011219009", "reason": "conflict",
        "replacement": "officer/42011219008"})
    variant = copy.deepcopy(site)
    variant["data"]["officers"] = [OFFICER_1, "officer/42011219008"]
    assert fired([*spotcheck_steps(), opened], variant) == {"INS-03"}, "no replacement recorded"
    assert fired([*spotcheck_steps(), replaced, opened], variant) == set()


def test_ins04_one_officer_fires_on_every_step_with_officers() -> None:
    opened, site = inspection_steps(1, 11, "2026-02-10T10:00:00+08:00")
    verified = step(inspection_stream(1), "CorrectionVerified", "2026-03-02T10:00:00+08:00", {
        "officers": ["officer/42011219011"], "credentials_shown": True, "verified_at": "2026-03-02T10:00:00+08:00",
        "result": "corrected", "record": {"sha256": "e" * 64}})
    assert fired([*spotcheck_steps(), opened, site], verified) == {"INS-04"}
    verified["data"]["officers"].append("officer/42011219010")
    assert fired([*spotcheck_steps(), opened, site], verified) == set()


# --------------------------------------------------------------------------- override


def test_the_acting_agencys_head_may_override_and_an_officer_may_not() -> None:
    before = coercion_steps()[:1]
    bad = seizure(officers=[OFFICER_1, EXPIRED])
    by_head = {"rule": "COE-02", "justification": "另一名执法人员证件续期已批准，系统未及更新", "authorized_by": HEAD}
    assert refusal(before, bad, by_head) is None
    refused = refusal(before, bad, {**by_head, "authorized_by": OFFICER_1})
    assert refused is not None and refused.rule == "COE-02" and "越权记录无效" in str(refused)
    assert refusal(before, bad, {**by_head, "authorized_by": "officer/SFJ-0001"}) is None, "a supervisor"
    plain = refusal(before, bad, {**by_head, "rule": "COE-06"})
    assert plain is not None and plain.rule == "COE-02"


def test_an_inspection_override_needs_the_inspecting_agencys_head() -> None:
    opened, site = inspection_steps(2, 3, "2026-02-11T10:00:00+08:00")
    bad = copy.deepcopy(site)
    bad["data"]["officers"] = [OFFICER_1, "officer/42011219008"]
    override = {"rule": "INS-03", "justification": "009 临时回避，替补记录补录中", "authorized_by": HEAD}
    assert refusal([*spotcheck_steps(), opened], bad, override) is None
    other = refusal([*spotcheck_steps(), opened], bad, {**override, "authorized_by": "officer/42011230003"})
    assert other is not None and other.rule == "INS-03"
