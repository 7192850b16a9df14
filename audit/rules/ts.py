"""三项制度 (TS) rules: 事中公示 and 全过程记录 of 国办发〔2018〕118号.
"""

from __future__ import annotations

from audit.facts import RawStep, text_of
from audit.model import MAJOR, MINOR
from audit.rulebook import GENERAL, Hit, Subject, breach_hit, refs, rule
from audit.rules.common import (
    GEN_NP_TR,
    combine,
    is_doc,
)
from audit.rules.records import credentials_hit
from domain.config import (
    DOC_118,
    LAW,
)

# --------------------------------------------------------------------------- 三项制度


@rule("TS-02", "事中公示：未出示执法证件", MINOR, f"{DOC_118}；{LAW}第五十五条")
def ts02(s: Subject) -> Hit | None:
    """Every step of the case with ``credentials_shown``: 询问, 检查, 当场处罚, and the measures and
    enforcement recorded on it (rules.md TS-02 reused: "every step with ``credentials_shown``")."""
    return credentials_hit(s.facts)


@rule("TS-03", "事后公开不及时", MAJOR, f"{DOC_118}", (GENERAL,), publication=True)
def ts03(s: Subject) -> Hit | None:
    """The penalty decision within 7 WD (PEN-40's deadline) and, in the same finding, each measure and
    enforcement decision recorded on the case within 20 WD (TS-03 extended; the case file's ``TS-03``
    deadlines, one per measure or decision, each named in the message)."""
    found = [*s.breaches("PEN-40"), *s.breaches("TS-03")]
    concerned = [s.decision, *s.facts.all("SeizureImposed", "FreezeImposed", "EnforcementDecided",
                                          "SubstituteDecisionServed")] if s.breaches("TS-03") else [s.decision]
    return breach_hit(found, refs(concerned))


@rule("TS-06", "容易引发争议的环节未音像记录", MINOR, f"{DOC_118}（规范音像记录）", GEN_NP_TR)
def ts06(s: Subject) -> Hit | None:
    bare = [st for st in s.facts.all("InspectionRecorded") if not [a for a in st.data.get("av") or () if is_doc(a)]]
    if not bare:
        return None
    return Hit("现场检查无音像记录，也未说明以文字记录为已足的理由：" + "、".join(str(b.day) for b in bare), refs(bare))


@rule("TS-07", "文字记录不完整", MINOR, f"{DOC_118}（完善文字记录）", GEN_NP_TR)
def ts07(s: Subject) -> Hit | None:
    parts: list[tuple[str, str, RawStep | None]] = []
    for st in s.facts.all("InquiryRecorded", "InspectionRecorded"):
        started, ended = st.time("started_at"), st.time("ended_at")
        if started is None or ended is None:
            parts.append((MINOR, f"{st.day} 的笔录未载明起止时间", st))
        elif ended < started:
            parts.append((MINOR, f"{st.day} 的笔录结束时间早于开始时间", st))
        if st.type == "InspectionRecorded" and not text_of(st.data.get("place")):
            parts.append((MINOR, f"{st.day} 的现场检查笔录未载明地点", st))
    decision = s.decision
    for served in s.facts.all("DecisionServed"):
        if decision is not None and served.when("served_at") < decision.at:
            parts.append((MINOR, f"送达回证所载送达时间 {served.day_of('served_at')} 早于决定作出时间 {decision.day}",
                          served))
    for closed in s.facts.all("CaseClosed"):
        if not text_of(closed.data.get("summary")):
            parts.append((MINOR, f"{closed.day} 的结案记录未载明结案情况", closed))
    return combine(parts, MINOR)


@rule("TS-08", "记录归档与完整性", MINOR, f"{DOC_118}（严格记录归档）；{LAW}第四十七条", GEN_NP_TR)
def ts08(s: Subject) -> Hit | None:
    seen: dict[str, tuple[int | None, RawStep]] = {}
    clashes: list[RawStep] = []
    for doc in s.file.documents:
        if doc.sha256 is None:
            continue
        step = s.facts.steps[doc.version - 1] if 0 < doc.version <= len(s.facts.steps) else None
        if step is None:
            continue
        known = seen.get(doc.sha256)
        if known is None:
            seen[doc.sha256] = (doc.bytes, step)
        elif known[0] is not None and doc.bytes is not None and known[0] != doc.bytes:
            clashes.append(step)
    if not clashes:
        return None
    return Hit("同一内容哈希登记了不同大小的文件，记录与文件的对应关系不可靠", refs(clashes))
