"""Legal gates: the BLOCKER rules a live step must not break (rules.md, the Gates table).

Why gates exist: a decision without notice, a fine outside the law's range or a
published ID number cannot be repaired afterwards, so recording such a step live
is refused with the rule id and the article. Each gate is one small pure function
of the stream *before* the step (version order) and the step itself; only the
BLOCKER part of its rule refuses, everything else is for the audit. History
imported with ``--backfill`` skips gates entirely (steps.md "Validation").

An ``override`` (``{rule, justification, authorized_by}``, one per gate) lets a step
through a firing gate when a head of the acting agency (the case's, the licensing agency; for a
complaint, the justice bureau that registered it), or a supervisor of it, authorises it with a
reason; the audit still reports the breach.

Each gate names the stream kinds it judges (``Gate.kinds``): the PEN gates ``case/`` streams, the
LIC gates ``licence/``, the COE and ENF gates ``case/`` and ``coercion/`` (a measure or an
enforcement is recorded on either), the INS gates ``spotcheck/`` and ``inspection/``, CMP-04
``complaint/``, PUB-01 every stream whose bytes are public. The state a gate reads is folded per kind
(``_STREAMS``: ``domain.casestate``, ``domain.licence_state``, ``domain.complaint_state``; the
acting agency of ``coercion/``, ``inspection/`` and ``spotcheck/`` streams from their opening step,
whose own state the COE, ENF and INS gates fold: ``domain.coercion_state``,
``domain.inspection_state``). This module is the registry and the entry points; the gates themselves
live in ``penalty``, ``publication``, ``licence``, ``coercion``, ``enforcement``, ``inspection`` and
``complaint``.

Legal facts are read as of the step's ``at`` (``GateContext.agency_as_of``,
``officer_as_of``); the override's authority as recorded (``Context.officer``),
like structural role checks. Where rules.md leaves a question open (§8), the
choice is named in the gate's docstring.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Final, Protocol

from domain.beacon import CheckpointLog
from domain.calendar import CalendarError, WorkingCalendar, shanghai_date
from domain.casestate import CaseState, Notice, PenaltyLine, fold_case, parse_penalties
from domain.coercion_state import fold_coercion
from domain.complaint_state import ComplaintState, fold_complaint
from domain.config import Config, Thresholds, effective_thresholds
from domain.errors import StepRefused
from domain.fields import StreamKind
from domain.inspection_state import fold_inspection, fold_spotcheck, opening_members
from domain.licence_state import PARTY_OPENINGS, LicenceState, fold_licence, publication_case
from domain.registry import AgencyState, HistoryRegistry, OfficerRecord
from domain.step import Step
from domain.step_types import StepType, step_types_of
from domain.validation import Context
from domain.vocabulary import STEPS, check_override

__all__ = [
    "CASES",
    "GATE_ORDER",
    "PUBLICATIONS",
    "PUBLICLY_SERVED",
    "Firing",
    "Gate",
    "GateContext",
    "Judged",
    "check_gates",
    "firing_gates",
    "gate",
    "gate_rule_ids",
    "gates_for",
    "with_registry",
]

class GateContext(Context, Protocol):
    """What gates read. ``history`` and ``officer`` as in validation's ``Context``, plus the
    registry as of a time, for legal facts, and this ledger's transparency log (INS-02's beacon).
    ``registry.HistoryRegistry(ctx, log)`` implements them for any ``Context`` by folding the
    registry streams' history.
    """

    @property
    def log(self) -> CheckpointLog | None:
        """This ledger's transparency log: its signed checkpoints and the leaf index of each event.
        The ledger always gives it live; None where it is not known (a pure test, the audit of a
        补录 draw), and then INS-02 does not judge whether the beacon is this ledger's checkpoint."""
        ...

    def agency_as_of(self, agency: str, at: datetime) -> AgencyState | None:
        """The agency stream (``agency/<code>``) folded over its steps with ``at`` ≤ ``at``:
        name, items by code (penalty types, ranges, bands), the legal-review catalogue."""
        ...

    def officer_as_of(self, identity: str, at: datetime) -> OfficerRecord | None:
        """The officer stream folded over its registration and the steps with ``at`` ≤ ``at``:
        agency, roles, credential number, validity and revocation, legal qualification."""
        ...

    def targeting(self, stream: str) -> Sequence[str]:
        """The ``review/`` and ``litigation/`` streams whose opening targets a decision of ``stream``
        (``domain.appeals.TargetIndex``), as recorded: ENF-05 reads them (their steps through
        ``history``, judged as of the step)."""
        ...


