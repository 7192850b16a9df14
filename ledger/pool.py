"""Forked worker processes: the one way the ledger, the projections and the audit spread work over CPUs.

Workers are forked (they inherit the parent's read-only state instead of receiving it), die
with their parent (:func:`ledger.lifeline.die_with_parent`) and run with the cyclic garbage
collector off (the work makes no reference cycles). :func:`forked_pool` is a ``multiprocessing``
pool (the audit's), :func:`forked_executor` a ``concurrent.futures`` one (``verify``'s, the
rebuild's ``projections.pool.FoldPool``).
"""

from __future__ import annotations

import gc
import multiprocessing
import multiprocessing.pool
import os
import signal
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any

from ledger.lifeline import die_with_parent

__all__ = ["collector_paused", "forked_executor", "forked_pool", "start_worker"]


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
    return multiprocessing.get_context("fork").Pool(workers, initializer=_start,
                                                    initargs=(os.getpid(), initializer, initargs))


def forked_executor(workers: int, initializer: Callable[..., None] | None = None,
                    initargs: tuple[Any, ...] = ()) -> ProcessPoolExecutor:
    """A ``ProcessPoolExecutor`` of ``workers`` forked processes started as :func:`forked_pool`'s; a
    worker that dies fails its futures (``BrokenProcessPool``) instead of leaving the caller waiting."""
    return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"), initializer=_start,
                               initargs=(os.getpid(), initializer, initargs))


def _start(parent: int, initializer: Callable[..., None] | None, initargs: tuple[Any, ...]) -> None:
    start_worker(parent)
    if initializer is not None:
        initializer(*initargs)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector (for a pass that allocates much and frees nothing cyclic)."""
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()
