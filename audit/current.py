"""A case's stored evaluation, when it is still the one a fresh evaluation would give.

``audit_evaluations`` (``audit.table``) is kept current by the follower; reading its row costs
one query where evaluating costs a fold of the case, the registry and the context. The row
answers for ``(case, as_of)`` only when nothing it depends on has moved since it was written:

* the day: the row was made as of that day, or the file is settled (archived, no deadline
  pending, no open 复议/lawsuit: the follower does not re-evaluate it as days pass) and the
  day asked is not before the row's;
* the events: no event after the follower's tracked position touches the case (its own
  stream), a 复议 or lawsuit, the registry or the calendar, or another case's step that the
  context's history reads (a party's other files, a reviewer's first review: PEN-17/32/36).
  More than :data:`SCAN_LIMIT` events behind counts as stale without looking.

Otherwise the caller evaluates, as before.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any, Final

from audit.store import _HISTORY_TYPES
from audit.table import _REGISTRY_PREFIXES, EVALUATIONS, TRACKING
from projections.sql import Database

__all__ = ["SCAN_LIMIT", "stored_evaluation"]

SCAN_LIMIT: Final = 500
_RELATED_PREFIXES: Final = (*_REGISTRY_PREFIXES, "review/", "litigation/")


def stored_evaluation(db: Database, stream: str, as_of: date) -> dict[str, Any] | None:
    """The row's evaluation (``Evaluation.as_json`` shape), or None when it is missing or may be stale."""
    if not db.exists(EVALUATIONS.name):
        return None
    with db.read() as cur:
        position = db.tracked(cur, TRACKING)  # first: the row read next is at least this current
    rows = db.all(f"SELECT score, grade, veto, findings, as_of, settled FROM {db.qualify(EVALUATIONS.name)} "
                  "WHERE grp = ?", (stream,))
    if not rows or position == 0:
        return None
    score, grade, veto, findings, made_on, settled = rows[0]
    day = as_of.isoformat()
    if not (made_on == day or (settled and str(made_on) <= day)):
        return None
    if _moved_since(db, position, stream):
        return None
    return {"case": stream, "score": int(score), "grade": None if grade is None else str(grade), "veto": bool(veto),
            "findings": json.loads(findings)}


def _moved_since(db: Database, position: int, stream: str) -> bool:
    """Whether an event after ``position`` may change the case's evaluation."""
    events = db.events_after(position, SCAN_LIMIT + 1)
    if len(events) > SCAN_LIMIT:
        return True
    return any(other == stream or other.startswith(_RELATED_PREFIXES) or topic in _HISTORY_TYPES
               for _, other, _, topic, _ in events)
