"""The steps of a file as every kind's fold reads them, and the loop the kinds share.

Why one place (here, beside the timeline and the papers every kind reuses): each kind of file
(``casefile``, ``licencefile``, ``complaintfile``, ``coercionfile``, ``inspectionfile``) reads its
stream the same way — corrections applied, a version for every step, the
timeline showing each step as recorded (before any 补正), the papers and officers it names — and then
hands the step to its own handler table. Only the handlers, the papers and who counts as named differ.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any, ClassVar, Generic, NamedTuple, Protocol, TypeVar

from domain.reading import mapping_of
from projections.casefile.model import Document, TimelineEntry
from projections.casefile.reading import day_at, timeline_entry

__all__ = ["FileFold", "Gathering", "Step", "file_steps", "fold_steps"]

History = Sequence[Mapping[str, Any]]


class Step(NamedTuple):
    """A step as its handler reads it: type, place in the stream, version, JSON data, time and day."""

    kind: str
    position: int
    version: int
    data: Mapping[str, Any]
    at: datetime
    day: date | None


def file_steps(stream: str, history: History, corrected: History) -> Iterator[tuple[Step, TimelineEntry]]:
    """Each step of ``corrected`` (``history`` with its 补正 applied) with its timeline line, which
    shows the step as recorded in ``history``."""
    for position, entry in enumerate(corrected):
        version = entry.get("version")
        if type(version) is not int:
            version = position + 1
        line = timeline_entry(stream, history[position] if position < len(history) else entry, version)
        yield Step(str(entry.get("type")), position, version, mapping_of(entry.get("data")), line.at,
                   day_at(line.at_text)), line


class Gathering(Protocol):
    """What every file's accumulator gathers beside what its handlers keep."""

    timeline: list[TimelineEntry]
    backfilled: int
    documents: list[Document]
    officers: list[str]


P = TypeVar("P")


@dataclass(slots=True, kw_only=True)
class FileFold(Generic[P]):
    """The part of a file's accumulator every kind shares (licence, 强制, inspection): its status moving
    only forward through the kind's ``PROGRESS``, its publications (``P``) and suppressions, closing and
    archive, and what :func:`fold_steps` gathers."""

    PROGRESS: ClassVar[Mapping[str, int]] = {}
    status: str = ""
    publications: list[P] = field(default_factory=list)
    suppressions: list[str] = field(default_factory=list)
    closed_at: datetime | None = None
    archived_at: datetime | None = None
    archive_no: str | None = None
    retention: str | None = None
    documents: list[Document] = field(default_factory=list)
    timeline: list[TimelineEntry] = field(default_factory=list)
    officers: list[str] = field(default_factory=list)
    backfilled: int = 0

    def advance(self, new: str) -> None:
        """Move the status forward (never back: a late 补正 does not reopen a concluded file)."""
        if self.PROGRESS.get(new, 0) >= self.PROGRESS.get(self.status, 0):
            self.status = new

    def mark_publication(self, **changes: Any) -> None:
        """Mark the latest publication not yet withdrawn (corrected, withdrawn)."""
        for i in range(len(self.publications) - 1, -1, -1):
            if getattr(self.publications[i], "withdrawn_version", None) is None:
                self.publications[i] = replace(self.publications[i], **changes)  # type: ignore[type-var]
                return


G = TypeVar("G", bound=Gathering)
Papers = Callable[[str, int, str, Mapping[str, Any], datetime, tuple[str, ...]], Sequence[Document]]
"""``(stream, version, step type, data, time, officers named) → the papers the step files``."""
Named = Callable[[str, Mapping[str, Any], str], tuple[str, ...]]
"""``(step type, data, by) → the officers the step names``."""


def fold_steps(fold: G, stream: str, history: History, corrected: History,
               handlers: Mapping[str, Callable[[G, Step], None]], papers: Papers, named: Named) -> G:
    """Fold ``corrected`` into ``fold``: the timeline, 补录 count, papers and officers of every step,
    then the step's handler, if its type has one."""
    for step, line in file_steps(stream, history, corrected):
        fold.timeline.append(line)
        fold.backfilled += line.backfilled
        officers = named(step.kind, step.data, line.by)
        fold.documents += papers(stream, step.version, step.kind, step.data, line.at, officers)
        fold.officers += officers
        handler = handlers.get(step.kind)
        if handler is not None:
            handler(fold, step)
    return fold
