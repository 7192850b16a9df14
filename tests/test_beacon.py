"""The beacon of a draw (INS-02, ``domain.beacon``): for all logs, exactly the first signed checkpoint
covering the plan and both snapshots, with its root, is accepted; and the ledger's answers
(``ledger.translog.lookup.LogLookup``) agree with its transparency log on SQLite and PostgreSQL —
the checkpoints it signed, the leaf index of each event (notification ids are not positions), and
nothing at all before the log exists."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.beacon import beacon_problem, covering_size
from ledger.service import Ledger
from ledger.translog import TransparencyLog
from ledger.translog.lookup import leaf_position
from tests.helpers.checkpoint_logs import DictLog, log_of
from tests.helpers.examples import scaled
from tests.helpers.live_draws import ORIGIN, integrate, sign_checkpoint, spotcheck_lines
from tests.helpers.projection_ledgers import import_live, ledger_with
from tests.helpers.stores import OFFICER

STREAM = "spotcheck/TEST-CC-01"
roots = st.sampled_from(["a" * 64, "b" * 64, "c" * 64])


@settings(max_examples=scaled(200), deadline=None)
@given(indices=st.lists(st.integers(0, 40), min_size=3, max_size=3, unique=True),
       checkpoints=st.dictionaries(st.integers(1, 50), roots, max_size=6), size=st.integers(1, 50), root=roots)
def test_only_the_first_covering_checkpoint_with_its_root_is_accepted(indices: list[int], checkpoints: dict[int, str],
                                                                     size: int, root: str) -> None:
    log = log_of(STREAM, indices, checkpoints)
    covering = [c for c in checkpoints if c > max(indices)]
    expected = bool(covering) and size == min(covering) and checkpoints[size] == root
    problem = beacon_problem(log, size, root, [(STREAM, 1), (STREAM, 2), (STREAM, 3)])
    assert (problem is None) == expected, problem
    assert covering_size(log, [(STREAM, 1), (STREAM, 2), (STREAM, 3)]) == max(indices) + 1


def test_an_event_not_in_the_log_covers_nothing() -> None:
    log = DictLog({10: "a" * 64}, {(STREAM, 1): 2, (STREAM, 2): 3})
    assert covering_size(log, [(STREAM, 1), (STREAM, 2), (STREAM, 3)]) is None
    assert covering_size(log, []) is None
    problem = beacon_problem(log, 10, "a" * 64, [(STREAM, 1), (STREAM, 2), (STREAM, 3)])
    assert problem is not None and "请等待" in problem
    assert beacon_problem(log, 10, "A" * 64, [(STREAM, 1), (STREAM, 2)]) is None, "the root's case does not matter"


@settings(max_examples=scaled(200), deadline=None)
@given(gaps=st.lists(st.integers(1, 4), min_size=0, max_size=30), probe=st.integers(-2, 140))
def test_the_binary_search_finds_every_leaf_and_nothing_else(gaps: list[int], probe: int) -> None:
    """Notification ids growing with gaps (PostgreSQL), positions dense from 0."""
    nids, nid = [], 0
    for gap in gaps:
        nid += gap
        nids.append(nid)
    for position, n in enumerate(nids):
        assert leaf_position(lambda p: nids[p] if p < len(nids) else None, len(nids), n) == position
    expected = nids.index(probe) if probe in nids else None
    assert leaf_position(lambda p: nids[p] if p < len(nids) else None, len(nids), probe) == expected


# --------------------------------------------------------------------------- the ledger's answers


@pytest.fixture
def ledger(tmp_path: Path, backend: str) -> Iterator[Ledger]:
    yield from ledger_with(tmp_path, ["registry"], backend)


def test_the_ledger_answers_as_its_log(ledger: Ledger) -> None:
    lookup = ledger.log
    assert lookup.first_checkpoint(1) is None and lookup.checkpoint_root(1) is None
    assert lookup.leaf_index(OFFICER, 1) is None, "no log yet"
    plan = spotcheck_lines()[0]
    assert import_live(ledger, [plan]) is None
    integrate(ledger)
    assert lookup.first_checkpoint(1) is None, "integrated, nothing signed"
    first = sign_checkpoint(ledger)
    assert import_live(ledger, spotcheck_lines()[1:3]) is None
    assert lookup.leaf_index(plan["stream"], 2) is None, "recorded, not integrated"
    second = sign_checkpoint(ledger)
    log = TransparencyLog(ledger.store, origin=ORIGIN)
    try:
        assert {c.size: c.root.hex() for c in log.checkpoints()} == dict([first, second])
        for size, root in (first, second):
            assert lookup.checkpoint_root(size) == root
            assert lookup.first_checkpoint(size) == size
        assert lookup.first_checkpoint(1) == lookup.first_checkpoint(first[0] - 1) == first[0]
        assert lookup.first_checkpoint(first[0] + 1) == second[0] and lookup.first_checkpoint(second[0] + 1) is None
        assert lookup.checkpoint_root(first[0] + 1) is None
        nids = {n.originator_version: n.id for n in ledger.store.notifications() if n.originator_id == plan["stream"]}
        for version in (1, 2, 3):
            assert lookup.leaf_index(plan["stream"], version) == log.position_of(nids[version]) is not None
        assert lookup.leaf_index(plan["stream"], 2) == second[0] - 2
        assert lookup.leaf_index(plan["stream"], 4) is None and lookup.leaf_index("spotcheck/none", 1) is None
    finally:
        log.close()
