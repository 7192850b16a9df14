"""The 行政强制措施 gates (COE-01, COE-02, COE-03, COE-06, COE-07): judged at the measure steps of
``case/`` and ``coercion/`` streams.

Why these refuse: a seizure or freezing by a body the law does not empower, by fewer than two
qualified officers, without a head's prior approval, without seal or basis, or beyond its maximum
period is the veto of a 强制 file (EVAL-01), and property once seized cannot be un-seized by an
audit. An emergency measure (第19条) is judged by COE-04 in the audit, not by COE-03.
"""

from __future__ import annotations

from typing import Final, cast

from domain.coercion_limits import measure_period, measure_started_at
from domain.coercion_state import CoercionState, fold_coercion
from domain.config import COERCION_LAW, effective_coercion_terms
from domain.gates.core import Judged, gate
from domain.gates.officers import listed_officers, officer_problems
from domain.limits import within
from domain.reading import int_of, mapping_of
from domain.registry import Item
from domain.step_types import StepType

COERCIONS: Final = frozenset({"case", "coercion"})
"""A measure is recorded on the case it serves or on a ``coercion/`` stream of its own."""


def step_types(*names: str) -> frozenset[StepType]:
    """The #16 step types, until the vocabulary that adds them regenerates ``StepType``."""
    return cast(frozenset[StepType], frozenset(names))


MEASURES: Final = step_types("SeizureImposed", "FreezeImposed")
_NAMES: Final = {"seal": "查封", "seize": "扣押", "freeze": "冻结"}
_FOUNDING: Final = frozenset({"law", "administrative_regulation", "local_regulation"})
MIN_OFFICERS: Final = 2
"""第18条(二) "由两名以上行政执法人员实施", kept for freezing by 第30条: statutory, not a setting."""


def coercion_state(j: Judged) -> CoercionState:
    return fold_coercion(j.step.stream, j.ctx.history(j.step.stream))


def measure_kind(j: Judged) -> str:
    return "freeze" if j.step.type == "FreezeImposed" else str(j.step.data.get("measure") or "")


def coercion_item(j: Judged, state: CoercionState, measure: str) -> Item | None:
    """The published ``coercion`` item of the acting agency (as of the step) covering ``measure``: the
    one ``CoercionOpened`` names, else any that lists it."""
    if j.agency is None:
        return None
    candidates = [j.agency.item(state.item)] if state.item else list(j.agency.items.values())
    for item in candidates:
        if item is not None and item.kind == "coercion" and item.coercion is not None and \
                measure in item.coercion.measures:
            return item
    return None


@gate("COE-01", "强制措施无法律、法规依据或机关无此职权", f"{COERCION_LAW}第十条、第十七条、第二十二条、第二十九条",
      MEASURES, COERCIONS)
def _founded(j: Judged) -> str | None:
    """A published ``coercion`` item of the acting agency covers the measure, founded on a law, an
    administrative regulation or a local regulation — for a freezing on a 法律 (第29条)."""
    measure = measure_kind(j)
    name = _NAMES.get(measure, measure or "强制措施")
    item = coercion_item(j, coercion_state(j), measure)
    if item is None:
        return (f"机关 {j.acting} 在 {j.day} 前未公布涵盖{name}的行政强制事项，不得实施"
                "（第十七条：行政强制措施权不得委托）")
    if measure == "freeze" and "law" not in item.basis_ranks:
        return f"事项 {item.code} 的依据不是法律：冻结存款、汇款只能由法律设定（第十条、第二十九条）"
    if not _FOUNDING & set(item.basis_ranks):
        return f"事项 {item.code} 的依据不是法律、法规：规范性文件不得设定行政强制措施（第十条）"
    return None


@gate("COE-02", "强制措施执法人员不足两名或无有效执法证", f"{COERCION_LAW}第十七条第三款、第十八条第二项、第三十条",
      MEASURES, COERCIONS)
def _two_officers(j: Judged) -> str | None:
    """At least two distinct officers of the acting agency, each with a credential valid that day."""
    problems = officer_problems(j, listed_officers(j.step.data), MIN_OFFICERS, j.acting)
    if not problems:
        return None
    return f"{j.day} 的{_NAMES.get(measure_kind(j), '强制措施')}：" + "；".join(problems)


