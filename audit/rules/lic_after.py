"""行政许可法 rules after the decision and on the agency's proceedings (LIC-14 to LIC-19)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from audit.facts import text_of
from audit.licence_rulebook import DENIAL, NEW, ON_THE_SPOT, PROCEEDING, RENEWAL, LicenceSubject, licence_rule
from audit.model import INFO, MAJOR, MINOR
from audit.rulebook import Hit, refs
from audit.rules.common import combine
from audit.rules.lic import LAW, Part
from domain.limits import day_of

_LAWFUL_FEE_RANKS: Final = frozenset({"law", "administrative_regulation"})
_PARAGRAPH_2: Final = frozenset({"fraud_or_bribery"})


@licence_rule("LIC-14", "违法收取许可费用", MAJOR, f"{LAW}第五十八条、第五十九条、第七十五条",
              (NEW, RENEWAL, ON_THE_SPOT))
def lic14(s: LicenceSubject) -> Hit | None:
    parts: list[Part] = []
    terms = s.item.licence if s.item is not None else None
    for issued in s.facts.all("LicenceIssued"):
        fee = issued.get("fee")
        if not isinstance(fee, Mapping):
            continue
        amount = fee.get("amount_fen")
        ranks = {b.get("rank") for b in fee.get("basis") or () if isinstance(b, Mapping)}
        if not ranks & _LAWFUL_FEE_RANKS:
            parts.append((MAJOR, "收费没有法律、行政法规依据", issued))
        if terms is None or not terms.fee_basis:
            parts.append((MAJOR, "该许可事项未公布法定收费项目，不得收费", issued))
        elif terms.fee_fen is not None and isinstance(amount, int) and amount > terms.fee_fen:
            parts.append((MAJOR, f"收费 {amount} 分，超过公布的标准 {terms.fee_fen} 分", issued))
        if not text_of(fee.get("receipt_no")):
            parts.append((MAJOR, "收费未出具票据", issued))
    return combine(parts)


@licence_rule("LIC-15", "许可决定未依法公开", MAJOR, f"{LAW}第五条第二款、第四十条；国办发〔2018〕118号",
              (NEW, RENEWAL, ON_THE_SPOT, DENIAL, PROCEEDING))
def lic15(s: LicenceSubject) -> Hit | None:
    late = s.deadline_hit("LIC-15", refs([s.decision, *s.facts.all("DecisionPublished")]))
    parts: list[Part] = []
    if late is not None and late.provisional:
        return late
    if late is not None:
        parts.append((MAJOR, late.message, s.decision))
    for suppressed in s.facts.all("PublicationSuppressed"):
        if not text_of(suppressed.get("reason")):
            parts.append((MAJOR, "不予公开未说明理由", suppressed))
    return combine(parts)


@licence_rule("LIC-16", "延续申请未在有效期届满前决定", MAJOR, f"{LAW}第四十九条、第五十条", (RENEWAL,))
def lic16(s: LicenceSubject) -> Hit | None:
    applied = s.facts.first("LicenceApplied")
    if applied is None:
        return None
    parts: list[Part] = []
    concerns = s.file.concerns
    if not concerns.get("stream"):
        parts.append((MAJOR, "延续申请未载明所涉行政许可", applied))
    granting = s.concerned.first("LicenceApplied") if s.concerned is not None else None
    if granting is not None and granting.get("agency") != s.file.agency:
        parts.append((MAJOR, f"延续申请应向作出许可决定的 {granting.get('agency')} 提出，由 {s.file.agency} 受理",
                      applied))
    decide = s.deadline_hit("LIC-16")
    if decide is not None and not decide.provisional:
        parts.append((MAJOR, decide.message + "（逾期未作决定的，视为准予延续）", s.decision or applied))
    apply_by = s.file.deadline("LIC-16/apply")
    if apply_by is not None and apply_by.done_on is not None and apply_by.done_on > apply_by.due.due:
        parts.append((INFO, f"延续申请于 {apply_by.done_on} 提出，晚于有效期届满三十日前（{apply_by.due.due}）："
                            "系申请人逾期，不是机关的违法", applied))
    return combine(parts, MAJOR)


def _notice_parts(s: LicenceSubject, label: str) -> list[Part]:
    """LIC-17/18: a 拟作决定告知 with the statement right precedes the decision; every statement is
    reviewed before it."""
    decision = s.decision
    if decision is None:
        return []
    parts: list[Part] = []
    notices = s.before_decision("ProposedActionNoticeServed")
    rights = [n.get("rights") for n in notices]
    if not any(isinstance(r, Mapping) and r.get("statement") is True for r in rights):
        parts.append((MAJOR, f"{label}前未告知被许可人拟作决定及陈述、申辩的权利", decision))
    for statement in s.before_decision("StatementSubmitted"):
        if not [r for r in s.facts.after(statement.position, "StatementReviewed") if r.position < decision.position]:
            parts.append((MAJOR, f"{statement.day} 的陈述申辩在{label}前未予复核", statement))
    return parts


def _compensation(step: object) -> Mapping[str, object] | None:
    return step if isinstance(step, Mapping) else None


@licence_rule("LIC-17", "撤回许可不合法", MAJOR, f"{LAW}第七条、第八条", (PROCEEDING,))
def lic17(s: LicenceSubject) -> Hit | None:
    withdrawn = s.facts.first("LicenceWithdrawn")
    if withdrawn is None:
        return None
    parts = _notice_parts(s, "撤回")
    if withdrawn.get("ground") not in ("law_changed", "circumstances_changed"):
        parts.append((MAJOR, "撤回不属于第八条规定的两种情形", withdrawn))
    if not text_of(withdrawn.get("public_interest")):
        parts.append((MAJOR, "撤回未说明所需维护的公共利益", withdrawn))
    paid = _compensation(withdrawn.get("compensation"))
    if paid is None or paid.get("decided") is not True or (paid.get("amount_fen") is None
                                                            and not text_of(paid.get("reasons"))):
        parts.append((MAJOR, "撤回未对补偿作出决定（补偿数额或不予补偿的理由）", withdrawn))
    return combine(parts)


@licence_rule("LIC-18", "撤销许可不合法", MAJOR, f"{LAW}第六十九条、第七十九条", (PROCEEDING,))
def lic18(s: LicenceSubject) -> Hit | None:
    revoked = s.facts.first("LicenceRevoked")
    if revoked is None:
        return None
    parts = _notice_parts(s, "撤销")
    ground, paragraph = revoked.get("ground"), revoked.get("paragraph")
    if (ground in _PARAGRAPH_2) != (paragraph == 2):
        parts.append((MAJOR, f"撤销事由 {ground} 与所依据的第六十九条第 {paragraph} 款不符", revoked))
    granting = s.concerned.first("LicenceApplied") if s.concerned is not None else None
    granted_by = granting.get("agency") if granting is not None else None
    if granted_by is not None and s.file.agency != granted_by and not revoked.get("by_superior"):
        parts.append((MAJOR, f"撤销由 {s.file.agency} 作出，既非作出许可的 {granted_by}，也未载明系其上级机关",
                      revoked))
    if not text_of(revoked.get("public_interest_check")):
        parts.append((MAJOR, "撤销未审查是否可能对公共利益造成重大损害", revoked))
    if paragraph == 1 and _compensation(revoked.get("compensation")) is None:
        parts.append((MAJOR, "依第六十九条第一款撤销，未对被许可人的赔偿作出处理", revoked))
    if paragraph == 2 and not _penalty_opened(s):
        parts.append((MAJOR, "以欺骗、贿赂等不正当手段取得许可被撤销，未依第七十九条立案给予行政处罚", revoked))
    return combine(parts)


def _penalty_opened(s: LicenceSubject) -> bool:
    """A penalty case whose source names this stream or the licence (a linked ``case/`` stream)."""
    names = {s.file.stream, s.file.concerns.get("stream")}
    for facts in s.linked.values():
        for source in facts.all("CaseSourceRecorded"):
            origin = source.get("origin")
            if isinstance(origin, Mapping) and origin.get("stream") in names:
                return True
    return False


@licence_rule("LIC-19", "许可终止后未依法办理注销", MINOR, f"{LAW}第七十条", (PROCEEDING,))
def lic19(s: LicenceSubject) -> Hit | None:
    parts: list[Part] = []
    late = s.deadline_hit("LIC-19", refs([*s.facts.all("LicenceRevoked", "LicenceWithdrawn")]))
    if late is not None:
        return late
    for cancelled in s.facts.all("LicenceCancelled"):
        if day_of(cancelled.get("cancelled_on")) is None:
            parts.append((MINOR, "注销未载明注销日期", cancelled))
    return combine(parts, MINOR)
