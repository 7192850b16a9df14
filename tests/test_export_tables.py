"""Spreadsheets (issue 13): the case list with its filters, warnings, statistics, evaluations and
rectifications as XLSX (opened with openpyxl) and CSV (read with csv) — from the pages' download
links, the API (``Accept: text/csv``, ``?format=xlsx``) and the CLI (``--format``, ``-o``).

Headers are Chinese, values carry Chinese labels (never codes), money is yuan with two decimals
(a ``#,##0.00`` number in XLSX, ``domain.money.yuan`` text in CSV), and a reader gets only the rows
they may read. Also: money shown to people is yuan, never fen (``projections stats``)."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.requests import Request

from api.cli import main as cli_main
from api.server.tabular import table_format
from api.tables_export import INT, MONEY, TEXT, TIME, Column, Table, content_disposition, write
from domain.money import yuan
from projections.labels import STATUS_LABELS
from tests.helpers.examples import scaled
from tests.helpers.pages_site import AGENCY, OTHER_AGENCY, Site, number, site_at

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CODES = {"general", "summary", "penalty", "archived", "closed", "registered", "red", "yellow", "person",
         "organisation", "BLOCKER", "MAJOR"}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    with site_at(tmp_path_factory.mktemp("tables"), cases=60) as built:
        yield built


def _login(site: Site, who: str) -> TestClient:
    client = TestClient(site.app, raise_server_exceptions=True)
    site.login(client, who)
    return client


def _bearer(site: Site, who: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {site.tokens[who]}"}


def sheet_rows(body: bytes) -> list[dict[str, Any]]:
    """An XLSX's first sheet as dicts by header."""
    book = openpyxl.load_workbook(io.BytesIO(body))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


def csv_rows(body: bytes) -> list[dict[str, str]]:
    assert body.startswith(b"\xef\xbb\xbf"), "CSV must start with a UTF-8 BOM (Excel reads Chinese)"
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


def _cells(book_bytes: bytes, header: str) -> list[Any]:
    """The cells (not values) of one column, for number formats."""
    sheet = openpyxl.load_workbook(io.BytesIO(book_bytes)).worksheets[0]
    heads = [c.value for c in sheet[1]]
    index = heads.index(header)
    return [row[index] for row in sheet.iter_rows(min_row=2)]


def _no_codes(rows: list[dict[str, Any]], *columns: str) -> None:
    for row in rows:
        for column in columns:
            assert row[column] not in CODES, (column, row[column])


# --------------------------------------------------------------------------- pages


def test_the_case_list_download_has_a_row_per_case_of_the_filtered_list(site: Site) -> None:
    client = _login(site, "admin")
    expected = {r["grp"].split("/", 1)[1]: r for r in site.rows(
        "SELECT grp, fine_fen, paid_fen, status FROM proj_cases WHERE agency = ? AND status = 'archived'", (AGENCY,))}
    assert len(expected) > 1, "the demo needs archived cases of the agency"
    query = f"?agency={AGENCY}&status=archived"
    page = client.get("/ui/cases" + query).text
    assert "/ui/cases.xlsx?" in page and "/ui/cases.csv?" in page  # the link carries the filters
    got = client.get("/ui/cases.xlsx" + query)
    assert got.status_code == 200 and got.headers["content-type"] == XLSX
    assert "attachment" in got.headers["content-disposition"]
    assert ".xlsx" in got.headers["content-disposition"]
    rows = sheet_rows(got.content)
    assert sorted(r["案号"] for r in rows) == sorted(expected)
    assert {r["状态"] for r in rows} == {STATUS_LABELS["archived"]}
    assert {r["机关编码"] for r in rows} == {AGENCY.split("/")[1]}
    assert all(r["执法机关"] and r["执法机关"] != AGENCY for r in rows)  # the agency's name
    _no_codes(rows, "程序", "当事人类型", "状态", "处理结果")
    fined = [r for r in rows if expected[r["案号"]]["fine_fen"]]
    assert fined, "the demo needs a fined archived case"
    for r in fined:
        assert Decimal(str(r["罚款（元）"])) * 100 == expected[r["案号"]]["fine_fen"]
    assert {c.number_format for c in _cells(got.content, "罚款（元）") if c.value is not None} == {"#,##0.00"}
    assert all(isinstance(r["立案日期"], datetime | date) for r in rows if r["立案日期"] is not None)

    text = client.get("/ui/cases.csv" + query)
    assert text.status_code == 200 and text.headers["content-type"].startswith("text/csv")
    listed = csv_rows(text.content)
    assert sorted(r["案号"] for r in listed) == sorted(expected)
    for r in listed:
        fen = expected[r["案号"]]["fine_fen"]
        assert r["罚款（元）"] == (yuan(fen) if fen else "")


