"""The 行政强制 read models from the folds: a measure's row and its statistics on either side of its last
day (ended on the 30th day is on time, on the 31st late), a release, the public rows (PUB-06: a person
masked in every column and in the published text, no item list, nothing once ``publication.coercion`` is
off or publication suppressed, no text once withdrawn), and the tables through the runner (a person's
ID number and address on no public row)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from domain.config import Config
from projections.casefile import fold_casefile
from projections.coercion_disclosure import public_coercion_rows
from projections.coercion_statistics import coercion_facts
from projections.coercion_tables import MEASURE_COLUMNS, CoercionDisclosure, measure_row
from projections.coercionfile import CoercionFile, fold_coercionfile
from projections.disclosure import public_decisions
from projections.queries import public_tables
from tests.helpers.audit_cases import registry
from tests.helpers.coercion_examples import COERCION, DOC
from tests.helpers.kinds_examples import versioned
from tests.helpers.kinds_readmodels import kinds_ledger
from tests.helpers.projection_ledgers import lines, table

REGISTRY = registry(lines("registry")[21:])
Raw = dict[str, Any]
ID_NUMBER, HOME = "420112198805120318", "田园小区5栋2单元301室"


def standalone() -> list[Raw]:
    return [s for s in lines("coercion-standalone") if s["stream"] == COERCION]


def fold(steps: list[Raw]) -> CoercionFile:
    return fold_coercionfile(COERCION, versioned(steps), agency_as_of=REGISTRY.agency_as_of)


def released_on(day: str) -> list[Raw]:
    """The stand-alone seizure released (instead of disposed of) on ``day``; nothing published."""
    steps = [s for s in standalone() if s["type"] not in ("SeizureDisposed", "DecisionPublished", "CaseClosed",
                                                          "CaseArchived")]
    at = f"{day}T10:00:00+08:00"
    return [*steps, {"stream": COERCION, "type": "CoercionReleased", "at": at, "by": "officer/42011219001",
                     "data": {"measure_id": "M1", "ground": "no_violation", "document_no": "东城管解字〔2026〕第0003号",
                              "document": DOC, "served_at": at}}]


def facts_of(f: CoercionFile) -> dict[str, int]:
    return {metric: value for _, _, metric, value in coercion_facts(f) if not metric.startswith("steps.")}


def test_a_release_on_the_30th_day_is_on_time_and_on_the_31st_late() -> None:
    on_time, late = fold(released_on("2026-10-30")), fold(released_on("2026-10-31"))
    row = measure_row("g", COERCION, "coercion", "agency/DXH-CGJ", "person", "张某某", on_time.measures[0])
    columns = dict(zip((c for c, _ in MEASURE_COLUMNS), row, strict=True))
    assert (columns["status"], columns["conclusion"], columns["due_on"], columns["ended_on"]) == (
        "released", "已解除", "2026-10-30", "2026-10-30")
    assert '"released"' in columns["items"]
    assert facts_of(on_time) == {"measures.imposed": 1, "measures.seize": 1, "measures.emergency": 1,
                                 "measures.ended": 1, "measures.released": 1, "measures.ended_on_time": 1}
    assert facts_of(late)["measures.ended_late"] == 1 and "measures.ended_on_time" not in facts_of(late)
    running = fold([s for s in released_on("2026-10-30") if s["type"] != "CoercionReleased"])
    assert measure_row("g", COERCION, "coercion", None, None, None, running.measures[0])[18] == "running"
    assert "measures.ended" not in facts_of(running)


def with_personal_text(steps: list[Raw]) -> list[Raw]:
    """The publication names the party in full, with ID number and address (a 补录 the gate never saw)."""
    out = [dict(s) for s in steps]
    for s in out:
        if s["type"] == "DecisionPublished":
            s["data"] = {**s["data"], "text": f"对张建华（身份证号{ID_NUMBER}，住{HOME}）的烧烤工具实施扣押，已没收。"}
    return out


def test_public_rows_mask_the_person_and_leave_out_the_items() -> None:
    config = Config()
    [row] = public_coercion_rows(fold(with_personal_text(standalone())), config)
    columns = dict(zip(CoercionDisclosure.tables[0].column_names, row, strict=True))
    assert (columns["party_name"], columns["party_credit_code"], columns["category_label"], columns["conclusion"],
            columns["period_end"], columns["status"]) == ("张某某", None, "扣押", "已没收", "2026-10-30", "published")
    text = " ".join(str(v) for v in row)
    for leaked in ("张建华", ID_NUMBER, HOME, "烧烤炉"):
        assert leaked not in text, leaked
    assert "张某某" in columns["text"]


def test_nothing_is_public_when_turned_off_suppressed_or_before_publication() -> None:
    steps = standalone()
    assert public_coercion_rows(fold(steps), Config())  # published by default (Q25)
    assert public_coercion_rows(fold(steps), Config.from_toml({"publication": {"coercion": False}})) == []
    unpublished = [s for s in steps if s["type"] != "DecisionPublished"]
    assert public_coercion_rows(fold(unpublished), Config()) == []
    suppressed = [s if s["type"] != "DecisionPublished" else {
        **s, "type": "PublicationSuppressed", "data": {"reason": "privacy", "approved_by": "officer/42011219003"}}
        for s in steps]
    assert public_coercion_rows(fold(suppressed), Config()) == []


def test_a_withdrawn_publication_keeps_its_row_without_text() -> None:
    steps = standalone()
    at = "2026-10-22T09:00:00+08:00"
    withdrawal = {"stream": COERCION, "type": "PublicationWithdrawn", "at": at, "by": "officer/42011219001",
                  "data": {"withdrawn_at": at, "reason": "决定已撤销", "explanation": "撤下"}}
    withdrawn = [*steps[:-2], withdrawal, *steps[-2:]]
    [row] = public_coercion_rows(fold(withdrawn), Config())
    columns = dict(zip(CoercionDisclosure.tables[0].column_names, row, strict=True))
    assert (columns["status"], columns["text"]) == ("withdrawn", None) and columns["withdrawn_at"] == at


def test_through_the_runner_no_public_row_holds_the_persons_data(tmp_path: Path) -> None:
    person_case = lines("coercion-case")
    for s in person_case:
        if s["type"] == "CaseRegistered":
            s["data"]["party"] = {"kind": "person", "name": "郭海峰", "id_number": ID_NUMBER, "address": HOME}
    with kinds_ledger(tmp_path, with_personal_text(standalone()), person_case, examples=False) as ledger:
        [measure] = [r for r in table(ledger.store, "proj_measures") if r["file_kind"] == "case"]
        assert (measure["party_name"], measure["status"], measure["ended_on"]) == ("郭某某", "disposed", "2026-07-20")
        public = [r for name in public_tables() if name == "pub_coercions" for r in table(ledger.store, name)]
        assert {(r["grp"], r["party_name"]) for r in public} == {(COERCION, "张某某"),
                                                                  ("case/DXH-CGJ-2026-0058", "郭某某")}
        dumped = repr(public) + repr(table(ledger.store, "proj_coercions")) + repr(table(ledger.store, "proj_measures"))
        for leaked in ("张建华", "郭海峰", ID_NUMBER, HOME):
            assert leaked not in dumped, leaked
        stats = {(r["metric"]): r["value"] for r in table(ledger.store, "proj_statistics")
                 if r["metric"].startswith("measures.")}
        assert stats["measures.imposed"] == 2 and stats["measures.ended_on_time"] == 2
        assert date.fromisoformat(table(ledger.store, "proj_coercions")[0]["opened_on"]) == date(2026, 9, 30)


SUBSTITUTE = "case/DXH-CGJ-2026-0021"


def test_a_case_publishes_its_penalty_decision_apart_from_its_enforcements() -> None:
    """On a case stream, a ``DecisionPublished`` naming another ``document_no`` (the brief's §3 代履行
    decision) is not the penalty decision's: it neither reaches pub_decisions nor satisfies PEN-40."""
    steps = [s for s in lines("coercion-standalone") if s["stream"] == SUBSTITUTE]
    cf = fold_casefile(SUBSTITUTE, versioned(steps), registry=REGISTRY)
    assert [p.document_no for p in cf.publications] == [None, "东城管代字〔2026〕第0002号"]
    assert [p.document_no for p in cf.penalty_publications] == [None]
    decisions, _ = public_decisions(cf, Config())
    assert len(decisions) == 1 and "代履行" not in str(decisions[0])
    assert next(d for d in cf.deadlines if d.rule == "PEN-40").done_on == date(2026, 2, 5)

    penalty_unpublished = [s for s in steps
                           if not (s["type"] == "DecisionPublished" and "document_no" not in s["data"])]
    cf = fold_casefile(SUBSTITUTE, versioned(penalty_unpublished), registry=REGISTRY)
    assert public_decisions(cf, Config()) == ([], [])
    assert next(d for d in cf.deadlines if d.rule == "PEN-40").done_on is None
    same_no = [{**s, "data": {**s["data"], "document_no": "东城管罚决字〔2026〕第0021号"}}
               if s["type"] == "DecisionPublished" and "document_no" not in s["data"] else s for s in steps]
    cf = fold_casefile(SUBSTITUTE, versioned(same_no), registry=REGISTRY)
    assert len(cf.penalty_publications) == 1  # naming the penalty decision's own number is the same
