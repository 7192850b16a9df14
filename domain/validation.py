"""Structural validation of a step against the state it would join (steps.md "Validation").

Always applies, live or 补录: a known type with well-formed data; the stream's opening
step first; ``by`` registered and holding a role that may record the step, in the right
agency; approvals naming heads; an archived case taking only corrections, disclosure
and publication steps. Legal gates are a separate layer (live only).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from domain.errors import StepRefused
from domain.identities import BOOTSTRAP, Officer
from domain.step import Step
from domain.vocabulary import Proviso, Scope, check_override, check_step_data, spec

History = Sequence[Mapping[str, Any]]
"""A stream's steps so far, in version order, each as stated: stream, type, at, by, data."""

SINGLE_OPENING = frozenset(
    {"AgencyRegistered", "OfficerRegistered", "CaseRegistered", "ReconsiderationApplied", "LawsuitFiled"}
)
AFTER_ARCHIVE = frozenset(
    {
        "DecisionCorrected", "RecordCorrected", "DecisionPublished", "PublicationSuppressed",
        "PublicationCorrectionRequested", "PublicationCorrected", "PublicationWithdrawn",
    }
)


class Context(Protocol):
    """What validation may read: the steps of any stream so far and officers' state."""

    def history(self, stream: str) -> History: ...

    def officer(self, identity: str) -> Officer | None: ...


def _first(history: History, step_type: str) -> Mapping[str, Any] | None:
    return next((s["data"] for s in history if s["type"] == step_type), None)


def case_agency(ctx: Context, case_stream: str, pending: Step | None = None) -> str | None:
    """The agency of a case: from its CaseRegistered (or the step registering it)."""
    if pending is not None and pending.type == "CaseRegistered":
        return pending.data.get("agency")
    registered = _first(ctx.history(case_stream), "CaseRegistered")
    return registered.get("agency") if registered else None


def _target_case(history: History, opening: str, step: Step) -> str | None:
    data = step.data if step.type == opening else _first(history, opening)
    target = (data or {}).get("target")
    case = target.get("case") if isinstance(target, Mapping) else None
    return case if isinstance(case, str) else None


def _scope_agency(step: Step, ctx: Context, scope: Scope) -> str | None:
    if scope is Scope.CASE_AGENCY:
        return case_agency(ctx, step.stream, step)
    if scope in (Scope.RESPONDENT_AGENCY, Scope.DEFENDANT_AGENCY):
        opening = "ReconsiderationApplied" if scope is Scope.RESPONDENT_AGENCY else "LawsuitFiled"
        case = _target_case(ctx.history(step.stream), opening, step)
        return case_agency(ctx, case) if case else None
    return None


def check_structure(step: Step, ctx: Context, *, backfill: bool = False) -> None:
    """Raise ``StepRefused`` naming the structural reason; return when the step may join."""
    step_spec = spec(step.type)
    problems = check_step_data(step.type, step.data, backfill=backfill, stream=step.stream)
    problems += check_override(step.raw.get("override"))
    if problems:
        listed = "; ".join(f"{p.path}: {p.message}" for p in problems[:5])
        more = f" 等 {len(problems)} 处" if len(problems) > 5 else ""
        raise StepRefused("STRUCT-FIELD", f"{step.type} 字段错误: {listed}{more}")
    history = ctx.history(step.stream)
    if not history and not step_spec.opens:
        raise StepRefused("STRUCT-OPEN", f"{step.stream} 尚无记录, {step.type} 不能作为流的首个步骤")
    if step.type in SINGLE_OPENING and _first(history, step.type) is not None:
        raise StepRefused("STRUCT-OPEN", f"{step.stream} 已有 {step.type}, 不能重复")
    if _first(history, "CaseArchived") is not None and step.type not in AFTER_ARCHIVE:
        raise StepRefused("STRUCT-ARCHIVED", f"{step.stream} 已归档, 只能记录更正、公开与公示步骤")
    bootstrap = step.type == "OfficerRegistered" and step.stream == BOOTSTRAP == step.by and not history
    if bootstrap:
        return
    actor = ctx.officer(step.by)
    if actor is None:
        raise StepRefused("STRUCT-BY", f"执行人 {step.by} 未登记")
    _check_role(step, ctx, actor, step_spec.record.roles, step_spec.record.scope,
                step_spec.record.provisos)
    _check_named_roles(step, ctx, step_spec)


def _check_role(step: Step, ctx: Context, actor: Officer, roles: frozenset[Any], scope: Scope,
                provisos: frozenset[Proviso]) -> None:
    if Proviso.OWN_KEY in provisos and step.by == step.stream:
        return
    if not actor.has_role(*roles):
        wanted = "/".join(sorted(str(r) for r in roles))
        raise StepRefused("STRUCT-ROLE", f"{step.type} 须由 {wanted} 记录; {step.by} 无此角色")
    agency = _scope_agency(step, ctx, scope)
    if agency is not None and actor.agency != agency and not actor.has_role("admin"):
        raise StepRefused("STRUCT-ROLE", f"{step.by} 不属于本案机关 {agency}, 不能记录 {step.type}")
    if Proviso.NOT_HANDLER in provisos:
        registered = _first(ctx.history(step.stream), "CaseRegistered") or {}
        if step.by in (registered.get("handlers") or []):
            raise StepRefused("STRUCT-ROLE", f"{step.by} 是本案承办人, 不能记录 {step.type}")


def _check_named_roles(step: Step, ctx: Context, step_spec: Any) -> None:
    """Approvals and similar fields must name people holding the role (e.g. heads)."""
    agency = case_agency(ctx, step.stream, step) if step.kind == "case" else None
    for name, field in step_spec.fields.items():
        role = getattr(field, "must_hold", None)
        value = step.data.get(name)
        if role is None or value is None:
            continue
        for person in value if isinstance(value, list) else [value]:
            officer = ctx.officer(person) if isinstance(person, str) else None
            if officer is None:
                raise StepRefused("STRUCT-ROLE", f"data.{name}: {person} 未登记")
            if not officer.has_role(role):
                raise StepRefused("STRUCT-ROLE", f"data.{name}: {person} 不具有 {role} 角色")
            if agency is not None and officer.agency not in (agency, None):
                raise StepRefused("STRUCT-ROLE", f"data.{name}: {person} 不属于本案机关 {agency}")

