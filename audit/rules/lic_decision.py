"""行政许可法 rules from the hearing of others to the certificate (LIC-07 to LIC-13).

LIC-08 and LIC-12 are also live gates: their BLOCKER parts are the gates' own checks, judged on
the decision as the stream stood before it (``LicenceSubject.gate_messages``); the audit adds
the MAJOR parts the gates leave to it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from audit.facts import text_of
from audit.licence_rulebook import DENIAL, NEW, ON_THE_SPOT, PROCEEDING, RENEWAL, LicenceSubject, licence_rule
from audit.model import BLOCKER, MAJOR, MINOR
from audit.rulebook import Hit, refs
from audit.rules.common import combine, is_doc, remedies_problems
from audit.rules.lic import APPLIED, LAW, Part, gate_parts
from domain.licence_limits import hearing_notice_in_time
from domain.limits import EXCLUDED_REASONS, day_of

_ISSUED: Final = (NEW, RENEWAL, ON_THE_SPOT)
_TESTS: Final = frozenset({"inspection", "testing", "quarantine"})


def _names(value: object) -> set[str]:
    """The names of the parties a step lists."""
    items = value if isinstance(value, list) else [value]
    return {str(p.get("name")) for p in items if isinstance(p, Mapping) and p.get("name")}


def interested(s: LicenceSubject) -> set[str]:
    """LIC-07's condition: the interested parties the review named (any review of the file)."""
    found: set[str] = set()
    for review in s.facts.all("LicenceReviewed"):
        found |= _names(review.get("interested_parties"))
    return found


def affects_others(s: LicenceSubject) -> bool:
    item = s.item
    return bool(interested(s)) or bool(item is not None and item.licence is not None
                                       and item.licence.affects_third_parties)


@licence_rule("LIC-07", "未告知利害关系人或未听取意见", MAJOR, f"{LAW}第七条、第三十六条、第七十二条第三项", APPLIED)
def lic07(s: LicenceSubject) -> Hit | None:
    decision = s.decision
    if decision is None or not affects_others(s):
        return None
    parts: list[Part] = []
    told: set[str] = set()
    for notice in s.before_decision("InterestedPartyNotified"):
        told |= _names(notice.get("party"))
    missing = sorted(interested(s) - told)
    if missing:
        parts.append((MAJOR, f"直接关系他人重大利益，未在决定前告知利害关系人 {'、'.join(missing)}", decision))
    elif not told:
        parts.append((MAJOR, "许可事项涉及第三方利益，决定前未告知任何利害关系人", decision))
    for statement in s.before_decision("StatementSubmitted"):
        if not s.facts.after(statement.position, "StatementReviewed") or all(
                r.position > decision.position for r in s.facts.after(statement.position, "StatementReviewed")):
            parts.append((MAJOR, f"{statement.day} 提出的陈述申辩在决定前未予复核", statement))
    return combine(parts)


@licence_rule("LIC-08", "依法应当听证而未听证", BLOCKER,
              f"{LAW}第四十六条、第四十七条第一款、第四十八条第二款、第七十二条第八项", APPLIED)
def lic08(s: LicenceSubject) -> Hit | None:
    parts = gate_parts(s, "LIC-08", ("LicenceGranted", "LicenceDenied"))
    decision = s.decision
    if decision is None:
        return combine(parts, BLOCKER)
    if affects_others(s):
        told: set[str] = set()
        for notice in s.before_decision("HearingRightsNotified"):
            told |= _names(notice.get("to"))
        applicant = s.file.applicant.name if s.file.applicant is not None else None
        missing = sorted((interested(s) | ({applicant} if applicant else set())) - told)
        if missing:
            parts.append((MAJOR, "直接涉及申请人与他人之间重大利益关系，决定前未告知 "
                                 f"{'、'.join(missing)} 享有要求听证的权利", decision))
    if s.before_decision("HearingHeld") and decision.get("hearing_record_considered") is not True:
        parts.append((MAJOR, "举行听证后，决定未载明根据听证笔录作出", decision))
    return combine(parts, BLOCKER)


