"""Signed checkpoints, the witnesses' cosignatures and the log's signing key."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from ledger import notes
from ledger.keys import KeyStore
from ledger.translog.core import LogCore
from ledger.translog.records import LogError, StoredCheckpoint, now_text
from ledger.translog.tree import fold_edge


class CheckpointsMixin(LogCore):
    """Checkpoints and cosignatures of the stored tree."""

    def checkpoint(self) -> StoredCheckpoint:
        """Sign (and keep) a checkpoint of the whole integrated tree; an existing one is reused."""
        if self.signer is None:
            raise LogError("没有日志签名密钥, 不能签署检查点")
        with self.sql.transaction(write=True) as cur:
            self._load(cur)
            size = self._size
            existing = self._checkpoint_row(cur, size)
            if existing is not None:
                return existing
            root = fold_edge(self._edge)
            note = notes.sign_checkpoint(notes.Checkpoint(self.origin, size, root), self.signer)
            created = now_text()
            cur.execute(
                self.sql.q("INSERT INTO {checkpoints} (tree_size, root_hash, note, created_at) VALUES (?, ?, ?, ?)"),
                (size, root, note.decode("utf-8"), created),
            )
        return StoredCheckpoint(size, root, note, created)

    def maybe_checkpoint(self, interval: float, *, now: datetime | None = None) -> StoredCheckpoint | None:
        """Sign a checkpoint when the tree grew and the latest is ``interval`` seconds old (or none)."""
        latest = self.latest_checkpoint()
        self.reload()
        if latest is not None:
            if self._size <= latest.size:
                return None
            made = datetime.fromisoformat(latest.created_at.replace("Z", "+00:00"))
            if ((now or datetime.now(UTC)) - made).total_seconds() < interval:
                return None
        return self.checkpoint()

    def _checkpoint_row(self, cur: Any, size: int) -> StoredCheckpoint | None:
        cur.execute(
            self.sql.q("SELECT tree_size, root_hash, note, created_at FROM {checkpoints} WHERE tree_size = ?"),
            (size,),
        )
        row = cur.fetchone()
        if row is None:
            return None
        return StoredCheckpoint(int(row[0]), bytes(row[1]), str(row[2]).encode("utf-8"), str(row[3]),
                                self._cosignatures(cur, int(row[0])))

    def _cosignatures(self, cur: Any, size: int) -> tuple[notes.NoteSignature, ...]:
        cur.execute(
            self.sql.q("SELECT name, key_id, signature FROM {cosignatures} WHERE tree_size = ? ORDER BY name, key_id"),
            (size,),
        )
        return tuple(notes.NoteSignature(str(n), int(k), bytes(s)) for n, k, s in cur.fetchall())

    def checkpoint_at(self, size: int) -> StoredCheckpoint | None:
        """The stored checkpoint of ``size`` leaves, with its cosignatures."""
        with self.sql.transaction(write=False) as cur:
            return self._checkpoint_row(cur, size)

    def latest_checkpoint(self) -> StoredCheckpoint | None:
        with self.sql.transaction(write=False) as cur:
            cur.execute(self.sql.q("SELECT MAX(tree_size) FROM {checkpoints}"))
            row = cur.fetchone()
            if row is None or row[0] is None:
                return None
            return self._checkpoint_row(cur, int(row[0]))

    def checkpoints(self) -> list[StoredCheckpoint]:
        """Every stored checkpoint, smallest first."""
        with self.sql.transaction(write=False) as cur:
            cur.execute(self.sql.q("SELECT tree_size FROM {checkpoints} ORDER BY tree_size"))
            sizes = [int(r[0]) for r in cur.fetchall()]
            found = [self._checkpoint_row(cur, s) for s in sizes]
        return [c for c in found if c is not None]

    def vkey(self) -> str | None:
        """The log's verifier key (C2SP vkey), once a signing key has been chosen."""
        return self.meta("vkey")

    # -- witnesses ---------------------------------------------------------------------------------

    def register_witness(self, vkey: str) -> notes.CosignatureVerifier:
        """Accept cosignatures by this witness (a cosignature/v1 vkey)."""
        verifier = notes.parse_vkey(vkey.strip())
        if not isinstance(verifier, notes.CosignatureVerifier):
            raise LogError("见证人的 vkey 应为 cosignature/v1 (类型 0x04)")
        with self.sql.transaction(write=True) as cur:
            cur.execute(
                self.sql.q(
                    "INSERT INTO {witnesses} (name, key_id, vkey, added_at) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT (name, key_id) DO NOTHING"
                ),
                (verifier.name, verifier.key_id, verifier.vkey(), now_text()),
            )
        return verifier

    def witnesses(self) -> list[notes.CosignatureVerifier]:
        with self.sql.transaction(write=False) as cur:
            cur.execute(self.sql.q("SELECT vkey FROM {witnesses} ORDER BY name, key_id"))
            keys = [str(r[0]) for r in cur.fetchall()]
        out: list[notes.CosignatureVerifier] = []
        for k in keys:
            v = notes.parse_vkey(k)
            if isinstance(v, notes.CosignatureVerifier):
                out.append(v)
        return out

    def add_cosignatures(self, cosigned: bytes | str) -> list[str]:
        """Keep the valid cosignatures of registered witnesses found on a checkpoint note.

        The checkpoint must be one the log signed and stored. Returns the names
        of the witnesses whose cosignature was kept; a cosignature by a
        registered witness that does not verify is refused (:class:`LogError`).
        """
        parsed = notes.parse_note(cosigned)
        try:
            cp = notes.parse_checkpoint(parsed.text)
        except notes.NoteError as exc:
            raise LogError(f"不是检查点: {exc}") from exc
        stored = self.checkpoint_at(cp.size)
        if stored is None or stored.text != parsed.text:
            raise LogError(f"日志没有签署过这个检查点 (大小 {cp.size})")
        known = {(w.name, w.key_id): w for w in self.witnesses()}
        kept: list[tuple[int, str, int, int, bytes]] = []
        for sig in parsed.unverified:
            witness = known.get((sig.name, sig.key_id))
            if witness is None:
                continue
            try:
                timestamp = notes.verify_cosignature(parsed.text, sig, witness)
            except notes.NoteError as exc:
                raise LogError(f"见证人 {sig.name} 的副署无效: {exc}") from exc
            kept.append((cp.size, sig.name, sig.key_id, timestamp, sig.signature))
        with self.sql.transaction(write=True) as cur:
            cur.executemany(
                self.sql.q(
                    "INSERT INTO {cosignatures} (tree_size, name, key_id, timestamp, signature) "
                    "VALUES (?, ?, ?, ?, ?) ON CONFLICT (tree_size, name, key_id) DO UPDATE "
                    "SET timestamp = excluded.timestamp, signature = excluded.signature"
                ),
                kept,
            )
        return [k[1] for k in kept]


def log_signer(log: CheckpointsMixin, keystore: KeyStore) -> notes.Ed25519Signer:
    """The log's checkpoint signer, its key kept in ``keystore`` under ``log/<origin>``.

    Created on first use; the key's id (``log_key_id``) and the public ``vkey``
    are recorded in the log's ``translog_meta`` table so later runs find them.
    The signer is also installed on ``log``.
    """
    kid = log.meta("log_key_id")
    if kid is None:
        key = keystore.generate(f"log/{log.origin}")
        log._set_meta("log_key_id", key.key_id, replace=False)
        kid = log.meta("log_key_id")  # another process may have won the race
    assert kid is not None
    signer = notes.Ed25519Signer(log.origin, keystore.get(kid).seed)
    log.use_signer(signer)
    return signer
