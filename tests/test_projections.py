"""Projections from the example cases: 卷内目录 order (EVAL-04), deadline states and warnings,
public tables without personal data (PUB-01/02), withdrawals (PEN-41), registers, statistics, CLI."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from api.cli import main
from domain.config import Config, Evaluation
from domain.personal_data import find_personal_data
from ledger.service import Ledger
from ledger.stored import decode
from projections import queries
from projections.casefile import CaseFile, fold_casefile
from projections.definitions import ALL
from projections.groups import fold_group
from projections.runner import Runner, rebuild, status
from projections.sql import Database
from tests.helpers.projection_ledgers import (
    GENERAL,
    HEAD,
    NO_PENALTY,
    OFFICER,
    SUMMARY,
    TRANSFER,
    dump,
    import_examples,
    import_steps,
    lines,
    new_ledger,
    table,
)
from tests.helpers.stores import store_config

AS_OF = date(2026, 11, 25)

GENERAL_CATALOGUE = [
    (1, "案卷封面"), (2, "卷内目录"), (3, "案件来源登记表"), (4, "立案审批表"), (5, "营业执照复印件"), (5, "询问笔录"),
    (6, "现场检查笔录"), (6, "执法记录仪视频"), (7, "油烟检测报告"), (8, "案件调查终结报告"), (9, "行政处罚事先告知书"),
    (9, "事先告知书送达回证"), (10, "陈述申辩材料"), (10, "陈述申辩复核意见"), (11, "听证申请"), (11, "听证通知书"),
    (11, "听证通知书送达回证"), (11, "听证笔录"), (11, "听证报告"), (12, "法制审核送审材料"), (12, "法制审核意见书"),
    (13, "集体讨论记录"), (14, "行政处罚决定审批表"), (15, "行政处罚决定书"), (15, "送达回证"),
    (16, "罚没款缴纳凭证（票据号 4201120026001234）"), (17, "公示记录"), (18, "结案报告"), (19, "备考表"),
]


def _projected_examples(ledger: Ledger) -> None:
    import_examples(ledger)
    runner = Runner(ledger.store, batch=7)
    runner.run_once()
    runner.close()


@pytest.fixture(scope="module")
def sqlite_examples(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The examples imported and projected once on SQLite; each test on SQLite opens a copy."""
    path = tmp_path_factory.mktemp("projections")
    with store_config("sqlite", path) as config:
        ledger = new_ledger(config, path / "keys.json")
        _projected_examples(ledger)
        ledger.close()
    return path


@pytest.fixture
def examples(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Ledger]:
    if backend == "sqlite":
        template: Path = request.getfixturevalue("sqlite_examples")
        for name in ("keys.json", "ledger.sqlite"):
            shutil.copy2(template / name, tmp_path / name)
    with store_config(backend, tmp_path) as config:
        ledger = new_ledger(config, tmp_path / "keys.json")
        if backend != "sqlite":
            _projected_examples(ledger)
        yield ledger
        ledger.close()


def catalogue(ledger: Ledger, case: str) -> list[tuple[int, str]]:
    shown = queries.case_file(Database(ledger.store), case, as_of=AS_OF)
    assert shown is not None
    return [(r["item"], r["title"]) for r in shown["catalogue"]]


def test_catalogue_follows_eval04(examples: Ledger) -> None:
    assert catalogue(examples, GENERAL) == GENERAL_CATALOGUE
    items = [item for item, _ in catalogue(examples, TRANSFER)]
    assert items == sorted(items) and items[:2] == [1, 2] and items[-1] == 19
    assert [t for _, t in catalogue(examples, SUMMARY)] == [
        "案卷封面", "卷内目录", "当场行政处罚决定书", "当场处罚决定书签收", "罚没款缴纳凭证（票据号 财政票据0001）",
        "当场收缴罚款交存记录", "结案审批", "备考表"]
    rows = table(examples.store, "proj_case_catalogue", "WHERE grp = ?", (GENERAL,))
    assert {r["paginated"] for r in rows if r["item"] in (1, 2, 19)} == {0}
    assert all(r["paginated"] == 1 and r["version"] for r in rows if r["item"] not in (1, 2, 19))


