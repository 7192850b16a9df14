"""The demo's 行政强制 inside penalty cases (steps.md "Where a coercive measure or an enforcement is
recorded"): a 查封、扣押 after 立案 on the case's own ``case/`` stream (the head's approval first),
disposed of by the decision (``DecisionMade.disposes``) or released and returned; an emergency
扣押 on patrol on a ``coercion/`` stream that a penalty case registered afterwards disposes of
(``CaseSourceRecorded.origin``, ``disposes`` with the stream, ``SeizureDisposed`` on the coercion
stream); and the 城管's 催告 and 代履行 of a 责令限期清除 its penalty decision ordered, on the case's
stream. A ``defect_share`` of each carries one of the brief's defects (COE-02, COE-04, COE-08,
ENF-06, ENF-08).

Why new cases and not the existing ones: the penalty part of each is planned and built by the same
``demo.plans`` and ``demo.builder`` as every other case (so it is as lawful as they are), but from
seeds of its own, numbered after the demo's other cases of its agency and year, so that adding
these files changes no existing case, proceeding, rectification or complaint. The measures'
dates come from ``domain.coercion_limits`` and ``enforcement_limits`` as the gates and the audit
count them: a measure whose decision would come after its 30 days is extended once (a few days
before the end) or released before the end.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import partial
from typing import Final

from demo import kind_catalogue as kc
from demo.builder import Builder, Docs
from demo.draw import DAY, basis_rows, choice, person_name, rint, stamp
from demo.kind_files import KindWorld, KindWriter, lapsed, masked, steady
from demo.model import CASE_COERCION_DEFECT_KINDS, Defect, DefectKind, DemoFile, DemoStream, Raw
from demo.plans import Slot, fit_plan
from demo.registry import Agency
from demo.specs import Spec, general_amounts
from domain.coercion_limits import measure_end

CASE_PATHS: Final = ("case_seizure", "case_emergency", "case_substitute")
"""A measure after 立案 on the case, an emergency measure a later case disposes of, and 代履行 on the case."""
CASE_ITEMS: Final = {
    "case_seizure": (("JA-SCJ", "SCJ-SP-124-5"), ("JA-CGJ", "CGJ-DQ-118-1"), ("JA-SHJ", "SHJ-DQ-117-1")),
    "case_emergency": (("JA-CGJ", "CGJ-DQ-118-1"), ("JA-SCJ", "SCJ-SP-124-5")),
    "case_substitute": (("JA-CGJ", "CGJ-GF-111-2"),),
}
"""The penalty items whose cases carry each path (the agency publishes a coercion item for its measures)."""
_DEFECTS: Final = {"case_seizure": ("case_expired_credential", "case_disposal_late"),
                   "case_emergency": ("case_late_report", "case_emergency_disposal_late"),
                   "case_substitute": ("case_substitute_too_early", "case_holiday_enforcement")}
DEFECT_LEAD: Final = 75
"""A defective file's case is planned to end this many days before ``as_of``, so its defect is complete."""
_LAW_19: Final = {"law": kc.COERCION_LAW, "article": 19, "clause": None, "item": None}
_LAW_24: Final = {"law": kc.COERCION_LAW, "article": 24, "clause": None, "item": None}
_LAW_27: Final = {"law": kc.COERCION_LAW, "article": 27, "clause": None, "item": None}
_LAW_50: Final = {"law": kc.COERCION_LAW, "article": 50, "clause": None, "item": None, "rank": "law"}
_SOLID_CLEAR: Final = {"law": "中华人民共和国固体废物污染环境防治法", "article": 111, "clause": 2, "item": None}


def _kind(name: str) -> DefectKind:
    return next(k for k in CASE_COERCION_DEFECT_KINDS if k.name == name)


@dataclass
class _Planned:
    path: str
    index: int
    spec: Spec
    slots: list[Slot]
    kind: DefectKind | None
    rng: random.Random


