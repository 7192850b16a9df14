"""The case file (案卷): one pure fold from a case's events to what a reviewer reads.

``fold_casefile`` is the only place where events become a :class:`CaseFile`: the SQL
projections write its parts to tables and the audit evaluates it, so a file is the
same whichever way it was loaded (docs/architecture.md). It is pure — no I/O, no clock — and
forgiving: backfilled history may hold ``null`` for any legal fact, and the file
then simply shows what the paper shows (the audit judges the gaps).

What the fold gathers:

* who and what: party, agency, procedure, item, violation, handlers, every officer named;
* the status (案源登记 → 已立案 → … → 已归档) and the outcome;
* every document and record, each placed in an item of the EVAL-04 catalogue and a
  stage of PEN-38; the 卷内目录 in the configured order (``evaluation.file_order``,
  Q15: chronological by default), with the unpaginated cover, catalogue and 备考表;
* the timeline of every event (its ``at``, the ledger's ``recorded_at``, 补录, overrides);
* the deadlines with their due dates (never their state: that depends on the day it is
  read, see :meth:`Deadline.state`);
* the reconsiderations (复议) and lawsuits (诉讼) that target the case.

Clerical corrections (``RecordCorrected``) are applied before folding, as the gates do
(``domain.casestate``): an evaluator reads the 补正 file, while the timeline still shows
the original and the correction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from types import MappingProxyType
from typing import Any, Final

from domain.calendar import DEFAULT_CALENDAR, SHANGHAI, DeadlineState, WorkingCalendar
from domain.calendar import Deadline as DueDate
from domain.casestate import (
    CaseState,
    PenaltyLine,
    _corrected,  # the one implementation of 补正 (RecordCorrected), shared with the gates
    amount_of,
    fold_case,
    parse_penalties,
)
from domain.config import Config, effective_regime
from domain.extensions import ExtendedPeriod, Extension, JudgedExtension, approval_day, extend_period
from domain.identities import Officer
from domain.registry import HistoryRegistry, step_time
from domain.roles import RegistryAsOf, heads_named
from domain.shapes import Party
from projections.labels import CORRECTIVE, HEAD_ROLES, STATUS_LABELS, STEP_LABELS, STEP_STAGE

__all__ = [
    "CATALOGUE_ITEMS",
    "CONCLUDED",
    "CaseFile",
    "CatalogueEntry",
    "CourtHearing",
    "Deadline",
    "DecisionInfo",
    "Document",
    "Judgment",
    "LawsuitFile",
    "LegalReviewInfo",
    "Publication",
    "ReviewFile",
    "SupervisionFile",
    "TimelineEntry",
    "Withdrawal",
    "catalogue_order",
    "fold_casefile",
    "fold_lawsuit",
    "fold_review",
    "fold_supervision",
    "named_in_court",
    "registry_of",
    "source_agency",
    "source_officer",
]

History = Sequence[Mapping[str, Any]]

DEFAULT_CONFIG: Final = Config()

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
_UNPAGINATED: Final = frozenset({1, 2, 19})


def catalogue_order(name: str) -> tuple[tuple[str, tuple[int, ...]], ...]:
    """The volumes and the EVAL-04 item order of a ``file_order`` setting (default chronological)."""
    return _ORDERS.get(name, _ORDERS["chronological"])


# --------------------------------------------------------------------------- the model


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


# --------------------------------------------------------------------------- reading JSON


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


@lru_cache(maxsize=131072)
def parse_time(text: str) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


def time_of(value: object) -> datetime | None:
    """An aware datetime from a ``…_at`` field, or None."""
    return parse_time(value) if isinstance(value, str) else None


@lru_cache(maxsize=131072)
def _day_of(text: str) -> date | None:
    moment = parse_time(text)
    return moment.astimezone(SHANGHAI).date() if moment is not None else None


def day_of(value: object) -> date | None:
    """The Asia/Shanghai date of a timestamp field, or a ``YYYY-MM-DD`` date field."""
    if not isinstance(value, str):
        return None
    if len(value) == 10:
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return _day_of(value)


def _mapping(value: object) -> Mapping[str, Any]:
    if type(value) is dict:  # decoded JSON: the common case, without the costlier ABC check
        return value
    return value if isinstance(value, Mapping) else _EMPTY


def _texts(value: object) -> tuple[str, ...]:
    if not isinstance(value, list | tuple):
        return ()
    return tuple(v for v in value if isinstance(v, str) and v)


def party_of(value: object) -> Party | None:
    """A party (当事人, 申请人) from step JSON, tolerating missing fields."""
    if not isinstance(value, Mapping):
        return None
    birth = day_of(value.get("birth_date"))
    return Party(
        kind=str(value.get("kind") or ""), name=str(value.get("name") or ""),
        id_number=_text(value.get("id_number")), credit_code=_text(value.get("credit_code")),
        address=_text(value.get("address")), phone=_text(value.get("phone")), birth_date=birth,
        legal_representative=_text(value.get("legal_representative")),
    )


_PEOPLE: Final = frozenset({"CaseRegistered", "InquiryRecorded", "HearingHeld"})


def _people_of(kind: str, data: Mapping[str, Any]) -> list[Party]:
    """Everyone the step describes with personal details: the party, an interviewee, agents."""
    if kind == "CaseRegistered":
        found = [party_of(data.get("party"))]
    elif kind == "InquiryRecorded":
        found = [party_of(data.get("interviewee"))]
    else:
        found = [party_of(a) if isinstance(a, Mapping) else Party("person", a) for a in data.get("agents") or ()
                 if isinstance(a, Mapping | str)]
    return [p for p in found if p is not None]


def _overrides(entry: Mapping[str, Any]) -> tuple[str, ...]:
    raw = entry.get("override")
    items = [raw] if isinstance(raw, Mapping) else raw if isinstance(raw, list) else []
    return tuple(str(o.get("rule")) for o in items if isinstance(o, Mapping) and o.get("rule"))


def _timeline(stream: str, entry: Mapping[str, Any], version: int) -> TimelineEntry:
    kind = str(entry.get("type"))
    at_text = entry.get("at")
    if not isinstance(at_text, str):
        at_text = ""
    by = entry.get("by")
    return TimelineEntry(
        stream, version, kind, STEP_LABELS.get(kind, kind), _STAGE_OF.get(kind) or STEP_STAGE.get(kind, ""),
        parse_time(at_text) or _EPOCH, at_text, str(entry.get("recorded_at") or ""),
        by if isinstance(by, str) else "", entry.get("backfilled") is True,
        _overrides(entry) if "override" in entry else (),
    )


_EPOCH: Final = datetime(1970, 1, 1, tzinfo=SHANGHAI)
_EMPTY: Final[Mapping[str, Any]] = MappingProxyType({})
_STAGE_OF: Final[dict[str, str]] = {
    "ReconsiderationApplied": "reconsideration", "LawsuitFiled": "litigation",
}


def _version(entry: Mapping[str, Any], index: int) -> int:
    version = entry.get("version")
    return version if isinstance(version, int) and not isinstance(version, bool) else index + 1


# --------------------------------------------------------------------------- documents

# step type -> ((field, item, default title, kind), ...); kind "list" fields hold several files.
_DOCS: Final[dict[str, tuple[tuple[str, int, str], ...]]] = {
    "CaseRegistered": (("document", 4, "立案审批表"),),
    "InquiryRecorded": (("record", 5, "询问笔录"), ("av[]", 5, "询问音像记录")),
    "InspectionRecorded": (("record", 6, "现场检查（勘验）笔录"), ("av[]", 6, "现场音像记录")),
    "EvidenceCollected": (("file", 7, "证据"),),
    "EvidencePreserved": (("document", 7, "先行登记保存证据通知书及清单"),),
    "PreservationResolved": (("document", 7, "先行登记保存物品处理决定书"),),
    "InvestigationConcluded": (("report", 8, "案件调查终结报告"),),
    "PenaltyNoticeServed": (("document", 9, "行政处罚事先告知书"), ("receipt", 9, "事先告知书送达回证")),
    "StatementSubmitted": (("content", 10, "陈述申辩材料"),),
    "RightsWaived": (("document", 10, "放弃陈述申辩或听证权利书"),),
    "HearingNoticeServed": (("document", 11, "听证通知书"), ("receipt", 11, "听证通知书送达回证")),
    "HearingHeld": (("record", 11, "听证笔录"), ("report", 11, "听证报告")),
    "LegalReviewRequested": (("materials[]", 12, "法制审核送审材料"),),
    "LegalReviewCompleted": (("document", 12, "法制审核意见书"),),
    "CollectiveDiscussionHeld": (("record", 13, "集体讨论记录"),),
    "DecisionMade": (("approval_form", 14, "行政处罚决定审批表"), ("document", 15, "行政处罚决定书")),
    "SummaryDecisionMade": (("document", 15, "当场行政处罚决定书"),),
    "TransferDecided": (("report", 14, "涉嫌犯罪案件移送审批表"),),
    "EducationGiven": (("document", 15, "批评教育记录"),),
    "DecisionServed": (("receipt", 15, "送达回证"), ("consent", 15, "电子送达确认书")),
    "TransferredToJudicialOrgan": (("materials[]", 15, "移送材料"),),
    "PaymentDemanded": (("document", 16, "催告书"),),
    "CaseClosed": (("report", 18, "结案报告"),),
}

# steps that are their own record (no file field): step type -> (item, title)
_ENTRIES: Final[dict[str, tuple[int, str]]] = {
    "CaseSourceRecorded": (3, "案件来源登记表"),
    "RecusalRequested": (5, "回避申请"),
    "RecusalDecided": (5, "回避决定"),
    "StatementReviewed": (10, "陈述申辩复核意见"),
    "HearingRequested": (11, "听证申请"),
    "HearingAbandoned": (11, "听证终止记录"),
    "TimeLimitExtended": (14, "延长办案期限审批"),
    "DecisionCorrected": (15, "纠错决定"),
    "PaymentRecorded": (16, "罚没款缴纳凭证"),
    "CashHandedOver": (16, "当场收缴罚款交存记录"),
    "PaymentDeferred": (16, "暂缓（分期）缴纳罚款审批"),
    "CourtEnforcementApplied": (16, "强制执行申请"),
    "DecisionPublished": (17, "公示记录"),
    "PublicationSuppressed": (17, "不予公开决定"),
    "PublicationCorrectionRequested": (17, "公开信息更正申请"),
    "PublicationCorrected": (17, "公开信息更正记录"),
    "PublicationWithdrawn": (17, "公开信息撤下及说明"),
    "RecordCorrected": (19, "记录补正说明"),
}

_AV_TYPES: Final = ("video/", "audio/")
_RECORDED: Final = frozenset(_DOCS) | frozenset(_ENTRIES)


_NAMED: Final[dict[str, tuple[str, ...]]] = {
    "CaseRegistered": ("approved_by",), "InquiryRecorded": ("officers",), "InspectionRecorded": ("officers",),
    "EvidenceCollected": ("collected_by",), "EvidencePreserved": ("officers", "approved_by"),
    "RecusalDecided": ("decided_by",), "HearingHeld": ("presider",), "LegalReviewCompleted": ("reviewer",),
    "CollectiveDiscussionHeld": ("attendees",), "TimeLimitExtended": ("approved_by",),
    "DecisionMade": ("approved_by",), "SummaryDecisionMade": ("officers",), "PaymentDeferred": ("approved_by",),
    "TransferDecided": ("decided_by",), "CaseClosed": ("approved_by",), "ReconsiderationExtended": ("approved_by",),
}
"""The fields of each step (steps.md) that name officers: who acted, approved, reviewed, presided."""


def _officers_of(kind: str, data: Mapping[str, Any], by: str) -> tuple[str, ...]:
    """The officers a step names (those who acted, approved, reviewed); ``by`` when it names none."""
    keys = _NAMED.get(kind)
    if keys is None:
        return (by,) if by else ()
    names: list[str] = []
    for key in keys:
        value = data.get(key)
        if isinstance(value, str):
            if value:
                names.append(value)
        elif isinstance(value, list):
            names += [v for v in value if isinstance(v, str) and v]
    if not names:
        return (by,) if by else ()
    return tuple(dict.fromkeys(names)) if len(names) > 1 else (names[0],)


def _document(stream: str, version: int, kind: str, at: datetime, officers: tuple[str, ...], field_name: str,
              item: int, title: str, ref: object, av_field: bool) -> Document | None:
    if not isinstance(ref, dict):
        return None
    media = ref.get("media_type")
    media = media if isinstance(media, str) and media else None
    name = ref.get("name")
    name = name if isinstance(name, str) and name else None
    sha = ref.get("sha256")
    size = ref.get("bytes")
    is_av = av_field or (media is not None and media.startswith(_AV_TYPES))
    return Document(
        stream, version, kind, field_name, item, name or title, name, sha if isinstance(sha, str) and sha else None,
        size if isinstance(size, int) and not isinstance(size, bool) else None, media, "av" if is_av else "written",
        STEP_STAGE.get(kind, ""), at, officers,
    )


def _documents_of(stream: str, version: int, kind: str, data: Mapping[str, Any], at: datetime,
                  officers: tuple[str, ...]) -> list[Document]:
    specs = _DOCS.get(kind)
    found: list[Document] = []
    if specs is not None:
        for field_name, item, title in specs:
            if field_name.endswith("[]"):
                base = field_name[:-2]
                values = data.get(base)
                if isinstance(values, list):
                    for i, ref in enumerate(values):
                        doc = _document(stream, version, kind, at, officers, f"{base}[{i}]", item, title, ref,
                                        base == "av")
                        if doc is not None:
                            found.append(doc)
                continue
            doc = _document(stream, version, kind, at, officers, field_name, item, title, data.get(field_name),
                            False)
            if doc is not None:
                found.append(doc)
        if kind == "EvidenceCollected" and found and data.get("identifies_party") is True:
            found = [_with_item(d, 5) for d in found]  # identity documents go with the inquiries (item 5)
        if kind == "CaseClosed" and not found:
            found.append(_entry(stream, version, kind, at, officers, 18, "结案审批"))
        return found
    spec = _ENTRIES.get(kind)
    if spec is not None:
        title = spec[1]
        if kind == "PaymentRecorded" and _text(data.get("receipt_no")):
            title = f"{title}（票据号 {data['receipt_no']}）"
        found.append(_entry(stream, version, kind, at, officers, spec[0], title))
    return found


def _with_item(doc: Document, item: int) -> Document:
    return Document(doc.stream, doc.version, doc.step, doc.field, item, doc.title, doc.name, doc.sha256, doc.bytes,
                    doc.media_type, doc.kind, doc.stage, doc.at, doc.officers)


def _entry(stream: str, version: int, kind: str, at: datetime, officers: tuple[str, ...], item: int,
           title: str) -> Document:
    return Document(stream=stream, version=version, step=kind, field="", item=item, title=title, name=None,
                    sha256=None, bytes=None, media_type=None, kind="entry", stage=STEP_STAGE.get(kind, ""), at=at,
                    officers=officers)


@lru_cache(maxsize=131072)
def _on_day(moment: datetime) -> date | None:
    return moment.astimezone(SHANGHAI).date() if moment is not _EPOCH else None


def build_catalogue(documents: Sequence[Document], order: str) -> tuple[CatalogueEntry, ...]:
    """The 卷内目录: cover and catalogue first, the documents by item (then by event), 备考表 last.

    A file referenced twice (the inspection record also filed as evidence E1) is listed
    once, at its first place; the documents themselves all stay in ``CaseFile.documents``.
    """
    by_item: dict[int, list[Document]] = {}
    for doc in documents:
        by_item.setdefault(doc.item, []).append(doc)
    entries: list[CatalogueEntry] = []
    for volume, items in catalogue_order(order):
        seq = 0
        listed: set[str] = set()
        for item in items:
            for doc in by_item.get(item, ()):
                if doc.sha256 is not None:
                    if doc.sha256 in listed:
                        continue  # the same file filed again (an evidence copy of a record): listed once
                    listed.add(doc.sha256)
                seq += 1
                on = _on_day(doc.at)
                entries.append(CatalogueEntry(volume, seq, item, CATALOGUE_ITEMS[item], doc.title, doc.version, on,
                                              doc.sha256, item not in _UNPAGINATED))
            if item in _UNPAGINATED:  # cover, catalogue and 备考表: produced by the file itself
                seq += 1
                entries.append(CatalogueEntry(volume, seq, item, CATALOGUE_ITEMS[item], CATALOGUE_ITEMS[item],
                                              None, None, None, False))
    return tuple(entries)


# --------------------------------------------------------------------------- deadlines


@lru_cache(maxsize=65536)
def period(calendar: WorkingCalendar, start: date, n: int, unit: str, roll: bool = True) -> DueDate:
    """``calendar``'s deadline of ``n`` units from ``start`` (memoised: files repeat the same periods)."""
    if unit == "WD":
        return calendar.add_working_days(start, n)
    if unit == "ND":
        return calendar.add_natural_days(start, n, roll=roll)
    return calendar.add_months(start, n, roll=roll)


