"""The example cases and one defective case (no hearing-right notice, PEN-12) imported through the
CLI into a data directory, and the CLI run in-process: the audit's CLI-level tests build on it."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from api.cli import main
from tests.helpers.cli_data import cli_data
from tests.helpers.spec_paths import EXAMPLES

ORDER = ["registry", "general-case", "summary-case", "no-penalty-case", "transfer-case", "reconsideration",
         "litigation"]
AS_OF = "2026-12-31"
DEFECTIVE = "case/DXH-CGJ-2026-0099"


def example_lines(name: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (EXAMPLES / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()
            if line.strip()]


def write_lines(path: Path, steps: list[dict[str, Any]]) -> str:
    path.write_text("".join(json.dumps(s, ensure_ascii=False) + "\n" for s in steps), encoding="utf-8")
    return str(path)


def defective_steps(upto: str | None = None) -> list[dict[str, Any]]:
    """The general case on another stream, without the hearing-right notice (PEN-12), as 补录."""
    steps = copy.deepcopy(example_lines("general-case"))
    for step in steps:
        step["stream"] = DEFECTIVE
        if step["type"] == "CaseRegistered":
            step["data"]["party"].update(name="武汉市东西湖区香满楼餐饮有限公司", credit_code="91420112MA4KY0AB1X")
        if step["type"] == "PenaltyNoticeServed":
            step["data"]["rights"]["hearing"] = False
        if step["type"] == "DecisionMade":
            step["data"]["document_no"] = "东城管罚决字〔2026〕第0099号"
        if step["type"] == "DecisionPublished":
            step["data"]["text"] = step["data"]["text"].replace("0012", "0099")
    if upto is not None:
        steps = steps[: [s["type"] for s in steps].index(upto) + 1]
    return steps


@pytest.fixture(scope="module", name="ledger_dir")
def ledger_dir_fixture(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    monkeypatch = pytest.MonkeyPatch()
    tmp = tmp_path_factory.mktemp("audit")
    data = cli_data(tmp, monkeypatch)
    for name in ORDER:
        assert main(["--data", str(data), "import", str(EXAMPLES / f"{name}.jsonl")]) == 0
    assert main(["--data", str(data), "import", "--backfill", write_lines(tmp / "d.jsonl", defective_steps())]) == 0
    yield data
    monkeypatch.undo()


def run_cli(capsys: pytest.CaptureFixture[str], data: Path, *args: str) -> tuple[int, str]:
    capsys.readouterr()
    code = main(["--data", str(data), *args])
    return code, capsys.readouterr().out
