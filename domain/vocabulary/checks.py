"""Lookups in the step vocabulary and its structural checks (data against the step's spec on
its stream kind, overrides). Structural checks never consult state: gates and stream order
live in ``domain.validation`` and ``domain.gates``."""

from __future__ import annotations

from collections.abc import Collection, Mapping

from domain.errors import StepRefused
from domain.fields import MalformedStream, Obj, Problem, StreamKind, join, parse_stream
from domain.shapes import OVERRIDE
from domain.vocabulary.records import RecordRule
from domain.vocabulary.spec import Placement, StepSpec
from domain.vocabulary.table import STEPS


class UnknownStepType(StepRefused, LookupError):
    """A ``type`` that steps.md does not define."""

    def __init__(self, step_type: object) -> None:
        super().__init__("STRUCT-TYPE", f"未知的步骤类型: {step_type!r}")


def spec(step_type: str) -> StepSpec:
    """The spec of a step type; raises ``UnknownStepType``."""
    found = STEPS.get(step_type) if isinstance(step_type, str) else None
    if found is None:
        raise UnknownStepType(step_type)
    return found


def step_types() -> frozenset[str]:
    """The names of every step type."""
    return frozenset(STEPS)


def stream_kinds_of(step_type: str) -> frozenset[StreamKind]:
    """Every kind of stream a step type may be recorded on."""
    return spec(step_type).streams


def placement(step_type: str, kind: StreamKind | None = None) -> Placement:
    """The step as recorded on ``kind`` (its home kind when None); raises ``UnknownStepType``,
    or ``KeyError`` when the step may not be recorded on ``kind``."""
    found = spec(step_type)
    return found.placements[found.home if kind is None else kind]


def may_open_stream(step_type: str) -> bool:
    """Whether the step may be a stream's first (opening steps of steps.md)."""
    return spec(step_type).opens


def record_rule(step_type: str, kind: StreamKind | None = None) -> RecordRule:
    """Who may record the step on ``kind`` (home when None): roles, the agency they must
    hold them in, and provisos."""
    return placement(step_type, kind).record


def roles_may_record(step_type: str, kind: StreamKind | None = None) -> frozenset[str]:
    """The roles of which ``by`` must hold one (see ``record_rule`` for the provisos)."""
    return frozenset(placement(step_type, kind).record.roles)


# --------------------------------------------------------------------------- checks


def check_step_data(
    step_type: str, data: Mapping[str, object], *, backfill: bool = False,
    stream: str | None = None,
) -> list[Problem]:
    """Every structural problem of a step's data; empty when it may be recorded.

    ``backfill`` lets legal facts (seals, approvals, signatures, credentials shown,
    legal bases, documents) be null: imported history keeps what the paper shows
    and the audit judges it. ``stream``, when given, is checked against the type
    and lifts stream-specific requirements (``officer/admin`` has no agency).
    """
    step = STEPS.get(step_type) if isinstance(step_type, str) else None
    if step is None:
        return [Problem("type", f"未知的步骤类型: {step_type!r}")]
    out: list[Problem] = []
    data_spec = step.data
    if stream is not None:
        data_spec = _check_stream(step, stream, data, out)
    data_spec.check_members(data, "data", out, backfill, stream)
    return out


def _kinds_text(step: StepSpec) -> str:
    return "、".join(f"{kind.value}/<编号>" for kind in step.placements)


def _check_stream(step: StepSpec, stream: str, data: Mapping[str, object],
                  out: list[Problem]) -> Obj:
    """Problems of the stream for this step; the data spec of the step on that kind."""
    try:
        kind, ident = parse_stream(stream)
    except MalformedStream as error:
        out.append(Problem("stream", error.message))
        return step.data
    found = step.on(kind)
    if found is None:
        out.append(Problem("stream", f"{step.name} 应记录在 {_kinds_text(step)} 流上, "
                                     f"不能记录在 {kind.value}/ 流上"))
        return step.data
    if kind is StreamKind.CALENDAR and isinstance(data, Mapping):
        year = data.get("year")
        if isinstance(year, int) and not isinstance(year, bool) and str(year) != ident:
            out.append(Problem("data.year", f"应与 stream 的年份 {ident} 一致"))
        notice_year = str(year) if isinstance(year, int) and not isinstance(year, bool) else ident
        _check_notice_days(notice_year, data, out)
    return found.data


def _check_notice_days(year: str, data: Mapping[str, object], out: list[Problem]) -> None:
    """A holiday notice's days lie in its year, each a holiday or a make-up workday, not both.

    ``domain.calendar.HolidayNotice`` cannot hold any other notice, and the live gates build
    their calendar from the notices recorded: one such notice must never be recorded.
    """
    given: dict[str, set[str]] = {}
    for name in ("holidays", "workdays"):
        days = data.get(name)
        if not isinstance(days, list):
            continue
        given[name] = {d for d in days if isinstance(d, str)}
        for i, day in enumerate(days):
            if isinstance(day, str) and day[:4] != year:
                out.append(Problem(f"data.{name}[{i}]", f"应为 {year} 年的日期"))
    both = given.get("holidays", set()) & given.get("workdays", set())
    if both:
        out.append(Problem("data.workdays", f"同一日期既是假日又是调休工作日: {'、'.join(sorted(both))}"))


def check_override(
    override: object, *, gate_rules: Collection[str] | None = None
) -> list[Problem]:
    """Problems of a step's ``override``: one ``{rule, justification, authorized_by}`` or a
    list with one per gate rule. ``None`` means no override. ``gate_rules``, when given,
    are the rule ids that may be overridden at all."""
    if override is None:
        return []
    out: list[Problem] = []
    if isinstance(override, Mapping):
        items: list[tuple[str, object]] = [("override", override)]
    elif isinstance(override, list | tuple):
        if not override:
            out.append(Problem("override", "越权列表不能为空"))
        items = [(join("override", index), item) for index, item in enumerate(override)]
    else:
        return [Problem("override", "应为对象 {rule, justification, authorized_by} 或其列表")]
    seen: set[str] = set()
    for path, item in items:
        if item is None:
            out.append(Problem(path, "不能为 null, 应为越权记录对象"))
            continue
        OVERRIDE.check(item, path, out, False)
        rule = item.get("rule") if isinstance(item, Mapping) else None
        if not isinstance(rule, str):
            continue
        if rule in seen:
            out.append(Problem(join(path, "rule"), f"同一门禁规则 {rule} 只能越权一次"))
        seen.add(rule)
        if gate_rules is not None and rule not in gate_rules:
            out.append(Problem(join(path, "rule"), f"{rule} 不是可越权的门禁规则"))
    return out
