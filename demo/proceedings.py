"""Reconsiderations and lawsuits against served decisions, and the corrections their corrective
outcomes bring to the cases."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final

from demo import catalogue as cat
from demo.builder import Built, Docs
from demo.draw import choice, rint, stamp, weighted_choice
from demo.model import Proceeding, Raw
from demo.registry import Agency, Officer
from demo.workdays import Workdays

_REVIEW_SHARE: Final = 0.08
_LAWSUIT_SHARE: Final = 0.04


_CORRECTIVE: Final = ("revoked", "confirmed_illegal", "changed")

Plan = list[tuple[str, date, int, Raw]]
"""A proceeding's steps before they have a stream: (type, day, minute, data)."""


@dataclass(frozen=True, slots=True)
class _Planned:
    """A planned proceeding: the day that numbers it (received or filed), the case, its plan, the
    outcome it ends in, the day of that outcome and who records it (a reconsideration's staff)."""

    day: date
    case: Built
    plan: Plan
    outcome: str
    decided: date
    by: str = ""


def build_proceedings(built: list[Built], justice: list[Officer], agencies: dict[str, Agency], seed: str,
                      wd: Workdays, last: date) -> tuple[list[Proceeding], dict[str, list[Raw]]]:
    """Reconsiderations and lawsuits against served penalty decisions, and the corrections
    (DecisionCorrected, PublicationWithdrawn) their corrective outcomes bring to the cases."""
    rng = random.Random(seed + "/proceedings")
    candidates = [b for b in built if b.served_at is not None and b.spec.outcome == "penalty"]
    follow: dict[str, list[Raw]] = {}
    if not candidates:
        return [], follow
    staff = [o.id for o in justice if o.is_("reconsideration_staff")]
    chosen = _chosen_for_review(rng, candidates)
    reviews = [r for r in (_plan_review(case, rng, wd, last, staff) for case in chosen) if r is not None]
    out: list[Proceeding] = []
    reviewed = _record_reviews(reviews, wd, last, out, follow)
    # lawsuits: cases not corrected by a review; some after an upholding review
    lawsuit_pool = [b for b in candidates if b.stream not in follow]
    n_suits = max(1, round(len(candidates) * _LAWSUIT_SHARE)) if lawsuit_pool else 0
    rng.shuffle(lawsuit_pool)
    lawsuit_pool.sort(key=lambda b: 0 if b.stream in reviewed else 1)
    suits = [s for s in (_plan_suit(case, rng, wd, last, agencies, reviewed) for case in lawsuit_pool[: n_suits])
             if s is not None]
    _record_suits(suits, wd, last, out, follow)
    return out, follow


def _chosen_for_review(rng: random.Random, candidates: list[Built]) -> list[Built]:
    """The cases a reconsideration is applied against: a share, defective cases three times as likely."""
    n_reviews = max(1, round(len(candidates) * _REVIEW_SHARE))
    weights = [3.0 if b.spec.defect else 1.0 for b in candidates]
    chosen: list[Built] = []
    pool = list(zip(candidates, weights, strict=True))
    while pool and len(chosen) < n_reviews:
        total = sum(w for _, w in pool)
        pick = rng.random() * total
        for i, (b, w) in enumerate(pool):
            pick -= w
            if pick < 0 or i == len(pool) - 1:
                chosen.append(b)
                pool.pop(i)
                break
    return chosen


