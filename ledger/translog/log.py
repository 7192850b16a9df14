"""The transparency log of one ledger: the stored tree with its checkpoints, proofs and tiles."""

from __future__ import annotations

from ledger.translog.integrator import Integrator
from ledger.translog.proofs import ProofsMixin
from ledger.translog.records import APPLICATION_NAME, DEFAULT_BATCH
from ledger.translog.tile_export import TilesMixin


class TransparencyLog(ProofsMixin, TilesMixin):
    """The stored Merkle tree of one ledger, its checkpoints, proofs, cosignatures and tiles.

    ``origin`` is recorded on first use; opening the log with another origin is
    refused (its checkpoints would name two logs). ``signer`` (see
    :func:`log_signer`) is needed only to sign checkpoints. ``create=False``
    refuses a ledger without a log; ``load=False`` skips reading the tree's
    state (for verifiers, which must open even a damaged log).
    """

    def integrate(self, *, batch: int = DEFAULT_BATCH) -> int:
        """Append every notification not yet in the tree; returns how many leaves were added."""
        return Integrator(self, batch=batch).run_once()

    def reset(self) -> None:
        """Forget the tree and the integrator's position (checkpoints and cosignatures stay)."""
        with self.sql.transaction(write=True) as cur:
            cur.execute(self.sql.q("DELETE FROM {leaves}"))
            cur.execute(self.sql.q("DELETE FROM {nodes}"))
            self.sql.db.untrack(cur, APPLICATION_NAME)
        self._node_cache.clear()
        self.reload()

    def rebuild(self, *, batch: int = DEFAULT_BATCH) -> int:
        """Rebuild the tree from zero from the events; returns the new size.

        The stored checkpoints are kept: if the events no longer give their
        roots, :func:`verify_log` says so.
        """
        self.reset()
        self.integrate(batch=batch)
        return self._size
