"""The brief's §4 spot check as read from examples/spotcheck.jsonl, split by stream, for the
inspection-file fold, the INS audit and ``draw verify`` tests."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from tests.helpers.projection_ledgers import lines

Raw = dict[str, Any]
SPOTCHECK = "spotcheck/DXH-CGJ-CC-2026-01"
INSPECTIONS = tuple(f"inspection/DXH-CGJ-JC-2026-000{n}" for n in (1, 2, 3))
REFERRED_CASE = "case/DXH-CGJ-2026-0077"


def example() -> list[Raw]:
    """Every line of examples/spotcheck.jsonl (fresh copies)."""
    return lines("spotcheck")


def by_stream(steps: list[Raw] | None = None) -> dict[str, list[Raw]]:
    """The steps of each stream, in file order (fresh copies)."""
    out: dict[str, list[Raw]] = {}
    for s in copy.deepcopy(steps if steps is not None else example()):
        out.setdefault(s["stream"], []).append(s)
    return out


def versioned(steps: list[Raw]) -> list[Raw]:
    return [{**copy.deepcopy(s), "version": i + 1} for i, s in enumerate(steps)]


def edited(steps: list[Raw], stream: str, step_type: str, change: Callable[[Raw], object], nth: int = 0) -> list[Raw]:
    """``steps`` with the ``nth`` step of ``step_type`` on ``stream`` changed in place by ``change``."""
    out = copy.deepcopy(steps)
    found = [s for s in out if s["stream"] == stream and s["type"] == step_type]
    change(found[nth])
    return out
