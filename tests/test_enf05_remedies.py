"""ENF-05 (行政强制法 第44条) reads the reviews and lawsuits against the decision a demolition enforces:
the gate refuses while one is pending (a first-instance judgment still open to appeal included) or
after one overturned the decision, judged as recorded at the demolition's time, on ``case/`` and
``coercion/`` streams; the ledger finds them through its store (``BatchView.targeting``) and refuses
live; the audit finds them through the file's reviews and lawsuits (a case's group, a 强制 file's
linked streams)."""

from __future__ import annotations

import copy
from datetime import date, datetime
from pathlib import Path
from typing import Any

import orjson
import pytest

from audit.coercion_engine import evaluate_coercion
from audit.engine import evaluate
from audit.files import evaluate_stream
from audit.store import LedgerSource
from domain.appeals import remedy_state, target_of, targeting_in
from domain.gates import firing_gates
from domain.registry import HistoryRegistry
from ledger.importer import import_lines
from projections.sql import Database
from tests.helpers.audit_cases import context, versioned
from tests.helpers.coercion_defects import OWN, own_steps, registry_additions
from tests.helpers.coercion_examples import DOC, ENFORCED_CASE, carried_out, enforcement_steps, registry, step
from tests.helpers.gate_context import CALENDAR, CONFIG, MemoryContext, Raw, context_with
from tests.helpers.kinds_examples import as_step
from tests.helpers.projection_ledgers import import_steps, lines, new_ledger
from tests.helpers.stores import store_config

DECISION = "东城管罚决字〔2026〕第0021号"
REVIEW = "review/DXH-FY-2026-0031"
LAWSUIT = "litigation/DXH-XZ-2026-0031"
PARTY = {"kind": "organisation", "name": "湖北某建材有限公司"}
DEMOLITION_AT = "2026-09-01T09:00:00+08:00"


def review(received: str, *, decided: str | None = None, outcome: str = "upheld", target: Raw | None = None,
           stream: str = REVIEW) -> list[Raw]:
    out = [step(stream, "ReconsiderationApplied", received, {
        "applicant": PARTY, "target": target or {"case": ENFORCED_CASE, "document_no": DECISION},
        "received_at": received}, by="officer/SFJ-0001")]
    if decided is not None:
        out.append(step(stream, "ReconsiderationDecided", decided, {
            "type": outcome, "grounds": ["认定事实清楚"], "decided_at": decided}, by="officer/SFJ-0001"))
    return out


def lawsuit(filed: str, *, judged: str | None = None, outcome: str = "dismissed", instance: str = "first",
            target: Raw | None = None) -> list[Raw]:
    out = [step(LAWSUIT, "LawsuitFiled", filed, {
        "court": "武汉市东西湖区人民法院", "target": target or {"case": ENFORCED_CASE, "document_no": DECISION},
        "filed_at": filed})]
    if judged is not None:
        out.append(step(LAWSUIT, "JudgmentReceived", judged, {
            "outcome": outcome, "received_at": judged, "instance": instance}))
    return out


def notice(stream: str = ENFORCED_CASE, decision_no: str = DECISION) -> Raw:
    return step(stream, "DemolitionNoticePublished", "2026-08-01T09:00:00+08:00", {
        "decision_no": decision_no, "published_at": "2026-08-01T09:00:00+08:00", "channel": "现场张贴",
        "due": "2026-08-20", "document": DOC})


def demolition(stream: str = ENFORCED_CASE, **changes: Any) -> Raw:
    return carried_out(DEMOLITION_AT, "2026-09-01T11:00:00+08:00", stream, enforcement_method="demolition",
                       **changes)


def case_before() -> list[Raw]:
    """The case of §3 with its decision served on 2 Feb (periods lapsed by 3 Aug) and the 公告 due 20 Aug."""
    return [*enforcement_steps()[:3], notice()]


