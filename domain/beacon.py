"""The beacon of a 双随机 draw: which signed checkpoint of this ledger's log the seed may mix (INS-02).

Why it must be this ledger's first checkpoint covering the plan and both snapshots: the agency
fixed its secret before the snapshots (the commitment), and nobody knew that checkpoint's root
then; a checkpoint signed before the snapshots was known already, a made-up one or a later one
(of the agency's choice) lets the draw be ground. The log (``ledger.translog``) numbers its leaves
0, 1, … in the order events were stored; a checkpoint of ``tree_size`` n covers leaves 0 … n − 1.
Pure: the ledger answers :class:`CheckpointLog` from its tables, tests from a dict.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

__all__ = ["CheckpointLog", "beacon_problem", "covering_size"]


class CheckpointLog(Protocol):
    """This ledger's transparency log as a draw's beacon asks it (its own origin: one log per ledger)."""

    def checkpoint_root(self, tree_size: int) -> str | None:
        """The root (lowercase hex) of the checkpoint of ``tree_size`` leaves the log signed; None when
        it signed none of that size."""
        ...

    def first_checkpoint(self, leaves: int) -> int | None:
        """The tree size of the smallest checkpoint the log signed with at least ``leaves`` leaves."""
        ...

    def leaf_index(self, stream: str, version: int) -> int | None:
        """The 0-based leaf index of the event ``stream`` v``version``; None while the log has not
        integrated it (or the ledger holds no such event)."""
        ...


def covering_size(log: CheckpointLog, covered: Sequence[tuple[str, int]]) -> int | None:
    """The smallest tree size that covers every event of ``covered``; None while one is not integrated."""
    indices = [log.leaf_index(stream, version) for stream, version in covered]
    known = [i for i in indices if i is not None]
    if len(known) < len(indices) or not known:
        return None
    return max(known) + 1


def beacon_problem(log: CheckpointLog, tree_size: int, root: str, covered: Sequence[tuple[str, int]]) -> str | None:
    """Why the beacon (``tree_size``, ``root``) is not the first checkpoint of ``log`` covering the
    events ``covered`` (the plan and both snapshots, as (stream, version)), in Chinese; None when it is."""
    needed = covering_size(log, covered)
    if needed is None:
        return ("抽查计划和名录库快照尚未集成进本账本的透明日志，还没有检查点能覆盖它们："
                "请等待日志集成并签署检查点（log integrate、log checkpoint）后再记录抽取")
    first = log.first_checkpoint(needed)
    signed = log.checkpoint_root(tree_size)
    if signed is None or signed != root.lower():
        what = (f"beacon（tree_size {tree_size}）不是本账本透明日志签署的检查点" if signed is None
                else f"beacon root 与本账本透明日志 tree_size {tree_size} 的已签名检查点不符")
        if first is None:
            return (f"{what}；尚无覆盖抽查计划和两份名录库快照的已签名检查点："
                    "请等待透明日志签署检查点（log checkpoint）后再记录抽取")
        return f"{what}；覆盖抽查计划和两份名录库快照的第一个检查点是 tree_size {first}"
    if tree_size < needed:
        return (f"beacon 检查点（tree_size {tree_size}）签署于抽查计划或名录库快照之前，未覆盖它们"
                f"（需至少 {needed} 个叶子）")
    if first is not None and tree_size != first:
        return (f"beacon（tree_size {tree_size}）不是覆盖抽查计划和两份名录库快照的第一个已签名检查点"
                f"（tree_size {first}）")
    return None
