"""``domain/step_types.py`` is the vocabulary's step types as a Literal, current, and mypy uses it to
catch a misspelt step type in a handler table or a gate's step set."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from mypy import api as mypy_api

from api import gentypes
from domain.step_types import STEP_TYPES, by_step_type, step_types_of
from domain.vocabulary import step_types

ROOT = Path(__file__).resolve().parents[1]


def test_the_literal_is_the_vocabulary() -> None:
    assert STEP_TYPES == step_types()
    assert (ROOT / "domain" / "step_types.py").read_text(encoding="utf-8") == gentypes.source()


def test_check_reports_a_stale_file_and_writing_makes_it_current(tmp_path: Path) -> None:
    target = tmp_path / "step_types.py"
    target.write_text(gentypes.source().replace('    "DecisionMade",\n', ""), encoding="utf-8")
    assert gentypes.main(["--check", "--target", str(target)]) == 1
    assert gentypes.main(["--target", str(target)]) == 0
    assert gentypes.main(["--check", "--target", str(target)]) == 0


def test_names_computed_from_the_vocabulary_are_checked_at_run_time() -> None:
    assert step_types_of(["DecisionMade", "CaseRegistered"]) == {"DecisionMade", "CaseRegistered"}
    with pytest.raises(ValueError, match="DecisionMdae"):
        step_types_of(["DecisionMade", "DecisionMdae"])
    assert by_step_type({"DecisionMade": 1}) == {"DecisionMade": 1}


def test_mypy_catches_a_misspelt_step_type(tmp_path: Path) -> None:
    """One mypy run over a probe: errors on exactly the misspelt lines, none on the well-spelt ones."""
    lines = [
        'BAD_TABLE = by_step_type({"DecisionMdae": print})',
        'GOOD_TABLE = by_step_type({"DecisionMade": print})',
        'BAD_SET: frozenset[StepType] = frozenset({"SummaryDecisonMade"})',
        'GOOD_SET: frozenset[StepType] = frozenset({"SummaryDecisionMade"})',
    ]
    probe = tmp_path / "probe.py"
    probe.write_text("from domain.step_types import StepType, by_step_type\n\n" + "\n".join(lines) + "\n",
                     encoding="utf-8")
    previous = os.getcwd()
    os.chdir(ROOT)
    try:
        out, _, status = mypy_api.run(["--strict", "--no-incremental", "--cache-dir", os.devnull,
                                       "--follow-imports", "silent", str(probe)])
    finally:
        os.chdir(previous)
    flagged = {int(line.split(":")[1]) for line in out.splitlines()
               if line.startswith(str(probe)) and ": error:" in line}
    assert status != 0 and flagged == {3, 5}, out  # lines 3 and 5 of the probe: the misspelt ones
