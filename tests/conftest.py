from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

os.environ.setdefault("HYPOTHESIS_PROFILE", "default")
# Key stores made by the tests derive with scrypt N=2**10, not 2**15 (ledger.keys.default_work_factor).
os.environ.setdefault("LEDGER_SCRYPT_N", "1024")

from hypothesis import HealthCheck, settings

# The fast tier runs 10 examples of a plain property test and a tenth of a counted one (at least 3,
# tests/helpers/examples.py); ``make test-slow`` reruns every property test with ``full``; ``slow`` is
# for a long hunt by hand. The fast tier holds every module's behaviour in process; a test of a whole
# process (a server, the console script, a follower, several writers at once) is marked ``slow``.
_HEALTH = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
settings.register_profile("default", max_examples=10, deadline=None, suppress_health_check=_HEALTH)
settings.register_profile("full", max_examples=100, deadline=None, suppress_health_check=_HEALTH)
settings.register_profile("slow", max_examples=500, deadline=None, suppress_health_check=_HEALTH)
settings.load_profile(os.environ["HYPOTHESIS_PROFILE"])

import pytest  # noqa: E402

# The two stores every storage test runs on, declared once. The PostgreSQL twin carries the
# ``postgres`` mark (``-m 'not postgres'`` runs without the server) and the ``slow`` one: ``make test``
# runs each storage test on SQLite, ``make test-slow`` (and so CI) on PostgreSQL as well. Tests of
# what only PostgreSQL does (LISTEN/NOTIFY, shared keys, several nodes) stay in the fast tier.
BACKENDS = ["sqlite", pytest.param("postgres", marks=[pytest.mark.postgres, pytest.mark.slow])]


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
    """A demo site of ``tests/helpers/pages_site.py``, for the module asking (its own copy of the run's)."""
    from tests.helpers.pages_site import shared_root, site_at

    with site_at(tmp_path_factory.mktemp(request.module.__name__.rsplit(".", 1)[-1]),
                 shared=shared_root(tmp_path_factory)) as built:
        yield built


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every hypothesis test carries the ``property`` mark, so a tier can select the property runs."""
    for item in items:
        if getattr(getattr(item, "obj", None), "is_hypothesis_test", False):
            item.add_marker(pytest.mark.property)
