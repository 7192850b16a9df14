"""A third party checks receipts and a tiles export with the verifier modules alone.

This module imports nothing of the server side: only ``ledger.merkle``,
``ledger.notes`` and ``ledger.tiles`` (pure, no I/O, no storage). The files it
checks are made by ``tests/helpers/translog_artifacts.py`` in a separate process, the
way a published receipt or a static tiles mirror reaches a verifier.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from ledger import merkle, notes, tiles

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("published")
    subprocess.run(
        [sys.executable, "-m", "tests.helpers.translog_artifacts", str(out)],
        cwd=ROOT, check=True, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    return out


def vkey(path: Path) -> notes.Verifier:
    return notes.parse_vkey(path.read_text().strip())


def positions(published: Path) -> list[int]:
    return list(json.loads((published / "positions.json").read_text())["positions"])


def test_every_receipt_verifies_against_the_event_bytes(published: Path) -> None:
    log_key, witness_key = vkey(published / "log.vkey"), vkey(published / "witness.vkey")
    for position in positions(published):
        receipt = (published / f"receipt-{position}.txt").read_bytes()
        event = (published / f"event-{position}.bin").read_bytes()
        leaf_data = hashlib.sha256(event).digest()  # the leaf commits to the signed event bytes
        found = notes.verify_tlog_proof(receipt, leaf_data, log_key, is_data=True,
                                        witnesses=[witness_key], min_cosignatures=1)
        assert found.index == position and found.checkpoint.size == 600


def test_receipts_fail_on_any_change(published: Path) -> None:
    log_key = vkey(published / "log.vkey")
    receipt = (published / "receipt-300.txt").read_bytes()
    event = (published / "event-300.bin").read_bytes()
    other_event = (published / "event-299.bin") if (published / "event-299.bin").exists() else (
        published / "event-256.bin")
    with pytest.raises(ValueError):  # another event
        notes.verify_tlog_proof(receipt, hashlib.sha256(other_event.read_bytes()).digest(), log_key, is_data=True)
    with pytest.raises(ValueError):  # one byte of the event changed
        changed = event.replace(b'"n":', b'"n": ', 1)
        notes.verify_tlog_proof(receipt, hashlib.sha256(changed).digest(), log_key, is_data=True)
    with pytest.raises(ValueError):  # another index
        notes.verify_tlog_proof(receipt.replace(b"index 300\n", b"index 301\n"), hashlib.sha256(event).digest(),
                                log_key, is_data=True)
    with pytest.raises(ValueError):  # another log's key
        stranger = notes.Ed25519Signer.generate(log_key.name).verifier()
        notes.verify_tlog_proof(receipt, hashlib.sha256(event).digest(), stranger, is_data=True)
    with pytest.raises(ValueError):  # a witness that did not cosign
        notes.verify_tlog_proof(receipt, hashlib.sha256(event).digest(), log_key, is_data=True,
                                witnesses=[notes.CosignatureSigner.generate("w.other").verifier()],
                                min_cosignatures=1)


def tile_reader(base: Path, size: int) -> Callable[[int, int], bytes]:
    """A NodeGetter that reads only the exported tiles (levels between tile levels are recomputed)."""
    cache: dict[tuple[int, int], bytes] = {}

    def tile(level: int, index: int) -> bytes:
        if (level, index) not in cache:
            count = size >> (tiles.TILE_HEIGHT * level)  # complete nodes at this tile level
            width = min(tiles.TILE_WIDTH, count - index * tiles.TILE_WIDTH)
            data = (base / tiles.tile_path(level, index, width)).read_bytes()
            assert len(data) == width * merkle.HASH_SIZE
            cache[(level, index)] = data
        return cache[(level, index)]

    def node(tile_level: int, position: int) -> bytes:
        n, i = divmod(position, tiles.TILE_WIDTH)
        return tile(tile_level, n)[i * merkle.HASH_SIZE : (i + 1) * merkle.HASH_SIZE]

    def get_node(level: int, index: int) -> bytes:
        tile_level, rest = divmod(level, tiles.TILE_HEIGHT)
        width = 1 << rest
        return merkle.root([node(tile_level, index * width + k) for k in range(width)])

    return get_node


def open_export(published: Path) -> tuple[notes.Checkpoint, Path]:
    base = published / "tiles"
    cp, _ = notes.open_checkpoint((base / "checkpoint").read_bytes(), vkey(published / "log.vkey"),
                                  witnesses=[vkey(published / "witness.vkey")], min_cosignatures=1)
    return cp, base


def test_tiles_export_gives_the_checkpoint_root_and_the_entries(published: Path) -> None:
    cp, base = open_export(published)
    get_node = tile_reader(base, cp.size)
    assert merkle.root_at(cp.size, get_node) == cp.root_hash
    leaves: list[bytes] = []
    for ref in tiles.entry_bundles_for_size(cp.size):
        entries = tiles.decode_entry_bundle((base / ref.path()).read_bytes())
        assert len(entries) == ref.width and all(len(e) == 32 for e in entries)  # commitments only
        leaves.extend(merkle.leaf_hash(e) for e in entries)
    assert merkle.root(leaves) == cp.root_hash
    for position in positions(published):
        event = (published / f"event-{position}.bin").read_bytes()
        leaf = merkle.leaf_hash(hashlib.sha256(event).digest())
        assert leaves[position] == get_node(0, position) == leaf
        proof = merkle.inclusion_proof(position, cp.size, get_node)
        merkle.verify_inclusion(leaf, position, cp.size, proof, cp.root_hash)


def test_a_changed_tile_is_noticed(published: Path, tmp_path: Path) -> None:
    cp, base = open_export(published)
    copy = tmp_path / "tiles"
    for path in base.rglob("*"):
        if path.is_file():
            target = copy / path.relative_to(base)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(path.read_bytes())
    tile = copy / tiles.tile_path(0, 1)
    data = bytearray(tile.read_bytes())
    data[40] ^= 1
    tile.write_bytes(bytes(data))
    get_node = tile_reader(copy, cp.size)
    # The root comes from the level-1 tile, so it alone does not notice; but the changed tile no
    # longer hashes to its entry in the level-1 tile, and proofs through it fail.
    assert merkle.root_at(cp.size, get_node) == cp.root_hash
    hashes = [bytes(data[i : i + 32]) for i in range(0, len(data), 32)]
    assert merkle.root(hashes) != get_node(8, 1)
    event = (published / "event-300.bin").read_bytes()
    proof = merkle.inclusion_proof(300, cp.size, get_node)
    with pytest.raises(merkle.ProofError):
        merkle.verify_inclusion(merkle.leaf_hash(hashlib.sha256(event).digest()), 300, cp.size, proof,
                                cp.root_hash)


def test_no_server_module_was_needed() -> None:
    source = Path(__file__).read_text(encoding="utf-8")
    imports = {line.split()[1] for line in source.splitlines() if line.startswith(("import ", "from "))}
    ours = {name for name in imports if name.split(".")[0] in {"ledger", "api", "domain", "projections", "audit"}}
    assert ours == {"ledger"}
    assert "from ledger import merkle, notes, tiles" in source
