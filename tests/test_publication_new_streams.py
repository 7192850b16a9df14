"""PUB-01 on ``coercion/`` and ``inspection/`` streams knows the party (``CoercionOpened.party``,
``InspectionOpened.object``): a natural person's full name is masked as on a case, an organisation's
name is public; PUB-03 judges a publication against the decision it states
(``DecisionPublished.document_no``: a 代履行 decision on a case), else the penalty decision."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from domain.gates import firing_gates
from domain.gates.publication import masking_case
from domain.registry import HistoryRegistry
from tests.helpers.coercion_defects import COERCION, SUBSTITUTE_CASE, edit, fired, put, run, substitute_case
from tests.helpers.coercion_examples import registry
from tests.helpers.gate_context import CALENDAR, CONFIG, context_with
from tests.helpers.inspection_examples import INSPECTIONS
from tests.helpers.kinds_examples import as_step
from tests.helpers.projection_ledgers import lines

Raw = dict[str, Any]


def _stream(name: str) -> list[Raw]:
    return [s for s in [*lines("coercion-standalone"), *lines("spotcheck")] if s["stream"] == name]


def _pub01(stream: str, text: str) -> bool:
    steps = _stream(stream)
    published = next(i for i, s in enumerate(steps) if s["type"] == "DecisionPublished")
    judged = copy.deepcopy(steps[published])
    judged["data"]["text"] = text
    ctx = context_with([*registry(), *steps[:published]])
    return "PUB-01" in {f.rule for f in firing_gates(as_step(judged), HistoryRegistry(ctx), config=CONFIG,
                                                     calendar=CALENDAR)}


@pytest.mark.parametrize(("name", "fires"), [("张某某", False), ("张建华", True)])
def test_pub01_masks_the_coercion_files_person_party(name: str, fires: bool) -> None:
    assert masking_case(COERCION, _stream(COERCION)).party is not None
    assert _pub01(COERCION, f"东城管扣字〔2026〕第0003号：对当事人{name}实施扣押。") == fires


def test_pub01_an_inspections_organisation_object_is_public_a_person_is_masked() -> None:
    stream = INSPECTIONS[0]
    case = masking_case(stream, _stream(stream))
    assert case.party is not None and case.party.kind == "organisation"
    assert not _pub01(stream, f"武汉市东西湖区城市管理执法局 检查：{case.party.name}，未发现问题。")
    steps = _stream(stream)
    person = copy.deepcopy(steps)
    person[0]["data"]["object"] = {"kind": "person", "name": "李建国", "key": "OBJ-0012"}
    assert masking_case(stream, person).party is not None
    published = next(i for i, s in enumerate(person) if s["type"] == "DecisionPublished")
    judged = copy.deepcopy(person[published])
    judged["data"]["text"] = "检查：李建国，未发现问题。"
    ctx = context_with([*registry(), *person[:published]])
    assert "PUB-01" in {f.rule for f in firing_gates(as_step(judged), HistoryRegistry(ctx), config=CONFIG,
                                                     calendar=CALENDAR)}


def _substitute_publication(**changes: Any) -> list[Raw]:
    steps = substitute_case()
    index = [i for i, s in enumerate(steps) if s["type"] == "DecisionPublished"][1]
    steps = copy.deepcopy(steps)
    steps[index]["data"].update(changes)
    return steps


def test_pub03_the_lawful_substitute_publication_states_its_own_number() -> None:
    assert "PUB-03" not in fired(run(substitute_case()))


@pytest.mark.parametrize(("changes", "fires"), [
    ({}, False),
    ({"text": "湖北某建材有限公司的占道物料已依法代履行清除。"}, True),                  # its own number left out
    ({"document_no": "东城管代字〔2026〕第0099号"}, True),                             # not a decision of the case
    ({"document_no": None, "text": "东城管代字〔2026〕第0002号：已代履行。"}, True),   # unstated: the penalty's
])
def test_pub03_a_publication_and_the_decision_it_states(changes: Raw, fires: bool) -> None:
    steps = _substitute_publication(**changes)
    if changes.get("document_no", "") is None:
        index = [i for i, s in enumerate(steps) if s["type"] == "DecisionPublished"][1]
        steps[index]["data"].pop("document_no")
    assert ("PUB-03" in fired(run(steps))) == fires


_ = (SUBSTITUTE_CASE, edit, put)
