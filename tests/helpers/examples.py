"""How many examples a property test runs: a tenth of its count in the fast tier (``make test``),
the whole count when ``make test-slow`` reruns every property test with ``HYPOTHESIS_PROFILE=full``."""

from __future__ import annotations

import os

FULL = os.environ.get("HYPOTHESIS_PROFILE", "default") in {"full", "slow"}


def scaled(count: int) -> int:
    """``count`` in the full run; a tenth of it (at least 3, never more than ``count``) in the fast tier,
    which only has to show a regression: the slow tier's full run is the hunt."""
    return count if FULL else min(count, max(3, count // 10))
