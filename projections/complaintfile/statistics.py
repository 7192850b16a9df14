"""CMP-09: complaint statistics per agency complained of and year (monitoring, no personal data).

Why over public views only: the statistics feed TS-04 and the supervision dashboard, public
surfaces, so they are computed from :class:`PublicComplaintFile` — the complainant is not there.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from statistics import median

from domain.calendar import SHANGHAI
from projections.complaintfile.model import PublicComplaintFile

__all__ = ["ComplaintStatistics", "complaint_statistics"]

SUBSTANTIATED = frozenset({"substantiated", "partly_substantiated"})


@dataclass(frozen=True, slots=True)
class ComplaintStatistics:
    """One agency's complaints of one year (the year of receipt)."""

    agency: str
    year: int
    received: int
    accepted: int
    substantiated: int
    corrected: int
    """Substantiated with a rectification ordered (a linked supervision stream)."""
    median_days_to_answer: float | None
    """Natural days from receipt to the written answer, over the answered complaints."""


def complaint_statistics(files: Iterable[PublicComplaintFile]) -> tuple[ComplaintStatistics, ...]:
    """CMP-09's counts, by agency complained of and year, in that order."""
    groups: dict[tuple[str, int], list[PublicComplaintFile]] = {}
    for f in files:
        if f.against.agency is None or f.received_at is None:
            continue
        groups.setdefault((f.against.agency, f.received_at.astimezone(SHANGHAI).year), []).append(f)
    out = []
    for (agency, year), found in sorted(groups.items()):
        proven = [f for f in found if f.conclusion is not None and f.conclusion.outcome in SUBSTANTIATED]
        days = [(f.answered_at.astimezone(SHANGHAI).date() - f.received_at.astimezone(SHANGHAI).date()).days
                for f in found if f.answered_at is not None and f.received_at is not None]
        out.append(ComplaintStatistics(
            agency, year, len(found), sum(f.accepted_at is not None for f in found), len(proven),
            sum(1 for f in proven if f.conclusion is not None and f.conclusion.supervision),
            float(median(days)) if days else None))
    return tuple(out)
