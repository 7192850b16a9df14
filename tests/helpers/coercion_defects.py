"""The coercion audit's builders and defect tables: the brief's §2 emergency seizure (the ``coercion/``
stream of examples/coercion-standalone.jsonl) and §3 代履行 (its ``case/DXH-CGJ-2026-0021``), a lawful
freezing and a lawful enforcement by an agency with the power (built here: no example has them), and
one entry per defect that breaks one thing and names the rules that must fire and some that must not
(tests/test_coercion_audit.py)."""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from audit.coercion_engine import evaluate_coercion
from audit.engine import evaluate
from audit.model import BLOCKER, MAJOR, MINOR, Evaluation
from tests.helpers.audit_cases import context, versioned
from tests.helpers.coercion_examples import CGJ, HEAD, LAW_BASIS, OFFICER_1, OFFICER_2, item, step
from tests.helpers.licence_defects import edit, fired, insert_before, moved, put, without
from tests.helpers.projection_ledgers import lines

Raw = dict[str, Any]
COERCION = "coercion/DXH-CGJ-QZ-2026-0003"
SUBSTITUTE_CASE = "case/DXH-CGJ-2026-0021"
FREEZE = "coercion/DXH-CGJ-QZ-2026-0009"
OWN = "coercion/DXH-CGJ-ZX-2026-0001"
AS_OF = date(2026, 12, 31)
EXPIRED = "officer/42011219007"
VETO = frozenset({"EVAL-01"})
CASE_VETO = frozenset({"EVAL-01", "PEN-39"})
REMEDIES = {"reconsideration_bodies": ["武汉市东西湖区人民政府"], "reconsideration_days": 60,
            "court": "武汉市东西湖区人民法院", "litigation_months": 6}

__all__ = ["AS_OF", "BRIEF_DEFECTS", "COERCION", "DEFECTS", "OWN", "Defect", "court_application", "court_demand",
           "doc", "edit", "fired", "freeze_steps",
           "insert_before", "moved", "own_steps", "put", "run", "run_defect", "standalone", "substitute_case",
           "without"]


def doc(name: str, n: int) -> Raw:
    return {"sha256": f"{n:064x}", "bytes": 1024, "media_type": "application/pdf", "name": name}


def video(n: int) -> Raw:
    return {"sha256": f"{n:064x}", "bytes": 4096, "media_type": "video/mp4", "name": "执法记录仪视频"}


def registry_additions() -> list[Raw]:
    """The brief's registry additions (examples/registry.jsonl after its 21 existing lines), and two
    items built here: a freezing founded on a law, and an enforcement power (恢复原状, 划拨, 强制拆除) a law
    gives, published on 20 Mar 2026 (after §3's case, whose agency has none)."""
    return [*lines("registry")[21:],
            item("CGJ-DJ-QZ-01", "coercion", coercion={"measures": ["freeze"]}),
            item("CGJ-QZ-ZX-01", "enforcement", at="2026-03-20T09:00:00+08:00",
                 enforcement={"methods": ["restore", "account_transfer", "demolition"]})]


def standalone() -> list[Raw]:
    """§2's ``coercion/`` stream as the example records it."""
    return [s for s in lines("coercion-standalone") if s["stream"] == COERCION]


def substitute_case() -> list[Raw]:
    """§3's case with its 代履行, as the example records it."""
    return [s for s in lines("coercion-standalone") if s["stream"] == SUBSTITUTE_CASE]


