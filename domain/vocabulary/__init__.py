"""The step vocabulary of ``docs/spec/steps.md`` as data, and its structural checks.

Everything recordable is listed here once: the kinds of stream each step type may be
recorded on, whether it may open a stream, who may record it there, and its data fields
with their types. The ledger, the API, the import and the audit all read this table, so a
name in steps.md is a name here (``tests/test_vocabulary.py`` parses steps.md to keep both
in step). One module per table of steps.md (``registry_steps``, ``case_steps``,
``appeal_steps``, ``licence_steps``, ``complaint_steps``, ``coercion_steps``, ``enforcement_steps``,
``inspection_steps``); ``table`` assembles them.
"""

from __future__ import annotations

from domain.fields import MalformedStream, Problem, StreamKind, parse_stream
from domain.vocabulary.checks import (
    UnknownStepType,
    check_override,
    check_step_data,
    may_open_stream,
    placement,
    record_rule,
    roles_may_record,
    spec,
    step_types,
    stream_kinds_of,
)
from domain.vocabulary.reading import (
    InvalidStepData,
    StepData,
    accepted_kinds_at,
    field_at,
    parse_data,
    parse_override,
)
from domain.vocabulary.records import Proviso, RecordRule, Role, Scope
from domain.vocabulary.registry_steps import BOOTSTRAP_OFFICER
from domain.vocabulary.spec import Placement, StepSpec
from domain.vocabulary.table import STEPS

__all__ = [
    "BOOTSTRAP_OFFICER",
    "STEPS",
    "InvalidStepData",
    "MalformedStream",
    "Placement",
    "Problem",
    "Proviso",
    "RecordRule",
    "Role",
    "Scope",
    "StepData",
    "StepSpec",
    "StreamKind",
    "UnknownStepType",
    "accepted_kinds_at",
    "check_override",
    "check_step_data",
    "field_at",
    "may_open_stream",
    "parse_data",
    "parse_override",
    "parse_stream",
    "placement",
    "record_rule",
    "roles_may_record",
    "spec",
    "step_types",
    "stream_kinds_of",
]
