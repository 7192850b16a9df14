"""``ledger-draw-v1`` (domain/draw.py): the brief's test vector exactly, and for all inputs the same
draw as an independent reference written from the rule's text, with every pick a set of distinct
positions in range."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.draw import commitment_of, draw, pick, population, seed_of
from tests.helpers.examples import scaled

SECRET = bytes.fromhex("6c6564676572" + "00" * 26)
ROOT = bytes.fromhex("9a483ad3529c98fdc08fa983a4a868f6f7a703f43d543e75f1c5b958b899a68d")
OBJECTS = [f"OBJ-{i:04d}" for i in range(12, 0, -1)]  # given unsorted: the draw sorts
POOL = ["officer/42011219011", "officer/42011219001", "officer/42011219009", "officer/42011219002",
        "officer/42011219010", "officer/42011219008"]


def test_the_brief_test_vector() -> None:
    assert commitment_of(SECRET).hex() == "67e0285a7712000e8d51ceba9264a332e1754893cce66ae19e3ed7a314c56973"
    seed = seed_of(SECRET, ROOT)
    assert seed.hex() == "55543afe5669b07632e9f1f4aeecf7cd2d8a212f0c87c71486eee11cdb6d1422"
    assert pick(seed, 12, 3, "objects") == [11, 3, 2]
    assert pick(seed, 6, 6, "inspectors/0") == [5, 4, 0, 2, 1, 3]
    assert pick(seed, 6, 6, "inspectors/1") == [0, 3, 2, 1, 4, 5]
    assert pick(seed, 6, 6, "inspectors/2") == [1, 0, 2, 5, 3, 4]
    result = draw(SECRET, ROOT, OBJECTS, POOL, sample_size=3, per_object=2)
    short = [(o.key, [i[-3:] for i in o.inspectors], o.reserves[0][-3:]) for o in result.objects]
    assert short == [("OBJ-0012", ["011", "010"], "001"), ("OBJ-0004", ["001", "009"], "008"),
                     ("OBJ-0003", ["002", "001"], "008")]
    assert [o.index for o in result.objects] == [11, 3, 2]


def _reference_pick(seed: bytes, n: int, k: int, label: str) -> list[int]:
    """INS-02's text, written again: uint64 stream, rejection sampling, partial Fisher–Yates."""
    a, counter = list(range(n)), 0
    for i in range(k):
        m = n - i
        while True:
            block = hashlib.sha256(seed + label.encode() + b"\x00" + counter.to_bytes(8, "big")).digest()
            counter += 1
            x = int.from_bytes(block[:8], "big")
            if x < (2**64 // m) * m:
                break
        j = i + x % m
        a[i], a[j] = a[j], a[i]
    return a[:k]


@settings(max_examples=scaled(200), deadline=None)
@given(seed=st.binary(min_size=32, max_size=32), n=st.integers(1, 60), data=st.data(),
       label=st.text(min_size=1, max_size=12))
def test_pick_agrees_with_the_reference_and_is_distinct_and_in_range(seed: bytes, n: int, data: st.DataObject,
                                                                     label: str) -> None:
    k = data.draw(st.integers(0, n))
    got = pick(seed, n, k, label)
    assert got == _reference_pick(seed, n, k, label)
    assert len(set(got)) == k and all(0 <= i < n for i in got)
    assert got == pick(seed, n, n, label)[:k]  # a larger pick extends a smaller one


@settings(max_examples=scaled(100), deadline=None)
@given(keys=st.lists(st.text(min_size=1, max_size=6), min_size=1, max_size=20, unique=True),
       secret=st.binary(min_size=1, max_size=40), root=st.binary(min_size=32, max_size=32))
def test_the_draw_does_not_depend_on_the_order_it_is_given(keys: list[str], secret: bytes, root: bytes) -> None:
    pool = [f"officer/{i:03d}" for i in range(5)]
    one = draw(secret, root, keys, pool, sample_size=len(keys) // 2, per_object=2)
    other = draw(secret, root, list(reversed(keys)), list(reversed(pool)), sample_size=len(keys) // 2, per_object=2)
    assert one == other
    assert population(keys) == sorted(keys, key=lambda s: s.encode("utf-8"))
    for o in one.objects:
        assert set(o.inspectors).isdisjoint(o.reserves) and len(o.inspectors) + len(o.reserves) == len(pool)


def test_impossible_requests_are_refused() -> None:
    with pytest.raises(ValueError):
        pick(bytes(32), 3, 4, "objects")
    with pytest.raises(ValueError):
        draw(SECRET, ROOT, OBJECTS, POOL[:1], sample_size=1, per_object=2)
