"""The inspection file (行政检查 案卷) and the spot-check task (双随机 抽查任务): what a reviewer reads.

The folds (:mod:`projections.inspectionfile.fold`, :mod:`projections.inspectionfile.spotcheck`)
build them; the audit (and later a SQL projection and the pages) read them. Documents, catalogue
lines, timeline lines and deadlines are the case file's own types, as for licence files.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Final

from domain.shapes import Party
from projections.casefile.model import CatalogueEntry, Deadline, Document, TimelineEntry

__all__ = [
    "CONCLUDED",
    "INSPECTION_ITEMS",
    "INSPECTION_UNPAGINATED",
    "INSPECTION_VOLUMES",
    "RESULT_LABELS",
    "STATUS_LABELS",
    "TASK_CONCLUDED",
    "TASK_STATUS_LABELS",
    "DrawRecord",
    "InspectionFile",
    "InspectionResult",
    "Origin",
    "Publication",
    "Referral",
    "Replacement",
    "SiteRecord",
    "SkippedObject",
    "SnapshotRecord",
    "SpotCheckTask",
    "TaskInspection",
    "Verification",
]

INSPECTION_ITEMS: Final[dict[int, str]] = {
    1: "封面",
    2: "目录",
    3: "抽查任务（计划、名录库快照、抽取记录）",
    4: "检查方案 / 行政检查审批表",
    5: "行政检查通知书",
    6: "现场检查笔录（或非现场检查记录）及音像记录",
    7: "询问笔录及证据",
    8: "检查结果告知书或责令改正通知书及回证",
    9: "整改复查记录",
    10: "移送立案记录",
    11: "公示记录",
    12: "备考表",
}
"""EVAL-11's items of a 检查 file (rules.md), numbered as there."""

INSPECTION_UNPAGINATED: Final = frozenset({1, 2, 12})
INSPECTION_VOLUMES: Final = (("正卷", tuple(range(1, 13))),)

PROGRESS: Final[dict[str, int]] = {"opened": 0, "inspected": 1, "concluded": 2, "closed": 3, "archived": 4}
"""The statuses of an inspection file in their order (a status only moves forward)."""
CONCLUDED: Final = frozenset(s for s, rank in PROGRESS.items() if rank >= PROGRESS["concluded"])
"""An inspection with its result (or closed): until then 办理中 (given no grade)."""
TASK_CONCLUDED: Final = frozenset({"completed"})
"""A spot-check task is judged whole once completed; until then 办理中."""

STATUS_LABELS: Final[dict[str, str]] = {
    "opened": "已审批", "inspected": "已检查", "concluded": "已出结果", "closed": "已办结", "archived": "已归档",
}
RESULT_LABELS: Final[dict[str, str]] = {
    "compliant": "未发现问题", "corrected_on_spot": "当场整改", "correction_ordered": "责令改正",
    "violation_found": "发现违法", "unreachable": "无法联系", "other": "其他",
}
TASK_STATUS_LABELS: Final[dict[str, str]] = {
    "planned": "已制定计划", "snapshotted": "已取得名录库快照", "drawn": "已随机抽取", "completed": "已完成",
}


@dataclass(frozen=True, slots=True)
class Origin:
    """Why the object is inspected: ``random`` (drawn: the spot check and the object's index) or a
    targeted kind (complaint, referral, key_sector, special, routine, other)."""

    kind: str | None
    spotcheck: str | None = None
    object_index: int | None = None
    stream: str | None = None

    @property
    def drawn(self) -> bool:
        return self.kind == "random"


@dataclass(frozen=True, slots=True)
class SiteRecord:
    """A ``SiteInspectionRecorded`` (现场检查) or ``RemoteCheckRecorded`` (非现场检查)."""

    version: int
    at: datetime
    remote: bool
    officers: tuple[str, ...] = ()
    credentials_shown: bool | None = None
    notice: bool = False
    check_code: str | None = None
    record: bool = False
    signed_by_party: bool = False
    refusal_noted: bool = False


@dataclass(frozen=True, slots=True)
class InspectionResult:
    """The ``InspectionConcluded``: the result, the findings, the correction ordered, how it was told."""

    version: int
    at: datetime
    result: str | None
    findings: int
    correction_due: date | None
    served_at: datetime | None
    notice: bool

    @property
    def label(self) -> str:
        return RESULT_LABELS.get(self.result or "", self.result or "")


@dataclass(frozen=True, slots=True)
class Verification:
    """A ``CorrectionVerified`` (整改复查)."""

    version: int
    at: datetime
    verified_at: datetime
    result: str | None


@dataclass(frozen=True, slots=True)
class Referral:
    """An ``InspectionReferred``: to a case, another agency or the judicial organs."""

    version: int
    at: datetime
    to: str | None
    case: str | None
    agency: str | None


@dataclass(frozen=True, slots=True)
class Publication:
    """A ``DecisionPublished`` of the result (with its batch, when published in one)."""

    version: int
    published_at: datetime
    text: str
    batch: str | None = None
    channel: str | None = None
    withdrawn_version: int | None = None


