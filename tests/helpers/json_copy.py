"""A deep copy of JSON-shaped values (steps, their data): what ``copy.deepcopy`` does for them,
several times faster (it was a tenth of the gate tests' time); other values go to ``deepcopy``."""

from __future__ import annotations

import copy
from typing import TypeVar

T = TypeVar("T")

_SCALARS = (str, int, float, bool, type(None))


def copy_json(value: T) -> T:
    """A copy sharing nothing mutable with ``value`` (dicts and lists copied all the way down)."""
    kind = type(value)
    if kind is dict:
        return {k: v if type(v) in _SCALARS else copy_json(v) for k, v in value.items()}  # type: ignore[attr-defined,return-value]
    if kind is list:
        return [v if type(v) in _SCALARS else copy_json(v) for v in value]  # type: ignore[attr-defined,return-value]
    if kind in _SCALARS:
        return value
    return copy.deepcopy(value)
