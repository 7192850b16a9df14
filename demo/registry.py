"""The demo's registry: the district's agencies, their enforcement items and review catalogues,
and their officers (some credentials lapse or are renewed during the year). Depends on the
date only, never on the seed."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final, NamedTuple

from demo import catalogue as cat
from demo.draw import basis_rows, choice, credit_code, person_name, rint, stamp
from demo.licence_catalogue import LICENCE_ITEMS, LICENSING
from demo.model import ADMIN, Raw
from demo.workdays import holiday_notice, holiday_notice_years
from domain.config import Config


@dataclass(frozen=True, slots=True)
class Officer:
    id: str
    name: str
    agency: str
    roles: tuple[str, ...]
    valid_from: date | None
    valid_to: date | None
    renewed_at: date | None = None
    renewed_to: date | None = None
    qualified: bool = True

    def valid_on(self, day: date) -> bool:
        if self.valid_from is None or self.valid_to is None or day < self.valid_from:
            return False
        if self.renewed_at is not None and self.renewed_to is not None and day >= self.renewed_at:
            return day <= self.renewed_to
        return day <= self.valid_to

    def is_(self, role: str) -> bool:
        return role in self.roles


@dataclass(frozen=True, slots=True)
class Agency:
    spec: cat.AgencySpec
    stream: str
    credit_code: str
    items: tuple[cat.ItemSpec, ...]
    officers: tuple[Officer, ...]
    heads: tuple[Officer, ...] = ()
    field_officers: tuple[Officer, ...] = ()
    reviewers: tuple[Officer, ...] = ()

    @classmethod
    def of(cls, spec: cat.AgencySpec, stream: str, code: str, items: tuple[cat.ItemSpec, ...],
           officers: tuple[Officer, ...]) -> Agency:
        return cls(spec, stream, code, items, officers, tuple(o for o in officers if o.is_("head")),
                   tuple(o for o in officers if o.is_("officer") and not o.is_("head")),
                   tuple(o for o in officers if o.is_("legal_reviewer")))


# Special credentials, relative to the range's first day R (as_of − 365): renewed ones get a
# CredentialRenewed 14 days before they lapse; lapsed ones are not used after (except by a defect).
_RENEWED: Final = {("JA-CGJ", 3): 120, ("JA-SCJ", 4): 200, ("JA-JTJ", 3): 250}
LAPSING: Final = {("JA-CGJ", 8): 75, ("JA-SCJ", 6): 110}
_EXPIRING_SOON: Final = {("JA-SHJ", 4): 45}
"""Days after ``as_of`` a credential lapses: shown as due for renewal, valid all year."""


class Registry(NamedTuple):
    """The demo's registry: its opening and later steps, the enforcement agencies (penalty cases),
    the justice bureau's staff and the licensing agency (``licence/`` streams)."""

    steps: list[Raw]
    later: list[Raw]
    agencies: dict[str, Agency]
    justice: list[Officer]
    licensing: Agency


def build_registry(as_of: date, config: Config) -> Registry:
    """The registry of ``as_of``'s demo. The licensing agency and the bureau's head come after
    everything else, so the enforcement agencies' people are the same as before they existed."""
    rng = random.Random(f"enforcement-ledger demo registry {as_of.year}")
    start = as_of - timedelta(days=365)
    steps: list[Raw] = []
    later: list[Raw] = []
    minute = 8 * 60 + 30
    for year in holiday_notice_years(as_of):
        steps.append({**holiday_notice(year), "at": stamp(start, minute)})
        minute += 1
    agencies: dict[str, Agency] = {}
    names: set[str] = set()
    for spec in (*cat.AGENCIES, cat.JUSTICE, LICENSING):
        stream = f"agency/{spec.code}"
        code = credit_code("11", cat.REGION_CODE, spec.org_code)
        steps += _agency_steps(spec, stream, code, len(agencies), start, config)
        officers: list[Officer] = []
        for serial, (roles, qualified) in enumerate(_roster(spec), start=1):
            officer, data = _officer(spec, serial, roles, qualified, start, as_of, rng, names)
            officers.append(officer)
            steps.append({"stream": officer.id, "type": "OfficerRegistered",
                          "at": stamp(start, 14 * 60 + 20 * len(agencies) + serial), "by": ADMIN, "data": data})
            if officer.renewed_at is not None and officer.renewed_to is not None:
                later.append({"stream": officer.id, "type": "CredentialRenewed",
                              "at": stamp(officer.renewed_at, 10 * 60), "by": ADMIN,
                              "data": {"credential_no": data["credential_no"],
                                       "valid_to": officer.renewed_to.isoformat()}})
        agencies[spec.code] = Agency.of(spec, stream, code, cat.ITEMS.get(spec.code, ()), tuple(officers))
    justice = list(agencies.pop(cat.JUSTICE.code).officers)
    licensing = agencies.pop(LICENSING.code)
    return Registry(steps, later, agencies, justice, licensing)


