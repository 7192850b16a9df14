"""The papers of a 强制 file: which field of which step is which document, and its EVAL-10 item.

Why a table of its own: a ``coercion/`` file is filed in EVAL-10's order (来源 → 审批 → 现场笔录 →
决定书和清单 → … → 解除 or 处理; then an enforcement's 催告 → 决定 → 执行 …), not EVAL-04's; the reading
of a document reference and the 卷内目录 are the case file's (``projections.casefile.documents``). On
a ``case/`` stream the same steps file their papers under EVAL-04 items 7 and 16 (that module's table).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Final

from projections.casefile.documents import build_catalogue, entry_of, papers_of
from projections.casefile.model import CatalogueEntry, Document
from projections.coercionfile.model import COERCION_ITEMS, COERCION_UNPAGINATED, COERCION_VOLUMES

__all__ = ["COERCION_PAPERS", "coercion_catalogue", "coercion_documents"]

COERCION_PAPERS: Final[dict[str, tuple[tuple[str, int, str], ...]]] = {
    "CoercionApprovalDecided": (("document", 4, "实施行政强制措施审批表"),),
    "SeizureImposed": (("record", 5, "现场笔录"), ("av[]", 5, "现场音像记录"),
                       ("decision.document", 6, "查封（扣押）决定书"), ("list", 6, "查封（扣押）清单")),
    "FreezeImposed": (("record", 5, "冻结现场笔录"), ("notice", 7, "冻结通知书")),
    "FreezeDecisionServed": (("decision.document", 7, "冻结决定书"), ("receipt", 7, "冻结决定书送达回证")),
    "ExcludedPeriodNotified": (("notice", 8, "检测、检验、检疫、鉴定期间告知书"),),
    "ExcludedPeriodEnded": (("result", 8, "检测、检验、检疫、鉴定报告"),),
    "CoercionExtended": (("notice", 9, "延长决定书"),),
    "SeizureDisposed": (("document", 10, "处理决定"), ("party_notice", 10, "移送财物书面告知书")),
    "CoercionReleased": (("document", 11, "解除决定书"),),
    "SeizedItemsReturned": (("receipt", 11, "退还清单"),),
    "PaymentDemanded": (("document", 12, "催告书"), ("receipt", 12, "催告书送达回证")),
    "StatementSubmitted": (("content", 13, "陈述申辩材料"),),
    "LegalReviewRequested": (("materials[]", 14, "法制审核送审材料"),),
    "LegalReviewCompleted": (("document", 14, "法制审核意见书"),),
    "EnforcementDecided": (("document", 14, "强制执行决定书"),),
    "SubstituteDecisionServed": (("document", 14, "代履行决定书"), ("receipt", 14, "代履行决定书送达回证")),
    "DecisionServed": (("receipt", 14, "送达回证"), ("consent", 14, "电子送达确认书")),
    "DemolitionNoticePublished": (("document", 15, "强制拆除公告"),),
    "EnforcementCarriedOut": (("record", 17, "执行笔录"), ("av[]", 17, "执行音像记录")),
    "EnforcementAgreementMade": (("document", 18, "执行协议"),),
    "EnforcementSuspended": (("document", 18, "中止执行决定书"),),
    "EnforcementResumed": (("document", 18, "恢复执行决定书"),),
    "EnforcementTerminated": (("document", 18, "终结执行决定书"),),
    "RestitutionMade": (("document", 18, "执行回转记录"),),
    "SubstituteCostAssessed": (("document", 19, "代履行费用确定书"),),
    "TransferOrdered": (("document", 19, "划拨通知书"),),
    "AuctionCommissioned": (("document", 19, "委托拍卖书"),),
    "ProceedsRemitted": (("receipt", 19, "上缴凭证"),),
    "CourtEnforcementApplied": (("document", 20, "强制执行申请书"), ("materials[]", 20, "强制执行申请材料")),
    "CourtEnforcementRuled": (("document", 20, "法院强制执行裁定"),),
    "CaseClosed": (("report", 22, "办结报告"),),
}
"""Step type -> (field, EVAL-10 item, title) of each referenced paper (``[]``: a list; a dotted field
is nested)."""

_ENTRIES: Final[dict[str, tuple[int, str]]] = {
    "CoercionOpened": (3, "案件来源登记"),
    "SeizureDisposed": (10, "处理决定记录"),
    "StatementReviewed": (13, "陈述申辩复核意见"),
    "PaymentRecorded": (19, "缴纳凭证"),
    "DecisionPublished": (21, "公示记录"),
    "PublicationSuppressed": (21, "不予公开决定"),
    "PublicationWithdrawn": (21, "公开信息撤下及说明"),
    "DecisionCorrected": (10, "纠错决定"),
    "CaseClosed": (22, "办结记录"),
    "RecordCorrected": (23, "记录补正说明"),
}
"""Steps that are their own record (the signed event is the paper), or whose paper is optional:
step type -> (item, title), used when the step references no file."""

def coercion_documents(stream: str, version: int, kind: str, data: Mapping[str, Any], at: datetime,
                       officers: tuple[str, ...]) -> list[Document]:
    """The documents one step of a ``coercion/`` stream adds to the file."""
    specs = COERCION_PAPERS.get(kind)
    if kind == "CoercionApprovalDecided" and data.get("reported_at"):
        specs = (("document", 4, "紧急情况报告及补办批准审批表"),)
    elif kind == "PerformanceDemanded":
        prior = data.get("purpose") == "substitute_prior"
        item = 16 if prior else 12
        specs = (("document", item, "代履行前催告书" if prior else "履行催告书"), ("receipt", item, "催告书送达回证"))
    found = papers_of(stream, version, kind, data, at, officers, specs) if specs is not None else []
    entry = _ENTRIES.get(kind)
    if not found and entry is not None:
        found = [entry_of(stream, version, kind, at, officers, entry[0], entry[1])]
    return found


def coercion_catalogue(documents: tuple[Document, ...]) -> tuple[CatalogueEntry, ...]:
    """The 卷内目录 of a 强制 file in EVAL-10's order (cover, catalogue, 备考表 unpaginated)."""
    return build_catalogue(documents, "chronological", volumes=COERCION_VOLUMES, titles=COERCION_ITEMS,
                           unpaginated=COERCION_UNPAGINATED)