def test_catalogue_order_is_configurable() -> None:
    history = [{**s, "version": i + 1, "recorded_at": s["at"]} for i, s in enumerate(lines("general-case"))]
    config = replace(Config(), evaluation=Evaluation(file_order="result_first"))
    items = [e.item for e in fold_casefile(GENERAL, history, config=config).catalogue]
    assert items[:5] == [1, 2, 15, 15, 14]
    split = fold_casefile(GENERAL, history, config=replace(Config(), evaluation=Evaluation(file_order="split")))
    volumes = {e.volume for e in split.catalogue}
    assert volumes == {"正卷", "副卷"}
    assert {e.item for e in split.catalogue if e.volume == "副卷"} == {1, 2, 3, 8, 12, 13, 18, 19}


def test_examples_meet_every_deadline(examples: Ledger) -> None:
    db = Database(examples.store)
    calendar = queries.calendar_of(examples.store)
    for case in (GENERAL, SUMMARY, NO_PENALTY, TRANSFER):
        found = queries.case_file(db, case, as_of=AS_OF, calendar=calendar)
        assert found is not None and found["status"] == "archived"
        assert found["deadlines"], case
        duties = {d["state"] for d in found["deadlines"] if d["holder"] == "agency"}
        assert duties == {"met"}, (case, found["deadlines"])
        windows = {d["state"] for d in found["deadlines"] if d["holder"] == "party"}
        assert windows <= {"met", "elapsed"} and (bool(windows) or case == TRANSFER), (case, found["deadlines"])
    rules = {d["rule"] for d in queries.case_file(db, GENERAL, as_of=AS_OF)["deadlines"]}  # type: ignore[index]
    assert rules == {"PEN-03", "PEN-23", "PEN-24", "PEN-25", "PEN-40", "EVAL-07", "RC-02", "RC-03", "RC-05",
                     "PEN-10", "PEN-13", "RC-01", "LIT-04"}
    assert queries.warnings(db, AS_OF, calendar=calendar) == []
    db.close()


def test_running_deadlines_turn_yellow_then_red(tmp_path: Path) -> None:
    """The general case stopped at its decision: service and publication due 2026-04-22 (7 WD)."""
    with store_config("sqlite", tmp_path) as config:
        ledger = new_ledger(config, tmp_path / "keys.json")
        import_steps(ledger, lines("registry"))
        import_steps(ledger, [s for s in lines("general-case")][:19])
        Runner(ledger.store).run_once()
        db = Database(ledger.store)
        states = {}
        for day in ("2026-04-14", "2026-04-20", "2026-04-23"):
            found = queries.case_file(db, GENERAL, as_of=date.fromisoformat(day))
            assert found is not None
            states[day] = {d["rule"]: d["state"] for d in found["deadlines"]}
        assert states["2026-04-14"]["PEN-24"] == "pending" and states["2026-04-14"]["PEN-40"] == "pending"
        assert states["2026-04-20"]["PEN-24"] == "due_soon" and states["2026-04-23"]["PEN-24"] == "missed"
        assert all(states[d]["PEN-23"] == "met" for d in states)
        assert queries.warnings(db, date(2026, 4, 14)) == []
        yellow = queries.warnings(db, date(2026, 4, 20), agency="agency/DXH-CGJ")
        assert {(w.colour, w.rule) for w in yellow} == {("yellow", "PEN-24"), ("yellow", "PEN-40")}
        assert yellow[0].due_on == "2026-04-22" and OFFICER in yellow[0].officers
        red = queries.warnings(db, date(2026, 4, 23), officer=OFFICER)
        assert {(w.colour, w.rule) for w in red} == {("red", "PEN-24"), ("red", "PEN-40")}
        assert queries.warnings(db, date(2026, 4, 23), officer="officer/42011219004") == []
        assert queries.warnings(db, date(2026, 4, 23), agency="agency/DXH-SFJ") == []
        db.close()
        ledger.close()


def public_cells(ledger: Ledger) -> list[str]:
    cells = []
    for name in queries.public_tables():
        for row in table(ledger.store, name):
            cells += [str(v) for v in row.values() if v is not None]
    return cells


def test_public_tables_hold_no_personal_data(examples: Ledger) -> None:
    cells = public_cells(examples)
    assert not [(c, f) for c in cells for f in find_personal_data(c) if f.kind in ("id_number", "phone", "bank_card")]
    text = "\n".join(cells)
    for private in ("黄建国", "13871234567", "吴家山街道七雄路88号", "钱某", "42011219850312153X", "13907181234",
                    "马丽", "吴刚", "常青花园"):
        assert private not in text, private
    decisions = table(examples.store, "pub_decisions")
    assert [(d["grp"], d["party_name"], d["party_credit_code"], d["status"]) for d in decisions] == [
        (GENERAL, "武汉市东西湖区味香餐饮管理有限公司", "91420112MA4KX7Y166", "published")]
    assert decisions[0]["min_until"] == "2026-07-13" and decisions[0]["max_until"] == "2029-04-13"
    assert queries.public_decisions(Database(examples.store), date(2029, 4, 12))
    assert not queries.public_decisions(Database(examples.store), date(2029, 4, 13))  # PUB-04: stops at max_until


