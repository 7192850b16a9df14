"""卷内目录 page numbers: each document's page count, taken from the stored PDF, and the pages it
occupies in its volume.

The ledger records documents by hash, size and media type, not by page count; so the count is
derived from the stored file when there is one (a PDF's page tree says how many pages it has).
Where it cannot be known — no stored file, not a PDF, a page tree this reader cannot see (in a
compressed object stream) — the catalogue says so (页数未知), and the pages after it in the
volume are not numbered either: a guessed number in a 卷内目录 would be a wrong one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

__all__ = ["UNKNOWN", "counter", "media_types", "number_pages", "pdf_page_count"]

UNKNOWN = "页数未知"
_LEAF = re.compile(rb"/Type\s*/Page(?![A-Za-z])")
_TREE = re.compile(rb"<<(?:(?!<<|>>).)*?/Type\s*/Pages(?![A-Za-z])(?:(?!<<|>>).)*?>>", re.S)
_COUNT = re.compile(rb"/Count\s+(\d+)")
MAX_BYTES = 64 * 1024 * 1024
"""PDFs larger than this are not read to count pages (their count stays unknown)."""


def pdf_page_count(data: bytes) -> int | None:
    """The number of pages of a PDF: the largest ``/Count`` of its page-tree nodes (the root's),
    else the number of page objects; None when ``data`` is no PDF or neither can be seen."""
    if not data.startswith(b"%PDF-"):
        return None
    counts = [int(c) for tree in _TREE.findall(data) for c in _COUNT.findall(tree)]
    if counts:
        return max(counts) or None
    leaves = len(_LEAF.findall(data))
    return leaves or None


@lru_cache(maxsize=4096)
def _count_file(path: str, size: int) -> int | None:
    with open(path, "rb") as handle:
        return pdf_page_count(handle.read())


def counter(path_of: Callable[[str], Path]) -> Callable[[str], int | None]:
    """A page counter over a document store (``DocumentStore.path``): by hash, remembered (a stored
    file never changes under its hash)."""

    def count(sha256: str) -> int | None:
        try:
            path = path_of(sha256)
            size = path.stat().st_size
        except (OSError, ValueError):
            return None
        if size > MAX_BYTES:
            return None
        try:
            return _count_file(str(path), size)
        except OSError:
            return None

    return count


def number_pages(catalogue: Sequence[Mapping[str, Any]], count: Callable[[str], int | None],
                 media: Mapping[str, str] | None = None) -> list[dict[str, Any]]:
    """The catalogue's lines with ``pages`` (the document's count or None), ``page_from``/``page_to``
    (its pages in its volume, None when unknown) and ``page_label`` (起止页码, 不编页 or 页数未知).
    Paginated documents are numbered from 1 in each volume, in catalogue order; an audio-visual
    record (``media``: sha256 → media type, from the case's records) has no pages and is not
    numbered (音像资料), as a disc in a paper file is not."""
    out: list[dict[str, Any]] = []
    next_page: dict[str, int | None] = {}
    for line in catalogue:
        row = dict(line)
        volume = str(row.get("volume") or "")
        sha = row.get("sha256")
        kind = (media or {}).get(str(sha), "") if sha else ""
        audiovisual = kind.startswith(("video/", "audio/"))
        pages = count(str(sha)) if sha and not audiovisual else None
        row["pages"] = pages
        row["page_from"] = row["page_to"] = None
        if not row.get("paginated") or audiovisual:
            row["page_label"] = "音像资料，不编页" if audiovisual and row.get("paginated") else "不编页"
            out.append(row)
            continue
        start = next_page.get(volume, 1)
        if pages is None:
            row["page_label"] = UNKNOWN
            next_page[volume] = None
        elif start is None:
            row["page_label"] = f"共 {pages} 页（起页未知：前有页数未知的文件）"
        else:
            row["page_from"], row["page_to"] = start, start + pages - 1
            row["page_label"] = str(start) if pages == 1 else f"{start}–{start + pages - 1}"
            next_page[volume] = start + pages
        out.append(row)
    return out


def media_types(records: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    """sha256 → media type, from a case file's records (``proj_records``)."""
    return {str(r["sha256"]): str(r.get("media_type") or "") for r in records if r.get("sha256")}
