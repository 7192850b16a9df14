"""The rules rules.md reuses on ``coercion/`` streams ("Reused on these streams"): TS-02 at every step
with ``credentials_shown``, TS-07 and TS-08 on every record, PEN-27's 加处罚款 computation on the amounts a
强制 file demands or collects (against the fine of the decision it enforces, read from the linked
stream), PEN-29 on every application to the court; and TS-03 on a penalty case for the measures and
enforcement decisions recorded on it (one TS-03 finding naming each late publication). Each on both
sides of its boundary."""

from __future__ import annotations

import copy
from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from audit.engine import evaluate
from audit.rules.records import CREDENTIAL_STEPS
from domain.config import Config
from tests.helpers.audit_cases import context, versioned
from tests.helpers.coercion_defects import (
    COERCION,
    OWN,
    court_application,
    court_demand,
    doc,
    edit,
    fired,
    own_steps,
    put,
    run,
    standalone,
)
from tests.helpers.coercion_examples import HEAD, step
from tests.helpers.projection_ledgers import lines

Raw = dict[str, Any]
DECIDED = "case/DXH-CGJ-2026-0090"
DECISION = "东城管罚决字〔2026〕第0090号"
FINE = 100_000


def test_ts02_covers_every_step_that_records_the_credential() -> None:
    assert set(CREDENTIAL_STEPS) == {
        "InquiryRecorded", "InspectionRecorded", "SummaryDecisionMade", "SiteVerificationRecorded", "SeizureImposed",
        "FreezeImposed", "EnforcementCarriedOut", "SiteInspectionRecorded", "CorrectionVerified"}
    assert "TS-02" not in fired(run(own_steps()))
    shown = run(edit(own_steps(), "EnforcementCarriedOut", put("credentials_shown", False)))
    assert {"TS-02", "ENF-04"} <= fired(shown), "TS-02 accompanies ENF-04"


@pytest.mark.parametrize(("ended", "fires"), [("2026-04-21T09:00:00+08:00", False),
                                              ("2026-04-21T08:59:00+08:00", True)])
def test_ts07_a_record_ends_no_earlier_than_it_starts(ended: str, fires: bool) -> None:
    ev = run(edit(own_steps(), "EnforcementCarriedOut", put("ended_at", ended)))
    assert ("TS-07" in fired(ev)) == fires


@pytest.mark.parametrize(("served", "fires"), [("2026-04-14T10:00:00+08:00", False),
                                               ("2026-04-14T09:59:00+08:00", True)])
def test_ts07_a_service_no_earlier_than_the_decision_it_names(served: str, fires: bool) -> None:
    ev = run(edit(own_steps(), "DecisionServed", put("served_at", served)))
    assert ("TS-07" in fired(ev)) == fires


def test_ts07_a_closing_states_what_was_done() -> None:
    assert "TS-07" in fired(run(edit(own_steps(), "CaseClosed", put("summary", " "))))


@pytest.mark.parametrize(("size", "fires"), [(1024, False), (1025, True)])
def test_ts08_one_hash_one_size(size: int, fires: bool) -> None:
    ev = run(edit(own_steps(), "DecisionServed", put("receipt", {**doc("送达回证", 13), "bytes": size})))
    assert ("TS-08" in fired(ev)) == fires


# --------------------------------------------------------------------------- PEN-27


def _decided_case(payment_due_days: int | None = None) -> list[Raw]:
    data: Raw = {"document_no": DECISION, "penalties": [{"type": "fine", "amount_fen": FINE}]}
    if payment_due_days is not None:
        data["payment_due_days"] = payment_due_days
    return [step(DECIDED, "DecisionMade", "2026-03-01T10:00:00+08:00", data)]


def _paid(on: str, amount: int) -> list[Raw]:
    """The own-power file enforcing the fine of ``DECIDED`` (served 2 Mar: to pay by 17 Mar), paid ``amount``."""
    steps = copy.deepcopy(own_steps())
    steps[0]["data"]["decision"]["stream"] = DECIDED
    paid = step(OWN, "PaymentRecorded", f"{on}T10:00:00+08:00", {
        "amount_fen": amount, "paid_at": f"{on}T10:00:00+08:00", "channel": "bank", "receipt_no": "R-1"})
    closing = [s["type"] for s in steps].index("CaseClosed")
    return [*steps[:closing], paid, *steps[closing:]]


