"""行政执法投诉举报 rules after acceptance (CMP-06 to CMP-09, rules.md §14) and the complaint
file as an archive (EVAL-12, §6). Registered after ``cmp``; see its docstring for the paths.
"""

from __future__ import annotations

from typing import Final

from audit.complaint_rulebook import ALL_CMP, CMP_ACCEPTED, CMP_TRANSFERRED, complaint_rule
from audit.complaint_subject import ComplaintSubject
from audit.facts import RawStep, StreamFacts, text_of
from audit.model import MAJOR, MINOR
from audit.rulebook import Hit
from audit.rules.cmp import ACCEPTED, Parts, deadline_parts, with_refs
from audit.rules.common import combine, is_doc
from domain.config import LAW, PETITION_RULE
from domain.reading import texts_of
from domain.roles import HEAD, holds_role

_LOCAL: Final = "地方行政执法投诉举报办法"
SUBSTANTIATED: Final = frozenset({"substantiated", "partly_substantiated"})


# --------------------------------------------------------------------------- 答复


def _extension_parts(s: ComplaintSubject) -> Parts:
    """Each CMP-06 extension: approved in time (else it added nothing), by a head of the bureau,
    with the complainant told (信访工作条例第三十四条 "并告知信访人延期理由")."""
    by_version = {st.version: st for st in s.facts.all("TimeLimitExtended")}
    parts: Parts = []
    for judged in s.public.extensions:
        asked = judged.extension
        step = by_version.get(asked.version)
        if judged.late:
            parts.append((MINOR, f"{asked.approved_on} 批准的延期（{asked.days} 日）晚于答复期限届满日 "
                                 f"{judged.due_before.due}，延期无效", step))
        if step is None:
            continue
        if not holds_role(s.ctx.registry, step.data.get("approved_by"), (HEAD,), s.public.bureau, step.at):
            parts.append((MINOR, f"{step.day} 延期未经司法行政机关负责人批准", step))
        if s.public.owed_answer and not text_of(step.data.get("told_at")):
            parts.append((MINOR, f"{step.day} 延期未告知投诉举报人（told_at 缺失）", step))
    return parts


@complaint_rule("CMP-06", "未在期限内书面答复投诉举报人", MINOR,
      f"{_LOCAL}（30日，可延长30日，Q27）；{PETITION_RULE}第三十四条；{LAW}第七十五条第二款", ACCEPTED)
def cmp06(s: ComplaintSubject) -> Hit | None:
    """Late within the bound: MINOR; closed without an answer, or beyond the 信访 bound: MAJOR. The
    periods are ``domain.complaint_limits``'s; anonymous complaints with no contact are exempt."""
    if not s.public.owed_answer:
        return None
    late, provisional = deadline_parts(s, "CMP-06", {"CMP-06/petition": MAJOR})
    other = _extension_parts(s)
    if s.closed() and not s.facts.has("ComplaintAnswered"):
        other.append((MAJOR, "投诉举报已办结，但未书面答复投诉举报人", s.facts.first("CaseClosed")))
    hit = combine(late + other, MINOR)
    if hit is not None and provisional and not other:
        hit = Hit(hit.message, hit.events, hit.severity, provisional=True)
    return with_refs(hit, [s.facts.first("ComplaintAccepted"), s.facts.first("ComplaintAnswered")])


# --------------------------------------------------------------------------- 纠正


def _rectifies(s: ComplaintSubject, supervision: StreamFacts) -> bool:
    """A ``RectificationOrdered`` on the supervision stream naming rules, this complaint and (when
    known) the file complained of."""
    concerned = s.public.against.stream
    for order in supervision.all("RectificationOrdered"):
        data = order.data
        names_file = concerned is None or concerned in (data.get("stream"), data.get("case"))
        if texts_of(data.get("findings")) and data.get("complaint") == s.public.stream and names_file:
            return True
    return False


def _corrected(s: ComplaintSubject, supervision: str) -> bool:
    """A ``DecisionCorrected`` on the file complained of, triggered by the supervision stream."""
    concerned = s.linked(s.public.against.stream)
    return concerned is not None and any(c.data.get("triggered_by") == supervision
                                         for c in concerned.all("DecisionCorrected"))


@complaint_rule("CMP-07", "投诉举报属实但未责令纠正", MAJOR,
                f"{LAW}第七十五条第二款；《行政执法监督条例》；rules.md EVAL-08", ACCEPTED)
