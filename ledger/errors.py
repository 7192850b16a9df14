"""Refusals raised by the ledger itself (keys, signatures, versions, clocks)."""

from __future__ import annotations

from domain.errors import StepRefused


class SealRefused(StepRefused):
    """A step the ledger will not seal or accept; nothing is written."""


class ChainError(Exception):
    """A stored stream whose chain does not hold (found on read); names where, when known."""

    def __init__(self, message: str, stream: str | None = None, version: int | None = None) -> None:
        super().__init__(message)
        self.stream, self.version = stream, version