def freeze_steps() -> list[Raw]:
    """A lawful freezing: approved, notified to the bank, decision served within 3 WD, released with
    the bank and the party told the same day, published, closed."""
    s = FREEZE
    return [
        step(s, "CoercionOpened", "2026-03-02T09:00:00+08:00", {
            "agency": CGJ, "purpose": "measure", "party": {"kind": "organisation", "name": "武汉某贸易有限公司"},
            "summary": "冻结违法所得", "item": "CGJ-DJ-QZ-01", "handlers": [OFFICER_1, OFFICER_2]}),
        step(s, "CoercionApprovalDecided", "2026-03-02T09:30:00+08:00", {
            "measure_id": "F1", "measure": "freeze", "decided_by": HEAD, "approved": True, "reason": "冻结",
            "basis": LAW_BASIS, "document": doc("实施行政强制措施审批表", 1)}, by=HEAD),
        step(s, "FreezeImposed", "2026-03-02T10:00:00+08:00", {
            "measure_id": "F1", "officers": [OFFICER_1, OFFICER_2], "credentials_shown": True,
            "institution": "某银行东西湖支行", "account": "6222000000000000", "amount_fen": 100000,
            "amount_involved_fen": 100000, "notice": doc("冻结通知书", 2), "record": doc("现场笔录", 3),
            "frozen_at": "2026-03-02T10:00:00+08:00"}),
        step(s, "FreezeDecisionServed", "2026-03-05T10:00:00+08:00", {
            "measure_id": "F1", "decision": {
                "document_no": "东城管冻字〔2026〕第0001号", "reason": "冻结违法所得", "basis": LAW_BASIS, "days": 30,
                "until": "2026-04-01", "account": "6222000000000000", "amount_fen": 100000, "remedies": REMEDIES,
                "sealed_by": CGJ, "document": doc("冻结决定书", 4)},
            "method": "in_person", "served_at": "2026-03-05T10:00:00+08:00", "receipt": doc("送达回证", 5)}),
        step(s, "CoercionReleased", "2026-03-20T10:00:00+08:00", {
            "measure_id": "F1", "ground": "decided", "document_no": "东城管解冻字〔2026〕第0001号",
            "document": doc("解除冻结决定书", 6), "served_at": "2026-03-20T10:00:00+08:00",
            "institution_notified_at": "2026-03-20T09:30:00+08:00"}),
        step(s, "DecisionPublished", "2026-03-25T10:00:00+08:00", {
            "published_at": "2026-03-25T10:00:00+08:00", "channel": "区政府门户网站",
            "text": "东城管冻字〔2026〕第0001号：武汉某贸易有限公司 冻结，已解除。"}),
        step(s, "CaseClosed", "2026-03-26T10:00:00+08:00", {"approved_by": HEAD, "summary": "冻结已解除，办结"},
             by=HEAD),
    ]


def own_steps() -> list[Raw]:
    """A lawful enforcement by an agency a law empowers (恢复原状): 催告, its period passed, the decision
    served, carried out on a working day by two officers, published, closed."""
    s = OWN
    return [
        step(s, "CoercionOpened", "2026-04-01T09:00:00+08:00", {
            "agency": CGJ, "purpose": "enforcement", "party": {"kind": "organisation", "name": "武汉某置业有限公司"},
            "summary": "责令恢复原状逾期未履行", "handlers": [OFFICER_1, OFFICER_2],
            "decision": {"document_no": "东城管罚决字〔2026〕第0090号", "served_on": "2026-03-02"}}),
        step(s, "PerformanceDemanded", "2026-04-01T10:00:00+08:00", {
            "obligation": "restore", "decision_no": "东城管罚决字〔2026〕第0090号", "due": "2026-04-10",
            "performance_method": "自行恢复绿地原状", "rights_told": True, "purpose": "agency_enforcement",
            "document": doc("催告书", 11), "method": "in_person", "served_at": "2026-04-01T10:00:00+08:00",
            "receipt": doc("催告书送达回证", 12)}),
        step(s, "EnforcementDecided", "2026-04-14T10:00:00+08:00", {
            "document_no": "东城管强执字〔2026〕第0001号", "decision_no": "东城管罚决字〔2026〕第0090号",
            "reason": "逾期不恢复原状", "basis": LAW_BASIS, "enforcement_method": "restore",
            "scheduled_at": "2026-04-21T09:00:00+08:00", "remedies": REMEDIES, "approved_by": HEAD, "sealed_by": CGJ,
            "document": doc("强制执行决定书", 13)}, by=HEAD),
        step(s, "DecisionServed", "2026-04-14T15:00:00+08:00", {
            "method": "in_person", "served_at": "2026-04-14T15:00:00+08:00", "receipt": doc("送达回证", 14),
            "document_no": "东城管强执字〔2026〕第0001号"}),
        step(s, "EnforcementCarriedOut", "2026-04-21T09:00:00+08:00", {
            "enforcement_method": "restore", "decision_no": "东城管强执字〔2026〕第0001号",
            "officers": [OFFICER_1, OFFICER_2], "credentials_shown": True, "place": "东西湖区某小区绿地",
            "started_at": "2026-04-21T09:00:00+08:00", "ended_at": "2026-04-21T11:00:00+08:00",
            "party_present": True, "record": doc("执行笔录", 15), "av": [video(16)],
            "signatures": {"officers": True, "party": True}, "result": "done"}),
        step(s, "DecisionPublished", "2026-04-24T10:00:00+08:00", {
            "published_at": "2026-04-24T10:00:00+08:00", "channel": "区政府门户网站",
            "text": "东城管强执字〔2026〕第0001号：武汉某置业有限公司逾期未恢复绿地原状，已依法强制执行完毕。"}),
        step(s, "CaseClosed", "2026-04-27T10:00:00+08:00", {"approved_by": HEAD, "summary": "强制执行完毕，办结"},
             by=HEAD),
    ]


