"""The licence audit (案卷评查 of 行政许可 files): the lawful files find nothing, each defect of
tests/helpers/licence_defects.py fires exactly its rule (the brief's three defects included, with
the rules they exclude), and every rule that counts days is tried on both sides of its boundary
across 中秋/国庆 2026 and the 20 Sep / 10 Oct 调休 working days."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from audit.licence_engine import evaluate_licence
from audit.licence_rulebook import LICENCE_RULES
from audit.model import BLOCKER, INFO
from audit.rulebook import RULES
from tests.helpers.audit_cases import context, versioned
from tests.helpers.examples import scaled
from tests.helpers.kinds_examples import LICENCE, licence_steps
from tests.helpers.licence_defects import (
    DEFECTS,
    PROCEEDING,
    Defect,
    edit,
    fired,
    insert_before,
    legal_reviewer,
    lstep,
    moved,
    not_accepted_steps,
    proceeding_steps,
    put,
    renewal_steps,
    requested,
    run,
    run_defect,
    with_hearing,
    with_interested,
    withdrawal_steps,
)

Raw = dict[str, Any]
LAWFUL: dict[str, tuple[Callable[[], list[Raw]], dict[str, Any]]] = {
    "licence (brief §1)": (licence_steps, {}),
    "with an interested party": (with_interested, {}),
    "with a hearing held on request": (with_hearing, {"extra_registry": legal_reviewer()}),
    "not accepted": (not_accepted_steps, {}),
    "renewal": (renewal_steps, {}),
    "revocation and cancellation": (proceeding_steps, {}),
    "withdrawal and cancellation": (withdrawal_steps, {}),
}


@pytest.mark.parametrize("name", sorted(LAWFUL))
def test_lawful_licence_files_score_excellent_with_no_finding(name: str) -> None:
    build, kwargs = LAWFUL[name]
    ev = run(build(), **kwargs)
    assert ev.findings == (), [f.as_json() for f in ev.findings]
    assert (ev.score, ev.grade, ev.veto) == (100, "优秀", False)


@pytest.mark.parametrize("defect", DEFECTS, ids=[f"{d.rule}:{d.name}" for d in DEFECTS])
def test_each_licence_defect_fires_exactly_its_rule(defect: Defect) -> None:
    ev = run_defect(defect)
    assert fired(ev) == defect.expected, [f.as_json() for f in ev.findings]
    assert not fired(ev) & defect.quiet
    finding = ev.by_rule()[defect.rule]
    assert finding.severity == defect.severity, finding.as_json()
    assert finding.basis and finding.message and finding.category
    assert finding.events and all(e.stream.startswith("licence/") and e.version >= 1 for e in finding.events)
    assert ev.veto == (defect.severity == BLOCKER)
    if defect.severity == BLOCKER:
        assert ev.grade == "不合格" and ev.by_rule()["EVAL-01"].severity == BLOCKER
    assert "PEN-39" not in ev.rules()


def test_every_licence_rule_has_a_defect_test() -> None:
    assert set(LICENCE_RULES) == {d.rule for d in DEFECTS}
    wanted = {f"LIC-{n:02d}" for n in range(1, 20)} | {"CAL-06", "CAL-07", "TS-10", "TS-03", "PUB-06", "PUB-07",
                                                       "EVAL-09"}
    assert set(LICENCE_RULES) == wanted


def test_no_penalty_rule_judges_a_licence_and_the_case_book_is_unchanged() -> None:
    assert not {r for r in LICENCE_RULES if r.startswith("PEN-")}
    assert not {r for r in RULES if r.startswith(("LIC-", "CAL-"))}
    assert all(p.startswith("licence_") for r in LICENCE_RULES.values() for p in r.paths)


def test_categories_follow_the_spec() -> None:
    ev = run(edit(licence_steps(), "SiteVerificationRecorded", put("staff", ["officer/42011230001"])))
    assert ev.by_rule()["LIC-06"].category == "事实证据"
    assert ev.grade == "合格"  # a basic-element problem bars 优秀 (EVAL-03)
    cats = {d.rule: run_defect(d).by_rule()[d.rule].category for d in DEFECTS}
    assert cats["LIC-01"] == "执法主体" and cats["EVAL-09"] == "立卷归档"
    assert cats["LIC-04"] == cats["LIC-12"] == cats["LIC-13"] == "法律文书"
    assert cats["LIC-10"] == cats["TS-10"] == cats["CAL-06"] == "执法程序"


def test_a_running_file_gets_no_grade_and_no_veto() -> None:
    steps = requested(with_interested())
    ev = run(steps[: [s["type"] for s in steps].index("LicenceReviewed") + 1], as_of=date(2026, 10, 20))
    assert ev.grade is None and not ev.veto and ev.status == "reviewed"


def test_a_proceeding_reads_the_licence_it_names() -> None:
    alone = run(proceeding_steps(), linked={})
    assert "LIC-01" in fired(alone)  # the application cannot be read: competence cannot be shown (the gate)
    ev = run(edit(proceeding_steps(), "LicenceRevoked", put("by_superior", None)))
    assert ev.findings == ()


# --------------------------------------------------------------------------- boundaries


@pytest.mark.parametrize(("day", "fires"), [
    ("2026-09-24T15:00:00", False),  # the 5th WD after 18 Sep, counting Sunday 20 Sep (调休)
    ("2026-09-25T09:00:00", True),   # 中秋: not a working day, and after the limit
    ("2026-09-28T09:00:00", True),   # the 6th WD (brief defect 1)
])
def test_lic03_supplement_notice_boundary(day: str, fires: bool) -> None:
    ev = run(edit(licence_steps(), "SupplementRequested", moved(day, "served_at")))
    assert ("LIC-03" in fired(ev)) is fires
    assert "LIC-10" not in fired(ev)


def _decided_on(steps: list[Raw], day: str) -> list[Raw]:
    steps = edit(steps, "LicenceGranted", moved(f"{day}T09:00:00"))
    steps = edit(steps, "LicenceIssued", moved(f"{day}T15:00:00", "issued_at"))
    return edit(steps, "DecisionPublished", moved(f"{day}T16:00:00", "published_at"))


@pytest.mark.parametrize(("day", "fires"), [("2026-11-06", False), ("2026-11-09", True)])
def test_lic10_decision_limit_with_the_excluded_expert_review(day: str, fires: bool) -> None:
    """20 WD after 28 Sep (国庆 skipped, 10 Oct counted) = 30 Oct, + 5 WD excluded = 6 Nov."""
    assert ("LIC-10" in fired(run(_decided_on(licence_steps(), day)))) is fires


@pytest.mark.parametrize(("day", "fires"), [("2026-10-30", False), ("2026-11-02", True)])
def test_lic10_decision_limit_without_a_notice(day: str, fires: bool) -> None:
    from tests.helpers.licence_defects import without
    steps = without(licence_steps(), "ExcludedPeriodNotified", "ExcludedPeriodEnded")
    assert ("LIC-10" in fired(run(_decided_on(steps, day)))) is fires


@pytest.mark.parametrize(("day", "fires"), [("2026-11-04", False), ("2026-11-05", True)])
def test_lic13_certificate_boundary(day: str, fires: bool) -> None:
    ev = run(edit(licence_steps(), "LicenceIssued", moved(f"{day}T10:00:00", "issued_at")))
    assert ("LIC-13" in fired(ev)) is fires


@pytest.mark.parametrize(("day", "fires"), [("2026-10-30", False), ("2026-11-02", True)])
def test_lic15_and_ts03_publication_boundary(day: str, fires: bool) -> None:
    ev = run(edit(licence_steps(), "DecisionPublished", moved(f"{day}T09:00:00", "published_at")))
    assert {"LIC-15", "TS-03"} & fired(ev) == ({"LIC-15", "TS-03"} if fires else set())


@pytest.mark.parametrize(("day", "fires"), [("2026-10-15T10:00:00", True), ("2026-10-16T10:00:00", False)])
def test_lic08_request_window_counts_the_saturday_10_october(day: str, fires: bool) -> None:
    """The 5th WD after 9 Oct is 15 Oct (10 Oct, a Saturday, is a 调休 working day): a request on
    15 Oct must be heard; one on 16 Oct is late and LIC-08 does not require the hearing."""
    ev = run(requested(with_interested(), day))
    assert ("LIC-08" in fired(ev)) is fires


@pytest.mark.parametrize(("served", "fires"), [("2026-10-12T10:00:00", False), ("2026-10-13T10:00:00", True)])
def test_lic09_hearing_notice_seven_working_days_before(served: str, fires: bool) -> None:
    ev = run(with_hearing(served=served), extra_registry=legal_reviewer())
    assert ("LIC-09" in fired(ev)) is fires


def test_lic09_hearing_on_request_within_twenty_working_days() -> None:
    late = with_hearing(served="2026-11-02T10:00:00", held="2026-11-11T09:00:00")
    late = edit(late, "LegalReviewCompleted", moved("2026-11-11T15:00:00"))
    late = _decided_on(edit(late, "LicenceGranted", put("valid_from", "2026-11-12")), "2026-11-12")
    ev = run(late, extra_registry=legal_reviewer())
    assert "LIC-09" in fired(ev)  # requested 12 Oct: 20 WD end on 9 Nov
    on_time = with_hearing(served="2026-10-28T10:00:00", held="2026-11-09T09:00:00")
    on_time = edit(on_time, "LegalReviewCompleted", moved("2026-11-09T15:00:00"))
    on_time = _decided_on(edit(on_time, "LicenceGranted", put("valid_from", "2026-11-10")), "2026-11-10")
    assert "LIC-09" not in fired(run(on_time, extra_registry=legal_reviewer()))


@pytest.mark.parametrize(("day", "fires"), [("2026-12-28", False), ("2026-12-29", True)])
def test_lic19_cancellation_within_twenty_working_days(day: str, fires: bool) -> None:
    steps = edit(proceeding_steps(), "LicenceCancelled", moved(f"{day}T10:00:00"))
    steps = edit(steps, "LicenceCancelled", put("cancelled_on", day))
    steps = edit(steps, "DecisionPublished", moved(f"{day}T15:00:00", "published_at"), nth=1)
    steps = edit(steps, "CaseClosed", moved(f"{day}T16:00:00"))
    steps = edit(steps, "CaseArchived", moved(f"{day}T17:00:00"))
    assert ("LIC-19" in fired(run(steps))) is fires


def test_lic19_a_cancellation_on_another_stream_counts() -> None:
    steps = [s for s in proceeding_steps() if s["type"] != "LicenceCancelled"][:6]
    other = [lstep("LicenceCancelled", "2026-12-03T10:00:00", proceeding_steps()[6]["data"],
                   "licence/DXH-SPJ-ZX-2026-0003")]
    assert "LIC-19" in fired(run(steps))
    assert "LIC-19" not in fired(run(steps, linked={LICENCE: licence_steps(), "licence/DXH-SPJ-ZX-2026-0003": other}))


@pytest.mark.parametrize(("day", "fires"), [("2026-11-03", False), ("2026-11-04", True)])
def test_pub07_withdrawal_within_three_working_days(day: str, fires: bool) -> None:
    corrected = lstep("DecisionCorrected", "2026-10-29T10:00:00", {
        "kind": "revoked", "triggered_by": {"kind": "reconsideration", "stream": "review/DXH-FY-2026-0009"},
        "effective_at": "2026-10-29T10:00:00+08:00", "received_at": "2026-10-29T10:00:00+08:00"})
    withdrawn = lstep("PublicationWithdrawn", f"{day}T10:00:00", {
        "withdrawn_at": f"{day}T10:00:00+08:00", "reason": "复议撤销", "explanation": "该许可决定已被复议机关撤销"})
    steps = insert_before(insert_before(licence_steps(), "CaseClosed", corrected), "CaseClosed", withdrawn)
    assert ("PUB-07" in fired(run(steps))) is fires


@pytest.mark.parametrize(("valid_to", "fires"), [("2026-10-21", False), ("2026-10-20", True)])
def test_lic16_renewal_decided_by_expiry(valid_to: str, fires: bool) -> None:
    assert ("LIC-16" in fired(run(renewal_steps(valid_to)))) is fires


def test_lic16_late_renewal_application_is_info_only() -> None:
    ev = run(renewal_steps("2026-10-25", applied_on="2026-09-28T10:00:00"))
    finding = ev.by_rule().get("LIC-16")
    assert finding is not None and finding.severity == INFO and "申请人逾期" in finding.message
    assert ev.grade == "优秀"


def test_a_lawful_renewal_is_judged_by_lic16_and_the_new_file_rules() -> None:
    ev = run(renewal_steps())
    assert ev.path == "licence_renewal" and ev.findings == ()


@settings(max_examples=scaled(40), deadline=None)
@given(st.integers(min_value=0, max_value=30))
def test_lic15_fires_iff_more_than_seven_working_days_passed(offset: int) -> None:
    """For all publication days: LIC-15 fires exactly when more than 7 working days (chinese_calendar,
    counted directly) lie after the decision on 21 Oct up to the publication."""
    day = date(2026, 10, 21) + timedelta(days=offset)
    workdays = sum(chinese_calendar.is_workday(date(2026, 10, 21) + timedelta(days=i)) for i in range(1, offset + 1))
    expected = workdays > 7 or (workdays == 7 and not chinese_calendar.is_workday(day))
    ev = run(edit(licence_steps(), "DecisionPublished", moved(f"{day}T09:00:00", "published_at")))
    assert ("LIC-15" in fired(ev)) is expected


def test_evaluate_licence_reads_the_stream_as_of_the_day() -> None:
    ev = evaluate_licence(LICENCE, versioned(licence_steps()), context(date(2026, 10, 20)))
    assert ev.grade is None and ev.findings == ()
    assert evaluate_licence(PROCEEDING, versioned(proceeding_steps()), context(date(2026, 12, 31)),
                            linked={LICENCE: versioned(licence_steps())}).grade == "优秀"
