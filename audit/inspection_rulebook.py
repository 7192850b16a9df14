"""The book of inspection rules (INS-01…11, TS-03, EVAL-11) and what they read (:class:`InspectionSubject`).

Why a book of its own, as for licences and complaints: INS rules judge ``inspection/`` and
``spotcheck/`` streams and no PEN rule does (rules.md "Which family judges which stream"); one id
may judge several kinds (TS-03). A rule is one small pure function registered with
:func:`inspection_rule`, with the paths it judges (rules.md "— 行政检查"): a drawn inspection, a
targeted one, and the spot-check task itself (its draw, its drawn objects, its plan).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Final

from audit.context import AuditContext, StreamsAsOf
from audit.facts import EPOCH, RawStep, StreamFacts
from audit.model import Envelope, EventRef
from audit.rulebook import DeadlineBreach, Hit, Rule, breach_hit, breaches_by_rule, register
from domain.config import Config
from domain.gates import GateContext, firing_gates
from domain.registry import Item
from domain.roles import HEAD, holds_role
from domain.step import Step
from projections.inspectionfile import InspectionFile, SpotCheckTask

__all__ = [
    "ALL_INSPECTION_PATHS",
    "DRAWN",
    "INSPECTION_PATH_LABELS",
    "INSPECTION_RULES",
    "TARGETED",
    "TASK",
    "InspectionSubject",
    "inspection_rule",
]

DRAWN: Final = "inspection_drawn"
TARGETED: Final = "inspection_targeted"
TASK: Final = "spotcheck_task"
ALL_INSPECTION_PATHS: Final = frozenset({DRAWN, TARGETED, TASK})
FILES: Final = (DRAWN, TARGETED)
"""The paths of an ``inspection/`` file (a ``spotcheck/`` stream is the task)."""
INSPECTION_PATH_LABELS: Final = {DRAWN: "双随机抽查的检查", TARGETED: "其他行政检查", TASK: "双随机抽查任务"}

INSPECTION_RULES: dict[str, Rule[InspectionSubject]] = {}
"""The inspection rules by id, in registration order (the order of findings and of the reference)."""

Check = Callable[["InspectionSubject"], Hit | None]


def inspection_rule(rule_id: str, title: str, severity: str, basis: str,
                    paths: Iterable[str] = ALL_INSPECTION_PATHS) -> Callable[[Check], Check]:
    """Register an inspection rule's check under its id, with the paths it judges."""
    return register(INSPECTION_RULES, rule_id, title, severity, basis, paths)


@dataclass
class InspectionSubject:
    """What an inspection rule judges: the stream's raw steps (corrections applied), the inspection
    file (None for a task), the spot-check task (its own, or the one a drawn inspection names, when
    loaded), the agency's other inspections (INS-06), the cases it was referred to (INS-08), this
    ledger's signed checkpoints (``tree_size`` → root hex; None when not known: INS-02's beacon),
    and the context; ``as_of`` is today."""

    stream: str
    path: str
    facts: StreamFacts
    ctx: AuditContext
    file: InspectionFile | None = None
    task: SpotCheckTask | None = None
    task_facts: StreamFacts | None = None
    others: tuple[InspectionFile, ...] = ()
    cases: Mapping[str, StreamFacts] = field(default_factory=dict)
    checkpoints: Mapping[int, str] | None = None

    @property
    def as_of(self) -> date:
        return self.ctx.as_of

    @property
    def config(self) -> Config:
        return self.ctx.config

    @property
    def agency(self) -> str | None:
        if self.file is not None:
            return self.file.agency
        return self.task.agency if self.task is not None else None

    @cached_property
    def item(self) -> Item | None:
        """The inspection item as the agency had published it when the inspection was opened."""
        f = self.file
        if f is None or f.agency is None or f.item is None or f.opened_at is None:
            return None
        state = self.ctx.registry.agency_as_of(f.agency, f.opened_at)
        return state.item(f.item) if state is not None else None

    def is_head(self, who: object, step: RawStep) -> bool:
        """Whether ``who`` was a 负责人 of the agency at the step (``domain.roles``)."""
        return holds_role(self.ctx.registry, who, (HEAD,), self.agency, step.at)

    # -- deadlines -------------------------------------------------------------------------

    @cached_property
    def _breaches(self) -> dict[str, list[DeadlineBreach]]:
        return breaches_by_rule(self.file.deadlines if self.file is not None else (), self.as_of)

    def breaches(self, rule_id: str) -> list[DeadlineBreach]:
        return self._breaches.get(rule_id, [])

    def deadline_hit(self, rule_id: str, refs: Iterable[EventRef] = ()) -> Hit | None:
        return breach_hit(self.breaches(rule_id), refs)

    # -- the live gates, reused ------------------------------------------------------------

    def gate_messages(self, rule_id: str, steps: Sequence[RawStep],
                      facts: StreamFacts | None = None) -> list[tuple[str, RawStep]]:
        """The live gate of ``rule_id`` on each of ``steps`` (of ``facts``, default this stream's), the
        stream as it stood before the step and the task as recorded (what the gate reads live)."""
        facts = facts or self.facts
        own: list[Envelope] = [s.raw for s in facts.steps]
        other = self.task_facts if self.task_facts is not None and self.task_facts.stream != facts.stream else None
        out = []
        for step in steps:
            if step.at is EPOCH:
                continue
            parsed = Step({"stream": step.stream, "type": step.type, "at": step.raw.get("at"), "by": step.by,
                           "data": step.data}, step.stream.split("/", 1)[0])
            streams: dict[str, Sequence[Envelope]] = {facts.stream: own[:step.position]}
            if other is not None:  # the task as recorded by then (a later replacement is not yet known)
                streams[other.stream] = [t.raw for t in other.steps if t.at <= step.at]
            context: GateContext = StreamsAsOf(self.ctx, streams)
            for firing in firing_gates(parsed, context, config=self.config, calendar=self.ctx.calendar):
                if firing.rule == rule_id:
                    out.append((firing.message, step))
        return out
