"""Each case's dates: a timeline of labelled slots on working days that meets every deadline
(or breaks exactly the one its defect names), fitted so the case reaches its target stage by
the day before ``as_of``."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final

from demo.draw import DAY, add_months, choice, rint
from demo.model import ENFORCING, STAGES
from demo.specs import Spec
from demo.workdays import Workdays
from domain.config import Config


@dataclass(frozen=True, slots=True)
class Slot:
    label: str
    day: date
    minute: int
    stage: str


class _Timeline:
    def __init__(self) -> None:
        self.slots: list[Slot] = []

    def add(self, label: str, day: date, minute: int, stage: str) -> Slot:
        if self.slots:
            last = self.slots[-1]
            if day < last.day:  # never planned so; kept as a guard for the stream's time order
                day = last.day
            if day == last.day and minute <= last.minute:
                minute = last.minute + 5
        slot = Slot(label, day, minute, stage)
        self.slots.append(slot)
        return slot


def _am(rng: random.Random) -> int:
    return rint(rng, 9 * 60, 11 * 60 + 20)


def _pm(rng: random.Random) -> int:
    return rint(rng, 14 * 60 + 30, 16 * 60 + 30)


def _plan(spec: Spec, start: date, wd: Workdays, config: Config, salt: int = 0) -> list[Slot]:
    rng = random.Random(spec.seed + "/dates" + (f"/{salt}" if salt else ""))
    if spec.procedure == "summary":
        return _plan_summary(spec, start, wd, rng, config)
    t = _Timeline()
    name = spec.defect.name if spec.defect else ""
    source = wd.add(start, 0)
    t.add("source", source, _am(rng), "registered")
    if name == "late_registration":
        registered = wd.add(source, config.registration.within_wd + rint(rng, 3, 8))
    else:
        registered = wd.add(source, choice(rng, (0, 1, 1, 2, 3)))
    t.add("register", registered, _am(rng), "registered")
    gap = choice(rng, (0, 1, 1, 2))
    if spec.target == "registered":
        gap = max(gap, 1) + rint(rng, 0, 2)
    inspected = wd.add(registered, gap)
    minute = _pm(rng)
    t.add("inspect", inspected, minute, "investigating")
    t.add("ev_record", inspected, minute + 52, "investigating")
    t.add("ev_av", inspected, minute + 53, "investigating")
    if spec.procedure == "transfer":
        return _plan_transfer(spec, t, inspected, wd, rng, config)
    asked = wd.add(inspected, rint(rng, 1, 3))
    minute = _am(rng)
    t.add("inquiry", asked, minute, "investigating")
    t.add("ev_id", asked, minute + 65, "investigating")
    last = asked
    if spec.procedure == "no_penalty":
        fixed = wd.add(asked, rint(rng, 1, 2))
        t.add("ev_fix", fixed, _pm(rng), "investigating")
        concluded = wd.add(fixed, rint(rng, 1, 2))
        t.add("conclude", concluded, _am(rng), "investigating")
        return _plan_no_penalty(spec, t, concluded, wd, rng, config)
    if spec.item.expert:
        if name == "decision_overdue":
            tested = wd.add(registered + timedelta(days=config.decision.limit_nd - rint(rng, 2, 5)), 0)
        else:
            tested = wd.add(asked, rint(rng, 2, 6))
        t.add("ev_expert", tested, _pm(rng), "investigating")
        last = tested
    concluded = wd.add(last, rint(rng, 1, 3))
    t.add("conclude", concluded, _am(rng), "notice_served")
    return _plan_general(spec, t, concluded, registered, wd, rng, config)


def _plan_general(spec: Spec, t: _Timeline, concluded: date, registered: date, wd: Workdays,
                  rng: random.Random, config: Config) -> list[Slot]:
    last_change, earliest = _plan_notice(spec, t, concluded, wd, rng, config)
    decided = _plan_decision(spec, t, last_change, earliest, registered, wd, rng, config)
    return _plan_after_decision(spec, t, decided, wd, rng, config)


def _plan_notice(spec: Spec, t: _Timeline, concluded: date, wd: Workdays, rng: random.Random,
                 config: Config) -> tuple[date, date]:
    """事先告知 and what answers it (hearing, waiver, statement): (the day of the last change to
    the case before the decision, the earliest day the decision may be made)."""
    name = spec.defect.name if spec.defect else ""
    stage = "notice_served"
    window = (config.statement.window_with_hearing_wd if spec.hearing_right else config.statement.window_wd)
    if name == "no_notice":
        last_change = concluded
        earliest = wd.add(concluded, 1)
    else:
        notice = wd.add(concluded, rint(rng, 1, 2))
        t.add("notice", notice, _am(rng), stage)
        last_change = notice
        earliest = wd.add(notice, window + 1)
        if spec.path == "hearing":
            requested = wd.add(notice, rint(rng, 1, min(4, config.hearing.request_wd)))
            t.add("hearing_request", requested, _am(rng), stage)
            notified = wd.add(requested, rint(rng, 1, 2))
            t.add("hearing_notice", notified, _pm(rng), stage)
            if name == "hearing_notice_short":
                lead = rint(rng, 3, max(3, config.hearing.notice_wd - 2))
            else:
                lead = config.hearing.notice_wd + 1 + rint(rng, 0, 3)
            held = wd.add(notified, lead)
            t.add("hearing", held, 9 * 60 + 30, stage)
            t.add("statement", held, 11 * 60, stage)
            last_change = wd.add(held, rint(rng, 1, 2))
            t.add("statement_review", last_change, _pm(rng), stage)
        elif spec.path == "waiver":
            waived = wd.add(notice, choice(rng, (0, 1)))
            t.add("waiver", waived, _pm(rng), stage)
            earliest = wd.add(waived, 1)
        elif spec.path == "statement":
            stated = wd.add(notice, rint(rng, 1, window))
            t.add("statement", stated, _am(rng), stage)
            last_change = wd.add(stated, 1)
            t.add("statement_review", last_change, _pm(rng), stage)
    return last_change, earliest


def _plan_decision(spec: Spec, t: _Timeline, last_change: date, earliest: date, registered: date, wd: Workdays,
                   rng: random.Random, config: Config) -> date:
    """Legal review, collective discussion and the decision: the decision's day."""
    name = spec.defect.name if spec.defect else ""
    stage = "notice_served"
    if name == "decision_in_window":
        notice_day = last_change
        if spec.review:
            t.add("review_request", notice_day, 15 * 60 + 30, stage)
            t.add("review", wd.add(notice_day, 1), 10 * 60, stage)
        if spec.discussion:
            t.add("discussion", wd.add(notice_day, 1), 15 * 60, stage)
        decided = wd.add(notice_day, rint(rng, 1, 2))
    else:
        prev = last_change
        if spec.review:
            asked = wd.add(prev, rint(rng, 1, 2))
            t.add("review_request", asked, _am(rng), stage)
            prev = wd.add(asked, rint(rng, 1, 3))
            t.add("review", prev, _pm(rng), stage)
        if spec.discussion:
            prev = wd.add(prev, rint(rng, 1, 2))
            t.add("discussion", prev, _pm(rng), stage)
        decided = max(wd.add(prev, rint(rng, 1, 2)), earliest)
        if name == "decision_overdue":
            decided = max(decided, wd.add(registered + timedelta(days=config.decision.limit_nd), 1))
    return decided