def _plan_review(case: Built, rng: random.Random, wd: Workdays, last: date, staff: list[str]) -> _Planned | None:
    """A reconsideration of ``case`` (None: no room for one before ``last``)."""
    served_day = date.fromisoformat(str(case.served_at)[:10])
    if (last - served_day).days < 3:
        return None
    received = wd.add(served_day + timedelta(days=rint(rng, 5, 50)), 0)
    if received > served_day + timedelta(days=60):
        received = wd.back(served_day + timedelta(days=60))
    if received > last:
        received = wd.back(last)
    if received <= served_day:
        return None
    outcome = weighted_choice(rng, (("upheld", 30), ("revoked", 35), ("confirmed_illegal", 20), ("changed", 10),
                                    ("dismissed", 5)) if case.spec.defect else
                              (("upheld", 72), ("dismissed", 8), ("changed", 5), ("revoked", 5),
                               ("confirmed_illegal", 5), ("terminated", 5)))
    accepted = wd.add(received, rint(rng, 1, 4))
    sent = wd.add(accepted, rint(rng, 1, 5))
    filed = wd.add(sent, rint(rng, 3, 9))
    plan: Plan = []
    by = choice(rng, staff)
    plan.append(("ReconsiderationApplied", received, 10 * 60, {
        "applicant": case.party, "target": {"case": case.stream, "document_no": case.document_no},
        "received_at": stamp(received, 10 * 60), "learned_at": case.served_at}))
    plan.append(("ReconsiderationAccepted", accepted, 10 * 60, {"decided_at": stamp(accepted, 10 * 60)}))
    plan.append(("AnswerRequested", sent, 10 * 60, {"sent_at": stamp(sent, 10 * 60)}))
    docs = Docs(case.stream)
    plan.append(("AnswerFiled", filed, 15 * 60, {"filed_at": stamp(filed, 15 * 60), "evidence": [
        docs("行政复议答复书", key="answer"), docs("证据材料目录", key="answer-list")]}))
    heard = None
    if rng.random() < 0.3:
        heard = wd.add(filed, rint(rng, 5, 12))
        plan.append(("ReconsiderationHearingHeld", heard, 9 * 60 + 30, {
            "held_at": stamp(heard, 9 * 60 + 30), "respondent_head_attended": True}))
    decided = wd.back(accepted + timedelta(days=rint(rng, 25, 58)))
    decided = max(decided, wd.add(heard or filed, 2))
    if outcome in _CORRECTIVE and decided <= case.last_day:
        later = wd.add(case.last_day, 2)
        if later <= accepted + timedelta(days=60):
            decided = later
        else:
            outcome = "upheld"
    data: Raw = {"type": outcome, "grounds": [cat.REVIEW_GROUNDS[outcome]], "decided_at": stamp(decided, 10 * 60),
                 "served_at": stamp(decided, 16 * 60)}
    plan.append(("ReconsiderationDecided", decided, 16 * 60, data))
    return _Planned(received, case, plan, outcome, decided, by)


def _record_reviews(reviews: list[_Planned], wd: Workdays, last: date, out: list[Proceeding],
                    follow: dict[str, list[Raw]]) -> dict[str, tuple[str, date]]:
    """Number the reconsiderations by the day received and append them to ``out`` (their
    corrections to ``follow``); returns the decided ones: case stream -> (outcome, day)."""
    reviews.sort(key=lambda r: (r.day, r.case.stream))
    counters: dict[int, int] = {}
    reviewed: dict[str, tuple[str, date]] = {}
    for r in reviews:
        received, case = r.day, r.case
        counters[received.year] = counters.get(received.year, 0) + 1
        stream = f"review/{cat.REVIEW_PREFIX}-{received.year}-{counters[received.year]:04d}"
        steps = []
        for step_type, day, minute, data in r.plan:
            if day > last:
                break
            answer = step_type == "AnswerFiled"
            steps.append({"stream": stream, "type": step_type, "at": stamp(day, minute),
                          "by": case.handlers[0] if answer else r.by, "data": data})
        kept_outcome = r.outcome if steps[-1]["type"] == "ReconsiderationDecided" else None
        out.append(Proceeding(stream, case.stream, kept_outcome, tuple(steps)))
        if kept_outcome is not None:
            reviewed[case.stream] = (kept_outcome, r.decided)
            if kept_outcome in _CORRECTIVE:
                follow[case.stream] = _corrections(case, stream, kept_outcome, r.decided, wd, last, "行政复议")
    return reviewed


