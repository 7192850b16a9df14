"""The structural order checks of issue 16 (domain.step_order): a measure's later steps only for a
``measure_id`` opened on the same stream, never opened twice; the draw only after both directory
snapshots, once. For every history and step, the check refuses exactly when the rule says."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.errors import StepRefused
from domain.step_order import MEASURE_FOLLOWERS, MEASURE_OPENINGS, check_draw_order, check_measure_order
from tests.helpers.examples import scaled

STREAM = "coercion/DXH-CGJ-QZ-2026-0003"


def _entry(step_type: str, **data: Any) -> dict[str, Any]:
    return {"type": step_type, "data": data}


def test_a_release_needs_its_measure() -> None:
    history = [_entry("CoercionOpened"), _entry("SeizureImposed", measure_id="M1")]
    check_measure_order("CoercionReleased", {"measure_id": "M1"}, STREAM, history)
    with pytest.raises(StepRefused) as refused:
        check_measure_order("SeizureDisposed", {"measure_id": "M2"}, STREAM, history)
    assert refused.value.rule == "STRUCT-ORDER" and "M2" in refused.value.message
    with pytest.raises(StepRefused):
        check_measure_order("FreezeImposed", {"measure_id": "M1"}, STREAM, history)
    check_measure_order("CoercionApprovalDecided", {"measure_id": "M9"}, STREAM, history)


def test_the_draw_needs_both_snapshots_once() -> None:
    plan = [_entry("SpotCheckPlanned"), _entry("DirectorySnapshotTaken", directory="objects")]
    with pytest.raises(StepRefused) as refused:
        check_draw_order("RandomDrawPerformed", STREAM, plan)
    assert "inspectors" in refused.value.message
    both = [*plan, _entry("DirectorySnapshotTaken", directory="inspectors")]
    check_draw_order("RandomDrawPerformed", STREAM, both)
    with pytest.raises(StepRefused):
        check_draw_order("RandomDrawPerformed", STREAM, [*both, _entry("RandomDrawPerformed")])


_IDS = st.sampled_from(["M1", "M2", "M3"])
_MEASURE_TYPES = st.sampled_from(sorted(MEASURE_OPENINGS | MEASURE_FOLLOWERS))


@settings(max_examples=scaled(200), deadline=None)
@given(st.lists(st.tuples(st.sampled_from(sorted(MEASURE_OPENINGS)), _IDS), max_size=4), _MEASURE_TYPES, _IDS)
def test_property_measure_order(opened: list[tuple[str, str]], step_type: str, measure: str) -> None:
    history = [_entry(kind, measure_id=ident) for kind, ident in opened]
    exists = measure in {ident for _, ident in opened}
    should_refuse = exists if step_type in MEASURE_OPENINGS else not exists
    try:
        check_measure_order(step_type, {"measure_id": measure}, STREAM, history)
    except StepRefused:
        assert should_refuse
    else:
        assert not should_refuse
