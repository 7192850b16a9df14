"""Helpers for the projection tests: ledgers with the examples, table dumps, step rewriting."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson

from domain.identities import BOOTSTRAP
from ledger.importer import import_lines
from ledger.keys import KeyStore
from ledger.service import Ledger, structural_check
from ledger.store import EventStore, StoreConfig
from projections.definitions import ALL
from projections.sql import Database
from tests.helpers.spec_paths import EXAMPLES
from tests.helpers.stores import AHEAD_OF_THE_CLOCK, store_config

CASE_FILES = ["general-case", "summary-case", "no-penalty-case", "transfer-case"]
ORDER = ["registry", *CASE_FILES, "reconsideration", "litigation"]
GENERAL = "case/DXH-CGJ-2026-0012"
SUMMARY = "case/DXH-CGJ-2026-0031"
NO_PENALTY = "case/DXH-CGJ-2026-0020"
TRANSFER = "case/DXH-CGJ-2026-0045"
OFFICER = "officer/42011219001"
HEAD = "officer/42011219003"


def lines(name: str) -> list[dict[str, Any]]:
    return [orjson.loads(line) for line in (EXAMPLES / f"{name}.jsonl").read_bytes().splitlines() if line.strip()]


def new_ledger(config: StoreConfig, keys: Path, *, live: bool = True) -> Ledger:
    """A ledger with the bootstrap administrator; ``live`` checks the gates, else structure only."""
    keystore = KeyStore(keys, "test-pass") if keys.exists() else KeyStore.create(keys, "test-pass", work_factor=2**10)
    ledger = Ledger(EventStore(config), keystore, config=AHEAD_OF_THE_CLOCK,  # the scenarios run into 2027
                    **({} if live else {"validator": structural_check}))
    if ledger.store.head(BOOTSTRAP) is None:
        ledger.record([{"stream": BOOTSTRAP, "type": "OfficerRegistered", "at": "2026-01-05T08:00:00+08:00",
                        "by": BOOTSTRAP, "data": {"name": "系统管理员", "roles": ["admin"]}}], actor=BOOTSTRAP)
    return ledger


def import_steps(ledger: Ledger, steps: Iterable[dict[str, Any]], *, backfill: bool = False) -> None:
    result = import_lines(ledger, [orjson.dumps(s) for s in steps], actor=BOOTSTRAP, backfill=backfill)
    assert result.refusal is None, str(result.refusal)


def import_live(ledger: Ledger, steps: Iterable[dict[str, Any]]) -> str | None:
    """Import live (gates applied); the refusal as text, None when every line was recorded."""
    return imported(ledger, steps)


def imported(ledger: Ledger, steps: Iterable[dict[str, Any]], *, backfill: bool = False) -> str | None:
    """Import live or as a 补录 (``backfill``: structure only); the refusal as text, None when every
    line was recorded."""
    result = import_lines(ledger, [orjson.dumps(s) for s in steps], actor=BOOTSTRAP, backfill=backfill)
    return None if result.refusal is None else f"[{result.refusal.rule}] {result.refusal.message}"


def ledger_with(tmp_path: Path, names: Sequence[str], backend: str = "sqlite", *,
                template: Path | None = None) -> Iterator[Ledger]:
    """A fresh live ledger holding the example files ``names``, imported live (for a fixture to yield
    from); on SQLite, a copy of ``template`` (``ledger_template`` of the same ``names``) when given."""
    if template is not None and backend == "sqlite":
        tmp_path.mkdir(parents=True, exist_ok=True)
        for name in ("keys.json", "ledger.sqlite"):
            shutil.copy2(template / name, tmp_path / name)
        names = ()
    with store_config(backend, tmp_path) as config:
        ledger = new_ledger(config, tmp_path / "keys.json")
        try:
            for name in names:
                assert import_live(ledger, lines(name)) is None, name
            yield ledger
        finally:
            ledger.close()


def ledger_template(path: Path, names: Sequence[str]) -> Path:
    """A closed SQLite ``ledger_with`` of ``names`` under ``path``, built once for a module's tests to copy
    (importing the examples live costs more than copying two files)."""
    for _ in ledger_with(path, names):
        pass
    return path


def import_examples(ledger: Ledger, names: Sequence[str] = ORDER) -> None:
    for name in names:
        import_steps(ledger, lines(name))


def dump(store: EventStore, projections: Iterable[Any] = ALL) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every projection table, in a canonical order (to compare two states)."""
    db = Database(store)
    out: dict[str, list[tuple[Any, ...]]] = {}
    for projection in projections:
        for table in projection.tables:
            cols = ", ".join(table.column_names)
            rows = db.all(f"SELECT {cols} FROM {db.qualify(table.name)}")
            out[table.name] = sorted(rows, key=lambda r: tuple((v is None, str(v)) for v in r))
    db.close()
    return out


def table(store: EventStore, name: str, where: str = "", params: Sequence[Any] = ()) -> list[dict[str, Any]]:
    db = Database(store)
    try:
        with db.read() as cur:
            cur.execute(db.q(f"SELECT * FROM {db.qualify(name)} {where}"), list(params))
            names = [d[0] for d in cur.description]
            return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
    finally:
        db.close()


# --------------------------------------------------------------------------- rewriting steps

_STAMP = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}([+-]\d{2}:\d{2}|Z))?$")


def shift(value: Any, days: int) -> Any:
    """Every date and timestamp in ``value`` moved by ``days`` (credentials' dates are registry data)."""
    if days == 0:
        return value
    if isinstance(value, dict):
        return {k: shift(v, days) for k, v in value.items()}
    if isinstance(value, list):
        return [shift(v, days) for v in value]
    if isinstance(value, str) and _STAMP.match(value):
        if len(value) == 10:
            return (date.fromisoformat(value) + timedelta(days=days)).isoformat()
        moment = datetime.fromisoformat(value.replace("Z", "+00:00")) + timedelta(days=days)
        return moment.isoformat()
    return value


def rename(steps: Sequence[dict[str, Any]], mapping: dict[str, str]) -> list[dict[str, Any]]:
    """Steps with stream names (and references to them) replaced as ``mapping`` says."""
    text = orjson.dumps(list(steps)).decode("utf-8")
    for old, new in sorted(mapping.items(), key=lambda kv: -len(kv[0])):
        text = text.replace(f'"{old}"', f'"{new}"')
    out: list[dict[str, Any]] = orjson.loads(text)
    return out


def repeated_examples(rounds: int) -> list[dict[str, Any]]:
    """The example cases (with their 复议 and lawsuit) ``rounds`` times, each round's streams renamed."""
    names = [*CASE_FILES, "reconsideration", "litigation"]
    steps: list[dict[str, Any]] = []
    for i in range(rounds):
        for name in names:
            found = lines(name)
            streams = {s["stream"] for s in found} | {GENERAL}
            steps += rename(found, {s: f"{s}-R{i:04d}" for s in streams})
    return steps
