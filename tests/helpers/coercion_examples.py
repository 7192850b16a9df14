"""The brief's coercion, enforcement and inspection examples (examples-notes.md §2–§4) as hand-built
step lists (plain mappings, as stored), with the registry additions they need, for the COE, ENF and
INS gate tests. Each function returns fresh lists, so a test may edit them (``kinds_examples.edit_step``).

Built here rather than read from ``examples/`` while the #16 vocabulary is merged separately; the
steps follow the brief's step tables and are judged with ``kinds_examples.as_step``.
"""

from __future__ import annotations

from typing import Any

from tests.helpers.gate_context import Raw, load

CGJ = "agency/DXH-CGJ"
HEAD = "officer/42011219003"
OFFICER_1, OFFICER_2 = "officer/42011219001", "officer/42011219002"
EXPIRED = "officer/42011219007"
COERCION = "coercion/DXH-CGJ-QZ-2026-0003"
ENFORCED_CASE = "case/DXH-CGJ-2026-0021"
GENERAL_CASE = "case/DXH-CGJ-2026-0012"
SPOTCHECK = "spotcheck/DXH-CGJ-CC-2026-01"
COERCION_ITEM, INSPECTION_ITEM = "CGJ-DQ-30-QZ", "CGJ-JC-YY-01"
DOC = {"sha256": "a" * 64, "bytes": 1024, "media_type": "application/pdf", "name": "文书.pdf"}
SNAPSHOT = {"sha256": "b" * 64, "bytes": 120, "media_type": "text/plain", "name": "objects.txt"}
SECRET = "6c65646765720000000000000000000000000000000000000000000000000000"
COMMITMENT = "67e0285a7712000e8d51ceba9264a332e1754893cce66ae19e3ed7a314c56973"
ROOT = "9a483ad3529c98fdc08fa983a4a868f6f7a703f43d543e75f1c5b958b899a68d"
SEED = "55543afe5669b07632e9f1f4aeecf7cd2d8a212f0c87c71486eee11cdb6d1422"
POOL = [f"officer/420112190{n}" for n in ("01", "02", "08", "09", "10", "11")]
DRAWN = {11: ("OBJ-0012", ["officer/42011219011", "officer/42011219010"]),
         3: ("OBJ-0004", ["officer/42011219001", "officer/42011219009"]),
         2: ("OBJ-0003", ["officer/42011219002", "officer/42011219001"])}
"""The draw test vector: object index → key and its two inspectors."""
LAW_BASIS = [{"law": "中华人民共和国大气污染防治法", "article": 30, "rank": "law"}]


def step(stream: str, step_type: str, at: str, data: dict[str, Any], by: str = OFFICER_1) -> Raw:
    return {"stream": stream, "type": step_type, "at": at, "by": by, "data": data}


def item(code: str, kind: str, at: str = "2026-01-06T09:00:00+08:00", basis: list[Any] | None = None,
         **terms: Any) -> Raw:
    """An ``EnforcementItemPublished`` of DXH-CGJ (``terms``: its ``coercion``/``enforcement``/``spot_check``)."""
    return step(CGJ, "EnforcementItemPublished", at, {
        "code": code, "name": code, "kind": kind, "basis": LAW_BASIS if basis is None else basis,
        "sanction_basis": [], "penalty_types": [], **terms}, by="officer/admin")


def registry_additions() -> list[Raw]:
    """examples-notes.md "Registry additions" for §2–§4: the coercion and inspection items, officers 008–011."""
    officers = [step(f"officer/420112190{n}", "OfficerRegistered", "2026-01-07T09:00:00+08:00", {
        "name": f"执法人员{n}", "agency": CGJ, "roles": ["officer"], "credential_no": f"420112190{n}",
        "credential_valid_from": "2024-01-01", "credential_valid_to": "2028-12-31"}, by="officer/admin")
        for n in ("08", "09", "10", "11")]
    return [item(COERCION_ITEM, "coercion", coercion={"measures": ["seal", "seize"]}),
            item(INSPECTION_ITEM, "inspection", spot_check={"random": True}), *officers]


def registry() -> list[Raw]:
    """The example registry with the additions."""
    return [*load("registry.jsonl"), *registry_additions()]


# --------------------------------------------------------------------------- §2 行政强制措施


def seizure(stream: str = COERCION, at: str = "2026-09-30T20:55:00+08:00", started: str = "2026-09-30T20:30:00+08:00",
            emergency: bool = True, **changes: Any) -> Raw:
    data: dict[str, Any] = {
        "measure_id": "M1", "measure": "seize", "emergency": emergency, "officers": [OFFICER_1, OFFICER_2],
        "credentials_shown": True, "party_notified": True, "party_present": True, "rights_told": True,
        "statement_heard": True, "place": "东西湖区吴家山街道某路口", "started_at": started, "ended_at": at,
        "record": DOC, "signed_by_party": True,
        "items": [{"id": "I1", "name": "烧烤炉", "quantity": 1, "kind": "property"},
                  {"id": "I2", "name": "木炭", "quantity": 2, "unit": "袋", "kind": "property"}],
        "decision": {"document_no": "东城管扣字〔2026〕第0003号", "reason": "禁止区域露天烧烤", "basis": LAW_BASIS,
                     "days": 30, "until": "2026-10-30", "remedies": {"court": "东西湖区人民法院"}, "sealed_by": CGJ,
                     "document": DOC},
        "list": DOC, "handed_over": True}
    if emergency:
        data["emergency_reason"] = "当事人正在收摊离开"
    data.update(changes)
    return step(stream, "SeizureImposed", at, data)


