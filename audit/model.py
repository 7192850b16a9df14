"""What an evaluation says: findings, the score per category, the grade (EVAL-01 to EVAL-03).

A :class:`Finding` is one rule on one case (rules.md "Findings and scoring"): its
severity, the EVAL-02 category it deducts from, the points, the legal basis, a
message in Chinese and every event it concerns. An :class:`Evaluation` is the
whole file's result; its JSON (``as_json``) is the public shape of ``audit
--format json``: ``case``, ``score``, ``grade``, ``veto``, ``findings``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Final

from projections import labels

__all__ = [
    "BLOCKER",
    "GRADES",
    "INFO",
    "MAJOR",
    "MINOR",
    "SEVERITIES",
    "SEVERITY_LABELS",
    "Envelope",
    "Evaluation",
    "EventRef",
    "Finding",
]

Envelope = Mapping[str, Any]
"""A stored step as the audit reads it (``stream``, ``version``, ``type``, ``at``, ``by``, ``data``)."""

BLOCKER: Final = "BLOCKER"
MAJOR: Final = "MAJOR"
MINOR: Final = "MINOR"
INFO: Final = "INFO"
SEVERITIES: Final = (BLOCKER, MAJOR, MINOR, INFO)
SEVERITY_LABELS: Final = labels.SEVERITY_LABELS
"""否决, 严重, 一般, 提示 (the one table of labels: ``projections.labels``)."""
GRADES: Final = ("优秀", "合格", "不合格")
_RANK: Final = {s: i for i, s in enumerate(SEVERITIES)}


def worse(a: str, b: str) -> str:
    """The more serious of two severities."""
    return a if _RANK[a] <= _RANK[b] else b


@dataclass(frozen=True, slots=True)
class EventRef:
    """An event a finding concerns: its stream, version and step type."""

    stream: str
    version: int
    type: str

    def as_json(self) -> dict[str, Any]:
        return {"stream": self.stream, "version": self.version, "type": self.type}


@dataclass(frozen=True, slots=True)
class Finding:
    """One rule's finding on one case."""

    rule: str
    severity: str
    category: str
    points: int
    basis: str
    message: str
    events: tuple[EventRef, ...] = ()
    title: str = ""
    provisional: bool = False
    """The finding rests on a deadline in a year the working-day calendar does not know (CAL-03)."""

    def as_json(self) -> dict[str, Any]:
        return {"rule": self.rule, "severity": self.severity, "category": self.category, "points": self.points,
                "basis": self.basis, "message": self.message, "events": [e.as_json() for e in self.events]}


@dataclass(frozen=True, slots=True)
class Evaluation:
    """The evaluation of one case file as of a day."""

    case: str
    as_of: date
    score: int
    grade: str | None
    """优秀, 合格 or 不合格; None while the file is 办理中 (no concluding step yet: docs/audit.md)."""
    veto: bool
    findings: tuple[Finding, ...]
    deductions: Mapping[str, int] = field(default_factory=dict)
    """Points deducted per EVAL-02 category, after the cap at the category's weight."""
    agency: str | None = None
    procedure: str | None = None
    path: str = ""
    status: str = ""
    recheck_on: date | None = None
    """The first day on which the evaluation may change without a new event (a deadline falls due)."""

    def as_json(self) -> dict[str, Any]:
        """The public JSON shape (issue 6): case, score, grade, veto, findings."""
        return {"case": self.case, "score": self.score, "grade": self.grade, "veto": self.veto,
                "findings": [f.as_json() for f in self.findings]}

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    def rules(self) -> tuple[str, ...]:
        return tuple(f.rule for f in self.findings)

    def by_rule(self) -> dict[str, Finding]:
        return {f.rule: f for f in self.findings}


def sort_findings(findings: Sequence[Finding]) -> tuple[Finding, ...]:
    """Most serious first, then by rule id (PEN-04 before PEN-10)."""
    return tuple(sorted(findings, key=lambda f: (_RANK[f.severity], _rule_key(f.rule))))


def _rule_key(rule: str) -> tuple[str, int, str]:
    prefix, _, number = rule.partition("-")
    return (prefix, int(number) if number.isdigit() else 0, rule)