def live_case() -> list[Raw]:
    """§3's case as the example records it, up to its decision's service (2 Feb), and the 公告."""
    steps = [s for s in lines("coercion-standalone") if s["stream"] == ENFORCED_CASE]
    served = next(i for i, s in enumerate(steps) if s["type"] == "DecisionServed")
    return [*steps[:served + 1], notice()]


def _registry() -> list[Raw]:
    return [*lines("registry")[:21], *registry_additions()]


def fired_with(before: list[Raw], appeals: list[Raw], judged: Raw) -> dict[str, str]:
    ctx: MemoryContext = context_with(registry())
    for raw in [*appeals, *before]:
        ctx.append(raw)
    found = firing_gates(as_step(judged), HistoryRegistry(ctx), config=CONFIG, calendar=CALENDAR)
    return {f.rule: f.message for f in found}


# --------------------------------------------------------------------------- the pure reading


def test_a_review_targets_a_case_or_another_deciding_stream() -> None:
    assert target_of(review("2026-08-25T10:00:00+08:00")) is not None
    found = target_of(review("2026-08-25T10:00:00+08:00", target={"stream": OWN, "document_no": "X"}))
    assert found is not None and (found.stream, found.document_no) == (OWN, "X")
    assert target_of(case_before()) is None, "a case is no review"
    streams = {REVIEW: review("2026-08-25T10:00:00+08:00"), LAWSUIT: lawsuit("2026-08-25T10:00:00+08:00"),
               "review/OTHER": review("2026-08-25T10:00:00+08:00", target={"case": "case/OTHER", "document_no": "Y"}),
               ENFORCED_CASE: case_before()}
    assert targeting_in(streams, ENFORCED_CASE) == (LAWSUIT, REVIEW)


def test_a_remedy_is_judged_as_recorded_at_the_time() -> None:
    history = review("2026-08-25T10:00:00+08:00", decided="2026-08-28T10:00:00+08:00", outcome="revoked")
    at = datetime.fromisoformat
    before = remedy_state(REVIEW, history, at("2026-08-24T10:00:00+08:00"), date(2026, 8, 24), 15)
    pending = remedy_state(REVIEW, history, at("2026-08-27T10:00:00+08:00"), date(2026, 8, 27), 15)
    ended = remedy_state(REVIEW, history, at("2026-08-28T10:00:00+08:00"), date(2026, 8, 28), 15)
    assert before is None
    assert pending is not None and pending.pending and pending.overturned is None
    assert ended is not None and not ended.pending and ended.overturned == "撤销"


# --------------------------------------------------------------------------- the gate, on both sides


def test_enf05_lawful_demolition_with_no_remedy_is_let_through() -> None:
    assert fired_with(case_before(), [], demolition()) == {}


@pytest.mark.parametrize(("appeals", "refused"), [
    (review("2026-08-25T10:00:00+08:00"), "复议"),
    (review("2026-08-25T10:00:00+08:00", decided="2026-08-28T10:00:00+08:00"), None),
    (review("2026-08-25T10:00:00+08:00", decided="2026-09-01T09:00:00+08:00"), None),  # the same instant
    (review("2026-08-25T10:00:00+08:00", decided="2026-09-01T09:00:01+08:00"), "复议"),  # decided later
    (review("2026-08-25T10:00:00+08:00", decided="2026-08-28T10:00:00+08:00", outcome="revoked"), "撤销"),
    (review("2026-08-25T10:00:00+08:00", decided="2026-08-28T10:00:00+08:00", outcome="terminated"), None),
    (review("2026-09-01T09:00:01+08:00"), None),  # filed after the demolition
    (review("2026-08-25T10:00:00+08:00", target={"case": "case/OTHER", "document_no": DECISION}), None),
    (lawsuit("2026-08-25T10:00:00+08:00"), "诉讼"),
    (lawsuit("2026-08-10T10:00:00+08:00", judged="2026-08-17T10:00:00+08:00"), "诉讼"),  # appeal runs to 1 Sep
    (lawsuit("2026-08-10T10:00:00+08:00", judged="2026-08-16T10:00:00+08:00"), None),   # ran out on 31 Aug
    (lawsuit("2026-08-10T10:00:00+08:00", judged="2026-08-31T10:00:00+08:00", instance="second"), None),
    (lawsuit("2026-08-10T10:00:00+08:00", judged="2026-08-16T10:00:00+08:00", outcome="revoked"), "撤销"),
], ids=lambda v: v if isinstance(v, str) or v is None else v[-1]["type"])
def test_enf05_refuses_while_a_review_or_lawsuit_is_pending_or_after_it_overturned(
        appeals: list[Raw], refused: str | None) -> None:
    found = fired_with(case_before(), appeals, demolition())
    if refused is None:
        assert found == {}
    else:
        assert set(found) == {"ENF-05"} and refused in found["ENF-05"], found