def test_registry_and_registers(examples: Ledger) -> None:
    officers = {r["stream"]: r for r in table(examples.store, "pub_officers")}
    assert len(officers) == 17 and "officer/admin" not in officers  # 8, the licensing and complaint ones, 008–011
    assert officers["officer/42011230003"]["agency"] == "agency/DXH-SPJ"
    assert officers["officer/42011219007"]["credential_valid_to"] == "2025-12-31"
    items = table(examples.store, "pub_items", "ORDER BY code")
    assert [i["code"] for i in items] == ["CGJ-DL-42-1", "CGJ-DQ-118-1", "CGJ-DQ-118-3", "CGJ-DQ-30-QZ", "CGJ-GF-111-1",
                                          "CGJ-GF-111-2", "CGJ-JC-YY-01", "SPJ-SR-11-2"]
    assert json.loads(items[1]["bands"])[1]["circumstance"] == "一般"
    assert table(examples.store, "pub_review_catalogues")[0]["organisation_fen"] == 2000000
    reviews = table(examples.store, "proj_legal_reviews")
    assert [(r["grp"], r["reviewer"], r["outcome"]) for r in reviews] == [(GENERAL, "officer/42011219004", "approved")]
    recon = table(examples.store, "proj_reconsiderations")
    assert [(r["stream"], r["agency"], r["decision"], r["corrective"]) for r in recon] == [
        ("review/DXH-FY-2026-0002", "agency/DXH-CGJ", "upheld", 0)]
    suits = table(examples.store, "proj_lawsuits")
    assert [(s["hearings"], s["head_appearances"], s["judgment"]) for s in suits] == [(1, 1, "dismissed")]
    records = table(examples.store, "proj_records", "WHERE grp = ?", (GENERAL,))
    assert {r["kind"] for r in records} == {"written", "av"}
    assert {r["stage"] for r in records} >= {"start", "investigation", "review", "decision", "service"}
    assert "stage_label" not in records[0]  # labelled when read (labels.STAGES), not stored per record
    assert {r["stage_label"] for r in queries.case_file(Database(examples.store), GENERAL, as_of=date(2026, 12, 1))[
        "records"]} >= {"启动", "调查取证", "审核", "决定", "送达"}
    assert table(examples.store, "proj_overrides") == [] and table(examples.store, "proj_backfills") == []


def test_case_timeline_is_read_from_the_ledger(examples: Ledger) -> None:
    """The case file's timeline is not stored: read from the group's streams, it is the fold's timeline
    (case, then 复议, then lawsuits), and it stops where the casefiles projection stopped."""
    db = Database(examples.store)
    links = table(examples.store, "proj_links", "WHERE grp = ?", (GENERAL,))
    streams = [GENERAL, *sorted(r["stream"] for r in links)]
    data: dict[str, list[Any]] = {s: [] for s in streams}
    for _, stream, _, state in sorted(db.stream_events(streams, db.head())):
        data[stream].append(decode(state))
    folded = fold_group(GENERAL, streams, data, config=Config(), calendar=queries.calendar_of(examples.store))
    assert isinstance(folded, CaseFile) and folded.reviews
    expected = [(t.stream, t.version, t.type, t.at_text, t.recorded_at, t.by, t.backfilled, list(t.overrides))
                for timeline in (folded.timeline, *(r.timeline for r in folded.reviews),
                                 *(s.timeline for s in folded.lawsuits)) for t in timeline]
    shown = queries.case_file(db, GENERAL, as_of=AS_OF)
    assert shown is not None
    assert [(t["stream"], t["version"], t["type"], t["at"], t["recorded_at"], t["by"], t["backfilled"],
             t["overrides"]) for t in shown["timeline"]] == expected
    assert "timeline" not in json.loads(table(examples.store, "proj_cases", "WHERE grp = ?", (GENERAL,))[0]["file"])
    # the projection's position bounds it: events after it are not shown until the rows are
    nid = max(n for n, stream, _, _ in db.stream_events([GENERAL], db.head()) if stream == GENERAL)
    with db.write() as cur:
        db.untrack(cur, "projection:casefiles")
        db.track(cur, "projection:casefiles", nid - 1)
    assert len(queries.group_timeline(db, GENERAL)) == len(expected) - 1 - sum(
        n > nid - 1 for n, *_ in db.stream_events(streams[1:], db.head()))


