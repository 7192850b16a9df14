"""The 行政处罚法 rules (PEN) from the decision's execution on: payment and
enforcement (PEN-25 to PEN-29), the summary procedure and the penalty's range
(PEN-30 to PEN-38), publication and transfer (PEN-40 to PEN-42).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from audit.facts import RawStep, day_of, text_of
from audit.model import BLOCKER, MAJOR, MINOR
from audit.rulebook import NO_PENALTY, SUMMARY, Hit, Subject, refs, rule
from audit.rules.common import (
    DECISIONS,
    GEN,
    GEN_NP,
    GEN_NP_TR,
    GEN_SUM,
    GEN_SUM_NP,
    combine,
    discussion_required,
    gate_hit,
    is_doc,
    is_head,
    months_before,
    penalty_name,
    review_required,
)
from domain.calendar import SHANGHAI, WorkingCalendar
from domain.casestate import amount_of, parse_penalties
from domain.config import (
    COERCION_LAW,
    LAW,
    TRANSFER_RULE,
    Config,
    effective_first_violation_months,
)
from domain.money import yuan

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


def court_application_parts(applied: RawStep, demands: Sequence[RawStep], window: tuple[date, date] | None,
                            calendar: WorkingCalendar, config: Config) -> list[tuple[str, str, RawStep | None]]:
    """PEN-29 on one application to the court, on any stream (rules.md: "every application to the
    court"): a written 催告 served first (the last of ``demands``), at least 10 WD before; filed after the
    remedy periods lapse and within 3 months after (``window``: the lapse and the last day)."""
    parts: list[tuple[str, str, RawStep | None]] = []
    on = applied.day_of("applied_at")
    if not demands:
        parts.append((MAJOR, f"{on} 申请法院强制执行前未书面催告当事人履行", applied))
    else:
        demanded = demands[-1].day_of("served_at")
        ready = calendar.add_working_days(demanded, config.payment.demand_to_court_wd)
        if not ready.provisional and on < ready.due:
            parts.append((MAJOR, f"催告书于 {demanded} 送达，{on} 即申请强制执行，未满 "
                                 f"{config.payment.demand_to_court_wd} 个工作日", applied))
    if window is not None:
        lapse, last = window
        if on <= lapse:
            parts.append((MAJOR, f"{on} 申请强制执行时当事人的起诉期限（至 {lapse}）尚未届满", applied))
        elif on > last:
            parts.append((MAJOR, f"{on} 才申请强制执行，超过复议、诉讼期限届满后 "
                                 f"{config.payment.court_application_months} 个月（{last}）", applied))
    return parts


def court_window(calendar: WorkingCalendar, config: Config, served_on: date) -> tuple[date, date]:
    """When the party's remedy periods lapse (6 months from service) and the last day to apply (3 months on)."""
    lapse = calendar.add_months(served_on, config.litigation.filing_months).due
    return lapse, calendar.add_months(lapse, config.payment.court_application_months).due


@rule("PEN-29", "申请法院强制执行不合法", MAJOR, f"{COERCION_LAW}第五十三条、第五十四条", GEN)
def pen29(s: Subject) -> Hit | None:
    parts: list[tuple[str, str, RawStep | None]] = []
    served = s.file.served_at
    for applied in s.facts.all("CourtEnforcementApplied"):
        demands = s.facts.before(applied.position, "PaymentDemanded")
        parts += court_application_parts(applied, demands, _court_window(s, served), s.ctx.calendar, s.config)
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
    return court_window(s.ctx.calendar, s.config, served.astimezone(SHANGHAI).date())


def _fine_range(item: Any) -> tuple[int | None, int | None]:
    low, high = item.fine_range
    return low, high


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
    from domain.gates.penalty import under as _under

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
