"""行政强制法's rules of enforcement by the agency (ENF-01 to ENF-11), one small function each, over the
enforcement steps of a ``case/`` or ``coercion/`` stream (``audit.coercion_rulebook.CoercionSubject``).

ENF-01…06 are live gates: their checks are reused on the steps they judge (the stream before the
step, the registry as of its ``at``); the audit adds the MAJOR and MINOR parts. The 3-WD gap before
a 代履行 and the night and holiday test are ``domain.enforcement_limits``' (CAL-09, Q4).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Final

from audit.coercion_rulebook import (
    IMMEDIATE,
    NO_POWER,
    OWN_POWER,
    SUBSTITUTE,
    CoercionSubject,
    coercion_rule,
)
from audit.facts import RawStep, text_of
from audit.model import BLOCKER, MAJOR, MINOR
from audit.rulebook import Hit, refs
from audit.rules.coe import Part, gate_parts
from audit.rules.common import combine, is_doc
from domain.calendar import shanghai_date
from domain.config import COERCION_LAW
from domain.enforcement_limits import substitute_notice_in_time
from domain.limits import day_of

LAW: Final = COERCION_LAW
DECISIONS: Final = ("EnforcementDecided", "SubstituteDecisionServed")
_BY_AGENCY: Final = (OWN_POWER, SUBSTITUTE, IMMEDIATE)


def _demands(s: CoercionSubject) -> tuple[RawStep, ...]:
    """The 催告 of the agency's own enforcement (第35条): ``purpose`` agency_enforcement (or unstated
    on a ``PerformanceDemanded``)."""
    return tuple(d for d in s.facts.all("PaymentDemanded", "PerformanceDemanded")
                 if d.get("purpose") == "agency_enforcement"
                 or (d.type == "PerformanceDemanded" and d.get("purpose") is None))


@coercion_rule("ENF-01", "行政机关无强制执行权", BLOCKER, f"{LAW}第十三条、第三十四条、第四十七条、第五十条",
               (OWN_POWER, SUBSTITUTE, IMMEDIATE, NO_POWER))
def enf01(s: CoercionSubject) -> Hit | None:
    return combine(gate_parts(s, "ENF-01", DECISIONS), BLOCKER)


@coercion_rule("ENF-02", "强制执行前未书面催告或催告不规范", BLOCKER,
               f"{LAW}第三十五条至第三十八条", (OWN_POWER, SUBSTITUTE))
def enf02(s: CoercionSubject) -> Hit | None:
    parts = gate_parts(s, "ENF-02", DECISIONS)
    for d in _demands(s):
        missing = [label for ok, label in (
            (bool(d.get("due")), "履行期限"),
            (bool(d.get("performance_method") or d.get("payment_method")), "履行方式"),
            (d.type != "PaymentDemanded" or bool(d.get("amount_fen")), "金额"),
            (d.get("rights_told") is True, "陈述权和申辩权"),
            (is_doc(d.get("document")), "催告书"),
            (is_doc(d.get("receipt")), "送达回证"),
        ) if not ok]
        if missing:
            parts.append((MAJOR, f"{d.day} 的催告缺少" + "、".join(missing), d))
    reviewed = s.facts.all("StatementReviewed")
    first = _demands(s)[0] if _demands(s) else None
    for st in s.facts.all("StatementSubmitted"):
        if first is None or st.position < first.position:
            continue
        if not [r for r in reviewed if r.position > st.position]:
            parts.append((MAJOR, f"当事人 {st.day} 收到催告后的陈述申辩未记录复核", st))
    return combine(parts)


_ENF_DECISION: Final = (("document_no", "文号"), ("reason", "理由"), ("enforcement_method", "强制执行的方式"),
                        ("scheduled_at", "强制执行的时间"), ("remedies", "申请行政复议或者提起行政诉讼的途径和期限"),
                        ("approved_by", "负责人批准"))


@coercion_rule("ENF-03", "强制执行决定书内容不全或执行前未送达", BLOCKER,
               f"{LAW}第三十七条第二款、第三十八条", (OWN_POWER,))
def enf03(s: CoercionSubject) -> Hit | None:
    parts = gate_parts(s, "ENF-03", ("EnforcementDecided",))
    for d in s.facts.all("EnforcementDecided"):
        missing = [label for key, label in _ENF_DECISION if not d.get(key)]
        if d.get("approved_by") and not s.is_head(d.get("approved_by"), d):
            missing.append("本机关负责人批准")
        if missing:
            parts.append((MAJOR, f"{d.day} 的强制执行决定书缺少" + "、".join(missing), d))
        carried = [c for c in s.facts.after(d.position, "EnforcementCarriedOut") if c.get("decision_no") ==
                   d.get("document_no")]
        for c in carried:
            served = [x for x in s.facts.all("DecisionServed") if d.position < x.position < c.position
                      and x.get("document_no") in (None, d.get("document_no"))]
            if not served:
                parts.append((MAJOR, f"强制执行决定 {d.get('document_no')} 未在 {c.day} 执行前送达当事人", c))
    return combine(parts)


@coercion_rule("ENF-04", "实施强制执行的人员、记录不合规或以停水停电方式迫使履行", BLOCKER,
               f"{LAW}第四十三条第二款、第五十一条",
               _BY_AGENCY)
def enf04(s: CoercionSubject) -> Hit | None:
    parts = gate_parts(s, "ENF-04", ("EnforcementDecided", "EnforcementCarriedOut"))
    minimum = s.config.enforcement.min_officers
    for c in s.facts.all("EnforcementCarriedOut"):
        officers = list(dict.fromkeys(o for o in c.get("officers") or () if isinstance(o, str)))
        problems = [f"仅有 {len(officers)} 名执法人员到场，至少应为 {minimum} 名"] if len(officers) < minimum else []
        for who in officers:
            record = s.ctx.registry.officer_as_of(who, c.at)
            why = "未登记为执法人员" if record is None else record.credential_problem(c.day)
            if why is None and record is not None and s.agency and record.agency != s.agency:
                why = f"不属于本机关 {s.agency}"
            if why is not None:
                problems.append(f"{who} {why}")
        if c.get("credentials_shown") is not True:
            problems.append("未出示执法证件")
        if not is_doc(c.get("record")):
            problems.append("未制作执行笔录")
        signatures = c.get("signatures") if isinstance(c.get("signatures"), Mapping) else {}
        if signatures.get("officers") is not True:
            problems.append("执行笔录无执法人员签名")
        decided = [d for d in s.facts.before(c.position, "EnforcementDecided", "SubstituteDecisionServed")
                   if d.get("document_no") == c.get("decision_no")]
        method = (decided[-1].get("enforcement_method") or "substitute") if decided else None
        if method is not None and method != c.get("enforcement_method"):
            problems.append(f"执行方式 {c.get('enforcement_method')} 与决定的 {method} 不一致")
        if problems:
            parts.append((MAJOR, f"{c.day} 的强制执行：" + "；".join(problems), c))
    return combine(parts)


@coercion_rule("ENF-05", "强制拆除前未公告或复议、诉讼期限未届满", BLOCKER, f"{LAW}第四十四条", (OWN_POWER,))
def enf05(s: CoercionSubject) -> Hit | None:
    return combine(gate_parts(s, "ENF-05", ("EnforcementCarriedOut",)), BLOCKER)


@coercion_rule("ENF-06", "在夜间或法定节假日实施强制执行", BLOCKER, f"{LAW}第四十三条第一款", _BY_AGENCY)
def enf06(s: CoercionSubject) -> Hit | None:
    return combine(gate_parts(s, "ENF-06", ("EnforcementCarriedOut",)), BLOCKER)


_SUBSTITUTE: Final = (("document_no", "文号"), ("reason", "理由"), ("basis", "依据"), ("substitute_method", "方式"),
                      ("scheduled_at", "时间"), ("object", "标的"), ("cost_budget_fen", "费用预算"),
                      ("performer", "代履行人"))


@coercion_rule("ENF-07", "代履行不符合法定程序", MAJOR, f"{LAW}第五十条至第五十二条", (SUBSTITUTE, IMMEDIATE))
def enf07(s: CoercionSubject) -> Hit | None:
    parts: list[Part] = []
    decisions = s.facts.all("SubstituteDecisionServed")
    for d in decisions:
        missing = [label for key, label in _SUBSTITUTE if not d.get(key)]
        if missing:
            parts.append((MAJOR, f"{d.day} 的代履行决定书缺少" + "、".join(missing), d))
    carried = [c for c in s.facts.all("EnforcementCarriedOut") if c.get("enforcement_method") == "substitute"]
    for c in carried:
        decided = [d for d in decisions if d.get("document_no") == c.get("decision_no") and d.position < c.position]
        immediate = bool(decided) and decided[-1].get("immediate") is True
        if not decided:
            parts.append((MAJOR, f"{c.day} 代履行前未送达代履行决定书", c))
        elif decided[-1].day_of("served_at") > c.day:
            parts.append((MAJOR, f"代履行决定书 {decided[-1].day_of('served_at')} 才送达，晚于 {c.day} 的代履行", c))
        signatures = c.get("signatures") if isinstance(c.get("signatures"), Mapping) else {}
        lacking = [label for ok, label in (
            (bool(c.get("officers")), "到场监督的工作人员"), (bool(text_of(c.get("performer"))), "代履行人"),
            (signatures.get("officers") is True, "监督人员签名"), (signatures.get("performer") is True, "代履行人签名"),
            (signatures.get("party") is True or signatures.get("witness") is True, "当事人或见证人签名"),
        ) if not ok]
        if lacking:
            parts.append((MAJOR, f"{c.day} 的代履行执行文书缺少" + "、".join(lacking), c))
        if immediate and c.get("party_present") is not True:
            told = c.time("party_notified_at")
            if told is None or shanghai_date(told) > c.day + timedelta(days=1):
                parts.append((MAJOR, f"{c.day} 立即代履行时当事人不在场，事后未立即通知当事人", c))
        costs = s.facts.after(c.position, "SubstituteCostAssessed")
        budget = decided[-1].get("cost_budget_fen") if decided else None
        if not costs and s.facts.has("CaseClosed"):
            parts.append((MAJOR, f"{c.day} 代履行完毕后未确定代履行费用", c))
        for cost in costs:
            amount = cost.get("amount_fen")
            if isinstance(amount, int) and isinstance(budget, int) and amount > budget:
                parts.append((MAJOR, f"代履行费用 {amount / 100:.2f} 元超过预算 {budget / 100:.2f} 元", cost))
    return combine(parts)


@coercion_rule("ENF-08", "代履行三日前未催告", MAJOR, f"{LAW}第五十一条第一款第二项、第六十九条", (SUBSTITUTE,))
def enf08(s: CoercionSubject) -> Hit | None:
    parts: list[Part] = []
    provisional: list[RawStep] = []
    need = s.config.enforcement.substitute_notice_wd
    for c in s.facts.all("EnforcementCarriedOut"):
        if c.get("enforcement_method") != "substitute":
            continue
        decided = [d for d in s.facts.before(c.position, "SubstituteDecisionServed")
                   if d.get("document_no") == c.get("decision_no")]
        if decided and decided[-1].get("immediate") is True:
            continue
        started = c.time("started_at") or c.at
        carried_on = shanghai_date(started)
        prior = [d for d in s.facts.before(c.position, "PerformanceDemanded") if d.get("purpose") == "substitute_prior"]
        if not prior:
            parts.append((MAJOR, f"{carried_on} 代履行前未催告当事人履行", c))
            continue
        served = prior[-1].day_of("served_at")
        timely = substitute_notice_in_time(s.ctx.calendar, served, carried_on, s.config.enforcement)
        if timely is False:
            parts.append((MAJOR, f"{served} 催告、{carried_on} 代履行，其间不足 {need} 个工作日（代履行三日前催告）",
                          prior[-1]))
        elif timely is None:
            provisional.append(c)
    if not parts and provisional:
        return Hit("【暂定】代履行前催告与代履行之间的工作日数取决于尚未公布的放假安排", refs(provisional),
                   provisional=True)
    return combine(parts)


@coercion_rule("ENF-09", "加处罚款超过三十日后的强制执行、拍卖或上缴不合法", MAJOR, f"{LAW}第四十五条至第四十九条",
               (OWN_POWER, NO_POWER))
def enf09(s: CoercionSubject) -> Hit | None:
    parts: list[Part] = []
    own = OWN_POWER in s.paths
    for d in s.facts.all("EnforcementDecided"):
        method = d.get("enforcement_method")
        if method not in ("account_transfer", "auction"):
            continue
        if method == "auction":
            parts += _auction_parts(s, d)
        if own and method == "account_transfer":
            parts += _surcharge_parts(s, d)
    return combine(parts)


def _auction_parts(s: CoercionSubject, d: RawStep) -> list[Part]:
    out: list[Part] = []
    commissioned = s.facts.after(d.position, "AuctionCommissioned")
    if NO_POWER in s.paths or OWN_POWER not in s.paths:
        seized = set(s.measure_at)
        if not seized or any(a.get("measure_id") not in seized for a in commissioned):
            out.append((MAJOR, "无强制执行权的机关只能拍卖本机关在实施行政管理中查封、扣押的财物", d))
        if not s.facts.before(d.position, "PaymentDemanded", "PerformanceDemanded"):
            out.append((MAJOR, "拍卖查封、扣押的财物抵缴罚款前未催告当事人", d))
    if not commissioned:
        out.append((MAJOR, "拍卖未委托拍卖机构（AuctionCommissioned）", d))
    for a in commissioned:
        remitted = [p for p in s.facts.after(a.position, "ProceedsRemitted") if is_doc(p.get("receipt"))]
        if not remitted and s.facts.has("CaseClosed"):
            out.append((MAJOR, "拍卖所得未上缴国库或划入财政专户（无上缴凭证）", a))
    return out


def _surcharge_parts(s: CoercionSubject, d: RawStep) -> list[Part]:
    """第46条第1款: money enforcement only after the surcharge has run more than 30 ND, and a further
    demand served. The surcharge starts the day after the payment period (``payment_due_days`` from
    the service of the decision enforced — the case's, or ``CoercionOpened.decision`` — 15 by default)."""
    decided = s.facts.first("DecisionMade")
    opened = s.facts.first("CoercionOpened")
    enforced = opened.get("decision") if opened is not None else None
    if decided is not None:
        served = s.facts.after(decided.position, "DecisionServed")
        served_on = served[0].day_of("served_at") if served else None
    else:
        served_on = day_of(enforced.get("served_on")) if isinstance(enforced, Mapping) else None
    if served_on is None:
        return []
    days = decided.get("payment_due_days") if decided is not None else None
    surcharge_from = served_on + timedelta(days=(days if isinstance(days, int) else 15) + 1)
    out: list[Part] = []
    wait = s.config.enforcement.surcharge_wait_nd
    if d.day <= surcharge_from + timedelta(days=wait):
        out.append((MAJOR, f"加处罚款自 {surcharge_from} 起算，未超过 {wait} 日即于 {d.day} 决定强制执行", d))
    if not [x for x in _demands(s) if x.position < d.position and x.day >= surcharge_from]:
        out.append((MAJOR, "加处罚款后未再催告当事人即决定强制执行", d))
    return out


@coercion_rule("ENF-10", "中止、终结、执行协议或执行回转不合规", MINOR, f"{LAW}第三十九条至第四十二条", (OWN_POWER,))
def enf10(s: CoercionSubject) -> Hit | None:
    parts: list[Part] = []
    for st in s.facts.all("EnforcementSuspended", "EnforcementTerminated"):
        name = "中止" if st.type == "EnforcementSuspended" else "终结"
        if not text_of(st.get("ground")) or not is_doc(st.get("document")):
            parts.append((MINOR, f"{st.day} 的{name}执行未载明理由或无决定书", st))
        if not s.is_head(st.get("decided_by"), st):
            parts.append((MINOR, f"{st.day} 的{name}执行非由本机关负责人决定", st))
    for st in s.facts.all("EnforcementAgreementMade"):
        if st.get("surcharge_reduced_fen") and not st.get("remedial_measures"):
            parts.append((MINOR, f"{st.day} 的执行协议减免加处罚款，未载明当事人采取的补救措施", st))
    carried = s.facts.first("EnforcementCarriedOut")
    for corrected in s.facts.all("DecisionCorrected"):
        if carried is not None and carried.position < corrected.position and \
                not s.facts.after(corrected.position, "RestitutionMade"):
            parts.append((MAJOR, f"据以执行的决定于 {corrected.day} 被撤销或变更，未恢复原状或退还财物", corrected))
    return combine(parts, MINOR)


@coercion_rule("ENF-11", "申请人民法院强制执行的材料不全或申请书未经负责人签名", MINOR, f"{LAW}第五十三条至第五十五条",
               (NO_POWER,))
def enf11(s: CoercionSubject) -> Hit | None:
    parts: list[Part] = []
    for st in s.facts.all("CourtEnforcementApplied"):
        missing = [label for ok, label in ((is_doc(st.get("document")), "强制执行申请书"),
                                           (s.is_head(st.get("signed_by"), st), "负责人签名"),
                                           (bool(st.get("materials")), "第五十五条所列材料")) if not ok]
        if missing:
            parts.append((MINOR, f"{st.day} 申请法院强制执行缺少" + "、".join(missing), st))
    return combine(parts, MINOR)
