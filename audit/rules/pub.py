"""Disclosure (PUB) rules: the case's publications judged against its decision.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from audit.facts import RawStep, text_of
from audit.model import BLOCKER, MAJOR, MINOR
from audit.rulebook import Hit, Subject, refs, rule
from audit.rules.common import (
    combine,
    gate_hit,
)
from domain.calendar import SHANGHAI
from domain.config import (
    LAW,
    OGI,
)
from domain.gates import PUBLICLY_SERVED

# --------------------------------------------------------------------------- 公开 (PUB)


def _publication_steps(s: Subject) -> tuple[RawStep, ...]:
    return s.facts.all("DecisionPublished")


@rule("PUB-01", "公开文本含个人信息", BLOCKER, f"{LAW}第五十条；{OGI}第十五条")
def pub01(s: Subject) -> Hit | None:
    return gate_hit(s, "PUB-01", s.facts.all(*sorted(PUBLICLY_SERVED)))  # the case steps among them


@rule("PUB-02", "依法不应公开", BLOCKER, f"{OGI}第十四条至第十六条；{LAW}第四十八条")
def pub02(s: Subject) -> Hit | None:
    return gate_hit(s, "PUB-02", _publication_steps(s))


@rule("PUB-03", "公开内容与决定书不一致", MAJOR, "《市场监督管理行政处罚信息公示规定》第七条（参照）")
def pub03(s: Subject) -> Hit | None:
    """Each publication carries the number of the decision it publishes: the one it states
    (``DecisionPublished.document_no``: a measure's or an enforcement decision recorded on the case),
    else the penalty decision's; a stated number must be one of the case's decisions."""
    decision = s.decision
    penalty = text_of(decision.data.get("document_no") or decision.data.get("form_no")) if decision else None
    known = {penalty, *_decision_numbers(s)} - {None}
    parts: list[tuple[str, str, RawStep | None]] = []
    for p in s.facts.all("DecisionPublished", "PublicationCorrected"):
        stated = text_of(p.data.get("document_no"))
        number = stated or penalty
        text = p.data.get("text")
        if stated is not None and stated not in known:
            parts.append((MAJOR, f"公开所载文号 {stated} 不是本案作出的决定", p))
        elif number is not None and isinstance(text, str) and number not in text:
            parts.append((MAJOR, f"公开的决定信息未载明决定书文号 {number}，无法与送达的决定书对应", p))
    return combine(parts)


def _decision_numbers(s: Subject) -> list[str | None]:
    """The numbers of the other decisions recorded on the case: its measures', extensions', releases'
    and enforcement decisions'."""
    out: list[str | None] = []
    for st in s.facts.all("SeizureImposed", "FreezeDecisionServed"):
        decision = st.data.get("decision")
        out.append(text_of(decision.get("document_no")) if isinstance(decision, Mapping) else None)
    for st in s.facts.all("CoercionExtended", "CoercionReleased", "EnforcementDecided", "SubstituteDecisionServed"):
        out.append(text_of(st.data.get("document_no")))
    return out


@rule("PUB-04", "公示期限", MAJOR, "国家发展改革委令第58号")
def pub04(s: Subject) -> Hit | None:
    parts: list[tuple[str, str, RawStep | None]] = []
    corrected = bool(s.facts.has("DecisionCorrected") or any(r.corrective for r in s.file.reviews)
                     or any(j.corrective for x in s.file.lawsuits for j in x.judgments))
    steps = {p.version: p for p in s.facts.all("DecisionPublished")}
    for pub in s.file.publications:
        step = steps.get(pub.version)
        if step is None:
            continue
        derived_min, derived_max = _derived(s, pub)
        given_min, given_max = text_of(step.data.get("min_until")), text_of(step.data.get("max_until"))
        if given_min and derived_min and pub.min_until < derived_min:
            parts.append((MAJOR, f"公示最短期限至 {pub.min_until}，早于 {pub.regime} 规定的 {derived_min}", step))
        if given_max and derived_max and pub.max_until > derived_max:
            parts.append((MAJOR, f"公示最长期限至 {pub.max_until}，晚于 {pub.regime} 规定的 {derived_max}", step))
        withdrawal = pub.withdrawal
        if withdrawal is not None and not corrected:
            on = withdrawal.withdrawn_at.astimezone(SHANGHAI).date()
            if on < pub.min_until:
                parts.append((MAJOR, f"{on} 撤下公示信息，早于最短公示期 {pub.min_until}，且决定未被变更或撤销", step))
    return combine(parts)


def _derived(s: Subject, pub: object) -> tuple[date | None, date | None]:
    from domain.config import effective_regime

    decision = s.decision
    if decision is None:
        return None, None
    regime = effective_regime(s.config, getattr(pub, "regime", None))
    start = decision.day
    return (s.ctx.calendar.add_months(start, regime.min_months, roll=False).due,
            s.ctx.calendar.add_months(start, regime.max_months, roll=False).due)


@rule("PUB-05", "公开信息更正不及时", MINOR, "地方行政处罚信息公开规定")
def pub05(s: Subject) -> Hit | None:
    return s.deadline_hit("PUB-05", refs(s.facts.all("PublicationCorrectionRequested", "PublicationCorrected")))
