"""An in-memory gate context (dict of stream → steps) and the example records, for gate tests.

No storage: a step joins its stream's list once structure and gates accept it, as the
ledger would append it. ``MemoryContext`` implements validation's ``Context``;
``HistoryRegistry`` adds the registry-as-of methods of ``GateContext``.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from domain.appeals import targeting_in
from domain.calendar import WorkingCalendar
from domain.config import Config
from domain.gates import check_gates, firing_gates
from domain.identities import Officer, fold
from domain.registry import HistoryRegistry
from domain.step import Step
from domain.validation import check_structure
from ledger.keys import KeyStore
from ledger.service import Ledger
from ledger.store import EventStore, StoreConfig
from tests.helpers.json_copy import copy_json
from tests.helpers.spec_paths import EXAMPLES

EXAMPLE_FILES = (
    "registry.jsonl", "general-case.jsonl", "summary-case.jsonl", "no-penalty-case.jsonl",
    "transfer-case.jsonl", "reconsideration.jsonl", "litigation.jsonl",
)
GENERAL = "case/DXH-CGJ-2026-0012"
SUMMARY = "case/DXH-CGJ-2026-0031"
NO_PENALTY = "case/DXH-CGJ-2026-0020"
TRANSFER = "case/DXH-CGJ-2026-0045"
HEAD = "officer/42011219003"
OFFICER = "officer/42011219001"
SUPERVISOR = "officer/SFJ-0001"
LIVE_PASSPHRASE = "live-gates"
BOOTSTRAP_STEP: Raw = {
    "stream": "officer/admin", "type": "OfficerRegistered", "at": "2026-01-01T00:00:00+08:00",
    "by": "officer/admin", "data": {"name": "系统管理员", "roles": ["admin"]},
}
"""What ``init`` records first: the administrator who registers everyone else."""
CALENDAR = WorkingCalendar()
CONFIG = Config()

Raw = dict[str, Any]


def load(name: str) -> list[Raw]:
    with open(EXAMPLES / name, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def examples() -> dict[str, list[Raw]]:
    """Every example file's steps, by file name (fresh copies: tests may edit them)."""
    return {name: load(name) for name in EXAMPLE_FILES}


class MemoryContext:
    """Streams as lists of the steps recorded so far (each with its ``version``)."""

    def __init__(self) -> None:
        self.streams: dict[str, list[Raw]] = {}
        self.append(BOOTSTRAP_STEP)

    def history(self, stream: str) -> list[Raw]:
        return self.streams.get(stream, [])

    def officer(self, identity: str) -> Officer | None:
        return fold(identity, ((s["type"], s["data"]) for s in self.history(identity)))

    def targeting(self, stream: str) -> tuple[str, ...]:
        """The reviews and lawsuits targeting ``stream`` (``domain.appeals.TargetIndex``)."""
        return targeting_in(self.streams, stream)

    def append(self, raw: Mapping[str, Any]) -> None:
        steps = self.streams.setdefault(raw["stream"], [])
        steps.append({**copy_json(dict(raw)), "version": len(steps) + 1})


def record(ctx: MemoryContext, raw: Mapping[str, Any], *, config: Config = CONFIG,
           calendar: WorkingCalendar = CALENDAR) -> None:
    """The live path: structure, then gates, then append (raises ``StepRefused``)."""
    step = Step.parse(raw)
    check_structure(step, ctx)
    check_gates(step, HistoryRegistry(ctx), config=config, calendar=calendar)
    ctx.append(raw)


def context_with(steps: Iterable[Mapping[str, Any]]) -> MemoryContext:
    """A context holding ``steps`` appended without any check (the state before a judged step)."""
    ctx = MemoryContext()
    for raw in steps:
        ctx.append(raw)
    return ctx


def registry_context() -> MemoryContext:
    return context_with(load("registry.jsonl"))


def case_steps(name: str) -> list[Raw]:
    return load(name)


def find(steps: list[Raw], step_type: str, nth: int = 0) -> int:
    """The index of the ``nth`` step of a type."""
    found = [i for i, s in enumerate(steps) if s["type"] == step_type]
    return found[nth]


def judge(steps: list[Raw], index: int, *, config: Config = CONFIG, calendar: WorkingCalendar = CALENDAR,
          extra_history: Iterable[Raw] = ()) -> tuple[Step, MemoryContext]:
    """The step at ``index`` and a context with the registry and the steps before it."""
    ctx = registry_context()
    for raw in [*extra_history, *steps[:index]]:
        ctx.append(raw)
    return Step.parse(steps[index]), ctx


def fired(steps: list[Raw], index: int, **kwargs: Any) -> set[str]:
    """The rule ids of every gate that fires on ``steps[index]`` (overrides ignored)."""
    step, ctx = judge(steps, index, **kwargs)
    config = kwargs.get("config", CONFIG)
    calendar = kwargs.get("calendar", CALENDAR)
    return {f.rule for f in firing_gates(step, HistoryRegistry(ctx), config=config, calendar=calendar)}


def edit(steps: list[Raw], index: int, change: Callable[[Raw], None]) -> list[Raw]:
    """A copy of ``steps`` with ``change`` applied to the step at ``index``."""
    out = copy_json(steps)
    change(out[index])
    return out


def live_ledger(tmp_path: Path, *, template: Path | None = None) -> Ledger:
    """A real SQLite ledger with the default admission (structure + gates) and the example registry:
    a copy of ``template`` (``live_template``) when given, since recording the registry costs more
    than copying two files."""
    if template is not None:
        tmp_path.mkdir(parents=True, exist_ok=True)
        for name in ("keys.json", "ledger.sqlite"):
            shutil.copy2(template / name, tmp_path / name)
        keystore = KeyStore(tmp_path / "keys.json", LIVE_PASSPHRASE)
        return Ledger(EventStore(StoreConfig(sqlite_path=str(tmp_path / "ledger.sqlite"))), keystore)
    keystore = KeyStore.create(tmp_path / "keys.json", LIVE_PASSPHRASE, work_factor=2**10)
    ledger = Ledger(EventStore(StoreConfig(sqlite_path=str(tmp_path / "ledger.sqlite"))), keystore)
    ledger.record([BOOTSTRAP_STEP], actor="officer/admin")
    ledger.record(load("registry.jsonl"), actor="officer/admin")
    return ledger


def live_template(path: Path, *files: str) -> Path:
    """A closed ``live_ledger`` under ``path`` with the example ``files`` recorded after the registry,
    for a module's tests to copy one each."""
    ledger = live_ledger(path)
    try:
        for name in files:
            ledger.record(load(name), actor="officer/admin")
    finally:
        ledger.close()
    return path
