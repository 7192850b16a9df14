"""Structural validation of a step against the state it would join (steps.md "Validation").

Always applies, live or 补录: a known type with well-formed data, on a kind of stream its
table allows; the stream's opening step first; ``LicenceIssued`` only after
``LicenceGranted``; on a case stream the coercion and enforcement steps only after
``CaseRegistered``; a measure's steps only for a ``measure_id`` opened on the stream, and the
draw only after both directory snapshots (``domain.step_order``); ``by`` registered and
holding a role that may record the step there, in the right agency; approvals naming heads;
an archived stream of any kind taking only corrections, disclosure and publication steps.
Legal gates are a separate layer (live only).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from domain.errors import StepRefused
from domain.fields import MalformedStream, StreamKind, parse_stream
from domain.identities import BOOTSTRAP, Officer
from domain.step import Step
from domain.step_order import check_draw_order, check_measure_order
from domain.vocabulary import Placement, Proviso, Scope, check_override, check_step_data, spec

History = Sequence[Mapping[str, Any]]
"""A stream's steps so far, in version order, each as stated: stream, type, at, by, data."""

SINGLE_OPENING = frozenset(
    {"AgencyRegistered", "OfficerRegistered", "CaseRegistered", "ReconsiderationApplied", "LawsuitFiled",
     "LicenceApplied", "LicenceProceedingOpened", "ComplaintReceived", "CoercionOpened", "SpotCheckPlanned",
     "InspectionOpened"}
)
ALTERNATIVE_OPENINGS: tuple[frozenset[str], ...] = (frozenset({"LicenceApplied", "LicenceProceedingOpened"}),)
"""Openings of which a stream holds at most one: a licence stream is an application or a proceeding."""
AFTER_ARCHIVE = frozenset(
    {
        "DecisionCorrected", "RecordCorrected", "DecisionPublished", "PublicationSuppressed",
        "PublicationCorrectionRequested", "PublicationCorrected", "PublicationWithdrawn",
    }
)
REQUIRES_BEFORE: Mapping[str, str] = {"LicenceIssued": "LicenceGranted"}
"""Structural order: the step may be recorded only after the named step on the same stream."""
_FILE_OPENINGS: Mapping[str, tuple[str, ...]] = {
    "case": ("CaseRegistered",), "licence": ("LicenceApplied", "LicenceProceedingOpened"),
    "coercion": ("CoercionOpened",), "spotcheck": ("SpotCheckPlanned",), "inspection": ("InspectionOpened",),
}
_HANDLERS: Mapping[str, tuple[str, str]] = {
    "case": ("CaseRegistered", "handlers"), "coercion": ("CoercionOpened", "handlers"),
    "inspection": ("InspectionOpened", "officers"),
}
"""Where a file names its handlers, by stream kind (the licence's are its reviewer and 核查 staff)."""
_AFTER_REGISTRATION: frozenset[str] = frozenset({"ExcludedPeriodNotified", "ExcludedPeriodEnded"})
"""Besides the coercion and enforcement steps, the steps a case stream takes only after 立案."""
"""The steps naming a file's ``agency``, by stream kind."""


class Context(Protocol):
    """What validation may read: the steps of any stream so far and officers' state."""

    def history(self, stream: str) -> History: ...

    def officer(self, identity: str) -> Officer | None: ...


def _first(history: History, step_type: str) -> Mapping[str, Any] | None:
    return next((s["data"] for s in history if s["type"] == step_type), None)


def _kind(stream: str) -> str:
    return stream.partition("/")[0]


def file_agency(ctx: Context, stream: str, pending: Step | None = None) -> str | None:
    """The agency of a file (case, licence, coercion, spot check, inspection): from its opening step
    (or the step opening it)."""
    openings = _FILE_OPENINGS.get(_kind(stream), ())
    if pending is not None and pending.type in openings:
        agency = pending.data.get("agency")
        return agency if isinstance(agency, str) else None
    history = ctx.history(stream)
    for opening in openings:
        found = _first(history, opening)
        if found is not None:
            agency = found.get("agency")
            return agency if isinstance(agency, str) else None
    return None


