"""``import FILE.jsonl``: steps one per line, committed in batches, idempotent on re-run.

At the first refused line the import stops and names that line; the lines before it
stay recorded (a refused batch is rolled back, then its lines before the refusal are
recorded again). A step whose identity (steps.md: the hash of its canonical statement)
is already in its stream is skipped, so a corrected file can simply be run again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
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
    pending: list[tuple[int, dict[str, Any]]] = []

    def flush() -> Refusal | None:
        if not pending:
            return None
        steps = [s for _, s in pending]
        try:
            ledger.record(steps, actor=actor, backfill=backfill)
        except StepRefused as exc:
            index = exc.index or 0
            if index:
                ledger.record(steps[:index], actor=actor, backfill=backfill)
            result.recorded += index
            pending.clear()
            return Refusal(pending_lines[index], exc.rule, exc.message, exc.basis)
        result.recorded += len(steps)
        pending.clear()
        return None

    pending_lines: list[int] = []
    for number, line in enumerate(lines, start=1):
        result.lines = number
        text = line.strip()
        if not text:
            continue
        try:
            step = orjson.loads(text)
        except orjson.JSONDecodeError as exc:
            result.refusal = flush() or Refusal(number, "STRUCT-JSON", f"不是合法的 JSON: {exc}")
            return result
        if not isinstance(step, dict):
            result.refusal = flush() or Refusal(number, "STRUCT-SHAPE", "每行应为一个 JSON 对象")
            return result
        if not seen.add_if_new(step):
            result.skipped += 1
            continue
        if not pending:
            pending_lines = []
        pending.append((number, step))
        pending_lines.append(number)
        if len(pending) >= batch_size:
            refusal = flush()
            if refusal is not None:
                result.refusal = refusal
                return result
            if progress:
                progress(number)
    result.refusal = flush()
    if progress:
        progress(result.lines)
    return result
