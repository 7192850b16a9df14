"""demo: 行政强制 inside penalty cases (tracker issue #16): a 查封扣押 after 立案 on the case's stream,
emergency measures on ``coercion/`` streams disposed of by a later case, 催告 and 代履行 on the case.

Lawful files pass every gate live, and the audit (``audit.coercion_engine`` for ``coercion/`` streams,
``audit.engine`` for the cases) finds nothing in them nor in the stand-alone 强制 files of
``demo.coercions``; each defect's rule is found, with only the veto a BLOCKER brings. They also meet
the limits the audit counts (``domain.coercion_limits``, ``enforcement_limits``); a marked defect is
what it claims: a gate defect is refused live at its
step naming its rule (so the case is a 补录), a finding defect is recorded live and breaks exactly
its limit. The measure of a case is approved before it starts (unless on patrol in an emergency),
and ends by the decision's ``disposes`` (extended once when the decision comes after its 30th day) or
by a release with the items returned. Adding these files changes no other file of the demo.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from typing import Any, Final

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from audit.coercion_engine import evaluate_coercion
from audit.engine import evaluate
from demo import DemoData, DemoStream, generate
from demo.case_coercions import CASE_PATHS
from demo.generator import default_case_kinds
from demo.model import CASE_COERCION_DEFECT_KINDS, COERCION_DEFECT_KINDS, ENFORCEMENT_DEFECT_KINDS
from domain.coercion_limits import measure_end
from tests.helpers.audit_cases import versioned
from tests.helpers.demo_kinds import audit_context, calendar_of, gate_firings, limit_breaches, replay_live
from tests.helpers.examples import scaled

AS_OF = date(2026, 11, 25)


def check_files(data: DemoData) -> None:
    """Lawful: no gate, no limit broken. Defective: a gate defect refused at its step (and 补录), a
    finding defect live with no gate and exactly its limit broken."""
    calendar = calendar_of(data)
    for file in data.case_coercions:
        fired = gate_firings(data, file)
        breaches = limit_breaches(file, calendar)
        defect = file.defect
        if defect is None:
            assert fired == [] and breaches == set() and not file.backfill, (file.stream, fired, breaches)
            continue
        kind = next(k for k in CASE_COERCION_DEFECT_KINDS if k.name == defect.kind)
        assert (file.steps[defect.step]["type"], file.path, defect.rule) == (kind.label, kind.procedure, kind.rule)
        if defect.gate:
            assert file.backfill, file.stream
            assert fired and fired[0][0] == defect.step and set().union(*(r for _, r in fired)) == {defect.rule}, \
                (file.stream, fired)
        else:
            assert not file.backfill and fired == [], (file.stream, fired)
            assert breaches == {defect.rule}, (file.stream, defect, breaches)


def check_shapes(data: DemoData) -> None:
    """Where each step stands: the measure after 立案 and its approval, the emergency's links both ways,
    the 代履行 after the decision's 责令 period and the 催告."""
    by_stream = {f.stream: f for f in data.case_coercions}
    for file in data.case_coercions:
        types = [s["type"] for s in file.steps]
        steps = {s["type"]: s for s in reversed(file.steps)}
        if file.path == "case_seizure":
            assert types.index("CaseRegistered") < types.index("CoercionApprovalDecided") < \
                types.index("SeizureImposed")
            approval, measure = steps["CoercionApprovalDecided"], steps["SeizureImposed"]
            assert approval["data"]["approved"] and approval["at"] <= measure["data"]["started_at"]
            assert measure["data"]["emergency"] is False
            _ends_lawfully(data, file)
        elif file.path == "case_emergency" and file.stream.startswith("coercion/"):
            measure = steps["SeizureImposed"]
            assert measure["data"]["emergency"] is True and types.index("SeizureImposed") < types.index(
                "CoercionApprovalDecided")
            cases = [f for f in data.case_coercions if f.stream.startswith("case/") and
                     f.steps[0]["data"].get("origin", {}).get("stream") == file.stream]
            assert len(cases) == 1
            case = cases[0]
            assert case.steps[0]["at"] > measure["at"]
            decision = next((s for s in case.steps if s["type"] == "DecisionMade"), None)
            if "SeizureDisposed" in steps:
                disposed = steps["SeizureDisposed"]["data"]
                assert decision is not None and decision["data"]["disposes"][0]["stream"] == file.stream
                assert disposed["decision"] == {"stream": case.stream, "document_no": decision["data"]["document_no"]}
                assert steps["SeizureDisposed"]["at"] > decision["at"]
            _ends_lawfully(data, file)
        elif file.path == "case_substitute" and "EnforcementCarriedOut" in types:
            decision = steps["DecisionMade"]
            demanded = next(s for s in file.steps if s["type"] == "PerformanceDemanded")
            assert demanded["data"]["purpose"] == "agency_enforcement"
            assert demanded["data"]["decision_no"] == decision["data"]["document_no"]
            assert demanded["at"][:10] > decision["data"]["correction_due"]
            assert types.index("PerformanceDemanded") < types.index("SubstituteDecisionServed") < \
                types.index("EnforcementCarriedOut")
        assert by_stream[file.stream] is file


