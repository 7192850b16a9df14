"""The complaint file fold (projections/complaintfile): the example's status, deadlines and 卷内目录
(EVAL-12), and the complainant kept out of every public rendering — and out of the view of the
agency complained of when the complaint is a 检举/举报 (CMP-04)."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.vocabulary import STEPS
from projections.complaintfile import CATALOGUE_ITEMS, HANDLERS, complaint_statistics, fold_complaintfile
from tests.helpers.audit_cases import registry
from tests.helpers.complaint_cases import complaint_only, with_complainant
from tests.helpers.examples import scaled
from tests.helpers.kinds_examples import COMPLAINT, complaint_steps, edit_step, versioned

D = date
REGISTRY = registry()


def _fold(steps: list[dict[str, Any]]) -> Any:
    return fold_complaintfile(COMPLAINT, versioned(complaint_only(steps)), registry=REGISTRY)


def _text(value: object) -> str:
    """Every string a rendering could take from ``value`` (its fields, recursively, and its repr)."""
    data = dataclasses.asdict(value) if dataclasses.is_dataclass(value) and not isinstance(value, type) else value
    return repr(data) + repr(value)


def test_the_example_folds_to_its_status_deadlines_and_catalogue() -> None:
    f = _fold(complaint_steps()).public_view()
    assert (f.status, f.bureau, f.nature, f.concluded) == ("archived", "agency/DXH-SFJ", "complaint", True)
    assert f.against.stream == "case/DXH-CGJ-2026-0012" and f.handlers == ("officer/SFJ-0001",)
    assert {d.key: (d.due.due, d.done_on) for d in f.deadlines} == {
        "CMP-02": (D(2026, 5, 11), D(2026, 5, 8)),
        "CMP-06": (D(2026, 6, 8), D(2026, 6, 5)),
        "CMP-08@3": (D(2026, 5, 22), D(2026, 5, 21)),
    }
    items = [c.item for c in f.catalogue]
    assert items == sorted(items) and items[0] == 1 and items[-1] == 11
    assert {3, 4, 5, 6, 8, 9, 10} <= set(items)
    assert all(c.item_title == CATALOGUE_ITEMS[c.item] for c in f.catalogue)
    assert f.conclusion is not None and f.conclusion.supervision == "supervision/DXH-SFJ-JD-2026-0012"
    assert f.linked_streams == ("case/DXH-CGJ-2026-0012", "supervision/DXH-SFJ-JD-2026-0012")


def test_handlers_are_step_types_placed_on_complaint_streams() -> None:
    assert all("complaint" in {str(k) for k in STEPS[name].streams} for name in HANDLERS)


def test_a_file_not_yet_decided_is_in_progress() -> None:
    f = _fold(complaint_steps()[:1]).public_view()
    assert (f.status, f.concluded) == ("received", False)
    assert [d.key for d in f.deadlines] == ["CMP-02"] and f.deadlines[0].done_on is None


def test_the_public_view_of_the_example_holds_no_complainant_string() -> None:
    whole = _fold(with_complainant(complaint_steps(), id_number="420112198001011234", address="东西湖区吴家山街1号"))
    strings = whole.private.complainant.strings()
    assert {"李某", "13800000000", "420112198001011234", "东西湖区吴家山街1号"} <= set(strings)
    shown = _text(whole.public_view())
    assert not [s for s in strings if s in shown]
    assert whole.private.summary and whole.private.summary not in shown


def test_a_report_never_reaches_the_agency_complained_of() -> None:
    report = edit_step(complaint_steps(), "ComplaintReceived", lambda s: s["data"].update(nature="report"))
    whole = _fold(report)  # the example's transfer records the identity shared: never honoured for a 举报
    view = whole.agency_view()
    assert view.complainant is None
    assert not [s for s in whole.private.complainant.strings() if s in _text(view)]


def test_a_complaint_reaches_the_agency_only_when_sharing_was_recorded() -> None:
    assert _fold(complaint_steps()).agency_view().complainant is not None  # a 投诉 by the party, shared
    unshared = edit_step(complaint_steps(), "ComplaintTransferred",
                         lambda s: s["data"].update(complainant_identity_shared=False))
    assert _fold(unshared).agency_view().complainant is None
    assert _fold(complaint_steps()).agency_view("agency/DXH-SPJ").complainant is None


_MARK = st.from_regex(r"Q[A-Z]{10}", fullmatch=True)


@settings(max_examples=scaled(100), deadline=None)
@given(name=_MARK, phone=st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True), id_number=_MARK, address=_MARK,
       contact=_MARK, report=st.booleans(), shared=st.booleans())
def test_no_complainant_string_in_any_public_or_report_agency_view(name: str, phone: str, id_number: str,
                                                                    address: str, contact: str, report: bool,
                                                                    shared: bool) -> None:
    steps = with_complainant(complaint_steps(), name=name, phone=phone, id_number=id_number, address=address,
                             contact=contact)
    steps = edit_step(steps, "ComplaintReceived", lambda s: s["data"].update(nature="report" if report else
                                                                             "complaint"))
    steps = edit_step(steps, "ComplaintTransferred", lambda s: s["data"].update(complainant_identity_shared=shared))
    whole = _fold(steps)
    secrets = [name, phone, id_number, address, contact]
    assert not [s for s in secrets if s in _text(whole.public_view())]
    agency = _text(whole.agency_view())
    if report or not shared:
        assert not [s for s in secrets if s in agency]
    else:
        assert name in agency


def test_statistics_count_without_personal_data() -> None:
    files = [_fold(complaint_steps()).public_view(),
             _fold(edit_step(complaint_steps(), "ComplaintConcluded",
                             lambda s: s["data"].update(outcome="unsubstantiated", supervision=None))).public_view()]
    (row,) = complaint_statistics(files)
    assert (row.agency, row.year, row.received, row.accepted, row.substantiated, row.corrected) == (
        "agency/DXH-CGJ", 2026, 2, 2, 1, 1)
    assert row.median_days_to_answer == 36.0  # 30 Apr → 5 Jun
