"""What the demo generates: its results (cases, proceedings, rectifications, documents, the
recording order) and the defect kinds a case may carry. Data only."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Final, Protocol

Raw = dict[str, Any]

ADMIN: Final = "officer/admin"
PROCEDURES: Final = ("general", "summary", "no_penalty", "transfer")
STAGES: Final[dict[str, tuple[str, ...]]] = {
    "general": ("registered", "investigating", "notice_served", "decided", "paid", "closed", "archived"),
    "summary": ("decided", "paid", "closed", "archived"),
    "no_penalty": ("registered", "investigating", "decided", "closed", "archived"),
    "transfer": ("registered", "investigating", "transferred", "closed", "archived"),
}
"""The stages a case of each procedure passes (PEN-38's whole process); a general case may
instead stop at ``enforcing`` (催告 and court enforcement of an unpaid fine)."""
ENFORCING: Final = "enforcing"

# --------------------------------------------------------------------------- defects


@dataclass(frozen=True, slots=True)
class DefectKind:
    """A realistic defect the demo can put into a case: the rule it breaks, whether a live
    gate refuses it, which procedure it occurs in and at which step."""

    name: str
    rule: str
    gate: bool
    procedure: str
    label: str
    note: str


DEFECT_KINDS: Final = (
    DefectKind("no_notice", "PEN-09", True, "general", "decision", "未送达行政处罚事先告知书即作出处罚决定"),
    DefectKind("decision_in_window", "PEN-10", True, "general", "decision", "陈述申辩期未届满即作出处罚决定"),
    DefectKind("heavier_than_notice", "PEN-11", True, "general", "decision",
               "决定的罚款高于事先告知的数额且未重新告知"),
    DefectKind("no_hearing_right", "PEN-12", True, "general", "notice", "拟处较大数额罚款，事先告知书未告知听证权利"),
    DefectKind("no_legal_review", "PEN-16", True, "general", "decision", "应当法制审核的案件未经法制审核即作出决定"),
    DefectKind("no_collective_discussion", "PEN-19", True, "general", "decision", "应当集体讨论的案件未经集体讨论"),
    DefectKind("wrong_seal", "PEN-21", True, "general", "decision", "行政处罚决定书加盖的不是本机关的印章"),
    DefectKind("fine_out_of_range", "PEN-31", True, "general", "decision", "罚款超出执法事项的法定幅度"),
    DefectKind("one_officer", "PEN-04", True, "general", "inspect", "现场检查只有一名执法人员"),
    DefectKind("expired_credential", "PEN-04", True, "general", "inspect", "执法证已过期的人员参与现场检查和询问"),
    DefectKind("limitation_expired", "PEN-01", True, "general", "decision", "违法行为超过两年追责时效才被发现仍予处罚"),
    DefectKind("unmasked_publication", "PUB-01", True, "general", "published", "公开的处罚决定含个人信息未脱敏"),
    DefectKind("summary_over_limit", "PEN-30", True, "summary", "summary_decision", "简易程序对公民罚款超过二百元"),
    DefectKind("summary_rights_not_told", "PEN-09", True, "summary", "summary_decision",
               "当场处罚前未告知事实、理由、依据及陈述申辩权利"),
    DefectKind("minor_party", "PEN-35", True, "summary", "summary_decision", "对不满十四周岁的人当场罚款"),
    DefectKind("late_registration", "PEN-03", False, "general", "register", "案源登记后超过十五个工作日才立案"),
    DefectKind("credentials_not_shown", "PEN-05", False, "general", "inquiry", "询问时未出示执法证件"),
    DefectKind("hearing_notice_short", "PEN-14", False, "general", "hearing", "听证通知送达后不足七个工作日即举行听证"),
    DefectKind("unqualified_reviewer", "PEN-17", False, "general", "review", "法制审核人员未取得法律职业资格"),
    DefectKind("decision_overdue", "PEN-23", False, "general", "decision", "立案后超过九十日才作出处罚决定"),
    DefectKind("unpublished", "PEN-40", False, "general", "decision", "行政处罚决定作出后未公开"),
    DefectKind("late_archive", "EVAL-07", False, "general", "archived", "结案后超过三十日才归档"),
    DefectKind("cash_late", "PEN-26", False, "summary", "cash", "当场收缴的罚款超过二个工作日才交至行政机关"),
    DefectKind("late_service", "PEN-24", False, "no_penalty", "served", "决定书超过七个工作日才送达"),
    DefectKind("no_education", "PEN-37", False, "no_penalty", "decision", "不予处罚未对当事人进行教育"),
    DefectKind("preservation_late", "PEN-08", False, "transfer", "resolved",
               "先行登记保存超过七个工作日才作出处理决定"),
    DefectKind("transfer_late", "PEN-42", False, "transfer", "transferred", "批准移送后超过二十四小时才移送公安机关"),
)


LICENCE_DEFECT_KINDS: Final = (
    DefectKind("late_supplement_notice", "LIC-03", False, "licence", "SupplementRequested",
               "收到申请超过五个工作日才一次告知补正"),
    DefectKind("excluded_not_notified", "LIC-10", False, "licence", "LicenceGranted",
               "专家评审所需时间未书面告知申请人，决定超过法定期限"),
    DefectKind("hearing_not_held", "LIC-08", True, "licence", "LicenceGranted",
               "利害关系人在告知后五日内申请听证，未组织听证即作出许可决定"),
)
"""The brief's three licence defects (examples-notes.md §1): ``procedure`` is the stream kind and
``label`` the type of the step that shows it. A gate refuses LIC-08 live; the others are findings."""

COMPLAINT_DEFECT_KINDS: Final = (
    DefectKind("late_acceptance", "CMP-02", False, "complaint", "ComplaintAccepted",
               "收到投诉举报超过五个工作日才决定受理"),
    DefectKind("late_answer", "CMP-06", False, "complaint", "ComplaintAnswered", "受理后超过三十日才书面答复"),
)
"""The complaint defects: acceptance or answer late (examples-notes.md §5, defect 1)."""


COERCION_DEFECT_KINDS: Final = (
    DefectKind("late_report", "COE-04", False, "coercion", "CoercionApprovalDecided",
               "紧急扣押后超过二十四小时才向负责人报告并补办批准"),
    DefectKind("expired_credential", "COE-02", True, "coercion", "SeizureImposed",
               "执法证已过期的人员参与实施扣押"),
    DefectKind("disposal_late", "COE-08", False, "coercion", "CoercionReleased",
               "查封、扣押期限届满后才解除并退还财物"),
    DefectKind("freeze_without_law", "COE-01", True, "coercion", "FreezeImposed",
               "无法律授权的机关冻结当事人存款"),
)
"""The 行政强制措施 defects (examples-notes.md §2 and a freezing without a 法律): a gate refuses
COE-01 and COE-02 live, so those files are 补录; COE-04 and COE-08 are findings, recorded live."""

ENFORCEMENT_DEFECT_KINDS: Final = (
    DefectKind("substitute_too_early", "ENF-08", False, "enforcement", "EnforcementCarriedOut",
               "代履行前催告与代履行之间不足三个工作日"),
    DefectKind("holiday_enforcement", "ENF-06", True, "enforcement", "EnforcementCarriedOut",
               "在法定节假日实施代履行且无紧急情况"),
    DefectKind("no_power", "ENF-01", True, "enforcement", "EnforcementDecided",
               "无强制执行权的机关自行决定划拨存款"),
)
"""The 行政强制执行 defects (examples-notes.md §3): ENF-01 and ENF-06 refuse live (补录)."""

CASE_COERCION_DEFECT_KINDS: Final = (
    DefectKind("case_expired_credential", "COE-02", True, "case_seizure", "SeizureImposed",
               "执法证已过期的人员参与实施立案后的扣押"),
    DefectKind("case_disposal_late", "COE-08", False, "case_seizure", "CoercionReleased",
               "查封、扣押期限届满未延长、未作出处理决定，届满后才解除并退还"),
    DefectKind("case_late_report", "COE-04", False, "case_emergency", "CoercionApprovalDecided",
               "巡查中紧急扣押后超过二十四小时才报告并补办批准，后立案处罚"),
    DefectKind("case_emergency_disposal_late", "COE-08", False, "case_emergency", "CoercionReleased",
               "紧急扣押期限届满未作出处理决定，届满后才解除并退还"),
    DefectKind("case_substitute_too_early", "ENF-08", False, "case_substitute", "EnforcementCarriedOut",
               "处罚决定责令清除后代履行，代履行前催告与代履行之间不足三个工作日"),
    DefectKind("case_holiday_enforcement", "ENF-06", True, "case_substitute", "EnforcementCarriedOut",
               "在法定节假日或休息日实施代履行且无紧急情况"),
)
"""The defects of the measures and enforcement of penalty cases (``demo.case_coercions``; ``procedure``
is the path): COE-02 and ENF-06 refuse live, so that case is a 补录; the others are findings."""

INSPECTION_DEFECT_KINDS: Final = (
    DefectKind("undrawn_object", "INS-03", True, "inspection", "InspectionOpened",
               "随机抽查检查了未被抽中的对象"),
    DefectKind("unqualified_inspector", "INS-04", True, "inspection", "SiteInspectionRecorded",
               "执法证已过期且未被抽取的人员参与检查"),
    DefectKind("late_publication", "TS-03", False, "inspection", "DecisionPublished",
               "抽查结果超过二十个工作日才公示"),
    DefectKind("no_check_code", "INS-05", False, "inspection", "SiteInspectionRecorded",
               "现场检查未出示检查码"),
)
"""The 行政检查 defects (examples-notes.md §4 and INS-05's 检查码): INS-03 and INS-04 refuse live;
a defective drawn inspection makes its whole 抽查任务 a 补录 (the draw is then the generated one)."""


@dataclass(frozen=True, slots=True)
class Defect:
    """The one defect of a defective case: the rule, whether a gate refuses it live, and
    ``step``, the index in ``DemoCase.steps`` of the step that breaks it (for a missing
    step, the step the absence shows at)."""

    kind: str
    rule: str
    gate: bool
    step: int
    note: str


@dataclass(frozen=True, slots=True)
class DemoCase:
    """One case: its steps in stream order, procedure, the stage it has reached by
    ``as_of``, and its defect (None: lawful, recorded live)."""

    stream: str
    procedure: str
    stage: str
    steps: tuple[Raw, ...]
    defect: Defect | None = None

    @property
    def backfill(self) -> bool:
        return self.defect is not None


@dataclass(frozen=True, slots=True)
class CaseFacts:
    """What the later files of a demo (责令整改, 投诉举报) read of a case: a streamed demo holds no
    case's steps once they are handed to its sink."""

    stream: str
    defect: Defect | None
    steps: int
    opened_by: str = ""
    opened_at: str = ""
    last_at: str = ""
    agency: str | None = None
    """The agency its ``CaseRegistered`` names (None: not registered)."""

    @classmethod
    def of(cls, stream: str, defect: Defect | None, steps: Sequence[Raw]) -> CaseFacts:
        if not steps:
            return cls(stream, defect, 0)
        agency = next((s["data"]["agency"] for s in steps if s["type"] == "CaseRegistered"), None)
        return cls(stream, defect, len(steps), steps[0]["by"], steps[0]["at"], steps[-1]["at"],
                   agency if isinstance(agency, str) else None)


@dataclass(frozen=True, slots=True)
class DemoStream:
    """A 行政许可 (``licence/…``) or 投诉举报 (``complaint/…``) file: its steps in stream order, its
    ``path`` (licence: new, on_the_spot, denied, not_accepted, renewal, change, revocation,
    withdrawal; complaint: accepted, assigned, not_accepted, transferred), the stage reached by
    ``as_of`` (the type of its last step), its defect (None: lawful, recorded live) and the steps
    of other streams it brings (a complaint's 责令整改 on a ``supervision/`` stream)."""

    stream: str
    path: str
    stage: str
    steps: tuple[Raw, ...]
    defect: Defect | None = None
    related: tuple[Raw, ...] = ()
    paper: bool | None = None
    """Recorded as 补录 (backfill): by default when defective; the 强制 and 检查 files only when a
    live gate would refuse their defect (the others are recorded live, as they happened)."""

    @property
    def backfill(self) -> bool:
        return self.defect is not None if self.paper is None else self.paper


@dataclass(frozen=True, slots=True)
class Proceeding:
    """A reconsideration (``review/…``) or lawsuit (``litigation/…``) against a case's decision."""

    stream: str
    target: str
    outcome: str | None
    steps: tuple[Raw, ...]


@dataclass(frozen=True, slots=True)
class Rectification:
    """A 责令整改 (EVAL-08) a supervisor of the 司法局 orders for a defective case's finding, and the
    agency's 整改报告 as the supervisor records it (``reported``: on time, late, or not at all)."""

    stream: str
    case: str
    agency: str
    reported: str  # "on_time" | "late" | "none"
    steps: tuple[Raw, ...]


@dataclass(frozen=True, slots=True)
class Segment:
    """Steps to record in one run, live or as backfill, in this order."""

    backfill: bool
    steps: tuple[Raw, ...]


REGISTRY: Final = 0
"""``StepSink`` groups: the registry (recorded first, in its own order), then in the time-ordered
segments the cases (by stream), proceedings, rectifications, files and the files' related steps (by
their index), which is how ``generate`` orders steps of the same instant."""
CASES, PROCEEDINGS, RECTIFICATIONS, FILES, RELATED = 1, 2, 3, 4, 5


class StepSink(Protocol):
    """Where a streamed demo (``generate(..., sink=)``) puts each stream's steps as soon as they are
    generated, so that a demo of any size holds none of them: the sink orders them as
    ``DemoData.segments()`` would (by segment — registry, backfill, live — then time, ``group``,
    ``key`` and ``start + i``), and receives the documents the steps cite."""

    def steps(self, backfill: bool, group: int, key: str, steps: Sequence[Raw], start: int = 0) -> None: ...

    def documents(self, files: Mapping[str, DemoFile]) -> None: ...


@dataclass(frozen=True, slots=True)
class DemoFile:
    """A generated document: its SHA-256, the agency whose file holds it, its media type and bytes."""

    sha256: str
    agency: str
    media_type: str
    content: bytes


@dataclass(frozen=True)
class DemoData:
    """What ``generate`` returns; ``segments()`` is the recording order."""

    cases_requested: int
    seed: int
    as_of: date
    registry: tuple[Raw, ...]
    cases: tuple[DemoCase, ...]
    proceedings: tuple[Proceeding, ...]
    _order: tuple[Segment, ...] = field(repr=False, default=())
    documents: Mapping[str, DemoFile] = field(repr=False, default_factory=dict)
    """The written documents the steps cite, by SHA-256 (for the document store)."""
    rectifications: tuple[Rectification, ...] = ()
    licences: tuple[DemoStream, ...] = ()
    complaints: tuple[DemoStream, ...] = ()
    coercions: tuple[DemoStream, ...] = ()
    """行政强制 files on ``coercion/`` streams: measures (``path`` emergency/approved/not_approved/
    extended/freeze) and enforcement (``substitute``, ``enforcement``)."""
    inspections: tuple[DemoStream, ...] = ()
    """``spotcheck/`` tasks (``path`` spotcheck) and ``inspection/`` files (random, routine, complaint,
    key_sector)."""
    draws: tuple[Any, ...] = ()
    """The live spot checks (``demo.inspections.SpotCheck``): their draw and the inspections of the
    drawn objects are re-derived at record time from a checkpoint of the ledger (INS-02)."""
    case_coercions: tuple[DemoStream, ...] = ()
    """行政强制 in penalty cases (``demo.case_coercions``): ``case/`` streams with a 查封扣押 after 立案
    (``path`` case_seizure) or 催告 and 代履行 (case_substitute), and emergency measures on ``coercion/``
    streams with the ``case/`` stream that disposes of them (case_emergency, the defect on the
    coercion stream)."""

    def segments(self) -> tuple[Segment, ...]:
        """Registry (live), defective cases (backfill), the rest (live, in time order)."""
        return self._order

    def steps(self) -> Iterator[Raw]:
        """Every step in recording order."""
        for segment in self._order:
            yield from segment.steps

    @property
    def step_count(self) -> int:
        return sum(len(s.steps) for s in self._order)
