"""One configuration for every configurable legal number of rules.md.

Why one place: the gates, the deadline engine and the audit must agree on every
threshold and period, and a reviewer must be able to see (and a district to
change, in one TOML file) what the software assumes. Each key documents its
rule id and article; ``docs/configuration.md`` lists them all and a test keeps
that list complete.

Three kinds of numbers live here:

* **open points** rules.md leaves to local rule (statement window, 较大数额,
  法制审核 thresholds, 及时立案, scoring, grade cut-offs, …), with its defaults;
* **statutory periods** (7 WD, 15 ND, 90 ND, …): configurable only because
  "a law may provide otherwise"; change them only on such a law;
* **policy settings** of the §8 open questions (Q1, Q10, Q13, Q15).

Agency-published steps win over the defaults for that agency
(``LegalReviewCatalogPublished`` thresholds, an item's ``no_penalty``
months, a licence item's ``licence`` periods): use the ``effective_*`` helpers rather than
reading the defaults.

Reading the TOML *file* is the caller's business (no I/O in ``domain``):
``Config.from_toml(tomllib.load(f))``. Unknown keys are refused so that a typo
never silently falls back to a default.

The package holds the key declarations (``keys``), the penalty sections (``sections``), the
licensing and complaint sections (``kinds``), the
coercion, enforcement and inspection sections (``coercion``), the ``Config`` with its TOML reading and checks
(``model``) and the values in force for an agency or item (``effective``).
"""

from domain.config.coercion import ALGORITHMS, Coercion, Enforcement, Inspection, SpotCheck, parse_night
from domain.config.effective import (
    CoercionLimits,
    LicenceLimits,
    Thresholds,
    effective_coercion_terms,
    effective_first_violation_months,
    effective_inspection_cap,
    effective_licence_terms,
    effective_regime,
    effective_thresholds,
)
from domain.config.keys import (
    CATEGORIES,
    COERCION_LAW,
    DOC_118,
    JUDICIAL,
    LAW,
    LICENSING_LAW,
    LITIGATION_LAW,
    OGI,
    PETITION_RULE,
    RECONSIDERATION_LAW,
    RETENTIONS,
    SEVERITIES,
    TRANSFER_RULE,
    ConfigError,
    FrozenMap,
)
from domain.config.kinds import Complaint, Licence
from domain.config.model import Config, ConfigKey, config_keys, toml_literal
from domain.config.sections import (
    CollectiveDiscussion,
    Decision,
    Evaluation,
    Hearing,
    LegalReview,
    Limitation,
    Litigation,
    Minors,
    NoPenalty,
    Officers,
    Payment,
    Preservation,
    Publication,
    PublicationRegime,
    Reconsideration,
    Recording,
    Registration,
    Retention,
    Statement,
    Summary,
    Transfer,
    Warnings,
    default_category,
)

__all__ = [
    "ALGORITHMS",
    "CATEGORIES",
    "COERCION_LAW",
    "DOC_118",
    "JUDICIAL",
    "LAW",
    "LICENSING_LAW",
    "LITIGATION_LAW",
    "OGI",
    "PETITION_RULE",
    "RECONSIDERATION_LAW",
    "RETENTIONS",
    "SEVERITIES",
    "TRANSFER_RULE",
    "Coercion",
    "CoercionLimits",
    "CollectiveDiscussion",
    "Complaint",
    "Config",
    "ConfigError",
    "ConfigKey",
    "Decision",
    "Enforcement",
    "Evaluation",
    "FrozenMap",
    "Hearing",
    "Inspection",
    "LegalReview",
    "Licence",
    "LicenceLimits",
    "Limitation",
    "Litigation",
    "Minors",
    "NoPenalty",
    "Officers",
    "Payment",
    "Preservation",
    "Publication",
    "PublicationRegime",
    "Reconsideration",
    "Recording",
    "Registration",
    "Retention",
    "SpotCheck",
    "Statement",
    "Summary",
    "Thresholds",
    "Transfer",
    "Warnings",
    "config_keys",
    "default_category",
    "effective_coercion_terms",
    "effective_first_violation_months",
    "effective_inspection_cap",
    "effective_licence_terms",
    "effective_regime",
    "effective_thresholds",
    "parse_night",
    "toml_literal",
]
