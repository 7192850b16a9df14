"""立卷归档 (EVAL-04 to EVAL-07) rules: the case file judged as an archive.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Final

from audit.facts import RawStep
from audit.model import BLOCKER, MAJOR, MINOR
from audit.rulebook import GENERAL, NO_PENALTY, SUMMARY, TRANSFER, Hit, Subject, refs, rule
from audit.rules.coe_file import measure_document_parts
from audit.rules.common import (
    GEN_NP_TR,
    combine,
    discussion_required,
    is_doc,
    review_required,
)

# --------------------------------------------------------------------------- 立卷归档 (EVAL)


def _missing(step: RawStep, fields: tuple[str, ...]) -> list[str]:
    out = []
    for name in fields:
        value = step.data.get(name)
        if isinstance(value, list):
            if not [v for v in value if is_doc(v)]:
                out.append(name)
        elif not is_doc(value):
            out.append(name)
    return out


_DOC_NAMES: Final = {
    ("CaseRegistered", "document"): "立案审批表", ("PenaltyNoticeServed", "document"): "行政处罚事先告知书",
    ("PenaltyNoticeServed", "receipt"): "事先告知书送达回证", ("StatementSubmitted", "content"): "陈述申辩材料",
    ("RightsWaived", "document"): "放弃权利书", ("HearingNoticeServed", "document"): "听证通知书",
    ("HearingNoticeServed", "receipt"): "听证通知书送达回证", ("HearingHeld", "record"): "听证笔录",
    ("HearingHeld", "report"): "听证报告", ("LegalReviewRequested", "materials"): "法制审核送审材料",
    ("LegalReviewCompleted", "document"): "法制审核意见书", ("CollectiveDiscussionHeld", "record"): "集体讨论记录",
    ("DecisionMade", "approval_form"): "行政处罚决定审批表", ("DecisionMade", "document"): "行政处罚决定书",
    ("DecisionServed", "receipt"): "决定书送达回证", ("PaymentDemanded", "document"): "催告书",
    ("CaseClosed", "report"): "结案报告",
}


@rule("EVAL-04", "案卷材料不齐全", MAJOR, "行政处罚案卷评查标准（测绘、浙江、河南）；rules.md EVAL-04", GEN_NP_TR)
def eval04(s: Subject) -> Hit | None:
    if s.file.procedure != "general":
        return None
    parts: list[tuple[str, str, RawStep | None]] = []
    decision = s.facts.first("DecisionMade")
    review_needed = bool(review_required(s, decision)) if decision is not None else False
    discussion_needed = discussion_required(s, decision) if decision is not None else False
    veto = {("CaseRegistered", "document"), ("PenaltyNoticeServed", "document"), ("PenaltyNoticeServed", "receipt"),
            ("DecisionMade", "document"), ("DecisionServed", "receipt")}
    if review_needed:
        veto.add(("LegalReviewCompleted", "document"))
    if discussion_needed:
        veto.add(("CollectiveDiscussionHeld", "record"))
    for (step_type, name), title in _DOC_NAMES.items():
        for step in s.facts.all(step_type):
            if _missing(step, (name,)):
                severity = BLOCKER if (step_type, name) in veto else MAJOR
                parts.append((severity, f"缺少{title}（{step.day} {step_type}）", step))
    # Item 7 (extended): each measure on the case stream, its mandatory documents (MAJOR: the case's
    # vetoes stay items 4, 9 and 15).
    parts += measure_document_parts(s.facts, s.file.measures, item=lambda _: "第7项", vetoes=False,
                                    concluded=s.file.concluded, as_of=s.ctx.as_of)
    return combine(parts)


@rule("EVAL-05", "卷内文件顺序", MINOR, "测绘地理信息行政处罚案卷评查标准第5–7项", GEN_NP_TR)
def eval05(s: Subject) -> Hit | None:
    if s.config.evaluation.file_order != "chronological":
        return None
    problems = []
    last: dict[tuple[str, int], date] = {}
    concerned: list[RawStep] = []
    for entry in s.file.catalogue:
        if entry.on is None or entry.version is None:
            continue
        key = (entry.volume, entry.item)
        previous = last.get(key)
        if previous is not None and entry.on < previous:
            problems.append(f"{entry.item_title}中“{entry.title}”（{entry.on}）排在 {previous} 的材料之后")
            if 0 < entry.version <= len(s.facts.steps):
                concerned.append(s.facts.steps[entry.version - 1])
        last[key] = max(previous or entry.on, entry.on)
    if not problems:
        return None
    return Hit("卷内文件未按时间顺序排列：" + "；".join(problems), refs(concerned))


_ARCHIVE_NO: Final = re.compile(r"^\d{4}-?\d{4}$")
_RETENTION_ORDER: Final = {"10y": 0, "30y": 1, "permanent": 2}


@rule("EVAL-06", "保管期限或档号不规范", MINOR, "机关文件材料归档范围和文书档案保管期限规定")
def eval06(s: Subject) -> Hit | None:
    archived = s.facts.first("CaseArchived")
    if archived is None:
        return None
    problems = []
    cfg = s.config.retention
    expected = {GENERAL: cfg.general_penalty, TRANSFER: cfg.transfer, SUMMARY: cfg.summary,
                NO_PENALTY: cfg.no_penalty}.get(s.path, cfg.general_penalty)
    retention = archived.data.get("retention")
    if retention not in _RETENTION_ORDER:
        problems.append("未确定保管期限")
    elif _RETENTION_ORDER[str(retention)] < _RETENTION_ORDER.get(expected, 0):
        problems.append(f"保管期限为 {retention}，应不短于 {expected}")
    number = archived.data.get("archive_no")
    if not isinstance(number, str) or not _ARCHIVE_NO.match(number):
        problems.append(f"档号 {number!r} 不符合“年度 + 四位顺序号”格式")
    return Hit("；".join(problems), refs([archived])) if problems else None


@rule("EVAL-07", "归档不及时", MINOR, "地方案卷评查标准（归档是否及时）")
def eval07(s: Subject) -> Hit | None:
    return s.deadline_hit("EVAL-07", refs([s.facts.first("CaseClosed"), s.facts.first("CaseArchived")]))
