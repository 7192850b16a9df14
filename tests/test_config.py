"""The configuration of legal numbers: defaults, TOML loading, refusals, docs, effective values."""

from __future__ import annotations

import re
import tomllib
from datetime import UTC, datetime, time
from pathlib import Path
from types import MappingProxyType

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.config import (
    CATEGORIES,
    CoercionLimits,
    Config,
    ConfigError,
    LicenceLimits,
    PublicationRegime,
    config_keys,
    default_category,
    effective_coercion_terms,
    effective_first_violation_months,
    effective_inspection_cap,
    effective_licence_terms,
    effective_regime,
    effective_thresholds,
    toml_literal,
)
from domain.registry import AgencyState, Item, ReviewCatalogue

DOCS = Path(__file__).resolve().parents[1] / "docs" / "configuration.md"
T0 = datetime(2026, 1, 1, tzinfo=UTC)


def test_defaults_are_the_documented_ones() -> None:
    c = Config()
    assert (c.statement.window_wd, c.statement.window_with_hearing_wd) == (3, 5)
    assert (c.summary.person_max_fen, c.summary.organisation_max_fen) == (20_000, 300_000)
    assert (c.limitation.years, c.limitation.extended_years) == (2, 5)
    assert c.registration.within_wd == 15
    assert c.publication.correction_wd == 5
    assert c.warnings.yellow_wd == 3
    assert (c.evaluation.major_points, c.evaluation.minor_points, c.evaluation.info_points) == (5, 2, 0)
    assert (c.evaluation.excellent_min, c.evaluation.pass_min) == (90, 60)
    assert sum(c.evaluation.weights.values()) == 100
    assert c.retention.general_penalty == c.retention.transfer == "permanent"
    assert c.retention.summary == c.retention.no_penalty == "30y"
    assert c.officers.minimum == 2
    assert c.minors.no_penalty_under == 14


def test_every_key_names_a_rule_and_an_article() -> None:
    for key in config_keys():
        assert re.fullmatch(r"[A-Z]+-\d+|STRUCT-[A-Z]+", key.rule), key  # a rules.md id or a structural one
        assert key.basis and key.doc, key


def test_empty_toml_is_the_defaults() -> None:
    assert Config.from_toml({}) == Config()
    assert Config.from_toml({"statement": {}}) == Config()


def test_toml_changes_only_what_it_states() -> None:
    c = Config.from_toml(tomllib.loads("""
[statement]
window_wd = 5

[hearing]
person_fen = 300_000
penalty_types = ["revocation"]

[publication.regimes.local]
min_months = 24
max_months = 60

[publication]
regime = "local"
"""))
    assert c.statement.window_wd == 5
    assert c.statement.window_with_hearing_wd == 5
    assert c.hearing.person_fen == 300_000
    assert c.hearing.organisation_fen == Config().hearing.organisation_fen
    assert c.hearing.penalty_types == ("revocation",)
    assert effective_regime(c) == PublicationRegime(24, 60)
    assert c.summary == Config().summary


@pytest.mark.parametrize(("toml", "named"), [
    ({"statment": {}}, "statment"),
    ({"statement": {"window_days": 3}}, "statement 中有未知的配置项：window_days"),
    ({"statement": {"window_wd": "3"}}, "statement.window_wd 应为整数"),
    ({"statement": {"window_wd": True}}, "statement.window_wd 应为整数"),
    ({"summary": {"person_max_fen": 200.0}}, "summary.person_max_fen 应为整数"),
    ({"statement": {"window_wd": -1}}, "statement.window_wd 不能为负数"),
    ({"legal_review": {"when_hearing_held": 1}}, "legal_review.when_hearing_held 应为布尔值"),
    ({"hearing": {"penalty_types": ["caning"]}}, "hearing.penalty_types 含未知的处罚种类"),
    ({"hearing": {"penalty_types": "fine"}}, "hearing.penalty_types 应为字符串列表"),
    ({"evaluation": {"weights": {"执法主体": 100}}}, "evaluation.weights"),
    ({"evaluation": {"pass_min": 95}}, "pass_min ≤ excellent_min"),
    ({"evaluation": {"categories": {"PEN-04": "其他"}}}, "evaluation.categories.PEN-04"),
    ({"retention": {"summary": "forever"}}, "retention.summary"),
    ({"publication": {"regime": "nowhere"}}, "publication.regime"),
    ({"publication": {"regimes": {"x": {"min_months": 3}}}}, "publication.regimes.x 缺少必填项"),
    ({"publication": {"regimes": {"x": {"min_months": 9, "max_months": 3}}}}, "publication.regimes.x"),
    ({"publication": {"annual_statistics_due": "02-30"}}, "annual_statistics_due"),
    ({"legal_review": {"qualification_from": "2021-13-01"}}, "legal_review.qualification_from 应为日期"),
    ({"statement": 3}, "statement 应为 TOML 表"),
])
def test_bad_configuration_is_refused_naming_the_key(toml: dict[str, object], named: str) -> None:
    with pytest.raises(ConfigError) as caught:
        Config.from_toml(toml)
    assert named in str(caught.value)


