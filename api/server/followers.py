"""Background work inside the HTTP service: the transparency-log integrator and the read-model
follower, each a thread that does one round every few seconds until the app stops.

The follower keeps the projections and the audit table current (``serve`` runs it unless
``--no-follow`` or ``LEDGER_HTTP_FOLLOW=0``): each round applies the new events to the
projections (``projections.runner``, exactly-once through its tracking, so another
``projections run`` beside it is harmless) and then to the audit table
(``audit.table.AuditFollower``). Without it,
steps recorded over HTTP reach the case pages only when a separate ``projections run`` and
``audit --refresh`` applies them.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from contextlib import suppress
from datetime import datetime

from api.log_settings import checkpoint_interval, log_origin
from api.server.state import Services
from api.wiring import load_config
from audit.table import AuditFollower
from domain.calendar import SHANGHAI
from ledger.translog import LogError, TransparencyLog, log_signer
from projections.runner import ConflictError, Runner
from projections.sql import Database

__all__ = ["FollowerThread", "IntegratorThread"]

log = logging.getLogger("enforcement_ledger.followers")


class _Periodic:
    """A daemon thread calling :meth:`round` every ``interval`` seconds; :meth:`finish` at the end.
    A round that fails is logged and tried again at the next one."""

    name = "periodic"

    def __init__(self, svc: Services, interval: float) -> None:
        self.svc = svc
        self.interval = interval
        self.stopping = threading.Event()
        self.rounds = 0
        self.thread = threading.Thread(target=self._run, name=self.name, daemon=True)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.stopping.set()
        self.thread.join(timeout=60)

    def round(self) -> None:
        raise NotImplementedError

    def finish(self) -> None:
        """Close what the rounds opened."""

    def _run(self) -> None:
        try:
            while not self.stopping.is_set():
                try:
                    self.round()
                    self.rounds += 1
                except Exception:
                    log.exception("%s failed; retrying", self.name)
                self.stopping.wait(self.interval)
        finally:
            self.finish()


class IntegratorThread(_Periodic):
    """Appends new events to the transparency log and signs scheduled checkpoints."""

    name = "log-integrator"
    tlog: TransparencyLog | None = None
    signed = False

    def round(self) -> None:
        try:
            if self.tlog is None:
                self.tlog = TransparencyLog(self.svc.ledger.store, origin=log_origin(self.svc.settings))
            if not self.signed and self.svc.ledger.keystore is not None:
                log_signer(self.tlog, self.svc.ledger.keystore)
                self.signed = True
            self.tlog.integrate()
            if self.signed:
                self.tlog.maybe_checkpoint(checkpoint_interval())
        except LogError as exc:
            log.warning("transparency log: %s", exc)

    def finish(self) -> None:
        if self.tlog is not None:
            with suppress(sqlite3.ProgrammingError):  # see LogAccess.close
                self.tlog.close()


class FollowerThread(_Periodic):
    """Projections, then the audit table."""

    name = "read-model-follower"
    runner: Runner | None = None
    audit: AuditFollower | None = None
    db: Database | None = None

    def round(self) -> None:
        if self.runner is None or self.audit is None:
            config = load_config(self.svc.settings)
            runner = Runner(self.svc.ledger.store, config=config)
            db = Database(self.svc.ledger.store)
            try:
                audit = AuditFollower(db, config=config, workers=1)  # no fork from a threaded server
            except BaseException:
                runner.close()
                db.close()
                raise
            self.runner, self.db, self.audit = runner, db, audit
        try:
            self.runner.run_once()  # an event it cannot apply is parked (projections.poison), not retried forever
        except ConflictError:
            self.runner.reload()  # another runner moved the views: go on from where they are next round
            return
        except Exception:
            log.exception("projections failed this round; the audit table goes on")
        self.audit.run_once(datetime.now(SHANGHAI).date())

    def finish(self) -> None:
        if self.runner is not None:
            self.runner.close()
        if self.db is not None:
            self.db.close()
