"""The browser tests' shared parts: Debian's Chromium driven by Playwright, a demo served by
uvicorn on a free port (``LEDGER_BROWSER_DEMO_CASES`` cases), and a watch on what the page reports.

Nothing is downloaded; without Chromium the fixtures skip, saying why, unless ``REQUIRE_BROWSER=1``.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from api.server import create_app
from api.server.config import HttpSettings
from tests.helpers.pages_site import Site, site_at

CHROMIUM = os.environ.get("LEDGER_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def browser_missing() -> str | None:
    if not (Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK)):
        found = shutil.which("chromium")
        hint = f" (chromium is at {found}: set LEDGER_CHROMIUM)" if found else ""
        return f"no Chromium at {CHROMIUM}{hint}: install Debian's package (apt-get install -y chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install -e '.[dev]')"
    return None


@pytest.fixture(scope="module", name="browser_ready")
def browser_ready_fixture() -> None:
    missing = browser_missing()
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


@pytest.fixture(scope="module", name="served")
def served_fixture(browser_ready: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    cases = int(os.environ.get("LEDGER_BROWSER_DEMO_CASES", "2000"))
    with site_at(tmp_path_factory.mktemp("browser"), cases=cases) as site:
        site.close()  # the build's own app; a fresh one serves, as `serve` would
        app = create_app(site.settings, http=HttpSettings(integrate_interval=0), integrate=False)
        with in_thread(app) as (url, server, thread):
            wait_ready(url, app)
            yield Served(site, url, server, thread)


def wait_ready(url: str, app: Any, timeout: float = 120.0) -> None:
    """Until ``/readyz`` answers 200 and the read-model follower has finished its first round: that round
    (a fresh process catching up and building the audit's context) is start-up work sharing the interpreter
    with requests; the pages' budgets time the service once it is ready, as a load balancer would first
    send it traffic."""
    import httpx

    deadline = time.monotonic() + timeout
    follower = getattr(app.state, "follower", None)
    while True:
        status = httpx.get(url + "/readyz", timeout=30).status_code
        if status == 200 and (follower is None or follower.rounds > 0):
            return
        assert time.monotonic() < deadline, f"/readyz {status}, follower rounds {follower and follower.rounds}"
        time.sleep(0.2)


@contextmanager
def in_thread(app: Any, *, lifespan: str = "on") -> Iterator[tuple[str, Any, threading.Thread]]:
    """``app`` served by uvicorn in a thread on a free port: (its URL, the server, the thread)."""
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan=lifespan))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}", server, thread
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


@pytest.fixture(name="browser")
def browser_fixture(served: Served, tmp_path: Path) -> Iterator[tuple[Any, Watch]]:
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
