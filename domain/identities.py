"""Identities: who each officer stream says a person is, and who may change it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from domain.errors import StepRefused
from domain.step import Step

BOOTSTRAP = "officer/admin"
ROLES = frozenset(
    {"officer", "legal_reviewer", "head", "supervisor", "reconsideration_staff", "admin"}
)
IDENTITY_TYPES = frozenset(
    {"OfficerRegistered", "CredentialRenewed", "CredentialRevoked", "KeyRotated", "KeyRevoked"}
)
KEY_REVOCATION_REASONS = frozenset({"retired", "compromised"})


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


def apply(state: Officer | None, stream: str, step_type: str, data: Mapping[str, Any]) -> Officer | None:
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


def check_identity_step(step: Step, target: Officer | None, actor: Officer | None) -> None:
    """Structural checks of an identity step; ``target`` is the stream's state before it."""
    if step.kind != "officer":
        raise StepRefused("STRUCT-STREAM", f"{step.type} 只能记录在 officer 流上")
    data = step.data
    bootstrap = step.type == "OfficerRegistered" and step.stream == BOOTSTRAP == step.by
    if actor is None and not (bootstrap and target is None):
        raise StepRefused("STRUCT-BY", f"执行人 {step.by} 未登记")
    if step.type == "OfficerRegistered":
        if target is not None:
            raise StepRefused("STRUCT-OPEN", f"{step.stream} 已登记, 不能重复登记")
        roles = data.get("roles")
        if not isinstance(roles, list) or not roles or not set(roles) <= ROLES:
            raise StepRefused("STRUCT-FIELD", f"roles 应为非空角色列表, 取值 {sorted(ROLES)}")
        if not isinstance(data.get("name"), str) or not data["name"]:
            raise StepRefused("STRUCT-FIELD", "缺少必填字段 name")
        if step.stream != BOOTSTRAP and not isinstance(data.get("agency"), str):
            raise StepRefused("STRUCT-FIELD", "缺少必填字段 agency (仅 officer/admin 可无所属机关)")
    elif target is None:
        raise StepRefused("STRUCT-OPEN", f"{step.stream} 尚未登记 (首个步骤应为 OfficerRegistered)")
    if step.type == "KeyRevoked":
        if data.get("reason") not in KEY_REVOCATION_REASONS:
            raise StepRefused("STRUCT-FIELD", "reason 应为 retired 或 compromised")
        if not isinstance(data.get("key_id"), str):
            raise StepRefused("STRUCT-FIELD", "缺少必填字段 key_id")
    if bootstrap and target is None:
        return
    assert actor is not None
    own_key = step.type == "KeyRotated" and step.by == step.stream
    if not (actor.has_role("admin") or own_key):
        raise StepRefused("STRUCT-ROLE", f"{step.type} 须由管理员 (admin) 记录; {step.by} 无此角色")
