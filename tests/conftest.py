from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

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


# Each test module that reads a world or a site gets its own, built once (module scope); a module
# that needs another shape (a backend, other limits) declares its own ``world``/``site``.
@pytest.fixture(scope="module")
def world(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A world of ``tests/helpers/http_world.py`` on SQLite, for the module asking."""
    from tests.helpers.http_world import world_at

    with world_at(tmp_path_factory.mktemp(request.module.__name__.rsplit(".", 1)[-1])) as made:
        yield made


@pytest.fixture(scope="module")
def site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A demo site of ``tests/helpers/pages_site.py``, for the module asking."""
    from tests.helpers.pages_site import site_at

    with site_at(tmp_path_factory.mktemp(request.module.__name__.rsplit(".", 1)[-1])) as built:
        yield built
