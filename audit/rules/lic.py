"""行政许可法 rules up to the review (LIC-01 to LIC-06) and the calendar rules of licence periods
(CAL-06, CAL-07), one small function each, over the licence file (``projections.licencefile``).

Where a rule is also a live gate (LIC-01), the gate's own check is reused on the step it judges —
the stream before the step, the registry as of its ``at`` — so the audit and the gate never
disagree. Deadlines are the file's, counted by ``domain.licence_limits``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from audit.facts import RawStep, text_of
from audit.licence_rulebook import (
    DENIAL,
    NEW,
    NOT_ACCEPTED,
    ON_THE_SPOT,
    PROCEEDING,
    RENEWAL,
    LicenceSubject,
    licence_rule,
)
from audit.model import BLOCKER, MAJOR, MINOR
from audit.rulebook import Hit, refs
from audit.rules.common import combine, is_doc
from domain.config import LICENSING_LAW
from domain.limits import day_of

LAW: Final = LICENSING_LAW
APPLIED: Final = (NEW, RENEWAL, DENIAL)
"""Applications that were accepted and decided in the ordinary way (LIC-03 … LIC-11)."""
DECIDED: Final = (NEW, RENEWAL, ON_THE_SPOT, DENIAL, PROCEEDING)
_TESTS: Final = frozenset({"inspection", "testing", "quarantine"})

Part = tuple[str, str, RawStep | None]


def gate_parts(s: LicenceSubject, rule_id: str, types: tuple[str, ...]) -> list[Part]:
    """The live gate of ``rule_id`` on each step of ``types``, as BLOCKER parts."""
    return [(BLOCKER, message, step) for message, step in s.gate_messages(rule_id, s.facts.all(*types))]


# --------------------------------------------------------------------------- 主体、申请、受理


@licence_rule("LIC-01", "许可事项未公布或机关无此许可权", BLOCKER, f"{LAW}第五条第二款、第二十二条、第二十四条第三款",
              DECIDED)
def lic01(s: LicenceSubject) -> Hit | None:
    parts = gate_parts(s, "LIC-01", ("LicenceGranted", "LicenceDenied", "LicenceWithdrawn", "LicenceRevoked",
                                     "LicenceCancelled"))
    for step in s.facts.all("LicenceGranted", "LicenceDenied", "LicenceWithdrawn", "LicenceRevoked",
                            "LicenceCancelled"):
        sealed = step.get("sealed_by")
        own = step.get("by_superior") or s.file.agency
        if sealed and own and sealed != own:
            parts.append((BLOCKER, f"{step.day} 的决定由 {sealed} 盖章，不是作出决定的机关 {own}", step))
    return combine(parts, BLOCKER)


@licence_rule("LIC-02", "申请材料接收或补正要求不规范", MINOR, f"{LAW}第二十九条至第三十一条",
              (NEW, RENEWAL, ON_THE_SPOT, NOT_ACCEPTED, DENIAL))
def lic02(s: LicenceSubject) -> Hit | None:
    applied = s.facts.first("LicenceApplied")
    if applied is None:
        return None
    parts: list[Part] = []
    if applied.time("received_at") is None:
        parts.append((MINOR, "申请未载明收件时间", applied))
    if not applied.get("materials"):
        parts.append((MINOR, "申请未登记所收材料清单", applied))
    if not is_doc(applied.get("receipt")):
        parts.append((MINOR, "未出具申请材料接收凭证", applied))
    agent = applied.get("agent")
    if isinstance(agent, Mapping) and not is_doc(agent.get("authorization")):
        parts.append((MINOR, f"代理人 {agent.get('name')} 未附授权委托书", applied))
    listed = set(s.item.licence.materials) if s.item is not None and s.item.licence is not None else set()
    submitted = {str(m.get("name")) for m in applied.get("materials") or () if isinstance(m, Mapping)}
    for request in s.facts.all("SupplementRequested"):
        outside = [i for i in request.get("items") or () if isinstance(i, str)
                   and i not in listed and not any(name in i for name in submitted)]
        if outside and listed:
            parts.append((MAJOR, f"{request.day} 要求补正的 {'、'.join(outside)} 不在公布的申请材料目录内，"
                                 "也不是对已交材料的补正", request))
    return combine(parts, MINOR)


@licence_rule("LIC-03", "未在五日内一次告知补正", MAJOR, f"{LAW}第三十二条第一款第四项、第七十二条第四项、第八十二条",
              (*APPLIED, NOT_ACCEPTED))
def lic03(s: LicenceSubject) -> Hit | None:
    parts: list[Part] = []
    applied = s.facts.first("LicenceApplied")
    requests = s.facts.all("SupplementRequested")
    late = s.deadline_hit("LIC-03")
    if late is not None:
        if late.provisional and not requests[1:]:
            return Hit(late.message, refs([applied, *requests]), provisional=True)
        if not late.provisional:
            deemed = "，视为自收到申请材料之日起受理" if s.file.deemed_accepted else ""
            parts.append((MAJOR, late.message + deemed, requests[0] if requests else applied))
    for extra in requests[1:]:
        parts.append((MAJOR, f"{extra.day} 再次要求补正：补正内容应当一次告知", extra))
    for request in requests:
        if not [i for i in request.get("items") or () if isinstance(i, str) and i.strip()]:
            parts.append((MAJOR, f"{request.day} 的补正告知书未列明需要补正的内容", request))
    refused = s.facts.first("LicenceNotAccepted")
    if refused is not None and s.file.deemed_accepted and refused.get("reason") == "not_supplemented":
        parts.append((MAJOR, "逾期未告知补正已视为受理，又以未补正为由不予受理", refused))
    return combine(parts)


@licence_rule("LIC-04", "受理或不予受理凭证未盖章、未注明日期", MINOR, f"{LAW}第三十二条第二款",
              (*APPLIED, NOT_ACCEPTED))
def lic04(s: LicenceSubject) -> Hit | None:
    parts: list[Part] = []
    for step in s.facts.all("LicenceAccepted", "LicenceNotAccepted"):
        if not is_doc(step.get("notice")):
            parts.append((MINOR, f"{step.day} 未出具书面受理（不予受理）凭证", step))
        if step.get("sealed_by") != s.file.agency:
            parts.append((MINOR, f"{step.day} 的受理（不予受理）凭证未加盖本机关专用印章", step))
    decision = s.decision
    if decision is not None and not s.facts.before(decision.position, "LicenceAccepted", "LicenceNotAccepted"):
        parts.append((MINOR, "作出许可决定前没有受理或不予受理的书面凭证", decision))
    return combine(parts, MINOR)


@licence_rule("LIC-05", "不予受理的理由或时机不合法", MAJOR, f"{LAW}第三十二条第一款、第七十二条第一项、第七项",
              (NOT_ACCEPTED,))
def lic05(s: LicenceSubject) -> Hit | None:
    refused = s.facts.first("LicenceNotAccepted")
    applied = s.facts.first("LicenceApplied")
    if refused is None:
        return None
    parts: list[Part] = []
    reason = refused.get("reason")
    if not reason or not text_of(refused.get("explanation")):
        parts.append((MAJOR, "不予受理未说明理由", refused))
    for key, label in (("notice", "不予受理决定书"), ("sealed_by", "印章"), ("served_at", "送达时间")):
        if not refused.get(key):
            parts.append((MAJOR, f"不予受理缺少{label}", refused))
    received = applied.day_of("received_at") if applied is not None else None
    if reason in ("not_required", "not_competent") and received is not None and refused.day != received:
        parts.append((MINOR, f"依法应当即时不予受理，实际于 {refused.day}（收件 {received}）作出", refused))
    if reason == "not_competent" and not text_of(refused.get("competent_body")):
        parts.append((MAJOR, "不属本机关职权范围的，未告知申请人向有关行政机关申请", refused))
    if reason == "not_supplemented":
        due = [day_of(r.get("due")) for r in s.facts.before(refused.position, "SupplementRequested")]
        if not due:
            parts.append((MAJOR, "以未补正为由不予受理，但此前未告知补正", refused))
        elif all(d is None or d >= refused.day for d in due):
            parts.append((MAJOR, "补正期限届满前即以未补正为由不予受理", refused))
    if not isinstance(refused.get("remedies"), Mapping):
        parts.append((MINOR, "不予受理未告知申请行政复议或提起行政诉讼的权利", refused))
    return combine(parts)


@licence_rule("LIC-06", "核查人员不足两名或检验检测未及时进行", MAJOR, f"{LAW}第三十四条第三款、第五十五条第二款",
              (*APPLIED, ON_THE_SPOT))
def lic06(s: LicenceSubject) -> Hit | None:
    parts: list[Part] = []
    for check in s.facts.all("SiteVerificationRecorded"):
        staff = list(dict.fromkeys(x for x in check.get("staff") or () if isinstance(x, str)))
        if len(staff) < 2:
            parts.append((MAJOR, f"{check.day} 的核查仅有 {len(staff)} 名工作人员，应当指派两名以上", check))
        if not is_doc(check.get("record")):
            parts.append((MINOR, f"{check.day} 的核查未制作核查笔录", check))
        if check.get("signed_by_applicant") is not True and check.get("refusal_noted") is not True:
            parts.append((MINOR, f"{check.day} 的核查笔录未经被核查人签字，也未注明拒签", check))
        if check.get("credentials_shown") is not True:
            parts.append((MINOR, f"{check.day} 核查时未出示执法证件", check))
        for who in staff:
            record = s.ctx.registry.officer_as_of(who, check.at)
            why = record.credential_problem(check.day) if record is not None else "未登记执法证件"
            if why is not None:
                parts.append((MINOR, f"{check.day} 的核查人员 {who} {why}", check))
    parts += _testing_parts(s)
    return combine(parts)


def _testing_parts(s: LicenceSubject) -> list[Part]:
    item = s.item
    accepted = s.file.accepted_on
    if item is None or item.licence is None or not item.licence.testing or accepted is None:
        return []
    due = s.ctx.calendar.add_working_days(accepted, 5)
    tests = [n for n in s.facts.all("ExcludedPeriodNotified") if n.get("reason") in _TESTS]
    started = min((day_of(n.get("from_on")) or n.day for n in tests), default=None)
    if started is None:
        if s.as_of <= due.due and not s.decision:
            return []
        return [(MAJOR, f"须检验、检测、检疫的事项，受理（{accepted}）后五日内（{due.due} 前）未指派人员开始检验",
                 s.decision)]
    if not due.provisional and started > due.due:
        return [(MAJOR, f"检验、检测、检疫于 {started} 开始，晚于受理后五日（{due.due}）", tests[0])]
    return []


# --------------------------------------------------------------------------- 期限的计算


@licence_rule("CAL-06", "许可期限未按工作日计算", MAJOR, f"{LAW}第八十二条", APPLIED)
def cal06(s: LicenceSubject) -> Hit | None:
    """The dates the agency told the applicant (受理通知书's ``promised_on``) are counted in working
    days: a promised date after LIC-10's statutory limit (counted on the calendar, CAL-06/07) means
    the 20 days were counted otherwise."""
    limit = s.file.deadline("LIC-10")
    parts: list[Part] = []
    for accepted in s.facts.all("LicenceAccepted"):
        promised = day_of(accepted.get("promised_on"))
        if limit is None or promised is None or limit.due.provisional:
            continue
        if promised > limit.due.due:
            parts.append((MAJOR, f"受理通知书承诺 {promised} 前作出决定，晚于按工作日计算的法定期限 {limit.due.due}"
                                 "（行政许可期限以工作日计算，不含法定节假日）", accepted))
    return combine(parts)


@licence_rule("CAL-07", "不计入期限的期间计算有误", MINOR, f"{LAW}第四十五条", APPLIED)
def cal07(s: LicenceSubject) -> Hit | None:
    """A notified excluded span must be a span: ``until`` (and an ``ended_on``) not before
    ``from_on``; two notices of one reason may not overlap (the days would count twice)."""
    parts: list[Part] = []
    seen: list[tuple[str, object, object, RawStep]] = []
    for notice in s.facts.all("ExcludedPeriodNotified"):
        start, until = day_of(notice.get("from_on")), day_of(notice.get("until"))
        if start is not None and until is not None and until < start:
            parts.append((MINOR, f"{notice.day} 告知的不计期间止于 {until}，早于其起始日 {start}", notice))
            continue
        for reason, a, b, other in seen:
            if (reason == notice.get("reason") and start is not None and until is not None
                    and isinstance(a, type(start)) and isinstance(b, type(start)) and start <= b and a <= until):
                parts.append((MINOR, f"{notice.day} 告知的不计期间与 {other.day} 告知的同一事由期间重叠", notice))
        seen.append((str(notice.get("reason")), start, until, notice))
    for ended in s.facts.all("ExcludedPeriodEnded"):
        notices = [n for n in s.facts.before(ended.position, "ExcludedPeriodNotified")
                   if n.get("reason") == ended.get("reason")]
        start = day_of(notices[-1].get("from_on")) if notices else None
        end = day_of(ended.get("ended_on"))
        if start is not None and end is not None and end < start:
            parts.append((MINOR, f"不计期间的结束日 {end} 早于其起始日 {start}", ended))
    return combine(parts, MINOR)


