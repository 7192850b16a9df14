"""The registry of case-level rules and what a rule function reads (:class:`Subject`).

A rule is one small pure function registered by its rule id with :func:`rule`: it
takes the :class:`Subject` (the case file, its raw steps, the context, "today") and
returns a :class:`Hit` — the message in Chinese, the events concerned and, for a rule
whose parts differ in severity (PEN-21, PEN-30, PEN-42, …), the severity of this
finding — or ``None`` when the file shows nothing wrong. Which procedures a rule
judges (rules.md "Which rules apply to which path") is declared with it, so the
engine never asks a rule about a path it does not apply to.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from functools import cached_property
from typing import Any, Final, TypeVar

from audit.context import AuditContext
from audit.facts import EPOCH as _NO_TIME
from audit.facts import CaseFacts, RawStep
from audit.model import EventRef
from domain.casestate import CaseState
from domain.config import Config, Thresholds, effective_thresholds
from domain.gates import Judged
from domain.registry import AgencyState
from domain.step import Step
from projections.casefile import CaseFile, Deadline

__all__ = [
    "ALL_PATHS",
    "RULES",
    "DeadlineBreach",
    "Hit",
    "Rule",
    "Subject",
    "rule",
]

GENERAL: Final = "general"
SUMMARY: Final = "summary"
NO_PENALTY: Final = "no_penalty"
TRANSFER: Final = "transfer"
ALL_PATHS: Final = frozenset({GENERAL, SUMMARY, NO_PENALTY, TRANSFER})
CMP_ACCEPTED: Final = "complaint_accepted"
CMP_NOT_ACCEPTED: Final = "complaint_not_accepted"
CMP_TRANSFERRED: Final = "complaint_transferred"
COMPLAINT_PATHS: Final = frozenset({CMP_ACCEPTED, CMP_NOT_ACCEPTED, CMP_TRANSFERRED})
"""The paths of a ``complaint/`` file (rules.md "— 投诉举报"); no case rule declares them, no CMP rule a case path."""
PATH_LABELS: Final = {GENERAL: "普通程序", SUMMARY: "简易程序", NO_PENALTY: "不予处罚", TRANSFER: "移送司法机关",
                      CMP_ACCEPTED: "投诉举报受理", CMP_NOT_ACCEPTED: "投诉举报不予受理",
                      CMP_TRANSFERRED: "投诉举报转送"}


@dataclass(frozen=True, slots=True)
class Hit:
    """What a rule found: the message, the events, the severity when it differs by part."""

    message: str
    events: tuple[EventRef, ...] = ()
    severity: str | None = None
    provisional: bool = False


Check = Callable[["Subject"], Hit | None]
S = TypeVar("S")
"""What a rule judges: :class:`Subject` for a case file; a complaint rule its own subject."""


@dataclass(frozen=True, slots=True)
class Rule:
    """A registered case-level rule."""

    id: str
    title: str
    severity: str
    basis: str
    paths: frozenset[str]
    check: Callable[[Any], Hit | None]
    """The rule's function of the subject of its paths (a :class:`Subject` on case paths)."""
    publication: bool = False
    """A publication rule (PEN-40, TS-03, PEN-41): on a no-penalty file only when those are published."""


RULES: dict[str, Rule] = {}


def rule(rule_id: str, title: str, severity: str, basis: str, paths: Iterable[str] = ALL_PATHS, *,
         publication: bool = False) -> Callable[[Callable[[S], Hit | None]], Callable[[S], Hit | None]]:
    """Register a rule's check under its id (the engine of its paths gives it its subject)."""
    def register(check: Callable[[S], Hit | None]) -> Callable[[S], Hit | None]:
        RULES[rule_id] = Rule(rule_id, title, severity, basis, frozenset(paths), check, publication)
        return check
    return register


@dataclass(frozen=True, slots=True)
class DeadlineBreach:
    """A deadline the file missed (``late``/``missed``) or may have missed (``provisional``)."""

    deadline: Deadline
    kind: str

    @property
    def message(self) -> str:
        d = self.deadline
        due = d.due.due.isoformat()
        if self.kind == "provisional":
            known = d.due.known_until.isoformat() if d.due.known_until else "—"
            done = f"，实际于 {d.done_on} 完成" if d.done_on else "，至今未完成"
            return (f"【暂定】{d.title}：自 {d.start} 起算，届满日暂定为 {due}（工作日历仅知至 {known}，"
                    f"该年放假安排公布后确定）{done}")
        if self.kind == "late":
            return f"{d.title}：自 {d.start} 起算应于 {due} 前完成，实际于 {d.done_on} 完成，已逾期"
        return f"{d.title}：自 {d.start} 起算应于 {due} 前完成，至今未完成，已逾期"


