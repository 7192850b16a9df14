"""Evaluate a complaint file (投诉举报 案卷): the CMP rules and EVAL-12, scored as a case file is.

* **Path** (rules.md "— 投诉举报"): transferred to another competent body (``kind: transfer``,
  not accepted here), not accepted, or accepted — a file not yet decided is judged on the accepted
  path for what it shows (every rule returns nothing until its trigger arises).
* **Today**, **scoring** and **grading** are the case engine's (``audit.engine``: ``finding_of``,
  ``deduct``, ``grade_of``, ``recheck_on``): steps dated after ``ctx.as_of`` are left out, a deadline
  counts once passed, categories and weights unchanged (EVAL-02 extended), and every BLOCKER is
  followed by the EVAL-01 veto (PEN-39 is the penalty law's and does not follow a complaint's).
* **办理中**: a file without its concluding step (不予受理, 转送, 处理意见, 办结) gets no grade and
  no veto, as a case file.
* **Linked streams** (rules.md "Context — licensing and complaints"): ``related`` holds the steps of
  the streams the complaint links — the file complained of and the supervision stream of the
  conclusion (``linked_streams``) — for CMP-07.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import audit.rules  # noqa: F401 - registers the rules
from audit.complaint_rulebook import CMP_ACCEPTED, CMP_NOT_ACCEPTED, CMP_TRANSFERRED, COMPLAINT_RULES
from audit.complaint_subject import ComplaintSubject
from audit.context import AuditContext
from audit.engine import FileJudged, judge, recheck_on
from audit.facts import StreamFacts, as_of_prefix
from audit.model import Envelope, Evaluation
from domain.casestate import apply_corrections
from domain.config import PETITION_RULE
from projections.complaintfile import ComplaintFile, PublicComplaintFile, fold_complaintfile

__all__ = ["complaint_path", "evaluate_complaint", "linked_streams", "load_complaint"]


def complaint_path(file: PublicComplaintFile) -> str:
    """Which complaint path the file follows, for rule applicability."""
    if file.transferred_out:
        return CMP_TRANSFERRED
    if file.accepted_at is None and file.not_accepted_at is not None:
        return CMP_NOT_ACCEPTED
    return CMP_ACCEPTED


def linked_streams(stream: str, history: Sequence[Envelope]) -> tuple[str, ...]:
    """The streams whose steps :func:`evaluate_complaint` reads besides the complaint's (for loaders)."""
    return fold_complaintfile(stream, history).public.linked_streams


def load_complaint(stream: str, history: Sequence[Envelope], ctx: AuditContext, *,
                   related: Mapping[str, Sequence[Envelope]] | None = None
                   ) -> tuple[ComplaintFile, StreamFacts, dict[str, StreamFacts]]:
    """The complaint file, its steps and its linked streams' steps as they stood at the end of ``ctx.as_of``."""
    steps = as_of_prefix(history, ctx.as_of)
    file = fold_complaintfile(stream, steps, config=ctx.config, calendar=ctx.calendar, registry=ctx.registry)
    facts = StreamFacts.of(stream, apply_corrections(stream, steps))
    linked = {s: StreamFacts.of(s, as_of_prefix(h, ctx.as_of)) for s, h in (related or {}).items()}
    return file, facts, linked


def evaluate_complaint(stream: str, history: Sequence[Envelope], ctx: AuditContext, *,
                       related: Mapping[str, Sequence[Envelope]] | None = None) -> Evaluation:
    """Evaluate the complaint ``stream`` from its steps (and those of the streams it links)."""
    file, facts, linked = load_complaint(stream, history, ctx, related=related)
    public = file.public_view()
    path = complaint_path(public)
    subject = ComplaintSubject(file, facts, linked, ctx, path)
    judged = FileJudged(stream, public.bureau, None, path, public.status, public.concluded,
                        recheck_on(public.deadlines, ctx.as_of))
    return judge(COMPLAINT_RULES.values(), subject, lambda rule: path in rule.paths, judged, ctx,
                 f"行政执法案卷评查标准（一票否决）；{PETITION_RULE}第三十条第三款")