def test_round_trip_through_toml_mapping() -> None:
    assert Config.from_toml(Config().as_toml()) == Config()


def test_a_config_is_hashable_so_callers_may_cache_on_it() -> None:
    tuned = Config.from_toml({"evaluation": {"categories": {"PEN-10": "法律文书"}}})
    assert hash(Config()) == hash(Config.from_toml({}))
    assert len({Config(), Config.from_toml({}), tuned}) == 2


@given(
    window=st.integers(0, 30), hearing=st.integers(0, 30), person=st.integers(0, 10**9),
    excellent=st.integers(0, 100), gap=st.integers(0, 100), publish=st.booleans(),
)
def test_any_valid_values_round_trip(window: int, hearing: int, person: int, excellent: int, gap: int,
                                     publish: bool) -> None:
    mapping = {
        "statement": {"window_wd": window, "window_with_hearing_wd": hearing},
        "hearing": {"person_fen": person},
        "evaluation": {"excellent_min": excellent, "pass_min": max(0, excellent - gap)},
        "no_penalty": {"publish": publish},
    }
    c = Config.from_toml(mapping)
    assert Config.from_toml(c.as_toml()) == c
    assert c.statement.window_wd == window and c.hearing.person_fen == person


def test_docs_list_every_key_with_its_default_rule_and_article() -> None:
    text = DOCS.read_text(encoding="utf-8")
    rows = {m.group(1): m.group(0) for m in re.finditer(r"^\| `([a-z_]+\.[a-z_]+)` \|.*$", text, re.M)}
    keys = config_keys()
    assert set(rows) == {k.key for k in keys}
    for key in keys:
        row = rows[key.key]
        assert f"| `{toml_literal(key.default)}` |" in row, key.key
        assert f"| {key.rule} |" in row and key.basis in row, key.key


def test_docs_complete_file_loads_to_the_defaults() -> None:
    text = DOCS.read_text(encoding="utf-8")
    block = re.search(r"```toml\n(.*?)```", text, re.S)
    assert block is not None
    assert Config.from_toml(tomllib.loads(block.group(1))) == Config()


def _agency(catalogue: ReviewCatalogue | None) -> AgencyState:
    return AgencyState("agency/X", "某局", None, (), None, None, MappingProxyType({}), catalogue)


def test_agency_catalogue_wins_over_the_default_thresholds() -> None:
    c = Config()
    default = effective_thresholds(c, None)
    assert default.source == "config"
    assert default.hearing_fen("person") == c.hearing.person_fen
    assert default.review_fen("organisation") == c.legal_review.organisation_fen
    assert default.hearing_fen(None) == min(c.hearing.person_fen, c.hearing.organisation_fen)
    assert effective_thresholds(c, _agency(None)) == default
    published = effective_thresholds(c, _agency(ReviewCatalogue(1, 2, 3, 4, (), T0)))
    assert published.source == "agency"
    assert (published.review_fen("person"), published.review_fen("organisation")) == (1, 2)
    assert (published.hearing_fen("person"), published.hearing_fen("organisation")) == (3, 4)


def test_item_no_penalty_months_win_over_the_default() -> None:
    c = Config()
    item = Item("A", "a", "penalty", frozenset({"fine"}), 0, 10, (), (), 6, T0)
    assert effective_first_violation_months(c, item) == 6
    assert effective_first_violation_months(c, None) == 12
    no_list = Item("A", "a", "penalty", frozenset({"fine"}), 0, 10, (), (), None, T0)
    assert effective_first_violation_months(c, no_list) == 12


