"""The typed accumulator the licence-file fold fills, and the deadlines it counts when done.

Why the deadlines are methods here: they need the whole stream (the acceptance day depends on a
later 补正 notice, LIC-03) and the item's published terms, and they are counted by
``domain.licence_limits`` — the one arithmetic of 行政许可法's periods (CAL-06, CAL-07) that the
gates and the warnings use too. This module only turns its ``Limit`` rows into the file's
deadline rows and adds the two the limits module leaves to the file: PUB-07's withdrawal after a
correcting decision and LIC-19's 注销 after a revocation or withdrawal.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, ClassVar

from domain.calendar import WorkingCalendar
from domain.config import Config, LicenceLimits, effective_licence_terms
from domain.licence_limits import LicenceDeadlines, cancellation_limit, licence_limits
from domain.limits import Limit, day_of, step_day
from domain.reading import mapping_of
from domain.shapes import Party
from projections.casefile.model import Deadline
from projections.casefile.steps import FileFold
from projections.licencefile.model import (
    PROGRESS,
    AgencyRegistry,
    IssuedLicence,
    LicenceDecision,
    LicencePublication,
)

__all__ = ["LicenceFold"]

_ENDINGS = ("LicenceRevoked", "LicenceWithdrawn")


@dataclass(slots=True)
class LicenceFold(FileFold[LicencePublication]):
    """What the fold has gathered so far (one stream, version order, corrections applied)."""

    stream: str
    history: Sequence[Mapping[str, Any]]
    config: Config
    calendar: WorkingCalendar
    registry: AgencyRegistry | None = None
    linked: Mapping[str, Sequence[Mapping[str, Any]]] = field(default_factory=dict)
    kind: str = "application"
    agency: str | None = None
    item: str | None = None
    applied_at: datetime | None = None
    received_at: datetime | None = None
    application: str | None = None
    action: str | None = None
    applicant: Party | None = None
    concerns: Mapping[str, Any] = field(default_factory=dict)
    PROGRESS: ClassVar[Mapping[str, int]] = PROGRESS
    status: str = field(default="applied", kw_only=True)
    decision: LicenceDecision | None = None
    issued: IssuedLicence | None = None
    corrections: list[Mapping[str, Any]] = field(default_factory=list)

    # -- deadlines -----------------------------------------------------------------------

    def terms(self) -> LicenceLimits:
        """LIC-10's periods for the item applied for: its published terms as of the application."""
        item = None
        if self.registry is not None and self.agency and self.item and self.applied_at is not None:
            state = self.registry.agency_as_of(self.agency, self.applied_at)
            item = state.item(self.item) if state is not None else None
        return effective_licence_terms(self.config, item)

    def limits(self) -> LicenceDeadlines:
        """Every limit of ``domain.licence_limits`` for this stream (LIC-03 … LIC-16)."""
        return licence_limits(self.history, self.config, self.calendar, self.terms())

    def deadlines(self, limits: LicenceDeadlines) -> tuple[Deadline, ...]:
        """The file's deadline rows: the limits', then PUB-07's and LIC-19's."""
        rows = [self._row(x) for x in limits.limits]
        rows += [self._row(x) for x in self._withdrawal_limits()]
        rows += [self._row(x) for x in self._cancellation_limits()]
        return tuple(rows)

    def _row(self, limit: Limit) -> Deadline:
        return Deadline(self.stream, limit.key, limit.rule, limit.title, limit.start, limit.due, limit.done_on,
                        self.agency, limit.holder)

    def _withdrawal_limits(self) -> list[Limit]:
        """PUB-07: a published decision corrected (changed, revoked, confirmed illegal or void) is
        withdrawn or corrected within ``publication.withdraw_wd`` WD of the correcting decision's
        receipt."""
        out = []
        published = False
        for position, entry in enumerate(self.history):
            kind = entry.get("type")
            if kind == "DecisionPublished":
                published = True
            if kind != "DecisionCorrected" or not published:
                continue
            data = mapping_of(entry.get("data"))
            start = day_of(data.get("received_at")) or day_of(data.get("effective_at")) or step_day(entry)
            done = self._first_after(position, ("PublicationWithdrawn", "PublicationCorrected"))
            due = self.calendar.add_working_days(start, self.config.publication.withdraw_wd)
            out.append(Limit(f"PUB-07@{position + 1}", "PUB-07", "撤下或更正已公开的许可决定", start, due, done))
        return out

    def _cancellation_limits(self) -> list[Limit]:
        """LIC-19: after a 撤销 or 撤回 decided on this stream, a 注销 (on this stream or a linked one
        naming the same licence) within ``licence.cancellation_wd`` WD of its effective day."""
        out = []
        for position, entry in enumerate(self.history):
            if entry.get("type") not in _ENDINGS:
                continue
            ended = day_of(mapping_of(entry.get("data")).get("effective_on")) or step_day(entry)
            done = self._first_after(position, ("LicenceCancelled",), "cancelled_on")
            for history in self.linked.values():
                for other in history:
                    if other.get("type") == "LicenceCancelled":
                        day = step_day(other, "cancelled_on")
                        done = min(done, day) if done is not None else day
            out.append(cancellation_limit(self.calendar, ended, self.config, done))
        return out

    def _first_after(self, position: int, types: tuple[str, ...], member: str | None = None) -> date | None:
        for entry in self.history[position + 1:]:
            if entry.get("type") in types:
                data = mapping_of(entry.get("data"))
                if member is None:
                    member = next((k for k in ("withdrawn_at", "corrected_at") if k in data), None)
                return step_day(entry, member)
        return None
