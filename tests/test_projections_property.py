"""Property: for random valid step sequences, the projections updated incrementally (random
batch sizes, runs between appends, restarts) equal a rebuild from zero, row for row.

The sequences are the example cases, licence files (a grant, a 撤销 and 注销), complaint, the §4 spot
check with its inspections and inspections of a natural person (an inspection item with a cap), each
cut at a random step, moved in time (into 2027,
whose working days only a recorded holiday notice fixes), renamed, given random extra
steps (publication corrections and withdrawals, decision corrections, clerical 补正,
overrides), with the 复议 and lawsuits that target them, interleaved at random and
recorded in random chunks, some as 补录. A ``HolidayNoticePublished`` for 2027 arrives at
a random point (it changes due dates, so every file is refolded then), and so may the licence
item republished with other periods (the licence files are refolded then).
"""

from __future__ import annotations

import copy
import os
import tempfile
from pathlib import Path
from typing import Any
from unittest.mock import patch

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from projections import runner as runner_module
from projections.definitions import ALL
from projections.runner import Runner, rebuild, status
from tests.helpers.inspection_readmodels import capped_item, person_inspections
from tests.helpers.licence_defects import proceeding_steps
from tests.helpers.projection_ledgers import HEAD, OFFICER, dump, lines, new_ledger, rename, shift
from tests.helpers.stores import store_config

SLOW = os.environ.get("HYPOTHESIS_PROFILE") == "slow"
REVIEW = lines("reconsideration")
SUIT = lines("litigation")
REGISTRY = lines("registry")
TEMPLATES = {name: lines(name) for name in ("general-case", "summary-case", "no-penalty-case", "transfer-case",
                                            "licence-case", "complaint")}
TEMPLATES["licence-proceeding"] = proceeding_steps()  # a 撤销 and 注销 of the example licence (PUB-07)
TEMPLATES["spotcheck"] = [s for s in lines("spotcheck") if not s["stream"].startswith("case/")]  # task, inspections
TEMPLATES["inspection-person"] = person_inspections()  # a natural person, masked; INS-10 unpublished and published
_STANDALONE = lines("coercion-standalone")
TEMPLATES["coercion-case"] = lines("coercion-case")  # a seizure on a case stream, disposed of by its decision
TEMPLATES["coercion-file"] = [s for s in _STANDALONE if s["stream"].startswith("coercion/")]  # a 强制 file
TEMPLATES["coercion-enforced"] = [s for s in _STANDALONE if s["stream"] == "case/DXH-CGJ-2026-0021"]  # 代履行
COERCION_ITEM_AGAIN = copy.deepcopy(next(s for s in REGISTRY if s["type"] == "EnforcementItemPublished"
                                         and s["data"].get("kind") == "coercion"))
COERCION_ITEM_AGAIN["data"]["coercion"]["max_days"] = 15
"""The coercion item republished with a shorter period (a law's, COE-07): the 强制 files are refolded."""
CASES = ["general-case", "summary-case", "no-penalty-case", "transfer-case"]
ITEM_AGAIN = copy.deepcopy(next(s for s in REGISTRY if s["type"] == "EnforcementItemPublished"
                                 and s["data"].get("kind") == "licence"))
ITEM_AGAIN["data"]["licence"]["statutory_days"] = 15
"""The licence item republished with other periods, dated back: the licence files are refolded (LIC-10)."""
NOTICE_2027 = {
    "stream": "calendar/2027", "type": "HolidayNoticePublished", "at": "2026-11-20T09:00:00+08:00",
    "by": "officer/admin",
    "data": {"year": 2027, "source": "国务院办公厅关于2027年部分节假日安排的通知（测试）",
             "holidays": ["2027-01-01", "2027-02-05", "2027-02-06", "2027-02-07", "2027-02-08", "2027-02-09",
                          "2027-02-10", "2027-02-11", "2027-04-05", "2027-05-01", "2027-05-03", "2027-10-01",
                          "2027-10-04", "2027-10-05"],
             "workdays": ["2027-02-13", "2027-02-14", "2027-10-09"]},
}