def test_a_document_is_found_by_its_hash_through_the_index(examples: Ledger) -> None:
    """``proj_records`` is indexed by the hash's first 16 digits (definitions.DOCUMENT_KEY); the lookups
    the read checks make find every group that holds the document, through that index on SQLite."""
    [record] = table(examples.store, "proj_records", "WHERE grp = ? AND field = 'document' AND version = 2",
                     (GENERAL,))
    sha = str(record["sha256"])
    sql = ("SELECT DISTINCT grp FROM {t} WHERE substr(sha256, 1, 16) = ? AND substr(sha256, 17) = ? ORDER BY grp")
    db = Database(examples.store)
    assert db.all(sql.format(t=db.qualify("proj_records")), (sha[:16], sha[16:])) == [(GENERAL,)]
    assert db.all(sql.format(t=db.qualify("proj_records")), (sha[:16], sha[16:-1] + "x")) == []
    if not db.postgres:
        plan = " ".join(str(r[-1]) for r in db.all("EXPLAIN QUERY PLAN " + sql.format(t="proj_records"), ("a", "b")))
        assert "USING INDEX proj_records_i0" in plan


def test_statistics(examples: Ledger) -> None:
    [block] = queries.statistics(Database(examples.store), agency="agency/DXH-CGJ", year=2026)
    counts = {k: v["value"] for k, v in block["counts"].items()}
    assert counts["cases.registered"] == 4 and counts["decisions.total"] == 3
    assert counts["decisions.penalty"] == 2 and counts["decisions.no_penalty"] == 1
    assert counts["decisions.transfer"] == 1 and counts["fines.amount_fen"] == 3_010_000
    assert counts["reconsideration.received"] == 1 and counts["litigation.head_appeared"] == 1
    assert counts["steps.CaseRegistered"] == 4
    assert block["rates"]["litigation.appearance_rate"]["value"] == 1.0
    assert block["rates"]["reconsideration.correction_rate"]["value"] == 0.0
    assert block["rates"]["publication.timeliness"]["value"] == 1.0


def test_status_and_rebuild_equal(examples: Ledger) -> None:
    events = examples.store.count()
    assert [(s.position, s.lag) for s in status(examples.store)] == [(events, 0)] * len(ALL)
    before = dump(examples.store)
    assert rebuild(examples.store, ["disclosure", "statistics"]) == {"disclosure": events, "statistics": events}
    assert dump(examples.store) == before
    rebuild(examples.store)
    assert dump(examples.store) == before
    assert [(s.position, s.lag) for s in status(examples.store)] == [(events, 0)] * len(ALL)


# --------------------------------------------------------------------------- redaction, suppression, withdrawal

LEAKY = ("东城管罚决字〔2026〕第0012号：武汉市东西湖区味香餐饮管理有限公司（法定代表人黄建国，电话13871234567，"
         "住所武汉市东西湖区吴家山街道七雄路88号，证人张小明身份证号42011219850312153X）超标排放油烟，处罚款。")


