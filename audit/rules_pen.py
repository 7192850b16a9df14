"""The 行政处罚法 rules (PEN) of rules.md §2, one small function each.

Where a rule is also a live gate (rules.md's Gates table), the gate's own check is
reused on the step it judges — the case before the step, the registry as of its
``at`` — so the audit and the gate never disagree; the audit then adds the parts
of the rule that gates leave to it (MAJOR parts, documents, deadlines).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta
from functools import partial
from typing import Any, Final

from audit.facts import RawStep, day_of, text_of
from audit.model import BLOCKER, MAJOR, MINOR
from audit.rulebook import GENERAL, NO_PENALTY, SUMMARY, TRANSFER, Hit, Subject, refs, rule
from domain.calendar import SHANGHAI
from domain.casestate import amount_of, parse_penalties
from domain.config import COERCION_LAW, LAW, TRANSFER_RULE, effective_first_violation_months
from domain.extensions import Extension, JudgedExtension, approval_day, extend_period
from domain.gates import Gate, gates_for
from domain.money import yuan
from domain.roles import HEAD, holds_role, role_problem
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
_ORDER: Final = {"10y": 0, "30y": 1, "permanent": 2}
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


def _days(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


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


def _fine_range(item: Any) -> tuple[int | None, int | None]:
    low, high = item.fine_range
    return low, high


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


# --------------------------------------------------------------------------- 主体、立案、人员


@rule("PEN-01", "超过追责时效", BLOCKER, f"{LAW}第三十六条", GEN_SUM)
def pen01(s: Subject) -> Hit | None:
    return gate_hit(s, "PEN-01", s.facts.all(*DECISIONS))


@rule("PEN-02", "执法主体不合法或超越职权", BLOCKER, f"{LAW}第十七条至第二十条、第三十八条第一款")
def pen02(s: Subject) -> Hit | None:
    registered = s.facts.first("CaseRegistered")
    if registered is None:
        return None
    agency_id = s.file.agency
    if not agency_id:
        return Hit("立案未载明作出处理的行政机关", refs([registered]))
    judged_at = s.decision or s.facts.first("TransferDecided") or registered
    agency = s.agency_at(judged_at.at)
    if agency is None:
        return Hit(f"执法主体 {agency_id} 在 {judged_at.day} 未登记为行政执法主体", refs([registered]))
    code = s.file.item
    item = agency.item(code)
    if item is None:
        return Hit(f"执法事项 {code} 在 {judged_at.day} 未列入 {agency.name} 公布的权责清单，无法确认其职权依据",
                   refs([registered, judged_at]))
    if item.kind != "penalty":
        return Hit(f"执法事项 {code}（{item.name}）不是行政处罚事项，{agency.name} 无权据此作出行政处罚",
                   refs([registered, judged_at]))
    return None


@rule("PEN-03", "未依法及时立案", MAJOR, f"{LAW}第五十四条第二款、第七十六条第二款", GEN_NP_TR)
def pen03(s: Subject) -> Hit | None:
    parts: list[tuple[str, str, RawStep | None]] = []
    registered = s.facts.first("CaseRegistered")
    late = s.deadline_hit("PEN-03", refs([s.facts.first("CaseSourceRecorded"), registered]))
    if late is not None:
        if late.provisional and registered is not None:
            return late
        parts.append((MAJOR, late.message, s.facts.first("CaseSourceRecorded")))
    if registered is not None:
        if s.file.procedure == "general" and not text_of(registered.data.get("approved_by")):
            parts.append((MAJOR, "立案未经行政机关负责人批准（approved_by 缺失）", registered))
        early = [st for st in s.facts.all("InquiryRecorded", "EvidencePreserved")
                 if st.position < registered.position or st.at < registered.at]
        if early:
            parts.append((MAJOR, "立案前即进行询问或先行登记保存（程序倒置）：" + "、".join(
                f"{st.day} {_STEP_NAMES.get(st.type, st.type)}" for st in early), early[0]))
    return combine(parts)


_STEP_NAMES: Final = {"InquiryRecorded": "询问", "InspectionRecorded": "现场检查", "EvidencePreserved": "先行登记保存",
                      "SummaryDecisionMade": "当场处罚"}


@rule("PEN-04", "执法人员不足两名或无有效执法证", BLOCKER, f"{LAW}第四十二条第一款、第五十五条第一款")
def pen04(s: Subject) -> Hit | None:
    return gate_hit(s, "PEN-04", s.facts.all(*WITH_OFFICERS))


@rule("PEN-05", "询问、检查未出示执法证件或笔录不完整", MAJOR, f"{LAW}第五十五条")
def pen05(s: Subject) -> Hit | None:
    parts: list[tuple[str, str, RawStep | None]] = []
    for st in s.facts.all("InquiryRecorded", "InspectionRecorded", "SummaryDecisionMade"):
        name = _STEP_NAMES[st.type]
        if st.data.get("credentials_shown") is not True:
            parts.append((MAJOR, f"{st.day} {name}时未出示执法证件", st))
        if st.type == "SummaryDecisionMade":
            continue
        if not is_doc(st.data.get("record")):
            parts.append((MAJOR, f"{st.day} {name}无笔录", st))
        if st.type == "InquiryRecorded" and not (st.data.get("signed_by_interviewee") is True
                                                  or st.data.get("refusal_noted") is True):
            parts.append((MAJOR, f"{st.day} 询问笔录未经被询问人签名，也未注明拒绝签名", st))
    return combine(parts)


@rule("PEN-06", "回避", MAJOR, f"{LAW}第四十三条", GEN_NP_TR)
def pen06(s: Subject) -> Hit | None:
    parts: list[tuple[str, str, RawStep | None]] = []
    ended = s.decision is not None or s.facts.has("TransferDecided") or s.closed()
    for asked in s.facts.all("RecusalRequested"):
        if not s.facts.after(asked.position, "RecusalDecided") and ended:
            parts.append((MAJOR, f"{asked.day} 提出的回避申请（{asked.data.get('officer')}）未由负责人作出决定", asked))
    for decided in s.facts.all("RecusalDecided"):
        if not is_head(s, decided.data.get("decided_by"), decided):
            parts.append((MAJOR, f"{decided.day} 的回避决定非由本机关负责人作出", decided))
        if decided.data.get("granted") is not True:
            continue
        requests = s.facts.before(decided.position, "RecusalRequested")
        officer = requests[-1].data.get("officer") if requests else None
        if not isinstance(officer, str):
            continue
        later = [st for st in s.facts.steps[decided.position + 1:] if officer == st.by or officer in _named(st)]
        if later:
            parts.append((MAJOR, f"{officer} 已决定回避，仍参与了 {later[0].day} 的{later[0].type}", later[0]))
    return combine(parts)


def _named(step: RawStep) -> set[str]:
    found: set[str] = set()
    for key in ("officers", "collected_by", "attendees", "handlers"):
        found |= {o for o in step.data.get(key) or () if isinstance(o, str)}
    for key in ("presider", "reviewer", "approved_by", "decided_by"):
        value = step.data.get(key)
        if isinstance(value, str):
            found.add(value)
    return found


# --------------------------------------------------------------------------- 证据


_EVIDENCE_KINDS: Final = frozenset({"documentary", "physical", "audiovisual", "electronic", "witness", "statement",
                                    "expert_opinion", "inspection_record"})


@rule("PEN-07", "事实不清、证据不足", BLOCKER, f"{LAW}第四十条、第四十六条", GEN_NP)
def pen07(s: Subject) -> Hit | None:
    decision = s.facts.first("DecisionMade")
    if decision is None or decision.data.get("outcome") == "no_penalty_unproven":
        return None
    problems: list[str] = []
    evidence = {str(e.data.get("evidence_id")): e for e in s.facts.before(decision.position, "EvidenceCollected")}
    concluded = s.facts.before(decision.position, "InvestigationConcluded")
    concerned: list[RawStep | None] = [decision]
    if not concluded:
        problems.append("无调查终结报告，决定认定的事实未载明证据")
    else:
        conclusion = concluded[-1]
        concerned.append(conclusion)
        facts = [f for f in conclusion.data.get("facts") or () if isinstance(f, Mapping)]
        if not facts:
            problems.append("调查终结报告未载明认定的事实")
        for fact in facts:
            ids = [e for e in fact.get("evidence") or () if isinstance(e, str)]
            usable = [e for e in ids if e in evidence and evidence[e].data.get("illegally_obtained") is not True]
            if not usable:
                problems.append(f"事实 {fact.get('id')} 无合法证据证明")
            excluded = [e for e in ids if e in evidence and evidence[e].data.get("illegally_obtained") is True]
            if excluded:
                problems.append(f"事实 {fact.get('id')} 采用了非法取得的证据 {'、'.join(excluded)}")
            unknown = [e for e in ids if e not in evidence]
            if unknown and usable:
                problems.append(f"事实 {fact.get('id')} 所引证据 {'、'.join(unknown)} 不在案卷中")
    for eid, item in evidence.items():
        missing = [name for key, name in (("source", "来源"), ("file", "证据材料")) if not item.data.get(key)
                   and not (key == "file" and is_doc(item.data.get(key)))]
        if item.data.get("kind") not in _EVIDENCE_KINDS:
            missing.append("证据种类")
        if not [o for o in item.data.get("collected_by") or () if isinstance(o, str)]:
            missing.append("收集人")
        if missing:
            problems.append(f"证据 {eid} 缺少{'、'.join(missing)}")
            concerned.append(item)
    if not any(e.data.get("identifies_party") is True for e in evidence.values()):
        problems.append("未收集证明当事人身份的证据（身份证件、营业执照等）")
    return Hit("；".join(problems), refs(concerned)) if problems else None


@rule("PEN-08", "先行登记保存不合法", MAJOR, f"{LAW}第五十六条、第八十五条", GEN_NP_TR)
def pen08(s: Subject) -> Hit | None:
    parts: list[tuple[str, str, RawStep | None]] = []
    allowed_after = s.config.preservation.approval_after_allowed
    for kept in s.facts.all("EvidencePreserved"):
        approved = kept.data.get("approved_by")
        if not text_of(approved):
            parts.append((MAJOR, f"{kept.day} 先行登记保存未经行政机关负责人批准", kept))
        elif not is_head(s, approved, kept):
            parts.append((MAJOR, f"{kept.day} 先行登记保存的批准人 {approved} 不是本机关负责人", kept))
        approved_at = kept.time("approved_at")
        if text_of(approved) and approved_at is None:
            parts.append((MAJOR, f"{kept.day} 先行登记保存未载明批准时间", kept))
        elif approved_at is not None and approved_at > kept.at and not allowed_after:
            parts.append((MAJOR, f"{kept.day} 先行登记保存在批准（{approved_at:%Y-%m-%d %H:%M}）之前实施", kept))
        if kept.time("list_served_at") is None:
            parts.append((MAJOR, f"{kept.day} 先行登记保存未向当事人送达物品清单", kept))
        if not is_doc(kept.data.get("document")):
            parts.append((MAJOR, f"{kept.day} 先行登记保存无通知书及清单", kept))
    for resolved in s.facts.all("PreservationResolved"):
        if not is_doc(resolved.data.get("document")):
            parts.append((MAJOR, f"{resolved.day} 先行登记保存处理决定无决定书", resolved))
    late = s.deadline_hit("PEN-08")
    if late is not None:
        if late.provisional and not parts:
            return Hit(late.message, refs(s.facts.all("EvidencePreserved", "PreservationResolved")), provisional=True)
        if not late.provisional:
            parts.append((MAJOR, late.message, s.facts.first("EvidencePreserved")))
    return combine(parts)


# --------------------------------------------------------------------------- 告知、陈述申辩、听证


@rule("PEN-09", "未依法事先告知", BLOCKER, f"{LAW}第四十四条、第六十二条", GEN_SUM)
def pen09(s: Subject) -> Hit | None:
    found = gate_hit(s, "PEN-09", s.facts.all(*DECISIONS))
    if found is not None:
        return found
    decision = s.penalty_decision
    if decision is None or decision.type != "DecisionMade":
        return None
    notices = [n for n in s.facts.before(decision.position, "PenaltyNoticeServed")]
    if not notices:
        return None
    notice = notices[-1]
    proposed = notice.data.get("proposed")
    proposed = proposed if isinstance(proposed, Mapping) else {}
    missing = []
    if proposed.get("outcome") == "penalty" and not parse_penalties(proposed.get("penalties")):
        missing.append("拟作出的处罚")
    if not notice.data.get("facts"):
        missing.append("违法事实")
    if not proposed.get("basis"):
        missing.append("处罚依据")
    if missing:
        return Hit(f"{notice.day} 送达的事先告知书未载明{'、'.join(missing)}", refs([notice, decision]))
    return None


@rule("PEN-10", "未听取陈述申辩", BLOCKER, f"{LAW}第四十五条第一款、第六十二条", GEN_SUM)
def pen10(s: Subject) -> Hit | None:
    found = gate_hit(s, "PEN-10", s.facts.all("DecisionMade"))
    decision = s.penalty_decision
    if decision is None or decision.type != "DecisionMade":
        return found
    unreviewed = [st for st in s.facts.before(decision.position, "StatementSubmitted")
                  if not s.facts.after(st.position, "StatementReviewed")
                  or min(r.position for r in s.facts.after(st.position, "StatementReviewed")) > decision.position]
    if not unreviewed:
        return found
    message = "当事人提出的陈述、申辩未经复核即作出决定（" + "、".join(str(u.day) for u in unreviewed) + "）"
    if found is not None:
        return Hit(found.message + "；" + message, found.events + refs(unreviewed))
    return Hit(message, refs([*unreviewed, decision]))


@rule("PEN-11", "因申辩加重处罚", BLOCKER, f"{LAW}第四十五条第二款", GEN)
def pen11(s: Subject) -> Hit | None:
    return gate_hit(s, "PEN-11", s.facts.all("DecisionMade"))


@rule("PEN-12", "未告知听证权利", BLOCKER, f"{LAW}第六十三条", GEN)
def pen12(s: Subject) -> Hit | None:
    return gate_hit(s, "PEN-12", s.facts.all("PenaltyNoticeServed"))


@rule("PEN-13", "听证申请处理不当", MAJOR, f"{LAW}第六十四条第一项、第八十五条", GEN_NP)
def pen13(s: Subject) -> Hit | None:
    parts: list[tuple[str, str, RawStep | None]] = []
    decision = s.decision
    for asked in s.facts.all("HearingRequested"):
        notices = s.facts.before(asked.position, "PenaltyNoticeServed")
        handled = s.facts.after(asked.position, "HearingHeld", "HearingAbandoned")
        if decision is not None:
            handled = tuple(h for h in handled if h.position < decision.position)
        late = False
        if notices:
            served = notices[-1].day_of("served_at")
            window = s.ctx.calendar.add_working_days(served, s.config.hearing.request_wd)
            late = not window.provisional and asked.day_of("requested_at") > window.due
        if handled:
            continue
        if late and (decision is not None or s.closed()):
            parts.append((MAJOR, f"当事人于 {asked.day_of('requested_at')} 逾期提出听证要求，案卷未记录不予听证的决定",
                          asked))
        elif not late and decision is not None:
            parts.append((MAJOR, f"当事人于 {asked.day_of('requested_at')} 依法要求听证，未举行听证即作出决定", asked))
    return combine(parts)


@rule("PEN-14", "听证通知期限不足", MAJOR, f"{LAW}第六十四条第二项、第八十五条", GEN_NP)
def pen14(s: Subject) -> Hit | None:
    parts: list[tuple[str, str, RawStep | None]] = []
    provisional: list[str] = []
    need = s.config.hearing.notice_wd
    for notice in s.facts.all("HearingNoticeServed"):
        hearing_at = notice.time("hearing_at")
        if hearing_at is None or not text_of(notice.data.get("place")):
            parts.append((MAJOR, f"{notice.day} 的听证通知未载明举行听证的时间、地点", notice))
            continue
        served = notice.day_of("served_at")
        hearing = hearing_at.astimezone(SHANGHAI).date()
        between = s.ctx.calendar.working_days_between(served, hearing)
        working = s.ctx.calendar.is_working_day(hearing)
        count = between.days - (1 if working else 0)  # both ends excluded (Q4)
        if count >= need:
            continue
        if between.provisional or working is None:
            provisional.append(f"【暂定】听证通知于 {served} 送达，{hearing} 举行听证，间隔约 {count} 个工作日"
                               f"（该年放假安排未知），可能不足 {need} 个工作日")
            continue
        parts.append((MAJOR, f"听证通知于 {served} 送达，{hearing} 即举行听证，间隔仅 {count} 个工作日，"
                             f"不足 {need} 个工作日", notice))
    if not parts and provisional:
        return Hit("；".join(provisional), refs(s.facts.all("HearingNoticeServed")), provisional=True)
    return combine(parts)


@rule("PEN-15", "听证程序不合法", MAJOR, f"{LAW}第六十四条第三项至第八项、第六十五条", GEN_NP)
def pen15(s: Subject) -> Hit | None:
    parts: list[tuple[str, str, RawStep | None]] = []
    handlers = investigators(s)
    hidden = {"secret", "privacy"} & set(s.file.suppressions)
    for held in s.facts.all("HearingHeld"):
        presider = held.data.get("presider")
        if isinstance(presider, str) and presider in handlers:
            parts.append((MAJOR, f"{held.day} 的听证由本案调查人员 {presider} 主持", held))
        why = role_problem(s.ctx.registry, presider, STAFF_ROLES, s.file.agency, held.at)
        if why is not None:
            parts.append((MAJOR, f"{held.day} 的听证主持人不是本机关工作人员（{why}）", held))
        agents = held.data.get("agents") or []
        if isinstance(agents, list) and len(agents) > s.config.hearing.max_agents:
            limit = s.config.hearing.max_agents
            parts.append((MAJOR, f"{held.day} 的听证当事人委托代理人 {len(agents)} 人，超过 {limit} 人",
                          held))
        if held.data.get("public") is not True and not hidden:
            parts.append((MAJOR, f"{held.day} 的听证未公开举行，案卷未载明涉及国家秘密、商业秘密或者个人隐私", held))
    return combine(parts)


# --------------------------------------------------------------------------- 审核、讨论、决定


@rule("PEN-16", "未经法制审核", BLOCKER, f"{LAW}第五十八条第一款", GEN_NP)
def pen16(s: Subject) -> Hit | None:
    return gate_hit(s, "PEN-16", s.facts.all("DecisionMade"))


@rule("PEN-17", "法制审核人员不具备资格或不独立", MAJOR, f"{LAW}第五十八条第二款、第八十六条", GEN_NP)
def pen17(s: Subject) -> Hit | None:
    parts: list[tuple[str, str, RawStep | None]] = []
    handlers = investigators(s)
    since = s.config.legal_review.qualification_from
    for review in s.facts.all("LegalReviewCompleted"):
        reviewer = review.data.get("reviewer") or review.by
        if not isinstance(reviewer, str):
            continue
        if reviewer in handlers:
            parts.append((MAJOR, f"{review.day} 的法制审核由本案承办人员 {reviewer} 作出", review))
        record = s.ctx.registry.officer_as_of(reviewer, review.at)
        first = min(filter(None, (s.ctx.history.first_review.get(reviewer), review.day)))
        if first >= since and (record is None or not record.legal_qualification_no):
            name = f"{reviewer}（{record.name}）" if record is not None else reviewer
            parts.append((MAJOR, f"{name} 于 {first} 起从事法制审核，未取得法律职业资格", review))
    return combine(parts)


@rule("PEN-18", "法制审核内容或处理不完整", MAJOR, f"国办发〔2018〕118号；{LAW}第五十八条", GEN_NP)
def pen18(s: Subject) -> Hit | None:
    parts: list[tuple[str, str, RawStep | None]] = []
    decision = s.decision
    cfg = s.config.legal_review
    for review in s.facts.all("LegalReviewCompleted"):
        opinions = review.data.get("opinions")
        opinions = opinions if isinstance(opinions, Mapping) else {}
        missing = [name for key, name in OPINION_POINTS.items() if not opinions.get(key)]
        if missing:
            parts.append((MAJOR, f"{review.day} 的法制审核意见未就{'、'.join(missing)}作出认定", review))
        issues = review.data.get("outcome") == "issues_found"
        if issues and decision is not None and decision.position > review.position:
            resubmitted = [r for r in s.facts.after(review.position, "LegalReviewRequested")
                           if r.position < decision.position]
            if not resubmitted:
                parts.append((MAJOR, f"{review.day} 法制审核提出问题，未见承办机构研究处理并重新送审即作出决定",
                              review))
        asked = s.facts.before(review.position, "LegalReviewRequested")
        if asked:
            sent = asked[-1].day
            mine = [e for e in s.facts.all("TimeLimitExtended")
                    if e.data.get("rule") == "PEN-18" and asked[-1].position < e.position < review.position]
            extensions = [Extension(e.version, approval_day(e.day, e.day_of("approved_at")),
                                    min(_days(e.data.get("days")), cfg.extension_wd)) for e in mine]
            limit = extend_period(partial(s.ctx.calendar.add_working_days, sent), cfg.review_wd, extensions)
            parts += late_extensions("延长法制审核期限", limit.extensions, mine)
            if not limit.due.provisional and review.day > limit.due.due:
                parts.append((MAJOR, f"法制审核于 {sent} 送审，{review.day} 才完成，超过 "
                                     f"{limit.days} 个工作日", review))
    return combine(parts)


@rule("PEN-19", "未经集体讨论", BLOCKER, f"{LAW}第五十七条第二款", GEN_NP)
def pen19(s: Subject) -> Hit | None:
    return gate_hit(s, "PEN-19", s.facts.all("DecisionMade"))


@rule("PEN-20", "未经负责人审查决定", MAJOR, f"{LAW}第五十七条第一款", GEN_NP_TR)
def pen20(s: Subject) -> Hit | None:
    parts: list[tuple[str, str, RawStep | None]] = []
    for step, key, what in [*((d, "approved_by", "行政处罚决定") for d in s.facts.all("DecisionMade")),
                            *((t, "decided_by", "移送决定") for t in s.facts.all("TransferDecided"))]:
        who = step.data.get(key)
        if not text_of(who):
            parts.append((MAJOR, f"{step.day} 的{what}未经行政机关负责人审查决定", step))
        elif not is_head(s, who, step):
            parts.append((MAJOR, f"{step.day} 的{what}由 {who} 批准，其不是本机关负责人", step))
    return combine(parts)


@rule("PEN-21", "决定书内容不完整或未加盖印章", BLOCKER, f"{LAW}第五十九条", GEN_SUM_NP)
def pen21(s: Subject) -> Hit | None:
    parts: list[tuple[str, str, RawStep | None]] = []
    decisions = s.facts.all(*DECISIONS)
    found = gate_hit(s, "PEN-21", decisions)
    if found is not None:
        parts.append((BLOCKER, found.message, decisions[0]))
    party = s.file.party
    for d in decisions:
        basis = [b for b in d.data.get("basis") or () if isinstance(b, Mapping)]
        if basis and any(not isinstance(b.get("article"), int) or not text_of(b.get("law")) for b in basis):
            parts.append((BLOCKER, f"{d.day} 的决定书引用的法律依据未载明法律名称或条款", d))
        if party is None or not party.name:
            parts.append((MAJOR, "决定书所载当事人姓名或名称缺失", d))
        elif not party.address:
            parts.append((MAJOR, "决定书未载明当事人的地址", d))
        number = "document_no" if d.type == "DecisionMade" else "form_no"
        if not text_of(d.data.get(number)):
            parts.append((MAJOR, f"{d.day} 的决定书未载明文书编号（{number}）", d))
        if d.type == "SummaryDecisionMade":
            if not _remedies_complete(d.data.get("remedies")):
                parts.append((MAJOR, f"{d.day} 的当场处罚决定书未载明申请行政复议、提起行政诉讼的途径和期限", d))
            if not text_of(d.data.get("place")):
                parts.append((MAJOR, f"{d.day} 的当场处罚决定书未载明违法行为地点", d))
    return combine(parts)


def _remedies_complete(value: object) -> bool:
    if not isinstance(value, Mapping):
        return False
    bodies = [b for b in value.get("reconsideration_bodies") or () if isinstance(b, str) and b]
    return bool(bodies and value.get("reconsideration_days") and text_of(value.get("court"))
                and value.get("litigation_months"))


@rule("PEN-22", "救济途径告知不正确", MAJOR, "《中华人民共和国行政处罚法》第五十九条第五项；"
      "《中华人民共和国行政复议法》第二十条、第二十四条；《中华人民共和国行政诉讼法》第四十六条", GEN_NP)
def pen22(s: Subject) -> Hit | None:
    problems: list[str] = []
    decision = s.facts.first("DecisionMade")
    if decision is None:
        return None
    remedies = decision.data.get("remedies")
    if not isinstance(remedies, Mapping):
        return Hit("决定书未告知申请行政复议、提起行政诉讼的途径和期限", refs([decision]))
    named = [b for b in remedies.get("reconsideration_bodies") or () if isinstance(b, str) and b]
    agency = s.agency_at(decision.at)
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
    if days != s.config.reconsideration.application_nd:
        problems.append(f"告知的复议期限为 {days} 日，应为 {s.config.reconsideration.application_nd} 日")
    months = remedies.get("litigation_months")
    if months != s.config.litigation.filing_months:
        problems.append(f"告知的起诉期限为 {months} 个月，应为 {s.config.litigation.filing_months} 个月")
    court = text_of(remedies.get("court"))
    if court is None:
        problems.append("未告知管辖法院")
    elif agency is not None and agency.court and court != agency.court:
        problems.append(f"告知的法院 {court} 不是管辖法院 {agency.court}")
    return Hit("决定书救济告知有误：" + "；".join(problems), refs([decision])) if problems else None


@rule("PEN-23", "超过办案期限", MAJOR, f"{LAW}第六十条", GEN_NP)
def pen23(s: Subject) -> Hit | None:
    parts: list[tuple[str, str, RawStep | None]] = []
    mine = [e for e in s.facts.all("TimeLimitExtended") if e.data.get("rule") in (None, "PEN-23")]
    for ext in mine:
        if not is_head(s, ext.data.get("approved_by"), ext):
            parts.append((MAJOR, f"{ext.day} 延长办案期限未经行政机关负责人批准", ext))
    parts += late_extensions("延长办案期限", s.file.extensions, mine)
    late = s.deadline_hit("PEN-23", refs([s.facts.first("CaseRegistered"), s.decision]))
    if late is not None and late.provisional and not parts:
        return late
    if late is not None and not late.provisional:
        parts.append((MAJOR, late.message, s.decision or s.facts.first("CaseRegistered")))
    return combine(parts)


@rule("PEN-24", "决定书送达不合法", MAJOR, f"{LAW}第六十一条；《中华人民共和国民事诉讼法》第八十七条至第九十五条",
      GEN_NP)
def pen24(s: Subject) -> Hit | None:
    parts: list[tuple[str, str, RawStep | None]] = []
    for served in s.facts.all("DecisionServed"):
        if served.data.get("method") == "electronic" and not is_doc(served.data.get("consent")):
            parts.append((MAJOR, f"{served.day} 电子送达未经当事人同意并签订确认书", served))
    late = s.deadline_hit("PEN-24", refs([s.decision, s.facts.first("DecisionServed")]))
    if late is not None and late.provisional and not parts:
        return late
    if late is not None and not late.provisional:
        parts.append((MAJOR, late.message, s.facts.first("DecisionServed") or s.decision))
    return combine(parts)


# --------------------------------------------------------------------------- 执行


def _fine_decision(s: Subject) -> tuple[RawStep, int] | None:
    d = s.penalty_decision
    if d is None:
        return None
    fine = amount_of(parse_penalties(d.data.get("penalties")), "fine")
    return (d, fine) if fine > 0 else None


@rule("PEN-25", "罚缴分离：缴款凭证", MAJOR, f"{LAW}第六十七条", GEN_SUM)
def pen25(s: Subject) -> Hit | None:
    if _fine_decision(s) is None:
        return None
    missing = [p for p in s.facts.all("PaymentRecorded") if not text_of(p.data.get("receipt_no"))]
    if not missing:
        return None
    return Hit("罚款缴纳无银行或财政票据（receipt_no 缺失）：" + "、".join(str(p.day) for p in missing), refs(missing))


@rule("PEN-26", "当场收缴罚款不合法", MAJOR, f"{LAW}第六十八条至第七十一条", GEN_SUM)
def pen26(s: Subject) -> Hit | None:
    parts: list[tuple[str, str, RawStep | None]] = []
    found = _fine_decision(s)
    summary = s.file.procedure == "summary"
    for paid in s.facts.all("PaymentRecorded"):
        if paid.data.get("channel") != "on_the_spot":
            continue
        reason = text_of(paid.data.get("on_the_spot_reason"))
        fine = found[1] if found else 0
        if summary and (fine <= s.config.payment.on_the_spot_max_fen or reason):
            continue
        if not summary and reason:
            continue
        why = (f"罚款 {yuan(fine)} 超过 {yuan(s.config.payment.on_the_spot_max_fen)}" if summary
               else "普通程序案件")
        parts.append((MAJOR, f"{paid.day} 当场收缴罚款（{why}），未载明依法可以当场收缴的情形", paid))
    late = s.deadline_hit("PEN-26", refs(s.facts.all("PaymentRecorded", "CashHandedOver")))
    if late is not None and late.provisional and not parts:
        return late
    if late is not None and not late.provisional:
        parts.append((MAJOR, late.message, s.facts.first("CashHandedOver") or s.facts.first("PaymentRecorded")))
    return combine(parts)


@rule("PEN-27", "未告知加处罚款标准", MAJOR, f"{LAW}第七十二条第一款第一项；{COERCION_LAW}第四十五条", GEN_SUM)
def pen27(s: Subject) -> Hit | None:
    found = _fine_decision(s)
    if found is None or found[0].data.get("surcharge_told") is True:
        return None
    return Hit("处以罚款的决定书未告知逾期不缴纳罚款每日按罚款数额百分之三加处罚款", refs([found[0]]))


@rule("PEN-28", "暂缓或分期缴纳未经批准", MINOR, f"{LAW}第六十六条第二款、第七十二条第二款", GEN)
def pen28(s: Subject) -> Hit | None:
    parts: list[tuple[str, str, RawStep | None]] = []
    for deferred in s.facts.all("PaymentDeferred"):
        if not is_head(s, deferred.data.get("approved_by"), deferred):
            parts.append((MINOR, f"{deferred.day} 暂缓（分期）缴纳罚款未经行政机关负责人批准", deferred))
        until = day_of(deferred.data.get("until"))
        dues = [day_of(i.get("due")) for i in deferred.data.get("instalments") or () if isinstance(i, Mapping)]
        end = until or max((d for d in dues if d is not None), default=None)
        for applied in s.facts.after(deferred.position, "CourtEnforcementApplied"):
            if end is not None and applied.day_of("applied_at") <= end:
                parts.append((MINOR, f"暂缓（分期）缴纳期限 {end} 届满前即申请强制执行", applied))
    return combine(parts, MINOR)


@rule("PEN-29", "申请法院强制执行不合法", MAJOR, f"{COERCION_LAW}第五十三条、第五十四条", GEN)
def pen29(s: Subject) -> Hit | None:
    parts: list[tuple[str, str, RawStep | None]] = []
    served = s.file.served_at
    for applied in s.facts.all("CourtEnforcementApplied"):
        on = applied.day_of("applied_at")
        demands = s.facts.before(applied.position, "PaymentDemanded")
        if not demands:
            parts.append((MAJOR, f"{on} 申请法院强制执行前未书面催告当事人履行", applied))
        else:
            demanded = demands[-1].day_of("served_at")
            ready = s.ctx.calendar.add_working_days(demanded, s.config.payment.demand_to_court_wd)
            if not ready.provisional and on < ready.due:
                parts.append((MAJOR, f"催告书于 {demanded} 送达，{on} 即申请强制执行，未满 "
                                     f"{s.config.payment.demand_to_court_wd} 个工作日", applied))
        bounds = _court_window(s, served)
        if bounds is not None:
            lapse, last = bounds
            if on <= lapse:
                parts.append((MAJOR, f"{on} 申请强制执行时当事人的起诉期限（至 {lapse}）尚未届满", applied))
            elif on > last:
                parts.append((MAJOR, f"{on} 才申请强制执行，超过复议、诉讼期限届满后 "
                                     f"{s.config.payment.court_application_months} 个月（{last}）", applied))
    # The fine still unpaid and no application at all within the months after the periods lapsed.
    unapplied = [b for b in s.breaches("PEN-29") if b.kind == "missed" or (b.kind == "provisional"
                                                                            and b.deadline.done_on is None)]
    if unapplied and not parts:
        return Hit("；".join(f"罚款未缴纳，{b.message}" for b in unapplied), refs([s.facts.first("DecisionServed")]),
                   provisional=all(b.kind == "provisional" for b in unapplied))
    return combine(parts)


def _court_window(s: Subject, served: datetime | None) -> tuple[date, date] | None:
    """When the remedy periods lapse, and the last day to apply to the court: the case file's own
    ``PEN-29@court`` count (复议, deferral and roll-forward included), else from the service."""
    court = next((d for d in s.file.deadlines if d.key == "PEN-29@court"), None)
    if court is not None:
        return court.start, court.due.due
    if served is None:
        return None
    lapse = s.ctx.calendar.add_months(served.astimezone(SHANGHAI).date(), s.config.litigation.filing_months).due
    return lapse, s.ctx.calendar.add_months(lapse, s.config.payment.court_application_months).due


# --------------------------------------------------------------------------- 简易程序、处罚幅度


@rule("PEN-30", "简易程序适用不当", BLOCKER, f"{LAW}第五十一条、第五十二条", (SUMMARY,))
def pen30(s: Subject) -> Hit | None:
    parts: list[tuple[str, str, RawStep | None]] = []
    decisions = s.facts.all("SummaryDecisionMade")
    found = gate_hit(s, "PEN-30", decisions)
    if found is not None:
        parts.append((BLOCKER, found.message, decisions[0]))
    archived = s.facts.first("CaseArchived")
    if decisions and archived is not None and not s.facts.has("CaseClosed"):
        parts.append((MAJOR, "当场处罚决定未报所属行政机关备案（无结案备案记录）即归档", archived))
    return combine(parts)


@rule("PEN-31", "处罚种类或幅度超出法定范围", BLOCKER, f"{LAW}第九条、第二十八条、第七十六条第一款", GEN_SUM)
def pen31(s: Subject) -> Hit | None:
    d = s.penalty_decision
    if d is None:
        return None
    parts: list[tuple[str, str, RawStep | None]] = []
    agency = s.agency_at(d.at)
    item = agency.item(s.file.item) if agency is not None else None
    penalties = parse_penalties(d.data.get("penalties"))
    if item is not None and item.kind == "penalty" and penalties:
        wrong = [t for t in dict.fromkeys(p.type for p in penalties) if t not in item.penalty_types]
        if wrong:
            names = "、".join(map(penalty_name, wrong))
            parts.append((BLOCKER, f"执法事项 {item.code}（{item.name}）不包括{names}", d))
        if any(p.type == "fine" and p.amount_fen is not None for p in penalties):
            fine = amount_of(penalties, "fine")
            low, high = item.fine_range
            if (low is not None and fine < low) or (high is not None and fine > high):
                span = f"{yuan(low) if low is not None else '—'} 至 {yuan(high) if high is not None else '—'}"
                parts.append((BLOCKER, f"罚款 {yuan(fine)} 超出执法事项 {item.code} 的法定幅度 {span}", d))
    if d.data.get("correction_ordered") is not True:
        parts.append((MAJOR, "实施行政处罚未同时责令当事人改正违法行为", d))
    return combine(parts)


def _overlap(a: tuple[date | None, date | None], b: tuple[date | None, date | None]) -> bool:
    if None in (a[0], b[0]):
        return False
    a_end, b_end = a[1] or a[0], b[1] or b[0]
    assert a[0] is not None and b[0] is not None and a_end is not None and b_end is not None
    return a[0] <= b_end and b[0] <= a_end


@rule("PEN-32", "一事再罚", MAJOR, f"{LAW}第二十九条", GEN)
def pen32(s: Subject) -> Hit | None:
    found = _fine_decision(s)
    party = s.file.party
    if found is None or party is None:
        return None
    from audit.context import party_key

    mine = (day_of(s.file.violation.get("started_on")), day_of(s.file.violation.get("ended_on")))
    repeats = [c for c in s.ctx.history.cases_of(party_key(party))
               if c.stream != s.file.stream and c.fine_fen > 0 and c.outcome == "penalty" and c.item == s.file.item
               and c.decided_on is not None and (c.decided_on, c.stream) < (found[0].day, s.file.stream)
               and _overlap(mine, (c.started_on, c.ended_on))]
    if not repeats:
        return None
    return Hit("对当事人的同一违法行为已于 " + "、".join(f"{c.decided_on}（{c.stream}）" for c in repeats)
               + " 给予罚款，不得再次罚款", refs([found[0]]))


@rule("PEN-33", "未按裁量基准裁量", MAJOR, f"{LAW}第三十四条", GEN)
def pen33(s: Subject) -> Hit | None:
    found = _fine_decision(s)
    if found is None:
        return None
    d, fine = found
    agency = s.agency_at(d.at)
    item = agency.item(s.file.item) if agency is not None else None
    if item is None or not item.bands:
        return None
    concluded = s.facts.before(d.position, "InvestigationConcluded")
    circumstance = concluded[-1].data.get("circumstance") if concluded else None
    if not text_of(circumstance):
        return Hit(f"执法事项 {item.code} 公布了裁量基准，案卷未载明违法情节，无法确认罚款 {yuan(fine)} 的裁量",
                   refs([d]))
    low, high = item.fine_range
    if (low is not None and fine < low) or (high is not None and fine > high):
        return None  # outside the legal range altogether: PEN-31's finding
    band = next((b for b in item.bands if b.circumstance == circumstance), None)
    if band is None or band.min_fen <= fine <= band.max_fen:
        return None
    return Hit(f"违法情节为“{circumstance}”，裁量基准幅度 {yuan(band.min_fen)} 至 {yuan(band.max_fen)}，"
               f"罚款 {yuan(fine)} 超出该幅度且未说明理由", refs([d, *concluded[-1:]]))


@rule("PEN-34", "法律适用的时间效力", MAJOR, f"{LAW}第三十七条", GEN_NP)
def pen34(s: Subject) -> Hit | None:
    d = s.facts.first("DecisionMade")
    if d is None:
        return None
    wrong = []
    for b in d.data.get("basis") or ():
        if isinstance(b, Mapping):
            version = day_of(b.get("version"))
            if version is not None and version > d.day:
                wrong.append(f"{b.get('law')}（{version} 版）")
    if not wrong:
        return None
    return Hit(f"决定于 {d.day} 作出，引用的规范版本尚未施行：{'、'.join(wrong)}", refs([d]))


@rule("PEN-35", "未成年人、精神病人不予处罚或从轻", BLOCKER, f"{LAW}第三十条、第三十一条", GEN_SUM)
def pen35(s: Subject) -> Hit | None:
    found = gate_hit(s, "PEN-35", s.facts.all(*DECISIONS))
    if found is not None:
        return found
    fine_decision = _fine_decision(s)
    state_party = s.file.state.party
    act = s.file.state.violation.act_on
    if fine_decision is None or state_party is None or state_party.kind != "person":
        return None
    born = state_party.birth_date
    if born is None or act is None:
        return None
    from domain.gates import _under

    if not _under(born, act, s.config.minors.mitigation_under):
        return None
    d, fine = fine_decision
    agency = s.agency_at(d.at)
    item = agency.item(s.file.item) if agency is not None else None
    low, high = _fine_range(item) if item is not None else (None, None)
    if low is None or high is None or fine <= (low + high) // 2:
        return None
    return Hit(f"当事人违法行为时（{act}）已满十四周岁不满十八周岁，应当从轻或者减轻处罚，罚款 {yuan(fine)} "
               f"高于法定幅度（{yuan(low)} 至 {yuan(high)}）的中间值", refs([d]), severity=MAJOR)


@rule("PEN-36", "不予处罚的条件", MAJOR, f"{LAW}第三十三条第一款", GEN_SUM_NP)
def pen36(s: Subject) -> Hit | None:
    d = s.facts.first("DecisionMade")
    if d is None or d.data.get("outcome") not in ("no_penalty_minor", "no_penalty_first_violation"):
        return None
    problems: list[str] = []
    grounds = [g for g in d.data.get("no_penalty_grounds") or () if isinstance(g, str)]
    agency = s.agency_at(d.at)
    item = agency.item(s.file.item) if agency is not None else None
    first = d.data.get("outcome") == "no_penalty_first_violation"
    if not grounds:
        problems.append("不予处罚决定未载明适用的条件（初次违法、危害后果轻微、及时改正等）")
    elif first and item is not None and item.no_penalty_conditions:
        missing = [c for c in item.no_penalty_conditions if c not in grounds]
        if missing:
            problems.append(f"未载明免罚清单条件：{'、'.join(missing)}")
    if first:
        from audit.context import party_key

        months = effective_first_violation_months(s.config, item)
        start = s.file.state.violation.discovered_on or d.day
        since = months_before(start, months)
        earlier = [c for c in s.ctx.history.cases_of(party_key(s.file.party) if s.file.party else None)
                   if c.stream != s.file.stream and c.outcome == "penalty" and c.agency == s.file.agency
                   and c.decided_on is not None and since <= c.decided_on <= d.day]
        if earlier:
            problems.append(f"当事人在 {months} 个月内已因违法受到本机关处罚（{earlier[0].stream}，"
                            f"{earlier[0].decided_on}），不属于初次违法")
    return Hit("；".join(problems), refs([d])) if problems else None


@rule("PEN-37", "不予处罚未进行教育", MAJOR, f"{LAW}第三十三条第三款", (NO_PENALTY,))
def pen37(s: Subject) -> Hit | None:
    d = s.facts.first("DecisionMade")
    if d is None or not str(d.data.get("outcome") or "").startswith("no_penalty"):
        return None
    given = s.facts.after(d.position, "EducationGiven")
    if given:
        lacking = [g for g in given if not is_doc(g.data.get("document"))]
        if lacking and len(lacking) == len(given):
            return Hit(f"{lacking[0].day} 的批评教育无书面记录", refs(lacking))
        return None
    if not (s.facts.after(d.position, "DecisionServed") or s.closed()):
        return None
    return Hit("作出不予行政处罚决定，未对当事人进行批评教育或行政指导", refs([d]))


@rule("PEN-38", "执法全过程记录不完整", MAJOR, f"{LAW}第四十七条", GEN_NP_TR)
def pen38(s: Subject) -> Hit | None:
    closed = s.facts.first("CaseClosed") or s.facts.first("CaseArchived")
    if closed is None:
        return None
    missing = []
    if s.file.procedure == "general" and not s.facts.all("InquiryRecorded", "InspectionRecorded", "EvidenceCollected"):
        missing.append("调查取证")
    found = _fine_decision(s)
    if found is not None and s.file.paid_fen < found[1] and not s.facts.all(
            "PaymentDeferred", "PaymentDemanded", "CourtEnforcementApplied"):
        missing.append("执行（缴款或强制执行记录）")
    if not missing:
        return None
    return Hit(f"案件已结案，{'、'.join(missing)}阶段无书面记录", refs([closed]))


# --------------------------------------------------------------------------- 公开、移送


@rule("PEN-40", "处罚决定未按时公开", MAJOR, f"国办发〔2018〕118号；{LAW}第四十八条第一款", GEN, publication=True)
def pen40(s: Subject) -> Hit | None:
    return s.deadline_hit("PEN-40", refs([s.decision]))


@rule("PEN-41", "决定变更撤销后未及时撤下公开信息", MAJOR, f"{LAW}第四十八条第二款、第八十五条", GEN, publication=True)
def pen41(s: Subject) -> Hit | None:
    parts: list[tuple[str, str, RawStep | None]] = []
    for withdrawn in s.facts.all("PublicationWithdrawn"):
        if not text_of(withdrawn.data.get("explanation")):
            parts.append((MAJOR, f"{withdrawn.day} 撤下公开信息未公开说明理由", withdrawn))
    late = s.deadline_hit("PEN-41", refs(s.facts.all("DecisionCorrected", "PublicationWithdrawn")))
    if late is not None and late.provisional and not parts:
        return late
    if late is not None and not late.provisional:
        parts.append((MAJOR, late.message, s.facts.first("DecisionCorrected") or s.facts.first("DecisionPublished")))
    return combine(parts)


@rule("PEN-42", "涉嫌犯罪案件移送", BLOCKER, f"{LAW}第二十七条、第八十二条；{TRANSFER_RULE}第五条、第六条、第十二条")
def pen42(s: Subject) -> Hit | None:
    parts: list[tuple[str, str, RawStep | None]] = []
    cfg = s.config.transfer
    proposed = [c for c in s.facts.all("InvestigationConcluded")
                if isinstance(c.data.get("proposed"), Mapping) and c.data["proposed"].get("outcome") == "transfer"]
    suspected = [r for r in s.facts.all("LegalReviewCompleted")
                 if isinstance(r.data.get("opinions"), Mapping)
                 and r.data["opinions"].get("crime_transfer") not in (None, "ok")]
    decided = s.facts.all("TransferDecided")
    approved = [t for t in decided if t.data.get("transfer") is not False]
    moved = s.facts.first("TransferredToJudicialOrgan")
    penalty = s.penalty_decision
    if (proposed or suspected) and penalty is not None and moved is None:
        why = "调查终结报告建议移送" if proposed else "法制审核认为涉嫌犯罪"
        parts.append((BLOCKER, f"{why}，未移送司法机关而以行政处罚代替移送", penalty))
    elif approved and moved is None and penalty is not None:
        parts.append((BLOCKER, "负责人已决定移送，未移送司法机关而作出行政处罚", penalty))
    if proposed and len(s.file.handlers) < cfg.min_team:
        parts.append((MAJOR, f"移送案件的调查人员少于 {cfg.min_team} 人", proposed[0]))
    for t in decided:
        if not is_doc(t.data.get("report")):
            parts.append((MAJOR, f"{t.day} 的移送决定无移送审批表（移送报告）", t))
        if t.data.get("transfer") is False and not text_of(t.data.get("reason")):
            parts.append((MAJOR, f"{t.day} 决定不予移送，未载明理由", t))
    late_decide = s.breaches("PEN-42")
    for breach in late_decide:
        if breach.deadline.key == "PEN-42@decide" and breach.kind != "provisional":
            parts.append((MAJOR, breach.message, proposed[0] if proposed else None))
    if approved:
        start = approved[-1]
        limit = timedelta(hours=cfg.transfer_hours)
        if moved is not None:
            when = moved.when("transferred_at")
            if when - start.at > limit:
                parts.append((MAJOR, f"负责人于 {start.at:%Y-%m-%d %H:%M} 批准移送，{when:%Y-%m-%d %H:%M} 才移送，"
                                     f"超过 {cfg.transfer_hours} 小时", moved))
            if not [m for m in moved.data.get("materials") or () if is_doc(m)]:
                parts.append((MAJOR, "移送司法机关未附移送材料", moved))
        elif s.as_of > (start.at + limit).astimezone(SHANGHAI).date():
            parts.append((MAJOR, f"负责人于 {start.at:%Y-%m-%d %H:%M} 批准移送，至今未移送", start))
    return combine(parts)


__all__ = ["discussion_required", "is_doc", "review_required"]

