"""The 强制-file fold (projections/coercionfile) and the measures of a case file (projections/measures):
the brief's §2 emergency seizure from opening to archive, its deadlines (the 30th day without
roll-forward, the 20-WD publication across 国庆), EVAL-10's 卷内目录, warnings, a freezing with its
decision, extension and release; the case file's measures and enforcement (EVAL-04 items 7 and 16);
and the fold of any prefix."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.calendar import DEFAULT_CALENDAR
from domain.config import Config
from domain.vocabulary import STEPS
from projections.casefile import fold_casefile
from projections.coercionfile import COERCION_ITEMS, HANDLERS, CoercionFile, fold_coercionfile
from projections.coercionfile.model import PROGRESS
from projections.groups import fold_group, registry_streams
from tests.helpers.audit_cases import registry
from tests.helpers.coercion_examples import CGJ, COERCION, DOC, HEAD, LAW_BASIS, OFFICER_1, OFFICER_2, extension, step
from tests.helpers.examples import scaled
from tests.helpers.kinds_examples import versioned
from tests.helpers.projection_ledgers import lines

REGISTRY = registry(lines("registry")[21:])  # the registry with the brief's additions
MEASURE_CASE = "case/DXH-CGJ-2026-0058"
SUBSTITUTE_CASE = "case/DXH-CGJ-2026-0021"
Raw = dict[str, Any]


def standalone(stream: str = COERCION) -> list[Raw]:
    return [s for s in lines("coercion-standalone") if s["stream"] == stream]


def _fold(steps: list[Raw]) -> Any:
    return fold_coercionfile(steps[0]["stream"], versioned(steps), agency_as_of=REGISTRY.agency_as_of)


def test_the_emergency_seizure_from_opening_to_archive() -> None:
    f = _fold(standalone())
    assert (f.agency, f.purpose, f.item, f.status, f.concluded) == (CGJ, "measure", "CGJ-DQ-30-QZ", "archived", True)
    assert f.party is not None and f.party.name == "张建华" and f.person_names == ("张建华",)
    (m,) = f.measures
    assert (m.measure_id, m.name, m.emergency, m.document_no, m.status) == ("M1", "扣押", True,
                                                                             "东城管扣字〔2026〕第0003号", "disposed")
    assert [(i.name, i.disposition, i.disposed_on) for i in m.items] == [
        ("烧烤炉", "confiscated", date(2026, 10, 16)), ("木炭", "confiscated", date(2026, 10, 16))]
    assert m.end is not None and m.end.due == date(2026, 10, 30)  # 30 ND after 30 Sep, not rolled (CAL-08)
    assert [(h.key, h.due.isoformat(), h.in_time) for h in m.hours] == [
        ("COE-04/report", "2026-10-01T20:30:00+08:00", True), ("COE-04/approval", "2026-10-01T20:30:00+08:00", True)]
    assert {d.key: (d.due.due, d.done_on) for d in f.deadlines} == {
        "COE-08/M1": (date(2026, 10, 30), date(2026, 10, 16)),
        "TS-03/M1": (date(2026, 11, 3), date(2026, 10, 20)),  # 20 WD across 国庆, counting Sat 10 Oct
    }
    assert (f.archive_no, f.retention) == ("QZ-2026-0003", "30y")


def test_the_catalogue_follows_eval10() -> None:
    f = _fold(standalone())
    items = [c.item for c in f.catalogue]
    assert items == sorted(items) and items[:3] == [1, 2, 3] and items[-1] == 23
    assert {4, 5, 6, 10, 21, 22} <= set(items)
    assert [c.paginated for c in f.catalogue if c.item in (1, 2, 23)] == [False, False, False]
    assert {c.item_title for c in f.catalogue} <= set(COERCION_ITEMS.values())
    assert next(c.title for c in f.catalogue if c.item == 4) == "紧急情况补办批准审批表"


def test_a_running_measure_warns_near_its_last_day_and_after_it() -> None:
    steps = standalone()[:3]  # opened, seized, approved: nothing disposed of
    f = _fold(steps)
    assert (f.status, f.concluded) == ("measure", False)
    assert [w.key for w in f.warnings(date(2026, 10, 20))] == []
    assert [(w.key, w.state) for w in f.warnings(date(2026, 10, 28))] == [("COE-08/M1", "due_soon")]
    assert ("COE-08/M1", "missed") in [(w.key, w.state) for w in f.warnings(date(2026, 10, 31))]


def test_an_extension_moves_the_end_and_a_release_starts_the_return() -> None:
    steps = standalone()[:3]
    steps.append(extension("2026-10-29T10:00:00+08:00"))
    steps.append(step(COERCION, "CoercionReleased", "2026-11-10T10:00:00+08:00", {
        "measure_id": "M1", "ground": "no_violation", "document_no": "东城管解字〔2026〕第0001号", "document": DOC,
        "served_at": "2026-11-10T10:00:00+08:00"}))
    f = _fold(steps)
    (m,) = f.measures
    assert m.end is not None and m.end.due == date(2026, 11, 29) and m.extensions == (4,)
    assert (m.status, m.released_on, m.release_ground) == ("released", date(2026, 11, 10), "no_violation")
    returned = f.deadline("COE-10/M1")
    assert returned is not None and returned.due.due == date(2026, 11, 10) and returned.done_on is None
    steps.append(step(COERCION, "SeizedItemsReturned", "2026-11-11T10:00:00+08:00", {
        "measure_id": "M1", "items": ["I1", "I2"], "returned_at": "2026-11-11T10:00:00+08:00", "receipt": DOC}))
    f = _fold(steps)
    returned = f.deadline("COE-10/M1")
    assert returned is not None and returned.done_on == date(2026, 11, 11)
    assert [i.disposition for i in f.measures[0].items] == ["returned", "returned"]
    assert next(c.title for c in f.catalogue if c.item == 9) == "文书.pdf"


def freeze_steps() -> list[Raw]:
    """A freezing (冻结) on a coercion stream: approved, notified to the bank, decision served after 3 WD."""
    s = "coercion/DXH-CGJ-QZ-2026-0009"
    return [
        step(s, "CoercionOpened", "2026-03-02T09:00:00+08:00", {
            "agency": CGJ, "purpose": "measure", "party": {"kind": "organisation", "name": "某公司"},
            "summary": "冻结", "handlers": [OFFICER_1, OFFICER_2]}),
        step(s, "CoercionApprovalDecided", "2026-03-02T09:30:00+08:00", {
            "measure_id": "F1", "measure": "freeze", "decided_by": HEAD, "approved": True, "reason": "冻结",
            "basis": LAW_BASIS, "document": DOC}, by=HEAD),
        step(s, "FreezeImposed", "2026-03-02T10:00:00+08:00", {
            "measure_id": "F1", "officers": [OFFICER_1, OFFICER_2], "credentials_shown": True, "institution": "某银行",
            "account": "6222000000000000", "amount_fen": 100000, "amount_involved_fen": 100000, "notice": DOC,
            "record": DOC, "frozen_at": "2026-03-02T10:00:00+08:00"}),
        step(s, "FreezeDecisionServed", "2026-03-06T10:00:00+08:00", {
            "measure_id": "F1", "decision": {
                "document_no": "东城管冻字〔2026〕第0001号", "reason": "冻结", "basis": LAW_BASIS, "days": 30,
                "until": "2026-04-01", "account": "6222000000000000", "amount_fen": 100000,
                "remedies": {"court": "东西湖区人民法院"}, "sealed_by": CGJ, "document": DOC},
            "method": "in_person", "served_at": "2026-03-06T10:00:00+08:00", "receipt": DOC}),
    ]


def test_a_freezing_counts_its_decision_in_working_days() -> None:
    f = _fold(freeze_steps())
    (m,) = f.measures
    assert (m.name, m.institution, m.amount_fen, m.decided_days) == ("冻结", "某银行", 100000, 30)
    decision = f.deadline("COE-11/F1")
    assert decision is not None and decision.due.due == date(2026, 3, 5) and decision.done_on == date(2026, 3, 6)
    assert f.deadline("COE-08/F1") is not None and f.deadline("COE-08/F1").due.due == date(2026, 4, 1)
    assert [(d.step, d.item) for d in f.documents if d.item in (4, 5, 7)] == [
        ("CoercionApprovalDecided", 4), ("FreezeImposed", 5), ("FreezeImposed", 7), ("FreezeDecisionServed", 7),
        ("FreezeDecisionServed", 7)]


def test_the_case_file_shows_its_measure_and_its_papers_as_item_7() -> None:
    steps = versioned([s for s in lines("coercion-case") if s["stream"] == MEASURE_CASE])
    f = fold_casefile(MEASURE_CASE, steps, registry=REGISTRY)
    (m,) = f.measures
    assert (m.measure_id, m.emergency, m.status, m.end.due if m.end else None) == ("M1", False, "disposed",
                                                                                 date(2026, 8, 6))
    assert [i.disposition for i in m.items] == ["confiscated", "confiscated"]  # by DecisionMade.disposes
    assert {d.key: d.done_on for d in f.deadlines if d.rule in ("COE-08", "TS-03")} == {
        "COE-08/M1": date(2026, 7, 20), "TS-03/M1": date(2026, 7, 24)}
    seven = [d.step for d in f.documents if d.item == 7]
    assert {"CoercionApprovalDecided", "SeizureImposed"} <= set(seven)
    assert f.enforcement is not None and not f.enforcement.exists


def test_the_case_file_shows_its_substitute_performance_as_item_16() -> None:
    steps = versioned(standalone(SUBSTITUTE_CASE))
    f = fold_casefile(SUBSTITUTE_CASE, steps, registry=REGISTRY)
    e = f.enforcement
    assert e is not None and e.done and e.cost_fen == 280000 and f.measures == ()
    assert [(d.purpose, d.due) for d in e.demands] == [("agency_enforcement", date(2026, 2, 11)),
                                                      ("substitute_prior", date(2026, 2, 25))]
    assert [(a.type, a.method) for a in e.decisions] == [("SubstituteDecisionServed", "substitute")]
    running = [d for d in f.deadlines if d.rule == "ENF-02"]
    assert [d.holder for d in running] == ["party", "party"]
    assert [w for w in running if w.state(date(2026, 2, 10)) == "due_soon"]  # a 催告 period running
    assert {"SubstituteDecisionServed", "EnforcementCarriedOut", "SubstituteCostAssessed"} <= {
        d.step for d in f.documents if d.item == 16}


def test_a_case_without_measures_has_none() -> None:
    steps = versioned(lines("general-case"))
    f = fold_casefile(steps[0]["stream"], steps, registry=REGISTRY)
    assert (f.measures, f.enforcement) == ((), None)
    assert not [d for d in f.deadlines if d.rule in ("COE-08", "TS-03", "ENF-02")]


def test_a_coercion_stream_is_a_group_of_its_own_with_its_agency() -> None:
    steps = versioned(standalone())
    data = {COERCION: steps}
    assert registry_streams({COERCION: [COERCION]}, data) == [CGJ]
    f = fold_group(COERCION, [COERCION], data, config=Config(), calendar=DEFAULT_CALENDAR)
    assert isinstance(f, CoercionFile) and f.stream == COERCION and f.status == "archived"


def test_every_handled_step_type_belongs_on_a_coercion_stream() -> None:
    assert all("coercion" in STEPS[name].streams for name in HANDLERS)


@settings(max_examples=scaled(60), deadline=None)
@given(st.integers(min_value=1, max_value=9), st.integers(min_value=0, max_value=3))
def test_any_prefix_folds_and_its_status_never_goes_back(n: int, extra: int) -> None:
    """For all prefixes of the lawful file (with or without an extension and a release added): the fold
    is total, its timeline has every step, and a longer prefix is never at an earlier status."""
    steps = copy.deepcopy(standalone())
    additions = [extension("2026-10-20T10:00:00+08:00"),
                 step(COERCION, "CoercionReleased", "2026-10-21T10:00:00+08:00", {
                     "measure_id": "M1", "ground": "decided", "document_no": "x", "document": DOC,
                     "served_at": "2026-10-21T10:00:00+08:00"}),
                 step(COERCION, "SeizedItemsReturned", "2026-10-21T11:00:00+08:00", {
                     "measure_id": "M1", "items": ["I1"], "returned_at": "2026-10-21T11:00:00+08:00",
                     "receipt": DOC})]
    steps = [*steps[:3], *additions[:extra], *steps[3:]]
    n = min(n, len(steps))
    ranks = [PROGRESS[_fold(steps[:k]).status] for k in range(1, n + 1)]
    assert ranks == sorted(ranks)
    assert len(_fold(steps[:n]).timeline) == n


@settings(max_examples=scaled(80), deadline=None)
@given(st.lists(st.sampled_from(["SeizureImposed", "FreezeImposed", "CoercionApprovalDecided", "CoercionExtended",
                                 "CoercionReleased", "SeizedItemsReturned", "SeizureDisposed", "PerformanceDemanded",
                                 "EnforcementDecided", "EnforcementCarriedOut", "DecisionMade", "DecisionPublished"]),
                max_size=8),
       st.sampled_from([None, "M1", "M2", 7]), st.booleans())
def test_any_sequence_of_coercion_steps_folds_without_raising(types: list[str], measure: object, nulls: bool) -> None:
    """For all step sequences (backfilled history may hold anything): both folds are total."""
    steps = [step(COERCION, "CoercionOpened", "2026-03-02T09:00:00+08:00", {"agency": CGJ, "purpose": "measure"})]
    for i, kind in enumerate(types):
        data: dict[str, Any] = {} if nulls else {
            "measure_id": measure, "items": ["I1", None] if i % 2 else [{"id": "I1", "name": "x"}],
            "disposes": [{"measure_id": measure, "items": ["I1"]}], "due": "2026-03-10",
            "started_at": "2026-03-05T10:00:00+08:00", "decision": {"days": 40 if i % 2 else "x"}}
        steps.append(step(COERCION, kind, f"2026-03-{3 + i:02d}T10:00:00+08:00", data))
    f = _fold(steps)
    assert len(f.timeline) == len(steps)
    case = [{**s, "stream": MEASURE_CASE} for s in steps]
    assert len(fold_casefile(MEASURE_CASE, versioned(case)).timeline) == len(steps)
