"""The reviews (复议, ``review/``) and lawsuits (诉讼, ``litigation/``) against a decision: which
decision a review or lawsuit targets, and where it stood at a given time.

Why here: a demolition (ENF-05, 行政强制法 第44条) may not proceed while a review or lawsuit
against the decision enforced is pending, nor after one overturned it; the live gate and the
audit read the same streams. A gate context finds them by the stream they target
(:class:`TargetIndex`: the ledger answers over its store, the audit over the streams it loaded,
tests over a dict of streams), and judges them "as recorded at the time": only the steps whose
``at`` is no later than the judged step count, so a later decision cannot excuse an earlier
demolition.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Final, Protocol, runtime_checkable

from domain.limits import step_day
from domain.reading import mapping_of
from domain.registry import step_time

__all__ = ["APPEAL_PREFIXES", "OUTCOME_LABELS", "DecisionRef", "RemedyState", "TargetIndex", "remedy_state",
           "target_of", "targeting_in"]

APPEAL_PREFIXES: Final = ("review/", "litigation/")
"""The stream kinds that target a decision (their opening step's ``target``)."""
_OPENINGS: Final = frozenset({"ReconsiderationApplied", "LawsuitFiled"})
_UPHOLDING: Final = frozenset({"upheld", "dismissed"})
"""Outcomes that leave the decision standing (维持, 驳回)."""
_ENDED_REVIEW: Final = frozenset({"terminated"})
"""A review ended without judging the decision (终止: withdrawn): the decision stands."""
OUTCOME_LABELS: Final = {
    "revoked": "撤销", "partially_revoked": "部分撤销", "changed": "变更", "confirmed_illegal": "确认违法",
    "confirmed_void": "确认无效", "ordered_to_perform": "责令履行", "mediated": "调解结案",
}
"""The outcomes that leave the decision not simply standing, in the words of a 决定书 or 判决书."""


@dataclass(frozen=True, slots=True)
class DecisionRef:
    """A decision a review or lawsuit targets: the stream that made it and its document number."""

    stream: str
    document_no: str | None


@runtime_checkable
class TargetIndex(Protocol):
    """A lookup of the ``review/`` and ``litigation/`` streams whose opening targets ``stream``
    (``target.case`` or ``target.stream``), as recorded."""

    def targeting(self, stream: str) -> Sequence[str]: ...


def target_of(history: Sequence[Mapping[str, Any]]) -> DecisionRef | None:
    """The decision a review or lawsuit targets, from its opening step (None for any other stream)."""
    for entry in history[:1]:
        if entry.get("type") not in _OPENINGS:
            return None
        target = mapping_of(mapping_of(entry.get("data")).get("target"))
        stream = target.get("case") or target.get("stream")
        if isinstance(stream, str) and stream:
            number = target.get("document_no")
            return DecisionRef(stream, number if isinstance(number, str) and number else None)
    return None


def targeting_in(streams: Mapping[str, Sequence[Mapping[str, Any]]], stream: str) -> tuple[str, ...]:
    """:meth:`TargetIndex.targeting` over streams held in memory."""
    return tuple(sorted(s for s, history in streams.items() if s.startswith(APPEAL_PREFIXES)
                        and (found := target_of(history)) is not None and found.stream == stream))


@dataclass(frozen=True, slots=True)
class RemedyState:
    """Where a review or lawsuit stood at a time: ``pending`` (filed, not ended, or a first-instance
    judgment still open to appeal) or ``overturned`` (ended against the decision)."""

    stream: str
    kind: str
    """``复议`` or ``诉讼``."""
    filed_on: date
    pending: bool
    overturned: str | None
    """The outcome that overturned the decision (撤销, 变更 …: ``OUTCOME_LABELS``), else None."""


def _upto(history: Iterable[Mapping[str, Any]], at: datetime) -> list[Mapping[str, Any]]:
    return [e for e in history if step_time(e) <= at]


def remedy_state(stream: str, history: Sequence[Mapping[str, Any]], at: datetime, day: date,
                 appeal_days: int) -> RemedyState | None:
    """The review or lawsuit ``stream`` as recorded by ``at`` (None when not yet filed by then).

    A review ends with ``ReconsiderationRejected`` (不予受理) or ``ReconsiderationDecided``; a
    lawsuit with a ``JudgmentReceived``: a second-instance or retrial judgment at once, a first-instance
    one when its appeal period (第85条: ``appeal_days`` from receipt) has run by ``day`` — the project
    reads the agency's receipt as the parties' service."""
    steps = _upto(history, at)
    if not steps or steps[0].get("type") not in _OPENINGS:
        return None
    review = stream.startswith("review/")
    kind = "复议" if review else "诉讼"
    filed = step_day(steps[0], "received_at" if review else "filed_at")
    for entry in reversed(steps):
        data = mapping_of(entry.get("data"))
        if entry.get("type") == "ReconsiderationRejected":
            return RemedyState(stream, kind, filed, False, None)
        if entry.get("type") == "ReconsiderationDecided":
            outcome = str(data.get("type"))
            standing = outcome in _UPHOLDING or outcome in _ENDED_REVIEW
            return RemedyState(stream, kind, filed, False, None if standing else OUTCOME_LABELS.get(outcome, outcome))
        if entry.get("type") == "JudgmentReceived":
            outcome = str(data.get("outcome"))
            open_to_appeal = data.get("instance") == "first" and \
                day <= step_day(entry, "received_at") + timedelta(days=appeal_days)
            return RemedyState(stream, kind, filed, open_to_appeal,
                               None if outcome in _UPHOLDING else OUTCOME_LABELS.get(outcome, outcome))
    return RemedyState(stream, kind, filed, True, None)
