"""The inspection audit's builders and the brief's §4 defect table (examples-notes.md §4): the
example's files evaluated in memory as ``audit --case`` does, and one entry per defect with the rules
that must fire on which stream and those that must not (tests/test_inspection_audit.py)."""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from audit.inspection_engine import InspectionLinks, evaluate_inspection, evaluate_spotcheck
from audit.model import Evaluation
from domain.beacon import CheckpointLog
from tests.helpers.audit_cases import context
from tests.helpers.inspection_examples import INSPECTIONS, REFERRED_CASE, SPOTCHECK, by_stream, example, versioned

Raw = dict[str, Any]
AS_OF = date(2026, 12, 31)
EXPIRED = "officer/42011219007"
BASELINE: Mapping[str, frozenset[str]] = {INSPECTIONS[1]: frozenset({"INS-05"})}
"""What the lawful example shows besides INFO: the missing 检查码 of step 7 (MINOR, as the brief says)."""


def evaluate_all(steps: list[Raw], *, as_of: date = AS_OF, log: CheckpointLog | None = None,
                 **kwargs: Any) -> dict[str, Evaluation]:
    """Every inspection file and the task of ``steps`` (the example's lines, edited), with their links
    (``log``: the ledger's transparency log, None when not known)."""
    streams = {s: versioned(h) for s, h in by_stream(steps).items()}
    inspections = {s: h for s, h in streams.items() if s.startswith("inspection/")}
    cases = {s: h for s, h in streams.items() if s.startswith("case/")}
    ctx = context(as_of, **kwargs)
    out = {}
    for stream, history in inspections.items():
        links = InspectionLinks(spotcheck=streams.get(SPOTCHECK), others=inspections, cases=cases,
                                log=log)
        out[stream] = evaluate_inspection(stream, history, ctx, links=links)
    out[SPOTCHECK] = evaluate_spotcheck(SPOTCHECK, streams[SPOTCHECK], ctx,
                                        links=InspectionLinks(inspections=inspections, log=log))
    return out


def fired(ev: Evaluation) -> set[str]:
    return {f.rule for f in ev.findings if f.severity != "INFO"}


def change(stream: str, step_type: str, edit: Callable[[Raw], object], nth: int = 0) -> Callable[[list[Raw]], None]:
    """An edit of the ``nth`` step of ``step_type`` on ``stream``."""
    def apply(steps: list[Raw]) -> None:
        edit([s for s in steps if s["stream"] == stream and s["type"] == step_type][nth])
    return apply


def put(path: str, value: Any) -> Callable[[Raw], None]:
    """Set ``data.<path>`` (dots for nested keys); ``None`` deletes it."""
    def edit(s: Raw) -> None:
        target = s["data"]
        *parents, last = path.split(".")
        for key in parents:
            target = target[key]
        if value is None:
            target.pop(last, None)
        else:
            target[last] = copy.deepcopy(value)
    return edit


def at(when: str, *members: str) -> Callable[[Raw], None]:
    """Move a step (and its ``…_at`` members) to ``when`` (Asia/Shanghai, ISO without offset)."""
    def edit(s: Raw) -> None:
        s["at"] = f"{when}+08:00"
        for m in members:
            s["data"][m] = f"{when}+08:00"
    return edit


def insert_after(stream: str, step_type: str, new: Raw) -> Callable[[list[Raw]], None]:
    def apply(steps: list[Raw]) -> None:
        i = next(i for i, s in enumerate(steps) if s["stream"] == stream and s["type"] == step_type)
        steps.insert(i + 1, copy.deepcopy(new))
    return apply


def edited(*edits: Callable[[list[Raw]], None]) -> list[Raw]:
    steps = example()
    for e in edits:
        e(steps)
    return steps


@dataclass(frozen=True)
class Defect:
    """One brief defect: the edits, the rules that must fire on each stream (and no others beyond the
    baseline), the rules that must not fire anywhere."""

    name: str
    edits: tuple[Callable[[list[Raw]], None], ...]
    fires: Mapping[str, frozenset[str]]
    must_not: frozenset[str] = frozenset()
    veto: frozenset[str] = field(default_factory=frozenset)
    """The streams graded 不合格 (EVAL-01 follows their BLOCKER)."""


REPLACED: Raw = {"stream": SPOTCHECK, "type": "InspectorReplaced", "at": "2026-02-09T10:00:00+08:00",
                 "by": "officer/42011219001", "data": {"object_index": 3, "officer": "officer/42011219009",
                                                       "reason": "conflict", "replacement": "officer/42011219008"}}


def _late(s: Raw) -> None:
    at("2026-03-17T09:00:00", "published_at")(s)


DEFECTS: tuple[Defect, ...] = (
    Defect("1. an object that was not drawn (OBJ-0007 for OBJ-0004)",
           (change(INSPECTIONS[1], "InspectionOpened", put("object.key", "OBJ-0007")),
            change(INSPECTIONS[1], "InspectionOpened", put("origin.object_index", 6))),
           {INSPECTIONS[1]: frozenset({"INS-03", "INS-05", "EVAL-01"}), SPOTCHECK: frozenset({"INS-03"})},
           frozenset({"INS-01", "INS-02"}), frozenset({INSPECTIONS[1]})),
    Defect("2. one qualified officer (007, expired, not drawn)",
           (change(INSPECTIONS[1], "SiteInspectionRecorded", put("officers", ["officer/42011219001", EXPIRED])),),
           {INSPECTIONS[1]: frozenset({"INS-03", "INS-04", "INS-05", "EVAL-01"})},
           frozenset({"PEN-04", "INS-02", "INS-01"}), frozenset({INSPECTIONS[1]})),
    Defect("2 (variant). 009 replaced by 008, the next of inspectors/1, recorded: quiet",
           (insert_after(SPOTCHECK, "RandomDrawPerformed", REPLACED),
            change(INSPECTIONS[1], "SiteInspectionRecorded",
                   put("officers", ["officer/42011219001", "officer/42011219008"]))),
           {}, frozenset({"INS-03", "INS-04", "PEN-04"})),
    Defect("3. the batch published one day late (17 Mar)",
           tuple(change(s, "DecisionPublished", _late) for s in INSPECTIONS)
           + tuple(change(s, "CaseClosed", at("2026-03-18T10:00:00")) for s in INSPECTIONS),
           {INSPECTIONS[0]: frozenset({"TS-03"})}, frozenset({"INS-10"})),
)
"""The brief's three §4 defects (and defect 2's variant)."""


def run_defect(d: Defect) -> dict[str, Evaluation]:
    return evaluate_all(edited(*d.edits))


__all__ = ["AS_OF", "BASELINE", "DEFECTS", "EXPIRED", "INSPECTIONS", "REFERRED_CASE", "SPOTCHECK", "Defect", "at",
           "change", "edited", "evaluate_all", "fired", "insert_after", "put", "run_defect"]