def _deadline(stream: str, key: str, rule: str, title: str, start: date | None, due: DueDate | None,
              done_on: date | None, agency: str | None, holder: str = "agency") -> Deadline | None:
    if start is None or due is None:
        return None
    return Deadline(stream, key, rule, title, start, due, done_on, agency, holder)


def _first_after(days: Sequence[tuple[int, date | None]], position: int) -> date | None:
    return next((d for p, d in days if p > position and d is not None), None)


# --------------------------------------------------------------------------- the fold


def fold_casefile(
    stream: str,
    history: History,
    *,
    reviews: Iterable[ReviewFile] = (),
    lawsuits: Iterable[LawsuitFile] = (),
    config: Config = DEFAULT_CONFIG,
    calendar: WorkingCalendar = DEFAULT_CALENDAR,
    registry: RegistryAsOf | None = None,
) -> CaseFile:
    """The case file after every event of ``history`` (the case stream's envelopes in version order).

    ``reviews`` and ``lawsuits`` are the folded reconsiderations and lawsuits whose
    target is this case (:func:`fold_review`, :func:`fold_lawsuit`). ``calendar`` gives
    the working days for due dates; ``config`` the periods (rules.md defaults).
    ``registry`` (the officer of :func:`source_officer`) names the agency of a case not yet
    registered: the agency of the officer who recorded its source (issue 13, 3).
    """
    corrected = _corrected(stream, history)
    state = fold_case(stream, corrected)
    number = stream.split("/", 1)[1] if "/" in stream else stream
    timeline: list[TimelineEntry] = []
    documents: list[Document] = []
    officers: list[str] = []
    scalars: dict[str, Any] = {}
    violation: Mapping[str, Any] = {}
    party: Party | None = None
    source: Mapping[str, Any] | None = None
    decision: DecisionInfo | None = None
    publications: list[dict[str, Any]] = []
    corrections: list[Mapping[str, Any]] = []
    # (position, date) of the steps deadlines wait for
    marks: dict[str, list[tuple[int, date | None]]] = {}
    preserved: list[tuple[int, date | None]] = []
    corrections_requested: list[tuple[int, int, date | None]] = []
    on_the_spot: list[tuple[int, date | None]] = []
    cash: list[tuple[int, date | None, date | None]] = []
    extensions: list[Extension] = []
    payments: list[tuple[int, date | None]] = []
    deferred_until: date | None = None
    paid = 0
    backfilled = overridden = 0
    suppressions: list[str] = []
    status = "source"
    people: list[Party] = []
    legal_reviews: list[LegalReviewInfo] = []
    review_requested: datetime | None = None
    for position, entry in enumerate(corrected):
        kind = str(entry.get("type"))
        version = entry.get("version")
        if type(version) is not int:
            version = position + 1
        line = _timeline(stream, history[position] if position < len(history) else entry, version)
        timeline.append(line)
        backfilled += line.backfilled
        overridden += bool(line.overrides)
        data = _mapping(entry.get("data"))
        at = line.at
        named = _officers_of(kind, data, line.by)
        if kind in _RECORDED:
            documents += _documents_of(stream, version, kind, data, at, named)
        officers += named
        if line.by:
            officers.append(line.by)
        if kind in _PEOPLE:
            people += _people_of(kind, data)
        if kind not in _HANDLED and kind not in _MARKED:
            continue
        day = _day_of(line.at_text)
        if kind in _MARKED:
            marks.setdefault(kind, []).append((position, day))
        if kind == "CaseSourceRecorded":
            source = {"source": _text(data.get("source")), "received_at": _text(data.get("received_at")),
                      "summary": _text(data.get("summary")), "version": version}
        elif kind == "CaseRegistered":
            party = party_of(data.get("party"))
            violation = dict(_mapping(data.get("violation")))
            scalars["registered_at"] = at
            status = "registered"
        elif kind == "InvestigationConcluded":
            if _mapping(data.get("proposed")).get("outcome") == "transfer":
                marks.setdefault("TransferReport", []).append((position, day))
            status = _advance(status, "investigated")
        elif kind == "PenaltyNoticeServed":
            status = _advance(status, "notified")
        elif kind in ("DecisionMade", "SummaryDecisionMade"):
            penalties = parse_penalties(data.get("penalties"))
            outcome = str(data.get("outcome") or "") if kind == "DecisionMade" else "penalty"
            decision = DecisionInfo(
                version=version, type=kind, outcome=outcome, penalties=penalties,
                fine_fen=amount_of(penalties, "fine"),
                document_no=_text(data.get("document_no")) or _text(data.get("form_no")), at=at,
                approved_by=_text(data.get("approved_by")),
                basis=tuple(b for b in data.get("basis") or () if isinstance(b, Mapping)),
            )
            scalars["payment_due_days"] = _int(data.get("payment_due_days"))
            status = _advance(status, "decided")
        elif kind == "TransferDecided":
            if data.get("transfer") is False:
                status = _advance(status, "not_transferred")
            else:
                marks.setdefault("TransferApproved", []).append((position, day))
                status = _advance(status, "decided")
        elif kind in _DATED:
            marks.setdefault(kind, []).append((position, day_of(data.get(_DATED[kind])) or day))
        elif kind == "CashHandedOver":
            cash.append((position, day_of(data.get("handed_over_at")) or day, day_of(data.get("deposited_at"))))
        elif kind == "TransferredToJudicialOrgan":
            scalars["transferred_at"] = time_of(data.get("transferred_at")) or at
            status = _advance(status, "transferred")
        elif kind == "DecisionServed":
            served = time_of(data.get("served_at")) or at
            scalars.setdefault("served_at", served)
            status = _advance(status, "served")
        elif kind == "PaymentRecorded":
            amount = _int(data.get("amount_fen")) or 0
            paid += amount
            paid_on = day_of(data.get("paid_at")) or day
            payments.append((paid, paid_on))
            if data.get("channel") == "on_the_spot":
                on_the_spot.append((position, paid_on))
        elif kind == "PaymentDeferred":
            instalments = [day_of(i.get("due")) for i in data.get("instalments") or () if isinstance(i, Mapping)]
            last = max((d for d in instalments if d is not None), default=None)
            deferred_until = day_of(data.get("until")) or last or deferred_until
        elif kind == "TimeLimitExtended":
            if data.get("rule") in (None, "PEN-23"):
                extensions.append(_extension(version, day, data))
        elif kind == "EvidencePreserved":
            preserved.append((position, day))
        elif kind == "DecisionPublished":
            publications.append({"position": position, "version": version, "data": data, "at": at,
                                 "corrected": None, "withdrawn": None})
        elif kind == "PublicationCorrected":
            target = _latest_open(publications)
            if target is not None:
                target["corrected"] = (data, at)
        elif kind == "PublicationWithdrawn":
            target = _latest_open(publications)
            if target is not None:
                target["withdrawn"] = Withdrawal(version, time_of(data.get("withdrawn_at")) or at,
                                                 _text(data.get("reason")), _text(data.get("explanation")))
        elif kind == "PublicationCorrectionRequested":
            corrections_requested.append((position, version, day_of(data.get("requested_at")) or day))
        elif kind == "PublicationSuppressed":
            suppressions.append(str(data.get("reason") or ""))
        elif kind == "DecisionCorrected":
            corrections.append({"version": version, "kind": _text(data.get("kind")),
                                "triggered_by": _text(data.get("triggered_by")),
                                "effective_at": _text(data.get("effective_at")),
                                "received_at": _text(data.get("received_at")), "position": position})
        elif kind == "LegalReviewRequested":
            review_requested = at
        elif kind == "LegalReviewCompleted":
            opinions = _mapping(data.get("opinions"))
            document = _mapping(data.get("document"))
            legal_reviews.append(LegalReviewInfo(
                version=version, requested_at=review_requested, completed_at=at, reviewer=_text(data.get("reviewer")),
                outcome=_text(data.get("outcome")),
                issues=tuple(sorted(k for k, v in opinions.items() if v != "ok")),
                document=_text(document.get("sha256")),
            ))
            review_requested = None
        elif kind == "CaseClosed":
            scalars.setdefault("closed_at", at)
            status = _advance(status, "closed")
        elif kind == "CaseArchived":
            scalars.setdefault("archived_at", at)
            scalars["archive_no"] = _text(data.get("archive_no"))
            scalars["retention"] = _text(data.get("retention"))
            status = _advance(status, "archived")
    reviews = tuple(reviews)
    lawsuits = tuple(lawsuits)
    agency = state.agency if isinstance(state.agency, str) else source_agency(history, registry)
    decided_on = decision.at.astimezone(SHANGHAI).date() if decision is not None else None
    served_at: datetime | None = scalars.get("served_at")
    pubs = tuple(_publication(p, decided_on, config) for p in publications)
    limit = _decision_limit(state, marks, extensions, config, calendar)
    deadlines = _case_deadlines(
        stream, agency, state, config, calendar, marks, decision, decided_on, served_at, payments, deferred_until,
        on_the_spot, cash, preserved, limit.days - limit.base if limit else 0, pubs, corrections,
        corrections_requested, reviews, lawsuits, scalars.get("payment_due_days"),
    )
    for review in reviews:
        officers += review.staff
        if review.applicant is not None:
            people.append(review.applicant)
    return CaseFile(
        stream=stream, number=number, exists=bool(history), agency=agency,
        procedure=state.procedure if isinstance(state.procedure, str) else None,
        item=state.item if isinstance(state.item, str) else None, party=party, violation=violation,
        handlers=state.handlers, officers=tuple(dict.fromkeys(officers)),
        source=source, registered_at=scalars.get("registered_at"), decision=decision,
        transferred_at=scalars.get("transferred_at"), served_at=served_at, paid_fen=paid, publications=pubs,
        suppressions=tuple(suppressions), corrections=tuple(corrections), closed_at=scalars.get("closed_at"),
        archived_at=scalars.get("archived_at"), archive_no=scalars.get("archive_no"),
        retention=scalars.get("retention"), status=status if history else "source",
        documents=tuple(documents), catalogue=build_catalogue(documents, config.evaluation.file_order),
        timeline=tuple(timeline), deadlines=deadlines, reviews=reviews, lawsuits=lawsuits, state=state,
        people=tuple(dict.fromkeys(people)), legal_reviews=tuple(legal_reviews),
        extensions=limit.extensions if limit else (), events=len(history),
        backfilled=backfilled, overridden=overridden,
    )


