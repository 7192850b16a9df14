"""The other families' rules on a ``coercion/`` file: TS-02 (credentials shown at every step that records
it), TS-03 (事后公开 within 20 WD), TS-07/TS-08 (the written records and their files), PUB-06 and PUB-07
(what a coercion or enforcement record publishes, its withdrawal), TS-05/TS-06 (audio-video of a
seizure, a demolition and other enforcement), PEN-27 (the 加处罚款 computed on the amounts the file
demands or collects) and PEN-29 (every application to the court), EVAL-10 (the documents of a 强制 file).

A penalty case with a measure keeps its own TS, PUB and EVAL-04 rules (``audit.rules.ts``, ``pub``,
``evaluation``): these judge ``coercion/`` streams only (``CoercionSubject.stand_alone``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date, timedelta
from typing import Final

from audit.coercion_rulebook import (
    ALL_COERCION_PATHS,
    ENFORCEMENTS,
    MEASURES,
    OWN_POWER,
    SEIZURES,
    CoercionSubject,
    coercion_rule,
)
from audit.facts import RawStep, StreamFacts, day_of
from audit.model import BLOCKER, MAJOR, MINOR
from audit.rulebook import Hit, refs
from audit.rules.coe import Part
from audit.rules.common import combine, is_doc
from audit.rules.pen_sanction import court_application_parts, court_window
from audit.rules.records import credentials_hit, hash_clash_hit, record_parts
from domain.calendar import shanghai_date
from domain.casestate import amount_of, parse_penalties
from domain.config import COERCION_LAW, DOC_118, LAW
from domain.money import yuan
from projections.measures import MeasureRecord

_CONCLUSIONS: Final = {"confiscated": "没收", "destroyed": "销毁", "transferred_to_judicial": "移送",
                       "auctioned_for_fine": "拍卖", "released": "解除", "returned": "解除"}
_PUBLISHED: Final = (*MEASURES, *ENFORCEMENTS)


def _av(step_data: Mapping[str, object]) -> bool:
    av = step_data.get("av")
    return isinstance(av, list) and any(is_doc(a) for a in av)


@coercion_rule("TS-03", "事后公开不及时", MAJOR, f"{DOC_118}（其他执法决定 20 个工作日内公开）", _PUBLISHED)
def ts03(s: CoercionSubject) -> Hit | None:
    """The coercion side of TS-03 (extended): a measure, an enforcement or 代履行 decision within 20 WD."""
    if not s.stand_alone:
        return None
    return s.deadline_hit("TS-03", refs([*s.measure_at.values(), *s.facts.all("EnforcementDecided",
                                                                              "SubstituteDecisionServed")]))


@coercion_rule("TS-02", "事中公示：未出示执法证件", MINOR, f"{DOC_118}；{LAW}第五十五条", ALL_COERCION_PATHS)
def ts02(s: CoercionSubject) -> Hit | None:
    """Every step with ``credentials_shown`` (查封、扣押、冻结、强制执行): the credential shown."""
    return credentials_hit(s.facts) if s.stand_alone else None


@coercion_rule("TS-07", "文字记录不完整", MINOR, f"{DOC_118}（完善文字记录）", ALL_COERCION_PATHS)
def ts07(s: CoercionSubject) -> Hit | None:
    return combine(record_parts(s.facts), MINOR) if s.stand_alone else None


@coercion_rule("TS-08", "记录归档与完整性", MINOR, f"{DOC_118}（严格记录归档）", ALL_COERCION_PATHS)
def ts08(s: CoercionSubject) -> Hit | None:
    return hash_clash_hit(s.facts) if s.stand_alone else None


def _enforced(s: CoercionSubject) -> Mapping[str, object]:
    opened = s.facts.first("CoercionOpened")
    decision = opened.get("decision") if opened is not None else None
    return decision if isinstance(decision, Mapping) else {}


def _principal(s: CoercionSubject) -> tuple[int, date] | None:
    """The fine of the decision this file enforces and the last day to pay it: from the linked stream
    that made it (``CoercionOpened.decision.stream``: its ``DecisionMade``), paid within
    ``payment_due_days`` (15 ND by default) of ``served_on``."""
    enforced = _enforced(s)
    served = day_of(enforced.get("served_on"))
    linked = s.linked.get(str(enforced.get("stream")))
    if served is None or linked is None:
        return None
    number = enforced.get("document_no")
    for decided in linked.all("DecisionMade"):
        if number and decided.get("document_no") not in (None, number):
            continue
        fine = amount_of(parse_penalties(decided.get("penalties")), "fine")
        if not fine:
            return None
        days = decided.get("payment_due_days")
        return fine, served + timedelta(days=days if isinstance(days, int) else s.config.payment.due_nd)
    return None


_AMOUNTS: Final = (("PaymentDemanded", "served_at"), ("PaymentRecorded", "paid_at"), ("TransferOrdered", None))


@coercion_rule("PEN-27", "加处罚款计算错误", MAJOR, f"{COERCION_LAW}第四十五条；{LAW}第七十二条第一款第一项",
               ENFORCEMENTS)
def pen27(s: CoercionSubject) -> Hit | None:
    """The 加处罚款 a 强制 file demands, collects or transfers: at most the fine × 3 % for each day after
    the payment period, and never more than the fine itself (第45条第2款)."""
    if not s.stand_alone:
        return None
    found = _principal(s)
    if found is None:
        return None
    fine, due = found
    rate = s.config.payment.surcharge_percent_per_day
    parts: list[Part] = []
    for step_type, member in _AMOUNTS:
        for st in s.facts.all(step_type):
            amount = st.get("amount_fen")
            if not isinstance(amount, int):
                continue
            on = st.day_of(member) if member else st.day
            overdue = max(0, (on - due).days)
            cap = fine + min(fine, fine * rate * overdue // 100)
            if amount > cap:
                parts.append((MAJOR, f"{on} 的金额 {yuan(amount)} 超过罚款 {yuan(fine)} 加逾期 {overdue} 日依法可加处的"
                                     f"罚款（每日 {rate}%，以罚款数额为限），至多 {yuan(cap)}", st))
    return combine(parts)


@coercion_rule("PEN-29", "申请法院强制执行不合法", MAJOR, f"{COERCION_LAW}第五十三条、第五十四条", ALL_COERCION_PATHS)
def pen29(s: CoercionSubject) -> Hit | None:
    """Every application to the court on a 强制 file: 催告 first, 10 WD before; after the remedy periods
    of the decision enforced (from ``CoercionOpened.decision.served_on``) and within 3 months."""
    if not s.stand_alone:
        return None
    served = day_of(_enforced(s).get("served_on"))
    window = court_window(s.ctx.calendar, s.config, served) if served is not None else None
    parts: list[Part] = []
    for applied in s.facts.all("CourtEnforcementApplied"):
        demands = s.facts.before(applied.position, "PaymentDemanded", "PerformanceDemanded")
        parts += court_application_parts(applied, demands, window, s.ctx.calendar, s.config)
    return combine(parts)


@coercion_rule("TS-05", "查封扣押、强制拆除未全程音像记录", MAJOR, f"{DOC_118}（规范音像记录）", (*SEIZURES, OWN_POWER))
def ts05(s: CoercionSubject) -> Hit | None:
    if not s.stand_alone:
        return None
    bare = [st for st in s.facts.all("SeizureImposed") if not _av(st.data)]
    bare += [st for st in s.facts.all("EnforcementCarriedOut")
             if st.get("enforcement_method") == "demolition" and not _av(st.data)]
    if not bare:
        return None
    return Hit("查封、扣押或强制拆除无全程音像记录：" + "、".join(f"{b.day} {b.type}" for b in bare), refs(bare))


@coercion_rule("TS-06", "容易引发争议的执行环节未音像记录", MINOR, f"{DOC_118}（规范音像记录）", ENFORCEMENTS)
def ts06(s: CoercionSubject) -> Hit | None:
    if not s.stand_alone:
        return None
    bare = [st for st in s.facts.all("EnforcementCarriedOut")
            if st.get("enforcement_method") != "demolition" and not _av(st.data)]
    if not bare:
        return None
    return Hit("强制执行无音像记录，也未说明以文字记录为已足的理由：" + "、".join(str(b.day) for b in bare), refs(bare))


@coercion_rule("PUB-06", "公开的强制信息不完整", MAJOR,
               f"{DOC_118}（执法机关、执法对象、执法类别、执法结论）", _PUBLISHED)
def pub06(s: CoercionSubject) -> Hit | None:
    """A coercion record names the decision (document number), the category (查封/扣押/冻结) and, once
    the measure has ended, its conclusion (解除, 没收, 销毁, 移送); an enforcement record its decision."""
    if not s.stand_alone:
        return None
    parts: list[Part] = []
    published = s.facts.all("DecisionPublished")
    for m in s.records.measures:
        opened = s.measure_at.get(m.measure_id)
        after = [p for p in published if opened is None or p.position > opened.position]
        if not after:
            continue
        text = " ".join(str(p.get("text") or "") for p in after)
        missing = [label for ok, label in (
            (not m.document_no or m.document_no in text, "决定书文号"), (m.name in text, f"执法类别（{m.name}）"),
        ) if not ok]
        ended = {_CONCLUSIONS.get(i.disposition or "", "") for i in m.items} - {""}
        if ended and not any(word in text for word in ended):
            missing.append(f"执法结论（{'、'.join(sorted(ended))}）")
        if missing:
            parts.append((MAJOR, f"公开的{m.name}信息缺少" + "、".join(missing), after[0]))
    for d in s.facts.all("EnforcementDecided", "SubstituteDecisionServed"):
        after = [p for p in published if p.position > d.position]
        number = d.get("document_no")
        if after and isinstance(number, str) and number and not any(number in str(p.get("text") or "") for p in after):
            parts.append((MAJOR, f"公开的强制执行信息缺少决定书文号 {number}", after[0]))
    return combine(parts)


@coercion_rule("PUB-07", "撤销或变更的强制决定未及时撤下", MAJOR, f"{DOC_118}（及时撤下）", ALL_COERCION_PATHS)
def pub07(s: CoercionSubject) -> Hit | None:
    if not s.stand_alone:
        return None
    return s.deadline_hit("PUB-07", refs([*s.facts.all("DecisionCorrected"), *s.facts.all("DecisionPublished")]))


def measure_document_parts(facts: StreamFacts, measures: Iterable[MeasureRecord], *, item: Callable[[int], str],
                           vetoes: bool, concluded: bool, as_of: date) -> list[Part]:
    """The mandatory documents of each measure (EVAL-10 on a 强制 file, EVAL-04 item 7 on a penalty case):
    the 审批表 (or the emergency report and approval), the 现场笔录, the 决定书 and 清单 (a freezing's
    决定书), the 延长 and 解除 decisions, the 退还清单, the 处理决定 — and, once the file is concluded,
    a 解除 or 处理 document for every measure. ``item(n)`` names EVAL-10's item ``n`` in the file's own
    catalogue; ``vetoes``: a missing approval or decision and list is BLOCKER (EVAL-10), else MAJOR. An
    emergency measure's approval is not missing while its 24 hours (COE-04) still run on ``as_of``."""
    parts: list[Part] = []
    grave = BLOCKER if vetoes else MAJOR
    opened_at: dict[str, RawStep] = {}
    for found in facts.all("SeizureImposed", "FreezeImposed"):
        opened_at.setdefault(str(found.get("measure_id")), found)
    for m in measures:
        opened = opened_at.get(m.measure_id)
        approvals = [a for a in facts.all("CoercionApprovalDecided") if a.get("measure_id") == m.measure_id]
        if not [a for a in approvals if is_doc(a.get("document"))] and not _approval_running(m, as_of):
            what = "紧急情况报告及补办批准" if m.emergency else "实施行政强制措施审批表"
            parts.append((grave, f"措施 {m.measure_id} 卷内缺少{what}（{item(4)}）", opened))
        if opened is not None and not is_doc(opened.get("record")):
            parts.append((MAJOR, f"措施 {m.measure_id} 卷内缺少现场笔录（{item(5)}）", opened))
        if opened is not None and opened.type == "SeizureImposed":
            decision = opened.get("decision") if isinstance(opened.get("decision"), Mapping) else {}
            if not is_doc(decision.get("document")) or not is_doc(opened.get("list")):
                parts.append((grave, f"措施 {m.measure_id} 卷内缺少查封（扣押）决定书或清单（{item(6)}）", opened))
        if m.measure == "freeze" and opened is not None:
            served = [x for x in facts.all("FreezeDecisionServed") if x.get("measure_id") == m.measure_id]
            decision = served[0].get("decision") if served and isinstance(served[0].get("decision"), Mapping) else {}
            if not served or not is_doc(decision.get("document")):
                parts.append((MAJOR, f"冻结 {m.measure_id} 卷内缺少冻结决定书（{item(7)}）", opened))
        for ext in (x for x in facts.all("CoercionExtended") if x.get("measure_id") == m.measure_id):
            if not is_doc(ext.get("notice")):
                parts.append((MAJOR, f"措施 {m.measure_id} 卷内缺少延长决定书（{item(9)}）", ext))
        released = [x for x in facts.all("CoercionReleased") if x.get("measure_id") == m.measure_id]
        for rel in released:
            if not is_doc(rel.get("document")):
                parts.append((MAJOR, f"措施 {m.measure_id} 卷内缺少解除决定书（{item(11)}）", rel))
        for ret in (x for x in facts.all("SeizedItemsReturned") if x.get("measure_id") == m.measure_id):
            if not is_doc(ret.get("receipt")):
                parts.append((MAJOR, f"措施 {m.measure_id} 卷内缺少退还清单（{item(11)}）", ret))
        disposed = [x for x in facts.all("SeizureDisposed") if x.get("measure_id") == m.measure_id]
        for disp in disposed:
            decision = disp.get("decision") if isinstance(disp.get("decision"), Mapping) else {}
            if not is_doc(disp.get("document")) and not decision.get("document_no"):
                parts.append((MAJOR, f"措施 {m.measure_id} 卷内缺少处理决定（{item(10)}）", disp))
        if concluded and m.ended_on is None and not released and not disposed:
            parts.append((MAJOR, f"措施 {m.measure_id} 卷内缺少解除决定书或处理决定（{item(10)}、{item(11)}）", opened))
    return parts


