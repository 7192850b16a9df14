"""The documents of a case file: which field of which step is which paper, its EVAL-04 item
and stage, who is named on it, and the 卷内目录 (catalogue) they make."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any, Final

from domain.reading import text_of
from projections.casefile.model import CATALOGUE_ITEMS, UNPAGINATED, CatalogueEntry, Document, catalogue_order
from projections.casefile.reading import on_day
from projections.labels import STEP_STAGE

_DOCS: Final[dict[str, tuple[tuple[str, int, str], ...]]] = {
    "CaseRegistered": (("document", 4, "立案审批表"),),
    "InquiryRecorded": (("record", 5, "询问笔录"), ("av[]", 5, "询问音像记录")),
    "InspectionRecorded": (("record", 6, "现场检查（勘验）笔录"), ("av[]", 6, "现场音像记录")),
    "EvidenceCollected": (("file", 7, "证据"),),
    "EvidencePreserved": (("document", 7, "先行登记保存证据通知书及清单"),),
    "PreservationResolved": (("document", 7, "先行登记保存物品处理决定书"),),
    "InvestigationConcluded": (("report", 8, "案件调查终结报告"),),
    "PenaltyNoticeServed": (("document", 9, "行政处罚事先告知书"), ("receipt", 9, "事先告知书送达回证")),
    "StatementSubmitted": (("content", 10, "陈述申辩材料"),),
    "RightsWaived": (("document", 10, "放弃陈述申辩或听证权利书"),),
    "HearingNoticeServed": (("document", 11, "听证通知书"), ("receipt", 11, "听证通知书送达回证")),
    "HearingHeld": (("record", 11, "听证笔录"), ("report", 11, "听证报告")),
    "LegalReviewRequested": (("materials[]", 12, "法制审核送审材料"),),
    "LegalReviewCompleted": (("document", 12, "法制审核意见书"),),
    "CollectiveDiscussionHeld": (("record", 13, "集体讨论记录"),),
    "DecisionMade": (("approval_form", 14, "行政处罚决定审批表"), ("document", 15, "行政处罚决定书")),
    "SummaryDecisionMade": (("document", 15, "当场行政处罚决定书"),),
    "TransferDecided": (("report", 14, "涉嫌犯罪案件移送审批表"),),
    "EducationGiven": (("document", 15, "批评教育记录"),),
    "DecisionServed": (("receipt", 15, "送达回证"), ("consent", 15, "电子送达确认书")),
    "TransferredToJudicialOrgan": (("materials[]", 15, "移送材料"),),
    "PaymentDemanded": (("document", 16, "催告书"),),
    # EVAL-04 (extended): a measure's papers are item 7, an enforcement's item 16
    "CoercionApprovalDecided": (("document", 7, "实施行政强制措施审批表（紧急情况补办批准）"),),
    "SeizureImposed": (("record", 7, "查封（扣押）现场笔录"), ("av[]", 7, "查封（扣押）音像记录"),
                       ("decision.document", 7, "查封（扣押）决定书"), ("list", 7, "查封（扣押）清单")),
    "FreezeImposed": (("record", 7, "冻结现场笔录"), ("notice", 7, "冻结通知书")),
    "FreezeDecisionServed": (("decision.document", 7, "冻结决定书"), ("receipt", 7, "冻结决定书送达回证")),
    "ExcludedPeriodNotified": (("notice", 7, "检测、检验、鉴定期间告知书"),),
    "ExcludedPeriodEnded": (("result", 7, "检测、检验、鉴定报告"),),
    "CoercionExtended": (("notice", 7, "延长查封（扣押、冻结）决定书"),),
    "CoercionReleased": (("document", 7, "解除查封（扣押、冻结）决定书"),),
    "SeizedItemsReturned": (("receipt", 7, "退还清单"),),
    "SeizureDisposed": (("document", 7, "查封（扣押）物品处理决定"), ("party_notice", 7, "移送财物书面告知书")),
    "PerformanceDemanded": (("document", 16, "履行催告书"), ("receipt", 16, "催告书送达回证")),
    "EnforcementDecided": (("document", 16, "强制执行决定书"),),
    "SubstituteDecisionServed": (("document", 16, "代履行决定书"), ("receipt", 16, "代履行决定书送达回证")),
    "DemolitionNoticePublished": (("document", 16, "强制拆除公告"),),
    "EnforcementCarriedOut": (("record", 16, "执行笔录"), ("av[]", 16, "执行音像记录")),
    "SubstituteCostAssessed": (("document", 16, "代履行费用确定书"),),
    "TransferOrdered": (("document", 16, "划拨通知书"),),
    "AuctionCommissioned": (("document", 16, "委托拍卖书"),),
    "ProceedsRemitted": (("receipt", 16, "上缴凭证"),),
    "EnforcementAgreementMade": (("document", 16, "执行协议"),),
    "EnforcementSuspended": (("document", 16, "中止执行决定书"),),
    "EnforcementResumed": (("document", 16, "恢复执行决定书"),),
    "EnforcementTerminated": (("document", 16, "终结执行决定书"),),
    "RestitutionMade": (("document", 16, "执行回转记录"),),
    "CourtEnforcementRuled": (("document", 16, "法院强制执行裁定"),),
    "CaseClosed": (("report", 18, "结案报告"),),
}

# steps that are their own record (no file field): step type -> (item, title)
_ENTRIES: Final[dict[str, tuple[int, str]]] = {
    "CaseSourceRecorded": (3, "案件来源登记表"),
    "RecusalRequested": (5, "回避申请"),
    "RecusalDecided": (5, "回避决定"),
    "StatementReviewed": (10, "陈述申辩复核意见"),
    "HearingRequested": (11, "听证申请"),
    "HearingAbandoned": (11, "听证终止记录"),
    "TimeLimitExtended": (14, "延长办案期限审批"),
    "DecisionCorrected": (15, "纠错决定"),
    "PaymentRecorded": (16, "罚没款缴纳凭证"),
    "CashHandedOver": (16, "当场收缴罚款交存记录"),
    "PaymentDeferred": (16, "暂缓（分期）缴纳罚款审批"),
    "CourtEnforcementApplied": (16, "强制执行申请"),
    "DecisionPublished": (17, "公示记录"),
    "PublicationSuppressed": (17, "不予公开决定"),
    "PublicationCorrectionRequested": (17, "公开信息更正申请"),
    "PublicationCorrected": (17, "公开信息更正记录"),
    "PublicationWithdrawn": (17, "公开信息撤下及说明"),
    "RecordCorrected": (19, "记录补正说明"),
}

_AV_TYPES: Final = ("video/", "audio/")
RECORDED: Final = frozenset(_DOCS) | frozenset(_ENTRIES)


_NAMED: Final[dict[str, tuple[str, ...]]] = {
    "CaseRegistered": ("approved_by",), "InquiryRecorded": ("officers",), "InspectionRecorded": ("officers",),
    "EvidenceCollected": ("collected_by",), "EvidencePreserved": ("officers", "approved_by"),
    "RecusalDecided": ("decided_by",), "HearingHeld": ("presider",), "LegalReviewCompleted": ("reviewer",),
    "CollectiveDiscussionHeld": ("attendees",), "TimeLimitExtended": ("approved_by",),
    "DecisionMade": ("approved_by",), "SummaryDecisionMade": ("officers",), "PaymentDeferred": ("approved_by",),
    "TransferDecided": ("decided_by",), "CaseClosed": ("approved_by",), "ReconsiderationExtended": ("approved_by",),
    "CoercionApprovalDecided": ("decided_by",), "SeizureImposed": ("officers",), "FreezeImposed": ("officers",),
    "CoercionExtended": ("approved_by",), "EnforcementDecided": ("approved_by",),
    "EnforcementCarriedOut": ("officers",), "EnforcementSuspended": ("decided_by",),
    "EnforcementTerminated": ("decided_by",),
}
"""The fields of each step (steps.md) that name officers: who acted, approved, reviewed, presided."""


def officers_of(kind: str, data: Mapping[str, Any], by: str) -> tuple[str, ...]:
    """The officers a step names (those who acted, approved, reviewed); ``by`` when it names none."""
    return _named(_NAMED.get(kind), data, by)


def officers_named(fields: Mapping[str, tuple[str, ...]]) -> Callable[[str, Mapping[str, Any], str], tuple[str, ...]]:
    """:func:`officers_of` with a kind's own ``fields`` naming officers (step type → fields) first."""
    def named(kind: str, data: Mapping[str, Any], by: str) -> tuple[str, ...]:
        keys = fields.get(kind)
        return officers_of(kind, data, by) if keys is None else _named(keys, data, by)
    return named