@pytest.mark.parametrize(("on", "amount", "fires"), [
    ("2026-03-17", FINE, False), ("2026-03-17", FINE + 1, True),              # within the period: the fine only
    ("2026-03-27", 130_000, False), ("2026-03-27", 130_001, True),            # 10 days late: 3 % a day
    ("2026-05-01", 2 * FINE, False), ("2026-05-01", 2 * FINE + 1, True),      # 45 days late: capped at the fine
])
def test_pen27_the_surcharge_on_a_coercion_file(on: str, amount: int, fires: bool) -> None:
    ev = run(_paid(on, amount), linked={DECIDED: _decided_case()})
    assert ("PEN-27" in fired(ev)) == fires, [f.message for f in ev.findings]


def test_pen27_reads_the_period_the_decision_gave_and_needs_the_decision() -> None:
    assert "PEN-27" not in fired(run(_paid("2026-03-27", 130_001))), "no linked decision: nothing to compute"
    longer = run(_paid("2026-03-27", 130_001), linked={DECIDED: _decided_case(payment_due_days=14)})
    assert "PEN-27" not in fired(longer), "due 16 Mar: 11 days late allow 133 000"


# --------------------------------------------------------------------------- PEN-29


def _applied(demand_at: str | None, *, served_on: str | None = None) -> list[Raw]:
    steps = copy.deepcopy(standalone())
    if served_on is not None:
        steps[0]["data"]["decision"] = {"document_no": DECISION, "served_on": served_on}
    new = ([court_demand(demand_at)] if demand_at else []) + [
        court_application(signed_by=HEAD, materials=[doc("材料", 84)])]
    closing = [s["type"] for s in steps].index("CaseClosed")
    return [*steps[:closing], *new, *steps[closing:]]


@pytest.mark.parametrize(("demand_at", "fires"), [
    (None, True), ("2026-10-02T10:00:00+08:00", False), ("2026-10-08T10:00:00+08:00", True)])
def test_pen29_a_demand_ten_working_days_before_across_national_day(demand_at: str | None, fires: bool) -> None:
    assert ("PEN-29" in fired(run(_applied(demand_at)))) == fires


@pytest.mark.parametrize(("served_on", "fires"), [
    ("2026-04-19", False), ("2026-04-20", True),   # lapsed 19 Oct / on 20 Oct
    ("2026-01-16", True), ("2026-01-20", False),   # the 3 months after the lapse (16 Jul → 16 Oct; 20 Oct)
])
def test_pen29_after_the_remedy_periods_and_within_three_months(served_on: str, fires: bool) -> None:
    ev = run(_applied("2026-10-02T10:00:00+08:00", served_on=served_on))
    assert ("PEN-29" in fired(ev)) == fires, [f.message for f in ev.findings]


# --------------------------------------------------------------------------- TS-03 on a case


def _case_published(day: str) -> list[Raw]:
    steps = lines("coercion-case")
    return edit(steps, "DecisionPublished", lambda s: s.update(at=f"{day}T09:00:00+08:00") or s["data"].update(
        published_at=f"{day}T09:00:00+08:00"))


def test_ts03_on_a_case_names_the_measure_published_late_in_the_one_finding() -> None:
    on_time = run(_case_published("2026-07-24"))
    assert "TS-03" not in fired(on_time)
    steps = lines("coercion-case")
    measure_day = next(s for s in steps if s["type"] == "SeizureImposed")["at"][:10]
    decision_day = next(s for s in steps if s["type"] == "DecisionMade")["at"][:10]
    assert (measure_day, decision_day) == ("2026-07-07", "2026-07-20"), "the example's dates this test counts from"
    # 20 WD from the seizure on 7 Jul end on 4 Aug; 7 WD from the decision on 20 Jul end on 29 Jul.
    only_penalty = run(_case_published("2026-08-04"))
    ts03 = [f for f in only_penalty.findings if f.rule == "TS-03"]
    assert len(ts03) == 1 and "措施 M1" not in ts03[0].message
    late_both = run(_case_published("2026-08-05"))
    found = [f for f in late_both.findings if f.rule == "TS-03"]
    assert len(found) == 1 and "措施 M1" in found[0].message and "PEN-40" in fired(late_both)
    assert {e.type for e in found[0].events} >= {"DecisionMade", "SeizureImposed"}


def test_ts03_on_a_case_follows_the_coercion_publication_setting() -> None:
    steps = _case_published("2026-08-05")
    config = Config()
    off = replace(config, publication=replace(config.publication, coercion=False))
    ev = evaluate(steps[0]["stream"], versioned(steps), context(date(2026, 12, 31), config=off))
    found = [f for f in ev.findings if f.rule == "TS-03"]
    assert len(found) == 1 and "措施 M1" not in found[0].message


_ = COERCION
