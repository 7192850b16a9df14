"""The complaint file's model (行政执法投诉举报 案卷): frozen dataclasses, no folding here.

Why two parts: the complainant is a party whose data never reaches a public surface (steps.md,
CMP-04, PUB-06), and for a 检举/举报 not the agency or officers complained of either (信访工作条例
第30条第3款). So the file is split by type: :class:`PublicComplaintFile` holds everything a
rendering may show and has no field that could hold the complainant; :class:`ComplaintPrivate`
holds the complainant, the contact and what the complainant wrote. A rendering takes a
:class:`PublicComplaintFile` (``ComplaintFile.public_view()``) or an :class:`AgencyView`
(``ComplaintFile.agency_view()``), never the whole :class:`ComplaintFile`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Final

from domain.calendar import DEFAULT_CALENDAR, DeadlineState, WorkingCalendar
from domain.extensions import JudgedExtension
from domain.shapes import Party
from projections.casefile.model import CatalogueEntry, Deadline, Document, TimelineEntry

__all__ = [
    "CATALOGUE_ITEMS",
    "CONCLUDED",
    "PROGRESS",
    "STATUS_LABELS",
    "UNPAGINATED",
    "Against",
    "AgencyView",
    "Assignment",
    "Complainant",
    "ComplaintFile",
    "ComplaintPrivate",
    "Conclusion",
    "PublicComplaintFile",
]

CATALOGUE_ITEMS: Final[dict[int, str]] = {
    1: "封面",
    2: "目录",
    3: "投诉举报登记表及材料",
    4: "受理、不予受理告知",
    5: "转送、交办函及被投诉机关办结报告",
    6: "调查核实记录（含调取的账本记录）",
    7: "延期审批及告知",
    8: "处理意见书",
    9: "答复书及送达凭证",
    10: "执法监督案卷（责令整改）",
    11: "备考表",
}
"""The EVAL-12 items of a 投诉 file (rules.md §6), numbered as there."""
UNPAGINATED: Final = frozenset({1, 2, 11})

PROGRESS: Final[dict[str, int]] = {
    "received": 0, "accepted": 1, "not_accepted": 1, "transferred": 1, "investigated": 2, "concluded": 3,
    "answered": 4, "closed": 5, "archived": 6,
}
"""The statuses of a complaint file in their order (a status only moves forward)."""
STATUS_LABELS: Final[dict[str, str]] = {
    "received": "已登记", "accepted": "已受理", "not_accepted": "不予受理", "transferred": "已转送",
    "investigated": "已调查核实", "concluded": "已提出处理意见", "answered": "已答复", "closed": "已办结",
    "archived": "已归档",
}
CONCLUDED: Final = frozenset({"not_accepted", "concluded", "answered", "closed", "archived"})
"""Statuses of a file with its concluding step (不予受理, 处理意见, 办结); a file transferred to another
competent body is concluded too (``PublicComplaintFile.concluded``). Earlier it is 办理中."""


@dataclass(frozen=True, slots=True)
class Against:
    """Whom the complaint is against: the agency, its officers, the file concerned (public: it names
    the agency's acts, not the complainant)."""

    agency: str | None
    officers: tuple[str, ...]
    stream: str | None
    document_no: str | None


@dataclass(frozen=True, slots=True)
class Assignment:
    """A 转送 or 交办 (``ComplaintTransferred``): where it went, by when the agency reports (CMP-08)."""

    version: int
    kind: str
    to: str | None
    transferred_at: datetime
    due: date | None
    identity_shared: bool
    complainant_told_at: datetime | None
    reported_on: date | None
    """The first ``ComplaintAgencyReported`` after it (an assignment's 办结报告)."""


@dataclass(frozen=True, slots=True)
class Conclusion:
    """The 处理意见 (``ComplaintConcluded``): outcome, the rules found broken, the measures, the link."""

    version: int
    outcome: str | None
    findings: tuple[str, ...]
    measures: tuple[str, ...]
    supervision: str | None
    at: datetime


@dataclass(frozen=True, slots=True)
class Complainant:
    """Who complained: the party, or anonymous; the contact they left. Private (see the module)."""

    party: Party | None
    anonymous: bool
    contact: str | None

    def strings(self) -> tuple[str, ...]:
        """Every string that identifies the complainant (name, numbers, address, phone, contact)."""
        p = self.party
        found = [self.contact] if self.contact else []
        if p is not None:
            found += [v for v in (p.name, p.id_number, p.credit_code, p.address, p.phone, p.legal_representative)
                      if v]
        return tuple(dict.fromkeys(found))


@dataclass(frozen=True, slots=True)
class ComplaintPrivate:
    """What only the bureau handling the complaint reads: the complainant and their own words."""

    complainant: Complainant
    summary: str | None
    requests: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PublicComplaintFile:
    """Everything the complaint file shows that a rendering may show (no complainant data)."""

    stream: str
    number: str
    exists: bool
    bureau: str | None
    """The justice bureau handling it: the agency of the supervisor who registered it, as of then."""
    channel: str | None
    nature: str | None
    anonymous: bool
    owed_answer: bool
    """Whether the complainant can be told and answered (not anonymous, or left a contact)."""
    against: Against
    received_at: datetime | None
    decided_at: datetime | None
    """The acceptance decision: 受理, 不予受理 or 转送/交办, whichever came first (CMP-02)."""
    accepted_at: datetime | None
    not_accepted_at: datetime | None
    not_accepted_reason: str | None
    handlers: tuple[str, ...]
    investigators: tuple[str, ...]
    streams_examined: tuple[str, ...]
    assignments: tuple[Assignment, ...]
    conclusion: Conclusion | None
    answered_at: datetime | None
    closed_at: datetime | None
    archived_at: datetime | None
    archive_no: str | None
    retention: str | None
    status: str
    documents: tuple[Document, ...]
    catalogue: tuple[CatalogueEntry, ...]
    timeline: tuple[TimelineEntry, ...]
    deadlines: tuple[Deadline, ...]
    extensions: tuple[JudgedExtension, ...] = ()
    """The CMP-06 ``TimeLimitExtended`` steps judged against the answer period (a late one adds nothing)."""
    events: int = 0

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)

    @property
    def transferred_out(self) -> bool:
        """Passed to another competent body (``kind: transfer``) without being accepted here."""
        return self.accepted_at is None and any(a.kind == "transfer" for a in self.assignments)

    @property
    def concluded(self) -> bool:
        """The file holds its concluding step; until then it is 办理中 (no grade, as a case file)."""
        return self.status in CONCLUDED or self.transferred_out

    @property
    def linked_streams(self) -> tuple[str, ...]:
        """The streams the file links (rules.md "Context — licensing and complaints"): the file
        complained of and the supervision stream of the conclusion."""
        found = [self.against.stream, self.conclusion.supervision if self.conclusion else None]
        return tuple(dict.fromkeys(s for s in found if s))

    def deadline_states(self, today: date, calendar: WorkingCalendar = DEFAULT_CALENDAR,
                        soon_days: int = 3) -> dict[str, DeadlineState]:
        """Every deadline's state on ``today`` (computed now, never stored)."""
        return {d.key: d.state(today, calendar, soon_days) for d in self.deadlines}


@dataclass(frozen=True, slots=True)
class AgencyView:
    """What the agency complained of may read: the public file, and the complainant only when this is
    a 投诉 (by the party itself) and the bureau recorded sharing it with that agency."""

    file: PublicComplaintFile
    complainant: Complainant | None


@dataclass(frozen=True, slots=True)
class ComplaintFile:
    """The whole complaint file: its public part and its private part (see the module docstring)."""

    public: PublicComplaintFile
    private: ComplaintPrivate

    def public_view(self) -> PublicComplaintFile:
        """What any public or statistical rendering reads: no complainant data at all."""
        return self.public

    def agency_view(self, agency: str | None = None) -> AgencyView:
        """What ``agency`` (default: the agency complained of) may read. Never the complainant of a
        检举/举报 (CMP-04), whatever was recorded; a 投诉's complainant only once a transfer to that
        agency recorded ``complainant_identity_shared: true``."""
        f = self.public
        reader = agency or f.against.agency
        shared = any(a.identity_shared and a.to == reader for a in f.assignments)
        allowed = f.nature == "complaint" and shared
        return AgencyView(f, self.private.complainant if allowed else None)
