"""The spreadsheets in a real browser (issue 13's acceptance): a reviewer filters the case list,
clicks its XLSX download link and the file opens with a row per case of the filtered list.

Reuses ``tests/test_browser.py``'s fixtures (Debian's Chromium driven by Playwright, the demo served
by uvicorn); skipped like them when Chromium is missing, unless ``REQUIRE_BROWSER=1``.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from tests.helpers.browser import Served, Watch, browser_fixture, browser_ready_fixture, served_fixture, shot  # noqa: F401 - fixtures

pytestmark = pytest.mark.slow

AGENCY = "agency/JA-SCJ"


def test_the_filtered_case_list_downloads_as_xlsx_with_a_row_per_case(served: Served,
                                                                      browser: tuple[Any, Watch]) -> None:
    page, watch = browser
    site, base = served.site, served.base
    page.goto(base + "/ui/login")
    page.fill("#token", site.tokens["admin"])
    page.click("form.login button[type=submit]")
    page.wait_for_url(base + "/ui/cases")

    # filter the list by agency and status, as a reviewer would
    page.select_option("select[name=agency]", AGENCY)
    page.select_option("select[name=status]", "archived")
    page.click("form.filters button[type=submit]")
    page.wait_for_url(re.compile(r".*/ui/cases\?.*status=archived"))
    expected = sorted(r["grp"].split("/", 1)[1] for r in site.rows(
        "SELECT grp FROM proj_cases WHERE agency = ? AND status = 'archived'", (AGENCY,)))
    assert expected, "the demo has archived cases of the agency"
    shot(page, "20-cases-filtered")

    with page.expect_download() as info:
        page.click("a.download-xlsx")
    download = info.value
    assert download.suggested_filename.endswith(".xlsx") and "案件列表" in download.suggested_filename
    book = openpyxl.load_workbook(io.BytesIO(Path(download.path()).read_bytes()))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    assert header[0] == "案号" and "罚款（元）" in header
    numbers = sorted(str(r[header.index("案号")]) for r in body)
    assert numbers == expected
    assert {r[header.index("状态")] for r in body} == {"已归档"}
    assert watch.errors == []
