"""Properties of ledger.merkle: generated proofs verify, tampering never does.

Sizes up to MAX_SIZE are checked exhaustively (every index, every 0 < m <= n);
hypothesis then flips single bits and draws arbitrary ranges.
"""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ledger import merkle
from tests.helpers.examples import scaled

MAX_SIZE = 300
LEAVES = [merkle.leaf_hash(i.to_bytes(4, "big")) for i in range(MAX_SIZE)]
TREE = merkle.MemoryTree(LEAVES)
ROOTS = [merkle.root(LEAVES[:n]) for n in range(MAX_SIZE + 1)]

FAST = settings(max_examples=scaled(300), deadline=None)


def _flip(data: bytes, bit: int) -> bytes:
    bit %= len(data) * 8
    out = bytearray(data)
    out[bit // 8] ^= 1 << (bit % 8)
    return bytes(out)


def _naive_mth(leaves: list[bytes]) -> bytes:
    """MTH straight from RFC 9162's recursive definition."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return leaves[0]
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return merkle.node_hash(_naive_mth(leaves[:k]), _naive_mth(leaves[k:]))


def test_root_matches_definition() -> None:
    for n in range(0, 70):
        assert merkle.root(LEAVES[:n]) == _naive_mth(LEAVES[:n])
        assert TREE.root(n) == ROOTS[n]
    assert merkle.MemoryTree(LEAVES[:150]).root() == ROOTS[150]


def test_every_inclusion_proof_verifies() -> None:
    for n in range(1, MAX_SIZE + 1):
        root = ROOTS[n]
        for i in range(n):
            proof = TREE.inclusion_proof(i, n)
            merkle.verify_inclusion(LEAVES[i], i, n, proof, root)


def test_every_consistency_proof_verifies() -> None:
    for n in range(1, MAX_SIZE + 1):
        for m in range(1, n + 1):
            proof = TREE.consistency_proof(m, n)
            merkle.verify_consistency(m, n, ROOTS[m], ROOTS[n], proof)


def test_proof_generation_refuses_impossible_requests() -> None:
    with pytest.raises(ValueError):
        TREE.inclusion_proof(5, 5)
    with pytest.raises(ValueError):
        TREE.consistency_proof(0, 5)
    with pytest.raises(ValueError):
        TREE.consistency_proof(6, 5)
    with pytest.raises(ValueError):
        TREE.root(MAX_SIZE + 1)
    with pytest.raises(IndexError):
        TREE.get_node(1, MAX_SIZE // 2)


class CountingGetter:
    """Counts node reads, to hold the accessor design to O(log n)."""

    def __init__(self, tree: merkle.MemoryTree) -> None:
        self.tree = tree
        self.reads = 0

    def __call__(self, level: int, index: int) -> bytes:
        self.reads += 1
        return self.tree.get_node(level, index)


@FAST
@given(n=st.integers(1, MAX_SIZE), data=st.data())
def test_proofs_read_logarithmically_many_nodes(n: int, data: st.DataObject) -> None:
    bound = 2 * n.bit_length() + 1
    getter = CountingGetter(TREE)
    i = data.draw(st.integers(0, n - 1))
    merkle.inclusion_proof(i, n, getter)
    assert getter.reads <= bound
    getter.reads = 0
    m = data.draw(st.integers(1, n))
    merkle.consistency_proof(m, n, getter)
    assert getter.reads <= bound
    getter.reads = 0
    merkle.root_at(n, getter)
    assert getter.reads <= n.bit_length()


@FAST
@given(n=st.integers(1, MAX_SIZE), data=st.data())
def test_flipped_bit_breaks_inclusion(n: int, data: st.DataObject) -> None:
    i = data.draw(st.integers(0, n - 1))
    proof = TREE.inclusion_proof(i, n)
    leaf, root = LEAVES[i], ROOTS[n]
    targets = ["leaf", "root"] + (["proof"] * 2 if proof else [])
    target = data.draw(st.sampled_from(targets))
    bit = data.draw(st.integers(0, 255))
    if target == "leaf":
        leaf = _flip(leaf, bit)
    elif target == "root":
        root = _flip(root, bit)
    else:
        k = data.draw(st.integers(0, len(proof) - 1))
        proof[k] = _flip(proof[k], bit)
    with pytest.raises(merkle.ProofError):
        merkle.verify_inclusion(leaf, i, n, proof, root)


@FAST
@given(n=st.integers(1, MAX_SIZE), data=st.data())
def test_flipped_bit_breaks_consistency(n: int, data: st.DataObject) -> None:
    m = data.draw(st.integers(1, n))
    proof = TREE.consistency_proof(m, n)
    old_root, new_root = ROOTS[m], ROOTS[n]
    targets = ["old", "new"] + (["proof"] * 2 if proof else [])
    target = data.draw(st.sampled_from(targets))
    bit = data.draw(st.integers(0, 255))
    if target == "old":
        old_root = _flip(old_root, bit)
    elif target == "new":
        new_root = _flip(new_root, bit)
    else:
        k = data.draw(st.integers(0, len(proof) - 1))
        proof[k] = _flip(proof[k], bit)
    with pytest.raises(merkle.ProofError):
        merkle.verify_consistency(m, n, old_root, new_root, proof)


@FAST
@given(n=st.integers(1, MAX_SIZE), data=st.data())
def test_wrong_position_or_size_fails(n: int, data: st.DataObject) -> None:
    i = data.draw(st.integers(0, n - 1))
    proof = TREE.inclusion_proof(i, n)
    other = data.draw(st.integers(0, MAX_SIZE).filter(lambda j: j != i))
    with pytest.raises(merkle.ProofError):
        merkle.verify_inclusion(LEAVES[i], other, n, proof, ROOTS[n])
    junk = hashlib.sha256(b"junk").digest()
    if proof:
        with pytest.raises(merkle.ProofError):
            merkle.verify_inclusion(LEAVES[i], i, n, proof[:-1], ROOTS[n])
    with pytest.raises(merkle.ProofError):
        merkle.verify_inclusion(LEAVES[i], i, n, [*proof, junk], ROOTS[n])
    m = data.draw(st.integers(1, n))
    cproof = TREE.consistency_proof(m, n)
    with pytest.raises(merkle.ProofError):
        merkle.verify_consistency(m, n, ROOTS[m], ROOTS[n], [*cproof, junk])


@FAST
@given(start=st.integers(0, MAX_SIZE), length=st.integers(0, MAX_SIZE))
def test_range_hash_agrees_with_root_of_slice(start: int, length: int) -> None:
    end = min(start + length, MAX_SIZE)
    assert merkle.range_hash(start, end, TREE.get_node) == merkle.root(LEAVES[start:end])


@FAST
@given(level=st.integers(0, 8), data=st.data())
def test_range_hash_of_aligned_ranges(level: int, data: st.DataObject) -> None:
    """Every subtree range of some tree is hashed from at most log2(n)+1 nodes."""
    width = 1 << level
    start = data.draw(st.integers(0, (MAX_SIZE - 1) // width)) * width
    end = data.draw(st.integers(start + 1, min(start + width, MAX_SIZE)))
    getter = CountingGetter(TREE)
    assert merkle.range_hash(start, end, getter) == merkle.root(LEAVES[start:end])
    assert getter.reads == len(merkle.subtree_nodes(start, end)) <= (end - start).bit_length()


def test_appending_keeps_old_nodes() -> None:
    tree = merkle.MemoryTree()
    for n, h in enumerate(LEAVES[:40]):
        assert tree.append(h) == n
        assert tree.root() == ROOTS[n + 1]
    assert tree.append_data((40).to_bytes(4, "big")) == 40
    assert tree.root() == ROOTS[41]


def test_verifiers_reject_malformed_arguments() -> None:
    proof = TREE.inclusion_proof(3, 10)
    with pytest.raises(merkle.ProofError, match="32"):
        merkle.verify_inclusion(LEAVES[3], 3, 10, [*proof[:-1], proof[-1] + b"\0"], ROOTS[10])
    with pytest.raises(merkle.ProofError):
        merkle.verify_inclusion(LEAVES[3], -1, 10, proof, ROOTS[10])
    with pytest.raises(merkle.ProofError):
        merkle.verify_inclusion(LEAVES[3], 3, 0, proof, ROOTS[10])
    with pytest.raises(merkle.ProofError):
        merkle.verify_consistency(0, 0, ROOTS[0], ROOTS[0], [])
    merkle.verify_consistency(7, 7, ROOTS[7], ROOTS[7], [])
