"""Evaluate a case file: run every applicable rule, add the findings that follow a veto, score.

* **Path** (rules.md "Which rules apply to which path"): 简易程序, 不予处罚, 移送 or
  普通程序 (a penalty, or not decided yet); each rule declares the paths it judges.
* **Today**: the file is judged as it stood at the end of ``ctx.as_of`` — steps dated
  later are left out — and a deadline counts only once it has passed, so a running
  case reports only what is already due. A deadline in a year the calendar does not
  know gives a *provisional* finding (INFO, no points), never a wrong one (CAL-03).
* **Scoring** (EVAL-01 to EVAL-03): a finding deducts its severity's points from its
  EVAL-02 category, once per rule and case, capped at the category's weight; any
  BLOCKER is a veto (PEN-39 and the EVAL-01 veto follow it, deducting nothing more);
  the grade is 优秀 at or above ``excellent_min`` with no veto and no basic-element
  problem (a MAJOR in 执法主体 or 事实证据), 合格 at or above ``pass_min``, else 不合格.
* **办理中**: a file without its concluding step (a decision, a transfer decision, a
  closing: ``CaseFile.concluded``) is evaluated for what it shows so far — findings,
  score — but given no grade (``grade`` None) and no EVAL-01 veto (docs/audit.md).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, TypeVar

import audit.rules  # noqa: F401 - registers the rules
from audit.coercion_rulebook import case_hits
from audit.context import AuditContext
from audit.facts import CaseFacts, as_of_prefix
from audit.model import BLOCKER, INFO, MAJOR, MINOR, Envelope, Evaluation, Finding, sort_findings
from audit.rulebook import GENERAL, NO_PENALTY, RULES, SUMMARY, TRANSFER, Hit, Rule, Subject, breach_kind
from domain.config import CATEGORIES, Config
from projections.casefile import CaseFile, Deadline, fold_casefile, fold_lawsuit, fold_review, registered_agency

__all__ = ["FileJudged", "Scored", "case_path", "evaluate", "evaluate_file", "finding_of", "grade_of", "judge",
           "load_file", "score", "veto_finding"]

S = TypeVar("S")

BASIC: frozenset[str] = frozenset({"执法主体", "事实证据"})
ACCOMPANY = ("PEN-39", "EVAL-01")


def case_path(file: CaseFile, facts: CaseFacts) -> str:
    """Which procedure the file follows, for rule applicability."""
    if file.procedure == "summary" or facts.has("SummaryDecisionMade"):
        return SUMMARY
    decision = facts.first("DecisionMade")
    if decision is not None:
        outcome = str(decision.data.get("outcome") or "")
        return NO_PENALTY if outcome.startswith("no_penalty") else GENERAL
    if any(t.data.get("transfer") is not False for t in facts.all("TransferDecided")):
        return TRANSFER
    return GENERAL


def load_file(stream: str, history: Sequence[Envelope], ctx: AuditContext, *,
              reviews: Mapping[str, Sequence[Envelope]] | None = None,
              lawsuits: Mapping[str, Sequence[Envelope]] | None = None) -> tuple[CaseFile, CaseFacts]:
    """The case file and its raw steps as they stood at the end of ``ctx.as_of``."""
    as_of = ctx.as_of
    case_history = as_of_prefix(history, as_of)
    review_histories = {s: as_of_prefix(h, as_of) for s, h in (reviews or {}).items()}
    suit_histories = {s: as_of_prefix(h, as_of) for s, h in (lawsuits or {}).items()}
    review_histories = {s: h for s, h in review_histories.items() if h}
    suit_histories = {s: h for s, h in suit_histories.items() if h}
    agency = registered_agency(case_history)
    folded_reviews = [fold_review(s, h, config=ctx.config, calendar=ctx.calendar, agency=agency)
                      for s, h in sorted(review_histories.items())]
    folded_suits = [fold_lawsuit(s, h, registry=ctx.registry, agency=agency) for s, h in sorted(suit_histories.items())]
    file = fold_casefile(stream, case_history, reviews=folded_reviews, lawsuits=folded_suits, config=ctx.config,
                         calendar=ctx.calendar, registry=ctx.registry)
    facts = CaseFacts.build(stream, case_history, review_histories, suit_histories)
    return file, facts


def evaluate(stream: str, history: Sequence[Envelope], ctx: AuditContext, *,
             reviews: Mapping[str, Sequence[Envelope]] | None = None,
             lawsuits: Mapping[str, Sequence[Envelope]] | None = None) -> Evaluation:
    """Evaluate the case ``stream`` from its steps (and those of the 复议 and lawsuits targeting it)."""
    file, facts = load_file(stream, history, ctx, reviews=reviews, lawsuits=lawsuits)
    return evaluate_file(file, facts, ctx)


def evaluate_file(file: CaseFile, facts: CaseFacts, ctx: AuditContext) -> Evaluation:
    """Run every rule that applies to the file's path; score and grade (EVAL-01 to EVAL-03)."""
    path = case_path(file, facts)
    subject = Subject(file, facts, ctx, path)
    config = ctx.config
    publish_no_penalty = config.no_penalty.publish
    findings: list[Finding] = []
    for rule in RULES.values():
        if path not in rule.paths:
            if not (rule.publication and path == NO_PENALTY and publish_no_penalty):
                continue
        hit = rule.check(subject)
        if hit is not None:
            findings.append(finding_of(rule, hit, config))
    appeals = {**facts.reviews, **facts.lawsuits}  # ENF-05 reads them
    findings += [finding_of(r, hit, config) for r, hit in case_hits(file, facts, ctx, appeals)]  # COE, ENF (#16)
    blockers = [f for f in findings if f.severity == BLOCKER]
    concluded = file.concluded
    if blockers:
        listed = "、".join(f.rule for f in blockers)
        concerned = tuple(dict.fromkeys(e for f in blockers for e in f.events))
        findings.append(Finding(
            "PEN-39", BLOCKER, config.evaluation.category("PEN-39") or "执法程序", 0,
            "《中华人民共和国行政处罚法》第三十八条第二款",
            f"存在否决性违法（{listed}），行政处罚决定存在被确认无效或撤销的风险", concerned, "重大违法程序"))
        if concluded:  # a file 办理中 is given no grade, so its grade is not vetoed either
            findings.append(veto_finding(blockers, config, "行政处罚案卷评查标准（一票否决）"))
    scored = score(findings, bool(blockers), concluded, config)
    return Evaluation(
        case=file.stream, as_of=ctx.as_of, score=scored.score, grade=scored.grade, veto=scored.veto,
        findings=scored.findings, deductions=scored.deductions, agency=file.agency, procedure=file.procedure,
        path=path, status=file.status, recheck_on=recheck_on(file.all_deadlines, ctx.as_of),
    )


