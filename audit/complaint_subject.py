"""What a complaint rule (CMP, EVAL-12) reads: the complaint file, its raw steps, the streams it
links, the context — the complaint counterpart of :class:`audit.rulebook.Subject`.

Why a subject of its own: a complaint file is not a case file (no party, no decision), but its rules
judge the same way — deadlines by ``breach_kind`` as of "today", the live gate's own judgement for
CMP-04 — so those are reused here rather than written again.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Final

from audit.context import AuditContext
from audit.facts import EPOCH, RawStep, StreamFacts
from audit.rulebook import DeadlineBreach, Hit, breach_kind, refs
from domain.casestate import fold_case
from domain.complaint_state import fold_complaint
from domain.config import Config, effective_thresholds
from domain.gates import Gate, Judged, gates_for
from domain.step import Step
from projections.complaintfile import ComplaintFile, PublicComplaintFile

__all__ = ["ComplaintSubject", "gate_of"]


def gate_of(rule_id: str, step_type: str) -> Gate:
    """The live gate ``rule_id`` judged at ``step_type`` (the registry of ``domain.gates``)."""
    return next(g for g in gates_for(step_type) if g.rule == rule_id)


CMP04: Final = gate_of("CMP-04", "ComplaintTransferred")


@dataclass
class ComplaintSubject:
    """A complaint file to judge: ``file`` (both parts: a rule may read that a complainant exists),
    ``facts`` (its steps, clerical corrections applied), ``related`` (the linked streams' steps)."""

    file: ComplaintFile
    facts: StreamFacts
    related: Mapping[str, StreamFacts]
    ctx: AuditContext
    path: str
    _judged: dict[int, Judged | None] = field(default_factory=dict)

    @property
    def public(self) -> PublicComplaintFile:
        return self.file.public

    @property
    def as_of(self) -> date:
        return self.ctx.as_of

    @property
    def config(self) -> Config:
        return self.ctx.config

    def closed(self) -> bool:
        return self.facts.has("CaseClosed") or self.facts.has("CaseArchived")

    def linked(self, stream: str | None) -> StreamFacts | None:
        return self.related.get(stream) if stream else None

    # -- the live gate ---------------------------------------------------------------------

    def judged(self, step: RawStep) -> Judged | None:
        """The gates' view of ``step``: the complaint before it, the registry as of its ``at``."""
        if step.position not in self._judged:
            found = None
            if step.at is not EPOCH:
                before = [s.raw for s in self.facts.steps[:step.position]]
                parsed = Step({"stream": step.stream, "type": step.type, "at": step.raw.get("at"), "by": step.by,
                               "data": step.data}, "complaint")
                bureau = self.public.bureau
                agency = self.ctx.registry.agency_as_of(bureau, step.at) if bureau else None
                found = Judged(parsed, fold_case(step.stream, []), self.ctx.registry, self.config, self.ctx.calendar,
                               agency, effective_thresholds(self.config, agency), step.day, acting=bureau,
                               complaint=fold_complaint(step.stream, before))
            self._judged[step.position] = found
        return self._judged[step.position]

    def gate_hit(self, gate: Gate, steps: Sequence[RawStep]) -> Hit | None:
        """``gate`` judged on each of ``steps``; one hit with every message."""
        messages, concerned = [], []
        for step in steps:
            judged = self.judged(step)
            message = gate.check(judged) if judged is not None else None
            if message is not None:
                messages.append(message)
                concerned.append(step)
        return Hit("；".join(messages), refs(concerned)) if messages else None

    # -- deadlines -------------------------------------------------------------------------

    def breaches(self, rule_id: str) -> list[DeadlineBreach]:
        """The deadlines of ``rule_id`` missed (or possibly missed) as of today."""
        out = []
        for d in self.public.deadlines:
            kind = breach_kind(d, self.as_of) if d.rule == rule_id and d.is_duty else None
            if kind is not None:
                out.append(DeadlineBreach(d, kind))
        return out