def test_categories_follow_rules_md() -> None:
    assert default_category("PEN-04") == "执法主体"
    assert default_category("PEN-31") == "适用法律"
    assert default_category("PEN-21") == "法律文书"
    assert default_category("EVAL-06") == "立卷归档"
    assert default_category("PEN-10") == "执法程序"
    assert default_category("RC-03") == "执法程序"
    assert default_category("CAL-01") is None
    assert set(Config().evaluation.weights) == set(CATEGORIES)
    tuned = Config.from_toml({"evaluation": {"categories": {"PEN-10": "法律文书"}}})
    assert tuned.evaluation.category("PEN-10") == "法律文书"
    assert tuned.evaluation.category("PEN-04") == "执法主体"


def test_licence_and_complaint_defaults_are_the_briefs() -> None:
    lic, cmp, pub = Config().licence, Config().complaint, Config().publication
    assert lic.supplement_notice_wd == 5
    assert (lic.decision_wd, lic.extension_wd, lic.joint_decision_wd, lic.joint_extension_wd) == (20, 10, 45, 15)
    assert lic.issue_wd == 10
    assert (lic.hearing_request_wd, lic.hearing_within_wd, lic.hearing_notice_wd) == (5, 20, 7)
    assert (lic.renewal_apply_nd, lic.cancellation_wd, lic.publish_denials) == (30, 20, False)
    assert (pub.licence_wd, pub.other_decision_wd, pub.withdraw_wd) == (7, 20, 3)
    assert (cmp.accept_wd, cmp.petition_notice_nd, cmp.answer_nd, cmp.extension_nd) == (5, 15, 30, 30)
    assert (cmp.petition_answer_nd, cmp.petition_extension_nd) == (60, 30)
    assert (Config().retention.licence, Config().retention.complaint) == ("30y", "10y")


@pytest.mark.parametrize(("toml", "named"), [
    ({"licence": {"decision_wd": -1}}, "licence.decision_wd 不能为负数"),
    ({"licence": {"publish_denials": 0}}, "licence.publish_denials 应为布尔值"),
    ({"complaint": {"answer_days": 30}}, "complaint 中有未知的配置项：answer_days"),
    ({"retention": {"licence": "forever"}}, "retention.licence"),
])
def test_bad_licence_and_complaint_settings_are_refused(toml: dict[str, object], named: str) -> None:
    with pytest.raises(ConfigError) as caught:
        Config.from_toml(toml)
    assert named in str(caught.value)


def _licence_item(terms: dict[str, object] | None) -> Item:
    data: dict[str, object] = {"code": "SPJ-SR-11-2", "name": "大型户外广告设置审批", "kind": "licence"}
    if terms is not None:
        data["licence"] = terms
    return Item.from_data(data, T0)


def test_an_items_published_licence_periods_win_over_the_defaults() -> None:
    c = Config()
    assert effective_licence_terms(c, None) == LicenceLimits(20, 10, None, False, "config")
    assert effective_licence_terms(c, _licence_item(None)) == LicenceLimits(20, 10, None, False, "config")
    assert effective_licence_terms(c, _licence_item({"materials": []})) == LicenceLimits(20, 10, None, False, "config")
    joint = _licence_item({"joint": True})
    assert effective_licence_terms(c, joint) == LicenceLimits(45, 15, None, True, "config")
    own = _licence_item({"statutory_days": 15, "promised_days": 8, "extension_days": 5})
    assert effective_licence_terms(c, own) == LicenceLimits(15, 5, 8, False, "item")
    tuned = Config.from_toml({"licence": {"decision_wd": 12, "joint_extension_wd": 20}})
    assert effective_licence_terms(tuned, _licence_item(None)).decision_wd == 12
    assert effective_licence_terms(tuned, own).decision_wd == 15, "the item still wins over the file"
    assert effective_licence_terms(tuned, joint).extension_wd == 20


def test_licence_rule_categories_follow_rules_md() -> None:
    """rules.md "Findings and scoring — licensing": LIC-01 执法主体; LIC-06 事实证据; LIC-04/12/13 法律文书;
    EVAL-09 立卷归档; every other LIC rule and TS-10 执法程序 (CAL-06/07 too, a project default)."""
    assert default_category("LIC-01") == "执法主体"
    assert default_category("LIC-06") == "事实证据"
    assert {default_category(r) for r in ("LIC-04", "LIC-12", "LIC-13")} == {"法律文书"}
    assert default_category("EVAL-09") == "立卷归档"
    assert {default_category(r) for r in ("LIC-03", "LIC-19", "TS-10", "CAL-06", "CAL-07")} == {"执法程序"}


