"""API tokens: bearer secrets that stand for an identity (an ``officer/<id>`` stream).

A token is shown once, when it is created: ``elt_<id>_<secret>``, where ``<id>`` is a
short public handle (what ``token list`` and ``token revoke`` name) and ``<secret>`` 32
random bytes (base64url). Only the SHA-256 of the secret is kept, in the table
``api_tokens`` of the ledger's own database (the SQLite file, or the PostgreSQL schema
of the events), so every API process of one ledger sees the same tokens and a revocation
takes effect at the next request everywhere. The token carries no roles: they are read
from the identity's officer stream at each request, so a change of roles recorded in the
ledger applies at once.

| column | meaning |
|---|---|
| ``id`` | public handle (8 hex digits) |
| ``identity`` | ``officer/<id>`` the token acts as |
| ``name`` | free label (who or what uses it) |
| ``secret_sha256`` | hex SHA-256 of the secret part |
| ``created_at`` / ``expires_at`` / ``revoked_at`` | RFC 3339 UTC; expiry and revocation may be null |
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from domain.calendar import SHANGHAI
from ledger.side_tables import SideTables, is_unique_violation
from ledger.store import EventStore

PREFIX = "elt_"
_TOKEN = re.compile(r"elt_([0-9a-f]{8})_([A-Za-z0-9_-]{43})")
_TABLE = "api_tokens"


class TokenError(Exception):
    """A token operation that cannot be done (the message says why)."""


@dataclass(frozen=True)
class TokenRecord:
    """One stored token, without its secret."""

    id: str
    identity: str
    name: str | None
    created_at: str
    expires_at: str | None
    revoked_at: str | None

    def state(self, now: datetime) -> str:
        """``active``, ``expired`` or ``revoked``."""
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at is not None and _parse(self.expires_at) <= now:
            return "expired"
        return "active"

    def as_json(self, now: datetime | None = None) -> dict[str, Any]:
        return {
            "id": self.id, "identity": self.identity, "name": self.name, "created_at": self.created_at,
            "expires_at": self.expires_at, "revoked_at": self.revoked_at,
            "state": self.state(now or datetime.now(UTC)),
        }


def _now() -> datetime:
    return datetime.now(UTC)


def _format(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _parse(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def expiry_of(day: date) -> datetime:
    """A token ``--expires DATE`` is valid through that day in Asia/Shanghai."""
    return datetime.combine(day + timedelta(days=1), time(0), SHANGHAI)


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("ascii")).hexdigest()


class TokenStore(SideTables):
    """The ``api_tokens`` table of one ledger's database (created on first use)."""

    def __init__(self, store: EventStore) -> None:
        self.store = store
        self._open_tables(store, {"t": _TABLE})
        self._create_tables(
            "CREATE TABLE IF NOT EXISTS {t} (id TEXT PRIMARY KEY, identity TEXT NOT NULL, name TEXT, "
            "secret_sha256 TEXT NOT NULL, created_at TEXT NOT NULL, expires_at TEXT, revoked_at TEXT)"
        )

    # -- commands ----------------------------------------------------------------------

    def create(self, identity: str, *, name: str | None = None, expires_at: datetime | None = None,
               now: datetime | None = None) -> tuple[TokenRecord, str]:
        """A new token for ``identity``; returns the record and the secret token (shown once)."""
        created = now or _now()
        if expires_at is not None and expires_at <= created:
            raise TokenError("到期时间已过")
        secret = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode("ascii").rstrip("=")
        for _ in range(5):
            token_id = secrets.token_hex(4)
            record = TokenRecord(token_id, identity, name, _format(created),
                                 None if expires_at is None else _format(expires_at), None)
            try:
                with self._cursor(write=True) as cur:
                    cur.execute(
                        self._q("INSERT INTO {t} (id, identity, name, secret_sha256, created_at, expires_at) "
                                "VALUES (?, ?, ?, ?, ?, ?)"),
                        (record.id, identity, name, secret_hash(secret), record.created_at, record.expires_at),
                    )
            except Exception as exc:  # a clash of the 8-hex handle: draw another
                if not is_unique_violation(exc):
                    raise
                continue
            return record, f"{PREFIX}{token_id}_{secret}"
        raise TokenError("无法生成唯一的令牌编号")

    def list(self) -> list[TokenRecord]:
        with self._cursor(write=False) as cur:
            cur.execute(self._q("SELECT id, identity, name, created_at, expires_at, revoked_at FROM {t} "
                                "ORDER BY created_at, id"))
            return [_record(row) for row in cur.fetchall()]

    def get(self, token_id: str) -> TokenRecord | None:
        with self._cursor(write=False) as cur:
            cur.execute(self._q("SELECT id, identity, name, created_at, expires_at, revoked_at FROM {t} "
                                "WHERE id = ?"), (token_id,))
            row = cur.fetchone()
        return None if row is None else _record(row)

    def revoke(self, token_id: str, *, now: datetime | None = None) -> TokenRecord:
        """Revoke a token (idempotent: revoking twice keeps the first time)."""
        with self._cursor(write=True) as cur:
            cur.execute(self._q("UPDATE {t} SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL"),
                        (_format(now or _now()), token_id))
        record = self.get(token_id)
        if record is None:
            raise TokenError(f"没有编号为 {token_id} 的令牌")
        return record

    # -- authentication ------------------------------------------------------------------

    def authenticate(self, token: str, *, now: datetime | None = None) -> TokenRecord | None:
        """The active token record a presented bearer token names, or None."""
        match = _TOKEN.fullmatch(token)
        if match is None:
            return None
        token_id, secret = match.groups()
        with self._cursor(write=False) as cur:
            cur.execute(self._q("SELECT id, identity, name, created_at, expires_at, revoked_at, secret_sha256 "
                                "FROM {t} WHERE id = ?"), (token_id,))
            row = cur.fetchone()
        if row is None:
            return None
        if not hmac.compare_digest(str(row[6]), secret_hash(secret)):
            return None
        record = _record(row[:6])
        if record.state(now or _now()) != "active":
            return None
        return record


def _record(row: Any) -> TokenRecord:
    token_id, identity, name, created_at, expires_at, revoked_at = row
    return TokenRecord(str(token_id), str(identity), None if name is None else str(name), str(created_at),
                       None if expires_at is None else str(expires_at),
                       None if revoked_at is None else str(revoked_at))


