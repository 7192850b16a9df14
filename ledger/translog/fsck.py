"""The offline check of a stored log against the events (``verify_log``)."""

from __future__ import annotations

import hmac
from array import array
from collections.abc import Callable, Iterable, Iterator

from eventsourcing.persistence import Notification

from ledger import merkle, notes
from ledger.envelope import leaf_commitment
from ledger.store import EventStore, stored_bytes
from ledger.translog.log import TransparencyLog
from ledger.translog.records import ZERO
from ledger.translog.storage import Storage
from ledger.verify import Problem

_PAGE = 4096


Vkey = str | notes.Verifier


def _verifiers(keys: Vkey | Iterable[Vkey] | None, log: TransparencyLog) -> list[notes.Verifier]:
    if keys is None:
        own = log.vkey()
        return [] if own is None else [notes.parse_vkey(own)]
    items: Iterable[Vkey] = [keys] if isinstance(keys, str) or not isinstance(keys, Iterable) else keys
    return [notes.parse_vkey(k.strip()) if isinstance(k, str) else k for k in items]


class _Levels:
    """A whole tree in memory, one concatenated ``bytes`` per level (a NodeGetter)."""

    def __init__(self, leaf_hashes: bytes) -> None:
        size = merkle.HASH_SIZE
        self.levels = [leaf_hashes]
        current = leaf_hashes
        node_hash = merkle.node_hash
        while len(current) >= 2 * size:
            pairs = len(current) // (2 * size)
            current = b"".join(
                node_hash(current[2 * i * size : (2 * i + 1) * size], current[(2 * i + 1) * size : (2 * i + 2) * size])
                for i in range(pairs)
            )
            self.levels.append(current)

    @property
    def size(self) -> int:
        return len(self.levels[0]) // merkle.HASH_SIZE

    def count(self, level: int) -> int:
        return len(self.levels[level]) // merkle.HASH_SIZE if level < len(self.levels) else 0

    def get(self, level: int, index: int) -> bytes:
        if level >= len(self.levels) or not 0 <= index < self.count(level):
            raise IndexError(f"no node ({level}, {index})")
        s = merkle.HASH_SIZE
        return self.levels[level][index * s : (index + 1) * s]


def verify_log(
    store: EventStore,
    keys: Vkey | Iterable[Vkey] | None = None,
    *,
    progress: Callable[[int], None] | None = None,
) -> list[Problem]:
    """Check the stored tree against the events, and every checkpoint; the problems found.

    - every leaf is the commitment of the event at its position in notification
      order, with that event's notification id, and the positions have no gaps;
    - every stored node recomputes from the stored leaves;
    - every stored checkpoint is signed by the log's key (``keys``: vkeys or
      verifiers; by default the key the log recorded for itself), its root is
      the root of the events' tree at its size, and each is consistent with the
      one before it (a consistency proof from the stored tree must verify);
    - every stored cosignature verifies with its registered witness key.

    ``Problem.position`` is the 0-based leaf index (for checkpoint problems, the
    last position the checkpoint covers). A ledger without a log has no problems.
    """
    if not Storage(store).exists():
        return []
    return _LogCheck(store, progress).run(keys)


