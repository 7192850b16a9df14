"""The pages through the real app (TestClient) over a small demo: login and the cookie, who reads
what (the API's read policy), the case list's filters, the case file, a finding's events with
their signature and inclusion proof, the stored document, the export, the supervision pages,
the sample (the CLI's draw), and the public pages (no login, no personal data)."""

from __future__ import annotations

import base64
import hashlib
import html
import io
import json
import re
import zipfile
from collections.abc import Iterator
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from fastapi.testclient import TestClient

from api.wiring import SHANGHAI
from audit.store import LedgerSource
from domain.personal_data import find_personal_data
from ledger import merkle, notes
from ledger.envelope import leaf_commitment
from ledger.stored import decode
from ledger.translog import decode_hash
from projections import queries
from projections.sql import Database
from tests.helpers.pages_site import Site, links, logged_in, number, text_of


@pytest.fixture
def as_admin(site: Site) -> Iterator[TestClient]:
    yield from _client(site, "admin")


@pytest.fixture
def as_officer(site: Site) -> Iterator[TestClient]:
    yield from _client(site, "officer")


def _client(site: Site, who: str) -> Iterator[TestClient]:
    client = logged_in(site, who)
    yield client
    client.close()


# --------------------------------------------------------------------------- login


def test_landing_and_public_pages_need_no_login(site: Site) -> None:
    client = TestClient(site.app)
    for path in ("/", "/public/", "/public/withdrawals", "/public/registry", "/public/statistics", "/public/log",
                 "/ui/login", "/ui/static/pages.css", "/ui/static/pages.js"):
        response = client.get(path)
        assert response.status_code == 200, path
    assert "工作人员登录" in client.get("/public/").text


@pytest.mark.parametrize("path", ["/ui/cases", "/ui/cases/JA-CGJ-2026-0001", "/ui/supervision",
                                  "/ui/supervision/sample?n=3", "/ui/supervision/warnings",
                                  "/ui/events/case/JA-CGJ-2026-0001/1", "/ui/streams/case/JA-CGJ-2026-0001",
                                  "/ui/cases/JA-CGJ-2026-0001/export.zip", "/ui/documents/" + "0" * 64])
def test_internal_pages_send_a_visitor_without_a_login_to_the_login_form(site: Site, path: str) -> None:
    client = TestClient(site.app)
    response = client.get(path, follow_redirects=False)
    assert response.status_code == 303
    target = urlparse(response.headers["location"])
    assert target.path == "/ui/login"
    assert parse_qs(target.query)["next"] == [path]
    client.cookies.set("elt_session", "elt_00000000_" + "A" * 43)  # an unknown token is no login either
    assert client.get(path, follow_redirects=False).status_code == 303