def _plan_after_decision(spec: Spec, t: _Timeline, decided: date, wd: Workdays, rng: random.Random,
                         config: Config) -> list[Slot]:
    """The decision, its service and publication, then payment (or 催告 and court enforcement),
    closing and archiving."""
    name = spec.defect.name if spec.defect else ""
    minute = _am(rng)
    t.add("decision", decided, minute, "decided")
    if spec.service == "mail":
        served = wd.add(decided, rint(rng, 2, 4))
        t.add("served", served, _pm(rng), "decided")
    elif spec.service == "electronic":
        served = decided
        t.add("served", served, minute + 90, "decided")
    else:
        served = wd.add(decided, choice(rng, (0, 0, 1, 2)))
        t.add("served", served, 15 * 60 if served == decided else _am(rng), "decided")
    published: date | None = None
    if name != "unpublished":
        published = max(wd.add(decided, rint(rng, 1, 5)), served)
        published = min(published, wd.add(decided, config.publication.decision_wd))
    if spec.target == ENFORCING:
        if published is not None:
            t.add("published", published, 16 * 60 + 30, "decided")
        demanded = wd.add(served + timedelta(days=config.payment.due_nd + rint(rng, 5, 20)), 0)
        t.add("demand", demanded, _am(rng), ENFORCING)
        applied = wd.add(add_months(served, 6) + timedelta(days=rint(rng, 15, 40)), 0)
        t.add("court", applied, _am(rng), ENFORCING)
        return t.slots
    after = served
    paid: date | None = None
    if spec.payment is not None:
        paid = wd.add(served + timedelta(days=rint(rng, 1, config.payment.due_nd - 1)), 0)
        if paid > served + timedelta(days=config.payment.due_nd):
            paid = wd.back(served + timedelta(days=config.payment.due_nd))
        after = paid
    # payment and publication are independent: add them in the order they happen (a long
    # holiday can put the publication, 7 working days on, after a payment within 15 days)
    if published is not None and (paid is None or published <= paid):
        t.add("published", published, 16 * 60 + 30, "decided")
    if paid is not None:
        t.add("paid", paid, _am(rng) if paid != served else 16 * 60, "paid")
    if published is not None and paid is not None and published > paid:
        t.add("published", published, 16 * 60 + 30, "paid")
    if published is not None:
        after = max(after, published)
    _close_and_archive(spec, t, after, wd, rng, config, gap=(2, 8))
    return t.slots


