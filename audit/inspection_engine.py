"""Evaluate an inspection file (行政检查 案卷) or a spot-check task (双随机 抽查任务): run the INS rules
of its path, score, grade.

* **Path** (rules.md "— 行政检查"): a drawn inspection (``origin.kind: random``) is judged by
  INS-01–INS-11 with its task; a targeted one by INS-01, INS-04–INS-10 (INS-10 only for the results
  that must be published); a ``spotcheck/`` stream by the task's parts of INS-02, INS-03 and INS-11.
* **Scoring** is the case engine's (``audit.engine``): EVAL-01's veto follows every BLOCKER of a
  concluded file; an inspection without its result, a task not completed, is 办理中 (no grade).
* **Linked streams** (rules.md "Context — coercion, enforcement and inspections"): the task of a
  drawn inspection, the inspections that name a task, the agency's other inspections (INS-06), the
  cases an inspection was referred to (INS-08) and this ledger's transparency log (INS-02's beacon).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import audit.rules  # noqa: F401 - registers the rules
from audit.context import AuditContext
from audit.engine import FileJudged, judge, recheck_on
from audit.facts import StreamFacts, as_of_prefix
from audit.inspection_rulebook import DRAWN, INSPECTION_RULES, TARGETED, TASK, InspectionSubject
from audit.model import Envelope, Evaluation
from domain.beacon import CheckpointLog
from domain.casestate import apply_corrections
from projections.inspectionfile import TASK_CONCLUDED, InspectionFile, fold_inspectionfile, fold_spotchecktask

__all__ = ["InspectionLinks", "evaluate_inspection", "evaluate_spotcheck"]

VETO_BASIS = "行政检查案卷评查（一票否决）；rules.md EVAL-01（扩展）、EVAL-11"


@dataclass(frozen=True)
class InspectionLinks:
    """The other streams an inspection's or a task's rules read (see the module's docstring)."""

    spotcheck: Sequence[Envelope] | None = None
    inspections: Mapping[str, Sequence[Envelope]] = field(default_factory=dict)
    others: Mapping[str, Sequence[Envelope]] = field(default_factory=dict)
    cases: Mapping[str, Sequence[Envelope]] = field(default_factory=dict)
    log: CheckpointLog | None = None
    """This ledger's transparency log (INS-02's beacon); None when not known."""
    folds: dict[tuple[str, int], tuple[AuditContext, InspectionFile]] | None = None
    """Inspections folded already, by (stream, events): each of an object's inspections is its own file and
    another's INS-06 other, so a round folds it once, not once per inspection of that object (kept by the
    source)."""


def _facts(stream: str, history: Sequence[Envelope]) -> StreamFacts:
    return StreamFacts.of(stream, apply_corrections(stream, history))


def _judge(subject: InspectionSubject, file: FileJudged) -> Evaluation:
    return judge(INSPECTION_RULES.values(), subject, lambda rule: subject.path in rule.paths, file, subject.ctx,
                 VETO_BASIS)


def _task_of(stream: str | None, links: InspectionLinks, ctx: AuditContext
             ) -> tuple[StreamFacts | None, Sequence[Envelope] | None]:
    if stream is None or links.spotcheck is None:
        return None, None
    history = as_of_prefix(links.spotcheck, ctx.as_of)
    return (_facts(stream, history), history) if history else (None, None)


def evaluate_inspection(stream: str, history: Sequence[Envelope], ctx: AuditContext, *,
                        links: InspectionLinks | None = None) -> Evaluation:
    """Evaluate the ``inspection/`` stream from its steps (and those of the streams it links)."""
    links = links or InspectionLinks()
    own = as_of_prefix(history, ctx.as_of)
    file = _folded(stream, own, ctx, links.folds)
    path = DRAWN if file.origin.drawn else TARGETED
    task_facts, task_history = _task_of(file.origin.spotcheck, links, ctx) if path == DRAWN else (None, None)
    task = fold_spotchecktask(task_facts.stream, task_history) if task_facts and task_history else None
    others = tuple(_folded(s, h, ctx, links.folds)
                   for s, h in ((s, as_of_prefix(h, ctx.as_of)) for s, h in links.others.items() if s != stream) if h)
    cases = {s: _facts(s, p) for s, p in ((s, as_of_prefix(h, ctx.as_of)) for s, h in links.cases.items()) if p}
    subject = InspectionSubject(stream, path, _facts(stream, own), ctx, file, task, task_facts, others, cases,
                                links.log)
    return _judge(subject, FileJudged(stream, file.agency, "inspection", path, file.status, file.concluded,
                                      recheck_on(file.deadlines, ctx.as_of)))


def _folded(stream: str, history: Sequence[Envelope], ctx: AuditContext,
            folds: dict[tuple[str, int], tuple[AuditContext, InspectionFile]] | None) -> InspectionFile:
    """``stream`` folded as of ``history`` (a prefix of a stream's events in one ledger: its length names it)."""
    key = (stream, len(history))
    found = folds.get(key) if folds is not None else None
    if found is not None and found[0] is ctx:
        return found[1]
    file = fold_inspectionfile(stream, history, config=ctx.config, calendar=ctx.calendar)
    if folds is not None:
        folds[key] = (ctx, file)
    return file


def evaluate_spotcheck(stream: str, history: Sequence[Envelope], ctx: AuditContext, *,
                       links: InspectionLinks | None = None) -> Evaluation:
    """Evaluate the ``spotcheck/`` stream (the task): its draw, its drawn objects, its plan."""
    links = links or InspectionLinks()
    own = as_of_prefix(history, ctx.as_of)
    inspections = {s: p for s, p in ((s, as_of_prefix(h, ctx.as_of)) for s, h in links.inspections.items()) if p}
    task = fold_spotchecktask(stream, own, inspections=inspections)
    facts = _facts(stream, own)
    subject = InspectionSubject(stream, TASK, facts, ctx, None, task, facts, log=links.log)
    return _judge(subject, FileJudged(stream, task.agency, "spotcheck", TASK, task.status,
                                      task.status in TASK_CONCLUDED, None))