def with_registry(ctx: Context, log: CheckpointLog | None = None) -> GateContext:
    """A gate context for any validation ``Context``: the registry folded from its history, and
    ``log`` (this ledger's transparency log, when known)."""
    return HistoryRegistry(ctx, log)


@dataclass(frozen=True, slots=True)
class Judged:
    """Everything one gate may read about the step it judges."""

    step: Step
    case: CaseState
    """The case before the step."""
    ctx: GateContext
    config: Config
    calendar: WorkingCalendar
    agency: AgencyState | None
    """The acting agency as of the step's ``at``."""
    thresholds: Thresholds
    day: date
    """The step's Asia/Shanghai date."""
    acting: str | None = None
    """The acting agency: the case's, the licensing agency, the bureau handling a complaint."""
    licence: LicenceState | None = None
    """A licence stream before the step (None on other streams)."""
    complaint: ComplaintState | None = None
    """A complaint stream before the step (None on other streams)."""

    @property
    def penalties(self) -> tuple[PenaltyLine, ...]:
        return parse_penalties(self.step.data.get("penalties"))

    @property
    def party_kind(self) -> str | None:
        return self.case.party.kind if self.case.party is not None else None

    def notices_before(self) -> tuple[Notice, ...]:
        """Notices earlier in the stream and served no later than the step (PEN-09 "before")."""
        return tuple(n for n in self.case.notices if n.served_at <= self.step.at)


Check = Callable[[Judged], str | None]
"""A gate's judgement: the Chinese reason it refuses, or None."""


CASES: Final = frozenset({StreamKind.CASE.value})


@dataclass(frozen=True, slots=True)
class Gate:
    """One gate: its rule id, title, legal basis, the steps it judges, its check, and the stream
    kinds it judges (None: every stream)."""

    rule: str
    title: str
    basis: str
    steps: frozenset[str]
    check: Check
    kinds: frozenset[str] | None = CASES


@dataclass(frozen=True, slots=True)
class Firing:
    """A gate that fires on a step: the refusal it stands for, before any override."""

    rule: str
    message: str
    basis: str

    def refusal(self, extra: str = "") -> StepRefused:
        return StepRefused(self.rule, self.message + extra, basis=self.basis)


_GATES: dict[str, Gate] = {}
GATE_ORDER: Final = ("PEN-01", "PEN-04", "PEN-09", "PEN-10", "PEN-11", "PEN-12", "PEN-16", "PEN-19", "PEN-21",
                     "PEN-30", "PEN-31", "PEN-35", "PUB-01", "PUB-02", "LIC-01", "LIC-08", "LIC-12",
                     "COE-01", "COE-02", "COE-03", "COE-06", "COE-07", "ENF-01", "ENF-02", "ENF-03", "ENF-04",
                     "ENF-05", "ENF-06", "INS-01", "INS-02", "INS-03", "INS-04", "CMP-04")
"""The gates in the order of rules.md's table, which is the order they are judged in."""


def gate(rule: str, title: str, basis: str, steps: frozenset[StepType],
         kinds: frozenset[str] | None = CASES) -> Callable[[Check], Check]:
    """Register a gate's check under its rule id (judged on ``kinds`` of streams; None: all)."""
    def register(check: Check) -> Check:
        _GATES[rule] = Gate(rule, title, basis, steps, check, kinds)
        _BY_TYPE.clear()
        return check
    return register



