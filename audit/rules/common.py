"""Helpers shared by the rule families: the procedure paths a rule applies to, the
live gate reused as a rule (so the audit and the gate never disagree), combining
finding parts into one hit, and the review/discussion conditions of the PEN-16 and
PEN-19 gates that PEN, RC and EVAL rules all ask about.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from typing import Any, Final

from audit.facts import RawStep
from audit.model import BLOCKER, MAJOR, MINOR
from audit.rulebook import GENERAL, NO_PENALTY, SUMMARY, TRANSFER, Hit, Subject, refs
from domain.casestate import amount_of
from domain.config import Config
from domain.extensions import JudgedExtension
from domain.gates import Gate, gates_for
from domain.registry import AgencyState
from domain.roles import HEAD, holds_role
from domain.vocabulary import STEPS

GEN: Final = (GENERAL,)
GEN_NP: Final = (GENERAL, NO_PENALTY)
GEN_SUM: Final = (GENERAL, SUMMARY)
GEN_NP_TR: Final = (GENERAL, NO_PENALTY, TRANSFER)
GEN_SUM_NP: Final = (GENERAL, SUMMARY, NO_PENALTY)

_GATES: Final[dict[str, Gate]] = {g.rule: g for name in STEPS for g in gates_for(name)}
DECISIONS: Final = ("DecisionMade", "SummaryDecisionMade")
WITH_OFFICERS: Final = ("InquiryRecorded", "InspectionRecorded", "EvidencePreserved", "SummaryDecisionMade")
OPINION_POINTS: Final = {
    "subject": "执法主体是否合法", "competence": "是否超越法定权限", "officers": "执法人员是否具备资格",
    "procedure": "程序是否合法", "facts": "事实是否清楚", "evidence": "证据是否合法充分",
    "law": "适用法律是否准确", "discretion": "裁量基准运用是否适当", "documents": "文书是否完备规范",
    "crime_transfer": "是否涉嫌犯罪需要移送",
}
_PENALTY_NAMES: Final = {
    "warning": "警告", "fine": "罚款", "confiscation": "没收", "suspension": "责令停产停业/暂扣许可证件",
    "revocation": "吊销许可证件", "detention": "行政拘留", "other": "其他处罚",
}
STAFF_ROLES: Final = ("head", "officer", "legal_reviewer")
"""Who may preside a hearing: the agency's own people (HearingHeld: head or officer, not a handler)."""


def penalty_name(kind: str) -> str:
    return _PENALTY_NAMES.get(kind, kind)


def is_doc(value: object) -> bool:
    """A document reference (steps.md: ``{sha256, bytes, media_type, name}``)."""
    return isinstance(value, Mapping) and bool(value.get("sha256"))


def gate_hit(s: Subject, rule_id: str, steps: Iterable[RawStep]) -> Hit | None:
    """The live gate of ``rule_id`` judged on each of ``steps``; one hit with every message."""
    gate = _GATES[rule_id]
    messages: list[str] = []
    concerned: list[RawStep] = []
    for step in steps:
        judged = s.judged(step)
        if judged is None:
            continue
        message = gate.check(judged)
        if message is not None:
            messages.append(message)
            concerned.append(step)
    return Hit("；".join(messages), refs(concerned)) if messages else None


def combine(parts: Sequence[tuple[str, str, RawStep | None]], default: str = MAJOR) -> Hit | None:
    """One hit from ``(severity, message, step)`` parts: the worst severity, every message."""
    if not parts:
        return None
    order = {BLOCKER: 0, MAJOR: 1, MINOR: 2}
    severity = min((p[0] for p in parts), key=lambda x: order.get(x, 3), default=default)
    return Hit("；".join(dict.fromkeys(p[1] for p in parts)), refs(p[2] for p in parts), severity=severity)


def is_head(s: Subject, who: object, at_step: RawStep) -> bool:
    """Whether ``who`` is a 负责人 of the case's agency as of the step (``domain.roles``)."""
    return holds_role(s.ctx.registry, who, (HEAD,), s.file.agency, at_step.at)


