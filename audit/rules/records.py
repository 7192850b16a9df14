"""事中公示 and 全过程记录 on any stream's steps (TS-02, TS-07, TS-08 of 国办发〔2018〕118号): the checks the
case book, the coercion book and the inspection book share, over a stream's raw steps.

Why one place: rules.md reuses TS-02 on "every step with ``credentials_shown``" and TS-07/TS-08 on
"every document of every stream"; each book registers the rule under its own subject and asks these
functions about its steps, so the three never read the same record differently.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Final

from audit.facts import RawStep, StreamFacts, text_of
from audit.model import MAJOR, MINOR
from audit.rulebook import Hit, refs
from domain.vocabulary import STEPS

__all__ = ["CREDENTIAL_STEPS", "credentials_hit", "hash_clash_hit", "record_parts"]

CREDENTIAL_STEPS: Final = tuple(name for name, spec in STEPS.items() if "credentials_shown" in spec.fields)
"""Every step type that records whether the credential was shown (TS-02: 事中公示)."""
_CLOSING: Final = ("CaseClosed",)
_DECIDING: Final = ("EnforcementDecided", "SubstituteDecisionServed", "DecisionMade")

Part = tuple[str, str, RawStep | None]


def credentials_hit(facts: StreamFacts, types: Iterable[str] = CREDENTIAL_STEPS) -> Hit | None:
    """TS-02: each step of ``types`` with ``credentials_shown`` not true (MAJOR: the credential part)."""
    bad = [st for st in facts.all(*types) if st.get("credentials_shown") is not True]
    if not bad:
        return None
    return Hit("现场执法未出示执法证件：" + "、".join(f"{b.day} {b.type}" for b in bad), refs(bad), severity=MAJOR)


def record_parts(facts: StreamFacts) -> list[Part]:
    """TS-07 on any stream: a record's start and end (both stated, in order), a service no earlier than
    the decision it names, a closing that states what was done."""
    parts: list[Part] = []
    for st in facts.steps:
        if "started_at" in st.data or "ended_at" in st.data:
            started, ended = st.time("started_at"), st.time("ended_at")
            if started is None or ended is None:
                parts.append((MINOR, f"{st.day} 的{st.type}记录未载明起止时间", st))
            elif ended < started:
                parts.append((MINOR, f"{st.day} 的{st.type}记录结束时间早于开始时间", st))
    decided = {str(d.get("document_no")): d for d in facts.all(*_DECIDING) if d.get("document_no")}
    for served in facts.all("DecisionServed"):
        decision = decided.get(str(served.get("document_no")))
        if decision is not None and served.when("served_at") < decision.at:
            parts.append((MINOR, f"送达回证所载送达时间 {served.day_of('served_at')} 早于决定 "
                                 f"{served.get('document_no')} 作出时间 {decision.day}", served))
    for closed in facts.all(*_CLOSING):
        if not text_of(closed.get("summary")):
            parts.append((MINOR, f"{closed.day} 的结案记录未载明结案情况", closed))
    return parts


def _documents(value: object) -> Iterable[Mapping[str, object]]:
    """Every document reference (``{sha256, bytes, …}``) a step's data holds, however nested."""
    if isinstance(value, Mapping):
        if isinstance(value.get("sha256"), str):
            yield value
        for member in value.values():
            yield from _documents(member)
    elif isinstance(value, list):
        for member in value:
            yield from _documents(member)


def hash_clash_hit(facts: StreamFacts) -> Hit | None:
    """TS-08 on any stream: one content hash registered with two different sizes (the record no longer
    identifies its file)."""
    seen: dict[str, object] = {}
    clashes: list[RawStep] = []
    for st in facts.steps:
        for doc in _documents(st.data):
            size, digest = doc.get("bytes"), str(doc.get("sha256"))
            if not isinstance(size, int):
                continue
            known = seen.setdefault(digest, size)
            if known != size and st not in clashes:
                clashes.append(st)
    if not clashes:
        return None
    return Hit("同一内容哈希登记了不同大小的文件，记录与文件的对应关系不可靠", refs(clashes))