_HANDLED: Final = frozenset({
    "CaseSourceRecorded", "CaseRegistered", "InvestigationConcluded", "PenaltyNoticeServed", "DecisionMade",
    "SummaryDecisionMade", "TransferDecided", "CashHandedOver", "TransferredToJudicialOrgan", "DecisionServed",
    "PaymentRecorded", "PaymentDeferred", "TimeLimitExtended", "EvidencePreserved", "DecisionPublished",
    "PublicationCorrected", "PublicationWithdrawn", "PublicationCorrectionRequested", "PublicationSuppressed",
    "DecisionCorrected", "LegalReviewRequested", "LegalReviewCompleted", "CaseClosed", "CaseArchived",
    "HearingRequested", "PaymentDemanded", "CourtEnforcementApplied",
})
"""The step types the fold reads beyond the timeline, documents and officers."""

_DATED: Final[dict[str, str]] = {
    "HearingRequested": "requested_at", "PaymentDemanded": "served_at", "CourtEnforcementApplied": "applied_at",
}
"""Steps deadlines wait for, dated by a field of their own rather than their ``at``."""

_MARKED: Final = frozenset({
    "CaseSourceRecorded", "CaseRegistered", "PreservationResolved", "TransferDecided", "TransferredToJudicialOrgan",
    "PublicationSuppressed", "PublicationCorrected", "CaseClosed", "CaseArchived",
})
"""The steps whose dates deadlines wait for (``marks``)."""

