"""EVAL-04 item 7 (extended): a penalty case with a measure files the measure's mandatory documents —
the 审批表 (or the emergency report and approval), the 现场笔录, the 决定书 and 清单, and the 解除 or 处理
document — each missing one reported by EVAL-04 (MAJOR: the case's vetoes stay items 4, 9 and 15);
the lawful coercion case files them all."""

from __future__ import annotations

from typing import Any

import pytest

from audit.model import MAJOR
from tests.helpers.coercion_defects import fired, run
from tests.helpers.projection_ledgers import lines

Raw = dict[str, Any]


def _case(change: Any = None) -> list[Raw]:
    steps = lines("coercion-case")
    if change is not None:
        change(steps)
    return steps


def _data(step_type: str, key: str, value: Any) -> Any:
    def change(steps: list[Raw]) -> None:
        found = next(s for s in steps if s["type"] == step_type)
        target = found["data"]
        *path, last = key.split(".")
        for part in path:
            target = target[part]
        target[last] = value
    return change


def _eval04(steps: list[Raw]) -> list[str]:
    ev = run(steps)
    return [f.message for f in ev.findings if f.rule == "EVAL-04"]


def test_the_lawful_case_files_every_document_of_its_measure() -> None:
    assert _eval04(_case()) == []


@pytest.mark.parametrize(("change", "missing"), [
    (_data("CoercionApprovalDecided", "document", None), "实施行政强制措施审批表"),
    (_data("SeizureImposed", "record", None), "现场笔录"),
    (_data("SeizureImposed", "decision.document", None), "决定书或清单"),
    (_data("SeizureImposed", "list", None), "决定书或清单"),
])
def test_a_missing_measure_document_is_eval04s(change: Any, missing: str) -> None:
    steps = _case(change)
    ev = run(steps)
    found = [f for f in ev.findings if f.rule == "EVAL-04"]
    assert len(found) == 1 and missing in found[0].message and "第7项" in found[0].message
    assert found[0].severity == MAJOR and "EVAL-01" not in fired(ev)


def test_a_concluded_case_whose_measure_was_neither_released_nor_disposed_of() -> None:
    def undisposed(steps: list[Raw]) -> None:
        decided = next(s for s in steps if s["type"] == "DecisionMade")
        decided["data"].pop("disposes", None)
    assert any("解除决定书或处理决定" in m for m in _eval04(_case(undisposed)))
    assert not any("解除决定书或处理决定" in m for m in _eval04(_case()))
