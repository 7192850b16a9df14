"""The gates of 行政处罚法 (PEN): judged at the steps of ``case/`` streams."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import MAXYEAR, date
from typing import Final

from domain.calendar import shanghai_date
from domain.casestate import PenaltyLine, amount_of, parse_penalties
from domain.config import LAW
from domain.fields import StreamKind
from domain.gates.core import Judged, gate
from domain.gates.officers import listed_officers, officer_problems
from domain.limits import within as window_open
from domain.money import yuan
from domain.roles import role_problem
from domain.step import Step
from domain.step_types import StepType, step_types_of
from domain.vocabulary import STEPS

DECISIONS: Final[frozenset[StepType]] = frozenset({"DecisionMade", "SummaryDecisionMade"})
COERCION_WITH_OFFICERS: Final = frozenset({"SeizureImposed", "FreezeImposed", "EnforcementCarriedOut"})
"""Coercion and enforcement steps a case stream may hold: COE-02, COE-05 and ENF-04 judge them, not
PEN-04/PEN-05 (rules.md "Which family judges which stream")."""
WITH_OFFICERS: Final = step_types_of(
    name for name, spec in STEPS.items()
    if StreamKind.CASE in spec.streams and "officers" in spec.fields and name not in COERCION_WITH_OFFICERS
)
"""The case steps that list ``officers`` (inquiry, inspection, preservation, summary decision)."""

_PENALTY_NAMES: Final = {
    "warning": "警告", "fine": "罚款", "confiscation": "没收", "suspension": "责令停产停业/暂扣许可证件",
    "revocation": "吊销许可证件", "detention": "行政拘留", "other": "其他处罚",
}

def _name(penalty_type: str) -> str:
    return _PENALTY_NAMES.get(penalty_type, penalty_type)


def _imposes_penalty(step: Step) -> bool:
    """A penalty decision: every summary decision, a ``DecisionMade`` with outcome penalty."""
    return step.type == "SummaryDecisionMade" or step.data.get("outcome") == "penalty"


def _anniversary(born: date, years: int) -> date:
    if born.year + years > MAXYEAR:
        return date.max  # after every day a step can name
    try:
        return born.replace(year=born.year + years)
    except ValueError:  # 29 February in a common year
        return date(born.year + years, 2, 28)


def under(born: date, day: date, years: int) -> bool:
    """Whether someone born on ``born`` is under ``years`` 周岁 on ``day``.

    Age in 周岁 is reached the day *after* the birthday (the counting of 最高人民法院's
    interpretation for 刑法 第17条, also used in 公安 administrative cases [M]); on the
    birthday itself the person is still under age, the reading that protects them.
    """
    return day <= _anniversary(born, years)




def _hearing_eligible(penalties: Sequence[PenaltyLine], j: Judged) -> list[str]:
    """Why a penalty needs a hearing to be offered (第63条); empty when it does not."""
    threshold = j.thresholds.hearing_fen(j.party_kind)
    reasons = []
    for kind, what in (("fine", "罚款"), ("confiscation", "没收")):
        total = amount_of(penalties, kind)
        if total and total >= threshold:
            reasons.append(f"{what} {yuan(total)} 达到较大数额 {yuan(threshold)}")
    reasons += [f"拟{_name(t)}" for t in dict.fromkeys(p.type for p in penalties)
                if t in j.config.hearing.penalty_types]
    return reasons


# --------------------------------------------------------------------------- the gates


@gate("PEN-01", "超过追责时效", f"{LAW}第三十六条", DECISIONS)
def _limitation(j: Judged) -> str | None:
    """Two years from the end of the conduct to its discovery (five for items configured as
    touching life, health or financial safety). The end day rolls past holidays (CAL-02, Q3);
    an end in a year the calendar does not know fails closed (Q18)."""
    if not _imposes_penalty(j.step):
        return None
    end, found = j.case.violation.end, j.case.violation.discovered_on
    if end is None or found is None:
        return None
    cfg = j.config.limitation
    years = cfg.extended_years if j.case.item in cfg.extended_items else cfg.years
    if found <= _anniversary(end, years):
        return None
    limit = j.calendar.add_years(end, years)
    within = window_open(limit, found)
    if within:
        return None
    note = "（该年节假日安排未知，届满日为暂定）" if within is None else ""
    return (f"违法行为于 {end} 终了，至 {found} 才被发现，已超过 {years} 年追责时效"
            f"（届满日 {limit.due}{note}），不再给予行政处罚")


@gate("PEN-04", "执法人员不足两名或无有效执法证",
      f"{LAW}第四十二条第一款、第五十五条第一款", WITH_OFFICERS)
def _two_officers(j: Judged) -> str | None:
    """At least two distinct officers, each with a 行政执法证 valid on the step's date (as
    registered by then) and belonging to the case's agency."""
    problems = officer_problems(j, listed_officers(j.step.data), j.config.officers.minimum, j.case.agency)
    if not problems:
        return None
    return f"{j.day} 的{_step_name(j.step.type)}：" + "；".join(problems)


