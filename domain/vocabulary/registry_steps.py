"""The registry tables of steps.md (事前公开 comes from these): agencies, items, officers, keys,
the holiday calendar."""

from __future__ import annotations

from typing import Final

from domain.coercion_shapes import COERCION_TERMS, ENFORCEMENT_TERMS
from domain.fields import (
    Choice,
    Integer,
    ListOf,
    PublicKey,
    StreamKind,
    Timestamp,
)
from domain.inspection_shapes import SPOT_CHECK_TERMS
from domain.kind_shapes import LICENCE_TERMS
from domain.shapes import (
    AGENCY,
    BAND,
    BASIS,
    DATE,
    DATES,
    FEN,
    NO_PENALTY,
    PENALTY_TYPES,
    TEXT,
    TEXTS,
    opt,
    req,
)
from domain.vocabulary.records import (
    ADMIN_RULE,
    OWN_KEY_RULE,
    Role,
)
from domain.vocabulary.spec import StepSpec, step

TS: Final = Timestamp()
HEAD: Final = Role.HEAD.value

BOOTSTRAP_OFFICER: Final = "officer/admin"
"""The identity ``init`` creates; the only officer registered without an agency."""

_A, _O = StreamKind.AGENCY, StreamKind.OFFICER

REGISTRY_STEPS: Final[tuple[StepSpec, ...]] = (
    step("AgencyRegistered", _A, ADMIN_RULE,
         req("name", TEXT), req("credit_code", TEXT), req("level", TEXT), req("region", TEXT),
         req("reconsideration_bodies", TEXTS), req("court", TEXT),
         opt("supervised_by", AGENCY, note="absent: every supervisor supervises it"),
         opens=True),
    step("EnforcementItemPublished", _A, ADMIN_RULE,
         req("code", TEXT), req("name", TEXT),
         req("kind", Choice(("penalty", "inspection", "coercion", "licence", "enforcement"))),
         req("basis", BASIS, fact=True), req("sanction_basis", BASIS, fact=True),
         req("penalty_types", ListOf(Choice(PENALTY_TYPES))),
         opt("min_fen", FEN), opt("max_fen", FEN), opt("bands", ListOf(BAND)),
         opt("no_penalty", NO_PENALTY),
         opt("licence", LICENCE_TERMS, note="with kind licence (行政许可事项)"),
         opt("coercion", COERCION_TERMS, note="with kind coercion"),
         opt("enforcement", ENFORCEMENT_TERMS, note="with kind enforcement (第13条)"),
         opt("spot_check", SPOT_CHECK_TERMS, note="with kind inspection")),
    step("LegalReviewCatalogPublished", _A, ADMIN_RULE,
         req("person_fen", FEN), req("organisation_fen", FEN),
         req("hearing_person_fen", FEN), req("hearing_organisation_fen", FEN),
         req("categories", TEXTS),
         opt("items", TEXTS, note="codes of items whose decisions need 法制审核 (TS-10)")),
    step("OfficerRegistered", _O, ADMIN_RULE,
         req("name", TEXT), req("agency", AGENCY, unless_stream=BOOTSTRAP_OFFICER),
         req("roles", ListOf(Choice(tuple(role.value for role in Role)), min_items=1)),
         opt("credential_no", TEXT), opt("credential_valid_from", DATE),
         opt("credential_valid_to", DATE), opt("fields", TEXTS),
         opt("legal_qualification_no", TEXT),
         opt("public_key", PublicKey(), note="absent: the server generates and keeps one"),
         opens=True),
    step("CredentialRenewed", _O, ADMIN_RULE, req("credential_no", TEXT), req("valid_to", DATE)),
    step("CredentialRevoked", _O, ADMIN_RULE, req("reason", TEXT)),
    step("KeyRotated", _O, OWN_KEY_RULE,
         opt("public_key", PublicKey(), note="absent: the server generates one")),
    step("KeyRevoked", _O, ADMIN_RULE,
         req("key_id", TEXT), req("reason", Choice(("retired", "compromised")))),
    step("HolidayNoticePublished", StreamKind.CALENDAR, ADMIN_RULE,
         req("year", Integer(minimum=1949, maximum=9999)), req("holidays", DATES),
         req("workdays", DATES), req("source", TEXT), opens=True),
)
