"""Pure tree arithmetic on the right edge: appending leaves, the root, the audit path's nodes."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from ledger import merkle


def audit_plan(index: int, size: int) -> list[list[tuple[int, int]]]:
    """The stored nodes whose hashes make the audit path of ``index`` (RFC 9162 2.1.3.1), leaf first.

    Going up from the leaf, the sibling at each level is a complete node, or (on
    the right edge) the hash of the partial range up to ``size``, or absent.
    """
    plan: list[list[tuple[int, int]]] = []
    for level in range((size - 1).bit_length()):
        sibling = (index >> level) ^ 1
        start = sibling << level
        if start >= size:
            continue
        if start + (1 << level) <= size:
            plan.append([(level, sibling)])
        else:
            plan.append(subtree_keys(start, size))
    return plan


def subtree_keys(start: int, end: int) -> list[tuple[int, int]]:
    """:func:`ledger.merkle.subtree_nodes` without its checks (the ranges here are valid)."""
    n, pos = end - start, start
    if n & (n - 1) == 0:  # one complete subtree: most audit-path entries
        level = n.bit_length() - 1
        return [(level, pos >> level)]
    keys: list[tuple[int, int]] = []
    for level in range(n.bit_length() - 1, -1, -1):
        if n >> level & 1:
            keys.append((level, pos >> level))
            pos += 1 << level
    return keys


def extend_edge(
    edge: Sequence[tuple[int, int, bytes]], size: int, hashes: Sequence[bytes]
) -> tuple[list[tuple[int, int, bytes]], list[tuple[int, int, bytes]]]:
    """Append leaf ``hashes`` to the tree of ``size`` leaves whose right edge is ``edge``.

    Returns the new complete nodes above the leaves ``(level, idx, hash)`` and
    the new right edge. Works level by level: each level's new nodes hash pairs
    of the level below, the first one with the old edge's node at that level
    when the level's first new node is a right child.
    """
    old = {level: h for level, _, h in edge}
    last: dict[int, tuple[int, bytes]] = {0: (size + len(hashes) - 1, hashes[-1])} if hashes else {}
    nodes: list[tuple[int, int, bytes]] = []
    sha256 = hashlib.sha256
    current, start, level = list(hashes), size, 0
    while current:
        if start & 1:  # the first new node's left sibling is on the old edge
            current.insert(0, old[level])
            start -= 1
        parents = [sha256(b"\x01" + current[i] + current[i + 1]).digest() for i in range(0, len(current) - 1, 2)]
        level, start = level + 1, start >> 1
        nodes.extend(zip([level] * len(parents), range(start, start + len(parents)), parents, strict=True))
        if parents:
            last[level] = (start + len(parents) - 1, parents[-1])
        current = parents
    new_size = size + len(hashes)
    new_edge: list[tuple[int, int, bytes]] = []
    for lv, idx in merkle.subtree_nodes(0, new_size) if new_size else []:
        made = last.get(lv)
        new_edge.append((lv, idx, made[1] if made is not None and made[0] == idx else old[lv]))
    return nodes, new_edge


def fold_edge(edge: Sequence[tuple[int, int, bytes]]) -> bytes:
    """Root of the tree whose right edge (complete subtrees, largest first) is ``edge``."""
    if not edge:
        return merkle.EMPTY_ROOT
    acc = edge[-1][2]
    for _, _, h in reversed(edge[:-1]):
        acc = merkle.node_hash(h, acc)
    return acc
