"""行政复议 (RC) rules: the 复议 that target the case (their streams are part of the
case file's group).
"""

from __future__ import annotations

from collections.abc import Mapping

from audit.facts import RawStep, StreamFacts, text_of
from audit.model import BLOCKER, MAJOR
from audit.rulebook import Hit, Subject, refs, rule
from audit.rules.common import (
    combine,
    late_extensions,
)
from domain.calendar import SHANGHAI
from domain.config import (
    RECONSIDERATION_LAW,
)
from domain.roles import HEAD, role_problem
from projections.casefile import ReviewFile

# --------------------------------------------------------------------------- 行政复议 (RC)


def _reviews(s: Subject) -> list[tuple[ReviewFile, StreamFacts]]:
    out = []
    for review in s.file.reviews:
        facts = s.facts.reviews.get(review.stream)
        if facts is not None:
            out.append((review, facts))
    return out


def _review_deadline(s: Subject, rule_id: str, keys: tuple[str, ...] = ()) -> list[tuple[str, str, RawStep | None]]:
    parts: list[tuple[str, str, RawStep | None]] = []
    for review, facts in _reviews(s):
        for breach in s.breaches(rule_id, review.deadlines):
            if keys and breach.deadline.key not in keys:
                continue
            severity = "PROVISIONAL" if breach.kind == "provisional" else MAJOR
            parts.append((severity, f"{review.stream}：{breach.message}", facts.steps[0] if facts.steps else None))
    return parts


def _deadline_parts(parts: list[tuple[str, str, RawStep | None]]) -> Hit | None:
    certain = [p for p in parts if p[0] != "PROVISIONAL"]
    if certain:
        return combine(certain)
    if parts:
        return Hit("；".join(p[1] for p in parts), refs(p[2] for p in parts), provisional=True)
    return None


@rule("RC-01", "复议申请期限", MAJOR, f"{RECONSIDERATION_LAW}第二十条、第二十一条")
def rc01(s: Subject) -> Hit | None:
    parts: list[tuple[str, str, RawStep | None]] = []
    cfg = s.config.reconsideration
    decision = s.facts.first("DecisionMade")
    told = decision is not None and isinstance(decision.data.get("remedies"), Mapping)
    for review, facts in _reviews(s):
        applied = facts.first("ReconsiderationApplied")
        if applied is None or review.accepted_at is None:
            continue
        received = applied.day_of("received_at")
        learned_at = applied.time("learned_at") or s.file.served_at
        if learned_at is None:
            continue
        learned = learned_at.astimezone(SHANGHAI).date()
        if told:
            due = s.ctx.calendar.add_natural_days(learned, cfg.application_nd)
            limit = f"{cfg.application_nd} 日"
        else:
            due = s.ctx.calendar.add_years(learned, cfg.application_cap_years)
            limit = f"{cfg.application_cap_years} 年（未告知救济途径）"
        if not due.provisional and received > due.due:
            parts.append((MAJOR, f"{review.stream}：申请人 {learned} 知道该行政行为，{received} 才申请复议，"
                                 f"超过 {limit} 的申请期限，仍予受理", applied))
    return combine(parts)


@rule("RC-02", "复议受理审查超期", MAJOR, f"{RECONSIDERATION_LAW}第三十条")
def rc02(s: Subject) -> Hit | None:
    return _deadline_parts(_review_deadline(s, "RC-02"))


@rule("RC-03", "复议答复与证据", BLOCKER, f"{RECONSIDERATION_LAW}第四十八条、第五十四条、第七十条")
def rc03(s: Subject) -> Hit | None:
    answer = [(BLOCKER if severity != "PROVISIONAL" else severity, message, step)
              for severity, message, step in _review_deadline(s, "RC-03", ("RC-03@answer",))]
    return _deadline_parts(answer + _review_deadline(s, "RC-03", ("RC-03@copy",)))


