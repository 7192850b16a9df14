"""Structural order checks of coercive measures and of the random draw (steps.md "Validation").

Why structural and not gates: a release or a disposal of a measure that was never imposed on the
stream, or a draw before its population was fixed, cannot be read at all, live or 补录 (the audit
could not say which measure a finding concerns, nor re-derive the draw). The legal judgement of
the same steps (COE, INS-02) is the gates' and the audit's.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

from domain.errors import StepRefused

History = Sequence[Mapping[str, Any]]

MEASURE_OPENINGS: Final = frozenset({"SeizureImposed", "FreezeImposed"})
"""The steps that open a ``measure_id`` on a stream."""
MEASURE_FOLLOWERS: Final = frozenset(
    {"FreezeDecisionServed", "CoercionExtended", "CoercionReleased", "SeizedItemsReturned", "SeizureDisposed"}
)
"""The steps that act on a ``measure_id`` already opened on the same stream."""
DIRECTORIES: Final = ("objects", "inspectors")


def _measure_ids(history: History) -> set[str]:
    return {str(entry["data"].get("measure_id")) for entry in history if entry["type"] in MEASURE_OPENINGS}


def check_measure_order(step_type: str, data: Mapping[str, Any], stream: str, history: History) -> None:
    """Refuse a measure step whose ``measure_id`` was not opened here, or a measure opened twice."""
    if step_type not in MEASURE_OPENINGS | MEASURE_FOLLOWERS:
        return
    measure = str(data.get("measure_id"))
    opened = measure in _measure_ids(history)
    if step_type in MEASURE_OPENINGS and opened:
        raise StepRefused("STRUCT-ORDER", f"{stream} 已有强制措施 {measure}, measure_id 不能重复")
    if step_type in MEASURE_FOLLOWERS and not opened:
        raise StepRefused("STRUCT-ORDER", f"{stream} 尚无 measure_id 为 {measure} 的 SeizureImposed 或 "
                                          f"FreezeImposed, 不能记录 {step_type}")


def check_draw_order(step_type: str, stream: str, history: History) -> None:
    """Refuse a draw before both directory snapshots (objects and inspectors), or a second draw."""
    if step_type != "RandomDrawPerformed":
        return
    if any(entry["type"] == "RandomDrawPerformed" for entry in history):
        raise StepRefused("STRUCT-ORDER", f"{stream} 已有 RandomDrawPerformed, 不能重复抽取")
    taken = {entry["data"].get("directory") for entry in history if entry["type"] == "DirectorySnapshotTaken"}
    missing = [name for name in DIRECTORIES if name not in taken]
    if missing:
        raise StepRefused("STRUCT-ORDER", f"{stream} 尚无 {'、'.join(missing)} 名录快照 (DirectorySnapshotTaken), "
                                          "不能记录 RandomDrawPerformed")
