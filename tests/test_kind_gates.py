"""The licence and complaint gates (LIC-01, LIC-08, LIC-12, CMP-04) on the brief's examples
(examples-notes.md §1 and §5): each fires on its defect and not on the lawful file, the override
as for penalties (the acting agency's head, for complaints the justice bureau's, or a supervisor),
and no gate judges a stream kind it is not for."""

from __future__ import annotations

import copy
import re
from typing import Any

import pytest

from domain.errors import StepRefused
from domain.gates import check_gates, firing_gates, gates_for
from domain.registry import HistoryRegistry
from tests.helpers.gate_context import (
    CALENDAR,
    CONFIG,
    HEAD,
    OFFICER,
    MemoryContext,
    Raw,
    context_with,
    load,
    registry_context,
)
from tests.helpers.kinds_examples import (
    COMPLAINT,
    ITEM,
    LICENCE,
    SFJ_HEAD,
    SFJ_SUPERVISOR,
    SPJ,
    SPJ_HEAD,
    SPJ_OFFICER,
    as_step,
    complaint_steps,
    edit_step,
    index_of,
    licence_item,
    licence_steps,
    registry_additions,
)

CJK = re.compile(r"[\u4e00-\u9fff]")
APPLICANT_REF = {"kind": "organisation", "name": "武汉某传媒有限公司"}


def _context(before: list[Raw], extra_registry: list[Raw] | None = None) -> MemoryContext:
    ctx = registry_context()
    for raw in [*registry_additions(), *(extra_registry or []), *before]:
        ctx.append(raw)
    return ctx


def fired(steps: list[Raw], index: int, extra_registry: list[Raw] | None = None) -> set[str]:
    ctx = _context(steps[:index], extra_registry)
    found = firing_gates(as_step(steps[index]), HistoryRegistry(ctx), config=CONFIG, calendar=CALENDAR)
    return {f.rule for f in found}


def refusal(steps: list[Raw], index: int, override: Any = None) -> StepRefused | None:
    raw = copy.deepcopy(steps[index])
    if override is not None:
        raw["override"] = override
    try:
        check_gates(as_step(raw), HistoryRegistry(_context(steps[:index])), config=CONFIG, calendar=CALENDAR)
    except StepRefused as refused:
        return refused
    return None


def _granted(steps: list[Raw]) -> int:
    return index_of(steps, "LicenceGranted")


def _transfer(steps: list[Raw]) -> int:
    return index_of(steps, "ComplaintTransferred")


def _step(stream: str, step_type: str, at: str, data: dict[str, Any], by: str = SPJ_OFFICER) -> Raw:
    return {"stream": stream, "type": step_type, "at": at, "by": by, "data": data}


# --------------------------------------------------------------------------- the lawful files


@pytest.mark.parametrize("make", [licence_steps, complaint_steps])
def test_no_gate_fires_on_any_step_of_the_lawful_files(make: Any) -> None:
    steps = make()
    for index in range(len(steps)):
        assert fired(steps, index) == set(), steps[index]["type"]


def test_the_gates_are_judged_at_the_steps_of_the_table() -> None:
    def rules(step_type: str) -> list[str]:
        return [g.rule for g in gates_for(step_type)]

    assert rules("LicenceGranted") == rules("LicenceDenied") == ["LIC-01", "LIC-08", "LIC-12"]
    for kind in ("LicenceWithdrawn", "LicenceRevoked", "LicenceCancelled"):
        assert rules(kind) == ["LIC-01", "LIC-12"]
    assert rules("ComplaintTransferred") == ["CMP-04"]
    assert rules("LicenceIssued") == rules("HearingRequested") == rules("ComplaintAccepted") == []


# --------------------------------------------------------------------------- LIC-01


def test_lic01_an_item_published_after_the_application_fires() -> None:
    steps = licence_steps()
    late = licence_item("2026-09-20T09:00:00+08:00")
    ctx = context_with([r for r in load("registry.jsonl")
                        if not (r["type"] == "EnforcementItemPublished" and r["data"]["code"] == ITEM)])
    for raw in [late, *steps[:_granted(steps)]]:
        ctx.append(raw)
    found = firing_gates(as_step(steps[_granted(steps)]), HistoryRegistry(ctx), config=CONFIG, calendar=CALENDAR)
    assert [f.rule for f in found] == ["LIC-01"] and "2026-09-18" in found[0].message


