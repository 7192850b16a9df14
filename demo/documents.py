"""The demo's 文书 as files: a one-page PDF per document, so a reviewer can open what a step cites.

A demo records thousands of documents, so each is written by hand in a few microseconds
rather than laid out by a PDF library: one page, the title and a few lines of real text in
the PDF standard's CJK font ``STSong-Light`` (Adobe-GB1, ``UniGB-UCS2-H``: every reader
supplies it, nothing is embedded). Pure and deterministic: the same lines give the same
bytes, so a step can cite the file by its SHA-256 before the file is stored.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

__all__ = ["one_page_pdf"]

_FONT: Final = (b"<</Type/Font/Subtype/Type0/BaseFont/STSong-Light/Encoding/UniGB-UCS2-H/DescendantFonts["
                b"<</Type/Font/Subtype/CIDFontType0/BaseFont/STSong-Light/CIDSystemInfo<</Registry(Adobe)"
                b"/Ordering(GB1)/Supplement 2>>/DW 1000/W[1 95 500]/FontDescriptor<</Type/FontDescriptor"
                b"/FontName/STSong-Light/Flags 6/FontBBox[-25 -254 1000 880]/ItalicAngle 0/Ascent 880"
                b"/Descent -120/CapHeight 880/StemV 93>>>>]>>")


def _text(line: str) -> bytes:
    """A line as a PDF hex string of UCS-2 codes (a character beyond the BMP becomes a question mark)."""
    if any(ord(c) > 0xFFFF for c in line):
        line = "".join(c if ord(c) <= 0xFFFF else "?" for c in line)
    return b"<" + line.encode("utf-16-be").hex().encode() + b">"


def one_page_pdf(title: str, lines: Sequence[str]) -> bytes:
    """An A4 page: ``title`` large at the top, then ``lines``; a valid PDF 1.4 file."""
    ops = [b"BT /F1 20 Tf 72 760 Td " + _text(title) + b" Tj ET"]
    y = 720
    for line in lines:
        ops.append(b"BT /F1 11 Tf 72 %d Td " % y + _text(line) + b" Tj ET")
        y -= 20
    content = b"\n".join(ops)
    objects = [
        b"<</Type/Catalog/Pages 2 0 R>>",
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Resources<</Font<</F1 4 0 R>>>>/Contents 5 0 R>>",
        _FONT,
        b"<</Length %d>>stream\n" % len(content) + content + b"\nendstream",
    ]
    return pdf_file(objects)


def pdf_file(objects: Sequence[bytes]) -> bytes:
    """A PDF 1.4 file of ``objects`` (numbered from 1; the first is the catalogue) with its xref table."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)
