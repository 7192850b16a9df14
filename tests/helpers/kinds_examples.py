"""The brief's licence and complaint examples as step lists (examples-notes.md §1 and §5), with the
registry additions they need, for the limit and gate tests of 行政许可 and 投诉举报.

Hand-built from the brief's tables (the vocabulary of these step types lands separately): each
function returns fresh copies, so a test may edit them (``edit_step``) to make a defect.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from domain.step import Step
from tests.helpers.gate_context import Raw

LICENCE = "licence/DXH-SPJ-XK-2026-0031"
COMPLAINT = "complaint/DXH-SFJ-TS-2026-0007"
SPJ = "agency/DXH-SPJ"
SFJ = "agency/DXH-SFJ"
SPJ_HEAD = "officer/42011230003"
SPJ_OFFICER = "officer/42011230001"
SFJ_HEAD = "officer/SFJ-0002"
SFJ_SUPERVISOR = "officer/SFJ-0001"
ITEM = "SPJ-SR-11-2"
DOC = {"sha256": "a" * 64, "bytes": 1024, "media_type": "application/pdf", "name": "文书.pdf"}
SUBMITTED = ("申请书", "营业执照", "设计效果图", "场地使用证明", "设置位置图")
APPLICANT = {"kind": "organisation", "name": "武汉某传媒有限公司", "credit_code": "91420112MA4KXXXX1X"}


def _admin(stream: str, step_type: str, at: str, data: dict[str, Any]) -> Raw:
    return {"stream": stream, "type": step_type, "at": at, "by": "officer/admin", "data": data}


def _officer(number: str, name: str, agency: str, roles: list[str]) -> Raw:
    return _admin(f"officer/{number}", "OfficerRegistered", "2026-01-07T09:00:00+08:00", {
        "name": name, "agency": agency, "roles": roles, "credential_no": number,
        "credential_valid_from": "2024-01-01", "credential_valid_to": "2028-12-31", "fields": ["行政审批"]})


def licence_item(at: str = "2026-01-06T09:00:00+08:00", **terms: Any) -> Raw:
    """The 大型户外广告设置审批 item of DXH-SPJ (``terms`` added to its ``licence`` object)."""
    return _admin(SPJ, "EnforcementItemPublished", at, {
        "code": ITEM, "name": "大型户外广告设置审批", "kind": "licence",
        "basis": [{"law": "城市市容和环境卫生管理条例", "article": 11, "clause": 2, "item": None,
                   "rank": "administrative_regulation"}],
        "licence": {"statutory_days": 20, "validity_months": 12,
                    "materials": ["申请书", "营业执照", "设计效果图", "结构安全计算书", "场地使用证明", "设置位置图"],
                    **terms}})


def registry_additions() -> list[Raw]:
    """examples-notes.md "Registry additions": DXH-SPJ, its officers and item; SFJ's head."""
    return [
        _admin(SPJ, "AgencyRegistered", "2026-01-05T09:10:00+08:00", {
            "name": "武汉市东西湖区行政审批局", "credit_code": "11420112MB0000011X", "level": "district",
            "region": "湖北省武汉市东西湖区", "reconsideration_bodies": ["武汉市东西湖区人民政府"],
            "court": "武汉市东西湖区人民法院"}),
        licence_item(),
        _officer("42011230001", "王芳", SPJ, ["officer"]),
        _officer("42011230002", "刘军", SPJ, ["officer"]),
        _officer("42011230003", "陈明", SPJ, ["head", "officer"]),
        _officer("42011230004", "何静", SPJ, ["officer"]),
        _admin(SFJ_HEAD, "OfficerRegistered", "2026-01-07T09:30:00+08:00",
               {"name": "郑涛", "agency": SFJ, "roles": ["head"]}),
    ]


def _step(stream: str, step_type: str, at: str, data: dict[str, Any], by: str) -> Raw:
    return {"stream": stream, "type": step_type, "at": at, "by": by, "data": data}


def _lic(step_type: str, at: str, data: dict[str, Any], by: str = SPJ_OFFICER) -> Raw:
    return _step(LICENCE, step_type, f"2026-{at}:00+08:00", data, by)


