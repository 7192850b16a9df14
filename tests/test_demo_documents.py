"""The demo's 文书 have content (issue 13, defect 12): one-page PDFs the steps cite by their SHA-256,
put in the document store by ``demo`` so a reviewer can open them from the case page."""

from __future__ import annotations

import contextlib
import hashlib
import io
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from api.cli import main
from api.documents import DocumentStore
from demo import generate
from demo.documents import one_page_pdf
from tests.helpers.cli_data import cli_data
from tests.helpers.examples import scaled

AS_OF = date(2026, 11, 25)


def references(value: Any) -> Iterator[dict[str, Any]]:
    """Every document reference ({sha256, bytes, media_type, name}) inside a step's data."""
    if isinstance(value, dict):
        if isinstance(value.get("sha256"), str) and "media_type" in value:
            yield value
        for v in value.values():
            yield from references(v)
    elif isinstance(value, list):
        for v in value:
            yield from references(v)


def text_of(data: bytes) -> str:
    return "".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


@settings(max_examples=scaled(5), deadline=None)
@given(st.integers(min_value=0, max_value=10_000))
def test_every_cited_pdf_is_generated_with_the_hash_the_step_cites(seed: int) -> None:
    data = generate(6, seed, AS_OF)
    again = generate(6, seed, AS_OF)
    assert {k: v.content for k, v in data.documents.items()} == {k: v.content for k, v in again.documents.items()}
    cited = 0
    for case in data.cases:
        for step in case.steps:
            for ref in references(step["data"]):
                if ref["media_type"] != "application/pdf":
                    continue
                cited += 1
                doc = data.documents[ref["sha256"]]
                assert hashlib.sha256(doc.content).hexdigest() == ref["sha256"] and len(doc.content) == ref["bytes"]
                assert doc.agency == step["data"].get("agency", doc.agency) and doc.agency.startswith("agency/")
    assert cited > 0


def test_a_generated_document_is_a_readable_one_page_pdf() -> None:
    data = generate(3, 1, AS_OF)
    case = data.cases[0]
    doc = next(iter(r for s in case.steps for r in references(s["data"]) if r["media_type"] == "application/pdf"))
    content = data.documents[doc["sha256"]].content
    reader = PdfReader(io.BytesIO(content))
    assert len(reader.pages) == 1
    text = text_of(content)
    assert doc["name"] in text and case.stream.split("/", 1)[1] in text and "演示" in text
    assert one_page_pdf("标题", ["一行"]) == one_page_pdf("标题", ["一行"])
    assert text_of(one_page_pdf("标题", ["\U00020000字"])).endswith("?字")  # beyond UCS-2: a question mark


def test_demo_puts_the_documents_in_the_store(tmp_path: Path) -> None:
    monkeypatch = pytest.MonkeyPatch()
    try:
        data = cli_data(tmp_path, monkeypatch)
        with contextlib.redirect_stdout(io.StringIO()):
            assert main(["--data", str(data), "demo", "--cases", "8", "--seed", "2", "--as-of",
                         AS_OF.isoformat()]) == 0
    finally:
        monkeypatch.undo()
    generated = generate(8, 2, AS_OF)
    store = DocumentStore(data / "documents", max_bytes=1 << 30)
    assert generated.documents
    for sha256, doc in generated.documents.items():
        assert store.exists(sha256)
        assert hashlib.sha256(store.path(sha256).read_bytes()).hexdigest() == sha256
        meta = store.meta(sha256)
        assert meta is not None and meta.media_type == doc.media_type and meta.agencies == [doc.agency]
        # the 文书 are PDFs; a spot check's object directory snapshot is its canonical key list
        assert doc.media_type == "application/pdf" or doc.content.decode().endswith("\n")
