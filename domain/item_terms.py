"""The published terms of a 行政强制, 强制执行 or 行政检查 item (``EnforcementItemPublished``'s
``coercion``, ``enforcement`` and ``spot_check`` objects), read as ``domain.registry.Item`` holds them.

Why apart from the registry's folds: these are plain readings of one step's data, which the
coercion and inspection gates and limits read (COE-01, COE-07, ENF-01, INS-06); an item's own
numbers win over the configured defaults for it (``domain.config.effective_coercion_terms``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from domain.reading import int_of, texts_of

__all__ = ["CoercionTerms", "EnforcementTerms", "SpotCheckTerms", "basis_ranks"]


@dataclass(frozen=True, slots=True)
class CoercionTerms:
    """A ``coercion`` item's measures (seal/seize/freeze) and the periods a law or administrative
    regulation sets otherwise (第25条第1款, 第32条: "另有规定的除外"); None: the default."""

    measures: frozenset[str] = frozenset()
    max_days: int | None = None
    max_extension_days: int | None = None

    @classmethod
    def from_data(cls, value: object) -> CoercionTerms | None:
        if not isinstance(value, Mapping):
            return None
        return cls(frozenset(texts_of(value.get("measures"))), int_of(value.get("max_days")),
                   int_of(value.get("max_extension_days")))


@dataclass(frozen=True, slots=True)
class EnforcementTerms:
    """An ``enforcement`` item's methods (account_transfer/auction/demolition/restore/substitute/other)."""

    methods: frozenset[str] = frozenset()

    @classmethod
    def from_data(cls, value: object) -> EnforcementTerms | None:
        if not isinstance(value, Mapping):
            return None
        return cls(frozenset(texts_of(value.get("methods"))))


@dataclass(frozen=True, slots=True)
class SpotCheckTerms:
    """An inspection item's 双随机 terms: in the 随机抽查事项清单, 重点监管, ratio, yearly cap (INS-06)."""

    random: bool = False
    key_sector: bool = False
    ratio: int | None = None
    """The share drawn, a whole-number percent."""
    max_per_year: int | None = None

    @classmethod
    def from_data(cls, value: object) -> SpotCheckTerms | None:
        if not isinstance(value, Mapping):
            return None
        return cls(value.get("random") is True, value.get("key_sector") is True, int_of(value.get("ratio")),
                   int_of(value.get("max_per_year")))


def basis_ranks(value: object) -> tuple[str, ...]:
    """The ``rank`` of each legal basis (law/administrative_regulation/local_regulation/rule/normative);
    a basis without one reads as "" (unknown, which founds no coercive power)."""
    out = []
    for basis in value if isinstance(value, list | tuple) else ():
        rank: Any = basis.get("rank") if isinstance(basis, Mapping) else None
        out.append(rank if isinstance(rank, str) else "")
    return tuple(out)