def build_case_coercions(counts: tuple[int, int, int], key: str, defect_share: float, world: KindWorld,
                         low: date, case_serials: dict[tuple[str, int], int],
                         coercion_serials: dict[tuple[str, int], int]) -> tuple[list[DemoStream], dict[str, DemoFile]]:
    """``counts`` = (seizures in cases, emergency measures disposed of by a case, 代履行 in cases); the
    cases numbered after ``case_serials``, the coercion streams and measure documents after
    ``coercion_serials`` (the highest serial of each agency and year so far)."""
    config, wd, last = world.config, world.wd, world.last
    planned: list[_Planned] = []
    for path, count in zip(CASE_PATHS, counts, strict=True):
        rng = random.Random(f"{key}|{path}s")
        defective = round(count * defect_share)
        marked = sorted(rng.sample(range(count), defective)) if defective else []
        for index in range(count):
            own = random.Random(f"{key}|{path} {index}")
            name = _DEFECTS[path][marked.index(index) % 2] if index in marked else None
            kind = _kind(name) if name else None
            code, item_code = choice(own, CASE_ITEMS[path]) if name != "case_expired_credential" else \
                ("JA-CGJ", "CGJ-DQ-118-1")
            agency = world.agencies[code]
            item = next(i for i in agency.items if i.code == item_code)
            party = item.party if item.party != "either" else "organisation"
            spec = Spec(index, f"{key}|{path} case {index}", "general", "archived", agency, item, party)
            general_amounts(spec, own, config)
            start = low + timedelta(days=6)
            if name == "case_expired_credential":
                officer = lapsed(agency)
                assert officer is not None and officer.valid_to is not None
                start = max(start, officer.valid_to + timedelta(days=7))
            spec.min_start = start
            end = last - timedelta(days=DEFECT_LEAD if kind else 0)
            if end <= start + timedelta(days=20):
                continue
            slots = fit_plan(spec, wd, config, start, end)
            if slots[0].day > last:
                continue
            planned.append(_Planned(path, index, spec, slots, kind, own))
    planned.sort(key=lambda p: (p.slots[0].day, p.slots[0].minute, CASE_PATHS.index(p.path), p.index))
    cases = dict(case_serials)
    measures = dict(coercion_serials)
    out: list[DemoStream] = []
    documents: dict[str, DemoFile] = {}
    for p in planned:
        kept = [s for s in p.slots if s.day <= last]
        register = next(s for s in kept if s.label == "register")
        year = register.day.year
        number_key = (p.spec.agency.spec.code, year)
        cases[number_key] = cases.get(number_key, 0) + 1
        serial = cases[number_key]
        builder = Builder(p.spec, kept, p.slots, f"{p.spec.agency.spec.code}-{year}-{serial:04d}", serial, year,
                          config)
        steps = builder.build()

        def next_measure(day: date, agency: Agency = p.spec.agency) -> int:
            k = (agency.spec.code, day.year)
            measures[k] = measures.get(k, 0) + 1
            return measures[k]

        case = _CaseFile(world, builder, steps, p.rng, p.kind, next_measure)
        files = case.write(p.path)
        documents.update(builder.doc.files)
        for f in files:
            documents.update(f[1])
        out.extend(f[0] for f in files)
    out.sort(key=lambda f: f.stream)
    return out, documents