def run(steps: list[Raw], *, as_of: date = AS_OF, linked: dict[str, list[Raw]] | None = None) -> Evaluation:
    """The file of ``steps`` evaluated as the audit does: a ``coercion/`` stream by its own engine (with
    the streams it links), a case with its measures and enforcement by the case engine."""
    ctx = context(as_of, extra_registry=registry_additions())
    stream = steps[0]["stream"]
    if stream.startswith("coercion/"):
        return evaluate_coercion(stream, versioned(steps), ctx,
                                 linked={k: versioned(v) for k, v in (linked or {}).items()})
    return evaluate(stream, versioned(steps), ctx)


# --------------------------------------------------------------------------- edits


def replace_step(steps: list[Raw], step_type: str, new: Raw) -> list[Raw]:
    out = copy.deepcopy(steps)
    out[[s["type"] for s in out].index(step_type)] = new
    return out


def append(steps: list[Raw], *new: Raw, before: str | None = None) -> list[Raw]:
    out = copy.deepcopy(steps)
    if before is None:
        return out + list(new)
    at = [s["type"] for s in out].index(before)
    return [*out[:at], *new, *out[at:]]


def late_disposal() -> list[Raw]:
    """§2 defect 3: the disposal on 3 Nov, after the period ended on 30 Oct (no extension)."""
    steps = edit(standalone(), "SeizureDisposed", moved("2026-11-03T11:00:00"))
    disposal = steps.pop([s["type"] for s in steps].index("SeizureDisposed"))
    return append(steps, disposal, before="CaseArchived")


def substitute_on(day: str, **extra: Any) -> list[Raw]:
    """§3 defects 1 and 2: the 代履行 scheduled and carried out on ``day`` (09:00–11:30)."""
    steps = edit(substitute_case(), "SubstituteDecisionServed", put("scheduled_at", f"{day}T09:00:00+08:00"))
    steps = edit(steps, "EnforcementCarriedOut", moved(f"{day}T09:00:00", "started_at"))
    steps = edit(steps, "EnforcementCarriedOut", put("ended_at", f"{day}T11:30:00+08:00"))
    for key, value in extra.items():
        steps = edit(steps, "EnforcementCarriedOut", put(key, value))
    return steps


def transfer_without_power() -> list[Raw]:
    """§3 defect 3: the fine unpaid, the 城管 decides a 划拨 of it on 2 Mar."""
    steps = edit(substitute_case(), "PaymentRecorded", lambda s: s.update(type="_drop"))
    steps = [s for s in steps if s["type"] != "_drop"]
    decided = step(SUBSTITUTE_CASE, "EnforcementDecided", "2026-03-02T09:00:00+08:00", {
        "document_no": "东城管强执字〔2026〕第0003号", "decision_no": "东城管罚决字〔2026〕第0021号",
        "reason": "逾期不缴纳罚款", "basis": LAW_BASIS, "enforcement_method": "account_transfer",
        "scheduled_at": "2026-03-09T09:00:00+08:00", "remedies": REMEDIES, "approved_by": HEAD, "sealed_by": CGJ,
        "document": doc("强制执行决定书", 31)}, by=HEAD)
    return append(steps, decided, before="SubstituteCostAssessed")