_REGISTRY_KINDS: Final = frozenset({StreamKind.AGENCY, StreamKind.OFFICER, StreamKind.CALENDAR})
PUBLICATIONS: Final[frozenset[StepType]] = frozenset({"DecisionPublished", "PublicationCorrected"})
PUBLICLY_SERVED: Final = step_types_of(
    {name for name, spec in STEPS.items() if spec.streams <= _REGISTRY_KINDS}
    | PUBLICATIONS | {"PublicationWithdrawn"}
)
"""The step types whose signed bytes are served without a token (``GET /v1/log/event/N``): the
registry (事前公开), publications and their withdrawals. PUB-01 judges every string they state."""



# --------------------------------------------------------------------------- entry points


def gate_rule_ids() -> frozenset[str]:
    """The rule ids that are gates (and so may be named by an override)."""
    return frozenset(_GATES)


def gates_for(step_type: str) -> tuple[Gate, ...]:
    """The gates judged at a step type, in the order they are judged."""
    return tuple(_GATES[rule] for rule in GATE_ORDER if step_type in _GATES[rule].steps)


_BY_TYPE: dict[str, tuple[Gate, ...]] = {}
"""``gates_for`` by step type, filled on first use (a gate registered later clears it)."""


def _gates_at(step: Step) -> tuple[Gate, ...]:
    """The gates judged at this step: of its type, for its stream's kind."""
    found = _BY_TYPE.get(step.type)
    if found is None:
        found = _BY_TYPE[step.type] = gates_for(step.type)
    return tuple(g for g in found if g.kinds is None or step.kind in g.kinds)


@dataclass(frozen=True, slots=True)
class _Stream:
    """What a stream kind's fold gives the gates: the case (empty off case streams), the acting
    agency, and the kind's own state."""

    case: CaseState
    acting: str | None
    licence: LicenceState | None = None
    complaint: ComplaintState | None = None


def _case_stream(step: Step, ctx: GateContext) -> _Stream:
    case = fold_case(step.stream, ctx.history(step.stream))
    return _Stream(case, case.agency)


def _licence_stream(step: Step, ctx: GateContext) -> _Stream:
    """The case the publication gates read is the licence's masking context (the applicant, the
    persons the stream names, its suppressions): ``domain.licence_state.publication_case``."""
    history = ctx.history(step.stream)
    state = fold_licence(step.stream, history)
    return _Stream(publication_case(step.stream, history), state.agency, licence=state)


def _complaint_stream(step: Step, ctx: GateContext) -> _Stream:
    """The bureau is the agency of the supervisor who registered the complaint, as of then."""
    state = fold_complaint(step.stream, ctx.history(step.stream))
    who, when = state.registered_by, state.received_at
    record = ctx.officer_as_of(who, when) if who is not None and when is not None else None
    return _Stream(fold_case(step.stream, []), record.agency if record is not None else None, complaint=state)


def _coercion_stream(step: Step, ctx: GateContext) -> _Stream:
    """A ``coercion/`` stream acts for the agency of its ``CoercionOpened``; its party is the one PUB-01
    and PUB-02 mask a publication against."""
    history = ctx.history(step.stream)
    state = fold_coercion(step.stream, history)
    return _Stream(publication_case(step.stream, history, PARTY_OPENINGS["coercion"]), state.agency)


def _inspection_stream(step: Step, ctx: GateContext) -> _Stream:
    """An ``inspection/`` stream acts for the agency of its ``InspectionOpened`` — the step itself when
    it is the opening one."""
    history = ctx.history(step.stream)
    state = fold_inspection(step.stream, history)
    agency = state.agency
    if agency is None and step.type == "InspectionOpened":
        agency = opening_members(step.data)["agency"]
    return _Stream(publication_case(step.stream, history, PARTY_OPENINGS["inspection"]), agency)


def _spotcheck_stream(step: Step, ctx: GateContext) -> _Stream:
    """A ``spotcheck/`` stream acts for the agency of its ``SpotCheckPlanned``."""
    return _Stream(fold_case(step.stream, []), fold_spotcheck(step.stream, ctx.history(step.stream)).agency)