# --------------------------------------------------------------------------- 行政强制 and 行政检查 (#16)


def test_coercion_enforcement_and_inspection_defaults_are_the_briefs() -> None:
    c = Config()
    coe, enf = c.coercion, c.enforcement
    assert (coe.max_days, coe.max_extension_days, coe.roll_forward) == (30, 30, False)
    assert (coe.emergency_report_hours, coe.emergency_approval_hours) == (24, 24)
    assert (coe.return_days, coe.freeze_decision_wd) == (0, 3)
    assert enf.night_window() == (time(22, 0), time(6, 0))
    assert (enf.weekends_protected, enf.min_officers, enf.substitute_notice_wd, enf.surcharge_wait_nd) == (
        True, 2, 3, 30)
    assert (c.inspection.min_officers, c.inspection.max_per_year) == (2, 0)
    assert c.spotcheck.algorithm == "ledger-draw-v1"
    assert (c.publication.coercion, c.publication.inspection_no_issue) == (True, False)
    assert (c.retention.coercion, c.retention.inspection) == ("30y", "10y")


@pytest.mark.parametrize(("toml", "named"), [
    ({"enforcement": {"night": "22-6"}}, "enforcement.night 应为 时:分-时:分"),
    ({"enforcement": {"night": "24:00-06:00"}}, "enforcement.night"),
    ({"enforcement": {"night": "06:00-06:00"}}, "起止时刻不能相同"),
    ({"spotcheck": {"algorithm": "dice"}}, "spotcheck.algorithm"),
    ({"coercion": {"max_days": -1}}, "coercion.max_days 不能为负数"),
    ({"coercion": {"roll_forward": 1}}, "coercion.roll_forward 应为布尔值"),
    ({"retention": {"inspection": "5y"}}, "retention.inspection"),
    ({"inspection": {"cap": 3}}, "inspection 中有未知的配置项：cap"),
])
def test_bad_coercion_and_inspection_settings_are_refused(toml: dict[str, object], named: str) -> None:
    with pytest.raises(ConfigError) as caught:
        Config.from_toml(toml)
    assert named in str(caught.value)


def test_a_configured_night_is_read() -> None:
    c = Config.from_toml({"enforcement": {"night": "21:30-07:00", "weekends_protected": False}})
    assert c.enforcement.night_window() == (time(21, 30), time(7, 0))
    assert c.enforcement.weekends_protected is False


def _item(kind: str, **data: object) -> Item:
    return Item.from_data({"code": "CGJ-DQ-30-QZ", "name": "扣押", "kind": kind, **data}, T0)


def test_an_items_published_coercion_periods_win_over_the_defaults() -> None:
    c = Config()
    assert effective_coercion_terms(c, None) == CoercionLimits(30, 30, "config")
    plain = _item("coercion", coercion={"measures": ["seal", "seize"]},
                  basis=[{"law": "大气污染防治法", "rank": "law"}, {"law": "某办法"}])
    assert effective_coercion_terms(c, plain) == CoercionLimits(30, 30, "config")
    assert plain.coercion is not None and plain.coercion.measures == frozenset({"seal", "seize"})
    assert plain.basis_ranks == ("law", "")
    own = _item("coercion", coercion={"measures": ["seize"], "max_days": 60})
    assert effective_coercion_terms(c, own) == CoercionLimits(60, 30, "item")
    tuned = Config.from_toml({"coercion": {"max_days": 20, "max_extension_days": 10}})
    assert effective_coercion_terms(tuned, plain) == CoercionLimits(20, 10, "config")
    assert effective_coercion_terms(tuned, own) == CoercionLimits(60, 10, "item"), "the item still wins"


def test_an_items_inspection_cap_wins_and_zero_means_none() -> None:
    c = Config()
    assert effective_inspection_cap(c, None) is None
    capped = _item("inspection", spot_check={"random": True, "max_per_year": 2})
    assert capped.spot_check is not None and capped.spot_check.random
    assert effective_inspection_cap(c, capped) == 2
    assert effective_inspection_cap(Config.from_toml({"inspection": {"max_per_year": 4}}), None) == 4
    assert effective_inspection_cap(c, _item("inspection", spot_check={"random": True})) is None
    enforcement = _item("enforcement", enforcement={"methods": ["demolition"]})
    assert enforcement.enforcement is not None and enforcement.enforcement.methods == frozenset({"demolition"})
