"""Old name of ``tests/helpers/spec_paths.py``, kept so existing imports go on working."""

from __future__ import annotations

from tests.helpers.spec_paths import EXAMPLES, MERKLE_VECTORS, RULES_MD, STEPS_MD, upstream

__all__ = ["EXAMPLES", "MERKLE_VECTORS", "RULES_MD", "STEPS_MD", "upstream"]