def extras(case: str, at: str, draw: Any) -> list[dict[str, Any]]:
    """Steps an archived or decided case may still take (corrections, publication, 补正)."""
    out: list[dict[str, Any]] = []

    def step(kind: str, data: dict[str, Any]) -> dict[str, Any]:
        return {"stream": case, "type": kind, "at": at, "by": OFFICER, "data": data}

    if draw(st.booleans()):
        out.append(step("PublicationCorrectionRequested", {"requested_at": at, "points": ["当事人名称有误"]}))
        if draw(st.booleans()):
            out.append(step("PublicationCorrected", {"corrected_at": at, "text": "更正后的公示文本，联系人黄建国"}))
    if draw(st.booleans()):
        out.append(step("DecisionCorrected", {"kind": draw(st.sampled_from(["revoked", "changed"])),
                                              "triggered_by": "self", "effective_at": at, "received_at": at}))
        if draw(st.booleans()):
            out.append(step("PublicationWithdrawn", {"withdrawn_at": at, "reason": "决定已撤销",
                                                     "explanation": "撤下公示"}))
    if draw(st.booleans()):
        out.append(step("RecordCorrected", {"target": {"stream": case, "version": 2}, "field": "data.party.address",
                                            "old": "旧地址", "new": "武汉市东西湖区某路1号", "reason": "笔误"}))
    return out


@st.composite
def scenarios(draw: Any) -> dict[str, Any]:
    streams: list[list[dict[str, Any]]] = []
    for i in range(draw(st.integers(1, 3))):
        name = draw(st.sampled_from(sorted(TEMPLATES) if i else CASES))  # a case file always, for the checks
        template = TEMPLATES[name]
        case = template[0]["stream"]
        mapping = {stream: f"{stream}-P{i}" for stream in {s["stream"] for s in template}}
        cut = draw(st.integers(1, len(template)))
        days = draw(st.sampled_from([0, 0, 45, 240, 330]))
        steps = shift(rename(template[:cut], mapping), days)
        if draw(st.integers(0, 5)) == 0:
            decision = next((s for s in steps if s["type"] in ("DecisionMade", "SummaryDecisionMade")), None)
            if decision is not None:
                decision["override"] = {"rule": "PEN-16", "justification": "测试", "authorized_by": HEAD}
        decided = any(s["type"] == "DecisionMade" for s in steps)
        if decided:
            steps += extras(mapping[case], steps[-1]["at"], draw)
        streams.append(steps)
        if name == "general-case" and decided:
            for related, tag in ((REVIEW, "R"), (SUIT, "L")):
                if draw(st.booleans()):
                    own = related[0]["stream"]
                    cut = draw(st.integers(1, len(related)))
                    streams.append(shift(rename(related[:cut], {**mapping, own: f"{own}-{tag}{i}"}), days))
    if draw(st.booleans()):
        streams.append([NOTICE_2027])
    if draw(st.booleans()):
        streams.append([ITEM_AGAIN])
    if draw(st.booleans()):
        streams.append([capped_item()])  # an inspection item with a yearly cap (proj_inspection_caps)
    if draw(st.booleans()):
        streams.append([COERCION_ITEM_AGAIN])
    order: list[dict[str, Any]] = []
    heads = [0] * len(streams)
    while any(h < len(s) for h, s in zip(heads, streams, strict=True)):
        pick = draw(st.sampled_from([i for i, s in enumerate(streams) if heads[i] < len(s)]))
        order.append(streams[pick][heads[pick]])
        heads[pick] += 1
    cuts = sorted(set(draw(st.lists(st.integers(0, len(order)), max_size=4))))
    chunks, last = [], 0
    for cut in [*cuts, len(order)]:
        if cut > last:
            chunks.append({"steps": order[last:cut], "backfill": draw(st.booleans()),
                           "batch": draw(st.sampled_from([1, 2, 3, 7, 1000])), "restart": draw(st.booleans())})
            last = cut
    return {"chunks": chunks, "rebuild_batch": draw(st.sampled_from([3, 5000])),
            "workers": draw(st.sampled_from([1, 3]))}


def check(backend: str, scenario: dict[str, Any]) -> None:
    with tempfile.TemporaryDirectory() as tmp, store_config(backend, Path(tmp)) as config:
        ledger = new_ledger(config, Path(tmp) / "keys.json", live=False)
        ledger.record(REGISTRY, actor="officer/admin")
        runner = Runner(ledger.store, batch=5)
        runner.run_once(max_batches=1)
        for chunk in scenario["chunks"]:
            ledger.record(chunk["steps"], actor="officer/admin", backfill=chunk["backfill"])
            if chunk["restart"]:
                runner.close()
                runner = Runner(ledger.store, batch=chunk["batch"])
            runner.batch = chunk["batch"]
            runner.run_once()
        runner.close()
        incremental = dump(ledger.store)
        events = ledger.store.count()
        assert [(s.position, s.lag) for s in status(ledger.store)] == [(events, 0)] * len(ALL)
        # workers > 1: the case files are folded in forked processes, here for every batch of groups
        # and with few groups waiting, evictions, pipelined jobs and a chunked final flush happen too
        with patch.object(runner_module, "PARALLEL_GROUPS", 1), patch.object(runner_module, "DEFER_GROUPS", 2), \
                patch.object(runner_module, "PARALLEL_DEFER", 2), \
                patch.object(runner_module, "FLUSH_CHUNK", 2):
            rebuild(ledger.store, batch=scenario["rebuild_batch"], workers=scenario.get("workers", 1))
        rebuilt = dump(ledger.store)
        for name in incremental:
            assert incremental[name] == rebuilt[name], name
        assert incremental["pub_officers"] and incremental["proj_case_officers"]
        ledger.close()


