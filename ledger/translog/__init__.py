"""The transparency log: an RFC 9162 Merkle tree over the global event sequence.

The tree lives in the ledger's own database (the SQLite file, or the PostgreSQL
schema of the events) in six tables:

| table | columns | key |
|---|---|---|
| ``translog_leaves`` | ``position``, ``notification_id``, ``commitment`` (leaf data) | ``position`` |
| ``translog_nodes`` | ``level`` (≥ 1), ``idx``, ``hash``: every complete subtree above the leaves | ``(level, idx)`` |
| ``translog_checkpoints`` | ``tree_size``, ``root_hash``, ``note`` (signed), ``created_at`` | ``tree_size`` |
| ``translog_witnesses`` | ``name``, ``key_id``, ``vkey``, ``added_at`` | ``(name, key_id)`` |
| ``translog_cosignatures`` | ``tree_size``, ``name``, ``key_id``, ``timestamp``, ``signature`` | all but the last two |
| ``translog_meta`` | ``name``, ``value``: ``origin``, ``log_key_id``, ``vkey`` | ``name`` |

A leaf's data is ``envelope.leaf_commitment(stored_bytes)`` (kept in
``translog_leaves``), its hash ``merkle.leaf_hash`` of that (computed when read); its
position is its 0-based index, assigned in notification order (notification
ids may have gaps and are never positions). The :class:`Integrator` follows the
notification log with eventsourcing's tracking: the ``Tracking`` of the last
integrated notification is written in the same transaction as the leaves and
nodes it appends, so integration is exactly-once and resumes after a crash.
Nodes are computed in memory from the right edge of the tree, so appending
``n`` leaves costs about ``3n`` hashes and ``2n`` inserted rows, and every
inclusion or consistency proof reads ``O(log n)`` stored nodes in one query.

Checkpoints are C2SP ``tlog-checkpoint`` notes signed with the log's Ed25519
key; each tree size is signed at most once (the text, and the Ed25519
signature, are deterministic). Cosignatures by registered witnesses are kept
per checkpoint and served with it.
"""

from ledger.translog.checkpoints import log_signer
from ledger.translog.follower import IntegrationRound, LogFollower
from ledger.translog.fsck import verify_log
from ledger.translog.integrator import Integrator
from ledger.translog.log import TransparencyLog
from ledger.translog.records import (
    APPLICATION_NAME,
    DEFAULT_BATCH,
    ConsistencyProof,
    InclusionProof,
    IntegratorConflictError,
    LeafRecord,
    LogError,
    NotCoveredError,
    StoredCheckpoint,
    TileExport,
    decode_hash,
    encode_hash,
)

__all__ = [
    "APPLICATION_NAME",
    "DEFAULT_BATCH",
    "ConsistencyProof",
    "InclusionProof",
    "IntegrationRound",
    "Integrator",
    "IntegratorConflictError",
    "LeafRecord",
    "LogError",
    "LogFollower",
    "NotCoveredError",
    "StoredCheckpoint",
    "TileExport",
    "TransparencyLog",
    "decode_hash",
    "encode_hash",
    "log_signer",
    "verify_log",
]
