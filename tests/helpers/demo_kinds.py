"""Helpers for the tests of the demo's 行政许可, 投诉举报, 行政强制 and 行政检查 files: the gates each
file's steps trip live, the audit of a file exactly as ``audit.licence_engine`` /
``audit.complaint_engine`` run it (in memory, on the generated step lists), and the limits of the
强制 and 检查 files counted by ``domain``'s limit functions."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from audit.complaint_engine import evaluate_complaint
from audit.context import AuditContext, History, RegistryIndex, calendar_from
from audit.licence_engine import evaluate_licence
from audit.model import Evaluation
from demo import DemoData, DemoStream
from domain.admission import calendar_for
from domain.calendar import WorkingCalendar
from domain.coercion_limits import emergency_limits, measure_period, measure_started_at
from domain.config import Config, effective_coercion_terms
from domain.enforcement_limits import substitute_notice_in_time
from domain.gates import firing_gates, with_registry
from domain.inspection_limits import publication_limit
from domain.step import Step
from tests.helpers.audit_cases import versioned
from tests.helpers.gate_context import MemoryContext

CONFIG = Config()


def _streams(steps: Iterable[Mapping[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for step in steps:
        out.setdefault(step["stream"], []).append(dict(step))
    return {k: versioned(v) for k, v in out.items()}


def audit_context(data: DemoData, as_of: date | None = None) -> AuditContext:
    """The audit's context of a demo: its registry and calendar, on the day before ``as_of``."""
    registry = _streams(s for s in data.registry if not s["stream"].startswith("calendar/"))
    calendar = calendar_from(_streams(s for s in data.registry if s["stream"].startswith("calendar/")).values())
    return AuditContext(as_of=(as_of or data.as_of) - date.resolution, registry=RegistryIndex(registry),
                        calendar=calendar, history=History())


def linked_streams(data: DemoData, file: DemoStream) -> dict[str, list[dict[str, Any]]]:
    """The streams a licence file names (a proceeding's licence) or a complaint links (its
    supervision stream, the case complained of), as the demo generated them."""
    by_stream = {f.stream: f for f in (*data.licences, *data.complaints, *data.coercions, *data.inspections)}
    cases = {c.stream: c for c in data.cases}
    out: dict[str, list[dict[str, Any]]] = {}
    first = file.steps[0]["data"]
    named = [(first.get("licence") or {}).get("stream"), (first.get("against") or {}).get("stream"),
             (first.get("origin") or {}).get("spotcheck")]
    for stream in named:
        if stream in by_stream:
            out[stream] = versioned(by_stream[stream].steps)
        elif stream in cases:
            out[stream] = versioned(cases[stream].steps)
    out.update(_streams(file.related))
    return out


def evaluate_file(data: DemoData, file: DemoStream, ctx: AuditContext) -> Evaluation:
    linked = linked_streams(data, file)
    if file.stream.startswith("licence/"):
        return evaluate_licence(file.stream, versioned(file.steps), ctx, linked=linked)
    return evaluate_complaint(file.stream, versioned(file.steps), ctx, related=linked)


def serious(ev: Evaluation) -> set[str]:
    """The rules of the BLOCKER and MAJOR findings."""
    return {f.rule for f in ev.findings if f.severity in ("BLOCKER", "MAJOR")}


def found(ev: Evaluation) -> set[str]:
    """The rules of every finding but INFO."""
    return {f.rule for f in ev.findings if f.severity != "INFO"}


def gate_firings(data: DemoData, file: DemoStream) -> list[tuple[int, set[str]]]:
    """(step index, rules) of every step of ``file`` a live gate would refuse, with the registry and
    the streams it links recorded before it."""
    ctx = MemoryContext()
    for raw in data.registry:
        ctx.append(raw)
    for steps in linked_streams(data, file).values():
        for raw in steps:
            if raw["stream"] != file.stream and raw["at"] < file.steps[0]["at"]:
                ctx.append({k: v for k, v in raw.items() if k != "version"})
    out = []
    for index, raw in enumerate(file.steps):
        step = Step.parse(raw)
        fired = firing_gates(step, with_registry(ctx), config=CONFIG, calendar=calendar_for(ctx, step.at.year))
        if fired:
            out.append((index, {f.rule for f in fired}))
        ctx.append(raw)
    return out


