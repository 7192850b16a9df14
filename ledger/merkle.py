"""RFC 9162 (RFC 6962) Merkle tree hashing, proofs and their verification.

Everything here is pure: proofs are generated against an abstract node accessor
so that a stored tree answers each proof in O(log n) node reads, and the
verifiers follow RFC 9162 sections 2.1.3.2 and 2.1.4.2 step by step so that
their accept/reject behaviour matches other implementations exactly (checked
against the transparency-dev vectors in ``tests/vectors/merkle``).

The accessor ``get_node(level, index)`` returns the hash of the *complete*
subtree of ``2**level`` leaves starting at leaf ``index * 2**level``. Such a
node never changes once the log has grown past it, so it can be stored once.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Iterable, Sequence

__all__ = [
    "EMPTY_ROOT",
    "HASH_SIZE",
    "MemoryTree",
    "NodeGetter",
    "ProofError",
    "consistency_proof",
    "inclusion_proof",
    "inclusion_root",
    "leaf_hash",
    "node_hash",
    "range_hash",
    "root",
    "root_at",
    "subtree_nodes",
    "verify_consistency",
    "verify_inclusion",
]

HASH_SIZE = 32
"""Size in bytes of every hash in the tree (SHA-256)."""

EMPTY_ROOT = hashlib.sha256(b"").digest()
"""Root of the empty tree: SHA-256 of the empty string (RFC 9162 2.1.1)."""

NodeGetter = Callable[[int, int], bytes]
"""``get_node(level, index)``: hash of the complete subtree of ``2**level`` leaves
starting at leaf ``index * 2**level``."""


class ProofError(ValueError):
    """A Merkle proof does not prove what it claims (or is malformed)."""


def leaf_hash(data: bytes) -> bytes:
    """Hash of a leaf: SHA-256(0x00 || data); the prefix separates leaves from nodes."""
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """Hash of an interior node: SHA-256(0x01 || left || right)."""
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split_point(n: int) -> int:
    """Largest power of two strictly smaller than ``n`` (``n >= 2``): RFC 9162's k."""
    return 1 << ((n - 1).bit_length() - 1)


