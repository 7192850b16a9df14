"""The book of licence-file rules and what they read (:class:`LicenceSubject`).

Why a book of its own: LIC rules judge ``licence/`` streams and no PEN rule does (rules.md
"Which family judges which stream"); one id may judge both kinds (TS-03), so the case rules
(``audit.rulebook.RULES``) and these are kept apart. A rule is one small pure function registered
with :func:`licence_rule`, with the 行政许可 application paths it judges (rules.md "Which rules
apply to which path — 行政许可").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from typing import Final

from audit.context import AuditContext, StreamsAsOf
from audit.facts import EPOCH, RawStep, StreamFacts
from audit.model import EventRef
from audit.rulebook import DeadlineBreach, Hit, Rule, breach_hit, breaches_by_rule, register
from domain.config import Config
from domain.gates import GateContext, firing_gates
from domain.registry import AgencyState, Item
from domain.roles import HEAD, holds_role
from domain.step import Step
from projections.licencefile import LicenceFile

__all__ = [
    "ALL_LICENCE_PATHS",
    "LICENCE_PATH_LABELS",
    "LICENCE_RULES",
    "LicenceSubject",
    "StreamsAsOf",
    "licence_rule",
]

NEW: Final = "licence_new"
RENEWAL: Final = "licence_renewal"
ON_THE_SPOT: Final = "licence_on_the_spot"
NOT_ACCEPTED: Final = "licence_not_accepted"
DENIAL: Final = "licence_denial"
PROCEEDING: Final = "licence_proceeding"
ALL_LICENCE_PATHS: Final = frozenset({NEW, RENEWAL, ON_THE_SPOT, NOT_ACCEPTED, DENIAL, PROCEEDING})
LICENCE_PATH_LABELS: Final = {
    NEW: "许可（新申请、变更）", RENEWAL: "许可（延续）", ON_THE_SPOT: "许可（当场决定）", NOT_ACCEPTED: "不予受理",
    DENIAL: "不予许可", PROCEEDING: "撤回、撤销、注销",
}
DECISIONS: Final = ("LicenceGranted", "LicenceDenied", "LicenceWithdrawn", "LicenceRevoked", "LicenceCancelled")

LICENCE_RULES: dict[str, Rule[LicenceSubject]] = {}
"""The licence-file rules by id, in registration order (the order of findings and of the reference)."""

Check = Callable[["LicenceSubject"], Hit | None]


def licence_rule(rule_id: str, title: str, severity: str, basis: str, paths: Iterable[str] = ALL_LICENCE_PATHS,
                 ) -> Callable[[Check], Check]:
    """Register a licence rule's check under its id, with the paths it judges."""
    return register(LICENCE_RULES, rule_id, title, severity, basis, paths)


@dataclass
class LicenceSubject:
    """What a licence rule judges: the file, its raw steps (corrections applied), the linked licence
    streams (the licence a change, renewal or proceeding names), the context; ``as_of`` is today."""

    file: LicenceFile
    facts: StreamFacts
    ctx: AuditContext
    path: str
    linked: Mapping[str, StreamFacts] = field(default_factory=dict)

    @property
    def as_of(self) -> date:
        return self.ctx.as_of

    @property
    def config(self) -> Config:
        return self.ctx.config

    def agency_at(self, at: datetime) -> AgencyState | None:
        return self.ctx.registry.agency_as_of(self.file.agency, at) if self.file.agency else None

    @cached_property
    def application(self) -> RawStep | None:
        """The ``LicenceApplied`` of this file, or of the licence a proceeding names."""
        found = self.facts.first("LicenceApplied")
        if found is None and self.concerned is not None:
            found = self.concerned.first("LicenceApplied")
        return found

    @cached_property
    def concerned(self) -> StreamFacts | None:
        """The licence stream a change, renewal or proceeding names, when loaded."""
        stream = self.file.concerns.get("stream")
        return self.linked.get(stream) if isinstance(stream, str) else None

    @cached_property
    def item(self) -> Item | None:
        """The item applied for, as the deciding agency had published it at the application."""
        applied = self.application
        if applied is None:
            return None
        agency, code = applied.get("agency"), applied.get("item")
        if not isinstance(agency, str) or not isinstance(code, str):
            return None
        state = self.ctx.registry.agency_as_of(agency, applied.at)
        return state.item(code) if state is not None else None

    @cached_property
    def decision(self) -> RawStep | None:
        """The file's (first) decision step."""
        found = self.facts.all(*DECISIONS)
        return found[0] if found else None

    def before_decision(self, *types: str) -> tuple[RawStep, ...]:
        """The steps of ``types`` before the decision (all of them while undecided)."""
        d = self.decision
        return self.facts.before(d.position, *types) if d is not None else self.facts.all(*types)

    def is_head(self, who: object, step: RawStep) -> bool:
        """Whether ``who`` was a 负责人 of the file's agency at the step (``domain.roles``)."""
        return holds_role(self.ctx.registry, who, (HEAD,), self.file.agency, step.at)

    # -- deadlines -------------------------------------------------------------------------

    @cached_property
    def _breaches(self) -> dict[str, list[DeadlineBreach]]:
        return breaches_by_rule(self.file.deadlines, self.as_of)

    def breaches(self, rule_id: str, key: Callable[[str], bool] | None = None) -> list[DeadlineBreach]:
        found = self._breaches.get(rule_id, [])
        return [b for b in found if key(b.deadline.key)] if key is not None else found

    def deadline_hit(self, rule_id: str, refs: Iterable[EventRef] = (),
                     key: Callable[[str], bool] | None = None) -> Hit | None:
        """A finding for the deadlines of ``rule_id`` (those whose key ``key`` accepts)."""
        return breach_hit(self.breaches(rule_id, key), refs)

    # -- the live gates, reused ------------------------------------------------------------

    def gate_messages(self, rule_id: str, steps: Sequence[RawStep]) -> list[tuple[str, RawStep]]:
        """The live gate of ``rule_id`` judged on each of ``steps`` as it stood before it."""
        out = []
        history = [s.raw for s in self.facts.steps]
        for step in steps:
            if step.at is EPOCH:
                continue
            streams = {self.facts.stream: history[:step.position],
                       **{s: [x.raw for x in f.steps] for s, f in self.linked.items()}}
            parsed = Step({"stream": step.stream, "type": step.type, "at": step.raw.get("at"), "by": step.by,
                           "data": step.data}, "licence")
            context: GateContext = StreamsAsOf(self.ctx, streams)
            for firing in firing_gates(parsed, context, config=self.config, calendar=self.ctx.calendar):
                if firing.rule == rule_id:
                    out.append((firing.message, step))
        return out
