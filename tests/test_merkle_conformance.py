"""RFC 6962/9162 proof vectors (transparency-dev/merkle testdata) against ledger.merkle.

Every JSON file under ``tests/vectors/merkle`` is one case; valid cases
must verify and every malformed variant must raise ProofError (and nothing
else). Where a valid case comes from the RFC 6962 reference tree, the proofs we
generate must also equal the vector's proof byte for byte.
"""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path
from typing import Any

import pytest

from ledger import merkle
from tests.helpers.spec_paths import MERKLE_VECTORS

VECTORS = Path(os.environ.get("LEDGER_MERKLE_VECTORS", MERKLE_VECTORS))
FILES = sorted(VECTORS.rglob("*.json")) if VECTORS.is_dir() else []

# The leaves of the RFC 6962 reference tree that the vectors' happy paths use.
REFERENCE_LEAVES = [
    bytes.fromhex(h)
    for h in [
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    ]
]
REFERENCE_TREE = merkle.MemoryTree(merkle.leaf_hash(d) for d in REFERENCE_LEAVES)


def _b64(value: str | None) -> bytes:
    return base64.b64decode(value) if value else b""


def _load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _verify(case: dict[str, Any]) -> None:
    proof = [_b64(p) for p in case.get("proof") or []]
    if "leafIdx" in case:
        merkle.verify_inclusion(
            _b64(case["leafHash"]), case["leafIdx"], case["treeSize"], proof, _b64(case["root"])
        )
    else:
        merkle.verify_consistency(
            case["size1"], case["size2"], _b64(case["root1"]), _b64(case["root2"]), proof
        )


def test_vectors_are_present() -> None:
    """The suite must not pass vacuously when the vectors are missing."""
    assert VECTORS.is_dir(), f"conformance vectors not found at {VECTORS}"
    kinds = {p.relative_to(VECTORS).parts[0] for p in FILES}
    assert kinds == {"inclusion", "consistency"}
    assert len(FILES) > 150


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(VECTORS)) for p in FILES])
def test_vector(path: Path) -> None:
    case = _load(path)
    if case["wantErr"]:
        with pytest.raises(merkle.ProofError):
            _verify(case)
    else:
        _verify(case)


def _reference_matches(case: dict[str, Any]) -> bool:
    size = case.get("treeSize", case.get("size2"))
    if not isinstance(size, int) or not 0 < size <= REFERENCE_TREE.size:
        return False
    root = _b64(case.get("root", case.get("root2")))
    return root == REFERENCE_TREE.root(size)


def test_generated_proofs_equal_reference_vectors() -> None:
    """Our generators produce exactly the proofs in the happy-path vectors."""
    checked = 0
    for path in FILES:
        case = _load(path)
        if case["wantErr"] or not _reference_matches(case):
            continue
        want = [_b64(p) for p in case.get("proof") or []]
        if "leafIdx" in case:
            got = REFERENCE_TREE.inclusion_proof(case["leafIdx"], case["treeSize"])
            assert merkle.leaf_hash(REFERENCE_LEAVES[case["leafIdx"]]) == _b64(case["leafHash"])
        else:
            assert _b64(case["root1"]) == REFERENCE_TREE.root(case["size1"])
            got = REFERENCE_TREE.consistency_proof(case["size1"], case["size2"])
        assert got == want, path
        checked += 1
    assert checked >= 8


def test_reference_roots() -> None:
    """RFC 6962 reference roots for the 8-leaf test tree and the empty tree."""
    assert merkle.root([]) == bytes.fromhex(
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    )
    assert REFERENCE_TREE.root() == bytes.fromhex(
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"
    )
    assert REFERENCE_TREE.root(1) == bytes.fromhex(
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"
    )