def _approval_running(m: MeasureRecord, as_of: date) -> bool:
    """An emergency measure whose report or approval is still due on ``as_of`` (COE-04 counts a limit
    falling due that day as not yet missed, as every audit deadline)."""
    return m.emergency and any(h.done_at is None and shanghai_date(h.due) >= as_of for h in m.hours)


def _measure_parts(s: CoercionSubject) -> list[Part]:
    return measure_document_parts(s.facts, s.records.measures, item=lambda n: f"第{n}项", vetoes=True,
                                  concluded=s.concluded, as_of=s.ctx.as_of)


def _enforcement_parts(s: CoercionSubject) -> list[Part]:
    parts: list[Part] = []
    for d in s.facts.all("PaymentDemanded", "PerformanceDemanded"):
        if not is_doc(d.get("document")) or not is_doc(d.get("receipt")):
            parts.append((MAJOR, f"{d.day} 的催告卷内缺少催告书或送达回证", d))
    for d in s.facts.all("EnforcementDecided", "SubstituteDecisionServed"):
        if not is_doc(d.get("document")):
            parts.append((MAJOR, f"{d.day} 的强制执行（代履行）决定卷内缺少决定书", d))
    for c in s.facts.all("EnforcementCarriedOut"):
        if not is_doc(c.get("record")):
            parts.append((MAJOR, f"{c.day} 的强制执行卷内缺少执行笔录", c))
    return parts


@coercion_rule("EVAL-10", "强制案卷材料不齐全", MAJOR, f"{COERCION_LAW}第十八条至第五十二条；rules.md EVAL-10",
               ALL_COERCION_PATHS)
def eval10(s: CoercionSubject) -> Hit | None:
    """EVAL-10's bold items where their trigger arose; a missing item 4 (no approval, nor the emergency
    report and approval) or item 6 (the decision and list) is a veto."""
    if not s.stand_alone:
        return None
    return combine([*_measure_parts(s), *_enforcement_parts(s)])

