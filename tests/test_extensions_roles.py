"""Issue 18: extensions count only when granted in time; a role written in a step proves nothing.

* PEN-23 and RC-05: an extension approved after the period ended is a finding and does
  not lengthen the period; one approved on the last day (also when that last day was
  rolled past a holiday) is lawful; chains are judged in approval order. A hypothesis
  property compares the folds with a reference written here from ``chinese_calendar``.
* LIT-01/02: a person written as ``deputy_head`` counts as a head in court only when the
  registry shows them as a head of the defendant agency at the hearing's date.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import chinese_calendar
from hypothesis import given, settings
from hypothesis import strategies as st

from audit.model import Evaluation
from domain.calendar import SHANGHAI
from domain.roles import heads_named
from projections import queries
from projections.casefile import fold_casefile, fold_lawsuit, fold_review
from projections.runner import Runner, rebuild
from projections.sql import Database
from tests.helpers.audit_cases import (
    GENERAL,
    HEAD,
    LAWSUIT,
    OFFICER,
    REVIEW,
    Raw,
    audit,
    edit,
    find,
    fired,
    general_group,
    insert_after,
    registry,
    shift,
    step,
    versioned,
)
from tests.helpers.examples import scaled
from tests.helpers.gate_context import load
from tests.helpers.projection_ledgers import dump, import_steps, lines, new_ledger, table
from tests.helpers.stores import store_config

CASE = "case/DXH-CGJ-2026-0012"
SFJ_HEAD = "officer/SFJ-0002"
EXTRA_REGISTRY = [
    step(SFJ_HEAD, "OfficerRegistered", "2026-01-07T09:40:00+08:00",
         {"name": "吴刚", "agency": "agency/DXH-SFJ", "roles": ["head", "reconsideration_staff"]}, by="officer/admin"),
]
BASIS = [{"law": "市场监督管理行政处罚程序规定", "article": 64, "clause": 1, "item": None}]


def _at(day: date, hour: int = 9) -> str:
    return datetime.combine(day, time(hour), SHANGHAI).isoformat()


def _extension(day: date, days: int = 30, **extra: Any) -> Raw:
    return step(CASE, "TimeLimitExtended", _at(day),
                {"rule": "PEN-23", "approved_by": HEAD, "days": days, "reason": "案情复杂，需要鉴定",
                 "basis": BASIS, **extra}, by=HEAD)


def _pen23(steps: list[Raw], **kwargs: Any) -> Evaluation:
    return audit(steps, reviews={}, lawsuits={}, **kwargs)


def _message(ev: Evaluation, rule: str) -> str:
    return next(f.message for f in ev.findings if f.rule == rule)


# --------------------------------------------------------------------------- PEN-23

def _late_decision() -> list[Raw]:
    """The general case decided on 2026-06-02: one day after its 90 days (立案 2026-03-03, due 06-01)."""
    steps = load(GENERAL)
    return shift(steps, 50, find(steps, "DecisionMade"))


def test_pen23_extension_on_the_last_day_is_lawful() -> None:
    base = _late_decision()
    assert "PEN-23" in fired(_pen23(base))
    steps = insert_after(base, "CollectiveDiscussionHeld", _extension(date(2026, 6, 1)))
    ev = _pen23(steps)
    assert "PEN-23" not in fired(ev, provisional=True)
    file = fold_casefile(CASE, versioned(steps))
    (judged,) = file.extensions
    assert judged.timely is True and judged.counted == 30
    assert next(d for d in file.deadlines if d.rule == "PEN-23").due.due == date(2026, 7, 1)


def test_pen23_extension_the_day_after_is_a_finding_and_adds_nothing() -> None:
    steps = insert_after(_late_decision(), "CollectiveDiscussionHeld", _extension(date(2026, 6, 2)))
    ev = _pen23(steps)
    assert "PEN-23" in fired(ev)
    message = _message(ev, "PEN-23")
    assert "2026-06-02 批准的延长办案期限" in message and "2026-06-01" in message and "延长无效" in message
    assert "已逾期" in message  # the period is judged without it: the decision is late
    file = fold_casefile(CASE, versioned(steps))
    (judged,) = file.extensions
    assert judged.late and judged.counted == 0 and judged.due_before.due == date(2026, 6, 1)
    assert next(d for d in file.deadlines if d.rule == "PEN-23").due.due == date(2026, 6, 1)


def test_pen23_late_extension_is_a_finding_even_when_the_decision_is_in_time() -> None:
    """The case decided in time (2026-04-13) with a late extension dated 2026-06-02: still a finding."""
    steps = insert_after(load(GENERAL), "CaseClosed", _extension(date(2026, 6, 2)))
    assert "PEN-23" in fired(_pen23(steps))


def test_pen23_recorded_approval_time_after_the_period_is_late() -> None:
    """The step dated within the period, its ``approved_at`` after it: the approval is late."""
    late = _extension(date(2026, 6, 1), approved_at=_at(date(2026, 6, 2)))
    steps = insert_after(_late_decision(), "CollectiveDiscussionHeld", late)
    assert "PEN-23" in fired(_pen23(steps))


def _national_day_case() -> list[Raw]:
    """The general case registered 2026-07-05: 90 days end on 2026-10-03, in the National Day
    holiday (10-01 to 10-07), so the period runs to 2026-10-08; decided 2026-10-12."""
    steps = shift(load(GENERAL), 124)
    return shift(steps, 58, find(steps, "DecisionMade"))


def test_pen23_holiday_crossing_last_day_is_lawful() -> None:
    base = _national_day_case()
    without = fired(_pen23(base), provisional=True)
    assert "PEN-23" in without
    lawful = insert_after(base, "CollectiveDiscussionHeld", _extension(date(2026, 10, 8)))
    assert fired(_pen23(lawful), provisional=True) == without - {"PEN-23"}
    late = insert_after(base, "CollectiveDiscussionHeld", _extension(date(2026, 10, 9)))
    ev = _pen23(late)
    assert "PEN-23" in fired(ev) and "2026-10-08" in _message(ev, "PEN-23")


def test_pen23_chained_extension_within_the_extended_period_counts() -> None:
    """A second extension approved after the base period but within the lawfully extended one."""
    base = _late_decision()
    base = shift(base, 40, find(base, "DecisionMade"))  # decided 2026-07-12: beyond 07-01, within 07-31
    first = _extension(date(2026, 5, 20), days=15)  # due 06-01 -> 06-16
    second = _extension(date(2026, 6, 10), days=15)  # within 06-16 -> 07-01
    third = _extension(date(2026, 6, 30), days=30)  # within 07-01 -> 07-31
    steps = insert_after(base, "CollectiveDiscussionHeld", first)
    steps = insert_after(steps, "TimeLimitExtended", second)
    steps = insert_after(steps, "TimeLimitExtended", third, nth=1)
    assert "PEN-23" not in fired(_pen23(steps), provisional=True)
    file = fold_casefile(CASE, versioned(steps))
    assert [e.counted for e in file.extensions] == [15, 15, 30]
    # without the first, the second falls after the period (06-01) and adds nothing; the third then too
    unchained = insert_after(base, "CollectiveDiscussionHeld", second)
    unchained = insert_after(unchained, "TimeLimitExtended", third)
    assert [e.late for e in fold_casefile(CASE, versioned(unchained)).extensions] == [True, True]
    assert "PEN-23" in fired(_pen23(unchained))


# --------------------------------------------------------------------------- RC-05

def _review_extension(day: date, days: int = 30, approver: str = SFJ_HEAD) -> Raw:
    return step(REVIEW, "ReconsiderationExtended", _at(day), {"approved_by": approver, "days": days},
                by="officer/SFJ-0001")


def _late_review(steps: list[Raw], decided: date) -> list[Raw]:
    def change(s: Raw) -> None:
        s["at"] = _at(decided, 10)
        s["data"].update(decided_at=_at(decided, 10), served_at=_at(decided, 16))
    return edit(steps, "ReconsiderationDecided", change)


def _rc05(review: list[Raw]) -> Evaluation:
    case, _, lawsuits = general_group()
    return audit(case, reviews={REVIEW: review}, lawsuits=lawsuits, extra_registry=EXTRA_REGISTRY)


def test_rc05_extension_on_the_last_day_is_lawful_and_the_day_after_is_not() -> None:
    """Accepted 2026-05-08: 60 days end 2026-07-07; decided 2026-07-20."""
    base = _late_review(load("reconsideration.jsonl"), date(2026, 7, 20))
    assert "RC-05" in fired(_rc05(base))
    lawful = insert_after(base, "AnswerFiled", _review_extension(date(2026, 7, 7)))
    assert "RC-05" not in fired(_rc05(lawful), provisional=True)
    review = fold_review(REVIEW, versioned(lawful))
    assert next(d for d in review.deadlines if d.rule == "RC-05").due.due == date(2026, 8, 6)
    late = insert_after(base, "AnswerFiled", _review_extension(date(2026, 7, 8)))
    ev = _rc05(late)
    assert "RC-05" in fired(ev)
    assert "2026-07-08 批准的延长复议期限" in _message(ev, "RC-05") and "2026-07-07" in _message(ev, "RC-05")
    review = fold_review(REVIEW, versioned(late))
    assert review.extensions[0].late
    assert next(d for d in review.deadlines if d.rule == "RC-05").due.due == date(2026, 7, 7)


def test_rc05_holiday_crossing_last_day_is_lawful() -> None:
    """Accepted 2026-08-03: 60 days end 2026-10-02, in the National Day holiday: the period runs to
    2026-10-08. Decided 2026-10-20."""
    review = shift(load("reconsideration.jsonl"), 87)
    base = _late_review(review, date(2026, 10, 20))
    without = fired(_rc05(base), provisional=True)
    assert "RC-05" in without
    lawful = insert_after(base, "AnswerFiled", _review_extension(date(2026, 10, 8)))
    assert fired(_rc05(lawful), provisional=True) == without - {"RC-05"}
    late = insert_after(base, "AnswerFiled", _review_extension(date(2026, 10, 9)))
    assert "RC-05" in fired(_rc05(late))


def test_rc05_approver_must_be_a_head_of_the_reconsideration_body() -> None:
    base = _late_review(load("reconsideration.jsonl"), date(2026, 7, 20))
    by_staff = insert_after(base, "AnswerFiled", _review_extension(date(2026, 7, 1), approver="officer/SFJ-0001"))
    ev = _rc05(by_staff)
    assert "RC-05" in fired(ev) and "不是复议机构负责人" in _message(ev, "RC-05")


# --------------------------------------------------------------------------- reference (property)

def _roll(day: date) -> date:
    while not chinese_calendar.is_workday(day):
        day += timedelta(days=1)
    return day


def _reference(start: date, base: int, extensions: list[tuple[date, int]], cap: int | None
               ) -> tuple[date, list[bool]]:
    """The period's due day and which extensions count, from chinese_calendar directly."""
    total = base
    due = _roll(start + timedelta(days=base))
    timely = []
    for approved, days in sorted(extensions, key=lambda e: e[0]):
        ok = approved <= due
        timely.append(ok)
        add = days if cap is None else max(0, min(days, cap - (total - base)))
        if ok and add:
            total += add
            due = _roll(start + timedelta(days=total))
    return due, timely


