"""The demo's 投诉举报 files: complaints (投诉) and reports (举报) about the demo's penalty cases,
handled by the 司法局's supervisors — accepted (some assigned to the agency for its report),
not accepted with the right route, or transferred to the competent body; answered in time, or
for the CMP-02/CMP-06 defects accepted or answered late. One report is anonymous.

Why: the complaint pages, the audit's CMP rules and the public-surface scans need files whose
complainant (a generated name and mobile number) must never reach a public route. Drawn from
their own seeded generators after everything else, so the penalty cases stay as they were; a
complaint about a defective case finds that case's defect (partly substantiated, 责令整改 on a
``supervision/`` stream), one about a lawful case finds nothing. Dates use
``domain.complaint_limits`` (CMP-02's working days, CMP-06's rolled natural days).
"""

from __future__ import annotations

import random
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final

from demo import licence_catalogue as lc
from demo.builder import Docs
from demo.draw import choice, mobile, person_name, rint, stamp, weighted_choice
from demo.model import COMPLAINT_DEFECT_KINDS, CaseFacts, Defect, DefectKind, DemoFile, DemoStream, Raw
from demo.registry import Agency, Officer
from demo.workdays import Workdays
from domain.calendar import WorkingCalendar
from domain.complaint_limits import answer_limit
from domain.config import Config

PATHS: Final = ("accepted", "assigned", "not_accepted", "transferred")
_WEIGHTS: Final = (("accepted", 35), ("assigned", 30), ("not_accepted", 18), ("transferred", 17))
DEFECT_LEAD: Final = 90


@dataclass(frozen=True)
class ComplaintWorld:
    """What every complaint of a demo shares."""

    bureau: str
    supervisors: tuple[str, ...]
    head: str
    agencies: dict[str, Agency]
    calendar: WorkingCalendar
    wd: Workdays
    config: Config
    last: date
    taken: frozenset[str]
    """Names a complainant may not have (the registry's officers: they are public)."""


def justice_roles(justice: list[Officer]) -> tuple[tuple[str, ...], str]:
    return tuple(o.id for o in justice if o.is_("supervisor")), next(o.id for o in justice if o.is_("head"))


@dataclass(frozen=True)
class _Target:
    stream: str
    agency: str
    officer: str
    first: date
    rule: str | None


def build_complaints(count: int, key: str, defect_share: float, world: ComplaintWorld, cases: Sequence[CaseFacts],
                     low: date) -> tuple[list[DemoStream], dict[str, DemoFile]]:
    """``count`` complaints about ``cases`` (a ``defect_share`` of them late once), by stream."""
    targets = sorted((_target(c) for c in cases if c.steps), key=lambda t: (t.first, t.stream))
    firsts = [t.first for t in targets]
    if not targets or count == 0:
        return [], {}
    rng = random.Random(f"{key}|complaints")
    defective = round(count * defect_share)
    marked = set(rng.sample(range(count), defective)) if defective else set()
    kinds = list(COMPLAINT_DEFECT_KINDS)
    rng.shuffle(kinds)
    anonymous = next((i for i in range(count) if i not in marked), None)
    planned = []
    for index in range(count):
        own = random.Random(f"{key}|complaint {index}")
        kind = kinds[sum(1 for i in marked if i < index) % len(kinds)] if index in marked else None
        path = ("accepted" if kind is not None or index == anonymous else PATHS[index] if index < len(PATHS)
                else weighted_choice(own, _WEIGHTS))
        span = (world.last - low).days - 10 - (DEFECT_LEAD if kind is not None else 0)
        day = world.wd.add(low + timedelta(days=10 + rint(own, 0, max(0, span))), 0)
        choices = targets[:max(1, bisect_left(firsts, day - timedelta(days=3)))]
        target = choices[int(own.random() * len(choices))]
        day = max(day, world.wd.add(target.first, 3))
        if day <= world.last:
            planned.append((day, index, path, kind, target, own, index == anonymous))
    planned.sort(key=lambda p: (p[0], p[1]))
    serials: dict[int, int] = {}
    out, documents = [], {}
    for day, _, path, kind, target, own, anon in planned:
        serials[day.year] = serials.get(day.year, 0) + 1
        stream = f"complaint/{world.bureau.split('/')[1]}-TS-{day.year}-{serials[day.year]:04d}"
        writer = _Complaint(world, stream, own, target, path, kind, anon)
        writer.write(day, serials[day.year])
        documents.update(writer.doc.files)
        out.append(writer.result())
    out.sort(key=lambda f: f.stream)
    return out, documents


