"""Evaluate any kind of file by its stream: a penalty case (``case/``), a licence (``licence/``), a
complaint (``complaint/``), a 强制 file (``coercion/``), an inspection (``inspection/``) or a
spot-check task (``spotcheck/``), each by its own engine, with the streams it links loaded from the
ledger.

Why one place: ``audit --case``, the exports and the HTTP route name a file by its stream and should
not each know which engine judges which kind, nor which other streams a kind's rules read
(rules.md "Context — additions").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from audit.coercion_engine import evaluate_coercion
from audit.complaint_engine import evaluate_complaint, linked_streams
from audit.context import AuditContext
from audit.engine import evaluate
from audit.inspection_engine import InspectionLinks, evaluate_inspection, evaluate_spotcheck
from audit.inspection_index import member
from audit.licence_engine import evaluate_licence
from audit.model import Envelope, Evaluation
from audit.store import LedgerSource
from projections.runner import decode

__all__ = ["FILE_KINDS", "OTHER_FILES", "coercion_links", "evaluate_stream", "file_stream", "inspection_links",
           "licence_links"]

OTHER_FILES = ("licence/", "complaint/", "coercion/", "inspection/", "spotcheck/")
"""Files judged by engines of their own (not the penalty case's)."""
FILE_KINDS = ("case/", *OTHER_FILES)
"""The streams that are files the audit evaluates (a 复议 or a lawsuit is judged with its case)."""


def file_stream(text: str) -> str:
    """A file's stream from what a user types: ``licence/…`` and ``complaint/…`` as they are, a bare
    case number (``DXH-CGJ-2026-0012``) as its ``case/`` stream."""
    return text if text.startswith(FILE_KINDS) else f"case/{text}"


def _histories(source: LedgerSource, streams: Sequence[str]) -> dict[str, list[Envelope]]:
    out: dict[str, list[Envelope]] = {}
    for row in source.stream_rows(sorted(set(streams))):
        out.setdefault(row[1], []).append(decode(row[-1]))
    return out


def _named_licence(history: Sequence[Envelope]) -> str | None:
    """The licence stream a change, renewal or agency proceeding names in its opening step."""
    data = history[0].get("data") if history else None
    licence = data.get("licence") if isinstance(data, Mapping) else None
    stream = licence.get("stream") if isinstance(licence, Mapping) else None
    return stream if isinstance(stream, str) else None


def licence_links(source: LedgerSource, stream: str, history: Sequence[Envelope]) -> dict[str, list[Envelope]]:
    """The streams a licence file's rules read: the licence it names, every other licence stream on the
    same licence (LIC-19: a 注销 after a 撤销), and the penalty cases whose source names one of them
    (LIC-18); from the source's index of who names whom (``LedgerSource.links``)."""
    root = _named_licence(history) or stream
    index = source.links()
    family = {root, stream} | index.get(root, set()) | index.get(stream, set())
    cases = {c for s in family for c in index.get(s, set()) if c.startswith("case/")}
    return _histories(source, sorted((family | cases) - {stream}))


def inspection_links(source: LedgerSource, stream: str,
                     history: Sequence[Envelope] | None = None) -> InspectionLinks:
    """The streams an inspection's or a task's rules read: the task a drawn inspection names, the
    inspections naming a task (INS-03), the agency's other inspections (INS-06), the cases referred
    to (INS-08), and this ledger's transparency log (INS-02's beacon). ``history``: the stream's own events,
    when the caller has read them already."""
    index = source.inspection_index()
    if stream.startswith("spotcheck/"):
        return InspectionLinks(inspections=_histories(source, index.of_task(stream)), log=source.log())
    opening = member(member(source.inspection_openings(), stream), "data")
    origin = opening.get("origin")
    task = origin.get("spotcheck") if isinstance(origin, Mapping) else None
    others = index.same_object(stream, opening)
    own = history if history is not None else _histories(source, [stream]).get(stream, [])
    cases = [str(e["data"]["case"]) for e in own if e.get("type") == "InspectionReferred"
             and isinstance(e.get("data"), Mapping) and isinstance(e["data"].get("case"), str)]
    loaded = _histories(source, [*others, *cases, *([task] if isinstance(task, str) else [])])
    return InspectionLinks(
        spotcheck=loaded.get(task) if isinstance(task, str) else None,
        others={s: loaded[s] for s in others if s in loaded}, cases={s: loaded[s] for s in cases if s in loaded},
        log=source.log(), folds=source.folds)


def coercion_links(source: LedgerSource, stream: str, history: Sequence[Envelope]) -> dict[str, list[Envelope]]:
    """The streams a 强制 file's rules read: the stream that made the decision it enforces
    (``CoercionOpened.decision.stream``: PEN-27's fine), the cases whose decision disposes of its
    measures (``DecisionMade.disposes[].stream``: the fold, COE-08), and the reviews and lawsuits
    against its own decisions and against that decision (ENF-05)."""
    opened = member(history[0], "data") if history and history[0].get("type") == "CoercionOpened" else {}
    enforced = member(opened, "decision").get("stream")
    related = source.related()
    out: dict[str, list[Envelope]] = {}
    for deciding in dict.fromkeys([stream, *([enforced] if isinstance(enforced, str) else [])]):
        reviews, lawsuits = related.get(deciding, ({}, {}))
        out.update(reviews)
        out.update(lawsuits)
    named = {c for c in source.links().get(stream, set()) if c.startswith("case/")}
    if isinstance(enforced, str) and enforced != stream:
        named.add(enforced)
    out.update(_histories(source, sorted(named)))
    return out


def evaluate_stream(source: LedgerSource, stream: str, ctx: AuditContext) -> Evaluation | None:
    """The evaluation of the file ``stream`` (None when the ledger holds no such stream)."""
    if stream.startswith("licence/"):
        history = _histories(source, [stream]).get(stream)
        if not history:
            return None
        return evaluate_licence(stream, history, ctx, linked=licence_links(source, stream, history))
    if stream.startswith("complaint/"):
        history = _histories(source, [stream]).get(stream)
        if not history:
            return None
        related = _histories(source, list(linked_streams(stream, history)))
        return evaluate_complaint(stream, history, ctx, related=related)
    if stream.startswith("coercion/"):
        history = _histories(source, [stream]).get(stream)
        if not history:
            return None
        return evaluate_coercion(stream, history, ctx, linked=coercion_links(source, stream, history))
    if stream.startswith(("inspection/", "spotcheck/")):
        history = _histories(source, [stream]).get(stream)
        if not history:
            return None
        evaluate_file = evaluate_inspection if stream.startswith("inspection/") else evaluate_spotcheck
        return evaluate_file(stream, history, ctx, links=inspection_links(source, stream, history))
    group = source.group(stream)
    if group is None:
        return None
    return evaluate(group.stream, group.history, ctx, reviews=group.reviews, lawsuits=group.lawsuits)
