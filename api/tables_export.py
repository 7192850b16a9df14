"""Spreadsheets officials work in: statistics, warnings, case lists, evaluations and rectifications
as CSV or XLSX.

Each export is a :class:`Table` built once — a title and its columns, each a Chinese header, a
kind and how to read the value from a row — and written by :func:`write` in either format, so
the CLI (``--format csv|xlsx``), the API (``Accept: text/csv``, ``?format=xlsx``) and the pages'
download links give the same rows and columns.

How values are written, by kind:

| kind | CSV (UTF-8 with BOM, so Excel reads Chinese) | XLSX |
|---|---|---|
| money (integer fen) | ``1,234.56 元`` (``domain.money.yuan``) | a number in yuan, ``#,##0.00``; the header says 元 |
| date | ``2026-03-02`` | a date cell |
| time | ``2026-03-02 09:00:00+08:00`` | a date-time cell in Beijing time (the header says so) |
| rate | ``12.5%`` | a number, ``0.0%`` |
| text | as is; a leading ``= + - @`` is quoted with ``'`` | a text cell (never a formula) |

Codes are never shown: every status, outcome, colour and kind goes through the Chinese
labels of :mod:`projections.labels`.
"""

from __future__ import annotations

import csv
import io
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Final
from urllib.parse import quote

from domain.calendar import SHANGHAI
from domain.money import yuan
from projections.labels import (
    GRADE_LABELS,
    OUTCOME_LABELS,
    PARTY_KIND_LABELS,
    PROCEDURE_LABELS,
    RECTIFICATION_STATE_LABELS,
    STATUS_LABELS,
    WARNING_LABELS,
    deadline_label,
)
from projections.sql import Database
from projections.statistics import METRIC_LABELS, MONEY_METRICS, RATES

__all__ = [
    "FORMATS",
    "MEDIA_TYPES",
    "Column",
    "Names",
    "Table",
    "cases_table",
    "content_disposition",
    "evaluations_table",
    "filename",
    "rectifications_table",
    "save",
    "statistics_table",
    "warnings_table",
    "write",
]

TEXT: Final = "text"
INT: Final = "int"
MONEY: Final = "money"
DATE: Final = "date"
TIME: Final = "time"
RATE: Final = "rate"

FORMATS: Final = ("csv", "xlsx")
MEDIA_TYPES: Final = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
_NUMBER_FORMATS: Final = {MONEY: "#,##0.00", DATE: "yyyy-mm-dd", TIME: "yyyy-mm-dd hh:mm:ss", RATE: "0.0%"}
_FORMULA_START: Final = ("=", "+", "-", "@", "\t", "\r")
_CONTROL: Final = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


@dataclass(frozen=True)
class Column:
    """One column: its Chinese header, its kind, and its value in a row."""

    header: str
    value: Callable[[Any], Any]
    kind: str = TEXT


@dataclass(frozen=True)
class Table:
    """A titled list of rows under columns; :func:`write` turns it into CSV or XLSX."""

    title: str
    columns: Sequence[Column]
    rows: Sequence[Any]

    def headers(self) -> list[str]:
        return [c.header for c in self.columns]

    def cells(self) -> Iterator[list[Any]]:
        """Each row's values, normalised by kind (fen as int, dates as date, times as aware datetimes)."""
        for row in self.rows:
            yield [_normal(c.kind, c.value(row)) for c in self.columns]


@dataclass(frozen=True)
class Names:
    """Agency and officer names (the public registry) for readable cells."""

    agencies: Mapping[str, str] = field(default_factory=dict)
    officers: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, db: Database) -> Names:
        """The names the registry tables hold (empty when the read models are not built)."""
        def pairs(table: str) -> dict[str, str]:
            if not db.exists(table):
                return {}
            return {str(r[0]): str(r[1]) for r in db.all(f"SELECT stream, name FROM {db.qualify(table)}")}
        return cls(pairs("pub_agencies"), pairs("pub_officers"))

    def agency(self, stream: Any) -> str:
        return self.agencies.get(str(stream or ""), "") if stream else ""

    def officer(self, identity: Any) -> str:
        name = self.officers.get(str(identity or ""))
        return f"{name}（{_code(identity)}）" if name else _code(identity)

    def officer_list(self, identities: Iterable[Any]) -> str:
        return "、".join(self.officer(i) for i in dict.fromkeys(identities or ()))