def test_publications_are_redacted_suppressed_and_withdrawn(tmp_path: Path) -> None:
    with store_config("sqlite", tmp_path) as config:
        ledger = new_ledger(config, tmp_path / "keys.json", live=False)
        import_steps(ledger, lines("registry"))
        general = lines("general-case")
        inquiry = next(s for s in general if s["type"] == "InquiryRecorded")
        witness = {**inquiry, "at": "2026-03-05T11:00:00+08:00",
                   "data": {**inquiry["data"], "interviewee": {"kind": "person", "name": "张小明", "role": "witness",
                                                               "phone": "13912345678"}}}
        steps = [*general[:7], witness, *general[7:]]
        for s in steps:
            if s["type"] == "DecisionPublished":
                s["data"] = {**s["data"], "text": LEAKY}
        import_steps(ledger, steps, backfill=True)  # 补录: the paper publication still holds personal data
        summary = lines("summary-case")
        summary.insert(2, {"stream": SUMMARY, "type": "DecisionPublished", "at": "2026-03-10T09:00:00+08:00",
                           "by": OFFICER, "data": {"published_at": "2026-03-10T09:00:00+08:00", "channel": "门户网站",
                                                   "text": "钱某随意抛撒生活垃圾，罚款100元。"}})
        import_steps(ledger, summary)
        no_penalty = lines("no-penalty-case")
        no_penalty[9:9] = [
            {"stream": NO_PENALTY, "type": "PublicationSuppressed", "at": "2026-05-13T11:00:00+08:00", "by": OFFICER,
             "data": {"reason": "privacy", "basis": [{"law": "中华人民共和国政府信息公开条例", "article": 15}]}},
            {"stream": NO_PENALTY, "type": "DecisionPublished", "at": "2026-05-14T09:00:00+08:00", "by": OFFICER,
             "data": {"published_at": "2026-05-14T09:00:00+08:00", "channel": "门户网站", "text": "不予处罚。"}},
        ]
        import_steps(ledger, no_penalty)
        Runner(ledger.store).run_once()
        rows = {r["grp"]: r for r in table(ledger.store, "pub_decisions")}
        assert set(rows) == {GENERAL, SUMMARY}  # the suppressed case is not published (PUB-02)
        text = rows[GENERAL]["text"]
        for private in ("黄建国", "13871234567", "七雄路88号", "张小明", "42011219850312153X"):
            assert private not in text, private
        assert "武汉市东西湖区味香餐饮管理有限公司" in text and "黄某某" in text and "张某某" in text
        assert rows[SUMMARY]["party_name"] == "钱某" and rows[SUMMARY]["party_credit_code"] is None
        assert "钱某" in rows[SUMMARY]["text"]  # already masked in the recorded text
        assert not [f for c in public_cells(ledger) for f in find_personal_data(c)
                    if f.kind in ("id_number", "phone", "bank_card")]
        backfills = table(ledger.store, "proj_backfills", "WHERE stream = ?", (GENERAL,))
        assert len(backfills) == len(steps) and all(b["gap_days"] > 100 for b in backfills)

        # PEN-41: the decision is revoked, the publication withdrawn within 3 WD of receipt
        import_steps(ledger, [
            {"stream": GENERAL, "type": "DecisionCorrected", "at": "2026-06-01T10:00:00+08:00", "by": OFFICER,
             "data": {"kind": "revoked", "triggered_by": "self", "effective_at": "2026-06-01T10:00:00+08:00",
                      "received_at": "2026-06-01T10:00:00+08:00"}},
        ], backfill=True)
        Runner(ledger.store).run_once()
        db = Database(ledger.store)
        found = queries.case_file(db, GENERAL, as_of=date(2026, 6, 3))
        assert found is not None
        pen41 = next(d for d in found["deadlines"] if d["rule"] == "PEN-41")
        assert (pen41["due_on"], pen41["state"]) == ("2026-06-04", "due_soon")
        assert [w.rule for w in queries.warnings(db, date(2026, 6, 5))] == ["PEN-41"]
        import_steps(ledger, [
            {"stream": GENERAL, "type": "PublicationWithdrawn", "at": "2026-06-03T10:00:00+08:00", "by": OFFICER,
             "data": {"withdrawn_at": "2026-06-03T10:00:00+08:00", "reason": "决定已撤销",
                      "explanation": "因原处罚决定被撤销，撤下公示信息。联系人黄建国 13871234567"}},
        ], backfill=True)
        Runner(ledger.store).run_once()
        withdrawn = {r["grp"]: r for r in table(ledger.store, "pub_decisions")}[GENERAL]
        assert (withdrawn["status"], withdrawn["text"]) == ("withdrawn", None)
        [notice] = table(ledger.store, "pub_withdrawals")
        assert notice["withdrawn_on"] == "2026-06-03" and "黄建国" not in notice["explanation"]
        assert "13871234567" not in notice["explanation"]
        found = queries.case_file(db, GENERAL, as_of=date(2026, 6, 5))
        assert found is not None
        assert next(d for d in found["deadlines"] if d["rule"] == "PEN-41")["state"] == "met"
        assert queries.public_decisions(db, date(2026, 6, 5)) == [
            r for r in queries.public_decisions(db, date(2026, 6, 5)) if r["grp"] == SUMMARY]
        db.close()
        ledger.close()