def counts(fast: int, slow: int) -> list[Any]:
    """A few scenarios in the fast tier; the long run in the slow tier (more with ``HYPOTHESIS_PROFILE=slow``)."""
    return [fast, pytest.param(slow * 5 if SLOW else slow, marks=pytest.mark.slow)]


def run_scenarios(backend: str, count: int) -> None:
    @settings(max_examples=count, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(scenario=scenarios())
    def each(scenario: dict[str, Any]) -> None:
        check(backend, scenario)

    each()


@pytest.mark.parametrize("count", counts(3, 30))
def test_incremental_equals_rebuild_sqlite(count: int) -> None:
    run_scenarios("sqlite", count)


@pytest.mark.postgres
@pytest.mark.slow  # the store's twin of the test above, as every PostgreSQL twin is (tests/conftest.py)
@pytest.mark.parametrize("count", counts(3, 12))
def test_incremental_equals_rebuild_postgres(count: int) -> None:
    run_scenarios("postgres", count)


def test_a_republished_coercion_item_refolds_a_cases_measures(backend: str) -> None:
    """A seizure running on a case stream, a 强制 file opened, then their coercion item republished with 15
    days instead of 30 (dated before both): the case's COE-08 deadline is refolded to 15 days, as a rebuild
    has it. Found by the property test below: the incremental runner refolded only the 强制 files, and a
    case fold read the agency's items only when another group of its fold named the agency."""
    case = rename(TEMPLATES["coercion-case"][:4], {"case/DXH-CGJ-2026-0058": "case/DXH-CGJ-2026-0058-P1"})
    opened = rename(TEMPLATES["coercion-file"][:1], {TEMPLATES["coercion-file"][0]["stream"]: "coercion/QZ-P2"})
    steps = [*case, *opened, COERCION_ITEM_AGAIN]
    check(backend, {"chunks": [{"steps": steps, "backfill": False, "batch": 1, "restart": False}],
                    "rebuild_batch": 5000, "workers": 1})
    check(backend, {"chunks": [{"steps": case, "backfill": False, "batch": 1, "restart": False},
                               {"steps": [COERCION_ITEM_AGAIN], "backfill": False, "batch": 1, "restart": False}],
                    "rebuild_batch": 5000, "workers": 1})


def test_a_later_holiday_notice_refolds_due_dates(backend: str) -> None:
    """Deadlines in 2027 are provisional until its notice is recorded; the notice, recorded after
    the case, changes their due dates in the stored files — as a rebuild from zero would have them."""
    case = TEMPLATES["general-case"][0]["stream"]
    steps = shift(rename(TEMPLATES["general-case"][:19], {case: f"{case}-N"}), 330)
    scenario = {"chunks": [{"steps": steps, "backfill": False, "batch": 1000, "restart": False},
                           {"steps": [NOTICE_2027], "backfill": False, "batch": 1000, "restart": False}],
                "rebuild_batch": 5000, "workers": 2}
    with tempfile.TemporaryDirectory() as tmp, store_config(backend, Path(tmp)) as config:
        ledger = new_ledger(config, Path(tmp) / "keys.json", live=False)
        ledger.record(REGISTRY, actor="officer/admin")
        ledger.record(steps, actor="officer/admin")
        Runner(ledger.store).run_once()
        before = {r[2]: r for r in dump(ledger.store)["proj_deadlines"]}
        assert before["PEN-03"][8] == 1  # provisional: 2027 is unknown to the installed calendar
        ledger.record([NOTICE_2027], actor="officer/admin")
        Runner(ledger.store).run_once()
        after = {r[2]: r for r in dump(ledger.store)["proj_deadlines"]}
        assert after["PEN-03"][8] == 0 and after["PEN-03"][7] != before["PEN-03"][7]  # 春节 moved the due date
        ledger.close()
    check(backend, scenario)
