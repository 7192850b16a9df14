"""A 强制 file sees the disposal of its measure by a penalty case's decision recorded on the case
(``DecisionMade.disposes[].stream`` naming the ``coercion/`` stream, 行政强制法 第27条), not only a
``SeizureDisposed`` on its own stream: the fold closes the measure on the decision's day when the audit
links the case (``audit.files.coercion_links`` through ``LedgerSource.links``), and COE-08 stays quiet."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from audit.coercion_engine import load_coercion
from audit.files import evaluate_stream
from audit.store import LedgerSource
from projections.sql import Database
from tests.helpers.audit_cases import context, versioned
from tests.helpers.coercion_defects import COERCION, fired, registry_additions, run
from tests.helpers.projection_ledgers import import_steps, lines, new_ledger
from tests.helpers.stores import store_config

CASE = "case/DXH-CGJ-2026-0101"


def _coercion_without_its_own_disposal() -> list[dict[str, object]]:
    return [s for s in lines("coercion-standalone") if s["stream"] == COERCION and s["type"] != "SeizureDisposed"]


def _case() -> list[dict[str, object]]:
    return [s for s in lines("coercion-standalone") if s["stream"] == CASE]


def test_the_fold_closes_the_measure_on_the_case_decision_day() -> None:
    ctx = context(date(2026, 12, 31), extra_registry=registry_additions())
    alone, _ = load_coercion(COERCION, versioned(_coercion_without_its_own_disposal()), ctx)
    linked, _ = load_coercion(COERCION, versioned(_coercion_without_its_own_disposal()), ctx,
                              {CASE: versioned(_case())})
    assert alone.measures[0].ended_on is None
    assert linked.measures[0].ended_on == date(2026, 10, 16)
    assert {i.disposition for i in linked.measures[0].items} == {"confiscated"}
    before, _ = load_coercion(COERCION, versioned(_coercion_without_its_own_disposal()),
                              context(date(2026, 10, 15), extra_registry=registry_additions()),
                              {CASE: versioned(_case())})
    assert before.measures[0].ended_on is None, "as of the day before the decision"


def test_coe08_fires_without_the_linked_case_and_not_with_it() -> None:
    steps = _coercion_without_its_own_disposal()
    assert "COE-08" in fired(run(steps))
    assert "COE-08" not in fired(run(steps, linked={CASE: _case()}))


def test_a_disposal_naming_another_stream_does_not_count() -> None:
    case = _case()
    for s in case:
        if s["type"] == "DecisionMade":
            s["data"]["disposes"][0]["stream"] = "coercion/DXH-CGJ-QZ-2026-0099"  # type: ignore[index]
    assert "COE-08" in fired(run(_coercion_without_its_own_disposal(), linked={CASE: case}))


def test_the_audit_links_the_disposing_case_from_the_ledger(tmp_path: Path) -> None:
    with store_config("sqlite", tmp_path) as config:
        ledger = new_ledger(config, tmp_path / "keys.json")
        try:
            import_steps(ledger, lines("registry"))
            others = [s for s in lines("coercion-standalone") if s["stream"] not in (COERCION, CASE)]
            import_steps(ledger, [*_coercion_without_its_own_disposal(), *_case(), *others], backfill=True)
            db = Database(ledger.store)
            try:
                source = LedgerSource(db)
                assert CASE in source.links()[COERCION]
                ev = evaluate_stream(source, COERCION, source.context(date(2026, 12, 31)))
            finally:
                db.close()
            assert ev is not None and "COE-08" not in fired(ev)
        finally:
            ledger.close()
