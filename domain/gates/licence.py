"""The 行政许可 gates (LIC-01, LIC-08, LIC-12): judged at the decisions of ``licence/`` streams.

Why these three refuse: a licence decided by a body without the published competence, without
a hearing the law requires or one the applicant asked for in time, or without seal, basis or
reasons is the veto of a 许可 file (EVAL-01) and cannot be repaired once served.
"""

from __future__ import annotations

from datetime import datetime
from typing import Final

from domain.calendar import shanghai_date
from domain.config import LICENSING_LAW
from domain.gates.core import Judged, gate
from domain.licence_state import LicenceState, fold_licence
from domain.limits import within
from domain.reading import texts_of
from domain.step_types import StepType

LICENCES: Final = frozenset({"licence"})
GRANT_OR_DENY: Final[frozenset[StepType]] = frozenset({"LicenceGranted", "LicenceDenied"})
LICENCE_DECISIONS: Final[frozenset[StepType]] = GRANT_OR_DENY | {
    "LicenceWithdrawn", "LicenceRevoked", "LicenceCancelled"}
_NEEDS_GROUND: Final = {"LicenceWithdrawn": "撤回", "LicenceRevoked": "撤销"}


def _application(j: Judged, state: LicenceState) -> LicenceState | None:
    """The stream that holds the application: this one, or — for a proceeding the agency opened
    (撤回, 撤销, 注销) — the licence stream it names, as recorded by now."""
    if state.item is not None:
        return state
    if state.licence_stream is None:
        return None
    return fold_licence(state.licence_stream, j.ctx.history(state.licence_stream))


@gate("LIC-01", "许可事项未公布或机关无此许可权", f"{LICENSING_LAW}第五条第二款、第二十二条", LICENCE_DECISIONS,
      LICENCES)
def _published_item(j: Judged) -> str | None:
    """The item applied for is a ``licence`` item the deciding agency published before the
    application (as of its ``at``). A proceeding reads the application of the licence it names;
    a revocation by the superior agency (``by_superior``) the granting agency's item. Without an
    application to read, competence cannot be shown and the gate refuses (override possible)."""
    state = j.licence
    if state is None:
        return None
    applied = _application(j, state)
    if applied is None or applied.item is None or applied.applied_at is None:
        return "无法确定所涉行政许可事项（本流或所涉许可流没有 LicenceApplied），不能确认作出决定的机关具有该许可权"
    agency = applied.agency if j.step.data.get("by_superior") else state.agency
    if agency is None:
        return "未载明作出行政许可决定的机关"
    return _item_problem(j, agency, applied.item, applied.applied_at)


def _item_problem(j: Judged, agency: str, code: str, applied_at: datetime) -> str | None:
    record = j.ctx.agency_as_of(agency, applied_at)
    item = record.item(code) if record is not None else None
    day = shanghai_date(applied_at)
    if item is None:
        return f"行政许可事项 {code} 在申请时（{day}）未由 {agency} 公布，不得作为实施行政许可的依据"
    if item.kind != "licence":
        return f"执法事项 {code}（{item.name}）不是 {agency} 公布的行政许可事项"
    return None


@gate("LIC-08", "依法应当听证而未听证", f"{LICENSING_LAW}第四十六条、第四十七条第一款、第七十二条第八项",
      GRANT_OR_DENY, LICENCES)
def _hearing(j: Judged) -> str | None:
    """(a) an item with ``licence.hearing_required`` (第46条), and (c) every ``HearingRequested``
    within ``licence.hearing_request_wd`` WD (default 5, Q21) of the 听证权利告知 it answers (a
    request with no notice before it is timely: the window never began), need a ``HearingHeld``
    — or a ``HearingAbandoned`` — after it and before the decision. A window ending in a year the
    calendar does not know counts the request as timely (fails closed, Q18)."""
    state = j.licence
    if state is None:
        return None
    problems = []
    item = j.agency.item(state.item) if j.agency is not None else None
    if item is not None and item.licence is not None and item.licence.hearing_required:
        if not state.held and not state.abandoned:
            problems.append(f"许可事项 {item.code} 依法应当举行听证（第四十六条），作出决定前未举行听证")
    days = j.config.licence.hearing_request_wd
    for request in state.requests:
        if state.answered(request):
            continue
        told = state.told_before(request.position)
        if told is not None:
            window = j.calendar.add_working_days(shanghai_date(told.at), days)
            if within(window, shanghai_date(request.at)) is False:
                continue  # a late request: LIC-08 is not breached by not holding it
        when = f"（{shanghai_date(told.at)} 告知听证权利后 {days} 个工作日内）" if told is not None else ""
        problems.append(f"{shanghai_date(request.at)} 依法提出的听证申请{when}未组织听证，申请人也未放弃")
    return "；".join(problems) or None


@gate("LIC-12", "许可决定缺少印章、依据或理由", f"{LICENSING_LAW}第三十八条、第七十二条第七项", LICENCE_DECISIONS,
      LICENCES)
def _decision_form(j: Judged) -> str | None:
    """Every decision is sealed (``sealed_by``) and states its ``basis``; a denial gives its
    ``reasons`` (第38条第2款), a withdrawal or revocation its ``ground``."""
    data = j.step.data
    problems = []
    if not data.get("sealed_by"):
        problems.append("决定书未加盖行政机关印章（sealed_by 缺失）")
    if not data.get("basis"):
        problems.append("决定书未载明法律依据（basis 为空）")
    if j.step.type == "LicenceDenied" and not any(r.strip() for r in texts_of(data.get("reasons"))):
        problems.append("不予行政许可决定未说明理由（reasons 为空）")
    action = _NEEDS_GROUND.get(j.step.type)
    if action is not None and not data.get("ground"):
        problems.append(f"{action}行政许可决定未载明{action}事由（ground 缺失）")
    return "；".join(problems) or None
