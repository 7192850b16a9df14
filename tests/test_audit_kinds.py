"""``audit --case`` on every kind of file: a licence (行政许可) and a complaint (投诉举报) file, imported
live into a ledger after the registry and the general case, grade 优秀; a licence file with the
brief's late 补正 notice (backfilled, as a paper file would be) is found out by LIC-03."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from api.cli import main
from api.settings import Settings
from api.wiring import open_ledger
from audit.files import FILE_KINDS
from audit.table import AuditFollower, query, rebuild_table
from projections.sql import Database
from tests.helpers.cli_data import cli_data
from tests.helpers.kinds_examples import LICENCE, edit_step, licence_steps
from tests.helpers.spec_paths import EXAMPLES

COMPLAINT = "complaint/DXH-SFJ-TS-2026-0007"
AS_OF = "2026-12-01"


def _import(data: Path, path: Path, *extra: str) -> None:
    assert main(["--data", str(data), "import", str(path), *extra]) == 0


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A CLI data directory with the four examples imported, once; each test copies it."""
    with pytest.MonkeyPatch.context() as patch:
        made = cli_data(tmp_path_factory.mktemp("audit-kinds"), patch)
        for name in ("registry.jsonl", "general-case.jsonl", "licence-case.jsonl", "complaint.jsonl"):
            _import(made, EXAMPLES / name)
    return made


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, imported: Path) -> Path:
    return cli_data(tmp_path, monkeypatch, template=imported)


def _audit(data: Path, capsys: pytest.CaptureFixture[str], case: str, *more: str) -> tuple[int, str]:
    capsys.readouterr()
    code = main(["--data", str(data), "audit", "--case", case, "--as-of", AS_OF, *more])
    return code, capsys.readouterr().out


@pytest.mark.parametrize("stream", [LICENCE, COMPLAINT])
def test_a_lawful_licence_and_complaint_file_grade_excellent(
        data: Path, capsys: pytest.CaptureFixture[str], stream: str) -> None:
    code, out = _audit(data, capsys, stream, "--json")
    assert code == 0
    found = json.loads(out)
    assert (found["case"], found["grade"], found["veto"], found["score"]) == (stream, "优秀", False, 100), found
    assert not [f for f in found["findings"] if f["severity"] in ("BLOCKER", "MAJOR")]
    code, text = _audit(data, capsys, stream)
    assert code == 0 and stream in text and "优秀" in text


def test_a_late_supplement_notice_is_found_by_lic03(data: Path, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    late = [dict(s, stream=LICENCE + "-B") for s in edit_step(
        licence_steps(), "SupplementRequested",
        lambda s: s.update(at="2026-09-28T09:00:00+08:00",
                           data={**s["data"], "served_at": "2026-09-28T09:00:00+08:00"}))]
    path = tmp_path / "late.jsonl"
    path.write_text("".join(json.dumps(s, ensure_ascii=False) + "\n" for s in late), encoding="utf-8")
    _import(data, path, "--backfill")
    code, out = _audit(data, capsys, LICENCE + "-B", "--json")
    assert code == 0
    rules = {f["rule"]: f for f in json.loads(out)["findings"]}
    assert "LIC-03" in rules and rules["LIC-03"]["severity"] == "MAJOR", rules
    assert "LIC-10" not in rules


def test_an_unknown_file_and_unsupported_outputs_are_usage_errors(
        data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["--data", str(data), "audit", "--case", "licence/DXH-SPJ-XK-2026-9999", "--as-of", AS_OF])
    assert code == 2 and "licence/DXH-SPJ-XK-2026-9999" in capsys.readouterr().err
    code = main(["--data", str(data), "audit", "--case", LICENCE, "--format", "pdf", "-o", "x.pdf"])
    assert code == 2 and "仅行政处罚案卷" in capsys.readouterr().err


def test_the_evaluations_table_holds_every_kind_and_follows_a_new_step(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    made = cli_data(tmp_path, monkeypatch)
    for name in ("registry.jsonl", "general-case.jsonl"):
        _import(made, EXAMPLES / name)
    steps = licence_steps()
    first = tmp_path / "first.jsonl"
    first.write_text("".join(json.dumps(s, ensure_ascii=False) + "\n" for s in steps[:8]), encoding="utf-8")
    _import(made, first)
    ledger = open_ledger(Settings.load(str(made)), keys=False)
    try:
        db = Database(ledger.store)
        follower = AuditFollower(db)
        day = date(2026, 12, 1)
        follower.run_once(day)
        rows = {r.case: r for r in query(db, kinds=FILE_KINDS)}
        assert rows[LICENCE].grade is None  # 办理中: no decision yet
        rest = tmp_path / "rest.jsonl"
        rest.write_text("".join(json.dumps(s, ensure_ascii=False) + "\n" for s in steps[8:]), encoding="utf-8")
        _import(made, rest)
        _import(made, EXAMPLES / "complaint.jsonl")
        assert follower.run_once(day) >= 2
        rows = {r.case: r for r in query(db, kinds=FILE_KINDS)}
        assert rows[LICENCE].grade == rows[COMPLAINT].grade == "优秀"
        incremental = {r.case: (r.grade, r.score, r.rules) for r in query(db, kinds=FILE_KINDS)}
        rebuild_table(db, day)
        assert {r.case: (r.grade, r.score, r.rules) for r in query(db, kinds=FILE_KINDS)} == incremental
    finally:
        ledger.close()


def test_the_supervisors_dashboard_counts_licence_and_complaint_files_apart(
        data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from fastapi.testclient import TestClient

    from api.server.app import create_app
    from api.server.config import HttpSettings

    assert main(["--data", str(data), "audit", "--refresh", "--as-of", AS_OF]) == 0
    settings = Settings.load(str(data))
    app = create_app(settings, http=HttpSettings(integrate_interval=0), integrate=False)
    with TestClient(app) as client:
        token = app.state.services.tokens.create("officer/admin", name="dashboard test")[1]
        assert client.post("/ui/login", data={"token": token, "next": "/ui/supervision"}).status_code in (200, 303)
        page = client.get("/ui/supervision").text
    grades = page[page.index('id="grades"'):]

    cases, others = grades.split("许可、投诉举报、行政强制案卷", 1)
    assert "行政许可" not in cases and "投诉举报" not in cases
    others = others[:others.index("</table>")]
    assert "行政许可" in others and "投诉举报" in others
