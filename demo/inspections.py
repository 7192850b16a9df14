"""The demo's 行政检查: 双随机 抽查任务 on ``spotcheck/`` streams (plan with a committed secret, the two
directory snapshots, a ``ledger-draw-v1`` draw, then one ``inspection/`` stream per drawn object,
their results published in one batch) and targeted inspections (routine, complaint, 重点监管); a
``defect_share`` of them defective (examples-notes.md §4 and INS-05's 检查码).

Why a spot check is a ``SpotCheck`` with ``realise``: INS-02 wants the draw's beacon to be a checkpoint
of *this* ledger signed after both snapshots, which nobody knows before they are recorded. So
``generate`` plans everything that does not depend on the draw (dates, streams, results by position)
and realises the draw with a stand-in beacon, for a complete and deterministic ``DemoData``; the
``demo`` command realises it again at record time with the real checkpoint (``api.cli.demo``), which
changes only which objects and officers the draw-dependent steps name. A spot check with a defect a
gate refuses (INS-03, INS-04) is a 补录 of paper and keeps the stand-in beacon ("unverified").
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Final

from demo import kind_catalogue as kc
from demo.draw import choice, firm, rint, stamp
from demo.kind_files import KindWorld, KindWriter, lapsed, steady
from demo.model import INSPECTION_DEFECT_KINDS, DefectKind, DemoFile, DemoStream, Raw
from domain.draw import ALGORITHM, commitment_of, draw, population

TARGETED: Final = ("routine", "complaint", "key_sector")
DEFECT_LEAD: Final = 90
_SPOT_DEFECTS: Final = frozenset({"undrawn_object", "unqualified_inspector", "late_publication"})


@dataclass(frozen=True)
class _Opening:
    """An inspection planned before numbering: its agency, day and what it is."""

    agency: str
    day: date
    order: int
    spot: int | None
    m: int = 0


@dataclass(frozen=True)
class SpotCheck:
    """One planned 抽查任务: everything but the draw; ``realise`` writes the draw-dependent steps."""

    world: KindWorld
    stream: str
    agency: str
    item: kc.InspectionItemSpec
    seed: str
    secret: bytes
    keys: tuple[str, ...]
    parties: dict[str, Raw]
    pool: tuple[str, ...]
    sample: int
    planned: date
    streams: tuple[str, ...]
    """The inspection stream of the m-th drawn object."""
    kind: DefectKind | None
    prefix: tuple[Raw, ...] = field(default=())
    documents: dict[str, DemoFile] = field(default_factory=dict)

    @property
    def paper(self) -> bool:
        return self.kind is not None and self.kind.gate

    def stand_in(self) -> tuple[int, bytes]:
        """The beacon ``generate`` uses: (tree size, root) derived from the seed."""
        return 1000, hashlib.sha256(f"{self.seed}|beacon".encode()).digest()

    def realise(self, tree_size: int, root: bytes) -> tuple[DemoStream, list[DemoStream], dict[str, DemoFile]]:
        """The spot-check stream and its inspections for the beacon ``(tree_size, root)``."""
        return _Realised(self, tree_size, root).write()


def build_inspections(spotchecks: int, targeted: int, key: str, defect_share: float, world: KindWorld,
                      low: date) -> tuple[list[DemoStream], dict[str, DemoFile], list[SpotCheck]]:
    """``spotchecks`` 抽查任务 (with their drawn inspections) and ``targeted`` inspections; the spot
    checks themselves, for the recorder to realise with a real checkpoint."""
    span = (world.last - low).days
    rng = random.Random(f"{key}|inspections")
    total = spotchecks + targeted
    defective = round(total * defect_share)
    marked = sorted(rng.sample(range(total), defective)) if defective else []
    kinds = list(INSPECTION_DEFECT_KINDS)
    openings: list[_Opening] = []
    specs: list[tuple[int, kc.InspectionItemSpec, date, DefectKind | None, random.Random, int]] = []
    for index in range(total):
        own = random.Random(f"{key}|inspection {index}")
        spot = index < spotchecks
        kind = kinds[marked.index(index) % len(kinds)] if index in marked else None
        if kind is not None and (kind.name in _SPOT_DEFECTS) != spot:
            kind = next(k for k in kinds if (k.name in _SPOT_DEFECTS) == spot)
        item = kc.INSPECTION_ITEMS[index % len(kc.INSPECTION_ITEMS)] if spot else choice(own, kc.INSPECTION_ITEMS)
        if kind is not None and kind.name == "unqualified_inspector":
            item = kc.INSPECTION_ITEMS[0]
        lead = DEFECT_LEAD if kind is not None else 45 if spot else 0
        day = world.wd.add(low + timedelta(days=rint(own, 0, max(0, span - lead))), 0)
        if kind is not None and kind.name == "unqualified_inspector":
            officer = lapsed(world.agencies[item.agency])
            assert officer is not None and officer.valid_to is not None
            day = max(day, world.wd.add(officer.valid_to, 2))
        if day > world.last:
            continue
        sample = rint(own, 3, 5) if spot else 1
        specs.append((index, item, day, kind, own, sample))
        if spot:
            opened = _opened(world, f"{key}|spotcheck {index}", day)
            openings += [_Opening(item.agency, opened, index, index, m) for m in range(sample)]
        else:
            openings.append(_Opening(item.agency, day, index, None))
    streams = _number(openings)
    out: list[DemoStream] = []
    documents: dict[str, DemoFile] = {}
    checks: list[SpotCheck] = []
    serials: dict[tuple[str, int], int] = {}
    for index, item, day, kind, own, sample in sorted(specs, key=lambda s: (s[2], s[0])):
        if index < spotchecks:
            number = (item.agency, day.year)
            serials[number] = serials.get(number, 0) + 1
            stream = f"spotcheck/{item.agency}-CC-{day.year}-{serials[number]:02d}"
            check = _plan(world, stream, item, f"{key}|spotcheck {index}", own, day, sample,
                          tuple(streams[(index, m)] for m in range(sample)), kind)
            task, drawn, docs = check.realise(*check.stand_in())
            out += [task, *drawn]
            documents.update(docs)
            if not check.paper:
                checks.append(check)
        else:
            writer = _Inspection(world, streams[(index, 0)], item, own, kind)
            writer.targeted(day, TARGETED[index % len(TARGETED)] if index - spotchecks < len(TARGETED)
                            else choice(own, TARGETED))
            documents.update(writer.w.files)
            out.append(writer.w.result(writer.origin, kind))
    out.sort(key=lambda f: f.stream)
    return out, documents, checks


def _number(openings: list[_Opening]) -> dict[tuple[int, int], str]:
    """Inspection numbers per agency and year in order of opening."""
    serials: dict[tuple[str, int], int] = {}
    out = {}
    for o in sorted(openings, key=lambda o: (o.day, o.order, o.m)):
        k = (o.agency, o.day.year)
        serials[k] = serials.get(k, 0) + 1
        out[(o.order, o.m)] = f"inspection/{o.agency}-JC-{o.day.year}-{serials[k]:04d}"
    return out


def _plan(world: KindWorld, stream: str, item: kc.InspectionItemSpec, seed: str, rng: random.Random, day: date,
          sample: int, streams: tuple[str, ...], kind: DefectKind | None) -> SpotCheck:
    """The plan and the two snapshots: a directory of the item's firms and the agency's inspectors."""
    agency = world.agencies[item.agency]
    parties: dict[str, Raw] = {}
    for _ in range(rint(rng, 12, 30)):
        party = firm(rng, item.industry)
        party.pop("phone", None)
        parties[party["credit_code"]] = party
    keys = tuple(population(list(parties)))
    pool = tuple(population([o.id for o in steady(agency)]))
    secret = hashlib.sha256(f"{seed}|secret".encode()).digest()
    w = KindWriter(world, stream, agency, pool[0])
    head = agency.heads[0].id
    until = world.wd.add(day, 40)
    w.add(day, 10 * 60, "SpotCheckPlanned", {
        "agency": agency.stream, "items": [item.code], "population": item.population, "sample_size": sample,
        "inspectors_per_object": 2, "period": {"from_on": day.isoformat(), "until": until.isoformat()},
        "approved_by": head, "document": w.doc("双随机抽查工作方案"), "seed_commitment": commitment_of(secret).hex(),
        "algorithm": ALGORITHM, "filed_at": ..., "published_at": ...})
    taken = world.wd.add(day, 1)
    content = ("\n".join(keys) + "\n").encode("utf-8")
    digest = hashlib.sha256(content).hexdigest()
    w.doc.files[digest] = DemoFile(digest, agency.stream, "text/plain", content)
    w.add(taken, 9 * 60, "DirectorySnapshotTaken", {
        "directory": "objects", "taken_at": ..., "source": item.population, "count": len(keys),
        "snapshot": {"sha256": digest, "bytes": len(content), "media_type": "text/plain",
                     "name": f"{item.population}快照"}})
    w.add(taken, 9 * 60 + 10, "DirectorySnapshotTaken", {
        "directory": "inspectors", "taken_at": ..., "source": f"{agency.spec.name}执法检查人员名录库",
        "count": len(pool), "officers": list(pool)})
    return SpotCheck(world, stream, item.agency, item, seed, secret, keys, parties, pool, sample, day, streams, kind,
                     tuple(w.steps), dict(w.files))


class _Realised:
    """A spot check written for one beacon: the draw, the inspections of the drawn objects, the batch."""

    def __init__(self, check: SpotCheck, tree_size: int, root: bytes) -> None:
        self.c, self.size, self.root = check, tree_size, root
        self.world = check.world
        self.agency = check.world.agencies[check.agency]

    def write(self) -> tuple[DemoStream, list[DemoStream], dict[str, DemoFile]]:
        c, world = self.c, self.world
        rng = random.Random(f"{c.seed}|realise")
        result = draw(c.secret, self.root, c.keys, c.pool, sample_size=c.sample, per_object=2)
        w = KindWriter(world, c.stream, self.agency, c.pool[0])
        w.steps = [dict(s) for s in c.prefix]
        drawn_on = world.wd.add(c.planned, 2)
        w.add(drawn_on, 10 * 60, "RandomDrawPerformed", {
            "seed_secret": c.secret.hex(), "beacon": {"tree_size": self.size, "root": self.root.hex()},
            "seed": result.seed.hex(), "objects_snapshot": c.prefix[1]["data"]["snapshot"]["sha256"],
            "objects_drawn": [{"index": o.index, "key": o.key} for o in result.objects],
            "inspectors_drawn": [{"object_index": o.index, "officers": list(o.inspectors)} for o in result.objects],
            "witnesses": [world.supervisor], "av": [w.doc("抽取过程视频", "video")], "record": w.doc("随机抽取记录")})
        opened = _opened_day(c)
        files: list[_Inspection] = []
        for m, drawn in enumerate(result.objects):
            kind = c.kind if m == 0 and c.kind is not None and c.kind.name != "late_publication" else None
            index, key, officers = drawn.index, drawn.key, list(drawn.inspectors)
            if kind is not None and kind.name == "undrawn_object":
                index = next(i for i in range(len(c.keys)) if i not in {o.index for o in result.objects})
                key = c.keys[index]
            insp = _Inspection(world, c.streams[m], c.item, random.Random(f"{c.seed}|m {m}"), kind)
            insp.drawn(opened, m, c.stream, index, c.parties[key] | {"key": key}, officers)
            files.append(insp)
        self._batch(w, files, rng)
        docs = {**c.documents, **w.files}
        streams = []
        for m, insp in enumerate(files):
            docs.update(insp.w.files)
            kind = c.kind if m == 0 else None
            streams.append(insp.w.result("random", kind, paper=c.paper))
        return w.result("spotcheck", None, paper=c.paper), streams, docs

    def _batch(self, w: KindWriter, files: list[_Inspection], rng: random.Random) -> None:
        """One 公示 batch for every result within 20 WD of the first conclusion (late for TS-03), then
        the task's completion and each inspection's 办结 and 归档."""
        world, c = self.world, self.c
        concluded = [f.concluded for f in files if f.concluded is not None]
        if not concluded or len(concluded) < len(files):
            return
        limit = world.due(min(concluded), world.config.publication.other_decision_wd)
        day = min(world.wd.add(max(f.settled for f in files), rint(rng, 1, 5)), limit)
        day = max(day, max(concluded))
        batch = f"{kc.CHANNEL} 双随机抽查结果公示 {c.stream.split('/', 1)[1]}"
        late = c.kind is not None and c.kind.name == "late_publication"
        for m, f in enumerate(files):
            if late and m == 0:  # left out of the batch, published on its own after its 20 WD
                assert f.concluded is not None
                due = world.due(f.concluded, world.config.publication.other_decision_wd)
                f.publish(max(world.wd.add(due, rint(rng, 1, 3)), world.wd.add(day, 1)), batch)
            else:
                f.publish(day, batch)
        day = max(s["at"][:10] for f in files for s in f.w.steps if s["type"] == "DecisionPublished")
        day = date.fromisoformat(day)
        found = sum(1 for f in files if f.result != "compliant")
        w.add(day, 10 * 60, "SpotCheckCompleted", {
            "completed_on": day.isoformat(), "report": w.doc("抽查工作总结"),
            "summary": f"抽取{len(files)}户，检查{len(files)}户，未发现问题{len(files) - found}户，"
                       f"责令整改{found}户，结果已公示"})
        for f in files:
            f.close(max(day, f.settled))


def _opened(world: KindWorld, seed: str, planned: date) -> date:
    """The drawn inspections open 3 or 4 working days after the plan (the day after the draw or the next)."""
    return world.wd.add(planned, 3 + rint(random.Random(f"{seed}|opened"), 0, 1))


def _opened_day(c: SpotCheck) -> date:
    return _opened(c.world, c.seed, c.planned)


class _Inspection:
    """One inspection file while it is written."""

    def __init__(self, world: KindWorld, stream: str, item: kc.InspectionItemSpec, rng: random.Random,
                 kind: DefectKind | None) -> None:
        self.world, self.stream, self.item, self.rng, self.kind = world, stream, item, rng, kind
        self.agency = world.agencies[item.agency]
        self.head = self.agency.heads[0].id
        self.name = kind.name if kind is not None else ""
        self.w = KindWriter(world, stream, self.agency, self.head)
        self.officers: list[str] = []
        self.concluded: date | None = None
        self.settled = world.last
        self.result = "compliant"
        self.origin = "random"
        self.code = f"JCM-{stream.split('-')[-2]}-{item.agency.split('-')[1]}-{stream.split('-')[-1]}"

    def drawn(self, day: date, m: int, spotcheck: str, index: int, party: Raw, officers: list[str]) -> None:
        origin = {"kind": "random", "spotcheck": spotcheck, "object_index": index}
        self._open(day, 10 * 60 + m, party, origin, officers)
        self._inspect(self.world.wd.add(day, 1 + m // 2), party)

    def targeted(self, day: date, origin: str) -> None:
        self.origin = origin
        party = firm(self.rng, self.item.industry)
        party.pop("phone", None)
        officers = [o.id for o in self.rng.sample(steady(self.agency), 2)]
        self._open(day, 9 * 60 + 30, party, {"kind": origin}, officers)
        self._inspect(self.world.wd.add(day, rint(self.rng, 0, 2)), party)
        if self.result != "compliant" and self.concluded is not None:
            due = self.world.due(self.concluded, self.world.config.publication.other_decision_wd)
            self.publish(min(self.world.wd.add(self.settled, rint(self.rng, 1, 4)), due),
                         None)
        self.close(self.settled)

    def _open(self, day: date, minute: int, party: Raw, origin: Raw, officers: list[str]) -> None:
        self.officers = officers
        self.w.by = officers[0]
        self.w.add(day, minute, "InspectionOpened", {
            "agency": self.agency.stream, "item": self.item.code, "object": party, "origin": origin,
            "officers": list(officers), "approved_by": self.head, "approved_at": stamp(day, minute),
            "plan": self.w.doc("行政检查审批表"), "check_code": self.code})

    def _inspect(self, day: date, party: Raw) -> None:
        w, rng, world = self.w, self.rng, self.world
        officers = list(self.officers)
        if self.name == "unqualified_inspector":
            officer = lapsed(self.agency)
            assert officer is not None
            officers[1] = officer.id
        data: Raw = {"officers": officers, "credentials_shown": True, "notice": w.doc("行政检查通知书"),
                     "place": party.get("address", ""), "started_at": stamp(day, 10 * 60),
                     "ended_at": stamp(day, 10 * 60 + 40), "items_checked": list(self.item.checked),
                     "record": w.doc("现场检查笔录"), "signed_by_party": True, "av": [w.doc("现场检查视频", "video")]}
        if self.name != "no_check_code":
            data["check_code"] = self.code
        w.add(day, 10 * 60, "SiteInspectionRecorded", data)
        self.settled = day
        if rng.random() < 0.3:
            self.result = "correction_ordered"
            due = world.wd.add(day, rint(rng, 5, 10))
            finding = choice(rng, self.item.corrections)
            ok = w.add(day, 16 * 60, "InspectionConcluded", {
                "result": "correction_ordered", "findings": [{"id": "F1", "text": finding}],
                "correction": {"due": due.isoformat(), "document": w.doc("责令改正通知书")},
                "notice": w.doc("检查结果告知书"), "served_at": ...})
            if ok:
                self.concluded = day
            verified = world.wd.add(due, rint(rng, 1, 3))
            if w.add(verified, 10 * 60, "CorrectionVerified", {
                    "officers": list(self.officers), "credentials_shown": True, "verified_at": ...,
                    "result": "corrected", "record": w.doc("整改复查记录")}):
                self.settled = verified
        elif w.add(day, 16 * 60, "InspectionConcluded", {"result": "compliant", "findings": [],
                                                         "notice": w.doc("检查结果告知书"), "served_at": ...}):
            self.concluded = day

    def publish(self, day: date, batch: str | None) -> None:
        party = self.w.steps[0]["data"]["object"]
        words = "未发现问题" if self.result == "compliant" else "发现问题，已责令整改" + (
            "并复查合格" if any(s["type"] == "CorrectionVerified" for s in self.w.steps) else "")
        data: Raw = {"published_at": ..., "channel": kc.CHANNEL,
                     "text": f"{self.agency.spec.name} {'双随机抽查' if batch else '行政检查'}：{party['name']}，"
                             f"{self.item.name}，{words}。"}
        if batch is not None:
            data["batch"] = batch
        self.w.add(day, 9 * 60, "DecisionPublished", data, between=True)

    def close(self, after: date) -> None:
        w, world, rng = self.w, self.world, self.rng
        if self.concluded is None:
            return
        closing = world.wd.add(after, rint(rng, 1, 2))
        w.add(closing, 11 * 60, "CaseClosed", {"approved_by": self.head, "summary": "检查办结"})
        archive = min(world.wd.add(closing, rint(rng, 2, 10)),
                      world.wd.back(closing + timedelta(days=world.config.evaluation.archive_nd)))
        w.add(archive, 11 * 60, "CaseArchived", {"archive_no": self.stream.split("/", 1)[1].removeprefix("JA-"),
                                                 "retention": world.config.retention.inspection})
