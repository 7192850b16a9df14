"""import: the examples go live through every gate; refusals stop at the line; re-runs skip."""

from __future__ import annotations

import json
from pathlib import Path

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from api.cli import main
from api.settings import Settings
from api.wiring import open_ledger
from ledger.verify import verify_store
from tests.helpers.examples import scaled
from tests.helpers.spec_paths import EXAMPLES

ORDER = ["registry", "general-case", "summary-case", "no-penalty-case", "transfer-case", "reconsideration",
         "litigation"]


def lines(name: str) -> list[dict]:
    return [orjson.loads(line) for line in (EXAMPLES / f"{name}.jsonl").read_bytes().splitlines() if line.strip()]


def write(path: Path, steps: list[dict]) -> str:
    path.write_text("\n".join(json.dumps(s, ensure_ascii=False) for s in steps) + "\n", encoding="utf-8")
    return str(path)


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("LEDGER_KEY_PASSPHRASE", "import-test")
    monkeypatch.delenv("LEDGER_POSTGRES_DSN", raising=False)
    d = tmp_path / "var"
    assert main(["--data", str(d), "init"]) == 0
    return d


def run(data: Path, *args: str) -> int:
    return main(["--data", str(data), *args])


def events(data: Path, stream: str) -> list:
    ledger = open_ledger(Settings.load(str(data)), keys=False)
    try:
        return ledger.store.stream(stream)
    finally:
        ledger.close()


def test_examples_import_live_verify_and_rerun_skips(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for name in ORDER:
        assert run(data, "import", str(EXAMPLES / f"{name}.jsonl"), "--json") == 0, capsys.readouterr()
        result = json.loads(capsys.readouterr().out)
        assert result["recorded"] == len(lines(name)) and result["refused"] is None
    for name in ORDER:
        assert run(data, "import", str(EXAMPLES / f"{name}.jsonl"), "--json") == 0
        result = json.loads(capsys.readouterr().out)
        assert (result["recorded"], result["skipped"]) == (0, len(lines(name)))
    ledger = open_ledger(Settings.load(str(data)), keys=False)
    try:
        assert verify_store(ledger.store).ok
    finally:
        ledger.close()


def without_notice() -> tuple[list[dict], int]:
    """The general case with its PenaltyNoticeServed removed: the decision breaks PEN-09."""
    steps = [s for s in lines("general-case") if s["type"] not in
             ("PenaltyNoticeServed", "StatementSubmitted", "StatementReviewed", "HearingRequested",
              "HearingNoticeServed", "HearingHeld")]
    decision = next(i for i, s in enumerate(steps) if s["type"] == "DecisionMade")
    return steps, decision


@pytest.mark.parametrize("batch", ["1", "3", "500"])
def test_refused_line_stops_import_earlier_lines_stay(data: Path, tmp_path: Path, batch: str,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    assert run(data, "import", str(EXAMPLES / "registry.jsonl")) == 0
    steps, decision = without_notice()
    capsys.readouterr()
    assert run(data, "import", write(tmp_path / "bad.jsonl", steps), "--batch", batch, "--json") == 1
    result = json.loads(capsys.readouterr().out)
    assert result["refused"]["line"] == decision + 1
    assert result["refused"]["rule"] in ("PEN-09", "PEN-16", "PEN-19")
    assert result["recorded"] == decision
    assert len(events(data, steps[0]["stream"])) == decision


def test_refusal_message_names_line_rule_and_article(data: Path, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    assert run(data, "import", str(EXAMPLES / "registry.jsonl")) == 0
    steps = lines("general-case")
    decision = next(i for i, s in enumerate(steps) if s["type"] == "DecisionMade")
    steps[decision]["data"]["sealed_by"] = "agency/DXH-SFJ"  # another agency's seal: PEN-21
    capsys.readouterr()
    assert run(data, "import", write(tmp_path / "bad.jsonl", steps)) == 1
    err = capsys.readouterr().err
    assert f"第 {decision + 1} 行" in err and "[PEN-21]" in err and "第" in err.split("PEN-21")[1]


def test_corrected_file_rerun_records_the_rest(data: Path, tmp_path: Path) -> None:
    assert run(data, "import", str(EXAMPLES / "registry.jsonl")) == 0
    steps = lines("general-case")
    decision = next(i for i, s in enumerate(steps) if s["type"] == "DecisionMade")
    bad = [dict(s) for s in steps]
    bad[decision] = json.loads(json.dumps(steps[decision]))
    bad[decision]["data"]["sealed_by"] = "agency/DXH-SFJ"
    assert run(data, "import", write(tmp_path / "f.jsonl", bad)) == 1
    assert run(data, "import", write(tmp_path / "f.jsonl", steps)) == 0
    assert len(events(data, steps[0]["stream"])) == len(steps)


def test_backfill_records_what_paper_shows_signed_by_importer(data: Path, tmp_path: Path) -> None:
    assert run(data, "import", str(EXAMPLES / "registry.jsonl")) == 0
    steps, _ = without_notice()
    assert run(data, "import", write(tmp_path / "paper.jsonl", steps), "--backfill") == 0
    stored = events(data, steps[0]["stream"])
    assert len(stored) == len(steps)
    assert all(e.envelope["backfilled"] is True and e.signer[0] == "officer/admin" for e in stored)


def test_backfill_still_checks_structure(data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(data, "import", str(EXAMPLES / "registry.jsonl")) == 0
    steps = lines("general-case")[:3]
    steps[2] = dict(steps[2], type="NoSuchStep")
    assert run(data, "import", write(tmp_path / "p.jsonl", steps), "--backfill") == 1
    assert "STRUCT-TYPE" in capsys.readouterr().err
    assert len(events(data, steps[0]["stream"])) == 2


def test_backfill_needs_admin(data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(data, "import", str(EXAMPLES / "registry.jsonl")) == 0
    steps = lines("general-case")[:2]
    assert main(["--data", str(data), "--as", "officer/42011219001", "import",
                 write(tmp_path / "p.jsonl", steps), "--backfill"]) == 1
    assert "STRUCT-BACKFILL" in capsys.readouterr().err


def test_bad_json_line_is_named(data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "x.jsonl"
    path.write_text(json.dumps(lines("registry")[0], ensure_ascii=False) + "\n{not json\n", encoding="utf-8")
    assert run(data, "import", str(path)) == 1
    assert "第 2 行" in capsys.readouterr().err
    assert len(events(data, "agency/DXH-CGJ")) == 1


@settings(max_examples=scaled(8), deadline=None)
@given(batch=st.integers(1, 12), cut=st.integers(1, 13))
def test_for_any_batch_size_lines_before_a_refusal_are_recorded(tmp_path_factory: pytest.TempPathFactory,
                                                                 batch: int, cut: int) -> None:
    import os

    os.environ["LEDGER_KEY_PASSPHRASE"] = "import-test"
    d = tmp_path_factory.mktemp("prop") / "var"
    assert main(["--data", str(d), "init"]) == 0
    steps = lines("registry")
    steps[cut] = dict(steps[cut], type="NoSuchStep")
    path = d.parent / "reg.jsonl"
    assert main(["--data", str(d), "import", write(path, steps), "--batch", str(batch)]) == 1
    ledger = open_ledger(Settings.load(str(d)), keys=False)
    try:
        total = sum(1 for _ in ledger.store.notifications())
    finally:
        ledger.close()
    assert total == 1 + cut  # the bootstrap identity, then every line before the refused one
