"""Evaluating many case files on every core: forked workers fold and judge, the parent reads.

Each case file is evaluated independently (the context — registry, calendar, the parties'
history — is read-only), so ``--all``, ``--agency``, a sample and the table's rebuild split
the files over worker processes, as the projections' rebuild does. The parent reads the
stored bytes of each case group from the store (the ordered range scan of
:meth:`audit.store.LedgerSource.raw_groups`) and sends them on; a worker decodes, folds
(``fold_casefile``) and evaluates them and sends back the :class:`~audit.model.Evaluation`.
Workers are forked after the context is built, so they inherit it instead of receiving it,
and run with the cyclic garbage collector off (evaluation makes no reference cycles).
Results come back in input order, so the output is the same whatever the number of workers.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, TypeVar, overload

from audit.context import AuditContext
from audit.engine import evaluate
from audit.facts import day_of
from audit.files import evaluate_stream
from audit.model import Evaluation
from audit.store import LedgerSource
from projections.pool import default_workers, forked_pool  # the rebuild's pool: as many workers, same lifeline
from projections.runner import decode  # the stored format is ledger.stored; audit reads it through projections

__all__ = ["RawGroup", "Unevaluable", "default_workers", "evaluate_all", "evaluate_raw", "evaluate_streams"]

RawGroup = tuple[str, Sequence[bytes], Mapping[str, Sequence[Mapping[str, Any]]],
                 Mapping[str, Sequence[Mapping[str, Any]]]]
"""A case group as read: (case stream, its events' stored bytes, its 复议 and lawsuits decoded)."""

CHUNK = 32
_CTX: AuditContext | None = None


def _evaluate(group: RawGroup) -> Evaluation | None:
    """The group's evaluation; None for a case not begun by ``as_of`` (its first step is later)."""
    assert _CTX is not None
    stream, stored, reviews, lawsuits = group
    history = [decode(b) for b in stored]
    first = day_of(history[0].get("at")) if history else None
    if first is None or first > _CTX.as_of:
        return None
    return evaluate(stream, history, _CTX, reviews=reviews, lawsuits=lawsuits)


@dataclass(frozen=True)
class Unevaluable:
    """A group whose evaluation raised (``evaluate_raw(..., tolerant=True)``): why, instead of the exception."""

    reason: str


def _evaluate_tolerant(group: RawGroup) -> Evaluation | Unevaluable | None:
    try:
        return _evaluate(group)
    except Exception as exc:  # one odd file must not stop the others (the follower parks it)
        return Unevaluable(repr(exc))


@overload
def evaluate_raw(groups: Iterable[RawGroup], ctx: AuditContext, *, workers: int | None = None,
                 tolerant: Literal[False] = False) -> Iterator[Evaluation | None]: ...


@overload
def evaluate_raw(groups: Iterable[RawGroup], ctx: AuditContext, *, workers: int | None = None,
                 tolerant: Literal[True]) -> Iterator[Evaluation | Unevaluable | None]: ...


def evaluate_raw(groups: Iterable[RawGroup], ctx: AuditContext, *, workers: int | None = None,
                 tolerant: bool = False) -> Iterator[Evaluation | Unevaluable | None]:
    """Evaluations of ``groups`` in input order (None for a case not begun by ``ctx.as_of``), on
    ``workers`` processes (default: :func:`default_workers`). ``tolerant``: a group whose evaluation
    raises yields :class:`Unevaluable` instead of stopping the rest."""
    global _CTX
    evaluate_one = _evaluate_tolerant if tolerant else _evaluate
    n = default_workers() if workers is None else max(1, workers)
    previous, _CTX = _CTX, ctx
    try:
        if n == 1 or not hasattr(os, "fork"):
            enabled = gc.isenabled()
            gc.disable()
            try:
                for group in groups:
                    yield evaluate_one(group)
            finally:
                if enabled:
                    gc.enable()
            return
        with forked_pool(n) as pool:
            yield from pool.imap(evaluate_one, groups, chunksize=CHUNK)
    finally:
        _CTX = previous


# --------------------------------------------------------------------------- workers that read


_SOURCE: LedgerSource | None = None
SPANS_PER_WORKER = 8


def _evaluate_span(span: tuple[str, str]) -> list[Evaluation | None]:
    """Every case stream in ``[first, last]``: read over the worker's own connection, then evaluated."""
    assert _SOURCE is not None
    with _SOURCE.fresh() as reader:
        return [_evaluate(group) for group in reader.raw_groups(span=span)]


def evaluate_all(source: LedgerSource, ctx: AuditContext, *, workers: int | None = None
                 ) -> Iterator[Evaluation | None]:
    """Every case file of the ledger, in stream order. With several workers, each reads its own
    contiguous spans of case streams from the store (over a connection of its own — none crosses
    ``fork``), so the parent only collects the results."""
    n = default_workers() if workers is None else max(1, workers)
    if n == 1 or not hasattr(os, "fork"):
        yield from evaluate_raw(source.raw_groups(), ctx, workers=1)
        return
    streams = source.cases()
    size = max(1, -(-len(streams) // (n * SPANS_PER_WORKER)))
    spans = [(streams[i], streams[min(i + size, len(streams)) - 1]) for i in range(0, len(streams), size)]
    source.related()  # read once here: the workers inherit it
    yield from _on_workers(source, ctx, n, _evaluate_span, spans)


_P = TypeVar("_P")
_R = TypeVar("_R")


def _on_workers(source: LedgerSource, ctx: AuditContext, n: int, work: Callable[[_P], list[_R]],
                parts: Sequence[_P]) -> Iterator[_R]:
    """``work`` over ``parts`` on ``n`` forked workers that inherit ``source`` and ``ctx``, results in order."""
    global _CTX, _SOURCE
    previous = (_CTX, _SOURCE)
    _CTX, _SOURCE = ctx, source
    try:
        with forked_pool(n) as pool:
            for found in pool.imap(work, parts):
                yield from found
    finally:
        _CTX, _SOURCE = previous


def _evaluate_streams(streams: Sequence[str]) -> list[Evaluation | Unevaluable | None]:
    """Files of other kinds, read over the worker's own connection, each by its engine."""
    assert _SOURCE is not None and _CTX is not None
    with _SOURCE.fresh() as reader:
        return [_stream_tolerant(reader, stream, _CTX) for stream in streams]


def _stream_tolerant(source: LedgerSource, stream: str, ctx: AuditContext) -> Evaluation | Unevaluable | None:
    try:
        return evaluate_stream(source, stream, ctx)
    except Exception as exc:  # one bad file never stops the others (issue 12)
        return Unevaluable(repr(exc))


def evaluate_streams(source: LedgerSource, ctx: AuditContext, streams: Sequence[str], *,
                     workers: int | None = None) -> Iterator[Evaluation | Unevaluable | None]:
    """The licence, complaint, 强制 and inspection files ``streams`` (``audit.files.evaluate_stream``) in
    input order, :class:`Unevaluable` for one that raises; on ``workers`` processes, each reading its
    contiguous runs of streams over its own connection. What every file's rules look up (the links, the
    inspections' openings and index, the 复议 and lawsuits) is read here first, once: the workers inherit
    it (the log, for INS-02's beacon, each reads over its own connection)."""
    n = default_workers() if workers is None else max(1, workers)
    if n == 1 or not hasattr(os, "fork") or len(streams) < 2 * CHUNK:
        for stream in streams:
            yield _stream_tolerant(source, stream, ctx)
        return
    source.links(), source.related(), source.inspection_index()
    size = max(CHUNK, -(-len(streams) // (n * SPANS_PER_WORKER)))
    parts = [streams[i:i + size] for i in range(0, len(streams), size)]
    yield from _on_workers(source, ctx, n, _evaluate_streams, parts)
