"""A witness (C2SP tlog-witness semantics, cosignature/v1 signatures), kept in a state directory.

A witness follows one or more logs. For each log it keeps the latest checkpoint it
cosigned; it cosigns a new checkpoint only when

1. the log's own signature on it verifies (with the log key the witness trusts),
2. it is not older than the one kept (no rollback), and the same size means the
   same root (no fork), and
3. a consistency proof from the kept checkpoint to the new one verifies (the log
   only appended),

and then keeps the new one. Everything it needs is :mod:`ledger.notes` and
:mod:`ledger.merkle`: a witness trusts nothing the log's operator says beyond
what these checks prove.

State directory layout::

    witness.json           name, Ed25519 seed (base64), trusted logs {origin: vkey}   (mode 0600)
    checkpoints/<id>       the latest cosigned checkpoint of each log, <id> = sha256(origin)[:16] hex
"""

from __future__ import annotations

import base64
import hashlib
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ledger import merkle, notes
from ledger.keys import write_private

__all__ = [
    "CheckpointRefusedError",
    "InconsistentCheckpointError",
    "Witness",
    "WitnessError",
]

ProofSource = Sequence[bytes] | Callable[[int, int], Sequence[bytes]]
"""A consistency proof from the witness's last size, or a function ``(old, new) -> proof``."""


class WitnessError(Exception):
    """The witness cannot act (bad state directory, unknown log...)."""


class CheckpointRefusedError(WitnessError):
    """The checkpoint is not acceptable: bad signature, unknown log, or older than the one kept."""


class InconsistentCheckpointError(CheckpointRefusedError):
    """The new checkpoint is not an extension of the one kept: the log forked or rewrote history."""


_STATE = "witness.json"


