"""Closing and archiving a file (``CaseClosed``, ``CaseArchived``), the same for every kind of file
(steps.md: they close and archive a penalty, licence or complaint file alike): one pair of handlers."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Protocol

from domain.reading import text_of

__all__ = ["Closable", "Stated", "archived", "closed"]


class Stated(Protocol):
    """What the handlers read of a step (each fold's own ``Step`` tuple has at least this)."""

    @property
    def at(self) -> datetime: ...

    @property
    def data(self) -> Mapping[str, Any]: ...


class Closable(Protocol):
    """What a file's accumulator keeps of its closing and archiving."""

    closed_at: datetime | None
    archived_at: datetime | None
    archive_no: str | None
    retention: str | None

    def advance(self, new: str) -> None: ...


def closed(fold: Closable, step: Stated) -> None:
    """结案: the first closing counts."""
    if fold.closed_at is None:
        fold.closed_at = step.at
    fold.advance("closed")


def archived(fold: Closable, step: Stated) -> None:
    """归档: the first archiving's date, the latest archive number and retention."""
    if fold.archived_at is None:
        fold.archived_at = step.at
    fold.archive_no = text_of(step.data.get("archive_no"))
    fold.retention = text_of(step.data.get("retention"))
    fold.advance("archived")