@licence_rule("LIC-09", "听证程序或期限不合法", MAJOR, f"{LAW}第四十七条、第四十八条第一款", APPLIED)
def lic09(s: LicenceSubject) -> Hit | None:
    parts: list[Part] = []
    for late in s.breaches("LIC-09"):
        if late.deadline.done_on is not None and late.kind == "late":
            parts.append((MAJOR, late.message, s.facts.first("HearingHeld")))
    reviewers = {r.get("reviewer") for r in s.facts.all("LicenceReviewed")}
    staff = {x for v in s.facts.all("SiteVerificationRecorded") for x in v.get("staff") or ()}
    for held in s.facts.all("HearingHeld"):
        notices = s.facts.before(held.position, "HearingNoticeServed")
        if not notices:
            parts.append((MAJOR, f"{held.day} 举行听证前未通知申请人、利害关系人", held))
        else:
            notice = notices[-1]
            if not notice.time("hearing_at") or not text_of(notice.get("place")):
                parts.append((MAJOR, "听证通知未载明举行听证的时间、地点", notice))
            timely = hearing_notice_in_time(s.ctx.calendar, notice.day_of("served_at"), held.day,
                                            s.config.licence.hearing_notice_wd)
            if timely is False:
                parts.append((MAJOR, f"听证通知于 {notice.day_of('served_at')} 送达，距 {held.day} 举行听证不足 "
                                     f"{s.config.licence.hearing_notice_wd} 个工作日", notice))
        if held.get("public") is not True:
            parts.append((MAJOR, f"{held.day} 的听证未公开举行", held))
        presider = held.get("presider")
        if presider in reviewers or presider in staff:
            parts.append((MAJOR, f"听证主持人 {presider} 是审查该申请的工作人员", held))
        if held.get("record_confirmed") is not True:
            parts.append((MAJOR, f"{held.day} 的听证笔录未经听证参加人确认签字", held))
    return combine(parts)


@licence_rule("LIC-10", "未在法定期限内作出许可决定", MAJOR, f"{LAW}第四十二条、第四十五条、第七十四条第二项", APPLIED)
def lic10(s: LicenceSubject) -> Hit | None:
    parts: list[Part] = []
    anchor = s.decision or s.facts.first("LicenceAccepted") or s.facts.first("LicenceApplied")
    late = s.deadline_hit("LIC-10", key=lambda k: k == "LIC-10")
    if late is not None and late.provisional:
        return Hit(late.message, refs([anchor]), provisional=True)
    if late is not None:
        parts.append((MAJOR, late.message, anchor))
    for ext in s.facts.all("TimeLimitExtended"):
        if ext.get("rule") != "LIC-10":
            continue
        if not s.is_head(ext.get("approved_by"), ext):
            parts.append((MAJOR, f"{ext.day} 延长决定期限未经本机关负责人批准", ext))
        if not ext.time("told_at"):
            parts.append((MAJOR, f"{ext.day} 延长决定期限未将理由告知申请人", ext))
    for judged in s.file.extensions:
        if judged.late:
            step = next((e for e in s.facts.all("TimeLimitExtended") if e.version == judged.extension.version), None)
            parts.append((MAJOR, f"{judged.extension.approved_on} 批准的延长晚于期限届满日 {judged.due_before.due}，"
                                 "延长无效", step))
    promised = s.deadline_hit("LIC-10", key=lambda k: k == "LIC-10/promised")
    if promised is not None and not promised.provisional and late is None:
        parts.append((MINOR, "超过承诺时限：" + promised.message, anchor))
    return combine(parts)


