"""The time limits of an inspection (行政检查; INS-10, TS-03 extended).

Why here: every drawn object's result is published (优化营商环境条例 第54条第1款, "查处结果及时向社会
公开"), a targeted inspection's only when it orders a correction or finds a violation (unless
``publication.inspection_no_issue``), within 20 WD of the conclusion (118号, Q20). Pure: steps as
plain mappings, the configuration and the calendar.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

from domain.calendar import WorkingCalendar
from domain.coercion_limits import publication_due
from domain.config import Config
from domain.limits import Limit, first_day, step_day
from domain.reading import mapping_of

__all__ = ["ISSUES", "inspection_origin", "publication_limit", "publication_required"]

ISSUES: Final = frozenset({"correction_ordered", "violation_found"})
"""Results that are published for a targeted inspection too (INS-10)."""


def publication_required(origin_kind: str | None, result: str | None, config: Config) -> bool:
    """INS-10: a drawn object's result always (未发现问题 and 无法联系 included); a targeted inspection's
    when it orders a correction or finds a violation, or every result with ``inspection_no_issue``."""
    if origin_kind == "random":
        return True
    return result in ISSUES or config.publication.inspection_no_issue


def inspection_origin(history: Sequence[Mapping[str, Any]]) -> str | None:
    """``InspectionOpened.origin.kind`` of the stream."""
    for entry in history:
        if entry.get("type") == "InspectionOpened":
            kind = mapping_of(mapping_of(entry.get("data")).get("origin")).get("kind")
            return kind if isinstance(kind, str) else None
    return None


def publication_limit(history: Sequence[Mapping[str, Any]], config: Config,
                      calendar: WorkingCalendar) -> Limit | None:
    """INS-10/TS-03: the result's publication, 20 WD after the ``InspectionConcluded``; None while
    not concluded or when the result need not be published."""
    for position, entry in enumerate(history):
        if entry.get("type") != "InspectionConcluded":
            continue
        result = mapping_of(entry.get("data")).get("result")
        if not publication_required(inspection_origin(history), result if isinstance(result, str) else None,
                                    config):
            return None
        concluded = step_day(entry)
        published = first_day(history, ("DecisionPublished", "PublicationSuppressed"), after=position)
        return Limit("INS-10", "INS-10", "检查结果向社会公开", concluded, publication_due(calendar, concluded, config),
                     published)
    return None