def extension_after_end() -> list[Raw]:
    """§2 defect 3's variant: a ``CoercionExtended`` recorded on 31 Oct (backfilled: the gate refused it live)."""
    extended = step(COERCION, "CoercionExtended", "2026-10-31T10:00:00+08:00", {
        "measure_id": "M1", "approved_by": HEAD, "days": 30, "until": "2026-11-29", "reason": "案情复杂",
        "document_no": "东城管延字〔2026〕第0003号", "notice": doc("延长决定书", 41),
        "served_at": "2026-10-31T10:00:00+08:00"})
    steps = late_disposal()
    return append(steps, extended, before="SeizureDisposed")


# --------------------------------------------------------------------------- the tables


@dataclass(frozen=True)
class Defect:
    """One thing broken: the rule that must fire, its severity, the companions expected with it, and
    rules that must stay quiet."""

    name: str
    rule: str
    severity: str
    build: Callable[[], list[Raw]]
    also: frozenset[str] = field(default_factory=frozenset)
    quiet: frozenset[str] = field(default_factory=frozenset)
    as_of: date = AS_OF

    @property
    def expected(self) -> set[str]:
        veto = (CASE_VETO if self.build()[0]["stream"].startswith("case/") else VETO) \
            if self.severity == BLOCKER else frozenset()
        return {self.rule, *self.also, *veto}


def _f(*rules: str) -> frozenset[str]:
    return frozenset(rules)


BRIEF_DEFECTS: tuple[Defect, ...] = (
    Defect("§2.1 report after 24 hours", "COE-04", MAJOR,
           lambda: edit(edit(standalone(), "CoercionApprovalDecided", moved("2026-10-01T21:10:00")),
                        "CoercionApprovalDecided", put("reported_at", "2026-10-01T21:00:00+08:00")),
           quiet=_f("COE-03", "COE-02")),
    Defect("§2.2 an officer with an expired credential", "COE-02", BLOCKER,
           lambda: edit(standalone(), "SeizureImposed", put("officers", [OFFICER_1, EXPIRED])),
           quiet=_f("PEN-04")),
    Defect("§2.3 disposal after the period ended", "COE-08", MAJOR, late_disposal, quiet=_f("COE-07")),
    Defect("§2.3 variant: an extension after the end", "COE-07", BLOCKER, extension_after_end, also=_f("COE-08")),
    Defect("§3.1 代履行 one day too early", "ENF-08", MAJOR, lambda: substitute_on("2026-02-25"),
           quiet=_f("ENF-02", "ENF-06")),
    Defect("§3.2 代履行 during the Spring Festival", "ENF-06", BLOCKER, lambda: substitute_on("2026-02-18"),
           also=_f("ENF-08"), quiet=_f("ENF-01", "ENF-05")),
    Defect("§3.2 variant: urgent", "ENF-08", MAJOR,
           lambda: substitute_on("2026-02-18", urgent=True, urgent_reason="建材堵塞消防通道"), quiet=_f("ENF-06")),
    Defect("§3.3 enforcement without power", "ENF-01", BLOCKER, transfer_without_power,
           also=_f("PEN-38"), quiet=_f("ENF-09", "PEN-29"), as_of=date(2026, 11, 3)),
)
"""examples-notes.md §2 and §3: each defect with the rules it names and those it excludes."""

_NO_CATEGORY = "东城管扣字〔2026〕第0003号：张某某，已没收。"
_RELEASED_TEXT = "东城管扣字〔2026〕第0003号：对当事人张某某露天烧烤所用工具实施扣押，经查已解除。"


