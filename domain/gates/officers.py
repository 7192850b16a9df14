"""Who may act: enough distinct officers of the acting agency, each with a credential valid that day.

Why one place: PEN-04 (行政处罚法 第42条), COE-02 (行政强制法 第18条(二)) and INS-04 (行政检查) judge the
same facts of the registry as of the step's ``at``; only the minimum and the steps differ.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from domain.gates.core import Judged


def listed_officers(data: Mapping[str, Any], member: str = "officers") -> list[str]:
    """The distinct officer ids a step lists, in order."""
    return list(dict.fromkeys(o for o in data.get(member) or () if isinstance(o, str)))


def officer_problems(j: Judged, officers: list[str], minimum: int, agency: str | None) -> list[str]:
    """Why ``officers`` may not act on the step's day: too few, unregistered, no valid credential, or
    not of ``agency`` (when known); empty when they may."""
    problems = []
    if len(officers) < minimum:
        problems.append(f"仅有 {len(officers)} 名执法人员，至少应为 {minimum} 名")
    for identity in officers:
        record = j.ctx.officer_as_of(identity, j.step.at)
        if record is None:
            problems.append(f"{identity} 未登记为执法人员")
            continue
        why = record.credential_problem(j.day)
        if why is not None:
            problems.append(f"{identity}（{record.name}）{why}")
        elif agency is not None and record.agency != agency:
            problems.append(f"{identity}（{record.name}）不属于本案机关 {agency}")
    return problems
