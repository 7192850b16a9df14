"""A step's data as people read it: every field by its Chinese name, codes in Chinese, money in
yuan, times in +08:00, citations as text (issue 13, 4). The event page shows these rows; the
signed bytes stay one click away for whoever verifies them."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from domain import money
from domain.calendar import SHANGHAI
from domain.citation import citation
from projections.labels import code_label, field_label

__all__ = ["Row", "moment", "readable"]

_INSTANT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
_STREAM = re.compile(r"^(officer|agency)/[^\s/]+$")


@dataclass
class Row:
    """One field: its label, its value as text, and the rows of a nested object or list of objects."""

    label: str
    text: str = ""
    children: list[Row] = field(default_factory=list)


def moment(value: Any) -> str:
    """An instant in Asia/Shanghai with its offset (``2026-03-02 09:00:05 +08:00``); other text as is."""
    s = "" if value is None else str(value)
    if not _INSTANT.match(s):
        return s or "—"
    try:
        at = datetime.fromisoformat(s.replace("Z", "+00:00"))
    except ValueError:
        return s
    if at.tzinfo is None:
        return at.strftime("%Y-%m-%d %H:%M:%S")
    return at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M:%S %z").replace("+0800", "+08:00")


def _is_citation(value: Any) -> bool:
    return isinstance(value, Mapping) and "law" in value and "article" in value


def _scalar(name: str, value: Any, names: Callable[[str], str]) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int) and name.endswith("_fen"):
        return money.yuan(value)
    if isinstance(value, int | float):
        return str(value)
    text = str(value)
    if _INSTANT.match(text):
        return moment(text)
    if _STREAM.match(text):
        return names(text)
    return code_label(text, name)


def readable(data: Mapping[str, Any], names: Callable[[str], str] = str, *, depth: int = 0) -> list[Row]:
    """The rows of a step's ``data`` (``names``: an officer or agency stream as a person's or body's name)."""
    out: list[Row] = []
    for name, value in data.items():
        label = field_label(name)
        if isinstance(value, Mapping):
            if _is_citation(value):
                out.append(Row(label, citation(value)))
            else:
                out.append(Row(label, "", readable(value, names, depth=depth + 1)))
        elif isinstance(value, list | tuple):
            if value and all(_is_citation(v) for v in value):
                out.append(Row(label, "；".join(citation(v) for v in value)))
            elif any(isinstance(v, Mapping) for v in value):
                children = [Row(f"第 {n} 项", "", readable(v, names, depth=depth + 1) if isinstance(v, Mapping)
                                else [Row("", _scalar(name, v, names))]) for n, v in enumerate(value, start=1)]
                out.append(Row(label, "" if children else "—", children))
            else:
                out.append(Row(label, "、".join(_scalar(name, v, names) for v in value) or "—"))
        else:
            out.append(Row(label, _scalar(name, value, names)))
    return out