def _close_and_archive(spec: Spec, t: _Timeline, after: date, wd: Workdays, rng: random.Random,
                       config: Config, *, gap: tuple[int, int]) -> None:
    closed = wd.add(after, rint(rng, *gap))
    t.add("closed", closed, _am(rng), "closed")
    limit = config.evaluation.archive_nd
    if spec.defect is not None and spec.defect.name == "late_archive":
        archived = wd.add(closed + timedelta(days=limit + rint(rng, 10, 40)), 0)
    else:
        archived = wd.add(closed + timedelta(days=rint(rng, 5, max(5, limit - 8))), 0)
        if archived > closed + timedelta(days=limit):
            archived = wd.back(closed + timedelta(days=limit))
    t.add("archived", archived, _pm(rng), "archived")


def _plan_no_penalty(spec: Spec, t: _Timeline, concluded: date, wd: Workdays, rng: random.Random,
                     config: Config) -> list[Slot]:
    name = spec.defect.name if spec.defect else ""
    decided = wd.add(concluded, rint(rng, 1, 3))
    minute = _am(rng)
    t.add("decision", decided, minute, "decided")
    if name != "no_education":
        t.add("education", decided, minute + 30, "decided")
    if name == "late_service":
        served = wd.add(decided, config.decision.service_wd + rint(rng, 2, 5))
        t.add("served", served, _pm(rng), "decided")
    else:
        served = wd.add(decided, choice(rng, (0, 1)))
        t.add("served", served, _pm(rng), "decided")
    _close_and_archive(spec, t, served, wd, rng, config, gap=(2, 5))
    return t.slots


def _plan_transfer(spec: Spec, t: _Timeline, inspected: date, wd: Workdays, rng: random.Random,
                   config: Config) -> list[Slot]:
    name = spec.defect.name if spec.defect else ""
    last_minute = t.slots[-1].minute
    t.add("preserve", inspected, last_minute + 20, "investigating")
    identified = wd.add(inspected, 1)
    t.add("ev_id", identified, _am(rng), "investigating")
    tested = wd.add(identified, rint(rng, 1, 2))
    t.add("ev_expert", tested, 10 * 60, "investigating")
    t.add("conclude", tested, 15 * 60, "investigating")
    decided = wd.add(tested, choice(rng, (0, 1)))
    if decided > tested + timedelta(days=config.transfer.decide_days):  # PEN-42: days, not working days
        decided = tested
    minute = 16 * 60 if decided == tested else _am(rng)
    t.add("transfer_decided", decided, minute, "transferred")
    limit = config.preservation.resolve_wd
    if name == "transfer_late":  # the items are handed over on paper at once, the file days later
        t.add("resolved", decided, minute + 30, "transferred")
        t.add("transferred", wd.add(decided, rint(rng, 3, 4)), _pm(rng), "transferred")
    else:
        t.add("transferred", decided, minute + rint(rng, 60, 300), "transferred")
        if name == "preservation_late":
            resolved = wd.add(inspected, limit + rint(rng, 2, 5))
        else:
            resolved = min(wd.add(decided, choice(rng, (0, 1))), wd.add(inspected, limit))
        t.add("resolved", max(resolved, t.slots[-1].day), _pm(rng), "transferred")
    _close_and_archive(spec, t, t.slots[-1].day, wd, rng, config, gap=(2, 5))
    return t.slots