@licence_rule("LIC-11", "不计期限的期间未书面告知", MINOR, f"{LAW}第四十五条", APPLIED)
def lic11(s: LicenceSubject) -> Hit | None:
    parts: list[Part] = []
    notices = s.facts.all("ExcludedPeriodNotified")
    for notice in notices:
        start, until = day_of(notice.get("from_on")), day_of(notice.get("until"))
        if notice.get("reason") not in EXCLUDED_REASONS:
            parts.append((MINOR, f"{notice.day} 告知的不计期间事由不在第四十五条所列范围内", notice))
        if start is None or until is None:
            parts.append((MINOR, f"{notice.day} 告知的不计期间没有明确的起止日期", notice))
        if not is_doc(notice.get("notice")):
            parts.append((MINOR, f"{notice.day} 的不计期间未书面告知", notice))
        if start is not None and notice.day_of("served_at") > start:
            parts.append((MINOR, f"不计期间自 {start} 起算，告知书 {notice.day_of('served_at')} 才送达", notice))
        ended = [e for e in s.facts.after(notice.position, "ExcludedPeriodEnded")
                 if e.get("reason") == notice.get("reason")]
        if not ended and until is not None and (s.decision is not None or s.as_of > until):
            parts.append((MINOR, f"{notice.day} 告知的不计期间没有结束记录", notice))
    for closing in s.facts.all("ExcludedPeriodEnded"):
        mine = [n for n in s.facts.before(closing.position, "ExcludedPeriodNotified")
                if n.get("reason") == closing.get("reason")]
        if not mine:
            parts.append((MINOR, f"{closing.day} 结束的不计期间事先未书面告知申请人，不能从期限中扣除", closing))
            continue
        until, end = day_of(mine[-1].get("until")), day_of(closing.get("ended_on"))
        if until is not None and end is not None and end > until:
            parts.append((MINOR, f"不计期间实际持续至 {end}，超出告知的 {until}，超出部分未另行告知", closing))
    return combine(parts, MINOR)


@licence_rule("LIC-12", "许可决定形式不合法", BLOCKER, f"{LAW}第三十八条、第五十五条第三款、第七十二条第七项",
              (NEW, RENEWAL, ON_THE_SPOT, DENIAL, PROCEEDING))
def lic12(s: LicenceSubject) -> Hit | None:
    parts = gate_parts(s, "LIC-12", ("LicenceGranted", "LicenceDenied", "LicenceWithdrawn", "LicenceRevoked",
                                     "LicenceCancelled"))
    agency = None
    for step in s.facts.all("LicenceGranted", "LicenceDenied", "LicenceWithdrawn", "LicenceRevoked",
                            "LicenceCancelled"):
        agency = s.agency_at(step.at)
        if step.type != "LicenceCancelled":
            if not text_of(step.get("document_no")):
                parts.append((MAJOR, f"{step.day} 的决定书没有文号", step))
            if not s.is_head(step.get("approved_by"), step):
                parts.append((MAJOR, f"{step.day} 的决定未经本机关负责人批准（approved_by {step.get('approved_by')}）",
                              step))
        if step.type in ("LicenceDenied", "LicenceWithdrawn", "LicenceRevoked"):
            remedies = step.get("remedies")
            if not isinstance(remedies, Mapping):
                parts.append((MAJOR, f"{step.day} 的决定未告知申请行政复议、提起行政诉讼的权利", step))
            else:
                problems = remedies_problems(remedies, agency, s.config)
                if problems:
                    parts.append((MAJOR, "救济告知有误：" + "；".join(problems), step))
        if step.type == "LicenceDenied" and not step.get("technical_standards") and any(
                n.get("reason") in _TESTS for n in s.facts.before(step.position, "ExcludedPeriodNotified")):
            parts.append((MAJOR, "依据检验、检测结果不予许可，未书面说明所依据的技术标准、技术规范", step))
    return combine(parts, BLOCKER)


@licence_rule("LIC-13", "未在十日内颁发、送达许可证件", MAJOR, f"{LAW}第三十九条、第四十四条", _ISSUED)
def lic13(s: LicenceSubject) -> Hit | None:
    parts: list[Part] = []
    late = s.deadline_hit("LIC-13")
    if late is not None and late.provisional:
        return Hit(late.message, refs([s.decision]), provisional=True)
    if late is not None:
        parts.append((MAJOR, late.message, s.facts.first("LicenceIssued") or s.decision))
    for issued in s.facts.all("LicenceIssued"):
        if not text_of(issued.get("licence_no")):
            parts.append((MAJOR, "许可证件未载明证号", issued))
        if not is_doc(issued.get("certificate")):
            parts.append((MAJOR, "未留存许可证件（复印件）", issued))
        if issued.get("sealed_by") != s.file.agency:
            parts.append((MAJOR, "许可证件未加盖本机关印章", issued))
    return combine(parts)
