"""Coercive measures, enforcement by the agency and inspections (issue 16), as vocabulary: the example
files go live through every gate after the registry and the general case alone; the structural checks
refuse a misspelt field and a step on the wrong kind of stream, naming them; the order checks of
measures and of the draw; the spot check's draw is the brief's test vector; projections and the audit
take the new streams without parking them; nothing new is served publicly but publications."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from api.cli import main
from domain.draw import commitment_of, draw
from domain.fields import StreamKind
from domain.gates import PUBLICLY_SERVED
from domain.vocabulary import STEPS
from ledger.service import Ledger
from projections.runner import Runner
from tests.helpers.cli_data import cli_data
from tests.helpers.live_draws import sign_checkpoint
from tests.helpers.projection_ledgers import import_live, imported, ledger_template, ledger_with, lines, table
from tests.helpers.spec_paths import EXAMPLES

COERCION = "coercion/DXH-CGJ-QZ-2026-0003"
MEASURE_CASE = "case/DXH-CGJ-2026-0058"
SUBSTITUTE_CASE = "case/DXH-CGJ-2026-0021"
SPOTCHECK = "spotcheck/DXH-CGJ-CC-2026-01"
BASE = ["registry", "general-case"]
NEW = ["coercion-case", "coercion-standalone", "spotcheck"]
EXISTING_REGISTRY_LINES = 21


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return ledger_template(tmp_path_factory.mktemp("coercion-inspection"), BASE)


@pytest.fixture
def base(tmp_path: Path, template: Path) -> Iterator[Ledger]:
    """A fresh live ledger holding registry.jsonl and general-case.jsonl only (a copy of the module's)."""
    yield from ledger_with(tmp_path, BASE, template=template)


def _step(name: str, step_type: str, stream: str | None = None) -> tuple[list[dict[str, Any]], int]:
    steps = lines(name)
    return steps, next(i for i, s in enumerate(steps)
                       if s["type"] == step_type and (stream is None or s["stream"].startswith(stream)))


# --------------------------------------------------------------------------- the examples


BACKFILLED = frozenset({"spotcheck"})
"""The examples imported as a 补录 (``--backfill``): the spot check's beacon is a checkpoint of the
ledger it was drawn in, never of a fresh one (issue 16: "the spot check with --backfill")."""


def _import(ledger: Ledger, name: str, steps: list[dict[str, Any]]) -> str | None:
    return imported(ledger, steps, backfill=name in BACKFILLED)


@pytest.mark.parametrize("name", NEW)
def test_each_example_imports_after_the_registry_and_the_general_case(base: Ledger, name: str) -> None:
    """Live, but the spot check with ``--backfill``."""
    steps = lines(name)
    assert _import(base, name, steps) is None
    for stream in {s["stream"] for s in steps}:
        recorded = [e.step() for e in base.store.stream(stream)]
        assert recorded == [s for s in steps if s["stream"] == stream]


def test_the_spot_check_imported_live_is_refused_naming_ins02(base: Ledger) -> None:
    """Its beacon is no checkpoint of this ledger: first the log has not even integrated the
    snapshots (wait), then, once it has signed one, the example's beacon is not that one."""
    steps = lines("spotcheck")
    refusal = import_live(base, steps)
    assert refusal is not None and refusal.startswith("[INS-02]") and "请等待日志集成并签署检查点" in refusal
    assert [e.type for e in base.read(SPOTCHECK)][-1] == "DirectorySnapshotTaken"
    size, _ = sign_checkpoint(base)
    refusal = import_live(base, steps)
    assert refusal is not None and refusal.startswith("[INS-02]") and "不是本账本透明日志签署的检查点" in refusal
    assert f"第一个检查点是 tree_size {size}" in refusal
    assert imported(base, steps, backfill=True) is None


def test_the_examples_keep_the_briefs_dates() -> None:
    standalone = lines("coercion-standalone")
    on = {(s["stream"].split("/")[0], s["type"]): s["at"] for s in standalone if s["stream"] != SUBSTITUTE_CASE}
    seizure = next(s for s in standalone if s["type"] == "SeizureImposed")
    assert seizure["data"]["emergency"] and seizure["data"]["decision"]["until"] == "2026-10-30"  # 30 ND, no roll
    assert on[("coercion", "CoercionApprovalDecided")] == "2026-10-01T09:00:00+08:00"  # within 24 h of 20:30
    assert on[("case", "DecisionMade")][:10] == "2026-10-16"
    assert on[("coercion", "DecisionPublished")][:10] == "2026-10-20"
    substitute = {s["type"]: s["at"][:10] for s in standalone if s["stream"] == SUBSTITUTE_CASE}
    assert substitute["SubstituteDecisionServed"] == "2026-02-13"  # 14, 24, 25 Feb lie between: 3 WD
    assert substitute["EnforcementCarriedOut"] == "2026-02-26"
    disposes = next(s for s in lines("coercion-case") if s["type"] == "DecisionMade")["data"]["disposes"]
    assert disposes == [{"measure_id": "M1", "items": ["I1", "I2"], "disposition": "confiscated"}]


def test_the_draw_is_the_briefs_test_vector() -> None:
    steps = lines("spotcheck")
    plan = next(s for s in steps if s["type"] == "SpotCheckPlanned")["data"]
    drawn = next(s for s in steps if s["type"] == "RandomDrawPerformed")["data"]
    snapshots = {s["data"]["directory"]: s["data"] for s in steps if s["type"] == "DirectorySnapshotTaken"}
    secret, root = bytes.fromhex(drawn["seed_secret"]), bytes.fromhex(drawn["beacon"]["root"])
    assert commitment_of(secret).hex() == plan["seed_commitment"]
    keys = [f"OBJ-{i:04d}" for i in range(1, snapshots["objects"]["count"] + 1)]
    again = draw(secret, root, keys, snapshots["inspectors"]["officers"], sample_size=plan["sample_size"],
                 per_object=plan["inspectors_per_object"])
    assert again.seed.hex() == drawn["seed"] == "55543afe5669b07632e9f1f4aeecf7cd2d8a212f0c87c71486eee11cdb6d1422"
    assert [{"index": o.index, "key": o.key} for o in again.objects] == drawn["objects_drawn"]
    assert [o.index for o in again.objects] == [11, 3, 2]
    inspectors = [{"object_index": o.index, "officers": list(o.inspectors)} for o in again.objects]
    assert inspectors == drawn["inspectors_drawn"]
    opened = [s["data"] for s in steps if s["type"] == "InspectionOpened"]
    assert [(o["object"]["key"], o["officers"]) for o in opened] == [
        (o.key, list(o.inspectors)) for o in again.objects]


def test_registry_additions_come_after_the_existing_lines() -> None:
    registry = lines("registry")
    added = registry[EXISTING_REGISTRY_LINES:]
    assert {s["data"].get("code") for s in added if s["type"] == "EnforcementItemPublished"} == {
        "CGJ-DQ-30-QZ", "CGJ-DQ-118-3", "CGJ-DL-42-1", "CGJ-JC-YY-01"}
    assert [s["stream"] for s in added if s["type"] == "OfficerRegistered"] == [
        f"officer/4201121900{n}" if n < 10 else f"officer/420112190{n}" for n in (8, 9, 10, 11)]
    codes_before = {s["data"].get("code") for s in registry[:EXISTING_REGISTRY_LINES]}
    assert "CGJ-DQ-30-QZ" not in codes_before and "CGJ-DQ-118-1" in codes_before


# --------------------------------------------------------------------------- structural refusals


@pytest.mark.parametrize(("name", "step_type", "field"), [
    ("coercion-case", "SeizureImposed", "measure_id"), ("coercion-case", "DecisionMade", "disposes"),
    ("coercion-standalone", "CoercionOpened", "purpose"),
    ("coercion-standalone", "EnforcementCarriedOut", "signatures"),
    ("spotcheck", "RandomDrawPerformed", "seed_secret"), ("spotcheck", "InspectionOpened", "origin"),
])
def test_a_misspelt_field_is_refused_naming_it(base: Ledger, name: str, step_type: str, field: str) -> None:
    steps, i = _step(name, step_type)
    steps[i]["data"][field + "x"] = steps[i]["data"].pop(field)
    refusal = _import(base, name, steps)
    if field == "disposes":  # optional: misspelt, it is free JSON and the measure stays undisposed
        assert refusal is None
        return
    assert refusal is not None and "STRUCT-FIELD" in refusal and f"data.{field}" in refusal


@pytest.mark.parametrize(("name", "step_type", "stream"), [
    ("coercion-standalone", "CoercionOpened", "case/DXH-CGJ-2026-0102"),
    ("spotcheck", "SpotCheckPlanned", "inspection/DXH-CGJ-JC-2026-0009"),
    ("spotcheck", "SiteInspectionRecorded", SPOTCHECK),
    ("coercion-case", "SeizureImposed", "licence/DXH-SPJ-XK-2026-0031"),
    ("coercion-standalone", "SubstituteDecisionServed", "inspection/DXH-CGJ-JC-2026-0001"),
])
def test_a_step_on_the_wrong_kind_of_stream_is_refused_naming_it(
        base: Ledger, name: str, step_type: str, stream: str) -> None:
    steps, i = _step(name, step_type)
    steps[i]["stream"] = stream
    refusal = _import(base, name, steps[:i + 1])
    assert refusal is not None and "stream:" in refusal and step_type in refusal


def test_a_measure_on_a_case_comes_after_its_registration(base: Ledger) -> None:
    steps, i = _step("coercion-case", "SeizureImposed")
    source = steps[0]
    refusal = import_live(base, [source, steps[i]])
    assert refusal is not None and refusal.startswith("[STRUCT-ORDER]") and "CaseRegistered" in refusal


def test_a_disposal_names_a_measure_of_its_stream(base: Ledger) -> None:
    steps, i = _step("coercion-standalone", "SeizureDisposed")
    wrong = copy.deepcopy(steps)
    wrong[i]["data"]["measure_id"] = "M2"
    refusal = import_live(base, wrong)
    assert refusal is not None and refusal.startswith("[STRUCT-ORDER]") and "M2" in refusal


def test_the_draw_follows_both_snapshots(base: Ledger) -> None:
    steps = [s for s in lines("spotcheck") if s["stream"] == SPOTCHECK]
    without = [s for s in steps
               if not (s["type"] == "DirectorySnapshotTaken" and s["data"]["directory"] == "inspectors")]
    refusal = import_live(base, without)
    assert refusal is not None and refusal.startswith("[STRUCT-ORDER]") and "inspectors" in refusal


def test_coercion_approvals_name_heads_of_the_acting_agency(base: Ledger) -> None:
    steps, i = _step("coercion-standalone", "CoercionApprovalDecided")
    steps[i]["data"]["decided_by"] = "officer/42011230003"  # a head, but of the licensing agency
    refusal = import_live(base, steps[:i + 1])
    assert refusal is not None and "STRUCT-ROLE" in refusal and "data.decided_by" in refusal


def test_nothing_new_is_served_publicly_but_publications() -> None:
    new_kinds = {StreamKind.COERCION, StreamKind.SPOTCHECK, StreamKind.INSPECTION}
    on_new = {name for name, spec in STEPS.items() if spec.streams & new_kinds}
    assert on_new & PUBLICLY_SERVED == {"DecisionPublished", "PublicationWithdrawn"}
    assert STEPS["DecisionPublished"].on(StreamKind.SPOTCHECK) is None


# --------------------------------------------------------------------------- reading them


def test_projections_take_the_new_streams_without_parking_them(tmp_path: Path) -> None:
    for ledger in ledger_with(tmp_path, BASE):
        for name in NEW:
            assert _import(ledger, name, lines(name)) is None
        runner = Runner(ledger.store, batch=5)
        runner.run_once()
        runner.close()
        assert table(ledger.store, "proj_poison") == []
        public = json.dumps(table(ledger.store, "pub_decisions"), ensure_ascii=False)
        assert "张建华" not in public and "420112198805120318" not in public


def test_the_audit_grades_every_file_of_the_examples(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    """The cases, the 强制 file, the spot check and its inspections all grade 优秀; the spot check is a
    补录 (its beacon is no checkpoint of this ledger: INS-02 says so as INFO), and inspection 0002 lacks
    its 检查码 (INS-05, MINOR, as the brief says)."""
    data = cli_data(tmp_path, monkeypatch)
    for name in [*BASE, *NEW]:
        backfill = ["--backfill"] if name in BACKFILLED else []
        assert main(["--data", str(data), "import", *backfill, str(EXAMPLES / f"{name}.jsonl"), "--json"]) == 0
    capsys.readouterr()
    assert main(["--data", str(data), "projections", "run", "--once"]) == 0
    capsys.readouterr()
    assert main(["--data", str(data), "audit", "--all", "--json"]) == 0
    graded = json.loads(capsys.readouterr().out)
    inspections = [f"inspection/DXH-CGJ-JC-2026-000{n}" for n in (1, 2, 3)]
    assert {e["case"]: e["grade"] for e in graded} == dict.fromkeys(
        ["case/DXH-CGJ-2026-0012", SUBSTITUTE_CASE, MEASURE_CASE, "case/DXH-CGJ-2026-0077", "case/DXH-CGJ-2026-0101",
         COERCION, "spotcheck/DXH-CGJ-CC-2026-01", *inspections], "优秀")
    assert {(e["case"], f["rule"], f["severity"]) for e in graded for f in e["findings"]} == {
        ("spotcheck/DXH-CGJ-CC-2026-01", "INS-02", "INFO"), ("inspection/DXH-CGJ-JC-2026-0002", "INS-05", "MINOR"),
        *((s, "INS-02", "INFO") for s in inspections),  # the 补录 beacon: 未核验
        *((s, "INS-06", "INFO") for s in inspections)}  # the yearly count, no cap configured
    assert [e["case"] for e in graded].index(COERCION) > [e["case"] for e in graded].index(MEASURE_CASE)