def _named(keys: tuple[str, ...] | None, data: Mapping[str, Any], by: str) -> tuple[str, ...]:
    if keys is None:
        return (by,) if by else ()
    names: list[str] = []
    for key in keys:
        value = data.get(key)
        if isinstance(value, str):
            if value:
                names.append(value)
        elif isinstance(value, list):
            names += [v for v in value if isinstance(v, str) and v]
    if not names:
        return (by,) if by else ()
    return tuple(dict.fromkeys(names)) if len(names) > 1 else (names[0],)


def _document(stream: str, version: int, kind: str, at: datetime, officers: tuple[str, ...], field_name: str,
              item: int, title: str, ref: object, av_field: bool) -> Document | None:
    if not isinstance(ref, dict):
        return None
    media = ref.get("media_type")
    media = media if isinstance(media, str) and media else None
    name = ref.get("name")
    name = name if isinstance(name, str) and name else None
    sha = ref.get("sha256")
    size = ref.get("bytes")
    is_av = av_field or (media is not None and media.startswith(_AV_TYPES))
    return Document(
        stream, version, kind, field_name, item, name or title, name, sha if isinstance(sha, str) and sha else None,
        size if isinstance(size, int) and not isinstance(size, bool) else None, media, "av" if is_av else "written",
        STEP_STAGE.get(kind, ""), at, officers,
    )


