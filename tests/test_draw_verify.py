"""``enforcement-ledger draw verify spotcheck/…`` (INS-02 offline): the §4 example, imported with
``--backfill`` into a fresh ledger, re-derives (exit 0) with its beacon "unverified"; a copy whose
secret or one recorded index is changed, imported into a fresh ledger, does not (exit 1, naming the
check); an unknown or a non-spotcheck stream is a usage error (exit 2); ``--json``; ``--help``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import orjson
import pytest

from api.cli import main
from tests.helpers.cli_data import cli_data
from tests.helpers.inspection_examples import SPOTCHECK, edited, example
from tests.helpers.spec_paths import EXAMPLES


def _ledger(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
            steps: list[dict[str, Any]]) -> Path:
    data = cli_data(tmp_path, monkeypatch)
    for name in ("registry", "general-case"):
        assert main(["--data", str(data), "import", str(EXAMPLES / f"{name}.jsonl")]) == 0
    copy = tmp_path / "spotcheck.jsonl"
    copy.write_bytes(b"\n".join(orjson.dumps(s) for s in steps) + b"\n")
    assert main(["--data", str(data), "import", "--backfill", str(copy)]) == 0
    capsys.readouterr()
    return data


def _verify(data: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str]:
    code = main(["--data", str(data), "draw", "verify", SPOTCHECK, *extra])
    return code, capsys.readouterr().out


def test_the_example_re_derives_with_its_beacon_unverified(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    data = _ledger(tmp_path, monkeypatch, capsys, example())
    code, out = _verify(data, capsys)
    assert code == 0 and "复算一致 / the draw re-derives" in out
    assert "未核验 unverified  信标检查点 / beacon checkpoint" in out and "[11, 3, 2]" in out
    code, out = _verify(data, capsys, "--json")
    report = json.loads(out)
    assert code == 0 and report["ok"] and report["stream"] == SPOTCHECK
    status = {c["what_en"]: c["status"] for c in report["checks"]}
    assert status["seed commitment"] == status["seed"] == status["drawn object indices"] == "ok"
    assert status["beacon checkpoint"] == "unverified"
    assert [status[f"inspectors of object {i}"] for i in (11, 3, 2)] == ["ok"] * 3


def _secret(s: dict[str, Any]) -> None:
    s["data"]["seed_secret"] = "00" * 32


def _index(s: dict[str, Any]) -> None:
    s["data"]["objects_drawn"][1] = {"index": 6, "key": "OBJ-0007"}


@pytest.mark.parametrize(("change", "failed"), [(_secret, "seed commitment"), (_index, "drawn object indices")])
def test_a_changed_secret_or_index_does_not_re_derive(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str], change: Any,
                                                     failed: str) -> None:
    data = _ledger(tmp_path, monkeypatch, capsys, edited(example(), SPOTCHECK, "RandomDrawPerformed", change))
    code, out = _verify(data, capsys, "--json")
    report = json.loads(out)
    assert code == 1 and not report["ok"]
    assert {c["what_en"] for c in report["checks"] if c["status"] == "fail"} >= {failed}
    code, out = _verify(data, capsys)
    assert code == 1 and "✗ 不符 FAIL" in out and "复算不一致" in out


def test_an_unknown_or_wrong_stream_is_a_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    data = cli_data(tmp_path, monkeypatch)
    assert main(["--data", str(data), "draw", "verify", "spotcheck/DXH-CGJ-CC-2099-09"]) == 2
    assert "没有抽查任务 spotcheck/DXH-CGJ-CC-2099-09" in capsys.readouterr().err
    assert main(["--data", str(data), "draw", "verify", "case/DXH-CGJ-2026-0012"]) == 2
    assert "不是抽查任务的流" in capsys.readouterr().err


def test_help_says_what_is_checked(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["draw", "verify", "--help"])
    out = capsys.readouterr().out
    assert done.value.code == 0
    assert "seed_commitment" in out and "beacon" in out and "退出码" in out and "spotcheck/" in out
