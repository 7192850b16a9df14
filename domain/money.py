"""Money as a person reads it: amounts are integer fen in the ledger, yuan with two decimals on paper."""

from __future__ import annotations


def yuan(fen: int) -> str:
    """``123456`` → ``1,234.56 元``; negative amounts keep their sign."""
    if fen < 0:
        return "-" + yuan(-fen)
    return f"{fen // 100:,}.{fen % 100:02d} 元"
