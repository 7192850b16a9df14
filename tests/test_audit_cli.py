"""The audit through the ledger: ``audit`` (case, all, agency, sample; text/json/html), the table of
current evaluations (incremental equals rebuilt), recording an evaluation, ``export`` checked offline."""

from __future__ import annotations

import copy
import json
import threading
from datetime import date
from pathlib import Path

import pytest

from api.cli import main
from api.settings import Settings
from api.wiring import open_ledger
from audit.table import AuditFollower, query, rebuild_table
from projections.sql import Database
from tests.helpers.audit_ledger import (  # noqa: F401 - fixture
    AS_OF,
    DEFECTIVE,
    ORDER,
    defective_steps,
    example_lines,
    ledger_dir_fixture,
    run_cli,
    write_lines,
)
from tests.helpers.cli_data import cli_data
from tests.helpers.spec_paths import EXAMPLES


def test_audit_one_case_json(ledger_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run_cli(capsys, ledger_dir, "audit", "--case", "DXH-CGJ-2026-0012", "--format", "json",
                        "--as-of", AS_OF)
    assert code == 0
    data = json.loads(out)
    assert data == {"case": "case/DXH-CGJ-2026-0012", "score": 100, "grade": "优秀", "veto": False, "findings": []}


def test_audit_defective_case_exit_zero_and_text(ledger_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run_cli(capsys, ledger_dir, "audit", "--case", DEFECTIVE, "--as-of", AS_OF)
    assert code == 0
    assert "PEN-12" in out and "不合格" in out and "《中华人民共和国行政处罚法》第六十三条" in out
    code, out = run_cli(capsys, ledger_dir, "audit", "--case", DEFECTIVE, "--json", "--as-of", AS_OF)
    found = json.loads(out)
    assert found["veto"] is True and found["grade"] == "不合格"
    assert {f["rule"] for f in found["findings"]} == {"PEN-12", "PEN-39", "EVAL-01"}
    pen12 = next(f for f in found["findings"] if f["rule"] == "PEN-12")
    assert pen12["severity"] == "BLOCKER" and pen12["category"] == "执法程序" and pen12["points"] == 5
    assert pen12["events"] == [{"stream": DEFECTIVE, "version": 10, "type": "PenaltyNoticeServed"}]


def test_audit_all_agency_and_sample(ledger_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run_cli(capsys, ledger_dir, "audit", "--all", "--format", "json", "--as-of", AS_OF)
    assert code == 0
    every = json.loads(out)
    assert isinstance(every, list) and len(every) == 5
    assert {e["grade"] for e in every if e["case"] != DEFECTIVE} == {"优秀"}
    code, out = run_cli(capsys, ledger_dir, "audit", "--agency", "DXH-CGJ", "--json", "--as-of", AS_OF)
    assert [e["case"] for e in json.loads(out)] == sorted(e["case"] for e in every)
    code, out = run_cli(capsys, ledger_dir, "audit", "--agency", "agency/DXH-SFJ", "--json", "--as-of", AS_OF)
    assert json.loads(out) == []
    first = run_cli(capsys, ledger_dir, "audit", "--sample", "2", "--seed", "5", "--json", "--as-of", AS_OF)[1]
    again = run_cli(capsys, ledger_dir, "audit", "--sample", "2", "--seed", "5", "--json", "--as-of", AS_OF)[1]
    assert first == again and len(json.loads(first)) == 2


def test_audit_html_is_one_printable_self_contained_page(ledger_dir: Path, tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "report.html"
    code, _ = run_cli(capsys, ledger_dir, "audit", "--all", "--format", "html", "--as-of", AS_OF, "-o", str(target))
    assert code == 0
    page = target.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "@media print" in page and "PEN-12" in page
    assert "<script" not in page and "src=" not in page and "<link" not in page and "http" not in page


def test_usage_errors_exit_two(ledger_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(capsys, ledger_dir, "audit", "--case", "DXH-CGJ-2099-0001")[0] == 2
    assert run_cli(capsys, ledger_dir, "audit")[0] == 2
    assert run_cli(capsys, ledger_dir, "audit", "--case", "DXH-CGJ-2026-0012", "--all")[0] == 2
    assert run_cli(capsys, ledger_dir, "audit", "--all", "--record")[0] == 2
    assert run_cli(capsys, ledger_dir, "audit", "--case", "DXH-CGJ-2026-0012", "--adjust", "nonsense")[0] == 2


def test_table_incremental_equals_rebuild(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = cli_data(tmp_path, monkeypatch)
    for name in ORDER[:3]:
        assert main(["--data", str(data), "import", str(EXAMPLES / f"{name}.jsonl")]) == 0
    running = defective_steps("DecisionMade")
    assert main(["--data", str(data), "import", "--backfill", write_lines(tmp_path / "a.jsonl", running)]) == 0
    ledger = open_ledger(Settings.load(str(data)), keys=False)
    try:
        db = Database(ledger.store)
        follower = AuditFollower(db)
        assert follower.run_once(date(2026, 4, 14)) == 3
        rows = {r.case: r for r in query(db)}
        assert rows[DEFECTIVE].grade == "不合格" and "PEN-12" in rows[DEFECTIVE].rules
        assert follower.run_once(date(2026, 4, 14)) == 0  # nothing new, nothing due
        later = date(2026, 4, 30)  # the running case's service and publication are now overdue
        assert follower.run_once(later) >= 1
        assert {"PEN-24", "PEN-40"} <= set(next(r for r in query(db) if r.case == DEFECTIVE).rules)
        rest = defective_steps()[len(running):]
        assert main(["--data", str(data), "import", "--backfill", write_lines(tmp_path / "b.jsonl", rest)]) == 0
        assert main(["--data", str(data), "import", str(EXAMPLES / "no-penalty-case.jsonl")]) == 0
        final = date(2026, 6, 30)
        follower.run_once(final)
        incremental = [(r.case, r.score, r.grade, r.rules, r.findings) for r in query(db, order="case")]
        assert len(incremental) == 4
        assert "PEN-24" not in next(r for r in query(db) if r.case == DEFECTIVE).rules
        assert rebuild_table(db, final) == 4
        rebuilt = [(r.case, r.score, r.grade, r.rules, r.findings) for r in query(db, order="case")]
        assert incremental == rebuilt
        assert [r.case for r in query(db, grade="不合格")] == [DEFECTIVE]
        assert [r.case for r in query(db, rule="PEN-12")] == [DEFECTIVE]
        assert len(query(db, agency="DXH-CGJ")) == 4
    finally:
        ledger.close()


def test_refresh_command(ledger_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run_cli(capsys, ledger_dir, "audit", "--refresh", "--as-of", AS_OF)
    assert code == 0 and "5" in out


def test_record_evaluation_with_adjustment(ledger_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run_cli(capsys, ledger_dir, "--as", "officer/SFJ-0001", "audit", "--case", DEFECTIVE, "--record",
                     "--adjust", "PEN-12=2:当事人当场表示放弃听证，告知书遗漏系笔误", "--json", "--as-of", AS_OF)
    assert code == 0, out
    shown = json.loads(out)
    assert next(f for f in shown["findings"] if f["rule"] == "PEN-12")["points"] == 2
    ledger = open_ledger(Settings.load(str(ledger_dir)), keys=False)
    try:
        events = ledger.read("supervision/PC-DXH-CGJ-2026-0099-20261231")
    finally:
        ledger.close()
    assert [e.type for e in events] == ["CaseFileEvaluated"]
    recorded = events[0].data
    assert recorded["case"] == DEFECTIVE and recorded["grade"] == "不合格" and recorded["score"] == shown["score"]
    assert {"rule": "PEN-12", "points": 2} in recorded["findings"]
    report = ledger_dir / "documents" / recorded["report"]["sha256"][:2] / recorded["report"]["sha256"][2:4]
    assert any(report.glob(recorded["report"]["sha256"] + "*"))


def test_export_checks_offline(ledger_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "export"
    code, out = run_cli(capsys, ledger_dir, "export", "--case", "DXH-CGJ-2026-0012", str(target), "--as-of", AS_OF,
                     "--json")
    assert code == 0, out
    summary = json.loads(out)
    manifest = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
    events = manifest["events"]
    assert summary["events"] == len(events) == 24 + 5 + 3 and summary["uncovered"] == 0
    lines = (target / "events.jsonl").read_bytes().splitlines()
    assert len(lines) == len(events) and all(b'"sig":"' in line for line in lines)
    assert json.loads((target / "evaluation.json").read_text(encoding="utf-8"))["grade"] == "优秀"
    assert (target / "evaluation.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    keys = json.loads((target / "keys.json").read_text(encoding="utf-8"))
    assert keys and all(k["public_key"] for k in keys)
    assert "log verify-receipt" in (target / "README.md").read_text(encoding="utf-8")
    for entry in events[:3] + events[-2:]:
        code, _ = run_cli(capsys, ledger_dir, "log", "verify-receipt", str(target / entry["receipt"]), "--key",
                       str(target / "log.vkey"), "--event", str(target / entry["event"]))
        assert code == 0
    tampered = tmp_path / "tampered.bin"
    tampered.write_bytes((target / events[0]["event"]).read_bytes().replace(b"2026", b"2025", 1))
    code, _ = run_cli(capsys, ledger_dir, "log", "verify-receipt", str(target / events[0]["receipt"]), "--key",
                   str(target / "log.vkey"), "--event", str(tampered))
    assert code == 1
    assert run_cli(capsys, ledger_dir, "export", "--case", "DXH-CGJ-2026-0012", str(target))[0] == 2


def test_follow_keeps_the_table_current_until_stopped(ledger_dir: Path) -> None:
    stop = threading.Event()

    def today() -> date:
        stop.set()  # one pass, then stop
        return date(2026, 12, 31)

    ledger = open_ledger(Settings.load(str(ledger_dir)), keys=False)
    try:
        db = Database(ledger.store)
        AuditFollower(db, workers=1).follow(stop, poll=0.01, today=today)
        assert len(query(db)) == 5 and {r.as_of for r in query(db)} == {"2026-12-31"}
    finally:
        ledger.close()


def test_a_new_file_of_the_same_party_re_evaluates_the_others(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A 补录 case fining the same party for the same act a day earlier makes the example's decision
    a second fine (PEN-32) — found by the incremental table as by a rebuild."""
    data = cli_data(tmp_path, monkeypatch)
    for name in ORDER[:2]:
        assert main(["--data", str(data), "import", str(EXAMPLES / f"{name}.jsonl")]) == 0
    ledger = open_ledger(Settings.load(str(data)), keys=False)
    try:
        db = Database(ledger.store)
        follower = AuditFollower(db, workers=1)
        today = date(2026, 12, 31)
        follower.run_once(today)
        assert "PEN-32" not in next(r for r in query(db) if r.case == "case/DXH-CGJ-2026-0012").rules
        earlier = copy.deepcopy(example_lines("general-case"))
        for step in earlier:
            step["stream"] = "case/DXH-CGJ-2026-0098"
            if step["type"] == "DecisionMade":
                step["at"] = step["at"].replace("2026-04-13", "2026-04-10")
                step["data"]["document_no"] = "东城管罚决字〔2026〕第0098号"
        assert main(["--data", str(data), "import", "--backfill", write_lines(tmp_path / "e.jsonl", earlier)]) == 0
        assert follower.run_once(today) == 2  # the new file and the example, its party's other file
        incremental = {r.case: r.rules for r in query(db)}
        assert "PEN-32" in incremental["case/DXH-CGJ-2026-0012"]
        rebuild_table(db, today)
        assert incremental == {r.case: r.rules for r in query(db)}
        assert follower.run_once(today) == 0  # nothing new, nothing due
        # 补正: the earlier file's party was another company; the example is no second fine after all
        registered = next(i for i, s in enumerate(earlier) if s["type"] == "CaseRegistered")
        fix = {"stream": "case/DXH-CGJ-2026-0098", "type": "RecordCorrected", "at": "2026-11-02T10:00:00+08:00",
               "by": earlier[registered]["by"],
               "data": {"target": {"stream": "case/DXH-CGJ-2026-0098", "version": registered + 1},
                        "field": "party.credit_code", "old": earlier[registered]["data"]["party"]["credit_code"],
                        "new": "91420112MA4KY0CC3Z", "reason": "统一社会信用代码笔误"}}
        assert main(["--data", str(data), "import", "--backfill", write_lines(tmp_path / "f.jsonl", [fix])]) == 0
        assert follower.run_once(today) == 2
        corrected = {r.case: r.rules for r in query(db)}
        assert "PEN-32" not in corrected["case/DXH-CGJ-2026-0012"]
        rebuild_table(db, today)
        assert corrected == {r.case: r.rules for r in query(db)}
    finally:
        ledger.close()
