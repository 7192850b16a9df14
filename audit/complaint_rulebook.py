"""The book of complaint-file rules (CMP-01…09, EVAL-12) and the 投诉举报 paths they judge.

Why a book of its own, as for licences (``audit.licence_rulebook``): CMP rules judge ``complaint/``
streams only, with a subject of their own (:class:`audit.complaint_subject.ComplaintSubject`), and an
id may judge several kinds of file; the case rules (``audit.rulebook.RULES``) are kept apart.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Final

from audit.rulebook import Hit, Rule, register

if TYPE_CHECKING:
    from audit.complaint_subject import ComplaintSubject

__all__ = ["ALL_CMP", "CMP_ACCEPTED", "CMP_NOT_ACCEPTED", "CMP_TRANSFERRED", "COMPLAINT_PATH_LABELS",
           "COMPLAINT_RULES", "complaint_rule"]

CMP_ACCEPTED: Final = "complaint_accepted"
CMP_NOT_ACCEPTED: Final = "complaint_not_accepted"
CMP_TRANSFERRED: Final = "complaint_transferred"
ALL_CMP: Final = frozenset({CMP_ACCEPTED, CMP_NOT_ACCEPTED, CMP_TRANSFERRED})
"""The paths of a ``complaint/`` file (rules.md "Which rules apply to which path — 投诉举报")."""
COMPLAINT_PATH_LABELS: Final = {CMP_ACCEPTED: "投诉举报受理", CMP_NOT_ACCEPTED: "投诉举报不予受理",
                                CMP_TRANSFERRED: "投诉举报转送"}

COMPLAINT_RULES: dict[str, Rule[ComplaintSubject]] = {}
"""The complaint-file rules by id, in registration order (the order of findings and of the reference)."""

Check = Callable[["ComplaintSubject"], Hit | None]


def complaint_rule(rule_id: str, title: str, severity: str, basis: str,
                   paths: Iterable[str] = ALL_CMP) -> Callable[[Check], Check]:
    """Register a complaint rule's check under its id, with the paths it judges."""
    return register(COMPLAINT_RULES, rule_id, title, severity, basis, paths)
