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

Otherwise :func:`evaluate_current` evaluates the case now — with a context read for this case
alone (:func:`context_for`): its party's other files from ``audit_parties`` by the party's key and
each reviewer's first review from ``audit_reviewers``, both corrected by the events after the
follower's position, instead of a scan of every case of the ledger (seconds at 75,000 cases, and
a new case's page asks it many times before the follower has written its row).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from typing import Any, Final

import orjson

from audit.context import AuditContext, History
from audit.engine import evaluate
from audit.model import Envelope
from audit.store import _HISTORY_TYPES, LedgerSource, _target, add_review, prior_from_stored, stream_rows
from audit.table import (
    _REGISTRY_PREFIXES,
    EVALUATIONS,
    PARTIES,
    PARTY_COLUMNS,
    REVIEWERS,
    TRACKING,
    add_reviewers,
    prior_of_row,
)
from domain.config import Config
from projections.runner import decode
from projections.sql import Database, prefix_end

__all__ = ["SCAN_LIMIT", "context_for", "evaluate_current", "stored_evaluation"]

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


def evaluate_current(db: Database, stream: str, as_of: date, config: Config | None = None) -> dict[str, Any] | None:
    """The case's evaluation on ``as_of`` (``Evaluation.as_json`` shape): the stored row when it is
    current, else evaluated now (None when the ledger holds no such case)."""
    stored = stored_evaluation(db, stream, as_of)
    if stored is not None:
        return stored
    found = context_for(db, stream, as_of, config or Config())
    if found is None:
        return None
    history, ctx, reviews, lawsuits = found
    return evaluate(stream, history, ctx, reviews=reviews, lawsuits=lawsuits).as_json()


Related = dict[str, list[Envelope]]


def context_for(db: Database, stream: str, as_of: date, config: Config
                ) -> tuple[list[Envelope], AuditContext, Related, Related] | None:
    """What evaluating the case ``stream`` reads: its steps, a context holding what its rules ask of
    other files, its 复议 and its lawsuits; None when the ledger holds no such case.

    The same as a context over the whole ledger (``LedgerSource.context``) as far as this case's
    rules see it; that scan is the fallback when the audit's tables are missing or more than
    :data:`SCAN_LIMIT` events behind."""
    position = 0
    if db.exists(PARTIES.name) and db.exists(REVIEWERS.name):
        with db.read() as cur:
            position = db.tracked(cur, TRACKING)  # first: the tables read next are at least this current
    history = History()
    if position:
        add_reviewers(db, history)
    source = LedgerSource(db)  # its head, read after the tables: the events after them are in reach
    rows = stream_rows(db, [stream], source.upto)
    if not rows:
        return None
    delta = [e for e in db.events_after(position, SCAN_LIMIT + 1) if e[0] <= source.upto] if position else []
    if not position or len(delta) > SCAN_LIMIT:
        history = source.history()
    else:
        _party_history(db, history, stream, [r[-1] for r in rows], delta, source.upto)
    ctx = AuditContext(as_of=as_of, registry=source.registry(), config=config, calendar=source.calendar(),
                       history=history)
    reviews, lawsuits = _appeals_of(db, stream, source.upto)
    return [decode(r[-1]) for r in rows], ctx, reviews, lawsuits


def _party_history(db: Database, history: History, stream: str, stored: Sequence[bytes],
                   delta: Sequence[tuple[int, str, int, str, bytes]], upto: int) -> None:
    """Into ``history``: the other files of the case's party (``audit_parties`` by its key, the files
    whose party or decision changed after the follower's position read again from the ledger) and
    the first reviews recorded after that position."""
    changed = sorted({s for _, s, _, topic, _ in delta if s.startswith("case/") and topic in _HISTORY_TYPES
                      and topic != "LegalReviewCompleted"})
    for _, other, _, topic, state in delta:
        if topic == "LegalReviewCompleted" and other.startswith("case/"):
            add_review(history, decode(state))
    by: dict[str, list[bytes]] = {}
    for row in stream_rows(db, changed, upto):
        by.setdefault(row[1], []).append(row[-1])
    mine = prior_from_stored(stream, stored)
    key = mine[0] if mine is not None else None
    if not key:
        return
    for row in db.all(f"SELECT {PARTY_COLUMNS} FROM {db.qualify(PARTIES.name)} WHERE party_key = ?", (key,)):
        if str(row[0]) not in by:
            history.add_case(key, prior_of_row(row))
    for found in (prior_from_stored(s, b) for s, b in by.items()):
        if found is not None and found[0] == key:
            history.add_case(key, found[1])


def _appeals_of(db: Database, stream: str, upto: int) -> tuple[Related, Related]:
    """The 复议 and lawsuit streams that target ``stream``, each with its steps: their openings found
    by a byte search for the stream's name (SQLite: in the query), then read as ``related`` reads them."""
    needle = orjson.dumps(stream)
    found: list[str] = []
    for prefix in ("review/", "litigation/"):
        test = "" if db.postgres or not stream.isascii() else " AND instr(state, ?) > 0"
        params: list[Any] = [prefix, prefix_end(prefix), upto] + ([needle] if test else [])
        for other, state in db.all("SELECT originator_id, state FROM {events} WHERE originator_id >= ? AND "
                                   f"originator_id < ? AND originator_version = 1 AND {{nid}} <= ?{test}", params):
            if (not stream.isascii() or needle in bytes(state)) and _target([decode(bytes(state))]) == stream:
                found.append(str(other))
    histories: dict[str, list[Envelope]] = {}
    for row in stream_rows(db, sorted(found), upto):
        histories.setdefault(row[1], []).append(decode(row[-1]))
    reviews = {s: h for s, h in histories.items() if s.startswith("review/")}
    return reviews, {s: h for s, h in histories.items() if s.startswith("litigation/")}

