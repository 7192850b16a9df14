"""The pages' reads send a query without parameters as it is: a literal ``%`` (``LIKE 'licence/%'``, the
supervision dashboard's grades by kind of file) is not a placeholder on PostgreSQL (issue 17: the
dashboard answered 500 on every PostgreSQL deployment once the audit table existed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from api.pages.reads import Reads
from ledger.store import EventStore
from projections.sql import Database
from tests.helpers.stores import store_config


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_a_literal_percent_sign_is_not_a_placeholder(backend: str, tmp_path: Path) -> None:
    with store_config(backend, tmp_path) as config:
        store = EventStore(config)
        try:
            reads = Reads(Database(store))
            assert reads.rows("SELECT CASE WHEN 'licence/1' LIKE 'licence/%' THEN 'x' ELSE '' END AS kind") == [
                {"kind": "x"}]
        finally:
            store.close()
