"""责令整改 (EVAL-08) a 司法局 supervisor orders for some defective cases, and the reports."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date
from typing import Final

from demo import catalogue as cat
from demo.draw import choice, rint, stamp
from demo.model import CaseFacts, Raw, Rectification
from demo.registry import Officer
from demo.workdays import Workdays

SUPERVISOR: Final = f"officer/4201020{cat.JUSTICE.digit}003"
"""The demo's 司法局 supervisor (roles: supervisor only; the same in every demo): ``make run`` gives it a token."""
RECTIFICATION_SHARE: Final = 0.3
"""Of the defective cases, the share a supervisor orders rectified (at least one when any is)."""
_ANSWERS: Final = ("on_time", "late", "on_time", "none", "on_time", "on_time")
_ACTIONS: Final = (
    "组织全体执法人员学习《中华人民共和国行政处罚法》及相关程序规定",
    "对该案卷存在的问题逐项核查并补正说明，完善案卷归档",
    "修订执法文书审核流程，明确承办人、审核人责任",
    "开展同类案件自查，建立问题整改台账",
)


def build_rectifications(cases: Sequence[CaseFacts], justice: Sequence[Officer], seed: str, wd: Workdays,
                         last: date) -> tuple[Rectification, ...]:
    """责令整改 for some defective cases (their defect's rule as the finding), ordered by a supervisor
    some working days after the case's last step, due 15 working days later (17:00); answered in a
    fixed mix — most on time, some late, some not (yet) — so the dashboard's follow-up shows every
    state. Which cases, and the days, depend on the seed."""
    rng = random.Random(seed + "/rectifications")
    supervisors = [o.id for o in justice if o.is_("supervisor")]
    candidates = [c for c in cases if c.defect is not None]
    if not supervisors or not candidates:
        return ()
    count = max(1, round(len(candidates) * RECTIFICATION_SHARE))
    out: list[Rectification] = []
    for case in sorted(rng.sample(candidates, min(count, len(candidates))), key=lambda c: c.stream):
        assert case.defect is not None
        ordered = wd.add(date.fromisoformat(case.last_at[:10]), rint(rng, 3, 20))
        if ordered > last:
            continue
        due = wd.add(ordered, 15)
        by = choice(rng, supervisors)
        agency = case.agency
        if agency is None:
            continue
        stream = f"supervision/ZG-{case.stream.removeprefix('case/')}"
        order = {"agency": agency, "case": case.stream, "findings": [case.defect.rule],
                 "due_at": f"{due.isoformat()}T17:00:00+08:00"}
        steps: list[Raw] = [{"stream": stream, "type": "RectificationOrdered",
                             "at": stamp(ordered, 10 * 60 + rint(rng, 0, 59)), "by": by, "data": order}]
        reported = _ANSWERS[len(out) % len(_ANSWERS)]  # a fixed mix: even a small demo shows each state
        if reported != "none":
            day = wd.add(ordered, rint(rng, 5, 14)) if reported == "on_time" else wd.add(due, rint(rng, 1, 6))
            if day > last:
                reported = "none"
            else:
                at = stamp(day, 15 * 60 + rint(rng, 0, 59))
                actions = rng.sample(_ACTIONS, 2)
                steps.append({"stream": stream, "type": "RectificationReported", "at": at, "by": by,
                              "data": {"reported_at": at, "actions": actions}})
        out.append(Rectification(stream, case.stream, agency, reported, tuple(steps)))
    return tuple(out)
