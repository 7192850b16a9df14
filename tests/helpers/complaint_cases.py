"""Builders for the complaint-file tests: the example's complaint stream alone, a complainant with
every personal detail, and the audit of a complaint stream in memory (no storage)."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

from audit.complaint_engine import evaluate_complaint
from audit.model import Evaluation
from domain.config import Config
from tests.helpers.audit_cases import AS_OF, context, versioned
from tests.helpers.kinds_examples import COMPLAINT, edit_step

Raw = dict[str, Any]


def complaint_only(steps: list[Raw]) -> list[Raw]:
    """The steps of the complaint stream (the example also holds the supervision stream's order)."""
    return [copy.deepcopy(s) for s in steps if s["stream"] == COMPLAINT]


def related_of(steps: list[Raw]) -> dict[str, list[Raw]]:
    """The other streams of the example steps (the supervision stream), by stream."""
    out: dict[str, list[Raw]] = {}
    for s in steps:
        if s["stream"] != COMPLAINT:
            out.setdefault(s["stream"], []).append(copy.deepcopy(s))
    return out


def with_complainant(steps: list[Raw], *, contact: str | None = None, **party: str) -> list[Raw]:
    """``steps`` with the complainant's party details (``name``, ``phone``, ``id_number``, ``address``)
    and ``contact`` set."""
    def change(s: Raw) -> None:
        s["data"]["complainant"].update(party)
        if contact is not None:
            s["data"]["contact"] = contact
    return edit_step(steps, "ComplaintReceived", change)


def audit_complaint(steps: list[Raw], *, as_of: date = AS_OF, config: Config | None = None) -> Evaluation:
    """The evaluation of the complaint in ``steps`` (the example's lines: the complaint stream and the
    streams it links), in memory, as the CLI would after loading them."""
    return evaluate_complaint(COMPLAINT, versioned(complaint_only(steps)), context(as_of, config=config),
                              related={k: versioned(v) for k, v in related_of(steps).items()})


def fired(ev: Evaluation) -> frozenset[str]:
    return frozenset(ev.rules())
