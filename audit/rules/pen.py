"""The 行政处罚法 rules (PEN) of rules.md §2 up to the decision and its service
(PEN-01 to PEN-24), one small function each; the rest are in ``pen_sanction``.

Where a rule is also a live gate (rules.md's Gates table), the gate's own check is
reused on the step it judges — the case before the step, the registry as of its
``at`` — so the audit and the gate never disagree; the audit then adds the parts
of the rule that gates leave to it (MAJOR parts, documents, deadlines).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import Final

from audit.facts import RawStep, text_of
from audit.model import BLOCKER, MAJOR
from audit.rulebook import Hit, Subject, refs, rule
from audit.rules.common import (
    DECISIONS,
    GEN,
    GEN_NP,
    GEN_NP_TR,
    GEN_SUM,
    GEN_SUM_NP,
    OPINION_POINTS,
    STAFF_ROLES,
    WITH_OFFICERS,
    combine,
    gate_hit,
    investigators,
    is_doc,
    is_head,
    late_extensions,
    remedies_problems,
)
from domain.calendar import SHANGHAI
from domain.casestate import parse_penalties
from domain.config import (
    LAW,
)
from domain.extensions import Extension, approval_day, extend_period
from domain.roles import role_problem

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


def _days(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


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
            extensions = [Extension(e.version, approval_day(e.day, e.day_of("approved_at")) or e.day,
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
    decision = s.facts.first("DecisionMade")
    if decision is None:
        return None
    remedies = decision.data.get("remedies")
    if not isinstance(remedies, Mapping):
        return Hit("决定书未告知申请行政复议、提起行政诉讼的途径和期限", refs([decision]))
    problems = remedies_problems(remedies, s.agency_at(decision.at), s.config)
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
