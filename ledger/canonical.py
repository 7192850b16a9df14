"""Canonical JSON bytes: the one encoding every hash and signature is computed over.

The rules (docs/canonical-encoding.md repeats them for verifiers in other languages):
UTF-8 JSON as orjson writes it with sorted keys: no insignificant whitespace, object
keys sorted by code point, non-ASCII characters written as themselves, only ``"``,
``\\`` and control characters escaped; integers only (no floats: money is fen), in the
interoperable range |n| <= 2**53 - 1; strings kept exactly as written (timestamps
are never reformatted).
"""

from __future__ import annotations

from typing import Any

import orjson

MAX_SAFE_INT = 2**53 - 1


class EncodingError(ValueError):
    """A value that has no canonical encoding (a float, a huge integer, a non-string key)."""


class NotCanonicalError(ValueError):
    """Bytes that decode but are not the canonical encoding of what they hold."""


def _check(value: Any, path: str = "$") -> None:
    kind = type(value)
    if kind is str or kind is bool or value is None:
        return
    if kind is int:
        if -MAX_SAFE_INT <= value <= MAX_SAFE_INT:
            return
        raise EncodingError(f"{path}: 整数超出可互操作范围 (|n| ≤ 2^53-1): {value}")
    if kind is dict:
        for key, item in value.items():
            if type(key) is not str:
                raise EncodingError(f"{path}: 对象的键必须是字符串: {key!r}")
            if type(item) is not str:
                _check(item, f"{path}.{key}")
        return
    if kind is list or kind is tuple:
        for i, item in enumerate(value):
            if type(item) is not str:
                _check(item, f"{path}[{i}]")
        return
    if isinstance(value, float):
        raise EncodingError(f"{path}: 不允许浮点数 (金额以分为整数): {value!r}")
    if isinstance(value, bool | int | str | dict | list | tuple):
        raise EncodingError(f"{path}: 请使用基本类型而非子类 {kind.__name__}")
    raise EncodingError(f"{path}: 不支持的类型 {kind.__name__}")


def encode(value: Any) -> bytes:
    """The canonical bytes of a JSON value; refuses what has no canonical form."""
    _check(value)
    try:
        return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
    except orjson.JSONEncodeError as exc:  # e.g. a lone surrogate in a string
        raise EncodingError(f"无法编码: {exc}") from exc


def decode(data: bytes, *, values: bool = True) -> Any:
    """Parse bytes and insist they are canonical, so one value has exactly one encoding.

    ``values=False`` leaves the value check (no floats, integer range) to a caller that
    knows which members can hold free values and checks those itself (``check``).
    """
    try:
        value = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise NotCanonicalError(f"不是合法的 JSON: {exc}") from exc
    if values:
        _check(value)
    try:
        again = orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
    except orjson.JSONEncodeError as exc:
        raise NotCanonicalError(f"无法重新编码: {exc}") from exc
    if again != data:
        raise NotCanonicalError("字节不是规范编码 (键顺序、空白或转义与规范不一致)")
    return value


def check(value: Any) -> None:
    """Refuse a value without a canonical encoding (floats, huge integers, other types)."""
    _check(value)


def encode_checked(value: Any) -> bytes:
    """The canonical bytes of a value whose members the caller has already ``check``-ed."""
    try:
        return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
    except orjson.JSONEncodeError as exc:
        raise EncodingError(f"无法编码: {exc}") from exc
