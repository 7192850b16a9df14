"""事后公开 of licensing decisions (PUB-06) and their withdrawal (PUB-07): pure rows from a licence file.

Why its own module: what a licence publishes differs from a penalty (the holder, the licence number,
its validity; no fine, no credit-repair period: PUB-04 extended), but the masking is the same one —
:func:`projections.disclosure.redact_public` over the licence file, whose applicant or holder, agent,
interested parties and hearing agents are its masking context (``LicenceFile.person_names``, from
``domain.licence_state.publication_case``, as the PUB-01 gate reads them).

Three public tables: ``pub_licences`` (one row per ``DecisionPublished`` of a published decision),
``pub_licence_withdrawals`` (the stream's own ``PublicationWithdrawn``) and ``pub_licence_endings``
(each 撤回/撤销/注销 decided, whichever stream it is on). A grant's row is withdrawn from the public
list once an ending names its licence (``projections.queries``: a read-time join, so each stream's
rows stay a function of its own events).
"""

from __future__ import annotations

from typing import Any

from domain.calendar import SHANGHAI
from domain.config import Config
from domain.shapes import Party
from projections.disclosure import mask_name, redact_public
from projections.labels import LICENCE_DECISION_LABELS, LICENCE_ENDINGS
from projections.licencefile import LicenceFile
from projections.sql import instant_key

__all__ = ["holder_columns", "licence_no_of", "party_columns", "public_licence_rows", "published_decision"]

Row = tuple[Any, ...]


def _day(moment: Any) -> str | None:
    return moment.astimezone(SHANGHAI).date().isoformat() if moment is not None else None


def _iso(moment: Any) -> str | None:
    return moment.isoformat() if moment is not None else None


def party_columns(party: Party | None) -> tuple[str | None, str | None, str | None]:
    """(kind, name, credit code) of a party as a public or agency table holds them: an organisation's
    name and 统一社会信用代码; a natural person's name masked (张某某, PUB-06 and Q13) and no number.
    The licence holder's, and the party of a coercive measure or an enforcement
    (:mod:`projections.coercion_disclosure`)."""
    if party is None:
        return None, None, None
    if party.kind == "organisation":
        return "organisation", party.name or None, party.credit_code
    return party.kind or None, mask_name(party.name) if party.name else None, None


def holder_columns(lf: LicenceFile) -> tuple[str | None, str | None, str | None]:
    """The applicant's or holder's :func:`party_columns`."""
    return party_columns(lf.applicant)


def licence_no_of(lf: LicenceFile) -> str | None:
    """The licence a file is about: the certificate it issued, else the licence it concerns."""
    if lf.issued is not None and lf.issued.licence_no:
        return lf.issued.licence_no
    named = lf.concerns.get("licence_no")
    return named if isinstance(named, str) and named else None


def published_decision(lf: LicenceFile, config: Config) -> bool:
    """Whether the file's decision is one PUB-06 publishes: 准予 and 撤回/撤销/注销 always, 不予许可
    only with ``licence.publish_denials``; never after a ``PublicationSuppressed`` (PUB-02)."""
    decision = lf.decision
    if decision is None or lf.suppressions:
        return False
    if decision.type == "LicenceDenied":
        return config.licence.publish_denials
    return decision.type == "LicenceGranted" or decision.type in LICENCE_ENDINGS


def public_licence_rows(lf: LicenceFile, config: Config) -> dict[str, list[Row]]:
    """Rows of ``pub_licences``, ``pub_licence_withdrawals`` and ``pub_licence_endings`` for one file."""
    out: dict[str, list[Row]] = {"pub_licences": [], "pub_licence_withdrawals": [], "pub_licence_endings": []}
    decision = lf.decision
    if decision is None or lf.suppressions:
        return out
    concerns = lf.concerns
    concerned = concerns.get("stream") if isinstance(concerns.get("stream"), str) else None
    licence_no = licence_no_of(lf)
    if decision.type in LICENCE_ENDINGS:
        effective = decision.effective_on.isoformat() if decision.effective_on else _day(decision.at)
        out["pub_licence_endings"].append((
            lf.stream, decision.version, decision.type, LICENCE_DECISION_LABELS[decision.type], concerned,
            licence_no, lf.agency, decision.document_no, effective, instant_key(decision.at)))
    if not published_decision(lf, config):
        return out
    kind, name, credit = holder_columns(lf)
    for pub in lf.publications:
        decided = _decided_before(lf, pub.version) or decision.type
        withdrawn = pub.withdrawn_version is not None
        text = None if withdrawn else redact_public(pub.corrected_text or pub.text, lf, config)
        out["pub_licences"].append((
            lf.stream, pub.version, decision.document_no, lf.agency, lf.item, decided,
            LICENCE_DECISION_LABELS.get(decided, decided), lf.application or lf.action, kind, name,
            credit, licence_no, concerned, _day_text(decision.valid_from), _day_text(decision.valid_to),
            _day(decision.at), _iso(pub.published_at), _day(pub.published_at), pub.channel,
            redact_public(pub.url, lf, config) if pub.url else None, text or None, _iso(pub.corrected_at),
            "withdrawn" if withdrawn else "published", _iso(pub.withdrawn_at), instant_key(pub.published_at)))
        if withdrawn:
            out["pub_licence_withdrawals"].append((
                lf.stream, pub.withdrawn_version, pub.version, decision.document_no, lf.agency,
                _iso(pub.withdrawn_at), _day(pub.withdrawn_at),
                redact_public(pub.withdrawal_reason or "", lf, config) or None,
                redact_public(pub.withdrawal_explanation or "", lf, config) or None, instant_key(pub.withdrawn_at)))
    return out


def _decided_before(lf: LicenceFile, version: int) -> str | None:
    """The last decision step before a publication: what it publishes (a 撤销 then a 注销 on one
    proceeding are published one after the other)."""
    found = [t.type for t in lf.timeline if t.version < version and t.type in LICENCE_DECISION_LABELS]
    return found[-1] if found else None


def _day_text(day: Any) -> str | None:
    return day.isoformat() if day is not None else None