def test_enf05_only_the_decision_enforced_counts() -> None:
    decided = step(ENFORCED_CASE, "EnforcementDecided", "2026-08-03T10:00:00+08:00", {
        "document_no": "东城管强执字〔2026〕第0009号", "decision_no": DECISION})
    before = [*case_before(), decided]
    carried = demolition(decision_no="东城管强执字〔2026〕第0009号")
    other = review("2026-08-25T10:00:00+08:00",
                   target={"case": ENFORCED_CASE, "document_no": "东城管罚决字〔2026〕第0099号"})
    assert fired_with(before, other, carried) == {}, "a review of another decision of the case"
    assert set(fired_with(before, review("2026-08-25T10:00:00+08:00"), carried)) == {"ENF-05"}


def test_enf05_on_a_coercion_stream_reads_the_reviews_of_the_decision_it_enforces() -> None:
    coercion = "coercion/DXH-CGJ-ZX-2026-0031"
    opened = step(coercion, "CoercionOpened", "2026-07-01T09:00:00+08:00", {
        "agency": "agency/DXH-CGJ", "purpose": "enforcement", "party": PARTY, "summary": "违法建设逾期未拆除",
        "handlers": ["officer/42011219001", "officer/42011219002"],
        "decision": {"stream": ENFORCED_CASE, "document_no": DECISION, "served_on": "2026-02-02"}})
    before = [opened, notice(coercion)]
    assert fired_with(before, [], demolition(coercion)) == {}
    assert set(fired_with(before, review("2026-08-25T10:00:00+08:00"), demolition(coercion))) == {"ENF-05"}
    own = review("2026-08-25T10:00:00+08:00", target={"stream": coercion, "document_no": DECISION})
    assert set(fired_with(before, own, demolition(coercion))) == {"ENF-05"}, "a review naming the file itself"


# --------------------------------------------------------------------------- live, through the ledger


def _import(ledger: Any, steps: list[Raw], *, backfill: bool) -> str | None:
    result = import_lines(ledger, [orjson.dumps(s) for s in steps], actor="officer/admin", backfill=backfill)
    return None if result.refusal is None else f"[{result.refusal.rule}] {result.refusal.message}"


def _demolition_ledger(tmp_path: Path, backend: str, appeals: list[Raw]) -> tuple[str | None, dict[str, str]]:
    """The case (backfilled), the appeals (backfilled), then the demolition recorded live; and the
    audit of the case afterwards (its ENF-05 finding, if any)."""
    with store_config(backend, tmp_path) as config:
        ledger = new_ledger(config, tmp_path / "keys.json")
        try:
            import_steps(ledger, _registry())
            import_steps(ledger, [*live_case(), *appeals], backfill=True)
            refusal = _import(ledger, [demolition()], backfill=False)
            if refusal is not None:
                import_steps(ledger, [demolition()], backfill=True)
            db = Database(ledger.store)
            try:
                source = LedgerSource(db)
                ev = evaluate_stream(source, ENFORCED_CASE, source.context(date(2026, 12, 31)))
            finally:
                db.close()
            assert ev is not None
            return refusal, {f.rule: f.message for f in ev.findings if f.rule == "ENF-05"}
        finally:
            ledger.close()


