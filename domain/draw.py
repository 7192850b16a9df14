"""``ledger-draw-v1``: the 双随机 draw that anyone can re-derive (rules.md INS-02).

Why this shape: a spot check is credible only if nobody could choose its objects or inspectors. The
agency commits to a secret before the directory snapshots are taken (``seed_commitment`` =
SHA-256(secret)); the seed mixes that secret with the root of the first signed checkpoint that covers
the plan and both snapshots, which nobody knew when the secret was fixed. Everything after is
arithmetic on the seed, so the draw is re-derived here at record time (the INS-02 gate) and offline
by anyone with the recorded values. Pure: no I/O.

- seed = SHA-256(secret ‖ beacon root);
- the stream of a label: uint64 big-endian from the first 8 bytes of
  SHA-256(seed ‖ UTF-8(label) ‖ 0x00 ‖ uint64be(counter)), counter = 0, 1, …;
- ``pick(n, k, label)``: a partial Fisher–Yates shuffle of [0, n), rejection-sampled so every
  position is equally likely (x ≥ ⌊2⁶⁴/m⌋·m is drawn again, m = n − i);
- objects = pick(|objects|, sample_size, "objects"); the m-th drawn object's inspectors are the first
  ``per_object`` entries of pick(|pool|, |pool|, "inspectors/m"), a replacement takes the next one;
- populations in the order of their keys' UTF-8 bytes.
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

__all__ = ["ALGORITHM", "Draw", "DrawnObject", "commitment_of", "draw", "pick", "population", "seed_of"]

ALGORITHM = "ledger-draw-v1"
_SPAN = 1 << 64


def commitment_of(secret: bytes) -> bytes:
    """What ``SpotCheckPlanned.seed_commitment`` records: SHA-256 of the secret."""
    return hashlib.sha256(secret).digest()


def seed_of(secret: bytes, beacon_root: bytes) -> bytes:
    """The draw's seed: SHA-256(secret ‖ the beacon checkpoint's root)."""
    return hashlib.sha256(secret + beacon_root).digest()


def _stream(seed: bytes, label: str) -> Iterator[int]:
    prefix = seed + label.encode("utf-8") + b"\x00"
    counter = 0
    while True:
        block = hashlib.sha256(prefix + struct.pack(">Q", counter)).digest()
        yield int.from_bytes(block[:8], "big")
        counter += 1


def pick(seed: bytes, n: int, k: int, label: str) -> list[int]:
    """The first ``k`` positions of a partial Fisher–Yates shuffle of ``range(n)`` under ``label``."""
    if not 0 <= k <= n:
        raise ValueError(f"cannot pick {k} of {n}")
    positions = list(range(n))
    values = _stream(seed, label)
    for i in range(k):
        m = n - i
        limit = (_SPAN // m) * m
        x = next(values)
        while x >= limit:
            x = next(values)
        j = i + x % m
        positions[i], positions[j] = positions[j], positions[i]
    return positions[:k]


def population(keys: Sequence[str]) -> list[str]:
    """A population in the draw's order: by the keys' UTF-8 bytes (not by code points' locale order)."""
    return sorted(keys, key=lambda key: key.encode("utf-8"))


@dataclass(frozen=True, slots=True)
class DrawnObject:
    """The m-th drawn object: its index and key in the object population, its inspectors, and the
    officers next in line for a replacement (``InspectorReplaced``), in order."""

    index: int
    key: str
    inspectors: tuple[str, ...]
    reserves: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Draw:
    seed: bytes
    objects: tuple[DrawnObject, ...]


def draw(secret: bytes, beacon_root: bytes, objects: Sequence[str], pool: Sequence[str], *,
         sample_size: int, per_object: int) -> Draw:
    """The draw of ``sample_size`` objects and ``per_object`` inspectors each (populations sorted here)."""
    seed = seed_of(secret, beacon_root)
    keys, officers = population(objects), population(pool)
    if per_object > len(officers):
        raise ValueError(f"{per_object} inspectors per object from a pool of {len(officers)}")
    drawn = []
    for m, index in enumerate(pick(seed, len(keys), sample_size, "objects")):
        order = [officers[i] for i in pick(seed, len(officers), len(officers), f"inspectors/{m}")]
        drawn.append(DrawnObject(index, keys[index], tuple(order[:per_object]), tuple(order[per_object:])))
    return Draw(seed, tuple(drawn))