@rule("RC-04", "复议听证负责人未出席", MAJOR, f"{RECONSIDERATION_LAW}第五十条、第五十一条")
def rc04(s: Subject) -> Hit | None:
    parts: list[tuple[str, str, RawStep | None]] = []
    for review, facts in _reviews(s):
        for held in facts.all("ReconsiderationHearingHeld"):
            if held.data.get("respondent_head_attended") is not True and not text_of(held.data.get("reason_if_absent")):
                parts.append((MAJOR, f"{review.stream}：{held.day_of('held_at')} 复议听证被申请人负责人未出席，"
                                     "也未说明理由",
                              held))
    return combine(parts)


@rule("RC-05", "复议决定期限", MAJOR, f"{RECONSIDERATION_LAW}第六十二条")
def rc05(s: Subject) -> Hit | None:
    parts = _review_deadline(s, "RC-05")
    cfg = s.config.reconsideration
    for review, facts in _reviews(s):
        if review.extended_days > cfg.extension_max_nd:
            parts.append((MAJOR, f"{review.stream}：复议期限延长 {review.extended_days} 日，"
                                 f"超过 {cfg.extension_max_nd} 日",
                          facts.first("ReconsiderationExtended")))
        for ext in facts.all("ReconsiderationExtended"):
            approver = ext.data.get("approved_by")
            if not text_of(approver):
                parts.append((MAJOR, f"{review.stream}：{ext.day} 延长复议期限未经复议机构负责人批准", ext))
                continue
            why = role_problem(s.ctx.registry, approver, (HEAD,), _review_body(s, ext), ext.at)
            if why is not None:
                parts.append((MAJOR, f"{review.stream}：{ext.day} 延长复议期限的批准人不是复议机构负责人（{why}）",
                              ext))
        parts += late_extensions("延长复议期限", review.extensions, facts.all("ReconsiderationExtended"),
                                 f"{review.stream}：")
    return _deadline_parts(parts)


def _review_body(s: Subject, step: RawStep) -> str | None:
    """The 复议机构's agency: that of the 复议工作人员 who records the step, as of its time."""
    record = s.ctx.registry.officer_as_of(step.by, step.at) if step.by else None
    return record.agency if record is not None else None


@rule("RC-06", "复议决定类型与理由", MAJOR, f"{RECONSIDERATION_LAW}第六十三条至第六十九条")
def rc06(s: Subject) -> Hit | None:
    parts: list[tuple[str, str, RawStep | None]] = []
    for review, facts in _reviews(s):
        for decided in facts.all("ReconsiderationDecided"):
            grounds = [g for g in decided.data.get("grounds") or () if isinstance(g, str) and g.strip()]
            if not grounds:
                parts.append((MAJOR, f"{review.stream}：复议决定（{decided.data.get('type')}）未载明理由", decided))
    return combine(parts)


@rule("RC-07", "复议意见书未按期回复", MAJOR, f"{RECONSIDERATION_LAW}第七十六条")
def rc07(s: Subject) -> Hit | None:
    return _deadline_parts(_review_deadline(s, "RC-07"))


@rule("RC-08", "复议决定未履行", MAJOR, f"{RECONSIDERATION_LAW}第七十五条、第七十七条、第七十九条")
def rc08(s: Subject) -> Hit | None:
    parts: list[tuple[str, str, RawStep | None]] = []
    period = s.config.reconsideration.opinion_answer_nd
    corrected_by = {str(c.data.get("triggered_by")) for c in s.facts.all("DecisionCorrected")}
    for review, facts in _reviews(s):
        if not review.corrective or review.decided_at is None or review.stream in corrected_by:
            continue
        start = (review.served_at or review.decided_at).astimezone(SHANGHAI).date()
        due = s.ctx.calendar.add_natural_days(start, period)
        if not due.provisional and s.as_of > due.due:
            parts.append((MAJOR, f"{review.stream}：复议决定（{review.decision}）于 {start} 送达，案卷至今未记录"
                                 "被申请人履行（变更、撤销或重新作出）", facts.last("ReconsiderationDecided")))
    return combine(parts)
