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

import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Final, TypeVar

from demo.builder import Builder, Built
from demo.case_coercions import build_case_coercions
from demo.catalogue import JUSTICE
from demo.coercions import build_coercions
from demo.complaints import ComplaintWorld, build_complaints, justice_roles
from demo.draw import DAY, choice, weighted_choice
from demo.inspections import build_inspections
from demo.kind_catalogue import INSPECTION_ITEMS
from demo.kind_files import KindWorld, kind_items
from demo.licence_files import LicenceWorld
from demo.licences import build_licences
from demo.model import (
    CASES,
    DEFECT_KINDS,
    ENFORCING,
    FILES,
    PROCEDURES,
    PROCEEDINGS,
    RECTIFICATIONS,
    REGISTRY,
    RELATED,
    STAGES,
    CaseFacts,
    Defect,
    DefectKind,
    DemoCase,
    DemoData,
    DemoFile,
    DemoStream,
    Proceeding,
    Raw,
    Rectification,
    Segment,
    StepSink,
)
from demo.plans import fit_plan
from demo.proceedings import build_proceedings
from demo.rectifications import build_rectifications
from demo.registry import LAPSING, Agency, build_registry
from demo.specs import Spec, choose_item, general_amounts, summary_amounts
from demo.workdays import Workdays
from domain.calendar import HolidayNotice, WorkingCalendar
from domain.config import Config, LicenceLimits, effective_licence_terms
from domain.registry import Item

_PROCEDURE_WEIGHTS: Final = (("general", 50), ("summary", 28), ("no_penalty", 15), ("transfer", 7))
_STAGE_WEIGHTS: Final = (("archived", 55), ("closed", 8), ("paid", 7), ("decided", 8), ("notice_served", 6),
                         ("investigating", 8), ("registered", 4), ("transferred", 4), (ENFORCING, 3))


def _coverage() -> list[tuple[str, str]]:
    """Every (procedure, stage) pair, so that even a small demo shows each one."""
    pairs = [(p, s) for p in PROCEDURES for s in STAGES[p]]
    pairs.insert(pairs.index(("general", "paid")), ("general", ENFORCING))
    return pairs


LICENCES_PER_CASE: Final = 0.25
"""Default number of 行政许可 applications, per penalty case."""
COMPLAINTS_PER_CASE: Final = 0.1
"""Default number of 投诉举报, per penalty case."""


def default_licences(cases: int) -> int:
    return round(cases * LICENCES_PER_CASE)


def default_complaints(cases: int) -> int:
    return round(cases * COMPLAINTS_PER_CASE)


MEASURES_PER_CASE: Final = 0.06
"""Default number of 查封、扣押 files on ``coercion/`` streams, per penalty case."""
ENFORCEMENTS_PER_CASE: Final = 0.03
"""Default number of 代履行 files, per penalty case."""
SPOTCHECKS_PER_CASE: Final = 0.02
"""Default number of 双随机 抽查任务 (3–5 objects each), per penalty case; at least one per inspection item."""
INSPECTIONS_PER_CASE: Final = 0.1
"""Default number of targeted inspections, per penalty case."""


CASE_SEIZURES_PER_CASE: Final = 0.03
"""Default number of extra penalty cases with a 查封、扣押 after 立案 on their own stream, per penalty case."""
CASE_EMERGENCIES_PER_CASE: Final = 0.02
"""Default number of emergency measures on ``coercion/`` streams disposed of by a penalty case, per case."""
CASE_SUBSTITUTES_PER_CASE: Final = 0.02
"""Default number of extra penalty cases whose 责令清除 the 城管 enforces by 代履行, per penalty case."""


def default_case_kinds(cases: int) -> tuple[int, int, int]:
    """(seizures in cases, emergency measures disposed of by a case, 代履行 in cases) of a demo."""
    return (round(cases * CASE_SEIZURES_PER_CASE), round(cases * CASE_EMERGENCIES_PER_CASE),
            round(cases * CASE_SUBSTITUTES_PER_CASE))


def default_kinds(cases: int) -> tuple[int, int, int, int]:
    """(measures, enforcements, spot checks, targeted inspections) of a demo of ``cases`` cases."""
    spot = max(len(INSPECTION_ITEMS), round(cases * SPOTCHECKS_PER_CASE)) if cases else 0
    return (round(cases * MEASURES_PER_CASE), round(cases * ENFORCEMENTS_PER_CASE), spot,
            round(cases * INSPECTIONS_PER_CASE))


