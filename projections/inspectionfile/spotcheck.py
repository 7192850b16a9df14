"""The spot-check fold (双随机 抽查任务): ``SPOTCHECK_HANDLERS`` by step type over a small accumulator.

Why separate from the inspection file: a ``spotcheck/`` stream is the task — plan, directory
snapshots, the draw, replacements, skipped objects, completion — and each drawn object is inspected
on an ``inspection/`` stream of its own; ``inspections`` (the histories of those that name the
task) adds what became of each drawn object.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Final

from domain.casestate import apply_corrections
from domain.reading import int_of, mapping_of, text_of, texts_of
from domain.step_types import by_step_type
from projections.casefile.documents import papers_of
from projections.casefile.model import Document, TimelineEntry
from projections.casefile.reading import day_of, time_of
from projections.casefile.steps import Step, fold_steps
from projections.inspectionfile.fold import fold_inspectionfile
from projections.inspectionfile.model import (
    DrawRecord,
    Replacement,
    SkippedObject,
    SnapshotRecord,
    SpotCheckTask,
    TaskInspection,
)

__all__ = ["SPOTCHECK_HANDLERS", "fold_spotchecktask"]

History = Sequence[Mapping[str, Any]]
_ORDER: Final = ("planned", "snapshotted", "drawn", "completed")



@dataclass(slots=True)
class TaskFold:
    """What the spot-check fold has gathered so far."""

    plan: Mapping[str, Any] = field(default_factory=dict)
    planned_at: datetime | None = None
    plan_version: int | None = None
    status: str = "planned"
    snapshots: list[SnapshotRecord] = field(default_factory=list)
    draw: DrawRecord | None = None
    replacements: list[Replacement] = field(default_factory=list)
    skipped: list[SkippedObject] = field(default_factory=list)
    completed_on: date | None = None
    timeline: list[TimelineEntry] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)
    officers: list[str] = field(default_factory=list)
    backfilled: int = 0

    def advance(self, new: str) -> None:
        if _ORDER.index(new) >= _ORDER.index(self.status):
            self.status = new


Handler = Callable[[TaskFold, Step], None]


def _planned(fold: TaskFold, step: Step) -> None:
    if fold.plan_version is None:
        fold.plan, fold.planned_at, fold.plan_version = step.data, step.at, step.version


def _snapshot(fold: TaskFold, step: Step) -> None:
    data = step.data
    fold.snapshots.append(SnapshotRecord(
        step.version, time_of(data.get("taken_at")) or step.at, str(data.get("directory") or ""),
        int_of(data.get("count")), text_of(mapping_of(data.get("snapshot")).get("sha256")),
        texts_of(data.get("officers"))))
    if {s.directory for s in fold.snapshots} >= {"objects", "inspectors"}:
        fold.advance("snapshotted")


def _drawn(fold: TaskFold, step: Step) -> None:
    data = step.data
    beacon = mapping_of(data.get("beacon"))
    objects = tuple((int_of(mapping_of(o).get("index")), text_of(mapping_of(o).get("key")))
                    for o in data.get("objects_drawn") or ())
    inspectors = tuple((int_of(mapping_of(e).get("object_index")), texts_of(mapping_of(e).get("officers")))
                       for e in data.get("inspectors_drawn") or ())
    fold.draw = DrawRecord(step.version, step.at, text_of(data.get("seed_secret")), int_of(beacon.get("tree_size")),
                           text_of(beacon.get("root")), text_of(data.get("seed")),
                           text_of(data.get("objects_snapshot")), objects, inspectors)
    fold.advance("drawn")


def _replaced(fold: TaskFold, step: Step) -> None:
    data = step.data
    fold.replacements.append(Replacement(step.version, step.at, int_of(data.get("object_index")),
                                         text_of(data.get("officer")), text_of(data.get("replacement")),
                                         text_of(data.get("reason"))))


def _skipped(fold: TaskFold, step: Step) -> None:
    data = step.data
    evidence = mapping_of(data.get("evidence"))
    fold.skipped.append(SkippedObject(step.version, step.at, int_of(data.get("object_index")),
                                      text_of(data.get("key")), text_of(data.get("reason")),
                                      isinstance(evidence.get("sha256"), str)))


def _completed(fold: TaskFold, step: Step) -> None:
    fold.completed_on = day_of(step.data.get("completed_on")) or step.at.date()
    fold.advance("completed")


SPOTCHECK_HANDLERS: Final[dict[str, Handler]] = by_step_type({
    "SpotCheckPlanned": _planned,
    "DirectorySnapshotTaken": _snapshot,
    "RandomDrawPerformed": _drawn,
    "InspectorReplaced": _replaced,
    "DrawnObjectSkipped": _skipped,
    "SpotCheckCompleted": _completed,
})
"""The step types of a spot-check stream and how each is read."""

_PAPERS: Final[dict[str, tuple[tuple[str, int, str], ...]]] = {
    "SpotCheckPlanned": (("document", 3, "抽查工作方案"),),
    "DirectorySnapshotTaken": (("snapshot", 3, "名录库快照"),),
    "RandomDrawPerformed": (("record", 3, "随机抽取记录"), ("av[]", 3, "抽取过程音像记录")),
    "DrawnObjectSkipped": (("evidence", 3, "未检查对象的证明材料"),),
    "SpotCheckCompleted": (("report", 3, "抽查工作总结"),),
}
"""The spot check's papers, all filed as EVAL-11 item 3 of each of its inspections."""