def approval(stream: str = COERCION, at: str = "2026-10-01T09:00:00+08:00", approved: bool = True,
             decided_by: str = HEAD, reported_at: str | None = "2026-10-01T08:30:00+08:00") -> Raw:
    data: dict[str, Any] = {"measure_id": "M1", "measure": "seize", "decided_by": decided_by, "approved": approved,
                            "reason": "情况紧急", "basis": LAW_BASIS, "document": DOC}
    if reported_at is not None:
        data["reported_at"] = reported_at
    return step(stream, "CoercionApprovalDecided", at, data, by=HEAD)


def extension(at: str, days: int = 30, approved_by: str = HEAD, stream: str = COERCION) -> Raw:
    return step(stream, "CoercionExtended", at, {
        "measure_id": "M1", "approved_by": approved_by, "days": days, "until": "2026-11-29", "reason": "需检测",
        "document_no": "东城管延字〔2026〕第0001号", "notice": DOC, "served_at": at})


def coercion_steps() -> list[Raw]:
    """§2's ``coercion/`` stream: the emergency seizure on the eve of 国庆, approved the next morning,
    disposed of by the later case decision."""
    return [
        step(COERCION, "CoercionOpened", "2026-09-30T20:10:00+08:00", {
            "agency": CGJ, "purpose": "measure", "party": {"kind": "person", "name": "张某"},
            "summary": "夜间巡查发现在禁止区域露天烧烤", "item": COERCION_ITEM, "handlers": [OFFICER_1, OFFICER_2]}),
        seizure(), approval(),
        step(COERCION, "SeizureDisposed", "2026-10-16T11:00:00+08:00", {
            "measure_id": "M1", "disposition": "confiscated", "items": ["I1", "I2"], "basis": LAW_BASIS,
            "decision": {"stream": "case/DXH-CGJ-2026-0101", "document_no": "东城管罚决字〔2026〕第0101号"}}),
    ]


def case_seizure_steps() -> list[Raw]:
    """A seizure recorded on a registered penalty case (the general example, after its 立案), approved
    by the head beforehand: the same steps, judged by the same gates, on a ``case/`` stream."""
    case = load("general-case.jsonl")
    registered = next(i for i, s in enumerate(case) if s["type"] == "CaseRegistered")
    measure = [approval(GENERAL_CASE, "2026-03-04T09:00:00+08:00", reported_at=None),
               seizure(GENERAL_CASE, "2026-03-04T10:30:00+08:00", "2026-03-04T10:00:00+08:00", emergency=False)]
    return [*case[:registered + 1], *measure]


# --------------------------------------------------------------------------- §3 代履行


def enforcement_steps() -> list[Raw]:
    """§3's enforcement part on ``case/DXH-CGJ-2026-0021`` (the penalty part condensed to its 立案 and
    the decision's service): 催告 due 11 Feb, 代履行决定 13 Feb, prior 催告, 代履行 on 26 Feb."""
    c = ENFORCED_CASE
    return [
        step(c, "CaseRegistered", "2026-01-20T10:00:00+08:00", {
            "agency": CGJ, "procedure": "general", "item": "CGJ-DL-42-1",
            "party": {"kind": "organisation", "name": "湖北某建材有限公司"}}),
        step(c, "DecisionServed", "2026-02-02T10:00:00+08:00", {
            "method": "in_person", "served_at": "2026-02-02T10:00:00+08:00", "receipt": DOC}),
        step(c, "PerformanceDemanded", "2026-02-09T11:00:00+08:00", {
            "obligation": "remove", "decision_no": "东城管罚决字〔2026〕第0021号", "due": "2026-02-11",
            "performance_method": "自行清运", "rights_told": True, "purpose": "agency_enforcement", "document": DOC,
            "method": "in_person", "served_at": "2026-02-09T11:00:00+08:00", "receipt": DOC}),
        step(c, "SubstituteDecisionServed", "2026-02-13T10:00:00+08:00", {
            "document_no": "东城管代字〔2026〕第0002号", "decision_no": "东城管罚决字〔2026〕第0021号",
            "reason": "逾期未清运", "basis": LAW_BASIS, "substitute_method": "清运",
            "scheduled_at": "2026-02-26T09:00:00+08:00", "object": "道路上堆放的建筑材料", "cost_budget_fen": 300000,
            "performer": "武汉某清运服务有限公司", "harm": "traffic_safety", "sealed_by": CGJ, "document": DOC,
            "served_at": "2026-02-13T10:00:00+08:00", "receipt": DOC}),
        step(c, "PerformanceDemanded", "2026-02-13T10:05:00+08:00", {
            "obligation": "remove", "decision_no": "东城管罚决字〔2026〕第0021号", "due": "2026-02-25",
            "performance_method": "自行清运", "rights_told": True, "purpose": "substitute_prior", "document": DOC,
            "method": "in_person", "served_at": "2026-02-13T10:05:00+08:00", "receipt": DOC}),
        carried_out("2026-02-26T09:00:00+08:00", "2026-02-26T11:30:00+08:00"),
    ]


