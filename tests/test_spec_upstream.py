"""The project's spec names every step type and rule that ``../shared/domain`` names.

The project's copy (``docs/spec/``) is the source of truth and may say more or other than
``../shared``; what it must not do is miss a step or a rule that ``../shared`` has gained.
Skipped when ``../shared`` is not next to the repository (a clone elsewhere).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.helpers.spec_paths import RULES_MD, STEPS_MD, upstream

_RULE = re.compile(r"^\*\*([A-Z]+-\d+[A-Za-z]?)\b", re.MULTILINE)
_ROW = re.compile(r"^\| *([^|]*`[A-Z][A-Za-z]+`[^|]*)\|", re.MULTILINE)


def step_types(steps_md: str) -> set[str]:
    """Step types: the CamelCase names in the first cell of the vocabulary tables."""
    return {name for cell in _ROW.findall(steps_md) for name in re.findall(r"`([A-Z][A-Za-z]+)`", cell)}


def rule_ids(rules_md: str) -> set[str]:
    """Rule ids: the bold headings that open each catalogue entry (``**PEN-01 …**``)."""
    return set(_RULE.findall(rules_md))


def test_the_parsers_find_the_projects_spec() -> None:
    steps = step_types(STEPS_MD.read_text(encoding="utf-8"))
    rules = rule_ids(RULES_MD.read_text(encoding="utf-8"))
    assert {"CaseRegistered", "DecisionMade", "AgencyRegistered", "HolidayNoticePublished"} <= steps
    assert {"CAL-01", "PEN-01", "TS-01", "RC-01", "LIT-01", "EVAL-01", "PUB-01"} <= rules
    assert len(rules) == 156  # rules.md's own "Rule count"


def test_a_missing_step_or_rule_is_noticed() -> None:
    text = STEPS_MD.read_text(encoding="utf-8")
    assert "DecisionMade" not in step_types(text.replace("`DecisionMade`", "`Decision`"))
    rules = RULES_MD.read_text(encoding="utf-8")
    assert "PEN-01" not in rule_ids(rules.replace("**PEN-01 ", "**PEN-X "))


def _upstream_domain() -> Path:
    source = upstream()
    if source is None:
        pytest.skip("../shared is not next to this repository")
    return source / "domain"


def test_every_upstream_step_type_is_in_the_project_spec() -> None:
    theirs = step_types((_upstream_domain() / "steps.md").read_text(encoding="utf-8"))
    ours = step_types(STEPS_MD.read_text(encoding="utf-8"))
    assert theirs, "no step type found upstream: the parser no longer fits steps.md"
    assert sorted(theirs - ours) == []


def test_every_upstream_rule_is_in_the_project_spec() -> None:
    theirs = rule_ids((_upstream_domain() / "rules.md").read_text(encoding="utf-8"))
    ours = rule_ids(RULES_MD.read_text(encoding="utf-8"))
    assert theirs, "no rule id found upstream: the parser no longer fits rules.md"
    assert sorted(theirs - ours) == []