def _papers(stream: str, version: int, kind: str, data: Mapping[str, Any], at: datetime,
            officers: tuple[str, ...]) -> list[Document]:
    return papers_of(stream, version, kind, data, at, officers, _PAPERS.get(kind, ()))


def _by(kind: str, data: Mapping[str, Any], by: str) -> tuple[str, ...]:
    """A task's steps name no officers but whoever recorded them."""
    return (by,) if by else ()


def _inspection(stream: str, history: History) -> TaskInspection:
    found = fold_inspectionfile(stream, history)
    return TaskInspection(stream, found.origin.object_index, found.object_key,
                          found.result.result if found.result is not None else None, found.published)


def fold_spotchecktask(stream: str, history: History, *,
                       inspections: Mapping[str, History] | None = None) -> SpotCheckTask:
    """The task after every event of ``history`` (the ``spotcheck/`` stream's envelopes in version
    order); ``inspections`` the histories of the ``inspection/`` streams whose origin names it."""
    corrected = apply_corrections(stream, history)
    fold = fold_steps(TaskFold(), stream, history, corrected, SPOTCHECK_HANDLERS, _papers, _by)
    plan = fold.plan
    period = mapping_of(plan.get("period"))
    tasks = sorted((_inspection(s, h) for s, h in (inspections or {}).items() if h), key=lambda t: t.stream)
    return SpotCheckTask(
        stream=stream, number=stream.split("/", 1)[-1], exists=bool(history), agency=text_of(plan.get("agency")),
        items=texts_of(plan.get("items")), population=text_of(plan.get("population")),
        sample_size=int_of(plan.get("sample_size")), inspectors_per_object=int_of(plan.get("inspectors_per_object")),
        period=(day_of(period.get("from_on")), day_of(period.get("until"))),
        approved_by=text_of(plan.get("approved_by")),
        seed_commitment=text_of(plan.get("seed_commitment")), algorithm=text_of(plan.get("algorithm")),
        planned_at=fold.planned_at, plan_version=fold.plan_version, filed_at=time_of(plan.get("filed_at")),
        published_at=time_of(plan.get("published_at")), status=fold.status, snapshots=tuple(fold.snapshots),
        draw=fold.draw, replacements=tuple(fold.replacements), skipped=tuple(fold.skipped),
        completed_on=fold.completed_on, inspections=tuple(tasks), documents=tuple(fold.documents),
        timeline=tuple(fold.timeline), officers=tuple(dict.fromkeys(fold.officers)), events=len(history),
        backfilled=fold.backfilled,
    )