_EXTENSIONS = st.lists(st.tuples(st.integers(0, 150), st.integers(1, 30)), max_size=3,
                       unique_by=lambda e: e[0])


@settings(max_examples=scaled(60), deadline=None)
@given(start=st.dates(date(2024, 1, 1), date(2026, 6, 30)), found=_EXTENSIONS)
def test_pen23_period_agrees_with_reference(start: date, found: list[tuple[int, int]]) -> None:
    exts = [(start + timedelta(days=offset), days) for offset, days in found]
    history = [step(CASE, "CaseRegistered", _at(start), {"agency": "agency/DXH-CGJ", "procedure": "general"})]
    history += [_extension(day, days) for day, days in exts]
    file = fold_casefile(CASE, versioned(history))
    due, timely = _reference(start, 90, exts, None)
    assert next(d for d in file.deadlines if d.rule == "PEN-23").due.due == due
    assert [e.timely for e in file.extensions] == timely


@settings(max_examples=scaled(60), deadline=None)
@given(accepted=st.dates(date(2024, 1, 1), date(2026, 8, 31)), found=_EXTENSIONS)
def test_rc05_period_agrees_with_reference(accepted: date, found: list[tuple[int, int]]) -> None:
    exts = [(accepted + timedelta(days=offset), days) for offset, days in found]
    history = [
        step(REVIEW, "ReconsiderationApplied", _at(accepted), {"received_at": _at(accepted)}),
        step(REVIEW, "ReconsiderationAccepted", _at(accepted), {"decided_at": _at(accepted)}),
    ]
    history += [_review_extension(day, days) for day, days in exts]
    review = fold_review(REVIEW, versioned(history))
    due, timely = _reference(accepted, 60, exts, 30)
    assert next(d for d in review.deadlines if d.rule == "RC-05").due.due == due
    assert [e.timely for e in review.extensions] == timely


