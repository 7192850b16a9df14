"""行政强制法's coercive-measure rules (COE-01 to COE-13), one small function each, over the measures
of a ``case/`` or ``coercion/`` stream (``audit.coercion_rulebook.CoercionSubject``).

Where a rule is also a live gate (COE-01/02/03/06/07), the gate's own check is reused on the step it
judges — the stream before the step, the registry as of its ``at`` — so the audit and the gate never
disagree; the audit adds the parts the gates leave to it. Periods are the records' (counted by
``domain.coercion_limits``: 30 ND without roll-forward, one extension, notified testing spans).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from audit.coercion_rulebook import EMERGENCY, FREEZE, MEASURES, SEIZURE, SEIZURES, CoercionSubject, coercion_rule
from audit.facts import RawStep, text_of
from audit.model import BLOCKER, MAJOR, MINOR
from audit.rulebook import Hit, refs
from audit.rules.common import combine, is_doc
from domain.calendar import shanghai_date
from domain.coercion_limits import TESTING_REASONS
from domain.config import COERCION_LAW
from domain.limits import day_of

LAW: Final = COERCION_LAW
Part = tuple[str, str, RawStep | None]
_MEASURE_STEPS: Final = ("SeizureImposed", "FreezeImposed")


def gate_parts(s: CoercionSubject, rule_id: str, types: tuple[str, ...]) -> list[Part]:
    """The live gate of ``rule_id`` on each step of ``types``, as BLOCKER parts."""
    return [(BLOCKER, message, step) for message, step in s.gate_messages(rule_id, s.facts.all(*types))]


@coercion_rule("COE-01", "强制措施无法律、法规依据或机关无此职权", BLOCKER,
               f"{LAW}第十条、第十七条、第二十二条、第二十九条", MEASURES)
def coe01(s: CoercionSubject) -> Hit | None:
    return combine(gate_parts(s, "COE-01", _MEASURE_STEPS), BLOCKER)


@coercion_rule("COE-02", "强制措施执法人员不足两名或无有效执法证", BLOCKER,
               f"{LAW}第十七条第三款、第十八条第二项、第三十条",
               MEASURES)
def coe02(s: CoercionSubject) -> Hit | None:
    return combine(gate_parts(s, "COE-02", _MEASURE_STEPS), BLOCKER)


@coercion_rule("COE-03", "实施强制措施前未经行政机关负责人批准", BLOCKER,
               f"{LAW}第十八条第一项、第三十条", (SEIZURE, FREEZE))
def coe03(s: CoercionSubject) -> Hit | None:
    return combine(gate_parts(s, "COE-03", _MEASURE_STEPS), BLOCKER)


@coercion_rule("COE-04", "情况紧急当场实施的未在二十四小时内报告、补办批准或及时解除", MAJOR,
               f"{LAW}第十九条", (EMERGENCY,))
def coe04(s: CoercionSubject) -> Hit | None:
    parts: list[Part] = []
    for m in s.records.measures:
        if not m.emergency:
            continue
        opened = s.measure_at.get(m.measure_id)
        if opened is not None and not text_of(opened.get("emergency_reason")):
            parts.append((MAJOR, f"措施 {m.measure_id} 按情况紧急当场实施，未载明紧急情况的理由", opened))
        report, approval = m.hours
        if not m.approvals:
            if shanghai_date(approval.due) < s.as_of:
                parts.append((BLOCKER, f"措施 {m.measure_id} 情况紧急当场实施后，始终未向负责人报告并补办批准手续",
                              opened))
            continue
        decided = s.facts.all("CoercionApprovalDecided")
        first = next((a for a in decided if a.version == m.approvals[0].version), opened)
        if report.done_at is None:
            parts.append((MAJOR, f"措施 {m.measure_id} 补办批准未记载向负责人报告的时间（reported_at）", first))
        elif report.in_time is False:
            parts.append((MAJOR, f"措施 {m.measure_id} 于 {m.started_at:%Y-%m-%d %H:%M} 实施，"
                                 f"{report.done_at:%Y-%m-%d %H:%M} 才向负责人报告，超过二十四小时", first))
        if approval.in_time is False and approval.done_at is not None:
            parts.append((MAJOR, f"措施 {m.measure_id} 的补办批准于 {approval.done_at:%Y-%m-%d %H:%M} 作出，"
                                 "超过实施后二十四小时", first))
        refused = next((a for a in m.approvals if not a.approved), None)
        if refused is not None:
            released = s.facts.all("CoercionReleased")
            ok = [r for r in released if r.get("measure_id") == m.measure_id and r.get("ground") == "not_approved"
                  and r.day <= shanghai_date(refused.at)]
            if not ok:
                parts.append((BLOCKER, f"负责人认为不应当采取措施 {m.measure_id}，未当日立即解除", first))
    return combine(parts)


@coercion_rule("COE-05", "实施强制措施的现场程序不完整", MAJOR, f"{LAW}第十八条、第三十条", MEASURES)
def coe05(s: CoercionSubject) -> Hit | None:
    parts: list[Part] = []
    for st in s.facts.all("SeizureImposed"):
        checks = [("credentials_shown", "出示执法身份证件"), ("party_notified", "通知当事人到场"),
                  ("rights_told", "告知理由、依据及权利、救济途径")]
        present = st.get("party_present") is True
        if present:
            checks.append(("statement_heard", "听取当事人陈述和申辩"))
        missing = [label for key, label in checks if st.get(key) is not True]
        if not is_doc(st.get("record")):
            missing.append("制作现场笔录")
        if present and st.get("signed_by_party") is not True and st.get("refusal_noted") is not True:
            missing.append("现场笔录由当事人签名或注明拒绝")
        witness = st.get("witness")
        if not present and not (isinstance(witness, Mapping) and witness.get("signed") is True):
            missing.append("当事人不到场时由见证人签名")
        if missing:
            parts.append((MAJOR, f"{st.day} 实施措施 {st.get('measure_id')} 未" + "、".join(missing), st))
    for st in s.facts.all("FreezeImposed"):
        missing = [label for ok, label in ((st.get("credentials_shown") is True, "出示执法身份证件"),
                                           (is_doc(st.get("record")), "制作现场笔录")) if not ok]
        if missing:
            parts.append((MAJOR, f"{st.day} 冻结 {st.get('measure_id')} 未" + "、".join(missing), st))
    return combine(parts)


_DECISION: Final = (("document_no", "文号"), ("reason", "理由"), ("days", "期限"), ("until", "期限届满日"),
                    ("remedies", "申请行政复议或者提起行政诉讼的途径和期限"), ("document", "决定书"))


@coercion_rule("COE-06", "查封、扣押决定书和清单不规范或未当场交付", BLOCKER, f"{LAW}第二十三条、第二十四条", SEIZURES)
def coe06(s: CoercionSubject) -> Hit | None:
    parts = gate_parts(s, "COE-06", ("SeizureImposed",))
    for st in s.facts.all("SeizureImposed"):
        decision = st.get("decision") if isinstance(st.get("decision"), Mapping) else {}
        missing = [label for key, label in _DECISION if not decision.get(key)]
        if missing:
            parts.append((MAJOR, f"{st.day} 的查封、扣押决定书缺少" + "、".join(missing), st))
        if not is_doc(st.get("list")):
            parts.append((MAJOR, f"{st.day} 未制作查封、扣押清单", st))
        if st.get("handed_over") is not True:
            parts.append((MAJOR, f"{st.day} 的决定书和清单未当场交付当事人", st))
        for item in st.get("items") or ():
            if not isinstance(item, Mapping):
                continue
            name = item.get("name") or item.get("id")
            if not item.get("name") or item.get("quantity") in (None, ""):
                parts.append((MAJOR, f"{st.day} 的清单中 {name} 未载明名称或数量", st))
            if item.get("necessity") is True:
                parts.append((MAJOR, f"{st.day} 查封、扣押了公民个人及其所扶养家属的生活必需品 {name}", st))
            if item.get("already_sealed_by"):
                parts.append((MAJOR, f"{st.day} 重复查封已被 {item.get('already_sealed_by')} 查封的 {name}", st))
    return combine(parts)


@coercion_rule("COE-07", "强制措施期限超过法定上限或延长不合法", BLOCKER, f"{LAW}第二十五条、第三十二条", MEASURES)
def coe07(s: CoercionSubject) -> Hit | None:
    parts = gate_parts(s, "COE-07", ("SeizureImposed", "FreezeDecisionServed", "CoercionExtended"))
    for st in s.facts.all("CoercionExtended"):
        m = s.measure_of(st)
        missing = [label for key, label in (("reason", "理由"), ("served_at", "送达时间")) if not st.get(key)]
        if not is_doc(st.get("notice")):
            missing.append("延长决定书")
        if missing:
            parts.append((MAJOR, f"{st.day} 延长措施 {st.get('measure_id')} 缺少" + "、".join(missing), st))
        served = st.day_of("served_at")
        original = m.period.period.extensions[0].due_before.due if m is not None and m.period is not None and \
            m.period.period.extensions else None
        if original is not None and served > original:
            parts.append((MAJOR, f"延长决定于 {served} 送达，晚于原期限届满日 {original}，未及时书面告知", st))
    return combine(parts)


@coercion_rule("COE-08", "强制措施期限内未作出处理决定或解除", MAJOR,
               f"{LAW}第二十七条、第二十八条、第三十二条、第三十三条",
               MEASURES)
def coe08(s: CoercionSubject) -> Hit | None:
    return s.deadline_hit("COE-08", refs(s.measure_at.values()))


@coercion_rule("COE-09", "检测、检验、检疫、鉴定期间未明确或未书面告知", MINOR, f"{LAW}第二十五条第三款", SEIZURES)
def coe09(s: CoercionSubject) -> Hit | None:
    parts: list[Part] = []
    measures = set(s.measure_at)
    for st in s.facts.all("ExcludedPeriodNotified"):
        if st.get("measure_id") not in measures:
            continue
        if st.get("reason") not in TESTING_REASONS:
            parts.append((MINOR, f"{st.day} 告知的不计期间事由 {st.get('reason')} 不是检测、检验、检疫或技术鉴定", st))
        start, until = day_of(st.get("from_on")), day_of(st.get("until"))
        if start is None or until is None or until < start:
            parts.append((MINOR, f"{st.day} 告知的检测等期间起止不明确", st))
        if not is_doc(st.get("notice")) or not st.get("served_at"):
            parts.append((MINOR, f"{st.day} 的检测等期间未书面告知当事人", st))
        if st.get("cost_borne_by") == "party":
            parts.append((MAJOR, f"{st.day} 将检测、检验、检疫或鉴定费用由当事人承担", st))
    return combine(parts, MINOR)


@coercion_rule("COE-10", "解除后未立即退还财物", MAJOR, f"{LAW}第二十六条、第二十八条", SEIZURES)
def coe10(s: CoercionSubject) -> Hit | None:
    parts: list[Part] = []
    for st in s.facts.all("CoercionReleased"):
        m = s.measure_of(st)
        if m is None or m.measure == "freeze":
            continue
        missing = [label for key, label in (("ground", "解除理由"), ("document_no", "文号"), ("served_at", "送达时间"))
                   if not st.get(key)]
        if not is_doc(st.get("document")):
            missing.append("解除决定书")
        if missing:
            parts.append((MAJOR, f"{st.day} 解除措施 {m.measure_id} 缺少" + "、".join(missing), st))
    late = s.deadline_hit("COE-10", refs(s.facts.all("CoercionReleased")))
    if late is not None:
        if late.provisional:
            return late
        parts.append((MAJOR, late.message, s.facts.last("CoercionReleased")))
    for st in s.facts.all("SeizedItemsReturned"):
        if text_of(st.get("damage")) and not st.get("compensation_fen"):
            parts.append((MAJOR, f"{st.day} 退还的财物有损毁（{st.get('damage')}），未予补偿", st))
    return combine(parts)


_FREEZE_DECISION: Final = (("document_no", "文号"), ("reason", "理由"), ("basis", "依据"), ("days", "期限"),
                           ("account", "冻结的账号"), ("amount_fen", "冻结的数额"),
                           ("remedies", "申请行政复议或者提起行政诉讼的途径和期限"), ("sealed_by", "印章"),
                           ("document", "决定书"))


@coercion_rule("COE-11", "冻结未通知金融机构或未在三日内交付冻结决定书", MAJOR,
               f"{LAW}第二十九条第二款、第三十条、第三十一条",
               (FREEZE,))
def coe11(s: CoercionSubject) -> Hit | None:
    parts: list[Part] = []
    for st in s.facts.all("FreezeImposed"):
        if not is_doc(st.get("notice")):
            parts.append((MAJOR, f"{st.day} 冻结未向金融机构交付冻结通知书", st))
        amount, involved = st.get("amount_fen"), st.get("amount_involved_fen")
        if isinstance(amount, int) and isinstance(involved, int) and amount > involved:
            parts.append((MAJOR, f"{st.day} 冻结数额 {amount / 100:.2f} 元超过违法行为涉及的金额 "
                                 f"{involved / 100:.2f} 元", st))
    for st in s.facts.all("FreezeDecisionServed"):
        decision = st.get("decision") if isinstance(st.get("decision"), Mapping) else {}
        missing = [label for key, label in _FREEZE_DECISION if not decision.get(key)]
        if missing:
            parts.append((MAJOR, f"{st.day} 的冻结决定书缺少" + "、".join(missing), st))
    late = s.deadline_hit("COE-11", refs(s.facts.all("FreezeImposed")))
    if late is not None:
        if late.provisional and not parts:
            return late
        if not late.provisional:
            parts.append((MAJOR, late.message, s.facts.first("FreezeImposed")))
    return combine(parts)


@coercion_rule("COE-12", "解除冻结未及时通知金融机构和当事人", MAJOR, f"{LAW}第三十三条", (FREEZE,))
def coe12(s: CoercionSubject) -> Hit | None:
    parts: list[Part] = []
    for st in s.facts.all("CoercionReleased"):
        m = s.measure_of(st)
        if m is None or m.measure != "freeze":
            continue
        for key, who in (("institution_notified_at", "金融机构"), ("served_at", "当事人")):
            told = st.time(key)
            if told is None:
                parts.append((MAJOR, f"{st.day} 解除冻结 {m.measure_id} 未通知{who}", st))
            elif shanghai_date(told) > st.day:
                parts.append((MAJOR, f"{st.day} 解除冻结 {m.measure_id}，{shanghai_date(told)} 才通知{who}", st))
    return combine(parts)


@coercion_rule("COE-13", "移送司法机关时查封、扣押、冻结的财物未一并移送", MAJOR, f"{LAW}第二十一条", MEASURES)
def coe13(s: CoercionSubject) -> Hit | None:
    transferred = s.facts.first("TransferredToJudicialOrgan")
    if transferred is None:
        return None
    parts: list[Part] = []
    for m in s.records.measures:
        opened = s.measure_at.get(m.measure_id)
        disposals = [d for d in s.facts.all("SeizureDisposed") if d.get("measure_id") == m.measure_id
                     and d.get("disposition") == "transferred_to_judicial"]
        if not disposals and (m.open or m.released_version is None):
            parts.append((MAJOR, f"案件已移送司法机关，措施 {m.measure_id} 的财物未一并移送", opened or transferred))
        for d in disposals:
            if not is_doc(d.get("party_notice")):
                parts.append((MAJOR, f"{d.day} 一并移送措施 {m.measure_id} 的财物，未书面告知当事人", d))
    return combine(parts)


