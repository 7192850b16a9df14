"""``import FILE.jsonl``: steps one per line, committed in batches, idempotent on re-run.

At the first refused line the import stops and names that line; the lines before it
stay recorded (a refused batch is rolled back, then its lines before the refusal are
recorded again). A step whose identity (steps.md: the hash of its canonical statement)
is already in its stream is skipped, so a corrected file can simply be run again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import Any

import orjson

from domain.errors import StepRefused
from ledger.envelope import step_identity
from ledger.service import Ledger

DEFAULT_BATCH = 500


@dataclass(frozen=True)
class Refusal:
    line: int
    rule: str
    message: str
    basis: str | None = None

    def __str__(self) -> str:
        basis = f" ({self.basis})" if self.basis else ""
        return f"第 {self.line} 行被拒绝: [{self.rule}] {self.message}{basis}"


@dataclass
class ImportResult:
    recorded: int = 0
    skipped: int = 0
    refusal: Refusal | None = None
    lines: int = 0

    def as_json(self) -> dict[str, Any]:
        refusal = None
        if self.refusal is not None:
            refusal = {"line": self.refusal.line, "rule": self.refusal.rule,
                       "message": self.refusal.message, "basis": self.refusal.basis}
        return {"recorded": self.recorded, "skipped": self.skipped, "lines": self.lines, "refused": refusal}


@dataclass
class _Seen:
    """Identities of the steps already in each stream (read once per stream per import)."""

    ledger: Ledger
    known: dict[str, set[str]] = field(default_factory=dict)

    def add_if_new(self, step: Mapping[str, Any]) -> bool:
        """Remember the step; False when its stream already holds it."""
        stream = str(step.get("stream"))
        known = self.known.get(stream)
        if known is None:
            known = self.known[stream] = {step_identity(e.envelope) for e in self.ledger.cached(stream)}
        identity = step_identity(step)
        if identity in known:
            return False
        known.add(identity)
        return True


def import_lines(
    ledger: Ledger,
    lines: Iterable[bytes | str],
    *,
    actor: str,
    backfill: bool = False,
    batch_size: int = DEFAULT_BATCH,
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    result = ImportResult()
    seen = _Seen(ledger)
    batch = _Batch(ledger, actor, backfill, result)
    with ExitStack() as snapshot:
        for number, line in enumerate(lines, start=1):
            result.lines = number
            if not batch.steps and not batch.reading:
                # Identity look-ups of a batch share one read snapshot, ended before it is written.
                snapshot.enter_context(ledger.store.reading())
                snapshot.callback(setattr, batch, "reading", False)
                batch.reading = True
            text = line.strip()
            if not text:
                continue
            try:
                step = orjson.loads(text)
            except orjson.JSONDecodeError as exc:
                snapshot.close()
                result.refusal = batch.flush() or Refusal(number, "STRUCT-JSON", f"不是合法的 JSON: {exc}")
                return result
            if not isinstance(step, dict):
                snapshot.close()
                result.refusal = batch.flush() or Refusal(number, "STRUCT-SHAPE", "每行应为一个 JSON 对象")
                return result
            if not seen.add_if_new(step):
                result.skipped += 1
                continue
            batch.add(number, step)
            if len(batch.steps) >= batch_size:
                snapshot.close()
                result.refusal = batch.flush()
                if result.refusal is not None:
                    return result
                if progress:
                    progress(number)
    result.refusal = batch.flush()
    if progress:
        progress(result.lines)
    return result


@dataclass
class _Batch:
    """Steps waiting to be recorded together, with the line each came from."""

    ledger: Ledger
    actor: str
    backfill: bool
    result: ImportResult
    steps: list[dict[str, Any]] = field(default_factory=list)
    numbers: list[int] = field(default_factory=list)
    reading: bool = False  # a read snapshot is open for this batch's look-ups

    def add(self, number: int, step: dict[str, Any]) -> None:
        self.steps.append(step)
        self.numbers.append(number)

    def flush(self) -> Refusal | None:
        """Record the batch; on a refusal, record the steps before it and name its line."""
        steps, numbers = self.steps, self.numbers
        self.steps, self.numbers = [], []
        if not steps:
            return None
        try:
            self.ledger.record(steps, actor=self.actor, backfill=self.backfill)
        except StepRefused as exc:
            index = exc.index or 0
            if index:
                self.ledger.record(steps[:index], actor=self.actor, backfill=self.backfill)
            self.result.recorded += index
            return Refusal(numbers[index], exc.rule, exc.message, exc.basis)
        self.result.recorded += len(steps)
        return None