def _ends_lawfully(data: DemoData, file: DemoStream) -> None:
    """A lawful measure has ended by its (extended) end, or that end is not yet reached on ``as_of``."""
    if file.defect is not None:
        return
    calendar = calendar_of(data)
    measure = next(s for s in file.steps if s["type"] == "SeizureImposed")
    end = measure_end(calendar, date.fromisoformat(measure["at"][:10]), 30).due
    extension = next((s for s in file.steps if s["type"] == "CoercionExtended"), None)
    if extension is not None:
        assert extension["at"][:10] <= end.isoformat()
        end = date.fromisoformat(extension["data"]["until"])
    ends = [s for s in file.steps if s["type"] in ("CoercionReleased", "SeizureDisposed")
            or (s["type"] == "DecisionMade" and s["data"].get("disposes"))]
    if not ends:
        ended_elsewhere = [c for c in data.case_coercions for s in c.steps if s["type"] == "DecisionMade"
                           and any(d.get("stream") == file.stream for d in s["data"].get("disposes", ()))]
        assert ended_elsewhere or end >= data.as_of - timedelta(days=1), file.stream
    else:
        assert ends[0]["at"][:10] <= end.isoformat(), file.stream


@pytest.fixture(scope="module")
def demo() -> DemoData:
    return generate(200, 4, AS_OF)


def test_default_counts_and_every_path(demo: DemoData) -> None:
    assert default_case_kinds(200) == (6, 4, 4)
    paths = Counter((f.path, f.stream.split("/")[0]) for f in demo.case_coercions)
    assert paths == {("case_seizure", "case"): 6, ("case_emergency", "coercion"): 4, ("case_emergency", "case"): 4,
                     ("case_substitute", "case"): 4}
    assert set(CASE_PATHS) == {p for p, _ in paths}
    streams = [f.stream for f in demo.case_coercions]
    others = {c.stream for c in demo.cases} | {f.stream for f in (*demo.coercions, *demo.inspections)}
    assert len(set(streams)) == len(streams) and others.isdisjoint(streams)
    types = Counter(s["type"] for f in demo.case_coercions for s in f.steps)
    assert types["SeizureDisposed"] and types["SubstituteDecisionServed"] and types["EnforcementCarriedOut"]
    numbers = [s["data"]["decision"]["document_no"] for f in (*demo.coercions, *demo.case_coercions)
               for s in f.steps if s["type"] == "SeizureImposed"]
    assert len(set(numbers)) == len(numbers)


def test_lawful_files_pass_and_defects_are_what_they_claim(demo: DemoData) -> None:
    assert replay_live(demo) == []
    check_files(demo)
    check_shapes(demo)


def test_every_defect_kind_is_generated_and_is_what_it_claims() -> None:
    data = generate(10, 11, AS_OF, defect_share=1.0, licences=0, complaints=0, kinds=(0, 0, 0, 0),
                    case_kinds=(6, 6, 6))
    found = Counter(f.defect.kind for f in data.case_coercions if f.defect)
    assert set(found) == {k.name for k in CASE_COERCION_DEFECT_KINDS}, found
    assert replay_live(data) == []
    check_files(data)
    check_shapes(data)