class _CaseFile:
    """One penalty case (built by ``demo.builder``) while its measure or enforcement is added."""

    def __init__(self, world: KindWorld, builder: Builder, steps: list[Raw], rng: random.Random,
                 kind: DefectKind | None, next_measure: Callable[[date], int]) -> None:
        self.world, self.b, self.steps, self.rng, self.kind = world, builder, steps, rng, kind
        self.name = kind.name if kind is not None else ""
        self.agency = builder.agency
        self.head = builder.head
        self.doc: Docs = builder.doc
        self.next_measure = next_measure
        self.coercion_item = next(c for c in kc.COERCION_ITEMS if c.agency == self.agency.spec.code)

    # -- helpers --------------------------------------------------------------------------

    def _find(self, step_type: str) -> Raw | None:
        return next((s for s in self.steps if s["type"] == step_type), None)

    def _insert(self, day: date, minute: int, step_type: str, data: Raw, by: str | None = None) -> Raw | None:
        """A step at its time among the case's steps (none after the demo's last day)."""
        day, minute = day + timedelta(days=minute // 1440), minute % 1440
        if day > self.world.last:
            return None
        when = stamp(day, minute)
        step = {"stream": self.b.stream, "type": step_type, "at": when, "by": by or self.b.by,
                "data": {k: (when if v is ... else v) for k, v in data.items()}}
        at = next((i for i, s in enumerate(self.steps) if s["at"] > when), len(self.steps))
        self.steps.insert(at, step)
        return step

    def _close(self, summary: str) -> None:
        """Close the case after its last step, and archive it (both by the demo's last day)."""
        world, rng, b = self.world, self.rng, self.b
        after = max(date.fromisoformat(s["at"][:10]) for s in self.steps)
        closing = world.wd.add(after, rint(rng, 1, 3))
        closed = self._insert(closing, 10 * 60, "CaseClosed", {
            "approved_by": self.head, "summary": summary, "report": self.doc("结案报告")})
        if closed is not None:
            archive = min(world.wd.add(closing, rint(rng, 2, 10)),
                          world.wd.back(closing + timedelta(days=world.config.evaluation.archive_nd)))
            self._insert(archive, 15 * 60, "CaseArchived", {
                "archive_no": f"{closing.year}-{b.serial:04d}", "retention": world.config.retention.general_penalty})

    def _publish(self, day: date, number: str, text: str) -> None:
        """A measure's or an enforcement's decision published on the case stream within its 20 WD (TS-03,
        PUB-06), naming its ``document_no`` (so it is not read as the penalty decision's)."""
        world = self.world
        due = world.due(day, world.config.publication.other_decision_wd)
        self._insert(min(due, world.wd.add(day, rint(self.rng, 2, 8))), 9 * 60 + 30, "DecisionPublished", {
            "published_at": ..., "channel": kc.CHANNEL, "document_no": number, "text": f"{number}：{text}"})

    def _close_after(self, step_type: str) -> None:
        """Close and archive the case after its ``step_type`` when a short case would have closed before
        it (a measure released late, after its period, may end after the decision is carried out: the
        case is closed once the things are returned, and nothing is recorded on an archived case)."""
        last = self._find(step_type)
        tail = [s for s in self.steps if s["type"] in ("CaseClosed", "CaseArchived")]
        if last is None or not tail or tail[0]["at"] > last["at"]:
            return
        for s in tail:
            self.steps.remove(s)
        world = self.world
        closing = world.wd.add(date.fromisoformat(last["at"][:10]), rint(self.rng, 1, 3))
        archive = min(world.wd.add(closing, rint(self.rng, 2, 10)),
                      world.wd.back(closing + timedelta(days=world.config.evaluation.archive_nd)))
        for s, day in zip(tail, (closing, archive), strict=False):
            self._insert(day, int(s["at"][11:13]) * 60 + int(s["at"][14:16]), s["type"], s["data"], by=s["by"])

    def _no(self, word: str, serial: int, year: int) -> str:
        return f"{self.agency.spec.short}{word}字〔{year}〕第{serial:04d}号"

    def _result(self, path: str, paper: bool, defect_type: str | None,
                steps: list[Raw] | None = None, stream: str | None = None) -> DemoStream:
        steps = self.steps if steps is None else steps
        defect = None
        where = next((i for i, s in enumerate(steps) if s["type"] == defect_type), None)
        if self.kind is not None and where is not None:
            defect = Defect(self.kind.name, self.kind.rule, self.kind.gate, where, self.kind.note)
        return DemoStream(stream or self.b.stream, path, steps[-1]["type"], tuple(steps), defect,
                          paper=paper and defect is not None)

    def _things(self, measure: str) -> list[Raw]:
        things = self.rng.sample(self.coercion_item.things, 2)
        return [{"id": f"I{n}", "name": name, "quantity": qty, "unit": unit,
                 "kind": "facility" if measure == "seal" else "property"}
                for n, (name, qty, unit) in enumerate(things, start=1)]

    def _disposition(self) -> str:
        if any(p["type"] == "confiscation" for p in self.b.spec.decided):
            return "confiscated"
        return "destroyed" if self.coercion_item.destroyed else "returned"

    def _seizure_data(self, day: date, start: int, measure: str, emergency: bool, officers: list[str],
                      items: list[Raw], serial: int, doc: Docs, place: str) -> Raw:
        world = self.world
        word = "封" if measure == "seal" else "扣"
        basis = [{**basis_rows((self.coercion_item.basis,))[0], "rank": "law"}, _LAW_24] + \
            ([_LAW_19] if emergency else [])
        data: Raw = {"measure_id": "M1", "measure": measure, "emergency": emergency}
        if emergency:
            data["emergency_reason"] = "当事人正欲转移涉案物品，不当场实施将无法制止违法行为"
        data.update({
            "officers": officers, "credentials_shown": True, "party_notified": True, "party_present": True,
            "rights_told": True, "statement_heard": True, "place": place, "started_at": stamp(day, start),
            "ended_at": stamp(day, start + 25), "record": doc("现场笔录（查封扣押）"), "signed_by_party": True,
            "av": [doc("执法记录仪视频（查封扣押）", "video")], "items": items,
            "decision": {"document_no": self._no(word, serial, day.year), "reason": choice(
                self.rng, self.coercion_item.summaries), "basis": basis, "days": 30,
                "until": measure_end(world.calendar, day, 30).due.isoformat(),
                "remedies": world.remedies(self.agency), "sealed_by": self.agency.stream,
                "document": doc("查封决定书" if measure == "seal" else "扣押决定书")},
            "list": doc("查封清单" if measure == "seal" else "扣押清单"), "handed_over": True,
            "custody": {"holder": "agency"}})
        return data

    def write(self, path: str) -> list[tuple[DemoStream, dict[str, DemoFile]]]:
        if path == "case_seizure":
            return [(self.seizure(), {})]
        if path == "case_emergency":
            return self.emergency()
        return [(self.substitute(), {})]

    # -- 1. a measure after 立案, on the case -------------------------------------------------

    def seizure(self) -> DemoStream:
        """Approval, the measure the same morning, then disposed of by the decision (extended once if the
        decision comes after the 30th day) or released and returned before the period ends."""
        world, b = self.world, self.b
        registered = self._find("CaseRegistered")
        assert registered is not None
        day = date.fromisoformat(registered["at"][:10])
        minute = int(registered["at"][11:13]) * 60 + int(registered["at"][14:16])
        measure = "seal" if self.agency.spec.code == "JA-SHJ" else "seize"
        serial = self.next_measure(day)
        officers = list(b.handlers)
        if self.name == "case_expired_credential":
            officer = lapsed(self.agency)
            assert officer is not None
            officers = [officers[0], officer.id]
        self._insert(day, minute + 10, "CoercionApprovalDecided", {
            "measure_id": "M1", "measure": measure, "decided_by": self.head, "approved": True,
            "reason": "经审查符合实施条件，同意实施",
            "basis": [basis_rows(((kc.COERCION_LAW, 18, None, 1),))[0]],
            "document": self.doc("实施行政强制措施审批表")}, by=self.head)
        items = self._things(measure)
        self._insert(day, minute + 20, "SeizureImposed", self._seizure_data(
            day, minute + 20, measure, False, officers, items, serial, self.doc, b.place))
        until = measure_end(world.calendar, day, 30).due
        word = "查封" if measure == "seal" else "扣押"
        self._publish(day, self._no("封" if measure == "seal" else "扣", serial, day.year),
                      f"{self.agency.spec.name}对{masked(b.party)}依法实施{word}（期限30日）。")
        self._settle(day, until, measure, serial, items, late=self.name == "case_disposal_late")
        if self.name == "case_disposal_late":
            self._close_after("SeizedItemsReturned")
        return self._result("case_seizure", paper=self.kind is not None and self.kind.gate,
                            defect_type=self.kind.label if self.kind else None)

    def _settle(self, day: date, until: date, measure: str, serial: int, items: list[Raw], *, late: bool,
                stream: str | None = None, writer: KindWriter | None = None) -> date | None:
        """Dispose by the decision, extend once, or release: the day the measure ended (None: open)."""
        world, rng = self.world, self.rng
        ids = [str(i["id"]) for i in items]
        decision = self._find("DecisionMade")
        decided = date.fromisoformat(decision["at"][:10]) if decision is not None else None
        word = "封" if measure == "seal" else "扣"
        add = partial(writer.add, between=True) if writer is not None else self._insert
        doc = writer.doc if writer is not None else self.doc
        if late:  # COE-08: neither extended nor disposed of in time; released days after the end
            released = world.wd.add(until, rint(rng, 1, 3))
            self._release(add, doc, released, "expired", serial, ids, word)
            return released
        end = until
        if decided is not None and decided > until:
            second = measure_end(world.calendar, until, 30).due
            if decided <= second:
                ext = world.wd.back(until - timedelta(days=rint(rng, 3, 6)))
                add(ext, 16 * 60 + 40, "CoercionExtended", {
                    "measure_id": "M1", "approved_by": self.head, "days": 30, "until": second.isoformat(),
                    "reason": "案情复杂，需进一步调查取证", "document_no": self._no("延" + word, serial, day.year),
                    "notice": doc("延长查封扣押期限决定书"), "served_at": ...})
                end = second
            else:
                decided = None
        if decided is not None and decision is not None and stream is not None and self._disposition() == "returned":
            at = decision["at"]
            self._release(add, doc, decided, "decided", serial, ids, word,
                          minute=int(at[11:13]) * 60 + int(at[14:16]) + 60)
            return decided
        if decided is not None and decision is not None:
            disposal: Raw = {"measure_id": "M1", "items": ids, "disposition": self._disposition()}
            if stream is not None:
                disposal["stream"] = stream
            decision["data"]["disposes"] = [disposal]
            return decided
        released = min(world.wd.back(end - DAY), world.wd.add(day, rint(rng, 8, 18)))
        self._release(add, doc, released, "no_longer_needed", serial, ids, word)
        return released

    def _release(self, add: Callable[..., object], doc: Docs, day: date, ground: str, serial: int, ids: list[str],
                 word: str, minute: int = 16 * 60 + 50) -> None:
        ground = ground if ground != "no_longer_needed" else "other"
        add(day, minute, "CoercionReleased", {
            "measure_id": "M1", "ground": ground, "document_no": self._no("解" + word, serial, day.year),
            "document": doc("解除行政强制措施决定书"), "served_at": ...})
        add(day, minute + 20, "SeizedItemsReturned", {"measure_id": "M1", "items": ids, "returned_at": ...,
                                                       "receipt": doc("退还物品清单")})

    # -- 2. an emergency measure on patrol, disposed of by the case registered after it ------------

    def emergency(self) -> list[tuple[DemoStream, dict[str, DemoFile]]]:
        world, rng, b = self.world, self.rng, self.b
        source = self.steps[0]
        first = date.fromisoformat(source["at"][:10])
        day = first - timedelta(days=rint(rng, 1, 4))
        serial = self.next_measure(day)
        stream = f"coercion/{self.agency.spec.code}-QZ-{day.year}-{serial:04d}"
        writer = KindWriter(world, stream, self.agency, b.by)
        item = self.coercion_item
        measure = "seize"
        start = rint(rng, 19 * 60, 21 * 60)
        writer.add(day, start - 20, "CoercionOpened", {
            "agency": self.agency.stream, "purpose": "measure", "party": b.party,
            "summary": choice(rng, item.summaries), "item": item.code, "handlers": list(b.handlers)})
        items = self._things(measure)
        writer.add(day, start, "SeizureImposed", self._seizure_data(
            day, start, measure, True, list(b.handlers), items, serial, writer.doc, b.place))
        hours = world.config.coercion.emergency_report_hours
        started = datetime.combine(day, time()) + timedelta(minutes=start)
        late = self.name == "case_late_report"
        after = hours * 60 + rint(rng, 20, 90) if late else rint(rng, 11 * 60, (hours - 2) * 60)
        reported = started + timedelta(minutes=after)
        decided = reported + timedelta(minutes=rint(rng, 10, 50))
        if not late:
            decided = min(decided, started + timedelta(hours=hours, minutes=-5))
        writer.add(decided.date(), decided.hour * 60 + decided.minute, "CoercionApprovalDecided", {
            "measure_id": "M1", "measure": measure, "decided_by": self.head, "approved": True,
            "reason": "情况紧急当场实施，依法补办批准", "basis": [_LAW_19],
            "document": writer.doc("紧急情况补办批准审批表"),
            "reported_at": stamp(reported.date(), reported.hour * 60 + reported.minute)}, by=self.head)
        source["data"]["origin"] = {"stream": stream}
        source["data"]["summary"] = f"巡查中{item.summaries[0]}，扣押涉案物品后立案"
        until = measure_end(world.calendar, day, 30).due
        number = self._no("扣", serial, day.year)
        opening = f"{number}：{self.agency.spec.name}对{masked(b.party)}依法实施扣押（期限30日）"
        due = world.due(day, world.config.publication.other_decision_wd)
        writer.add(min(due, world.wd.add(decided.date(), rint(rng, 2, 6))), 9 * 60, "DecisionPublished", {
            "published_at": ..., "channel": kc.CHANNEL, "document_no": number, "text": opening + "。"})
        late_disposal = self.name == "case_emergency_disposal_late"
        ended = self._settle(day, until, measure, serial, items, late=late_disposal, stream=stream, writer=writer)
        decision = self._find("DecisionMade")
        disposed = decision is not None and "disposes" in decision["data"]
        if disposed and decision is not None:
            at = decision["at"]
            d_day, d_min = date.fromisoformat(at[:10]), int(at[11:13]) * 60 + int(at[14:16])
            writer.add(d_day, d_min + 60, "SeizureDisposed", {
                "measure_id": "M1", "disposition": self._disposition(), "items": [str(i["id"]) for i in items],
                "basis": [*basis_rows(b.item.sanction), _LAW_27],
                "decision": {"stream": b.stream, "document_no": b.document_no}}, between=True)
        if ended is not None:  # its conclusion (PUB-06), by the demo's last day
            when = max(ended, min(world.wd.add(ended, rint(rng, 1, 3)), world.last))
            word = {"confiscated": "没收", "destroyed": "销毁"}.get(self._disposition(), "") if disposed else ""
            conclusion = f"，扣押物品已依{b.document_no}行政处罚决定{word}。" if word else "，已解除扣押并退还财物。"
            writer.add(when, 9 * 60 if when > ended else 18 * 60, "DecisionPublished", {
                "published_at": ..., "channel": kc.CHANNEL, "document_no": number, "text": opening + conclusion},
                between=True)
        if ended is not None:
            summary = ("扣押物品已由处罚决定处理，强制措施办结" if disposed else "已解除扣押并退还财物，办结")
            done = max(date.fromisoformat(s["at"][:10]) for s in writer.steps)
            closing = world.wd.add(done, rint(rng, 1, 3))
            writer.add(closing, 10 * 60, "CaseClosed", {"approved_by": self.head, "summary": summary})
            archive = min(world.wd.add(closing, rint(rng, 2, 10)),
                          world.wd.back(closing + timedelta(days=world.config.evaluation.archive_nd)))
            writer.add(archive, 10 * 60, "CaseArchived", {"archive_no": stream.split("/", 1)[1].removeprefix("JA-"),
                                                          "retention": world.config.retention.coercion})
        coercion_steps = writer.steps
        label = self.kind.label if self.kind else None
        coercion_file = self._result("case_emergency", False, label, coercion_steps, stream)
        case_file = DemoStream(b.stream, "case_emergency", self.steps[-1]["type"], tuple(self.steps), None,
                               paper=False)
        return [(coercion_file, writer.files), (case_file, {})]

    # -- 3. 催告 and 代履行 of the decision's 责令限期清除, on the case ---------------------------------

    def substitute(self) -> DemoStream:
        world, rng, b = self.world, self.rng, self.b
        decision = self._find("DecisionMade")
        served = self._find("DecisionServed")
        stream_steps = self.steps
        if decision is None or served is None:
            return self._result("case_substitute", False, None)
        # the case is closed after the 代履行, not when its fine is paid
        tail = [s for s in stream_steps if s["type"] in ("CaseClosed", "CaseArchived")]
        for s in tail:
            stream_steps.remove(s)
        served_on = date.fromisoformat(served["data"]["served_at"][:10])
        due = world.wd.add(served_on, rint(rng, 5, 10))
        decision["data"]["correction_due"] = due.isoformat()
        obj = f"倾倒在空地上的建筑垃圾约{rint(rng, 20, 80)}立方米"
        officers = [o.id for o in rng.sample(steady(self.agency), 2)]
        checked = world.wd.add(due, rint(rng, 1, 2))
        self._insert(checked, 9 * 60 + 5, "InspectionRecorded", {
            "officers": officers, "credentials_shown": True, "place": b.place,
            "started_at": stamp(checked, 9 * 60 + 5), "ended_at": stamp(checked, 9 * 60 + 30),
            "record": self.doc("复查笔录"), "av": [self.doc("复查视频", "video")]}, by=officers[0])
        demand_due = world.wd.add(checked, rint(rng, 3, 5))
        self._insert(checked, 11 * 60 + 5, "PerformanceDemanded", {
            "obligation": "remove", "decision_no": b.document_no, "due": demand_due.isoformat(),
            "performance_method": f"自行清除{obj}", "rights_told": True, "purpose": "agency_enforcement",
            "document": self.doc("履行催告书"), "method": "in_person", "served_at": ...,
            "receipt": self.doc("催告书送达回证")}, by=officers[0])
        decided = world.wd.add(demand_due, rint(rng, 1, 3))
        serial = self.next_measure(decided)
        notice_wd = world.config.enforcement.substitute_notice_wd
        if self.name == "case_substitute_too_early":
            carried = world.wd.add(decided, notice_wd)
        elif self.name == "case_holiday_enforcement":
            carried = _rest_day_after(world, world.wd.add(decided, notice_wd + 1))
        else:
            carried = world.wd.add(decided, notice_wd + rint(rng, 1, 3))
        budget = rint(rng, 10, 60) * 10_000
        performer = choice(rng, kc.PERFORMERS)
        number = self._no("代", serial, decided.year)
        self._insert(decided, 10 * 60 + 5, "SubstituteDecisionServed", {
            "document_no": number, "decision_no": b.document_no,
            "reason": "当事人经催告逾期未清除倾倒的建筑垃圾，已经造成环境污染",
            "basis": [_LAW_50, _SOLID_CLEAR], "substitute_method": "清运", "scheduled_at": stamp(carried, 9 * 60),
            "object": obj, "cost_budget_fen": budget, "performer": performer, "harm": "environmental_pollution",
            "sealed_by": self.agency.stream, "document": self.doc("代履行决定书"), "served_at": ...,
            "receipt": self.doc("代履行决定书送达回证")}, by=self.head)
        self._insert(decided, 10 * 60 + 10, "PerformanceDemanded", {
            "obligation": "remove", "decision_no": b.document_no, "due": (carried - DAY).isoformat(),
            "performance_method": "代履行前自行清除", "rights_told": True, "purpose": "substitute_prior",
            "document": self.doc("代履行前催告书"), "method": "in_person", "served_at": ...,
            "receipt": self.doc("代履行前催告书送达回证")}, by=officers[0])
        self._insert(carried, 9 * 60, "EnforcementCarriedOut", {
            "enforcement_method": "substitute", "decision_no": number, "officers": officers,
            "credentials_shown": True, "place": b.place, "started_at": stamp(carried, 9 * 60),
            "ended_at": stamp(carried, 11 * 60 + 30), "performer": performer, "party_present": True,
            "witness": [{"name": person_name(rng), "signed": True}], "record": self.doc("代履行执行笔录"),
            "signatures": {"officers": True, "performer": True, "party": rng.random() < 0.6, "witness": True},
            "av": [self.doc("代履行全过程视频", "video")], "result": "done"}, by=officers[0])
        assessed = world.wd.add(carried, rint(rng, 1, 3))
        cost = budget - rint(rng, 0, 5) * 10_000
        self._insert(assessed, 10 * 60, "SubstituteCostAssessed", {
            "amount_fen": cost, "basis": ["清运车辆台班", "装卸人工", "消纳费"],
            "document": self.doc("代履行费用确定书"), "served_at": ...}, by=officers[0])
        self._publish(decided, number, f"{self.agency.spec.name}对{masked(b.party)}经催告逾期未清除的{obj}依法"
                      f"决定代履行（{b.document_no}行政处罚决定）。")
        shown = assessed
        paid = world.wd.add(shown, rint(rng, 1, 5))
        self._insert(paid, 11 * 60, "PaymentRecorded", {
            "amount_fen": cost, "paid_at": ..., "channel": "bank",
            "receipt_no": f"42010226{rint(rng, 0, 99_999_999):08d}"}, by=officers[0])
        self._close("罚款已缴纳，倾倒的建筑垃圾已代履行清运，代履行费用已缴纳，结案")
        return self._result("case_substitute", paper=self.kind is not None and self.kind.gate,
                            defect_type=self.kind.label if self.kind else None)


def _rest_day_after(world: KindWorld, day: date) -> date:
    """The first declared holiday (春节, 国庆 …) within three weeks, else the first rest day after ``day``."""
    for n in range(1, 22):
        candidate = day + timedelta(days=n)
        if world.calendar.is_declared_holiday(candidate):
            return candidate
    candidate = day + DAY
    while world.calendar.is_working_day(candidate) is not False:
        candidate += DAY
    return candidate
