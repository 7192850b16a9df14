"""Reading a decoded step's fields: one forgiving accessor per kind of value, shared by the folds.

A stored step is decoded JSON, so a field may hold anything (backfilled history may hold
``null`` or a wrong type anywhere); these answer the value when it has the expected type and
an empty value otherwise, never raising — the gates refuse such steps when they are recorded
live, and the audit judges the gap of a backfilled one.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, Final

__all__ = ["EMPTY", "int_of", "mapping_of", "text_of", "texts_of"]

EMPTY: Final[Mapping[str, Any]] = MappingProxyType({})
"""The read-only empty mapping a missing object reads as."""


def mapping_of(value: object) -> Mapping[str, Any]:
    """``value`` when it is an object (a mapping), else the read-only empty mapping."""
    if type(value) is dict:  # decoded JSON: the common case, without the costlier ABC check
        return value
    return value if isinstance(value, Mapping) else EMPTY


def text_of(value: object) -> str | None:
    """A non-empty string, else None (an empty string reads as absent)."""
    return value if isinstance(value, str) and value else None


def int_of(value: object) -> int | None:
    """An integer field (``True``/``False`` are not amounts), else None."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def texts_of(value: object) -> tuple[str, ...]:
    """The strings of a list field, in order, empty strings included (non-strings dropped)."""
    if not isinstance(value, list | tuple):
        return ()
    return tuple(v for v in value if isinstance(v, str))
