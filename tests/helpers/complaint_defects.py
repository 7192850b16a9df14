"""The complaint defects: the brief's three (examples-notes.md §5, adapted as examples/README.md says:
``against.stream`` is the general case) and one on each side of every CMP rule's boundary, each built
from ``examples/complaint.jsonl`` by one change. A table, so the tests are one loop."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from audit.model import BLOCKER, MAJOR, MINOR
from tests.helpers.kinds_examples import COMPLAINT, DOC, SFJ_HEAD, SFJ_SUPERVISOR, at, complaint_steps, edit_step

Raw = dict[str, Any]
CASE = "case/DXH-CGJ-2026-0012"
SUPERVISION = "supervision/DXH-SFJ-JD-2026-0012"
CGJ = "agency/DXH-CGJ"


@dataclass(frozen=True)
class Defect:
    """One change to the lawful complaint: the rules that must fire (``expected``, exactly) and the
    severity of ``rule``; ``absent`` names what the brief says must not fire (implied by ``expected``,
    kept to say why)."""

    name: str
    rule: str | None
    severity: str | None
    build: Callable[[], list[Raw]]
    expected: frozenset[str]
    absent: frozenset[str] = frozenset()
    as_of: date = date(2026, 12, 31)
    extra: dict[str, Any] = field(default_factory=dict)


def _edit(step_type: str, change: Callable[[Raw], None], steps: list[Raw] | None = None) -> list[Raw]:
    return edit_step(complaint_steps() if steps is None else steps, step_type, change)


def data_of(step_type: str, steps: list[Raw] | None = None, **values: Any) -> list[Raw]:
    return _edit(step_type, lambda s: s["data"].update(values), steps)


def _moved(step_type: str, when: str, *members: str, steps: list[Raw] | None = None) -> list[Raw]:
    return _edit(step_type, lambda s: at(s, when, *members), steps)


def _without(*types: str, steps: list[Raw] | None = None) -> list[Raw]:
    return [s for s in (complaint_steps() if steps is None else steps) if s["type"] not in types]


def _insert_before(step_type: str, new: Raw, steps: list[Raw] | None = None) -> list[Raw]:
    out = complaint_steps() if steps is None else steps
    i = next(i for i, s in enumerate(out) if s["type"] == step_type)
    return [*out[:i], new, *out[i:]]


def extension(when: str, *, approved_by: str = SFJ_HEAD, told: bool = True, days: int = 30) -> Raw:
    data = {"rule": "CMP-06", "approved_by": approved_by, "days": days, "reason": "情况复杂",
            "basis": "信访工作条例第三十四条"}
    if told:
        data["told_at"] = when
    return {"stream": COMPLAINT, "type": "TimeLimitExtended", "at": when, "by": SFJ_SUPERVISOR, "data": data}


def answered_on(day: str, steps: list[Raw] | None = None) -> list[Raw]:
    return _moved("ComplaintAnswered", f"{day}T10:00:00+08:00", "answered_at", steps=steps)


def petition(steps: list[Raw] | None = None) -> list[Raw]:
    return data_of("ComplaintReceived", steps, channel="petition_transfer")


def anonymous(steps: list[Raw] | None = None) -> list[Raw]:
    def change(s: Raw) -> None:
        s["data"].pop("complainant")
        s["data"]["anonymous"] = True
    return _edit("ComplaintReceived", change, steps)


def report(steps: list[Raw] | None = None) -> list[Raw]:
    return data_of("ComplaintReceived", steps, nature="report")


def not_accepted(**values: Any) -> list[Raw]:
    """The complaint not accepted on 8 May (outside the bureau's scope, routed), then closed."""
    data = {"reason": "outside_scope", "explanation": "所反映事项不属于行政执法监督范围",
            "route": "向区市场监督管理局提出", "notice": DOC, "told_at": "2026-05-08T10:00:00+08:00", **values}
    data = {k: v for k, v in data.items() if v is not None}
    first, *rest = [s for s in complaint_steps() if s["type"] in ("ComplaintReceived", "CaseClosed", "CaseArchived")]
    return [first, {"stream": COMPLAINT, "type": "ComplaintNotAccepted", "at": "2026-05-08T10:00:00+08:00",
                    "by": SFJ_SUPERVISOR, "data": data}, *rest]


def transferred_out(**values: Any) -> list[Raw]:
    """The complaint transferred on 8 May to another competent body (not accepted here), then closed."""
    data = {"kind": "transfer", "to": "agency/DXH-SJJ", "transferred_at": "2026-05-08T10:00:00+08:00",
            "complainant_identity_shared": False, "document": DOC,
            "complainant_told_at": "2026-05-08T10:00:00+08:00", **values}
    data = {k: v for k, v in data.items() if v is not None}
    first, *rest = [s for s in complaint_steps() if s["type"] in ("ComplaintReceived", "CaseClosed", "CaseArchived")]
    return [first, {"stream": COMPLAINT, "type": "ComplaintTransferred", "at": "2026-05-08T10:00:00+08:00",
                    "by": SFJ_SUPERVISOR, "data": data}, *rest]


def _no_correction() -> list[Raw]:
    """Brief defect 2: partly substantiated, ``measures`` [none], no supervision stream."""
    def change(s: Raw) -> None:
        s["data"]["measures"] = ["none"]
        s["data"].pop("supervision")
    return _edit("ComplaintConcluded", change, [s for s in complaint_steps() if s["stream"] == COMPLAINT])


def _corrected_by_agency() -> list[Raw]:
    """No rectification ordered, but the case's decision corrected, triggered by the supervision stream."""
    steps = [s for s in complaint_steps() if s["type"] != "RectificationOrdered"]
    return [*steps, {"stream": CASE, "type": "DecisionCorrected", "at": "2026-06-04T10:00:00+08:00",
                     "by": "officer/42011219001", "data": {"kind": "change", "triggered_by": SUPERVISION}}]


D = Defect
LAWFUL_VARIANTS: dict[str, Callable[[], list[Raw]]] = {
    "example": complaint_steps,
    "accepted_on_the_5th_working_day": lambda: _moved("ComplaintAccepted", "2026-05-11T17:00:00+08:00", "told_at"),
    "answered_on_the_rolled_day": lambda: answered_on("2026-06-08"),
    "extended_in_time_answered_on_its_last_day": lambda: answered_on(
        "2026-07-07", _insert_before("ComplaintConcluded", extension("2026-06-08T17:00:00+08:00"))),
    "petition_told_on_the_15th_day": lambda: petition(
        data_of("ComplaintAccepted", told_at="2026-05-15T10:00:00+08:00")),
    "report_without_identity": lambda: report(data_of("ComplaintTransferred", complainant_identity_shared=False)),
    "report_shared_with_another_body": lambda: report(data_of("ComplaintTransferred", to="agency/DXH-SJJ")),
    "agency_report_on_its_due_day": lambda: _moved("ComplaintAgencyReported", "2026-05-22T17:00:00+08:00",
                                                   "reported_at"),
    "anonymous_without_contact_never_answered": lambda: anonymous(_without("ComplaintAnswered")),
    "corrected_by_the_agency": _corrected_by_agency,
    "not_accepted_with_route": not_accepted,
    "not_accepted_route_with_limit": lambda: not_accepted(reason="already_decided",
                                                          route="可自知道该行政行为之日起60日内申请行政复议"),
    "transferred_with_told": transferred_out,
    "answered_by_mail_with_receipt": lambda: data_of("ComplaintAnswered", method="mail", receipt=DOC),
}
"""Lawful on the near side of every boundary: each evaluates with no finding at all."""

DEFECTS: tuple[Defect, ...] = (
    # the brief's three (examples-notes.md §5)
    D("brief_1_acceptance_one_working_day_late", "CMP-02", MINOR,
      lambda: _moved("ComplaintAccepted", "2026-05-12T10:00:00+08:00", "told_at"), frozenset({"CMP-02"}),
      absent=frozenset({"CMP-06"})),
    D("brief_2_substantiated_without_correction", "CMP-07", MAJOR, _no_correction, frozenset({"CMP-07"}),
      absent=frozenset({"EVAL-08", "CMP-06"})),
    D("brief_3_whistleblower_identity_passed_on", "CMP-04", BLOCKER,
      lambda: report(data_of("ComplaintReceived", against={"agency": CGJ, "officers": ["officer/42011219002"],
                                                         "stream": CASE})),
      frozenset({"CMP-04", "EVAL-01"}), absent=frozenset({"CMP-05", "CMP-08"})),
    D("brief_3_variant_unshared_but_no_report_by_due", "CMP-08", MINOR,
      lambda: report(data_of("ComplaintTransferred", complainant_identity_shared=False,
                           steps=_without("ComplaintAgencyReported"))), frozenset({"CMP-08"})),
    # CMP-01
    D("document_no_given_but_no_file_named", "CMP-01", MINOR,
      lambda: data_of("ComplaintReceived", against={"agency": CGJ, "document_no": "东城管罚〔2026〕12号"}),
      frozenset({"CMP-01"})),
    # CMP-02
    D("petition_told_on_the_16th_day", "CMP-02", MAJOR,
      lambda: petition(data_of("ComplaintAccepted", told_at="2026-05-16T10:00:00+08:00")), frozenset({"CMP-02"})),
    # CMP-03
    D("not_accepted_without_route", "CMP-03", MAJOR, lambda: not_accepted(route=None), frozenset({"CMP-03"})),
    D("not_accepted_route_without_limit", "CMP-03", MAJOR,
      lambda: not_accepted(reason="already_decided", route="申请行政复议"), frozenset({"CMP-03"})),
    D("not_accepted_not_told", "CMP-03", MAJOR, lambda: not_accepted(told_at=None), frozenset({"CMP-03"})),
    # CMP-05
    D("handler_complained_of", "CMP-05", MAJOR, lambda: data_of("ComplaintAccepted", handlers=["officer/42011219001"]),
      frozenset({"CMP-05"})),
    D("handler_not_a_supervisor", "CMP-05", MAJOR, lambda: data_of("ComplaintAccepted", handlers=[SFJ_HEAD]),
      frozenset({"CMP-05"})),
    D("conclusion_without_evidence", "CMP-05", MAJOR,
      lambda: data_of("ComplaintConcluded", findings=["TS-02", "PEN-05"]), frozenset({"CMP-05"})),
    # CMP-06
    D("answered_a_day_after_the_rolled_day", "CMP-06", MINOR, lambda: answered_on("2026-06-09"),
      frozenset({"CMP-06"})),
    D("extended_answered_after_its_last_day", "CMP-06", MINOR, lambda: answered_on(
        "2026-07-08", _insert_before("ComplaintConcluded", extension("2026-06-08T17:00:00+08:00"))),
      frozenset({"CMP-06"})),
    D("extension_approved_after_the_period", "CMP-06", MINOR, lambda: answered_on(
        "2026-07-06", _insert_before("ComplaintConcluded", extension("2026-06-09T09:00:00+08:00"))),
      frozenset({"CMP-06"})),
    D("extension_not_told", "CMP-06", MINOR, lambda: _insert_before(
        "ComplaintConcluded", extension("2026-06-01T17:00:00+08:00", told=False)), frozenset({"CMP-06"})),
    D("petition_answered_within_60_days", "CMP-06", MINOR, lambda: petition(answered_on("2026-07-07")),
      frozenset({"CMP-06"})),
    D("petition_answered_beyond_60_days", "CMP-06", MAJOR, lambda: petition(answered_on("2026-07-08")),
      frozenset({"CMP-06"})),
    D("closed_without_answer", "CMP-06", MAJOR, lambda: _without("ComplaintAnswered"), frozenset({"CMP-06"})),
    # CMP-07
    D("rectification_not_for_this_complaint", "CMP-07", MAJOR,
      lambda: _edit("RectificationOrdered", lambda s: s["data"].pop("complaint")), frozenset({"CMP-07"})),
    # CMP-08
    D("agency_report_a_day_late", "CMP-08", MINOR,
      lambda: _moved("ComplaintAgencyReported", "2026-05-23T10:00:00+08:00", "reported_at"), frozenset({"CMP-08"})),
    D("assignment_without_due", "CMP-08", MINOR, lambda: _edit("ComplaintTransferred", lambda s: s["data"].pop("due")),
      frozenset({"CMP-08"})),
    D("transferred_not_told", "CMP-08", MINOR, lambda: transferred_out(complainant_told_at=None),
      frozenset({"CMP-08"})),
    # EVAL-12
    D("acceptance_notice_missing", "EVAL-12", MAJOR, lambda: _edit("ComplaintAccepted",
                                                                   lambda s: s["data"].pop("notice")),
      frozenset({"EVAL-12"})),
    D("answered_by_mail_without_receipt", "EVAL-12", MAJOR, lambda: data_of("ComplaintAnswered", method="mail"),
      frozenset({"EVAL-12"})),
    D("closed_without_conclusion", "EVAL-12", MAJOR,
      lambda: _without("ComplaintConcluded", "RectificationOrdered"), frozenset({"EVAL-12"})),
)