class _LogCheck:
    """One pass of :func:`verify_log`."""

    def __init__(self, store: EventStore, progress: Callable[[int], None] | None) -> None:
        self.store = store
        self.log = TransparencyLog(store, create=False, load=False)
        self.sql = self.log.sql
        self.progress = progress
        self.problems: list[Problem] = []
        self.event_ids = array("q")  # notification id of the event at each position
        self.event_hashes = bytearray()  # leaf hashes of the events as they are
        self.stored_hashes = bytearray()  # leaf hashes of the stored leaves
        self.leaf_ids = array("q")  # notification id each stored leaf names
        self.first_diff: int | None = None
        self.size = 0

    def flag(self, position: int, what: str) -> None:
        nid, stream, version = self.where(position)
        self.problems.append(Problem(position, nid, stream, version, what))

    def where(self, position: int) -> tuple[int, str, int]:
        """(notification id, stream, version) of the event at ``position``, read when a problem needs it."""
        if 0 <= position < len(self.event_ids):
            nid = self.event_ids[position]
            rows = self.store.recorder.select_notifications(start=nid, limit=1)
            if rows and rows[0].id == nid:
                return nid, str(rows[0].originator_id), int(rows[0].originator_version)
            return nid, "", 0
        return (self.leaf_ids[position] if 0 <= position < len(self.leaf_ids) else 0), "", 0

    def run(self, keys: Vkey | Iterable[Vkey] | None) -> list[Problem]:
        try:
            verifiers = _verifiers(keys, self.log)
        except notes.NoteError as exc:
            return [Problem(0, 0, "", 0, f"日志公钥无效: {exc}")]
        tree = self.check_leaves()
        self.check_nodes(tree)
        self.check_checkpoints(tree, verifiers)
        if self.progress:
            self.progress(self.size)
        self.problems.sort(key=lambda p: (p.position, p.what))
        return self.problems

    def _leaves(self) -> Iterator[tuple[int, int, bytes]]:
        """Stored leaves in position order, a page at a time."""
        after = -1
        while True:
            with self.sql.reader() as cur:
                cur.execute(
                    self.sql.q(
                        "SELECT position, notification_id, commitment FROM {leaves} "
                        "WHERE position > ? ORDER BY position LIMIT ?"
                    ),
                    (after, _PAGE * 8),
                )
                page = cur.fetchall()
            for pos, nid, commitment in page:
                yield int(pos), int(nid), bytes(commitment)
            if len(page) < _PAGE * 8:
                return
            after = int(page[-1][0])

    def check_leaves(self) -> _Levels:
        rows = self.store.notifications(page=_PAGE)
        leaf_hash = merkle.leaf_hash

        def take_event() -> tuple[Notification, bytes] | None:
            row = next(rows, None)
            if row is None:
                return None
            commitment = leaf_commitment(stored_bytes(row.state))
            self.event_ids.append(row.id)
            self.event_hashes += leaf_hash(commitment)
            return row, commitment

        def differs(pos: int) -> None:
            if self.first_diff is None:
                self.first_diff = pos

        position = 0
        for pos, nid, commitment in self._leaves():
            if pos > position:
                self.problems.append(Problem(position, 0, "", 0, f"透明日志缺少位置 {position}..{pos - 1} 的叶子"))
                for missing in range(position, pos):
                    take_event()
                    self.stored_hashes += ZERO
                    self.leaf_ids.append(0)
                    differs(missing)
            taken = take_event()
            self.stored_hashes += leaf_hash(commitment)
            self.leaf_ids.append(nid)
            if taken is None:
                self.problems.append(Problem(pos, nid, "", 0, f"叶子 {pos} (通知号 {nid}) 没有对应的事件: 事件被删除"))
                differs(pos)
            else:
                row, event_commitment = taken
                if row.id != nid:
                    self.problems.append(Problem(
                        pos, row.id, str(row.originator_id), int(row.originator_version),
                        f"叶子 {pos} 记录的是通知号 {nid}, 而此位置的事件是通知号 {row.id}: 事件被删除、插入或调换",
                    ))
                    differs(pos)
                elif event_commitment != commitment:
                    self.problems.append(Problem(pos, row.id, str(row.originator_id), int(row.originator_version),
                                                 "事件字节与透明日志中的承诺不符: 事件被改写"))
                    differs(pos)
            position = pos + 1
            if self.progress and position % 10000 == 0:
                self.progress(position)
        while take_event() is not None:  # not integrated yet: no problem, but checkpoints may cover them
            pass
        self.size = position
        return _Levels(bytes(self.stored_hashes))

    def check_nodes(self, tree: _Levels) -> None:
        sql = self.sql
        with sql.reader() as cur:
            cur.execute(sql.q("SELECT DISTINCT level FROM {nodes}"))
            levels = {int(r[0]) for r in cur.fetchall()} | set(range(1, len(tree.levels)))
        for level in sorted(levels - {0}):
            expected_count = tree.count(level)
            seen = 0
            after = -1
            while True:
                with sql.reader() as cur:
                    cur.execute(
                        sql.q("SELECT idx, hash FROM {nodes} WHERE level = ? AND idx > ? ORDER BY idx LIMIT ?"),
                        (level, after, _PAGE * 8),
                    )
                    page = cur.fetchall()
                for idx, h in page:
                    i = int(idx)
                    if i >= expected_count:
                        self.flag(min(i << level, max(self.size - 1, 0)), f"透明日志含多余的节点 ({level}, {i})")
                        continue
                    seen += 1
                    if bytes(h) != tree.get(level, i):
                        self.flag(i << level, f"透明日志节点 ({level}, {i}) 与叶子重算的值不符")
                if len(page) < _PAGE * 8:
                    break
                after = int(page[-1][0])
            if seen < expected_count:
                self.flag(0, f"透明日志第 {level} 层缺少 {expected_count - seen} 个节点")

    def check_checkpoints(self, tree: _Levels, verifiers: list[notes.Verifier]) -> None:
        origin = self.log.meta("origin")
        events_tree: _Levels | None = None

        def events_root(n: int) -> bytes:
            nonlocal events_tree
            if self.first_diff is None or n <= self.first_diff:
                return merkle.root_at(n, tree.get)
            if events_tree is None:
                events_tree = _Levels(bytes(self.event_hashes))
            return merkle.root_at(n, events_tree.get)

        known_witnesses = {(w.name, w.key_id): w for w in self.log.witnesses()}
        previous: notes.Checkpoint | None = None
        for stored in self.log.checkpoints():
            last = max(stored.size - 1, 0)
            label = f"检查点 (大小 {stored.size})"
            try:
                if not verifiers:
                    raise notes.NoteError("没有日志公钥 (log key)")
                cp, _ = notes.open_checkpoint(stored.note, verifiers, origin=origin)
            except (notes.NoteError, ValueError) as exc:
                self.flag(last, f"{label} 的签名无效: {exc}")
                continue
            if cp.size != stored.size or cp.root_hash != stored.root:
                self.flag(last, f"{label} 的内容与其所在行不符")
                continue
            if cp.size > len(self.event_ids):
                self.flag(last, f"{label} 覆盖 {cp.size} 个事件, 账本只有 {len(self.event_ids)} 个: 事件被删除")
            elif not hmac.compare_digest(events_root(cp.size), cp.root_hash):
                self.flag(last, f"{label} 的根与按当前事件重算的根不符: 检查点覆盖的历史被改写或删除")
            if cp.size > self.size:
                self.flag(last, f"{label} 覆盖 {cp.size} 片叶子, 存储的树只有 {self.size} 片")
            elif previous is not None and previous.size > 0:
                try:
                    proof = merkle.consistency_proof(previous.size, cp.size, tree.get)
                    merkle.verify_consistency(previous.size, cp.size, previous.root_hash, cp.root_hash, proof)
                except (merkle.ProofError, ValueError, IndexError) as exc:
                    self.flag(last, f"{label} 与前一检查点 (大小 {previous.size}) 不一致: {exc}")
            for sig in stored.cosignatures:
                witness = known_witnesses.get((sig.name, sig.key_id))
                if witness is None:
                    self.flag(last, f"{label} 的副署来自未登记的见证人 {sig.name}")
                    continue
                try:
                    notes.verify_cosignature(cp.text(), sig, witness)
                except notes.NoteError as exc:
                    self.flag(last, f"{label} 的见证人 {sig.name} 副署无效: {exc}")
            previous = cp
