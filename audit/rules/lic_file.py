"""The other families' rules on licence files: TS-10 (法制审核 of a licence decision), TS-03 and the
licence side of PUB-06/PUB-07 (事后公开), EVAL-09 (the documents of a 许可 file)."""

from __future__ import annotations

from typing import Final

from audit.licence_rulebook import (
    ALL_LICENCE_PATHS,
    NEW,
    NOT_ACCEPTED,
    ON_THE_SPOT,
    PROCEEDING,
    RENEWAL,
    LicenceSubject,
    licence_rule,
)
from audit.model import BLOCKER, MAJOR
from audit.rulebook import Hit, refs
from audit.rules.common import combine, is_doc
from audit.rules.lic import Part
from domain.config import DOC_118, LICENSING_LAW
from domain.roles import role_problem

_PUBLISHED: Final = (NEW, RENEWAL, ON_THE_SPOT, PROCEEDING)
_ACTIONS: Final = {"LicenceWithdrawn": "撤回", "LicenceRevoked": "撤销", "LicenceCancelled": "注销"}


@licence_rule("TS-10", "重大许可决定未经法制审核", MAJOR, f"{DOC_118}（法制审核）", (NEW, RENEWAL))
def ts10(s: LicenceSubject) -> Hit | None:
    decision = s.decision
    if decision is None:
        return None
    agency = s.agency_at(decision.at)
    listed = agency is not None and agency.catalogue is not None and s.file.item in agency.catalogue.items
    heard = bool(s.before_decision("HearingHeld"))
    if not listed and not heard:
        return None
    why = "许可事项列入法制审核目录" if listed else "决定经过听证"
    approved = [r for r in s.before_decision("LegalReviewCompleted") if r.get("outcome") == "approved"]
    if not approved:
        return Hit(f"{why}，决定前未经法制审核通过", refs([decision]))
    parts: list[Part] = []
    handlers = {r.get("reviewer") for r in s.facts.all("LicenceReviewed")} | {
        x for v in s.facts.all("SiteVerificationRecorded") for x in v.get("staff") or ()}
    for review in approved:
        reviewer = review.get("reviewer")
        if reviewer in handlers:
            parts.append((MAJOR, f"法制审核由承办人员 {reviewer} 作出", review))
        problem = role_problem(s.ctx.registry, reviewer, ("legal_reviewer",), s.file.agency, review.at)
        record = s.ctx.registry.officer_as_of(reviewer, review.at) if isinstance(reviewer, str) else None
        if problem is not None or record is None or not record.legal_qualification_no:
            parts.append((MAJOR, f"法制审核人员 {reviewer} 不是具备法律职业资格的本机关法制审核人员", review))
    return combine(parts)


@licence_rule("TS-03", "事后公开不及时", MAJOR, f"{DOC_118}（7 个工作日内公开行政许可决定信息）", _PUBLISHED)
def ts03(s: LicenceSubject) -> Hit | None:
    """The licence side of TS-03: 准予, 变更, 延续, 撤回, 撤销, 注销 within 7 WD (accompanies LIC-15)."""
    return s.deadline_hit("LIC-15", refs([s.decision]))


@licence_rule("PUB-06", "公开的许可信息不完整", MAJOR,
              f"{LICENSING_LAW}第五条第二款、第四十条；企业信息公示暂行条例第七条", _PUBLISHED)
