"""The nested shapes of inspections (行政检查) and random spot checks (双随机、一公开), and of an
inspection item's ``spot_check`` terms in the registry.

Like ``domain.shapes``: a frozen dataclass for readers and an ``Obj`` spec for the raw JSON with
the same member names. The draw's values are re-derived by ``domain.draw`` (``ledger-draw-v1``,
INS-02); here they only have to be well formed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Final

from domain.fields import Choice, Integer, ListOf, Obj, OneOf, Ref, StreamKind, Text
from domain.shapes import (
    BOOL,
    COUNT,
    DATE,
    DOCUMENT,
    OFFICER,
    PARTY_KINDS,
    SHA256,
    TEXT,
    DocumentRef,
    opt,
    req,
)

HEX: Final = Text(re.compile(r"(?:[0-9a-f]{2})+"), "十六进制 (小写, 偶数位)")
"""A byte string in lower-case hex (the draw's secret)."""
SPOTCHECK_STREAM: Final = Ref(frozenset({StreamKind.SPOTCHECK}))
DRAW_ALGORITHMS: Final = ("ledger-draw-v1",)

# --------------------------------------------------------------------------- registry


@dataclass(frozen=True, slots=True)
class SpotCheckTerms:
    """How an inspection item is checked: drawn at random (随机抽查事项清单), or in full (重点监管)."""

    random: bool
    key_sector: bool | None = None
    ratio: int | None = None
    max_per_year: int | None = None


SPOT_CHECK_TERMS: Final = Obj((
    req("random", BOOL),
    opt("key_sector", BOOL, note="重点监管: full coverage"),
    opt("ratio", Integer(minimum=0, maximum=100), note="percent of the population drawn"),
    opt("max_per_year", COUNT, note="年度检查频次上限 (INS-06)"),
), SpotCheckTerms, what="抽查事项 {random, key_sector?, ratio?, max_per_year?}")

# --------------------------------------------------------------------------- spot-check steps


@dataclass(frozen=True, slots=True)
class Period:
    """The period a spot-check task runs in."""

    from_on: date
    until: date


PERIOD: Final = Obj((req("from_on", DATE), req("until", DATE)), Period, what="期间 {from_on, until}")


@dataclass(frozen=True, slots=True)
class Excluded:
    """A key left out of a directory snapshot, and why (e.g. the frequency cap reached)."""

    key: str
    reason: str


EXCLUDED: Final = Obj((req("key", TEXT), req("reason", TEXT)), Excluded, what="排除 {key, reason}")


@dataclass(frozen=True, slots=True)
class Beacon:
    """The ledger checkpoint whose root is mixed into the seed (the first covering the plan and
    both snapshots)."""

    tree_size: int
    root: str


BEACON: Final = Obj((req("tree_size", Integer(minimum=1)), req("root", SHA256)), Beacon,
                    what="信标检查点 {tree_size, root}")


@dataclass(frozen=True, slots=True)
class DrawnObject:
    """A drawn object: its index in the sorted objects snapshot and its key."""

    index: int
    key: str


DRAWN_OBJECT: Final = Obj((req("index", COUNT), req("key", TEXT)), DrawnObject, what="抽中对象 {index, key}")


@dataclass(frozen=True, slots=True)
class DrawnInspectors:
    """The inspectors drawn for one object (by its snapshot index)."""

    object_index: int
    officers: tuple[str, ...]


DRAWN_INSPECTORS: Final = Obj((req("object_index", COUNT), req("officers", ListOf(OFFICER, min_items=1))),
                              DrawnInspectors, what="抽中检查人员 {object_index, officers}")

# --------------------------------------------------------------------------- inspection steps


@dataclass(frozen=True, slots=True)
class InspectedObject:
    """The object of an inspection: a party, with its directory ``key`` when it was drawn."""

    kind: str
    name: str
    key: str | None = None
    id_number: str | None = None
    credit_code: str | None = None
    address: str | None = None
    phone: str | None = None
    birth_date: date | None = None
    legal_representative: str | None = None


INSPECTED_OBJECT: Final = Obj((
    req("kind", Choice(PARTY_KINDS)),
    req("name", TEXT),
    opt("key", TEXT, note="the directory key of a drawn object"),
    opt("id_number", TEXT),
    opt("credit_code", TEXT),
    opt("address", TEXT),
    opt("phone", TEXT),
    opt("birth_date", DATE),
    opt("legal_representative", TEXT),
), InspectedObject, what="检查对象 {kind, name, key?, ...}")

ORIGIN_KINDS: Final = ("random", "complaint", "referral", "key_sector", "special", "routine", "other")


@dataclass(frozen=True, slots=True)
class InspectionOrigin:
    """Why an object is inspected: drawn (the spot check and the object's index), or another reason."""

    kind: str
    spotcheck: str | None = None
    object_index: int | None = None
    stream: str | None = None


INSPECTION_ORIGIN: Final = Obj((
    req("kind", Choice(ORIGIN_KINDS)),
    opt("spotcheck", SPOTCHECK_STREAM),
    opt("object_index", COUNT),
    opt("stream", Ref(frozenset({StreamKind.COMPLAINT, StreamKind.CASE, StreamKind.LICENCE,
                                 StreamKind.COERCION})), note="the complaint or other source"),
), InspectionOrigin, what="检查来源 {kind, spotcheck?, object_index?, stream?}")


@dataclass(frozen=True, slots=True)
class InspectionFinding:
    """One finding of an inspection, with its evidence."""

    id: str
    text: str
    evidence: tuple[object, ...] | None = None


INSPECTION_FINDING: Final = Obj((
    req("id", TEXT),
    req("text", TEXT),
    opt("evidence", ListOf(OneOf((TEXT, DOCUMENT))), note="evidence ids or documents"),
), InspectionFinding, what="检查发现 {id, text, evidence?}")


@dataclass(frozen=True, slots=True)
class Correction:
    """A correction ordered at an inspection (责令改正): by when, and the document."""

    due: date
    document: DocumentRef | None


CORRECTION: Final = Obj((req("due", DATE), req("document", DOCUMENT, fact=True)), Correction,
                        what="责令改正 {due, document}")

INSPECTION_SHAPES: Final = (
    SPOT_CHECK_TERMS, PERIOD, EXCLUDED, BEACON, DRAWN_OBJECT, DRAWN_INSPECTORS, INSPECTED_OBJECT,
    INSPECTION_ORIGIN, INSPECTION_FINDING, CORRECTION,
)
"""Every shape of this module, for tests that keep specs and dataclasses in step."""
