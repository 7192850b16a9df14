"""Server side of the offline test: make a ledger and write what a third party receives.

Run as ``python -m tests.helpers.translog_artifacts OUT_DIR``; writes ``log.vkey``,
``witness.vkey``, ``receipt-<N>.txt`` and ``event-<N>.bin`` for a few positions,
``positions.json`` and a tiles export under ``tiles/``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from ledger.store import StoreConfig
from ledger.translog import TransparencyLog, log_signer
from ledger.witness import Witness
from tests.helpers.stores import OFFICER, bootstrap, make_ledger, sample_step

POSITIONS = [0, 1, 255, 256, 300, 599]


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    ledger = make_ledger(StoreConfig(sqlite_path=str(out / "ledger.sqlite")), out / "keys.json")
    bootstrap(ledger, OFFICER)
    for first in range(0, 598, 46):
        ledger.record([sample_step(f"case/OFF-{first // 46}", n) for n in range(1, 47)][: 598 - first],
                      actor=OFFICER)
    log = TransparencyLog(ledger.store, origin="offline.enforcement-ledger.local/test")
    assert ledger.keystore is not None
    log_signer(log, ledger.keystore)
    log.integrate()
    witness = Witness.init(out / "witness", "witness.offline")
    witness.trust(log.vkey() or "")
    log.register_witness(witness.vkey())
    log.add_cosignatures(witness.cosign(log.checkpoint().signed))
    (out / "log.vkey").write_text((log.vkey() or "") + "\n")
    (out / "witness.vkey").write_text(witness.vkey() + "\n")
    for position in POSITIONS:
        (out / f"receipt-{position}.txt").write_bytes(log.receipt(position))
        (out / f"event-{position}.bin").write_bytes(log.event_bytes(position))
    log.export_tiles(out / "tiles")
    (out / "positions.json").write_text(json.dumps({"positions": POSITIONS, "size": log.size}))
    ledger.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]))