@gate("COE-03", "实施强制措施前未经行政机关负责人批准", f"{COERCION_LAW}第十八条第一项、第三十条", MEASURES, COERCIONS)
def _approved_before(j: Judged) -> str | None:
    """Unless ``emergency``: a ``CoercionApprovalDecided`` for the ``measure_id`` with ``approved: true``
    by a head of the acting agency, at or before the measure's start (``started_at``/``frozen_at``)."""
    if j.step.data.get("emergency") is True:
        return None
    measure_id = str(j.step.data.get("measure_id"))
    started = measure_started_at(j.step.raw)
    for approval in coercion_state(j).approvals_of(measure_id):
        who = approval.decided_by
        record = j.ctx.officer_as_of(who, approval.at) if who is not None else None
        head = record is not None and record.has_role("head") and record.agency == j.acting
        if approval.approved and head and approval.at <= started:
            return None
    return (f"措施 {measure_id} 实施前（{started.isoformat()}）没有本机关负责人批准的审批记录"
            "（CoercionApprovalDecided，approved 为 true）；情况紧急的，应记为 emergency 并在二十四小时内补办批准")


@gate("COE-06", "查封、扣押决定书未加盖印章或无依据", f"{COERCION_LAW}第二十四条", step_types("SeizureImposed"),
      COERCIONS)
def _sealed(j: Judged) -> str | None:
    """The 查封、扣押决定书 (``decision``) has ``sealed_by`` and a non-empty ``basis``."""
    decision = mapping_of(j.step.data.get("decision"))
    missing = [label for key, label in (("sealed_by", "行政机关印章（sealed_by）"), ("basis", "依据（basis）"))
               if not decision.get(key)]
    if not missing:
        return None
    return "查封、扣押决定书缺少" + "、".join(missing)


def _terms(j: Judged, state: CoercionState, measure_id: str) -> tuple[str, int, int]:
    measure = state.measures.get(measure_id)
    kind = measure.measure if measure is not None else measure_kind(j)
    terms = effective_coercion_terms(j.config, coercion_item(j, state, kind))
    return _NAMES.get(kind, "强制措施"), terms.max_days, terms.max_extension_days


@gate("COE-07", "强制措施期限超过法定上限或延长不合法", f"{COERCION_LAW}第二十五条、第三十二条",
      step_types("SeizureImposed", "FreezeDecisionServed", "CoercionExtended"), COERCIONS)
def _duration(j: Judged) -> str | None:
    """The decided ``days`` at most the maximum (30 ND, or the item's); one extension only, of at most
    the extension maximum, approved by a head of the agency, recorded by the period's last day."""
    state = coercion_state(j)
    measure_id = str(j.step.data.get("measure_id"))
    name, max_days, max_extension = _terms(j, state, measure_id)
    if j.step.type != "CoercionExtended":
        days = int_of(mapping_of(j.step.data.get("decision")).get("days"))
        if days is not None and days > max_days:
            return f"{name}期限为 {days} 日，超过法定上限 {max_days} 日"
        return None
    return _extension_problem(j, state, measure_id, max_extension)


def _extension_problem(j: Judged, state: CoercionState, measure_id: str, max_extension: int) -> str | None:
    if state.extensions.get(measure_id, 0) >= 1:
        return f"措施 {measure_id} 已延长过一次，不得再次延长"
    days = int_of(j.step.data.get("days")) or 0
    if days > max_extension:
        return f"延长 {days} 日，超过延长上限 {max_extension} 日"
    who = j.step.data.get("approved_by")
    record = j.ctx.officer_as_of(who, j.step.at) if isinstance(who, str) else None
    if record is None or not record.has_role("head") or record.agency != j.acting:
        return f"延长未经本机关 {j.acting} 负责人批准（approved_by {who}）"
    item = coercion_item(j, state, state.measures[measure_id].measure) if measure_id in state.measures else None
    terms = effective_coercion_terms(j.config, item)
    period = measure_period(j.ctx.history(j.step.stream), measure_id, j.config, j.calendar, terms)
    if period is not None and within(period.due, j.day) is False:
        return f"措施 {measure_id} 的期限已于 {period.due.due} 届满，{j.day} 不得再决定延长（应已解除或作出处理决定）"
    return None
