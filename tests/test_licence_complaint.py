"""Licensing (行政许可) and complaint (投诉举报) streams, issue 15: the example files go live through
every gate after the registry and the general case alone; the structural checks refuse a
misspelt or missing field and a step on the wrong kind of stream, naming it; the order and
role checks of the new streams; a step type shared by several kinds checks the fields of the
kind it is on; projections and the audit take the new streams without parking them; and no
complaint step is ever served publicly."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from api.cli import main
from domain.fields import StreamKind
from domain.gates import PUBLICLY_SERVED
from domain.vocabulary import STEPS, check_step_data
from ledger.service import Ledger
from projections.runner import Runner
from tests.helpers.cli_data import cli_data
from tests.helpers.examples import scaled
from tests.helpers.projection_ledgers import GENERAL, import_live, ledger_template, ledger_with, lines, table
from tests.helpers.spec_paths import EXAMPLES

LICENCE = "licence/DXH-SPJ-XK-2026-0031"
COMPLAINT = "complaint/DXH-SFJ-TS-2026-0007"
BASE = ["registry", "general-case"]
NEW = ["licence-case", "complaint"]


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return ledger_template(tmp_path_factory.mktemp("licence-complaint"), BASE)


@pytest.fixture
def base(tmp_path: Path, template: Path) -> Iterator[Ledger]:
    """A fresh live ledger holding registry.jsonl and general-case.jsonl only (a copy of the module's)."""
    yield from ledger_with(tmp_path, BASE, template=template)


def _step(name: str, step_type: str) -> tuple[list[dict[str, Any]], int]:
    steps = lines(name)
    return steps, next(i for i, s in enumerate(steps) if s["type"] == step_type)


# --------------------------------------------------------------------------- the examples


@pytest.mark.parametrize("name", NEW)
def test_each_example_imports_live_after_the_registry_and_the_general_case(base: Ledger, name: str) -> None:
    steps = lines(name)
    assert import_live(base, steps) is None
    for stream in {s["stream"] for s in steps}:
        recorded = [e.step() for e in base.store.stream(stream)]
        assert recorded == [s for s in steps if s["stream"] == stream]


def test_the_examples_keep_the_briefs_dates() -> None:
    licence = {s["type"]: s["at"][:10] for s in lines("licence-case")}
    assert licence["SupplementRequested"] == "2026-09-24"  # the 5th WD after 18 Sep: 20 Sep (调休) counts
    assert licence["LicenceAccepted"] == "2026-09-28" and licence["LicenceGranted"] == "2026-10-21"
    assert licence["LicenceIssued"] == "2026-10-23" and licence["DecisionPublished"] == "2026-10-28"
    complaint = {s["type"]: s["at"][:10] for s in lines("complaint")}
    assert complaint["ComplaintAccepted"] == "2026-05-08"  # 5 WD after 30 Apr end on 11 May (9 May 调休)
    assert complaint["ComplaintAnswered"] == "2026-06-05"
    against = lines("complaint")[0]["data"]["against"]
    assert against["stream"] == GENERAL  # the brief's inspection comes later: see examples/README.md


def test_registry_additions_come_after_the_existing_lines() -> None:
    registry = lines("registry")
    first_new = next(i for i, s in enumerate(registry) if s["stream"] == "agency/DXH-SPJ")
    assert first_new == 14 and all(s["stream"] != "agency/DXH-SPJ" for s in registry[:first_new])
    item = next(s for s in registry if s["type"] == "EnforcementItemPublished" and s["data"]["kind"] == "licence")
    assert item["data"]["basis"][0]["rank"] == "administrative_regulation"


# --------------------------------------------------------------------------- structural refusals


def test_removing_sealed_by_from_the_grant_is_refused_naming_the_field(base: Ledger) -> None:
    steps, i = _step("licence-case", "LicenceGranted")
    del steps[i]["data"]["sealed_by"]
    refusal = import_live(base, steps)
    assert refusal is not None and refusal.startswith("[STRUCT-FIELD]") and "data.sealed_by" in refusal
    assert [e.type for e in base.store.stream(LICENCE)][-1] == "LicenceReviewed"  # earlier lines stay


@pytest.mark.parametrize(("name", "step_type", "field"), [
    ("licence-case", "LicenceGranted", "document_no"), ("licence-case", "LicenceApplied", "applicant"),
    ("complaint", "ComplaintTransferred", "complainant_identity_shared"),
    ("complaint", "ComplaintConcluded", "outcome"),
])
def test_a_misspelt_field_is_refused_naming_it(base: Ledger, name: str, step_type: str, field: str) -> None:
    steps, i = _step(name, step_type)
    steps[i]["data"][field + "x"] = steps[i]["data"].pop(field)
    refusal = import_live(base, steps)
    assert refusal is not None and "STRUCT-FIELD" in refusal and f"data.{field}" in refusal


@pytest.mark.parametrize(("name", "step_type", "stream"), [
    ("licence-case", "LicenceReviewed", "case/DXH-CGJ-2026-0012"),
    ("complaint", "ComplaintInvestigated", "licence/DXH-SPJ-XK-2026-0031"),
    ("complaint", "ComplaintAnswered", "supervision/DXH-SFJ-JD-2026-0012"),
])
def test_a_step_on_the_wrong_kind_of_stream_is_refused_naming_it(
        base: Ledger, name: str, step_type: str, stream: str) -> None:
    steps, i = _step(name, step_type)
    steps[i]["stream"] = stream
    refusal = import_live(base, steps)
    assert refusal is not None and "stream:" in refusal and step_type in refusal


def test_the_licence_is_issued_only_after_the_grant(base: Ledger) -> None:
    steps, i = _step("licence-case", "LicenceGranted")
    issued = next(s for s in steps if s["type"] == "LicenceIssued")
    refusal = import_live(base, [*steps[:i], issued])
    assert refusal is not None and refusal.startswith("[STRUCT-ORDER]") and "LicenceGranted" in refusal


def test_a_licence_stream_has_one_opening(base: Ledger) -> None:
    steps = lines("licence-case")
    proceeding = {"stream": LICENCE, "type": "LicenceProceedingOpened", "at": "2026-09-19T10:00:00+08:00",
                  "by": "officer/42011230001", "data": {
                      "agency": "agency/DXH-SPJ", "action": "revocation",
                      "licence": {"stream": "licence/DXH-SPJ-XK-2025-0001", "licence_no": "X"},
                      "holder": steps[0]["data"]["applicant"], "trigger": "ex_officio", "grounds": ["依职权"],
                      "approved_by": "officer/42011230003"}}
    refusal = import_live(base, [steps[0], proceeding])
    assert refusal is not None and refusal.startswith("[STRUCT-OPEN]") and "LicenceApplied" in refusal


def _hearing(by: str, *, confirmed: bool | None = True) -> dict[str, Any]:
    doc = lines("licence-case")[0]["data"]["receipt"]
    data: dict[str, Any] = {"presider": "officer/42011230004", "record": doc, "report": doc, "public": True}
    if confirmed is not None:
        data["record_confirmed"] = confirmed
    return {"stream": LICENCE, "type": "HearingHeld", "at": "2026-10-20T10:00:00+08:00", "by": by, "data": data}


def test_a_licence_hearing_is_presided_by_nobody_who_handled_the_file(base: Ledger) -> None:
    steps, i = _step("licence-case", "LicenceReviewed")
    assert import_live(base, [*steps[:i + 1], _hearing("officer/42011230002")]) is not None  # 核查 staff
    assert "承办人" in (import_live(base, [_hearing("officer/42011230001")]) or "")  # the reviewer
    assert import_live(base, [_hearing("officer/42011230004")]) is None


def test_the_fields_a_kind_adds_are_required_there_only(base: Ledger) -> None:
    steps, i = _step("licence-case", "LicenceReviewed")
    refusal = import_live(base, [*steps[:i + 1], _hearing("officer/42011230004", confirmed=None)])
    assert refusal is not None and "data.record_confirmed" in refusal
    held = next(s for s in lines("general-case") if s["type"] == "HearingHeld")
    assert check_step_data("HearingHeld", held["data"], stream=held["stream"]) == []
    assert [p.path for p in check_step_data("HearingHeld", held["data"], stream=LICENCE)] == [
        "data.record_confirmed"]


def test_the_agency_complained_against_reports_and_nobody_else(base: Ledger) -> None:
    steps, i = _step("complaint", "ComplaintAgencyReported")
    wrong = copy.deepcopy(steps)
    wrong[i]["by"] = "officer/42011230003"  # a head, but of the licensing agency
    refusal = import_live(base, wrong[:i + 1])
    assert refusal is not None and refusal.startswith("[STRUCT-ROLE]") and "agency/DXH-CGJ" in refusal
    assert import_live(base, steps) is None


def test_complaint_approvals_name_heads_of_the_bureau(base: Ledger) -> None:
    steps, i = _step("complaint", "CaseClosed")
    steps[i]["data"]["approved_by"] = "officer/42011219003"  # a head of the agency complained against
    refusal = import_live(base, steps)
    assert refusal is not None and "STRUCT-ROLE" in refusal and "data.approved_by" in refusal


# --------------------------------------------------------------------------- kinds of stream


def _stream_of(kind: StreamKind) -> str:
    return f"{kind.value}/2026" if kind is StreamKind.CALENDAR else f"{kind.value}/X-1"


@settings(max_examples=scaled(200))
@given(st.sampled_from(sorted(STEPS)), st.sampled_from(list(StreamKind)))
def test_a_step_is_checked_on_the_kinds_its_tables_allow(step_type: str, kind: StreamKind) -> None:
    problems = [p for p in check_step_data(step_type, {}, stream=_stream_of(kind)) if p.path == "stream"]
    if kind in STEPS[step_type].streams:
        assert problems == []
    else:
        assert len(problems) == 1 and kind.value in problems[0].message


def test_shared_step_types_are_placed_on_the_new_kinds() -> None:
    assert STEPS["HearingHeld"].streams == {StreamKind.CASE, StreamKind.LICENCE}
    assert STEPS["CaseArchived"].streams == {StreamKind.CASE, StreamKind.LICENCE, StreamKind.COMPLAINT,
                                             StreamKind.COERCION, StreamKind.INSPECTION}
    assert STEPS["TimeLimitExtended"].streams == {StreamKind.CASE, StreamKind.COMPLAINT}
    assert STEPS["DecisionMade"].streams == {StreamKind.CASE}


def test_no_complaint_step_is_served_publicly() -> None:
    """CMP-04 and PUB-06: the complainant never reaches a public surface."""
    on_complaints = {name for name, spec in STEPS.items() if StreamKind.COMPLAINT in spec.streams}
    assert on_complaints and not on_complaints & PUBLICLY_SERVED
    assert STEPS["DecisionPublished"].on(StreamKind.COMPLAINT) is None


def test_a_decision_target_names_a_case_or_another_file_not_both() -> None:
    review = {"applicant": lines("licence-case")[0]["data"]["applicant"], "received_at": "2026-11-02T10:00:00+08:00",
              "target": {"stream": LICENCE, "document_no": "东审批许字〔2026〕第0031号"}}
    assert check_step_data("ReconsiderationApplied", review, stream="review/X-1") == []
    review["target"]["case"] = GENERAL
    assert [p.path for p in check_step_data("ReconsiderationApplied", review)] == ["data.target.stream"]
    del review["target"]["case"], review["target"]["stream"]
    assert [p.path for p in check_step_data("ReconsiderationApplied", review)] == ["data.target.case"]
    review["target"]["stream"] = GENERAL  # a case is named by `case`
    assert [p.path for p in check_step_data("ReconsiderationApplied", review)] == ["data.target.stream"]


# --------------------------------------------------------------------------- reading them


def test_projections_take_the_new_streams_without_parking_them(tmp_path: Path) -> None:
    for ledger in ledger_with(tmp_path, BASE):
        for name in NEW:
            assert import_live(ledger, lines(name)) is None
        runner = Runner(ledger.store, batch=5)
        runner.run_once()
        runner.close()
        assert table(ledger.store, "proj_poison") == []
        public = json.dumps([table(ledger.store, t) for t in ("pub_decisions",)], ensure_ascii=False)
        assert "李某" not in public and "13800000000" not in public


def test_audit_all_grades_the_case_the_licences_and_the_complaint(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    data = cli_data(tmp_path, monkeypatch)
    for name in [*BASE, *NEW]:
        assert main(["--data", str(data), "import", str(EXAMPLES / f"{name}.jsonl"), "--json"]) == 0
    capsys.readouterr()
    assert main(["--data", str(data), "projections", "run", "--once"]) == 0
    capsys.readouterr()
    assert main(["--data", str(data), "audit", "--all", "--json"]) == 0
    graded = json.loads(capsys.readouterr().out)
    first = graded[0]
    assert (first["case"], first["grade"], first["findings"]) == (GENERAL, "优秀", [])
    others = {e["case"]: (e["grade"], e["findings"]) for e in graded[1:]}
    assert sorted(others) == sorted({line["stream"] for name in NEW for line in lines(name)
                                     if line["stream"].startswith(("licence/", "complaint/"))})
    assert all(v == ("优秀", []) for v in others.values()), others