def _step_name(step_type: str) -> str:
    return {"InquiryRecorded": "询问", "InspectionRecorded": "检查", "EvidencePreserved": "先行登记保存",
            "SummaryDecisionMade": "当场处罚"}.get(step_type, step_type)


@gate("PEN-09", "未事先告知", f"{LAW}第四十四条、第六十二条", DECISIONS)
def _notice(j: Judged) -> str | None:
    """A penalty decision needs a served 事先告知书 telling the right to state a defence
    before it; a summary decision needs the facts, reasons, basis and rights told on the spot."""
    if j.step.type == "SummaryDecisionMade":
        if j.step.data.get("rights_told") is True:
            return None
        return "当场处罚前未告知当事人拟作出处罚的事实、理由、依据及陈述、申辩权利（rights_told 不为 true）"
    if not _imposes_penalty(j.step):
        return None
    notices = j.notices_before()
    if not notices:
        return "作出行政处罚决定前未送达行政处罚事先告知书"
    if not notices[-1].statement_right:
        return "行政处罚事先告知书未告知当事人陈述、申辩的权利"
    return None


@gate("PEN-10", "陈述申辩期未届满", f"{LAW}第四十五条第一款、第六十二条", frozenset({"DecisionMade"}))
def _statement_window(j: Judged) -> str | None:
    """No penalty decision while the statement window (counted from the notice's service,
    Q5) is open: 3 WD, 5 WD when the hearing right was told, unless the party waived in
    writing after that notice (the statement right, and the hearing right if told). A window
    ending in a year the calendar does not know fails closed (Q18)."""
    if not _imposes_penalty(j.step):
        return None
    notices = j.notices_before()
    if not notices:
        return None  # PEN-09's case
    notice = notices[-1]
    needed = {"statement", "hearing"} if notice.hearing_right else {"statement"}
    if needed <= j.case.waived_after(notice.position):
        return None
    cfg = j.config.statement
    days = cfg.window_with_hearing_wd if notice.hearing_right else cfg.window_wd
    served = shanghai_date(notice.served_at)
    window = j.calendar.add_working_days(served, days)
    is_open = window_open(window, j.day)
    if is_open is False:
        return None
    told = "（已告知听证权利）" if notice.hearing_right else ""
    if is_open is None:
        return (f"事先告知于 {served} 送达，{days} 个工作日的陈述申辩期{told}届满日暂定为 {window.due}"
                f"（该年节假日安排未知），无法确认 {j.day} 作出决定时已届满")
    return (f"事先告知于 {served} 送达，{days} 个工作日的陈述申辩期{told}至 {window.due} 届满，"
            f"{j.day} 作出决定时尚未届满，且当事人未书面放弃")


@gate("PEN-11", "不得因申辩加重处罚", f"{LAW}第四十五条第二款", frozenset({"DecisionMade"}))
def _not_heavier(j: Judged) -> str | None:
    """The decision is no heavier than the last notice: no penalty type it did not propose,
    no amount above it. (New facts or a new basis without a fresh notice are judged by the
    audit: the decision does not record its facts, and citing more articles is not heavier.)"""
    if not _imposes_penalty(j.step):
        return None
    notices = j.notices_before()
    if not notices:
        return None
    notice = notices[-1]
    decided = j.penalties
    if notice.outcome != "penalty" and decided:
        return f"事先告知书拟不予处罚，决定却作出处罚，且此后未重新告知（{notice.served_at.date()} 告知）"
    problems = []
    proposed_types = {p.type for p in notice.penalties}
    for kind in dict.fromkeys(p.type for p in decided):
        if kind not in proposed_types:
            problems.append(f"增加了告知书未列的{_name(kind)}")
            continue
        decided_amount, proposed_amount = amount_of(decided, kind), amount_of(notice.penalties, kind)
        if decided_amount > proposed_amount:
            problems.append(f"{_name(kind)} {yuan(decided_amount)} 高于告知的 {yuan(proposed_amount)}")
    if not problems:
        return None
    return "决定重于最近一次事先告知且未重新告知：" + "；".join(problems)


