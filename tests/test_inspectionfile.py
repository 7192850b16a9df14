"""The inspection-file and spot-check folds (projections/inspectionfile): the brief's §4 files from
approval to closing, INS-10's publication deadline across 春节 and the 调休 Saturdays, EVAL-11's
卷内目录, a correction ordered and verified, a remote check, the task with its draw, replacements and
inspections, the runner's groups, and invariants over any prefix."""

from __future__ import annotations

from datetime import date
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.calendar import DEFAULT_CALENDAR
from domain.step_types import STEP_TYPES
from projections.casefile.model import DEFAULT_CONFIG
from projections.groups import GROUP_STREAMS, OWN, fold_group
from projections.inspectionfile import (
    HANDLERS,
    INSPECTION_ITEMS,
    SPOTCHECK_HANDLERS,
    InspectionFile,
    SpotCheckTask,
    fold_inspectionfile,
    fold_spotchecktask,
)
from tests.helpers.examples import scaled
from tests.helpers.inspection_examples import INSPECTIONS, SPOTCHECK, by_stream, versioned

DOC = {"sha256": "c" * 64, "bytes": 10, "media_type": "application/pdf", "name": "责令改正通知书"}


def _file(stream: str, steps: list[dict[str, Any]] | None = None) -> InspectionFile:
    history = steps if steps is not None else by_stream()[stream]
    return fold_inspectionfile(stream, versioned(history))


def test_the_drawn_files_from_approval_to_closing() -> None:
    f = _file(INSPECTIONS[1])
    assert (f.agency, f.item, f.object_key, f.status) == ("agency/DXH-CGJ", "CGJ-JC-YY-01", "OBJ-0004", "closed")
    assert f.party is not None and f.party.credit_code == "92420112MA4L1A0004"
    assert (f.origin.kind, f.origin.spotcheck, f.origin.object_index, f.origin.drawn) == ("random", SPOTCHECK, 3, True)
    assert f.officers_opened == ("officer/42011219001", "officer/42011219009")
    assert [s.check_code for s in f.site] == [None] and f.check_code == "JCM-2026-CGJ-0003"
    assert f.result is not None and (f.result.result, f.result.label) == ("violation_found", "发现违法")
    assert [(r.to, r.case) for r in f.referrals] == [("case", "case/DXH-CGJ-2026-0077")]
    assert [p.batch is not None for p in f.publications] == [True] and f.published and f.concluded


def test_the_publication_deadline_is_20_wd_across_the_spring_festival() -> None:
    """Brief §4: concluded 10, 12 and 13 Feb → due 16, 18 and 19 Mar (14 and 28 Feb are working days)."""
    due = {s: _file(s).deadline("INS-10") for s in INSPECTIONS}
    assert {s: d.due.due for s, d in due.items() if d is not None} == {
        INSPECTIONS[0]: date(2026, 3, 16), INSPECTIONS[1]: date(2026, 3, 19), INSPECTIONS[2]: date(2026, 3, 18)}
    assert {d.done_on for d in due.values() if d is not None} == {date(2026, 3, 13)}
    unpublished = [s for s in by_stream()[INSPECTIONS[0]] if s["type"] != "DecisionPublished"]
    late = _file(INSPECTIONS[0], unpublished).deadline("INS-10")
    assert late is not None and late.done_on is None
    assert late.state(date(2026, 3, 16)) != late.state(date(2026, 3, 17))  # due on the 16th, missed the day after


def test_a_targeted_compliant_result_has_no_publication_deadline_and_a_correction_has() -> None:
    steps = by_stream()[INSPECTIONS[0]]
    steps[0]["data"]["origin"] = {"kind": "routine"}
    assert _file(INSPECTIONS[0], steps).deadline("INS-10") is None
    concluded = next(s for s in steps if s["type"] == "InspectionConcluded")
    concluded["data"].update(result="correction_ordered", correction={"due": "2026-02-24", "document": DOC})
    steps.insert(steps.index(concluded) + 1, {
        "stream": INSPECTIONS[0], "type": "CorrectionVerified", "at": "2026-02-25T10:00:00+08:00",
        "by": "officer/42011219011", "data": {"officers": ["officer/42011219011", "officer/42011219010"],
                                              "credentials_shown": True, "verified_at": "2026-02-25T10:00:00+08:00",
                                              "result": "corrected",
                                              "record": {**DOC, "sha256": "d" * 64, "name": "整改复查记录"}}})
    f = _file(INSPECTIONS[0], steps)
    assert f.deadline("INS-10") is not None and f.correction_ordered
    assert f.result is not None and f.result.correction_due == date(2026, 2, 24)
    assert [(v.result, v.verified_at.date()) for v in f.verifications] == [("corrected", date(2026, 2, 25))]
    items = {(c.item, c.title) for c in f.catalogue}
    assert {(8, "责令改正通知书"), (9, "整改复查记录")} <= items


