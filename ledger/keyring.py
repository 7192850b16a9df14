"""Key history as the ledger records it: which key an identity may sign with, and when.

Validity follows the ledger's ``recorded_at``, never the claimed ``at``: a key is valid
from the ``recorded_at`` of the event that introduced it until the ``recorded_at`` of
the event that retired or revoked it. A revocation for compromise names, in its ``at``,
the moment the key was compromised; every event recorded since under it is suspect.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from ledger.envelope import SealedEvent, unb64

KEY_EVENTS = frozenset({"OfficerRegistered", "KeyRotated", "KeyRevoked"})


def parse_time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


@dataclass
class KeyRecord:
    key_id: str
    identity: str
    public_key: bytes
    valid_from: datetime
    retired_at: datetime | None = None
    compromised_since: datetime | None = None


@dataclass
class Keyring:
    """Fold of the key events of the ledger (or of the identities one needs)."""

    keys: dict[str, KeyRecord] = field(default_factory=dict)

    def apply(self, event: SealedEvent) -> None:
        if event.type not in KEY_EVENTS:
            return
        recorded = parse_time(event.recorded_at)
        identity = event.stream
        if event.type == "KeyRotated":
            for record in self.keys.values():
                if record.identity == identity and record.retired_at is None:
                    record.retired_at = recorded
        if event.type in ("OfficerRegistered", "KeyRotated"):
            issued = event.envelope.get("key")
            if isinstance(issued, dict):
                kid = str(issued.get("id"))
                self.keys.setdefault(
                    kid, KeyRecord(kid, identity, unb64(str(issued["public_key"])), recorded)
                )
        if event.type == "KeyRevoked":
            revoked = self.keys.get(str(event.data.get("key_id")))
            if revoked is not None and revoked.identity == identity:
                if revoked.retired_at is None or revoked.retired_at > recorded:
                    revoked.retired_at = recorded
                if event.data.get("reason") == "compromised":
                    since = parse_time(str(event.envelope["at"]))
                    if revoked.compromised_since is None or since < revoked.compromised_since:
                        revoked.compromised_since = since

    def active_key(self, identity: str) -> KeyRecord | None:
        """The newest key of an identity that is neither retired nor revoked."""
        active = [r for r in self.keys.values() if r.identity == identity and r.retired_at is None]
        return max(active, key=lambda r: r.valid_from) if active else None

    def problem(self, signer: str, kid: str, recorded_at: datetime) -> str | None:
        """Why a signature by ``kid`` at ``recorded_at`` is not acceptable, or None."""
        record = self.keys.get(kid)
        if record is None:
            return f"密钥 {kid} 未在账本中登记"
        if record.identity != signer:
            return f"密钥 {kid} 属于 {record.identity}, 不属于签名人 {signer}"
        if recorded_at < record.valid_from:
            return f"密钥 {kid} 在 {record.valid_from.isoformat()} 才生效"
        if record.retired_at is not None and recorded_at >= record.retired_at:
            return f"密钥 {kid} 已于 {record.retired_at.isoformat()} 停用或撤销"
        return None

    def compromised(self, kid: str, recorded_at: datetime) -> bool:
        record = self.keys.get(kid)
        return bool(record and record.compromised_since and recorded_at >= record.compromised_since)