@dataclass(frozen=True, slots=True)
class Scored:
    """The findings sorted, the deductions per category, the score, the veto and the grade."""

    findings: tuple[Finding, ...]
    deductions: dict[str, int]
    score: int
    veto: bool
    grade: str | None


def finding_of(rule: Rule[Any], hit: Hit, config: Config) -> Finding:
    """A rule's hit as a finding: its EVAL-02 category, its (configured) severity, its points; a
    provisional hit (CAL-03) is INFO."""
    category = config.evaluation.category(rule.id) or "执法程序"
    severity = config.evaluation.severities.get(rule.id) or hit.severity or rule.severity
    if hit.provisional:
        severity = INFO
    return Finding(rule.id, severity, category, points_of(severity, config), rule.basis, hit.message, hit.events,
                   rule.title, hit.provisional)


@dataclass(frozen=True, slots=True)
class FileJudged:
    """What a kind's engine says of its file beside the findings: to put on the evaluation."""

    stream: str
    agency: str | None
    procedure: str | None
    path: str
    status: str
    concluded: bool
    recheck_on: date | None


def judge(rules: Iterable[Rule[S]], subject: S, applies: Callable[[Rule[S]], bool], file: FileJudged,
          ctx: AuditContext, veto_basis: str) -> Evaluation:
    """Every rule of a file kind's book that ``applies`` to the file, scored and graded (EVAL-01 to
    EVAL-03): the engines of licences, complaints, 强制, inspections and spot checks share it."""
    config = ctx.config
    findings: list[Finding] = []
    for rule in rules:
        if applies(rule):
            hit = rule.check(subject)
            if hit is not None:
                findings.append(finding_of(rule, hit, config))
    blockers = [f for f in findings if f.severity == BLOCKER]
    if blockers and file.concluded:  # a file 办理中 is given no grade, so its grade is not vetoed either
        findings.append(veto_finding(blockers, config, veto_basis))
    scored = score(findings, bool(blockers), file.concluded, config)
    return Evaluation(
        case=file.stream, as_of=ctx.as_of, score=scored.score, grade=scored.grade, veto=scored.veto,
        findings=scored.findings, deductions=scored.deductions, agency=file.agency, procedure=file.procedure,
        path=file.path, status=file.status, recheck_on=file.recheck_on,
    )


