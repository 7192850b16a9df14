"""Small seeded draws and formatting the demo's modules share: times, random integers and picks,
official-looking amounts, legal bases, identifiers with valid check characters."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date, timedelta
from functools import lru_cache
from typing import Final, TypeVar

from demo import catalogue as cat
from demo.model import Raw
from domain.citation import article
from domain.money import yuan
from domain.personal_data import gb11643_check_char

DAY: Final = timedelta(days=1)



@lru_cache(maxsize=1 << 16)
def stamp(day: date, minute: int) -> str:
    return f"{day.isoformat()}T{minute // 60:02d}:{minute % 60:02d}:00+08:00"


def rint(rng: random.Random, low: int, high: int) -> int:
    """A random integer in [low, high] (``randint`` costs five times as much)."""
    return low + int(rng.random() * (high - low + 1))


T = TypeVar("T")


def choice(rng: random.Random, options: Sequence[T]) -> T:
    return options[int(rng.random() * len(options))]


def weighted_choice(rng: random.Random, options: Sequence[tuple[str, int]]) -> str:
    total = sum(w for _, w in options)
    pick = rng.random() * total
    for name, weight in options:
        pick -= weight
        if pick < 0:
            return name
    return options[-1][0]


def round_amount(rng: random.Random, low: int, high: int) -> int:
    """An amount in [low, high] (fen) rounded to a step an official would use."""
    if high <= low:
        return low
    span = high - low
    step = 100_000 if high >= 1_000_000 else 10_000 if high >= 100_000 else 1_000
    steps = span // step
    return low + step * rint(rng, 0, steps) if steps else low




def cited_article(basis: cat.Basis) -> str:
    _, number, clause, item = basis
    return article(number, clause, item)


def rmb(fen: int) -> str:
    """An amount as the decision's text states it: 人民币 and yuan with two decimals (``domain.money``)."""
    return f"人民币{yuan(fen)}"


def basis_rows(items: Sequence[cat.Basis]) -> list[Raw]:
    return [{"law": law, "article": article, "clause": clause, "item": item}
            for law, article, clause, item in items]


USCC: Final = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS: Final = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ORG_WEIGHTS: Final = (3, 7, 9, 10, 5, 8, 4, 2)
_ORG_VALUES: Final = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


_USCC_VALUE: Final = {c: i for i, c in enumerate(USCC)}
_ORG_VALUE: Final = {c: i for i, c in enumerate(_ORG_VALUES)}


def credit_code(prefix: str, region: str, body8: str) -> str:
    """A 统一社会信用代码 (GB 32100) whose organisation code (GB 11714) and final character
    both carry valid check characters."""
    total = sum(_ORG_VALUE[c] * w for c, w in zip(body8, _ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    org = body8 + ("X" if check == 10 else "0" if check == 11 else str(check))
    first17 = prefix + region + org
    total = sum(_USCC_VALUE[c] * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return first17 + USCC[(31 - total % 31) % 31]


def resident_id(region: str, born: date, serial: int) -> str:
    """An 18-digit 居民身份证号码 with a valid GB 11643 check character (odd serial: male)."""
    first17 = f"{region}{born:%Y%m%d}{serial:03d}"
    return first17 + gb11643_check_char(first17)


def person_name(rng: random.Random, male: bool | None = None) -> str:
    male = rng.random() < 0.55 if male is None else male
    return choice(rng, cat.SURNAMES) + choice(rng, cat.MALE_NAMES if male else cat.FEMALE_NAMES)


def mobile(rng: random.Random) -> str:
    """An 11-digit mobile number of a Chinese carrier's prefix (a party's or a complainant's)."""
    return choice(rng, cat.MOBILE_PREFIXES) + f"{rint(rng, 0, 99_999_999):08d}"


def firm(rng: random.Random, industry: str, *, with_phone: bool = False) -> Raw:
    """An organisation party: a firm of ``industry`` (个体工商户 or company, with a valid 统一社会信用代码,
    registered mostly in the district), its address, legal representative and, mostly, phone."""
    pattern = choice(rng, cat.FIRM_PATTERNS[industry or "shop"])
    name = pattern.format(b=choice(rng, cat.BRANDS))
    sole = name.endswith(cat.SOLE_TRADER_SUFFIXES)
    number = int(rng.random() * 31**6)
    body = "".join(USCC[(number // 31**k) % 31] for k in range(6))
    region = cat.REGION_CODE if rng.random() < 0.8 else choice(rng, cat.WUHAN_REGIONS)
    code = credit_code("92" if sole else "91", region, "MA" + body)
    party: Raw = {"kind": "organisation", "name": name, "credit_code": code,
                  "address": f"{cat.DISTRICT}{choice(rng, cat.STREETS)}{choice(rng, cat.ROADS)}{rint(rng, 1, 999)}号",
                  "legal_representative": person_name(rng)}
    if rng.random() < 0.7 or with_phone:
        party["phone"] = mobile(rng)
    return party


def add_months(day: date, months: int) -> date:
    total = day.year * 12 + day.month - 1 + months
    year, month0 = divmod(total, 12)
    for last in (31, 30, 29, 28):
        try:
            return date(year, month0 + 1, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")
