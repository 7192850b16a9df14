"""Demo data: a realistic, reproducible year of enforcement in one district.

``generate(cases, seed, as_of)`` returns the steps (steps.md JSON) of a year of
administrative enforcement ending the day before ``as_of``: the registry of a
district's agencies (城管, 市场监管, 生态环境, 交通运输 and the 司法局 that
supervises them and staffs the district government's 复议机构) with their
enforcement items, discretion bands, legal-review catalogues and officers (a
few credentials expire during the year; some are renewed), holiday notices for
years the installed ``chinesecalendar`` does not know, then ``cases`` cases —
普通程序 penalties, 简易程序, 不予处罚 and 移送 — at every stage, and
reconsiderations and lawsuits against some of the decisions.

Why it looks the way it does:

* **Lawful unless marked.** Every case without a ``defect`` meets every gate
  live and every deadline of rules.md on the working-day calendar (the same
  ``WorkingCalendar`` the gates use, with the generated notices), so it can be
  recorded live and audits clean. A ``defect_share`` of the cases carries exactly
  one realistic defect, spread over the rules (a missing 事先告知, a decision
  inside the statement window, a fine outside the item's range, one officer
  alone, late service, an unpublished decision, personal data in a publication,
  …); ``Defect`` names the rule, whether a live gate refuses it, and the step.
  Those cases are recorded as 补录 (backfill), as paper history would be.
* **Reproducible.** Output is a pure function of ``(cases, seed, as_of,
  defect_share, config)`` and of the years the installed calendar covers: the
  same arguments give byte-identical steps. The registry does not depend on the
  seed (only on ``as_of``), so its people and items are the same in every demo
  of a date.
* **Cheap.** Generation plans each case's dates first (working days from a
  precomputed table), then builds plain dicts once; it validates nothing, so
  recording a demo costs what importing the same steps costs.
* **Ordered for recording.** ``DemoData.segments()`` gives the steps in the order
  they must be recorded — registry first (every stream's opening step before
  its other steps, registry steps before their use), then the defective cases
  (backfill), then everything else live in time order — and nothing is dated on
  or after ``as_of``.
"""

from __future__ import annotations

import hashlib
import random
from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from typing import Any, Final, TypeVar

import chinese_calendar

from demo import catalogue as cat
from domain.calendar import LIBRARY_YEARS, HolidayNotice, WorkingCalendar
from domain.citation import article, chinese_numeral
from domain.config import Config
from demo.documents import one_page_pdf
from domain.money import yuan
from domain.personal_data import gb11643_check_char

__all__ = [
    "DEFECT_KINDS",
    "ENFORCING",
    "PROCEDURES",
    "STAGES",
    "SUPERVISOR",
    "Defect",
    "DefectKind",
    "DemoCase",
    "DemoData",
    "DemoFile",
    "Proceeding",
    "Rectification",
    "Segment",
    "credit_code",
    "generate",
    "holiday_notice_years",
    "resident_id",
]

Raw = dict[str, Any]

ADMIN: Final = "officer/admin"
PROCEDURES: Final = ("general", "summary", "no_penalty", "transfer")
STAGES: Final[dict[str, tuple[str, ...]]] = {
    "general": ("registered", "investigating", "notice_served", "decided", "paid", "closed", "archived"),
    "summary": ("decided", "paid", "closed", "archived"),
    "no_penalty": ("registered", "investigating", "decided", "closed", "archived"),
    "transfer": ("registered", "investigating", "transferred", "closed", "archived"),
}
"""The stages a case of each procedure passes (PEN-38's whole process); a general case may
instead stop at ``enforcing`` (催告 and court enforcement of an unpaid fine)."""
ENFORCING: Final = "enforcing"

_PROCEDURE_WEIGHTS: Final = (("general", 50), ("summary", 28), ("no_penalty", 15), ("transfer", 7))
_STAGE_WEIGHTS: Final = (("archived", 55), ("closed", 8), ("paid", 7), ("decided", 8), ("notice_served", 6),
                         ("investigating", 8), ("registered", 4), ("transferred", 4), (ENFORCING, 3))
_REVIEW_SHARE: Final = 0.08
_LAWSUIT_SHARE: Final = 0.04
_DAY: Final = timedelta(days=1)


# --------------------------------------------------------------------------- defects


@dataclass(frozen=True, slots=True)
class DefectKind:
    """A realistic defect the demo can put into a case: the rule it breaks, whether a live
    gate refuses it, which procedure it occurs in and at which step."""

    name: str
    rule: str
    gate: bool
    procedure: str
    label: str
    note: str


DEFECT_KINDS: Final = (
    DefectKind("no_notice", "PEN-09", True, "general", "decision", "未送达行政处罚事先告知书即作出处罚决定"),
    DefectKind("decision_in_window", "PEN-10", True, "general", "decision", "陈述申辩期未届满即作出处罚决定"),
    DefectKind("heavier_than_notice", "PEN-11", True, "general", "decision",
               "决定的罚款高于事先告知的数额且未重新告知"),
    DefectKind("no_hearing_right", "PEN-12", True, "general", "notice", "拟处较大数额罚款，事先告知书未告知听证权利"),
    DefectKind("no_legal_review", "PEN-16", True, "general", "decision", "应当法制审核的案件未经法制审核即作出决定"),
    DefectKind("no_collective_discussion", "PEN-19", True, "general", "decision", "应当集体讨论的案件未经集体讨论"),
    DefectKind("wrong_seal", "PEN-21", True, "general", "decision", "行政处罚决定书加盖的不是本机关的印章"),
    DefectKind("fine_out_of_range", "PEN-31", True, "general", "decision", "罚款超出执法事项的法定幅度"),
    DefectKind("one_officer", "PEN-04", True, "general", "inspect", "现场检查只有一名执法人员"),
    DefectKind("expired_credential", "PEN-04", True, "general", "inspect", "执法证已过期的人员参与现场检查和询问"),
    DefectKind("limitation_expired", "PEN-01", True, "general", "decision", "违法行为超过两年追责时效才被发现仍予处罚"),
    DefectKind("unmasked_publication", "PUB-01", True, "general", "published", "公开的处罚决定含个人信息未脱敏"),
    DefectKind("summary_over_limit", "PEN-30", True, "summary", "summary_decision", "简易程序对公民罚款超过二百元"),
    DefectKind("summary_rights_not_told", "PEN-09", True, "summary", "summary_decision",
               "当场处罚前未告知事实、理由、依据及陈述申辩权利"),
    DefectKind("minor_party", "PEN-35", True, "summary", "summary_decision", "对不满十四周岁的人当场罚款"),
    DefectKind("late_registration", "PEN-03", False, "general", "register", "案源登记后超过十五个工作日才立案"),
    DefectKind("credentials_not_shown", "PEN-05", False, "general", "inquiry", "询问时未出示执法证件"),
    DefectKind("hearing_notice_short", "PEN-14", False, "general", "hearing", "听证通知送达后不足七个工作日即举行听证"),
    DefectKind("unqualified_reviewer", "PEN-17", False, "general", "review", "法制审核人员未取得法律职业资格"),
    DefectKind("decision_overdue", "PEN-23", False, "general", "decision", "立案后超过九十日才作出处罚决定"),
    DefectKind("unpublished", "PEN-40", False, "general", "decision", "行政处罚决定作出后未公开"),
    DefectKind("late_archive", "EVAL-07", False, "general", "archived", "结案后超过三十日才归档"),
    DefectKind("cash_late", "PEN-26", False, "summary", "cash", "当场收缴的罚款超过二个工作日才交至行政机关"),
    DefectKind("late_service", "PEN-24", False, "no_penalty", "served", "决定书超过七个工作日才送达"),
    DefectKind("no_education", "PEN-37", False, "no_penalty", "decision", "不予处罚未对当事人进行教育"),
    DefectKind("preservation_late", "PEN-08", False, "transfer", "resolved",
               "先行登记保存超过七个工作日才作出处理决定"),
    DefectKind("transfer_late", "PEN-42", False, "transfer", "transferred", "批准移送后超过二十四小时才移送公安机关"),
)


@dataclass(frozen=True, slots=True)
class Defect:
    """The one defect of a defective case: the rule, whether a gate refuses it live, and
    ``step``, the index in ``DemoCase.steps`` of the step that breaks it (for a missing
    step, the step the absence shows at)."""

    kind: str
    rule: str
    gate: bool
    step: int
    note: str


@dataclass(frozen=True, slots=True)
class DemoCase:
    """One case: its steps in stream order, procedure, the stage it has reached by
    ``as_of``, and its defect (None: lawful, recorded live)."""

    stream: str
    procedure: str
    stage: str
    steps: tuple[Raw, ...]
    defect: Defect | None = None

    @property
    def backfill(self) -> bool:
        return self.defect is not None


@dataclass(frozen=True, slots=True)
class Proceeding:
    """A reconsideration (``review/…``) or lawsuit (``litigation/…``) against a case's decision."""

    stream: str
    target: str
    outcome: str | None
    steps: tuple[Raw, ...]


@dataclass(frozen=True, slots=True)
class Rectification:
    """A 责令整改 (EVAL-08) a supervisor of the 司法局 orders for a defective case's finding, and the
    agency's 整改报告 as the supervisor records it (``reported``: on time, late, or not at all)."""

    stream: str
    case: str
    agency: str
    reported: str  # "on_time" | "late" | "none"
    steps: tuple[Raw, ...]


@dataclass(frozen=True, slots=True)
class Segment:
    """Steps to record in one run, live or as backfill, in this order."""

    backfill: bool
    steps: tuple[Raw, ...]


@dataclass(frozen=True, slots=True)
class DemoFile:
    """A generated document: its SHA-256, the agency whose file holds it, its media type and bytes."""

    sha256: str
    agency: str
    media_type: str
    content: bytes


@dataclass(frozen=True)
class DemoData:
    """What ``generate`` returns; ``segments()`` is the recording order."""

    cases_requested: int
    seed: int
    as_of: date
    registry: tuple[Raw, ...]
    cases: tuple[DemoCase, ...]
    proceedings: tuple[Proceeding, ...]
    _order: tuple[Segment, ...] = field(repr=False, default=())
    documents: Mapping[str, DemoFile] = field(repr=False, default_factory=dict)
    """The written documents the steps cite, by SHA-256 (for the document store)."""
    rectifications: tuple[Rectification, ...] = ()

    def segments(self) -> tuple[Segment, ...]:
        """Registry (live), defective cases (backfill), the rest (live, in time order)."""
        return self._order

    def steps(self) -> Iterator[Raw]:
        """Every step in recording order."""
        for segment in self._order:
            yield from segment.steps

    @property
    def step_count(self) -> int:
        return sum(len(s.steps) for s in self._order)


# --------------------------------------------------------------------------- small helpers


@lru_cache(maxsize=1 << 16)
def _at(day: date, minute: int) -> str:
    return f"{day.isoformat()}T{minute // 60:02d}:{minute % 60:02d}:00+08:00"


def _ri(rng: random.Random, low: int, high: int) -> int:
    """A random integer in [low, high] (``randint`` costs five times as much)."""
    return low + int(rng.random() * (high - low + 1))


T = TypeVar("T")


def _pick(rng: random.Random, options: Sequence[T]) -> T:
    return options[int(rng.random() * len(options))]


def _weighted(rng: random.Random, options: Sequence[tuple[str, int]]) -> str:
    total = sum(w for _, w in options)
    pick = rng.random() * total
    for name, weight in options:
        pick -= weight
        if pick < 0:
            return name
    return options[-1][0]


def _nice(rng: random.Random, low: int, high: int) -> int:
    """An amount in [low, high] (fen) rounded to a step an official would use."""
    if high <= low:
        return low
    span = high - low
    step = 100_000 if high >= 1_000_000 else 10_000 if high >= 100_000 else 1_000
    steps = span // step
    return low + step * _ri(rng, 0, steps) if steps else low


_cn = chinese_numeral


def _article(basis: cat.Basis) -> str:
    _, number, clause, item = basis
    return article(number, clause, item)


def _yuan(fen: int) -> str:
    """An amount as the decision's text states it: 人民币 and yuan with two decimals (``domain.money``)."""
    return f"人民币{yuan(fen)}"


