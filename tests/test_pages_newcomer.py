"""Issue 13, "every defect the newcomer hit" (1 to 5), each reproduced over a small demo served by the
real app: short agency codes, the registry's codes and credential status at the 基准日, cases
still at 案源登记, Chinese labels on staff pages, and HTML error pages under /ui/ and /public/."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.server.readmodels import today as today_fn
from audit.store import LedgerSource
from projections.groups import CONCLUDED
from projections.sql import Database
from tests.helpers.pages_site import AGENCY, Site, links, logged_in, text_of

SHORT = AGENCY.split("/", 1)[1]


@pytest.fixture
def as_admin(site: Site) -> Iterator[TestClient]:
    client = logged_in(site, "admin")
    yield client
    client.close()


def _case_links(page: str) -> list[str]:
    return sorted(set(re.findall(r'href="/ui/cases/([A-Z][^"#/?]*)"', page)))


# --------------------------------------------------------------------------- 1. short agency codes


def test_the_sample_takes_a_short_agency_code_as_the_cli_does(site: Site, as_admin: TestClient) -> None:
    source = LedgerSource(Database(site.app.state.services.ledger.store))
    for given in (SHORT, AGENCY):
        page = as_admin.get(f"/ui/supervision/sample?n=20&seed=7&agency={given}")
        assert page.status_code == 200, page.text[:300]
        shown = [f"case/{n}" for n in re.findall(r'href="/ui/cases/([^"#]+)#evaluation"', page.text)]
        assert shown == source.sample(20, 7, SHORT), given
        assert f"--agency {SHORT}" in page.text


def test_the_case_list_warnings_and_public_list_take_a_short_agency_code(site: Site, as_admin: TestClient) -> None:
    everyone = _case_links(as_admin.get("/ui/cases").text)
    short = _case_links(as_admin.get(f"/ui/cases?agency={SHORT}").text)
    assert short == _case_links(as_admin.get(f"/ui/cases?agency={AGENCY}").text)
    assert short and set(short) < set(everyone) and all(n.startswith(SHORT) for n in short)

    every = as_admin.get("/ui/supervision/warnings").text
    mine = as_admin.get(f"/ui/supervision/warnings?agency={SHORT}").text
    assert mine.count("<tr class=") == as_admin.get(f"/ui/supervision/warnings?agency={AGENCY}").text.count(
        "<tr class=")
    assert mine.count("<tr class=") < every.count("<tr class=")

    public = TestClient(site.app)
    listed = links(public.get(f"/public/?agency={SHORT}").text, "/public/decisions/")
    assert listed == links(public.get(f"/public/?agency={AGENCY}").text, "/public/decisions/")
    assert listed and len(listed) < len(links(public.get("/public/").text, "/public/decisions/"))
    assert f'<option value="{AGENCY}" selected' in public.get(f"/public/?agency={SHORT}").text


# --------------------------------------------------------------------------- 5. HTML error pages


@pytest.mark.parametrize("path", ["/ui/no-such-page", "/ui/cases/NO-SUCH-1/nothing", "/public/nothing",
                                  "/public/decisions/JA-CGJ-2026-0001/not-a-number"])
def test_errors_under_ui_and_public_are_html_pages(site: Site, as_admin: TestClient, path: str) -> None:
    response = as_admin.get(path)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html"), response.text[:200]
    assert "未找到" in text_of(response.text)
    assert 'href="/ui/static/pages.css"' in response.text
    assert response.headers["Content-Security-Policy"].startswith("default-src 'self'")


def test_a_crash_under_the_pages_is_an_html_500_and_the_api_stays_problem_json(site: Site) -> None:
    app = site.app
    client = TestClient(app, raise_server_exceptions=False)

    @app.get("/public/_crash_for_test")
    def crash() -> None:
        raise RuntimeError("boom")

    @app.get("/v1/_crash_for_test")
    def crash_api() -> None:
        raise RuntimeError("boom")

    try:
        page = client.get("/public/_crash_for_test")
        assert page.status_code == 500
        assert page.headers["content-type"].startswith("text/html")
        assert "服务器内部错误" in text_of(page.text) and "boom" not in page.text
        api = client.get("/v1/_crash_for_test")
        assert api.status_code == 500 and api.headers["content-type"] == "application/problem+json"
        missing = client.get("/v1/no-such-thing")
        assert missing.status_code == 404 and missing.headers["content-type"] == "application/problem+json"
    finally:
        app.router.routes[:] = [r for r in app.router.routes if "_crash_for_test" not in getattr(r, "path", "")]


def test_a_forbidden_page_is_html(site: Site) -> None:
    officer = logged_in(site, "other")
    response = officer.get(f"/ui/cases?agency={AGENCY}")
    assert response.status_code == 200  # a list filtered to an agency one does not read is empty, not an error
    page = officer.get(f"/ui/supervision/sample?n=3&agency={SHORT}")
    assert page.status_code == 403 and page.headers["content-type"].startswith("text/html")
    assert "无权查看" in text_of(page.text)


# --------------------------------------------------------------------------- 2. the registry


def _expiring(site: Site) -> dict[str, object]:
    found = site.rows("SELECT stream, name, credential_valid_to FROM pub_officers WHERE credential_valid_to IS NOT "
                      "NULL AND credential_valid_from > '2000-01-01' AND credential_status = 'valid' "
                      "ORDER BY credential_valid_to")
    assert found, "the demo has no officer with a dated credential"
    return found[0]


def _status_cell(page: str, name: str) -> str:
    row = next(r for r in re.findall(r"<tr>(.*?)</tr>", page, flags=re.S) if f"<td>{name}</td>" in r)
    return text_of(re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)[-1]).strip()


def test_a_credential_is_judged_at_the_page_and_api_as_of_day(site: Site) -> None:
    officer = _expiring(site)
    valid_to = str(officer["credential_valid_to"])
    before, after = "2000-01-01", "2099-01-01"
    client = TestClient(site.app)
    assert valid_to < after
    assert _status_cell(client.get(f"/public/registry?as_of={after}").text, str(officer["name"])) == "已过期"
    assert _status_cell(client.get(f"/public/registry?as_of={valid_to}").text, str(officer["name"])) == "有效"
    for day, expected in ((after, "expired"), (valid_to, "valid"), (before, "not_yet_valid")):
        body = client.get(f"/v1/public/registry?as_of={day}").json()
        mine = next(o for o in body["officers"] if o["stream"] == officer["stream"])
        assert mine["credential_status"] == expected, day
    today = client.get("/v1/public/registry").json()
    mine = next(o for o in today["officers"] if o["stream"] == officer["stream"])
    assert mine["credential_status"] == ("expired" if valid_to < today_fn().isoformat() else "valid")


def test_the_registry_page_shows_codes_in_chinese_and_the_basis_readably(site: Site) -> None:
    page = TestClient(site.app).get("/public/registry").text
    shown = text_of(page)
    for raw in ('"law"', '"article"', "district", ">none<", ">valid<", "penalty", '"circumstance"', "min_fen"):
        assert raw not in page, raw
    assert "区（县）级" in shown
    assert re.search(r"《[^》]+》第[一二三四五六七八九十百]+条", shown)
    assert "处罚依据" in shown and "裁量基准" in shown
    assert re.search(r"轻微 [\d,]+\.\d\d 元–[\d,]+\.\d\d 元", shown)
    assert "未持证" in shown or site.rows("SELECT 1 FROM pub_officers WHERE credential_status = 'none'") == []


# --------------------------------------------------------------------------- 4. Chinese on staff pages


ENGLISH = re.compile(r"\b(?:approved|issues_found|BLOCKER|MAJOR|MINOR|DecisionMade|CaseRegistered|amount_fen|"
                     r"[a-z]+_(?:fen|at|by|no)|penalty|general|summary|in_person)\b")


def _decision(site: Site) -> tuple[str, int]:
    found = site.rows("SELECT grp FROM proj_cases WHERE fine_fen > 0 AND agency = ? ORDER BY grp", (AGENCY,))
    assert found
    case = str(found[0]["grp"])
    events = site.app.state.services.ledger.read(case, check_signature=False)
    version = next(e.version for e in events if e.type == "DecisionMade")
    return case, version


def test_an_event_page_shows_labelled_fields_yuan_and_beijing_time(site: Site, as_admin: TestClient) -> None:
    case, version = _decision(site)
    page = as_admin.get(f"/ui/events/{case}/{version}")
    assert page.status_code == 200
    head = re.search(r"<h1>(.*?)</h1>", page.text, flags=re.S)
    assert head and "行政处罚决定" in head.group(1) and "DecisionMade" not in head.group(1)
    visible = re.sub(r"<details class=\"raw\">.*?</details>", " ", page.text, flags=re.S)
    shown = text_of(visible)
    assert not ENGLISH.findall(shown), ENGLISH.findall(shown)[:10]
    assert "处罚" in shown and re.search(r"[\d,]+\.\d\d 元", shown)
    recorded = re.search(r"<dt>记入账本</dt><dd>([^<]+)</dd>", page.text)
    assert recorded and recorded.group(1).endswith("+08:00"), recorded
    event = site.app.state.services.ledger.read(case, check_signature=False)[version - 1]
    assert "amount_fen" in page.text  # the signed data stay available for verification, behind a disclosure
    assert html_unescaped(page.text).count(str(event.data["penalties"][0]["type"])) >= 1


def html_unescaped(text: str) -> str:
    import html

    return html.unescape(text)


def test_the_case_and_stream_pages_show_no_english_codes(site: Site, as_admin: TestClient) -> None:
    case, _ = _decision(site)
    reviewed = site.rows("SELECT grp FROM proj_cases WHERE grp IN (SELECT grp FROM audit_evaluations WHERE veto = 1)")
    for stream in {case, *(r["grp"] for r in reviewed[:3])}:
        number = stream.split("/", 1)[1]
        for path in (f"/ui/cases/{number}", f"/ui/streams/{stream}", f"/ui/cases/{number}/evaluation.html"):
            page = as_admin.get(path)
            assert page.status_code == 200, path
            body = re.sub(r'class="[^"]*"|id="[^"]*"|href="[^"]*"', "", page.text)
            shown = text_of(body)
            assert not ENGLISH.findall(shown), (path, ENGLISH.findall(shown)[:10])


# --------------------------------------------------------------------------- 3. cases still at 案源登记


def _at_source(site: Site) -> dict[str, object]:
    found = site.rows("SELECT grp, number, agency FROM proj_cases WHERE status = 'source' ORDER BY grp")
    assert found, "the demo has no case still at 案源登记"
    return found[0]


def test_a_case_at_source_has_the_agency_of_the_officer_who_recorded_it(site: Site, as_admin: TestClient) -> None:
    sources = site.rows("SELECT grp, agency FROM proj_cases WHERE status = 'source'")
    services = site.app.state.services
    for row in sources:
        first = services.ledger.read(str(row["grp"]), check_signature=False)[0]
        officer = services.ledger.officer(first.by)
        assert row["agency"] is not None and row["agency"] == officer.agency
        assert row["agency"] == services.access.concerned_agency(str(row["grp"]))  # as the read policy reads it
    case = _at_source(site)
    short = str(case["agency"]).split("/", 1)[1]
    page = text_of(as_admin.get(f"/ui/cases/{case['number']}").text)
    assert "未确定机关" not in page
    assert site.rows("SELECT name FROM pub_agencies WHERE stream = ?", (case["agency"],))[0]["name"] in page
    assert case["number"] in _case_links(as_admin.get(f"/ui/cases?agency={short}&status=source").text)
    found = as_admin.get(f"/ui/cases?q={case['number']}&agency={short}").text
    assert _case_links(found) == [case["number"]]


def test_a_file_without_its_concluding_step_is_in_progress_and_has_no_grade(site: Site) -> None:
    rows = site.rows("SELECT e.grp, e.grade, e.status FROM audit_evaluations e")
    assert any(r["grade"] is None for r in rows) and any(r["grade"] is not None for r in rows)
    for r in rows:  # for every evaluated file: a grade exactly when it holds its concluding step
        concluded = next(c for kind, c in CONCLUDED.items() if str(r["grp"]).startswith(kind))
        assert (r["grade"] is None) == (r["status"] not in concluded), r
    case = _at_source(site)
    assert site.rows("SELECT grade FROM audit_evaluations WHERE grp = ?", (case["grp"],))[0]["grade"] is None


def test_pages_show_in_progress_files_apart(site: Site, as_admin: TestClient) -> None:
    case = _at_source(site)
    page = as_admin.get(f"/ui/cases/{case['number']}").text
    section = text_of(page[page.index('id="evaluation"'):page.index('id="catalogue"')])
    assert "办理中" in section and "优秀" not in section and "100 分" not in section
    listed = as_admin.get(f"/ui/cases?q={case['number']}").text
    assert "办理中" in text_of(listed) and "优秀" not in text_of(listed.split("<tbody>", 1)[1])
    running = site.rows("SELECT agency, COUNT(*) AS n FROM audit_evaluations WHERE grade IS NULL GROUP BY agency")
    board = as_admin.get("/ui/supervision").text
    grades = board[board.index('id="grades"'):]
    grades = grades[:grades.index("</table>")]
    assert "<th>办理中</th>" in grades
    for row in running:
        assert re.search(r'grade=%E5%8A%9E%E7%90%86%E4%B8%AD[^"]*">' + str(row["n"]) + "<", grades), row
    in_progress = _case_links(as_admin.get(f"/ui/cases?agency={case['agency']}&grade=办理中").text)
    assert case["number"] in in_progress
    for number in in_progress:
        assert site.rows("SELECT grade FROM audit_evaluations WHERE grp = ?", (f"case/{number}",))[0]["grade"] is None


def _cli(*args: str) -> tuple[int, str, str]:
    import contextlib
    import io

    from api.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(list(args))
    return status, out.getvalue(), err.getvalue()


def test_the_cli_gives_an_in_progress_file_no_grade_and_does_not_record_one(site: Site) -> None:
    import json

    case = _at_source(site)
    status, out, _ = _cli("audit", "--case", str(case["number"]), "--format", "json")
    assert status == 0 and json.loads(out)["grade"] is None
    status, out, _ = _cli("audit", "--case", str(case["number"]))
    assert status == 0 and "等级 办理中" in out
    supervisor = site.identities["supervisor"]
    before = site.app.state.services.ledger.store.count()
    status, _, err = _cli("--as", supervisor, "audit", "--case", str(case["number"]), "--record")
    assert status == 1 and "办理中" in err
    assert site.app.state.services.ledger.store.count() == before
    status, out, _ = _cli("audit", "--agency", SHORT, "--format", "html")
    assert status == 0 and "None" not in out
    status, out, _ = _cli("audit", "--case", str(case["number"]), "--format", "html")
    assert status == 0 and "办理中" in out and "None" not in out


def test_the_cli_counts_a_case_at_source_among_its_agencys_cases(site: Site, as_admin: TestClient) -> None:
    source = LedgerSource(Database(site.app.state.services.ledger.store))
    case = _at_source(site)
    short = str(case["agency"]).split("/", 1)[1]
    mine = [g.stream for g in source.groups(agency=short)]
    assert case["grp"] in mine
    listed = {r["grp"] for r in site.rows("SELECT grp FROM proj_cases WHERE agency = ?", (case["agency"],))}
    assert set(mine) == listed  # the CLI's agency and the pages' agency are one
    page = as_admin.get(f"/ui/supervision/sample?n=500&seed=1&agency={short}")
    shown = [f"case/{n}" for n in re.findall(r'href="/ui/cases/([^"#]+)#evaluation"', page.text)]
    assert shown == source.sample(500, 1, short) and case["grp"] in shown
