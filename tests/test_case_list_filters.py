"""Issue 13, defect 9: the staff case list filters by date range, officer and procedure (pages and
``GET /v1/cases`` alike, one query), jumps to page N, names the enforcement item beside its code;
the 卷内目录 gives page numbers from the stored PDF, or says 页数未知.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from demo.documents import pdf_file
from tests.helpers.examples import scaled
from tests.helpers.http_reads import Populated, populate, project
from tests.helpers.http_world import ADMIN, OFFICER, OTHER, example, world_at


def pdf(pages: int) -> bytes:
    """A small, valid PDF of ``pages`` empty pages (its own page tree, as a PDF writer makes it)."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % (3 + i) for i in range(pages))
               + b"] /Count %d >>" % pages]
    objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"] * pages
    return pdf_file(objects)


THREE = pdf(3)


@dataclass
class Site:
    populated: Populated
    summary: str  # case/…: a 简易程序 case of DXH-CGJ (registered 2026-03-09)
    paged: str  # case/…: the general case whose 现场检查笔录 is a stored 3-page PDF

    @property
    def client(self) -> Any:
        return self.populated.world.client

    def h(self, who: str = ADMIN) -> dict[str, str]:
        return self.populated.world.h(who)

    def page(self, path: str, who: str = ADMIN, **params: str) -> Any:
        """A staff page as ``who`` sees it (logged in: the session cookie holds the token)."""
        self.client.cookies.set("elt_session", self.populated.world.tokens[who])
        return self.client.get(path, params=params)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    from api.server.config import HttpSettings
    from tests.helpers.http_world import case_steps

    http = HttpSettings(max_request_bytes=1024 * 1024, max_batch_bytes=4 * 1024 * 1024, max_batch_steps=100,
                        max_document_bytes=4096, integrate_interval=0, auth_cache_seconds=0)
    with world_at(tmp_path_factory.mktemp("case-list"), http=http) as world:
        populated = populate(world)
        summary, paged = world.number(), world.number()
        steps = example("summary-case")
        for step in steps:
            step["stream"] = f"case/{summary}"
        sha = hashlib.sha256(THREE).hexdigest()
        put = world.client.put(f"/v1/documents/{sha}", content=THREE,
                               headers={**world.h(OFFICER), "Content-Type": "application/pdf"})
        assert put.status_code in (200, 201), put.text
        general = case_steps(paged)
        for step in general:
            if step["type"] == "InspectionRecorded":
                step["data"]["record"] = {"sha256": sha, "bytes": len(THREE), "media_type": "application/pdf",
                                          "name": "现场检查笔录"}
        for batch in (steps, general):
            response = world.client.post("/v1/steps:batch", json={"steps": batch}, headers=world.h(ADMIN),
                                         params={"backfill": "true"})
            assert response.status_code == 201, response.text
        project(world)
        yield Site(populated, f"case/{summary}", f"case/{paged}")


def _listed(site: Site, who: str = ADMIN, **params: str) -> set[str]:
    page = site.page("/ui/cases", who, **params)
    assert page.status_code == 200, page.text
    return {f"case/{n}" for n in re.findall(r'class="case-link" href="/ui/cases/([^"?]+)', page.text)}


def _api(site: Site, who: str = ADMIN, **params: str) -> set[str]:
    response = site.client.get("/v1/cases", params={"limit": 500, **params}, headers=site.h(who))
    assert response.status_code == 200, response.text
    return {c["stream"] for c in response.json()["cases"]}


def test_filter_by_procedure(site: Site) -> None:
    for found in (_listed(site, procedure="summary"), _api(site, procedure="summary")):
        assert found == {site.summary}
    general = _listed(site, procedure="general")
    assert site.summary not in general and site.populated.full in general
    assert _listed(site, procedure="nonsense") >= {site.summary, site.populated.full}  # an unknown choice: ignored


def test_filter_by_date_range(site: Site) -> None:
    p = site.populated
    for found in (_listed(site, **{"from": "2026-03-09", "to": "2026-03-09"}),
                  _api(site, **{"from": "2026-03-09", "to": "2026-03-09"})):
        assert found == {site.summary}
    for found in (_listed(site, to="2026-03-03"), _api(site, to="2026-03-03")):
        assert site.summary not in found and {p.full, site.paged} <= found
    assert _listed(site, **{"from": "2026-03-10"}) == set()
    assert _listed(site, **{"from": "2026-02-30"}) >= {site.summary}  # not a date: no filter, no 500
    assert site.client.get("/v1/cases", params={"from": "2026-02-30"}, headers=site.h()).status_code == 422


def test_filter_by_officer(site: Site) -> None:
    p = site.populated
    for found in (_listed(site, officer=OTHER), _api(site, officer=OTHER)):
        assert found == {p.scj}
    assert _listed(site, officer=OTHER.removeprefix("officer/")) == {p.scj}  # the number alone, as the API
    mine = _listed(site, officer=OFFICER)
    assert p.scj not in mine and {p.full, site.summary} <= mine
    page = site.page("/ui/cases").text
    assert f'<option value="{OFFICER}"' in page  # the officer filter offers the registered officers