@gate("PEN-12", "未告知听证权利", f"{LAW}第六十三条", frozenset({"PenaltyNoticeServed"}))
def _hearing_right(j: Judged) -> str | None:
    """A proposed fine (or confiscation) at or above the 较大数额 of the agency's catalogue
    (else the configured default, Q6), or a proposed suspension or revocation, must be
    notified with the hearing right."""
    rights = j.step.data.get("rights")
    if isinstance(rights, Mapping) and rights.get("hearing") is True:
        return None
    proposed = j.step.data.get("proposed")
    penalties = parse_penalties(proposed.get("penalties") if isinstance(proposed, Mapping) else None)
    reasons = _hearing_eligible(penalties, j)
    if not reasons:
        return None
    return "拟作出的处罚应告知听证权利（" + "；".join(reasons) + "），告知书未告知"


@gate("PEN-16", "未经法制审核", f"{LAW}第五十八条第一款", frozenset({"DecisionMade"}))
def _legal_review(j: Judged) -> str | None:
    """When review is required (a fine at or above the catalogue's threshold, a case that
    went through a hearing, a configured penalty type), the last review after the last
    change of facts or proposal must be approved. One review after the statements and any
    hearing suffices (Q16). A reviewer without qualification still counts as a review, a
    PEN-17 finding for the audit (Q8); a reviewer who was not a legal reviewer of the case's
    agency at the review's time (``domain.roles``) is no review at all."""
    reasons = []
    fine = amount_of(j.penalties, "fine")
    threshold = j.thresholds.review_fen(j.party_kind)
    if fine and fine >= threshold:
        source = "本机关法制审核目录" if j.thresholds.source == "agency" else "默认"
        reasons.append(f"罚款 {yuan(fine)} 达到{source}审核标准 {yuan(threshold)}")
    if j.config.legal_review.when_hearing_held and j.case.hearings_held:
        reasons.append("案件经过听证程序")
    reasons += [f"{_name(t)}须审核" for t in dict.fromkeys(p.type for p in j.penalties)
                if t in j.config.legal_review.penalty_types]
    if not reasons:
        return None
    current = j.case.reviews_after(j.case.last_change)
    why = "；".join(reasons)
    if current and current[-1].outcome == "approved":
        last = current[-1]
        who = role_problem(j.ctx, last.reviewer, ("legal_reviewer",), j.case.agency, last.at)
        if who is None:
            return None
        return f"应当进行法制审核（{why}），最近一次法制审核的审核人员不是本机关法制审核人员（{who}）"
    if not j.case.legal_reviews:
        return f"应当进行法制审核（{why}），但未经法制审核即作出决定"
    if not current:
        return f"应当进行法制审核（{why}），审核后案件事实、证据或拟处理意见又有变化，未重新审核通过"
    return f"应当进行法制审核（{why}），最近一次法制审核未通过（{current[-1].outcome}）"


@gate("PEN-19", "未经集体讨论", f"{LAW}第五十七条第二款", frozenset({"DecisionMade"}))
def _collective(j: Judged) -> str | None:
    """情节复杂或者重大违法 is taken to hold (configurably) for a hearing-eligible penalty, a
    case that went through a hearing, and a fine at or above the review (重大) threshold."""
    cfg = j.config.collective_discussion
    reasons = []
    if cfg.when_hearing_eligible:
        reasons += _hearing_eligible(j.penalties, j)
    if cfg.when_hearing_held and j.case.hearings_held:
        reasons.append("案件经过听证程序")
    fine = amount_of(j.penalties, "fine")
    if cfg.when_review_threshold and fine and fine >= j.thresholds.review_fen(j.party_kind):
        reasons.append(f"罚款 {yuan(fine)} 达到重大执法决定标准")
    if not reasons or j.case.discussions:
        return None
    return "情节复杂或重大违法的案件应经负责人集体讨论（" + "；".join(dict.fromkeys(reasons)) + "），未经集体讨论"