def licence_steps() -> list[Raw]:
    """examples-notes.md §1: the lawful licence file (steps 1–13)."""
    return [
        _lic("LicenceApplied", "09-18T10:00", {
            "agency": SPJ, "item": ITEM, "application": "new", "applicant": APPLICANT,
            "received_at": "2026-09-18T10:00:00+08:00", "channel": "in_person",
            "materials": [{"name": n, "file": DOC} for n in SUBMITTED],
            "receipt": DOC, "summary": "设置大型户外广告"}),
        _lic("SupplementRequested", "09-24T15:00", {
            "items": ["结构安全计算书"], "notice": DOC, "sealed_by": SPJ, "method": "in_person",
            "served_at": "2026-09-24T15:00:00+08:00"}),
        _lic("SupplementReceived", "09-28T09:30", {
            "received_at": "2026-09-28T09:30:00+08:00", "materials": [{"name": "结构安全计算书", "file": DOC}],
            "receipt": DOC}),
        _lic("LicenceAccepted", "09-28T10:00", {"notice": DOC, "sealed_by": SPJ,
                                                "served_at": "2026-09-28T10:00:00+08:00"}),
        _lic("SiteVerificationRecorded", "09-29T14:00", {
            "staff": [SPJ_OFFICER, "officer/42011230002"], "credentials_shown": True, "place": "金银湖路",
            "started_at": "2026-09-29T14:00:00+08:00", "ended_at": "2026-09-29T15:00:00+08:00", "record": DOC,
            "signed_by_applicant": True}),
        _lic("ExcludedPeriodNotified", "10-09T10:00", {
            "reason": "expert_review", "from_on": "2026-10-12", "until": "2026-10-16", "notice": DOC,
            "served_at": "2026-10-09T10:00:00+08:00"}),
        _lic("ExcludedPeriodEnded", "10-16T17:00", {"reason": "expert_review", "ended_on": "2026-10-16",
                                                    "result": DOC}),
        _lic("LicenceReviewed", "10-19T10:00", {"reviewer": SPJ_OFFICER, "opinion": "grant",
                                                "reasons": ["材料齐全，符合法定条件"], "document": DOC}),
        _lic("LicenceGranted", "10-21T16:00", {
            "document_no": "东审批许字〔2026〕第0031号",
            "basis": [{"law": "城市市容和环境卫生管理条例", "article": 11, "clause": 2, "item": None}],
            "content": "准予设置大型户外广告", "valid_from": "2026-10-21", "valid_to": "2027-10-20",
            "approved_by": SPJ_HEAD, "approval_form": DOC, "sealed_by": SPJ, "document": DOC}, SPJ_HEAD),
        _lic("LicenceIssued", "10-23T10:00", {
            "licence_no": "DXH-GG-2026-0031", "certificate": DOC, "sealed_by": SPJ, "method": "in_person",
            "issued_at": "2026-10-23T10:00:00+08:00", "receipt": DOC}),
        _lic("DecisionPublished", "10-28T09:00", {
            "published_at": "2026-10-28T09:00:00+08:00", "channel": "区政务网", "text": "准予设置大型户外广告"}),
        _lic("CaseClosed", "10-30T09:00", {}),
        _lic("CaseArchived", "11-13T09:00", {"retention": "30y"}),
    ]


def _cmp(step_type: str, at: str, data: dict[str, Any], by: str = SFJ_SUPERVISOR) -> Raw:
    return _step(COMPLAINT, step_type, f"2026-{at}:00+08:00", data, by)


def complaint_steps() -> list[Raw]:
    """examples-notes.md §5: the lawful complaint file (steps 1–6, 8, 9; step 7 is on the
    supervision stream)."""
    return [
        _cmp("ComplaintReceived", "04-30T16:00", {
            "received_at": "2026-04-30T16:00:00+08:00", "channel": "online", "nature": "complaint",
            "complainant": {"kind": "person", "name": "李某"}, "contact": "经门户网站留言",
            "against": {"agency": "agency/DXH-CGJ", "officers": ["officer/42011219001", "officer/42011219009"],
                        "stream": "inspection/DXH-CGJ-JC-2026-0002"},
            "summary": "检查时未出示行政检查通知书和检查码", "requests": ["调查处理"], "record": DOC}),
        _cmp("ComplaintAccepted", "05-08T10:00", {"decided_by": SFJ_SUPERVISOR, "handlers": [SFJ_SUPERVISOR],
                                                  "notice": DOC, "told_at": "2026-05-08T10:30:00+08:00"}),
        _cmp("ComplaintTransferred", "05-13T10:00", {
            "kind": "assign", "to": "agency/DXH-CGJ", "transferred_at": "2026-05-13T10:00:00+08:00",
            "due": "2026-05-22", "complainant_identity_shared": True, "document": DOC}),
        _cmp("ComplaintAgencyReported", "05-21T10:00", {"reported_at": "2026-05-21T10:00:00+08:00",
                                                        "report": DOC, "actions": ["书面说明"]},
             "officer/42011219003"),
        _cmp("ComplaintInvestigated", "05-27T10:00", {
            "investigators": [SFJ_SUPERVISOR], "methods": ["ledger_records"],
            "streams_examined": ["inspection/DXH-CGJ-JC-2026-0002"],
            "findings": [{"id": "F1", "text": "现场检查未载明检查码", "rule": "INS-05"}], "record": DOC}),
        _cmp("ComplaintConcluded", "06-03T10:00", {
            "outcome": "partly_substantiated", "findings": ["INS-05"], "measures": ["rectification"],
            "supervision": "supervision/DXH-SFJ-JD-2026-0012", "document": DOC}),
        _cmp("ComplaintAnswered", "06-05T10:00", {"answered_at": "2026-06-05T10:00:00+08:00",
                                                  "method": "electronic", "document": DOC}),
        _cmp("CaseClosed", "06-10T10:00", {}),
        _cmp("CaseArchived", "06-24T10:00", {"retention": "10y"}),
    ]


def index_of(steps: list[Raw], step_type: str, nth: int = 0) -> int:
    return [i for i, s in enumerate(steps) if s["type"] == step_type][nth]


def edit_step(steps: list[Raw], step_type: str, change: Callable[[Raw], None], nth: int = 0) -> list[Raw]:
    """A copy of ``steps`` with ``change`` applied to the ``nth`` step of ``step_type``."""
    out = copy.deepcopy(steps)
    change(out[index_of(out, step_type, nth)])
    return out


def at(step: Raw, when: str, *members: str) -> None:
    """Move a step (and its named ``_at`` members) to ``when`` (``2026-…`` with offset)."""
    step["at"] = when
    for member in members:
        step["data"][member] = when


def versioned(steps: list[Raw]) -> list[Raw]:
    """The steps as stored (each with its ``version``), for the pure limit functions."""
    return [{**copy.deepcopy(s), "version": i + 1} for i, s in enumerate(steps)]


def as_step(raw: Raw) -> Step:
    """A ``Step`` of a licence or complaint stream. Built directly rather than by ``Step.parse``,
    which knows these stream kinds once the vocabulary of issue #15 is merged."""
    return Step(dict(raw), raw["stream"].split("/", 1)[0])
