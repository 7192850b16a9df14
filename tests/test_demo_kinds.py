"""demo: the 行政许可 and 投诉举报 files a demo year holds (tracker issue #15).

Lawful files pass structural validation and every gate live and evaluate with no finding at all
(``evaluate_licence`` / ``evaluate_complaint`` on the generated step lists); each marked defect
fires exactly its rule (a gate defect at its step, live); the penalty cases are the same with or
without them; ``enforcement-ledger demo`` records them and a re-run records nothing.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from api.cli import main
from api.settings import Settings
from api.wiring import open_ledger
from demo import COMPLAINT_DEFECT_KINDS, LICENCE_DEFECT_KINDS, DemoData, DemoStream, generate
from demo.complaints import PATHS as COMPLAINT_PATHS
from demo.licences import PATHS
from tests.helpers.demo_kinds import audit_context, evaluate_file, found, gate_firings, replay_live, serious
from tests.helpers.examples import scaled

AS_OF = date(2026, 11, 25)


def check_files(data: DemoData, files: tuple[DemoStream, ...]) -> None:
    """Lawful: no gate, no finding. Defective: its gate at its step (and only it), its rule found,
    with EVAL-01's veto for a BLOCKER and nothing else."""
    ctx = audit_context(data)
    for file in files:
        fired = gate_firings(data, file)
        ev = evaluate_file(data, file, ctx)
        if file.defect is None:
            assert fired == [], (file.stream, fired)
            assert found(ev) == set(), (file.stream, [(f.rule, f.message) for f in ev.findings])
            continue
        if file.defect.gate:
            assert fired and fired[0][0] == file.defect.step, (file.stream, file.defect, fired)
            assert set().union(*(r for _, r in fired)) == {file.defect.rule}
            assert found(ev) == {file.defect.rule, "EVAL-01"}, (file.stream, found(ev))
        else:
            assert fired == [], (file.stream, fired)
            assert found(ev) == {file.defect.rule}, (file.stream, file.defect, found(ev))
        assert file.steps[file.defect.step]["type"] == next(
            k.label for k in (*LICENCE_DEFECT_KINDS, *COMPLAINT_DEFECT_KINDS) if k.name == file.defect.kind)


@pytest.fixture(scope="module")
def demo() -> DemoData:
    return generate(120, 4, AS_OF)


def test_licences_default_to_a_quarter_of_the_cases_and_cover_every_path(demo: DemoData) -> None:
    applications = [f for f in demo.licences if f.path in PATHS]
    assert len(applications) == 30
    assert {f.path for f in demo.licences} >= {*PATHS, "revocation"}
    assert sum(1 for f in demo.licences if f.defect) == round(30 * 0.15)
    assert all(f.stream.startswith("licence/JA-SPJ-") for f in demo.licences)
    assert any(s["type"] == "HearingHeld" for f in demo.licences for s in f.steps)
    assert any(s["type"] == "ExcludedPeriodNotified" for f in demo.licences for s in f.steps)
    assert any(s["type"] == "SupplementRequested" for f in demo.licences if f.defect is None for s in f.steps)
    proceedings = [f for f in demo.licences if f.path in ("revocation", "withdrawal")]
    assert all([s["type"] for s in f.steps].count("DecisionPublished") == 2 for f in proceedings
               if f.stage == "CaseArchived")


def test_lawful_licences_are_lawful_and_defects_fire_their_rule(demo: DemoData) -> None:
    assert replay_live(demo) == []
    check_files(demo, demo.licences)


def test_complaints_cover_every_path_and_keep_the_complainant_off_public_steps(demo: DemoData) -> None:
    assert len(demo.complaints) == 12
    assert {f.path for f in demo.complaints} == set(COMPLAINT_PATHS)
    received = [f.steps[0]["data"] for f in demo.complaints]
    assert sum(1 for r in received if r.get("anonymous")) == 1
    assert {r["nature"] for r in received} == {"complaint", "report"}
    people = [r["complainant"] for r in received if "complainant" in r]
    assert all(len(p["phone"]) == 11 and p["phone"].isdigit() for p in people)
    cases = {c.stream for c in demo.cases}
    assert all(r["against"]["stream"] in cases for r in received)
    officers = {s["data"]["name"] for s in demo.registry if s["type"] == "OfficerRegistered"}
    assert not officers & {p["name"] for p in people}
    published = [s["data"]["text"] for s in demo.steps() if s["type"] == "DecisionPublished"]
    assert not [p for p in people for text in published if p["phone"] in text]
    assert all(s["type"] != "DecisionPublished" for f in demo.complaints for s in (*f.steps, *f.related))


def test_a_complaint_about_a_defective_case_finds_its_defect() -> None:
    data = generate(40, 2, AS_OF, defect_share=0.5, licences=0, complaints=30)
    defective = {c.stream: c.defect.rule for c in data.cases if c.defect}
    substantiated = [f for f in data.complaints if any(s["type"] == "RectificationOrdered" for s in f.related)]
    assert substantiated
    for file in substantiated:
        concluded = next(s for s in file.steps if s["type"] == "ComplaintConcluded")
        assert concluded["data"]["findings"] == [defective[file.steps[0]["data"]["against"]["stream"]]]
    assert replay_live(data) == []
    check_files(data, data.complaints)


