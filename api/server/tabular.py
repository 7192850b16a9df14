"""The list routes' other answers: the same rows as CSV or XLSX (``api.tables_export``).

A list route answers JSON unless ``?format=csv|xlsx`` asks for a spreadsheet, or, without
``format``, its ``Accept`` header prefers ``text/csv`` or the XLSX media type to JSON
(``?format=json`` always answers JSON). The spreadsheet holds the rows the JSON would hold,
under the same filters and access checks, and comes as an attachment named after the list.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from fastapi import Query, Request, Response

from api.tables_export import FORMATS, MEDIA_TYPES, Table, content_disposition, filename, write

__all__ = ["TABLE_RESPONSES", "FormatQuery", "TableFormat", "table_format", "table_response"]

TableFormat = Literal["json", "csv", "xlsx"]

FormatQuery: Any = Query(None, alias="format",
                         description="json (默认) | csv (UTF-8 BOM) | xlsx; 亦可用 Accept: text/csv 或 XLSX 媒体类型")

TABLE_RESPONSES: dict[int | str, dict[str, Any]] = {200: {
    "description": "JSON; 或 ?format=csv|xlsx (或 Accept) 时为同样的行的电子表格 (附件)",
    "content": {
        "text/csv": {"schema": {"type": "string"}},
        MEDIA_TYPES["xlsx"]: {"schema": {"type": "string", "format": "binary"}},
    },
}}

_BY_MEDIA = {"text/csv": "csv", MEDIA_TYPES["xlsx"]: "xlsx"}


def table_format(request: Request, fmt: str | None) -> str | None:
    """``csv`` or ``xlsx`` when the request asks for a spreadsheet; None for JSON."""
    if fmt is not None:
        return fmt if fmt in FORMATS else None
    best: tuple[float, int, str | None] | None = None
    for index, part in enumerate(request.headers.get("accept", "").split(",")):
        media, *params = (p.strip() for p in part.split(";"))
        weight = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        if media.lower() in _BY_MEDIA:
            kind: str | None = _BY_MEDIA[media.lower()]
        elif media.lower() in ("application/json", "application/*", "*/*"):
            kind = None
        else:
            continue
        if weight > 0 and (best is None or (weight, -index) > best[:2]):
            best = (weight, -index, kind)
    return best[2] if best is not None else None


def table_response(table: Table, fmt: str, *, day: date | None = None,
                   headers: dict[str, str] | None = None) -> Response:
    """The table as an attachment (``Content-Disposition``), never cached by intermediaries."""
    return Response(write(table, fmt), media_type=MEDIA_TYPES[fmt], headers={
        "Content-Disposition": content_disposition(filename(table, fmt, day)), "Cache-Control": "no-store",
        "Vary": "Accept", **(headers or {})})
