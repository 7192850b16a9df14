"""三项制度 (TS), 行政复议 (RC), 出庭应诉 (LIT), disclosure (PUB) and filing (EVAL) rules.

RC and LIT rules judge the 复议 and lawsuits that target the case (their streams are
part of the case file's group); PUB rules judge the case's publications; EVAL-04 to
EVAL-07 the file as an archive.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Final

from audit.facts import RawStep, StreamFacts, text_of
from audit.model import BLOCKER, MAJOR, MINOR
from audit.rulebook import GENERAL, NO_PENALTY, SUMMARY, TRANSFER, Hit, Subject, refs, rule
from audit.rules_pen import combine, discussion_required, gate_hit, is_doc, late_extensions, review_required
from domain.calendar import SHANGHAI
from domain.config import DOC_118, LAW, LITIGATION_LAW, RECONSIDERATION_LAW
from domain.gates import PUBLICLY_SERVED
from domain.roles import HEAD, heads_named, role_problem
from projections.casefile import ReviewFile

GEN_NP_TR: Final = (GENERAL, NO_PENALTY, TRANSFER)
OGI: Final = "《中华人民共和国政府信息公开条例》"
JUDICIAL: Final = "《最高人民法院关于行政机关负责人出庭应诉若干问题的规定》"


# --------------------------------------------------------------------------- 三项制度


@rule("TS-02", "事中公示：未出示执法证件", MINOR, f"{DOC_118}；{LAW}第五十五条")
def ts02(s: Subject) -> Hit | None:
    bad = [st for st in s.facts.all("InquiryRecorded", "InspectionRecorded", "SummaryDecisionMade")
           if st.data.get("credentials_shown") is not True]
    if not bad:
        return None
    return Hit("现场执法未出示执法证件：" + "、".join(str(b.day) for b in bad), refs(bad), severity=MAJOR)


@rule("TS-03", "事后公开不及时", MAJOR, f"{DOC_118}", (GENERAL,), publication=True)
def ts03(s: Subject) -> Hit | None:
    return s.deadline_hit("PEN-40", refs([s.decision]))


@rule("TS-06", "容易引发争议的环节未音像记录", MINOR, f"{DOC_118}（规范音像记录）", GEN_NP_TR)
def ts06(s: Subject) -> Hit | None:
    bare = [st for st in s.facts.all("InspectionRecorded") if not [a for a in st.data.get("av") or () if is_doc(a)]]
    if not bare:
        return None
    return Hit("现场检查无音像记录，也未说明以文字记录为已足的理由：" + "、".join(str(b.day) for b in bare), refs(bare))


@rule("TS-07", "文字记录不完整", MINOR, f"{DOC_118}（完善文字记录）", GEN_NP_TR)
def ts07(s: Subject) -> Hit | None:
    parts: list[tuple[str, str, RawStep | None]] = []
    for st in s.facts.all("InquiryRecorded", "InspectionRecorded"):
        started, ended = st.time("started_at"), st.time("ended_at")
        if started is None or ended is None:
            parts.append((MINOR, f"{st.day} 的笔录未载明起止时间", st))
        elif ended < started:
            parts.append((MINOR, f"{st.day} 的笔录结束时间早于开始时间", st))
        if st.type == "InspectionRecorded" and not text_of(st.data.get("place")):
            parts.append((MINOR, f"{st.day} 的现场检查笔录未载明地点", st))
    decision = s.decision
    for served in s.facts.all("DecisionServed"):
        if decision is not None and served.when("served_at") < decision.at:
            parts.append((MINOR, f"送达回证所载送达时间 {served.day_of('served_at')} 早于决定作出时间 {decision.day}",
                          served))
    for closed in s.facts.all("CaseClosed"):
        if not text_of(closed.data.get("summary")):
            parts.append((MINOR, f"{closed.day} 的结案记录未载明结案情况", closed))
    return combine(parts, MINOR)


@rule("TS-08", "记录归档与完整性", MINOR, f"{DOC_118}（严格记录归档）；{LAW}第四十七条", GEN_NP_TR)
def ts08(s: Subject) -> Hit | None:
    seen: dict[str, tuple[int | None, RawStep]] = {}
    clashes: list[RawStep] = []
    for doc in s.file.documents:
        if doc.sha256 is None:
            continue
        step = s.facts.steps[doc.version - 1] if 0 < doc.version <= len(s.facts.steps) else None
        if step is None:
            continue
        known = seen.get(doc.sha256)
        if known is None:
            seen[doc.sha256] = (doc.bytes, step)
        elif known[0] is not None and doc.bytes is not None and known[0] != doc.bytes:
            clashes.append(step)
    if not clashes:
        return None
    return Hit("同一内容哈希登记了不同大小的文件，记录与文件的对应关系不可靠", refs(clashes))


# --------------------------------------------------------------------------- 公开 (PUB)


def _publication_steps(s: Subject) -> tuple[RawStep, ...]:
    return s.facts.all("DecisionPublished")


@rule("PUB-01", "公开文本含个人信息", BLOCKER, f"{LAW}第五十条；{OGI}第十五条")
def pub01(s: Subject) -> Hit | None:
    return gate_hit(s, "PUB-01", s.facts.all(*sorted(PUBLICLY_SERVED)))  # the case steps among them


@rule("PUB-02", "依法不应公开", BLOCKER, f"{OGI}第十四条至第十六条；{LAW}第四十八条")
def pub02(s: Subject) -> Hit | None:
    return gate_hit(s, "PUB-02", _publication_steps(s))


@rule("PUB-03", "公开内容与决定书不一致", MAJOR, "《市场监督管理行政处罚信息公示规定》第七条（参照）")
def pub03(s: Subject) -> Hit | None:
    decision = s.decision
    number = text_of(decision.data.get("document_no") or decision.data.get("form_no")) if decision else None
    if number is None:
        return None
    wrong = [p for p in s.facts.all("DecisionPublished", "PublicationCorrected")
             if isinstance(p.data.get("text"), str) and number not in p.data["text"]]
    if not wrong:
        return None
    return Hit(f"公开的决定信息未载明决定书文号 {number}，无法与送达的决定书对应", refs(wrong))


@rule("PUB-04", "公示期限", MAJOR, "国家发展改革委令第58号")
def pub04(s: Subject) -> Hit | None:
    parts: list[tuple[str, str, RawStep | None]] = []
    corrected = bool(s.facts.has("DecisionCorrected") or any(r.corrective for r in s.file.reviews)
                     or any(j.corrective for x in s.file.lawsuits for j in x.judgments))
    steps = {p.version: p for p in s.facts.all("DecisionPublished")}
    for pub in s.file.publications:
        step = steps.get(pub.version)
        if step is None:
            continue
        derived_min, derived_max = _derived(s, pub)
        given_min, given_max = text_of(step.data.get("min_until")), text_of(step.data.get("max_until"))
        if given_min and derived_min and pub.min_until < derived_min:
            parts.append((MAJOR, f"公示最短期限至 {pub.min_until}，早于 {pub.regime} 规定的 {derived_min}", step))
        if given_max and derived_max and pub.max_until > derived_max:
            parts.append((MAJOR, f"公示最长期限至 {pub.max_until}，晚于 {pub.regime} 规定的 {derived_max}", step))
        withdrawal = pub.withdrawal
        if withdrawal is not None and not corrected:
            on = withdrawal.withdrawn_at.astimezone(SHANGHAI).date()
            if on < pub.min_until:
                parts.append((MAJOR, f"{on} 撤下公示信息，早于最短公示期 {pub.min_until}，且决定未被变更或撤销", step))
    return combine(parts)


def _derived(s: Subject, pub: object) -> tuple[date | None, date | None]:
    from domain.config import effective_regime

    decision = s.decision
    if decision is None:
        return None, None
    regime = effective_regime(s.config, getattr(pub, "regime", None))
    start = decision.day
    return (s.ctx.calendar.add_months(start, regime.min_months, roll=False).due,
            s.ctx.calendar.add_months(start, regime.max_months, roll=False).due)


@rule("PUB-05", "公开信息更正不及时", MINOR, "地方行政处罚信息公开规定")
def pub05(s: Subject) -> Hit | None:
    return s.deadline_hit("PUB-05", refs(s.facts.all("PublicationCorrectionRequested", "PublicationCorrected")))


# --------------------------------------------------------------------------- 行政复议 (RC)


def _reviews(s: Subject) -> list[tuple[ReviewFile, StreamFacts]]:
    out = []
    for review in s.file.reviews:
        facts = s.facts.reviews.get(review.stream)
        if facts is not None:
            out.append((review, facts))
    return out


def _review_deadline(s: Subject, rule_id: str, keys: tuple[str, ...] = ()) -> list[tuple[str, str, RawStep | None]]:
    parts: list[tuple[str, str, RawStep | None]] = []
    for review, facts in _reviews(s):
        for breach in s.breaches(rule_id, review.deadlines):
            if keys and breach.deadline.key not in keys:
                continue
            severity = "PROVISIONAL" if breach.kind == "provisional" else MAJOR
            parts.append((severity, f"{review.stream}：{breach.message}", facts.steps[0] if facts.steps else None))
    return parts


def _deadline_parts(parts: list[tuple[str, str, RawStep | None]]) -> Hit | None:
    certain = [p for p in parts if p[0] != "PROVISIONAL"]
    if certain:
        return combine(certain)
    if parts:
        return Hit("；".join(p[1] for p in parts), refs(p[2] for p in parts), provisional=True)
    return None


@rule("RC-01", "复议申请期限", MAJOR, f"{RECONSIDERATION_LAW}第二十条、第二十一条")
def rc01(s: Subject) -> Hit | None:
    parts: list[tuple[str, str, RawStep | None]] = []
    cfg = s.config.reconsideration
    decision = s.facts.first("DecisionMade")
    told = decision is not None and isinstance(decision.data.get("remedies"), Mapping)
    for review, facts in _reviews(s):
        applied = facts.first("ReconsiderationApplied")
        if applied is None or review.accepted_at is None:
            continue
        received = applied.day_of("received_at")
        learned_at = applied.time("learned_at") or s.file.served_at
        if learned_at is None:
            continue
        learned = learned_at.astimezone(SHANGHAI).date()
        if told:
            due = s.ctx.calendar.add_natural_days(learned, cfg.application_nd)
            limit = f"{cfg.application_nd} 日"
        else:
            due = s.ctx.calendar.add_years(learned, cfg.application_cap_years)
            limit = f"{cfg.application_cap_years} 年（未告知救济途径）"
        if not due.provisional and received > due.due:
            parts.append((MAJOR, f"{review.stream}：申请人 {learned} 知道该行政行为，{received} 才申请复议，"
                                 f"超过 {limit} 的申请期限，仍予受理", applied))
    return combine(parts)


@rule("RC-02", "复议受理审查超期", MAJOR, f"{RECONSIDERATION_LAW}第三十条")
def rc02(s: Subject) -> Hit | None:
    return _deadline_parts(_review_deadline(s, "RC-02"))


@rule("RC-03", "复议答复与证据", BLOCKER, f"{RECONSIDERATION_LAW}第四十八条、第五十四条、第七十条")
def rc03(s: Subject) -> Hit | None:
    answer = [(BLOCKER if severity != "PROVISIONAL" else severity, message, step)
              for severity, message, step in _review_deadline(s, "RC-03", ("RC-03@answer",))]
    return _deadline_parts(answer + _review_deadline(s, "RC-03", ("RC-03@copy",)))


@rule("RC-04", "复议听证负责人未出席", MAJOR, f"{RECONSIDERATION_LAW}第五十条、第五十一条")
def rc04(s: Subject) -> Hit | None:
    parts: list[tuple[str, str, RawStep | None]] = []
    for review, facts in _reviews(s):
        for held in facts.all("ReconsiderationHearingHeld"):
            if held.data.get("respondent_head_attended") is not True and not text_of(held.data.get("reason_if_absent")):
                parts.append((MAJOR, f"{review.stream}：{held.day_of('held_at')} 复议听证被申请人负责人未出席，"
                                     "也未说明理由",
                              held))
    return combine(parts)


@rule("RC-05", "复议决定期限", MAJOR, f"{RECONSIDERATION_LAW}第六十二条")
def rc05(s: Subject) -> Hit | None:
    parts = _review_deadline(s, "RC-05")
    cfg = s.config.reconsideration
    for review, facts in _reviews(s):
        if review.extended_days > cfg.extension_max_nd:
            parts.append((MAJOR, f"{review.stream}：复议期限延长 {review.extended_days} 日，"
                                 f"超过 {cfg.extension_max_nd} 日",
                          facts.first("ReconsiderationExtended")))
        for ext in facts.all("ReconsiderationExtended"):
            approver = ext.data.get("approved_by")
            if not text_of(approver):
                parts.append((MAJOR, f"{review.stream}：{ext.day} 延长复议期限未经复议机构负责人批准", ext))
                continue
            why = role_problem(s.ctx.registry, approver, (HEAD,), _review_body(s, ext), ext.at)
            if why is not None:
                parts.append((MAJOR, f"{review.stream}：{ext.day} 延长复议期限的批准人不是复议机构负责人（{why}）",
                              ext))
        parts += late_extensions("延长复议期限", review.extensions, facts.all("ReconsiderationExtended"),
                                 f"{review.stream}：")
    return _deadline_parts(parts)


def _review_body(s: Subject, step: RawStep) -> str | None:
    """The 复议机构's agency: that of the 复议工作人员 who records the step, as of its time."""
    record = s.ctx.registry.officer_as_of(step.by, step.at) if step.by else None
    return record.agency if record is not None else None