def test_login_keeps_the_token_in_an_httponly_cookie_and_logout_forgets_it(site: Site) -> None:
    client = TestClient(site.app)
    refused = client.post("/ui/login", data={"token": "elt_12345678_" + "x" * 43, "next": "/ui/cases"})
    assert refused.status_code == 401
    assert "令牌无效" in refused.text
    assert "elt_session" not in client.cookies
    assert client.post("/ui/login", data={"token": ""}).status_code == 400
    response = client.post("/ui/login", data={"token": site.tokens["officer"], "next": "/ui/supervision"},
                           follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/ui/supervision"
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/" in cookie
    page = client.get("/ui/cases")
    assert page.status_code == 200
    assert site.identities["officer"] in page.text
    client.post("/ui/logout")
    assert client.get("/ui/cases", follow_redirects=False).status_code == 303


def test_login_only_returns_to_a_path_of_this_site(site: Site) -> None:
    client = TestClient(site.app)
    for target in ("//evil.example/x", "https://evil.example/", "javascript:alert(1)", "/\\evil"):
        response = client.post("/ui/login", data={"token": site.tokens["admin"], "next": target},
                               follow_redirects=False)
        assert response.headers["location"] == "/ui/cases", target


def test_a_revoked_token_no_longer_opens_pages(site: Site) -> None:
    store = site.app.state.services.tokens
    record, token = store.create(site.identities["officer"], name="to revoke")
    client = TestClient(site.app)
    client.post("/ui/login", data={"token": token})
    assert client.get("/ui/cases", follow_redirects=False).status_code == 200
    store.revoke(record.id)
    assert client.get("/ui/cases", follow_redirects=False).status_code == 303


# --------------------------------------------------------------------------- cases


def _listed(page: str) -> list[str]:
    return [h.split("?")[0].rsplit("/", 1)[1] for h in re.findall(r'class="case-link" href="([^"]+)"', page)]


def _all_listed(client: TestClient, path: str) -> list[str]:
    found: list[str] = []
    for n in range(1, 50):
        page = client.get(path + ("&" if "?" in path else "?") + f"page={n}")
        assert page.status_code == 200
        found += _listed(page.text)
        if 'rel="next"' not in page.text:
            return found
    raise AssertionError("too many pages")


def test_the_case_list_filters_by_agency_status_grade_colour_and_text(site: Site, as_admin: TestClient) -> None:
    every = {r["grp"] for r in site.rows("SELECT grp FROM proj_cases")}
    assert {f"case/{n}" for n in _all_listed(as_admin, "/ui/cases")} == every
    by_agency = _all_listed(as_admin, "/ui/cases?agency=agency/JA-SCJ")
    assert by_agency and all(n.startswith("JA-SCJ-") for n in by_agency)
    archived = {r["grp"] for r in site.rows("SELECT grp FROM proj_cases WHERE status = 'archived'")}
    assert {f"case/{n}" for n in _all_listed(as_admin, "/ui/cases?status=archived")} == archived
    failing = {r["grp"] for r in site.rows(
        "SELECT grp FROM audit_evaluations WHERE grade = '不合格' AND grp LIKE 'case/%'")}
    assert {f"case/{n}" for n in _all_listed(as_admin, "/ui/cases?grade=不合格")} == failing
    db = Database(site.app.state.services.ledger.store)
    reds = {w.case for w in queries.warnings(db, datetime.now(SHANGHAI).date(), calendar=queries.calendar_of(db.store))
            if w.colour == "red" and w.case.startswith("case/")}
    assert {f"case/{n}" for n in _all_listed(as_admin, "/ui/cases?colour=red")} == reds & every
    assert _listed(as_admin.get(f"/ui/cases?q={number(site.failing)}").text) == [number(site.failing)]
    assert _listed(as_admin.get("/ui/cases?q=%25").text) == []  # LIKE wildcards are text
    assert "没有符合条件的案件" in as_admin.get("/ui/cases?q=NO-SUCH-CASE").text


def test_the_case_list_pages_through_every_case_once(site: Site, as_admin: TestClient) -> None:
    listed = _all_listed(as_admin, "/ui/cases")
    assert len(listed) == len(set(listed))
    first = as_admin.get("/ui/cases")
    assert f"共 {len(listed)} 条" in first.text or "第 1 / " in first.text


def test_an_officer_reads_only_the_cases_of_their_agency(site: Site, as_officer: TestClient) -> None:
    listed = _all_listed(as_officer, "/ui/cases")
    assert listed and all(n.startswith("JA-CGJ-") for n in listed)
    other = site.rows("SELECT grp FROM proj_cases WHERE agency = 'agency/JA-SCJ' ORDER BY grp")[0]["grp"]
    assert as_officer.get(f"/ui/cases/{number(other)}").status_code == 403
    assert as_officer.get(f"/ui/events/{other}/1").status_code == 403
    assert as_officer.get(f"/ui/streams/{other}").status_code == 403
    assert as_officer.get(f"/ui/cases/{number(other)}/export.zip").status_code == 403
    assert as_officer.get(f"/ui/cases/{number(site.failing)}").status_code == 200
    assert as_officer.get("/ui/cases/JA-CGJ-1999-9999").status_code == 403  # absent or not theirs: alike
    assert as_officer.get("/ui/cases/not a case").status_code == 404
    sample = as_officer.get("/ui/supervision/sample?n=5&seed=1&agency=agency/JA-SCJ")
    assert sample.status_code == 403


def test_a_supervisor_reads_the_agencies_they_supervise(site: Site) -> None:
    client = logged_in(site, "supervisor")
    supervised = {r["stream"] for r in site.rows("SELECT stream FROM pub_agencies WHERE supervised_by = "
                                                 "'agency/JA-SFJ'")}
    listed = {f"agency/{n.rsplit('-', 2)[0]}" for n in _all_listed(client, "/ui/cases")}
    assert listed and listed <= supervised
    other = site.rows("SELECT grp FROM proj_cases WHERE agency = 'agency/JA-SCJ' ORDER BY grp")[0]["grp"]
    assert client.get(f"/ui/cases/{number(other)}").status_code == 200


# --------------------------------------------------------------------------- the case file


def _findings(site: Site, case: str) -> list[dict[str, Any]]:
    row = site.rows("SELECT findings FROM audit_evaluations WHERE grp = ?", (case,))[0]
    found: list[dict[str, Any]] = json.loads(row["findings"])
    return found


def test_the_case_file_shows_catalogue_records_timeline_deadlines_and_findings(site: Site,
                                                                                as_admin: TestClient) -> None:
    page = as_admin.get(f"/ui/cases/{number(site.failing)}")
    assert page.status_code == 200
    text = text_of(page.text)
    for heading in ("卷内目录", "文书与记录", "时间线", "期限", "案卷评查", "导出案卷"):
        assert heading in text
    catalogue = site.rows("SELECT COALESCE(title, '') AS title FROM proj_case_catalogue WHERE grp = ?",
                          (site.failing,))  # NULL: the item's own title
    assert catalogue and all(c["title"] in text for c in catalogue)
    events = site.rows("SELECT COUNT(*) AS n FROM stored_events WHERE originator_id = ?", (site.failing,))[0]["n"]
    assert len(re.findall(r'<tr id="ev-case-', page.text)) == events
    findings = _findings(site, site.failing)
    assert findings
    for f in findings:
        assert f'id="finding-{f["rule"]}"' in page.text
        assert f["basis"] in text
        for e in f["events"]:
            assert f'href="/ui/events/{e["stream"]}/{e["version"]}"' in page.text
    assert 'href="/ui/cases/' + number(site.failing) + '/export.zip"' in page.text
    windows = site.rows("SELECT title FROM proj_deadlines WHERE grp = ? AND holder = 'party'", (site.failing,))
    assert windows and all(w["title"] in text for w in windows)
    assert "当事人享有的期间" in text


def test_a_finding_leads_to_its_event_with_signature_proof_and_evidence(site: Site, as_admin: TestClient) -> None:
    finding = next(f for f in _findings(site, site.failing) if f["events"])
    target = finding["events"][0]
    page = as_admin.get(f"/ui/events/{target['stream']}/{target['version']}")
    assert page.status_code == 200
    assert finding["rule"] in page.text and "涉及本事件的评查发现" in page.text
    assert "签名有效" in page.text
    block = re.search(r'<script type="application/json" id="proof-data">(.*?)</script>', page.text, re.S)
    assert block is not None
    data = json.loads(html.unescape(block.group(1)))
    stored = base64.b64decode(data["sealed"])
    proof = data["proof"]
    leaf = merkle.leaf_hash(leaf_commitment(stored))
    assert base64.b64encode(leaf).decode() == proof["leaf_hash"]
    merkle.verify_inclusion(leaf, proof["position"], proof["tree_size"],
                            [decode_hash(h) for h in proof["proof"]], decode_hash(proof["root"]))
    verifier = notes.parse_vkey(proof["vkey"])
    checkpoint, _ = notes.open_checkpoint(proof["checkpoint"].encode(), [verifier])
    assert checkpoint.size == proof["tree_size"] and checkpoint.root_hash == decode_hash(proof["root"])
    assert json.loads(stored)["event"]["stream"] == target["stream"]


def test_an_uploaded_document_opens_from_the_case_file(site: Site, as_admin: TestClient,
                                                        as_officer: TestClient) -> None:
    page = as_admin.get(f"/ui/cases/{number(site.document_case)}")
    assert f'href="/ui/documents/{site.document}"' in page.text
    document = as_officer.get(f"/ui/documents/{site.document}")
    assert document.status_code == 200
    assert hashlib.sha256(document.content).hexdigest() == site.document
    assert document.headers["x-content-type-options"] == "nosniff"
    other = logged_in(site, "other")
    assert other.get(f"/ui/documents/{site.document}").status_code == 403
    assert as_admin.get("/ui/documents/" + "f" * 64).status_code == 404
    assert other.get("/ui/documents/" + "f" * 64).status_code == 403  # as for one that exists: no oracle
    assert as_admin.get("/ui/documents/not-a-hash").status_code == 404


def test_the_export_holds_every_event_with_a_receipt_and_the_evaluation(site: Site, as_admin: TestClient) -> None:
    response = as_admin.get(f"/ui/cases/{number(site.failing)}/export.zip")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    manifest = json.loads(archive.read("manifest.json"))
    events = site.rows("SELECT COUNT(*) AS n FROM stored_events WHERE originator_id = ?", (site.failing,))[0]["n"]
    assert len([e for e in manifest["events"] if e["stream"] == site.failing]) == events
    verifier = notes.parse_vkey(archive.read("log.vkey").decode().strip())
    for entry in manifest["events"]:
        assert entry["receipt"] is not None
        notes.verify_tlog_proof(archive.read(entry["receipt"]), leaf_commitment(archive.read(entry["event"])),
                                [verifier], is_data=True)
    evaluation = json.loads(archive.read("evaluation.json"))
    assert evaluation["case"] == site.failing and evaluation["grade"] == "不合格"
    assert "如何离线核验" in archive.read("README.md").decode()
    report = as_admin.get(f"/ui/cases/{number(site.failing)}/evaluation.html")
    assert report.status_code == 200 and "行政执法案卷评查报告" in report.text


def test_a_stream_page_lists_events_with_links_to_their_proofs(site: Site, as_admin: TestClient) -> None:
    page = as_admin.get(f"/ui/streams/{site.failing}")
    assert page.status_code == 200
    count = site.rows("SELECT COUNT(*) AS n FROM stored_events WHERE originator_id = ?", (site.failing,))[0]["n"]
    assert len(links(page.text, f"/ui/events/{site.failing}/")) == count
    assert as_admin.get(f"/ui/events/{site.failing}/{count + 1}").status_code == 404
    assert as_admin.get("/ui/events/nosuch/x/1").status_code == 404


# --------------------------------------------------------------------------- supervision


def test_the_supervision_dashboard_shows_warnings_figures_and_grades(site: Site, as_admin: TestClient) -> None:
    page = as_admin.get("/ui/supervision?year=0")
    assert page.status_code == 200
    text = text_of(page.text)
    for heading in ("预警", "各机关执法情况", "纠错率", "负责人出庭率", "公开及时率", "案卷评查等级", "责令整改与跟踪"):
        assert heading in text
    agencies = site.rows("SELECT DISTINCT agency FROM proj_cases WHERE agency IS NOT NULL")
    names = {r["stream"]: r["name"] for r in site.rows("SELECT stream, name FROM pub_agencies")}
    for a in agencies:
        assert names[a["agency"]] in text
    assert "<svg" in page.text and "<script" not in page.text.split("</head>", 1)[1]
    warnings = as_admin.get("/ui/supervision/warnings")
    assert warnings.status_code == 200


def test_the_sample_is_the_draw_of_the_cli(site: Site, as_admin: TestClient) -> None:
    source = LedgerSource(Database(site.app.state.services.ledger.store))
    for agency in ("", "agency/JA-CGJ"):
        page = as_admin.get(f"/ui/supervision/sample?n=7&seed=3&agency={agency}")
        assert page.status_code == 200
        shown = [f"case/{n}" for n in re.findall(r'href="/ui/cases/([^"#]+)#evaluation"', page.text)]
        assert shown == source.sample(7, 3, agency or None)
        assert "enforcement-ledger audit --sample 7 --seed 3" in page.text


# --------------------------------------------------------------------------- public


def _public_pages(client: TestClient) -> dict[str, str]:
    pages: dict[str, str] = {}
    queue = ["/public/", "/public/withdrawals", "/public/registry", "/public/statistics", "/public/log"]
    while queue:
        path = queue.pop()
        if path in pages:
            continue
        response = client.get(path)
        assert response.status_code == 200, path
        pages[path] = response.text
        queue += [h.split("#")[0] for h in links(response.text, "/public/") if h.split("#")[0] not in pages]
    return pages


def _parties(events: list[dict[str, Any]]) -> list[tuple[dict[str, Any], bool]]:
    found: list[tuple[dict[str, Any], bool]] = []
    for env in events:
        data = env.get("data") or {}
        kind = env.get("type")
        if kind == "CaseRegistered" and isinstance(data.get("party"), dict):
            found.append((data["party"], data["party"].get("kind") == "organisation"))
        elif kind == "InquiryRecorded" and isinstance(data.get("interviewee"), dict):
            found.append((data["interviewee"], False))
        elif kind == "ReconsiderationApplied" and isinstance(data.get("applicant"), dict):
            found.append((data["applicant"], False))
    return found


def test_public_pages_show_decisions_with_proofs_and_no_personal_data(site: Site) -> None:
    client = TestClient(site.app)
    pages = _public_pages(client)
    decisions = [p for p in pages if p.startswith("/public/decisions/")]
    shown = queries.public_decisions(Database(site.app.state.services.ledger.store), datetime.now(SHANGHAI).date())
    assert len(decisions) == len(shown) > 0
    for path in decisions:
        assert "透明日志包含证明" in pages[path] and 'id="proof-data"' in pages[path]
        assert "暂无包含证明" not in pages[path]
    events = [dict(decode(r["state"])) for r in site.rows("SELECT state FROM stored_events")]
    public = {r["name"] for r in site.rows("SELECT name FROM pub_officers")}
    public |= {r["name"] for r in site.rows("SELECT name FROM pub_agencies")}
    forbidden: dict[str, str] = {}
    for party, penalised in _parties(events):
        if penalised:
            public |= {v for v in (party.get("name"), party.get("credit_code")) if v}
    for party, _ in _parties(events):
        fields = ["id_number", "phone", "address", "birth_date", "legal_representative"]
        if party.get("kind") == "person":
            fields.append("name")
        for name in fields:
            value = party.get(name)
            if isinstance(value, str) and len(value) >= 2 and value not in public:
                forbidden[value] = name
    assert forbidden
    protected = sorted(public, key=len, reverse=True)
    leaks = []
    for path, page in pages.items():
        text = text_of(page)
        assert [f.text for f in find_personal_data(text) if f.kind in ("id_number", "phone", "bank_card")] == [], path
        for keep in protected:
            text = text.replace(keep, "\0")
        leaks += [(path, field, value) for value, field in forbidden.items() if value in text]
    assert leaks == []


def test_a_withdrawn_or_unknown_publication_is_not_shown(site: Site) -> None:
    client = TestClient(site.app)
    assert client.get("/public/decisions/JA-CGJ-1999-0001/3").status_code == 404
    row = site.rows("SELECT grp, version, max_until FROM pub_decisions ORDER BY grp")[0]
    later = row["max_until"]
    response = client.get(f"/public/decisions/{number(row['grp'])}/{row['version']}?as_of={later}")
    assert response.status_code == 410


# --------------------------------------------------------------------------- the pages as pages


def test_pages_send_a_strict_content_security_policy(site: Site, as_admin: TestClient) -> None:
    for path in ("/ui/cases", f"/ui/cases/{number(site.failing)}", "/public/"):
        response = as_admin.get(path)
        policy = response.headers["content-security-policy"]
        assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
        assert response.headers["cache-control"] == "no-store"
        assert "<script>" not in response.text  # no inline script: only JSON data blocks and pages.js
        assert re.search(r"\son[a-z]+=", response.text) is None  # no inline handlers
        assert ' style="' not in response.text  # no inline styles (CSP style-src 'self')


def test_static_files_are_only_the_packaged_ones(site: Site) -> None:
    client = TestClient(site.app)
    for name in ("../web.py", "..%2Fweb.py", ".hidden.css", "nosuch.css", "pages.py"):
        assert client.get(f"/ui/static/{name}").status_code == 404


def test_as_of_is_kept_in_links_and_changes_the_deadline_states(site: Site, as_admin: TestClient) -> None:
    page = as_admin.get("/ui/cases?as_of=2030-01-01")
    assert page.status_code == 200
    assert "as_of=2030-01-01" in page.text
    early = as_admin.get(f"/ui/cases/{number(site.failing)}?as_of=2000-01-01")
    assert early.status_code == 200
    assert as_admin.get("/ui/cases?as_of=not-a-date").status_code == 200


def test_pages_are_listed_in_no_openapi_schema(site: Site) -> None:
    schema = site.app.openapi()
    assert not any(p.startswith(("/ui", "/public")) or p == "/" for p in schema["paths"])



def test_every_link_of_the_pages_leads_somewhere(site: Site, as_admin: TestClient) -> None:
    """Crawl from the case list, a case file, an event, supervision and the public pages: no dead link."""
    case = number(site.failing)
    start = ["/", "/ui/cases", f"/ui/cases/{case}", f"/ui/events/{site.failing}/1", f"/ui/streams/{site.failing}",
             "/ui/supervision", "/ui/supervision/warnings", "/ui/supervision/sample?n=5", "/public/",
             f"/ui/cases/{number(site.document_case)}"]
    seen: dict[str, int] = {}
    for path in start:
        page = as_admin.get(path)
        assert page.status_code == 200, path
        for href in links(page.text, "/"):
            target = href.split("#")[0]
            if target and target not in seen and not target.startswith("/ui/logout"):
                seen[target] = as_admin.get(target).status_code
    dead = {h: s for h, s in seen.items() if s >= 400}
    assert dead == {}
    assert len(seen) > 40


def test_a_rectification_order_is_followed_until_reported(site: Site, as_admin: TestClient) -> None:
    supervisor = site.identities["supervisor"]
    bearer = {"Authorization": f"Bearer {site.tokens['supervisor']}"}
    order = {"stream": "supervision/ZG-PAGES-1", "type": "RectificationOrdered", "at": "2026-03-02T10:00:00+08:00",
             "by": supervisor, "data": {"agency": "agency/JA-CGJ", "case": site.failing,
                                        "findings": ["PEN-10"], "due_at": "2026-03-16T17:00:00+08:00"}}
    posted = as_admin.post("/v1/steps", json=order, headers=bearer)
    assert posted.status_code == 201, posted.text
    _project(site)
    page = as_admin.get("/ui/supervision?as_of=2026-03-05")
    row = re.search(r'<tr class="state-(\w+)"><td><a href="[^"]*supervision/ZG-PAGES-1[^"]*">.*?</tr>', page.text, re.S)
    assert row is not None and row.group(1) == "pending" and "整改中" in row.group(0)
    assert number(site.failing) in row.group(0) and "PEN-10" in row.group(0)
    late = as_admin.get("/ui/supervision?as_of=2026-03-20").text
    assert re.search(r'<tr class="state-missed"><td><a href="[^"]*supervision/ZG-PAGES-1', late)
    report = {"stream": "supervision/ZG-PAGES-1", "type": "RectificationReported", "at": "2026-03-13T16:00:00+08:00",
              "by": supervisor, "data": {"reported_at": "2026-03-13T15:00:00+08:00", "actions": ["补正告知"]}}
    assert as_admin.post("/v1/steps", json=report, headers=bearer).status_code == 201
    _project(site)
    done = as_admin.get("/ui/supervision?as_of=2026-03-20").text
    row = re.search(r'<tr class="state-(\w+)"><td><a href="[^"]*supervision/ZG-PAGES-1[^"]*">.*?</tr>', done, re.S)
    assert row is not None and row.group(1) == "met" and "2026-03-13" in row.group(0)
    officer = logged_in(site, "other")  # an officer of another agency does not see it
    assert "ZG-PAGES-1" not in officer.get("/ui/supervision").text
    assert officer.get("/ui/streams/supervision/ZG-PAGES-1").status_code == 403


def _project(site: Site) -> None:
    from projections.runner import Runner

    runner = Runner(site.app.state.services.ledger.store)
    try:
        runner.run_once()
    finally:
        runner.close()


def test_a_supervisor_orders_rectification_and_records_the_report_from_the_pages(site: Site) -> None:
    supervisor = logged_in(site, "supervisor")
    origin = {"Origin": "http://testserver"}
    dashboard = supervisor.get("/ui/supervision")
    assert "下达整改通知" in dashboard.text
    due = datetime.now(SHANGHAI).date().replace(year=datetime.now(SHANGHAI).year + 1).isoformat()
    form = {"agency": "agency/JA-CGJ", "case": number(site.failing), "findings": "PEN-10，PEN-39", "due": due}
    assert supervisor.post("/ui/supervision/rectifications", data=form).status_code == 403  # no Origin
    assert supervisor.post("/ui/supervision/rectifications", data=form,
                           headers={"Origin": "http://evil.example"}).status_code == 403
    refused = supervisor.post("/ui/supervision/rectifications", data={**form, "findings": "not a rule"},
                              headers=origin)
    assert refused.status_code == 422 and "规则编号" in refused.text
    past = supervisor.post("/ui/supervision/rectifications", data={**form, "due": "2000-01-01"}, headers=origin)
    assert past.status_code == 422
    done = supervisor.post("/ui/supervision/rectifications", data=form, headers=origin, follow_redirects=False)
    assert done.status_code == 303, done.text
    stream = urlparse(done.headers["location"]).path.removeprefix("/ui/streams/")
    assert stream.startswith("supervision/ZG-")
    events = site.app.state.services.ledger.read(stream)
    assert [e.type for e in events] == ["RectificationOrdered"]
    assert events[0].by == site.identities["supervisor"]
    assert events[0].data["findings"] == ["PEN-10", "PEN-39"] and events[0].data["case"] == site.failing
    page = supervisor.get(done.headers["location"])
    assert "已签名并记入账本" in page.text and "记录整改报告" in page.text
    report = {"reported_on": datetime.now(SHANGHAI).date().isoformat(), "actions": "补正告知\r\n建立台账"}
    assert supervisor.post(f"/ui/streams/{stream}/report", data={**report, "actions": ""},
                           headers=origin).status_code == 422
    reported = supervisor.post(f"/ui/streams/{stream}/report", data=report, headers=origin, follow_redirects=False)
    assert reported.status_code == 303, reported.text
    events = site.app.state.services.ledger.read(stream)
    assert events[-1].type == "RectificationReported" and events[-1].data["actions"] == ["补正告知", "建立台账"]
    _project(site)
    row = re.search(rf'<tr class="state-(\w+)"><td><a href="[^"]*{stream}[^"]*">.*?</tr>',
                    supervisor.get("/ui/supervision").text, re.S)
    assert row is not None and row.group(1) == "met"
    officer = logged_in(site, "officer")  # not a supervisor: no form, and the route refuses
    assert "下达整改通知" not in officer.get("/ui/supervision").text
    assert officer.post("/ui/supervision/rectifications", data=form, headers=origin).status_code == 403
    assert officer.post(f"/ui/streams/{stream}/report", data=report, headers=origin).status_code == 403
