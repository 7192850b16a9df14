"""What the demo's 行政强制 and 行政检查 files share: the registry items they use, the world they are
written in and a stream writer (time order, truncation at ``as_of``, documents), as
``demo.licence_files`` is for licences."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from demo import catalogue as cat
from demo import kind_catalogue as kc
from demo.builder import Docs
from demo.draw import basis_rows, stamp
from demo.model import ADMIN, Defect, DefectKind, DemoFile, DemoStream, Raw
from demo.registry import LAPSING, Agency, Officer
from demo.workdays import Workdays
from domain.calendar import WorkingCalendar
from domain.config import Config

ITEMS_MINUTE = 12 * 60
"""The new items are published on the range's first day from 12:00, after every existing registry step
of their agency (its items at 10:xx, its catalogue at 11:xx)."""


def kind_items(start: date) -> list[Raw]:
    """``EnforcementItemPublished`` of the coercion and inspection items (``demo.kind_catalogue``)."""
    steps: list[Raw] = []
    minute = ITEMS_MINUTE
    for c in kc.COERCION_ITEMS:
        basis = {**basis_rows((c.basis,))[0], "rank": "law"}
        steps.append({"stream": f"agency/{c.agency}", "type": "EnforcementItemPublished", "at": stamp(start, minute),
                      "by": ADMIN, "data": {"code": c.code, "name": c.name, "kind": "coercion", "basis": [basis],
                                            "sanction_basis": [], "penalty_types": [],
                                            "coercion": {"measures": list(c.measures)}}})
        minute += 1
    for i in kc.INSPECTION_ITEMS:
        basis = {**basis_rows((i.basis,))[0], "rank": "law"}
        steps.append({"stream": f"agency/{i.agency}", "type": "EnforcementItemPublished", "at": stamp(start, minute),
                      "by": ADMIN, "data": {"code": i.code, "name": i.name, "kind": "inspection", "basis": [basis],
                                            "sanction_basis": [], "penalty_types": [],
                                            "spot_check": {"random": True}}})
        minute += 1
    return steps


@dataclass(frozen=True)
class KindWorld:
    """What every coercion and inspection file of a demo shares."""

    agencies: dict[str, Agency]
    calendar: WorkingCalendar
    wd: Workdays
    config: Config
    last: date
    supervisor: str
    """A 司法局 supervisor who witnesses the draws."""

    def remedies(self, agency: Agency) -> Raw:
        return {"reconsideration_bodies": list(agency.spec.reconsideration_bodies),
                "reconsideration_days": self.config.reconsideration.application_nd, "court": cat.COURT,
                "litigation_months": self.config.litigation.filing_months}

    def due(self, start: date, wd: int) -> date:
        return self.calendar.add_working_days(start, wd).due


def steady(agency: Agency) -> list[Officer]:
    """The agency's field officers whose credential is valid all year (none lapses, none is renewed)."""
    return [o for o in agency.field_officers
            if (agency.spec.code, int(o.id[-3:])) not in LAPSING and o.renewed_at is None]


def lapsed(agency: Agency) -> Officer | None:
    """An officer whose credential lapses during the year (a defect uses it after that day)."""
    return next((o for o in agency.field_officers if (agency.spec.code, int(o.id[-3:])) in LAPSING), None)


def masked(party: Raw) -> str:
    """How a publication names the party: an organisation by name, a person as 张某某 (PUB-01)."""
    return str(party["name"]) if party["kind"] == "organisation" else f"{str(party['name'])[0]}某某"


class KindWriter:
    """Appends a file's steps in time order and stops at the first one after the demo's last day."""

    def __init__(self, world: KindWorld, stream: str, agency: Agency, by: str) -> None:
        self.world, self.stream, self.agency, self.by = world, stream, agency, by
        self.steps: list[Raw] = []
        self.doc = Docs(stream, agency.stream, agency.spec.name)
        self.stopped = False

    @property
    def files(self) -> dict[str, DemoFile]:
        return self.doc.files

    def add(self, day: date, minute: int, step_type: str, data: Raw, by: str | None = None, *,
            between: bool = False) -> bool:
        """Append unless stopped or past the last day; ``...`` values become the step's time. With
        ``between``, the step goes where its time falls among the steps already written (a
        publication that comes before a later verification) instead of after the last one."""
        day, minute = day + timedelta(days=minute // 1440), minute % 1440
        if between and day <= self.world.last and not self.stopped:
            when = stamp(day, minute)
            step = {"stream": self.stream, "type": step_type, "at": when, "by": by or self.by,
                    "data": {k: (when if v is ... else v) for k, v in data.items()}}
            at = next((i for i, s in enumerate(self.steps) if s["at"] > when), len(self.steps))
            self.steps.insert(at, step)
            return True
        if self.steps and self.steps[-1]["at"] >= stamp(day, minute):
            last = self.steps[-1]["at"]
            day, minute = date.fromisoformat(last[:10]), int(last[11:13]) * 60 + int(last[14:16]) + 5
            day, minute = day + timedelta(days=minute // 1440), minute % 1440
        if self.stopped or day > self.world.last:
            self.stopped = True
            return False
        when = stamp(day, minute)
        self.steps.append({"stream": self.stream, "type": step_type, "at": when, "by": by or self.by,
                           "data": {k: (when if v is ... else v) for k, v in data.items()}})
        return True

    def result(self, path: str, kind: DefectKind | None, *, paper: bool | None = None) -> DemoStream:
        """The file as a ``DemoStream``; its defect located at the first step of the kind's ``label``."""
        steps = tuple(self.steps)
        defect = None
        if kind is not None:
            where = next((i for i, s in enumerate(steps) if s["type"] == kind.label), len(steps) - 1)
            defect = Defect(kind.name, kind.rule, kind.gate, where, kind.note)
        backfill = paper if paper is not None else (kind is not None and kind.gate)
        return DemoStream(self.stream, path, steps[-1]["type"] if steps else "", steps, defect, paper=backfill)