def _plan_suit(case: Built, rng: random.Random, wd: Workdays, last: date, agencies: dict[str, Agency],
               reviewed: dict[str, tuple[str, date]]) -> _Planned | None:
    """A lawsuit against ``case``, after its reconsideration if it had one (None: no room)."""
    served_day = date.fromisoformat(str(case.served_at)[:10])
    if case.stream in reviewed:
        base = reviewed[case.stream][1]
        filed = wd.back(base + timedelta(days=rint(rng, 3, 14)))
    else:
        base = served_day
        filed = wd.add(served_day + timedelta(days=rint(rng, 20, 170)), 0)
    if filed > last:
        filed = wd.back(last)
    if filed <= base:
        return None
    heads = agencies[case.spec.agency.spec.code].heads
    hearing = wd.add(filed + timedelta(days=rint(rng, 40, 80)), 0)
    head, role = (heads[0].id, "principal_head") if rng.random() < 0.7 else (heads[1].id, "deputy_head")
    judged = wd.add(hearing + timedelta(days=rint(rng, 15, 45)), 0)
    outcome = weighted_choice(rng, (("dismissed", 75), ("revoked", 10), ("confirmed_illegal", 5), ("changed", 5),
                                    ("upheld", 5)))
    if outcome in _CORRECTIVE and judged <= case.last_day:
        outcome = "dismissed"
    plan: Plan = [
        ("LawsuitFiled", filed, 10 * 60, {"court": cat.COURT, "target": {"case": case.stream,
                                                                        "document_no": case.document_no},
                                          "filed_at": stamp(filed, 10 * 60)}),
        ("CourtHearingAttended", hearing, 12 * 60, {"hearing_at": stamp(hearing, 9 * 60), "appeared": [
            {"person": head, "role": role}, {"person": case.handlers[0], "role": "staff"}]}),
        ("JudgmentReceived", judged, 10 * 60, {"outcome": outcome, "received_at": stamp(judged, 10 * 60),
                                               "instance": "first"}),
    ]
    return _Planned(filed, case, plan, outcome, judged)


def _record_suits(suits: list[_Planned], wd: Workdays, last: date, out: list[Proceeding],
                  follow: dict[str, list[Raw]]) -> None:
    """Number the lawsuits by the day filed and append them to ``out`` (their corrections to ``follow``)."""
    suits.sort(key=lambda s: (s.day, s.case.stream))
    counters: dict[int, int] = {}
    for s in suits:
        filed, case = s.day, s.case
        counters[filed.year] = counters.get(filed.year, 0) + 1
        stream = f"litigation/{cat.LITIGATION_PREFIX}-{filed.year}-{counters[filed.year]:04d}"
        steps = [{"stream": stream, "type": t, "at": stamp(day, minute), "by": case.handlers[0], "data": data}
                 for t, day, minute, data in s.plan if day <= last]
        judged_kept = steps[-1]["type"] == "JudgmentReceived"
        out.append(Proceeding(stream, case.stream, s.outcome if judged_kept else None, tuple(steps)))
        if judged_kept and s.outcome in _CORRECTIVE:
            follow[case.stream] = _corrections(case, stream, s.outcome, s.plan[-1][1], wd, last, "行政诉讼")


def _corrections(case: Built, trigger: str, outcome: str, received: date, wd: Workdays, last: date,
                 how: str) -> list[Raw]:
    """What a corrective review or judgment brings: the correction, and the withdrawal of a
    published decision within 3 working days (PEN-41)."""
    day = wd.add(received, 1)
    words = {"revoked": "撤销", "confirmed_illegal": "确认违法", "changed": "变更"}[outcome]
    out: list[Raw] = []
    if day > last:
        return out
    out.append({"stream": case.stream, "type": "DecisionCorrected", "at": stamp(day, 10 * 60),
                "by": case.handlers[0], "data": {"kind": outcome, "triggered_by": trigger,
                                                 "effective_at": stamp(received, 16 * 60),
                                                 "received_at": stamp(received, 16 * 60)}})
    if case.published:
        out.append({"stream": case.stream, "type": "PublicationWithdrawn", "at": stamp(day, 15 * 60),
                    "by": case.handlers[0], "data": {
                        "withdrawn_at": stamp(day, 15 * 60), "reason": f"处罚决定经{how}被{words}",
                        "explanation": f"{case.document_no}已被{words}，依法撤下原公开信息"}})
    return out
