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
