"""Who may record a step (steps.md "Who may record what"): roles, the agency they must be
held in, and the provisos. One ``RecordRule`` per step type and stream kind."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Final


class Role(StrEnum):
    """The roles an officer stream may hold (``OfficerRegistered.roles``)."""

    OFFICER = "officer"
    LEGAL_REVIEWER = "legal_reviewer"
    HEAD = "head"
    SUPERVISOR = "supervisor"
    RECONSIDERATION_STAFF = "reconsideration_staff"
    ADMIN = "admin"


class Scope(StrEnum):
    """Of which agency ``by`` must hold the role (read from the registry by the caller)."""

    ANY = "any"
    """Any agency: administrators, reconsideration staff."""
    FILE_AGENCY = "file_agency"
    """The agency of the file: ``CaseRegistered.agency`` on a case stream,
    ``LicenceApplied.agency`` or ``LicenceProceedingOpened.agency`` on a licence stream,
    ``CoercionOpened.agency``, ``SpotCheckPlanned.agency``, ``InspectionOpened.agency``."""
    RESPONDENT_AGENCY = "respondent_agency"
    """The agency of the file a reconsideration targets (被申请人)."""
    DEFENDANT_AGENCY = "defendant_agency"
    """The agency of the file a lawsuit targets (被告)."""
    SUPERVISING = "supervising"
    """A supervisor of the agency concerned (``supervised_by``; default every supervisor)."""
    COMPLAINED_AGENCY = "complained_agency"
    """The agency a complaint is about (``ComplaintReceived.against.agency``)."""


class Proviso(StrEnum):
    """The special cases of the table "Who may record what"."""

    OWN_KEY = "own_key"
    """The officer whose stream it is may record it without the role (rotate own key)."""
    NOT_HANDLER = "not_handler"
    """``by`` must not be a handler of the file (legal review, hearing presider): a case's
    ``handlers``; a licence's reviewer and 核查 staff; a coercion's ``handlers``; an
    inspection's ``officers``."""


@dataclass(frozen=True, slots=True)
class RecordRule:
    """Who may record a step: ``by`` holds one of ``roles`` in the ``scope`` agency."""

    roles: frozenset[Role]
    scope: Scope
    provisos: frozenset[Proviso] = frozenset()
    note: str = ""


def _rule(*roles: Role, scope: Scope = Scope.ANY, provisos: tuple[Proviso, ...] = (),
          note: str = "") -> RecordRule:
    return RecordRule(frozenset(roles), scope, frozenset(provisos), note)


ADMIN_RULE: Final = _rule(Role.ADMIN)
OWN_KEY_RULE: Final = _rule(Role.ADMIN, provisos=(Proviso.OWN_KEY,),
                            note="an officer may rotate their own key")
FILE_RULE: Final = _rule(Role.OFFICER, Role.HEAD, scope=Scope.FILE_AGENCY,
                         note="approvals (approved_by, decided_by, attendees) name heads")
"""Case, licence, coercion, enforcement and inspection steps: an officer or head of the file's agency."""
SNAPSHOT_RULE: Final = _rule(Role.OFFICER, Role.HEAD, Role.ADMIN, scope=Scope.FILE_AGENCY,
                             note="an administrator may take a directory snapshot")
"""``DirectorySnapshotTaken``: an officer or head of the agency, or an administrator."""
LEGAL_REVIEW_RULE: Final = _rule(Role.LEGAL_REVIEWER, scope=Scope.FILE_AGENCY,
                                 provisos=(Proviso.NOT_HANDLER,))
HEARING_RULE: Final = _rule(Role.HEAD, Role.OFFICER, scope=Scope.FILE_AGENCY,
                            provisos=(Proviso.NOT_HANDLER,))
REVIEW_RULE: Final = _rule(Role.RECONSIDERATION_STAFF)
ANSWER_RULE: Final = _rule(Role.OFFICER, Role.HEAD, scope=Scope.RESPONDENT_AGENCY)
LITIGATION_RULE: Final = _rule(Role.OFFICER, Role.HEAD, scope=Scope.DEFENDANT_AGENCY)
SUPERVISION_RULE: Final = _rule(Role.SUPERVISOR, scope=Scope.SUPERVISING)
EVALUATION_RULE: Final = _rule(Role.SUPERVISOR, Role.LEGAL_REVIEWER, scope=Scope.SUPERVISING,
                               note="legal_reviewer as well as supervisor")
COMPLAINT_RULE: Final = _rule(Role.SUPERVISOR, scope=Scope.SUPERVISING,
                              note="approvals (approved_by) name heads of the bureau")
"""Complaint steps: the justice bureau's supervision function."""
COMPLAINED_AGENCY_RULE: Final = _rule(Role.OFFICER, Role.HEAD, scope=Scope.COMPLAINED_AGENCY)
"""``ComplaintAgencyReported``: the agency complained against reports (办结报告)."""