def replay_live(data: DemoData) -> list[tuple[str, str, str]]:
    """Every refusal when recording the demo as ``run_demo`` does: lawful streams live through
    every gate, defective files as backfill (structure only)."""
    from domain.admission import validate
    from domain.errors import StepRefused

    ctx = MemoryContext()
    refused = []
    for segment in data.segments():
        for raw in segment.steps:
            try:
                validate(Step.parse(raw), ctx, backfill=segment.backfill, config=CONFIG)
            except StepRefused as exc:
                refused.append((raw["stream"], raw["type"], exc.rule))
            ctx.append(raw)
    return refused


# --------------------------------------------------------------------------- limits of the 强制 and 检查 files

LIMIT_AS_OF = date(2026, 11, 25)


def calendar_of(data: DemoData) -> WorkingCalendar:
    """The working calendar of the demo's notices (of ``LIMIT_AS_OF``'s year and the year before)."""
    ctx = MemoryContext()
    for raw in data.registry:
        if raw["stream"].startswith("calendar/"):
            ctx.append(raw)
    return calendar_for(ctx, LIMIT_AS_OF.year)


def _day(step: Mapping[str, Any], key: str = "at") -> date:
    return date.fromisoformat(step["data"][key][:10] if key != "at" else step["at"][:10])


def _measure_ended(steps: Sequence[Mapping[str, Any]]) -> date | None:
    """The day measure M1 was released or disposed of (``SeizureDisposed``, ``DecisionMade.disposes``)."""
    for s in steps:
        if s["type"] in ("CoercionReleased", "SeizureDisposed") or (
                s["type"] == "DecisionMade" and s["data"].get("disposes")):
            return _day(s)
    return None


def limit_breaches(file: DemoStream, calendar: WorkingCalendar) -> set[str]:
    """The rules among COE-04, COE-08, ENF-06 (the day), ENF-08, TS-03 and INS-05 whose limit or
    element the file breaks, counted by the domain's limit functions."""
    steps = file.steps
    out: set[str] = set()
    types = [s["type"] for s in steps]
    measure = next((s for s in steps if s["type"] == "SeizureImposed"), None)
    if measure is not None:
        if measure["data"]["emergency"]:
            approval = next(s for s in steps if s["type"] == "CoercionApprovalDecided")
            limits = emergency_limits(measure_started_at(measure), approval, CONFIG)
            if not all(limit.in_time for limit in limits):
                out.add("COE-04")
        period = measure_period(versioned(list(steps)), "M1", CONFIG, calendar,
                                effective_coercion_terms(CONFIG, None))
        assert period is not None
        ended = _measure_ended(steps)
        if ended is not None and ended > period.due.due:
            out.add("COE-08")
    if "EnforcementCarriedOut" in types:
        carried = next(s for s in steps if s["type"] == "EnforcementCarriedOut")
        prior = next(s for s in steps
                     if s["type"] == "PerformanceDemanded" and s["data"]["purpose"] == "substitute_prior")
        if substitute_notice_in_time(calendar, _day(prior), _day(carried), CONFIG.enforcement) is False:
            out.add("ENF-08")
        if calendar.is_working_day(_day(carried)) is False:
            out.add("ENF-06")
    if file.stream.startswith("inspection/"):
        limit = publication_limit(versioned(list(steps)), CONFIG, calendar)
        if limit is not None and limit.done_on is not None and limit.done_on > limit.due.due:
            out.add("TS-03")
        if any(s["type"] == "SiteInspectionRecorded" and "check_code" not in s["data"] for s in steps):
            out.add("INS-05")
    return out
