"""Fork-based worker pools: the one way the projections (and the audit) spread work over CPUs.

Workers are forked (they inherit the parent's read-only state instead of receiving it), die
with their parent (:func:`projections.lifeline.die_with_parent`) and run with the cyclic
garbage collector off. :class:`FoldPool` is the rebuild's; :func:`forked_pool` the audit's.
"""

from __future__ import annotations

import gc
import marshal
import multiprocessing
import multiprocessing.pool
import os
import pickle
import signal
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from projections.definitions import Context, Rows
from projections.lifeline import die_with_parent
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


def start_worker(parent: int) -> None:
    """In a new forked worker: exit when ``parent`` dies (a ``kill -9`` of the parent would otherwise
    leave it running), and no cyclic collector (the work makes no reference cycles). The parent's
    signal handlers are not the worker's: a long-running parent (``audit --follow``) stops on SIGTERM
    or Ctrl-C by finishing its round, which needs its workers; and the pool ends them with SIGTERM."""
    die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    gc.disable()


def forked_pool(workers: int, initializer: Callable[..., None] | None = None,
                initargs: tuple[Any, ...] = ()) -> multiprocessing.pool.Pool:
    """A ``multiprocessing`` pool of ``workers`` forked processes started by :func:`start_worker`
    (then ``initializer(*initargs)``, if given)."""
    return multiprocessing.get_context("fork").Pool(workers, initializer=_start_pool_worker,
                                                    initargs=(os.getpid(), initializer, initargs))


def _start_pool_worker(parent: int, initializer: Callable[..., None] | None, initargs: tuple[Any, ...]) -> None:
    start_worker(parent)
    if initializer is not None:
        initializer(*initargs)


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


class FoldPool:
    """The rebuild's worker processes, forked once (while the parent's heap is still small) and fed
    lists of case groups: each reads the groups' events over a connection of its own, folds them
    and sends the rows back (``marshal``: rows are plain text, numbers and bytes). Forking per
    batch instead cost twice the CPU (copy-on-write faults in a large parent, cold caches). A
    worker that dies (killed, out of memory) fails the rebuild instead of leaving it waiting."""

    def __init__(self, runner: Runner, workers: int) -> None:
        self.pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"),
                                        initializer=_worker_start, initargs=(runner, os.getpid()))

    def submit(self, parts: Sequence[Mapping[str, Sequence[str]]], ctx: Context, upto: int,
               parked: frozenset[int]) -> list[Future[bytes]]:
        return [self.pool.submit(_fold_part, part, ctx, upto, parked) for part in parts]

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


def _worker_start(runner: Runner, parent: int) -> None:
    """In a new worker (forked: ``runner`` is the parent's object, not a copy sent over a pipe); it
    exits when ``parent`` dies (a ``kill -9`` of the parent would otherwise leave it running)."""
    global _POOL_RUNNER
    start_worker(parent)
    _POOL_RUNNER = runner


def _fold_part(members: Mapping[str, Sequence[str]], ctx: Context, upto: int, parked: frozenset[int]) -> bytes:
    """In a worker: the rows of one part of a job, and the events to park (``parked``: those parked already)."""
    runner = _POOL_RUNNER
    assert runner is not None
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


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector (see :meth:`Runner.step`)."""
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()