def test_the_case_list_download_holds_every_page_and_the_text_filter(site: Site) -> None:
    client = _login(site, "admin")
    every = site.rows("SELECT grp FROM proj_cases")
    assert len(every) > 50, "more cases than one page of the list"
    assert len(csv_rows(client.get("/ui/cases.csv?page=2").content)) == len(every)
    one = number(site.failing)
    assert [r["案号"] for r in csv_rows(client.get(f"/ui/cases.csv?q={one}").content)] == [one]


def test_a_reader_downloads_only_what_they_may_read(site: Site) -> None:
    officer = _login(site, "officer")
    mine = {r["grp"].split("/", 1)[1] for r in site.rows("SELECT grp FROM proj_cases WHERE agency = ?", (AGENCY,))}
    rows = csv_rows(officer.get("/ui/cases.csv").content)
    assert {r["案号"] for r in rows} == mine
    assert csv_rows(officer.get(f"/ui/cases.csv?agency={OTHER_AGENCY}").content) == []
    assert officer.get(f"/ui/supervision/evaluations.xlsx?agency={OTHER_AGENCY}").status_code == 403
    evaluated = csv_rows(officer.get("/ui/supervision/evaluations.csv").content)
    assert evaluated and {r["机关编码"] for r in evaluated} == {AGENCY.split("/")[1]}
    statistics = csv_rows(officer.get("/ui/supervision/statistics.csv").content)
    assert statistics and {r["机关编码"] for r in statistics} <= {AGENCY.split("/")[1]}
    anonymous = TestClient(site.app).get("/ui/cases.xlsx", follow_redirects=False)
    assert anonymous.status_code == 303 and "/ui/login" in anonymous.headers["location"]


def test_warnings_statistics_and_evaluations_download_from_the_supervision_pages(site: Site) -> None:
    client = _login(site, "admin")
    page = client.get("/ui/supervision").text
    for link in ("/ui/supervision/statistics.xlsx", "/ui/supervision/evaluations.xlsx"):
        assert link in page
    assert "/ui/supervision/warnings.xlsx" in client.get("/ui/supervision/warnings").text
    warnings = csv_rows(client.get("/ui/supervision/warnings.csv?colour=red").content)
    listed = client.get("/ui/supervision/warnings?colour=red").text
    assert f"共 {len(warnings)} 条" in listed
    assert {w["预警"] for w in warnings} <= {"红色预警"}
    evaluations = sheet_rows(client.get("/ui/supervision/evaluations.xlsx?grade=不合格").content)
    failing = {r["grp"].split("/", 1)[1] for r in site.rows(
        "SELECT grp FROM audit_evaluations WHERE grade = '不合格' AND grp LIKE 'case/%'")}
    assert {r["案号"] for r in evaluations} == failing and {r["等级"] for r in evaluations} == {"不合格"}
    stats = sheet_rows(client.get("/ui/supervision/statistics.xlsx").content)
    counted = site.rows("SELECT agency, year, SUM(value) AS n FROM proj_statistics WHERE metric = 'fines.amount_fen' "
                        "GROUP BY agency, year")
    by_key = {(r["机关编码"], r["年度"]): r for r in stats}
    assert counted
    for c in counted:
        row = by_key[(c["agency"].split("/", 1)[1], c["year"])]
        assert Decimal(str(row["罚款金额（元）"])) * 100 == c["n"]