@pytest.mark.parametrize("change", [
    lambda s: s["data"].update(item="CGJ-DQ-118-1"),  # a penalty item, and not of this agency
    lambda s: s["data"].update(agency="agency/DXH-CGJ"),  # an agency that published no such item
    lambda s: s["data"].update(item="SPJ-NONE"),
])
def test_lic01_fires_for_an_item_the_deciding_agency_did_not_publish_as_a_licence(change: Any) -> None:
    steps = edit_step(licence_steps(), "LicenceApplied", change)
    assert fired(steps, _granted(steps)) == {"LIC-01"}


def test_lic01_a_penalty_item_of_the_agency_is_not_a_licence_item() -> None:
    penalty_item = copy.deepcopy(licence_item())
    penalty_item["data"].update(code="SPJ-P-1", kind="penalty")
    steps = edit_step(licence_steps(), "LicenceApplied", lambda s: s["data"].update(item="SPJ-P-1"))
    assert fired(steps, _granted(steps), [penalty_item]) == {"LIC-01"}


def _revocation(licence_stream: str, **decision: Any) -> list[Raw]:
    stream = "licence/DXH-SPJ-XK-2026-0090"
    return [
        _step(stream, "LicenceProceedingOpened", "2026-12-01T09:00:00+08:00", {
            "agency": SPJ, "action": "revocation", "licence": {"stream": licence_stream, "licence_no": "DXH-GG"},
            "holder": {"kind": "organisation", "name": "武汉某传媒有限公司"}, "trigger": "ex_officio",
            "grounds": ["以欺骗手段取得"], "approved_by": SPJ_HEAD}),
        _step(stream, "LicenceRevoked", "2026-12-20T10:00:00+08:00", {
            "ground": "fraud_or_bribery", "paragraph": 2, "public_interest_check": "不损害公共利益",
            "effective_on": "2026-12-20", "document_no": "东审批撤字〔2026〕第1号",
            "basis": [{"law": "中华人民共和国行政许可法", "article": 69, "clause": 2}], "remedies": {},
            "approved_by": SPJ_HEAD, "sealed_by": SPJ, "document": {}, **decision}, SPJ_HEAD),
    ]


def test_lic01_a_proceeding_reads_the_application_of_the_licence_it_names() -> None:
    lawful = [*licence_steps(), *_revocation(LICENCE)]
    assert fired(lawful, len(lawful) - 1) == set()
    unknown = [*licence_steps(), *_revocation("licence/DXH-SPJ-XK-2020-0001")]
    assert fired(unknown, len(unknown) - 1) == {"LIC-01"}


# --------------------------------------------------------------------------- LIC-08


def _hearing_requested(requested: str, *extra: Raw) -> list[Raw]:
    """Defect 3: the residents' committee told of its hearing right on 9 Oct, its request on ``requested``."""
    committee = {"kind": "organisation", "name": "某社区居民委员会"}
    steps = licence_steps()
    index = index_of(steps, "LicenceReviewed")
    steps[index:index] = [
        _step(LICENCE, "InterestedPartyNotified", "2026-10-09T11:00:00+08:00", {
            "party": committee, "method": "in_person", "served_at": "2026-10-09T11:00:00+08:00", "document": {}}),
        _step(LICENCE, "HearingRightsNotified", "2026-10-09T11:00:00+08:00", {
            "to": [APPLICANT_REF, committee], "method": "in_person", "served_at": "2026-10-09T11:00:00+08:00",
            "document": {}}),
        _step(LICENCE, "HearingRequested", f"{requested}T09:00:00+08:00", {"requested_by": committee}),
        *extra,
    ]
    return steps


@pytest.mark.parametrize(("requested", "fires"), [("2026-10-14", True), ("2026-10-15", True),
                                                  ("2026-10-16", False)])
