"""The licence file's model (行政许可 案卷): what a reviewer reads, as frozen dataclasses.

The fold (:mod:`projections.licencefile.fold`) builds them; the audit (and later a SQL projection
and the pages) reads them. Documents, catalogue lines, timeline lines and deadlines are the case
file's own types (``projections.casefile``), so every reader of a file reads them one way.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Final, Protocol

from domain.extensions import JudgedExtension
from domain.limits import ExcludedSpan
from domain.registry import AgencyState
from domain.shapes import Party
from projections.casefile.model import CatalogueEntry, Deadline, Document, TimelineEntry

__all__ = [
    "CONCLUDED",
    "LICENCE_ITEMS",
    "LICENCE_UNPAGINATED",
    "STATUS_LABELS",
    "AgencyRegistry",
    "IssuedLicence",
    "LicenceDecision",
    "LicenceFile",
    "LicencePublication",
]


class AgencyRegistry(Protocol):
    """The registry as of a time, as far as the fold reads it: the item applied for (its periods)."""

    def agency_as_of(self, agency: str, at: datetime) -> AgencyState | None: ...


LICENCE_ITEMS: Final[dict[int, str]] = {
    1: "案卷封面",
    2: "卷内目录",
    3: "行政许可申请书、申请材料及接收凭证",
    4: "申请材料补正告知书及补正材料",
    5: "受理通知书或不予受理决定书",
    6: "核查笔录、现场核查记录及音像记录",
    7: "利害关系人告知书、陈述申辩材料及复核",
    8: "听证材料",
    9: "听证、检验、检测、专家评审等所需时间告知书及结果",
    10: "延长期限审批表及延长告知书",
    11: "承办人审查意见及审核意见",
    12: "法制审核材料",
    13: "行政许可审批表",
    14: "行政许可决定书及送达回证",
    15: "行政许可证件及颁发、送达记录",
    16: "公示记录",
    17: "办结记录",
    18: "备考表",
}
"""EVAL-09's items of a 许可 file (rules.md §6), numbered as there."""

LICENCE_UNPAGINATED: Final = frozenset({1, 2, 18})
LICENCE_VOLUMES: Final = (("正卷", tuple(range(1, 19))),)
"""EVAL-09's one default order (the catalogue follows 受理 → 审查(听证) → 决定 → 送达)."""

PROGRESS: Final[dict[str, int]] = {
    "applied": 0, "opened": 0, "accepted": 1, "noticed": 1, "reviewed": 2, "not_accepted": 3, "decided": 3,
    "issued": 4, "closed": 5, "archived": 6,
}
"""The statuses of a licence file in their order (a status only moves forward)."""

CONCLUDED: Final = frozenset(s for s, rank in PROGRESS.items() if rank >= PROGRESS["decided"])
"""A file with its concluding step (a decision, a non-acceptance, a closing); before it, 办理中."""

STATUS_LABELS: Final[dict[str, str]] = {
    "applied": "已申请", "opened": "已立案（撤回/撤销/注销）", "accepted": "已受理", "noticed": "已告知",
    "reviewed": "已审查", "not_accepted": "不予受理", "decided": "已决定", "issued": "已发证", "closed": "已办结",
    "archived": "已归档",
}


@dataclass(frozen=True, slots=True)
class LicenceDecision:
    """The file's decision: 准予 (new, change, renewal), 不予, or the agency's 撤回/撤销/注销."""

    version: int
    type: str
    at: datetime
    document_no: str | None
    valid_from: date | None = None
    valid_to: date | None = None
    on_the_spot: bool = False
    effective_on: date | None = None


@dataclass(frozen=True, slots=True)
class IssuedLicence:
    """The certificate issued after a grant (第44条, LIC-13)."""

    version: int
    licence_no: str | None
    issued_at: datetime


@dataclass(frozen=True, slots=True)
class LicencePublication:
    """A ``DecisionPublished`` of the file, with the versions of a later correction or withdrawal."""

    version: int
    published_at: datetime
    text: str
    corrected_version: int | None = None
    withdrawn_version: int | None = None
    channel: str | None = None
    url: str | None = None
    corrected_at: datetime | None = None
    corrected_text: str | None = None
    withdrawn_at: datetime | None = None
    withdrawal_reason: str | None = None
    withdrawal_explanation: str | None = None


@dataclass(frozen=True, slots=True)
class LicenceFile:
    """Everything the file of one licence application or agency proceeding shows."""

    stream: str
    number: str
    exists: bool
    kind: str
    """``application`` (opened by ``LicenceApplied``) or ``proceeding`` (``LicenceProceedingOpened``)."""
    agency: str | None
    item: str | None
    application: str | None
    """``new``, ``change``, ``renewal`` or ``cancellation`` (an application), else None."""
    action: str | None
    """A proceeding's ``withdrawal``, ``revocation`` or ``cancellation``, else None."""
    applicant: Party | None
    """The applicant, or the holder a proceeding concerns."""
    concerns: Mapping[str, Any]
    """The licence a change, renewal or proceeding names (``stream``, ``licence_no``, ``valid_to``)."""
    status: str
    received_at: datetime | None
    accepted_on: date | None
    """LIC-10's start (LIC-03): the acceptance day, or the receipt date when deemed accepted."""
    deemed_accepted: bool
    decision: LicenceDecision | None
    issued: IssuedLicence | None
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
    excluded: tuple[ExcludedSpan, ...] = ()
    """The notified excluded periods that stop LIC-10's clock (CAL-07)."""
    extensions: tuple[JudgedExtension, ...] = ()
    """The LIC-10 ``TimeLimitExtended`` steps judged against the period (a late one adds nothing)."""
    officers: tuple[str, ...] = ()
    events: int = 0
    backfilled: int = 0
    person_names: tuple[str, ...] = ()
    """Every natural person the stream names (applicant, agent, interested parties, hearing agents):
    what PUB-01 masks on a public surface (``domain.licence_state.publication_case``)."""
    organisation_names: tuple[str, ...] = ()

    @property
    def party(self) -> Party | None:
        """The applicant (or holder) as the masking reads a file's party (``projections.disclosure``)."""
        return self.applicant

    @property
    def people(self) -> tuple[Party, ...]:
        return (self.applicant,) if self.applicant is not None else ()

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)

    @property
    def concluded(self) -> bool:
        """Decided, not accepted or closed: until then the file is 办理中 (given no grade)."""
        return self.status in CONCLUDED

    @property
    def all_deadlines(self) -> tuple[Deadline, ...]:
        return self.deadlines

    def deadline(self, key: str) -> Deadline | None:
        return next((d for d in self.deadlines if d.key == key), None)