def _target_file(history: History, opening: str, step: Step) -> str | None:
    data = step.data if step.type == opening else _first(history, opening)
    target = (data or {}).get("target")
    if not isinstance(target, Mapping):
        return None
    found = target.get("case") or target.get("stream")
    return found if isinstance(found, str) else None


def _complained_agency(history: History, step: Step) -> str | None:
    data = step.data if step.type == "ComplaintReceived" else _first(history, "ComplaintReceived")
    against = (data or {}).get("against")
    agency = against.get("agency") if isinstance(against, Mapping) else None
    return agency if isinstance(agency, str) else None


def _scope_agency(step: Step, ctx: Context, scope: Scope) -> str | None:
    if scope is Scope.FILE_AGENCY:
        return file_agency(ctx, step.stream, step)
    if scope in (Scope.RESPONDENT_AGENCY, Scope.DEFENDANT_AGENCY):
        opening = "ReconsiderationApplied" if scope is Scope.RESPONDENT_AGENCY else "LawsuitFiled"
        target = _target_file(ctx.history(step.stream), opening, step)
        return file_agency(ctx, target) if target else None
    if scope is Scope.COMPLAINED_AGENCY:
        return _complained_agency(ctx.history(step.stream), step)
    return None


def file_handlers(history: History, stream: str) -> frozenset[str]:
    """Who handles a file, and so may not review it or preside its hearing: a case's or a
    coercion's ``handlers``, an inspection's ``officers``; on a licence stream the reviewer and the
    核查 staff."""
    if _kind(stream) == "licence":
        named: set[str] = set()
        for entry in history:
            data = entry["data"]
            if entry["type"] == "LicenceReviewed" and isinstance(data.get("reviewer"), str):
                named.add(data["reviewer"])
            if entry["type"] == "SiteVerificationRecorded":
                named.update(s for s in data.get("staff") or [] if isinstance(s, str))
        return frozenset(named)
    opening, member = _HANDLERS.get(_kind(stream), _HANDLERS["case"])
    registered = _first(history, opening) or {}
    return frozenset(h for h in registered.get(member) or [] if isinstance(h, str))


def _placement(step: Step) -> Placement:
    """The step's spec on its stream's kind (the data check has already refused any other)."""
    step_spec = spec(step.type)
    try:
        kind, _ = parse_stream(step.stream)
    except MalformedStream:
        return step_spec.placements[step_spec.home]
    return step_spec.on(kind) or step_spec.placements[step_spec.home]


def _after_registration(step_type: str) -> bool:
    """Whether a case stream takes the step only after ``CaseRegistered``: a coercive measure or an
    enforcement serves a registered case (steps.md "Where a coercive measure ... is recorded")."""
    return spec(step_type).home is StreamKind.COERCION or step_type in _AFTER_REGISTRATION


def _check_order(step: Step, history: History) -> None:
    if step.type in SINGLE_OPENING and _first(history, step.type) is not None:
        raise StepRefused("STRUCT-OPEN", f"{step.stream} 已有 {step.type}, 不能重复")
    for group in ALTERNATIVE_OPENINGS:
        if step.type in group:
            other = next((s["type"] for s in history if s["type"] in group), None)
            if other is not None:
                raise StepRefused("STRUCT-OPEN", f"{step.stream} 已由 {other} 开启, 不能再记录 {step.type}")
    needed = REQUIRES_BEFORE.get(step.type)
    if needed is None and step.kind == StreamKind.CASE.value and _after_registration(step.type):
        needed = "CaseRegistered"
    if needed is not None and _first(history, needed) is None:
        raise StepRefused("STRUCT-ORDER", f"{step.stream} 尚无 {needed}, 不能记录 {step.type}")
    check_measure_order(step.type, step.data, step.stream, history)
    check_draw_order(step.type, step.stream, history)
    if _first(history, "CaseArchived") is not None and step.type not in AFTER_ARCHIVE:
        raise StepRefused("STRUCT-ARCHIVED", f"{step.stream} 已归档, 只能记录更正、公开与公示步骤")


