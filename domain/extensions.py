"""Extensions of a legal period, granted in time or not at all: one rule for every period.

Why: where a period may be extended at all (a sector rule under 行政处罚法 第六十条's
"另有规定" for PEN-23; 行政复议法 第六十二条 for RC-05; later LIC-10, COE-07, CMP-06),
the extension is for a matter that "不能在规定期限内作出" — it is granted while the
period runs. A breach that has happened is not cured by a later approval. So an
extension counts only when its approval falls within the period it extends, counted
by the period's own arithmetic (``count``: n units from the period's start, exactly as
the period itself is counted); a late one adds nothing, and the reader reports it.

Chains are judged in the order of approval: a second extension must fall within the
period as already extended by the lawful ones before it. A period whose end lies in a
year the calendar does not know (CAL-03) cannot show an approval late: it counts, and
``timely`` is None.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from domain.calendar import Deadline

__all__ = ["ExtendedPeriod", "Extension", "JudgedExtension", "approval_day", "extend_period"]


@dataclass(frozen=True, slots=True)
class Extension:
    """An extension as recorded: its event, the day it was approved, the days it asks for."""

    version: int
    approved_on: date
    days: int
    approved_by: str | None = None


@dataclass(frozen=True, slots=True)
class JudgedExtension:
    """An extension judged against the period it extends.

    ``due_before`` is the period's last day as it stood when the extension was approved
    (the base period and the lawful extensions approved before it); ``counted`` the days it
    adds (0 when late; less than asked when a cap is reached).
    """

    extension: Extension
    due_before: Deadline
    counted: int
    timely: bool | None

    @property
    def late(self) -> bool:
        return self.timely is False

    @property
    def version(self) -> int:
        return self.extension.version


@dataclass(frozen=True, slots=True)
class ExtendedPeriod:
    """A period with its extensions judged: the days that count and the resulting due date."""

    base: int
    days: int
    due: Deadline
    extensions: tuple[JudgedExtension, ...]

    @property
    def late(self) -> tuple[JudgedExtension, ...]:
        return tuple(e for e in self.extensions if e.late)


def approval_day(*days: date | None) -> date | None:
    """The day an extension was approved: the latest of the step's date and any recorded
    approval time (both must fall within the period)."""
    known = [d for d in days if d is not None]
    return max(known) if known else None


def _within(due: Deadline, day: date) -> bool | None:
    """True if ``day`` is within the period, False if after it, None if unknowable (CAL-03)."""
    if not due.provisional:
        return day <= due.due
    if due.known_until is not None and day <= due.known_until:
        return True
    return None


def extend_period(count: Callable[[int], Deadline], base: int, extensions: Iterable[Extension], *,
                  max_days: int | None = None) -> ExtendedPeriod:
    """The period of ``base`` units (``count(n)``: its due date after ``n`` units) extended by the
    ``extensions`` approved within it, in approval order; ``max_days`` caps what they add in all."""
    days = base
    due = count(base)
    judged: list[JudgedExtension] = []
    for ext in sorted(extensions, key=lambda e: (e.approved_on, e.version)):
        timely = _within(due, ext.approved_on)
        asked = max(ext.days, 0)
        room = asked if max_days is None else max(0, min(asked, max_days - (days - base)))
        counted = room if timely is not False else 0
        judged.append(JudgedExtension(ext, due, counted, timely))
        if counted:
            days += counted
            due = count(days)
    return ExtendedPeriod(base, days, due, tuple(judged))