_PROGRESS: Final[dict[str, int]] = {
    "source": 0, "registered": 1, "investigated": 2, "notified": 3, "decided": 4, "not_transferred": 4,
    "served": 5, "transferred": 5, "closed": 6, "archived": 7,
}


def _extension(version: int, day: date | None, data: Mapping[str, Any]) -> Extension:
    """An extension step as ``domain.extensions`` judges it: approved on the later of its date and
    any recorded ``approved_at``."""
    approved_on = approval_day(day, day_of(data.get("approved_at"))) or _EPOCH.date()
    return Extension(version, approved_on, _int(data.get("days")) or 0, _text(data.get("approved_by")))


def _decision_limit(state: CaseState, marks: Mapping[str, list[tuple[int, date | None]]],
                    extensions: Sequence[Extension], config: Config, calendar: WorkingCalendar
                    ) -> ExtendedPeriod | None:
    """PEN-23's period (普通程序, from 立案) with the extensions approved while it ran."""
    registered = marks.get("CaseRegistered")
    start = registered[0][1] if registered else None
    if state.procedure != "general" or start is None:
        return None
    return extend_period(lambda n: period(calendar, start, n, "ND"), config.decision.limit_nd, extensions)


CONCLUDED: Final = frozenset(status for status, rank in _PROGRESS.items() if rank >= _PROGRESS["decided"])
"""The statuses of a file with its concluding step: decided (or decided not to transfer), served,
transferred, closed, archived. Earlier (案源登记, 已立案, 调查终结, 已告知) it is 办理中."""


