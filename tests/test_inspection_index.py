"""The inspections' index answers what a scan of every opening answers (INS-03's task, INS-06's others)."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from audit.inspection_index import InspectionIndex, member, object_marks

_value = st.one_of(st.none(), st.sampled_from(["", "甲", "乙", "丙"]), st.integers(0, 2))
_object = st.one_of(st.none(), st.fixed_dictionaries({}, optional={"credit_code": _value, "key": _value,
                                                                  "name": _value}))
_data = st.fixed_dictionaries({}, optional={
    "agency": st.sampled_from(["agency/A", "agency/B", None]), "object": _object,
    "origin": st.one_of(st.none(), st.fixed_dictionaries({}, optional={"spotcheck": st.sampled_from(
        ["spotcheck/1", "spotcheck/2"])}))})
_openings = st.dictionaries(st.text("abcdef", min_size=1, max_size=3).map(lambda s: f"inspection/{s}"),
                            st.fixed_dictionaries({"type": st.just("InspectionOpened"), "data": _data}),
                            max_size=12)


def _scan_same_object(openings: dict[str, Any], stream: str) -> list[str]:
    data = member(openings.get(stream), "data")
    agency, marks = data.get("agency"), object_marks(data)
    return [s for s, e in openings.items() if s != stream and member(e, "data").get("agency") == agency
            and marks & object_marks(member(e, "data"))]


@given(_openings)
def test_for_all_openings_the_index_finds_what_a_scan_finds(openings: dict[str, Any]) -> None:
    index = InspectionIndex.of(openings)
    for stream in openings:
        assert index.same_object(stream, member(openings[stream], "data")) == _scan_same_object(openings, stream)
    for task in ("spotcheck/1", "spotcheck/2", "spotcheck/3"):
        assert index.of_task(task) == [s for s, e in openings.items()
                                       if member(member(e, "data"), "origin").get("spotcheck") == task]


