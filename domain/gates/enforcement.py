"""The 行政强制执行 gates (ENF-01 to ENF-06): judged at the enforcement steps of ``case/`` and
``coercion/`` streams.

Why these refuse: enforcement by an agency without the power, without a written 催告 whose period
has passed, without seal or basis, by cutting residents' water or power, a demolition before its
notice and remedy periods have run, or at night or on a holiday (第43条) cannot be undone by an audit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any, Final

from domain.appeals import DecisionRef, remedy_state, target_of
from domain.calendar import Deadline, shanghai_date
from domain.coercion_state import fold_coercion
from domain.config import COERCION_LAW
from domain.enforcement_limits import demand_passed, demands, forbidden_parts
from domain.gates.coercion import COERCIONS, step_types
from domain.gates.core import Judged, gate
from domain.limits import day_of, step_day, within
from domain.reading import mapping_of
from domain.registry import step_time

DECISIONS: Final = step_types("EnforcementDecided", "SubstituteDecisionServed")
CARRIED_OUT: Final = step_types("EnforcementCarriedOut")
HARMS: Final = frozenset({"traffic_safety", "environmental_pollution", "natural_resources"})
"""第50条: 危害交通安全、造成环境污染或者破坏自然资源."""
_AGENCY_PURPOSES: Final = frozenset({None, "agency_enforcement"})
"""A 催告 for the agency's own enforcement (absent: not stated, read as such)."""


def _method_power(j: Judged) -> str | None:
    method = j.step.data.get("enforcement_method")
    if j.agency is None:
        return f"无法确定执行机关 {j.acting} 的执法事项，不能确认其有强制执行权"
    for item in j.agency.items.values():
        if item.kind == "enforcement" and item.enforcement is not None and method in item.enforcement.methods \
                and "law" in item.basis_ranks:
            return None
    if method == "auction" and fold_coercion(j.step.stream, j.ctx.history(j.step.stream)).measures:
        return None  # 第46条第3款: auction of property this agency seized in the matter (ENF-09 judges the rest)
    return (f"机关 {j.acting} 没有法律设定的 {method} 强制执行权（无依据为法律的强制执行事项），"
            "应当申请人民法院强制执行（第十三条、第四十七条）")


@gate("ENF-01", "行政机关无强制执行权", f"{COERCION_LAW}第十三条、第三十四条、第四十七条、第五十条", DECISIONS,
      COERCIONS)
def _power(j: Judged) -> str | None:
    """``EnforcementDecided``: its method is in the ``enforcement.methods`` of a published item of the
    agency founded on a law, or a 第46条第3款 auction of what it seized. ``SubstituteDecisionServed``
    (代履行): a 第50条 harm."""
    if j.step.type == "SubstituteDecisionServed":
        if j.step.data.get("harm") in HARMS:
            return None
        return "代履行须以危害交通安全、造成环境污染或者破坏自然资源为条件（第五十条），harm 未载明其一"
    return _method_power(j)


@gate("ENF-02", "作出强制执行决定前未催告或催告期限未届满", f"{COERCION_LAW}第三十五条、第三十七条", DECISIONS,
      COERCIONS)
def _demanded(j: Judged) -> str | None:
    """A written 催告 for the agency's enforcement served before the decision, whose ``due`` has
    passed; unless ``immediate`` (an enforcement decision with ``immediate_grounds``, 第37条第3款; an
    immediate 代履行, 第52条)."""
    data = j.step.data
    if data.get("immediate") is True and (j.step.type == "SubstituteDecisionServed" or data.get("immediate_grounds")):
        return None
    history = j.ctx.history(j.step.stream)
    served = [d for d in demands(history) if d.purpose in _AGENCY_PURPOSES and d.served_on <= j.day]
    if not served:
        return "作出决定前未书面催告当事人履行义务（PaymentDemanded 或 PerformanceDemanded）"
    if any(demand_passed(d, j.day) for d in served):
        return None
    dues = "、".join(str(d.due) if d.due is not None else "未载明" for d in served)
    return f"催告的履行期限（{dues}）尚未届满，{j.day} 不得作出强制执行决定"


@gate("ENF-03", "强制执行决定书未加盖印章或无依据", f"{COERCION_LAW}第三十七条第二款",
      step_types("EnforcementDecided"), COERCIONS)
def _sealed(j: Judged) -> str | None:
    """The 强制执行决定书 has ``sealed_by`` and a non-empty ``basis``."""
    missing = [label for key, label in (("sealed_by", "行政机关印章（sealed_by）"), ("basis", "依据（basis）"))
               if not j.step.data.get(key)]
    return "强制执行决定书缺少" + "、".join(missing) if missing else None


@gate("ENF-04", "以停止供水、供电、供热、供燃气方式迫使履行", f"{COERCION_LAW}第四十三条第二款",
      step_types("EnforcementDecided", "EnforcementCarriedOut"), COERCIONS)
def _utilities(j: Judged) -> str | None:
    """No enforcement by cutting water, power, heat or gas (``enforcement_method: utility_cutoff``)."""
    if j.step.data.get("enforcement_method") == "utility_cutoff":
        return "不得对居民生活采取停止供水、供电、供热、供燃气等方式迫使当事人履行行政决定"
    return None