def _advance(current: str, new: str) -> str:
    """Status only moves forward (a late backfilled step does not reopen a closed case)."""
    return new if _PROGRESS[new] >= _PROGRESS[current] else current


def _latest_open(publications: list[dict[str, Any]]) -> dict[str, Any] | None:
    return next((p for p in reversed(publications) if p["withdrawn"] is None), None)


def _publication(p: Mapping[str, Any], decided_on: date | None, config: Config) -> Publication:
    data: Mapping[str, Any] = p["data"]
    at: datetime = p["at"]
    published_at = time_of(data.get("published_at")) or at
    regime_name = _text(data.get("regime"))
    regimes = config.publication.regimes
    regime = regime_name if regime_name is not None and regime_name in regimes else config.publication.regime
    periods = effective_regime(config, regime)
    # PUB-04: the period starts on the decision date; end dates are calendar months (no roll-forward).
    start = decided_on or published_at.astimezone(SHANGHAI).date()
    min_until = day_of(data.get("min_until")) or DEFAULT_CALENDAR.add_months(start, periods.min_months, roll=False).due
    max_until = day_of(data.get("max_until")) or DEFAULT_CALENDAR.add_months(start, periods.max_months, roll=False).due
    original = str(data.get("text") or "")
    corrected = p["corrected"]
    text = original
    corrected_at = None
    if corrected is not None:
        text = str(corrected[0].get("text") or original)
        corrected_at = time_of(corrected[0].get("corrected_at")) or corrected[1]
    return Publication(
        version=int(p["version"]), published_at=published_at, published_text=str(data.get("published_at") or ""),
        channel=_text(data.get("channel")), url=_text(data.get("url")), text=text, original_text=original,
        regime=regime, min_until=min_until, max_until=max_until, corrected_at=corrected_at,
        withdrawal=p["withdrawn"],
    )


