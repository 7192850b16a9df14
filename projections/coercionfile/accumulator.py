"""The typed accumulator the 强制-file fold fills, and the deadlines it counts when done.

Why the deadlines come from :mod:`projections.measures`: a measure's 30th day, the 冻结决定书's 3 WD,
the return after a release, a 催告's period and the 20-WD publication are the same on a ``case/`` and a
``coercion/`` stream; this module only turns their ``Limit`` rows into the file's deadline rows and
adds PUB-07's withdrawal after a correcting decision.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from domain.calendar import WorkingCalendar
from domain.config import Config
from domain.limits import Limit, day_of, step_day
from domain.reading import mapping_of
from domain.shapes import Party
from projections.casefile.model import Deadline
from projections.casefile.steps import FileFold
from projections.coercionfile.model import PROGRESS
from projections.licencefile.model import LicencePublication
from projections.measures import CoercionRecords, ItemLookup, fold_records

__all__ = ["CoercionFold"]


@dataclass(slots=True)
class CoercionFold(FileFold[LicencePublication]):
    """What the fold has gathered so far (one stream, version order, corrections applied)."""

    stream: str
    history: Sequence[Mapping[str, Any]]
    config: Config
    calendar: WorkingCalendar
    agency_as_of: ItemLookup | None = None
    elsewhere: Sequence[Mapping[str, Any]] = ()
    """Other streams' ``DecisionMade`` steps disposing of this file's measures (``fold_records``)."""
    agency: str | None = None
    purpose: str | None = None
    item: str | None = None
    party: Party | None = None
    summary: str | None = None
    origin: str | None = None
    enforced: Mapping[str, Any] = field(default_factory=dict)
    handlers: tuple[str, ...] = ()
    PROGRESS: ClassVar[Mapping[str, int]] = PROGRESS
    status: str = field(default="opened", kw_only=True)
    corrections: list[Mapping[str, Any]] = field(default_factory=list)
    people: list[str] = field(default_factory=list)

    def records(self) -> CoercionRecords:
        """The measures and the enforcement of the stream (``projections.measures``)."""
        return fold_records(self.stream, self.history, config=self.config, calendar=self.calendar,
                            agency=self.agency, agency_as_of=self.agency_as_of, item=self.item,
                            elsewhere=self.elsewhere)

    def deadlines(self, records: CoercionRecords) -> tuple[Deadline, ...]:
        """The file's deadline rows: the records', then PUB-07's."""
        return tuple(self._row(x) for x in (*records.limits, *self._withdrawal_limits()))

    def _row(self, limit: Limit) -> Deadline:
        return Deadline(self.stream, limit.key, limit.rule, limit.title, limit.start, limit.due, limit.done_on,
                        self.agency, limit.holder)

    def _withdrawal_limits(self) -> list[Limit]:
        """PUB-07: a published coercion or enforcement decision later corrected is withdrawn or corrected
        within ``publication.withdraw_wd`` WD of the correcting decision's receipt."""
        out = []
        published = False
        for position, entry in enumerate(self.history):
            kind = entry.get("type")
            published = published or kind == "DecisionPublished"
            if kind != "DecisionCorrected" or not published:
                continue
            data = mapping_of(entry.get("data"))
            start = day_of(data.get("received_at")) or day_of(data.get("effective_at")) or step_day(entry)
            done = next((step_day(e) for e in self.history[position + 1:]
                         if e.get("type") in ("PublicationWithdrawn", "PublicationCorrected")), None)
            due = self.calendar.add_working_days(start, self.config.publication.withdraw_wd)
            out.append(Limit(f"PUB-07@{position + 1}", "PUB-07", "撤下或更正已公开的强制决定信息", start, due, done))
        return out

    def ended(self, records: CoercionRecords) -> bool:
        """Every measure disposed of or released, and any enforcement carried out or ended."""
        if not records.measures and not records.enforcement.exists:
            return False
        return all(not m.open for m in records.measures) and (
            not records.enforcement.exists or records.enforcement.done)