def _plan_summary(spec: Spec, start: date, wd: Workdays, rng: random.Random, config: Config) -> list[Slot]:
    t = _Timeline()
    day = start
    minute = rint(rng, 8 * 60 + 30, 17 * 60 + 30)
    t.add("register", day, minute, "decided")
    t.add("summary_decision", day, minute + 5, "decided")
    t.add("served", day, minute + 7, "decided")
    after = day
    if spec.payment == "on_the_spot":
        t.add("paid", day, minute + 9, "paid")
        if spec.defect is not None and spec.defect.name == "cash_late":
            handed = wd.add(day, config.payment.cash_handover_wd + rint(rng, 2, 3))
        else:
            handed = wd.add(day, rint(rng, 1, config.payment.cash_handover_wd))
        t.add("cash", handed, 16 * 60, "paid")
        after = handed
    elif spec.payment is not None:
        paid = wd.add(day + timedelta(days=rint(rng, 1, config.payment.due_nd - 1)), 0)
        if paid > day + timedelta(days=config.payment.due_nd):
            paid = wd.back(day + timedelta(days=config.payment.due_nd))
        t.add("paid", paid, _am(rng), "paid")
        after = paid
    _close_and_archive(spec, t, after, wd, rng, config, gap=(1, 3))
    return t.slots


def _stages(slots: Sequence[Slot]) -> list[str]:
    out: list[str] = []
    for slot in slots:
        if not out or out[-1] != slot.stage:
            out.append(slot.stage)
    return out


def _fits(slots: Sequence[Slot], target: str, last: date) -> bool:
    stages = _stages(slots)
    if target not in stages:
        return False
    first = next(s.day for s in slots if s.stage == target)
    if first > last:
        return False
    if target in ("archived", ENFORCING) or target == stages[-1]:
        return target == ENFORCING or slots[-1].day <= last
    following = stages[stages.index(target) + 1]
    return next(s.day for s in slots if s.stage == following) > last


_LONGEST: Final = {"summary": 45, "no_penalty": 75, "transfer": 60, "general": 140}
"""Days a lawful case of each procedure takes at most from its source to its archiving."""


def fit_plan(spec: Spec, wd: Workdays, config: Config, low: date, last: date) -> list[Slot]:
    """Plan the case so that on ``last`` (the day before as_of) it has reached ``spec.target``
    and not the stage after it; fall back to cutting the plan at ``last``."""
    rng = random.Random(spec.seed + "/fit")
    low = max(low, spec.min_start)
    if spec.target == "archived":  # one plan is usually enough: start early enough to finish
        longest = _LONGEST[spec.procedure] + (60 if spec.defect else 0)
        start = low + timedelta(days=rint(rng, 0, max(0, (last - low).days - longest)))
    else:
        start = last - timedelta(days=120)
    slots = _plan(spec, max(start, low), wd, config)
    present = _stages(slots)
    target = spec.target
    if target not in present:  # e.g. "paid" for a warning: the next stage the case has
        order = STAGES[spec.procedure]
        later = [s for s in order[order.index(target) + 1:] if s in present] if target in order else []
        target = later[0] if later else present[-1]
    if _fits(slots, target, last):
        return slots
    for _ in range(8):
        stages = _stages(slots)
        origin = slots[0].day
        if target in ("archived", ENFORCING) or target == stages[-1]:
            anchor = slots[-1].day if target != ENFORCING else next(s.day for s in slots if s.stage == target)
            room = (last - low).days - (anchor - origin).days
            if room < 0:
                start = low
            else:
                start = low + timedelta(days=rint(rng, 0, room))
        else:
            a = next(s.day for s in slots if s.stage == target)
            b = next(s.day for s in slots if s.stage == stages[stages.index(target) + 1])
            width = max(1, (b - a).days)
            shift = (last - a).days - rint(rng, 0, width - 1)
            origin = slots[0].day
            start = origin + timedelta(days=shift)
            # a start on a rest day rolls forward to the next working day: make sure it moves
            if shift < 0 and wd.add(start, 0) >= origin:
                start = wd.back(origin - DAY)
            elif shift > 0 and wd.add(start, 0) <= origin:
                start = wd.add(origin, 1)
        start = max(start, low)
        slots = _plan(spec, start, wd, config)
        if _fits(slots, target, last):
            return slots
    if target not in ("archived", ENFORCING) and target in _stages(slots):
        # narrow windows can make the shifts oscillate over weekends: walk back a day at a time
        # ... and some plans skip a narrow window altogether: then draw the gaps anew
        for salt in range(4):
            slots = _plan(spec, slots[0].day, wd, config, salt)
            a = next((s.day for s in slots if s.stage == target), last)
            first = slots[0].day + (last - a) + timedelta(days=10)  # the stage begins after ``last``
            for back in range(40):
                start = first - timedelta(days=back)
                if start < low:
                    break
                slots = _plan(spec, start, wd, config, salt)
                if _fits(slots, target, last):
                    return slots
    return slots
