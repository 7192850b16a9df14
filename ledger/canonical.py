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


def _check(value: Any, path: str) -> None:
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return
    if isinstance(value, int):
        if abs(value) > MAX_SAFE_INT:
            raise EncodingError(f"{path}: 整数超出可互操作范围 (|n| ≤ 2^53-1): {value}")
        return
    if isinstance(value, float):
        raise EncodingError(f"{path}: 不允许浮点数 (金额以分为整数): {value!r}")
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise EncodingError(f"{path}: 对象的键必须是字符串: {key!r}")
            _check(item, f"{path}.{key}")
        return
    if isinstance(value, list | tuple):
        for i, item in enumerate(value):
            _check(item, f"{path}[{i}]")
        return
    raise EncodingError(f"{path}: 不支持的类型 {type(value).__name__}")


def encode(value: Any) -> bytes:
    """The canonical bytes of a JSON value; refuses what has no canonical form."""
    _check(value, "$")
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)


def decode(data: bytes) -> Any:
    """Parse bytes and insist they are canonical, so one value has exactly one encoding."""
    try:
        value = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise NotCanonicalError(f"不是合法的 JSON: {exc}") from exc
    if encode(value) != data:
        raise NotCanonicalError("字节不是规范编码 (键顺序、空白或转义与规范不一致)")
    return value