def test_deterministic_and_the_other_files_stay_as_they_were() -> None:
    one, two = generate(60, 3, AS_OF), generate(60, 3, AS_OF)
    assert one.case_coercions == two.case_coercions and list(one.steps()) == list(two.steps())
    alone = generate(60, 3, AS_OF, case_kinds=(0, 0, 0))
    assert alone.case_coercions == ()
    assert (alone.cases, alone.proceedings, alone.rectifications, alone.licences, alone.complaints,
            alone.coercions, alone.inspections) == (one.cases, one.proceedings, one.rectifications, one.licences,
                                                     one.complaints, one.coercions, one.inspections)


def _numbers(data: DemoData) -> dict[str, Any]:
    return {f.stream: f.steps[0]["at"] for f in data.case_coercions}


def test_case_numbers_follow_the_other_cases_of_their_agency_and_year(demo: DemoData) -> None:
    highest: dict[str, int] = {}
    for case in demo.cases:
        prefix, serial = case.stream.rsplit("-", 1)
        highest[prefix] = max(highest.get(prefix, 0), int(serial))
    for stream in _numbers(demo):
        if stream.startswith("case/"):
            prefix, serial = stream.rsplit("-", 1)
            assert int(serial) > highest.get(prefix, 0), stream


@settings(max_examples=scaled(5), deadline=None)
@given(seed=st.integers(0, 2**31), days=st.integers(0, 800), share=st.sampled_from([0.0, 0.15, 0.5]))
def test_for_all_seeds_and_dates_case_coercions_are_lawful_or_marked(seed: int, days: int, share: float) -> None:
    as_of = date(2026, 1, 1) + timedelta(days=days)
    data = generate(12, seed, as_of, defect_share=share, licences=0, complaints=0, kinds=(0, 0, 0, 0),
                    case_kinds=(3, 3, 3))
    assert replay_live(data) == []
    assert all(s["at"][:10] < as_of.isoformat() for f in data.case_coercions for s in f.steps)
    if as_of.year == AS_OF.year:  # the limits read the calendar of AS_OF's year and the year before
        check_files(data)
        check_shapes(data)


# --------------------------------------------------------------------------- the audit

VETO: Final = {"EVAL-01", "PEN-39"}
"""What a BLOCKER brings by definition: the veto of the file (EVAL-01) and, on a case, PEN-39."""


def audit_problems(data: DemoData) -> list[tuple[str, str, list[str]]]:
    """The 强制 files (``coercion/``) and the cases with measures as the audit grades them: a lawful
    one has no finding but INFO; a defective one finds its rule, with only the veto it brings."""
    ctx = audit_context(data)
    problems = []
    for file in (*data.coercions, *data.case_coercions):
        steps = versioned(list(file.steps))
        ev = evaluate_coercion(file.stream, steps, ctx) if file.stream.startswith("coercion/") else \
            evaluate(file.stream, steps, ctx)
        rules = {f.rule for f in ev.findings if f.severity != "INFO"}
        if file.defect is None:
            if rules:
                problems.append((file.stream, "lawful", sorted(rules)))
        elif file.defect.rule not in rules or not rules <= {file.defect.rule, *VETO}:
            problems.append((file.stream, file.defect.kind, sorted(rules)))
    return problems


def test_the_audit_grades_the_coercion_files_and_cases_as_generated(demo: DemoData) -> None:
    assert audit_problems(demo) == []


def test_the_audit_finds_every_defect_kind_of_coercion() -> None:
    data = generate(10, 11, AS_OF, defect_share=1.0, licences=0, complaints=0, kinds=(8, 6, 0, 0),
                    case_kinds=(6, 6, 6))
    assert {f.defect.kind for f in (*data.coercions, *data.case_coercions) if f.defect} == {
        k.name for k in (*CASE_COERCION_DEFECT_KINDS, *COERCION_DEFECT_KINDS, *ENFORCEMENT_DEFECT_KINDS)}
    assert audit_problems(data) == []


@settings(max_examples=scaled(4), deadline=None)
@given(seed=st.integers(0, 2**31), share=st.sampled_from([0.0, 0.3, 1.0]))
def test_for_all_seeds_the_audit_grades_coercion_as_generated(seed: int, share: float) -> None:
    data = generate(12, seed, AS_OF, defect_share=share, licences=0, complaints=0, kinds=(4, 3, 0, 0),
                    case_kinds=(3, 3, 3))
    assert audit_problems(data) == []
