"""Helpers for the audit tests: the example records evaluated in memory, edits that break one rule.

No storage: the registry examples become a :class:`audit.context.RegistryIndex`, a case's
steps are folded with ``fold_casefile`` and evaluated with :func:`audit.engine.evaluate`,
exactly as the CLI does after loading them from the ledger.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime, timedelta
from typing import Any

from audit.context import AuditContext, History, RegistryIndex
from audit.engine import evaluate
from audit.model import Evaluation
from domain.calendar import WorkingCalendar
from domain.config import Config
from tests.helpers.gate_context import BOOTSTRAP_STEP, load
from tests.helpers.json_copy import copy_json

Raw = dict[str, Any]
GENERAL = "general-case.jsonl"
SUMMARY = "summary-case.jsonl"
NO_PENALTY = "no-penalty-case.jsonl"
TRANSFER = "transfer-case.jsonl"
REVIEW = "review/DXH-FY-2026-0002"
LAWSUIT = "litigation/DXH-XZ-2026-0001"
AS_OF = date(2026, 12, 31)
ACCOMPANY_VETO = {"PEN-39", "EVAL-01"}
HEAD = "officer/42011219003"
OFFICER = "officer/42011219001"
OFFICER2 = "officer/42011219002"


def registry(extra: Iterable[Mapping[str, Any]] = ()) -> RegistryIndex:
    streams: dict[str, list[Raw]] = {}
    for step in [BOOTSTRAP_STEP, *load("registry.jsonl"), *extra]:
        found = streams.setdefault(step["stream"], [])
        found.append({**copy_json(dict(step)), "version": len(found) + 1})
    return RegistryIndex(streams)


def context(as_of: date = AS_OF, *, config: Config | None = None, calendar: WorkingCalendar | None = None,
            history: History | None = None, extra_registry: Iterable[Mapping[str, Any]] = ()) -> AuditContext:
    return AuditContext(as_of=as_of, registry=registry(extra_registry), config=config or Config(),
                        calendar=calendar or WorkingCalendar(), history=history or History())


def versioned(steps: Iterable[Mapping[str, Any]]) -> list[Raw]:
    return [{**copy_json(dict(s)), "version": i + 1} for i, s in enumerate(steps)]


def audit(steps: list[Raw], *, as_of: date = AS_OF, reviews: Mapping[str, list[Raw]] | None = None,
          lawsuits: Mapping[str, list[Raw]] | None = None, **kwargs: Any) -> Evaluation:
    ctx = context(as_of, **kwargs)
    return evaluate(steps[0]["stream"], versioned(steps), ctx,
                    reviews={k: versioned(v) for k, v in (reviews or {}).items()},
                    lawsuits={k: versioned(v) for k, v in (lawsuits or {}).items()})


def general_group() -> tuple[list[Raw], dict[str, list[Raw]], dict[str, list[Raw]]]:
    """The general case with the 复议 and lawsuit that target it."""
    return load(GENERAL), {REVIEW: load("reconsideration.jsonl")}, {LAWSUIT: load("litigation.jsonl")}


def find(steps: list[Raw], step_type: str, nth: int = 0) -> int:
    return [i for i, s in enumerate(steps) if s["type"] == step_type][nth]


def edit(steps: list[Raw], step_type: str, change: Callable[[Raw], object], nth: int = 0) -> list[Raw]:
    out = copy_json(steps)
    change(out[find(out, step_type, nth)])
    return out


def without(steps: list[Raw], *step_types: str) -> list[Raw]:
    return [copy_json(s) for s in steps if s["type"] not in step_types]


def insert_after(steps: list[Raw], step_type: str, new: Raw, nth: int = 0) -> list[Raw]:
    out = copy_json(steps)
    out.insert(find(out, step_type, nth) + 1, new)
    return out


def step(stream: str, step_type: str, at: str, data: Mapping[str, Any], by: str = OFFICER) -> Raw:
    return {"stream": stream, "type": step_type, "at": at, "by": by, "data": dict(data)}


def doc(name: str, n: int = 1) -> Raw:
    return {"sha256": f"{n:064x}", "bytes": 1000 + n, "media_type": "application/pdf", "name": name}


_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _shift_value(value: Any, days: int) -> Any:
    if isinstance(value, str) and _TIME.match(value):
        return (datetime.fromisoformat(value) + timedelta(days=days)).isoformat()
    if isinstance(value, str) and _DAY.match(value):
        return (date.fromisoformat(value) + timedelta(days=days)).isoformat()
    if isinstance(value, dict):
        return {k: (v if k in ("sha256", "name") else _shift_value(v, days)) for k, v in value.items()}
    if isinstance(value, list):
        return [_shift_value(v, days) for v in value]
    return value


def shift(steps: list[Raw], days: int, start: int = 0) -> list[Raw]:
    """A copy with every time and date of the steps from ``start`` on moved by ``days`` days."""
    out = copy_json(steps)
    for i in range(start, len(out)):
        out[i]["at"] = _shift_value(out[i]["at"], days)
        out[i]["data"] = _shift_value(out[i]["data"], days)
    return out


def at_day(step_: Raw, day: date, *fields: str) -> None:
    """Move a step (its ``at`` and the named ``…_at`` fields) to ``day``, keeping the time of day."""
    for key in ("at", *fields):
        holder = step_ if key == "at" else step_["data"]
        old = datetime.fromisoformat(holder[key])
        holder[key] = old.replace(year=day.year, month=day.month, day=day.day).isoformat()


def fired(ev: Evaluation, *, provisional: bool = False) -> set[str]:
    """The rules found (provisional findings only when asked)."""
    return {f.rule for f in ev.findings if provisional or f.severity != "INFO"}
