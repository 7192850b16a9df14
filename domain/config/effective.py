"""The values in force for one agency or item: what it published wins over the defaults."""

from __future__ import annotations

from dataclasses import dataclass

from domain.config.model import Config
from domain.config.sections import PublicationRegime
from domain.registry import AgencyState, Item


@dataclass(frozen=True, slots=True)
class Thresholds:
    """The 法制审核 and 听证 thresholds in force for one agency (fen; met at or above)."""

    review_person_fen: int
    review_organisation_fen: int
    hearing_person_fen: int
    hearing_organisation_fen: int
    source: str
    """``agency`` when the agency's ``LegalReviewCatalogPublished`` gave them, else ``config``."""

    def review_fen(self, party_kind: str | None) -> int:
        """The review threshold for a party; an unknown kind gets the lower, stricter one."""
        return _by_kind(party_kind, self.review_person_fen, self.review_organisation_fen)

    def hearing_fen(self, party_kind: str | None) -> int:
        """The 较大数额 for a party; an unknown kind gets the lower, stricter one."""
        return _by_kind(party_kind, self.hearing_person_fen, self.hearing_organisation_fen)


def _by_kind(kind: str | None, person: int, organisation: int) -> int:
    if kind == "person":
        return person
    if kind == "organisation":
        return organisation
    return min(person, organisation)


def effective_thresholds(config: Config, agency: AgencyState | None) -> Thresholds:
    """The agency's published catalogue (as of the caller's time) wins over the defaults."""
    catalogue = agency.catalogue if agency is not None else None
    if catalogue is not None:
        return Thresholds(catalogue.person_fen, catalogue.organisation_fen,
                          catalogue.hearing_person_fen, catalogue.hearing_organisation_fen, "agency")
    return Thresholds(config.legal_review.person_fen, config.legal_review.organisation_fen,
                      config.hearing.person_fen, config.hearing.organisation_fen, "config")


def effective_first_violation_months(config: Config, item: Item | None) -> int:
    """PEN-36's 初次 look-back: the item's published ``no_penalty`` months, else the default."""
    if item is not None and item.first_violation_months is not None:
        return item.first_violation_months
    return config.no_penalty.first_violation_months


def effective_regime(config: Config, name: str | None = None) -> PublicationRegime:
    """The PUB-04 regime a publication names, else the configured default one."""
    regimes = config.publication.regimes
    if name is not None and name in regimes:
        return regimes[name]
    return regimes[config.publication.regime]


@dataclass(frozen=True, slots=True)
class LicenceLimits:
    """The LIC-10 periods in force for one licence item (WD): base and extension, and the
    agency's own promise (承诺时限, a MINOR finding when exceeded), when it made one."""

    decision_wd: int
    extension_wd: int
    promised_wd: int | None
    joint: bool
    source: str
    """``item`` when the item's published ``licence`` terms gave a period, else ``config``."""


def effective_licence_terms(config: Config, item: Item | None) -> LicenceLimits:
    """LIC-10's periods for ``item``: its published ``statutory_days``/``extension_days`` win,
    else 20 + 10 WD, or 45 + 15 WD for joint processing (第42条第二款)."""
    terms = item.licence if item is not None else None
    cfg = config.licence
    joint = terms is not None and terms.joint
    base = cfg.joint_decision_wd if joint else cfg.decision_wd
    extension = cfg.joint_extension_wd if joint else cfg.extension_wd
    if terms is None:
        return LicenceLimits(base, extension, None, joint, "config")
    given = terms.statutory_days is not None or terms.extension_days is not None
    return LicenceLimits(
        terms.statutory_days if terms.statutory_days is not None else base,
        terms.extension_days if terms.extension_days is not None else extension,
        terms.promised_days, joint, "item" if given else "config",
    )


@dataclass(frozen=True, slots=True)
class CoercionLimits:
    """COE-07's maximum period and single extension for one item (ND), and where they come from."""

    max_days: int
    max_extension_days: int
    source: str
    """``item`` when the item's published ``coercion`` terms gave a period, else ``config``."""


def effective_coercion_terms(config: Config, item: Item | None) -> CoercionLimits:
    """COE-07's periods for ``item``: its published ``coercion.max_days``/``max_extension_days`` (a law
    or administrative regulation providing otherwise) win, else 30 + 30 ND (第25条, 第32条)."""
    cfg = config.coercion
    terms = item.coercion if item is not None else None
    if terms is None or (terms.max_days is None and terms.max_extension_days is None):
        return CoercionLimits(cfg.max_days, cfg.max_extension_days, "config")
    return CoercionLimits(
        terms.max_days if terms.max_days is not None else cfg.max_days,
        terms.max_extension_days if terms.max_extension_days is not None else cfg.max_extension_days,
        "item",
    )


def effective_inspection_cap(config: Config, item: Item | None) -> int | None:
    """INS-06's yearly cap of routine and special inspections of one object: the item's published
    ``spot_check.max_per_year``, else ``inspection.max_per_year``; None: no cap (0 in the file)."""
    terms = item.spot_check if item is not None else None
    if terms is not None and terms.max_per_year is not None:
        return terms.max_per_year
    return config.inspection.max_per_year or None
