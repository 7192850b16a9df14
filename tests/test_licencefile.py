"""The licence-file fold (projections/licencefile): the brief's lawful file from application to archive,
its deadlines (counted by domain.licence_limits), EVAL-09's 卷内目录, corrections, a proceeding the
agency opens, and invariants over any prefix of the file."""

from __future__ import annotations

from datetime import date
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from projections.licencefile import HANDLERS, LICENCE_ITEMS, fold_licencefile
from tests.helpers.audit_cases import registry
from tests.helpers.examples import scaled
from tests.helpers.kinds_examples import LICENCE, SPJ, at, edit_step, licence_steps, versioned
from tests.helpers.licence_defects import PROCEEDING, proceeding_steps

REGISTRY = registry()


def _fold(steps: list[dict[str, Any]], **kwargs: Any) -> Any:
    return fold_licencefile(steps[0]["stream"], versioned(steps), registry=REGISTRY, **kwargs)


def test_the_lawful_file_from_application_to_archive() -> None:
    f = _fold(licence_steps())
    assert (f.kind, f.agency, f.item, f.application, f.status) == ("application", SPJ, "SPJ-SR-11-2", "new",
                                                                   "archived")
    assert f.applicant is not None and f.applicant.name == "武汉某传媒有限公司"
    assert f.accepted_on == date(2026, 9, 28) and not f.deemed_accepted
    assert f.decision is not None and f.decision.type == "LicenceGranted" and f.decision.valid_to == date(2027, 10, 20)
    assert f.issued is not None and f.issued.licence_no == "东审批广字〔2026〕第0031号"
    assert [p.version for p in f.publications] == [11]
    assert (f.archive_no, f.retention, f.concluded) == ("SPJ-XK-2026-0031", "30y", True)
    assert {d.key: d.due.due for d in f.deadlines} == {
        "LIC-03": date(2026, 9, 24), "LIC-10": date(2026, 11, 6), "LIC-13": date(2026, 11, 4),
        "LIC-15@9": date(2026, 10, 30)}
    assert [(s.first, s.last) for s in f.excluded] == [(date(2026, 10, 12), date(2026, 10, 16))]
    assert {"officer/42011230001", "officer/42011230002", "officer/42011230003"} <= set(f.officers)


def test_the_catalogue_follows_eval09_and_lists_every_document() -> None:
    f = _fold(licence_steps())
    items = [c.item for c in f.catalogue]
    assert items == sorted(items) and items[:2] == [1, 2] and items[-1] == 18
    assert [c.paginated for c in f.catalogue if c.item in (1, 2, 18)] == [False, False, False]
    assert {c.item_title for c in f.catalogue} <= set(LICENCE_ITEMS.values())
    listed = {c.sha256 for c in f.catalogue if c.sha256}
    assert listed == {d.sha256 for d in f.documents if d.sha256}
    assert {5, 13, 14, 15, 16, 17} <= set(items)


def test_a_running_file_is_in_progress_until_its_decision() -> None:
    steps = licence_steps()
    for n, expected in ((1, "applied"), (4, "accepted"), (8, "reviewed"), (9, "decided"), (10, "issued")):
        f = _fold(steps[:n])
        assert f.status == expected
        assert f.concluded == (n >= 9)


def test_a_record_correction_applies_to_the_folded_file_but_not_the_timeline() -> None:
    steps = licence_steps()
    steps.append({"stream": LICENCE, "type": "RecordCorrected", "at": "2026-11-14T10:00:00+08:00",
                  "by": "officer/42011230001",
                  "data": {"target": {"stream": LICENCE, "version": 9}, "field": "document_no",
                           "old": "东审批许字〔2026〕第0031号", "new": "东审批许字〔2026〕第0032号",
                           "reason": "文号笔误"}})
    f = _fold(steps)
    assert f.decision is not None and f.decision.document_no == "东审批许字〔2026〕第0032号"
    assert f.timeline[8].type == "LicenceGranted" and len(f.timeline) == 14


def test_a_late_supplement_notice_makes_the_receipt_date_the_acceptance() -> None:
    steps = edit_step(licence_steps(), "SupplementRequested",
                      lambda s: at(s, "2026-09-28T09:00:00+08:00", "served_at"))
    f = _fold(steps)
    assert f.accepted_on == date(2026, 9, 18) and f.deemed_accepted
    assert f.deadline("LIC-10") is not None and f.deadline("LIC-10").due.due == date(2026, 10, 29)


def test_a_proceeding_names_its_licence_and_counts_the_cancellation() -> None:
    f = _fold(proceeding_steps())
    assert (f.kind, f.action, f.status) == ("proceeding", "revocation", "archived")
    assert f.concerns["stream"] == LICENCE and f.stream == PROCEEDING
    assert f.decision is not None and f.decision.type == "LicenceRevoked"
    cancel = f.deadline("LIC-19")
    assert cancel is not None and cancel.done_on is not None and cancel.done_on <= cancel.due.due


def test_every_handled_step_type_belongs_to_the_licence_vocabulary() -> None:
    from domain.vocabulary import STEPS
    assert all("licence" in STEPS[name].streams for name in HANDLERS)


@settings(max_examples=scaled(40), deadline=None)
@given(st.integers(min_value=1, max_value=13))
def test_any_prefix_folds_and_its_status_never_goes_back(n: int) -> None:
    """For all prefixes: the fold is total, and a longer prefix is never at an earlier status."""
    from projections.licencefile.model import PROGRESS
    steps = licence_steps()
    ranks = [PROGRESS[_fold(steps[:k]).status] for k in range(1, n + 1)]
    assert ranks == sorted(ranks)
    assert len(_fold(steps[:n]).timeline) == n