_STREAMS: Final[Mapping[str, Callable[[Step, GateContext], _Stream]]] = {
    StreamKind.CASE.value: _case_stream, "licence": _licence_stream, "complaint": _complaint_stream,
    "coercion": _coercion_stream, "inspection": _inspection_stream, "spotcheck": _spotcheck_stream,
}
"""How the gates fold each stream kind they judge. Any other stream (a registry step, judged by
PUB-01 only as its bytes are public) has no state: an empty case and no acting agency."""


def _judge(step: Step, ctx: GateContext, config: Config, calendar: WorkingCalendar) -> Judged:
    fold = _STREAMS.get(step.kind)
    stream = fold(step, ctx) if fold is not None else _Stream(fold_case(step.stream, []), None)
    agency = ctx.agency_as_of(stream.acting, step.at) if stream.acting else None
    return Judged(step, stream.case, ctx, config, calendar, agency, effective_thresholds(config, agency),
                  shanghai_date(step.at), stream.acting, stream.licence, stream.complaint)


def _check(g: Gate, judged: Judged) -> str | None:
    """The gate's finding; a period or age that cannot be counted (a date at the edge of the
    calendar, an unusable holiday notice) fails closed, like an unknown year (Q18)."""
    try:
        return g.check(judged)
    except (OverflowError, CalendarError) as exc:
        return f"无法计算该步骤涉及的期限或年龄，不能确认合法：{exc}"


def _firings(judged: Judged, gates: Sequence[Gate]) -> list[Firing]:
    out = []
    for g in gates:
        message = _check(g, judged)
        if message is not None:
            out.append(Firing(g.rule, message, g.basis))
    return out


def firing_gates(step: Step, ctx: GateContext, *, config: Config, calendar: WorkingCalendar) -> tuple[Firing, ...]:
    """Every gate that fires on the step, overrides ignored (for tests, dry runs, the audit)."""
    gates = _gates_at(step)
    if not gates:
        return ()
    return tuple(_firings(_judge(step, ctx, config, calendar), gates))


def check_gates(step: Step, ctx: GateContext, *, config: Config, calendar: WorkingCalendar) -> None:
    """Refuse the step with ``StepRefused(rule, message, basis=...)`` for the first gate (in
    ``GATE_ORDER``) that fires and is not validly overridden; return when it may be recorded.

    Call after ``validation.check_structure`` and only when recording live.
    """
    override = step.raw.get("override")
    if override is not None:
        problems = check_override(override, gate_rules=gate_rule_ids())
        if problems:
            listed = "; ".join(str(p) for p in problems[:5])
            raise StepRefused("STRUCT-FIELD", f"override 字段错误: {listed}")
    gates = _gates_at(step)
    if not gates:
        return
    judged = _judge(step, ctx, config, calendar)
    for g in gates:
        message = _check(g, judged)
        if message is None:
            continue
        firing = Firing(g.rule, message, g.basis)
        problem = _override_problem(judged, g.rule)
        if problem is not None:
            raise firing.refusal(problem)


def _override_problem(j: Judged, rule: str) -> str | None:
    """None when an override validly lets the step through ``rule``; else the text to add to
    the refusal: empty when there is no override for it, why it is invalid otherwise."""
    mine = [o for o in j.step.overrides if isinstance(o, Mapping) and o.get("rule") == rule]
    if not mine:
        return ""
    if j.step.kind in _REGISTRY_KINDS:
        return "；越权记录无效：登记类步骤没有可批准越权的案件机关"
    override = mine[0]
    who = override.get("authorized_by")
    justification = override.get("justification")
    if not isinstance(justification, str) or not justification.strip():
        return "；越权记录无效：未写明理由"
    officer = j.ctx.officer(who) if isinstance(who, str) else None
    if officer is None:
        return f"；越权记录无效：批准人 {who} 未登记"
    if officer.has_role("head") and j.acting is not None and officer.agency == j.acting:
        return None
    supervised_by = j.agency.supervised_by if j.agency is not None else None
    if officer.has_role("supervisor") and (supervised_by is None or officer.agency == supervised_by):
        return None
    return f"；越权记录无效：批准人 {who} 不是本案机关 {j.acting} 的负责人，也不是其监督人员"
