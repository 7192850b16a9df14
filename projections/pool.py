"""The rebuild's worker processes (:class:`FoldPool`), on the ledger's forked pools (``ledger.pool``).

``forked_pool``, ``start_worker`` and ``collector_paused`` live in ``ledger.pool`` (``verify`` uses
them too: one pool, one place); they are named here as well for the audit and the runner.
"""

from __future__ import annotations

import marshal
import os
import pickle
from collections.abc import Mapping, Sequence
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from typing import TYPE_CHECKING, Any

from ledger.pool import collector_paused, forked_executor, forked_pool, start_worker
from projections.definitions import Context, Rows
from projections.poison import Parked

if TYPE_CHECKING:
    from projections.runner import Runner

__all__ = ["FoldPool", "Job", "collector_paused", "default_workers", "forked_pool", "start_worker"]


def default_workers() -> int:
    """Processes a rebuild folds with: one per CPU, at most four.

    With the workers forked once per rebuild, parallel folding costs about a tenth more CPU
    in all than one process (each worker reads its groups' events again) and pays even with
    another process busy on one of two CPUs (measured: 0.26-0.30 against 0.24-0.25).
    """
    return max(1, min(4, os.cpu_count() or 1))


class Job:
    """Rows of a set of case groups: already computed, or being computed by the worker processes."""

    def __init__(self, *, done: tuple[dict[str, Rows], list[Parked]] | None = None, pending: Any = None) -> None:
        self.done = done
        self.pending = pending

    def collect(self) -> tuple[dict[str, Rows], list[Parked]]:
        """The rows, merged from every part (waiting for them), and the events parked meanwhile; raises if
        a worker failed or died."""
        if self.done is not None:
            return self.done
        out: dict[str, Rows] = {}
        parked: list[Parked] = []
        futures, self.pending = self.pending, None
        for future in futures:
            try:
                payload = future.result()
            except BrokenProcessPool as exc:
                raise RuntimeError(f"投影并行计算失败: 工作进程意外退出 ({exc})") from exc
            found, more = _loads(payload)
            parked += [Parked(*p) for p in more]
            for name, rows in found.items():
                mine = out.setdefault(name, {})
                for table, items in rows.items():
                    mine.setdefault(table, []).extend(items)
        self.done = (out, parked)
        return self.done


_POOL_RUNNER: Runner | None = None
_CONTEXTS: dict[bytes, Context] = {}  # in a worker: the contexts met so far, by their pickled bytes


class FoldPool:
    """The rebuild's worker processes, forked once (while the parent's heap is still small) and fed
    lists of case groups: each reads the groups' events over a connection of its own, folds them
    and sends the rows back (``marshal``: rows are plain text, numbers and bytes). Forking per
    batch instead cost twice the CPU (copy-on-write faults in a large parent, cold caches). A
    worker that dies (killed, out of memory) fails the rebuild instead of leaving it waiting."""

    def __init__(self, runner: Runner, workers: int) -> None:
        self.pool = forked_executor(workers, initializer=_worker_start, initargs=(runner,))
        self._context: tuple[Context, bytes] | None = None

    def submit(self, parts: Sequence[Mapping[str, Sequence[str]]], ctx: Context, upto: int,
               parked: frozenset[int]) -> list[Future[bytes]]:
        """The parts' rows, being folded. The context goes pickled once, as bytes the workers keep it
        under: a calendar changes a few times in a rebuild, not with every part."""
        if self._context is None or self._context[0] != ctx:
            self._context = (ctx, pickle.dumps(ctx, protocol=pickle.HIGHEST_PROTOCOL))
        blob = self._context[1]
        return [self.pool.submit(_fold_part, part, blob, upto, parked) for part in parts]

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


def _worker_start(runner: Runner) -> None:
    """In a new worker (forked: ``runner`` is the parent's object, not a copy sent over a pipe)."""
    global _POOL_RUNNER
    _POOL_RUNNER = runner


def _fold_part(members: Mapping[str, Sequence[str]], context: bytes, upto: int, parked: frozenset[int]) -> bytes:
    """In a worker: the rows of one part of a job, and the events to park (``parked``: those parked already)."""
    runner = _POOL_RUNNER
    assert runner is not None
    ctx = _CONTEXTS.get(context)
    if ctx is None:
        if len(_CONTEXTS) > 8:
            _CONTEXTS.clear()
        ctx = _CONTEXTS[context] = pickle.loads(context)
    rows, found = runner._group_rows(members, ctx, upto, fresh=True, skip=parked)
    return _dumps((rows, [p.as_tuple() for p in found]))


Payload = tuple[dict[str, Rows], list[tuple[Any, ...]]]


def _dumps(payload: Payload) -> bytes:
    try:
        return b"m" + marshal.dumps(payload)
    except ValueError:  # a value marshal does not know (none today): pickle it
        return b"p" + pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL)


def _loads(payload: bytes) -> Payload:
    found: Payload = marshal.loads(payload[1:]) if payload[:1] == b"m" else pickle.loads(payload[1:])
    return found
