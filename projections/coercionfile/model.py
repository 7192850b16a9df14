"""The 强制 file's model (行政强制 案卷, EVAL-10): what a reviewer reads of a ``coercion/`` stream, as
frozen dataclasses.

The fold (:mod:`projections.coercionfile.fold`) builds them; the audit (and later a SQL projection and
the pages) reads them. The measures and the enforcement are :mod:`projections.measures`' records (the
penalty case file shows the same ones); documents, catalogue lines, timeline lines and deadlines are
the case file's types, publications the licence file's.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Final

from domain.calendar import DEFAULT_CALENDAR, WorkingCalendar
from domain.shapes import Party
from projections.casefile.model import CatalogueEntry, Deadline, Document, TimelineEntry
from projections.licencefile.model import LicencePublication
from projections.measures import EnforcementRecord, MeasureRecord

__all__ = [
    "COERCION_ITEMS",
    "COERCION_UNPAGINATED",
    "CONCLUDED",
    "STATUS_LABELS",
    "CoercionFile",
    "Warning",
]

COERCION_ITEMS: Final[dict[int, str]] = {
    1: "案卷封面",
    2: "卷内目录",
    3: "案件来源（检查记录、举报、移送或巡查记录）",
    4: "实施行政强制措施审批表，或紧急情况报告及补办批准",
    5: "现场笔录、音像记录及照片",
    6: "查封（扣押）决定书及清单",
    7: "冻结通知书、冻结决定书及送达回证",
    8: "检测、检验、检疫、技术鉴定期间告知书及报告",
    9: "延长审批表、延长决定书及送达回证",
    10: "处理决定（没收、销毁、移送及书面告知）",
    11: "解除决定书及送达回证、退还清单",
    12: "被执行的决定、催告书及送达回证",
    13: "陈述申辩材料及复核意见",
    14: "强制执行决定书或代履行决定书及送达回证",
    15: "强制拆除公告及张贴记录",
    16: "代履行前催告书及送达回证",
    17: "执行笔录及音像记录",
    18: "执行协议、中止、恢复、终结决定及执行回转",
    19: "代履行费用、划拨、拍卖及上缴凭证",
    20: "强制执行申请书、申请材料及法院裁定",
    21: "公示记录",
    22: "办结记录",
    23: "备考表",
}
"""EVAL-10's items of a 强制 file (rules.md §6): a measure's order (1–11), then an enforcement's
(12–20), then 公示, 办结 and 备考表."""

COERCION_UNPAGINATED: Final = frozenset({1, 2, 23})
COERCION_VOLUMES: Final = (("正卷", tuple(range(1, 24))),)

PROGRESS: Final[dict[str, int]] = {
    "opened": 0, "measure": 1, "demanded": 1, "decided": 2, "carried_out": 3, "ended": 4, "closed": 5,
    "archived": 6,
}
"""The statuses of a 强制 file in their order (a status only moves forward)."""

CONCLUDED: Final = frozenset(s for s, rank in PROGRESS.items() if rank >= PROGRESS["ended"])
"""Every measure disposed of or released and the enforcement carried out (or ended), or the file
closed: until then the file is 办理中 (given no grade)."""

STATUS_LABELS: Final[dict[str, str]] = {
    "opened": "已立卷", "measure": "强制措施实施中", "demanded": "已催告", "decided": "已决定强制执行",
    "carried_out": "已执行", "ended": "已处理完毕", "closed": "已办结", "archived": "已归档",
}


@dataclass(frozen=True, slots=True)
class Warning:
    """What a supervisor should see today: a measure near (or past) its last day, a 催告 period
    running, a publication due; ``state`` is the deadline's (``due_soon``, ``missed``, ``pending``)."""

    key: str
    rule: str
    title: str
    due: date
    state: str


@dataclass(frozen=True, slots=True)
class CoercionFile:
    """Everything the file of one ``coercion/`` stream shows."""

    stream: str
    number: str
    exists: bool
    agency: str | None
    purpose: str | None
    """``measure`` or ``enforcement`` (``CoercionOpened.purpose``)."""
    item: str | None
    party: Party | None
    summary: str | None
    origin: str | None
    """The inspection, complaint or licence stream the file came from (``CoercionOpened.origin``)."""
    enforced: Mapping[str, Any]
    """The decision enforced, when made outside this stream (``CoercionOpened.decision``)."""
    handlers: tuple[str, ...]
    status: str
    measures: tuple[MeasureRecord, ...]
    enforcement: EnforcementRecord
    publications: tuple[LicencePublication, ...]
    suppressions: tuple[str, ...]
    corrections: tuple[Mapping[str, Any], ...]
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
    person_names: tuple[str, ...] = ()
    """Every natural person the stream names (the party, its representative, witnesses): what PUB-01
    masks on a public surface."""
    organisation_names: tuple[str, ...] = ()

    @property
    def people(self) -> tuple[Party, ...]:
        return (self.party,) if self.party is not None else ()

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)

    @property
    def concluded(self) -> bool:
        return self.status in CONCLUDED

    @property
    def all_deadlines(self) -> tuple[Deadline, ...]:
        return self.deadlines

    def deadline(self, key: str) -> Deadline | None:
        return next((d for d in self.deadlines if d.key == key), None)

    def measure(self, measure_id: str) -> MeasureRecord | None:
        return next((m for m in self.measures if m.measure_id == measure_id), None)

    def warnings(self, today: date, calendar: WorkingCalendar = DEFAULT_CALENDAR,
                 soon_days: int = 3) -> tuple[Warning, ...]:
        """The deadlines to watch on ``today``: a duty due soon or missed, a party's period running."""
        out = []
        for d in self.deadlines:
            state = d.state(today, calendar, soon_days)
            running = d.done_on is None
            if running and ((d.is_duty and state in ("due_soon", "missed"))
                            or (not d.is_duty and state in ("pending", "due_soon"))):
                out.append(Warning(d.key, d.rule, d.title, d.due.due, state))
        return tuple(out)
