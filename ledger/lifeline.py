"""Forked workers die with their parent.

A ``kill -9`` of ``projections run`` (or ``rebuild``, an audit over every file, or ``verify``) gives
the parent no chance to stop its fold workers; they stayed, each holding memory and open
(deleted) write-ahead-log files. :func:`die_with_parent`, called first in every worker,
asks Linux to send the worker SIGKILL when its parent dies (``prctl(PR_SET_PDEATHSIG)``);
elsewhere, or should that call fail, a daemon thread watches the parent's pid and exits
the worker once it has changed (the worker has been re-parented).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import sys
import threading

__all__ = ["die_with_parent"]

PR_SET_PDEATHSIG = 1
WATCH_SECONDS = 0.5


def die_with_parent(parent: int | None = None) -> None:
    """Make this (forked) process exit when ``parent`` (default: its current parent) dies."""
    parent = os.getppid() if parent is None else parent
    if not _death_signal():
        threading.Thread(target=_watch, args=(parent,), name="parent-watch", daemon=True).start()
    if os.getppid() != parent:  # the parent died before the signal was asked for
        os._exit(1)


def _death_signal() -> bool:
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        return int(libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)) == 0
    except (OSError, AttributeError):
        return False


def _watch(parent: int) -> None:
    while os.getppid() == parent:
        threading.Event().wait(WATCH_SECONDS)
    os._exit(1)
