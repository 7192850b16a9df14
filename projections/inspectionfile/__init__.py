"""The inspection file (行政检查 案卷) and the spot-check task (双随机 抽查任务): pure folds of an
``inspection/`` and a ``spotcheck/`` stream into what a reviewer reads, shaped like
``projections.licencefile``.

``fold_inspectionfile`` follows an inspection from its approval (and, when drawn, the spot check and
the object's index) through the site or remote check, the result, the correction ordered and
verified, referrals, publication and closing, with INS-10's publication deadline (a result
unpublished after 20 WD is a warning). ``fold_spotchecktask`` follows a task: plan and commitment,
both directory snapshots, the draw, replacements, skipped objects, and the inspections that name it.

The package: ``model`` (the dataclasses), ``documents`` (EVAL-11's items and the 卷内目录), ``fold``
(``HANDLERS``) over the ``accumulator``'s :class:`InspectionFold`, ``spotcheck``
(``SPOTCHECK_HANDLERS``).
"""

from projections.inspectionfile.documents import INSPECTION_PAPERS, inspection_catalogue, inspection_documents
from projections.inspectionfile.fold import HANDLERS, fold_inspectionfile
from projections.inspectionfile.model import (
    CONCLUDED,
    INSPECTION_ITEMS,
    RESULT_LABELS,
    TASK_CONCLUDED,
    DrawRecord,
    InspectionFile,
    InspectionResult,
    Origin,
    Publication,
    Referral,
    Replacement,
    SiteRecord,
    SkippedObject,
    SnapshotRecord,
    SpotCheckTask,
    TaskInspection,
    Verification,
)
from projections.inspectionfile.spotcheck import SPOTCHECK_HANDLERS, fold_spotchecktask

__all__ = [
    "CONCLUDED",
    "HANDLERS",
    "INSPECTION_ITEMS",
    "INSPECTION_PAPERS",
    "RESULT_LABELS",
    "SPOTCHECK_HANDLERS",
    "TASK_CONCLUDED",
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
    "fold_inspectionfile",
    "fold_spotchecktask",
    "inspection_catalogue",
    "inspection_documents",
]
