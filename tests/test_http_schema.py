"""The OpenAPI schema of the app against the app, with schemathesis (bounded).

Every operation gets a few generated requests (with an admin token, so the write and read
paths run past authentication); no answer may be a 5xx, use an undocumented status or
media type, or break its documented schema.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.helpers.http_world import ADMIN, OFFICER, case_steps, checkpoint, world_at

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          response_headers_conformance]
# Examples per operation: a few in the fast tier, the long run in the slow tier.
EXAMPLES = [pytest.param(3, marks=pytest.mark.slow), pytest.param(12, marks=pytest.mark.slow)]
"""schemathesis runs in the slow tier, with the load and browser tests (3 examples a route, then 12)."""
HEALTH = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much,
          HealthCheck.data_too_large, HealthCheck.large_base_example]


@pytest.mark.parametrize("examples", EXAMPLES)
def test_app_conforms_to_its_schema(tmp_path: Path, examples: int) -> None:
    with world_at(tmp_path) as world:
        for step in case_steps("DXH-CGJ-2026-0001", 3):  # a case to read, and a log to prove
            assert world.post(OFFICER, step).status_code == 201
        assert checkpoint(world) > 20
        schema = schemathesis.openapi.from_asgi("/openapi.json", world.app)
        headers = world.h(ADMIN)
        failures: list[str] = []
        labels: list[str] = []
        timings: dict[str, float] = {}
        for result in schema.get_all_operations():
            operation = result.ok()
            labels.append(operation.label)

            @given(case=operation.as_strategy())
            @settings(max_examples=examples, deadline=None, suppress_health_check=HEALTH, database=None)
            def exercise(case: Any) -> None:
                case.call_and_validate(headers=headers, checks=CHECKS)

            started = time.monotonic()
            try:
                exercise()
            except Exception as exc:  # collect every operation's failure, then report them all
                failures.append(f"{operation.label}: {exc}")
            timings[operation.label] = time.monotonic() - started
        assert "POST /v1/steps" in labels and "GET /v1/log/event/{position}" in labels
        assert not failures, "\n\n".join(failures)
