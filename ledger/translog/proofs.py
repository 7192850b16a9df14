"""Inclusion and consistency proofs from the stored tree, with the checkpoints that sign them."""

from __future__ import annotations

from ledger import merkle, notes
from ledger.translog.checkpoints import CheckpointsMixin
from ledger.translog.records import ConsistencyProof, InclusionProof, LogError, NotCoveredError
from ledger.translog.tree import audit_plan


class ProofsMixin(CheckpointsMixin):
    """Proofs against stored checkpoints (O(log n) stored nodes each, one query)."""

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        """Audit path of leaf ``index`` in the tree of ``size`` leaves (O(log n) stored nodes, one query)."""
        size = self._check_size(size)
        self._check_position(index, size)
        plan = audit_plan(index, size)
        with self.sql.reader() as cur:
            nodes = self._fetch(cur, [key for keys in plan for key in keys])
        proof: list[bytes] = []
        for keys in plan:
            acc = nodes[keys[-1]]
            for key in reversed(keys[:-1]):
                acc = merkle.node_hash(nodes[key], acc)
            proof.append(acc)
        return proof

    def consistency_proof(self, old_size: int, new_size: int | None = None) -> list[bytes]:
        """Proof that the tree of ``old_size`` leaves is a prefix of the one of ``new_size``."""
        new_size = self._check_size(new_size)
        if isinstance(old_size, bool) or not isinstance(old_size, int) or not 0 < old_size <= new_size:
            raise LogError(f"一致性证明需要 0 < from ≤ to: from={old_size!r}, to={new_size}")
        return self._with_nodes(lambda get: merkle.consistency_proof(old_size, new_size, get))

    def prove(self, position: int, size: int | None = None) -> InclusionProof:
        """Inclusion of the leaf at ``position`` in a stored checkpoint.

        ``size`` names the checkpoint; by default the latest one, which must cover ``position``.
        """
        cp = self.latest_checkpoint() if size is None else self.checkpoint_at(size)
        if cp is None:
            raise NotCoveredError("还没有检查点 (先运行 log checkpoint)")
        if position >= cp.size:
            raise NotCoveredError(
                f"位置 {position} 尚未被检查点覆盖 (最新检查点大小 {cp.size}); 先运行 log checkpoint"
            )
        self._check_position(position, cp.size)

        leaf = self.leaf(position).leaf_hash
        path = self.inclusion_proof(position, cp.size)
        proof = InclusionProof(position, cp.size, leaf, tuple(path), cp.root, cp.signed)
        try:
            proof.verify()
        except merkle.ProofError as exc:
            raise LogError(f"存储的树与检查点 (大小 {cp.size}) 不符, 拒绝给出证明 (运行 verify): {exc}") from exc
        return proof

    def prove_consistency(self, old_size: int, new_size: int | None = None) -> ConsistencyProof:
        """Consistency between two sizes (default: the latest checkpoint), with their checkpoints."""
        if new_size is None:
            latest = self.latest_checkpoint()
            if latest is None:
                raise NotCoveredError("还没有检查点 (先运行 log checkpoint)")
            new_size = latest.size
        new_size = self._check_size(new_size)
        if isinstance(old_size, bool) or not isinstance(old_size, int) or not 0 < old_size <= new_size:
            raise LogError(f"一致性证明需要 0 < from ≤ to: from={old_size!r}, to={new_size}")
        size_new = new_size

        def compute(get: merkle.NodeGetter) -> tuple[bytes, bytes, list[bytes]]:
            return (
                merkle.root_at(old_size, get),
                merkle.root_at(size_new, get),
                merkle.consistency_proof(old_size, size_new, get),
            )

        old_root, new_root, path = self._with_nodes(compute)
        old_cp, new_cp = self.checkpoint_at(old_size), self.checkpoint_at(new_size)
        return ConsistencyProof(
            old_size, new_size, old_root, new_root, tuple(path),
            None if old_cp is None else old_cp.signed,
            None if new_cp is None else new_cp.signed,
        )

    def receipt(self, position: int, size: int | None = None) -> bytes:
        """A c2sp.org/tlog-proof for the event at ``position``, checkable offline."""
        proof = self.prove(position, size)
        assert proof.checkpoint is not None
        return notes.format_tlog_proof(proof.index, proof.proof, proof.checkpoint)

