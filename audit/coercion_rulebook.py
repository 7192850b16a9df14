"""The book of coercion and enforcement rules (COE, ENF, and the reused rules on ``coercion/`` files)
and what they read (:class:`CoercionSubject`).

Why a book of its own: COE rules judge the coercion steps and ENF rules the enforcement steps on
``case/`` and ``coercion/`` streams alike; no PEN rule judges a ``coercion/`` stream (rules.md "Which
family judges which stream — coercion, enforcement and inspections"). So a subject is built from any
stream holding those steps — a 强制 file (``projections.coercionfile``) or a penalty case with a
measure or an enforcement (``CaseFile.measures``) — and the COE and ENF rules run on both, while the
reused rules registered here (TS-03, TS-05, TS-06, PUB-06, PUB-07, EVAL-10) judge only ``coercion/``
files (a case keeps its own TS and EVAL-04). A stream follows several application paths at once (a
measure and an enforcement, two measures): a rule applies when one of its paths is the stream's.
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
from domain.registry import AgencyState
from domain.roles import HEAD, holds_role
from domain.step import Step
from projections.casefile import CaseFile, Deadline
from projections.measures import CoercionRecords, MeasureRecord

__all__ = [
    "ALL_COERCION_PATHS",
    "CASE_FAMILIES",
    "COERCION_PATH_LABELS",
    "COERCION_RULES",
    "CoercionSubject",
    "case_hits",
    "coercion_paths",
    "coercion_rule",
]

SEIZURE: Final = "coercion_seizure"
EMERGENCY: Final = "coercion_emergency"
FREEZE: Final = "coercion_freeze"
OWN_POWER: Final = "enforcement_own"
SUBSTITUTE: Final = "enforcement_substitute"
IMMEDIATE: Final = "enforcement_immediate_substitute"
NO_POWER: Final = "enforcement_no_power"
OPENED: Final = "coercion_opened"
"""A ``coercion/`` file with neither a measure nor an enforcement yet (only the file rules apply)."""

MEASURES: Final = (SEIZURE, EMERGENCY, FREEZE)
SEIZURES: Final = (SEIZURE, EMERGENCY)
ENFORCEMENTS: Final = (OWN_POWER, SUBSTITUTE, IMMEDIATE, NO_POWER)
ALL_COERCION_PATHS: Final = frozenset({*MEASURES, *ENFORCEMENTS, OPENED})
COERCION_PATH_LABELS: Final = {
    SEIZURE: "查封、扣押", EMERGENCY: "查封、扣押（情况紧急）", FREEZE: "冻结", OWN_POWER: "行政机关强制执行",
    SUBSTITUTE: "代履行", IMMEDIATE: "立即代履行", NO_POWER: "申请人民法院强制执行", OPENED: "强制案卷（未实施）",
}
CASE_FAMILIES: Final = ("COE-", "ENF-")
"""The rule families of this book that also judge the steps on a ``case/`` stream."""

COERCION_RULES: dict[str, Rule[CoercionSubject]] = {}
"""The coercion and enforcement rules by id, in registration order (the order of the reference)."""

Check = Callable[["CoercionSubject"], Hit | None]


def coercion_rule(rule_id: str, title: str, severity: str, basis: str,
                  paths: Iterable[str] = ALL_COERCION_PATHS) -> Callable[[Check], Check]:
    """Register a coercion or enforcement rule's check under its id, with the paths it judges."""
    return register(COERCION_RULES, rule_id, title, severity, basis, paths)


def _enforcement_power(ctx: AuditContext, agency: str | None, method: str | None, at: datetime,
                       records: CoercionRecords) -> bool:
    """ENF-01's power: an ``enforcement`` item of the agency founded on a law lists the method, or a
    第46条第3款 auction of what it seized in the matter."""
    state = ctx.registry.agency_as_of(agency, at) if agency else None
    for item in state.items.values() if state is not None else ():
        if item.kind == "enforcement" and item.enforcement is not None and method in item.enforcement.methods \
                and "law" in item.basis_ranks:
            return True
    return method == "auction" and bool(records.measures)


def coercion_paths(facts: StreamFacts, records: CoercionRecords, ctx: AuditContext, agency: str | None
                   ) -> frozenset[str]:
    """The application paths the stream's measures and enforcement follow (rules.md "— 行政强制措施",
    "— 行政强制执行")."""
    paths: set[str] = set()
    for m in records.measures:
        paths.add(FREEZE if m.measure == "freeze" else EMERGENCY if m.emergency else SEIZURE)
    e = records.enforcement
    substitutes = [d for d in e.decisions if d.type == "SubstituteDecisionServed"]
    if substitutes or any(a.method == "substitute" for a in e.carried_out):
        paths.add(IMMEDIATE if substitutes and all(d.immediate for d in substitutes) else SUBSTITUTE)
    for decided in e.decisions:
        if decided.type == "EnforcementDecided":
            power = _enforcement_power(ctx, agency, decided.method, decided.at, records)
            paths.add(OWN_POWER if power else NO_POWER)
    if any(a.method not in ("substitute", None) for a in e.carried_out) and not (paths & {OWN_POWER, NO_POWER}):
        paths.add(OWN_POWER)
    if facts.stream.startswith("coercion/") and facts.has("CourtEnforcementApplied"):
        paths.add(NO_POWER)
    if not paths and facts.stream.startswith("coercion/"):
        paths.add(OPENED)
    return frozenset(paths)