# --------------------------------------------------------------------------- LIT-01/02

def _lawsuit(appeared: list[dict[str, str]], **extra: Any) -> list[Raw]:
    return edit(load("litigation.jsonl"), "CourtHearingAttended",
                lambda s: s["data"].update(appeared=appeared, **extra))


def _lit(lawsuit: list[Raw]) -> Evaluation:
    case, reviews, _ = general_group()
    return audit(case, reviews=reviews, lawsuits={LAWSUIT: lawsuit}, extra_registry=EXTRA_REGISTRY)


def test_lit01_deputy_head_who_is_no_head_does_not_count() -> None:
    suit = _lawsuit([{"person": OFFICER, "role": "deputy_head"}])
    ev = _lit(suit)
    assert "LIT-01" in fired(ev)
    assert "deputy_head" in _message(ev, "LIT-01") and OFFICER in _message(ev, "LIT-01")
    folded = fold_lawsuit(LAWSUIT, versioned(suit), registry=registry(EXTRA_REGISTRY), agency="agency/DXH-CGJ")
    assert folded.hearings[0].head_appeared is False and folded.hearings[0].not_heads


def test_lit01_deputy_head_who_is_a_head_counts() -> None:
    suit = _lawsuit([{"person": "officer/42011219005", "role": "deputy_head"}])
    assert "LIT-01" not in fired(_lit(suit), provisional=True)
    folded = fold_lawsuit(LAWSUIT, versioned(suit), registry=registry(EXTRA_REGISTRY), agency="agency/DXH-CGJ")
    assert folded.hearings[0].head_appeared is True


