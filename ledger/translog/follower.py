"""The log's long-running integrator: new events become leaves as they arrive, and a
checkpoint is signed on a cadence — one implementation for the thread of ``serve`` and
the process ``log integrate --follow`` (the loop itself: :func:`ledger.follow.follow`)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from ledger.follow import follow
from ledger.translog.log import TransparencyLog
from ledger.translog.records import DEFAULT_BATCH, StoredCheckpoint


@dataclass(frozen=True)
class IntegrationRound:
    """What one round did: leaves appended, the tree's size after it, the checkpoint it signed."""

    added: int
    size: int
    checkpoint: StoredCheckpoint | None

    def __bool__(self) -> bool:
        return bool(self.added or self.checkpoint is not None)


class LogFollower:
    """Integrates ``log`` and, when it has a signer and ``interval`` is given, signs a checkpoint
    once the tree grew and the latest checkpoint is ``interval`` seconds old."""

    def __init__(self, log: TransparencyLog, *, interval: float | None = None, batch: int = DEFAULT_BATCH) -> None:
        self.log = log
        self.interval = interval
        self.batch = batch
        self.added = 0
        self.signed = 0

    @property
    def signs(self) -> bool:
        return self.interval is not None and self.log.signer is not None

    def run_once(self) -> IntegrationRound:
        added = self.log.integrate(batch=self.batch)
        made = self.log.maybe_checkpoint(self.interval) if self.signs and self.interval is not None else None
        self.added += added
        self.signed += made is not None
        return IntegrationRound(added, self.log.size, made)

    def due_in(self) -> float | None:
        """Seconds until the next checkpoint falls due (None: not signing, or nothing new to sign)."""
        if not self.signs or self.interval is None:
            return None
        latest = self.log.latest_checkpoint()
        if latest is None:
            return 0.0 if self.log.size else None
        if self.log.size <= latest.size:
            return None
        made = datetime.fromisoformat(latest.created_at.replace("Z", "+00:00"))
        return self.interval - (datetime.now(UTC) - made).total_seconds()

    def follow(self, stop: threading.Event, *, poll: float = 1.0,
               on_round: Callable[[IntegrationRound], None] | None = None) -> int:
        """Integrate (and sign) until ``stop`` is set; the rounds run. The wait between idle rounds
        ends when a checkpoint falls due, or after ``poll`` seconds, or at a new event."""
        last: list[IntegrationRound] = []

        def one() -> int:
            found = self.run_once()
            last[:] = [found]
            return int(bool(found))

        def seen(_: int) -> None:
            if on_round is not None and last:
                on_round(last[0])

        return follow(one, stop, store=self.log.store, poll=poll, name="log-integrator", on_round=seen,
                      due_in=self.due_in)