def _released(returned: bool) -> list[Raw]:
    release = step(COERCION, "CoercionReleased", "2026-10-16T11:00:00+08:00", {
        "measure_id": "M1", "ground": "no_violation", "document_no": "东城管解字〔2026〕第0003号",
        "document": doc("解除扣押决定书", 51), "served_at": "2026-10-16T11:00:00+08:00"})
    steps = replace_step(standalone(), "SeizureDisposed", release)
    steps = edit(steps, "DecisionPublished", put("text", _RELEASED_TEXT))
    if returned:
        steps = append(steps, step(COERCION, "SeizedItemsReturned", "2026-10-16T15:00:00+08:00", {
            "measure_id": "M1", "items": ["I1", "I2"], "returned_at": "2026-10-16T15:00:00+08:00",
            "receipt": doc("退还清单", 52)}), before="DecisionPublished")
    return steps


def released() -> list[Raw]:
    """A lawful variant of §2: released (no violation) and returned the same day."""
    return _released(True)


def _testing_at_the_partys_cost() -> list[Raw]:
    notice = step(COERCION, "ExcludedPeriodNotified", "2026-10-09T10:00:00+08:00", {
        "reason": "testing", "measure_id": "M1", "from_on": "2026-10-09", "until": "2026-10-13",
        "notice": doc("检测期间告知书", 61), "served_at": "2026-10-09T10:00:00+08:00", "cost_borne_by": "party"})
    return append(standalone(), notice, before="SeizureDisposed")


def _not_emergency() -> list[Raw]:
    return edit(edit(standalone(), "SeizureImposed", put("emergency", False)), "SeizureImposed",
                put("emergency_reason", None))


def _corrected_not_withdrawn() -> list[Raw]:
    corrected = step(COERCION, "DecisionCorrected", "2026-10-21T09:00:00+08:00", {
        "kind": "revoked", "triggered_by": "self", "effective_at": "2026-10-21T09:00:00+08:00"})
    return append(standalone(), corrected, before="CaseClosed")


def _suspended_by_an_officer() -> list[Raw]:
    suspended = step(OWN, "EnforcementSuspended", "2026-04-16T10:00:00+08:00", {
        "ground": "当事人申请暂缓", "decided_by": OFFICER_1, "document": doc("中止执行决定书", 71)})
    resumed = step(OWN, "EnforcementResumed", "2026-04-17T10:00:00+08:00", {"document": doc("恢复执行决定书", 72)})
    return append(own_steps(), suspended, resumed, before="EnforcementCarriedOut")


def court_demand(at: str = "2026-10-02T10:00:00+08:00") -> Raw:
    """A 催告 before applying to the court (PEN-29: 10 WD before: 2 Oct → 20 Oct across 国庆 and 10 Oct)."""
    return step(COERCION, "PaymentDemanded", at, {
        "served_at": at, "document": doc("催告书", 82), "receipt": doc("催告书送达回证", 83), "due": "2026-10-12",
        "purpose": "court_application"})


def court_application(**changes: Any) -> Raw:
    return step(COERCION, "CourtEnforcementApplied", "2026-10-20T10:00:00+08:00", {
        "court": "武汉市东西湖区人民法院", "applied_at": "2026-10-20T10:00:00+08:00",
        "document": doc("强制执行申请书", 81), **changes})


def _court_application_unsigned() -> list[Raw]:
    return append(standalone(), court_demand(), court_application(), before="CaseClosed")


def _transfer_soon(steps: list[Raw]) -> list[Raw]:
    """The own-power file turned into an early 划拨: decided 14 Apr, though the fine's surcharge (from
    2 Mar + 15 days) has run less than 30 days."""
    for kind in ("EnforcementDecided", "EnforcementCarriedOut"):
        steps = edit(steps, kind, put("enforcement_method", "account_transfer"))
    return steps