def test_enf05_live_the_ledger_finds_the_pending_review_and_refuses(backend: str, tmp_path: Path) -> None:
    refusal, audited = _demolition_ledger(tmp_path / "pending", backend, review("2026-08-25T10:00:00+08:00"))
    assert refusal is not None and refusal.startswith("[ENF-05]") and REVIEW in refusal
    assert "ENF-05" in audited and REVIEW in audited["ENF-05"]
    refusal, audited = _demolition_ledger(tmp_path / "decided", backend,
                                          review("2026-08-25T10:00:00+08:00", decided="2026-08-28T10:00:00+08:00"))
    assert refusal is None and audited == {}


def test_enf05_live_a_review_opened_earlier_in_the_same_batch_is_seen(tmp_path: Path) -> None:
    with store_config("sqlite", tmp_path) as config:
        ledger = new_ledger(config, tmp_path / "keys.json")
        try:
            import_steps(ledger, _registry())
            import_steps(ledger, live_case(), backfill=True)
            view_steps = [*review("2026-08-25T10:00:00+08:00"), demolition()]
            refusal = _import(ledger, view_steps, backfill=False)
            assert refusal is not None and refusal.startswith("[ENF-05]")
        finally:
            ledger.close()


# --------------------------------------------------------------------------- the audit


def test_enf05_audit_of_a_case_reads_its_reviews() -> None:
    steps = versioned([*case_before(), demolition()])
    ctx = context(date(2026, 12, 31), extra_registry=registry_additions())
    quiet = evaluate(ENFORCED_CASE, steps, ctx)
    assert "ENF-05" not in {f.rule for f in quiet.findings}
    pending = evaluate(ENFORCED_CASE, steps, ctx, reviews={REVIEW: versioned(review("2026-08-25T10:00:00+08:00"))})
    assert "ENF-05" in {f.rule for f in pending.findings}
    later = review("2026-08-25T10:00:00+08:00", decided="2026-10-10T10:00:00+08:00")
    judged_later = evaluate(ENFORCED_CASE, steps, ctx, reviews={REVIEW: versioned(later)})
    assert "ENF-05" in {f.rule for f in judged_later.findings}, "decided after the demolition"


def test_enf05_audit_of_a_coercion_file_reads_its_linked_reviews() -> None:
    steps = copy.deepcopy(own_steps())
    steps[0]["data"]["decision"]["stream"] = "case/DXH-CGJ-2026-0090"
    for s in steps:
        if s["type"] in ("EnforcementDecided", "EnforcementCarriedOut"):
            s["data"]["enforcement_method"] = "demolition"
    carried = next(i for i, s in enumerate(steps) if s["type"] == "EnforcementCarriedOut")
    steps.insert(carried, notice(OWN, "东城管罚决字〔2026〕第0090号") | {"at": "2026-04-14T16:00:00+08:00"})
    steps[carried]["data"]["due"] = "2026-04-17"
    steps[carried]["data"]["published_at"] = "2026-04-14T16:00:00+08:00"
    ctx = context(date(2026, 12, 31), extra_registry=registry_additions())
    suit = lawsuit("2026-04-15T10:00:00+08:00", target={"case": "case/DXH-CGJ-2026-0090",
                                                         "document_no": "东城管罚决字〔2026〕第0090号"})
    plain = evaluate_coercion(OWN, versioned(steps), ctx)
    linked = evaluate_coercion(OWN, versioned(steps), ctx, linked={LAWSUIT: versioned(suit)})
    plain_msgs = [f.message for f in plain.findings if f.rule == "ENF-05"]
    linked_msgs = [f.message for f in linked.findings if f.rule == "ENF-05"]
    assert not any(LAWSUIT in m for m in plain_msgs)
    assert any(LAWSUIT in m for m in linked_msgs), linked_msgs
