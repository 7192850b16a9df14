"""The papers of an inspection file: which field of which step is which document, and its EVAL-11 item.

Why a table of its own: a 检查 file is filed in EVAL-11's order (抽查任务 → 审批 → 通知书 → 笔录 →
结果告知 → 复查 → 移送 → 公示), not EVAL-04's; the reading of a document reference and the 卷内目录
are the case file's (``projections.casefile.documents``).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Final

from domain.reading import mapping_of
from projections.casefile.documents import build_catalogue, entry_of, papers_of
from projections.casefile.model import CatalogueEntry, Document
from projections.inspectionfile.model import INSPECTION_ITEMS, INSPECTION_UNPAGINATED, INSPECTION_VOLUMES

__all__ = ["INSPECTION_PAPERS", "inspection_catalogue", "inspection_documents"]

INSPECTION_PAPERS: Final[dict[str, tuple[tuple[str, int, str], ...]]] = {
    "InspectionOpened": (("plan", 4, "行政检查审批表"),),
    "SiteInspectionRecorded": (("notice", 5, "行政检查通知书"), ("record", 6, "现场检查笔录"),
                               ("av[]", 6, "现场检查音像记录")),
    "RemoteCheckRecorded": (("record", 6, "非现场检查记录"),),
    "InquiryRecorded": (("record", 7, "询问笔录"),),
    "EvidenceCollected": (("file", 7, "证据材料"),),
    "InspectionConcluded": (("notice", 8, "检查结果告知书"),),
    "CorrectionVerified": (("record", 9, "整改复查记录"),),
    "InspectionReferred": (("materials[]", 10, "移送材料"),),
    "LegalReviewCompleted": (("document", 8, "法制审核意见书"),),
}
"""Step type -> (field, EVAL-11 item, title) of each referenced paper (``[]``: a list of them)."""

_ENTRIES: Final[dict[str, tuple[int, str]]] = {
    "DecisionPublished": (11, "公示记录"),
    "PublicationSuppressed": (11, "不予公开决定"),
    "PublicationWithdrawn": (11, "公开信息撤下及说明"),
    "CaseClosed": (11, "办结记录"),
    "RecordCorrected": (12, "记录补正说明"),
}
"""Steps that are their own record (the signed event is the paper): step type -> (item, title)."""


def inspection_documents(stream: str, version: int, kind: str, data: Mapping[str, Any], at: datetime,
                         officers: tuple[str, ...]) -> list[Document]:
    """The documents one step of an inspection stream adds to the file: a drawn inspection's
    opening also files the reference to its spot-check task (item 3), a conclusion its 责令改正通知书."""
    found: list[Document] = []
    if kind == "InspectionOpened":
        origin = mapping_of(data.get("origin"))
        if origin.get("kind") == "random":
            found.append(entry_of(stream, version, kind, at, officers, 3,
                                  f"抽查任务 {origin.get('spotcheck')}（对象序号 {origin.get('object_index')}）"))
    if kind == "InspectionConcluded":
        correction = mapping_of(data.get("correction"))
        found += papers_of(stream, version, kind, correction, at, officers, (("document", 8, "责令改正通知书"),))
    specs = INSPECTION_PAPERS.get(kind)
    if specs is not None:
        return found + papers_of(stream, version, kind, data, at, officers, specs)
    entry = _ENTRIES.get(kind)
    if entry is not None:
        found.append(entry_of(stream, version, kind, at, officers, entry[0], entry[1]))
    return found


def inspection_catalogue(documents: tuple[Document, ...]) -> tuple[CatalogueEntry, ...]:
    """The 卷内目录 of an inspection file in EVAL-11's order (cover, catalogue, 备考表 unpaginated)."""
    return build_catalogue(documents, "chronological", volumes=INSPECTION_VOLUMES, titles=INSPECTION_ITEMS,
                           unpaginated=INSPECTION_UNPAGINATED)