DEFECTS: tuple[Defect, ...] = (
    *BRIEF_DEFECTS,
    Defect("the item is a penalty item", "COE-01", BLOCKER,
           lambda: edit(standalone(), "CoercionOpened", put("item", "CGJ-DQ-118-3"))),
    Defect("approved after the measure", "COE-03", BLOCKER, _not_emergency, quiet=_f("COE-04")),
    Defect("rights not told", "COE-05", MAJOR, lambda: edit(standalone(), "SeizureImposed", put("rights_told", False))),
    Defect("list not handed over", "COE-06", MAJOR,
           lambda: edit(standalone(), "SeizureImposed", put("handed_over", False))),
    Defect("a decision of 45 days", "COE-07", BLOCKER,
           lambda: edit(standalone(), "SeizureImposed", put("decision.days", 45)), quiet=_f("COE-08")),
    Defect("testing at the party's cost", "COE-09", MAJOR, _testing_at_the_partys_cost),
    Defect("released, never returned", "COE-10", MAJOR, lambda: _released(False)),
    Defect("freezing decision on the 4th WD", "COE-11", MAJOR,
           lambda: edit(freeze_steps(), "FreezeDecisionServed", moved("2026-03-06T10:00:00", "served_at"))),
    Defect("release not told to the bank", "COE-12", MAJOR,
           lambda: edit(freeze_steps(), "CoercionReleased", put("institution_notified_at", None))),
    Defect("no 催告 before the 代履行 decision", "ENF-02", BLOCKER,
           lambda: without_first(substitute_case(), "PerformanceDemanded")),
    Defect("enforcement decision not served", "ENF-03", MAJOR, lambda: without(own_steps(), "DecisionServed")),
    Defect("credentials not shown at the 代履行", "ENF-04", MAJOR,
           lambda: edit(substitute_case(), "EnforcementCarriedOut", put("credentials_shown", False)),
           also=_f("TS-02")),  # rules.md: TS-02 may accompany it (every step with credentials_shown)
    Defect("a demolition without its 公告", "ENF-05", BLOCKER,
           lambda: edit(edit(own_steps(), "EnforcementDecided", put("enforcement_method", "demolition")),
                        "EnforcementCarriedOut", put("enforcement_method", "demolition")),
           ),
    Defect("the performer did not sign", "ENF-07", MAJOR,
           lambda: edit(substitute_case(), "EnforcementCarriedOut", put("signatures.performer", False))),
    Defect("划拨 before 30 days of surcharge", "ENF-09", MAJOR, lambda: _transfer_soon(own_steps())),
    Defect("suspended by an officer", "ENF-10", MINOR, _suspended_by_an_officer),
    Defect("court application unsigned", "ENF-11", MINOR, _court_application_unsigned),
    Defect("credentials not shown at the freezing", "TS-02", MAJOR,
           lambda: edit(freeze_steps(), "FreezeImposed", put("credentials_shown", False)), also=_f("COE-05")),
    Defect("the enforcement record ends before it starts", "TS-07", MINOR,
           lambda: edit(own_steps(), "EnforcementCarriedOut", put("ended_at", "2026-04-21T08:30:00+08:00"))),
    Defect("one hash, two sizes", "TS-08", MINOR,
           lambda: edit(own_steps(), "DecisionServed", put("receipt", {**doc("送达回证", 13), "bytes": 999}))),
    Defect("court application without a 催告", "PEN-29", MAJOR,
           lambda: append(standalone(), court_application(signed_by=HEAD, materials=[doc("材料", 84)]),
                          before="CaseClosed")),
    Defect("published after 20 WD", "TS-03", MAJOR,
           lambda: edit(standalone(), "DecisionPublished", moved("2026-11-04T09:00:00", "published_at")),
           quiet=_f("PUB-06")),
    Defect("no video of the seizure", "TS-05", MAJOR, lambda: edit(standalone(), "SeizureImposed", put("av", None))),
    Defect("no video of the enforcement", "TS-06", MINOR,
           lambda: edit(own_steps(), "EnforcementCarriedOut", put("av", None))),
    Defect("the record omits the category", "PUB-06", MAJOR,
           lambda: edit(standalone(), "DecisionPublished", put("text", _NO_CATEGORY))),
    Defect("a corrected decision left published", "PUB-07", MAJOR, _corrected_not_withdrawn),
    Defect("no approval form in the file", "EVAL-10", BLOCKER,
           lambda: edit(standalone(), "CoercionApprovalDecided", put("document", None))),
)
"""One defect per rule of the coercion book (and the brief's), each on a lawful file."""


def without_first(steps: list[Raw], step_type: str) -> list[Raw]:
    out = copy.deepcopy(steps)
    del out[[s["type"] for s in out].index(step_type)]
    return out


def run_defect(defect: Defect) -> Evaluation:
    return run(defect.build(), as_of=defect.as_of)