@dataclass
class Subject:
    """What a rule judges: the case file, its raw steps, the context; ``as_of`` is today."""

    file: CaseFile
    facts: CaseFacts
    ctx: AuditContext
    path: str
    _states: dict[int, CaseState] = field(default_factory=dict)
    _judged: dict[int, Judged | None] = field(default_factory=dict)

    @property
    def as_of(self) -> date:
        return self.ctx.as_of

    @property
    def config(self) -> Config:
        return self.ctx.config

    @property
    def agency_id(self) -> str | None:
        return self.file.agency

    def agency_at(self, at: datetime) -> AgencyState | None:
        return self.ctx.registry.agency_as_of(self.file.agency, at) if self.file.agency else None

    def thresholds_at(self, at: datetime) -> Thresholds:
        return effective_thresholds(self.ctx.config, self.agency_at(at))

    @cached_property
    def decision(self) -> RawStep | None:
        """The (first) decision step: ``DecisionMade`` or ``SummaryDecisionMade``."""
        found = self.facts.all("DecisionMade", "SummaryDecisionMade")
        return found[0] if found else None

    @cached_property
    def penalty_decision(self) -> RawStep | None:
        """The decision when it imposes a penalty."""
        d = self.decision
        if d is None:
            return None
        return d if d.type == "SummaryDecisionMade" or d.data.get("outcome") == "penalty" else None

    def closed(self) -> bool:
        return self.facts.has("CaseClosed") or self.facts.has("CaseArchived")

    # -- reuse of the live gates ----------------------------------------------------

    def state_before(self, position: int) -> CaseState:
        """The case state just before ``position`` (what a live gate would have judged).

        Derived from the whole file's state by dropping what came at or after ``position``
        (every list of ``CaseState`` carries positions), rather than folded again.
        """
        found = self._states.get(position)
        if found is None:
            full = self.file.state

            def keep(items: tuple[Any, ...]) -> tuple[Any, ...]:
                return tuple(i for i in items if (i if isinstance(i, int) else i.position) < position)

            found = self._states[position] = replace(
                full, length=position, notices=keep(full.notices), waivers=keep(full.waivers),
                hearing_requests=keep(full.hearing_requests), hearings_held=keep(full.hearings_held),
                legal_reviews=keep(full.legal_reviews), discussions=keep(full.discussions),
                decisions=keep(full.decisions), changes=keep(full.changes), publications=keep(full.publications),
                suppressions=tuple(str(s.data.get("reason")) for s in self.facts.all("PublicationSuppressed")
                                   if s.position < position),
            )
        return found

    def judged(self, step: RawStep) -> Judged | None:
        """The gates' view of ``step``: the case before it, the registry as of its ``at`` (cached)."""
        if step.position in self._judged:
            return self._judged[step.position]
        found: Judged | None = None
        if step.at is not _NO_TIME:
            parsed = Step({"stream": step.stream, "type": step.type, "at": step.raw.get("at"), "by": step.by,
                           "data": step.data}, "case")
            agency = self.agency_at(step.at)
            found = Judged(parsed, self.state_before(step.position), self.ctx.registry,
                           self.ctx.config, self.ctx.calendar, agency, effective_thresholds(self.ctx.config, agency),
                           step.day)
        self._judged[step.position] = found
        return found

    # -- deadlines ----------------------------------------------------------------------

    def breaches(self, rule_id: str, deadlines: Sequence[Deadline] | None = None) -> list[DeadlineBreach]:
        """The deadlines of ``rule_id`` missed (or possibly missed) as of today."""
        if deadlines is None:
            return self._all_breaches.get(rule_id, [])
        out = []
        for d in deadlines:
            if d.rule != rule_id:
                continue
            kind = breach_kind(d, self.as_of)
            if kind is not None:
                out.append(DeadlineBreach(d, kind))
        return out

    @cached_property
    def _all_breaches(self) -> dict[str, list[DeadlineBreach]]:
        out: dict[str, list[DeadlineBreach]] = {}
        for d in self.file.all_deadlines:
            if not d.is_duty:
                continue  # a party's window: the gates judge the steps taken inside it
            kind = breach_kind(d, self.as_of)
            if kind is not None:
                out.setdefault(d.rule, []).append(DeadlineBreach(d, kind))
        return out

    def deadline_hit(self, rule_id: str, refs: Iterable[EventRef] = ()) -> Hit | None:
        """A finding for the deadlines of ``rule_id``: certain breaches first; else provisional ones."""
        found = self.breaches(rule_id)
        if not found:
            return None
        certain = [b for b in found if b.kind != "provisional"]
        shown = certain or found
        return Hit("；".join(b.message for b in shown), tuple(refs), provisional=not certain)


def breach_kind(d: Deadline, as_of: date) -> str | None:
    """``late``, ``missed`` or ``provisional`` (CAL-03: a year the calendar does not know), or None."""
    due = d.due
    if due.provisional:
        bound = due.known_until
        if d.done_on is not None:
            return None if bound is not None and d.done_on <= bound else "provisional"
        if bound is not None and as_of <= bound:
            return None
        return "provisional"
    if d.done_on is not None:
        return "late" if d.done_on > due.due else None
    return "missed" if as_of > due.due else None


def refs(steps: Iterable[RawStep | None]) -> tuple[EventRef, ...]:
    return tuple(dict.fromkeys(s.ref for s in steps if s is not None))