@dataclass
class Witness:
    """One witness: its signing key, the logs it follows, its state directory."""

    state_dir: Path
    signer: notes.CosignatureSigner
    logs: dict[str, notes.Ed25519Verifier] = field(default_factory=dict)

    @classmethod
    def init(
        cls,
        state_dir: Path | str,
        name: str,
        log_vkeys: Sequence[str] = (),
        *,
        clock: Callable[[], float] = time.time,
    ) -> Witness:
        """Create a witness named ``name`` with a fresh key in an empty ``state_dir``."""
        state = Path(state_dir)
        if (state / _STATE).exists():
            raise WitnessError(f"见证人状态已存在: {state / _STATE}")
        if not notes.is_valid_key_name(name):
            raise WitnessError(f"见证人名称不能含空白或 '+': {name!r}")
        witness = cls(state, notes.CosignatureSigner.generate(name, clock))
        for vkey in log_vkeys:
            witness._add_log(vkey)
        witness._save()
        return witness

    @classmethod
    def open(cls, state_dir: Path | str, *, clock: Callable[[], float] = time.time) -> Witness:
        state = Path(state_dir)
        try:
            doc = json.loads((state / _STATE).read_text(encoding="utf-8"))
            seed = base64.b64decode(doc["seed"], validate=True)
            witness = cls(state, notes.CosignatureSigner(str(doc["name"]), seed, clock))
            for vkey in doc.get("logs", {}).values():
                witness._add_log(str(vkey))
        except FileNotFoundError as exc:
            raise WitnessError(f"没有见证人状态: {state / _STATE} (先运行 log witness init)") from exc
        except (ValueError, KeyError, TypeError) as exc:
            raise WitnessError(f"见证人状态文件损坏: {exc}") from exc
        return witness

    def _add_log(self, vkey: str) -> notes.Ed25519Verifier:
        try:
            verifier = notes.parse_vkey(vkey.strip())
        except notes.NoteError as exc:
            raise WitnessError(f"日志公钥无效: {exc}") from exc
        if not isinstance(verifier, notes.Ed25519Verifier):
            raise WitnessError("日志公钥应为 Ed25519 (类型 0x01)")
        known = self.logs.get(verifier.name)
        if known is not None and known.vkey() != verifier.vkey():
            raise WitnessError(f"已信任日志 {verifier.name} 的另一把公钥")
        self.logs[verifier.name] = verifier
        return verifier

    def trust(self, log_vkey: str) -> str:
        """Follow the log with this verifier key (its name is the log's origin); returns the origin."""
        verifier = self._add_log(log_vkey)
        self._save()
        return verifier.name

    def _save(self) -> None:
        doc = {
            "format": 1,
            "name": self.signer.name,
            "seed": base64.b64encode(self.signer.seed).decode("ascii"),
            "logs": {origin: v.vkey() for origin, v in sorted(self.logs.items())},
        }
        write_private(self.state_dir / _STATE, json.dumps(doc, indent=2).encode("utf-8"))

    @property
    def name(self) -> str:
        return self.signer.name

    def vkey(self) -> str:
        """The witness's verifier key (cosignature/v1, type 0x04), for logs and their users."""
        return self.signer.vkey()

    def _checkpoint_path(self, origin: str) -> Path:
        return self.state_dir / "checkpoints" / hashlib.sha256(origin.encode("utf-8")).hexdigest()[:16]

    def last_seen(self, origin: str) -> tuple[notes.Checkpoint, bytes] | None:
        """The latest checkpoint cosigned for ``origin`` (parsed, and as the signed note)."""
        path = self._checkpoint_path(origin)
        if not path.exists():
            return None
        raw = path.read_bytes()
        verifier = self.logs.get(origin)
        if verifier is None:
            raise WitnessError(f"不跟随日志 {origin}")
        try:
            checkpoint, _ = notes.open_checkpoint(raw, verifier, origin=origin)
        except notes.NoteError as exc:
            raise WitnessError(f"见证人保存的检查点损坏: {exc}") from exc
        return checkpoint, raw

    def cosign(self, signed_checkpoint: bytes | str, proof: ProofSource = ()) -> bytes:
        """Check a new checkpoint against the one kept and cosign it; returns the cosigned note.

        ``proof`` is the consistency proof from the kept checkpoint's size to the
        new one's (or a function giving it). Raises :class:`CheckpointRefusedError`
        (or its subclass :class:`InconsistentCheckpointError`) without changing state.
        """
        raw = signed_checkpoint.encode("utf-8") if isinstance(signed_checkpoint, str) else bytes(signed_checkpoint)
        try:
            origin = notes.parse_checkpoint(notes.parse_note(raw).text).origin
        except notes.NoteError as exc:
            raise CheckpointRefusedError(f"不是签名检查点: {exc}") from exc
        verifier = self.logs.get(origin)
        if verifier is None:
            raise CheckpointRefusedError(f"见证人不跟随日志 {origin!r} (log witness init/trust)")
        try:
            new, _ = notes.open_checkpoint(raw, verifier, origin=origin)
        except notes.NoteError as exc:
            raise CheckpointRefusedError(f"日志签名无效: {exc}") from exc
        kept = self.last_seen(origin)
        if kept is not None:
            old = kept[0]
            if new.size < old.size:
                raise CheckpointRefusedError(f"检查点大小 {new.size} 小于已副署的 {old.size}: 日志回滚")
            if new.size == old.size:
                if new.root_hash != old.root_hash:
                    raise InconsistentCheckpointError(f"大小同为 {new.size} 的两个检查点根不同: 日志分叉")
            elif old.size > 0:
                path = proof(old.size, new.size) if callable(proof) else proof
                try:
                    merkle.verify_consistency(old.size, new.size, old.root_hash, new.root_hash, list(path))
                except merkle.ProofError as exc:
                    raise InconsistentCheckpointError(
                        f"检查点 (大小 {new.size}) 与已副署的检查点 (大小 {old.size}) 不一致: "
                        f"日志改写了历史 ({exc})"
                    ) from exc
        cosigned = notes.cosign_checkpoint(raw, self.signer)
        if kept is None or new.size > kept[0].size:
            write_private(self._checkpoint_path(origin), raw)
        return cosigned

    def cosignature(self, cosigned: bytes) -> notes.NoteSignature:
        """This witness's signature line on a cosigned note."""
        for sig in notes.parse_note(cosigned).unverified:
            if (sig.name, sig.key_id) == (self.signer.name, self.signer.key_id):
                return sig
        raise WitnessError("这份检查点上没有本见证人的副署")