def _case_deadlines(
    stream: str, agency: str | None, state: CaseState, config: Config, calendar: WorkingCalendar,
    marks: Mapping[str, list[tuple[int, date | None]]], decision: DecisionInfo | None, decided_on: date | None,
    served_at: datetime | None, payments: Sequence[tuple[int, date | None]], deferred_until: date | None,
    on_the_spot: Sequence[tuple[int, date | None]], cash: Sequence[tuple[int, date | None, date | None]],
    preserved: Sequence[tuple[int, date | None]], extensions: int,
    publications: Sequence[Publication], corrections: Sequence[Mapping[str, Any]],
    corrections_requested: Sequence[tuple[int, int, date | None]], reviews: Sequence[ReviewFile],
    lawsuits: Sequence[LawsuitFile], payment_due_days: int | None,
) -> tuple[Deadline, ...]:
    out: list[Deadline | None] = []

    def first(kind: str) -> date | None:
        found = marks.get(kind)
        return found[0][1] if found else None

    def add(key: str, rule: str, title: str, start: date | None, n: int, unit: str, done: date | None,
            *, roll: bool = True, holder: str = "agency") -> Deadline | None:
        """The deadline of ``n`` units from ``start`` (none without a start), added to the file."""
        if start is None:
            return None
        found = _deadline(stream, key, rule, title, start, period(calendar, start, n, unit, roll), done, agency,
                          holder)
        out.append(found)
        return found

    general = state.procedure == "general"
    registered = first("CaseRegistered")
    source_marks = marks.get("CaseSourceRecorded")
    if source_marks:
        add("PEN-03", "PEN-03", "及时立案", source_marks[0][1], config.registration.within_wd, "WD", registered)
    for position, day in preserved:
        add(f"PEN-08@{position + 1}", "PEN-08", "先行登记保存处理决定", day, config.preservation.resolve_wd, "WD",
            _first_after(marks.get("PreservationResolved", []), position))
    transfer_report = first("TransferReport")
    transfer_decided = first("TransferDecided")
    if general and registered is not None:
        ended = decided_on or transfer_decided
        add("PEN-23", "PEN-23", "作出处理决定（立案之日起）", registered, config.decision.limit_nd + extensions, "ND",
            ended)
    if transfer_report is not None:
        add("PEN-42@decide", "PEN-42", "移送决定（收到移送报告后）", transfer_report, config.transfer.decide_days, "ND",
            transfer_decided, roll=False)
    approved = marks.get("TransferApproved", [])
    if approved:
        start = approved[-1][1]
        hours = config.transfer.transfer_hours
        add("PEN-42@transfer", "PEN-42", "移送公安机关（批准后）", start, max(1, -(-hours // 24)), "ND",
            first("TransferredToJudicialOrgan"), roll=False)
    served_on = served_at.astimezone(SHANGHAI).date() if served_at is not None else None
    if decision is not None and decision.type == "DecisionMade":
        add("PEN-24", "PEN-24", "送达行政处罚决定书", decided_on, config.decision.service_wd, "WD", served_on)
    if decision is not None and decision.fine_fen > 0 and served_on is not None:
        paid_on = next((d for total, d in payments if total >= decision.fine_fen), None)
        if deferred_until is not None:
            out.append(_deadline(stream, "PEN-25", "PEN-25", "缴纳罚款（暂缓或分期至）", served_on,
                                 DueDate(deferred_until), paid_on, agency))
        else:
            add("PEN-25", "PEN-25", "缴纳罚款（收到决定书之日起）", served_on,
                payment_due_days or config.payment.due_nd, "ND", paid_on)
    for position, day in on_the_spot:
        handed = next((c for c in cash if c[0] > position), None)
        handed_on, deposited_on = (handed[1], handed[2]) if handed is not None else (None, None)
        add(f"PEN-26@hand-{position + 1}", "PEN-26", "当场收缴罚款交至行政机关", day, config.payment.cash_handover_wd,
            "WD", handed_on)
        if handed_on is not None:
            add(f"PEN-26@bank-{position + 1}", "PEN-26", "罚款缴付指定银行", handed_on, config.payment.cash_deposit_wd,
                "WD", deposited_on)
    if decision is not None and _must_publish(state, decision, config):
        published = [p.published_at.astimezone(SHANGHAI).date() for p in publications]
        done = min([*published, *[d for _, d in marks.get("PublicationSuppressed", []) if d is not None]],
                   default=None)
        add("PEN-40", "PEN-40", "公开行政处罚决定", decided_on, config.publication.decision_wd, "WD", done)
    corrective_starts: list[tuple[str, date | None, int]] = []
    for c in corrections:
        clock = c["received_at"] if config.publication.withdrawal_clock == "received" else c["effective_at"]
        start = day_of(clock or c["effective_at"])
        corrective_starts.append((f"v{c['version']}", start, int(c["position"])))
    if not corrections:
        for review in reviews:
            if review.corrective and review.decided_at is not None:
                when = review.served_at or review.decided_at
                corrective_starts.append((review.stream, when.astimezone(SHANGHAI).date(), -1))
        for suit in lawsuits:
            judgment = suit.judgment
            if judgment is not None and judgment.corrective and judgment.received_at is not None:
                corrective_starts.append((suit.stream, judgment.received_at.astimezone(SHANGHAI).date(), -1))
    if publications and corrective_starts:
        _, start, _ = min(corrective_starts, key=lambda c: (c[1] or date.max, c[0]))
        withdrawn = [p.withdrawal.withdrawn_at.astimezone(SHANGHAI).date() for p in publications
                     if p.withdrawal is not None]
        done = next((d for d in sorted(withdrawn) if start is None or d >= start), None)
        add("PEN-41", "PEN-41", "撤下已公开的决定信息并说明理由", start, config.publication.withdrawal_wd, "WD", done)
    corrected_days = marks.get("PublicationCorrected", [])
    for position, version, day in corrections_requested:
        add(f"PUB-05@{version}", "PUB-05", "更正公开信息", day, config.publication.correction_wd, "WD",
            _first_after(corrected_days, position))
    _party_windows(add, state, config, marks, decision, served_on, payments, deferred_until, reviews, lawsuits,
                   bool(corrections))
    closed = first("CaseClosed")
    if closed is not None:
        add("EVAL-07", "EVAL-07", "结案后归档", closed, config.evaluation.archive_nd, "ND", first("CaseArchived"))
    return tuple(d for d in out if d is not None)


def _party_windows(
    add: Callable[..., Deadline | None], state: CaseState, config: Config,
    marks: Mapping[str, list[tuple[int, date | None]]], decision: DecisionInfo | None, served_on: date | None,
    payments: Sequence[tuple[int, date | None]], deferred_until: date | None, reviews: Sequence[ReviewFile],
    lawsuits: Sequence[LawsuitFile], corrected: bool,
) -> None:
    """Add (``add``: :func:`_case_deadlines`' own) the periods the party holds and the agency must
    wait for, and the court-enforcement duty that follows them (PEN-10, PEN-13, RC-01, LIT-04, PEN-29)."""
    out: list[Deadline | None] = []

    def window(key: str, rule: str, title: str, start: date | None, n: int, unit: str, done: date | None,
               *, holder: str = "party", roll: bool = True) -> None:
        out.append(add(key, rule, title, start, n, unit, done, roll=roll, holder=holder))

    requests = marks.get("HearingRequested", [])
    notices = state.notices
    for i, notice in enumerate(notices):
        # what the party did in answer to this notice: after it, before the next one
        until = notices[i + 1].position if i + 1 < len(notices) else state.length
        served = notice.served_at.astimezone(SHANGHAI).date()
        waived = [(w.at.astimezone(SHANGHAI).date(), w.rights) for w in state.waivers
                  if notice.position < w.position < until]
        days = config.statement.window_with_hearing_wd if notice.hearing_right else config.statement.window_wd
        # PEN-10: closed early only by a written waiver of what the notice told (the gate's rule:
        # with the hearing right told, of both rights; Q5: counted from service).
        needed = {"statement", "hearing"} if notice.hearing_right else {"statement"}
        seen: set[str] = set()
        closed = None
        for day, rights in sorted(waived, key=lambda w: w[0]):
            seen |= rights
            if needed <= seen:
                closed = day
                break
        window(f"PEN-10@{notice.position + 1}", "PEN-10", "陈述、申辩期（当事人）", served, days, "WD", closed)
        if notice.hearing_right:
            asked = [d for p, d in requests if notice.position < p < until and d is not None]
            waived_hearing = [d for d, rights in waived if "hearing" in rights]
            window(f"PEN-13@{notice.position + 1}", "PEN-13", "要求听证期限（当事人）", served,
                   config.hearing.request_wd, "WD", min([*asked, *waived_hearing], default=None))
    if decision is None or served_on is None:
        return
    received = [r.received_at.astimezone(SHANGHAI).date() for r in reviews if r.received_at is not None]
    window("RC-01", "RC-01", "申请行政复议期限（当事人）", served_on, config.reconsideration.application_nd, "ND",
           min(received, default=None))
    filed = min((s.filed_at.astimezone(SHANGHAI).date() for s in lawsuits if s.filed_at is not None), default=None)
    ended = [(r.served_at or r.decided_at or r.rejected_at) for r in reviews]
    if reviews and all(e is not None for e in ended):
        # LIT-04: after a 复议 decision (or a refusal to accept, 行政复议法第三十四条), 15 days from it
        last = max(e for e in ended if e is not None)
        window("LIT-04", "LIT-04", "提起行政诉讼期限（复议后，当事人）", last.astimezone(SHANGHAI).date(),
               config.litigation.after_reconsideration_days, "ND", filed)
    elif not reviews:
        window("LIT-04", "LIT-04", "提起行政诉讼期限（当事人）", served_on, config.litigation.filing_months, "M", filed)
    if decision.fine_fen <= 0 or decision.type != "DecisionMade":
        return  # PEN-29 is the 普通程序's (rules.md: not on the summary path)
    paid_on = next((d for total, d in payments if total >= decision.fine_fen), None)
    for position, day in marks.get("PaymentDemanded", []):
        window(f"PEN-29@demand-{position + 1}", "PEN-29", "催告后履行期（当事人）", day,
               config.payment.demand_to_court_wd, "WD", paid_on if paid_on is not None and day is not None
               and paid_on >= day else None)
    if len(ended) != sum(e is not None for e in ended):
        return  # the decision's finality waits for the 复议
    judged = [(suit, suit.judgment) for suit in lawsuits]
    if any(j is None for _, j in judged):
        return  # ... or for the court
    if corrected or any(r.corrective for r in reviews) or any(j is not None and j.corrective for _, j in judged):
        return  # revoked or changed: what is owed is no longer the decision's fine
    final: list[date] = []  # the days second-instance judgments were received: final at once
    for suit, judgment in judged:
        assert judgment is not None
        received = judgment.received_at.astimezone(SHANGHAI).date() if judgment.received_at is not None else None
        if received is None:
            continue
        if judgment.instance == "second":
            final.append(received)
        else:  # a first-instance judgment becomes final when the appeal period lapses (第八十五条)
            window(f"LIT-04@appeal-{suit.stream}", "LIT-04", "不服一审判决的上诉期限（当事人）", received,
                   config.litigation.appeal_days, "ND", None)
    remedies = [d.due.due for d in out if d is not None and d.rule in ("RC-01", "LIT-04") and d.done_on is None]
    remedies += final
    lapse = max([*remedies, *([deferred_until] if deferred_until is not None else [])], default=None)
    if lapse is None or (paid_on is not None and paid_on <= lapse):
        return
    applied = min((d for _, d in marks.get("CourtEnforcementApplied", []) if d is not None), default=None)
    done = min((d for d in (applied, paid_on) if d is not None), default=None)
    window("PEN-29@court", "PEN-29", "申请人民法院强制执行（复议、诉讼期限届满后）", lapse,
           config.payment.court_application_months, "M", done, holder="agency")


def _must_publish(state: CaseState, decision: DecisionInfo, config: Config) -> bool:
    """PEN-40 applies to a 普通程序 penalty decision (and to 不予处罚 when the setting says so)."""
    if decision.type != "DecisionMade" or state.procedure == "summary":
        return False
    if config.publication.scope != "all":
        return False
    return decision.outcome == "penalty" or (decision.outcome.startswith("no_penalty") and config.no_penalty.publish)


# --------------------------------------------------------------------------- related streams


def _staff(history: History) -> tuple[str, ...]:
    return tuple(dict.fromkeys(str(e.get("by")) for e in history if isinstance(e.get("by"), str)))


def fold_review(
    stream: str, history: History, *, config: Config = DEFAULT_CONFIG, calendar: WorkingCalendar = DEFAULT_CALENDAR,
    agency: str | None = None,
) -> ReviewFile:
    """A reconsideration (复议) stream folded; ``agency`` is the respondent (the case's agency)."""
    values: dict[str, Any] = {}
    hearings: list[tuple[datetime | None, bool]] = []
    letters: list[tuple[str, str | None, datetime | None]] = []
    answered: list[tuple[int, date | None]] = []
    issued: list[tuple[int, date | None]] = []
    timeline: list[TimelineEntry] = []
    extended = 0
    extensions: list[Extension] = []
    for position, entry in enumerate(history):
        kind = str(entry.get("type"))
        data = _mapping(entry.get("data"))
        line = _timeline(stream, entry, _version(entry, position))
        timeline.append(line)
        at = line.at
        if kind == "ReconsiderationApplied":
            values["applicant"] = party_of(data.get("applicant"))
            target = _mapping(data.get("target"))
            values["case"] = _text(target.get("case"))
            values["document_no"] = _text(target.get("document_no"))
            values["received_at"] = time_of(data.get("received_at")) or at
        elif kind == "ReconsiderationAccepted":
            values.setdefault("accepted_at", time_of(data.get("decided_at")) or at)
        elif kind == "ReconsiderationRejected":
            values.setdefault("rejected_at", time_of(data.get("decided_at")) or at)
        elif kind == "AnswerRequested":
            values.setdefault("answer_requested_at", time_of(data.get("sent_at")) or at)
        elif kind == "AnswerFiled":
            values.setdefault("answer_filed_at", time_of(data.get("filed_at")) or at)
        elif kind == "ReconsiderationHearingHeld":
            hearings.append((time_of(data.get("held_at")) or at, data.get("respondent_head_attended") is True))
        elif kind == "ReconsiderationExtended":
            extended += _int(data.get("days")) or 0
            extensions.append(_extension(line.version, _on_day(at), data))
        elif kind == "ReconsiderationDecided":
            values["decision"] = _text(data.get("type"))
            values["decided_at"] = time_of(data.get("decided_at")) or at
            values["served_at"] = time_of(data.get("served_at"))
        elif kind in ("OpinionLetterIssued", "SuggestionLetterIssued"):
            when = time_of(data.get("issued_at")) or at
            letters.append((kind, _text(data.get("to")), when))
            if kind == "OpinionLetterIssued":
                issued.append((position, when.astimezone(SHANGHAI).date()))
        elif kind == "OpinionLetterAnswered":
            answered.append((position, (time_of(data.get("answered_at")) or at).astimezone(SHANGHAI).date()))
    rc = config.reconsideration

    def day(name: str) -> date | None:
        value = values.get(name)
        return value.astimezone(SHANGHAI).date() if isinstance(value, datetime) else None

    deadlines: list[Deadline | None] = []
    received, accepted = day("received_at"), day("accepted_at")
    limit = None
    if accepted is not None:
        start = accepted
        limit = extend_period(lambda n: period(calendar, start, n, "ND"), rc.decision_nd, extensions,
                              max_days=rc.extension_max_nd)
    decided_on = day("accepted_at") or day("rejected_at")
    if received is not None:
        deadlines.append(_deadline(stream, "RC-02", "RC-02", "复议受理审查", received,
                                   period(calendar, received, rc.acceptance_wd, "WD"), decided_on, None))
    if accepted is not None:
        deadlines.append(_deadline(stream, "RC-03@copy", "RC-03", "发送复议申请书副本", accepted,
                                   period(calendar, accepted, rc.copy_wd, "WD"), day("answer_requested_at"), None))
        deadlines.append(_deadline(stream, "RC-05", "RC-05", "作出复议决定", accepted,
                                   limit.due if limit is not None else None, day("decided_at"), None))
    sent = day("answer_requested_at")
    if sent is not None:
        deadlines.append(_deadline(stream, "RC-03@answer", "RC-03", "被申请人提交答复", sent,
                                   period(calendar, sent, rc.answer_wd, "WD"), day("answer_filed_at"), agency))
    for position, issued_on in issued:
        if issued_on is not None:
            deadlines.append(_deadline(stream, f"RC-07@{position + 1}", "RC-07", "回复行政复议意见书", issued_on,
                                       period(calendar, issued_on, rc.opinion_answer_nd, "ND"),
                                       _first_after(answered, position), agency))
    return ReviewFile(
        stream=stream, case=values.get("case"), document_no=values.get("document_no"),
        applicant=values.get("applicant"), received_at=values.get("received_at"),
        accepted_at=values.get("accepted_at"), rejected_at=values.get("rejected_at"),
        answer_requested_at=values.get("answer_requested_at"), answer_filed_at=values.get("answer_filed_at"),
        hearings=tuple(hearings), extended_days=extended, decision=values.get("decision"),
        decided_at=values.get("decided_at"), served_at=values.get("served_at"), letters=tuple(letters),
        staff=_staff(history), timeline=tuple(timeline), deadlines=tuple(d for d in deadlines if d is not None),
        extensions=limit.extensions if limit is not None else (),
    )


def fold_lawsuit(stream: str, history: History, *, registry: RegistryAsOf | None = None,
                 agency: str | None = None) -> LawsuitFile:
    """A lawsuit (行政诉讼) stream folded: hearings with who appeared (出庭), judgments.

    ``registry`` (as of any time) and ``agency`` (the defendant: the case's agency) decide
    who was a head in court (``domain.roles.heads_named``). Without a registry the fold
    cannot check anyone, and takes the role written in the step (a reader with none).
    """
    values: dict[str, Any] = {}
    hearings: list[CourtHearing] = []
    judgments: list[Judgment] = []
    timeline: list[TimelineEntry] = []
    suggestions = 0
    for position, entry in enumerate(history):
        kind = str(entry.get("type"))
        data = _mapping(entry.get("data"))
        line = _timeline(stream, entry, _version(entry, position))
        timeline.append(line)
        if kind == "LawsuitFiled":
            target = _mapping(data.get("target"))
            values.update(case=_text(target.get("case")), document_no=_text(target.get("document_no")),
                          court=_text(data.get("court")), filed_at=time_of(data.get("filed_at")) or line.at)
        elif kind == "CourtHearingAttended":
            appeared = tuple((str(a.get("person") or ""), str(a.get("role") or ""))
                             for a in data.get("appeared") or () if isinstance(a, Mapping))
            hearing_at = time_of(data.get("hearing_at")) or line.at
            if registry is not None:
                heads, not_heads = heads_named(registry, appeared, agency, hearing_at)
                head_appeared = bool(heads)
            else:
                head_appeared, not_heads = any(role in HEAD_ROLES for _, role in appeared), ()
            hearings.append(CourtHearing(hearing_at, appeared, head_appeared, _text(data.get("head_absent_reason")),
                                         not_heads))
        elif kind == "JudgmentReceived":
            judgments.append(Judgment(str(data.get("outcome") or ""), time_of(data.get("received_at")) or line.at,
                                      _text(data.get("instance"))))
        elif kind == "JudicialSuggestionReceived":
            suggestions += 1
    return LawsuitFile(
        stream=stream, case=values.get("case"), court=values.get("court"), document_no=values.get("document_no"),
        filed_at=values.get("filed_at"), hearings=tuple(hearings), judgments=tuple(judgments),
        suggestions=suggestions, staff=_staff(history), timeline=tuple(timeline),
    )


def source_officer(history: History) -> tuple[str, datetime] | None:
    """Who recorded the source of a case not yet registered, and when (None once registered: the
    ``CaseRegistered`` step names the agency)."""
    if not history or any(entry.get("type") == "CaseRegistered" for entry in history):
        return None
    first = history[0]
    by = first.get("by")
    if not isinstance(by, str) or not by.startswith("officer/"):
        return None
    try:
        return by, step_time(first)
    except (KeyError, TypeError, ValueError):
        return None


def source_agency(history: History, registry: RegistryAsOf | None) -> str | None:
    """The agency of a case still at 案源登记: that of the officer who recorded the source, at that time
    (as the API's read policy reads it: ``api.server.access``); None without a registry."""
    found = source_officer(history)
    if found is None or registry is None:
        return None
    record = registry.officer_as_of(*found)
    return record.agency if record is not None and isinstance(record.agency, str) else None


def named_in_court(history: History) -> set[str]:
    """The officer streams a lawsuit names as appearing in court (whose registry the fold reads)."""
    found: set[str] = set()
    for entry in history:
        if entry.get("type") == "CourtHearingAttended":
            for a in _mapping(entry.get("data")).get("appeared") or ():
                person = a.get("person") if isinstance(a, Mapping) else None
                if isinstance(person, str) and person.startswith("officer/"):
                    found.add(person)
    return found


class _Streams:
    """A validation context over given registry streams (for :func:`registry_of`)."""

    def __init__(self, histories: Mapping[str, History]) -> None:
        self._histories = histories

    def history(self, stream: str) -> History:
        return self._histories.get(stream, ())

    def officer(self, identity: str) -> Officer | None:
        del identity  # structural facts are not what the fold reads
        return None


def registry_of(histories: Mapping[str, History]) -> RegistryAsOf:
    """The registry as of any time over the given officer and agency streams (a projection's fold
    of a lawsuit: the streams of :func:`named_in_court`)."""
    return HistoryRegistry(_Streams(histories))


def fold_supervision(stream: str, history: History, *, calendar: WorkingCalendar = DEFAULT_CALENDAR
                     ) -> SupervisionFile:
    """A supervision (执法监督) stream: the rectification it ordered and its due date (EVAL-08)."""
    del calendar  # a rectification's due date is stated, not counted
    timeline: list[TimelineEntry] = []
    agency = case = None
    ordered: list[tuple[int, date | None, date | None]] = []
    reported: list[tuple[int, date | None]] = []
    for position, entry in enumerate(history):
        kind = str(entry.get("type"))
        data = _mapping(entry.get("data"))
        line = _timeline(stream, entry, _version(entry, position))
        timeline.append(line)
        day = line.at.astimezone(SHANGHAI).date() if line.at is not _EPOCH else None
        if kind == "RectificationOrdered":
            agency = _text(data.get("agency")) or agency
            case = _text(data.get("case")) or case
            ordered.append((position, day, day_of(data.get("due_at"))))
        elif kind == "RectificationReported":
            reported.append((position, day_of(data.get("reported_at")) or day))
        elif kind == "CaseFileEvaluated":
            case = _text(data.get("case")) or case
    deadlines = [
        _deadline(stream, f"EVAL-08@{position + 1}", "EVAL-08", "整改并报告", start, DueDate(due),
                  _first_after(reported, position), agency)
        for position, start, due in ordered if due is not None
    ]
    return SupervisionFile(stream, agency, case, tuple(timeline), tuple(d for d in deadlines if d is not None))


def days_between(a: datetime, b: datetime) -> int:
    """Whole days from ``a`` to ``b`` (the 补录 gap between ``at`` and ``recorded_at``)."""
    return (b - a) // timedelta(days=1)
