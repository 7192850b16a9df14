"""Every step type of steps.md by name: the tables of each kind of stream, with the step
types a kind's table also allows placed on that kind."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

from domain.vocabulary.appeal_steps import LITIGATION_STEPS, REVIEW_STEPS, SUPERVISION_STEPS
from domain.vocabulary.case_steps import CASE_STEPS
from domain.vocabulary.coercion_steps import COERCION_ALSO, COERCION_STEPS
from domain.vocabulary.complaint_steps import COMPLAINT_ALSO, COMPLAINT_STEPS
from domain.vocabulary.enforcement_steps import ENFORCEMENT_ALSO, ENFORCEMENT_STEPS
from domain.vocabulary.inspection_steps import INSPECTION_ALSO, INSPECTION_STEPS, SPOTCHECK_STEPS
from domain.vocabulary.licence_steps import LICENCE_ALSO, LICENCE_STEPS
from domain.vocabulary.registry_steps import REGISTRY_STEPS
from domain.vocabulary.spec import Also, StepSpec, place


def _assemble(tables: tuple[tuple[StepSpec, ...], ...], extras: tuple[Also, ...]) -> dict[str, StepSpec]:
    steps: dict[str, StepSpec] = {}
    for table in tables:
        for spec in table:
            if spec.name in steps:
                raise ValueError(f"{spec.name} is defined twice")
            steps[spec.name] = spec
    for extra in extras:
        steps[extra.name] = place(steps[extra.name], extra)
    return steps


STEPS: Final[Mapping[str, StepSpec]] = MappingProxyType(_assemble(
    (REGISTRY_STEPS, CASE_STEPS, REVIEW_STEPS, LITIGATION_STEPS, SUPERVISION_STEPS,
     LICENCE_STEPS, COMPLAINT_STEPS, COERCION_STEPS, ENFORCEMENT_STEPS, SPOTCHECK_STEPS, INSPECTION_STEPS),
    (*LICENCE_ALSO, *COMPLAINT_ALSO, *COERCION_ALSO, *ENFORCEMENT_ALSO, *INSPECTION_ALSO),
))
"""Every step type of steps.md, by name."""
