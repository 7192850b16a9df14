"""Properties of ``ledger-draw-v1`` as ``draw verify`` re-derives it (issue 16's acceptance): for random
plans, snapshots and checkpoints the draw is deterministic and re-derives from what is recorded;
changing the secret, the checkpoint or the snapshot makes the recorded draw fail to re-derive; and
the draw is uniform (chi-square over a fixed, seed-derived set of draws, so never flaky)."""

from __future__ import annotations

import hashlib
from collections import Counter
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from audit.draw_check import FAIL, verify_draw
from domain.draw import commitment_of, draw, pick
from projections.inspectionfile import SpotCheckTask, fold_spotchecktask
from tests.helpers.checkpoint_logs import DictLog, log_of
from tests.helpers.examples import scaled

STREAM = "spotcheck/TEST-CC-01"
POOL = [f"officer/4201121900{n}" for n in range(1, 10)]
CHI2_0999: dict[int, float] = {5: 20.515, 9: 27.877, 11: 31.264}
"""Upper 0.1 % points of the chi-square distribution by degrees of freedom (significance 0.001)."""


def _step(step_type: str, day: int, data: dict[str, Any]) -> dict[str, Any]:
    return {"stream": STREAM, "type": step_type, "at": f"2026-03-{day:02d}T10:00:00+08:00",
            "by": "officer/42011219001", "data": data}


def _task(keys: list[str], pool: list[str], secret: bytes, root: bytes, k: int, per: int, *,
          recorded_secret: bytes | None = None, recorded_root: bytes | None = None,
          snapshot_keys: list[str] | None = None) -> SpotCheckTask:
    """A spot check whose draw was made on ``keys``/``secret``/``root`` and recorded; the ``recorded_*``
    and ``snapshot_keys`` overrides are what a tampered record would show instead."""
    made = draw(secret, root, keys, pool, sample_size=k, per_object=per)
    shown = snapshot_keys if snapshot_keys is not None else keys
    listing = "\n".join(sorted(shown, key=lambda x: x.encode())).encode()
    snapshot = {"sha256": hashlib.sha256(listing).hexdigest(), "bytes": len(listing), "media_type": "text/plain",
                "name": "snapshot"}
    steps = [
        _step("SpotCheckPlanned", 2, {"agency": "agency/DXH-CGJ", "items": ["X"], "population": "p", "sample_size": k,
                                      "inspectors_per_object": per, "seed_commitment": commitment_of(secret).hex(),
                                      "algorithm": "ledger-draw-v1"}),
        _step("DirectorySnapshotTaken", 3, {"directory": "objects", "count": len(shown), "snapshot": snapshot}),
        _step("DirectorySnapshotTaken", 3, {"directory": "inspectors", "count": len(pool), "officers": pool}),
        _step("RandomDrawPerformed", 4, {
            "seed_secret": (recorded_secret or secret).hex(),
            "beacon": {"tree_size": 99, "root": (recorded_root or root).hex()}, "seed": made.seed.hex(),
            "objects_snapshot": hashlib.sha256("\n".join(sorted(keys, key=lambda x: x.encode())).encode()).hexdigest(),
            "objects_drawn": [{"index": o.index, "key": o.key} for o in made.objects],
            "inspectors_drawn": [{"object_index": o.index, "officers": list(o.inspectors)} for o in made.objects]}),
    ]
    return fold_spotchecktask(STREAM, [{**s, "version": i + 1} for i, s in enumerate(steps)])


plans = st.integers(1, 40).flatmap(lambda n: st.tuples(
    st.lists(st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-", min_size=1, max_size=8), min_size=n, max_size=n,
             unique=True),
    st.integers(0, n), st.integers(1, 4), st.integers(4, len(POOL))))
secrets = st.binary(min_size=1, max_size=32)
roots = st.binary(min_size=32, max_size=32)


