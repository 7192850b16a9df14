"""A transparency log as INS-02's beacon asks it (``domain.beacon.CheckpointLog``), held in dicts:
for the pure gate and audit tests, where no ledger keeps a real log."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class DictLog:
    """Signed checkpoints (``tree_size`` → root hex) and leaf indices (``(stream, version)`` → index)."""

    checkpoints: Mapping[int, str] = field(default_factory=dict)
    leaves: Mapping[tuple[str, int], int] = field(default_factory=dict)

    def checkpoint_root(self, tree_size: int) -> str | None:
        return self.checkpoints.get(tree_size)

    def first_checkpoint(self, leaves: int) -> int | None:
        return min((size for size in self.checkpoints if size >= leaves), default=None)

    def leaf_index(self, stream: str, version: int) -> int | None:
        return self.leaves.get((stream, version))


def log_of(stream: str, indices: Sequence[int], checkpoints: Mapping[int, str]) -> DictLog:
    """A log where ``stream``'s versions 1, 2, … sit at leaf ``indices``, with ``checkpoints``."""
    return DictLog(dict(checkpoints), {(stream, v): i for v, i in enumerate(indices, start=1)})
