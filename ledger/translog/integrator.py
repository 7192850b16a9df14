"""The tracked follower of the notification log that appends leaves to the tree."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from ledger.translog.records import DEFAULT_BATCH, IntegratorConflictError

if TYPE_CHECKING:
    from ledger.translog.log import TransparencyLog


class Integrator:
    """The tracked follower of the notification log that appends leaves.

    Each batch (up to ``batch`` notifications) is one transaction: leaves,
    nodes and the eventsourcing ``Tracking`` of its last notification commit
    together or not at all. ``after_batch`` (tests: inject a crash) runs after
    each committed batch with the new tree size; ``before_commit`` runs inside
    each transaction, before it commits.
    """

    def __init__(
        self,
        log: TransparencyLog,
        *,
        batch: int = DEFAULT_BATCH,
        after_batch: Callable[[int], None] | None = None,
        before_commit: Callable[[], None] | None = None,
    ) -> None:
        if batch < 1:
            raise ValueError("batch must be at least 1")
        self.log = log
        self.batch = batch
        self.after_batch = after_batch
        self.before_commit = before_commit
        self.tracking = log.tracking

    def run_once(self, *, max_batches: int | None = None, retries: int = 3) -> int:
        """Integrate what is pending (or ``max_batches`` batches); returns leaves appended."""
        appended = 0
        batches = 0
        conflicts = 0
        while max_batches is None or batches < max_batches:
            rows = self.log.sql.notifications(self.log.tracked_notification_id + 1, self.batch)
            if not rows:
                break
            try:
                self.log._append(rows, before_commit=self.before_commit)
            except IntegratorConflictError:
                conflicts += 1
                if conflicts > retries:
                    raise
                self.log.reload()
                continue
            appended += len(rows)
            batches += 1
            if self.after_batch is not None:
                self.after_batch(self.log.size)
            if len(rows) < self.batch:
                break
        return appended