@rule("RC-06", "复议决定类型与理由", MAJOR, f"{RECONSIDERATION_LAW}第六十三条至第六十九条")
def rc06(s: Subject) -> Hit | None:
    parts: list[tuple[str, str, RawStep | None]] = []
    for review, facts in _reviews(s):
        for decided in facts.all("ReconsiderationDecided"):
            grounds = [g for g in decided.data.get("grounds") or () if isinstance(g, str) and g.strip()]
            if not grounds:
                parts.append((MAJOR, f"{review.stream}：复议决定（{decided.data.get('type')}）未载明理由", decided))
    return combine(parts)


@rule("RC-07", "复议意见书未按期回复", MAJOR, f"{RECONSIDERATION_LAW}第七十六条")
def rc07(s: Subject) -> Hit | None:
    return _deadline_parts(_review_deadline(s, "RC-07"))


@rule("RC-08", "复议决定未履行", MAJOR, f"{RECONSIDERATION_LAW}第七十五条、第七十七条、第七十九条")
def rc08(s: Subject) -> Hit | None:
    parts: list[tuple[str, str, RawStep | None]] = []
    period = s.config.reconsideration.opinion_answer_nd
    corrected_by = {str(c.data.get("triggered_by")) for c in s.facts.all("DecisionCorrected")}
    for review, facts in _reviews(s):
        if not review.corrective or review.decided_at is None or review.stream in corrected_by:
            continue
        start = (review.served_at or review.decided_at).astimezone(SHANGHAI).date()
        due = s.ctx.calendar.add_natural_days(start, period)
        if not due.provisional and s.as_of > due.due:
            parts.append((MAJOR, f"{review.stream}：复议决定（{review.decision}）于 {start} 送达，案卷至今未记录"
                                 "被申请人履行（变更、撤销或重新作出）", facts.last("ReconsiderationDecided")))
    return combine(parts)


