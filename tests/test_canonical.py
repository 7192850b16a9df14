"""Canonical encoding: round-trips, is unique, refuses what has no canonical form."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ledger import canonical
from ledger.envelope import MalformedEventError, seal, split

scalars = st.none() | st.booleans() | st.integers(-(2**53) + 1, 2**53 - 1) | st.text()
values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20,
)


@given(values)
def test_round_trip(value: object) -> None:
    data = canonical.encode(value)
    assert canonical.decode(data) == value
    assert canonical.encode(canonical.decode(data)) == data


@given(st.dictionaries(st.text(max_size=5), scalars, min_size=2, max_size=6))
def test_every_other_spelling_is_refused(value: dict[str, object]) -> None:
    data = canonical.encode(value)
    variants = {
        json.dumps(value, ensure_ascii=False).encode(),  # spaces after separators
        json.dumps(value, ensure_ascii=True, separators=(",", ":"), sort_keys=True).encode(),
        json.dumps(dict(reversed(list(value.items()))), ensure_ascii=False, separators=(",", ":")).encode(),
        data + b" ",
    }
    for variant in variants - {data}:
        with pytest.raises(ValueError):
            canonical.decode(variant)


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_floats_refused(number: float) -> None:
    with pytest.raises(canonical.EncodingError):
        canonical.encode({"amount_fen": number})


@pytest.mark.parametrize("number", [2**53, -(2**53), 2**64])
def test_out_of_range_integers_refused(number: int) -> None:
    with pytest.raises(canonical.EncodingError):
        canonical.encode([number])


def test_times_kept_as_written() -> None:
    data = canonical.encode({"at": "2026-03-04T10:15:00+08:00", "b": "中文"})
    assert data == '{"at":"2026-03-04T10:15:00+08:00","b":"中文"}'.encode()


@given(st.dictionaries(st.text(max_size=6), values, max_size=4), st.binary(min_size=64, max_size=64))
def test_sealed_frame_splits_back(envelope: dict[str, object], signature: bytes) -> None:
    envelope = {"data": {"sig": "x", "nested": envelope}, "stream": "case/X"}
    unsigned = canonical.encode(envelope)
    stored = seal(unsigned, signature)
    assert split(stored) == (unsigned, signature)
    assert canonical.decode(stored)["event"] == envelope


def test_non_canonical_signature_base64_refused() -> None:
    unsigned = canonical.encode({"a": 1})
    stored = seal(unsigned, bytes(64))
    # The last base64 digit before the padding carries 4 unused bits; setting them must not pass.
    altered = stored.replace(b'AA=="}', b'AB=="}')
    assert altered != stored
    with pytest.raises(MalformedEventError):
        split(altered)
