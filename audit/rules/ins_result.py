"""行政检查 rules from the result on (INS-07 to INS-11), TS-02 (credentials shown at every step that
records it), TS-03 and PUB-06 on inspection results (事后公开: when, and what the record says) and
EVAL-11 (the documents of a 检查 file), over the inspection file and its spot-check task.

INS-10 and TS-03 read one deadline, the file's (``domain.inspection_limits``: 20 WD from the
conclusion): a result never published past it is INS-10's finding, a late one TS-03's alone.
"""

from __future__ import annotations

from datetime import date
from typing import Final

from audit.facts import RawStep
from audit.inspection_rulebook import DRAWN, FILES, TASK, InspectionSubject, inspection_rule
from audit.model import MAJOR, MINOR
from audit.rulebook import Hit, refs
from audit.rules.common import combine, is_doc
from audit.rules.ins import OPTIMISATION, PENALTY_LAW, WUHAN, Part
from audit.rules.records import credentials_hit
from domain.config import DOC_118, LICENSING_LAW
from domain.reading import mapping_of

_REFERRAL_LAW: Final = f"{PENALTY_LAW}第五十四条第二款；国办发〔2015〕58号"


@inspection_rule("INS-07", "检查结果未记录或未告知", MAJOR,
                 f"{LICENSING_LAW}第六十一条第二款；{PENALTY_LAW}第二十八条第一款", FILES)
def ins07(s: InspectionSubject) -> Hit | None:
    """A closed inspection has its result (MAJOR); a correction ordered states its due date and
    document and is served (MINOR)."""
    concluded = s.facts.first("InspectionConcluded")
    if concluded is None:
        closed = s.facts.first("CaseClosed")
        return Hit("检查已办结但未记录检查结果（InspectionConcluded）", refs([closed])) if closed is not None else None
    parts: list[Part] = []
    correction = mapping_of(concluded.get("correction"))
    if concluded.get("result") == "correction_ordered" and not correction:
        parts.append((MINOR, "责令改正未载明整改期限和责令改正通知书", concluded))
    if correction and not is_doc(correction.get("document")):
        parts.append((MINOR, "责令改正未附责令改正通知书", concluded))
    if (correction or concluded.get("result") == "correction_ordered") and concluded.time("served_at") is None:
        parts.append((MINOR, "责令改正通知未送达当事人（无 served_at）", concluded))
    return combine(parts, MINOR)


def _case_parts(s: InspectionSubject, referral: RawStep) -> list[Part]:
    """A referral to a case: the case's source names this inspection and it is registered within
    PEN-03's limit of the referral (``registration.within_wd``)."""
    case = referral.get("case")
    facts = s.cases.get(case) if isinstance(case, str) else None
    due = s.ctx.calendar.add_working_days(referral.day_of("referred_at"), s.config.registration.within_wd).due
    if facts is None:
        return [(MAJOR, f"移送的案件 {case} 不在账本中", referral)] if s.as_of > due else []
    parts: list[Part] = []
    source = facts.first("CaseSourceRecorded")
    origin = mapping_of(source.get("origin")) if source is not None else {}
    if origin.get("stream") != s.stream:
        parts.append((MAJOR, f"案件 {case} 的案源登记未载明来源于本次检查 {s.stream}", source or referral))
    registered = facts.first("CaseRegistered")
    if registered is not None and registered.day > due:
        parts.append((MAJOR, f"案件 {case} 于 {registered.day} 立案，晚于移送后 "
                             f"{s.config.registration.within_wd} 个工作日（{due}）", registered))
    if registered is None and s.as_of > due:
        parts.append((MAJOR, f"检查移送的案件 {case} 至 {due} 仍未立案", referral))
    return parts


