"""Reading a decoded step's fields: one rule per kind of value, shared by the folds.

A stored step is decoded JSON, so a field may hold anything; these answer the
value when it has the expected type and nothing otherwise, never raising — a
malformed field reads as absent (the gates refuse such steps when they are recorded;
a backfilled one is shown as it is).
"""

from __future__ import annotations

__all__ = ["int_of", "texts_of"]


def int_of(value: object) -> int | None:
    """An integer field (``True``/``False`` are not amounts), else None."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def texts_of(value: object) -> tuple[str, ...]:
    """The strings of a list field, in order, empty strings included (non-strings dropped)."""
    if not isinstance(value, list | tuple):
        return ()
    return tuple(v for v in value if isinstance(v, str))
