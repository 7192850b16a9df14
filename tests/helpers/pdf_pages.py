"""Reading the exported PDF files in the tests: the pages' text and a page's section heading."""

from __future__ import annotations

import io

from pypdf import PdfReader

SECTIONS = ("一、卷内目录", "二、文书目录", "三、时间线", "四、期限", "五、评查", "附录、核验")


def heading(text: str) -> str:
    """The first line under the running header and the page number: a section's heading."""
    lines = [line.strip() for line in text.splitlines()]
    return lines[2] if len(lines) > 2 else ""


def pages_of(data: bytes) -> list[str]:
    assert data.startswith(b"%PDF-")
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages]
