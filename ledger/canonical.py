"""Canonical JSON bytes: the one encoding every hash and signature is computed over.

The rules (docs/canonical-encoding.md repeats them for verifiers in other languages):
UTF-8 JSON as orjson writes it with sorted keys: no insignificant whitespace, object
keys sorted by code point, non-ASCII characters written as themselves, only ``"``,
``\\`` and control characters escaped; integers only (no floats: money is fen), in the
interoperable range |n| <= 2**53 - 1; strings kept exactly as written (timestamps
are never reformatted).
"""

from __future__ import annotations

import re
from typing import Any

import orjson

MAX_SAFE_INT = 2**53 - 1
MAX_DEPTH = 32
"""Levels of objects and arrays a new value may nest (the value itself is level 1)."""
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
"""C0 controls but tab, newline and carriage return: NUL breaks PostgreSQL text columns."""


class EncodingError(ValueError):
    """A value that has no canonical encoding (a float, a huge integer, a non-string key)."""


class ForbiddenValueError(EncodingError):
    """A value the ledger will not write although JSON could hold it (control characters, depth)."""


class NotCanonicalError(ValueError):
    """Bytes that decode but are not the canonical encoding of what they hold."""


def _refuse_number(value: Any, path: str) -> None:
    kind = type(value)
    if kind is int:
        if not -MAX_SAFE_INT <= value <= MAX_SAFE_INT:
            raise EncodingError(f"{path}: 整数超出可互操作范围 (|n| ≤ 2^53-1): {value}")
        return
    if isinstance(value, float):
        raise EncodingError(f"{path}: 不允许浮点数 (金额以分为整数): {value!r}")
    if isinstance(value, bool | int | str | dict | list | tuple):
        raise EncodingError(f"{path}: 请使用基本类型而非子类 {kind.__name__}")
    raise EncodingError(f"{path}: 不支持的类型 {kind.__name__}")


def _check(value: Any, *, new: bool = False) -> None:
    """Walk ``value`` without recursion (a hostile value may nest thousands deep).

    ``new`` adds what only a value about to be written must meet: no C0 control
    character but tab, newline and carriage return in any string or key, and at most
    ``MAX_DEPTH`` levels of objects and arrays. Stored bytes are never judged by these.
    """
    _string(value, "$", new)
    stack: list[tuple[Any, str, int]] = [(value, "$", 1)]
    while stack:
        item, path, depth = stack.pop()
        kind = type(item)
        if kind is str or kind is bool or item is None:
            continue
        if kind is dict or kind is list or kind is tuple:
            if new and depth > MAX_DEPTH:
                raise ForbiddenValueError(f"{path}: 嵌套超过 {MAX_DEPTH} 层")
            members = item.items() if kind is dict else enumerate(item)
            for key, member in members:
                if kind is dict:
                    if type(key) is not str:
                        raise EncodingError(f"{path}: 对象的键必须是字符串: {key!r}")
                    if new:
                        _string(key, f"{path} 的键", new)
                if type(member) is str:
                    if new:
                        _string(member, path, new, key)
                else:
                    stack.append((member, f"{path}.{key}" if kind is dict else f"{path}[{key}]", depth + 1))
            continue
        _refuse_number(item, path)


def _string(text: object, path: str, new: bool, key: object = None) -> None:
    if not new or type(text) is not str:
        return
    found = _FORBIDDEN.search(text)
    if found:
        where = path if key is None else f"{path}.{key}" if isinstance(key, str) else f"{path}[{key}]"
        raise ForbiddenValueError(f"{where}: 含不允许的控制字符 U+{ord(found.group()):04X}")


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


def passes_check(value: Any) -> bool:
    """Whether :func:`check` accepts ``value``, without building the paths a refusal names: the
    verifier's fast path over values already parsed from JSON (a False goes on to ``check``)."""
    kind = type(value)
    if kind is not dict and kind is not list and kind is not tuple:
        return kind is str or kind is bool or value is None or (kind is int and -MAX_SAFE_INT <= value <= MAX_SAFE_INT)
    stack = [value]
    while stack:
        item = stack.pop()
        if type(item) is dict:
            for key in item:
                if type(key) is not str:
                    return False
            members = item.values()
        else:
            members = item
        for member in members:
            kind = type(member)
            if kind is str or kind is bool or member is None:
                continue
            if kind is int:
                if -MAX_SAFE_INT <= member <= MAX_SAFE_INT:
                    continue
                return False
            if kind is dict or kind is list or kind is tuple:
                stack.append(member)
                continue
            return False
    return True


def check_new(value: Any) -> None:
    """``check`` plus what a value about to be written must meet (``ForbiddenValueError``):
    no control characters but tab, newline and carriage return, at most ``MAX_DEPTH`` levels.
    For the write path only: bytes already stored keep decoding and verifying."""
    _check(value, new=True)


def encode_checked(value: Any) -> bytes:
    """The canonical bytes of a value whose members the caller has already ``check``-ed."""
    try:
        return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
    except orjson.JSONEncodeError as exc:
        raise EncodingError(f"无法编码: {exc}") from exc