@inspection_rule("INS-08", "发现违法未移送立案", MAJOR, f"{_REFERRAL_LAW}；移送规定", FILES)
def ins08(s: InspectionSubject) -> Hit | None:
    """A violation found, or a correction not made, is referred (to a case, the competent agency or
    the judicial organs) within PEN-03's limit; a case referred to names the inspection and is
    registered in time."""
    triggers = [x for x in s.facts.all("InspectionConcluded") if x.get("result") == "violation_found"]
    triggers += [x for x in s.facts.all("CorrectionVerified") if x.get("result") == "not_corrected"]
    if not triggers:
        return None
    referrals = s.facts.all("InspectionReferred")
    if not referrals:
        first = triggers[0]
        due = s.ctx.calendar.add_working_days(first.day, s.config.registration.within_wd).due
        closed = s.facts.first("CaseClosed")
        if s.as_of > due or closed is not None:
            return Hit(f"{first.day} 发现违法（或逾期未整改），至 {due} 未移送立案或移送有权机关",
                       refs([first, closed]))
        return None
    parts: list[Part] = []
    for referral in referrals:
        if referral.get("to") == "case":
            parts += _case_parts(s, referral)
    return combine(parts)


def _verified_on(step: RawStep) -> date:
    return step.day_of("verified_at")


@inspection_rule("INS-09", "责令改正后未复查", MINOR, f"{PENALTY_LAW}第二十八条第一款；整改复查", FILES)
def ins09(s: InspectionSubject) -> Hit | None:
    """A correction with a due date is verified (``CorrectionVerified``) on or after that date; none
    once it has passed, or only one before it, is a finding."""
    f = s.file
    concluded = s.facts.first("InspectionConcluded")
    due = f.result.correction_due if f is not None and f.result is not None else None
    if concluded is None or due is None:
        return None
    verified = s.facts.all("CorrectionVerified")
    if any(_verified_on(v) >= due for v in verified):
        return None
    if verified:
        return Hit(f"整改期限至 {due}，复查于 {_verified_on(verified[0])} 进行，早于整改期限届满", refs(verified))
    if s.as_of > due:
        return Hit(f"整改期限 {due} 已届满，未记录整改复查", refs([concluded]))
    return None


@inspection_rule("INS-10", "检查结果未向社会公开", MAJOR, f"{OPTIMISATION}；国办发〔2015〕58号；{DOC_118}", FILES)
def ins10(s: InspectionSubject) -> Hit | None:
    """A result that must be published (every drawn object's; a targeted one that orders a
    correction or finds a violation) has no publication nor suppression 20 WD after the conclusion;
    a late publication is TS-03's alone."""
    missed = [b for b in s.breaches("INS-10") if b.kind in ("missed", "provisional")]
    if not missed:
        return None
    concluded = s.facts.first("InspectionConcluded")
    d = missed[0].deadline
    return Hit(f"检查结果应于 {d.due.due} 前公开（结果作出于 {d.start}），至今未公开，也未记录不予公开的理由",
               refs([concluded]), provisional=all(b.kind == "provisional" for b in missed))


@inspection_rule("TS-03", "事后公开不及时", MAJOR, f"{DOC_118}（20 个工作日内公开行政检查结果）", FILES)
def ts03(s: InspectionSubject) -> Hit | None:
    """The inspection side of TS-03: the result within 20 WD of the conclusion (accompanies INS-10)."""
    return s.deadline_hit("INS-10", refs([s.facts.first("InspectionConcluded"),
                                          *s.facts.all("DecisionPublished")]))


@inspection_rule("TS-02", "事中公示：未出示执法证件", MINOR, f"{DOC_118}；{PENALTY_LAW}第五十五条", FILES)
def ts02(s: InspectionSubject) -> Hit | None:
    """Every step with ``credentials_shown`` (询问, 现场检查, 整改复查): the credential shown (may
    accompany INS-05)."""
    return credentials_hit(s.facts)


_RESULT_WORDS: Final = {
    "compliant": ("未发现问题",), "corrected_on_spot": ("当场改正", "当场整改", "责令改正"),
    "correction_ordered": ("责令改正",), "violation_found": ("发现问题", "违法", "已移送立案"),
    "unreachable": ("无法联系",),
}
"""How a published record states each result (PUB-06: 未发现问题, 责令改正, 已移送立案, 无法联系)."""