@dataclass(frozen=True, slots=True)
class InspectionFile:
    """Everything the file of one inspection (``inspection/`` stream) shows."""

    stream: str
    number: str
    exists: bool
    agency: str | None
    item: str | None
    party: Party | None
    """The inspected object, as a party (organisation or person)."""
    object_key: str | None
    """Its directory key when it was drawn."""
    origin: Origin
    remote: bool
    officers_opened: tuple[str, ...]
    approved_by: str | None
    approved_at: datetime | None
    urgent: bool
    check_code: str | None
    opened_at: datetime | None
    status: str
    site: tuple[SiteRecord, ...]
    result: InspectionResult | None
    verifications: tuple[Verification, ...]
    referrals: tuple[Referral, ...]
    publications: tuple[Publication, ...]
    suppressions: tuple[str, ...]
    closed_at: datetime | None
    archived_at: datetime | None
    archive_no: str | None
    retention: str | None
    documents: tuple[Document, ...]
    catalogue: tuple[CatalogueEntry, ...]
    timeline: tuple[TimelineEntry, ...]
    deadlines: tuple[Deadline, ...]
    officers: tuple[str, ...] = ()
    events: int = 0
    backfilled: int = 0

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)

    @property
    def concluded(self) -> bool:
        """Concluded (a result) or closed: until then the file is 办理中 (given no grade)."""
        return self.status in CONCLUDED

    @property
    def correction_ordered(self) -> bool:
        return self.result is not None and (self.result.result == "correction_ordered"
                                            or self.result.correction_due is not None)

    @property
    def published(self) -> bool:
        return any(p.withdrawn_version is None for p in self.publications) or bool(self.suppressions)

    @property
    def all_deadlines(self) -> tuple[Deadline, ...]:
        return self.deadlines

    def deadline(self, key: str) -> Deadline | None:
        return next((d for d in self.deadlines if d.key == key), None)


@dataclass(frozen=True, slots=True)
class SnapshotRecord:
    """A ``DirectorySnapshotTaken``: the directory (objects or inspectors), its count, the snapshot
    file's hash (objects) or the officers listed (inspectors)."""

    version: int
    at: datetime
    directory: str
    count: int | None
    sha256: str | None
    officers: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class DrawRecord:
    """The ``RandomDrawPerformed`` as recorded: what ``draw verify`` and INS-02 re-derive."""

    version: int
    at: datetime
    seed_secret: str | None
    beacon_size: int | None
    beacon_root: str | None
    seed: str | None
    objects_snapshot: str | None
    objects: tuple[tuple[int | None, str | None], ...]
    """``(index, key)`` of each drawn object, in draw order."""
    inspectors: tuple[tuple[int | None, tuple[str, ...]], ...]
    """``(object_index, officers)`` as recorded."""


@dataclass(frozen=True, slots=True)
class Replacement:
    """An ``InspectorReplaced`` (回避 or 不能到场): the next officer of the object's permutation."""

    version: int
    at: datetime
    object_index: int | None
    officer: str | None
    replacement: str | None
    reason: str | None


@dataclass(frozen=True, slots=True)
class SkippedObject:
    """A ``DrawnObjectSkipped``: a drawn object not inspected, and why."""

    version: int
    at: datetime
    object_index: int | None
    key: str | None
    reason: str | None
    evidence: bool


@dataclass(frozen=True, slots=True)
class TaskInspection:
    """One inspection of the task (an ``inspection/`` stream whose origin names it)."""

    stream: str
    object_index: int | None
    key: str | None
    result: str | None
    published: bool


@dataclass(frozen=True, slots=True)
class SpotCheckTask:
    """Everything a ``spotcheck/`` stream (one 抽查任务) shows, with the inspections that name it."""

    stream: str
    number: str
    exists: bool
    agency: str | None
    items: tuple[str, ...]
    population: str | None
    sample_size: int | None
    inspectors_per_object: int | None
    period: tuple[date | None, date | None]
    approved_by: str | None
    seed_commitment: str | None
    algorithm: str | None
    planned_at: datetime | None
    plan_version: int | None
    filed_at: datetime | None
    published_at: datetime | None
    status: str
    snapshots: tuple[SnapshotRecord, ...]
    draw: DrawRecord | None
    replacements: tuple[Replacement, ...]
    skipped: tuple[SkippedObject, ...]
    completed_on: date | None
    inspections: tuple[TaskInspection, ...]
    documents: tuple[Document, ...]
    timeline: tuple[TimelineEntry, ...]
    officers: tuple[str, ...] = ()
    events: int = 0
    backfilled: int = 0

    @property
    def status_label(self) -> str:
        return TASK_STATUS_LABELS.get(self.status, self.status)

    def snapshot(self, directory: str) -> SnapshotRecord | None:
        """The first snapshot of ``directory`` (``objects`` or ``inspectors``)."""
        return next((s for s in self.snapshots if s.directory == directory), None)

    def assigned(self, object_index: int) -> tuple[str, ...] | None:
        """The officers of a drawn object as recorded, each replacement applied in order; None
        when the index was not drawn."""
        if self.draw is None:
            return None
        for index, officers in self.draw.inspectors:
            if index == object_index:
                found = list(officers)
                for r in self.replacements:
                    if r.object_index == object_index and r.officer in found and r.replacement is not None:
                        found[found.index(r.officer)] = r.replacement
                return tuple(found)
        return None