def test_lic08_a_timely_request_needs_a_hearing(requested: str, fires: bool) -> None:
    steps = _hearing_requested(requested)  # the 5th WD after 9 Oct is 15 Oct (10 Oct is a 调休 Saturday)
    assert fired(steps, _granted(steps)) == ({"LIC-08"} if fires else set())


@pytest.mark.parametrize("answer", ["HearingHeld", "HearingAbandoned"])
def test_lic08_held_or_abandoned_hearing_passes(answer: str) -> None:
    step = _step(LICENCE, answer, "2026-10-19T09:00:00+08:00", {"record_confirmed": True})
    steps = _hearing_requested("2026-10-14", step)
    assert fired(steps, _granted(steps)) == set()


def test_lic08_a_hearing_held_before_the_request_does_not_answer_it() -> None:
    steps = _hearing_requested("2026-10-14")
    early = _step(LICENCE, "HearingHeld", "2026-10-13T09:00:00+08:00", {"record_confirmed": True})
    steps.insert(index_of(steps, "HearingRequested"), early)
    assert fired(steps, _granted(steps)) == {"LIC-08"}


def test_lic08_an_item_that_requires_a_hearing() -> None:
    required = licence_item("2026-01-06T10:00:00+08:00", hearing_required=True)
    steps = licence_steps()
    assert fired(steps, _granted(steps), [required]) == {"LIC-08"}
    held = _step(LICENCE, "HearingHeld", "2026-10-19T09:00:00+08:00", {"record_confirmed": True})
    steps.insert(_granted(steps), held)
    assert fired(steps, _granted(steps), [required]) == set()


def test_lic08_judges_a_denial_too() -> None:
    steps = _hearing_requested("2026-10-14")
    index = _granted(steps)
    steps[index]["type"] = "LicenceDenied"
    steps[index]["data"]["reasons"] = ["不符合设置规划"]
    assert fired(steps, index_of(steps, "LicenceDenied")) == {"LIC-08"}


# --------------------------------------------------------------------------- LIC-12


@pytest.mark.parametrize(("change", "words"), [
    (lambda d: d.pop("sealed_by"), "印章"),
    (lambda d: d.update(basis=[]), "法律依据"),
])
def test_lic12_a_decision_without_seal_or_basis(change: Any, words: str) -> None:
    steps = edit_step(licence_steps(), "LicenceGranted", lambda s: change(s["data"]))
    refused = refusal(steps, _granted(steps))
    assert refused is not None and refused.rule == "LIC-12" and words in refused.message


def test_lic12_a_denial_needs_reasons_and_a_revocation_its_ground() -> None:
    def deny(reasons: list[str]) -> Any:
        return lambda s: s.update(type="LicenceDenied", data={**s["data"], "reasons": reasons})

    index = _granted(licence_steps())
    assert fired(edit_step(licence_steps(), "LicenceGranted", deny([" "])), index) == {"LIC-12"}
    assert fired(edit_step(licence_steps(), "LicenceGranted", deny(["设置位置不符合规划"])), index) == set()
    no_ground = [*licence_steps(), *_revocation(LICENCE)]
    no_ground[-1]["data"].pop("ground")
    assert fired(no_ground, len(no_ground) - 1) == {"LIC-12"}


# --------------------------------------------------------------------------- CMP-04


def _reported(**transfer: Any) -> list[Raw]:
    """Defect 3: a neighbour's 举报 about officer 009, assigned to DXH-CGJ with the identity shared."""
    steps = edit_step(complaint_steps(), "ComplaintReceived", lambda s: s["data"].update(
        nature="report", complainant={"kind": "person", "name": "王某"},
        against={"agency": "agency/DXH-CGJ", "officers": ["officer/42011219009"]}))
    steps[_transfer(steps)]["data"].update(transfer)
    return steps


