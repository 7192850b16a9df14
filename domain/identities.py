"""Identities: who each officer stream says a person is, and who may change it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

BOOTSTRAP = "officer/admin"
IDENTITY_TYPES = frozenset(
    {"OfficerRegistered", "CredentialRenewed", "CredentialRevoked", "KeyRotated", "KeyRevoked"}
)


@dataclass(frozen=True, slots=True)
class Officer:
    """The state of one officer stream (roles, agency, credential)."""

    id: str
    name: str
    agency: str | None
    roles: frozenset[str]
    credential_no: str | None = None
    credential_valid_from: str | None = None
    credential_valid_to: str | None = None
    credential_revoked: bool = False

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))


def apply(
    state: Officer | None, stream: str, step_type: str, data: Mapping[str, Any]
) -> Officer | None:
    """Fold one step of an officer stream into its state."""
    if step_type == "OfficerRegistered":
        return Officer(
            id=stream,
            name=str(data.get("name", "")),
            agency=data.get("agency"),
            roles=frozenset(data.get("roles") or ()),
            credential_no=data.get("credential_no"),
            credential_valid_from=data.get("credential_valid_from"),
            credential_valid_to=data.get("credential_valid_to"),
        )
    if state is None:
        return None
    if step_type == "CredentialRenewed":
        return replace(
            state,
            credential_no=data.get("credential_no", state.credential_no),
            credential_valid_to=data.get("valid_to", state.credential_valid_to),
            credential_revoked=False,
        )
    if step_type == "CredentialRevoked":
        return replace(state, credential_revoked=True)
    return state


def fold(stream: str, steps: Iterable[tuple[str, Mapping[str, Any]]]) -> Officer | None:
    state: Officer | None = None
    for step_type, data in steps:
        state = apply(state, stream, step_type, data)
    return state
