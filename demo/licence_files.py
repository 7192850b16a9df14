"""One 行政许可 file as steps (docs/spec/steps.md's licence table, as examples/licence-case.jsonl):
the shared writer (``LicenceWriter``: time order, truncation at ``as_of``, documents) and the
steps every path uses. ``demo.licence_paths`` decides the dates; this module only words them."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from demo import catalogue as cat
from demo import licence_catalogue as lc
from demo.builder import Docs
from demo.draw import DAY, add_months, basis_rows, choice, firm, person_name, rint, stamp
from demo.model import DemoFile, Raw
from demo.registry import Agency
from demo.workdays import Workdays
from domain.calendar import WorkingCalendar
from domain.config import Config, LicenceLimits


@dataclass(frozen=True)
class LicenceWorld:
    """What every licence file of a demo shares: the agency, its items' terms, the calendars."""

    agency: Agency
    terms: dict[str, LicenceLimits]
    calendar: WorkingCalendar
    wd: Workdays
    config: Config
    last: date

    @property
    def remedies(self) -> Raw:
        return {"reconsideration_bodies": list(self.agency.spec.reconsideration_bodies),
                "reconsideration_days": self.config.reconsideration.application_nd, "court": cat.COURT,
                "litigation_months": self.config.litigation.filing_months}

    def due(self, start: date, wd: int) -> date:
        """The ``wd``-th working day after ``start`` (the calendar the gates and the audit use)."""
        return self.calendar.add_working_days(start, wd).due


class LicenceWriter:
    """Appends a file's steps in time order, and stops at the first one dated on or after
    ``as_of`` (the file is then caught at its stage)."""

    def __init__(self, world: LicenceWorld, stream: str, by: str) -> None:
        self.world = world
        self.stream = stream
        self.by = by
        self.steps: list[Raw] = []
        self.doc = Docs(stream, world.agency.stream, world.agency.spec.name)
        self.stopped = False
        self._day: date | None = None
        self._minute = 0

    @property
    def files(self) -> dict[str, DemoFile]:
        return self.doc.files

    def at(self, day: date, minute: int) -> str:
        """The timestamp the next step gets (kept after the previous step's)."""
        if self._day is not None and day <= self._day:
            day = self._day
            minute = max(minute, self._minute + 5)
        return stamp(day, minute)

    def add(self, day: date, minute: int, step_type: str, data: Raw, by: str | None = None) -> bool:
        """Append the step unless the file has stopped or ``day`` is past the demo's last day."""
        if self.stopped or day > self.world.last:
            self.stopped = True
            return False
        when = self.at(day, minute)
        self._day, self._minute = date.fromisoformat(when[:10]), int(when[11:13]) * 60 + int(when[14:16])
        self.steps.append({"stream": self.stream, "type": step_type, "at": when, "by": by or self.by,
                           "data": _timed(data, when)})
        return True


def _timed(data: Raw, when: str) -> Raw:
    """Fill the members that repeat the step's time (``served_at`` etc. given as ``...``)."""
    return {k: (when if v is ... else v) for k, v in data.items()}


def applicant(rng: random.Random, item: lc.LicenceItemSpec) -> Raw:
    """The applicant firm, as a licence file and its publication name it (no phone)."""
    party = firm(rng, item.industry)
    party.pop("phone", None)
    return party


def applied(w: LicenceWriter, rng: random.Random, item: lc.LicenceItemSpec, day: date, minute: int, party: Raw,
            application: str, missing: str | None, licence: Raw | None = None) -> None:
    """``LicenceApplied``: the materials (one ``missing`` for a later 补正), an agent for some."""
    materials = [{"name": m, "file": w.doc(m)} for m in item.materials if m != missing]
    place = f"{cat.DISTRICT}{choice(rng, cat.ROADS)}{rint(rng, 1, 400)}号"
    data: Raw = {"agency": w.world.agency.stream, "item": item.code, "application": application,
                 "applicant": party, "received_at": ..., "channel": choice(rng, ("in_person", "electronic")),
                 "materials": materials, "receipt": w.doc("申请材料接收凭证"),
                 "summary": choice(rng, item.summaries).format(place=place)}
    if rng.random() < 0.3:
        data["agent"] = {"name": person_name(rng), "authorization": w.doc("授权委托书")}
    if licence is not None:
        data["licence"] = licence
    w.add(day, minute, "LicenceApplied", data)


