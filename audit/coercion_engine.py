"""Evaluate a 强制 file (行政强制 案卷评查, EVAL-10): run every COE, ENF and reused rule of its paths,
score, grade; and judge the measures and the enforcement recorded on a penalty case's stream.

Why its own entry point: a ``coercion/`` stream has its own fold (``projections.coercionfile``), paths
and rule book; the scoring is the case engine's (``audit.engine.finding_of``, ``score``,
``veto_finding``): EVAL-01's veto follows every BLOCKER of a concluded file; a file whose measures are
still open (or whose enforcement is not carried out) and which is not closed is 办理中 (no grade, no
veto). On a ``case/`` stream the COE and ENF rules join the case's evaluation
(``audit.coercion_rulebook.case_hits``, called by ``audit.engine``); PEN-04/PEN-05 do not judge those
steps.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import audit.rules  # noqa: F401 - registers the rules
from audit.coercion_rulebook import COERCION_RULES, CoercionSubject, coercion_paths
from audit.context import AuditContext
from audit.engine import FileJudged, judge, recheck_on
from audit.facts import StreamFacts, as_of_prefix
from audit.model import Envelope, Evaluation
from domain.casestate import apply_corrections
from projections.coercionfile import CoercionFile, fold_coercionfile
from projections.measures import CoercionRecords

__all__ = ["disposing_decisions", "evaluate_coercion", "load_coercion"]

VETO_BASIS = "行政强制案卷评查标准（一票否决）；rules.md EVAL-01（扩展）"


def disposing_decisions(stream: str, linked: Mapping[str, Sequence[Envelope]]) -> list[Envelope]:
    """The ``DecisionMade`` steps of the linked streams whose ``disposes`` name a measure of ``stream``."""
    out = []
    for history in linked.values():
        for entry in history:
            data = entry.get("data")
            disposes = data.get("disposes") if entry.get("type") == "DecisionMade" and isinstance(data, Mapping) \
                else None
            if isinstance(disposes, list) and any(isinstance(d, Mapping) and d.get("stream") == stream
                                                  for d in disposes):
                out.append(entry)
    return out


def load_coercion(stream: str, history: Sequence[Envelope], ctx: AuditContext,
                  linked: Mapping[str, Sequence[Envelope]] | None = None) -> tuple[CoercionFile, StreamFacts]:
    """The 强制 file and its raw steps as they stood at the end of ``ctx.as_of`` (with the linked
    penalty decisions that dispose of its measures, as of then too)."""
    own = as_of_prefix(history, ctx.as_of)
    elsewhere = disposing_decisions(stream, {s: as_of_prefix(h, ctx.as_of) for s, h in (linked or {}).items()})
    file = fold_coercionfile(stream, own, config=ctx.config, calendar=ctx.calendar,
                             agency_as_of=ctx.registry.agency_as_of, elsewhere=elsewhere)
    return file, StreamFacts.of(stream, apply_corrections(stream, own))


def evaluate_coercion(stream: str, history: Sequence[Envelope], ctx: AuditContext, *,
                      linked: Mapping[str, Sequence[Envelope]] | None = None) -> Evaluation:
    """Evaluate the ``coercion/`` stream from its steps, with the streams it links (``linked``: the
    reviews and lawsuits against its decisions or the decision it enforces, ``audit.files``)."""
    file, facts = load_coercion(stream, history, ctx, linked)
    records = _records(file)
    paths = coercion_paths(facts, records, ctx, file.agency)
    others = {s: StreamFacts.of(s, as_of_prefix(h, ctx.as_of)) for s, h in (linked or {}).items()}
    subject = CoercionSubject(stream, file.agency, records, file.deadlines, facts, ctx, paths, file.concluded,
                              linked=others)
    judged = FileJudged(file.stream, file.agency, "coercion", "+".join(sorted(paths)), file.status, file.concluded,
                        recheck_on(file.deadlines, ctx.as_of))
    return judge(COERCION_RULES.values(), subject, lambda rule: bool(rule.paths & paths), judged, ctx, VETO_BASIS)


def _records(file: CoercionFile) -> CoercionRecords:
    return CoercionRecords(file.measures, file.enforcement)
