"""The PDF exports in a real browser (issue 13): a reviewer downloads the case file and the
评查意见书 from the case page and opens them — the case number on page 1, a page per section —
and opens a demo document of the file (a one-page PDF naming the case).

Served as ``tests/test_browser.py`` serves (its fixtures; the same Chromium, skipped or failed
the same way without it).
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers.browser import Served, Watch, browser_fixture, browser_ready_fixture, served_fixture, shot  # noqa: F401 - fixtures
from tests.helpers.pages_site import number
from tests.helpers.pdf_pages import SECTIONS, heading, pages_of

pytestmark = pytest.mark.slow


def _download(page: Any, selector: str) -> bytes:
    with page.expect_download() as info:
        page.click(selector)
    path = info.value.path()
    assert path is not None
    with open(path, "rb") as handle:
        return handle.read()


def test_a_reviewer_downloads_and_opens_the_pdfs(served: Served, browser: tuple[Any, Watch]) -> None:
    page, watch = browser
    site, base = served.site, served.base
    page.goto(base + "/ui/login")
    page.fill("#token", site.tokens["admin"])
    page.click("form.login button[type=submit]")
    page.wait_for_url(base + "/ui/cases")
    case = number(site.failing)
    page.goto(base + f"/ui/cases/{case}")
    shot(page, "exports-01-case")

    pages = pages_of(_download(page, "a:has-text('下载案卷PDF')"))
    assert case in pages[0]
    starts = [next(i for i, text in enumerate(pages) if heading(text) == s) for s in SECTIONS]
    assert starts == sorted(set(starts))  # a page (or more) per section, in order

    report = pages_of(_download(page, "a:has-text('评查意见书PDF')"))
    assert case in report[0] and "评查人员（签名）" in "".join(report)

    # a demo document of the file opens from the page
    link = page.locator("a[href^='/ui/documents/']").first
    href = link.get_attribute("href")
    assert href is not None
    response = page.request.get(base + href)
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    assert case in "".join(pages_of(response.body()))
    assert watch.errors == []