@pytest.mark.parametrize(("transfer", "fires"), [
    ({}, True),
    ({"to": "officer/42011219009"}, True),
    ({"complainant_identity_shared": False}, False),
    ({"to": "agency/DXH-SCJ", "kind": "transfer"}, False),
])
def test_cmp04_a_whistleblowers_identity_is_not_passed_to_those_reported(transfer: dict[str, Any],
                                                                           fires: bool) -> None:
    steps = _reported(**transfer)
    assert fired(steps, _transfer(steps)) == ({"CMP-04"} if fires else set())


def test_cmp04_a_complaint_by_the_party_itself_may_share_the_identity() -> None:
    steps = complaint_steps()
    assert steps[_transfer(steps)]["data"]["complainant_identity_shared"] is True
    assert fired(steps, _transfer(steps)) == set()


# --------------------------------------------------------------------------- live refusal and overrides


def _override(rule: str, by: str, justification: str = "经负责人批准先行记录，事后补正") -> dict[str, str]:
    return {"rule": rule, "justification": justification, "authorized_by": by}


def _defects() -> list[tuple[str, list[Raw], int]]:
    lic01 = edit_step(licence_steps(), "LicenceApplied", lambda s: s["data"].update(item="SPJ-NONE"))
    lic08 = _hearing_requested("2026-10-14")
    lic12 = edit_step(licence_steps(), "LicenceGranted", lambda s: s["data"].pop("sealed_by"))
    cmp04 = _reported()
    return [("LIC-01", lic01, _granted(lic01)), ("LIC-08", lic08, _granted(lic08)),
            ("LIC-12", lic12, _granted(lic12)), ("CMP-04", cmp04, _transfer(cmp04))]


@pytest.mark.parametrize(("rule", "steps", "index"), _defects(), ids=[d[0] for d in _defects()])
def test_live_refusal_names_rule_message_and_basis(rule: str, steps: list[Raw], index: int) -> None:
    refused = refusal(steps, index)
    assert refused is not None and refused.rule == rule
    assert CJK.search(refused.message)
    assert refused.basis is not None and refused.basis.startswith("《") and re.search(r"第.+条", refused.basis)


@pytest.mark.parametrize(("rule", "steps", "index"), _defects(), ids=[d[0] for d in _defects()])
def test_the_head_of_the_acting_agency_or_a_supervisor_may_override(rule: str, steps: list[Raw], index: int) -> None:
    head = SFJ_HEAD if rule.startswith("CMP") else SPJ_HEAD
    for authority in (head, SFJ_SUPERVISOR):
        assert refusal(steps, index, _override(rule, authority)) is None, authority
    for other in (SPJ_OFFICER if rule.startswith("LIC") else OFFICER, HEAD if rule.startswith("CMP") else SFJ_HEAD):
        refused = refusal(steps, index, [_override(rule, other)])
        assert refused is not None and refused.rule == rule and "越权记录无效" in refused.message, other


def test_an_override_without_a_reason_is_refused() -> None:
    rule, steps, index = _defects()[0]
    refused = refusal(steps, index, _override(rule, SPJ_HEAD, "  "))
    assert refused is not None and "未写明理由" in refused.message


# --------------------------------------------------------------------------- streams not judged


def test_the_gates_ignore_streams_they_do_not_judge() -> None:
    transfer = _reported()[_transfer(_reported())]
    on_licence = {**transfer, "stream": LICENCE}
    on_case = {**transfer, "stream": "case/DXH-CGJ-2026-0012"}
    granted = edit_step(licence_steps(), "LicenceGranted", lambda s: s["data"].pop("sealed_by"))
    on_complaint = {**granted[_granted(granted)], "stream": COMPLAINT}
    for raw in (on_licence, on_case, on_complaint):
        ctx = _context(_reported()[:_transfer(_reported())])
        assert firing_gates(as_step(raw), HistoryRegistry(ctx), config=CONFIG, calendar=CALENDAR) == (), raw["stream"]


def test_pub01_judges_a_licence_publication_too() -> None:
    steps = licence_steps()
    index = index_of(steps, "DecisionPublished")
    assert fired(steps, index) == set()
    steps[index]["data"]["text"] = "准予设置大型户外广告，联系电话 13871234567"
    assert fired(steps, index) == {"PUB-01"}
