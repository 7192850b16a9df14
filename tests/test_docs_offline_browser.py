"""``/docs`` renders in a real browser with every request outside the server refused (offline).

Swagger UI before 5.0 loads but refuses FastAPI's ``openapi: 3.1`` document; a CDN script
never loads without the internet. Here the page must show the API's operations from local
assets only. Skips without Chromium, as ``tests/test_browser.py`` does.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from api.server.config import HttpSettings
from tests.helpers.browser import ARGS, CHROMIUM, browser_ready_fixture, in_thread  # noqa: F401 - a fixture
from tests.helpers.http_world import world_at


@pytest.fixture(scope="module")
def base(browser_ready: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with world_at(tmp_path_factory.mktemp("docs-browser"), http=HttpSettings(integrate_interval=0)) as world:
        with in_thread(world.app, lifespan="off") as (url, _, _thread):
            yield url


@pytest.mark.slow
def test_docs_render_the_operations_with_the_network_cut(base: str, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    outside: list[str] = []
    errors: list[str] = []

    def only_local(route: Any) -> None:
        if route.request.url.startswith(base):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(str(tmp_path / "profile"), executable_path=CHROMIUM,
                                                       args=ARGS, headless=True)
        try:
            page = context.pages[0] if context.pages else context.new_page()
            page.on("pageerror", lambda e: errors.append(str(e)))
            context.route("**/*", only_local)
            page.goto(f"{base}/docs")
            page.wait_for_selector(".opblock", timeout=30_000)
            operations = page.locator(".opblock").count()
            text = page.inner_text("body")
        finally:
            context.close()
    assert outside == [] and errors == []
    assert operations > 20
    assert "Unable to render" not in text and "/v1/steps" in text
