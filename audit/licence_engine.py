"""Evaluate a licence file (行政许可 案卷评查): run every LIC rule of its path, score, grade.

Why its own entry point: the audit dispatches by stream kind (the lead wires it), and a licence
file has its own fold (``projections.licencefile``), paths and rule book; the scoring is the
case engine's (``audit.engine.finding_of``, ``score``, ``veto_finding``): EVAL-01's veto follows
every BLOCKER of a concluded file; a file without its decision, non-acceptance or closing is
办理中 (no grade, no veto). No PEN-39 here: it is 行政处罚法's.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import audit.rules  # noqa: F401 - registers the rules
from audit.context import AuditContext
from audit.engine import FileJudged, judge, recheck_on
from audit.facts import StreamFacts, as_of_prefix
from audit.licence_rulebook import (
    DENIAL,
    LICENCE_RULES,
    NEW,
    NOT_ACCEPTED,
    ON_THE_SPOT,
    PROCEEDING,
    RENEWAL,
    LicenceSubject,
)
from audit.model import Envelope, Evaluation
from domain.casestate import apply_corrections
from projections.licencefile import LicenceFile, fold_licencefile

__all__ = ["evaluate_licence", "licence_path", "load_licence"]

VETO_BASIS = "行政许可案卷评查标准（一票否决）；rules.md EVAL-01（扩展）"


def licence_path(file: LicenceFile, facts: StreamFacts) -> str:
    """Which 行政许可 path the file follows (rules.md "Which rules apply to which path — 行政许可")."""
    if file.kind == "proceeding":
        return PROCEEDING
    if file.decision is None and facts.has("LicenceNotAccepted"):
        return NOT_ACCEPTED
    decision = file.decision
    if decision is not None and decision.type == "LicenceDenied":
        return DENIAL
    if decision is not None and decision.on_the_spot:
        return ON_THE_SPOT
    return RENEWAL if file.application == "renewal" else NEW


def load_licence(stream: str, history: Sequence[Envelope], ctx: AuditContext, *,
                 linked: Mapping[str, Sequence[Envelope]] | None = None,
                 ) -> tuple[LicenceFile, StreamFacts, dict[str, StreamFacts]]:
    """The licence file, its raw steps and those of the linked licence streams as they stood at
    the end of ``ctx.as_of``."""
    own = as_of_prefix(history, ctx.as_of)
    others = {s: as_of_prefix(h, ctx.as_of) for s, h in (linked or {}).items() if s != stream}
    others = {s: h for s, h in others.items() if h}
    file = fold_licencefile(stream, own, config=ctx.config, calendar=ctx.calendar, registry=ctx.registry,
                            linked=others)
    facts = StreamFacts.of(stream, apply_corrections(stream, own))
    return file, facts, {s: StreamFacts.of(s, apply_corrections(s, h)) for s, h in others.items()}


def evaluate_licence(stream: str, history: Sequence[Envelope], ctx: AuditContext, *,
                     linked: Mapping[str, Sequence[Envelope]] | None = None) -> Evaluation:
    """Evaluate the ``licence/`` stream from its steps; ``linked`` holds the other licence streams
    it names or that name the same licence (the licence a change, renewal or proceeding concerns;
    a later 注销)."""
    file, facts, others = load_licence(stream, history, ctx, linked=linked)
    path = licence_path(file, facts)
    subject = LicenceSubject(file, facts, ctx, path, others)
    judged = FileJudged(file.stream, file.agency, "licence", path, file.status, file.concluded,
                        recheck_on(file.deadlines, ctx.as_of))
    return judge(LICENCE_RULES.values(), subject, lambda rule: path in rule.paths, judged, ctx, VETO_BASIS)