@dataclass
class CoercionSubject:
    """What a coercion or enforcement rule judges: the stream's raw steps (corrections applied), its
    measures and enforcement, its deadlines, the acting agency, the context; ``as_of`` is today.
    ``stand_alone`` is true for a ``coercion/`` file (EVAL-10), false for a penalty case's stream."""

    stream: str
    agency: str | None
    records: CoercionRecords
    deadlines: tuple[Deadline, ...]
    facts: StreamFacts
    ctx: AuditContext
    paths: frozenset[str]
    concluded: bool
    stand_alone: bool = True
    linked: Mapping[str, StreamFacts] = field(default_factory=dict)

    @property
    def as_of(self) -> date:
        return self.ctx.as_of

    @property
    def config(self) -> Config:
        return self.ctx.config

    def agency_at(self, at: datetime) -> AgencyState | None:
        return self.ctx.registry.agency_as_of(self.agency, at) if self.agency else None

    def is_head(self, who: object, step: RawStep) -> bool:
        """Whether ``who`` was a 负责人 of the acting agency at the step (``domain.roles``)."""
        return holds_role(self.ctx.registry, who, (HEAD,), self.agency, step.at)

    def measure_of(self, step: RawStep) -> MeasureRecord | None:
        return self.records.measure(str(step.get("measure_id")))

    def measure_steps(self, *kinds: str) -> tuple[RawStep, ...]:
        """The ``SeizureImposed``/``FreezeImposed`` steps of ``kinds`` of measure (seal, seize, freeze)."""
        return tuple(s for s in self.facts.all("SeizureImposed", "FreezeImposed")
                     if ("freeze" if s.type == "FreezeImposed" else s.get("measure")) in kinds)

    @cached_property
    def measure_at(self) -> Mapping[str, RawStep]:
        """The step that opened each measure, by ``measure_id``."""
        out: dict[str, RawStep] = {}
        for found in self.facts.all("SeizureImposed", "FreezeImposed"):
            out.setdefault(str(found.get("measure_id")), found)
        return out

    # -- deadlines -------------------------------------------------------------------------

    @cached_property
    def _breaches(self) -> dict[str, list[DeadlineBreach]]:
        return breaches_by_rule(self.deadlines, self.as_of)

    def breaches(self, rule_id: str) -> list[DeadlineBreach]:
        return self._breaches.get(rule_id, [])

    def deadline_hit(self, rule_id: str, refs: Iterable[EventRef] = ()) -> Hit | None:
        """A finding for the deadlines of ``rule_id`` (certain breaches first, else provisional ones)."""
        return breach_hit(self.breaches(rule_id), refs)

    # -- the live gates, reused ------------------------------------------------------------

    def gate_messages(self, rule_id: str, steps: Sequence[RawStep]) -> list[tuple[str, RawStep]]:
        """The live gate of ``rule_id`` judged on each of ``steps`` as the stream stood before it."""
        out = []
        history = [s.raw for s in self.facts.steps]
        kind = self.stream.split("/", 1)[0]
        for step in steps:
            if step.at is EPOCH:
                continue
            streams = {self.stream: history[:step.position],
                       **{s: [x.raw for x in f.steps] for s, f in self.linked.items()}}
            parsed = Step({"stream": step.stream, "type": step.type, "at": step.raw.get("at"), "by": step.by,
                           "data": step.data}, kind)
            context: GateContext = StreamsAsOf(self.ctx, streams)
            for firing in firing_gates(parsed, context, config=self.config, calendar=self.ctx.calendar):
                if firing.rule == rule_id:
                    out.append((firing.message, step))
        return out


def case_hits(file: CaseFile, facts: StreamFacts, ctx: AuditContext,
              linked: Mapping[str, StreamFacts] | None = None) -> list[tuple[Rule[CoercionSubject], Hit]]:
    """The COE and ENF rules on the measures and the enforcement recorded on a penalty case's stream
    (rules.md: they judge those steps on ``case/`` streams too); none when the case holds neither.
    ``linked``: the case's reviews and lawsuits (ENF-05)."""
    records = CoercionRecords(file.measures, file.enforcement) if file.enforcement is not None else None
    if records is None or not (records.measures or records.enforcement.exists):
        return []
    paths = coercion_paths(facts, records, ctx, file.agency)
    subject = CoercionSubject(file.stream, file.agency, records, file.deadlines, facts, ctx, paths, file.concluded,
                              stand_alone=False, linked=dict(linked or {}))
    out = []
    for rule in COERCION_RULES.values():
        if not rule.id.startswith(CASE_FAMILIES) or not rule.paths & paths:
            continue
        hit = rule.check(subject)
        if hit is not None:
            out.append((rule, hit))
    return out