def test_the_api_list_takes_the_pages_text_search(site: Site) -> None:
    number = site.summary.removeprefix("case/")
    assert _api(site, q=number) == {site.summary}
    assert _listed(site, q=number) == {site.summary}


def test_jump_to_page_n(site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    from api.pages import reads

    monkeypatch.setattr(reads, "PAGE_SIZE", 2)
    page = site.page("/ui/cases", procedure="general").text
    form = re.search(r'<form class="jump" method="get" action="/ui/cases">(.*?)</form>', page, re.S)
    assert form is not None, page
    assert '<input type="hidden" name="procedure" value="general">' in form.group(1)
    assert 'name="page"' in form.group(1)
    total = int(re.search(r"第 1 / (\d+) 页", page).group(1))  # type: ignore[union-attr]
    assert total >= 2
    last = site.page("/ui/cases", procedure="general", page=str(total)).text
    assert f"第 {total} / {total} 页" in last


def test_item_name_beside_its_code(site: Site) -> None:
    page = site.page("/ui/cases", procedure="summary").text
    assert "个人随意倾倒、抛撒、堆放生活垃圾" in page and "CGJ-GF-111-1" in page
    case = site.page(f"/ui/cases/{site.populated.full.removeprefix('case/')}").text
    assert "餐饮服务业经营者超标排放油烟" in case and "CGJ-DQ-118-1" in case


def test_catalogue_counts_the_pages_of_a_stored_pdf_and_says_when_unknown(site: Site) -> None:
    number = site.paged.removeprefix("case/")
    sha = hashlib.sha256(THREE).hexdigest()
    body = site.client.get(f"/v1/cases/{number}/catalogue", headers=site.h()).json()["catalogue"]
    stored = [c for c in body if c["sha256"] == sha]
    assert stored and all(c["pages"] == 3 for c in stored)
    video = "0177698b367e7af95bbe51e9197981285975f4d9eee48ef8c98e75903281a5ba"  # the example's 执法记录仪视频
    assert [c["page_label"] for c in body if c["sha256"] == video and c["paginated"]] == ["音像资料，不编页"]
    unknown = [c for c in body if c["paginated"] and c["sha256"] not in (sha, video)]
    assert unknown and all(c["pages"] is None and c["page_label"] for c in unknown)
    assert any(c["page_label"] == "页数未知" for c in unknown)
    assert all(c["page_label"] == "不编页" for c in body if not c["paginated"])
    page = site.page(f"/ui/cases/{number}").text
    assert "页数未知" in page and "共 3 页" in page


def test_pdf_page_count() -> None:
    from api.catalogue_pages import pdf_page_count

    assert [pdf_page_count(pdf(n)) for n in (1, 2, 7)] == [1, 2, 7]
    assert pdf_page_count(b"not a pdf /Type /Page") is None
    assert pdf_page_count(b"%PDF-1.7\n(compressed object streams: nothing visible)") is None


@settings(max_examples=scaled(200), deadline=None)
@given(lines=st.lists(st.tuples(st.sampled_from(["正卷", "副卷"]), st.booleans(),
                                st.one_of(st.none(), st.integers(min_value=1, max_value=40)), st.booleans()),
                      max_size=15))
def test_page_numbers_are_contiguous_per_volume_until_one_is_unknown(
        lines: list[tuple[str, bool, int | None, bool]]) -> None:
    """For all catalogues: each volume's paginated documents run 1, 2, … without gap or overlap, in
    catalogue order, up to the first document whose count is unknown; from there on no start is given.
    Audio-visual records take no pages and break nothing."""
    from api.catalogue_pages import UNKNOWN, number_pages

    catalogue = [{"volume": v, "seq": i, "paginated": p, "sha256": f"{i:064x}"}
                 for i, (v, p, _, _) in enumerate(lines)]
    counts = {f"{i:064x}": n for i, (_, _, n, _) in enumerate(lines)}
    media = {f"{i:064x}": "video/mp4" if av else "application/pdf" for i, (_, _, _, av) in enumerate(lines)}
    out = number_pages(catalogue, counts.get, media)
    for volume in ("正卷", "副卷"):
        expected, broken = 1, False
        for row, (v, paginated, n, av) in zip(out, lines, strict=True):
            if v != volume:
                continue
            if av:
                assert row["pages"] is None and row["page_from"] is None and "不编页" in row["page_label"]
                continue
            assert row["pages"] == n
            if not paginated:
                assert row["page_label"] == "不编页" and row["page_from"] is None
            elif n is None:
                assert row["page_label"] == UNKNOWN and row["page_from"] is None
                broken = True
            elif broken:
                assert row["page_from"] is None and f"共 {n} 页" in row["page_label"]
            else:
                assert (row["page_from"], row["page_to"]) == (expected, expected + n - 1)
                expected += n
