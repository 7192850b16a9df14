"""What a step must pass to be recorded: structure always, the legal gates when live.

Kept apart from ``validation`` (structure) and ``gates`` (the rules), which the registry
and the gates themselves build on.
"""

from __future__ import annotations

from domain.calendar import HolidayNotice, WorkingCalendar
from domain.config import Config
from domain.gates import GateContext, check_gates, with_registry
from domain.step import Step
from domain.validation import Context, check_structure

CALENDAR_SPAN = (-6, 2)


def calendar_for(ctx: Context, around: int, *, span: tuple[int, int] = CALENDAR_SPAN) -> WorkingCalendar:
    """The working-day calendar with the holiday notices recorded for the years near ``around``.

    Notices live on ``calendar/<year>`` streams; the span covers the longest period a
    gate counts back (PEN-01's five years) and the deadlines it counts forward.
    """
    notices = [
        HolidayNotice.from_step_data(entry["data"])
        for year in range(around + span[0], around + span[1] + 1)
        for entry in ctx.history(f"calendar/{year}")
        if entry["type"] == "HolidayNoticePublished"
    ]
    return WorkingCalendar.from_notices(notices)


def validate(
    step: Step, ctx: Context, *, backfill: bool, config: Config, calendar: WorkingCalendar | None = None,
    registry: GateContext | None = None,
) -> None:
    """Everything a step must pass: structure always; the legal gates only when live.

    ``calendar`` and ``registry`` let a caller that keeps them across a batch pass them;
    else they are built from ``ctx``.
    """
    check_structure(step, ctx, backfill=backfill)
    if not backfill:
        calendar = calendar or calendar_for(ctx, step.at.year)
        check_gates(step, registry or with_registry(ctx), config=config, calendar=calendar)