# --------------------------------------------------------------------------- API


def test_the_api_lists_answer_csv_or_xlsx_with_the_rows_of_their_json(site: Site) -> None:
    client = site.client
    admin = _bearer(site, "admin")
    query = f"/v1/cases?agency={AGENCY}&status=archived&limit=500"
    as_json = client.get(query, headers=admin).json()["cases"]
    got = client.get(query, headers={**admin, "Accept": "text/csv"})
    assert got.status_code == 200 and got.headers["content-type"].startswith("text/csv")
    assert "attachment" in got.headers["content-disposition"]
    assert sorted(r["案号"] for r in csv_rows(got.content)) == sorted(c["number"] for c in as_json)
    xlsx = client.get(query + "&format=xlsx", headers=admin)
    assert xlsx.headers["content-type"] == XLSX and len(sheet_rows(xlsx.content)) == len(as_json)
    assert client.get(query + "&format=json", headers={**admin, "Accept": "text/csv"}).json()["cases"] == as_json
    paged = client.get("/v1/cases?limit=3&format=csv", headers=admin)
    assert len(csv_rows(paged.content)) == 3 and 'rel="next"' in paged.headers["link"]
    for path, key in (("/v1/supervision/warnings", "warnings"), ("/v1/supervision/statistics", "statistics"),
                      ("/v1/supervision/rectifications", "rectifications"),
                      ("/v1/supervision/evaluations", "evaluations"), ("/v1/public/statistics", "statistics")):
        doc = client.get(path, headers=admin).json()[key]
        sheet = client.get(path + "?format=xlsx", headers=admin)
        assert sheet.status_code == 200 and sheet.headers["content-type"] == XLSX, path
        assert len(sheet_rows(sheet.content)) == len(doc), path
        text = client.get(path, headers={**admin, "Accept": "text/csv;q=0.9, application/json;q=0.5"})
        assert text.headers["content-type"].startswith("text/csv") and len(csv_rows(text.content)) == len(doc), path
    assert client.get("/v1/supervision/evaluations", headers=admin).json()["evaluations"][0]["grade"] in (
        "优秀", "合格", "不合格")  # JSON keeps its codes


def test_the_api_spreadsheets_follow_the_read_policy(site: Site) -> None:
    client = site.client
    officer = _bearer(site, "officer")
    rows = csv_rows(client.get("/v1/cases?limit=500&format=csv", headers=officer).content)
    assert rows and {r["机关编码"] for r in rows} == {AGENCY.split("/")[1]}
    assert client.get(f"/v1/cases?agency={OTHER_AGENCY}&format=csv", headers=officer).status_code == 403
    assert client.get(f"/v1/supervision/evaluations?agency={OTHER_AGENCY}&format=xlsx",
                      headers=officer).status_code == 403
    assert client.get("/v1/supervision/warnings?format=csv").status_code == 401


def test_a_rectification_order_is_a_row_of_the_spreadsheet(site: Site) -> None:
    supervisor = site.identities["supervisor"]
    order = {"stream": "supervision/ZG-TABLES-1", "type": "RectificationOrdered", "at": "2026-03-02T10:00:00+08:00",
             "by": supervisor, "data": {"agency": AGENCY, "case": site.failing, "findings": ["PEN-10", "PEN-40"],
                                        "due_at": "2026-03-16T17:00:00+08:00"}}
    assert site.client.post("/v1/steps", json=order, headers=_bearer(site, "supervisor")).status_code == 201
    client = _login(site, "admin")
    rows = [r for r in csv_rows(client.get("/ui/supervision/rectifications.csv?as_of=2026-03-20").content)
            if r["监督流"] == "supervision/ZG-TABLES-1"]
    assert len(rows) == 1
    row = rows[0]
    assert row["案号"] == number(site.failing) and row["问题（规则编号）"] == "PEN-10、PEN-40"
    assert row["下达时间（北京时间）"] == "2026-03-02 10:00:00+08:00" and row["整改期限"] == "2026-03-16"
    assert row["状态"] == "逾期未报告"
    other = _login(site, "other")
    assert not [r for r in csv_rows(other.get("/ui/supervision/rectifications.csv").content)
                if r["监督流"] == "supervision/ZG-TABLES-1"]


