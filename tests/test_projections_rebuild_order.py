"""How a rebuild schedules its work: each group is folded once the log has passed the last event of
its streams (not when it falls out of a window of waiting groups), and the secondary indexes it
leaves out while filling its fresh tables are all there after the swap."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any
from unittest.mock import patch

import pytest

import projections.runner as runner_module
from projections.definitions import ALL
from projections.runner import Runner, rebuild
from tests.helpers.projection_ledgers import dump, import_examples, new_ledger
from tests.helpers.stores import store_config


@pytest.mark.parametrize("workers", [1, 2])
def test_a_rebuild_folds_each_group_after_its_last_event(tmp_path: Path, workers: int) -> None:
    with store_config("sqlite", tmp_path) as config:
        ledger = new_ledger(config, tmp_path / "keys.json")
        try:
            import_examples(ledger)
            Runner(ledger.store).run_once()
            incremental = dump(ledger.store)
            waiting: list[set[str]] = []
            flush = Runner.flush

            def at_flush(self: Runner, cur: Any) -> None:
                assert self._dirty is not None
                waiting.append(set(self._dirty))
                flush(self, cur)

            # one event per batch: a group whose events are all read is folded in that batch, and
            # nothing is left waiting for the final flush (a window of waiting groups kept them all)
            with patch.object(Runner, "flush", at_flush), patch.object(runner_module, "PARALLEL_GROUPS", 1):
                rebuild(ledger.store, batch=1, workers=workers)
            assert waiting == [set()]
            assert dump(ledger.store) == incremental
        finally:
            ledger.close()


def test_a_rebuild_builds_every_secondary_index(tmp_path: Path) -> None:
    with store_config("sqlite", tmp_path) as config:
        ledger = new_ledger(config, tmp_path / "keys.json")
        try:
            import_examples(ledger)
            rebuild(ledger.store, workers=1)
            conn = sqlite3.connect(str(config.sqlite_path))
            try:
                indexes = conn.execute("SELECT tbl_name, sql FROM sqlite_master WHERE type = 'index' "
                                       "AND sql IS NOT NULL").fetchall()
            finally:
                conn.close()
            for projection in ALL:
                for table in projection.tables:
                    made = sorted(sql.split("(", 1)[1].removesuffix(")").replace(" ", "")
                                  for name, sql in indexes if name == table.name)
                    assert made == sorted(",".join(c).replace(" ", "") for c in table.index_columns()), table.name
                    assert not [name for name, _ in indexes if name == table.name + "__next"]
        finally:
            ledger.close()
