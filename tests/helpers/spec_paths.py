"""Where the project's spec, examples and test vectors live (one place for every test to cite).

The project's copy is the source of truth; ``upstream()`` finds ``../shared`` (next to the
repository) for ``tests/test_spec_upstream.py``, which checks that nothing it names is missing here.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "docs" / "spec"
STEPS_MD = SPEC / "steps.md"
RULES_MD = SPEC / "rules.md"
ARCHITECTURE_MD = ROOT / "docs" / "architecture.md"
EXAMPLES = ROOT / "examples"
MERKLE_VECTORS = ROOT / "tests" / "vectors" / "merkle"


def upstream() -> Path | None:
    """``../shared`` relative to the repository root, when it holds a domain spec."""
    candidate = ROOT.parent / "shared"
    return candidate if (candidate / "domain" / "steps.md").is_file() else None
