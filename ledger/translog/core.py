"""The stored tree: its state (size, right edge, tracking position), nodes, leaves and appends."""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

from ledger import merkle, notes
from ledger.database import in_chunks
from ledger.envelope import leaf_commitment
from ledger.store import EventStore, stored_bytes
from ledger.translog.lookup import leaf_position
from ledger.translog.records import (
    APPLICATION_NAME,
    ZERO,
    IntegratorConflictError,
    LeafRecord,
    LogError,
    NotCoveredError,
)
from ledger.translog.storage import Storage
from ledger.translog.tree import extend_edge, fold_edge

_CACHE_LEVEL = 6
"""Nodes at this level and above are cached in memory once read (they never change)."""
_CACHE_MAX = 1 << 20

T = TypeVar("T")


class LogCore:
    """The tree as stored: opening (origin, signer), its state, nodes, leaves and appends.

    :class:`~ledger.translog.TransparencyLog` adds checkpoints, proofs and tiles.
    """

    def __init__(
        self,
        store: EventStore,
        *,
        origin: str | None = None,
        signer: notes.Signer | None = None,
        create: bool = True,
        load: bool = True,
    ) -> None:
        self.store = store
        self.sql = Storage(store)
        if create:
            self.sql.create()
        elif not self.sql.exists():
            raise LogError("这个账本还没有透明日志 (先运行 log integrate)")
        # Verifiers (load=False) only read: they need not create eventsourcing's tracking table.
        self.tracking: Any = self.sql.tracking if (create or load) else None
        stored_origin = self.meta("origin")
        if origin is None:
            if stored_origin is None:
                raise LogError("透明日志还没有 origin; 需要指定 origin")
            origin = stored_origin
        elif stored_origin is None:
            if not notes.is_valid_key_name(origin):
                raise LogError(f"origin 不能含空白或 '+': {origin!r}")
            self._set_meta("origin", origin, replace=False)
            origin = self.meta("origin") or origin
        elif stored_origin != origin:
            raise LogError(f"透明日志的 origin 是 {stored_origin!r}, 而设置为 {origin!r} (LEDGER_LOG_ORIGIN)")
        self.origin = origin
        self.signer: notes.Signer | None = None
        if signer is not None:
            self.use_signer(signer)
        self._size = 0
        self._edge: list[tuple[int, int, bytes]] = []  # (level, index, hash) == subtree_nodes(0, size)
        self._tracked = 0
        self._node_cache: dict[tuple[int, int], bytes] = {}
        if load:
            self.reload()

    def close(self) -> None:
        """Release the log's own read connections (the store is the caller's to close)."""
        self.sql.close()

    # -- meta --------------------------------------------------------------------------

    def meta(self, name: str) -> str | None:
        with self.sql.transaction(write=False) as cur:
            cur.execute(self.sql.q("SELECT value FROM {meta} WHERE name = ?"), (name,))
            row = cur.fetchone()
        return None if row is None else str(row[0])

    def _set_meta(self, name: str, value: str, *, replace: bool = True) -> None:
        action = "UPDATE SET value = excluded.value" if replace else "NOTHING"
        with self.sql.transaction(write=True) as cur:
            cur.execute(
                self.sql.q(f"INSERT INTO {{meta}} (name, value) VALUES (?, ?) ON CONFLICT (name) DO {action}"),
                (name, value),
            )

    def use_signer(self, signer: notes.Signer) -> None:
        """Sign checkpoints with ``signer``; its vkey is recorded on first use, another is refused."""
        if signer.name != self.origin:
            raise LogError(f"签名密钥名 {signer.name!r} 与 origin {self.origin!r} 不符")
        vkey_of = getattr(signer, "vkey", None)
        if callable(vkey_of):
            vkey = str(vkey_of())
            recorded = self.meta("vkey")
            if recorded is None:
                self._set_meta("vkey", vkey, replace=False)
                recorded = self.meta("vkey")
            if recorded != vkey:
                raise LogError(f"透明日志的公钥是 {recorded}, 这把签名密钥不是它")
        self.signer = signer

    # -- state ---------------------------------------------------------------------------

    @property
    def size(self) -> int:
        """Leaves integrated, as this object last saw them (see :meth:`reload`)."""
        return self._size

    @property
    def tracked_notification_id(self) -> int:
        """The last notification id integrated (0 before the first)."""
        return self._tracked

    def reload(self) -> None:
        """Re-read size, right edge and tracking position from the database."""
        with self.sql.transaction(write=False) as cur:
            self._load(cur)

    def _load(self, cur: Any) -> None:
        cur.execute(self.sql.q("SELECT MAX(position) FROM {leaves}"))
        row = cur.fetchone()
        size = 0 if row is None or row[0] is None else int(row[0]) + 1
        tracked = self._read_tracking(cur)
        last_nid = 0
        if size:
            cur.execute(self.sql.q("SELECT notification_id FROM {leaves} WHERE position = ?"), (size - 1,))
            found = cur.fetchone()
            last_nid = int(found[0]) if found else -1
        if last_nid != tracked:
            raise LogError(
                f"透明日志的跟踪位置 (通知号 {tracked}) 与最后一片叶子 (通知号 {last_nid}) 不符; "
                "运行 log integrate --rebuild 重建"
            )
        keys = merkle.subtree_nodes(0, size) if size else []
        nodes = self._fetch(cur, keys, cached=False)
        if any(self._node_cache.get(key, h) != h for key, h in nodes.items()):
            # Another process rebuilt the tree: every changed node is below a changed edge node.
            self._node_cache.clear()
        self._size = size
        self._tracked = tracked
        self._edge = [(level, index, nodes[(level, index)]) for level, index in keys]

    def _read_tracking(self, cur: Any) -> int:
        return self.sql.db.tracked(cur, APPLICATION_NAME)

    # -- nodes -------------------------------------------------------------------------------

    def _fetch(
        self, cur: Any, keys: Iterable[tuple[int, int]], *, cached: bool = True
    ) -> dict[tuple[int, int], bytes]:
        """The stored nodes ``keys``, in one query per :data:`ledger.database.CHUNK` keys; LogError if one is missing.

        Complete nodes never change, so those at level ``_CACHE_LEVEL`` and above
        are kept in memory once read (``cached=False`` reads the database only).
        """
        out: dict[tuple[int, int], bytes] = {}
        wanted: list[tuple[int, int]] = []
        cache = self._node_cache if cached else {}
        for key in keys:
            hit = cache.get(key)
            if hit is not None:
                out[key] = hit
            else:
                wanted.append(key)
        leaves = [index for level, index in wanted if level == 0]
        inner = [key for key in wanted if key[0] != 0]
        chunk_leaves: list[int]
        chunk_inner: list[tuple[int, int]]
        for chunk_leaves, chunk_inner in itertools.zip_longest(in_chunks(leaves), in_chunks(inner), fillvalue=[]):
            parts: list[str] = []
            params: list[int] = []
            if chunk_leaves:
                values = ",".join(["(?)"] * len(chunk_leaves))
                parts.append(f"SELECT 0, l.position, l.commitment FROM (VALUES {values}) AS k "
                             "JOIN {leaves} AS l ON l.position = k.column1")
                params.extend(chunk_leaves)
            if chunk_inner:
                values = ",".join(["(?, ?)"] * len(chunk_inner))
                parts.append(f"SELECT n.level, n.idx, n.hash FROM (VALUES {values}) AS k "
                             "JOIN {nodes} AS n ON n.level = k.column1 AND n.idx = k.column2")
                params.extend(v for key in chunk_inner for v in key)
            cur.execute(self.sql.q(" UNION ALL ".join(parts)), params)
            for level, idx, h in cur.fetchall():
                key = (int(level), int(idx))
                out[key] = bytes(h) if level else merkle.leaf_hash(bytes(h))
                if cached and key[0] >= _CACHE_LEVEL and len(self._node_cache) < _CACHE_MAX:
                    self._node_cache[key] = out[key]
        missing = [k for k in wanted if k not in out]
        if missing:
            raise LogError(f"透明日志缺少节点 {missing[:3]} (树被删改; 运行 verify)")
        return out

    def _with_nodes(self, compute: Callable[[merkle.NodeGetter], T], cur: Any | None = None) -> T:
        """Run ``compute`` against the stored tree, reading every node it needs in one go."""
        keys: set[tuple[int, int]] = set()

        def record(level: int, index: int) -> bytes:
            keys.add((level, index))
            return ZERO

        compute(record)
        if cur is None:
            with self.sql.reader() as c:
                nodes = self._fetch(c, keys)
        else:
            nodes = self._fetch(cur, keys)
        return compute(lambda level, index: nodes[(level, index)])

    def get_node(self, level: int, index: int) -> bytes:
        """One stored complete-subtree node (:data:`ledger.merkle.NodeGetter`)."""
        with self.sql.transaction(write=False) as cur:
            return self._fetch(cur, [(level, index)])[(level, index)]

    def _check_size(self, size: int | None) -> int:
        if size is None:
            return self._size
        if isinstance(size, bool) or not isinstance(size, int) or size < 0:
            raise LogError(f"树的大小无效: {size!r}")
        if size > self._size:
            self.reload()
            if size > self._size:
                raise NotCoveredError(f"树只有 {self._size} 片叶子, 没有大小 {size}")
        return size

    def root(self, size: int | None = None) -> bytes:
        """Root of the tree of the first ``size`` leaves (default: all integrated)."""
        size = self._check_size(size)
        if size == self._size:
            return fold_edge(self._edge)
        return self._with_nodes(lambda get: merkle.root_at(size, get))

    def leaf(self, position: int) -> LeafRecord:
        """The leaf at ``position``."""
        self._check_position(position, self._size)
        with self.sql.transaction(write=False) as cur:
            cur.execute(
                self.sql.q("SELECT notification_id, commitment FROM {leaves} WHERE position = ?"),
                (position,),
            )
            row = cur.fetchone()
        if row is None:
            raise LogError(f"透明日志缺少位置 {position} 的叶子")
        return LeafRecord(position, int(row[0]), bytes(row[1]), merkle.leaf_hash(bytes(row[1])))

    def position_of(self, notification_id: int) -> int | None:
        """The position of a notification's leaf, if integrated (a binary search: ``leaf_position``)."""
        with self.sql.transaction(write=False) as cur:

            def notification_at(position: int) -> int | None:
                cur.execute(self.sql.q("SELECT notification_id FROM {leaves} WHERE position = ?"), (position,))
                row = cur.fetchone()
                return None if row is None else int(row[0])

            return leaf_position(notification_at, self._size, notification_id)

    def event_bytes(self, position: int) -> bytes:
        """The stored (signed) bytes of the event at ``position``: what its leaf commits to."""
        leaf = self.leaf(position)
        rows = self.store.recorder.select_notifications(start=leaf.notification_id, limit=1)
        if not rows or rows[0].id != leaf.notification_id:
            raise LogError(f"位置 {position} 的事件 (通知号 {leaf.notification_id}) 已不在账本中")
        stored = stored_bytes(rows[0].state)
        if leaf_commitment(stored) != leaf.commitment:
            raise LogError(f"位置 {position} 的事件字节与日志中的承诺不符 (事件被改动)")
        return stored

    @staticmethod
    def _check_position(position: int, size: int) -> None:
        if isinstance(position, bool) or not isinstance(position, int) or position < 0:
            raise LogError(f"位置无效: {position!r}")
        if position >= size:
            raise NotCoveredError(f"位置 {position} 不在大小为 {size} 的树中")

    # -- appending ---------------------------------------------------------------------------

    def _append(
        self,
        rows: Sequence[tuple[int, bytes]],
        *,
        before_commit: Callable[[], None] | None = None,
    ) -> None:
        """Append one batch of notifications ``(id, state)`` as leaves, with their tracking, in one transaction.

        Hashing happens before the transaction, against the state this object
        holds; the transaction then checks that state is still the stored one.
        """
        if not rows:
            return
        expected_tracked, expected_size = self._tracked, self._size
        ids = [nid for nid, _ in rows]
        if ids[0] <= expected_tracked or any(a >= b for a, b in itertools.pairwise(ids)):
            raise LogError(f"通知号未严格递增 (已集成至 {expected_tracked})")
        sha256 = hashlib.sha256
        commitments = [sha256(state).digest() for _, state in rows]  # envelope.leaf_commitment
        hashes = [sha256(b"\x00" + c).digest() for c in commitments]  # merkle.leaf_hash
        nodes, edge = extend_edge(self._edge, expected_size, hashes)
        size = expected_size + len(rows)
        with self.sql.transaction(write=True) as cur:
            tracked = self._read_tracking(cur)
            cur.execute(self.sql.q("SELECT MAX(position) FROM {leaves}"))
            row = cur.fetchone()
            stored_size = 0 if row is None or row[0] is None else int(row[0]) + 1
            if tracked != expected_tracked or stored_size != expected_size:
                raise IntegratorConflictError(
                    f"透明日志已被其他进程推进 (叶子 {expected_size} → {stored_size}); 重新加载"
                )
            cur.executemany(
                self.sql.q(
                    "INSERT INTO {leaves} (position, notification_id, commitment) VALUES (?, ?, ?)"
                ),
                zip(range(expected_size, size), ids, commitments, strict=True),
            )
            cur.executemany(self.sql.q("INSERT INTO {nodes} (level, idx, hash) VALUES (?, ?, ?)"), nodes)
            self.sql.db.track(cur, APPLICATION_NAME, ids[-1])
            if before_commit is not None:
                before_commit()
        self._size, self._tracked, self._edge = size, ids[-1], edge