def _enforced_decision_served(j: Judged, history: Sequence[Mapping[str, Any]]) -> date | None:
    """The day the decision enforced was served: the ``DecisionServed`` naming it (or, unnamed, the
    penalty decision), else ``CoercionOpened.decision.served_on``."""
    carried = j.step.data.get("decision_no")
    enforced = {mapping_of(e.get("data")).get("decision_no") for e in history
                if e.get("type") == "EnforcementDecided" and mapping_of(e.get("data")).get("document_no") == carried}
    for entry in history:
        if entry.get("type") == "DecisionServed" and mapping_of(entry.get("data")).get("document_no") in {*enforced,
                                                                                                          None}:
            return step_day(entry, "served_at")
    return fold_coercion(j.step.stream, history).decision_served_on


def _remedies_open(j: Judged, served: date) -> str | None:
    review = j.calendar.add_natural_days(served, j.config.reconsideration.application_nd)
    lawsuit: Deadline = j.calendar.add_months(served, j.config.litigation.filing_months)
    for due, what in ((review, "申请行政复议"), (lawsuit, "提起行政诉讼")):
        if within(due, j.day) is not False:
            return f"被执行决定 {served} 送达，{what}的期限至 {due.due} 尚未届满，不得强制拆除（第四十四条）"
    return None


def _enforced_decision(j: Judged, history: Sequence[Mapping[str, Any]]) -> DecisionRef:
    """The decision a demolition enforces: the stream that made it (``CoercionOpened.decision.stream``
    on a ``coercion/`` stream, else this stream) and its number (the enforcement decision's
    ``decision_no``, else ``CoercionOpened.decision.document_no``)."""
    carried = j.step.data.get("decision_no")
    number: object = None
    for entry in history:
        data = mapping_of(entry.get("data"))
        if entry.get("type") == "EnforcementDecided" and data.get("document_no") == carried:
            number = data.get("decision_no")
    opened = next((mapping_of(mapping_of(e.get("data")).get("decision")) for e in history
                   if e.get("type") == "CoercionOpened"), {})
    stream = opened.get("stream")
    number = number or opened.get("document_no")
    return DecisionRef(stream if isinstance(stream, str) and stream else j.step.stream,
                       number if isinstance(number, str) and number else None)


def _remedies_against(j: Judged, decision: DecisionRef) -> str | None:
    """A review or lawsuit against ``decision`` pending when the demolition began (``started_at``, else
    the step's ``at``), or one that overturned it, as recorded by then (the streams that target it:
    ``GateContext.targeting``)."""
    began = _instant(j.step.data.get("started_at")) or j.step.at
    streams = dict.fromkeys([*j.ctx.targeting(decision.stream), *j.ctx.targeting(j.step.stream)])
    for stream in streams:
        target = target_of(j.ctx.history(stream))
        if target is None or (decision.document_no and target.document_no
                              and target.document_no != decision.document_no):
            continue
        state = remedy_state(stream, j.ctx.history(stream), began, shanghai_date(began),
                             j.config.litigation.appeal_days)
        if state is None:
            continue
        if state.pending:
            return (f"当事人对被执行决定 {decision.document_no or decision.stream} 于 {state.filed_on} 提起的"
                    f"{state.kind}（{stream}）尚未终结，不得强制拆除（第四十四条）")
        if state.overturned is not None:
            return (f"被执行决定 {decision.document_no or decision.stream} 已在{state.kind}（{stream}）中被"
                    f"{state.overturned}，不得强制拆除（第四十四条）")
    return None


@gate("ENF-05", "强制拆除前未公告或复议、诉讼期限未届满", f"{COERCION_LAW}第四十四条", CARRIED_OUT, COERCIONS)
def _demolition(j: Judged) -> str | None:
    """A demolition: a 公告 whose ``due`` has passed; no review or lawsuit against the decision enforced
    pending at the step, none that overturned it (the streams targeting it, as recorded by the step's
    ``at``); and its 复议 (60 ND) and 诉讼 (6 months) periods lapsed since its service."""
    if j.step.data.get("enforcement_method") != "demolition":
        return None
    history = j.ctx.history(j.step.stream)
    dues = fold_coercion(j.step.stream, history).demolition_dues
    if not any(due is not None and j.day > due for due in dues):
        return "强制拆除前应予公告并限期当事人自行拆除，且公告期限已届满（DemolitionNoticePublished）"
    against = _remedies_against(j, _enforced_decision(j, history))
    if against is not None:
        return against
    served = _enforced_decision_served(j, history)
    if served is None:
        return "找不到被执行决定的送达记录，不能确认复议、诉讼期限已届满"
    return _remedies_open(j, served)


@gate("ENF-06", "在夜间或法定节假日实施强制执行", f"{COERCION_LAW}第四十三条第一款", CARRIED_OUT, COERCIONS)
def _forbidden_time(j: Judged) -> str | None:
    """No part of [``started_at``, ``ended_at``] at night (22:00–06:00) or on a non-working day (CAL-09),
    unless ``urgent`` with an ``urgent_reason`` (情况紧急)."""
    data = j.step.data
    if data.get("urgent") is True and isinstance(data.get("urgent_reason"), str) and data["urgent_reason"].strip():
        return None
    start = _instant(data.get("started_at")) or j.step.at
    end = _instant(data.get("ended_at")) or start
    parts = forbidden_parts(j.calendar, start, end, j.config.enforcement)
    if not parts:
        return None
    return "强制执行不得在夜间或法定节假日实施（情况紧急的除外，须载明 urgent 及理由）：" + "；".join(parts)


def _instant(value: object) -> datetime | None:
    if not isinstance(value, str) or day_of(value) is None or len(value) == 10:
        return None
    return step_time({"at": value})
