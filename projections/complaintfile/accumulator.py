"""The accumulator of the complaint-file fold: what the steps gathered so far, and the deadlines.

:mod:`projections.complaintfile.fold` fills a :class:`ComplaintFold` step by step (its
``HANDLERS``); once every step is read, :meth:`ComplaintFold.deadlines` turns the limits of
``domain.complaint_limits`` (CMP-02, CMP-06 — the one implementation of their arithmetic) and the
stated report dates of the assignments (CMP-08) into the file's deadline rows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from domain.calendar import SHANGHAI, WorkingCalendar
from domain.calendar import Deadline as DueDate
from domain.complaint_limits import ComplaintDeadlines, complaint_limits
from domain.config import Config
from domain.shapes import Party
from projections.casefile.model import Deadline, Document, TimelineEntry
from projections.complaintfile.model import PROGRESS, Against, Assignment, Conclusion

__all__ = ["ComplaintFold"]


@dataclass
class ComplaintFold:
    """What the fold has gathered from the complaint's steps so far."""

    stream: str
    config: Config
    calendar: WorkingCalendar
    history: Sequence[Mapping[str, Any]]
    """The stream's steps (clerical corrections applied), for ``domain.complaint_limits``."""
    bureau: str | None = None
    status: str = "received"
    channel: str | None = None
    nature: str | None = None
    anonymous: bool = False
    owed_answer: bool = True
    against: Against = field(default_factory=lambda: Against(None, (), None, None))
    complainant: Party | None = None
    contact: str | None = None
    summary: str | None = None
    requests: tuple[str, ...] = ()
    received_at: datetime | None = None
    decided_at: datetime | None = None
    accepted_at: datetime | None = None
    not_accepted_at: datetime | None = None
    not_accepted_reason: str | None = None
    handlers: tuple[str, ...] = ()
    investigators: list[str] = field(default_factory=list)
    streams_examined: list[str] = field(default_factory=list)
    assignments: list[Assignment] = field(default_factory=list)
    conclusion: Conclusion | None = None
    answered_at: datetime | None = None
    closed_at: datetime | None = None
    archived_at: datetime | None = None
    archive_no: str | None = None
    retention: str | None = None
    documents: list[Document] = field(default_factory=list)
    timeline: list[TimelineEntry] = field(default_factory=list)
    _limits: ComplaintDeadlines | None = None

    def advance(self, status: str) -> None:
        """Move the status forward (never back: a late step does not reopen the file)."""
        if PROGRESS[status] >= PROGRESS.get(self.status, 0):
            self.status = status

    def decided(self, at: datetime) -> None:
        """The acceptance decision (受理, 不予受理, 转送/交办): the first one counts for CMP-02."""
        if self.decided_at is None:
            self.decided_at = at

    def reported(self, on: date) -> None:
        """A 办结报告: it answers the earliest assignment still without one."""
        for i, a in enumerate(self.assignments):
            if a.kind == "assign" and a.reported_on is None and a.transferred_at.astimezone(SHANGHAI).date() <= on:
                self.assignments[i] = Assignment(a.version, a.kind, a.to, a.transferred_at, a.due, a.identity_shared,
                                                 a.complainant_told_at, on)
                return

    # -- deadlines ---------------------------------------------------------------------------

    @property
    def limits(self) -> ComplaintDeadlines:
        """CMP-02 and CMP-06 as ``domain.complaint_limits`` counts them (computed once)."""
        if self._limits is None:
            self._limits = complaint_limits(self.history, self.config, self.calendar)
        return self._limits

    def deadlines(self) -> tuple[Deadline, ...]:
        """Every deadline of the file, in a fixed order: CMP-02, CMP-06 (with the 信访 bounds), CMP-08."""
        out = [Deadline(self.stream, x.key, x.rule, x.title, x.start, x.due, x.done_on, self.bureau, x.holder)
               for x in self.limits.limits]
        for a in self.assignments:
            if a.kind == "assign" and a.due is not None:
                out.append(Deadline(self.stream, f"CMP-08@{a.version}", "CMP-08", "被投诉机关报送办结报告",
                                    a.transferred_at.astimezone(SHANGHAI).date(), DueDate(a.due), a.reported_on,
                                    a.to))
        return tuple(out)
