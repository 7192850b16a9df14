"""Background work inside the HTTP service: the transparency-log integrator and the read-model
follower, each a thread running the followers' one loop (:func:`ledger.follow.follow`: a round,
then at once another if it did something, else a wait for the next event) until the app stops.
A step this process records wakes both at once (``Services.committed``, notified by
``Services.writing``); other processes' events come by LISTEN/NOTIFY on PostgreSQL, by a look at
the highest notification id every ``ledger.follow.HEAD_POLL`` seconds on SQLite; ``interval``
bounds every wait (work due with time alone).

The same rounds run as processes of their own in a deployment that starts ``serve`` with
``--no-integrate --no-follow`` (docs/operations.md): ``log integrate --follow --checkpoint``
(:class:`ledger.translog.LogFollower`), ``projections run`` (``Runner.run_round``) and
``audit --follow`` (``AuditFollower.run_once``).

The follower keeps the projections and the audit table current (``serve`` runs it unless
``--no-follow`` or ``LEDGER_HTTP_FOLLOW=0``): each round applies the new events to the
projections (``projections.runner``, exactly-once through its tracking, so another
``projections run`` beside it is harmless) and then to the audit table
(``audit.table.AuditFollower``). Without it,
steps recorded over HTTP reach the case pages only when a separate ``projections run`` and
``audit --follow`` applies them.
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
from ledger.follow import Wakeup, follow
from ledger.translog import LogError, LogFollower, TransparencyLog, log_signer
from projections.runner import Runner
from projections.sql import Database

__all__ = ["FollowerThread", "IntegratorThread"]

log = logging.getLogger("enforcement_ledger.followers")


class _Periodic:
    """A daemon thread running :meth:`round` in the followers' loop; :meth:`finish` at the end.
    A round that fails is logged and tried again after the wait."""

    name = "periodic"

    def __init__(self, svc: Services, interval: float) -> None:
        self.svc = svc
        self.interval = interval
        self.stopping = threading.Event()
        self.rounds = 0
        self.wakeup = Wakeup(svc.ledger.store, svc.committed.listen())  # this process's commits end a wait
        self.thread = threading.Thread(target=self._run, name=self.name, daemon=True)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.stopping.set()
        self.thread.join(timeout=60)

    def round(self) -> int:
        """One round; how much it did (0: wait for the next event)."""
        raise NotImplementedError

    def finish(self) -> None:
        """Close what the rounds opened."""

    def due_in(self) -> float | None:
        """Seconds until work falls due without a new event (None: nothing pending)."""
        return None

    def _counted(self) -> int:
        done = self.round()
        self.rounds += 1
        return done

    def _run(self) -> None:
        try:
            follow(self._counted, self.stopping, store=self.svc.ledger.store, poll=self.interval, name=self.name,
                   due_in=self.due_in, wakeup=self.wakeup)
        finally:
            self.finish()


class IntegratorThread(_Periodic):
    """Appends new events to the transparency log and signs scheduled checkpoints."""

    name = "log-integrator"
    follower: LogFollower | None = None

    def round(self) -> int:
        try:
            if self.follower is None:
                tlog = TransparencyLog(self.svc.ledger.store, origin=log_origin(self.svc.settings))
                self.follower = LogFollower(tlog, interval=checkpoint_interval())
            if self.follower.log.signer is None and self.svc.ledger.keystore is not None:
                log_signer(self.follower.log, self.svc.ledger.keystore)
            return int(bool(self.follower.run_once()))
        except LogError as exc:
            log.warning("transparency log: %s", exc)
            return 0

    def due_in(self) -> float | None:
        try:
            return None if self.follower is None else self.follower.due_in()
        except LogError:
            return None

    def finish(self) -> None:
        if self.follower is not None:
            with suppress(sqlite3.ProgrammingError):  # see LogAccess.close
                self.follower.log.close()


class FollowerThread(_Periodic):
    """Projections, then the audit table."""

    name = "read-model-follower"
    runner: Runner | None = None
    audit: AuditFollower | None = None
    db: Database | None = None

    def round(self) -> int:
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
        # an event it cannot apply is parked (projections.poison), not retried forever
        try:
            applied = self.runner.run_round()
        except Exception:
            log.exception("projections failed this round; the audit table goes on")
            applied = 0
        return applied + self.audit.run_once(datetime.now(SHANGHAI).date())

    def finish(self) -> None:
        if self.runner is not None:
            self.runner.close()
        if self.db is not None:
            self.db.close()