def _basis(items: Sequence[cat.Basis]) -> list[Raw]:
    return [{"law": law, "article": article, "clause": clause, "item": item}
            for law, article, clause, item in items]


_USCC: Final = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS: Final = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ORG_WEIGHTS: Final = (3, 7, 9, 10, 5, 8, 4, 2)
_ORG_VALUES: Final = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


_USCC_VALUE: Final = {c: i for i, c in enumerate(_USCC)}
_ORG_VALUE: Final = {c: i for i, c in enumerate(_ORG_VALUES)}


def credit_code(prefix: str, region: str, body8: str) -> str:
    """A 统一社会信用代码 (GB 32100) whose organisation code (GB 11714) and final character
    both carry valid check characters."""
    total = sum(_ORG_VALUE[c] * w for c, w in zip(body8, _ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    org = body8 + ("X" if check == 10 else "0" if check == 11 else str(check))
    first17 = prefix + region + org
    total = sum(_USCC_VALUE[c] * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return first17 + _USCC[(31 - total % 31) % 31]


def resident_id(region: str, born: date, serial: int) -> str:
    """An 18-digit 居民身份证号码 with a valid GB 11643 check character (odd serial: male)."""
    first17 = f"{region}{born:%Y%m%d}{serial:03d}"
    return first17 + gb11643_check_char(first17)


def _add_months(day: date, months: int) -> date:
    total = day.year * 12 + day.month - 1 + months
    year, month0 = divmod(total, 12)
    for last in (31, 30, 29, 28):
        try:
            return date(year, month0 + 1, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


# --------------------------------------------------------------------------- calendar


def holiday_notice_years(as_of: date) -> tuple[int, ...]:
    """The years of the demo's range the installed calendar does not know (they get a
    generated ``HolidayNoticePublished``)."""
    start = as_of - timedelta(days=365)
    return tuple(y for y in range(start.year, as_of.year + 1) if y not in LIBRARY_YEARS)


# 春节 (正月初一), 端午 and 中秋 of the years after chinesecalendar 1.11.0's last (2026).
_LUNAR: Final[dict[int, tuple[date, date, date]]] = {
    2027: (date(2027, 2, 6), date(2027, 6, 9), date(2027, 9, 15)),
    2028: (date(2028, 1, 26), date(2028, 5, 28), date(2028, 10, 3)),
    2029: (date(2029, 2, 13), date(2029, 6, 16), date(2029, 9, 22)),
    2030: (date(2030, 2, 3), date(2030, 6, 5), date(2030, 9, 12)),
    2031: (date(2031, 1, 23), date(2031, 6, 24), date(2031, 10, 1)),
    2032: (date(2032, 2, 11), date(2032, 6, 12), date(2032, 9, 19)),
    2033: (date(2033, 1, 31), date(2033, 6, 1), date(2033, 9, 8)),
    2034: (date(2034, 2, 19), date(2034, 6, 20), date(2034, 9, 27)),
    2035: (date(2035, 2, 8), date(2035, 6, 10), date(2035, 9, 16)),
}


def _holiday_notice(year: int) -> Raw:
    """A plausible notice for a year the calendar lacks, marked as generated in ``source``:
    the statutory holidays of 全国年节及纪念日放假办法 without 调休 make-up days."""
    days: set[date] = {date(year, 1, 1)}
    days |= {date(year, 5, d) for d in range(1, 6)}
    days |= {date(year, 10, d) for d in range(1, 8)}
    try:
        qingming = [d for d, name in chinese_calendar.get_solar_terms(date(year, 4, 1), date(year, 4, 10))
                    if name == "清明"]
    except Exception:  # outside the library's solar-term table
        qingming = []
    days |= {qingming[0] + timedelta(days=k) for k in range(3)} if qingming else {date(year, 4, 5)}
    lunar = _LUNAR.get(year)
    if lunar is not None:
        spring, dragon, autumn = lunar
        days |= {spring + timedelta(days=k) for k in range(-1, 8)}
        days |= {dragon + timedelta(days=k) for k in range(3)}
        days |= {autumn + timedelta(days=k) for k in range(3)}
    holidays = sorted(d for d in days if d.year == year)
    return {
        "stream": f"calendar/{year}", "type": "HolidayNoticePublished", "by": ADMIN,
        "data": {"year": year, "holidays": [d.isoformat() for d in holidays], "workdays": [],
                 "source": f"演示数据：按《全国年节及纪念日放假办法》推定的{year}年放假安排（非国务院办公厅通知）"},
    }


class _Workdays:
    """Working-day arithmetic over a precomputed table (the same answers as
    ``WorkingCalendar.add_working_days``/``roll_forward``, in O(log n))."""

    def __init__(self, calendar: WorkingCalendar, first: date, last: date) -> None:
        self._cal = calendar
        ords = []
        day = first
        while day <= last:
            known = calendar.is_working_day(day)
            working = known if known is not None else calendar.roll_forward(day).due == day
            if working:
                ords.append(day.toordinal())
            day += _DAY
        self._ords = ords

    def add(self, day: date, n: int) -> date:
        """The n-th working day after ``day`` (start excluded); n = 0: ``day`` if it is one,
        else the next."""
        o = day.toordinal()
        i = bisect_left(self._ords, o) if n == 0 else bisect_right(self._ords, o) + n - 1
        if 0 <= i < len(self._ords) and (self._ords and o >= self._ords[0]):
            return date.fromordinal(self._ords[i])
        return (self._cal.roll_forward(day) if n == 0 else self._cal.add_working_days(day, n)).due

    def back(self, day: date) -> date:
        """The last working day on or before ``day``."""
        i = bisect_right(self._ords, day.toordinal()) - 1
        if i >= 0 and day.toordinal() <= self._ords[-1]:
            return date.fromordinal(self._ords[i])
        while self._cal.roll_forward(day).due != day:
            day -= _DAY
        return day


# --------------------------------------------------------------------------- registry


@dataclass(frozen=True, slots=True)
class _Officer:
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
class _Agency:
    spec: cat.AgencySpec
    stream: str
    credit_code: str
    items: tuple[cat.ItemSpec, ...]
    officers: tuple[_Officer, ...]
    heads: tuple[_Officer, ...] = ()
    field_officers: tuple[_Officer, ...] = ()
    reviewers: tuple[_Officer, ...] = ()

    @classmethod
    def of(cls, spec: cat.AgencySpec, stream: str, code: str, items: tuple[cat.ItemSpec, ...],
           officers: tuple[_Officer, ...]) -> _Agency:
        return cls(spec, stream, code, items, officers, tuple(o for o in officers if o.is_("head")),
                   tuple(o for o in officers if o.is_("officer") and not o.is_("head")),
                   tuple(o for o in officers if o.is_("legal_reviewer")))


def _person_name(rng: random.Random, male: bool | None = None) -> str:
    male = rng.random() < 0.55 if male is None else male
    return _pick(rng, cat.SURNAMES) + _pick(rng, cat.MALE_NAMES if male else cat.FEMALE_NAMES)


# Special credentials, relative to the range's first day R (as_of − 365): renewed ones get a
# CredentialRenewed 14 days before they lapse; lapsed ones are not used after (except by a defect).
_RENEWED: Final = {("JA-CGJ", 3): 120, ("JA-SCJ", 4): 200, ("JA-JTJ", 3): 250}
_LAPSING: Final = {("JA-CGJ", 8): 75, ("JA-SCJ", 6): 110}
_EXPIRING_SOON: Final = {("JA-SHJ", 4): 45}
"""Days after ``as_of`` a credential lapses: shown as due for renewal, valid all year."""


def _registry(as_of: date, config: Config) -> tuple[list[Raw], list[Raw], dict[str, _Agency], list[_Officer]]:
    """(opening registry steps, later registry steps, agencies, justice-bureau staff)."""
    rng = random.Random(f"enforcement-ledger demo registry {as_of.year}")
    start = as_of - timedelta(days=365)
    steps: list[Raw] = []
    later: list[Raw] = []
    minute = 8 * 60 + 30
    for year in holiday_notice_years(as_of):
        steps.append({**_holiday_notice(year), "at": _at(start, minute)})
        minute += 1
    agencies: dict[str, _Agency] = {}
    names: set[str] = set()

    def unique_name(male: bool | None = None) -> str:
        while True:
            name = _person_name(rng, male)
            if name not in names:
                names.add(name)
                return name

    for spec in (*cat.AGENCIES, cat.JUSTICE):
        stream = f"agency/{spec.code}"
        code = credit_code("11", cat.REGION_CODE, spec.org_code)
        data: Raw = {"name": spec.name, "credit_code": code, "level": "district", "region": "湖北省武汉市江岸区",
                     "reconsideration_bodies": list(spec.reconsideration_bodies), "court": cat.COURT}
        if spec is not cat.JUSTICE:
            data["supervised_by"] = f"agency/{cat.JUSTICE.code}"
        steps.append({"stream": stream, "type": "AgencyRegistered", "at": _at(start, 9 * 60 + len(agencies)),
                      "by": ADMIN, "data": data})
        items = cat.ITEMS.get(spec.code, ())
        for n, item in enumerate(items):
            item_data: Raw = {
                "code": item.code, "name": item.name, "kind": "penalty", "basis": _basis(item.basis),
                "sanction_basis": _basis(item.sanction), "penalty_types": list(item.penalty_types),
                "min_fen": item.min_fen, "max_fen": item.max_fen,
            }
            if item.bands:
                item_data["bands"] = [{"circumstance": c, "min_fen": lo, "max_fen": hi} for c, lo, hi in item.bands]
            if item.no_penalty:
                item_data["no_penalty"] = {"conditions": list(cat.NO_PENALTY_CONDITIONS),
                                           "first_violation_months": config.no_penalty.first_violation_months}
            steps.append({"stream": stream, "type": "EnforcementItemPublished",
                          "at": _at(start, 10 * 60 + 10 * len(agencies) + n), "by": ADMIN, "data": item_data})
        if items:
            review_p, review_o, hearing_p, hearing_o = spec.catalogue
            steps.append({"stream": stream, "type": "LegalReviewCatalogPublished",
                          "at": _at(start, 11 * 60 + len(agencies)), "by": ADMIN,
                          "data": {"person_fen": review_p, "organisation_fen": review_o,
                                   "hearing_person_fen": hearing_p, "hearing_organisation_fen": hearing_o,
                                   "categories": ["涉及重大公共利益", "经过听证程序", "案情疑难复杂、涉及多个法律关系",
                                                  "罚款数额达到本目录标准"]}})
        officers: list[_Officer] = []
        if spec is cat.JUSTICE:
            roster: list[tuple[tuple[str, ...], bool]] = [
                (("supervisor", "reconsideration_staff"), True), (("reconsideration_staff",), True),
                (("supervisor",), True),
            ]
        else:
            roster = [(("officer",), True)] * spec.officers + [(("head", "officer"), True)] * 2
            roster += [(("legal_reviewer",), True)] * spec.reviewers
            if spec.unqualified_reviewer:
                roster.append((("legal_reviewer",), False))
        for serial, (roles, qualified) in enumerate(roster, start=1):
            ident = f"4201020{spec.digit}{serial:03d}"
            key = (spec.code, serial)
            valid_from: date | None = None
            valid_to: date | None = None
            renewed_at = renewed_to = None
            odata: Raw = {"name": unique_name(), "agency": stream, "roles": list(roles)}
            if spec is not cat.JUSTICE:
                valid_from = date(start.year - _ri(rng, 1, 5), _pick(rng, (1, 3, 7)), 1)
                valid_to = date(as_of.year + _ri(rng, 1, 4), 12, 31)
                if key in _RENEWED:
                    valid_to = start + timedelta(days=_RENEWED[key])
                    renewed_at = valid_to - timedelta(days=14)
                    renewed_to = date(valid_to.year + 5, 12, 31)
                elif key in _LAPSING:
                    valid_to = start + timedelta(days=_LAPSING[key])
                elif key in _EXPIRING_SOON:
                    valid_to = as_of + timedelta(days=_EXPIRING_SOON[key])
                odata.update(credential_no=ident, credential_valid_from=valid_from.isoformat(),
                             credential_valid_to=valid_to.isoformat(), fields=[spec.field])
            if "legal_reviewer" in roles or "supervisor" in roles or "reconsideration_staff" in roles:
                if qualified:
                    year, serial_no = _ri(rng, 2012, 2022), _ri(rng, 1, 9999)
                    odata["legal_qualification_no"] = f"A{year}{cat.REGION_CODE}{serial_no:04d}"
            officer = _Officer(f"officer/{ident}", odata["name"], stream, roles, valid_from, valid_to,
                               renewed_at, renewed_to, qualified)
            officers.append(officer)
            steps.append({"stream": officer.id, "type": "OfficerRegistered",
                          "at": _at(start, 14 * 60 + 20 * len(agencies) + serial), "by": ADMIN, "data": odata})
            if renewed_at is not None and renewed_to is not None:
                later.append({"stream": officer.id, "type": "CredentialRenewed", "at": _at(renewed_at, 10 * 60),
                              "by": ADMIN, "data": {"credential_no": ident, "valid_to": renewed_to.isoformat()}})
        agencies[spec.code] = _Agency.of(spec, stream, code, items, tuple(officers))
    justice = list(agencies.pop(cat.JUSTICE.code).officers)
    return steps, later, agencies, justice


# --------------------------------------------------------------------------- case specs


@dataclass
class _Spec:
    """What is decided about a case before its dates: procedure, item, amounts, path."""

    index: int
    seed: str
    procedure: str
    target: str
    agency: _Agency
    item: cat.ItemSpec
    party_kind: str
    defect: DefectKind | None = None
    circumstance: str = "一般"
    proposed: list[Raw] = field(default_factory=list)
    decided: list[Raw] = field(default_factory=list)
    hearing_right: bool = False
    path: str = "silent"
    adopted: bool = False
    review: bool = False
    discussion: bool = False
    service: str = "in_person"
    payment: str | None = None
    outcome: str = "penalty"
    min_start: date = date.min
    lapsed: _Officer | None = None


def _fine(penalties: Sequence[Raw]) -> int:
    return sum(p.get("amount_fen", 0) for p in penalties if p["type"] == "fine")


def _kind_threshold(spec: _Spec, person: int, organisation: int) -> int:
    return organisation if spec.party_kind == "organisation" else person


def _hearing_eligible(spec: _Spec, penalties: Sequence[Raw], config: Config) -> bool:
    """As gates._hearing_eligible: a fine or confiscation at or above 较大数额, or a listed type."""
    _, _, hp, ho = spec.agency.spec.catalogue
    threshold = _kind_threshold(spec, hp, ho)
    for kind in ("fine", "confiscation"):
        total = sum(p.get("amount_fen", 0) for p in penalties if p["type"] == kind)
        if total and total >= threshold:
            return True
    return any(p["type"] in config.hearing.penalty_types for p in penalties)


def _review_threshold(spec: _Spec) -> int:
    rp, ro, _, _ = spec.agency.spec.catalogue
    return _kind_threshold(spec, rp, ro)


def _needs(spec: _Spec, config: Config) -> tuple[bool, bool]:
    """(legal review required, collective discussion required) for the decided penalties."""
    held = spec.path == "hearing"
    fine = _fine(spec.decided)
    big = bool(fine) and fine >= _review_threshold(spec)
    review = big or (config.legal_review.when_hearing_held and held) or any(
        p["type"] in config.legal_review.penalty_types for p in spec.decided)
    cd = config.collective_discussion
    discussion = ((cd.when_hearing_eligible and _hearing_eligible(spec, spec.decided, config))
                  or (cd.when_hearing_held and held) or (cd.when_review_threshold and big))
    return review, discussion


def _items_for(agencies: dict[str, _Agency], procedure: str) -> list[tuple[_Agency, cat.ItemSpec]]:
    return [(a, i) for a in agencies.values() for i in a.items if procedure in i.procedures]


def _choose_item(rng: random.Random, agencies: dict[str, _Agency], procedure: str,
                 kind: DefectKind | None) -> tuple[_Agency, cat.ItemSpec]:
    options = _items_for(agencies, procedure)
    name = kind.name if kind else ""

    def reaches(agency: _Agency, item: cat.ItemSpec, which: int) -> bool:
        kinds = ("person", "organisation") if item.party == "either" else (item.party,)
        review_p, review_o, hearing_p, hearing_o = agency.spec.catalogue
        person, organisation = ((review_p, review_o), (hearing_p, hearing_o))[which]
        return all(item.max_fen >= (organisation if k == "organisation" else person) for k in kinds)

    if name in ("no_hearing_right", "no_collective_discussion", "hearing_notice_short"):
        options = [(a, i) for a, i in options if reaches(a, i, 1)]
    elif name == "no_legal_review":
        options = [(a, i) for a, i in options if reaches(a, i, 0)]
    if name == "decision_overdue":
        options = [(a, i) for a, i in options if i.expert]
    elif name == "unqualified_reviewer":
        options = [(a, i) for a, i in options if a.spec.unqualified_reviewer]
    elif name == "expired_credential":
        options = [(a, i) for a, i in options if any((a.spec.code, s) in _LAPSING for s in range(1, 20))]
    elif name in ("summary_over_limit", "minor_party"):
        options = [(a, i) for a, i in options if i.party == "person" and "fine" in i.penalty_types]
    elif name == "cash_late":
        options = [(a, i) for a, i in options if "fine" in i.penalty_types and i.min_fen <= 10_000]
    if name == "summary_over_limit":
        options = [(a, i) for a, i in options if i.max_fen > 20_000]
    return _pick(rng, options)


def _general_amounts(spec: _Spec, rng: random.Random, config: Config) -> None:
    item = spec.item
    name = spec.defect.name if spec.defect else ""
    if item.bands:
        weights = {"轻微": 20, "一般": 55, "较重": 15, "严重": 10}
        spec.circumstance = _weighted(rng, [(b[0], weights[b[0]]) for b in item.bands])
        _, low, high = next(b for b in item.bands if b[0] == spec.circumstance)
    else:
        spec.circumstance, low, high = "一般", item.min_fen, item.max_fen
    low = max(low, 100_000 if item.max_fen >= 1_000_000 else 10_000 if item.max_fen >= 100_000 else 1_000)
    fine = _nice(rng, low, high)
    if name == "fine_out_of_range":
        spec.circumstance = item.bands[-1][0] if item.bands else "严重"
        fine = item.max_fen + _nice(rng, item.max_fen // 5, item.max_fen // 2)
    penalties: list[Raw] = []
    if "warning" in item.penalty_types and rng.random() < 0.3:
        penalties.append({"type": "warning"})
    penalties.append({"type": "fine", "amount_fen": fine})
    if item.confiscation_fen and rng.random() < 0.5:
        penalties.append({"type": "confiscation", "amount_fen": _nice(rng, *item.confiscation_fen)})
    spec.proposed = penalties

    def raise_fine(to: int) -> None:
        """Raise the fine to a threshold, and the circumstance with it (PEN-33: the fine
        stays in its circumstance's discretion band)."""
        for p in spec.proposed:
            if p["type"] == "fine" and p["amount_fen"] < to:
                p["amount_fen"] = min(item.max_fen, to)
                fitting = [c for c, lo, hi in item.bands if lo <= p["amount_fen"] <= hi]
                if fitting and spec.circumstance not in fitting:
                    spec.circumstance = fitting[-1]

    _, _, hp, ho = spec.agency.spec.catalogue
    if name in ("no_hearing_right", "no_collective_discussion", "hearing_notice_short"):
        raise_fine(_kind_threshold(spec, hp, ho))
    if name == "no_legal_review":
        raise_fine(_review_threshold(spec))
    spec.hearing_right = _hearing_eligible(spec, spec.proposed, config) and name != "no_hearing_right"
    if spec.hearing_right:
        spec.path = _weighted(rng, (("hearing", 35), ("waiver", 20), ("statement", 25), ("silent", 20)))
    else:
        spec.path = _weighted(rng, (("waiver", 30), ("statement", 30), ("silent", 40)))
    if name == "hearing_notice_short":
        spec.path = "hearing"
    elif name in ("no_notice", "decision_in_window", "heavier_than_notice") or (
            name == "no_hearing_right" and spec.path == "hearing"):
        spec.path = "silent"
    spec.decided = [dict(p) for p in spec.proposed]
    if name == "heavier_than_notice":  # heavier than told, yet within the band (only PEN-11)
        fine_line = next(p for p in spec.decided if p["type"] == "fine")
        low, high = next(((lo, hi) for c, lo, hi in item.bands if c == spec.circumstance),
                         (item.min_fen, item.max_fen))
        fine = fine_line["amount_fen"]
        if fine < high:
            fine_line["amount_fen"] = min(high, fine + max(1_000, (high - fine) // 2))
        else:  # at the top of the band: the notice told less
            for p in spec.proposed:
                if p["type"] == "fine":
                    p["amount_fen"] = max(low, fine - max(1_000, (fine - low) // 2))
        spec.hearing_right = _hearing_eligible(spec, spec.proposed, config)
    elif spec.path in ("statement", "hearing") and not name and rng.random() < 0.2:
        band_low = next((b[1] for b in item.bands if b[0] == spec.circumstance), item.min_fen)
        for p in spec.decided:
            if p["type"] == "fine":
                reduced = p["amount_fen"] - _nice(rng, p["amount_fen"] // 10, p["amount_fen"] // 5)
                if reduced >= max(band_low, item.min_fen) and reduced < p["amount_fen"]:
                    p["amount_fen"] = reduced
                    spec.adopted = True
    spec.review, spec.discussion = _needs(spec, config)
    if not spec.review and rng.random() < 0.3:
        spec.review = True  # many agencies review every general-procedure case
    if name == "no_legal_review":
        spec.review = False
    elif name == "no_collective_discussion":
        spec.discussion = False
    elif name == "unqualified_reviewer":
        spec.review = True
    spec.service = _weighted(rng, (("in_person", 60), ("mail", 30), ("electronic", 10)))
    spec.payment = _weighted(rng, (("bank", 70), ("electronic", 30))) if _fine(spec.decided) or any(
        p["type"] == "confiscation" for p in spec.decided) else None


def _summary_amounts(spec: _Spec, rng: random.Random, config: Config) -> None:
    item = spec.item
    name = spec.defect.name if spec.defect else ""
    limit = config.summary.organisation_max_fen if spec.party_kind == "organisation" else config.summary.person_max_fen
    if name == "summary_over_limit":
        spec.decided = [{"type": "fine", "amount_fen": _nice(rng, limit + 1_000, item.max_fen)}]
    elif "warning" in item.penalty_types and rng.random() < 0.3 and name != "cash_late" and spec.target != "paid":
        spec.decided = [{"type": "warning"}]
    else:
        high = min(item.max_fen, limit)
        if name == "cash_late":
            high = min(high, config.payment.on_the_spot_max_fen)
        spec.decided = [{"type": "fine", "amount_fen": _nice(rng, max(item.min_fen, 1_000), high)}]
    spec.proposed = spec.decided
    fine = _fine(spec.decided)
    if not fine:
        spec.payment = None
    elif name == "cash_late" or (fine <= config.payment.on_the_spot_max_fen and rng.random() < 0.6
                                 and spec.target != "decided"):
        spec.payment = "on_the_spot"
    else:
        spec.payment = _weighted(rng, (("bank", 60), ("electronic", 40)))


# --------------------------------------------------------------------------- timelines


@dataclass(frozen=True, slots=True)
class _Slot:
    label: str
    day: date
    minute: int
    stage: str


class _Timeline:
    def __init__(self) -> None:
        self.slots: list[_Slot] = []

    def add(self, label: str, day: date, minute: int, stage: str) -> _Slot:
        if self.slots:
            last = self.slots[-1]
            if day < last.day:  # never planned so; kept as a guard for the stream's time order
                day = last.day
            if day == last.day and minute <= last.minute:
                minute = last.minute + 5
        slot = _Slot(label, day, minute, stage)
        self.slots.append(slot)
        return slot


def _am(rng: random.Random) -> int:
    return _ri(rng, 9 * 60, 11 * 60 + 20)


def _pm(rng: random.Random) -> int:
    return _ri(rng, 14 * 60 + 30, 16 * 60 + 30)


def _plan(spec: _Spec, start: date, wd: _Workdays, config: Config, salt: int = 0) -> list[_Slot]:
    rng = random.Random(spec.seed + "/dates" + (f"/{salt}" if salt else ""))
    if spec.procedure == "summary":
        return _plan_summary(spec, start, wd, rng, config)
    t = _Timeline()
    name = spec.defect.name if spec.defect else ""
    source = wd.add(start, 0)
    t.add("source", source, _am(rng), "registered")
    if name == "late_registration":
        registered = wd.add(source, config.registration.within_wd + _ri(rng, 3, 8))
    else:
        registered = wd.add(source, _pick(rng, (0, 1, 1, 2, 3)))
    t.add("register", registered, _am(rng), "registered")
    gap = _pick(rng, (0, 1, 1, 2))
    if spec.target == "registered":
        gap = max(gap, 1) + _ri(rng, 0, 2)
    inspected = wd.add(registered, gap)
    minute = _pm(rng)
    t.add("inspect", inspected, minute, "investigating")
    t.add("ev_record", inspected, minute + 52, "investigating")
    t.add("ev_av", inspected, minute + 53, "investigating")
    if spec.procedure == "transfer":
        return _plan_transfer(spec, t, inspected, wd, rng, config)
    asked = wd.add(inspected, _ri(rng, 1, 3))
    minute = _am(rng)
    t.add("inquiry", asked, minute, "investigating")
    t.add("ev_id", asked, minute + 65, "investigating")
    last = asked
    if spec.procedure == "no_penalty":
        fixed = wd.add(asked, _ri(rng, 1, 2))
        t.add("ev_fix", fixed, _pm(rng), "investigating")
        concluded = wd.add(fixed, _ri(rng, 1, 2))
        t.add("conclude", concluded, _am(rng), "investigating")
        return _plan_no_penalty(spec, t, concluded, wd, rng, config)
    if spec.item.expert:
        if name == "decision_overdue":
            tested = wd.add(registered + timedelta(days=config.decision.limit_nd - _ri(rng, 2, 5)), 0)
        else:
            tested = wd.add(asked, _ri(rng, 2, 6))
        t.add("ev_expert", tested, _pm(rng), "investigating")
        last = tested
    concluded = wd.add(last, _ri(rng, 1, 3))
    t.add("conclude", concluded, _am(rng), "notice_served")
    return _plan_general(spec, t, concluded, registered, wd, rng, config)


def _plan_general(spec: _Spec, t: _Timeline, concluded: date, registered: date, wd: _Workdays,
                  rng: random.Random, config: Config) -> list[_Slot]:
    name = spec.defect.name if spec.defect else ""
    stage = "notice_served"
    window = (config.statement.window_with_hearing_wd if spec.hearing_right else config.statement.window_wd)
    if name == "no_notice":
        last_change = concluded
        earliest = wd.add(concluded, 1)
    else:
        notice = wd.add(concluded, _ri(rng, 1, 2))
        t.add("notice", notice, _am(rng), stage)
        last_change = notice
        earliest = wd.add(notice, window + 1)
        if spec.path == "hearing":
            requested = wd.add(notice, _ri(rng, 1, min(4, config.hearing.request_wd)))
            t.add("hearing_request", requested, _am(rng), stage)
            notified = wd.add(requested, _ri(rng, 1, 2))
            t.add("hearing_notice", notified, _pm(rng), stage)
            if name == "hearing_notice_short":
                lead = _ri(rng, 3, max(3, config.hearing.notice_wd - 2))
            else:
                lead = config.hearing.notice_wd + 1 + _ri(rng, 0, 3)
            held = wd.add(notified, lead)
            t.add("hearing", held, 9 * 60 + 30, stage)
            t.add("statement", held, 11 * 60, stage)
            last_change = wd.add(held, _ri(rng, 1, 2))
            t.add("statement_review", last_change, _pm(rng), stage)
        elif spec.path == "waiver":
            waived = wd.add(notice, _pick(rng, (0, 1)))
            t.add("waiver", waived, _pm(rng), stage)
            earliest = wd.add(waived, 1)
        elif spec.path == "statement":
            stated = wd.add(notice, _ri(rng, 1, window))
            t.add("statement", stated, _am(rng), stage)
            last_change = wd.add(stated, 1)
            t.add("statement_review", last_change, _pm(rng), stage)
    if name == "decision_in_window":
        notice_day = last_change
        if spec.review:
            t.add("review_request", notice_day, 15 * 60 + 30, stage)
            t.add("review", wd.add(notice_day, 1), 10 * 60, stage)
        if spec.discussion:
            t.add("discussion", wd.add(notice_day, 1), 15 * 60, stage)
        decided = wd.add(notice_day, _ri(rng, 1, 2))
    else:
        prev = last_change
        if spec.review:
            asked = wd.add(prev, _ri(rng, 1, 2))
            t.add("review_request", asked, _am(rng), stage)
            prev = wd.add(asked, _ri(rng, 1, 3))
            t.add("review", prev, _pm(rng), stage)
        if spec.discussion:
            prev = wd.add(prev, _ri(rng, 1, 2))
            t.add("discussion", prev, _pm(rng), stage)
        decided = max(wd.add(prev, _ri(rng, 1, 2)), earliest)
        if name == "decision_overdue":
            decided = max(decided, wd.add(registered + timedelta(days=config.decision.limit_nd), 1))
    minute = _am(rng)
    t.add("decision", decided, minute, "decided")
    if spec.service == "mail":
        served = wd.add(decided, _ri(rng, 2, 4))
        t.add("served", served, _pm(rng), "decided")
    elif spec.service == "electronic":
        served = decided
        t.add("served", served, minute + 90, "decided")
    else:
        served = wd.add(decided, _pick(rng, (0, 0, 1, 2)))
        t.add("served", served, 15 * 60 if served == decided else _am(rng), "decided")
    published: date | None = None
    if name != "unpublished":
        published = max(wd.add(decided, _ri(rng, 1, 5)), served)
        published = min(published, wd.add(decided, config.publication.decision_wd))
    if spec.target == ENFORCING:
        if published is not None:
            t.add("published", published, 16 * 60 + 30, "decided")
        demanded = wd.add(served + timedelta(days=config.payment.due_nd + _ri(rng, 5, 20)), 0)
        t.add("demand", demanded, _am(rng), ENFORCING)
        applied = wd.add(_add_months(served, 6) + timedelta(days=_ri(rng, 15, 40)), 0)
        t.add("court", applied, _am(rng), ENFORCING)
        return t.slots
    after = served
    paid: date | None = None
    if spec.payment is not None:
        paid = wd.add(served + timedelta(days=_ri(rng, 1, config.payment.due_nd - 1)), 0)
        if paid > served + timedelta(days=config.payment.due_nd):
            paid = wd.back(served + timedelta(days=config.payment.due_nd))
        after = paid
    # payment and publication are independent: add them in the order they happen (a long
    # holiday can put the publication, 7 working days on, after a payment within 15 days)
    if published is not None and (paid is None or published <= paid):
        t.add("published", published, 16 * 60 + 30, "decided")
    if paid is not None:
        t.add("paid", paid, _am(rng) if paid != served else 16 * 60, "paid")
    if published is not None and paid is not None and published > paid:
        t.add("published", published, 16 * 60 + 30, "paid")
    if published is not None:
        after = max(after, published)
    _close_and_archive(spec, t, after, wd, rng, config, gap=(2, 8))
    return t.slots


def _close_and_archive(spec: _Spec, t: _Timeline, after: date, wd: _Workdays, rng: random.Random,
                       config: Config, *, gap: tuple[int, int]) -> None:
    closed = wd.add(after, _ri(rng, *gap))
    t.add("closed", closed, _am(rng), "closed")
    limit = config.evaluation.archive_nd
    if spec.defect is not None and spec.defect.name == "late_archive":
        archived = wd.add(closed + timedelta(days=limit + _ri(rng, 10, 40)), 0)
    else:
        archived = wd.add(closed + timedelta(days=_ri(rng, 5, max(5, limit - 8))), 0)
        if archived > closed + timedelta(days=limit):
            archived = wd.back(closed + timedelta(days=limit))
    t.add("archived", archived, _pm(rng), "archived")


def _plan_no_penalty(spec: _Spec, t: _Timeline, concluded: date, wd: _Workdays, rng: random.Random,
                     config: Config) -> list[_Slot]:
    name = spec.defect.name if spec.defect else ""
    decided = wd.add(concluded, _ri(rng, 1, 3))
    minute = _am(rng)
    t.add("decision", decided, minute, "decided")
    if name != "no_education":
        t.add("education", decided, minute + 30, "decided")
    if name == "late_service":
        served = wd.add(decided, config.decision.service_wd + _ri(rng, 2, 5))
        t.add("served", served, _pm(rng), "decided")
    else:
        served = wd.add(decided, _pick(rng, (0, 1)))
        t.add("served", served, _pm(rng), "decided")
    _close_and_archive(spec, t, served, wd, rng, config, gap=(2, 5))
    return t.slots


def _plan_transfer(spec: _Spec, t: _Timeline, inspected: date, wd: _Workdays, rng: random.Random,
                   config: Config) -> list[_Slot]:
    name = spec.defect.name if spec.defect else ""
    last_minute = t.slots[-1].minute
    t.add("preserve", inspected, last_minute + 20, "investigating")
    identified = wd.add(inspected, 1)
    t.add("ev_id", identified, _am(rng), "investigating")
    tested = wd.add(identified, _ri(rng, 1, 2))
    t.add("ev_expert", tested, 10 * 60, "investigating")
    t.add("conclude", tested, 15 * 60, "investigating")
    decided = wd.add(tested, _pick(rng, (0, 1)))
    if decided > tested + timedelta(days=config.transfer.decide_days):  # PEN-42: days, not working days
        decided = tested
    minute = 16 * 60 if decided == tested else _am(rng)
    t.add("transfer_decided", decided, minute, "transferred")
    limit = config.preservation.resolve_wd
    if name == "transfer_late":  # the items are handed over on paper at once, the file days later
        t.add("resolved", decided, minute + 30, "transferred")
        t.add("transferred", wd.add(decided, _ri(rng, 3, 4)), _pm(rng), "transferred")
    else:
        t.add("transferred", decided, minute + _ri(rng, 60, 300), "transferred")
        if name == "preservation_late":
            resolved = wd.add(inspected, limit + _ri(rng, 2, 5))
        else:
            resolved = min(wd.add(decided, _pick(rng, (0, 1))), wd.add(inspected, limit))
        t.add("resolved", max(resolved, t.slots[-1].day), _pm(rng), "transferred")
    _close_and_archive(spec, t, t.slots[-1].day, wd, rng, config, gap=(2, 5))
    return t.slots


def _plan_summary(spec: _Spec, start: date, wd: _Workdays, rng: random.Random, config: Config) -> list[_Slot]:
    t = _Timeline()
    day = start
    minute = _ri(rng, 8 * 60 + 30, 17 * 60 + 30)
    t.add("register", day, minute, "decided")
    t.add("summary_decision", day, minute + 5, "decided")
    t.add("served", day, minute + 7, "decided")
    after = day
    if spec.payment == "on_the_spot":
        t.add("paid", day, minute + 9, "paid")
        if spec.defect is not None and spec.defect.name == "cash_late":
            handed = wd.add(day, config.payment.cash_handover_wd + _ri(rng, 2, 3))
        else:
            handed = wd.add(day, _ri(rng, 1, config.payment.cash_handover_wd))
        t.add("cash", handed, 16 * 60, "paid")
        after = handed
    elif spec.payment is not None:
        paid = wd.add(day + timedelta(days=_ri(rng, 1, config.payment.due_nd - 1)), 0)
        if paid > day + timedelta(days=config.payment.due_nd):
            paid = wd.back(day + timedelta(days=config.payment.due_nd))
        t.add("paid", paid, _am(rng), "paid")
        after = paid
    _close_and_archive(spec, t, after, wd, rng, config, gap=(1, 3))
    return t.slots


def _stages(slots: Sequence[_Slot]) -> list[str]:
    out: list[str] = []
    for slot in slots:
        if not out or out[-1] != slot.stage:
            out.append(slot.stage)
    return out


def _fits(slots: Sequence[_Slot], target: str, last: date) -> bool:
    stages = _stages(slots)
    if target not in stages:
        return False
    first = next(s.day for s in slots if s.stage == target)
    if first > last:
        return False
    if target in ("archived", ENFORCING) or target == stages[-1]:
        return target == ENFORCING or slots[-1].day <= last
    following = stages[stages.index(target) + 1]
    return next(s.day for s in slots if s.stage == following) > last


_LONGEST: Final = {"summary": 45, "no_penalty": 75, "transfer": 60, "general": 140}
"""Days a lawful case of each procedure takes at most from its source to its archiving."""


def _fit(spec: _Spec, wd: _Workdays, config: Config, low: date, last: date) -> list[_Slot]:
    """Plan the case so that on ``last`` (the day before as_of) it has reached ``spec.target``
    and not the stage after it; fall back to cutting the plan at ``last``."""
    rng = random.Random(spec.seed + "/fit")
    low = max(low, spec.min_start)
    if spec.target == "archived":  # one plan is usually enough: start early enough to finish
        longest = _LONGEST[spec.procedure] + (60 if spec.defect else 0)
        start = low + timedelta(days=_ri(rng, 0, max(0, (last - low).days - longest)))
    else:
        start = last - timedelta(days=120)
    slots = _plan(spec, max(start, low), wd, config)
    present = _stages(slots)
    target = spec.target
    if target not in present:  # e.g. "paid" for a warning: the next stage the case has
        order = STAGES[spec.procedure]
        later = [s for s in order[order.index(target) + 1:] if s in present] if target in order else []
        target = later[0] if later else present[-1]
    if _fits(slots, target, last):
        return slots
    for _ in range(8):
        stages = _stages(slots)
        origin = slots[0].day
        if target in ("archived", ENFORCING) or target == stages[-1]:
            anchor = slots[-1].day if target != ENFORCING else next(s.day for s in slots if s.stage == target)
            room = (last - low).days - (anchor - origin).days
            if room < 0:
                start = low
            else:
                start = low + timedelta(days=_ri(rng, 0, room))
        else:
            a = next(s.day for s in slots if s.stage == target)
            b = next(s.day for s in slots if s.stage == stages[stages.index(target) + 1])
            width = max(1, (b - a).days)
            shift = (last - a).days - _ri(rng, 0, width - 1)
            origin = slots[0].day
            start = origin + timedelta(days=shift)
            # a start on a rest day rolls forward to the next working day: make sure it moves
            if shift < 0 and wd.add(start, 0) >= origin:
                start = wd.back(origin - _DAY)
            elif shift > 0 and wd.add(start, 0) <= origin:
                start = wd.add(origin, 1)
        start = max(start, low)
        slots = _plan(spec, start, wd, config)
        if _fits(slots, target, last):
            return slots
    if target not in ("archived", ENFORCING) and target in _stages(slots):
        # narrow windows can make the shifts oscillate over weekends: walk back a day at a time
        # ... and some plans skip a narrow window altogether: then draw the gaps anew
        for salt in range(4):
            slots = _plan(spec, slots[0].day, wd, config, salt)
            a = next((s.day for s in slots if s.stage == target), last)
            first = slots[0].day + (last - a) + timedelta(days=10)  # the stage begins after ``last``
            for back in range(40):
                start = first - timedelta(days=back)
                if start < low:
                    break
                slots = _plan(spec, start, wd, config, salt)
                if _fits(slots, target, last):
                    return slots
    return slots


# --------------------------------------------------------------------------- building


_MEDIA: Final = {"video": ("video/mp4", 8_000_000, 90_000_000), "image": ("image/jpeg", 200_000, 3_000_000),
                 "pdf": ("application/pdf", 20_000, 900_000)}


class _Docs:
    """Content-addressed document references, stable per case and document key.

    A written document (``pdf``) is a real one-page PDF (``demo.documents``) whose
    SHA-256 the reference cites; ``files`` keeps its bytes for the document store. Images and
    AV records stay references only (the file library says 未上传)."""

    def __init__(self, stream: str, agency: str = "", agency_name: str = "") -> None:
        self.stream = stream
        self.agency = agency
        self.agency_name = agency_name
        self.cache: dict[str, Raw] = {}
        self.files: dict[str, DemoFile] = {}

    def __call__(self, name: str, kind: str = "pdf", key: str | None = None) -> Raw:
        key = key or name
        found = self.cache.get(key)
        if found is None:
            media, low, high = _MEDIA[kind]
            if kind == "pdf":
                number = self.stream.split("/", 1)[-1]
                content = one_page_pdf(name, [f"案号：{number}", f"执法机关：{self.agency_name}",
                                              f"文书：{name}" + ("" if key == name else f"（{key}）"),
                                              "本文件由演示数据生成，仅为示意，不具法律效力。"])
                digest = hashlib.sha256(content).hexdigest()
                self.files[digest] = DemoFile(digest, self.agency, media, content)
                size = len(content)
            else:
                digest = hashlib.sha256(f"demo|{self.stream}|{key}".encode()).hexdigest()
                size = low + int(digest[:8], 16) % (high - low)
            found = {"sha256": digest, "bytes": size, "media_type": media, "name": name}
            self.cache[key] = found
        return dict(found)  # a step's data is its own, even where two steps cite one file


@dataclass
class _Built:
    stream: str
    number: str
    serial: int
    year: int
    spec: _Spec
    slots: list[_Slot]
    party: Raw
    handlers: list[str]
    steps: list[Raw]
    document_no: str | None
    served_at: str | None
    published: bool
    last_day: date


class _Builder:
    """Turns a planned case into steps (docs/spec/steps.md shapes, as in examples/)."""

    def __init__(self, spec: _Spec, slots: list[_Slot], plan: list[_Slot], number: str, serial: int, year: int,
                 config: Config) -> None:
        self.spec = spec
        self.slots = slots
        self.plan = plan
        """The whole plan, beyond ``as_of`` too (a hearing notice names the hearing's time)."""
        self.config = config
        self.number = number
        self.serial = serial
        self.year = year
        self.stream = f"case/{number}"
        self.rng = random.Random(spec.seed + "/content")
        self.doc = _Docs(self.stream, spec.agency.stream, spec.agency.spec.name)
        self.agency = spec.agency
        self.item = spec.item
        self.name = spec.defect.name if spec.defect else ""
        heads = self.agency.heads
        self.head, self.deputy = heads[0].id, heads[1].id
        self.party = self._party()
        officer_days = [s.day for s in slots if s.label in ("inspect", "inquiry", "preserve", "summary_decision")]
        self.handlers = self._handlers(officer_days or [slots[0].day])
        self.by = self.handlers[0]
        self.evidence: list[str] = []
        self.evidence_proves: dict[str, list[str]] = {}
        self.facts: list[Raw] = []
        short = self.agency.spec.short
        self.document_no = (f"{short}不罚决字〔{year}〕第{serial:04d}号" if spec.outcome != "penalty"
                            else f"{short}罚决字〔{year}〕第{serial:04d}号")
        if spec.procedure == "summary":
            self.document_no = f"{short}简罚〔{year}〕{serial:04d}"
        self.source_kind, self.source_summary = _pick(self.rng, spec.item.sources)
        self.violation = _pick(self.rng, spec.item.violations)

    # -- people ---------------------------------------------------------------------

    def _party(self) -> Raw:
        rng = self.rng
        first = self.slots[0].day
        if self.spec.party_kind == "person":
            male = rng.random() < 0.6
            if self.name == "minor_party":
                born = first - timedelta(days=365 * 13 + _ri(rng, -150, 100))
            else:
                born = date(_ri(rng, 1962, 2003), _ri(rng, 1, 12), _ri(rng, 1, 28))
            serial = _ri(rng, 0, 499) * 2 + (1 if male else 0)
            region = _pick(rng, cat.WUHAN_REGIONS)
            party: Raw = {"kind": "person", "name": _person_name(rng, male),
                          "id_number": resident_id(region, born, serial),
                          "address": f"{cat.DISTRICT}{_pick(rng, cat.ESTATES)}{_ri(rng, 1, 40)}栋"
                                     f"{_ri(rng, 1, 4)}单元{_ri(rng, 1, 30)}0{_ri(rng, 1, 4)}室",
                          "phone": _pick(rng, cat.MOBILE_PREFIXES) + f"{_ri(rng, 0, 99_999_999):08d}",
                          "birth_date": born.isoformat()}
            return party
        pattern = _pick(rng, cat.FIRM_PATTERNS[self.item.industry or "shop"])
        name = pattern.format(b=_pick(rng, cat.BRANDS))
        sole = name.endswith(cat.SOLE_TRADER_SUFFIXES)
        number = int(rng.random() * 31**6)
        body = "".join(_USCC[(number // 31**k) % 31] for k in range(6))
        code = credit_code("92" if sole else "91", self.firm_region(), "MA" + body)
        party = {"kind": "organisation", "name": name, "credit_code": code,
                 "address": f"{cat.DISTRICT}{_pick(rng, cat.STREETS)}{_pick(rng, cat.ROADS)}{_ri(rng, 1, 999)}号",
                 "legal_representative": _person_name(rng)}
        if rng.random() < 0.7 or self.name == "unmasked_publication":
            party["phone"] = _pick(rng, cat.MOBILE_PREFIXES) + f"{_ri(rng, 0, 99_999_999):08d}"
        return party

    def firm_region(self) -> str:
        """Where a firm is registered: mostly in the district, some elsewhere in 武汉."""
        return cat.REGION_CODE if self.rng.random() < 0.8 else _pick(self.rng, cat.WUHAN_REGIONS)

    def _handlers(self, days: list[date]) -> list[str]:
        wanted = max(2, self.config.officers.minimum)
        valid = [o for o in self.agency.field_officers if all(o.valid_on(d) for d in days)]
        if len(valid) < wanted:
            valid += [o for o in self.agency.heads if all(o.valid_on(d) for d in days)]
        chosen = [o.id for o in self.rng.sample(valid, wanted)]
        if self.name == "expired_credential" and self.spec.lapsed is not None:
            chosen[-1] = self.spec.lapsed.id
        return chosen

    @property
    def reviewer(self) -> str:
        pool = [o for o in self.agency.reviewers if o.qualified != (self.name == "unqualified_reviewer")]
        return pool[self.serial % len(pool)].id

    @property
    def interviewee(self) -> Raw:
        if self.party["kind"] == "person":
            return {"kind": "person", "name": self.party["name"], "role": "party",
                    "id_number": self.party["id_number"]}
        return {"kind": "person", "name": self.party["legal_representative"], "role": "legal_representative"}

    @property
    def place(self) -> str:
        if self.party["kind"] == "organisation":
            return str(self.party["address"])
        roads = self.rng.sample(cat.ROADS, 2)
        return f"{cat.DISTRICT}{roads[0]}与{roads[1]}交叉口"

    @property
    def remedies(self) -> Raw:
        return {"reconsideration_bodies": list(self.agency.spec.reconsideration_bodies),
                "reconsideration_days": self.config.reconsideration.application_nd, "court": cat.COURT,
                "litigation_months": self.config.litigation.filing_months}

    # -- steps ----------------------------------------------------------------------

    def step(self, slot: _Slot, step_type: str, data: Raw, by: str | None = None) -> Raw:
        return {"stream": self.stream, "type": step_type, "at": _at(slot.day, slot.minute), "by": by or self.by,
                "data": data}

    def build(self) -> list[Raw]:
        out = []
        for index, slot in enumerate(self.slots):
            made = getattr(self, "_" + slot.label)(slot, index)
            out.append(made)
        return out

    def _source(self, slot: _Slot, _: int) -> Raw:
        return self.step(slot, "CaseSourceRecorded", {
            "source": self.source_kind, "received_at": _at(slot.day, slot.minute), "summary": self.source_summary})

    def _register(self, slot: _Slot, _: int) -> Raw:
        first = self.slots[0].day
        if self.spec.procedure == "summary":
            violation = {"summary": self.violation, "started_on": first.isoformat(), "ended_on": first.isoformat(),
                         "discovered_on": first.isoformat()}
        elif self.name == "limitation_expired":
            ended = first - timedelta(days=365 * 2 + _ri(self.rng, 40, 200))
            began = ended - timedelta(days=_ri(self.rng, 10, 90))
            violation = {"summary": self.violation, "started_on": began.isoformat(),
                         "ended_on": ended.isoformat(), "discovered_on": first.isoformat()}
        else:
            violation = {"summary": self.violation,
                         "started_on": (first - timedelta(days=_ri(self.rng, 0, 40))).isoformat(),
                         "ended_on": first.isoformat(), "discovered_on": first.isoformat()}
        procedure = "summary" if self.spec.procedure == "summary" else "general"
        data: Raw = {"agency": self.agency.stream, "procedure": procedure, "item": self.item.code,
                     "party": self.party, "violation": violation, "handlers": self.handlers}
        if self.spec.procedure != "summary":
            data["approved_by"] = self.head
            data["document"] = self.doc("立案审批表")
        return self.step(slot, "CaseRegistered", data)

    def _officers_for(self, slot: _Slot) -> list[str]:
        if self.name == "one_officer" and slot.label == "inspect":
            return self.handlers[:1]
        return list(self.handlers)

    def _inspect(self, slot: _Slot, _: int) -> Raw:
        record = self.doc("现场检查笔录", key="inspection")
        end = slot.minute + 30 + _ri(self.rng, 0, 20)  # evidence is logged at +52
        return self.step(slot, "InspectionRecorded", {
            "officers": self._officers_for(slot), "credentials_shown": True, "place": self.place,
            "started_at": _at(slot.day, slot.minute), "ended_at": _at(slot.day, end), "record": record,
            "av": [self.doc("执法记录仪视频", "video", key="av")]})

    def _evidence(self, slot: _Slot, kind: str, source: str, file: Raw, proves: str, **extra: Any) -> Raw:
        ident = f"E{len(self.evidence) + 1}"
        self.evidence.append(ident)
        data: Raw = {"evidence_id": ident, "kind": kind, "source": source, "collected_by": list(self.handlers),
                     "file": file, "proves": [proves], **extra}
        self.evidence_proves.setdefault(proves, []).append(ident)
        return self.step(slot, "EvidenceCollected", data)

    def _ev_record(self, slot: _Slot, _: int) -> Raw:
        return self._evidence(slot, "inspection_record", "现场检查", self.doc("现场检查笔录", key="inspection"), "F1")

    def _ev_av(self, slot: _Slot, _: int) -> Raw:
        return self._evidence(slot, "audiovisual", "执法记录仪", self.doc("执法记录仪视频", "video", key="av"), "F1")

    def _ev_id(self, slot: _Slot, _: int) -> Raw:
        if self.party["kind"] == "organisation":
            name, source = "营业执照复印件", "当事人提供"
        else:
            name, source = "居民身份证复印件", "当事人提供"
        return self._evidence(slot, "documentary", source, self.doc(name), "F2", identifies_party=True)

    def _ev_expert(self, slot: _Slot, _: int) -> Raw:
        name = self.item.expert or "检测报告"
        return self._evidence(slot, "expert_opinion", "具备资质的检测机构", self.doc(name), "F1")

    def _ev_fix(self, slot: _Slot, _: int) -> Raw:
        return self._evidence(slot, "documentary", "当事人提供", self.doc("整改照片及说明", "image"), "F1")

    def _inquiry(self, slot: _Slot, _: int) -> Raw:
        end = slot.minute + 35 + _ri(self.rng, 0, 25)  # the ID copy is logged at +65
        data: Raw = {"officers": list(self.handlers), "credentials_shown": self.name != "credentials_not_shown",
                     "interviewee": self.interviewee, "started_at": _at(slot.day, slot.minute),
                     "ended_at": _at(slot.day, end), "record": self.doc("询问笔录", key="inquiry")}
        if self.rng.random() < 0.95:
            data["signed_by_interviewee"] = True
        else:
            data["refusal_noted"] = True
        return self.step(slot, "InquiryRecorded", data)

    def _facts(self) -> list[Raw]:
        if not self.facts:
            proves = self.evidence_proves
            self.facts = [{"id": "F1", "text": self.item.fact, "evidence": list(proves.get("F1", []))},
                          {"id": "F2", "text": "当事人主体资格", "evidence": list(proves.get("F2", []))}]
        return self.facts

    def _proposed(self, penalties: list[Raw]) -> Raw:
        if self.spec.procedure == "transfer":
            return {"outcome": "transfer", "penalties": [],
                    "basis": [{"law": cat.PENALTY_LAW, "article": 27, "clause": 1, "item": None}]}
        if self.spec.outcome != "penalty":
            return {"outcome": self.spec.outcome, "penalties": [], "basis": self._no_penalty_basis()}
        return {"outcome": "penalty", "penalties": [dict(p) for p in penalties], "basis": _basis(self.item.sanction)}

    def _no_penalty_basis(self) -> list[Raw]:
        clause = 1
        return [{"law": cat.PENALTY_LAW, "article": 33, "clause": clause, "item": None}, *_basis(self.item.basis)]

    def _conclude(self, slot: _Slot, _: int) -> Raw:
        report = "涉嫌犯罪案件移送报告" if self.spec.procedure == "transfer" else "案件调查终结报告"
        circumstance = "严重" if self.spec.procedure == "transfer" else (
            "轻微" if self.spec.outcome != "penalty" else self.spec.circumstance)
        return self.step(slot, "InvestigationConcluded", {
            "report": self.doc(report, key="report"), "facts": self._facts(),
            "proposed": self._proposed(self.spec.proposed), "circumstance": circumstance})

    def _notice(self, slot: _Slot, _: int) -> Raw:
        return self.step(slot, "PenaltyNoticeServed", {
            "proposed": self._proposed(self.spec.proposed), "facts": self._facts(),
            "rights": {"statement": True, "hearing": self.spec.hearing_right}, "method": "in_person",
            "served_at": _at(slot.day, slot.minute), "document": self.doc("行政处罚事先告知书"),
            "receipt": self.doc("事先告知书送达回证")})

    def _waiver(self, slot: _Slot, _: int) -> Raw:
        rights = ["statement", "hearing"] if self.spec.hearing_right else ["statement"]
        return self.step(slot, "RightsWaived", {"rights": rights,
                                                "document": self.doc("放弃陈述申辩（听证）权利声明书")})

    def _statement(self, slot: _Slot, _: int) -> Raw:
        return self.step(slot, "StatementSubmitted", {"content": self.doc("陈述申辩材料")})

    def _statement_review(self, slot: _Slot, _: int) -> Raw:
        point, reason = _pick(self.rng, cat.STATEMENT_POINTS)
        if self.spec.adopted:
            return self.step(slot, "StatementReviewed", {"adopted": ["当事人积极整改、主动消除违法后果，依法从轻处罚"],
                                                         "rejected": []})
        return self.step(slot, "StatementReviewed", {"adopted": [], "rejected": [{"point": point, "reason": reason}]})

    def _hearing_request(self, slot: _Slot, _: int) -> Raw:
        return self.step(slot, "HearingRequested", {"requested_at": _at(slot.day, slot.minute)})

    def _hearing_notice(self, slot: _Slot, index: int) -> Raw:
        hearing = next(s for s in self.plan[index:] if s.label == "hearing")
        return self.step(slot, "HearingNoticeServed", {
            "served_at": _at(slot.day, slot.minute), "hearing_at": _at(hearing.day, hearing.minute),
            "place": f"{self.agency.spec.name}听证室", "document": self.doc("听证通知书"),
            "receipt": self.doc("听证通知书送达回证")})

    def _hearing(self, slot: _Slot, _: int) -> Raw:
        data: Raw = {"presider": self.deputy, "record": self.doc("听证笔录"), "report": self.doc("听证报告"),
                     "public": True}
        if self.rng.random() < 0.4:
            data["agents"] = [_person_name(self.rng)]
        return self.step(slot, "HearingHeld", data, by=self.deputy)

    def _review_request(self, slot: _Slot, _: int) -> Raw:
        return self.step(slot, "LegalReviewRequested", {"materials": [self.doc("法制审核送审材料")]})

    def _review(self, slot: _Slot, _: int) -> Raw:
        reviewer = self.reviewer
        opinions = {k: "ok" for k in ("subject", "competence", "officers", "procedure", "facts", "evidence", "law",
                                      "discretion", "documents", "crime_transfer")}
        return self.step(slot, "LegalReviewCompleted", {"reviewer": reviewer, "outcome": "approved",
                                                        "opinions": opinions,
                                                        "document": self.doc("法制审核意见书")}, by=reviewer)

    def _discussion(self, slot: _Slot, _: int) -> Raw:
        heads = [o.id for o in self.agency.heads]
        return self.step(slot, "CollectiveDiscussionHeld", {
            "attendees": heads, "conclusion": f"同意对当事人{self._penalty_words(self.spec.decided)}",
            "record": self.doc("集体讨论记录")}, by=self.head)

    def _penalty_words(self, penalties: Sequence[Raw]) -> str:
        words = []
        for p in penalties:
            if p["type"] == "warning":
                words.append("给予警告")
            elif p["type"] == "fine":
                words.append(f"处罚款{_yuan(p['amount_fen'])}")
            elif p["type"] == "confiscation":
                words.append(f"没收违法所得{_yuan(p['amount_fen'])}")
        return "，".join(words) or "不予行政处罚"

    def _decision(self, slot: _Slot, _: int) -> Raw:
        spec = self.spec
        data: Raw = {"outcome": spec.outcome, "penalties": [dict(p) for p in spec.decided],
                     "correction_ordered": True}
        if spec.outcome == "penalty":
            data["basis"] = _basis(self.item.sanction)
        else:
            data["basis"] = self._no_penalty_basis()
        data.update(document_no=self.document_no,
                    sealed_by=f"agency/{cat.JUSTICE.code}" if self.name == "wrong_seal" else self.agency.stream,
                    approved_by=self.head, approval_form=self.doc(
                        "行政处罚决定审批表" if spec.outcome == "penalty" else "不予行政处罚决定审批表"),
                    remedies=self.remedies)
        payable = bool(_fine(spec.decided)) or any(p["type"] == "confiscation" for p in spec.decided)
        if payable:
            data["payment_due_days"] = self.config.payment.due_nd
        data["surcharge_told"] = payable
        if spec.outcome != "penalty":
            grounds = (list(cat.NO_PENALTY_CONDITIONS) if spec.outcome == "no_penalty_first_violation"
                       else ["违法行为轻微", "及时改正", "没有造成危害后果"])
            data["no_penalty_grounds"] = grounds
        data["document"] = self.doc("行政处罚决定书" if spec.outcome == "penalty" else "不予行政处罚决定书",
                                    key="decision")
        return self.step(slot, "DecisionMade", data, by=self.head)

    def _education(self, slot: _Slot, _: int) -> Raw:
        method = _pick(self.rng, ("批评教育", "行政指导"))
        return self.step(slot, "EducationGiven", {"method": method, "document": self.doc(f"{method}记录")})

    def _served(self, slot: _Slot, _: int) -> Raw:
        if self.spec.procedure == "summary":
            data: Raw = {"method": "in_person", "served_at": _at(slot.day, slot.minute),
                         "receipt": self.doc("当场处罚决定书签收")}
            return self.step(slot, "DecisionServed", data)
        method = "mail" if self.name == "late_service" else self.spec.service
        data = {"method": method, "served_at": _at(slot.day, slot.minute), "receipt": self.doc("送达回证")}
        if method == "electronic":
            data["consent"] = self.doc("送达地址确认书（同意电子送达）")
        return self.step(slot, "DecisionServed", data)

    def _published(self, slot: _Slot, _: int) -> Raw:
        party = self.party
        law, article = self.item.basis[0][0], _article(self.item.basis[0])
        s_law, s_article = self.item.sanction[0][0], _article(self.item.sanction[0])
        if party["kind"] == "organisation":
            who = f"{party['name']}（统一社会信用代码{party['credit_code']}）"
            if self.name == "unmasked_publication":
                who += f"（法定代表人{party['legal_representative']}，联系电话{party['phone']}）"
        elif self.name == "unmasked_publication":
            who = f"{party['name']}（身份证号码{party['id_number']}）"
        else:
            who = f"{party['name'][0]}某某"
        text = (f"{self.document_no}：{who}{self.violation}，违反了《{law}》{article}的规定。"
                f"{self.agency.spec.name}依据《{s_law}》{s_article}，决定{self._penalty_words(self.spec.decided)}，"
                "并责令改正。")
        return self.step(slot, "DecisionPublished", {"published_at": _at(slot.day, slot.minute),
                                                     "channel": cat.PORTAL, "text": text})

    def _payable(self) -> int:
        return sum(p.get("amount_fen", 0) for p in self.spec.decided if p["type"] in ("fine", "confiscation"))

    def _paid(self, slot: _Slot, _: int) -> Raw:
        channel = self.spec.payment or "bank"
        receipt = (f"鄂财罚字No.{self.serial:04d}{_ri(self.rng, 0, 9999):04d}" if channel == "on_the_spot"
                   else f"420102{self.year % 100:02d}{_ri(self.rng, 0, 99_999_999):08d}")
        return self.step(slot, "PaymentRecorded", {"amount_fen": self._payable(), "paid_at": _at(slot.day, slot.minute),
                                                   "channel": channel, "receipt_no": receipt})

    def _cash(self, slot: _Slot, _: int) -> Raw:
        return self.step(slot, "CashHandedOver", {"amount_fen": self._payable(),
                                                  "handed_over_at": _at(slot.day, 9 * 60),
                                                  "deposited_at": _at(slot.day, slot.minute)})

    def _demand(self, slot: _Slot, _: int) -> Raw:
        return self.step(slot, "PaymentDemanded", {"served_at": _at(slot.day, slot.minute),
                                                   "document": self.doc("催告书")})

    def _court(self, slot: _Slot, _: int) -> Raw:
        return self.step(slot, "CourtEnforcementApplied", {"court": cat.COURT,
                                                           "applied_at": _at(slot.day, slot.minute)})

    def _closed(self, slot: _Slot, _: int) -> Raw:
        summaries = {"summary": "当场处罚，已备案", "no_penalty": "不予处罚，已教育，结案",
                     "transfer": "已移送公安机关，结案", "general": "处罚决定已履行完毕，结案"}
        data: Raw = {"approved_by": self.head, "summary": summaries[self.spec.procedure]}
        if self.spec.procedure == "summary" and not self.spec.payment:
            data["summary"] = "当场警告，已备案"
        if self.spec.procedure != "summary":
            data["report"] = self.doc("结案报告")
        return self.step(slot, "CaseClosed", data)

    def _archived(self, slot: _Slot, _: int) -> Raw:
        kept = self.config.retention
        retention = {"general": kept.general_penalty, "transfer": kept.transfer, "summary": kept.summary,
                     "no_penalty": kept.no_penalty}[self.spec.procedure]
        return self.step(slot, "CaseArchived", {"archive_no": f"{slot.day.year}-{self.serial:04d}",
                                                "retention": retention})

    def _preserve(self, slot: _Slot, _: int) -> Raw:
        return self.step(slot, "EvidencePreserved", {
            "officers": list(self.handlers), "approved_by": self.head,
            "approved_at": _at(slot.day, slot.minute - 10), "items": [_pick(self.rng,
                ("渣土运输车辆行车记录仪存储卡1张", "涉案车辆1辆", "废机油桶32个", "危险废物转移记录台账1本"))],
            "list_served_at": _at(slot.day, slot.minute + 10),
            "document": self.doc("先行登记保存证据通知书及清单")})

    def _transfer_decided(self, slot: _Slot, _: int) -> Raw:
        return self.step(slot, "TransferDecided", {
            "decided_by": self.head, "transfer": True, "reason": f"{self.item.crime or '涉嫌犯罪'}，依法移送公安机关",
            "report": self.doc("涉嫌犯罪案件移送审批表")}, by=self.head)

    def _transferred(self, slot: _Slot, _: int) -> Raw:
        return self.step(slot, "TransferredToJudicialOrgan", {
            "organ": cat.POLICE, "transferred_at": _at(slot.day, slot.minute),
            "materials": [self.doc("涉嫌犯罪案件移送书"), self.doc("涉嫌犯罪案件移送报告", key="report"),
                          self.doc("涉案物品清单"), self.doc(self.item.expert or "检验报告")]})

    def _resolved(self, slot: _Slot, _: int) -> Raw:
        return self.step(slot, "PreservationResolved", {"disposition": "transferred",
                                                        "document": self.doc("先行登记保存物品处理决定书")})

    def _summary_decision(self, slot: _Slot, _: int) -> Raw:
        basis = _basis(self.item.basis + self.item.sanction)
        data: Raw = {"officers": list(self.handlers), "credentials_shown": True,
                     "rights_told": self.name != "summary_rights_not_told"}
        if self.rng.random() < 0.6:
            data["statement"] = _pick(self.rng, ("对违法事实无异议", "认识到错误，愿意接受处罚", "表示以后注意"))
        data.update(penalties=[dict(p) for p in self.spec.decided], correction_ordered=True, basis=basis,
                    form_no=self.document_no, place=self.place, sealed_by=self.agency.stream,
                    remedies=self.remedies, surcharge_told=bool(_fine(self.spec.decided)),
                    document=self.doc("当场行政处罚决定书"))
        return self.step(slot, "SummaryDecisionMade", data)


# --------------------------------------------------------------------------- proceedings


def _proceedings(built: list[_Built], justice: list[_Officer], agencies: dict[str, _Agency], seed: str,
                 wd: _Workdays, last: date) -> tuple[list[Proceeding], dict[str, list[Raw]]]:
    """Reconsiderations and lawsuits against served penalty decisions, and the corrections
    (DecisionCorrected, PublicationWithdrawn) their corrective outcomes bring to the cases."""
    rng = random.Random(seed + "/proceedings")
    candidates = [b for b in built if b.served_at is not None and b.spec.outcome == "penalty"]
    follow: dict[str, list[Raw]] = {}
    if not candidates:
        return [], follow
    staff = [o.id for o in justice if o.is_("reconsideration_staff")]
    n_reviews = max(1, round(len(candidates) * _REVIEW_SHARE))
    weights = [3.0 if b.spec.defect else 1.0 for b in candidates]
    chosen: list[_Built] = []
    pool = list(zip(candidates, weights, strict=True))
    while pool and len(chosen) < n_reviews:
        total = sum(w for _, w in pool)
        pick = rng.random() * total
        for i, (b, w) in enumerate(pool):
            pick -= w
            if pick < 0 or i == len(pool) - 1:
                chosen.append(b)
                pool.pop(i)
                break
    reviews: list[tuple[date, _Built, list[tuple[str, date, int, Raw]], str, date, str]] = []
    for case in chosen:
        served_day = date.fromisoformat(str(case.served_at)[:10])
        if (last - served_day).days < 3:
            continue
        received = wd.add(served_day + timedelta(days=_ri(rng, 5, 50)), 0)
        if received > served_day + timedelta(days=60):
            received = wd.back(served_day + timedelta(days=60))
        if received > last:
            received = wd.back(last)
        if received <= served_day:
            continue
        corrective = ("revoked", "confirmed_illegal", "changed")
        outcome = _weighted(rng, (("upheld", 30), ("revoked", 35), ("confirmed_illegal", 20), ("changed", 10),
                                  ("dismissed", 5)) if case.spec.defect else
                            (("upheld", 72), ("dismissed", 8), ("changed", 5), ("revoked", 5),
                             ("confirmed_illegal", 5), ("terminated", 5)))
        accepted = wd.add(received, _ri(rng, 1, 4))
        sent = wd.add(accepted, _ri(rng, 1, 5))
        filed = wd.add(sent, _ri(rng, 3, 9))
        plan: list[tuple[str, date, int, Raw]] = []
        applicant = case.party
        by = _pick(rng, staff)
        plan.append(("ReconsiderationApplied", received, 10 * 60, {
            "applicant": applicant, "target": {"case": case.stream, "document_no": case.document_no},
            "received_at": _at(received, 10 * 60), "learned_at": case.served_at}))
        plan.append(("ReconsiderationAccepted", accepted, 10 * 60, {"decided_at": _at(accepted, 10 * 60)}))
        plan.append(("AnswerRequested", sent, 10 * 60, {"sent_at": _at(sent, 10 * 60)}))
        docs = _Docs(case.stream)
        plan.append(("AnswerFiled", filed, 15 * 60, {"filed_at": _at(filed, 15 * 60), "evidence": [
            docs("行政复议答复书", key="answer"), docs("证据材料目录", key="answer-list")]}))
        heard = None
        if rng.random() < 0.3:
            heard = wd.add(filed, _ri(rng, 5, 12))
            plan.append(("ReconsiderationHearingHeld", heard, 9 * 60 + 30, {
                "held_at": _at(heard, 9 * 60 + 30), "respondent_head_attended": True}))
        decided = wd.back(accepted + timedelta(days=_ri(rng, 25, 58)))
        decided = max(decided, wd.add(heard or filed, 2))
        if outcome in corrective and decided <= case.last_day:
            later = wd.add(case.last_day, 2)
            if later <= accepted + timedelta(days=60):
                decided = later
            else:
                outcome = "upheld"
        data: Raw = {"type": outcome, "grounds": [cat.REVIEW_GROUNDS[outcome]], "decided_at": _at(decided, 10 * 60),
                     "served_at": _at(decided, 16 * 60)}
        plan.append(("ReconsiderationDecided", decided, 16 * 60, data))
        reviews.append((received, case, plan, outcome, decided, by))
    reviews.sort(key=lambda r: (r[0], r[1].stream))
    out: list[Proceeding] = []
    counters: dict[int, int] = {}
    reviewed: dict[str, tuple[str, date]] = {}
    for received, case, plan, outcome, decided, by in reviews:
        counters[received.year] = counters.get(received.year, 0) + 1
        stream = f"review/{cat.REVIEW_PREFIX}-{received.year}-{counters[received.year]:04d}"
        steps = []
        for step_type, day, minute, data in plan:
            if day > last:
                break
            answer = step_type == "AnswerFiled"
            steps.append({"stream": stream, "type": step_type, "at": _at(day, minute),
                          "by": case.handlers[0] if answer else by, "data": data})
        kept_outcome = outcome if steps[-1]["type"] == "ReconsiderationDecided" else None
        out.append(Proceeding(stream, case.stream, kept_outcome, tuple(steps)))
        if kept_outcome is not None:
            reviewed[case.stream] = (kept_outcome, decided)
            if kept_outcome in ("revoked", "confirmed_illegal", "changed"):
                follow[case.stream] = _corrections(case, stream, kept_outcome, decided, wd, last, "行政复议")
    # lawsuits: cases not corrected by a review; some after an upholding review
    lawsuit_pool = [b for b in candidates if b.stream not in follow]
    n_suits = max(1, round(len(candidates) * _LAWSUIT_SHARE)) if lawsuit_pool else 0
    rng.shuffle(lawsuit_pool)
    lawsuit_pool.sort(key=lambda b: 0 if b.stream in reviewed else 1)
    suits: list[tuple[date, _Built, list[tuple[str, date, int, Raw]], str]] = []
    for case in lawsuit_pool[: n_suits]:
        served_day = date.fromisoformat(str(case.served_at)[:10])
        if case.stream in reviewed:
            base = reviewed[case.stream][1]
            filed = wd.back(base + timedelta(days=_ri(rng, 3, 14)))
        else:
            base = served_day
            filed = wd.add(served_day + timedelta(days=_ri(rng, 20, 170)), 0)
        if filed > last:
            filed = wd.back(last)
        if filed <= base:
            continue
        agency = agencies[case.spec.agency.spec.code]
        heads = agency.heads
        hearing = wd.add(filed + timedelta(days=_ri(rng, 40, 80)), 0)
        head, role = (heads[0].id, "principal_head") if rng.random() < 0.7 else (heads[1].id, "deputy_head")
        judged = wd.add(hearing + timedelta(days=_ri(rng, 15, 45)), 0)
        outcome = _weighted(rng, (("dismissed", 75), ("revoked", 10), ("confirmed_illegal", 5), ("changed", 5),
                                  ("upheld", 5)))
        if outcome in ("revoked", "confirmed_illegal", "changed") and judged <= case.last_day:
            outcome = "dismissed"
        plan = [
            ("LawsuitFiled", filed, 10 * 60, {"court": cat.COURT, "target": {"case": case.stream,
                                                                            "document_no": case.document_no},
                                              "filed_at": _at(filed, 10 * 60)}),
            ("CourtHearingAttended", hearing, 12 * 60, {"hearing_at": _at(hearing, 9 * 60), "appeared": [
                {"person": head, "role": role}, {"person": case.handlers[0], "role": "staff"}]}),
            ("JudgmentReceived", judged, 10 * 60, {"outcome": outcome, "received_at": _at(judged, 10 * 60),
                                                   "instance": "first"}),
        ]
        suits.append((filed, case, plan, outcome))
    suits.sort(key=lambda s: (s[0], s[1].stream))
    counters = {}
    for filed, case, plan, outcome in suits:
        counters[filed.year] = counters.get(filed.year, 0) + 1
        stream = f"litigation/{cat.LITIGATION_PREFIX}-{filed.year}-{counters[filed.year]:04d}"
        steps = [{"stream": stream, "type": t, "at": _at(day, minute), "by": case.handlers[0], "data": data}
                 for t, day, minute, data in plan if day <= last]
        judged_kept = steps[-1]["type"] == "JudgmentReceived"
        out.append(Proceeding(stream, case.stream, outcome if judged_kept else None, tuple(steps)))
        if judged_kept and outcome in ("revoked", "confirmed_illegal", "changed"):
            follow[case.stream] = _corrections(case, stream, outcome, plan[-1][1], wd, last, "行政诉讼")
    return out, follow


def _corrections(case: _Built, trigger: str, outcome: str, received: date, wd: _Workdays, last: date,
                 how: str) -> list[Raw]:
    """What a corrective review or judgment brings: the correction, and the withdrawal of a
    published decision within 3 working days (PEN-41)."""
    day = wd.add(received, 1)
    words = {"revoked": "撤销", "confirmed_illegal": "确认违法", "changed": "变更"}[outcome]
    out: list[Raw] = []
    if day > last:
        return out
    out.append({"stream": case.stream, "type": "DecisionCorrected", "at": _at(day, 10 * 60),
                "by": case.handlers[0], "data": {"kind": outcome, "triggered_by": trigger,
                                                 "effective_at": _at(received, 16 * 60),
                                                 "received_at": _at(received, 16 * 60)}})
    if case.published:
        out.append({"stream": case.stream, "type": "PublicationWithdrawn", "at": _at(day, 15 * 60),
                    "by": case.handlers[0], "data": {
                        "withdrawn_at": _at(day, 15 * 60), "reason": f"处罚决定经{how}被{words}",
                        "explanation": f"{case.document_no}已被{words}，依法撤下原公开信息"}})
    return out


# --------------------------------------------------------------------------- the generator


def _coverage() -> list[tuple[str, str]]:
    """Every (procedure, stage) pair, so that even a small demo shows each one."""
    pairs = [(p, s) for p in PROCEDURES for s in STAGES[p]]
    pairs.insert(pairs.index(("general", "paid")), ("general", ENFORCING))
    return pairs


# --------------------------------------------------------------------------- rectifications

SUPERVISOR: Final = f"officer/4201020{cat.JUSTICE.digit}003"
"""The demo's 司法局 supervisor (roles: supervisor only; the same in every demo): ``make run`` gives it a token."""
RECTIFICATION_SHARE: Final = 0.3
"""Of the defective cases, the share a supervisor orders rectified (at least one when any is)."""
_ANSWERS: Final = ("on_time", "late", "on_time", "none", "on_time", "on_time")
_ACTIONS: Final = (
    "组织全体执法人员学习《中华人民共和国行政处罚法》及相关程序规定",
    "对该案卷存在的问题逐项核查并补正说明，完善案卷归档",
    "修订执法文书审核流程，明确承办人、审核人责任",
    "开展同类案件自查，建立问题整改台账",
)


def _rectifications(cases: Sequence[DemoCase], justice: Sequence[_Officer], seed: str, wd: _Workdays,
                    last: date) -> tuple[Rectification, ...]:
    """责令整改 for some defective cases (their defect's rule as the finding), ordered by a supervisor
    some working days after the case's last step, due 15 working days later (17:00); answered in a
    fixed mix — most on time, some late, some not (yet) — so the dashboard's follow-up shows every
    state. Which cases, and the days, depend on the seed."""
    rng = random.Random(seed + "/rectifications")
    supervisors = [o.id for o in justice if o.is_("supervisor")]
    candidates = [c for c in cases if c.defect is not None]
    if not supervisors or not candidates:
        return ()
    count = max(1, round(len(candidates) * RECTIFICATION_SHARE))
    out: list[Rectification] = []
    for case in sorted(rng.sample(candidates, min(count, len(candidates))), key=lambda c: c.stream):
        assert case.defect is not None
        ordered = wd.add(date.fromisoformat(case.steps[-1]["at"][:10]), _ri(rng, 3, 20))
        if ordered > last:
            continue
        due = wd.add(ordered, 15)
        by = _pick(rng, supervisors)
        agency = next((s["data"]["agency"] for s in case.steps if s["type"] == "CaseRegistered"), None)
        if not isinstance(agency, str):
            continue
        stream = f"supervision/ZG-{case.stream.removeprefix('case/')}"
        order = {"agency": agency, "case": case.stream, "findings": [case.defect.rule],
                 "due_at": f"{due.isoformat()}T17:00:00+08:00"}
        steps: list[Raw] = [{"stream": stream, "type": "RectificationOrdered",
                             "at": _at(ordered, 10 * 60 + _ri(rng, 0, 59)), "by": by, "data": order}]
        reported = _ANSWERS[len(out) % len(_ANSWERS)]  # a fixed mix: even a small demo shows each state
        if reported != "none":
            day = wd.add(ordered, _ri(rng, 5, 14)) if reported == "on_time" else wd.add(due, _ri(rng, 1, 6))
            if day > last:
                reported = "none"
            else:
                at = _at(day, 15 * 60 + _ri(rng, 0, 59))
                actions = rng.sample(_ACTIONS, 2)
                steps.append({"stream": stream, "type": "RectificationReported", "at": at, "by": by,
                              "data": {"reported_at": at, "actions": actions}})
        out.append(Rectification(stream, case.stream, agency, reported, tuple(steps)))
    return tuple(out)


def generate(cases: int, seed: int, as_of: date, *, defect_share: float = 0.15,
             config: Config | None = None) -> DemoData:
    """A year of demo records before ``as_of``: registry, ``cases`` cases (a ``defect_share``
    of them with one defect each), reconsiderations and lawsuits. Pure and deterministic."""
    if cases < 0:
        raise ValueError("cases 不能为负数")
    if not 0 <= defect_share <= 1:
        raise ValueError("defect_share 应在 0 到 1 之间")
    config = config or Config()
    key = f"enforcement-ledger demo|{seed}|{as_of.isoformat()}"
    rng = random.Random(key)
    registry, later, agencies, justice = _registry(as_of, config)
    notices = [HolidayNotice.from_step_data(s["data"]) for s in registry if s["type"] == "HolidayNoticePublished"]
    calendar = WorkingCalendar.from_notices(notices)
    start = as_of - timedelta(days=365)
    last = as_of - _DAY
    wd = _Workdays(calendar, start - timedelta(days=40), as_of + timedelta(days=420))
    low = start + timedelta(days=3)

    defective = round(cases * defect_share)
    defect_indices = set(rng.sample(range(cases), defective)) if defective else set()
    kinds = list(DEFECT_KINDS)
    rng.shuffle(kinds)
    coverage = _coverage()
    specs: list[_Spec] = []
    lawful_seen = 0
    defect_seen = 0
    for index in range(cases):
        case_rng = random.Random(f"{key}|case {index}")
        kind: DefectKind | None = None
        if index in defect_indices:
            kind = kinds[defect_seen % len(kinds)]
            defect_seen += 1
            procedure = kind.procedure
            target = "archived"
        elif lawful_seen < len(coverage):
            procedure, target = coverage[lawful_seen]
            lawful_seen += 1
        else:
            lawful_seen += 1
            procedure = _weighted(case_rng, _PROCEDURE_WEIGHTS)
            stages = (*STAGES[procedure], ENFORCING) if procedure == "general" else STAGES[procedure]
            target = _weighted(case_rng, [(s, w) for s, w in _STAGE_WEIGHTS if s in stages])
        agency, item = _choose_item(case_rng, agencies, procedure, kind)
        party_kind = item.party if item.party != "either" else _pick(case_rng, ("person", "organisation"))
        spec = _Spec(index, f"{key}|case {index}", procedure, target, agency, item, party_kind, kind)
        if procedure == "general":
            _general_amounts(spec, case_rng, config)
        elif procedure == "summary":
            _summary_amounts(spec, case_rng, config)
        elif procedure == "no_penalty":
            spec.outcome = _pick(case_rng, ("no_penalty_first_violation", "no_penalty_minor"))
        else:
            spec.outcome = "transfer"
        if kind is not None and kind.name == "expired_credential":
            lapsed = [o for o in agency.field_officers if (agency.spec.code, int(o.id[-3:])) in _LAPSING]
            spec.lapsed = lapsed[0]
            assert lapsed[0].valid_to is not None
            spec.min_start = lapsed[0].valid_to + timedelta(days=7)
        specs.append(spec)

    planned = [(spec, _fit(spec, wd, config, low, last)) for spec in specs]
    order = sorted(range(len(planned)), key=lambda i: (planned[i][1][0].day, planned[i][1][0].minute, i))
    serials: dict[tuple[str, int], int] = {}
    built: list[_Built] = []
    documents: dict[str, DemoFile] = {}
    for i in order:
        spec, slots = planned[i]
        kept = [s for s in slots if s.day <= last]
        if not kept:  # cannot happen: every plan starts on or after ``low``
            continue
        register = next((s for s in kept if s.label == "register"), kept[0])
        year = register.day.year
        counter_key = (spec.agency.spec.code, year)
        serials[counter_key] = serials.get(counter_key, 0) + 1
        serial = serials[counter_key]
        number = f"{spec.agency.spec.code}-{year}-{serial:04d}"
        builder = _Builder(spec, kept, slots, number, serial, year, config)
        steps = builder.build()
        documents.update(builder.doc.files)
        served = next((s for s in steps if s["type"] == "DecisionServed"), None)
        built.append(_Built(builder.stream, number, serial, year, spec, kept, builder.party, builder.handlers,
                            steps, builder.document_no, served["data"]["served_at"] if served else None,
                            any(s["type"] == "DecisionPublished" for s in steps), kept[-1].day))
    proceedings, follow = _proceedings(built, justice, agencies, key, wd, last)

    demo_cases: list[DemoCase] = []
    for b in built:
        spec = b.spec
        defect = None
        if spec.defect is not None:
            label = spec.defect.label
            where = next((i for i, s in enumerate(b.slots) if s.label == label), None)
            if where is not None:
                defect = Defect(spec.defect.name, spec.defect.rule, spec.defect.gate, where, spec.defect.note)
        stage = b.slots[-1].stage
        demo_cases.append(DemoCase(b.stream, spec.procedure, stage, tuple(b.steps + follow.get(b.stream, [])),
                                   defect))
    demo_cases.sort(key=lambda c: c.stream)
    registry_all = tuple(registry + sorted(later, key=lambda s: (s["at"], s["stream"])))
    rectifications = _rectifications(demo_cases, justice, key, wd, last)
    return DemoData(cases, seed, as_of, registry_all, tuple(demo_cases), tuple(proceedings),
                    _segments(registry_all, demo_cases, proceedings, rectifications), documents, rectifications)


def _timed(streams: Sequence[Sequence[Raw]]) -> tuple[Raw, ...]:
    """Steps of several streams merged in time order, each stream's own order kept."""
    keyed = [(step["at"], n, i, step) for n, steps in enumerate(streams) for i, step in enumerate(steps)]
    keyed.sort(key=lambda k: (k[0], k[1], k[2]))
    return tuple(k[3] for k in keyed)


def _segments(registry: tuple[Raw, ...], cases: Sequence[DemoCase], proceedings: Sequence[Proceeding],
              rectifications: Sequence[Rectification] = ()) -> tuple[Segment, ...]:
    out = [Segment(False, registry)]
    paper = [c.steps for c in cases if c.backfill]
    if paper:
        out.append(Segment(True, _timed(paper)))
    live = [c.steps for c in cases if not c.backfill] + [p.steps for p in proceedings]
    live += [r.steps for r in rectifications]
    if live:
        out.append(Segment(False, _timed(live)))
    return tuple(out)