# --------------------------------------------------------------------------- writing


def write(table: Table, fmt: str) -> bytes:
    """The table as ``csv`` or ``xlsx`` bytes."""
    if fmt == "csv":
        return _csv(table)
    if fmt == "xlsx":
        return _xlsx(table)
    raise ValueError(f"unknown table format {fmt!r} (csv, xlsx)")


def save(data: bytes, output: str | None) -> None:
    """The CLI's ``-o FILE``: bytes to ``output``, or to standard output as they are (XLSX included)."""
    if output:
        Path(output).write_bytes(data)
        return
    sys.stdout.flush()
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()


def filename(table: Table, fmt: str, day: date | None = None) -> str:
    """``案件列表-2026-04-20.xlsx``: the title and the day it was read as of."""
    return f"{table.title}" + (f"-{day.isoformat()}" if day is not None else "") + f".{fmt}"


def content_disposition(name: str) -> str:
    """An attachment header naming the file in ASCII and, for the Chinese title, RFC 5987 UTF-8."""
    ascii_name = name.encode("ascii", "replace").decode("ascii").replace("?", "_").replace('"', "_")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"


def _csv(table: Table) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(table.headers())
    kinds = [c.kind for c in table.columns]
    for cells in table.cells():
        writer.writerow([_csv_text(kind, value) for kind, value in zip(kinds, cells, strict=True)])
    return "\ufeff".encode() + out.getvalue().encode("utf-8")


def _csv_text(kind: str, value: Any) -> str:
    if value is None:
        return ""
    if kind == MONEY:
        return yuan(int(value))
    if kind == RATE:
        return f"{float(value) * 100:.1f}%"
    if kind == TIME:
        return str(value.isoformat(sep=" ", timespec="seconds"))
    if kind == DATE:
        return str(value.isoformat())
    text = str(value)
    return "'" + text if kind == TEXT and text.startswith(_FORMULA_START) else text


def _xlsx(table: Table) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    sheet = book.create_sheet(_sheet_title(table.title))
    kinds = [c.kind for c in table.columns]
    headers = table.headers()
    body = list(table.cells())
    for index, header in enumerate(headers):  # wide enough for the header and the first rows, within reason
        shown = [_width(header)] + [_width(_csv_text(kinds[index], row[index])) for row in body[:200]]
        sheet.column_dimensions[_letter(index)].width = max(6, min(50, max(shown) + 2))
    sheet.freeze_panes = "A2"
    if headers:
        sheet.auto_filter.ref = f"A1:{_letter(len(headers) - 1)}{len(body) + 1}"
    bold = Font(bold=True)
    header_row = []
    for text in headers:
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = bold
        header_row.append(cell)
    sheet.append(header_row)
    for cells in body:
        row = []
        for kind, value in zip(kinds, cells, strict=True):
            cell = WriteOnlyCell(sheet, value=_xlsx_value(kind, value))
            if kind == TEXT and value is not None:
                cell.data_type = "s"  # a party name beginning with "=" stays text, never a formula
            if kind in _NUMBER_FORMATS:
                cell.number_format = _NUMBER_FORMATS[kind]
            row.append(cell)
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _width(text: str) -> int:
    """Display width: a CJK character takes two columns."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _xlsx_value(kind: str, value: Any) -> Any:
    if value is None:
        return None
    if kind == MONEY:
        return Decimal(int(value)).scaleb(-2)
    if kind == TIME:
        return value.astimezone(SHANGHAI).replace(tzinfo=None)  # Excel has no zones: Beijing time, said in the header
    return value


def _sheet_title(title: str) -> str:
    cleaned = "".join("_" if ch in "[]:*?/\\" else ch for ch in title)
    return cleaned[:31] or "Sheet"


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(index + 1))


def _normal(kind: str, value: Any) -> Any:
    """A cell's value in the one shape its kind has, or None when empty or unreadable."""
    if value is None or value == "":
        return None
    if kind in (INT, MONEY):
        return int(value)
    if kind == RATE:
        return float(value)
    if kind == DATE:
        if isinstance(value, datetime):
            return value.astimezone(SHANGHAI).date() if value.tzinfo else value.date()
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value)[:10])
        except ValueError:
            return None
    if kind == TIME:
        moment = value if isinstance(value, datetime) else _parse_time(str(value))
        if moment is None or moment.tzinfo is None:
            return None
        return moment.astimezone(SHANGHAI)
    return _CONTROL.sub("\ufffd", str(value))  # XLSX cannot hold C0 controls; both formats show the same mark


