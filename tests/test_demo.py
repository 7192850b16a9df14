"""demo: reproducible, lawful where unmarked, one intended defect where marked, recorded like import.

The domain tests replay the generated steps through the real admission (structure, and the
gates live) on an in-memory context; the CLI tests record a demo in a SQLite ledger, verify
it and run it again. A small test-only timing check stands in for the audit on the rules
that are findings rather than gates (PEN-03, PEN-24, EVAL-07, ...).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from api.cli import main
from api.cli.demo import run_demo
from api.settings import Settings
from api.wiring import open_ledger
from demo import DEFECT_KINDS, ENFORCING, PROCEDURES, STAGES, DemoCase, DemoData, generate
from domain.admission import calendar_for, validate
from domain.calendar import HolidayNotice, WorkingCalendar, shanghai_date
from domain.config import Config
from domain.errors import StepRefused
from domain.gates import firing_gates, with_registry
from domain.personal_data import is_valid_credit_code, is_valid_resident_id
from domain.step import Step
from domain.validation import SINGLE_OPENING
from domain.vocabulary import may_open_stream
from ledger.verify import verify_store
from tests.helpers.examples import scaled
from tests.helpers.gate_context import MemoryContext

AS_OF = date(2026, 11, 25)
CONFIG = Config()


def dumps(data: DemoData) -> bytes:
    return b"\n".join(orjson.dumps(step) for step in data.steps())


def calendar_of(data: DemoData) -> WorkingCalendar:
    return WorkingCalendar.from_notices(HolidayNotice.from_step_data(s["data"]) for s in data.registry
                                        if s["type"] == "HolidayNoticePublished")


def replay_live(data: DemoData) -> list[tuple[str, str, str]]:
    """Every refusal when recording the demo as run_demo does: lawful streams live, defective
    cases as backfill (structure only)."""
    ctx = MemoryContext()
    refused = []
    for segment in data.segments():
        for raw in segment.steps:
            try:
                validate(Step.parse(raw), ctx, backfill=segment.backfill, config=CONFIG)
            except StepRefused as exc:
                refused.append((raw["stream"], raw["type"], exc.rule))
            ctx.append(raw)
    return refused


def gate_firings(data: DemoData, case: DemoCase) -> list[tuple[int, set[str]]]:
    """(step index, rules) of every step of ``case`` a live gate would refuse (overrides ignored)."""
    ctx = MemoryContext()
    for raw in data.registry:
        ctx.append(raw)
    out = []
    for index, raw in enumerate(case.steps):
        step = Step.parse(raw)
        fired = firing_gates(step, with_registry(ctx), config=CONFIG, calendar=calendar_for(ctx, step.at.year))
        if fired:
            out.append((index, {f.rule for f in fired}))
        ctx.append(raw)
    return out


# --------------------------------------------------------------------------- a test-only audit of timings

def day_of(text: str) -> date:
    return shanghai_date(datetime.fromisoformat(text))


def timing_findings(case: DemoCase, cal: WorkingCalendar, reviewers: Mapping[str, bool], as_of: date) -> set[str]:
    """The non-gate rules the demo's audit-only defects break, judged on the case's steps."""
    first: dict[str, Mapping[str, Any]] = {}
    for step in case.steps:
        first.setdefault(step["type"], step)

    def wd(day: date, n: int) -> date:
        return cal.add_working_days(day, n).due

    def at(step_type: str, field: str = "at") -> date | None:
        step = first.get(step_type)
        if step is None:
            return None
        return day_of(step["data"][field] if field != "at" else step["at"])

    found = set()
    source, registered = at("CaseSourceRecorded"), at("CaseRegistered")
    if source and registered and registered > wd(source, CONFIG.registration.within_wd):
        found.add("PEN-03")
    if any(s["type"] in ("InquiryRecorded", "InspectionRecorded") and s["data"]["credentials_shown"] is not True
           for s in case.steps):
        found.add("PEN-05")
    preserved, resolved = at("EvidencePreserved"), at("PreservationResolved")
    if preserved and resolved and resolved > wd(preserved, CONFIG.preservation.resolve_wd):
        found.add("PEN-08")
    notice, requested = at("PenaltyNoticeServed", "served_at"), at("HearingRequested")
    if notice and requested and requested > wd(notice, CONFIG.hearing.request_wd):
        found.add("PEN-13")
    notified, heard = at("HearingNoticeServed", "served_at"), at("HearingHeld")
    if notified and heard and heard < wd(notified, CONFIG.hearing.notice_wd + 1):
        found.add("PEN-14")
    review = first.get("LegalReviewCompleted")
    if review is not None and not reviewers[review["data"]["reviewer"]]:
        found.add("PEN-17")
    decision = first.get("DecisionMade")
    decided = at("DecisionMade")
    if decided and registered and decided > registered + timedelta(days=CONFIG.decision.limit_nd):
        found.add("PEN-23")
    served = at("DecisionServed", "served_at")
    if decided and served and served > wd(decided, CONFIG.decision.service_wd):
        found.add("PEN-24")
    paid = at("PaymentRecorded", "paid_at")
    if served and paid and paid > served + timedelta(days=CONFIG.payment.due_nd):
        found.add("PEN-25")
    cash = first.get("CashHandedOver")
    if cash is not None and paid is not None:
        handed = day_of(cash["data"]["handed_over_at"])
        if handed > wd(paid, CONFIG.payment.cash_handover_wd) or day_of(
                cash["data"]["deposited_at"]) > wd(handed, CONFIG.payment.cash_deposit_wd):
            found.add("PEN-26")
    if decision is not None and decision["data"]["outcome"].startswith("no_penalty") and "EducationGiven" not in first:
        found.add("PEN-37")
    if decision is not None and decision["data"]["outcome"] == "penalty" and decided is not None:
        due = wd(decided, CONFIG.publication.decision_wd)
        published = at("DecisionPublished", "published_at")
        if (published is None and due < as_of) or (published is not None and published > due):
            found.add("PEN-40")
    transfer = first.get("TransferDecided")
    moved = first.get("TransferredToJudicialOrgan")
    if transfer is not None and moved is not None and datetime.fromisoformat(
            moved["data"]["transferred_at"]) > datetime.fromisoformat(transfer["at"]) + timedelta(
            hours=CONFIG.transfer.transfer_hours):
        found.add("PEN-42")
    closed, archived = at("CaseClosed"), at("CaseArchived")
    if closed and archived and archived > closed + timedelta(days=CONFIG.evaluation.archive_nd):
        found.add("EVAL-07")
    corrected, withdrawn = first.get("DecisionCorrected"), at("PublicationWithdrawn", "withdrawn_at")
    if corrected is not None and withdrawn is not None and withdrawn > wd(
            day_of(corrected["data"]["received_at"]), CONFIG.publication.withdrawal_wd):
        found.add("PEN-41")
    return found


def qualified_reviewers(data: DemoData) -> dict[str, bool]:
    return {s["stream"]: "legal_qualification_no" in s["data"] for s in data.registry
            if s["type"] == "OfficerRegistered" and "legal_reviewer" in s["data"]["roles"]}


# --------------------------------------------------------------------------- generation


@pytest.fixture(scope="module")
def demo() -> DemoData:
    return generate(80, 7, AS_OF)


def test_same_arguments_same_bytes_other_seed_or_date_other_data() -> None:
    one = dumps(generate(40, 3, AS_OF))
    assert one == dumps(generate(40, 3, AS_OF))
    assert one != dumps(generate(40, 4, AS_OF))
    assert one != dumps(generate(40, 3, AS_OF - timedelta(days=1)))


def test_every_lawful_step_passes_live_and_each_defect_trips_its_rule(demo: DemoData) -> None:
    assert replay_live(demo) == []
    defective = [c for c in demo.cases if c.defect is not None]
    assert len(defective) == round(80 * 0.15)
    for case in demo.cases:
        fired = gate_firings(demo, case)
        if case.defect is None or not case.defect.gate:
            assert fired == [], (case.stream, case.defect, fired)
        else:
            assert fired[0][0] == case.defect.step, (case.stream, case.defect, fired)
            assert set().union(*(rules for _, rules in fired)) == {case.defect.rule}, (case.stream, fired)


def test_every_defect_kind_breaks_exactly_its_rule() -> None:
    data = generate(2 * len(DEFECT_KINDS), 11, AS_OF, defect_share=1.0)
    assert replay_live(data) == []
    assert Counter(c.defect.kind for c in data.cases if c.defect) == {k.name: 2 for k in DEFECT_KINDS}
    cal, reviewers = calendar_of(data), qualified_reviewers(data)
    for case in data.cases:
        assert case.defect is not None and case.backfill
        kind = next(k for k in DEFECT_KINDS if k.name == case.defect.kind)
        assert case.procedure == kind.procedure
        assert case.steps[case.defect.step]["type"] in {
            "decision": ("DecisionMade",), "notice": ("PenaltyNoticeServed",), "inspect": ("InspectionRecorded",),
            "published": ("DecisionPublished",), "summary_decision": ("SummaryDecisionMade",),
            "register": ("CaseRegistered",), "inquiry": ("InquiryRecorded",), "hearing": ("HearingHeld",),
            "review": ("LegalReviewCompleted",), "archived": ("CaseArchived",), "cash": ("CashHandedOver",),
            "served": ("DecisionServed",), "resolved": ("PreservationResolved",),
            "transferred": ("TransferredToJudicialOrgan",)}[kind.label]
        fired = {r for _, rules in gate_firings(data, case) for r in rules}
        timings = timing_findings(case, cal, reviewers, data.as_of)
        if kind.gate:
            assert fired == {kind.rule}, (case.stream, kind.name, fired)
            assert timings <= {"PEN-40"} or timings == set(), (case.stream, kind.name, timings)
        else:
            assert fired == set(), (case.stream, kind.name, fired)
            assert timings == {kind.rule}, (case.stream, kind.name, timings)


def test_lawful_cases_meet_the_deadlines(demo: DemoData) -> None:
    cal, reviewers = calendar_of(demo), qualified_reviewers(demo)
    for case in demo.cases:
        if case.defect is None:
            assert timing_findings(case, cal, reviewers, demo.as_of) == set(), case.stream


def test_every_procedure_and_stage_reconsiderations_and_lawsuits(demo: DemoData) -> None:
    seen = {(c.procedure, c.stage) for c in demo.cases if c.defect is None}
    wanted = {(p, s) for p in PROCEDURES for s in STAGES[p]} | {("general", ENFORCING)}
    assert wanted <= seen
    reviews = [p for p in demo.proceedings if p.stream.startswith("review/")]
    lawsuits = [p for p in demo.proceedings if p.stream.startswith("litigation/")]
    assert reviews and lawsuits
    decided = {c.stream for c in demo.cases if any(s["type"] == "DecisionServed" for s in c.steps)}
    assert all(p.target in decided for p in demo.proceedings)
    assert all(p.steps[0]["data"]["target"]["case"] == p.target for p in demo.proceedings)


def test_reconsiderations_and_lawsuits_keep_their_time_limits(demo: DemoData) -> None:
    cal = calendar_of(demo)

    def wd(day: date, n: int) -> date:
        return cal.add_working_days(day, n).due

    cases = {c.stream: c for c in demo.cases}
    for proceeding in demo.proceedings:
        steps = {s["type"]: s for s in proceeding.steps}
        if proceeding.stream.startswith("review/"):
            applied = steps["ReconsiderationApplied"]["data"]
            received = day_of(applied["received_at"])
            assert received <= day_of(applied["learned_at"]) + timedelta(days=60)  # RC-01
            if "ReconsiderationAccepted" in steps:
                accepted = day_of(steps["ReconsiderationAccepted"]["data"]["decided_at"])
                assert accepted <= wd(received, 5)  # RC-02
            if "AnswerFiled" in steps:
                sent = day_of(steps["AnswerRequested"]["data"]["sent_at"])
                assert sent <= wd(accepted, 7) and day_of(steps["AnswerFiled"]["data"]["filed_at"]) <= wd(sent, 10)
            if "ReconsiderationDecided" in steps:  # RC-05
                assert day_of(steps["ReconsiderationDecided"]["data"]["decided_at"]) <= accepted + timedelta(days=60)
        else:
            served = next(day_of(s["data"]["served_at"]) for s in cases[proceeding.target].steps
                          if s["type"] == "DecisionServed")
            assert day_of(steps["LawsuitFiled"]["data"]["filed_at"]) <= served + timedelta(days=186)  # LIT-04
            if "CourtHearingAttended" in steps:  # LIT-01
                roles = {a["role"] for a in steps["CourtHearingAttended"]["data"]["appeared"]}
                assert roles & {"principal_head", "deputy_head"}
        if proceeding.outcome in ("revoked", "changed", "confirmed_illegal"):
            corrected = [s for s in cases[proceeding.target].steps if s["type"] == "DecisionCorrected"]
            assert corrected and corrected[0]["data"]["triggered_by"] == proceeding.stream


def test_nothing_on_or_after_as_of_and_every_stream_opens_first(demo: DemoData) -> None:
    seen: dict[str, list[Mapping[str, Any]]] = {}
    segments = demo.segments()
    assert not segments[0].backfill and all(s["by"] == "officer/admin" for s in segments[0].steps)
    assert [s.backfill for s in segments] == [False, True, False]
    for step in demo.steps():
        assert day_of(step["at"]) < demo.as_of, step
        history = seen.setdefault(step["stream"], [])
        if not history:
            assert may_open_stream(step["type"]), step
        else:
            assert step["at"] >= history[-1]["at"], step  # each stream in time order
        if step["type"] in SINGLE_OPENING:
            assert all(earlier["type"] != step["type"] for earlier in history), step
        history.append(step)
    registry_streams = {s["stream"] for s in demo.registry}
    used = {o for s in demo.steps() if s["stream"] not in registry_streams for o in (s["by"],)}
    assert used <= registry_streams | {"officer/admin"}


def test_registry_people_and_parties_look_real(demo: DemoData) -> None:
    registry = demo.registry
    agencies = [s for s in registry if s["type"] == "AgencyRegistered"]
    assert len(agencies) >= 5 and all(is_valid_credit_code(a["data"]["credit_code"]) for a in agencies)
    assert {"城市管理", "市场监督", "生态环境", "交通运输"} <= {w for a in agencies for w in
                                                              ("城市管理", "市场监督", "生态环境", "交通运输")
                                                              if w in a["data"]["name"]}
    officers = [s["data"] for s in registry if s["type"] == "OfficerRegistered"]
    roles = {r for o in officers for r in o["roles"]}
    assert {"officer", "head", "legal_reviewer", "supervisor", "reconsideration_staff"} <= roles
    start = demo.as_of - timedelta(days=365)
    lapsing = [o for o in officers if "credential_valid_to" in o
               and start < date.fromisoformat(o["credential_valid_to"]) < demo.as_of + timedelta(days=90)]
    assert len(lapsing) >= 3
    assert any(s["type"] == "CredentialRenewed" for s in registry)
    items = [s["data"] for s in registry if s["type"] == "EnforcementItemPublished"]
    assert any(i.get("bands") for i in items) and any(i.get("no_penalty") for i in items)
    parties = [s["data"]["party"] for c in demo.cases for s in c.steps if s["type"] == "CaseRegistered"]
    assert {p["kind"] for p in parties} == {"person", "organisation"}
    for party in parties:
        if party["kind"] == "person":
            assert is_valid_resident_id(party["id_number"]), party
            assert party["id_number"][6:14] == party["birth_date"].replace("-", "")
        else:
            assert is_valid_credit_code(party["credit_code"]), party


def test_a_year_the_calendar_lacks_gets_a_generated_notice() -> None:
    data = generate(30, 2, date(2027, 9, 1))
    notices = [s for s in data.registry if s["type"] == "HolidayNoticePublished"]
    assert [n["stream"] for n in notices] == ["calendar/2027"]
    assert "演示数据" in notices[0]["data"]["source"]
    assert replay_live(data) == []


@settings(max_examples=scaled(6), deadline=None)
@given(seed=st.integers(0, 2**31), days=st.integers(0, 800), share=st.sampled_from([0.0, 0.15, 0.5]))
def test_for_all_seeds_and_dates_lawful_is_lawful_and_defects_are_marked(seed: int, days: int, share: float) -> None:
    as_of = date(2026, 1, 1) + timedelta(days=days)
    data = generate(30, seed, as_of, defect_share=share)
    assert dumps(data) == dumps(generate(30, seed, as_of, defect_share=share))
    assert replay_live(data) == []
    assert all(day_of(s["at"]) < as_of for s in data.steps())
    for case in data.cases:
        fired = gate_firings(data, case)
        if case.defect is not None and case.defect.gate:
            assert fired and fired[0][0] == case.defect.step
            assert set().union(*(r for _, r in fired)) == {case.defect.rule}
        else:
            assert fired == []


# --------------------------------------------------------------------------- recording


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("LEDGER_KEY_PASSPHRASE", "demo-test")
    monkeypatch.delenv("LEDGER_POSTGRES_DSN", raising=False)
    d = tmp_path / "var"
    assert main(["--data", str(d), "init"]) == 0
    return d


def run(data_dir: Path, *args: str) -> int:
    return main(["--data", str(data_dir), *args])


def test_cli_demo_records_verifies_and_rerun_records_nothing(data_dir: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    args = ("demo", "--cases", "60", "--seed", "5", "--as-of", AS_OF.isoformat(), "--json")
    assert run(data_dir, *args) == 0, capsys.readouterr().err
    first = json.loads(capsys.readouterr().out)
    expected = generate(60, 5, AS_OF)
    assert first["refused"] is None and first["recorded"] == expected.step_count and first["skipped"] == 0
    assert first["defective"] == 9 and first["reviews"] >= 1 and first["lawsuits"] >= 1
    assert run(data_dir, *args) == 0
    again = json.loads(capsys.readouterr().out)
    assert (again["recorded"], again["skipped"]) == (0, expected.step_count)
    ledger = open_ledger(Settings.load(str(data_dir)), keys=False)
    try:
        assert verify_store(ledger.store).ok
        for case in expected.cases[:30]:
            stored = ledger.store.stream(case.stream)
            assert [e.envelope["type"] for e in stored] == [s["type"] for s in case.steps]
            if case.backfill:
                assert all(e.envelope.get("backfilled") is True and e.signer[0] == "officer/admin" for e in stored)
            else:
                assert not any(e.envelope.get("backfilled") for e in stored)
                assert all(e.signer[0] == s["by"] for e, s in zip(stored, case.steps, strict=True))
    finally:
        ledger.close()
    assert run(data_dir, "verify") == 0


def test_cli_demo_of_another_date_is_refused_before_writing(data_dir: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    assert run(data_dir, "demo", "--cases", "10", "--as-of", AS_OF.isoformat()) == 0
    capsys.readouterr()
    ledger = open_ledger(Settings.load(str(data_dir)), keys=False)
    try:
        before = ledger.store.count()
    finally:
        ledger.close()
    assert run(data_dir, "demo", "--cases", "10", "--as-of", "2026-10-01") == 1
    assert "新的数据目录" in capsys.readouterr().err
    assert run(data_dir, "demo", "--cases", "10", "--seed", "9", "--as-of", AS_OF.isoformat()) == 1
    ledger = open_ledger(Settings.load(str(data_dir)), keys=False)
    try:
        assert ledger.store.count() == before
    finally:
        ledger.close()


def test_cli_demo_usage_errors(data_dir: Path) -> None:
    assert run(data_dir, "demo", "--defects", "1.5") == 2
    assert run(data_dir, "demo", "--cases", "-1") == 2
    with pytest.raises(SystemExit) as exc:
        run(data_dir, "demo", "--as-of", "2026-13-01")
    assert exc.value.code == 2


def test_gate_defects_are_refused_live_and_recorded_as_backfill(data_dir: Path) -> None:
    """Recorded live, each gate defect is refused at its step with its rule; the demo records
    the same case as backfill."""
    data = generate(2 * len(DEFECT_KINDS), 11, AS_OF, defect_share=1.0)
    settings_ = Settings.load(str(data_dir))
    ledger = open_ledger(settings_)
    try:
        ledger.record(list(data.registry), actor="officer/admin")
        checked = set()
        for case in data.cases:
            assert case.defect is not None
            if not case.defect.gate or case.defect.kind in checked:
                continue
            checked.add(case.defect.kind)
            with pytest.raises(StepRefused) as exc:
                ledger.record(list(case.steps), actor="officer/admin")
            assert (exc.value.rule, exc.value.index) == (case.defect.rule, case.defect.step), case.stream
            assert ledger.store.stream(case.stream) == []
        assert checked == {k.name for k in DEFECT_KINDS if k.gate}
        summary = run_demo(ledger, 2 * len(DEFECT_KINDS), 11, AS_OF, 1.0)
        assert summary.refusal is None and summary.recorded == data.step_count - len(data.registry)
        assert summary.defects == dict(sorted(Counter(k.rule for k in DEFECT_KINDS for _ in range(2)).items()))
    finally:
        ledger.close()
