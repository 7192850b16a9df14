"""Legal gates: the BLOCKER rules a live step must not break (rules.md, the Gates table).

The registry and the entry points are in ``domain.gates.core``; importing this package
registers every gate (penalty, publication, licence, coercion, enforcement, inspection,
complaint), so callers import from here.
"""

from domain.gates import coercion as _coercion
from domain.gates import complaint as _complaint
from domain.gates import enforcement as _enforcement
from domain.gates import inspection as _inspection
from domain.gates import licence as _licence
from domain.gates import penalty as _penalty
from domain.gates import publication as _publication
from domain.gates.core import (
    CASES,
    GATE_ORDER,
    PUBLICATIONS,
    PUBLICLY_SERVED,
    Firing,
    Gate,
    GateContext,
    Judged,
    check_gates,
    firing_gates,
    gate,
    gate_rule_ids,
    gates_for,
    with_registry,
)
from domain.gates.publication import (
    describe_findings,
    masking_case,
    personal_data_context,
    personal_data_findings,
)

__all__ = [
    "CASES",
    "GATE_ORDER",
    "PUBLICATIONS",
    "PUBLICLY_SERVED",
    "Firing",
    "Gate",
    "GateContext",
    "Judged",
    "check_gates",
    "describe_findings",
    "firing_gates",
    "gate",
    "gate_rule_ids",
    "gates_for",
    "masking_case",
    "personal_data_context",
    "personal_data_findings",
    "with_registry",
]

_REGISTERED = (_coercion, _complaint, _enforcement, _inspection, _licence, _penalty, _publication)
"""The gate modules, imported for their registrations."""
