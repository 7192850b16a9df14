"""The public pages on a phone (issue 13, 6): headless Chromium at 390 CSS pixels wide, as
``tests/test_browser.py`` drives it. Every public page must fit: ``scrollWidth`` of the
document no wider than the viewport (wide tables scroll inside their own box, not the page).
Screenshots go to ``test-artifacts/browser/phone-*.png``."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from api.server import create_app
from api.server.config import HttpSettings
from tests.helpers.browser import ARGS, ARTIFACTS, CHROMIUM, Watch, browser_ready_fixture, in_thread
from tests.helpers.pages_site import site_at

pytestmark = pytest.mark.slow

WIDTH = 390
__all__ = ["browser_ready_fixture"]


@pytest.fixture(scope="module")
def base(browser_ready: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A demo served by uvicorn on a free port (as ``tests/test_browser.py``, with fewer cases)."""
    cases = int(os.environ.get("LEDGER_PHONE_DEMO_CASES", "300"))
    with site_at(tmp_path_factory.mktemp("phone"), cases=cases) as site:
        site.close()
        app = create_app(site.settings, http=HttpSettings(integrate_interval=0), integrate=False)
        with in_thread(app) as (url, _, _thread):
            yield url


@pytest.fixture
def phone(base: str, tmp_path: Path) -> Iterator[tuple[Any, Watch]]:
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(tmp_path / "profile"), executable_path=CHROMIUM, args=ARGS, headless=True,
            viewport={"width": WIDTH, "height": 844}, device_scale_factor=3, is_mobile=True, has_touch=True,
            locale="zh-CN")
        try:
            page = context.pages[0] if context.pages else context.new_page()
            page.set_default_timeout(15_000)
            watch = Watch()
            watch.attach(page)
            yield page, watch
        finally:
            context.close()


def _width(page: Any) -> int:
    return int(page.evaluate("document.documentElement.scrollWidth"))


def test_every_public_page_fits_a_phone(base: str, phone: tuple[Any, Watch]) -> None:
    page, watch = phone
    page.goto(base + "/public/")
    decisions = [h for h in page.eval_on_selector_all("a.decision-link", "els => els.map(e => e.getAttribute('href'))")]
    assert decisions, "the demo shows no public decision"
    paths = ["/", "/public/", "/public/?page=2", "/public/coercion", "/public/withdrawals", "/public/registry",
             "/public/statistics", "/public/log", decisions[0], decisions[0] + "#proof"]
    wide: dict[str, int] = {}
    for path in paths:
        page.goto(base + path)
        width = _width(page)
        name = re.sub(r"[^a-z0-9]+", "-", path.strip("/").lower()) or "landing"
        page.screenshot(path=str(ARTIFACTS / f"phone-{name}.png"), full_page=True)
        if width > WIDTH:
            wide[path] = width
    assert not wide, f"pages wider than {WIDTH}px: {wide}"
    assert not [e for e in watch.errors if "HTTP 4" not in e], watch.errors


def test_an_error_page_fits_a_phone(base: str, phone: tuple[Any, Watch]) -> None:
    page, _ = phone
    response = page.goto(base + "/public/no-such-page")
    assert response is not None and response.status == 404
    assert "未找到" in page.inner_text("h1")
    assert _width(page) <= WIDTH
