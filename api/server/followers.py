"""Keeping the read models and the audit table current inside the HTTP service.

``serve`` runs this thread unless told not to (``--no-follow``, ``LEDGER_HTTP_FOLLOW=0``):
every few seconds it applies the new events to the projections (``projections.runner``,
exactly-once through its tracking, so another ``projections run`` beside it is harmless)
and then to the audit table (``audit.table.AuditFollower``), in one process — the
evaluations re-read the case files the projections have just written. Without it,
steps recorded over HTTP reach the case pages only when a separate ``projections run``
and ``audit --follow`` process applies them.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime

from api.server.state import Services
from api.wiring import load_config
from audit.table import AuditFollower
from domain.calendar import SHANGHAI
from projections.runner import ConflictError, Runner
from projections.sql import Database

__all__ = ["FollowerThread"]

log = logging.getLogger("enforcement_ledger.followers")


class FollowerThread:
    """Projections, then the audit table, every ``interval`` seconds, until stopped."""

    def __init__(self, svc: Services, interval: float) -> None:
        self.svc = svc
        self.interval = interval
        self.stopping = threading.Event()
        self.rounds = 0
        self.thread = threading.Thread(target=self._run, name="read-model-follower", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.stopping.set()
        self.thread.join(timeout=60)

    def _run(self) -> None:
        runner: Runner | None = None
        audit: AuditFollower | None = None
        db: Database | None = None
        try:
            while not self.stopping.is_set():
                try:
                    if runner is None or audit is None:
                        config = load_config(self.svc.settings)
                        runner = Runner(self.svc.ledger.store, config=config)
                        db = Database(self.svc.ledger.store)
                        # one process: forking workers from a threaded server is unsafe
                        audit = AuditFollower(db, config=config, workers=1)
                    runner.run_once()
                    audit.run_once(datetime.now(SHANGHAI).date())
                    self.rounds += 1
                except ConflictError:
                    if runner is not None:
                        runner.reload()  # another runner moved the views: start from where they are
                except Exception:
                    log.exception("read-model follower failed; retrying")
                self.stopping.wait(self.interval)
        finally:
            if runner is not None:
                runner.close()
            if db is not None:
                db.close()