def late_extensions(label: str, extensions: Iterable[JudgedExtension], steps: Iterable[RawStep],
                    prefix: str = "") -> list[tuple[str, str, RawStep | None]]:
    """A finding part for each extension approved after the period it tried to extend had
    ended (``domain.extensions``): it is void, and the period is judged without it."""
    by_version = {st.version: st for st in steps}
    parts: list[tuple[str, str, RawStep | None]] = []
    for ext in extensions:
        if ext.late:
            asked = ext.extension
            parts.append((MAJOR, f"{prefix}{asked.approved_on} 批准的{label}（{asked.days} 日）晚于期限届满日 "
                                 f"{ext.due_before.due}：期限届满后的批准不能补救已发生的超期，延长无效，"
                                 "期限不因此延长", by_version.get(asked.version)))
    return parts


def investigators(s: Subject) -> set[str]:
    """The handlers and everyone named on an investigation step (PEN-15, PEN-17 independence)."""
    found = set(s.file.handlers)
    for step in s.facts.all("InquiryRecorded", "InspectionRecorded", "EvidencePreserved", "EvidenceCollected"):
        for key in ("officers", "collected_by"):
            found |= {o for o in step.data.get(key) or () if isinstance(o, str)}
    return found


def months_before(day: date, months: int) -> date:
    """The same day ``months`` calendar months earlier (the month's last day when it has none)."""
    total = day.year * 12 + day.month - 1 - months
    year, month0 = divmod(total, 12)
    last = (date(year + (month0 == 11), (month0 + 1) % 12 + 1, 1) - timedelta(days=1)).day
    return date(year, month0 + 1, min(day.day, last))


def review_required(s: Subject, decision: RawStep) -> list[str]:
    """Why the decision needed a legal review (the PEN-16 gate's reasons), empty if it did not."""
    j = s.judged(decision)
    if j is None:
        return []
    reasons = []
    fine = amount_of(j.penalties, "fine")
    if fine and fine >= j.thresholds.review_fen(j.party_kind):
        reasons.append("罚款达到法制审核标准")
    if s.config.legal_review.when_hearing_held and j.case.hearings_held:
        reasons.append("经过听证")
    reasons += [t for t in dict.fromkeys(p.type for p in j.penalties) if t in s.config.legal_review.penalty_types]
    return reasons


def discussion_required(s: Subject, decision: RawStep) -> bool:
    """Whether the decision needed a collective discussion (the PEN-19 gate's conditions)."""
    j = s.judged(decision)
    if j is None:
        return False
    cfg = s.config.collective_discussion
    penalties = j.penalties
    threshold = j.thresholds.hearing_fen(j.party_kind)
    eligible = any(amount_of(penalties, k) and amount_of(penalties, k) >= threshold for k in ("fine", "confiscation"))
    eligible = eligible or any(p.type in s.config.hearing.penalty_types for p in penalties)
    fine = amount_of(penalties, "fine")
    return bool((cfg.when_hearing_eligible and eligible) or (cfg.when_hearing_held and j.case.hearings_held)
                or (cfg.when_review_threshold and fine and fine >= j.thresholds.review_fen(j.party_kind)))


def remedies_problems(remedies: Mapping[str, Any], agency: AgencyState | None, config: Config) -> list[str]:
    """What a decision's 救济告知 gets wrong (PEN-22, LIC-12): the 复议机关 (every one the party may
    choose, none other), 60 days, the court of jurisdiction, 6 months."""
    problems: list[str] = []
    named = [b for b in remedies.get("reconsideration_bodies") or () if isinstance(b, str) and b]
    if not named:
        problems.append("未告知行政复议机关")
    elif agency is not None and agency.reconsideration_bodies:
        wrong = [b for b in named if b not in agency.reconsideration_bodies]
        if wrong:
            bodies = "、".join(agency.reconsideration_bodies)
            problems.append(f"告知的复议机关 {'、'.join(wrong)} 不是本机关的复议机关（{bodies}）")
        omitted = [b for b in agency.reconsideration_bodies if b not in named]
        if not wrong and omitted:
            problems.append(f"当事人可选择的复议机关未全部告知（遗漏 {'、'.join(omitted)}）")
    days = remedies.get("reconsideration_days")
    if days != config.reconsideration.application_nd:
        problems.append(f"告知的复议期限为 {days} 日，应为 {config.reconsideration.application_nd} 日")
    months = remedies.get("litigation_months")
    if months != config.litigation.filing_months:
        problems.append(f"告知的起诉期限为 {months} 个月，应为 {config.litigation.filing_months} 个月")
    court = remedies.get("court")
    if not isinstance(court, str) or not court.strip():
        problems.append("未告知管辖法院")
    elif agency is not None and agency.court and court != agency.court:
        problems.append(f"告知的法院 {court} 不是管辖法院 {agency.court}")
    return problems
