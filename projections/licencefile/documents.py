"""The papers of a licence file: which field of which step is which document, and its EVAL-09 item.

Why a table of its own: a licence file is filed in EVAL-09's order (申请 → 补正 → 受理 → 核查 → …
→ 决定 → 证件 → 公示 → 办结), not EVAL-04's; the reading of a document reference and the
卷内目录 are the case file's (``projections.casefile.documents``).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Final

from projections.casefile.documents import build_catalogue, entry_of, papers_of
from projections.casefile.model import CatalogueEntry, Document
from projections.licencefile.model import LICENCE_ITEMS, LICENCE_UNPAGINATED, LICENCE_VOLUMES

__all__ = ["LICENCE_PAPERS", "licence_catalogue", "licence_documents"]

LICENCE_PAPERS: Final[dict[str, tuple[tuple[str, int, str], ...]]] = {
    "LicenceApplied": (("materials[]", 3, "申请材料"), ("receipt", 3, "申请材料接收凭证")),
    "SupplementRequested": (("notice", 4, "申请材料补正告知书"),),
    "SupplementReceived": (("materials[]", 4, "补正材料"), ("receipt", 4, "补正材料接收凭证")),
    "LicenceAccepted": (("notice", 5, "受理通知书"),),
    "LicenceNotAccepted": (("notice", 5, "不予受理决定书"),),
    "SiteVerificationRecorded": (("record", 6, "核查笔录"), ("av[]", 6, "核查音像记录")),
    "InterestedPartyNotified": (("document", 7, "利害关系人告知书"),),
    "StatementSubmitted": (("content", 7, "陈述申辩材料"),),
    "HearingRightsNotified": (("document", 8, "听证权利告知书"),),
    "HearingAnnounced": (("document", 8, "听证公告"),),
    "HearingNoticeServed": (("document", 8, "听证通知书"), ("receipt", 8, "听证通知书送达回证")),
    "HearingHeld": (("record", 8, "听证笔录"), ("report", 8, "听证报告")),
    "ExcludedPeriodNotified": (("notice", 9, "所需时间书面告知书"),),
    "ExcludedPeriodEnded": (("result", 9, "检验、检测、评审等结果"),),
    "TimeLimitExtended": (("notice", 10, "延长期限告知书"),),
    "LicenceReviewed": (("document", 11, "承办人审查意见"),),
    "LegalReviewRequested": (("materials[]", 12, "法制审核送审材料"),),
    "LegalReviewCompleted": (("document", 12, "法制审核意见书"),),
    "LicenceProceedingOpened": (("document", 13, "撤回、撤销、注销立案审批"),),
    "ProposedActionNoticeServed": (("document", 7, "拟作决定告知书"), ("receipt", 7, "告知书送达回证")),
    "LicenceGranted": (("approval_form", 13, "行政许可审批表"), ("document", 14, "准予行政许可决定书")),
    "LicenceDenied": (("approval_form", 13, "行政许可审批表"), ("document", 14, "不予行政许可决定书")),
    "LicenceWithdrawn": (("document", 14, "撤回行政许可决定书"),),
    "LicenceRevoked": (("document", 14, "撤销行政许可决定书"),),
    "LicenceCancelled": (("document", 14, "注销行政许可决定书"),),
    "DecisionServed": (("receipt", 14, "送达回证"), ("consent", 14, "电子送达确认书")),
    "LicenceIssued": (("certificate", 15, "行政许可证件（复印件）"), ("receipt", 15, "证件签收单")),
}
"""Step type -> (field, EVAL-09 item, title) of each referenced paper (``[]``: a list of them)."""

_ENTRIES: Final[dict[str, tuple[int, str]]] = {
    "StatementReviewed": (7, "陈述申辩复核意见"),
    "HearingRequested": (8, "听证申请"),
    "HearingAbandoned": (8, "听证终止记录"),
    "DecisionPublished": (16, "公示记录"),
    "PublicationSuppressed": (16, "不予公开决定"),
    "PublicationCorrected": (16, "公开信息更正记录"),
    "PublicationWithdrawn": (16, "公开信息撤下及说明"),
    "DecisionCorrected": (14, "纠错决定"),
    "CaseClosed": (17, "办结记录"),
    "RecordCorrected": (18, "记录补正说明"),
}
"""Steps that are their own record (the signed event is the paper): step type -> (item, title)."""


def licence_documents(stream: str, version: int, kind: str, data: Mapping[str, Any], at: datetime,
                      officers: tuple[str, ...]) -> list[Document]:
    """The documents one step of a licence stream adds to the file."""
    specs = LICENCE_PAPERS.get(kind)
    if specs is not None:
        return papers_of(stream, version, kind, data, at, officers, specs)
    entry = _ENTRIES.get(kind)
    if entry is not None:
        return [entry_of(stream, version, kind, at, officers, entry[0], entry[1])]
    return []


def licence_catalogue(documents: tuple[Document, ...]) -> tuple[CatalogueEntry, ...]:
    """The 卷内目录 of a licence file in EVAL-09's order (cover, catalogue, 备考表 unpaginated)."""
    return build_catalogue(documents, "chronological", volumes=LICENCE_VOLUMES, titles=LICENCE_ITEMS,
                           unpaginated=LICENCE_UNPAGINATED)
