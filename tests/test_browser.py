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

import os
import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from api.server import create_app
from api.server.config import HttpSettings
from tests.test_pages_support import Site, number, site_at

pytestmark = pytest.mark.slow

CHROMIUM = os.environ.get("LEDGER_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "browser"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
BUDGET_MS = 1000.0


def _browser_missing() -> str | None:
    if not (Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK)):
        found = shutil.which("chromium")
        hint = f" (chromium is at {found}: set LEDGER_CHROMIUM)" if found else ""
        return f"no Chromium at {CHROMIUM}{hint}: install Debian's package (apt-get install -y chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install -e '.[dev]')"
    return None


@pytest.fixture(scope="module")
def browser_ready() -> None:
    missing = _browser_missing()
    if missing is not None:
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"REQUIRE_BROWSER=1 but {missing}")
        pytest.skip(missing)


@dataclass
class Served:
    site: Site
    base: str
    server: Any
    thread: threading.Thread


@pytest.fixture(scope="module")
def served(browser_ready: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    import uvicorn

    cases = int(os.environ.get("LEDGER_BROWSER_DEMO_CASES", "2000"))
    with site_at(tmp_path_factory.mktemp("browser"), cases=cases) as site:
        site.close()  # the build's own app; a fresh one serves, as `serve` would
        app = create_app(site.settings, http=HttpSettings(integrate_interval=0), integrate=False)
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
        thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
        thread.start()
        deadline = time.monotonic() + 30
        while not server.started:
            assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
            time.sleep(0.05)
        try:
            yield Served(site, f"http://127.0.0.1:{port}", server, thread)
        finally:
            server.should_exit = True
            thread.join(timeout=30)
            sock.close()


@dataclass
class Watch:
    """What the browser reported: console errors, page errors, failed or erroring requests, timings."""

    errors: list[str] = field(default_factory=list)
    timings: list[tuple[float, str]] = field(default_factory=list)

    def attach(self, page: Any) -> None:
        page.on("console", lambda m: self.errors.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(f"page error: {e}"))
        page.on("requestfailed", lambda r: self.errors.append(f"request failed: {r.url} {r.failure}"))
        page.on("response", self._response)
        page.on("requestfinished", self._finished)

    def _response(self, response: Any) -> None:
        if response.status >= 400:
            self.errors.append(f"HTTP {response.status}: {response.url}")

    def _finished(self, request: Any) -> None:
        timing = request.timing
        end = timing.get("responseEnd", -1)
        if end is not None and end >= 0 and not request.url.startswith("data:"):
            self.timings.append((float(end), request.url))


@pytest.fixture
def browser(served: Served, tmp_path: Path) -> Iterator[tuple[Any, Watch]]:
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(tmp_path / "profile"), executable_path=CHROMIUM, args=ARGS, headless=True,
            viewport={"width": 1400, "height": 1000}, locale="zh-CN")
        try:
            page = context.pages[0] if context.pages else context.new_page()
            page.set_default_timeout(15_000)
            watch = Watch()
            watch.attach(page)
            yield page, watch
        finally:
            context.close()


def shot(page: Any, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def check_proof(page: Any) -> str:
    page.click("button.verify")
    page.wait_for_selector("#proof-data-result[data-status=ok], #proof-data-result[data-status=fail]")
    result: str = page.inner_text("#proof-data-result")
    assert page.get_attribute("#proof-data-result", "data-status") == "ok", result
    return result


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
        slow = []
        for _ in range(3):
            for path in paths:
                started = time.perf_counter()
                response = client.get(path)
                elapsed = time.perf_counter() - started
                assert response.status_code == 200, (path, response.status_code)
                if elapsed >= BUDGET_MS / 1000:
                    slow.append((round(elapsed, 3), path))
    assert slow == []