def veto_finding(blockers: Sequence[Finding], config: Config, basis: str) -> Finding:
    """EVAL-01: the veto that follows every BLOCKER of a concluded file (不合格 whatever the score)."""
    listed = "、".join(f.rule for f in blockers)
    concerned = tuple(dict.fromkeys(e for f in blockers for e in f.events))
    return Finding("EVAL-01", BLOCKER, config.evaluation.category("EVAL-01") or blockers[0].category, 0, basis,
                   f"否决项：{listed}，案卷评为不合格", concerned, "一票否决")


def score(findings: Sequence[Finding], veto: bool, concluded: bool, config: Config) -> Scored:
    """EVAL-01 to EVAL-03 for any kind of file: deduct per category, grade (none while 办理中)."""
    findings_sorted = sort_findings(findings)
    deductions = deduct(findings_sorted, config)
    total = 100 - sum(deductions.values())
    grade = grade_of(total, veto, findings_sorted, config) if concluded else None
    return Scored(findings_sorted, deductions, total, veto, grade)


def points_of(severity: str, config: Config) -> int:
    ev = config.evaluation
    return {BLOCKER: ev.major_points, MAJOR: ev.major_points, MINOR: ev.minor_points}.get(severity, ev.info_points)


def deduct(findings: Sequence[Finding], config: Config) -> dict[str, int]:
    """Points deducted per category: once per rule, stopping at the category's weight (扣完为止)."""
    per: dict[str, int] = dict.fromkeys(CATEGORIES, 0)
    seen: set[str] = set()
    for f in findings:
        if f.rule in seen:
            continue
        seen.add(f.rule)
        per[f.category] = per.get(f.category, 0) + f.points
    weights = config.evaluation.weights
    return {c: min(v, weights.get(c, 0)) for c, v in per.items()}


def grade_of(score: int, veto: bool, findings: Sequence[Finding], config: Config) -> str:
    ev = config.evaluation
    if veto:
        return "不合格"
    basic = any(f.severity == MAJOR and f.category in BASIC for f in findings)
    if score >= ev.excellent_min and not basic:
        return "优秀"
    if score >= ev.pass_min:
        return "合格"
    return "不合格"


def recheck_on(deadlines: Iterable[Deadline], as_of: date) -> date | None:
    """The first day after ``as_of`` on which a pending deadline may fall due (the table's refresh)."""
    days = []
    for d in deadlines:
        if not d.is_duty or d.done_on is not None or breach_kind(d, as_of) is not None:
            continue
        if d.due.provisional and d.due.known_until is not None:
            days.append(d.due.known_until + timedelta(days=1))
        else:
            days.append(d.due.due + timedelta(days=1))
    return min(days, default=None)


_ = (MINOR, GENERAL, TRANSFER)
