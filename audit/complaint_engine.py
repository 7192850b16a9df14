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
from audit.engine import deduct, finding_of, grade_of, recheck_on
from audit.facts import StreamFacts, as_of_prefix
from audit.model import BLOCKER, Envelope, Evaluation, Finding, sort_findings
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
    config = ctx.config
    findings: list[Finding] = []
    for spec in COMPLAINT_RULES.values():
        if path in spec.paths:
            hit = spec.check(subject)
            if hit is not None:
                findings.append(finding_of(spec, hit, config))
    blockers = [f for f in findings if f.severity == BLOCKER]
    concluded = public.concluded
    if blockers and concluded:  # a file 办理中 is given no grade, so its grade is not vetoed either
        listed = "、".join(f.rule for f in blockers)
        findings.append(Finding(
            "EVAL-01", BLOCKER, config.evaluation.category("EVAL-01") or blockers[0].category, 0,
            f"行政执法案卷评查标准（一票否决）；{PETITION_RULE}第三十条第三款", f"否决项：{listed}，案卷评为不合格",
            tuple(dict.fromkeys(e for f in blockers for e in f.events)), "一票否决"))
    ordered = sort_findings(findings)
    deductions = deduct(ordered, config)
    score = 100 - sum(deductions.values())
    veto = bool(blockers)
    return Evaluation(
        case=stream, as_of=ctx.as_of, score=score, grade=grade_of(score, veto, ordered, config) if concluded else None,
        veto=veto, findings=ordered, deductions=deductions, agency=public.bureau, procedure=None, path=path,
        status=public.status, recheck_on=recheck_on(public.deadlines, ctx.as_of),
    )