def _parse_time(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


# --------------------------------------------------------------------------- tables


def _code(stream: Any) -> str:
    s = str(stream or "")
    return s.split("/", 1)[1] if "/" in s else s


def _get(row: Any, name: str) -> Any:
    return row.get(name) if isinstance(row, Mapping) else getattr(row, name, None)


def _agency_columns(names: Names, key: str = "agency") -> list[Column]:
    return [Column("执法机关", lambda r: names.agency(_get(r, key)) or _code(_get(r, key)) or "未确定机关"),
            Column("机关编码", lambda r: _code(_get(r, key)))]


def statistics_table(blocks: Sequence[Mapping[str, Any]], names: Names) -> Table:
    """One row per agency and year (``projections.queries.statistics``): each count, money in yuan, each rate.

    Step counts (``steps.*``) are left out, as in ``projections stats``; every metric of the
    catalogue (``METRIC_LABELS``) is a column, then the other metrics present, in order."""
    present = {m for b in blocks for m in b["counts"] if not m.startswith("steps.")}
    metrics = [*METRIC_LABELS, *sorted(present - set(METRIC_LABELS))]
    labels = {m: item["label"] for b in blocks for m, item in b["counts"].items()}
    columns = [*_agency_columns(names), Column("年度", lambda b: b["year"], INT)]
    for metric in metrics:
        if metric in MONEY_METRICS:
            columns.append(Column(f"{MONEY_METRICS[metric]}（元）", _count(metric), MONEY))
        else:
            columns.append(Column(labels.get(metric) or METRIC_LABELS.get(metric, metric), _count(metric), INT))
    for name, (label, _, _) in RATES.items():
        columns.append(Column(label, _rate(name), RATE))
    return Table("执法统计", columns, list(blocks))


def _count(metric: str) -> Callable[[Any], Any]:
    return lambda b: (b["counts"].get(metric) or {}).get("value", 0)


def _rate(name: str) -> Callable[[Any], Any]:
    return lambda b: (b["rates"].get(name) or {}).get("value")


def warnings_table(warnings: Sequence[Any], names: Names) -> Table:
    """One row per warning (``projections.queries.warnings``, objects or their JSON)."""
    rows = [w.as_json() if hasattr(w, "as_json") else w for w in warnings]
    return Table("预警", [
        Column("预警", lambda w: WARNING_LABELS.get(w["colour"], w["colour"])),
        Column("案号", lambda w: _code(w["case"])),
        Column("期限", lambda w: w["title"]),
        Column("规则", lambda w: w["rule"]),
        Column("期限状态", lambda w: deadline_label(w["state"], "agency")),
        Column("起算日", lambda w: w["start_on"], DATE),
        Column("截止日", lambda w: w["due_on"], DATE),
        *_agency_columns(names),
        Column("承办人员", lambda w: names.officer_list(w.get("officers") or ())),
    ], rows)


def cases_table(rows: Sequence[Mapping[str, Any]], names: Names, *, evaluated: bool = False,
                coloured: bool = False) -> Table:
    """One row per case of a case list (the pages' ``Reads.cases`` or the API's ``list_cases``), with the
    evaluation's score and grade and the warning colour when the list has them."""
    columns = [
        Column("案号", lambda r: r.get("number") or _code(r.get("grp") or r.get("stream"))),
        *_agency_columns(names),
        Column("程序", lambda r: PROCEDURE_LABELS.get(r.get("procedure") or "", r.get("procedure"))),
        Column("当事人类型", lambda r: PARTY_KIND_LABELS.get(r.get("party_kind") or "", r.get("party_kind"))),
        Column("当事人", lambda r: r.get("party_name")),
        Column("状态", lambda r: r.get("status_label") or STATUS_LABELS.get(r.get("status") or "", r.get("status"))),
        Column("处理结果", lambda r: r.get("outcome_label") or OUTCOME_LABELS.get(r.get("outcome") or "",
                                                                                  r.get("outcome"))),
        Column("决定书文号", lambda r: r.get("document_no")),
        Column("立案日期", lambda r: r.get("registered_on"), DATE),
        Column("决定日期", lambda r: r.get("decided_on"), DATE),
        Column("结案日期", lambda r: r.get("closed_on"), DATE),
        Column("罚款（元）", lambda r: r.get("fine_fen") or None, MONEY),
        Column("已缴纳（元）", lambda r: r.get("paid_fen") or None, MONEY),
    ]
    if evaluated:
        columns += [Column("评查得分", lambda r: r.get("score"), INT),
                    Column("评查等级", lambda r: _grade(r.get("grade")) if r.get("score") is not None else None)]
    if coloured:
        columns.append(Column("预警", lambda r: WARNING_LABELS.get(r.get("colour") or "", "")))
    return Table("案件列表", columns, list(rows))


def _grade(grade: str | None) -> str | None:
    """An evaluation's grade as read: 办理中 for a file without its concluding step (no grade)."""
    return GRADE_LABELS.get(grade, grade)


def evaluations_table(evaluations: Sequence[Any], names: Names) -> Table:
    """One row per evaluated case: an ``audit.model.Evaluation`` (``audit --all``) or a stored
    ``audit.table.EvaluationRow`` (the table the pages and the API read)."""
    def rules(e: Any) -> list[str]:
        return [str(_get(f, "rule")) for f in e.findings]

    def count(severity: str) -> Callable[[Any], int]:
        return lambda e: sum(1 for f in e.findings if _get(f, "severity") == severity)

    return Table("案卷评查", [
        Column("案号", lambda e: _code(e.case)),
        *_agency_columns(names),
        Column("程序", lambda e: PROCEDURE_LABELS.get(e.procedure or "", e.procedure)),
        Column("案件状态", lambda e: STATUS_LABELS.get(e.status or "", e.status)),
        Column("得分", lambda e: e.score, INT),
        Column("等级", lambda e: _grade(e.grade)),
        Column("否决项", lambda e: "是" if e.veto else "否"),
        Column("否决问题数", count("BLOCKER"), INT),
        Column("严重问题数", count("MAJOR"), INT),
        Column("一般问题数", count("MINOR"), INT),
        Column("提示数", count("INFO"), INT),
        Column("问题（规则编号）", lambda e: "、".join(dict.fromkeys(rules(e)))),
        Column("评查基准日", lambda e: e.as_of, DATE),
    ], list(evaluations))


def rectifications_table(rows: Sequence[Mapping[str, Any]], names: Names) -> Table:
    """One row per rectification order (``routes_supervision.rectifications``)."""
    def state(r: Mapping[str, Any]) -> str:
        label = RECTIFICATION_STATE_LABELS.get(r["state"], r["state"])
        return RECTIFICATION_STATE_LABELS["late"] if r.get("late") else label

    return Table("责令整改", [
        Column("监督流", lambda r: r["stream"]),
        *_agency_columns(names),
        Column("案号", lambda r: _code(r.get("case"))),
        Column("问题（规则编号）", lambda r: "、".join(r.get("findings") or ())),
        Column("下达时间（北京时间）", lambda r: r.get("ordered_at"), TIME),
        Column("下达人", lambda r: names.officer(r.get("by"))),
        Column("整改期限", lambda r: r.get("due_on"), DATE),
        Column("报告日期", lambda r: r.get("reported_on"), DATE),
        Column("状态", state),
        Column("整改措施", lambda r: "；".join(r.get("actions") or ())),
    ], list(rows))