def cmp07(s: ComplaintSubject) -> Hit | None:
    parts: Parts = []
    for concluded in s.facts.all("ComplaintConcluded"):
        if concluded.data.get("outcome") not in SUBSTANTIATED:
            continue
        link = text_of(concluded.data.get("supervision"))
        supervision = s.linked(link)
        if link is None:
            parts.append((MAJOR, f"{concluded.day} 处理意见认定投诉举报属实，但未关联执法监督案卷责令整改", concluded))
        elif not ((supervision is not None and _rectifies(s, supervision)) or _corrected(s, link)):
            parts.append((MAJOR, f"{concluded.day} 处理意见认定属实，关联的 {link} 中无针对本投诉举报的责令整改"
                                 "（RectificationOrdered），所涉案卷亦无据此作出的纠错决定", concluded))
    return combine(parts)


# --------------------------------------------------------------------------- 转送、交办


@complaint_rule("CMP-08", "转送、交办未跟踪或未告知去向", MINOR, f"{PETITION_RULE}第二十二条第一款第三项、第二十三条",
      (CMP_ACCEPTED, CMP_TRANSFERRED))
def cmp08(s: ComplaintSubject) -> Hit | None:
    parts: Parts = []
    for step in s.facts.all("ComplaintTransferred"):
        if step.data.get("kind") == "assign" and not text_of(step.data.get("due")):
            parts.append((MINOR, f"{step.day} 交办未载明报送办结报告的期限（due）", step))
        if step.data.get("kind") == "transfer" and s.public.owed_answer and not text_of(
                step.data.get("complainant_told_at")):
            parts.append((MINOR, f"{step.day} 转送后未告知投诉举报人转送去向（complainant_told_at 缺失）", step))
    late, provisional = deadline_parts(s, "CMP-08", {})
    hit = combine(parts + late, MINOR)
    if hit is not None and provisional and not parts:
        hit = Hit(hit.message, hit.events, hit.severity, provisional=True)
    return with_refs(hit, s.facts.all("ComplaintTransferred", "ComplaintAgencyReported"))


@complaint_rule("CMP-09", "投诉举报统计（监测）", "INFO",
                "国办发〔2018〕118号（年度统计，TS-04）；《行政执法监督条例》", ALL_CMP)
def cmp09(s: ComplaintSubject) -> Hit | None:
    """Monitoring, not a finding on one file: the counts per agency and year are
    ``projections.complaintfile.complaint_statistics`` over the public views."""
    del s
    return None


# --------------------------------------------------------------------------- 立卷归档


_RECEIPTED: Final = frozenset({"in_person", "mail", "left_at_residence"})
"""Answer methods whose delivery is proved by a receipt (electronic delivery and 公告 are their own record)."""


def _document_parts(s: ComplaintSubject) -> Parts:
    """The bold EVAL-12 items of the steps the file holds (登记表, 受理/不予受理告知, 处理意见书, 答复书)."""
    wanted: list[tuple[str, str, str, bool]] = [
        ("ComplaintReceived", "record", "投诉举报登记表", True),
        ("ComplaintAccepted", "notice", "受理告知书", s.public.owed_answer),
        ("ComplaintNotAccepted", "notice", "不予受理告知书", s.public.owed_answer),
        ("ComplaintConcluded", "document", "处理意见书", True),
        ("ComplaintAnswered", "document", "答复书", True),
    ]
    parts: Parts = []
    for step_type, name, title, due in wanted:
        for step in s.facts.all(step_type):
            if due and not is_doc(step.data.get(name)):
                parts.append((MAJOR, f"缺少{title}（{step.day} {step_type}）", step))
    for step in s.facts.all("ComplaintAnswered"):
        if step.data.get("method") in _RECEIPTED and not is_doc(step.data.get("receipt")):
            parts.append((MAJOR, f"缺少答复书送达凭证（{step.day} 以 {step.data.get('method')} 方式答复）", step))
    return parts


@complaint_rule("EVAL-12", "投诉举报案卷材料不齐全", MAJOR,
      f"{PETITION_RULE}第二十二条、第二十三条、第三十条至第三十四条；rules.md EVAL-12", ALL_CMP)
def eval12(s: ComplaintSubject) -> Hit | None:
    parts = _document_parts(s)
    closed: RawStep | None = s.facts.first("CaseClosed") or s.facts.first("CaseArchived")
    if s.path == CMP_ACCEPTED and closed is not None and not s.facts.has("ComplaintConcluded"):
        parts.append((MAJOR, "已受理的投诉举报办结，但案卷中无处理意见书", closed))
    return combine(parts)