def _target(case: CaseFacts) -> _Target:
    number = case.stream.split("/", 1)[1]
    return _Target(case.stream, "agency/" + "-".join(number.split("-")[:2]), case.opened_by,
                   date.fromisoformat(case.opened_at[:10]), case.defect.rule if case.defect else None)


class _Complaint:
    def __init__(self, world: ComplaintWorld, stream: str, rng: random.Random, target: _Target, path: str,
                 kind: DefectKind | None, anonymous: bool) -> None:
        self.world, self.stream, self.rng, self.target, self.path, self.kind = world, stream, rng, target, path, kind
        self.anonymous = anonymous
        self.by = choice(rng, world.supervisors)
        self.doc = Docs(stream, world.bureau, "武汉市江岸区司法局")
        self.steps: list[Raw] = []
        self.related: list[Raw] = []
        self.stopped = False

    def add(self, day: date, minute: int, step_type: str, data: Raw, by: str | None = None,
            stream: str | None = None) -> bool:
        if self.stopped or day > self.world.last:
            self.stopped = True
            return False
        when = stamp(day, minute)
        own = self.steps if stream is None else self.related
        if own and own[-1]["at"] >= when:
            when = stamp(day, int(own[-1]["at"][11:13]) * 60 + int(own[-1]["at"][14:16]) + 5)
        data = {k: (when if v is ... else v) for k, v in data.items()}
        own.append({"stream": stream or self.stream, "type": step_type, "at": when, "by": by or self.by,
                    "data": data})
        return True

    def result(self) -> DemoStream:
        defect = None
        if self.kind is not None:
            where = next(i for i, s in enumerate(self.steps) if s["type"] == self.kind.label)
            defect = Defect(self.kind.name, self.kind.rule, self.kind.gate, where, self.kind.note)
        return DemoStream(self.stream, self.path, self.steps[-1]["type"], tuple(self.steps), defect,
                          tuple(self.related))

    def complainant(self) -> Raw:
        while True:
            name = person_name(self.rng)
            if name not in self.world.taken:
                return {"kind": "person", "name": name, "phone": mobile(self.rng)}

    def write(self, day: date, serial: int) -> None:
        """Receipt, the decision on acceptance within CMP-02's working days, then the path."""
        rng, world, target = self.rng, self.world, self.target
        nature = "report" if self.anonymous or rng.random() < 0.3 else "complaint"
        summaries = [s for s in lc.COMPLAINT_SUMMARIES if s.startswith("举报" if nature == "report" else "反映")]
        data: Raw = {"received_at": ..., "channel": choice(rng, ("online", "hotline_12345", "letter", "visit")),
                     "nature": nature}
        if self.anonymous:
            data["anonymous"] = True
        else:
            data["complainant"] = self.complainant()
        data.update(against={"agency": target.agency, "officers": [target.officer], "stream": target.stream},
                    summary=choice(rng, summaries), requests=list(choice(rng, lc.COMPLAINT_REQUESTS)),
                    record=self.doc("投诉举报登记表"))
        self.add(day, rint(rng, 9 * 60, 16 * 60), "ComplaintReceived", data)
        accept_wd = world.config.complaint.accept_wd
        late = self.kind is not None and self.kind.name == "late_acceptance"
        decided = world.wd.add(day, rint(rng, accept_wd + 1, accept_wd + 3) if late else rint(rng, 1, accept_wd - 1))
        if self.path == "not_accepted":
            self._not_accepted(decided)
        elif self.path == "transferred":
            self._transferred(decided)
        else:
            self._accepted(decided, serial)

    def _close(self, after: date, summary: str) -> None:
        world, rng = self.world, self.rng
        closing = world.wd.add(after, rint(rng, 1, 3))
        self.add(closing, 10 * 60, "CaseClosed", {"approved_by": world.head, "summary": summary})
        archived = min(world.wd.add(closing, rint(rng, 2, 10)),
                       world.wd.back(closing + timedelta(days=world.config.evaluation.archive_nd)))
        self.add(archived, 10 * 60, "CaseArchived", {"archive_no": self.stream.split("/", 1)[1].removeprefix("JA-"),
                                                     "retention": world.config.retention.complaint})

    def _not_accepted(self, day: date) -> None:
        if self.target.rule is None and self.rng.random() < 0.5:
            reason, explanation = "already_decided", "所反映事项已作出行政处罚决定，属于行政复议、行政诉讼受理范围"
            route = "可自知道该行政行为之日起60日内申请行政复议，或者6个月内提起行政诉讼"
        else:
            body = choice(self.rng, lc.OTHER_BODIES[1:])
            reason, explanation, route = "outside_scope", "所反映事项不属于行政执法监督范围", f"向{body}提出"
        self.add(day, 10 * 60, "ComplaintNotAccepted", {"reason": reason, "explanation": explanation, "route": route,
                                                        "notice": self.doc("不予受理告知书"), "told_at": ...})
        self._close(day, "不予受理，已告知投诉举报人，办结")

    def _transferred(self, day: date) -> None:
        self.add(day, 10 * 60, "ComplaintTransferred", {
            "kind": "transfer", "to": lc.OTHER_BODIES[0], "transferred_at": ..., "complainant_identity_shared": False,
            "document": self.doc("转送函"), "complainant_told_at": ...})
        self._close(day, "已转送有权处理的机关，办结")

    def _accepted(self, day: date, serial: int) -> None:
        world, rng = self.world, self.rng
        handlers = [self.by]
        told: Raw = {} if self.anonymous else {"notice": self.doc("受理告知书"), "told_at": ...}
        self.add(day, 10 * 60, "ComplaintAccepted", {"decided_by": self.by, "handlers": handlers, **told})
        due = answer_limit(world.calendar, day, world.config.complaint.answer_nd, world.config.complaint.answer_nd,
                           ()).due.due
        cursor = day
        if self.path == "assigned":
            cursor = self._assigned(day)
        examined = world.wd.add(cursor, rint(rng, 1, 3))
        rule = self.target.rule
        finding: Raw = {"id": "F1", "text": f"经调阅执法记录，{'存在问题：' + rule if rule else '未发现所反映的问题'}"}
        if rule is not None:
            finding["rule"] = rule
        self.add(examined, 10 * 60, "ComplaintInvestigated", {
            "investigators": handlers, "methods": ["ledger_records", "file_review"],
            "streams_examined": [self.target.stream], "findings": [finding], "record": self.doc("调查核实记录")})
        concluded = world.wd.add(examined, rint(rng, 1, 2))
        self._conclude(concluded, serial)
        late = self.kind is not None and self.kind.name == "late_answer"
        answered = world.wd.add(due, rint(rng, 1, 4)) if late else min(world.wd.add(concluded, rint(rng, 0, 2)), due)
        if not self.anonymous:
            self.add(answered, 15 * 60, "ComplaintAnswered", {"answered_at": ..., "method": "electronic",
                                                              "document": self.doc("答复书")})
        self._close(answered if not self.anonymous else concluded, "已调查核实并书面答复，办结")

    def _assigned(self, day: date) -> date:
        """交办: the agency complained of reports by the due day (the complainant's identity kept)."""
        world, rng = self.world, self.rng
        sent = world.wd.add(day, rint(rng, 0, 1))
        due = world.wd.add(sent, 7)
        self.add(sent, 14 * 60, "ComplaintTransferred", {
            "kind": "assign", "to": self.target.agency, "transferred_at": ..., "due": due.isoformat(),
            "complainant_identity_shared": False, "document": self.doc("交办函")})
        reported = world.wd.add(sent, rint(rng, 2, 6))
        head = world.agencies[self.target.agency.split("/")[1]].heads[0].id
        self.add(reported, 10 * 60, "ComplaintAgencyReported", {
            "reported_at": ..., "report": self.doc("办结报告"), "actions": ["调取执法记录", "约谈执法人员"]}, by=head)
        return reported

    def _conclude(self, day: date, serial: int) -> None:
        rule = self.target.rule
        data: Raw = {"outcome": "partly_substantiated" if rule else "unsubstantiated",
                     "findings": [rule] if rule else [], "measures": ["rectification"] if rule else ["none"],
                     "document": self.doc("处理意见书")}
        supervision = f"supervision/JA-SFJ-JD-{day.year}-{serial:04d}"
        if rule:
            data["supervision"] = supervision
        if not self.add(day, 16 * 60, "ComplaintConcluded", data) or not rule:
            return
        due = self.world.wd.add(day, 15)
        self.add(day, 16 * 60 + 30, "RectificationOrdered", {
            "agency": self.target.agency, "case": self.target.stream, "findings": [rule],
            "due_at": stamp(due, 17 * 60), "complaint": self.stream}, stream=supervision)