# --------------------------------------------------------------------------- CLI


def _cli(site: Site, *args: str) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert cli_main(["--data", str(site.data), *args]) == 0
    return out.getvalue()


def test_the_cli_writes_spreadsheets_to_a_file_or_standard_output(site: Site, tmp_path: Path,
                                                                   capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    target = tmp_path / "统计.xlsx"
    assert cli_main(["--data", str(site.data), "projections", "stats", "--format", "xlsx", "-o", str(target)]) == 0
    stats = sheet_rows(target.read_bytes())
    blocks = json.loads(_cli(site, "projections", "stats", "--json"))["statistics"]
    assert len(stats) == len(blocks) and "罚款金额（元）" in stats[0]
    capsysbinary.readouterr()
    assert cli_main(["--data", str(site.data), "projections", "stats", "--format", "xlsx"]) == 0
    assert sheet_rows(capsysbinary.readouterr().out) == stats
    assert cli_main(["--data", str(site.data), "audit", "--all", "--format", "csv"]) == 0
    evaluated = csv_rows(capsysbinary.readouterr().out)
    # --all evaluates every file of every kind, as the audit table holds them
    assert sorted(r["案号"] for r in evaluated) == sorted(
        str(r["grp"]).split("/", 1)[1] for r in site.rows("SELECT grp FROM audit_evaluations"))
    assert {r["等级"] for r in evaluated} <= {"优秀", "合格", "不合格", "办理中"}
    assert cli_main(["--data", str(site.data), "audit", "--all", "--json"]) == 0
    coded = json.loads(capsysbinary.readouterr().out)
    assert {f["severity"] for e in coded for f in e["findings"]} <= {"BLOCKER", "MAJOR", "MINOR", "INFO"}
    warnings = tmp_path / "w.csv"
    assert cli_main(["--data", str(site.data), "projections", "warnings", "--format", "csv", "-o", str(warnings)]) == 0
    listed = json.loads(_cli(site, "projections", "warnings", "--json"))["warnings"]
    assert len(csv_rows(warnings.read_bytes())) == len(listed)


def test_projections_stats_shows_money_in_yuan_never_fen(site: Site) -> None:
    text = _cli(site, "projections", "stats", "--agency", AGENCY)
    fines = site.rows("SELECT year, value FROM proj_statistics WHERE agency = ? AND metric = 'fines.amount_fen' "
                      "ORDER BY year", (AGENCY,))
    assert fines
    assert f"罚款金额: {yuan(fines[0]['value'])}" in text
    assert "（分）" not in text and "_fen" not in text


# --------------------------------------------------------------------------- the writer


def _one(kind: str, value: Any, header: str = "值") -> Table:
    return Table("测试", [Column(header, lambda r: r, kind)], [value])


@settings(max_examples=scaled(40), deadline=None)
@given(st.integers(min_value=-10**12, max_value=10**12))
def test_for_all_amounts_csv_says_yuan_and_xlsx_holds_the_exact_number(fen: int) -> None:
    assert csv_rows(write(_one(MONEY, fen), "csv"))[0]["值"] == yuan(fen)
    cell = _cells(write(_one(MONEY, fen), "xlsx"), "值")[0]
    assert Decimal(str(cell.value)) * 100 == fen and cell.number_format == "#,##0.00"


@settings(max_examples=scaled(40), deadline=None)
@given(st.text(alphabet=st.sampled_from("=+-@ab中,\"'\n1("), min_size=1, max_size=12))
def test_for_all_texts_no_cell_becomes_a_formula(text: str) -> None:
    cell = _cells(write(_one(TEXT, text), "xlsx"), "值")[0]
    assert cell.data_type == "s" and cell.value == text
    shown = csv_rows(write(_one(TEXT, text), "csv"))[0]["值"]
    assert shown == ("'" + text if text.startswith(("=", "+", "-", "@")) else text)


def test_times_are_beijing_time_and_integers_stay_numbers() -> None:
    moment = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
    assert csv_rows(write(_one(TIME, moment.isoformat()), "csv"))[0]["值"] == "2026-03-02 09:00:00+08:00"
    assert sheet_rows(write(_one(TIME, "2026-03-02T01:00:00Z"), "xlsx"))[0]["值"] == datetime(2026, 3, 2, 9, 0)
    assert sheet_rows(write(_one(INT, 7), "xlsx"))[0]["值"] == 7


def test_the_attachment_name_is_chinese_and_safe() -> None:
    header = content_disposition("案件列表-2026-04-20.xlsx")
    assert header.startswith('attachment; filename="') and "\n" not in header
    assert "filename*=UTF-8''%E6%A1%88" in header


def _request(accept: str) -> Request:
    return Request({"type": "http", "method": "GET", "path": "/", "query_string": b"",
                    "headers": [(b"accept", accept.encode())]})


@pytest.mark.parametrize(("accept", "fmt", "expected"), [
    ("text/csv", None, "csv"), (XLSX, None, "xlsx"), ("application/json", None, None), ("*/*", None, None),
    ("", None, None), ("application/json, text/csv", None, None), ("text/csv;q=0.5, application/json", None, None),
    ("text/csv, application/json;q=0.5", None, "csv"), ("text/csv;q=0", None, None),
    ("text/csv", "json", None), ("application/json", "xlsx", "xlsx"),
])
def test_content_negotiation(accept: str, fmt: str | None, expected: str | None) -> None:
    assert table_format(_request(accept), fmt) == expected


def test_pages_show_money_in_yuan_with_two_decimals(site: Site) -> None:
    client = _login(site, "admin")
    fined = site.rows("SELECT grp, fine_fen, paid_fen FROM proj_cases WHERE fine_fen > 0 ORDER BY grp")[0]
    page = client.get(f"/ui/cases/{number(fined['grp'])}").text
    assert f"罚款 {yuan(fined['fine_fen'])}" in page and f"已缴 {yuan(fined['paid_fen'])}" in page
    total = site.rows("SELECT SUM(value) AS n FROM proj_statistics WHERE metric = 'fines.amount_fen' AND agency = ?",
                      (AGENCY,))[0]["n"]
    years = site.rows("SELECT DISTINCT year FROM proj_statistics")
    if len(years) == 1:
        assert yuan(total) in TestClient(site.app).get(f"/public/statistics?year={years[0]['year']}").text


def test_the_public_statistics_page_links_its_spreadsheet(site: Site) -> None:
    public = TestClient(site.app)
    year = site.rows("SELECT MAX(year) AS y FROM proj_statistics")[0]["y"]
    page = public.get(f"/public/statistics?year={year}").text
    assert f"/v1/public/statistics?year={year}&amp;format=xlsx" in page
    rows = sheet_rows(public.get(f"/v1/public/statistics?year={year}&format=xlsx").content)
    assert rows and {r["年度"] for r in rows} == {year}


_CASE_ROWS = st.lists(st.fixed_dictionaries({
    "number": st.from_regex(r"JA-CGJ-2026-[0-9]{4}", fullmatch=True),
    "agency": st.sampled_from([AGENCY, OTHER_AGENCY, None]),
    "procedure": st.sampled_from(["general", "summary", None]),
    "status": st.sampled_from(sorted(STATUS_LABELS)),
    "party_name": st.text(max_size=8),
    "fine_fen": st.one_of(st.none(), st.integers(min_value=0, max_value=10**10)),
    "registered_on": st.one_of(st.none(), st.dates().map(date.isoformat)),
}), max_size=8)


@settings(max_examples=scaled(25), deadline=None)
@given(_CASE_ROWS)
def test_for_all_case_lists_both_formats_hold_a_row_per_case_in_order(rows: list[dict[str, Any]]) -> None:
    from api.tables_export import Names, cases_table

    table = cases_table(rows, Names({AGENCY: "某某局"}))
    as_csv = csv_rows(write(table, "csv"))
    as_xlsx = sheet_rows(write(table, "xlsx"))
    assert [r["案号"] for r in as_csv] == [r["案号"] for r in as_xlsx] == [r["number"] for r in rows]
    for row, text, cell in zip(rows, as_csv, as_xlsx, strict=True):
        assert text["状态"] == cell["状态"] == STATUS_LABELS[row["status"]]
        fen = row["fine_fen"]
        assert text["罚款（元）"] == (yuan(fen) if fen else "")
        assert (cell["罚款（元）"] is None) if not fen else Decimal(str(cell["罚款（元）"])) * 100 == fen
        assert text["立案日期"] == (row["registered_on"] or "")


def test_the_public_text_of_a_demo_decision_states_its_fine_in_yuan_with_two_decimals(site: Site) -> None:
    published = site.rows("SELECT text, penalties FROM pub_decisions WHERE fine_fen > 0")
    assert published, "the demo publishes fined decisions"
    for row in published:
        amounts = [p["amount_fen"] for p in json.loads(row["penalties"]) if p.get("amount_fen")]
        assert all(f"人民币{yuan(a)}" in row["text"] for a in amounts), row["text"]
    feed = TestClient(site.app).get("/v1/public/feed.json").json()
    texts = [i["content_text"] for i in feed["items"] if "罚款" in i["content_text"]]
    assert texts and all(re.search(r"人民币[0-9,]+\.[0-9]{2} 元", t) for t in texts)


def test_the_cli_case_list_is_the_pages_list_with_the_same_filters(site: Site, tmp_path: Path) -> None:
    target = tmp_path / "案件.xlsx"
    args = ["--data", str(site.data), "projections", "cases", "--agency", AGENCY.split("/")[1], "--status", "archived"]
    assert cli_main([*args, "--format", "xlsx", "-o", str(target)]) == 0
    from_cli = sheet_rows(target.read_bytes())
    from_page = sheet_rows(_login(site, "admin").get(f"/ui/cases.xlsx?agency={AGENCY}&status=archived").content)
    assert from_cli == from_page and from_cli
    listed = json.loads(_cli(site, *args[2:], "--json"))["cases"]
    assert [c["number"] for c in listed] == [r["案号"] for r in from_cli]
    text = _cli(site, *args[2:])
    assert f"共 {len(from_cli)} 件" in text and "_fen" not in text


def test_the_sample_downloads_the_evaluations_of_its_draw(site: Site) -> None:
    client = _login(site, "admin")
    page = client.get("/ui/supervision/sample?n=7&seed=3").text
    assert "/ui/supervision/sample.xlsx?" in page
    drawn = sorted(set(re.findall(r'href="/ui/cases/([^"#?]+)#evaluation"', page)))
    rows = sheet_rows(client.get("/ui/supervision/sample.xlsx?n=7&seed=3").content)
    assert len(drawn) == 7 and sorted(r["案号"] for r in rows) == drawn
    officer = _login(site, "officer")
    assert officer.get(f"/ui/supervision/sample.csv?n=3&agency={OTHER_AGENCY}").status_code == 403


def test_public_pages_link_the_api_answers_they_come_from(site: Site) -> None:
    """The pages' ``has_route`` sees the API's routes (FastAPI keeps included routers nested)."""
    public = TestClient(site.app)
    assert 'href="/v1/public/feed.atom"' in public.get("/public/").text
    assert 'href="/v1/public/registry"' in public.get("/public/registry").text
    assert 'href="/docs"' in public.get("/").text
