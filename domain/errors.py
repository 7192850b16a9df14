"""Refusals: every refused step names a rule id or a structural reason."""

from __future__ import annotations


class DomainError(Exception):
    """Base of everything the domain refuses."""


class StepRefused(DomainError):
    """A step that must not be recorded; ``rule`` is a rules.md id or ``STRUCT-*``."""

    def __init__(self, rule: str, message: str, *, basis: str | None = None) -> None:
        self.rule = rule
        self.message = message
        self.basis = basis
        self.index: int | None = None  # the step's place in a refused batch, when known
        text = f"[{rule}] {message}" + (f" ({basis})" if basis else "")
        super().__init__(text)