# --------------------------------------------------------------------------- 出庭应诉 (LIT)


def _lawsuits(s: Subject) -> list[tuple[str, StreamFacts]]:
    return [(suit.stream, s.facts.lawsuits[suit.stream]) for suit in s.file.lawsuits if suit.stream in s.facts.lawsuits]


def _appeared(step: RawStep) -> list[tuple[str, str]]:
    return [(str(a.get("person") or ""), str(a.get("role") or "")) for a in step.data.get("appeared") or ()
            if isinstance(a, Mapping)]


def _heads_in_court(s: Subject, hearing: RawStep) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Who appeared as a head of the defendant agency by the registry at the hearing's date, and
    why each other person written as a head does not count (``domain.roles.heads_named``)."""
    return heads_named(s.ctx.registry, _appeared(hearing), s.file.agency, hearing.when("hearing_at"))


@rule("LIT-01", "负责人未出庭应诉", MAJOR, f"{LITIGATION_LAW}第三条第三款；{JUDICIAL}第二条、第六条、第八条至第十条")
def lit01(s: Subject) -> Hit | None:
    parts: list[tuple[str, str, RawStep | None]] = []
    for stream, facts in _lawsuits(s):
        for hearing in facts.all("CourtHearingAttended"):
            appeared = _appeared(hearing)
            heads, not_heads = _heads_in_court(s, hearing)
            if heads:
                continue
            day = hearing.day_of("hearing_at")
            note = f"（{'；'.join(not_heads)}，不能视为负责人出庭）" if not_heads else ""
            if not text_of(hearing.data.get("head_absent_reason")):
                parts.append((MAJOR, f"{stream}：{day} 开庭，行政机关负责人未出庭，也未说明正当理由{note}", hearing))
            elif not any(role == "staff" for _, role in appeared):
                parts.append((MAJOR, f"{stream}：{day} 开庭，负责人未出庭，且未委托相应的工作人员出庭{note}", hearing))
    return combine(parts)


@rule("LIT-02", "法院通知负责人出庭而未出庭", MAJOR, f"{JUDICIAL}第四条、第五条")
def lit02(s: Subject) -> Hit | None:
    parts: list[tuple[str, str, RawStep | None]] = []
    for stream, facts in _lawsuits(s):
        for hearing in facts.all("CourtHearingAttended"):
            if hearing.data.get("summoned_head") is not True:
                continue
            heads, not_heads = _heads_in_court(s, hearing)
            if not heads:
                day = hearing.day_of("hearing_at")
                note = f"（{'；'.join(not_heads)}）" if not_heads else ""
                parts.append((MAJOR, f"{stream}：法院通知负责人出庭，{day} 负责人未出庭{note}", hearing))
    return combine(parts)


@rule("LIT-03", "收到司法建议", MAJOR, f"{JUDICIAL}第十二条；{LITIGATION_LAW}第六十六条")
def lit03(s: Subject) -> Hit | None:
    found = [st for _, facts in _lawsuits(s) for st in facts.all("JudicialSuggestionReceived")]
    if not found:
        return None
    return Hit("法院就本案应诉发出司法建议（" + "、".join(str(f.day) for f in found) + "）", refs(found))


# --------------------------------------------------------------------------- 立卷归档 (EVAL)


def _missing(step: RawStep, fields: tuple[str, ...]) -> list[str]:
    out = []
    for name in fields:
        value = step.data.get(name)
        if isinstance(value, list):
            if not [v for v in value if is_doc(v)]:
                out.append(name)
        elif not is_doc(value):
            out.append(name)
    return out


_DOC_NAMES: Final = {
    ("CaseRegistered", "document"): "立案审批表", ("PenaltyNoticeServed", "document"): "行政处罚事先告知书",
    ("PenaltyNoticeServed", "receipt"): "事先告知书送达回证", ("StatementSubmitted", "content"): "陈述申辩材料",
    ("RightsWaived", "document"): "放弃权利书", ("HearingNoticeServed", "document"): "听证通知书",
    ("HearingNoticeServed", "receipt"): "听证通知书送达回证", ("HearingHeld", "record"): "听证笔录",
    ("HearingHeld", "report"): "听证报告", ("LegalReviewRequested", "materials"): "法制审核送审材料",
    ("LegalReviewCompleted", "document"): "法制审核意见书", ("CollectiveDiscussionHeld", "record"): "集体讨论记录",
    ("DecisionMade", "approval_form"): "行政处罚决定审批表", ("DecisionMade", "document"): "行政处罚决定书",
    ("DecisionServed", "receipt"): "决定书送达回证", ("PaymentDemanded", "document"): "催告书",
    ("CaseClosed", "report"): "结案报告",
}


@rule("EVAL-04", "案卷材料不齐全", MAJOR, "行政处罚案卷评查标准（测绘、浙江、河南）；rules.md EVAL-04", GEN_NP_TR)
def eval04(s: Subject) -> Hit | None:
    if s.file.procedure != "general":
        return None
    parts: list[tuple[str, str, RawStep | None]] = []
    decision = s.facts.first("DecisionMade")
    review_needed = bool(review_required(s, decision)) if decision is not None else False
    discussion_needed = discussion_required(s, decision) if decision is not None else False
    veto = {("CaseRegistered", "document"), ("PenaltyNoticeServed", "document"), ("PenaltyNoticeServed", "receipt"),
            ("DecisionMade", "document"), ("DecisionServed", "receipt")}
    if review_needed:
        veto.add(("LegalReviewCompleted", "document"))
    if discussion_needed:
        veto.add(("CollectiveDiscussionHeld", "record"))
    for (step_type, name), title in _DOC_NAMES.items():
        for step in s.facts.all(step_type):
            if _missing(step, (name,)):
                severity = BLOCKER if (step_type, name) in veto else MAJOR
                parts.append((severity, f"缺少{title}（{step.day} {step_type}）", step))
    return combine(parts)


@rule("EVAL-05", "卷内文件顺序", MINOR, "测绘地理信息行政处罚案卷评查标准第5–7项", GEN_NP_TR)
def eval05(s: Subject) -> Hit | None:
    if s.config.evaluation.file_order != "chronological":
        return None
    problems = []
    last: dict[tuple[str, int], date] = {}
    concerned: list[RawStep] = []
    for entry in s.file.catalogue:
        if entry.on is None or entry.version is None:
            continue
        key = (entry.volume, entry.item)
        previous = last.get(key)
        if previous is not None and entry.on < previous:
            problems.append(f"{entry.item_title}中“{entry.title}”（{entry.on}）排在 {previous} 的材料之后")
            if 0 < entry.version <= len(s.facts.steps):
                concerned.append(s.facts.steps[entry.version - 1])
        last[key] = max(previous or entry.on, entry.on)
    if not problems:
        return None
    return Hit("卷内文件未按时间顺序排列：" + "；".join(problems), refs(concerned))


_ARCHIVE_NO: Final = re.compile(r"^\d{4}-?\d{4}$")
_RETENTION_ORDER: Final = {"10y": 0, "30y": 1, "permanent": 2}


@rule("EVAL-06", "保管期限或档号不规范", MINOR, "机关文件材料归档范围和文书档案保管期限规定")
def eval06(s: Subject) -> Hit | None:
    archived = s.facts.first("CaseArchived")
    if archived is None:
        return None
    problems = []
    cfg = s.config.retention
    expected = {GENERAL: cfg.general_penalty, TRANSFER: cfg.transfer, SUMMARY: cfg.summary,
                NO_PENALTY: cfg.no_penalty}.get(s.path, cfg.general_penalty)
    retention = archived.data.get("retention")
    if retention not in _RETENTION_ORDER:
        problems.append("未确定保管期限")
    elif _RETENTION_ORDER[str(retention)] < _RETENTION_ORDER.get(expected, 0):
        problems.append(f"保管期限为 {retention}，应不短于 {expected}")
    number = archived.data.get("archive_no")
    if not isinstance(number, str) or not _ARCHIVE_NO.match(number):
        problems.append(f"档号 {number!r} 不符合“年度 + 四位顺序号”格式")
    return Hit("；".join(problems), refs([archived])) if problems else None


@rule("EVAL-07", "归档不及时", MINOR, "地方案卷评查标准（归档是否及时）")
def eval07(s: Subject) -> Hit | None:
    return s.deadline_hit("EVAL-07", refs([s.facts.first("CaseClosed"), s.facts.first("CaseArchived")]))