@settings(max_examples=scaled(120), deadline=None)
@given(plan=plans, secret=secrets, root=roots)
def test_the_draw_is_deterministic_and_re_derives_from_the_record(plan: tuple[list[str], int, int, int],
                                                                 secret: bytes, root: bytes) -> None:
    keys, k, per, size = plan
    pool = POOL[:size]
    assert draw(secret, root, keys, pool, sample_size=k, per_object=per) == draw(
        secret, root, list(reversed(keys)), list(reversed(pool)), sample_size=k, per_object=per)
    report = verify_draw(_task(keys, pool, secret, root, k, per), _log(root))
    assert report.ok and {c.status for c in report.checks} <= {"ok", "unverified"}


@settings(max_examples=scaled(120), deadline=None)
@given(plan=plans, secret=secrets, other=secrets, root=roots, other_root=roots, extra=st.text(min_size=1, max_size=5),
       which=st.sampled_from(["secret", "checkpoint", "snapshot"]))
def test_any_change_of_secret_checkpoint_or_snapshot_breaks_the_re_derivation(
        plan: tuple[list[str], int, int, int], secret: bytes, other: bytes, root: bytes, other_root: bytes,
        extra: str, which: str) -> None:
    keys, k, per, size = plan
    pool = POOL[:size]
    if which == "secret" and other != secret:
        task = _task(keys, pool, secret, root, k, per, recorded_secret=other)
        assert "seed commitment" in _failed(task, root)
    elif which == "checkpoint" and other_root != root:
        task = _task(keys, pool, secret, root, k, per, recorded_root=other_root)
        assert "seed" in _failed(task, other_root)
        assert draw(secret, root, keys, pool, sample_size=k, per_object=per).seed != draw(
            secret, other_root, keys, pool, sample_size=k, per_object=per).seed
    elif which == "snapshot" and extra not in keys:
        task = _task(keys, pool, secret, root, k, per, snapshot_keys=[*keys, extra])
        assert "objects snapshot" in _failed(task, root)


def _log(root: bytes) -> DictLog:
    """A log holding the plan and both snapshots at leaves 10–12 and one checkpoint, of 99 leaves."""
    return log_of(STREAM, [10, 11, 12], {99: root.hex()})


def _failed(task: SpotCheckTask, root: bytes) -> set[str]:
    report = verify_draw(task, _log(root))
    assert not report.ok
    return {c.what_en for c in report.checks if c.status == FAIL}


def _seeds(count: int, label: bytes) -> list[bytes]:
    return [hashlib.sha256(label + i.to_bytes(4, "big")).digest() for i in range(count)]


def _chi2(counts: Counter[int], cells: int, total: int) -> float:
    expected = total / cells
    return sum((counts.get(c, 0) - expected) ** 2 / expected for c in range(cells))


def test_every_object_is_drawn_equally_often() -> None:
    """3 of 12 over 4 000 fixed seeds: each index is drawn ~1 000 times, and each is first ~333 times."""
    n, k, draws = 12, 3, 4000
    drawn: Counter[int] = Counter()
    first: Counter[int] = Counter()
    for seed in _seeds(draws, b"objects"):
        picked = pick(seed, n, k, "objects")
        drawn.update(picked)
        first[picked[0]] += 1
    assert _chi2(drawn, n, draws * k) < CHI2_0999[n - 1]
    assert _chi2(first, n, draws) < CHI2_0999[n - 1]


def test_every_inspector_is_assigned_equally_often() -> None:
    """The first inspector of an object over a pool of 6 and 3 000 fixed seeds, and of a pool of 10."""
    for size, draws in ((6, 3000), (10, 3000)):
        first: Counter[int] = Counter(pick(seed, size, size, "inspectors/0")[0] for seed in _seeds(draws, b"pool"))
        assert _chi2(first, size, draws) < CHI2_0999[size - 1]


def test_the_chi_square_check_would_catch_a_biased_draw() -> None:
    """The same statistic on a modulo-biased pick (no rejection, 64-bit values folded to 3 bits) fails."""
    n, draws = 6, 3000
    biased: Counter[int] = Counter(int.from_bytes(seed[:1], "big") % 8 % n for seed in _seeds(draws, b"bias"))
    assert _chi2(biased, n, draws) > CHI2_0999[n - 1]
