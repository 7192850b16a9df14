"""The case file's model: what a reviewer reads, as frozen dataclasses (no folding here).

The fold (:mod:`projections.casefile.fold`) builds them; the projections, the audit and the
pages read them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Final

from domain.calendar import DEFAULT_CALENDAR, DeadlineState, WorkingCalendar
from domain.calendar import Deadline as DueDate
from domain.casestate import CaseState, PenaltyLine
from domain.config import Config
from domain.extensions import JudgedExtension
from domain.frozen import quick_init
from domain.shapes import Party
from projections.labels import CORRECTIVE, STATUS_LABELS
from projections.measures import EnforcementRecord, MeasureRecord

History = Sequence[Mapping[str, Any]]

DEFAULT_CONFIG: Final = Config()

PROGRESS: Final[dict[str, int]] = {
    "source": 0, "registered": 1, "investigated": 2, "notified": 3, "decided": 4, "not_transferred": 4,
    "served": 5, "transferred": 5, "closed": 6, "archived": 7,
}
"""The statuses of a case file in their order (a status only moves forward)."""

CONCLUDED: Final = frozenset(status for status, rank in PROGRESS.items() if rank >= PROGRESS["decided"])
"""The statuses of a file with its concluding step: decided (or decided not to transfer), served,
transferred, closed, archived. Earlier (案源登记, 已立案, 调查终结, 已告知) it is 办理中."""


CATALOGUE_ITEMS: Final[dict[int, str]] = {
    1: "案卷封面",
    2: "卷内目录",
    3: "案件来源登记表、举报记录、移送函、检查记录",
    4: "立案审批表",
    5: "询问（调查）笔录及身份证明",
    6: "现场检查（勘验）笔录、照片及音像记录",
    7: "其他证据及先行登记保存材料",
    8: "案件调查终结报告",
    9: "行政处罚事先告知书及送达回证",
    10: "陈述申辩材料及复核意见",
    11: "听证材料",
    12: "法制审核材料",
    13: "集体讨论记录",
    14: "行政处罚决定审批表",
    15: "行政处罚决定书及送达回证",
    16: "执行材料",
    17: "公示记录",
    18: "结案报告",
    19: "备考表",
}
"""The EVAL-04 items of a 普通程序 penalty file (rules.md §6), numbered as there."""

_ORDERS: Final[dict[str, tuple[tuple[str, tuple[int, ...]], ...]]] = {
    # EVAL-04 / 测绘 standard: chronological (立案 → 调查 → 审查 → 决定 → 送达 → 执行).
    "chronological": (("正卷", tuple(range(1, 20))),),
    # Q15 [P10]: the result first (决定书 → 审批表 → 调查终结报告 → … → 证据 → 结案 → 备考表).
    "result_first": (("正卷", (1, 2, 15, 14, 8, 13, 12, 11, 10, 9, 3, 4, 5, 6, 7, 16, 17, 18, 19)),),
    # Q15 [P11]: 正卷 and 副卷 (副卷: 案源, 调查终结报告, 核审意见, 集体讨论, 听证报告, 结案报告).
    "split": (
        ("正卷", (1, 2, 4, 5, 6, 7, 9, 10, 11, 14, 15, 16, 17, 19)),
        ("副卷", (1, 2, 3, 8, 12, 13, 18, 19)),
    ),
}
UNPAGINATED: Final = frozenset({1, 2, 19})


def catalogue_order(name: str) -> tuple[tuple[str, tuple[int, ...]], ...]:
    """The volumes and the EVAL-04 item order of a ``file_order`` setting (default chronological)."""
    return _ORDERS.get(name, _ORDERS["chronological"])


# --------------------------------------------------------------------------- the model


@quick_init
@dataclass(frozen=True, slots=True)
class Document:
    """One document or record of the file: a referenced file, or a step that is its own record.

    ``kind`` is ``written`` or ``av`` for a referenced file (``sha256`` set) and ``entry``
    for a step with no file of its own (e.g. 案件来源登记, 罚没款缴纳): the ledger's signed
    event is then the record.
    """

    stream: str
    version: int
    step: str
    field: str
    item: int
    title: str
    name: str | None
    sha256: str | None
    bytes: int | None
    media_type: str | None
    kind: str
    stage: str
    at: datetime
    officers: tuple[str, ...]


@quick_init
@dataclass(frozen=True, slots=True)
class CatalogueEntry:
    """A line of the 卷内目录: its place, the EVAL-04 item, the document it lists."""

    volume: str
    seq: int
    item: int
    item_title: str
    title: str
    version: int | None
    on: date | None
    sha256: str | None
    paginated: bool


@quick_init
@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """One event as the timeline shows it; ``at`` as stated, ``recorded_at`` by the ledger."""

    stream: str
    version: int
    type: str
    label: str
    stage: str
    at: datetime
    at_text: str
    recorded_at: str
    by: str
    backfilled: bool
    overrides: tuple[str, ...]


@quick_init
@dataclass(frozen=True, slots=True)
class Deadline:
    """A running or finished legal time limit: start, due date (maybe provisional), when done.

    The state (met, pending, due soon, missed, provisional) depends on the day it is
    read, so it is never part of the file: call :meth:`state` with ``today``.

    ``holder`` says whose period it is. ``agency``: a duty the agency must perform by
    ``due`` (warnings and the audit's deadline findings). ``party``: a window the party
    holds (陈述申辩期, 听证申请期, 复议 and 起诉期限, 催告后履行期) — the agency must wait
    for it, so it is never a warning; ``done_on`` is when the party used or waived it,
    and an unused window ends ``elapsed``, not missed.
    """

    stream: str
    key: str
    rule: str
    title: str
    start: date
    due: DueDate
    done_on: date | None
    agency: str | None = None
    holder: str = "agency"

    @property
    def is_duty(self) -> bool:
        return self.holder == "agency"

    def state(self, today: date, calendar: WorkingCalendar = DEFAULT_CALENDAR, soon_days: int = 3) -> DeadlineState:
        return deadline_state(self.due, self.done_on, self.holder, today, calendar, soon_days)


def deadline_state(due: DueDate, done_on: date | None, holder: str, today: date, calendar: WorkingCalendar,
                   soon_days: int) -> DeadlineState:
    """The calendar's state of a deadline, except that a party's window ending unused is
    ``elapsed``, not missed (one rule for the folded file and for the stored rows)."""
    found = calendar.deadline_state(due, done_on, today, soon_days)
    return "elapsed" if found == "missed" and done_on is None and holder != "agency" else found


@dataclass(frozen=True, slots=True)
class DecisionInfo:
    """The decision of the case (普通程序 ``DecisionMade`` or 简易程序 ``SummaryDecisionMade``)."""

    version: int
    type: str
    outcome: str
    penalties: tuple[PenaltyLine, ...]
    fine_fen: int
    document_no: str | None
    at: datetime
    approved_by: str | None
    basis: tuple[Mapping[str, Any], ...]


@dataclass(frozen=True, slots=True)
class LegalReviewInfo:
    """A completed 法制审核 (PEN-16 to PEN-18): who, the outcome, the points found wanting."""

    version: int
    requested_at: datetime | None
    completed_at: datetime
    reviewer: str | None
    outcome: str | None
    issues: tuple[str, ...]
    document: str | None


@dataclass(frozen=True, slots=True)
class Withdrawal:
    """A published record taken down (PEN-41) and the explanation published with it."""

    version: int
    withdrawn_at: datetime
    reason: str | None
    explanation: str | None


@dataclass(frozen=True, slots=True)
class Publication:
    """A ``DecisionPublished`` with its later corrections and withdrawal (PUB-04, PUB-05, PEN-41).

    ``text`` is the text as last corrected, as recorded: the disclosure projection still
    redacts it (PUB-01) before it reaches a public table.
    """

    version: int
    published_at: datetime
    published_text: str
    channel: str | None
    url: str | None
    text: str
    original_text: str
    regime: str
    min_until: date
    max_until: date
    corrected_at: datetime | None
    withdrawal: Withdrawal | None
    document_no: str | None = None
    """``DecisionPublished.document_no``: the decision published, when it is a measure's or an
    enforcement's on the case stream; absent, the penalty decision (steps.md)."""


def of_decision(publications: Sequence[Publication], document_no: str | None) -> tuple[Publication, ...]:
    """The publications of the case's own decision ``document_no``: those naming no ``document_no``
    (steps.md: absent, the penalty decision) or naming it."""
    return tuple(p for p in publications if p.document_no is None or p.document_no == document_no)


@dataclass(frozen=True, slots=True)
class CourtHearing:
    """A court hearing: who appeared in which role, and whether a head did (LIT-01).

    ``head_appeared`` is true only when someone written as a head held the ``head`` role of
    the defendant agency in the registry at the hearing's date (``domain.roles.heads_named``);
    ``not_heads`` says why each other person written as a head did not count.
    """

    hearing_at: datetime | None
    appeared: tuple[tuple[str, str], ...]
    head_appeared: bool
    head_absent_reason: str | None
    not_heads: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Judgment:
    outcome: str
    received_at: datetime | None
    instance: str | None

    @property
    def corrective(self) -> bool:
        return self.outcome in CORRECTIVE


@dataclass(frozen=True, slots=True)
class ReviewFile:
    """A 行政复议 that targets the case (stream ``review/...``)."""

    stream: str
    case: str | None
    document_no: str | None
    applicant: Party | None
    received_at: datetime | None
    accepted_at: datetime | None
    rejected_at: datetime | None
    answer_requested_at: datetime | None
    answer_filed_at: datetime | None
    hearings: tuple[tuple[datetime | None, bool], ...]
    extended_days: int
    decision: str | None
    decided_at: datetime | None
    served_at: datetime | None
    letters: tuple[tuple[str, str | None, datetime | None], ...]
    staff: tuple[str, ...]
    timeline: tuple[TimelineEntry, ...]
    deadlines: tuple[Deadline, ...]
    extensions: tuple[JudgedExtension, ...] = ()
    """The ``ReconsiderationExtended`` steps judged against the RC-05 period (``domain.extensions``)."""

    @property
    def corrective(self) -> bool:
        return self.decision in CORRECTIVE

    @property
    def head_attended(self) -> bool | None:
        """Whether the respondent's head attended the 复议 hearing (RC-04); None without a hearing."""
        return any(attended for _, attended in self.hearings) if self.hearings else None


@dataclass(frozen=True, slots=True)
class LawsuitFile:
    """A 行政诉讼 against the case's decision (stream ``litigation/...``)."""

    stream: str
    case: str | None
    court: str | None
    document_no: str | None
    filed_at: datetime | None
    hearings: tuple[CourtHearing, ...]
    judgments: tuple[Judgment, ...]
    suggestions: int
    staff: tuple[str, ...]
    timeline: tuple[TimelineEntry, ...]

    @property
    def judgment(self) -> Judgment | None:
        return self.judgments[-1] if self.judgments else None


@dataclass(frozen=True, slots=True)
class SupervisionFile:
    """A 执法监督 stream: evaluations and rectification orders with their deadlines."""

    stream: str
    agency: str | None
    case: str | None
    timeline: tuple[TimelineEntry, ...]
    deadlines: tuple[Deadline, ...]


@dataclass(frozen=True, slots=True)
class CaseFile:
    """Everything the file of one case shows (see the module docstring)."""

    stream: str
    number: str
    exists: bool
    agency: str | None
    procedure: str | None
    item: str | None
    party: Party | None
    violation: Mapping[str, Any]
    handlers: tuple[str, ...]
    officers: tuple[str, ...]
    source: Mapping[str, Any] | None
    registered_at: datetime | None
    decision: DecisionInfo | None
    transferred_at: datetime | None
    served_at: datetime | None
    paid_fen: int
    publications: tuple[Publication, ...]
    suppressions: tuple[str, ...]
    corrections: tuple[Mapping[str, Any], ...]
    closed_at: datetime | None
    archived_at: datetime | None
    archive_no: str | None
    retention: str | None
    status: str
    documents: tuple[Document, ...]
    catalogue: tuple[CatalogueEntry, ...]
    timeline: tuple[TimelineEntry, ...]
    deadlines: tuple[Deadline, ...]
    reviews: tuple[ReviewFile, ...]
    lawsuits: tuple[LawsuitFile, ...]
    state: CaseState
    people: tuple[Party, ...] = ()
    legal_reviews: tuple[LegalReviewInfo, ...] = ()
    extensions: tuple[JudgedExtension, ...] = ()
    """The PEN-23 ``TimeLimitExtended`` steps judged against the period (a late one adds nothing)."""
    events: int = 0
    backfilled: int = 0
    overridden: int = 0
    measures: tuple[MeasureRecord, ...] = ()
    """The coercive measures taken in the case, on its stream (EVAL-04 item 7; ``projections.measures``)."""
    enforcement: EnforcementRecord | None = None
    """The agency's own enforcement of the decision on the case stream (催告, 代履行 …), when any."""

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)

    @property
    def concluded(self) -> bool:
        """The file holds its concluding step (a decision, a transfer decision, a closing); until then
        it is 办理中: evaluated for what it shows, given no grade (issue 13, 3; docs/audit.md)."""
        return self.status in CONCLUDED

    @property
    def outcome(self) -> str | None:
        if self.decision is not None:
            return self.decision.outcome
        return "transfer" if self.transferred_at is not None else None

    @property
    def fine_fen(self) -> int:
        return self.decision.fine_fen if self.decision is not None else 0

    @property
    def penalty_publications(self) -> tuple[Publication, ...]:
        """The publications of the penalty decision (行政处罚决定公示), not those of a measure's or an
        enforcement's decision recorded on the same case stream."""
        return of_decision(self.publications, self.decision.document_no if self.decision is not None else None)

    @property
    def person_names(self) -> tuple[str, ...]:
        """Natural persons the file knows (party, legal representatives, interviewees, agents, applicants)."""
        names = list(self.state.person_names)
        for review in self.reviews:
            applicant = review.applicant
            if applicant is not None:
                if applicant.kind == "person" and applicant.name:
                    names.append(applicant.name)
                if applicant.legal_representative:
                    names.append(applicant.legal_representative)
        return tuple(dict.fromkeys(names))

    @property
    def organisation_names(self) -> tuple[str, ...]:
        names = list(self.state.organisation_names)
        names += [r.applicant.name for r in self.reviews
                  if r.applicant is not None and r.applicant.kind == "organisation" and r.applicant.name]
        return tuple(dict.fromkeys(names))

    @property
    def all_deadlines(self) -> tuple[Deadline, ...]:
        """The case's deadlines and those of the reconsiderations that target it."""
        return self.deadlines + tuple(d for r in self.reviews for d in r.deadlines)

    def deadline_states(
        self, today: date, calendar: WorkingCalendar = DEFAULT_CALENDAR, soon_days: int = 3
    ) -> dict[str, DeadlineState]:
        """Every deadline's state on ``today`` (computed now, never stored)."""
        return {d.key: d.state(today, calendar, soon_days) for d in self.all_deadlines}