def pub06(s: LicenceSubject) -> Hit | None:
    """A licence record states the document number, the holder (organisation name and credit code),
    the licence number once issued, and for a proceeding its action (PUB-06's table)."""
    decision = s.decision
    if decision is None:
        return None
    parts: list[Part] = []
    holder = s.file.applicant
    issued = s.file.issued
    for published in s.facts.after(decision.position, "DecisionPublished"):
        text = str(published.get("text") or "")
        missing = []
        number = decision.get("document_no")
        if isinstance(number, str) and number and number not in text:
            missing.append("决定书文号")
        if holder is not None and holder.kind == "organisation":
            if holder.name and holder.name not in text:
                missing.append("被许可人名称")
            if holder.credit_code and holder.credit_code not in text:
                missing.append("统一社会信用代码")
        if issued is not None and issued.licence_no and issued.licence_no not in text:
            missing.append("许可证号")
        action = _ACTIONS.get(decision.type)
        if action is not None and action not in text:
            missing.append(f"{action}事项")
        if missing:
            parts.append((MAJOR, f"{published.day} 公开的许可信息缺少{'、'.join(missing)}", published))
        break  # the record of the decision; later ones are corrections or other decisions
    return combine(parts)


@licence_rule("PUB-07", "撤销或变更的许可决定未及时撤下", MAJOR, f"{DOC_118}（及时撤下）", ALL_LICENCE_PATHS)
def pub07(s: LicenceSubject) -> Hit | None:
    return s.deadline_hit("PUB-07", refs([*s.facts.all("DecisionCorrected"), *s.facts.all("DecisionPublished")]))


def _eval09_parts(s: LicenceSubject) -> list[Part]:
    parts: list[Part] = []
    applied = s.facts.first("LicenceApplied")
    decision = s.decision
    if applied is not None and not is_doc(applied.get("receipt")):
        parts.append((MAJOR, "缺少申请材料接收凭证（卷内第3项）", applied))
    for request in s.facts.all("SupplementRequested"):
        if not is_doc(request.get("notice")):
            parts.append((MAJOR, "缺少补正告知书（卷内第4项）", request))
    reply = s.facts.all("LicenceAccepted", "LicenceNotAccepted")
    if s.file.concluded and applied is not None and not reply and s.path != ON_THE_SPOT:
        parts.append((MAJOR, "缺少受理通知书或不予受理决定书（卷内第5项）", decision or applied))
    for step in reply:
        if not is_doc(step.get("notice")):
            parts.append((MAJOR, "缺少受理通知书或不予受理决定书（卷内第5项）", step))
    for held in s.facts.all("HearingHeld"):
        if not is_doc(held.get("record")):
            parts.append((BLOCKER, "举行了听证，卷内缺少听证笔录（第8项）", held))
    for review in s.facts.all("LegalReviewCompleted"):
        if not is_doc(review.get("document")):
            parts.append((MAJOR, "缺少法制审核意见书（卷内第12项）", review))
    if decision is not None:
        if decision.type in ("LicenceGranted", "LicenceDenied") and not is_doc(decision.get("approval_form")):
            parts.append((MAJOR, "缺少行政许可审批表（卷内第13项）", decision))
        if not is_doc(decision.get("document")):
            parts.append((BLOCKER, "缺少行政许可决定书（卷内第14项）", decision))
    for issued in s.facts.all("LicenceIssued"):
        if not is_doc(issued.get("certificate")):
            parts.append((MAJOR, "缺少行政许可证件复印件（卷内第15项）", issued))
    return parts


@licence_rule("EVAL-09", "许可案卷材料不齐全", MAJOR, "行政许可案卷评查标准；rules.md EVAL-09", ALL_LICENCE_PATHS)
def eval09(s: LicenceSubject) -> Hit | None:
    """EVAL-09's bold items where their trigger arose; a missing decision (item 14), or the record of
    a hearing held (item 8), is a veto; a hearing required but never held is LIC-08's finding."""
    parts = _eval09_parts(s)
    if s.path == PROCEEDING:
        for notice in s.facts.all("ProposedActionNoticeServed"):
            if not is_doc(notice.get("receipt")):
                parts.append((MAJOR, "缺少拟作决定告知书的送达回证", notice))
    if s.path == NOT_ACCEPTED:
        refused = s.facts.first("LicenceNotAccepted")
        if refused is not None and not refused.time("served_at"):
            parts.append((MAJOR, "缺少不予受理决定书的送达记录", refused))
    return combine(parts)



