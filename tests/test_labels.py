"""Every step type, field and code of the vocabulary has its Chinese label in one table
(``projections.labels``, issue 13, 4): a step or field added to ``domain/vocabulary/``
(on any stream kind) without its label fails here, so no page or export shows an English identifier."""

from __future__ import annotations

import re

from audit import model
from domain.fields import Choice, FieldType, ListOf, Obj, OneOf
from domain.registry import CREDENTIAL_STATES
from domain.vocabulary import STEPS, Role
from projections import labels

HAN = re.compile(r"[\u4e00-\u9fff]")


def _walk(ft: FieldType, name: str, fields: set[str], choices: set[tuple[str, str]]) -> None:
    if isinstance(ft, Obj):
        for f in ft.fields:
            fields.add(f.name)
            _walk(f.type, f.name, fields, choices)
    elif isinstance(ft, ListOf):
        _walk(ft.item, name, fields, choices)
    elif isinstance(ft, OneOf):
        for option in ft.options:
            _walk(option, name, fields, choices)
    elif isinstance(ft, Choice):
        choices.update((name, v) for v in ft.values)


def _vocabulary() -> tuple[set[str], set[tuple[str, str]]]:
    fields: set[str] = set()
    choices: set[tuple[str, str]] = set()
    for spec in STEPS.values():
        for placement in spec.placements.values():  # the fields a kind adds too
            _walk(placement.data, "", fields, choices)
    return fields, choices


def test_every_step_type_has_a_chinese_label() -> None:
    missing = [t for t in STEPS if not HAN.search(labels.step_label(t))]
    assert not missing


def test_every_field_of_the_vocabulary_has_a_chinese_label() -> None:
    fields, _ = _vocabulary()
    assert len(fields) > 150
    missing = sorted(f for f in fields if not HAN.search(labels.field_label(f)) and f != "sha256")
    assert not missing


def test_every_choice_of_the_vocabulary_has_a_chinese_label() -> None:
    _, choices = _vocabulary()
    missing = sorted((f, c) for f, c in choices if not HAN.search(labels.code_label(c, f)))
    assert not missing


def test_a_code_that_means_two_things_is_labelled_by_its_field() -> None:
    assert labels.code_label("inspection", "source") == "检查发现"
    assert labels.code_label("inspection", "kind") == "行政检查"
    assert labels.code_label("transfer", "outcome") == "移送司法机关"
    assert labels.code_label("approved", "outcome") == "同意"
    assert labels.code_label("unheard-of") == "unheard-of"


def test_severities_roles_statuses_and_credentials_have_labels() -> None:
    assert model.SEVERITY_LABELS is labels.SEVERITY_LABELS
    assert set(labels.SEVERITY_LABELS) == set(model.SEVERITIES)
    assert set(labels.ROLE_LABELS) == {r.value for r in Role}
    assert set(labels.CREDENTIAL_STATUS_LABELS) == set(CREDENTIAL_STATES)
    assert labels.GRADE_LABELS[None] == "办理中"
    for table in (labels.SEVERITY_LABELS, labels.ROLE_LABELS, labels.STATUS_LABELS, labels.CREDENTIAL_STATUS_LABELS,
                  labels.OUTCOME_LABELS, labels.PENALTY_LABELS):
        assert all(HAN.search(v) for v in table.values())


def test_a_path_into_a_steps_data_is_labelled_part_by_part() -> None:
    assert labels.field_label("materials[1]") == "材料第 2 项"
    assert labels.field_label("party.name") == "当事人·名称"
    assert labels.field_label("record") == "笔录"