def generate(cases: int, seed: int, as_of: date, *, defect_share: float = 0.15,
             config: Config | None = None, licences: int | None = None, complaints: int | None = None,
             kinds: tuple[int, int, int, int] | None = None,
             case_kinds: tuple[int, int, int] | None = None, sink: StepSink | None = None) -> DemoData:
    """A year of demo records before ``as_of``: registry, ``cases`` cases (a ``defect_share``
    of them with one defect each), reconsiderations and lawsuits, then ``licences`` 行政许可 and
    ``complaints`` 投诉举报 files, and ``kinds`` = (measures, enforcements, spot checks, targeted
    inspections) 行政强制 and 行政检查 files, and ``case_kinds`` = (seizures in cases, emergency measures
    disposed of by a case, 代履行 in cases) further penalty cases with their measures (all by default
    proportional to ``cases``; the same share defective). Pure and deterministic.

    With a ``sink``, each stream's steps and the documents go to the sink as soon as they are
    generated, and the result holds none of them (its files' ``steps`` are empty, ``segments()`` too):
    the sink orders them as ``segments()`` would have, so that a demo of any size streams in bounded
    memory."""
    licences = default_licences(cases) if licences is None else licences
    complaints = default_complaints(cases) if complaints is None else complaints
    kinds = default_kinds(cases) if kinds is None else kinds
    case_kinds = default_case_kinds(cases) if case_kinds is None else case_kinds
    if cases < 0 or licences < 0 or complaints < 0 or min(kinds) < 0 or min(case_kinds) < 0:
        raise ValueError("cases、licences、complaints 不能为负数")
    if not 0 <= defect_share <= 1:
        raise ValueError("defect_share 应在 0 到 1 之间")
    config = config or Config()
    key = f"enforcement-ledger demo|{seed}|{as_of.isoformat()}"
    registry, later, agencies, justice, licensing = build_registry(as_of, config)
    notices = [HolidayNotice.from_step_data(s["data"]) for s in registry if s["type"] == "HolidayNoticePublished"]
    calendar = WorkingCalendar.from_notices(notices)
    start = as_of - timedelta(days=365)
    last = as_of - DAY
    wd = Workdays(calendar, start - timedelta(days=40), as_of + timedelta(days=420))
    low = start + timedelta(days=3)
    specs = _specs(cases, key, defect_share, agencies, config)
    built, documents = _build(specs, wd, config, low, last, sink)
    proceedings, follow = build_proceedings(built, justice, agencies, key, wd, last)
    demo_cases, facts = _demo_cases(built, follow, sink)
    registry_all = tuple(registry + kind_items(start) + sorted(later, key=lambda s: (s["at"], s["stream"])))
    rectifications = build_rectifications(facts, justice, key, wd, last)
    world = LicenceWorld(licensing, _licence_terms(registry, licensing, config), calendar, wd, config, last)
    spill = _Spill(sink, documents)
    licence_files = spill.files(*build_licences(licences, key, defect_share, world, low))
    supervisors, head = justice_roles(justice)
    names = frozenset(s["data"]["name"] for s in registry if s["type"] == "OfficerRegistered")
    bureau = ComplaintWorld(f"agency/{JUSTICE.code}", supervisors, head, agencies, calendar, wd, config, last, names)
    complaint_files = spill.files(*build_complaints(complaints, key, defect_share, bureau, facts, low))
    kind_world = KindWorld(agencies, calendar, wd, config, last, supervisors[0])
    coercion_files = spill.files(*build_coercions(kinds[0], kinds[1], key, defect_share, kind_world, low))
    inspection_files, inspection_documents, draws = build_inspections(kinds[2], kinds[3], key, defect_share,
                                                                      kind_world, low)
    inspection_files = spill.files(inspection_files, inspection_documents)
    case_files = spill.files(*build_case_coercions(case_kinds, key, defect_share, kind_world, low,
                                                   _highest(b.stream for b in built),
                                                   _highest(f.stream for f in coercion_files)))
    files = (*licence_files, *complaint_files, *coercion_files, *inspection_files, *case_files)
    if sink is not None:
        sink.steps(False, REGISTRY, "", registry_all)
        proceedings = [replace(p, steps=()) for p in spill.run(PROCEEDINGS, proceedings)]
        rectifications = tuple(replace(r, steps=()) for r in spill.run(RECTIFICATIONS, rectifications))
        order: tuple[Segment, ...] = ()
    else:
        order = _segments(registry_all, demo_cases, proceedings, rectifications, files)
    return DemoData(cases, seed, as_of, registry_all, tuple(demo_cases), tuple(proceedings), order, documents,
                    rectifications, tuple(licence_files), tuple(complaint_files), tuple(coercion_files),
                    tuple(inspection_files), tuple(draws), tuple(case_files))


_Run = TypeVar("_Run", Proceeding, Rectification)


