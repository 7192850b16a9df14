"""The generated references are current (``python -m api.gendocs --check``), complete, and the
guides' relative links point at files that exist."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from api import gendocs
from audit.rulebook import RULES
from domain.gates import GATE_ORDER
from domain.vocabulary import STEPS

DOCS = Path(__file__).resolve().parent.parent / "docs"
GUIDES = ("guide-reviewer.md", "guide-supervisor.md", "guide-public-feed.md", "guide-operator.md", "threat-model.md")


@pytest.mark.parametrize("name", sorted(gendocs.OUTPUTS))
def test_the_generated_reference_is_current(name: str) -> None:
    assert (DOCS / name).read_text(encoding="utf-8") == gendocs.OUTPUTS[name](), (
        f"docs/{name} is out of date: run `python -m api.gendocs`")


def test_the_check_mode_says_so(tmp_path: Path) -> None:
    assert gendocs.main(["--check"]) == 0
    assert gendocs.main(["--check", "--docs", str(tmp_path)]) == 1
    assert gendocs.main(["--docs", str(tmp_path)]) == 0
    assert gendocs.main(["--check", "--docs", str(tmp_path)]) == 0


def test_the_references_name_every_step_gate_and_rule() -> None:
    steps = gendocs.steps_markdown()
    assert all(f"### {name}\n" in steps for name in STEPS)
    rules = gendocs.rules_markdown()
    assert all(f"| {rule} |" in rules for rule in (*GATE_ORDER, *RULES))


@pytest.mark.parametrize("name", GUIDES)
def test_a_guide_links_only_to_files_that_exist(name: str) -> None:
    text = (DOCS / name).read_text(encoding="utf-8")
    targets = re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text)
    local = [t for t in targets if not re.match(r"[a-z]+:", t)]
    missing = [t for t in local if not (DOCS / t).resolve().exists()]
    assert missing == []
