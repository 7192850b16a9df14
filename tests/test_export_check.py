"""One command checks a whole case export offline, in one process (defect 11).

Checking an export meant one ``log verify-receipt`` process per receipt (28 receipts, 47 s).
``enforcement-ledger verify-export`` checks every event's signature, every stream's chain and
every receipt at once; the export's README tells the reader to run exactly that, and any
changed byte, receipt or missing event makes it fail.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from api.export_check import check_export
from tests.helpers.audit_ledger import AS_OF, ledger_dir_fixture, run_cli

__all__ = ["ledger_dir_fixture"]

CLI = Path(sys.executable).parent / "enforcement-ledger"


@pytest.fixture(scope="module")
def bundle(ledger_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from api.cli import main

    target = tmp_path_factory.mktemp("export") / "case"
    assert main(["--data", str(ledger_dir), "export", "--case", "DXH-CGJ-2026-0012", str(target), "--as-of",
                 AS_OF]) == 0
    return target


def copy_of(bundle: Path, tmp_path: Path) -> Path:
    target = tmp_path / "copy"
    shutil.copytree(bundle, target)
    return target


def manifest(path: Path) -> dict:
    return json.loads((path / "manifest.json").read_text(encoding="utf-8"))


@pytest.mark.slow  # the console script as a process: the fast tier checks the same bundle in process
def test_the_readme_command_checks_every_receipt_in_one_process(bundle: Path) -> None:
    readme = (bundle / "README.md").read_text(encoding="utf-8")
    commands = re.findall(r"```sh\n(.*?)\n```", readme, re.S)
    assert commands == ["enforcement-ledger verify-export ."]
    events = manifest(bundle)["events"]
    assert len(events) == 32 and all(e["receipt"] for e in events)
    done = subprocess.run([str(CLI), "verify-export", ".", "--json"], cwd=bundle, capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads(done.stdout)
    assert report["valid"] and report["problems"] == [] and report["uncovered"] == []
    assert report["events"] == report["signatures"] == report["receipts"] == len(events)
    assert report["streams"] == 3 and report["case"] == "case/DXH-CGJ-2026-0012"


def test_the_zip_the_pages_hand_out_checks_the_same(bundle: Path, tmp_path: Path) -> None:
    archive = tmp_path / "case.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for path in sorted(bundle.rglob("*")):
            if path.is_file():
                z.write(path, path.relative_to(bundle).as_posix())
    report = check_export(bundle).as_json()
    assert check_export(archive).as_json() == report
    # what the README's command reports (run as a process in the slow tier), checked here in process
    events = manifest(bundle)["events"]
    assert report["valid"] and report["problems"] == [] and report["uncovered"] == []
    assert report["events"] == report["signatures"] == report["receipts"] == len(events) == 32


def test_a_changed_byte_of_an_event_is_caught(bundle: Path, tmp_path: Path) -> None:
    copy = copy_of(bundle, tmp_path)
    entry = manifest(copy)["events"][5]
    path = copy / entry["event"]
    changed = path.read_bytes().replace(b"2026", b"2025", 1)
    path.write_bytes(changed)
    lines = (copy / "events.jsonl").read_bytes().split(b"\n")
    lines[5] = changed  # consistent with events.jsonl: only the signature and the receipt can tell
    (copy / "events.jsonl").write_bytes(b"\n".join(lines))
    report = check_export(copy)
    assert not report.ok
    assert any("签名验证失败" in p for p in report.problems)
    assert any("回执无效" in p for p in report.problems)
    assert report.receipts == report.events - 1


def test_a_tampered_receipt_is_caught(bundle: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    copy = copy_of(bundle, tmp_path)
    entry = manifest(copy)["events"][7]
    path = copy / entry["receipt"]
    text = path.read_text(encoding="utf-8").splitlines()
    index = next(i for i, line in enumerate(text) if line.startswith("index "))
    proof_line = index + 1  # the first proof hash: one base64 character changed
    text[proof_line] = ("B" if text[proof_line][0] != "B" else "C") + text[proof_line][1:]
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    report = check_export(copy)
    assert [p for p in report.problems if "回执" in p] and report.receipts == report.events - 1
    code, out = run_cli(capsys, copy, "verify-export", str(copy))
    assert code == 1 and "核验失败" in out


def test_a_missing_event_breaks_the_chain(bundle: Path, tmp_path: Path) -> None:
    copy = copy_of(bundle, tmp_path)
    doc = manifest(copy)
    gone = doc["events"].pop(3)
    (copy / gone["event"]).unlink()
    (copy / "manifest.json").write_text(json.dumps(doc), encoding="utf-8")
    lines = (copy / "events.jsonl").read_bytes().split(b"\n")
    del lines[3]
    (copy / "events.jsonl").write_bytes(b"\n".join(lines))
    report = check_export(copy)
    assert any("版本不连续" in p for p in report.problems)


def test_a_key_not_valid_when_the_event_was_recorded_is_caught(bundle: Path, tmp_path: Path) -> None:
    copy = copy_of(bundle, tmp_path)
    keys = json.loads((copy / "keys.json").read_text(encoding="utf-8"))
    for key in keys:
        key["valid_from"] = "2099-01-01T00:00:00+00:00"
    (copy / "keys.json").write_text(json.dumps(keys), encoding="utf-8")
    report = check_export(copy)
    assert report.problems and all("才生效" in p for p in report.problems)