def _agency_steps(spec: cat.AgencySpec, stream: str, code: str, index: int, start: date,
                  config: Config) -> list[Raw]:
    """An agency's registration, its enforcement items and its legal-review catalogue (the
    ``index``-th agency: its steps' minutes)."""
    data: Raw = {"name": spec.name, "credit_code": code, "level": "district", "region": "湖北省武汉市江岸区",
                 "reconsideration_bodies": list(spec.reconsideration_bodies), "court": cat.COURT}
    if spec is not cat.JUSTICE:
        data["supervised_by"] = f"agency/{cat.JUSTICE.code}"
    steps: list[Raw] = [{"stream": stream, "type": "AgencyRegistered", "at": stamp(start, 9 * 60 + index),
                         "by": ADMIN, "data": data}]
    items = cat.ITEMS.get(spec.code, ())
    for n, item in enumerate(items):
        item_data: Raw = {
            "code": item.code, "name": item.name, "kind": "penalty", "basis": basis_rows(item.basis),
            "sanction_basis": basis_rows(item.sanction), "penalty_types": list(item.penalty_types),
            "min_fen": item.min_fen, "max_fen": item.max_fen,
        }
        if item.bands:
            item_data["bands"] = [{"circumstance": c, "min_fen": lo, "max_fen": hi} for c, lo, hi in item.bands]
        if item.no_penalty:
            item_data["no_penalty"] = {"conditions": list(cat.NO_PENALTY_CONDITIONS),
                                       "first_violation_months": config.no_penalty.first_violation_months}
        steps.append({"stream": stream, "type": "EnforcementItemPublished",
                      "at": stamp(start, 10 * 60 + 10 * index + n), "by": ADMIN, "data": item_data})
    if spec is LICENSING:
        steps += _licence_items(stream, index, start)
    if items:
        review_p, review_o, hearing_p, hearing_o = spec.catalogue
        steps.append({"stream": stream, "type": "LegalReviewCatalogPublished",
                      "at": stamp(start, 11 * 60 + index), "by": ADMIN,
                      "data": {"person_fen": review_p, "organisation_fen": review_o,
                               "hearing_person_fen": hearing_p, "hearing_organisation_fen": hearing_o,
                               "categories": ["涉及重大公共利益", "经过听证程序", "案情疑难复杂、涉及多个法律关系",
                                              "罚款数额达到本目录标准"]}})
    return steps


def _licence_items(stream: str, index: int, start: date) -> list[Raw]:
    """The licensing agency's ``licence`` items (``kind: licence``, the ``licence`` terms)."""
    steps = []
    for n, item in enumerate(LICENCE_ITEMS):
        terms: Raw = {"statutory_days": item.statutory_days, "materials": list(item.materials),
                      "validity_months": item.validity_months}
        if item.hearing_required:
            terms["hearing_required"] = True
        if item.on_the_spot:
            terms["on_the_spot"] = True
        basis = {**basis_rows((item.basis,))[0], "rank": item.rank}
        at = stamp(start, 10 * 60 + 10 * index + n)
        data = {"code": item.code, "name": item.name, "kind": "licence", "basis": [basis], "sanction_basis": [],
                "penalty_types": [], "licence": terms}
        steps.append({"stream": stream, "type": "EnforcementItemPublished", "at": at, "by": ADMIN, "data": data})
    return steps


def _roster(spec: cat.AgencySpec) -> list[tuple[tuple[str, ...], bool]]:
    """(roles, legally qualified) of each of an agency's staff, in serial order (the bureau's
    head last: added with the complaints, whose closing a head approves)."""
    if spec is cat.JUSTICE:
        return [(("supervisor", "reconsideration_staff"), True), (("reconsideration_staff",), True),
                (("supervisor",), True), (("head",), True)]
    roster: list[tuple[tuple[str, ...], bool]] = [(("officer",), True)] * spec.officers
    roster += [(("head", "officer"), True)] * 2
    roster += [(("legal_reviewer",), True)] * spec.reviewers
    if spec.unqualified_reviewer:
        roster.append((("legal_reviewer",), False))
    return roster


def _unique_name(rng: random.Random, names: set[str]) -> str:
    while True:
        name = person_name(rng)
        if name not in names:
            names.add(name)
            return name


def _officer(spec: cat.AgencySpec, serial: int, roles: tuple[str, ...], qualified: bool, start: date, as_of: date,
             rng: random.Random, names: set[str]) -> tuple[Officer, Raw]:
    """One officer and the data of its ``OfficerRegistered`` (draws: name, credential, qualification)."""
    ident = f"4201020{spec.digit}{serial:03d}"
    key = (spec.code, serial)
    stream = f"agency/{spec.code}"
    valid_from: date | None = None
    valid_to: date | None = None
    renewed_at = renewed_to = None
    data: Raw = {"name": _unique_name(rng, names), "agency": stream, "roles": list(roles)}
    if spec is not cat.JUSTICE:
        valid_from = date(start.year - rint(rng, 1, 5), choice(rng, (1, 3, 7)), 1)
        valid_to = date(as_of.year + rint(rng, 1, 4), 12, 31)
        if key in _RENEWED:
            valid_to = start + timedelta(days=_RENEWED[key])
            renewed_at = valid_to - timedelta(days=14)
            renewed_to = date(valid_to.year + 5, 12, 31)
        elif key in LAPSING:
            valid_to = start + timedelta(days=LAPSING[key])
        elif key in _EXPIRING_SOON:
            valid_to = as_of + timedelta(days=_EXPIRING_SOON[key])
        data.update(credential_no=ident, credential_valid_from=valid_from.isoformat(),
                    credential_valid_to=valid_to.isoformat(), fields=[spec.field])
    if qualified and ("legal_reviewer" in roles or "supervisor" in roles or "reconsideration_staff" in roles):
        year, serial_no = rint(rng, 2012, 2022), rint(rng, 1, 9999)
        data["legal_qualification_no"] = f"A{year}{cat.REGION_CODE}{serial_no:04d}"
    officer = Officer(f"officer/{ident}", data["name"], stream, roles, valid_from, valid_to,
                      renewed_at, renewed_to, qualified)
    return officer, data
