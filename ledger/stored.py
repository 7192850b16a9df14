"""Reading stored bytes: the envelope inside what the store keeps for each event.

The stored format (``{"event": <envelope>, "sig": ...}``) is the ledger's, so its reader lives
here; projections, the audit and the pages decode with it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson

__all__ = ["decode"]


def decode(state: bytes) -> Mapping[str, Any]:
    """The envelope of stored bytes (``{"event": <envelope>, "sig": ...}``)."""
    outer = orjson.loads(state)
    envelope = outer.get("event") if isinstance(outer, dict) else None
    return envelope if isinstance(envelope, dict) else {}