def supplement(w: LicenceWriter, asked: date, given: date, missing: str) -> None:
    """一次性告知补正, then the material received (the acceptance follows the same day)."""
    w.add(asked, 15 * 60, "SupplementRequested", {
        "items": [missing], "notice": w.doc("补正告知书"), "sealed_by": w.world.agency.stream,
        "method": "in_person", "served_at": ...})
    w.add(given, 9 * 60 + 30, "SupplementReceived", {
        "received_at": ..., "materials": [{"name": missing, "file": w.doc(missing + "（补正）")}],
        "receipt": w.doc("补正材料接收凭证")})


def accepted(w: LicenceWriter, day: date) -> None:
    w.add(day, 10 * 60, "LicenceAccepted", {"notice": w.doc("受理通知书"), "sealed_by": w.world.agency.stream,
                                             "served_at": ...})


def verified(w: LicenceWriter, day: date, staff: list[str], place: str) -> None:
    """核查 by two officers who show their credentials; the applicant signs the record."""
    start = stamp(day, 14 * 60)
    w.add(day, 14 * 60, "SiteVerificationRecorded", {
        "staff": staff, "credentials_shown": True, "place": place, "started_at": start,
        "ended_at": stamp(day, 15 * 60), "record": w.doc("核查笔录"), "signed_by_applicant": True})


def excluded(w: LicenceWriter, told: date, first: date, until: date) -> None:
    """第45条: the expert review's time told in writing before it starts, then its end."""
    w.add(told, 10 * 60, "ExcludedPeriodNotified", {
        "reason": "expert_review", "from_on": first.isoformat(), "until": until.isoformat(),
        "notice": w.doc("专家评审时间告知书"), "served_at": ...})
    w.add(until, 17 * 60, "ExcludedPeriodEnded", {"reason": "expert_review", "ended_on": until.isoformat(),
                                                   "result": w.doc("专家评审意见")})


def reviewed(w: LicenceWriter, day: date, opinion: str, reasons: list[str], **extra: Any) -> None:
    w.add(day, 10 * 60, "LicenceReviewed", {"reviewer": w.by, "opinion": opinion, "reasons": reasons,
                                             "document": w.doc("审查意见"), **extra})


def granted(w: LicenceWriter, day: date, item: lc.LicenceItemSpec, number: str, content: str, *,
            valid_from: date | None, on_the_spot: bool = False, heard: bool = False) -> None:
    data: Raw = {"document_no": number, "basis": [{**basis_rows((item.basis,))[0], "rank": item.rank}],
                 "content": content}
    if valid_from is not None:
        data["valid_from"] = valid_from.isoformat()
        data["valid_to"] = (add_months(valid_from, item.validity_months) - DAY).isoformat()
    data.update(approved_by=w.world.agency.heads[0].id, approval_form=w.doc("行政许可审批表"),
                sealed_by=w.world.agency.stream, document=w.doc("准予行政许可决定书"))
    if on_the_spot:
        data["on_the_spot"] = True
    if heard:
        data["hearing_record_considered"] = True
    w.add(day, 16 * 60, "LicenceGranted", data)


def issued(w: LicenceWriter, day: date, item: lc.LicenceItemSpec, licence_no: str) -> None:
    w.add(day, 10 * 60, "LicenceIssued", {
        "licence_no": licence_no, "certificate": w.doc(item.certificate), "sealed_by": w.world.agency.stream,
        "method": "in_person", "issued_at": ..., "receipt": w.doc("许可证件签收单")})


def published(w: LicenceWriter, day: date, text: str) -> None:
    w.add(day, 9 * 60, "DecisionPublished", {"published_at": ..., "channel": lc.CHANNEL, "text": text})


def holder_text(party: Raw) -> str:
    return f"{party['name']}（统一社会信用代码{party['credit_code']}）"


def closed_and_archived(w: LicenceWriter, rng: random.Random, after: date, summary: str, archive_no: str) -> None:
    """办结 a few working days after the last act, 归档 within the 30 days of EVAL-07."""
    world = w.world
    closing = world.wd.add(after, rint(rng, 1, 4))
    w.add(closing, 10 * 60, "CaseClosed", {"approved_by": world.agency.heads[0].id, "summary": summary})
    archive = min(world.wd.add(closing, rint(rng, 2, 12)),
                  world.wd.back(closing + timedelta(days=world.config.evaluation.archive_nd)))
    w.add(archive, 10 * 60, "CaseArchived", {"archive_no": archive_no, "retention": world.config.retention.licence})