def check_structure(step: Step, ctx: Context, *, backfill: bool = False) -> None:
    """Raise ``StepRefused`` naming the structural reason; return when the step may join."""
    step_spec = spec(step.type)
    problems = check_step_data(step.type, step.data, backfill=backfill, stream=step.stream)
    problems += check_override(step.raw.get("override"))
    if problems:
        listed = "; ".join(f"{p.path}: {p.message}" for p in problems[:5])
        more = f" 等 {len(problems)} 处" if len(problems) > 5 else ""
        raise StepRefused("STRUCT-FIELD", f"{step.type} 字段错误: {listed}{more}")
    history = ctx.history(step.stream)
    if not history and not step_spec.opens:
        raise StepRefused("STRUCT-OPEN", f"{step.stream} 尚无记录, {step.type} 不能作为流的首个步骤")
    _check_order(step, history)
    bootstrap = step.type == "OfficerRegistered" and step.stream == BOOTSTRAP == step.by and not history
    if bootstrap:
        return
    actor = ctx.officer(step.by)
    if actor is None:
        raise StepRefused("STRUCT-BY", f"执行人 {step.by} 未登记")
    here = _placement(step)
    _check_role(step, ctx, actor, here)
    _check_named_roles(step, ctx, here, actor)


def _check_role(step: Step, ctx: Context, actor: Officer, here: Placement) -> None:
    rule = here.record
    if Proviso.OWN_KEY in rule.provisos and step.by == step.stream:
        return
    if not actor.has_role(*rule.roles):
        wanted = "/".join(sorted(str(r) for r in rule.roles))
        raise StepRefused("STRUCT-ROLE", f"{step.type} 须由 {wanted} 记录; {step.by} 无此角色")
    agency = _scope_agency(step, ctx, rule.scope)
    if agency is not None and actor.agency != agency and not actor.has_role("admin"):
        raise StepRefused("STRUCT-ROLE", f"{step.by} 不属于本案机关 {agency}, 不能记录 {step.type}")
    if Proviso.NOT_HANDLER in rule.provisos and step.by in file_handlers(ctx.history(step.stream), step.stream):
        raise StepRefused("STRUCT-ROLE", f"{step.by} 是本案承办人, 不能记录 {step.type}")


def _approver_agency(step: Step, ctx: Context, actor: Officer) -> str | None:
    """Whose heads approvals must name: the file's agency; on a complaint, the bureau of the
    supervisor recording it (a head of the bureau approves, CMP-06)."""
    if step.kind in _FILE_OPENINGS:
        return file_agency(ctx, step.stream, step)
    if step.kind == StreamKind.COMPLAINT.value:
        return actor.agency
    return None


def _check_named_roles(step: Step, ctx: Context, here: Placement, actor: Officer) -> None:
    """Approvals and similar fields must name people holding the role (e.g. heads)."""
    agency = _approver_agency(step, ctx, actor)
    for name, field in here.data.by_name.items():
        role = field.must_hold
        value = step.data.get(name)
        if role is None or value is None:
            continue
        for person in value if isinstance(value, list) else [value]:
            officer = ctx.officer(person) if isinstance(person, str) else None
            if officer is None:
                raise StepRefused("STRUCT-ROLE", f"data.{name}: {person} 未登记")
            if not officer.has_role(role):
                raise StepRefused("STRUCT-ROLE", f"data.{name}: {person} 不具有 {role} 角色")
            if agency is not None and officer.agency not in (agency, None):
                raise StepRefused("STRUCT-ROLE", f"data.{name}: {person} 不属于本案机关 {agency}")
