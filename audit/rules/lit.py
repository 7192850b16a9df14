"""出庭应诉 (LIT) rules: the lawsuits that target the case.
"""

from __future__ import annotations

from collections.abc import Mapping

from audit.facts import RawStep, StreamFacts, text_of
from audit.model import MAJOR
from audit.rulebook import Hit, Subject, refs, rule
from audit.rules.common import (
    combine,
)
from domain.config import (
    JUDICIAL,
    LITIGATION_LAW,
)
from domain.roles import heads_named

# --------------------------------------------------------------------------- 出庭应诉 (LIT)


def _lawsuits(s: Subject) -> list[tuple[str, StreamFacts]]:
    return [(suit.stream, s.facts.lawsuits[suit.stream]) for suit in s.file.lawsuits if suit.stream in s.facts.lawsuits]


def _appeared(step: RawStep) -> list[tuple[str, str]]:
    return [(str(a.get("person") or ""), str(a.get("role") or "")) for a in step.data.get("appeared") or ()
            if isinstance(a, Mapping)]


def _heads_in_court(s: Subject, hearing: RawStep) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Who appeared as a head of the defendant agency by the registry at the hearing's date, and
    why each other person written as a head does not count (``domain.roles.heads_named``)."""
    return heads_named(s.ctx.registry, _appeared(hearing), s.file.agency, hearing.when("hearing_at"))


@rule("LIT-01", "负责人未出庭应诉", MAJOR, f"{LITIGATION_LAW}第三条第三款；{JUDICIAL}第二条、第六条、第八条至第十条")
def lit01(s: Subject) -> Hit | None:
    parts: list[tuple[str, str, RawStep | None]] = []
    for stream, facts in _lawsuits(s):
        for hearing in facts.all("CourtHearingAttended"):
            appeared = _appeared(hearing)
            heads, not_heads = _heads_in_court(s, hearing)
            if heads:
                continue
            day = hearing.day_of("hearing_at")
            note = f"（{'；'.join(not_heads)}，不能视为负责人出庭）" if not_heads else ""
            if not text_of(hearing.data.get("head_absent_reason")):
                parts.append((MAJOR, f"{stream}：{day} 开庭，行政机关负责人未出庭，也未说明正当理由{note}", hearing))
            elif not any(role == "staff" for _, role in appeared):
                parts.append((MAJOR, f"{stream}：{day} 开庭，负责人未出庭，且未委托相应的工作人员出庭{note}", hearing))
    return combine(parts)


@rule("LIT-02", "法院通知负责人出庭而未出庭", MAJOR, f"{JUDICIAL}第四条、第五条")
def lit02(s: Subject) -> Hit | None:
    parts: list[tuple[str, str, RawStep | None]] = []
    for stream, facts in _lawsuits(s):
        for hearing in facts.all("CourtHearingAttended"):
            if hearing.data.get("summoned_head") is not True:
                continue
            heads, not_heads = _heads_in_court(s, hearing)
            if not heads:
                day = hearing.day_of("hearing_at")
                note = f"（{'；'.join(not_heads)}）" if not_heads else ""
                parts.append((MAJOR, f"{stream}：法院通知负责人出庭，{day} 负责人未出庭{note}", hearing))
    return combine(parts)


@rule("LIT-03", "收到司法建议", MAJOR, f"{JUDICIAL}第十二条；{LITIGATION_LAW}第六十六条")
def lit03(s: Subject) -> Hit | None:
    found = [st for _, facts in _lawsuits(s) for st in facts.all("JudicialSuggestionReceived")]
    if not found:
        return None
    return Hit("法院就本案应诉发出司法建议（" + "、".join(str(f.day) for f in found) + "）", refs(found))
