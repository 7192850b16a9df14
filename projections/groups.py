"""What a runner folds: one *group* per file, by stream kind, and the registry streams its fold reads.

Why a module of its own: every kind of file is folded by its own pure function
(``projections.casefile``, ``projections.licencefile``, ``projections.complaintfile``) and the
runner must not care which. A case group is a case stream with the 复议 and lawsuits that target
it; a supervision, licence, complaint or ``coercion/`` stream is a group of its own (a 强制 file,
``projections.coercionfile``). An ``inspection/`` stream is an inspection file and a ``spotcheck/``
stream a task (``projections.inspectionfile``), each a group of its own. A measure or an enforcement
on a ``case/`` stream is folded with its case (``CaseFile.measures``, ``projections.measures``).

The folds read the registry as of a time: a lawsuit the officers named in court, a case at 案源登记
who recorded its source, a licence its agency (the item's published periods, LIC-10), a complaint
the officer who registered it (the bureau, CMP), a 强制 file its agency (the coercion item's published
periods, COE-07). :func:`registry_streams` names them, so the runner loads them with the group.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

from domain.calendar import WorkingCalendar
from domain.config import Config
from domain.registry import HistoryRegistry
from projections import casefile, coercionfile, complaintfile, inspectionfile, licencefile
from projections.casefile import (
    CaseFile,
    LawsuitFile,
    ReviewFile,
    SupervisionFile,
    fold_casefile,
    fold_lawsuit,
    fold_review,
    fold_supervision,
    named_in_court,
    registered_agency,
    registry_of,
    source_officer,
)
from projections.coercionfile import CoercionFile, fold_coercionfile
from projections.complaintfile import ComplaintFile, fold_complaintfile
from projections.inspectionfile import InspectionFile, SpotCheckTask, fold_inspectionfile, fold_spotchecktask
from projections.licencefile import LicenceFile, fold_licencefile
from projections.measures import COERCION_TYPES

__all__ = ["CONCLUDED", "GROUP_STREAMS", "OWN", "Folded", "fold_group", "registry_streams"]

History = Sequence[Mapping[str, Any]]
Folded = CaseFile | SupervisionFile | LicenceFile | ComplaintFile | CoercionFile | InspectionFile | SpotCheckTask

OWN: Final = ("case/", "supervision/", "licence/", "complaint/", "coercion/", "inspection/", "spotcheck/")
"""The streams that are groups of their own (a 复议 or a lawsuit belongs to its case's group)."""
GROUP_STREAMS: Final = ("case/", "review/", "litigation/", "supervision/", "licence/", "complaint/", "coercion/",
                         "inspection/", "spotcheck/")
"""Every stream folded into a group (a parallel rebuild decodes them where it folds them)."""
CONCLUDED: Final[Mapping[str, frozenset[str]]] = {
    "case/": casefile.CONCLUDED, "licence/": licencefile.CONCLUDED, "complaint/": complaintfile.CONCLUDED,
    "coercion/": coercionfile.CONCLUDED, "inspection/": inspectionfile.CONCLUDED,
    "spotcheck/": inspectionfile.TASK_CONCLUDED,
}
"""By the kind of file (its stream's prefix): the statuses of a file with its concluding step, which the
audit grades (earlier it is 办理中)."""


def fold_group(key: str, streams: Sequence[str], data: Mapping[str, History], *, config: Config,
               calendar: WorkingCalendar, registry: HistoryRegistry | None = None) -> Folded:
    """The file of one group from ``data``, the envelopes of its streams (and of the registry
    streams :func:`registry_streams` names, through ``registry``)."""
    found = registry or registry_of({})
    if key.startswith("supervision/"):
        return fold_supervision(key, data.get(key, ()), calendar=calendar)
    if key.startswith("licence/"):
        return fold_licencefile(key, data.get(key, ()), config=config, calendar=calendar, registry=found)
    if key.startswith("complaint/"):
        return fold_complaintfile(key, data.get(key, ()), config=config, calendar=calendar, registry=found)
    if key.startswith("coercion/"):
        return fold_coercionfile(key, data.get(key, ()), config=config, calendar=calendar,
                                 agency_as_of=found.agency_as_of)
    if key.startswith("inspection/"):
        return fold_inspectionfile(key, data.get(key, ()), config=config, calendar=calendar)
    if key.startswith("spotcheck/"):
        return fold_spotchecktask(key, data.get(key, ()))
    case_history = data.get(key, ()) if key.startswith("case/") else ()
    agency = registered_agency(case_history)
    reviews: list[ReviewFile] = []
    lawsuits: list[LawsuitFile] = []
    for stream in streams:
        if stream.startswith("review/"):
            reviews.append(fold_review(stream, data.get(stream, ()), config=config, calendar=calendar, agency=agency))
        elif stream.startswith("litigation/"):
            lawsuits.append(fold_lawsuit(stream, data.get(stream, ()), registry=found, agency=agency))
    return fold_casefile(key, case_history, reviews=reviews, lawsuits=lawsuits, config=config, calendar=calendar,
                         registry=found)


def _first_data(history: History, *types: str) -> tuple[Mapping[str, Any], Mapping[str, Any]] | None:
    for entry in history:
        if entry.get("type") in types:
            data = entry.get("data")
            return entry, data if isinstance(data, Mapping) else {}
    return None


def registry_streams(members: Mapping[str, Sequence[str]], data: Mapping[str, History]) -> list[str]:
    """The registry streams the folds of ``members`` read (officers and agencies), sorted."""
    named: set[str] = set()
    for key, streams in members.items():
        for stream in streams:
            if stream.startswith("litigation/"):
                named |= named_in_court(data.get(stream, ()))
        history = data.get(key, ())
        if key.startswith("case/"):
            source = source_officer(history)
            if source is not None:
                named.add(source[0])
            if any(entry.get("type") in COERCION_TYPES for entry in history):
                # a measure's period is its agency's published item's as of the measure (COE-07/08): the
                # case's agency is read whatever other groups share the fold
                registered = _first_data(history, "CaseRegistered")
                agency = registered[1].get("agency") if registered is not None else None
                if isinstance(agency, str) and agency.startswith("agency/"):
                    named.add(agency)
        elif key.startswith(("licence/", "coercion/")):
            opening = _first_data(history, "LicenceApplied", "LicenceProceedingOpened", "CoercionOpened")
            agency = opening[1].get("agency") if opening is not None else None
            if isinstance(agency, str) and agency.startswith("agency/"):
                named.add(agency)
        elif key.startswith("complaint/"):
            opening = _first_data(history, "ComplaintReceived")
            by = opening[0].get("by") if opening is not None else None
            if isinstance(by, str) and by.startswith("officer/"):
                named.add(by)
    return sorted(named)