class _Spill:
    """Hands the files of a streamed demo to its sink as each builder returns them (in the order
    ``_segments`` numbers them), keeping them without their steps; without a sink, keeps them whole
    and gathers their documents."""

    def __init__(self, sink: StepSink | None, documents: dict[str, DemoFile]) -> None:
        self.sink = sink
        self.documents = documents
        self.count = 0

    def files(self, files: Sequence[DemoStream], documents: Mapping[str, DemoFile]) -> list[DemoStream]:
        if self.sink is None:
            self.documents.update(documents)
            return list(files)
        self.sink.documents(documents)
        out = []
        for f in files:
            key = f"{self.count:09d}"
            self.count += 1
            self.sink.steps(f.backfill, FILES, key, f.steps)
            if f.related:
                self.sink.steps(f.backfill, RELATED, key, f.related)
            out.append(replace(f, steps=(), related=()))
        return out

    def run(self, group: int, runs: Sequence[_Run]) -> Sequence[_Run]:
        assert self.sink is not None
        for n, r in enumerate(runs):
            self.sink.steps(False, group, f"{n:09d}", r.steps)
        return runs


def _highest(streams: Iterable[str]) -> dict[tuple[str, int], int]:
    """The highest serial of each (agency, year) among ``case/JA-CGJ-2026-0007`` or
    ``coercion/JA-CGJ-QZ-2026-0003`` streams."""
    out: dict[tuple[str, int], int] = {}
    for stream in streams:
        parts = stream.split("/", 1)[1].split("-")
        k = (f"{parts[0]}-{parts[1]}", int(parts[-2]))
        out[k] = max(out.get(k, 0), int(parts[-1]))
    return out


def _licence_terms(registry: list[Raw], licensing: Agency, config: Config) -> dict[str, LicenceLimits]:
    """LIC-10's periods of each licence item as published (``effective_licence_terms``)."""
    out = {}
    for step in registry:
        if step["stream"] == licensing.stream and step["type"] == "EnforcementItemPublished":
            item = Item.from_data(step["data"], datetime.fromisoformat(step["at"]))
            out[item.code] = effective_licence_terms(config, item)
    return out


def _specs(cases: int, key: str, defect_share: float, agencies: dict[str, Agency], config: Config) -> list[Spec]:
    """What is decided about each case before its dates: which cases carry which defect (the
    demo's seeded draw), the rest covering every (procedure, stage) first, then drawn by weight."""
    rng = random.Random(key)
    defective = round(cases * defect_share)
    defect_indices = set(rng.sample(range(cases), defective)) if defective else set()
    kinds = list(DEFECT_KINDS)
    rng.shuffle(kinds)
    coverage = _coverage()
    specs: list[Spec] = []
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
            procedure = weighted_choice(case_rng, _PROCEDURE_WEIGHTS)
            stages = (*STAGES[procedure], ENFORCING) if procedure == "general" else STAGES[procedure]
            target = weighted_choice(case_rng, [(s, w) for s, w in _STAGE_WEIGHTS if s in stages])
        specs.append(_spec(index, key, procedure, target, kind, case_rng, agencies, config))
    return specs


def _spec(index: int, key: str, procedure: str, target: str, kind: DefectKind | None, case_rng: random.Random,
          agencies: dict[str, Agency], config: Config) -> Spec:
    """One case's item, party kind, amounts and outcome (drawn from its own ``case_rng``)."""
    agency, item = choose_item(case_rng, agencies, procedure, kind)
    party_kind = item.party if item.party != "either" else choice(case_rng, ("person", "organisation"))
    spec = Spec(index, f"{key}|case {index}", procedure, target, agency, item, party_kind, kind)
    if procedure == "general":
        general_amounts(spec, case_rng, config)
    elif procedure == "summary":
        summary_amounts(spec, case_rng, config)
    elif procedure == "no_penalty":
        spec.outcome = choice(case_rng, ("no_penalty_first_violation", "no_penalty_minor"))
    else:
        spec.outcome = "transfer"
    if kind is not None and kind.name == "expired_credential":
        lapsed = [o for o in agency.field_officers if (agency.spec.code, int(o.id[-3:])) in LAPSING]
        spec.lapsed = lapsed[0]
        assert lapsed[0].valid_to is not None
        spec.min_start = lapsed[0].valid_to + timedelta(days=7)
    return spec