def test_lit01_head_of_another_agency_does_not_count() -> None:
    """A head in the registry, but of the 司法局, not of the defendant 城管局."""
    suit = _lawsuit([{"person": SFJ_HEAD, "role": "principal_head"}, {"person": OFFICER, "role": "staff"}])
    assert "LIT-01" in fired(_lit(suit))


def test_lit02_summoned_head_written_as_head_but_not_one() -> None:
    suit = _lawsuit([{"person": "officer/42011219002", "role": "responsible_head"}], summoned_head=True,
                    head_absent_reason="")
    assert "LIT-02" in fired(_lit(suit))
    lawful = _lawsuit([{"person": HEAD, "role": "principal_head"}], summoned_head=True)
    assert {"LIT-01", "LIT-02"}.isdisjoint(fired(_lit(lawful), provisional=True))


def test_heads_named_reads_the_registry_as_of_the_hearing() -> None:
    """Identity, agency and role, each by the registry: a head counts, an officer written as
    deputy head and an unregistered name do not; a role that is not a head's is not judged."""
    reg = registry(EXTRA_REGISTRY)
    at = datetime(2026, 8, 20, 9, tzinfo=SHANGHAI)
    heads, problems = heads_named(reg, [(HEAD, "principal_head"), (OFFICER, "deputy_head"),
                                        ("officer/nobody", "responsible_head"), (OFFICER, "staff")],
                                  "agency/DXH-CGJ", at)
    assert heads == (HEAD,)
    assert len(problems) == 2 and "未在名录中登记" in problems[1]


# --------------------------------------------------------------------------- other named roles

OTHER_REVIEWER = "officer/SFJ-0004"
REVIEWER_ELSEWHERE = [
    step(OTHER_REVIEWER, "OfficerRegistered", "2026-01-07T09:50:00+08:00",
         {"name": "郑洁", "agency": "agency/DXH-SFJ", "roles": ["legal_reviewer"],
          "legal_qualification_no": "A20194201120003"}, by="officer/admin"),
]


def test_pen16_review_by_someone_not_a_legal_reviewer_of_the_agency_is_no_review() -> None:
    """The gate (and so the audit) checks the reviewer against the registry at the review's time."""
    steps = edit(load(GENERAL), "LegalReviewCompleted", lambda s: s["data"].update(reviewer=OTHER_REVIEWER))
    ev = audit(steps, reviews={}, lawsuits={}, extra_registry=REVIEWER_ELSEWHERE)
    assert "PEN-16" in fired(ev)
    assert "不是本机关法制审核人员" in _message(ev, "PEN-16") and "agency/DXH-CGJ" in _message(ev, "PEN-16")
    assert "PEN-16" not in fired(audit(load(GENERAL), reviews={}, lawsuits={}))


def test_pen15_presider_must_be_of_the_agency() -> None:
    steps = edit(load(GENERAL), "HearingHeld", lambda s: s["data"].update(presider="officer/SFJ-0001"))
    ev = audit(steps, reviews={}, lawsuits={})
    assert "PEN-15" in fired(ev) and "听证主持人不是本机关工作人员" in _message(ev, "PEN-15")


# --------------------------------------------------------------------------- the case page

