"""The pages in a real browser: headless Chromium (Debian's ``chromium``) driven by Playwright.

A demo of ``LEDGER_BROWSER_DEMO_CASES`` cases (default 2000, as ``make run``) is served by
uvicorn on a free port of 127.0.0.1, and a reviewer's day is walked through: log in, find a
case, open its file, open a finding and reach its evidence (the event, its record, a stored
document), check an inclusion proof in the browser, open the supervision dashboard and the
sample, read the public pages and check a public decision's proof. No page may log a console
error or fail a request, and no request may take a second or more. Screenshots go to
``test-artifacts/browser/``.

Nothing is downloaded: Playwright drives the Chromium at ``LEDGER_CHROMIUM`` (default
``/usr/bin/chromium``). Without it the tests skip, saying why — unless ``REQUIRE_BROWSER=1``
(``.ci/run`` sets it after installing the package), when they fail.
"""

from __future__ import annotations

import re
import statistics
import time
from typing import Any

import pytest

from tests.helpers.browser import (  # noqa: F401 - fixtures
    ARTIFACTS,
    Served,
    Watch,
    browser_fixture,
    browser_ready_fixture,
    check_proof,
    served_fixture,
    shot,
)
from tests.helpers.pages_site import number

pytestmark = pytest.mark.slow

BUDGET_MS = 1000.0


def test_a_reviewer_and_a_supervisor_walk_through_the_pages(served: Served, browser: tuple[Any, Watch]) -> None:
    page, watch = browser
    site, base = served.site, served.base

    # log in
    page.goto(base + "/")
    page.click("a[href='/ui/login']")
    page.fill("#token", site.tokens["admin"])
    shot(page, "01-login")
    page.click("form.login button[type=submit]")
    page.wait_for_url(base + "/ui/cases")
    assert page.locator("a.case-link").count() > 0
    shot(page, "02-cases")

    # find a case: search by its number, then open its file
    page.fill("input[name=q]", number(site.failing))
    page.click("form.filters button[type=submit]")
    page.wait_for_url(re.compile(r".*/ui/cases\?.*q="))
    assert page.locator("a.case-link").count() == 1
    page.click("a.case-link")
    page.wait_for_url(base + f"/ui/cases/{number(site.failing)}")
    assert page.locator("#catalogue tbody tr").count() > 0
    assert page.locator("#timeline tbody tr").count() > 0
    shot(page, "03-case-file")

    # open a finding and reach its evidence: the event it concerns, with signature and proof
    finding = page.locator("table.findings tbody tr").first
    rule = finding.get_attribute("id")
    assert rule is not None and rule.startswith("finding-")
    finding.locator("a[href^='/ui/events/']").first.click()
    page.wait_for_url(re.compile(r".*/ui/events/.+/\d+$"))
    assert page.locator(".findings-here li").count() >= 1
    assert rule.removeprefix("finding-") in page.inner_text(".findings-here")
    assert "签名有效" in page.inner_text("#signature-status")
    result = check_proof(page)
    assert "核验通过" in result and "检查点签名有效" in result
    shot(page, "04-event-proof")

    # a record of the file and its stored document
    page.goto(base + f"/ui/cases/{number(site.document_case)}#records")
    with page.expect_navigation():
        page.click(f"#records a[href='/ui/documents/{site.document}']")
    assert "询问笔录（测试上传）" in page.content()
    page.go_back()
    page.wait_for_url(re.compile(r".*/ui/cases/.+"))

    # the supervision dashboard and a sample
    page.click("header nav a[href='/ui/supervision']")
    page.wait_for_url(base + "/ui/supervision")
    assert page.locator("#figures svg.bar").count() >= 4
    assert page.locator("#warnings table.warnings tbody tr").count() > 0
    shot(page, "05-supervision")
    page.click("header nav a[href='/ui/supervision/sample']")
    page.fill("input[name=n]", "12")
    page.fill("input[name=seed]", "7")
    page.click("form.filters button[type=submit]")
    page.wait_for_url(re.compile(r".*/ui/supervision/sample\?.*n=12"))
    assert page.locator("table.sample tbody tr").count() == 12
    shot(page, "06-sample")
    page.goto(base + "/ui/supervision/warnings?colour=red")
    assert page.locator("table.warnings tbody tr").count() > 0

    # the public pages: a decision and its proof, withdrawals, the registry, statistics, the log
    page.click("header nav a[href='/public/']")
    page.wait_for_url(base + "/public/")
    assert page.locator("a.decision-link").count() > 0
    shot(page, "07-public")
    page.locator("a.decision-link").first.click()
    page.wait_for_url(re.compile(r".*/public/decisions/.+/\d+$"))
    result = check_proof(page)
    assert "叶子哈希与事件字节相符" in result
    shot(page, "08-public-decision-proof")
    for path, name in (("/public/withdrawals", "09-withdrawals"), ("/public/registry", "10-registry"),
                       ("/public/statistics", "11-statistics"), ("/public/log", "12-log")):
        page.click(f"header nav a[href='{path}']")
        page.wait_for_url(base + path)
        shot(page, name)
    assert page.locator("#checkpoint").count() == 1

    # log out
    page.goto(base + "/ui/cases")
    page.click("header form[action='/ui/logout'] button")
    page.wait_for_url(re.compile(r".*/ui/login$"))

    assert watch.errors == []
    slow = sorted((ms, url) for ms, url in watch.timings if ms >= BUDGET_MS)
    assert slow == [], slow
    assert len(watch.timings) > 20


def test_every_kind_of_page_answers_within_a_second(served: Served) -> None:
    """Each page type, several times, on the demo: the server's answer in under a second."""
    import httpx

    site, base = served.site, served.base
    case = number(site.failing)
    paths = ["/", "/ui/cases", "/ui/cases?page=20", "/ui/cases?colour=red", "/ui/cases?colour=yellow",
             "/ui/cases?grade=不合格", "/ui/cases?q=2026", "/ui/cases?agency=agency/JA-SCJ&status=archived",
             f"/ui/cases/{case}", f"/ui/cases/{case}/evaluation.html", f"/ui/cases/{case}/export.zip",
             f"/ui/streams/case/{case}", f"/ui/events/case/{case}/1", "/ui/supervision", "/ui/supervision?year=0",
             "/ui/supervision/warnings", "/ui/supervision/sample?n=200&seed=5", "/public/", "/public/?page=5",
             "/public/withdrawals", "/public/registry", "/public/statistics", "/public/log"]
    with httpx.Client(base_url=base, timeout=30) as client:
        client.post("/ui/login", data={"token": site.tokens["admin"]})
        decision = re.search(r'href="(/public/decisions/[^"#]+)"', client.get("/public/").text)
        assert decision is not None
        paths.append(decision.group(1))
        times: dict[str, list[float]] = {path: [] for path in paths}
        for _ in range(3):
            for path in paths:
                started = time.perf_counter()
                response = client.get(path)
                times[path].append(time.perf_counter() - started)
                assert response.status_code == 200, (path, response.status_code)
    # the median of three: a page that is slow is slow every time; one answer delayed by a background
    # round or a loaded host (CI shares its machine) is not the page's cost
    slow = [(round(statistics.median(t), 3), path) for path, t in times.items()
            if statistics.median(t) >= BUDGET_MS / 1000]
    assert slow == [], times
