"""Whether a person named in a role held it: one check for gates, folds and the audit.

Why one function: a step names people in roles — the head who approved, the legal
reviewer, the hearing's presider, the head who appeared in court (``principal_head``,
``deputy_head`` …), the evaluator. The words written in the step prove nothing by
themselves; what counts is the registry as it stood at the step's time (rules.md "How
the project applies it": legal facts are read as of the step's ``at``): the person is
registered (identity), belongs to the agency concerned (agency) and holds the role
(role). Every reader asks :func:`role_problem` (or :func:`holds_role`), so a gate, the
case-file fold and an audit rule can never disagree about who was a head.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import datetime
from typing import Final, Protocol

from domain.calendar import shanghai_date
from domain.registry import OfficerRecord

__all__ = ["HEAD", "HEAD_LABELS", "ROLE_NAMES", "RegistryAsOf", "heads_named", "holds_role", "role_problem"]

HEAD: Final = "head"
ROLE_NAMES: Final = {
    "head": "行政机关负责人", "legal_reviewer": "法制审核人员", "officer": "执法人员", "supervisor": "监督人员",
    "reconsideration_staff": "复议工作人员", "admin": "系统管理员",
}


class RegistryAsOf(Protocol):
    """The registry as of a time (``registry.HistoryRegistry``, the audit's ``RegistryIndex``)."""

    def officer_as_of(self, identity: str, at: datetime) -> OfficerRecord | None: ...


def _names(roles: Collection[str]) -> str:
    return "或".join(ROLE_NAMES.get(r, r) for r in sorted(roles))


def role_problem(registry: RegistryAsOf, person: object, roles: Collection[str], agency: str | None,
                 at: datetime) -> str | None:
    """Why ``person`` did not hold one of ``roles`` of ``agency`` at ``at`` (Chinese), or None
    when they did. ``agency`` None: any agency (a step whose agency is unknown)."""
    if not isinstance(person, str) or not person:
        return "未载明人员"
    record = registry.officer_as_of(person, at)
    if record is None:
        return f"{person} 未在名录中登记"
    who = f"{person}（{record.name}）" if record.name else person
    day = shanghai_date(at).isoformat()
    if agency is not None and record.agency != agency:
        return f"{who} 于 {day} 不属于 {agency}"
    if not record.has_role(*roles):
        return f"{who} 于 {day} 不是{agency or ''}的{_names(roles)}"
    return None


def holds_role(registry: RegistryAsOf, person: object, roles: Collection[str], agency: str | None,
               at: datetime) -> bool:
    """Whether ``person`` held one of ``roles`` of ``agency`` at ``at`` (see :func:`role_problem`)."""
    return role_problem(registry, person, roles, agency, at) is None


HEAD_LABELS: Final = frozenset({"principal_head", "deputy_head", "responsible_head"})
"""The roles a step may write for a head in court (steps.md ``CourtHearingAttended``): 正职,
副职, the head responsible for the act. Each still has to hold the registry's ``head`` role."""


def heads_named(registry: RegistryAsOf, named: Iterable[tuple[str, str]], agency: str | None,
                at: datetime) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Of ``(person, role label)`` pairs, the people labelled as heads who held the ``head`` role of
    ``agency`` at ``at``, and (in Chinese) why each other one labelled a head did not count."""
    heads: list[str] = []
    problems: list[str] = []
    for person, label in named:
        if label not in HEAD_LABELS:
            continue
        why = role_problem(registry, person, (HEAD,), agency, at)
        if why is None:
            heads.append(person)
        else:
            problems.append(f"记为 {label} 的 {why}")
    return tuple(dict.fromkeys(heads)), tuple(problems)
