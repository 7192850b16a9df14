from __future__ import annotations

import os

os.environ.setdefault("HYPOTHESIS_PROFILE", "default")

from hypothesis import HealthCheck, settings

settings.register_profile(
    "default", deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
settings.register_profile(
    "slow", max_examples=500, deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.load_profile(os.environ["HYPOTHESIS_PROFILE"])

import pytest  # noqa: E402

# The two stores every storage test runs on, declared once; PostgreSQL carries the
# ``postgres`` mark so ``-m 'not postgres'`` runs without the server.
BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """The store a test runs on: every test asking for ``backend`` runs on both."""
    return str(request.param)
