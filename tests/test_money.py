"""Money as a person reads it: yuan with two decimals, from integer fen, everywhere."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from domain.money import yuan


def test_two_decimals_always() -> None:
    assert yuan(20_000) == "200.00 元"
    assert yuan(123_456) == "1,234.56 元"
    assert yuan(5) == "0.05 元"
    assert yuan(-150) == "-1.50 元"


@given(st.integers(min_value=-(2**53), max_value=2**53))
def test_yuan_reads_back_as_the_amount(fen: int) -> None:
    text = yuan(fen)
    assert text.endswith(" 元")
    assert Decimal(text[:-2].replace(",", "")) * 100 == fen
