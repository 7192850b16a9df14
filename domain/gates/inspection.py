"""The 行政检查 gates (INS-01 to INS-04): judged at the steps of ``spotcheck/`` and ``inspection/`` streams.

Why these refuse: an inspection under an item the agency never published, a draw that does not
re-derive from its commitment, an inspection of an object or by officers the draw did not pick, and
an inspection by fewer than two qualified officers are what 双随机、一公开 exists to exclude; once the
officers are at the door, the audit can only record it.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from typing import Any, Final

from domain.beacon import CheckpointLog, beacon_problem
from domain.draw import pick, population
from domain.gates.coercion import step_types
from domain.gates.core import Judged, gate
from domain.gates.officers import listed_officers, officer_problems
from domain.inspection_state import SpotCheckState, fold_inspection, fold_spotcheck, opening_members
from domain.reading import int_of, mapping_of, texts_of

_OPTIMISATION: Final = "《优化营商环境条例》第五十四条第一款"
INSPECTIONS: Final = frozenset({"inspection"})
SPOTCHECKS: Final = frozenset({"spotcheck"})
WITH_OFFICERS: Final = step_types("InspectionOpened", "SiteInspectionRecorded", "InquiryRecorded", "CorrectionVerified")
_HEX64: Final = re.compile(r"[0-9a-f]{64}")


@gate("INS-01", "检查事项未公布或机关无此检查权", f"《中华人民共和国行政处罚法》第五十四条第一款；{_OPTIMISATION}",
      step_types("InspectionOpened"), INSPECTIONS)
def _published_item(j: Judged) -> str | None:
    """``item`` is an ``inspection`` item the acting agency published before the inspection (as of the
    step's ``at``); INS-04 judges the officers' agency."""
    code = j.step.data.get("item")
    item = j.agency.item(code) if j.agency is not None and isinstance(code, str) else None
    if item is None or item.kind != "inspection":
        return f"机关 {j.acting} 在 {j.day} 前未公布行政检查事项 {code}，法律法规规章没有规定的不得擅自检查"
    return None


# --------------------------------------------------------------------------- INS-02


def _order_problem(state: SpotCheckState) -> str | None:
    if state.plan_entry is None:
        return "抽取前没有抽查计划（SpotCheckPlanned）"
    objects, inspectors = state.snapshot("objects"), state.snapshot("inspectors")
    if objects is None or inspectors is None:
        return "抽取前未取得检查对象名录库和检查人员名录库两份快照（DirectorySnapshotTaken）"
    return None


def covered_events(state: SpotCheckState) -> list[tuple[str, int]]:
    """The events the beacon must cover, as (stream, version): the plan and the two snapshots the
    draw uses."""
    objects, inspectors = state.snapshot("objects"), state.snapshot("inspectors")
    entries = [state.plan_entry, *(s.entry for s in (objects, inspectors) if s is not None)]
    versions = [int_of(e.get("version")) for e in entries if e is not None]
    return [(state.stream, v) for v in versions if v is not None]


def _beacon_problem(state: SpotCheckState, beacon: Mapping[str, Any], log: CheckpointLog | None) -> str | None:
    """A well-formed checkpoint reference; with this ledger's log (always live), the first checkpoint
    it signed that covers the plan and both snapshots (``domain.beacon``)."""
    size, root = int_of(beacon.get("tree_size")), beacon.get("root")
    if size is None or size <= 0 or not isinstance(root, str) or not _HEX64.fullmatch(root):
        return "beacon 应载明已签名检查点的 tree_size 与 root（64 位十六进制）"
    return beacon_problem(log, size, root, covered_events(state)) if log is not None else None


def _commitment_problem(plan: Mapping[str, Any], data: Mapping[str, Any], root: str) -> str | None:
    secret = data.get("seed_secret")
    try:
        raw = bytes.fromhex(secret) if isinstance(secret, str) else None
    except ValueError:
        raw = None
    if raw is None:
        return "seed_secret 应为十六进制"
    if hashlib.sha256(raw).hexdigest() != str(plan.get("seed_commitment", "")).lower():
        return "seed_secret 与抽查计划承诺的 seed_commitment 不符"
    if hashlib.sha256(raw + bytes.fromhex(root)).hexdigest() != str(data.get("seed", "")).lower():
        return "seed 不等于 SHA-256(seed_secret ‖ beacon root)"
    return None


def _rederive_problem(state: SpotCheckState, data: Mapping[str, Any]) -> str | None:
    plan = state.plan or {}
    objects, inspectors = state.snapshot("objects"), state.snapshot("inspectors")
    assert objects is not None and inspectors is not None
    seed = bytes.fromhex(str(data.get("seed")))
    n, k, per = objects.count, int_of(plan.get("sample_size")), int_of(plan.get("inspectors_per_object"))
    pool = population(inspectors.officers)
    if n is None or k is None or per is None or not 0 <= k <= n or per > len(pool):
        return "抽查计划或名录库快照的数量不能复算（sample_size、inspectors_per_object、count）"
    indices = pick(seed, n, k, "objects")
    recorded = [int_of(mapping_of(o).get("index")) for o in data.get("objects_drawn") or ()]
    if recorded != indices:
        return f"抽中的对象序号 {recorded} 与按 ledger-draw-v1 复算的 {indices} 不符"
    assigned = {int_of(mapping_of(e).get("object_index")): texts_of(mapping_of(e).get("officers"))
                for e in data.get("inspectors_drawn") or ()}
    for m, index in enumerate(indices):
        expected = tuple(pool[i] for i in pick(seed, len(pool), len(pool), f"inspectors/{m}")[:per])
        if assigned.get(index) != expected:
            return f"对象 {index} 的检查人员 {list(assigned.get(index, ()))} 与复算的 {list(expected)} 不符"
    return None


@gate("INS-02", "随机抽取不可复算", f"{_OPTIMISATION}；国办发〔2015〕58号", step_types("RandomDrawPerformed"),
      SPOTCHECKS)
def _draw(j: Judged) -> str | None:
    """Order (plan, then both snapshots, then the draw), the algorithm, the beacon (this ledger's first
    signed checkpoint covering them, ``domain.beacon``), the commitment and the seed, and the recorded
    indices and inspectors re-derived (``domain.draw``)."""
    state = fold_spotcheck(j.step.stream, j.ctx.history(j.step.stream))
    data = j.step.data
    problem = _order_problem(state)
    if problem is not None:
        return problem
    plan = state.plan or {}
    if plan.get("algorithm") != j.config.spotcheck.algorithm:
        return f"抽查计划的算法 {plan.get('algorithm')} 不是 {j.config.spotcheck.algorithm}"
    beacon = mapping_of(data.get("beacon"))
    problem = (_beacon_problem(state, beacon, j.ctx.log)
               or _commitment_problem(plan, data, str(beacon.get("root"))))
    if problem is not None:
        return problem
    objects = state.snapshot("objects")
    snapshot = mapping_of(objects.entry.get("data")).get("snapshot") if objects is not None else None
    recorded_hash = mapping_of(snapshot).get("sha256")
    if recorded_hash is not None and data.get("objects_snapshot") != recorded_hash:
        return "objects_snapshot 与检查对象名录库快照的哈希不符"
    return _rederive_problem(state, data)


# --------------------------------------------------------------------------- INS-03, INS-04


def _drawn_problem(j: Judged, spotcheck: str | None, index: int | None, key: str | None,
                   officers: tuple[str, ...]) -> str | None:
    if spotcheck is None or index is None:
        return "随机抽查的检查未载明所属抽查任务（origin.spotcheck）或对象序号（origin.object_index）"
    state = fold_spotcheck(spotcheck, j.ctx.history(spotcheck))
    if state.draw is None:
        return f"抽查任务 {spotcheck} 尚未随机抽取"
    drawn = {int_of(mapping_of(o).get("index")): mapping_of(o).get("key")
             for o in state.draw.get("objects_drawn") or ()}
    if index not in drawn or (key is not None and drawn[index] != key):
        return f"对象（序号 {index}，{key}）不是 {spotcheck} 抽中的检查对象"
    assigned = state.drawn_officers(index) or ()
    if set(officers) != set(assigned):
        return (f"检查人员 {list(officers)} 不是为该对象抽取的 {list(assigned)}"
                "（更换须按 InspectorReplaced 记录的回避或不能到场依次替补）")
    return None


@gate("INS-03", "检查对象或检查人员不是随机抽取的", f"{_OPTIMISATION}；国办发〔2015〕58号",
      step_types("InspectionOpened", "SiteInspectionRecorded"), INSPECTIONS)
def _follows_draw(j: Judged) -> str | None:
    """A drawn inspection (``origin.kind: random``) is of a drawn object (index and key), by exactly its
    drawn officers or the replacements recorded on the spot-check stream, read as recorded by now."""
    if j.step.type == "InspectionOpened":
        opened = opening_members(j.step.data)
    else:
        state = fold_inspection(j.step.stream, j.ctx.history(j.step.stream))
        opened = {"origin": state.origin, "spotcheck": state.spotcheck, "object_index": state.object_index,
                  "object_key": state.object_key}
    if opened["origin"] != "random":
        return None
    return _drawn_problem(j, opened["spotcheck"], opened["object_index"], opened["object_key"],
                          tuple(listed_officers(j.step.data)))


@gate("INS-04", "检查人员不足两名或无有效执法证",
      "《中华人民共和国行政处罚法》第五十五条第一款；《武汉市规范涉企行政检查办法》第十八条", WITH_OFFICERS,
      INSPECTIONS)
def _two_officers(j: Judged) -> str | None:
    """At least ``inspection.min_officers`` distinct officers of the agency, each with a credential
    valid on the step's day (replaces PEN-04 on inspection streams)."""
    problems = officer_problems(j, listed_officers(j.step.data), j.config.inspection.min_officers, j.acting)
    return f"{j.day} 的行政检查：" + "；".join(problems) if problems else None
