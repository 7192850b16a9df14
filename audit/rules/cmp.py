"""行政执法投诉举报 rules (CMP-01 to CMP-05, rules.md §14): registration, acceptance, the
non-acceptance's reasons, the complainant's identity, independent handling. The rest of the
family (answer, correction, follow-up, statistics) and EVAL-12 are in ``cmp_followup``.

Each rule takes a :class:`~audit.complaint_subject.ComplaintSubject` and declares the complaint
paths it judges (rules.md "— 投诉举报"): accepted, not accepted, transferred to another competent
body. Anonymous complaints with no contact are owed no notice and no answer
(``PublicComplaintFile.owed_answer``); the 信访 channel's statutory bounds are deadlines of their own.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final

from audit.complaint_rulebook import ALL_CMP, CMP_ACCEPTED, CMP_NOT_ACCEPTED, complaint_rule
from audit.complaint_subject import CMP04, ComplaintSubject
from audit.facts import RawStep, text_of
from audit.model import BLOCKER, MAJOR, MINOR
from audit.rulebook import Hit, refs
from audit.rules.common import combine, is_doc
from domain.config import LAW, PETITION_RULE
from domain.reading import mapping_of, texts_of
from domain.roles import holds_role, role_problem

ACCEPTED: Final = (CMP_ACCEPTED,)
DECIDING: Final = (CMP_ACCEPTED, CMP_NOT_ACCEPTED)
_LOCAL: Final = "地方行政执法投诉举报办法"
SUPERVISOR: Final = ("supervisor",)

Parts = list[tuple[str, str, RawStep | None]]


def deadline_parts(s: ComplaintSubject, rule_id: str, severity: dict[str, str]) -> tuple[Parts, bool]:
    """A part for each breached deadline of ``rule_id`` (severity by the deadline's key), and whether
    every breach is only provisional (CAL-03: a year the calendar does not know)."""
    found = s.breaches(rule_id)
    certain = [b for b in found if b.kind != "provisional"]
    shown = certain or found
    return [(severity.get(b.deadline.key, MINOR), b.message, None) for b in shown], bool(found) and not certain


def with_refs(hit: Hit | None, steps: Sequence[RawStep | None]) -> Hit | None:
    """``hit`` naming ``steps`` when its parts named none."""
    if hit is None or hit.events:
        return hit
    return Hit(hit.message, refs(steps), hit.severity, hit.provisional)


# --------------------------------------------------------------------------- 登记


_REGISTERED: Final = (("received_at", "收到时间"), ("channel", "渠道"), ("nature", "性质（投诉或检举、举报）"),
                      ("summary", "内容摘要"))


@complaint_rule("CMP-01", "投诉举报未依法登记", MINOR,
      f"{LAW}第七十五条第二款；{PETITION_RULE}第二十三条第一款；《优化营商环境条例》第四十九条", ALL_CMP)
def cmp01(s: ComplaintSubject) -> Hit | None:
    received = s.facts.first("ComplaintReceived")
    if received is None:
        return Hit("投诉举报未登记（无投诉举报登记记录）", refs(s.facts.steps[:1]))
    data = received.data
    missing = [label for key, label in _REGISTERED if not text_of(data.get(key))]
    against = mapping_of(data.get("against"))
    if not text_of(against.get("agency")):
        missing.append("被投诉举报的行政机关（against.agency）")
    if not is_doc(data.get("record")):
        missing.append("投诉举报登记表")
    if data.get("anonymous") is not True and not isinstance(data.get("complainant"), dict):
        missing.append("投诉举报人（或匿名标记）")
    problems = [f"登记缺少{'、'.join(missing)}"] if missing else []
    if text_of(against.get("document_no")) and not text_of(against.get("stream")):
        problems.append(f"投诉举报人提供了文书号 {against['document_no']}，登记未关联所涉案卷（against.stream）")
    return Hit("；".join(problems), refs([received])) if problems else None


# --------------------------------------------------------------------------- 受理


@complaint_rule("CMP-02", "未在期限内决定是否受理", MINOR,
                f"{_LOCAL}（5个工作日，Q27）；{PETITION_RULE}第二十三条第二款", ALL_CMP)
def cmp02(s: ComplaintSubject) -> Hit | None:
    """The 5 WD decision (MINOR) and, for the 信访 channel, telling the complainant within 15 ND
    (MAJOR); both counted by ``domain.complaint_limits`` (an anonymous complainant is owed no notice)."""
    parts, provisional = deadline_parts(s, "CMP-02", {"CMP-02/petition": MAJOR})
    hit = combine(parts, MINOR)
    if hit is not None and provisional:
        hit = Hit(hit.message, hit.events, hit.severity, provisional=True)
    decided = s.facts.all("ComplaintAccepted", "ComplaintNotAccepted", "ComplaintTransferred")
    return with_refs(hit, [s.facts.first("ComplaintReceived"), *decided[:1]])


_ROUTED: Final = frozenset({"outside_scope", "in_review_or_litigation", "already_decided"})
"""Reasons for which another procedure fits, so the route must be told (信访工作条例第二十三条、第三十一条)."""
_TIMED: Final = re.compile(r"复议|诉讼")
_LIMIT: Final = re.compile(r"[0-9０-９一二三四五六七八九十百]+\s*(日|天|个月|月|年)")


@complaint_rule("CMP-03", "不予受理未说明理由或救济途径", MAJOR,
      f"{PETITION_RULE}第二十三条第一款、第三十一条；{_LOCAL}", DECIDING)
def cmp03(s: ComplaintSubject) -> Hit | None:
    parts: Parts = []
    for step in s.facts.all("ComplaintNotAccepted"):
        data = step.data
        if not text_of(data.get("reason")) or not text_of(data.get("explanation")):
            parts.append((MAJOR, f"{step.day} 不予受理未载明理由及说明", step))
        route = text_of(data.get("route"))
        if data.get("reason") in _ROUTED and route is None:
            parts.append((MAJOR, f"{step.day} 不予受理（{data.get('reason')}）未告知应当通过的途径（route）", step))
        elif route is not None and _TIMED.search(route) and not _LIMIT.search(route):
            parts.append((MAJOR, f"{step.day} 告知的途径“{route}”未载明其期限", step))
        if s.public.owed_answer and not text_of(data.get("told_at")):
            parts.append((MAJOR, f"{step.day} 不予受理未告知投诉举报人（told_at 缺失）", step))
    return combine(parts)


# --------------------------------------------------------------------------- 保护举报人、回避


@complaint_rule("CMP-04", "举报人身份透露给被举报对象", BLOCKER,
      f"{PETITION_RULE}第三十条第三款；《中华人民共和国个人信息保护法》", ALL_CMP)
def cmp04(s: ComplaintSubject) -> Hit | None:
    """The live gate's own judgement, on every ``ComplaintTransferred`` (so audit and gate agree)."""
    return s.gate_hit(CMP04, s.facts.all("ComplaintTransferred"))


def _handler_parts(s: ComplaintSubject) -> Parts:
    """Who decided, handled and investigated: supervisors of the bureau, none of the agency or the
    officers complained of, as the registry stood on the step's day (``domain.roles``)."""
    against = s.public.against
    parts: Parts = []
    for step in s.facts.all("ComplaintAccepted", "ComplaintInvestigated"):
        named = [*texts_of(step.data.get("handlers")), *texts_of(step.data.get("investigators"))]
        named += [step.data["decided_by"]] if isinstance(step.data.get("decided_by"), str) else []
        for who in dict.fromkeys(named):
            if who in against.officers:
                parts.append((MAJOR, f"{who} 是被投诉举报的执法人员，不得办理（应当回避）", step))
                continue
            record = s.ctx.registry.officer_as_of(who, step.at)
            if record is not None and against.agency is not None and record.agency == against.agency:
                parts.append((MAJOR, f"{who} 属于被投诉举报的 {against.agency}，不得办理（应当回避）", step))
            elif not holds_role(s.ctx.registry, who, SUPERVISOR, s.public.bureau, step.at):
                problem = role_problem(s.ctx.registry, who, SUPERVISOR, s.public.bureau, step.at)
                parts.append((MAJOR, f"办理人员不是司法行政机关的监督人员：{problem}", step))
    return parts


_DECIDED_ON_FACTS: Final = frozenset({"substantiated", "partly_substantiated", "unsubstantiated"})


def _evidence_parts(s: ComplaintSubject) -> Parts:
    """The findings rest on recorded evidence: an investigation with its record before the 处理意见,
    and every rule the 处理意见 finds broken among the investigation's findings."""
    parts: Parts = []
    for concluded in s.facts.all("ComplaintConcluded"):
        if concluded.data.get("outcome") not in _DECIDED_ON_FACTS:
            continue
        investigated = [st for st in s.facts.before(concluded.position, "ComplaintInvestigated")
                        if is_doc(st.data.get("record"))]
        if not investigated:
            parts.append((MAJOR, f"{concluded.day} 处理意见之前无调查核实记录", concluded))
            continue
        found = {f.get("rule") for st in investigated for f in st.data.get("findings") or () if isinstance(f, dict)}
        unsupported = [r for r in texts_of(concluded.data.get("findings")) if r not in found]
        if unsupported:
            parts.append((MAJOR, f"处理意见认定的 {'、'.join(unsupported)} 在调查核实记录中无相应发现", concluded))
    return parts


@complaint_rule("CMP-05", "未独立办理或认定无证据支持", MAJOR,
                f"{PETITION_RULE}第二十八条第三款；《行政执法监督条例》第六条", ACCEPTED)
def cmp05(s: ComplaintSubject) -> Hit | None:
    return combine(_handler_parts(s) + _evidence_parts(s))
