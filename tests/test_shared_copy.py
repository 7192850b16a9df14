"""The vendored copy of ../shared is byte-identical to the upstream one (when present)."""

from __future__ import annotations

import pytest

from tests.shared_copy import SHARED, upstream


def test_copy_matches_upstream() -> None:
    source = upstream()
    if source is None:
        pytest.skip("../shared is not next to this checkout")
    theirs = {p.relative_to(source): p.read_bytes() for p in source.rglob("*")
              if p.is_file() and p.relative_to(source).parts[0] in ("domain", "conformance")}
    ours = {p.relative_to(SHARED): p.read_bytes() for p in SHARED.rglob("*") if p.is_file()}
    assert ours == theirs
