"""The documents of a complaint file, each placed in an EVAL-12 item, and the 卷内目录 they make.

Why titles, not recorded names, for what the complainant handed in: a material's file name may
carry the complainant's name (``李某身份证.pdf``), and the catalogue is part of the public file.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, Final

from domain.reading import text_of
from projections.casefile.model import CatalogueEntry, Document
from projections.casefile.reading import on_day
from projections.complaintfile.model import CATALOGUE_ITEMS, UNPAGINATED

__all__ = ["RECORDED", "build_catalogue", "documents_of"]

_DOCS: Final[dict[str, tuple[tuple[str, int, str], ...]]] = {
    "ComplaintReceived": (("record", 3, "投诉举报登记表"), ("materials[]", 3, "投诉举报材料")),
    "ComplaintAccepted": (("notice", 4, "受理告知书"),),
    "ComplaintNotAccepted": (("notice", 4, "不予受理告知书"),),
    "ComplaintTransferred": (("document", 5, "转送（交办）函"),),
    "ComplaintAgencyReported": (("report", 5, "被投诉机关办结报告"),),
    "ComplaintInvestigated": (("record", 6, "调查核实记录"),),
    "TimeLimitExtended": (("notice", 7, "延期告知书"),),
    "ComplaintConcluded": (("document", 8, "处理意见书"),),
    "ComplaintAnswered": (("document", 9, "答复书"), ("receipt", 9, "答复送达凭证")),
    "CaseClosed": (("report", 8, "办结报告"),),
}
"""step type → (field, EVAL-12 item, title); CaseClosed's 办结 goes with the 处理意见 (item 8)."""

_ENTRIES: Final[dict[str, tuple[int, str]]] = {
    "ComplaintAccepted": (4, "受理审批"),
    "TimeLimitExtended": (7, "延期审批"),
    "CaseClosed": (8, "办结审批"),
}
"""Steps that are their own record when they carry no file (the signed event is the record)."""

_NAMELESS: Final = frozenset({"ComplaintReceived"})
"""Steps whose documents are listed by title only (what the complainant handed in)."""

RECORDED: Final = frozenset(_DOCS) | frozenset(_ENTRIES)


def _entry(stream: str, version: int, kind: str, at: datetime, officers: tuple[str, ...], item: int,
           title: str) -> Document:
    return Document(stream, version, kind, "", item, title, None, None, None, None, "entry", "complaint", at,
                    officers)


def _document(stream: str, version: int, kind: str, at: datetime, officers: tuple[str, ...], field_name: str,
              item: int, title: str, ref: Mapping[str, Any]) -> Document:
    media = text_of(ref.get("media_type"))
    name = None if kind in _NAMELESS else text_of(ref.get("name"))
    size = ref.get("bytes")
    is_av = media is not None and media.startswith(("video/", "audio/"))
    return Document(stream, version, kind, field_name, item, name or title, name, text_of(ref.get("sha256")),
                    size if isinstance(size, int) and not isinstance(size, bool) else None, media,
                    "av" if is_av else "written", "complaint", at, officers)


def _referenced(stream: str, version: int, kind: str, data: Mapping[str, Any], at: datetime,
                officers: tuple[str, ...]) -> list[Document]:
    """The files a step references (``{sha256, bytes, media_type, name}``), placed in EVAL-12 items."""
    out: list[Document] = []
    for field_name, item, title in _DOCS.get(kind, ()):
        base = field_name.removesuffix("[]")
        value = data.get(base)
        values = value if field_name.endswith("[]") and isinstance(value, list) else [value]
        for i, ref in enumerate(values):
            if isinstance(ref, Mapping) and text_of(ref.get("sha256")):
                where = f"{base}[{i}]" if field_name.endswith("[]") else base
                out.append(_document(stream, version, kind, at, officers, where, item, title, ref))
    return out


def documents_of(stream: str, version: int, kind: str, data: Mapping[str, Any], at: datetime,
                 officers: tuple[str, ...]) -> list[Document]:
    """The documents one complaint step adds to the file (EVAL-12 items 3–10)."""
    found = _referenced(stream, version, kind, data, at, officers)
    entry = _ENTRIES.get(kind)
    if not found and entry is not None:
        found.append(_entry(stream, version, kind, at, officers, *entry))
    if kind == "ComplaintInvestigated":
        for examined in data.get("streams_examined") or ():
            if isinstance(examined, str) and examined:
                found.append(_entry(stream, version, kind, at, officers, 6, f"调取的账本记录：{examined}"))
    if kind == "ComplaintConcluded" and text_of(data.get("supervision")):
        found.append(_entry(stream, version, kind, at, officers, 10, f"执法监督案卷：{data['supervision']}"))
    return found


def build_catalogue(documents: Sequence[Document]) -> tuple[CatalogueEntry, ...]:
    """The 卷内目录 in EVAL-12's order: 封面 and 目录 first, the documents by item (then by event),
    备考表 last; a file referenced twice is listed once."""
    by_item: dict[int, list[Document]] = {}
    for doc in documents:
        by_item.setdefault(doc.item, []).append(doc)
    entries: list[CatalogueEntry] = []
    listed: set[str] = set()
    for item, item_title in CATALOGUE_ITEMS.items():
        for doc in by_item.get(item, ()):
            if doc.sha256 is not None:
                if doc.sha256 in listed:
                    continue
                listed.add(doc.sha256)
            entries.append(CatalogueEntry("正卷", len(entries) + 1, item, item_title, doc.title, doc.version,
                                          on_day(doc.at), doc.sha256, True))
        if item in UNPAGINATED:
            entries.append(CatalogueEntry("正卷", len(entries) + 1, item, item_title, item_title, None, None, None,
                                          False))
    return tuple(entries)
