"""PDF for paper (issue 13): the case file, the 评查意见书, the 责令整改通知书 — from the CLI and the pages.

The text is read back with pypdf (independent of ReportLab): real, extractable Chinese text,
the case number on page 1, each section on its own page, findings with their rule ids and
Chinese severities, and the same access checks as the pages they sit on.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.cli import main
from audit.rulebook import RULES
from tests.helpers.audit_ledger import AS_OF, DEFECTIVE, ORDER, defective_steps, write_lines
from tests.helpers.cli_data import cli_data
from tests.helpers.pages_site import Site, number
from tests.helpers.pdf_pages import SECTIONS, heading, pages_of
from tests.helpers.spec_paths import EXAMPLES


@pytest.fixture(scope="module")
def ledger_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    monkeypatch = pytest.MonkeyPatch()
    tmp = tmp_path_factory.mktemp("pdf")
    data = cli_data(tmp, monkeypatch)
    for name in ORDER:
        assert main(["--data", str(data), "import", str(EXAMPLES / f"{name}.jsonl")]) == 0
    assert main(["--data", str(data), "import", "--backfill", write_lines(tmp / "d.jsonl", defective_steps())]) == 0
    yield data
    monkeypatch.undo()


def test_export_case_pdf_has_every_section_on_its_own_page(ledger_dir: Path, tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "案卷.pdf"
    assert main(["--data", str(ledger_dir), "export", "--case", DEFECTIVE, "--format", "pdf", str(out),
                 "--as-of", AS_OF]) == 0
    pages = pages_of(out.read_bytes())
    first = pages[0]
    assert "DXH-CGJ-2026-0099" in first and "行政执法案卷" in first and "武汉市东西湖区城市管理执法局" in first
    assert "保管期限" in first and "东城管罚决字〔2026〕第0099号" in first and "30,000.00 元" in first
    starts = [next(i for i, text in enumerate(pages) if heading(text) == s) for s in SECTIONS]
    assert starts == sorted(set(starts)) and starts[0] == 1  # in order, each on a page of its own
    toc = pages[1].replace(" ", "").replace(".", "")
    for section, start in zip(SECTIONS, starts, strict=True):
        assert f"{start + 1}\n{section}" in toc  # the 卷内目录 gives this PDF's page numbers
    evaluation = pages[starts[4]].replace("\n", "")
    assert "PEN-12" in evaluation and "否决" in evaluation and "不合格" in evaluation
    assert "BLOCKER" not in "".join(pages) and "DecisionMade" not in "".join(pages)
    assert "第六十三条" in evaluation  # the article of the finding
    appendix = "".join(pages[starts[5]:])
    assert "verify-receipt" in appendix and "log.vkey" in appendix and "enforcement-ledger.local" in appendix
    timeline = pages[starts[2]]
    assert "+08:00" in timeline and "行政处罚事先告知" in timeline


def test_export_case_pdf_is_the_same_bytes_twice(ledger_dir: Path, tmp_path: Path) -> None:
    for name in ("a.pdf", "b.pdf"):
        assert main(["--data", str(ledger_dir), "export", "--case", "DXH-CGJ-2026-0012", "--format", "pdf",
                     str(tmp_path / name), "--as-of", AS_OF]) == 0
    assert (tmp_path / "a.pdf").read_bytes() == (tmp_path / "b.pdf").read_bytes()


def test_audit_pdf_is_the_evaluation_report_to_sign(ledger_dir: Path, tmp_path: Path,
                                                     capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    out = tmp_path / "评查意见书.pdf"
    assert main(["--data", str(ledger_dir), "audit", "--case", DEFECTIVE, "--format", "pdf", "-o", str(out),
                 "--as-of", AS_OF]) == 0
    text = "".join(pages_of(out.read_bytes())).replace("\n", "")  # a cell's text wraps
    first = pages_of(out.read_bytes())[0]
    assert "行政执法案卷评查意见书" in first and "DXH-CGJ-2026-0099" in first
    for wanted in ("武汉市东西湖区城市管理执法局", "东城管罚决字〔2026〕第0099号", "评查人员", "PEN-12", "否决",
                   "不合格", "评查人员（签名）", "评查机关（盖章）", "《中华人民共和国行政处罚法》第六十三条"):
        assert wanted in text, wanted
    capsysbinary.readouterr()
    assert main(["--data", str(ledger_dir), "audit", "--case", DEFECTIVE, "--format", "pdf", "--as-of", AS_OF]) == 0
    assert capsysbinary.readouterr().out == out.read_bytes()  # stdout, binary, when -o is absent


def test_pdf_usage_errors(ledger_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--data", str(ledger_dir), "audit", "--all", "--format", "pdf"]) == 2
    assert main(["--data", str(ledger_dir), "export", "--rectification", "ZG-1", str(tmp_path / "x")]) == 2
    assert main(["--data", str(ledger_dir), "export", "--format", "pdf", str(tmp_path / "x.pdf")]) == 2
    assert main(["--data", str(ledger_dir), "export", "--rectification", "ZG-NONE", "--format", "pdf",
                 str(tmp_path / "x.pdf")]) == 2
    capsys.readouterr()
    with pytest.raises(SystemExit):
        main(["export", "--help"])
    assert "--format pdf" in capsys.readouterr().out


# --------------------------------------------------------------------------- the pages


def _as(site: Site, who: str) -> TestClient:
    client = TestClient(site.app, raise_server_exceptions=True)
    site.login(client, who)
    return client


def test_case_page_offers_both_pdfs_and_serves_them(site: Site) -> None:
    officer = _as(site, "officer")
    case = number(site.failing)
    page = officer.get(f"/ui/cases/{case}").text
    assert f"/ui/cases/{case}/case.pdf" in page and f"/ui/cases/{case}/evaluation.pdf" in page
    got = officer.get(f"/ui/cases/{case}/case.pdf")
    assert got.status_code == 200 and got.headers["content-type"] == "application/pdf"
    pages = pages_of(got.content)
    assert case in pages[0] and len(pages) >= len(SECTIONS) + 1
    report = officer.get(f"/ui/cases/{case}/evaluation.pdf")
    assert report.status_code == 200
    text = "\n".join(pages_of(report.content))
    assert case in pages_of(report.content)[0] and "不合格" in text and site.identities["officer"].split("/")[1] in text
    row = site.rows("SELECT findings FROM audit_evaluations WHERE grp = ?", (site.failing,))[0]
    import json

    for finding in json.loads(row["findings"]):
        assert finding["rule"] in text


def test_pdfs_have_the_pages_access_checks(site: Site) -> None:
    case = number(site.failing)
    other = _as(site, "other")
    for path in (f"/ui/cases/{case}/case.pdf", f"/ui/cases/{case}/evaluation.pdf"):
        assert other.get(path).status_code == 403
        anonymous = TestClient(site.app).get(path, follow_redirects=False)
        assert anonymous.status_code in (302, 303) and "/ui/login" in anonymous.headers["location"]
    assert other.get("/ui/cases/JA-CGJ-2099-9999/case.pdf").status_code == 403  # no oracle of numbers


def test_rectification_notice_pdf_from_page_and_cli(site: Site, tmp_path: Path) -> None:
    supervisor = site.identities["supervisor"]
    bearer = {"Authorization": f"Bearer {site.tokens['supervisor']}"}
    order = {"stream": "supervision/ZG-PDF-1", "type": "RectificationOrdered", "at": "2026-03-02T10:00:00+08:00",
             "by": supervisor, "data": {"agency": "agency/JA-CGJ", "case": site.failing,
                                        "findings": ["PEN-10"], "due_at": "2026-03-16T17:00:00+08:00"}}
    admin = _as(site, "admin")
    assert admin.post("/v1/steps", json=order, headers=bearer).status_code == 201
    page = admin.get("/ui/streams/supervision/ZG-PDF-1").text
    assert "/ui/streams/supervision/ZG-PDF-1/notice.pdf" in page
    got = admin.get("/ui/streams/supervision/ZG-PDF-1/notice.pdf")
    assert got.status_code == 200
    text = "\n".join(pages_of(got.content))
    for wanted in ("责令整改通知书", "监督责改〔2026〕ZG-PDF-1号", "PEN-10", RULES["PEN-10"].title, "2026-03-16 17:00",
                   number(site.failing),
                   "尚未报告", "监督人员（签名）"):
        assert wanted in text, wanted
    assert _as(site, "other").get("/ui/streams/supervision/ZG-PDF-1/notice.pdf").status_code == 403
    out = tmp_path / "notice.pdf"
    assert main(["--data", str(site.data), "export", "--rectification", "ZG-PDF-1", "--format", "pdf",
                 str(out)]) == 0
    assert "监督责改〔2026〕ZG-PDF-1号" in pages_of(out.read_bytes())[0]


def test_the_demo_documents_open_from_the_case_page(site: Site) -> None:
    officer = _as(site, "officer")
    case = number(site.failing)
    page = officer.get(f"/ui/cases/{case}").text
    import re

    opened = 0
    for sha256 in sorted(set(re.findall(r"/ui/documents/([0-9a-f]{64})", page)))[:3]:
        got = officer.get(f"/ui/documents/{sha256}")
        assert got.status_code == 200 and hashlib.sha256(got.content).hexdigest() == sha256
        if got.headers["content-type"] == "application/pdf":
            assert case in "".join(pages_of(got.content))
            opened += 1
    assert opened > 0
    assert _as(site, "other").get(f"/ui/documents/{sha256}").status_code == 403
