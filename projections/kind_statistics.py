"""Statistics facts of licence and complaint files (per agency, year and metric), as for cases.

Why here and not in :mod:`projections.statistics`: each kind of file counts its own things, and
the case module is long enough; :func:`projections.statistics.facts` dispatches to these. Timeliness
is read from the file's own deadlines (``domain.limits.within``: a due date the calendar does not
know yet is neither on time nor late): LIC-10 (决定), LIC-13 (证件), CMP-02 (受理), CMP-06 (答复).

A complaint's timeliness is the bureau's (it handles it); CMP-09's counts go to the agency
complained of. Years are Asia/Shanghai years of the act counted.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date, datetime
from typing import Final

from domain.calendar import SHANGHAI
from domain.limits import within
from projections.casefile.model import Deadline
from projections.complaintfile import ComplaintFile
from projections.licencefile import LicenceFile

__all__ = ["KIND_METRIC_LABELS", "KIND_RATES", "Counts", "Fact", "complaint_facts", "licence_facts", "timely"]

Fact = tuple[str, int, str, int]

KIND_METRIC_LABELS: Final[dict[str, str]] = {
    "licences.applied": "行政许可申请", "licences.not_accepted": "不予受理", "licences.decided": "作出许可决定",
    "licences.granted": "准予许可", "licences.denied": "不予许可",
    "licences.decided_on_time": "按期作出许可决定（LIC-10）",
    "licences.decided_late": "逾期作出许可决定", "licences.withdrawn": "撤回许可", "licences.revoked": "撤销许可",
    "licences.cancelled": "注销许可", "licences.published": "公开许可决定", "certificates.issued": "颁发许可证件",
    "certificates.on_time": "按期颁发证件（LIC-13）", "certificates.late": "逾期颁发证件",
    "complaints.received": "收到投诉举报", "complaints.decided": "作出受理决定（受理、不予受理或转送）",
    "complaints.decided_on_time": "按期作出受理决定（CMP-02）", "complaints.decided_late": "逾期作出受理决定",
    "complaints.accepted": "受理投诉举报", "complaints.answered": "书面答复",
    "complaints.answered_on_time": "按期答复（CMP-06）", "complaints.answered_late": "逾期答复",
    "complaints.against": "被投诉举报（CMP-09）", "complaints.substantiated": "投诉举报属实或部分属实",
}
KIND_RATES: Final[dict[str, tuple[str, str, str]]] = {
    "licence.timeliness": ("许可决定按期率（LIC-10）", "licences.decided_on_time", "licences.decided"),
    "certificate.timeliness": ("证件按期颁发率（LIC-13）", "certificates.on_time", "certificates.issued"),
    "complaint.acceptance_timeliness": ("投诉举报按期受理率（CMP-02）", "complaints.decided_on_time",
                                        "complaints.decided"),
    "complaint.answer_timeliness": ("投诉举报按期答复率（CMP-06）", "complaints.answered_on_time",
                                    "complaints.answered"),
}
_ENDED: Final = {"LicenceWithdrawn": "licences.withdrawn", "LicenceRevoked": "licences.revoked",
                 "LicenceCancelled": "licences.cancelled"}
_SUBSTANTIATED: Final = frozenset({"substantiated", "partly_substantiated"})


def _year(moment: datetime | date | None) -> int | None:
    if moment is None:
        return None
    return moment.astimezone(SHANGHAI).year if isinstance(moment, datetime) else moment.year


def timely(deadlines: Sequence[Deadline], key: str) -> tuple[date, bool] | None:
    """(the day done, whether in time) of the deadline ``key`` once done and knowable; else None."""
    found = next((d for d in deadlines if d.key == key), None)
    if found is None or found.done_on is None:
        return None
    met = within(found.due, found.done_on)
    return None if met is None else (found.done_on, met)


class Counts:
    """Counts per (agency, Asia/Shanghai year, metric) of one file, as facts."""

    def __init__(self) -> None:
        self.counts: Counter[tuple[str, int, str]] = Counter()

    def add(self, agency: str | None, when: datetime | date | None, metric: str, value: int = 1) -> None:
        year = _year(when)
        if year is not None and value:
            self.counts[(agency or "", year, metric)] += value

    def facts(self) -> list[Fact]:
        return sorted((a, y, m, v) for (a, y, m), v in self.counts.items())


def licence_facts(lf: LicenceFile) -> list[Fact]:
    """The counts one licence file contributes to its agency."""
    c = Counts()
    agency = lf.agency
    for line in lf.timeline:
        c.add(agency, line.at, f"steps.{line.type}")
    if lf.kind == "application":
        c.add(agency, lf.received_at, "licences.applied")
    if lf.status == "not_accepted":
        not_accepted = next((t.at for t in lf.timeline if t.type == "LicenceNotAccepted"), None)
        c.add(agency, not_accepted, "licences.not_accepted")
    decision = lf.decision
    if decision is not None and decision.type in ("LicenceGranted", "LicenceDenied"):
        c.add(agency, decision.at, "licences.decided")
        c.add(agency, decision.at, "licences.granted" if decision.type == "LicenceGranted" else "licences.denied")
        found = timely(lf.deadlines, "LIC-10")
        if found is not None:  # counted in the decision's year, as its denominator is
            c.add(agency, decision.at, "licences.decided_on_time" if found[1] else "licences.decided_late")
    elif decision is not None and decision.type in _ENDED:
        c.add(agency, decision.at, _ENDED[decision.type])
    if lf.issued is not None:
        c.add(agency, lf.issued.issued_at, "certificates.issued")
        found = timely(lf.deadlines, "LIC-13")
        if found is not None:
            c.add(agency, lf.issued.issued_at, "certificates.on_time" if found[1] else "certificates.late")
    for pub in lf.publications:
        c.add(agency, pub.published_at, "licences.published")
    return c.facts()


def complaint_facts(cf: ComplaintFile) -> list[Fact]:
    """The counts one complaint file contributes: its handling to the bureau, CMP-09's to the agency
    complained of. From the public view only: no complainant data reaches a count."""
    f = cf.public_view()
    c = Counts()
    bureau = f.bureau
    for line in f.timeline:
        c.add(bureau, line.at, f"steps.{line.type}")
    c.add(bureau, f.received_at, "complaints.received")
    if f.decided_at is not None:
        c.add(bureau, f.decided_at, "complaints.decided")
        found = timely(f.deadlines, "CMP-02")
        if found is not None:
            c.add(bureau, f.decided_at, "complaints.decided_on_time" if found[1] else "complaints.decided_late")
    c.add(bureau, f.accepted_at, "complaints.accepted")
    if f.answered_at is not None:
        c.add(bureau, f.answered_at, "complaints.answered")
        found = timely(f.deadlines, "CMP-06")
        if found is not None:
            c.add(bureau, f.answered_at, "complaints.answered_on_time" if found[1] else "complaints.answered_late")
    if f.against.agency is not None:
        c.add(f.against.agency, f.received_at, "complaints.against")
        if f.conclusion is not None and f.conclusion.outcome in _SUBSTANTIATED:
            c.add(f.against.agency, f.conclusion.at, "complaints.substantiated")
    return c.facts()