def test_overrides_register(tmp_path: Path) -> None:
    with store_config("sqlite", tmp_path) as config:
        ledger = new_ledger(config, tmp_path / "keys.json", live=False)
        import_steps(ledger, lines("registry"))
        steps = lines("summary-case")
        steps[1]["override"] = {"rule": "PEN-30", "justification": "测试越权记录", "authorized_by": HEAD}
        import_steps(ledger, steps)
        Runner(ledger.store).run_once()
        [row] = table(ledger.store, "proj_overrides")
        assert (row["stream"], row["version"], row["rule"], row["authorized_by"]) == (SUMMARY, 2, "PEN-30", HEAD)
        [case] = table(ledger.store, "proj_cases")
        assert case["overridden"] == 1
        ledger.close()


# --------------------------------------------------------------------------- CLI


def cli(data: Path, *args: str) -> int:
    return main(["--data", str(data), *args])


def test_cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("LEDGER_KEY_PASSPHRASE", "projections-test")
    monkeypatch.delenv("LEDGER_POSTGRES_DSN", raising=False)
    data = tmp_path / "var"
    assert cli(data, "init") == 0
    from tests.helpers.spec_paths import EXAMPLES

    for name in ("registry", "general-case", "reconsideration"):
        assert cli(data, "import", str(EXAMPLES / f"{name}.jsonl")) == 0
    capsys.readouterr()
    assert cli(data, "projections", "status", "--json") == 0
    lagging: dict[str, Any] = json.loads(capsys.readouterr().out)
    assert {p["name"]: p["position"] for p in lagging["projections"]} == dict.fromkeys(
        [p.name for p in ALL], 0)
    events = lagging["projections"][0]["lag"]
    assert events > 30
    assert cli(data, "projections", "run", "--once", "--json") == 0
    assert json.loads(capsys.readouterr().out)["applied"] == events
    assert cli(data, "projections", "status") == 0
    assert "已是最新" in capsys.readouterr().out
    assert cli(data, "projections", "show", "DXH-CGJ-2026-0012", "--as-of", "2026-04-16", "--json") == 0
    shown = json.loads(capsys.readouterr().out)
    assert [c["title"] for c in shown["catalogue"]] == [t for _, t in GENERAL_CATALOGUE]
    assert len(shown["timeline"]) == 24 + 5 and shown["reconsiderations"][0]["decision"] == "upheld"
    assert cli(data, "projections", "show", "case/DXH-CGJ-2026-0012") == 0
    assert "卷内目录" in capsys.readouterr().out
    assert cli(data, "projections", "show", "DXH-NONE-1") == 1
    assert "没有案件" in capsys.readouterr().err
    assert cli(data, "projections", "warnings", "--as-of", "2026-11-25", "--json") == 0
    assert json.loads(capsys.readouterr().out)["warnings"] == []
    assert cli(data, "projections", "warnings", "--agency", "DXH-CGJ", "--as-of", "2026-11-25") == 0
    assert "红色预警 0 项" in capsys.readouterr().out
    assert cli(data, "projections", "stats", "--agency", "DXH-CGJ", "--json") == 0
    assert json.loads(capsys.readouterr().out)["statistics"][0]["counts"]["cases.registered"]["value"] == 1
    assert cli(data, "projections", "rebuild", "disclosure", "--json") == 0
    assert json.loads(capsys.readouterr().out) == {"rebuilt": {"disclosure": events}}
    assert cli(data, "projections", "rebuild", "nonsense") == 2
    assert "没有名为" in capsys.readouterr().err


@pytest.mark.postgres
def test_postgres_runner_wakes_on_notify(tmp_path: Path) -> None:
    """On PostgreSQL the runner LISTENs: a new event is applied at once, not after the poll interval."""
    import threading
    import time

    with store_config("postgres", tmp_path) as config:
        ledger = new_ledger(config, tmp_path / "keys.json")
        import_steps(ledger, lines("registry"))
        runner = Runner(ledger.store)
        stop = threading.Event()
        thread = threading.Thread(target=runner.follow, args=(stop,), kwargs={"poll": 60.0})
        thread.start()
        try:
            time.sleep(0.5)
            import_steps(ledger, lines("summary-case"))
            events = ledger.store.count()
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline and status(ledger.store)[0].position != events:
                time.sleep(0.05)
            assert [(s.position, s.lag) for s in status(ledger.store)] == [(events, 0)] * len(ALL)
        finally:
            stop.set()
            with ledger.store.recorder.datastore.get_connection() as conn:  # type: ignore[attr-defined]
                conn.execute(f'NOTIFY "{runner.db.channel}"')  # wake the listener so it sees stop
            thread.join(timeout=30)
            runner.close()
            ledger.close()
        assert not thread.is_alive()
