"""Reading stored step JSON: one forgiving accessor shared by the gates' fold and the case file.

Backfilled history may hold ``null`` or a wrong type anywhere; a reader then sees an empty
value rather than an error (the audit judges the gap).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, Final

__all__ = ["EMPTY", "int_of", "mapping_of"]

EMPTY: Final[Mapping[str, Any]] = MappingProxyType({})
"""The read-only empty mapping a missing object reads as."""


def mapping_of(value: object) -> Mapping[str, Any]:
    """``value`` when it is an object (a mapping), else the read-only empty mapping."""
    if type(value) is dict:  # decoded JSON: the common case, without the costlier ABC check
        return value
    return value if isinstance(value, Mapping) else EMPTY


def int_of(value: object) -> int | None:
    """``value`` when it is a JSON integer (not a boolean), else None."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None
