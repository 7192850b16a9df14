"""Legal citations as people read them: ``{"law": …, "article": 81, "clause": 1}`` →
《中华人民共和国大气污染防治法》第八十一条第一款. One place for the numerals, used by the demo's
documents and by every page or export that shows a 依据."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["article", "chinese_numeral", "citation"]

_DIGITS = "零一二三四五六七八九"


def chinese_numeral(n: int) -> str:
    """An article number in Chinese numerals (1 ≤ n ≤ 999): 118 → 一百一十八."""
    if n < 10:
        return _DIGITS[n]
    if n < 20:
        return "十" + (_DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return _DIGITS[n // 10] + "十" + (_DIGITS[n % 10] if n % 10 else "")
    if n >= 1000:
        return str(n)
    rest = n % 100
    text = _DIGITS[n // 100] + "百"
    if rest == 0:
        return text
    if rest < 10:
        return text + "零" + _DIGITS[rest]
    return text + _DIGITS[rest // 10] + "十" + (_DIGITS[rest % 10] if rest % 10 else "")


def _positive(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def article(number: int, clause: int | None = None, item: int | None = None) -> str:
    """第八十一条第一款第（二）项."""
    return (f"第{chinese_numeral(number)}条" + (f"第{chinese_numeral(clause)}款" if clause else "")
            + (f"第（{chinese_numeral(item)}）项" if item else ""))


def citation(entry: Mapping[str, Any] | Any) -> str:
    """One entry of a ``basis`` field as text; anything else as it is written."""
    if not isinstance(entry, Mapping):
        return str(entry)
    law = entry.get("law")
    number = _positive(entry.get("article"))
    head = f"《{law}》" if isinstance(law, str) and law else ""
    if number is None:
        return head or str(dict(entry))
    return head + article(number, _positive(entry.get("clause")), _positive(entry.get("item")))
