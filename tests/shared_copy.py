"""The project's copy of ``../shared`` (contract, examples, vectors), so a clone tests alone.

``tests/test_shared_copy.py`` fails when the copy drifts from ``../shared`` where that exists.
"""

from __future__ import annotations

from pathlib import Path

SHARED = Path(__file__).resolve().parent / "shared"
EXAMPLES = SHARED / "domain" / "examples"
STEPS_MD = SHARED / "domain" / "steps.md"
RULES_MD = SHARED / "domain" / "rules.md"
MERKLE_VECTORS = SHARED / "conformance" / "merkle"


def upstream() -> Path | None:
    for candidate in (Path(__file__).resolve().parents[2] / "shared", Path("/work/shared")):
        if (candidate / "domain" / "steps.md").exists():
            return candidate
    return None