@gate("PEN-21", "决定书缺少印章或法律依据", f"{LAW}第五十九条", DECISIONS)
def _document(j: Judged) -> str | None:
    """The decision bears the deciding agency's own seal and states its legal basis."""
    problems = []
    sealed = j.step.data.get("sealed_by")
    if not sealed:
        problems.append("决定书未加盖行政机关印章（sealed_by 缺失）")
    elif j.case.agency is not None and sealed != j.case.agency:
        problems.append(f"决定书加盖的是 {sealed} 的印章，而非作出决定的本案机关 {j.case.agency}")
    if not j.step.data.get("basis"):
        problems.append("决定书未载明处罚的法律依据（basis 为空）")
    return "；".join(problems) or None


@gate("PEN-30", "超出简易程序适用范围", f"{LAW}第五十一条", frozenset({"SummaryDecisionMade"}))
def _summary_limits(j: Judged) -> str | None:
    """Only a warning, or a fine up to 200 元 for a citizen / 3 000 元 for an organisation
    (configurable where a law provides otherwise); an unknown party kind gets the citizen's."""
    cfg = j.config.summary
    problems = [f"简易程序不能作出{_name(t)}" for t in dict.fromkeys(p.type for p in j.penalties)
                if t not in cfg.penalty_types]
    organisation = j.party_kind == "organisation"
    limit = cfg.organisation_max_fen if organisation else cfg.person_max_fen
    fine = amount_of(j.penalties, "fine")
    if fine > limit:
        who = "法人或其他组织" if organisation else "公民"
        problems.append(f"对{who}罚款 {yuan(fine)} 超过简易程序上限 {yuan(limit)}")
    return "；".join(problems) or None


@gate("PEN-31", "处罚种类或幅度超出法定范围", f"{LAW}第九条、第七十六条第一款", DECISIONS)
def _range(j: Judged) -> str | None:
    """Every penalty type is one the item (as published on the decision's date) allows, and
    the fine is within its range (``min_fen``–``max_fen``, else the bands' extremes). An item
    not published by then cannot be shown lawful and refuses too."""
    penalties = j.penalties
    if not penalties:
        return None
    code = j.case.item
    item = j.agency.item(code) if j.agency is not None else None
    if item is None:
        return f"执法事项 {code} 在 {j.day} 尚未公布，无法确认处罚种类和幅度的法定依据"
    problems = []
    if item.kind != "penalty":
        problems.append(f"执法事项 {code}（{item.name}）不是行政处罚事项")
    problems += [f"执法事项 {code}（{item.name}）不包括{_name(t)}"
                 for t in dict.fromkeys(p.type for p in penalties) if t not in item.penalty_types]
    if any(p.type == "fine" and p.amount_fen is not None for p in penalties):
        fine = amount_of(penalties, "fine")
        low, high = item.fine_range
        if (low is not None and fine < low) or (high is not None and fine > high):
            span = f"{yuan(low) if low is not None else '—'} 至 {yuan(high) if high is not None else '—'}"
            problems.append(f"罚款 {yuan(fine)} 超出执法事项 {code} 的法定幅度 {span}")
    return "；".join(problems) or None


@gate("PEN-35", "不满十四周岁不予处罚", f"{LAW}第三十条", DECISIONS)
def _minor(j: Judged) -> str | None:
    """A natural person under 14 at the act (its last known day) is not penalised; the
    birth date comes from the party's ``birth_date``, else from a valid ID number."""
    party = j.case.party
    act = j.case.violation.act_on
    if not _imposes_penalty(j.step) or party is None or party.kind != "person":
        return None
    if party.birth_date is None or act is None:
        return None
    years = j.config.minors.no_penalty_under
    if not under(party.birth_date, act, years):
        return None
    return (f"当事人生于 {party.birth_date}，违法行为时（{act}）不满 {years} 周岁，不予行政处罚，"
            "应责令监护人加以管教")


