"""The §4 spot check drawn live in a test ledger: its transparency log signs a checkpoint, and the
example's draw is re-derived with that checkpoint as its beacon (``domain.draw``), so that only what
a test changes can make INS-02 refuse it."""

from __future__ import annotations

import copy
from typing import Any

from domain.draw import draw
from ledger.service import Ledger
from ledger.translog import TransparencyLog, log_signer
from tests.helpers.inspection_examples import SPOTCHECK, example

Raw = dict[str, Any]
ORIGIN = "beacon.enforcement-ledger.local/test"


def spotcheck_lines() -> list[Raw]:
    """The example's spot-check stream up to its draw: plan, the two snapshots, the draw."""
    return [s for s in example() if s["stream"] == SPOTCHECK and s["type"] != "SpotCheckCompleted"][:4]


def sign_checkpoint(ledger: Ledger) -> tuple[int, str]:
    """Integrate the ledger's log and sign a checkpoint of it now: its (tree size, root hex)."""
    log = TransparencyLog(ledger.store, origin=ORIGIN)
    try:
        assert ledger.keystore is not None
        log_signer(log, ledger.keystore)
        log.integrate()
        signed = log.checkpoint()
        return signed.size, signed.root.hex()
    finally:
        log.close()


def integrate(ledger: Ledger) -> None:
    """Integrate the ledger's log without signing a checkpoint."""
    log = TransparencyLog(ledger.store, origin=ORIGIN)
    try:
        log.integrate()
    finally:
        log.close()


def drawn_with(tree_size: int, root: str) -> Raw:
    """The example's draw re-derived with the beacon (``tree_size``, ``root``): seed, drawn objects
    and their inspectors, from the example's secret and snapshots."""
    plan, objects, inspectors, step = copy.deepcopy(spotcheck_lines())
    keys = [f"OBJ-{i + 1:04d}" for i in range(objects["data"]["count"])]
    made = draw(bytes.fromhex(step["data"]["seed_secret"]), bytes.fromhex(root), keys,
                inspectors["data"]["officers"], sample_size=plan["data"]["sample_size"],
                per_object=plan["data"]["inspectors_per_object"])
    step["data"].update(
        beacon={"tree_size": tree_size, "root": root}, seed=made.seed.hex(),
        objects_drawn=[{"index": o.index, "key": o.key} for o in made.objects],
        inspectors_drawn=[{"object_index": o.index, "officers": list(o.inspectors)} for o in made.objects])
    return step