def test_every_licence_defect_kind_fires_its_rule() -> None:
    data = generate(10, 11, AS_OF, defect_share=1.0, licences=3 * len(LICENCE_DEFECT_KINDS),
                    complaints=3 * len(COMPLAINT_DEFECT_KINDS))
    assert Counter(f.defect.kind for f in data.licences if f.defect) == {k.name: 3 for k in LICENCE_DEFECT_KINDS}
    assert Counter(f.defect.kind for f in data.complaints if f.defect) == {
        k.name: 3 for k in COMPLAINT_DEFECT_KINDS}
    assert replay_live(data) == []
    check_files(data, data.licences)
    check_files(data, data.complaints)


def test_the_penalty_cases_do_not_depend_on_the_other_files() -> None:
    alone = generate(40, 3, AS_OF, licences=0, complaints=0)
    full = generate(40, 3, AS_OF, licences=25, complaints=9)
    assert alone.cases == full.cases and alone.proceedings == full.proceedings
    assert alone.rectifications == full.rectifications
    assert alone.registry == full.registry
    assert generate(40, 3, AS_OF, licences=25).licences == full.licences


def test_registry_has_the_licensing_agency_and_the_bureau_head(demo: DemoData) -> None:
    agencies = {s["stream"]: s["data"] for s in demo.registry if s["type"] == "AgencyRegistered"}
    assert agencies["agency/JA-SPJ"]["name"] == "武汉市江岸区行政审批局"
    items = [s["data"] for s in demo.registry if s["type"] == "EnforcementItemPublished"
             and s["data"]["kind"] == "licence"]
    assert len(items) >= 4 and all(i["licence"]["statutory_days"] and i["licence"]["materials"] for i in items)
    assert any(i["licence"].get("hearing_required") for i in items)
    officers = [s["data"] for s in demo.registry if s["type"] == "OfficerRegistered"]
    assert any(o["agency"] == "agency/JA-SPJ" and "head" in o["roles"] for o in officers)
    assert any(o["agency"] == "agency/JA-SPJ" and "legal_reviewer" in o["roles"] and o.get("legal_qualification_no")
               for o in officers)
    assert any(o["agency"] == "agency/JA-SFJ" and "head" in o["roles"] for o in officers)


@settings(max_examples=scaled(5), deadline=None)
@given(seed=st.integers(0, 2**31), days=st.integers(0, 800), share=st.sampled_from([0.0, 0.15, 0.5]))
def test_for_all_seeds_and_dates_licence_and_complaint_files_are_lawful_or_marked(seed: int, days: int,
                                                                                  share: float) -> None:
    as_of = date(2026, 1, 1) + timedelta(days=days)
    data = generate(12, seed, as_of, defect_share=share, licences=16, complaints=6)
    assert replay_live(data) == []
    files = (*data.licences, *data.complaints)
    assert all(s["at"][:10] < as_of.isoformat() for f in files for s in (*f.steps, *f.related))
    check_files(data, files)
    ctx = audit_context(data)
    assert all(not serious(evaluate_file(data, f, ctx)) for f in files if f.defect is None)


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("LEDGER_KEY_PASSPHRASE", "demo-test")
    monkeypatch.delenv("LEDGER_POSTGRES_DSN", raising=False)
    d = tmp_path / "var"
    assert main(["--data", str(d), "init"]) == 0
    return d


def test_cli_demo_records_licences_and_complaints_and_a_rerun_records_nothing(data_dir: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    args = ["--data", str(data_dir), "demo", "--cases", "12", "--seed", "3", "--as-of", AS_OF.isoformat(),
            "--licences", "9", "--complaints", "4", "--defects", "0.34", "--json"]
    assert main(args) == 0, capsys.readouterr().err
    first = json.loads(capsys.readouterr().out)
    expected = generate(12, 3, AS_OF, defect_share=0.34, licences=9, complaints=4)
    assert first["refused"] is None and first["recorded"] == expected.step_count
    assert first["licences"] == len(expected.licences) and sum(first["licence_paths"].values()) == first["licences"]
    assert main(args) == 0
    again = json.loads(capsys.readouterr().out)
    assert (again["recorded"], again["skipped"]) == (0, expected.step_count)
    ledger = open_ledger(Settings.load(str(data_dir)), keys=False)
    try:
        assert first["complaints"] == len(expected.complaints) > 0
        for file in (*expected.licences, *expected.complaints):
            stored = ledger.store.stream(file.stream)
            assert [e.envelope["type"] for e in stored] == [s["type"] for s in file.steps]
            assert all(bool(e.envelope.get("backfilled")) == file.backfill for e in stored)
    finally:
        ledger.close()
    assert main(["--data", str(data_dir), "demo", "--licences", "-1"]) == 2
