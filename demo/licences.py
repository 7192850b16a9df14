"""The demo's 行政许可 files: which applications a year holds, their numbers, the agency's
proceedings on licences it granted, and which files carry one of the brief's defects.

Why a stream of its own: the files are drawn from their own seeded generators (``…|licence i``),
after the penalty cases, so adding them leaves every case of a demo as it was; their number is a
setting (``licences``, by default a quarter of the cases).
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Final

from demo import licence_catalogue as lc
from demo.draw import rint, weighted_choice
from demo.licence_files import LicenceWorld, LicenceWriter
from demo.licence_paths import Grant, LicenceSpec, application, proceeding
from demo.model import LICENCE_DEFECT_KINDS, Defect, DefectKind, DemoFile, DemoStream

PATHS: Final = ("new", "on_the_spot", "denied", "not_accepted", "renewal", "change")
_WEIGHTS: Final = (("new", 58), ("on_the_spot", 10), ("denied", 8), ("not_accepted", 7), ("renewal", 11),
                   ("change", 6))
PROCEEDING_SHARE: Final = 0.05
"""Share of the applications a 撤销 or 撤回 (then 注销) follows, at least one when a licence was issued."""
DEFECT_LEAD: Final = 100
"""A defective file is received at least this many days before ``as_of``, so it is complete."""


def build_licences(count: int, key: str, defect_share: float, world: LicenceWorld,
                   low: date) -> tuple[list[DemoStream], dict[str, DemoFile]]:
    """``count`` applications (a ``defect_share`` of them with one defect each) and the agency's
    proceedings on some of the licences granted, by stream."""
    specs = _specs(count, key, defect_share, world, low)
    order = sorted(specs, key=lambda s: (s.received, s.index))
    serials: dict[int, int] = {}
    out: list[DemoStream] = []
    documents: dict[str, DemoFile] = {}
    grants: list[Grant] = []
    for spec in order:
        year = spec.received.year
        serials[year] = serials.get(year, 0) + 1
        stream = f"licence/{world.agency.spec.code}-XK-{year}-{serials[year]:04d}"
        writer, grant = application(world, spec, stream, serials[year], year)
        documents.update(writer.files)
        out.append(_demo_stream(writer, spec.path, spec.defect))
        if grant is not None and spec.defect is None:
            grants.append(grant)
    for writer, action in _proceedings(grants, key, world, count):
        documents.update(writer.files)
        out.append(_demo_stream(writer, action, None))
    out.sort(key=lambda f: f.stream)
    return out, documents


def _specs(count: int, key: str, defect_share: float, world: LicenceWorld, low: date) -> list[LicenceSpec]:
    rng = random.Random(f"{key}|licences")
    defective = round(count * defect_share)
    marked = set(rng.sample(range(count), defective)) if defective else set()
    kinds = list(LICENCE_DEFECT_KINDS)
    rng.shuffle(kinds)
    plain = [i for i in lc.LICENCE_ITEMS if not i.hearing_required]
    specs: list[LicenceSpec] = []
    seen = 0
    dealt = 0
    span = (world.last - low).days
    for index in range(count):
        seed = f"{key}|licence {index}"
        own = random.Random(seed)
        kind: DefectKind | None = None
        if index in marked:
            kind = kinds[dealt % len(kinds)]
            dealt += 1
            path, item = "new", plain[int(own.random() * len(plain))]
            day = low + timedelta(days=rint(own, 0, max(0, span - DEFECT_LEAD)))
        else:
            path = PATHS[seen] if seen < len(PATHS) else weighted_choice(own, _WEIGHTS)
            seen += 1
            item = _item(own, path)
            day = low + timedelta(days=rint(own, 0, span))
        specs.append(LicenceSpec(index, path, item, kind, world.wd.add(day, 0), seed))
    return [s for s in specs if s.received <= world.last]


def _item(rng: random.Random, path: str) -> lc.LicenceItemSpec:
    if path == "on_the_spot":
        return next(i for i in lc.LICENCE_ITEMS if i.on_the_spot)
    return lc.LICENCE_ITEMS[int(rng.random() * len(lc.LICENCE_ITEMS))]


def _proceedings(grants: list[Grant], key: str, world: LicenceWorld,
                 count: int) -> list[tuple[LicenceWriter, str]]:
    """撤销 and 撤回 (alternating) of some lawful licences, opened a few weeks after issue."""
    rng = random.Random(f"{key}|licence proceedings")
    wanted = max(1, round(count * PROCEEDING_SHARE)) if count else 0
    chosen = [g for g in grants if g.issued + timedelta(days=40) < world.last]
    chosen = sorted(rng.sample(chosen, min(wanted, len(chosen))), key=lambda g: g.stream)
    planned = []
    for n, grant in enumerate(chosen):
        opened = world.wd.add(grant.issued, rint(rng, 15, 60))
        if opened <= world.last:
            planned.append((opened, n, grant))
    planned.sort(key=lambda p: (p[0], p[1]))
    serials: dict[int, int] = {}
    out = []
    for opened, n, grant in planned:
        serials[opened.year] = serials.get(opened.year, 0) + 1
        serial = serials[opened.year]
        action = "revocation" if n % 2 == 0 else "withdrawal"
        stream = f"licence/{world.agency.spec.code}-CX-{opened.year}-{serial:04d}"
        out.append((proceeding(world, grant, action, opened, stream, serial, opened.year,
                               f"{key}|licence proceeding {grant.stream}"), action))
    return out


def _demo_stream(writer: LicenceWriter, path: str, kind: DefectKind | None) -> DemoStream:
    steps = tuple(writer.steps)
    defect = None
    if kind is not None:
        where = next(i for i, s in enumerate(steps) if s["type"] == kind.label)
        defect = Defect(kind.name, kind.rule, kind.gate, where, kind.note)
    return DemoStream(writer.stream, path, steps[-1]["type"], steps, defect)