@inspection_rule("PUB-06", "公开的检查信息不完整", MAJOR,
                 f"{DOC_118}（执法机关、执法对象、执法类别、执法结论）；{OPTIMISATION}", FILES)
def pub06(s: InspectionSubject) -> Hit | None:
    """A published inspection result names the agency, the object (an organisation by name; a person is
    masked, PUB-01), the item checked and the result (已移送立案 when referred to a case)."""
    f = s.file
    concluded = s.facts.first("InspectionConcluded")
    if f is None or concluded is None:
        return None
    agency = s.ctx.registry.agency_as_of(f.agency, concluded.at) if f.agency else None
    result = str(concluded.get("result"))
    words = ("已移送立案",) if any(r.to == "case" for r in f.referrals) else _RESULT_WORDS.get(result, ())
    parts: list[Part] = []
    for published in s.facts.after(concluded.position, "DecisionPublished"):
        text = str(published.get("text") or "")
        missing = [label for ok, label in (
            (agency is None or not agency.name or agency.name in text, "执法机关"),
            (f.party is None or f.party.kind != "organisation" or not f.party.name or f.party.name in text,
             "检查对象"),
            (s.item is None or not s.item.name or s.item.name in text, "检查事项"),
            (not words or any(w in text for w in words), f"检查结论（{'、'.join(words)}）"),
        ) if not ok]
        if missing:
            parts.append((MAJOR, f"{published.day} 公开的检查结果缺少" + "、".join(missing), published))
    return combine(parts)


@inspection_rule("INS-11", "抽查计划未备案或未公布", MINOR, f"{WUHAN}第十四条；{DOC_118}（事前公开）", (DRAWN, TASK))
def ins11(s: InspectionSubject) -> Hit | None:
    """The plan filed (备案) and published before the draw (agency-level, judged per task)."""
    facts, task = s.task_facts, s.task
    plan = facts.first("SpotCheckPlanned") if facts is not None else None
    if plan is None or task is None or task.draw is None:
        return None
    drawn_at = task.draw.at
    parts: list[Part] = []
    for key, label in (("filed_at", "备案"), ("published_at", "向社会公布")):
        when = plan.time(key)
        if when is None or when > drawn_at:
            parts.append((MINOR, f"抽查计划未在随机抽取（{drawn_at.date()}）前{label}", plan))
    return combine(parts, MINOR)


@inspection_rule("EVAL-11", "检查案卷材料不齐全", MAJOR, f"{WUHAN}第十七条、第十八条；rules.md EVAL-11", FILES)
def eval11(s: InspectionSubject) -> Hit | None:
    """EVAL-11's bold items where their trigger arose: the approval form (item 4), a site or non-site
    record before the result (item 6), the result notice or 责令改正通知书 (item 8). The notice and the
    site record's own parts are INS-05's; a drawn file without its task (item 3) is INS-02's veto."""
    opened = s.facts.first("InspectionOpened")
    if opened is None:
        return None
    parts: list[Part] = []
    if not is_doc(opened.get("plan")):
        parts.append((MAJOR, "缺少检查方案或行政检查审批表（卷内第4项）", opened))
    concluded = s.facts.first("InspectionConcluded")
    if concluded is not None:
        checked = s.facts.all("SiteInspectionRecorded", "RemoteCheckRecorded")
        if not checked and concluded.get("result") != "unreachable":
            parts.append((MAJOR, "缺少现场检查笔录或非现场检查记录（卷内第6项）", concluded))
        correction = mapping_of(concluded.get("correction"))
        if not is_doc(concluded.get("notice")) and not is_doc(correction.get("document")):
            parts.append((MAJOR, "缺少检查结果告知书或责令改正通知书（卷内第8项）", concluded))
    return combine(parts)