def test_case_page_shows_a_late_extension(tmp_path: Path) -> None:
    """Through the projections (the case file's data) to the rendered page: the late extension
    is listed as void, the lawful one as approved in time, and the period is the unextended one."""
    steps = insert_after(_late_decision(), "CollectiveDiscussionHeld", _extension(date(2026, 6, 3)))
    steps = insert_after(steps, "CaseRegistered", _extension(date(2026, 3, 20), days=1))
    with store_config("sqlite", tmp_path) as config:
        ledger = new_ledger(config, tmp_path / "keys.json", live=False)
        import_steps(ledger, lines("registry"))
        import_steps(ledger, steps, backfill=True)
        runner = Runner(ledger.store)
        runner.run_once()
        runner.close()
        db = Database(ledger.store)
        cf = queries.case_file(db, CASE, as_of=date(2026, 12, 31))
        db.close()
        ledger.close()
    assert cf is not None
    found = {(e["approved_on"], e["state"], e["counted"], e["due_before"]) for e in cf["extensions"]}
    assert found == {("2026-03-20", "lawful", 1, "2026-06-01"), ("2026-06-03", "late", 0, "2026-06-02")}
    assert next(d for d in cf["deadlines"] if d["rule"] == "PEN-23")["due_on"] == "2026-06-02"
    html = _render_case(cf)
    assert "延长期限" in html and "期限届满后批准，延长无效（PEN-23）" in html and "期限内批准" in html


def _render_case(cf: dict[str, Any]) -> str:
    from api.pages.web import _env

    request = SimpleNamespace(url=SimpleNamespace(path="/ui/cases/x"), query_params={})
    ctx = SimpleNamespace(request=request)
    return _env.get_template("case.html").render(
        stream=CASE, cf=cf, evaluation=None, concerned={}, uploaded=set(), colours={}, severity_labels={},
        path_labels={}, audit=False, url=lambda p, *a, **k: p, officer=str, officers=lambda ids: "、".join(ids or ()),
        agency=str, agency_names={}, principal=None, ctx=ctx, as_of=date(2026, 12, 31), as_of_given=False,
        has_route=lambda r: True, path="/ui/cases/x")


# --------------------------------------------------------------------------- the projections

LATE_HEAD = "officer/42011219099"


def test_projection_counts_a_head_in_court_by_the_registry(tmp_path: Path) -> None:
    """The read models' 出庭 count (``head_appearances``, the 出庭率 statistics) follow the
    registry: someone written as deputy head counts once, and only once, the registry shows
    them as a head of the defendant agency — also when registered after the lawsuit was
    recorded, and a rebuild then gives the same tables as the incremental run."""
    suit = _lawsuit([{"person": LATE_HEAD, "role": "deputy_head"}, {"person": OFFICER, "role": "staff"}])
    registered = step(LATE_HEAD, "OfficerRegistered", "2026-01-07T09:00:00+08:00",
                      {"name": "钱进", "agency": "agency/DXH-CGJ", "roles": ["head", "officer"]}, by="officer/admin")
    with store_config("sqlite", tmp_path) as config:
        ledger = new_ledger(config, tmp_path / "keys.json", live=False)
        import_steps(ledger, lines("registry"))
        import_steps(ledger, load(GENERAL), backfill=True)
        import_steps(ledger, suit, backfill=True)
        runner = Runner(ledger.store)
        runner.run_once()
        assert [r["head_appearances"] for r in table(ledger.store, "proj_lawsuits")] == [0]
        import_steps(ledger, [registered], backfill=True)
        runner.run_once()
        runner.close()
        assert [r["head_appearances"] for r in table(ledger.store, "proj_lawsuits")] == [1]
        before = dump(ledger.store)
        rebuild(ledger.store)
        assert dump(ledger.store) == before
        ledger.close()


def test_pen18_review_extension_uses_the_same_rule() -> None:
    """法制审核 sent 2026-04-07, 7 WD end 2026-04-16; completed 2026-04-20 (everything after moved
    11 days). A 3 WD extension approved on 04-16 makes it timely; one approved on 04-17 is void."""
    steps = load(GENERAL)
    base = shift(steps, 11, find(steps, "LegalReviewCompleted"))
    assert "PEN-18" in fired(_pen23(base))

    def review_extension(day: date) -> Raw:
        return step(CASE, "TimeLimitExtended", _at(day), {"rule": "PEN-18", "approved_by": HEAD, "days": 3,
                                                           "reason": "案情复杂", "basis": BASIS}, by=HEAD)
    lawful = insert_after(base, "LegalReviewRequested", review_extension(date(2026, 4, 16)))
    assert "PEN-18" not in fired(_pen23(lawful), provisional=True)
    late = insert_after(base, "LegalReviewRequested", review_extension(date(2026, 4, 17)))
    ev = _pen23(late)
    assert "PEN-18" in fired(ev) and "2026-04-17 批准的延长法制审核期限" in _message(ev, "PEN-18")
