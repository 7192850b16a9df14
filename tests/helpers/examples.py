"""How many examples a property test runs: a quarter of its count in the fast tier (``make test``),
the whole count when ``make test-slow`` reruns every property test with ``HYPOTHESIS_PROFILE=full``."""

from __future__ import annotations

import os

FULL = os.environ.get("HYPOTHESIS_PROFILE", "default") in {"full", "slow"}


def scaled(count: int) -> int:
    """``count`` in the full run; a quarter of it (at least 10, never more than ``count``) in the fast tier."""
    return count if FULL else min(count, max(10, count // 4))