def _check_count(name: str, value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, not {type(value).__name__}")
    if value < 0:
        raise ValueError(f"{name} must not be negative: {value}")


def root(leaf_hashes: Sequence[bytes]) -> bytes:
    """Merkle Tree Hash of a list of leaf hashes, in O(n) hashing and O(log n) memory.

    Keeps one hash per complete subtree (like a binary counter) and folds them
    right to left at the end, which is exactly MTH's left-heavy split.
    """
    stack: list[tuple[int, bytes]] = []  # (level, hash), levels strictly decreasing
    for h in leaf_hashes:
        level, acc = 0, h
        while stack and stack[-1][0] == level:
            acc = node_hash(stack.pop()[1], acc)
            level += 1
        stack.append((level, acc))
    if not stack:
        return EMPTY_ROOT
    acc = stack[-1][1]
    for _, h in reversed(stack[:-1]):
        acc = node_hash(h, acc)
    return acc


def subtree_nodes(start: int, end: int) -> list[tuple[int, int]]:
    """The complete subtrees ``(level, index)`` that tile ``[start, end)``, largest first.

    Only defined for the ranges that occur as subtrees of some Merkle tree:
    ``start`` must be a multiple of the smallest power of two ``>= end - start``.
    There are at most ``log2(end - start) + 1`` of them.
    """
    _check_count("start", start)
    _check_count("end", end)
    n = end - start
    if n <= 0:
        raise ValueError(f"empty or reversed range [{start}, {end})")
    if start % (1 << (n - 1).bit_length()) != 0:
        raise ValueError(f"range [{start}, {end}) is not a subtree of any Merkle tree")
    nodes: list[tuple[int, int]] = []
    pos = start
    for level in range(n.bit_length() - 1, -1, -1):
        if n >> level & 1:
            nodes.append((level, pos >> level))
            pos += 1 << level
    return nodes


def range_hash(start: int, end: int, get_node: NodeGetter) -> bytes:
    """MTH of the leaves ``[start, end)``, built from stored complete-subtree nodes.

    For every range that is a subtree of a Merkle tree (all that proofs and
    roots need: ``start`` aligned to the next power of two ``>= end - start``)
    this reads at most ``log2(end - start) + 1`` nodes. Other ranges are
    accepted too, following MTH's definition, but may read O(n) nodes.
    An empty range hashes to :data:`EMPTY_ROOT`, like an empty tree.
    """
    _check_count("start", start)
    _check_count("end", end)
    if end < start:
        raise ValueError(f"reversed range [{start}, {end})")
    n = end - start
    if n == 0:
        return EMPTY_ROOT
    if start % (1 << (n - 1).bit_length()) == 0:
        nodes = subtree_nodes(start, end)
        acc = get_node(*nodes[-1])
        for level, index in reversed(nodes[:-1]):
            acc = node_hash(get_node(level, index), acc)
        return acc
    k = _split_point(n)
    return node_hash(range_hash(start, start + k, get_node), range_hash(start + k, end, get_node))


def root_at(size: int, get_node: NodeGetter) -> bytes:
    """Root of the tree made of the first ``size`` leaves (O(log n) node reads)."""
    return range_hash(0, size, get_node)


def inclusion_proof(index: int, size: int, get_node: NodeGetter) -> list[bytes]:
    """Audit path for leaf ``index`` in the tree of ``size`` leaves (RFC 9162 2.1.3.1).

    Ordered from the leaf's sibling up to the root's child, as verifiers expect.
    """
    _check_count("index", index)
    _check_count("size", size)
    if index >= size:
        raise ValueError(f"leaf index {index} is not in a tree of size {size}")
    proof: list[bytes] = []
    start, end = 0, size
    while end - start > 1:  # walk down from the root, collecting siblings
        k = _split_point(end - start)
        if index < start + k:
            proof.append(range_hash(start + k, end, get_node))
            end = start + k
        else:
            proof.append(range_hash(start, start + k, get_node))
            start += k
    proof.reverse()
    return proof


def consistency_proof(old_size: int, new_size: int, get_node: NodeGetter) -> list[bytes]:
    """Proof that the tree of ``old_size`` leaves is a prefix of the one of ``new_size``.

    RFC 9162 2.1.4.1 (SUBPROOF). Equal non-zero sizes give the empty proof;
    a proof from the empty tree is not defined, so ``old_size == 0`` is refused.
    """
    _check_count("old_size", old_size)
    _check_count("new_size", new_size)
    if old_size > new_size:
        raise ValueError(f"old size {old_size} is larger than new size {new_size}")
    if old_size == 0:
        raise ValueError("no consistency proof exists from the empty tree")
    proof: list[bytes] = []
    m, start, end, whole = old_size, 0, new_size, True
    while m != end - start:
        k = _split_point(end - start)
        if m <= k:
            proof.append(range_hash(start + k, end, get_node))
            end = start + k
        else:
            proof.append(range_hash(start, start + k, get_node))
            m -= k
            start += k
            whole = False
    if not whole:
        proof.append(range_hash(start, end, get_node))
    proof.reverse()
    return proof


def _check_hashes(what: str, hashes: Iterable[bytes]) -> list[bytes]:
    out: list[bytes] = []
    for i, h in enumerate(hashes):
        if not isinstance(h, bytes | bytearray | memoryview):
            raise ProofError(f"{what}[{i}] is not bytes but {type(h).__name__}")
        if len(h) != HASH_SIZE:
            raise ProofError(f"{what}[{i}] is {len(h)} bytes long, a hash is {HASH_SIZE}")
        out.append(bytes(h))
    return out


def _check_size_arg(name: str, value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ProofError(f"{name} must be an int, not {type(value).__name__}")
    if value < 0:
        raise ProofError(f"{name} must not be negative: {value}")


def inclusion_root(leaf_hash: bytes, index: int, size: int, proof: Sequence[bytes]) -> bytes:
    """The root that ``proof`` leads to from ``leaf_hash`` (RFC 9162 2.1.3.2, steps 1-5).

    Raises :class:`ProofError` when the proof cannot belong to a tree of that size
    (index out of range, wrong number or size of hashes).
    """
    _check_size_arg("index", index)
    _check_size_arg("size", size)
    if index >= size:
        raise ProofError(f"leaf index {index} is not smaller than tree size {size}")
    (leaf,) = _check_hashes("leaf hash", [leaf_hash])
    path = _check_hashes("proof", proof)
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            raise ProofError(
                f"inclusion proof has too many hashes ({len(path)}) for index {index} "
                f"in a tree of size {size}"
            )
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError(
            f"inclusion proof has too few hashes ({len(path)}) for index {index} "
            f"in a tree of size {size}"
        )
    return r


def verify_inclusion(
    leaf_hash: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes
) -> None:
    """Check that ``leaf_hash`` is leaf ``index`` of the tree of ``size`` leaves with ``root``.

    Raises :class:`ProofError` on any failure; returns nothing on success.
    """
    computed = inclusion_root(leaf_hash, index, size, proof)
    if not isinstance(root, bytes | bytearray) or not hmac.compare_digest(computed, bytes(root)):
        raise ProofError(
            f"inclusion proof for index {index} in a tree of size {size} leads to "
            f"root {computed.hex()}, not the expected root"
        )


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> None:
    """Check that the tree ``(old_size, old_root)`` is a prefix of ``(new_size, new_root)``.

    RFC 9162 2.1.4.2, with its precondition ``0 < old_size < new_size`` extended
    the usual way: equal sizes need an empty proof and equal roots (and a
    non-empty tree); a proof from the empty tree is refused as meaningless.
    Raises :class:`ProofError` on any failure; returns nothing on success.
    """
    _check_size_arg("old_size", old_size)
    _check_size_arg("new_size", new_size)
    if not isinstance(old_root, bytes | bytearray) or not isinstance(new_root, bytes | bytearray):
        raise ProofError("roots must be bytes")
    old_root, new_root = bytes(old_root), bytes(new_root)
    if old_size > new_size:
        raise ProofError(f"old size {old_size} is larger than new size {new_size}")
    if old_size == new_size:
        if old_size == 0:
            raise ProofError("consistency between two empty trees proves nothing")
        if len(proof) != 0:
            raise ProofError(f"sizes are equal ({old_size}) but the proof is not empty")
        if not hmac.compare_digest(old_root, new_root):
            raise ProofError(f"sizes are equal ({old_size}) but the roots differ")
        return
    if old_size == 0:
        raise ProofError("a consistency proof from the empty tree proves nothing")
    # 1. An empty proof cannot link two different non-empty sizes.
    if len(proof) == 0:
        raise ProofError(f"empty consistency proof from size {old_size} to {new_size}")
    path = _check_hashes("proof", proof)
    # 2. If the old tree is complete, its root is the first node of the path.
    if old_size & (old_size - 1) == 0:
        path.insert(0, old_root)
    # 3-4.
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    # 5-6.
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise ProofError(
                f"consistency proof from size {old_size} to {new_size} has too many hashes"
            )
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    # 7.
    if sn != 0:
        raise ProofError(
            f"consistency proof from size {old_size} to {new_size} has too few hashes"
        )
    if not hmac.compare_digest(fr, old_root):
        raise ProofError(
            f"consistency proof does not lead to the old root (size {old_size}): "
            f"computed {fr.hex()}"
        )
    if not hmac.compare_digest(sr, new_root):
        raise ProofError(
            f"consistency proof does not lead to the new root (size {new_size}): "
            f"computed {sr.hex()}"
        )


class MemoryTree:
    """An append-only tree in memory that stores every complete-subtree node.

    ``levels[l][i]`` is the node of ``2**l`` leaves starting at leaf ``i * 2**l``;
    it serves as the reference :data:`NodeGetter` for tests and small tools.
    Any prefix of the tree can be proven, since its nodes are a subset.
    """

    def __init__(self, leaf_hashes: Iterable[bytes] = ()) -> None:
        self.levels: list[list[bytes]] = [[]]
        for h in leaf_hashes:
            self.append(h)

    @property
    def size(self) -> int:
        """Number of leaves."""
        return len(self.levels[0])

    def append(self, leaf_hash: bytes) -> int:
        """Append a leaf hash; returns its index."""
        (h,) = _check_hashes("leaf hash", [leaf_hash])
        index = self.size
        self.levels[0].append(h)
        level = 0
        while len(self.levels[level]) % 2 == 0:
            nodes = self.levels[level]
            if level + 1 == len(self.levels):
                self.levels.append([])
            self.levels[level + 1].append(node_hash(nodes[-2], nodes[-1]))
            level += 1
        return index

    def append_data(self, data: bytes) -> int:
        """Append a leaf by its data (hashed with :func:`leaf_hash`); returns its index."""
        return self.append(leaf_hash(data))

    def get_node(self, level: int, index: int) -> bytes:
        """The complete-subtree node at ``(level, index)``; IndexError if not complete yet."""
        if level < 0 or index < 0 or level >= len(self.levels):
            raise IndexError(f"no complete node at level {level}, index {index}")
        nodes = self.levels[level]
        if index >= len(nodes):
            raise IndexError(f"no complete node at level {level}, index {index}")
        return nodes[index]

    def root(self, size: int | None = None) -> bytes:
        """Root of the whole tree, or of its first ``size`` leaves."""
        return root_at(self._size(size), self.get_node)

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        """Inclusion proof of leaf ``index`` in the tree (or its prefix of ``size`` leaves)."""
        return inclusion_proof(index, self._size(size), self.get_node)

    def consistency_proof(self, old_size: int, new_size: int | None = None) -> list[bytes]:
        """Consistency proof from ``old_size`` to ``new_size`` (default: the current size)."""
        return consistency_proof(old_size, self._size(new_size), self.get_node)

    def _size(self, size: int | None) -> int:
        if size is None:
            return self.size
        if size > self.size:
            raise ValueError(f"the tree has only {self.size} leaves, not {size}")
        return size
