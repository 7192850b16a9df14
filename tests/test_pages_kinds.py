"""The pages of licences (行政许可) and complaints (投诉举报), over the demo site of ``tests/helpers/pages_site.py``
(its demo generates licence applications, a 撤销 proceeding and complaints beside the penalty cases).

Who reads what is the JSON routes' rule: a licence file its deciding agency, its supervisors and admins; the
complaint register the supervisors; a complaint file all of it for its bureau's supervisors, the agency view
for the agency complained of (never a 举报's complainant), 404 for anyone else whether it exists or not.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from tests.helpers.pages_site import Site, links, logged_in, officer_token, project, text_of

SPJ = "agency/JA-SPJ"
LICENCE = "JA-SPJ-XK-2026-0005"  # a grant whose applicant asked for a hearing that was never held (LIC-08, 不合格)
GRANT = "JA-SPJ-XK-2026-0006"  # a grant later revoked by the proceeding below
PROCEEDING = "JA-SPJ-CX-2026-0001"
REVOKED_NO = "岸审批娱字〔2026〕第0006号"
REPORT = "JA-SFJ-TS-2026-0004"  # a 举报 against JA-SHJ with a named complainant
REPORTER = "孔志明"
NEW_REPORT = "complaint/JA-SFJ-TS-2026-0901"
NEW_REPORTER = "测试举报人甲"


@pytest.fixture(scope="module")
def as_admin(site: Site) -> TestClient:
    return logged_in(site, "admin")


@pytest.fixture(scope="module")
def as_spj(site: Site) -> TestClient:
    return logged_in(site, officer_token(site, SPJ))


@pytest.fixture(scope="module")
def reported(site: Site) -> dict[str, str]:
    """A 举报 against JA-CGJ (the site's ``officer``'s agency) with a named complainant, received a month ago
    and not yet accepted: its CMP-02 acceptance deadline, as the read model counted it."""
    received = (date.today() - timedelta(days=30)).isoformat() + "T10:00:00+08:00"
    supervisor = site.identities["supervisor"]
    step = {"stream": NEW_REPORT, "type": "ComplaintReceived", "at": received, "by": supervisor,
            "data": {"received_at": received, "channel": "letter", "nature": "report",
                     "complainant": {"kind": "person", "name": NEW_REPORTER, "phone": "13900000001"},
                     "against": {"agency": "agency/JA-CGJ"}, "summary": "举报执法人员检查时未出示证件",
                     "requests": ["依法查处"],
                     "record": {"sha256": "a" * 64, "bytes": 100, "media_type": "application/pdf",
                                "name": "投诉举报登记表"}}}
    posted = site.client.post("/v1/steps?backfill=true", json=step,
                              headers={"Authorization": f"Bearer {site.tokens['admin']}"})
    assert posted.status_code == 201, posted.text
    project(site)
    due = site.rows("SELECT due_on FROM proj_complaint_deadlines WHERE grp = ? AND rule = 'CMP-02'", (NEW_REPORT,))
    assert due
    return {"due_on": str(due[0]["due_on"])}


# ---------------------------------------------------------------------------------------------- licences


def test_a_licence_file_is_read_by_its_agency_its_supervisors_and_admins_only(site: Site, as_admin: TestClient,
                                                                              as_spj: TestClient) -> None:
    supervisor = logged_in(site, "supervisor")
    for client in (as_admin, as_spj, supervisor):
        listed = client.get("/ui/licences")
        assert listed.status_code == 200 and f"/ui/licences/{LICENCE}" in listed.text
        assert client.get(f"/ui/licences/{LICENCE}").status_code == 200
        assert client.get(f"/ui/licences/register/{quote(REVOKED_NO)}").status_code == 200
    other = logged_in(site, "officer")  # JA-CGJ: not the deciding agency, not a supervisor
    assert "licence-link" not in other.get("/ui/licences").text
    assert other.get(f"/ui/licences/{LICENCE}").status_code == 403
    assert other.get("/ui/licences/JA-SPJ-XK-2026-9999").status_code == 403  # existing or not alike
    assert other.get(f"/ui/licences/register/{quote(REVOKED_NO)}").status_code == 404
    assert TestClient(site.app).get(f"/ui/licences/{LICENCE}", follow_redirects=False).status_code == 303


def test_the_licence_list_filters_by_grade_and_decision(as_admin: TestClient) -> None:
    failing = as_admin.get("/ui/licences", params={"grade": "不合格"}).text
    assert f"/ui/licences/{LICENCE}" in failing and f"/ui/licences/{GRANT}\"" not in failing
    denied = as_admin.get("/ui/licences", params={"decision": "LicenceDenied"}).text
    assert denied.count('class="licence-link"') == 1 and "不予行政许可" in text_of(denied)
    found = as_admin.get("/ui/licences", params={"q": "润丰"}).text
    assert found.count('class="licence-link"') == 1


def test_the_licence_page_shows_its_catalogue_deadlines_and_evaluation(as_spj: TestClient) -> None:
    page = as_spj.get(f"/ui/licences/{LICENCE}", params={"as_of": "2026-06-26"}).text
    text = text_of(page)
    assert "卷内目录" in text and "行政许可申请书、申请材料及接收凭证" in text and "准予行政许可决定书" in text
    assert "岸审批许字〔2026〕第0005号" in text and "武汉润丰建设工程有限公司" in text
    hearing = re.search(r'<tr class="state-(\w+)">\s*<td>组织听证.*?</tr>', page, re.S)
    assert hearing is not None and hearing.group(1) == "due_soon" and "黄色预警" in hearing.group(0)
    late = as_spj.get(f"/ui/licences/{LICENCE}", params={"as_of": "2026-07-01"}).text
    hearing = re.search(r'<tr class="state-(\w+)">\s*<td>组织听证.*?</tr>', late, re.S)
    assert hearing is not None and hearing.group(1) == "missed" and "已逾期" in hearing.group(0)
    assert "红色预警" in hearing.group(0)
    finding = re.search(r'<tr id="finding-LIC-08".*?</tr>', page, re.S)
    assert finding is not None
    assert "否决" in finding.group(0) and "第四十六条" in finding.group(0) and "未组织听证" in finding.group(0)
    assert "许可决定公开" in text and "处罚决定公开" not in text  # the step's label on a licence stream


def test_the_register_follows_a_licence_from_grant_to_revocation(as_spj: TestClient) -> None:
    path = f"/ui/licences/register/{quote(REVOKED_NO)}"
    revoked = text_of(as_spj.get(path).text)
    assert "准予行政许可" in revoked and "撤销行政许可" in revoked and "撤销（已终止）" in revoked
    assert GRANT in revoked and PROCEEDING in revoked
    before = text_of(as_spj.get(path, params={"as_of": "2026-10-01"}).text)
    assert "有效" in before and "已终止" not in before
    proceeding = text_of(as_spj.get(f"/ui/licences/{PROCEEDING}").text)
    assert "依职权撤销" in proceeding and REVOKED_NO in proceeding


# ---------------------------------------------------------------------------------------------- complaints


def test_the_complaint_register_is_the_supervisors(site: Site, reported: dict[str, str]) -> None:
    supervisor = logged_in(site, "supervisor")
    assert supervisor.get("/ui/complaints").status_code == 200
    assert logged_in(site, "officer").get("/ui/complaints").status_code == 403
    assert "/ui/complaints" not in logged_in(site, "officer").get("/ui/cases").text  # not in its navigation
    due = date.fromisoformat(reported["due_on"])
    soon = supervisor.get("/ui/complaints", params={"as_of": due.isoformat()}).text
    row = re.search(r'<tr class="state-due_soon">.*?</tr>', soon, re.S)
    assert row is not None and "TS-2026-0901" in row.group(0) and "黄色预警" in row.group(0)
    late = supervisor.get("/ui/complaints", params={"as_of": (due + timedelta(days=1)).isoformat()}).text
    row = re.search(r'<tr class="state-missed">.*?</tr>', late, re.S)
    assert row is not None and "TS-2026-0901" in row.group(0) and "红色预警" in row.group(0)
    assert NEW_REPORTER not in late and REPORTER not in late  # the register names no complainant


def test_the_complainant_is_on_the_supervisors_page_only(site: Site, reported: dict[str, str]) -> None:
    supervisor = logged_in(site, "supervisor")
    for number, name in ((REPORT, REPORTER), (NEW_REPORT.split("/", 1)[1], NEW_REPORTER)):
        full = supervisor.get(f"/ui/complaints/{number}")
        assert full.status_code == 200 and name in full.text
    shj = logged_in(site, officer_token(site, "agency/JA-SHJ"))
    view = shj.get(f"/ui/complaints/{REPORT}")
    assert view.status_code == 200 and "被投诉机关所见" in view.text and REPORTER not in view.text
    assert not links(view.text, "/ui/events/complaint/") and not links(view.text, "/ui/streams/complaint/")
    cgj = logged_in(site, "officer")
    view = cgj.get(f"/ui/complaints/{NEW_REPORT.split('/', 1)[1]}")
    assert view.status_code == 200 and NEW_REPORTER not in view.text and "13900000001" not in view.text
    unknown = cgj.get(f"/ui/complaints/{REPORT}")  # against JA-SHJ: not the CGJ officer's
    absent = cgj.get("/ui/complaints/JA-SFJ-TS-2026-9999")
    assert unknown.status_code == absent.status_code == 404
    assert text_of(unknown.text).replace(REPORT, "N") == text_of(absent.text).replace("JA-SFJ-TS-2026-9999", "N")
    assert logged_in(site, "other").get(f"/ui/complaints/{REPORT}").status_code == 404
    assert cgj.get(f"/ui/streams/{NEW_REPORT}").status_code == 403


# ---------------------------------------------------------------------------------------------- public


def test_the_public_list_shows_licensing_decisions_beside_penalties(site: Site) -> None:
    public = TestClient(site.app)
    listed = public.get("/public/").text
    assert 'class="licence-link"' in listed and 'class="decision-link"' in listed and "行政许可" in listed
    assert f"/public/licences/{GRANT}" not in listed  # revoked: its grant is off the list (PUB-07)
    assert f"/public/licences/{LICENCE}" in listed or "润丰" not in listed
    only = public.get("/public/", params={"kind": "licence"}).text
    assert 'class="decision-link"' not in only and 'class="licence-link"' in only
    withdrawals = text_of(public.get("/public/withdrawals").text)
    assert REVOKED_NO in withdrawals and "已撤销，原准予许可公示撤下（PUB-07）" in withdrawals
    page = public.get(f"/public/licences/{GRANT}")
    assert page.status_code == 200 and "该许可已于 2026-10-27 被撤销" in text_of(page.text)
    assert public.get("/public/licences/JA-SPJ-XK-2026-9999").status_code == 404


def test_no_public_page_names_a_complainant(site: Site, reported: dict[str, str]) -> None:
    public = TestClient(site.app)
    names = [r["name"] for r in site.rows("SELECT name FROM proj_complainants WHERE name IS NOT NULL")]
    phones = [r["phone"] for r in site.rows("SELECT phone FROM proj_complainants WHERE phone IS NOT NULL")]
    assert NEW_REPORTER in names and len(names) >= 3
    pages = ["/public/", "/public/?kind=licence", "/public/withdrawals", "/public/registry", "/public/statistics",
             f"/public/licences/{GRANT}", f"/public/licences/{PROCEEDING}", f"/public/licences/{LICENCE}"]
    for path in pages:
        body = public.get(path).text
        for value in (*names, *phones):
            assert value not in body, (path, value)


def test_the_feed_links_a_licence_entry_to_its_public_page(site: Site) -> None:
    public = TestClient(site.app)
    items = public.get("/v1/public/feed.json", params={"limit": 200}).json()["items"]
    licence = [i["url"] for i in items if "/licences/" in i["url"]]
    assert licence and all("/public/licences/" in u and "/v1/" not in u for u in licence)
    for url in licence[:3]:
        assert public.get(url.split("testserver", 1)[-1]).status_code == 200


def test_every_link_of_the_new_pages_leads_somewhere(site: Site, as_admin: TestClient,
                                                    reported: dict[str, str]) -> None:
    start = ["/ui/licences", f"/ui/licences/{LICENCE}", f"/ui/licences/{PROCEEDING}",
             f"/ui/licences/register/{quote(REVOKED_NO)}", "/ui/complaints", f"/ui/complaints/{REPORT}",
             f"/ui/complaints/{NEW_REPORT.split('/', 1)[1]}", "/public/?kind=licence", f"/public/licences/{GRANT}",
             "/public/withdrawals", f"/ui/events/licence/{LICENCE}/8", f"/ui/streams/licence/{LICENCE}"]
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
    assert any(t.startswith("/ui/events/licence/") for t in seen) and any("/public/licences/" in t for t in seen)
