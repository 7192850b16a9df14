"""The audit of coercive measures and enforcement (案卷评查 of 强制 files, and of the measures and
enforcement on penalty cases): the lawful files find nothing; each defect of
tests/helpers/coercion_defects.py fires exactly its rule (the brief's §2 and §3 defects included, with the
rules they exclude); every rule that counts time is tried on both sides of its boundary (24 clock hours
across 国庆, the 30th day without roll-forward, 20 WD across 国庆 and 10 Oct, 3 WD strictly between
across 春节 and 14 Feb, the night, 3 WD of a freezing, 30 days of surcharge); PEN-04/05 leave the measure
steps of a case to COE-02/05 and PEN-03 does not count an emergency measure."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from audit.coercion_rulebook import COERCION_RULES
from audit.model import BLOCKER
from audit.rulebook import RULES
from tests.helpers.coercion_defects import (
    BRIEF_DEFECTS,
    DEFECTS,
    Defect,
    append,
    edit,
    fired,
    freeze_steps,
    moved,
    own_steps,
    put,
    released,
    run,
    run_defect,
    standalone,
    substitute_case,
)
from tests.helpers.coercion_examples import EXPIRED, LAW_BASIS, OFFICER_1, approval, seizure, step
from tests.helpers.projection_ledgers import lines

Raw = dict[str, Any]
LAWFUL = {"§2 emergency seizure": standalone, "§3 代履行 (case)": substitute_case, "freezing": freeze_steps,
          "enforcement with the power": own_steps, "released and returned": released,
          "seizure in a case": lambda: lines("coercion-case"),
          "the case disposing of §2's items": lambda: [s for s in lines("coercion-standalone")
                                                      if s["stream"] == "case/DXH-CGJ-2026-0101"]}


@pytest.mark.parametrize("name", sorted(LAWFUL))
def test_lawful_files_score_excellent_with_no_finding(name: str) -> None:
    ev = run(LAWFUL[name]())
    assert ev.findings == (), [f.as_json() for f in ev.findings]
    assert (ev.score, ev.grade, ev.veto) == (100, "优秀", False)


@pytest.mark.parametrize("defect", DEFECTS, ids=[f"{d.rule}:{d.name}" for d in DEFECTS])
def test_each_defect_fires_exactly_its_rule(defect: Defect) -> None:
    ev = run_defect(defect)
    assert fired(ev) == defect.expected, [f.as_json() for f in ev.findings]
    assert not fired(ev) & defect.quiet
    finding = ev.by_rule()[defect.rule]
    assert finding.severity == defect.severity, finding.as_json()
    assert finding.basis and finding.message and finding.category
    stream = defect.build()[0]["stream"]
    assert finding.events and all(e.stream == stream and e.version >= 1 for e in finding.events)
    assert ev.veto == (defect.severity == BLOCKER)
    if defect.severity == BLOCKER:
        assert ev.grade == "不合格" and ev.by_rule()["EVAL-01"].severity == BLOCKER


def test_every_rule_of_the_book_has_a_defect_test() -> None:
    wanted = {f"COE-{n:02d}" for n in range(1, 14)} | {f"ENF-{n:02d}" for n in range(1, 12)} | {
        "TS-02", "TS-03", "TS-05", "TS-06", "TS-07", "TS-08", "PUB-06", "PUB-07", "EVAL-10", "PEN-27", "PEN-29"}
    assert set(COERCION_RULES) == wanted
    # COE-13: test_seized_property_goes_with_a_transfer; PEN-27: test_pen27_the_surcharge_on_a_coercion_file
    assert {d.rule for d in DEFECTS} == wanted - {"COE-13", "PEN-27"}


def test_the_briefs_defects_are_all_tabled() -> None:
    names = [d.name for d in BRIEF_DEFECTS]
    assert [n.split(" ")[0] for n in names] == ["§2.1", "§2.2", "§2.3", "§2.3", "§3.1", "§3.2", "§3.2", "§3.3"]


def test_no_penalty_rule_judges_a_coercion_file_and_the_case_book_has_no_coe_or_enf() -> None:
    """Beyond PEN-27 and PEN-29, which rules.md reuses on every stream ("Reused on these streams")."""
    assert {r for r in COERCION_RULES if r.startswith("PEN-")} == {"PEN-27", "PEN-29"}
    assert not {r for r in RULES if r.startswith(("COE-", "ENF-"))}
    ev = run(edit(standalone(), "SeizureImposed", put("officers", [OFFICER_1, EXPIRED])))
    assert not {r for r in ev.rules() if r.startswith("PEN-")}


def test_categories_follow_the_spec() -> None:
    cats = {d.rule: run_defect(d).by_rule()[d.rule].category for d in DEFECTS}
    assert cats["COE-01"] == cats["COE-02"] == cats["ENF-01"] == "执法主体"
    assert cats["COE-05"] == "事实证据"
    assert cats["COE-06"] == "法律文书"
    assert cats["EVAL-10"] == "立卷归档"
    assert cats["COE-04"] == cats["ENF-08"] == cats["TS-03"] == "执法程序"


def test_a_running_measure_gets_no_grade_and_its_missed_end_is_found() -> None:
    running = standalone()[:3]
    ev = run(running, as_of=date(2026, 10, 5))
    assert (ev.grade, ev.veto, ev.status, ev.findings) == (None, False, "measure", ())
    late = run(running, as_of=date(2026, 10, 31))
    assert late.grade is None and "COE-08" in fired(late)


@pytest.mark.parametrize(("as_of", "missing"), [(date(2026, 9, 30), False), (date(2026, 10, 1), False),
                                               (date(2026, 10, 2), True)])
def test_an_emergency_approval_is_not_missing_while_its_24_hours_run(as_of: date, missing: bool) -> None:
    """The §2 seizure at 20:30 on 30 Sep, no approval recorded: until 1 Oct the report and approval are
    still due (by 1 Oct 20:30), so EVAL-10 does not call them missing; from 2 Oct it does, with COE-04."""
    ev = run(standalone()[:2], as_of=as_of)
    assert any("补办批准" in f.message for f in ev.findings if f.rule == "EVAL-10") is missing
    assert ("COE-04" in fired(ev)) is missing


# --------------------------------------------------------------------------- boundaries


@pytest.mark.parametrize(("reported", "fires"), [("2026-10-01T20:30:00", False), ("2026-10-01T20:31:00", True)])
def test_coe04_report_within_24_clock_hours_across_the_holiday(reported: str, fires: bool) -> None:
    steps = edit(standalone(), "CoercionApprovalDecided", moved("2026-10-01T20:30:00"))
    steps = edit(steps, "CoercionApprovalDecided", put("reported_at", f"{reported}+08:00"))
    assert ("COE-04" in fired(run(steps))) is fires


@pytest.mark.parametrize(("day", "fires"), [("2026-10-30", False), ("2026-10-31", True)])
def test_coe08_the_30th_day_is_not_rolled_forward(day: str, fires: bool) -> None:
    """30 ND after 30 Sep is Fri 30 Oct; a disposal on Sat 31 Oct is late (CAL-08: no roll-forward)."""
    steps = edit(standalone(), "SeizureDisposed", moved(f"{day}T11:00:00"))
    disposal = steps.pop([s["type"] for s in steps].index("SeizureDisposed"))
    steps = append(steps, disposal, before="CaseArchived")
    assert ("COE-08" in fired(run(steps))) is fires


@pytest.mark.parametrize(("day", "fires"), [("2026-11-03", False), ("2026-11-04", True)])
def test_ts03_publication_within_20_working_days_across_national_day(day: str, fires: bool) -> None:
    steps = edit(standalone(), "DecisionPublished", moved(f"{day}T09:00:00", "published_at"))
    assert ("TS-03" in fired(run(steps))) is fires


@pytest.mark.parametrize(("day", "fires"), [("2026-02-26", False), ("2026-02-25", True)])
def test_enf08_three_working_days_strictly_between_across_spring_festival(day: str, fires: bool) -> None:
    steps = edit(substitute_case(), "EnforcementCarriedOut", moved(f"{day}T09:00:00", "started_at"))
    steps = edit(steps, "EnforcementCarriedOut", put("ended_at", f"{day}T11:30:00+08:00"))
    assert ("ENF-08" in fired(run(steps))) is fires


@pytest.mark.parametrize(("ended", "fires"), [("22:00", False), ("22:01", True)])
def test_enf06_the_night_begins_at_22(ended: str, fires: bool) -> None:
    steps = edit(substitute_case(), "EnforcementCarriedOut", moved("2026-02-26T20:00:00", "started_at"))
    steps = edit(steps, "EnforcementCarriedOut", put("ended_at", f"2026-02-26T{ended}:00+08:00"))
    ev = run(steps)
    assert ("ENF-06" in fired(ev)) is fires
    assert "ENF-08" not in fired(ev)


@pytest.mark.parametrize(("day", "fires"), [("2026-03-05", False), ("2026-03-06", True)])
def test_coe11_the_freezing_decision_within_3_working_days(day: str, fires: bool) -> None:
    steps = edit(freeze_steps(), "FreezeDecisionServed", moved(f"{day}T10:00:00", "served_at"))
    assert ("COE-11" in fired(run(steps))) is fires


@pytest.mark.parametrize(("day", "fires"), [("2026-04-17", True), ("2026-04-18", False)])
def test_enf09_more_than_30_days_of_surcharge(day: str, fires: bool) -> None:
    """Served 2 Mar, 15 days to pay: the surcharge runs from 18 Mar; a 划拨 must come after 17 Apr."""
    steps = own_steps()
    for kind in ("EnforcementDecided", "EnforcementCarriedOut"):
        steps = edit(steps, kind, put("enforcement_method", "account_transfer"))
    steps = edit(steps, "EnforcementDecided", moved(f"{day}T09:00:00"))
    steps = edit(steps, "DecisionServed", moved(f"{day}T15:00:00", "served_at"))
    assert ("ENF-09" in fired(run(steps))) is fires


@pytest.mark.parametrize(("days", "fires"), [(30, False), (31, True)])
def test_coe07_the_decided_period(days: int, fires: bool) -> None:
    assert ("COE-07" in fired(run(edit(standalone(), "SeizureImposed", put("decision.days", days))))) is fires


# --------------------------------------------------------------------------- measures on a case stream


def _case_with_seizure(**changes: Any) -> list[Raw]:
    steps = lines("coercion-case")
    return edit(steps, "SeizureImposed", lambda s: s["data"].update(changes))


def test_pen04_and_pen05_leave_a_cases_measure_to_coe02_and_coe05() -> None:
    ev = run(_case_with_seizure(officers=[OFFICER_1, EXPIRED]))
    assert {"COE-02", "PEN-39", "EVAL-01"} == fired(ev) and "PEN-04" not in fired(ev)
    ev = run(_case_with_seizure(credentials_shown=False))
    assert fired(ev) == {"COE-05", "TS-02"}, "TS-02 may accompany COE-05 (rules.md)"


def test_pen03_does_not_count_an_emergency_measure_before_registration() -> None:
    steps = lines("coercion-case")
    seized = steps.pop([s["type"] for s in steps].index("SeizureImposed"))
    seized["data"].update(emergency=True, emergency_reason="当事人正在收摊离开")
    steps.insert(1, seized)  # recorded (backfilled) before 立案
    assert "PEN-03" not in fired(run(steps))


def test_seized_property_goes_with_a_transfer() -> None:
    """COE-13: a case transferred to the judicial organs with a measure still open fires; the items
    transferred with a written notice to the party do not."""
    case = lines("transfer-case")
    stream = case[0]["stream"]
    registered = [s["type"] for s in case].index("CaseRegistered")
    measure = [approval(stream, "2026-03-20T09:00:00+08:00", reported_at=None),
               seizure(stream, "2026-03-20T10:30:00+08:00", "2026-03-20T10:00:00+08:00", emergency=False)]
    steps = [*case[:registered + 1], *measure, *case[registered + 1:]]
    assert "COE-13" in fired(run(steps, as_of=date(2026, 4, 10)))
    disposed = step(stream, "SeizureDisposed", "2026-04-09T16:30:00+08:00", {
        "measure_id": "M1", "disposition": "transferred_to_judicial", "items": ["I1", "I2"], "basis": LAW_BASIS,
        "decision": {"stream": stream, "document_no": "移送书"}, "party_notice": {
            "sha256": "c" * 64, "bytes": 10, "media_type": "application/pdf", "name": "书面告知书"}})
    assert "COE-13" not in fired(run([*steps, disposed], as_of=date(2026, 4, 10)))
