"""The typed accumulator the inspection-file fold fills, and the deadline it counts when done.

Why the deadline is a method here: INS-10's publication limit needs the whole stream (the origin
decides whether a result must be published at all) and is counted by ``domain.inspection_limits``
— the one arithmetic the warnings and the audit use too.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar

from domain.calendar import WorkingCalendar
from domain.config import Config
from domain.inspection_limits import publication_limit
from domain.shapes import Party
from projections.casefile.model import Deadline
from projections.casefile.steps import FileFold
from projections.inspectionfile.model import (
    PROGRESS,
    InspectionResult,
    Origin,
    Publication,
    Referral,
    SiteRecord,
    Verification,
)

__all__ = ["InspectionFold"]


@dataclass(slots=True)
class InspectionFold(FileFold[Publication]):
    """What the fold has gathered so far (one stream, version order, corrections applied)."""

    stream: str
    history: Sequence[Mapping[str, Any]]
    config: Config
    calendar: WorkingCalendar
    agency: str | None = None
    item: str | None = None
    party: Party | None = None
    object_key: str | None = None
    origin: Origin = field(default_factory=lambda: Origin(None))
    remote: bool = False
    officers_opened: tuple[str, ...] = ()
    approved_by: str | None = None
    approved_at: datetime | None = None
    urgent: bool = False
    check_code: str | None = None
    opened_at: datetime | None = None
    PROGRESS: ClassVar[Mapping[str, int]] = PROGRESS
    status: str = field(default="opened", kw_only=True)
    site: list[SiteRecord] = field(default_factory=list)
    result: InspectionResult | None = None
    verifications: list[Verification] = field(default_factory=list)
    referrals: list[Referral] = field(default_factory=list)


    def deadlines(self) -> tuple[Deadline, ...]:
        """INS-10 (TS-03 extended): the result published within 20 WD of the conclusion, when it must be."""
        limit = publication_limit(self.history, self.config, self.calendar)
        if limit is None:
            return ()
        return (Deadline(self.stream, limit.key, limit.rule, limit.title, limit.start, limit.due, limit.done_on,
                         self.agency, limit.holder),)