def _build(specs: list[Spec], wd: Workdays, config: Config, low: date, last: date,
           sink: StepSink | None = None) -> tuple[list[Built], dict[str, DemoFile]]:
    """Plan every case's dates, then build its steps in order of its first step, numbering the
    cases per agency and year in that order; with the documents the steps cite. With a ``sink``,
    each case's steps and documents go there at once (``Built.facts`` keeps what is read later)."""
    planned = [(spec, fit_plan(spec, wd, config, low, last)) for spec in specs]
    order = sorted(range(len(planned)), key=lambda i: (planned[i][1][0].day, planned[i][1][0].minute, i))
    serials: dict[tuple[str, int], int] = {}
    built: list[Built] = []
    documents: dict[str, DemoFile] = {}
    for i in order:
        spec, slots = planned[i]
        if sink is not None:
            planned[i] = (spec, [])  # a streamed demo holds no plan once its case is built
        kept = [s for s in slots if s.day <= last]
        if not kept:  # cannot happen: every plan starts on or after ``low``
            continue
        register = next((s for s in kept if s.label == "register"), kept[0])
        year = register.day.year
        counter_key = (spec.agency.spec.code, year)
        serials[counter_key] = serials.get(counter_key, 0) + 1
        serial = serials[counter_key]
        number = f"{spec.agency.spec.code}-{year}-{serial:04d}"
        builder = Builder(spec, kept, slots, number, serial, year, config)
        steps = builder.build()
        served = next((s for s in steps if s["type"] == "DecisionServed"), None)
        b = Built(builder.stream, number, serial, year, spec, kept, builder.party, builder.handlers,
                  steps, builder.document_no, served["data"]["served_at"] if served else None,
                  any(s["type"] == "DecisionPublished" for s in steps), kept[-1].day)
        if sink is None:
            documents.update(builder.doc.files)
        else:
            sink.documents(builder.doc.files)
            defect = _defect(b)
            sink.steps(defect is not None, CASES, b.stream, steps)
            b.facts = CaseFacts.of(b.stream, defect, steps)
            b.steps, b.slots = [], kept[-1:]  # the last slot gives the stage; the defect is in the facts
        built.append(b)
    return built, documents


def _defect(b: Built) -> Defect | None:
    """The defect of a built case, located at its step (None: lawful, or its defect's step lies beyond ``as_of``)."""
    spec = b.spec
    if spec.defect is None:
        return None
    where = next((i for i, s in enumerate(b.slots) if s.label == spec.defect.label), None)
    return None if where is None else Defect(spec.defect.name, spec.defect.rule, spec.defect.gate, where,
                                              spec.defect.note)


def _facts(case: DemoCase) -> CaseFacts:
    return CaseFacts.of(case.stream, case.defect, case.steps)


def _demo_cases(built: list[Built], follow: dict[str, list[Raw]],
                sink: StepSink | None = None) -> tuple[list[DemoCase], list[CaseFacts]]:
    """The built cases with their defect located and the corrections proceedings brought, by stream;
    with what later files read of each. With a ``sink``, the corrections go there and the cases are
    kept without steps."""
    demo_cases: list[DemoCase] = []
    facts: list[CaseFacts] = []
    for b in built:
        defect = _defect(b) if b.facts is None else b.facts.defect
        stage = b.slots[-1].stage
        more = follow.get(b.stream, [])
        if sink is None or b.facts is None:
            case = DemoCase(b.stream, b.spec.procedure, stage, tuple(b.steps + more), defect)
            facts.append(_facts(case))
        else:
            case = DemoCase(b.stream, b.spec.procedure, stage, (), defect)
            if more:
                sink.steps(defect is not None, CASES, b.stream, more, start=b.facts.steps)
                b.facts = replace(b.facts, steps=b.facts.steps + len(more), last_at=more[-1]["at"])
            facts.append(b.facts)
        demo_cases.append(case)
    order = sorted(range(len(demo_cases)), key=lambda i: demo_cases[i].stream)
    return [demo_cases[i] for i in order], [facts[i] for i in order]


def _timed(streams: Sequence[Sequence[Raw]]) -> tuple[Raw, ...]:
    """Steps of several streams merged in time order, each stream's own order kept."""
    keyed = [(step["at"], n, i, step) for n, steps in enumerate(streams) for i, step in enumerate(steps)]
    keyed.sort(key=lambda k: (k[0], k[1], k[2]))
    return tuple(k[3] for k in keyed)


def _segments(registry: tuple[Raw, ...], cases: Sequence[DemoCase], proceedings: Sequence[Proceeding],
              rectifications: Sequence[Rectification] = (), files: Sequence[DemoStream] = ()) -> tuple[Segment, ...]:
    out = [Segment(False, registry)]
    paper = [c.steps for c in cases if c.backfill] + [f.steps for f in files if f.backfill]
    paper += [f.related for f in files if f.backfill and f.related]
    if paper:
        out.append(Segment(True, _timed(paper)))
    live = [c.steps for c in cases if not c.backfill] + [p.steps for p in proceedings]
    live += [r.steps for r in rectifications]
    live += [f.steps for f in files if not f.backfill] + [f.related for f in files if not f.backfill and f.related]
    if live:
        out.append(Segment(False, _timed(live)))
    return tuple(out)