def carried_out(started: str, ended: str, stream: str = ENFORCED_CASE, **changes: Any) -> Raw:
    data: dict[str, Any] = {
        "enforcement_method": "substitute", "decision_no": "东城管代字〔2026〕第0002号",
        "officers": [OFFICER_1, OFFICER_2], "credentials_shown": True, "place": "东西湖区某路",
        "started_at": started, "ended_at": ended, "performer": "武汉某清运服务有限公司", "party_present": False,
        "witness": [{"name": "王某", "signed": True}], "record": DOC,
        "signatures": {"officers": True, "performer": True, "witness": True}, "result": "done"}
    data.update(changes)
    return step(stream, "EnforcementCarriedOut", ended, data)


def enforcement_decided(at: str, method: str = "account_transfer", stream: str = ENFORCED_CASE,
                        **changes: Any) -> Raw:
    data: dict[str, Any] = {
        "document_no": "东城管强执字〔2026〕第0001号", "decision_no": "东城管罚决字〔2026〕第0021号",
        "reason": "逾期不履行", "basis": LAW_BASIS, "enforcement_method": method, "scheduled_at": at,
        "remedies": {"court": "东西湖区人民法院"}, "approved_by": HEAD, "sealed_by": CGJ, "document": DOC}
    data.update(changes)
    return step(stream, "EnforcementDecided", at, data)


# --------------------------------------------------------------------------- §4 双随机


def spotcheck_steps() -> list[Raw]:
    """§4's spot check: the plan, both snapshots and the draw of the brief's test vector."""
    s = SPOTCHECK
    return [
        step(s, "SpotCheckPlanned", "2026-02-02T10:00:00+08:00", {
            "agency": CGJ, "items": [INSPECTION_ITEM], "population": "吴家山街道餐饮服务单位", "sample_size": 3,
            "inspectors_per_object": 2, "period": {"from_on": "2026-02-02", "until": "2026-03-13"},
            "approved_by": HEAD, "document": DOC, "seed_commitment": COMMITMENT, "algorithm": "ledger-draw-v1",
            "filed_at": "2026-02-02T10:00:00+08:00", "published_at": "2026-02-02T10:00:00+08:00"}),
        step(s, "DirectorySnapshotTaken", "2026-02-03T09:00:00+08:00", {
            "directory": "objects", "taken_at": "2026-02-03T09:00:00+08:00", "source": "名录库", "count": 12,
            "snapshot": SNAPSHOT}),
        step(s, "DirectorySnapshotTaken", "2026-02-03T09:10:00+08:00", {
            "directory": "inspectors", "taken_at": "2026-02-03T09:10:00+08:00", "source": "执法人员名录库",
            "count": 6, "officers": list(POOL)}),
        step(s, "RandomDrawPerformed", "2026-02-04T10:00:00+08:00", {
            "seed_secret": SECRET, "beacon": {"tree_size": 1200, "root": ROOT}, "seed": SEED,
            "objects_snapshot": SNAPSHOT["sha256"],
            "objects_drawn": [{"index": i, "key": DRAWN[i][0]} for i in (11, 3, 2)],
            "inspectors_drawn": [{"object_index": i, "officers": DRAWN[i][1]} for i in (11, 3, 2)],
            "witnesses": ["officer/SFJ-0001"], "record": DOC}),
    ]


def inspection_stream(n: int) -> str:
    return f"inspection/DXH-CGJ-JC-2026-000{n}"


def inspection_steps(n: int, index: int, site_at: str) -> list[Raw]:
    """One drawn inspection (``n``: 1–3) of the object at ``index``, opened on 6 Feb, visited on ``site_at``."""
    key, officers = DRAWN[index]
    s = inspection_stream(n)
    return [
        step(s, "InspectionOpened", "2026-02-06T09:00:00+08:00", {
            "agency": CGJ, "item": INSPECTION_ITEM,
            "object": {"kind": "organisation", "name": f"餐饮店{key}", "key": key},
            "origin": {"kind": "random", "spotcheck": SPOTCHECK, "object_index": index}, "officers": list(officers),
            "approved_by": HEAD, "approved_at": "2026-02-06T09:00:00+08:00", "plan": DOC}),
        step(s, "SiteInspectionRecorded", site_at, {
            "officers": list(officers), "credentials_shown": True, "notice": DOC, "place": "店内",
            "started_at": site_at, "ended_at": site_at, "items_checked": ["油烟净化设施"], "record": DOC,
            "signed_by_party": True}),
    ]


def all_inspections() -> list[list[Raw]]:
    return [inspection_steps(1, 11, "2026-02-10T10:00:00+08:00"), inspection_steps(2, 3, "2026-02-11T10:00:00+08:00"),
            inspection_steps(3, 2, "2026-02-12T10:00:00+08:00")]