DocSpecs = Mapping[str, tuple[tuple[str, int, str], ...]]
"""Step type -> (field, catalogue item, title) of each paper it references (``[]``: a list)."""


def _member(data: Mapping[str, Any], name: str) -> object:
    """``data[name]``; a dotted name reads a nested object (``decision.document``)."""
    if "." not in name:
        return data.get(name)
    value: object = data
    for part in name.split("."):
        value = value.get(part) if isinstance(value, Mapping) else None
    return value


def papers_of(stream: str, version: int, kind: str, data: Mapping[str, Any], at: datetime,
              officers: tuple[str, ...], specs: tuple[tuple[str, int, str], ...]) -> list[Document]:
    """The referenced files a step holds, by its ``specs`` (shared by every kind of file)."""
    found: list[Document] = []
    for field_name, item, title in specs:
        if field_name.endswith("[]"):
            base = field_name[:-2]
            values = data.get(base)
            if isinstance(values, list):
                for i, ref in enumerate(values):
                    doc = _document(stream, version, kind, at, officers, f"{base}[{i}]", item, title, ref,
                                    base == "av")
                    if doc is not None:
                        found.append(doc)
            continue
        doc = _document(stream, version, kind, at, officers, field_name, item, title, _member(data, field_name),
                        False)
        if doc is not None:
            found.append(doc)
    return found


def documents_of(stream: str, version: int, kind: str, data: Mapping[str, Any], at: datetime,
                 officers: tuple[str, ...]) -> list[Document]:
    specs = _DOCS.get(kind)
    found: list[Document] = []
    if specs is not None:
        found = papers_of(stream, version, kind, data, at, officers, specs)
        if kind == "EvidenceCollected" and found and data.get("identifies_party") is True:
            found = [_with_item(d, 5) for d in found]  # identity documents go with the inquiries (item 5)
        if kind == "CaseClosed" and not found:
            found.append(_entry(stream, version, kind, at, officers, 18, "结案审批"))
        return found
    spec = _ENTRIES.get(kind)
    if spec is not None:
        title = spec[1]
        if kind == "PaymentRecorded" and text_of(data.get("receipt_no")):
            title = f"{title}（票据号 {data['receipt_no']}）"
        found.append(_entry(stream, version, kind, at, officers, spec[0], title))
    return found


def _with_item(doc: Document, item: int) -> Document:
    return Document(doc.stream, doc.version, doc.step, doc.field, item, doc.title, doc.name, doc.sha256, doc.bytes,
                    doc.media_type, doc.kind, doc.stage, doc.at, doc.officers)


def _entry(stream: str, version: int, kind: str, at: datetime, officers: tuple[str, ...], item: int,
           title: str) -> Document:
    return entry_of(stream, version, kind, at, officers, item, title)


def entry_of(stream: str, version: int, kind: str, at: datetime, officers: tuple[str, ...], item: int,
             title: str) -> Document:
    """A step that is its own record (no file): the signed event is the paper."""
    return Document(stream=stream, version=version, step=kind, field="", item=item, title=title, name=None,
                    sha256=None, bytes=None, media_type=None, kind="entry", stage=STEP_STAGE.get(kind, ""), at=at,
                    officers=officers)


def build_catalogue(documents: Sequence[Document], order: str, *,
                    volumes: tuple[tuple[str, tuple[int, ...]], ...] | None = None,
                    titles: Mapping[int, str] = CATALOGUE_ITEMS,
                    unpaginated: frozenset[int] = UNPAGINATED) -> tuple[CatalogueEntry, ...]:
    """The 卷内目录: cover and catalogue first, the documents by item (then by event), 备考表 last.

    A file referenced twice (the inspection record also filed as evidence E1) is listed
    once, at its first place; the documents themselves all stay in ``CaseFile.documents``.
    ``volumes``, ``titles`` and ``unpaginated`` give another kind of file its own list (EVAL-09's
    licence file); by default the penalty file's (EVAL-04) in the ``order`` setting.
    """
    by_item: dict[int, list[Document]] = {}
    for doc in documents:
        by_item.setdefault(doc.item, []).append(doc)
    entries: list[CatalogueEntry] = []
    for volume, items in volumes if volumes is not None else catalogue_order(order):
        seq = 0
        listed: set[str] = set()
        for item in items:
            for doc in by_item.get(item, ()):
                if doc.sha256 is not None:
                    if doc.sha256 in listed:
                        continue  # the same file filed again (an evidence copy of a record): listed once
                    listed.add(doc.sha256)
                seq += 1
                on = on_day(doc.at)
                entries.append(CatalogueEntry(volume, seq, item, titles[item], doc.title, doc.version, on,
                                              doc.sha256, item not in unpaginated))
            if item in unpaginated:  # cover, catalogue and 备考表: produced by the file itself
                seq += 1
                entries.append(CatalogueEntry(volume, seq, item, titles[item], titles[item], None, None, None,
                                              False))
    return tuple(entries)