def test_the_catalogue_follows_eval11_and_lists_every_document() -> None:
    f = _file(INSPECTIONS[0])
    items = [c.item for c in f.catalogue]
    assert items == sorted(items) and items[:3] == [1, 2, 3] and items[-1] == 12
    assert [c.paginated for c in f.catalogue if c.item in (1, 2, 12)] == [False, False, False]
    assert {c.item_title for c in f.catalogue} <= set(INSPECTION_ITEMS.values())
    assert {4, 5, 6, 8, 11} <= set(items)
    listed = {c.sha256 for c in f.catalogue if c.sha256}
    assert listed == {d.sha256 for d in f.documents if d.sha256}


def test_a_remote_check_is_a_site_record_without_officers() -> None:
    steps = by_stream()[INSPECTIONS[0]]
    steps[0]["data"]["remote"] = True
    site = next(i for i, s in enumerate(steps) if s["type"] == "SiteInspectionRecorded")
    steps[site] = {**steps[site], "type": "RemoteCheckRecorded", "data": {
        "check_method": "data", "checked_at": "2026-02-10T10:00:00+08:00", "record": DOC}}
    f = _file(INSPECTIONS[0], steps)
    assert f.remote and [(s.remote, s.record, s.officers) for s in f.site] == [(True, True, ())]
    assert f.status == "closed"


def test_the_task_with_its_draw_replacements_and_inspections() -> None:
    streams = by_stream()
    plain = fold_spotchecktask(SPOTCHECK, versioned(streams[SPOTCHECK]))
    assert (plain.status, plain.sample_size, plain.inspectors_per_object, plain.items) == (
        "completed", 3, 2, ("CGJ-JC-YY-01",))
    assert plain.snapshot("objects") is not None and plain.snapshot("objects").count == 12  # type: ignore[union-attr]
    assert plain.snapshot("inspectors") is not None and len(plain.snapshot("inspectors").officers) == 6  # type: ignore[union-attr]
    assert plain.draw is not None and [i for i, _ in plain.draw.objects] == [11, 3, 2]
    assert plain.assigned(3) == ("officer/42011219001", "officer/42011219009") and plain.assigned(4) is None
    assert plain.inspections == () and plain.completed_on == date(2026, 3, 13)
    steps = streams[SPOTCHECK]
    steps.insert(4, {"stream": SPOTCHECK, "type": "InspectorReplaced", "at": "2026-02-05T10:00:00+08:00",
                     "by": "officer/42011219001", "data": {"object_index": 3, "officer": "officer/42011219009",
                                                           "reason": "conflict",
                                                           "replacement": "officer/42011219008"}})
    task = fold_spotchecktask(SPOTCHECK, versioned(steps),
                              inspections={s: versioned(streams[s]) for s in INSPECTIONS})
    assert task.assigned(3) == ("officer/42011219001", "officer/42011219008")
    assert [(t.object_index, t.key, t.result, t.published) for t in task.inspections] == [
        (11, "OBJ-0012", "compliant", True), (3, "OBJ-0004", "violation_found", True),
        (2, "OBJ-0003", "compliant", True)]


def test_the_handlers_name_step_types_and_the_groups_fold_both_kinds() -> None:
    assert set(HANDLERS) <= set(STEP_TYPES) and set(SPOTCHECK_HANDLERS) <= set(STEP_TYPES)
    assert {"inspection/", "spotcheck/"} <= set(OWN) and {"inspection/", "spotcheck/"} <= set(GROUP_STREAMS)
    streams = by_stream()
    data = {s: versioned(h) for s, h in streams.items()}
    kw: dict[str, Any] = {"config": DEFAULT_CONFIG, "calendar": DEFAULT_CALENDAR}
    assert isinstance(fold_group(INSPECTIONS[0], [INSPECTIONS[0]], data, **kw), InspectionFile)
    assert isinstance(fold_group(SPOTCHECK, [SPOTCHECK], data, **kw), SpotCheckTask)


@settings(max_examples=scaled(40), deadline=None)
@given(st.sampled_from(INSPECTIONS), st.data())
def test_any_prefix_folds_and_the_status_only_moves_forward(stream: str, data: st.DataObject) -> None:
    steps = by_stream()[stream]
    cut = data.draw(st.integers(min_value=0, max_value=len(steps)))
    order = ["opened", "inspected", "concluded", "closed", "archived"]
    ranks = [order.index(_file(stream, steps[:n]).status) for n in range(1, cut + 1)]
    assert ranks == sorted(ranks)
    f = fold_inspectionfile(stream, versioned(steps[:cut]))
    assert f.exists == bool(cut) and f.events == cut and len(f.timeline) == cut
    assert f.concluded == any(s["type"] == "InspectionConcluded" for s in steps[:cut])
