"""One configuration for every configurable legal number of rules.md.

Why one place: the gates, the deadline engine and the audit must agree on every
threshold and period, and a reviewer must be able to see (and a district to
change, in one TOML file) what the software assumes. Each key documents its
rule id and article; ``docs/configuration.md`` lists them all and a test keeps
that list complete.

Three kinds of numbers live here:

* **open points** rules.md leaves to local rule (statement window, 较大数额,
  法制审核 thresholds, 及时立案, scoring, grade cut-offs, …), with its defaults;
* **statutory periods** (7 WD, 15 ND, 90 ND, …): configurable only because
  "a law may provide otherwise"; change them only on such a law;
* **policy settings** of the §8 open questions (Q1, Q10, Q13, Q15).

Agency-published steps win over the defaults for that agency
(``LegalReviewCatalogPublished`` thresholds, an item's ``no_penalty``
months): use the ``effective_*`` helpers rather than reading the defaults.

Reading the TOML *file* is the caller's business (no I/O in ``domain``):
``Config.from_toml(tomllib.load(f))``. Unknown keys are refused so that a typo
never silently falls back to a default.
"""

from __future__ import annotations

import re
import typing
from collections.abc import Iterator, Mapping
from dataclasses import MISSING, dataclass, field, fields, is_dataclass
from datetime import date
from typing import Any, Final, Generic, TypeVar

from domain.errors import DomainError
from domain.registry import AgencyState, Item
from domain.shapes import PENALTY_TYPES

__all__ = [
    "CATEGORIES",
    "Config",
    "ConfigError",
    "ConfigKey",
    "FrozenMap",
    "PublicationRegime",
    "Recording",
    "Thresholds",
    "config_keys",
    "default_category",
    "effective_first_violation_months",
    "effective_regime",
    "effective_thresholds",
    "toml_literal",
]

LAW: Final = "《中华人民共和国行政处罚法》"
COERCION_LAW: Final = "《中华人民共和国行政强制法》"
RECONSIDERATION_LAW: Final = "《中华人民共和国行政复议法》"
LITIGATION_LAW: Final = "《中华人民共和国行政诉讼法》"
TRANSFER_RULE: Final = "《行政执法机关移送涉嫌犯罪案件的规定》"
DOC_118: Final = "国办发〔2018〕118号"
OGI: Final = "《中华人民共和国政府信息公开条例》"
JUDICIAL: Final = "《最高人民法院关于行政机关负责人出庭应诉若干问题的规定》"

CATEGORIES: Final = ("执法主体", "事实证据", "适用法律", "执法程序", "自由裁量", "法律文书", "立卷归档")
"""The EVAL-02 score categories, in the order of rules.md."""

SEVERITIES: Final = ("BLOCKER", "MAJOR", "MINOR", "INFO")
RETENTIONS: Final = ("permanent", "30y", "10y")


class ConfigError(DomainError, ValueError):
    """A configuration that cannot be used: unknown key, wrong type, impossible value."""


V = TypeVar("V")


class FrozenMap(Mapping[str, V], Generic[V]):
    """A read-only, hashable mapping, so that a ``Config`` can be a cache key."""

    __slots__ = ("_data",)

    def __init__(self, data: Mapping[str, V] | None = None) -> None:
        self._data = dict(data or {})

    def __getitem__(self, key: str) -> V:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __hash__(self) -> int:
        return hash(frozenset(self._data.items()))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Mapping) and dict(self.items()) == dict(other.items())

    def __repr__(self) -> str:
        return f"FrozenMap({self._data!r})"


def _key(default: Any, rule: str, basis: str, doc: str) -> Any:
    """A configuration key with its default and where it comes from (rule id, article)."""
    meta = {"rule": rule, "basis": basis, "doc": doc}
    if isinstance(default, dict):
        frozen = FrozenMap(default)
        return field(default_factory=lambda: frozen, metadata=meta)
    return field(default=default, metadata=meta)


# --------------------------------------------------------------------------- sections


@dataclass(frozen=True)
class Limitation:
    """追责时效 (PEN-01)."""

    years: int = _key(
        2, "PEN-01", f"{LAW}第三十六条第一款",
        "违法行为自终了之日起在此年数内未被发现的，不再给予行政处罚",
    )
    extended_years: int = _key(
        5, "PEN-01", f"{LAW}第三十六条第一款",
        "涉及公民生命健康安全、金融安全且有危害后果的，时效延长至此年数",
    )
    extended_items: tuple[str, ...] = _key(
        (), "PEN-01", f"{LAW}第三十六条第一款",
        "适用延长时效的执法事项编码（步骤无法记录“危害后果”，按事项配置）",
    )


@dataclass(frozen=True)
class Officers:
    """执法人员 (PEN-04)."""

    minimum: int = _key(
        2, "PEN-04", f"{LAW}第四十二条第一款",
        "调查、检查、询问、先行登记保存、当场处罚的最少执法人员数",
    )


@dataclass(frozen=True)
class Registration:
    """立案 (PEN-03)."""

    within_wd: int = _key(15, "PEN-03", f"{LAW}第五十四条第二款", "案源登记后及时立案的期限（工作日；本地规定，Q7）")


@dataclass(frozen=True)
class Preservation:
    """先行登记保存 (PEN-08)."""

    resolve_wd: int = _key(
        7, "PEN-08", f"{LAW}第五十六条、第八十五条",
        "先行登记保存后作出处理决定的期限（工作日，法定）",
    )
    approval_after_allowed: bool = _key(
        False, "PEN-08", f"{LAW}第五十六条", "情况紧急时是否允许事后补批（仅当本地规定允许）",
    )


@dataclass(frozen=True)
class Statement:
    """陈述申辩期 (PEN-10), counted from the notice's service (Q5)."""

    window_wd: int = _key(3, "PEN-10", f"{LAW}第四十五条第一款、第六十二条", "事先告知送达后的陈述申辩期（工作日）")
    window_with_hearing_wd: int = _key(
        5, "PEN-10", f"{LAW}第四十五条第一款、第六十四条第一项", "告知听证权利时的陈述申辩期（工作日）",
    )


@dataclass(frozen=True)
class Hearing:
    """听证 (PEN-12 to PEN-15). The 较大数额 thresholds are open (Q6): the defaults are
    the lowest found (公安 2 000 / 10 000 元), so a notice tells of the hearing right
    whenever any of the surveyed local rules would require it."""

    person_fen: int = _key(
        200_000, "PEN-12", f"{LAW}第六十三条第一款第一项",
        "对公民的“较大数额罚款”（分，≥ 即需告知听证；Q6）",
    )
    organisation_fen: int = _key(
        1_000_000, "PEN-12", f"{LAW}第六十三条第一款第一项", "对法人或其他组织的“较大数额罚款”（分；Q6）",
    )
    penalty_types: tuple[str, ...] = _key(
        ("suspension", "revocation"), "PEN-12", f"{LAW}第六十三条第一款第三项、第四项",
        "无论金额均需告知听证的处罚种类（降低资质等级、吊销许可证件、责令停产停业、责令关闭、限制从业）",
    )
    request_wd: int = _key(5, "PEN-13", f"{LAW}第六十四条第一项", "告知后提出听证要求的期限（工作日，法定）")
    notice_wd: int = _key(7, "PEN-14", f"{LAW}第六十四条第二项", "听证通知至举行听证的最短间隔（工作日，两端不计，Q4）")
    max_agents: int = _key(2, "PEN-15", f"{LAW}第六十四条第五项", "当事人可委托的听证代理人上限")


_QUALIFICATION_FROM: Final = date(2021, 7, 15)


@dataclass(frozen=True)
class LegalReview:
    """法制审核 (PEN-16 to PEN-18). Agencies' ``LegalReviewCatalogPublished`` wins."""

    person_fen: int = _key(
        1_000_000, "PEN-16", f"{LAW}第五十八条第一款；{DOC_118}（法制审核目录清单）",
        "对公民罚款达到此额须法制审核（分；机关公布的目录清单优先）",
    )
    organisation_fen: int = _key(
        10_000_000, "PEN-16", f"{LAW}第五十八条第一款；{DOC_118}（法制审核目录清单）",
        "对法人或其他组织罚款达到此额须法制审核（分；机关公布的目录清单优先）",
    )
    when_hearing_held: bool = _key(
        True, "PEN-16", f"{LAW}第五十八条第一款第二项", "经过听证程序的案件须法制审核",
    )
    penalty_types: tuple[str, ...] = _key(
        (), "PEN-16", f"{LAW}第五十八条第一款", "无论金额均须法制审核的处罚种类",
    )
    qualification_from: date = _key(  # noqa: RUF009 - a date is immutable
        _QUALIFICATION_FROM, "PEN-17", f"{LAW}第五十八条第二款、第八十六条",
        "此日及以后首次从事法制审核的人员须取得法律职业资格",
    )
    review_wd: int = _key(7, "PEN-18", "本地法制审核规定（宁夏等）", "法制审核期限（工作日）")
    extension_wd: int = _key(3, "PEN-18", "本地法制审核规定（宁夏等）", "法制审核可延长的期限（工作日）")
    staff_ratio_percent: int = _key(5, "TS-09", DOC_118, "法制审核人员占执法人员的最低比例（%）")


@dataclass(frozen=True)
class CollectiveDiscussion:
    """集体讨论 (PEN-19): when 情节复杂或者重大违法 is taken to hold."""

    when_hearing_eligible: bool = _key(
        True, "PEN-19", f"{LAW}第五十七条第二款", "拟作出的处罚属于应告知听证的处罚时须集体讨论",
    )
    when_hearing_held: bool = _key(True, "PEN-19", f"{LAW}第五十七条第二款", "经过听证的案件须集体讨论")
    when_review_threshold: bool = _key(
        True, "PEN-19", f"{LAW}第五十七条第二款", "罚款达到法制审核（重大）金额时须集体讨论",
    )


@dataclass(frozen=True)
class Decision:
    """决定与送达期限 (PEN-23, PEN-24)."""

    limit_nd: int = _key(90, "PEN-23", f"{LAW}第六十条", "立案之日起作出决定的期限（自然日）")
    service_wd: int = _key(7, "PEN-24", f"{LAW}第六十一条", "当事人不在场时送达决定书的期限（工作日）")
    public_notice_nd: int = _key(
        30, "PEN-24", "《中华人民共和国民事诉讼法》第九十五条",
        "公告送达视为送达的期间（自然日）",
    )


@dataclass(frozen=True)
class Summary:
    """简易程序 limits (PEN-30)."""

    person_max_fen: int = _key(20_000, "PEN-30", f"{LAW}第五十一条", "简易程序对公民罚款上限（分，含本数）")
    organisation_max_fen: int = _key(
        300_000, "PEN-30", f"{LAW}第五十一条",
        "简易程序对法人或其他组织罚款上限（分，含本数）",
    )
    penalty_types: tuple[str, ...] = _key(
        ("warning", "fine"), "PEN-30", f"{LAW}第五十一条", "简易程序可作出的处罚种类",
    )


@dataclass(frozen=True)
class Payment:
    """缴纳与执行 (PEN-25 to PEN-29)."""

    due_nd: int = _key(15, "PEN-25", f"{LAW}第六十七条第三款", "收到决定书之日起缴纳罚款的期限（自然日）")
    on_the_spot_max_fen: int = _key(
        10_000, "PEN-26", f"{LAW}第六十八条第一项",
        "简易程序当场收缴的罚款上限（分，含本数）",
    )
    cash_handover_wd: int = _key(2, "PEN-26", f"{LAW}第七十一条", "当场收缴的罚款交至行政机关的期限（工作日）")
    cash_deposit_wd: int = _key(2, "PEN-26", f"{LAW}第七十一条", "行政机关缴付指定银行的期限（工作日）")
    surcharge_percent_per_day: int = _key(
        3, "PEN-27", f"{LAW}第七十二条第一款第一项", "逾期每日加处罚款的比例（%，总额不超过罚款数额）",
    )
    demand_to_court_wd: int = _key(
        10, "PEN-29", f"{COERCION_LAW}第五十四条",
        "催告送达后申请法院强制执行前的期间（工作日）",
    )
    court_application_months: int = _key(
        3, "PEN-29", f"{COERCION_LAW}第五十三条", "复议、诉讼期限届满后申请法院强制执行的期限（月）",
    )


@dataclass(frozen=True)
class Minors:
    """年龄 (PEN-35, PUB-02). Ages in 周岁, counted from the day after the birthday [M]."""

    no_penalty_under: int = _key(14, "PEN-35", f"{LAW}第三十条", "不满此周岁的人有违法行为的，不予行政处罚")
    mitigation_under: int = _key(18, "PEN-35", f"{LAW}第三十条", "不满此周岁（已满十四周岁）的，应当从轻或者减轻处罚")
    publication_suppressed_under: int = _key(
        18, "PUB-02", "地方行政处罚信息公开规定；《中华人民共和国政府信息公开条例》第十五条",
        "被处罚人不满此周岁的，不予公开",
    )


@dataclass(frozen=True)
class NoPenalty:
    """包容免罚 (PEN-36) and whether 不予处罚 decisions are published."""

    first_violation_months: int = _key(
        12, "PEN-36", f"{LAW}第三十三条第一款", "“初次违法”的回溯期（月；事项公布的 no_penalty 优先）",
    )
    publish: bool = _key(False, "PEN-40", f"{LAW}第四十八条", "是否公开不予处罚决定")


@dataclass(frozen=True)
class Transfer:
    """两法衔接 (PEN-42). The 3-day periods are natural days (Q11)."""

    decide_days: int = _key(
        3, "PEN-42", f"{TRANSFER_RULE}第五条",
        "正职负责人收到移送报告后作出决定的期限（自然日，Q11）",
    )
    transfer_hours: int = _key(24, "PEN-42", f"{TRANSFER_RULE}第六条", "批准移送后移送公安机关的期限（小时）")
    handover_days: int = _key(
        3, "PEN-42", f"{TRANSFER_RULE}第十二条",
        "公安机关立案后移交涉案物品的期限（自然日，Q11）",
    )
    reconsider_days: int = _key(
        3, "PEN-42", f"{TRANSFER_RULE}第九条",
        "收到不予立案通知后提请复议的期限（自然日，Q11）",
    )
    min_team: int = _key(2, "PEN-42", f"{TRANSFER_RULE}第五条", "移送专案组的最少人数")


@dataclass(frozen=True)
class PublicationRegime:
    """A 信用信息 publicity regime: shortest and longest display (PUB-04)."""

    min_months: int
    max_months: int


_REGIMES: Final = {
    "ndrc58": PublicationRegime(3, 36),
    "ndrc58_special": PublicationRegime(12, 36),
    "ndrc527_general": PublicationRegime(3, 12),
    "ndrc527_serious": PublicationRegime(6, 36),
}


@dataclass(frozen=True)
class Publication:
    """公示 (PEN-40, PEN-41, TS-03, TS-04, PUB-01, PUB-04, PUB-05)."""

    decision_wd: int = _key(7, "PEN-40", f"{DOC_118}；{LAW}第四十八条", "行政处罚决定作出后公开的期限（工作日）")
    other_decision_wd: int = _key(
        20, "TS-03", f"{DOC_118}；《中华人民共和国政府信息公开条例》第二十六条",
        "其他执法决定公开的期限（工作日）",
    )
    withdrawal_wd: int = _key(
        3, "PEN-41", f"{LAW}第四十八条第二款",
        "决定被变更、撤销、确认违法或无效后撤下公开信息的期限（工作日）",
    )
    withdrawal_clock: str = _key(
        "received", "PEN-41", f"{LAW}第四十八条第二款",
        "撤下期限的起算：received（收到纠错决定，Q10）或 effective（纠错决定生效）",
    )
    correction_wd: int = _key(5, "PUB-05", "地方行政处罚信息公开规定", "当事人申请更正公开信息后的处理期限（工作日）")
    scope: str = _key(
        "all", "PEN-40", f"{DOC_118}；{LAW}第四十八条第一款",
        "公开范围：all（全部处罚决定，118号，Q1）或 social_impact（仅“具有一定社会影响”的）",
    )
    mask_person_party: bool = _key(
        True, "PUB-01", f"{LAW}第五十条",
        "公开文本中自然人当事人的姓名须隐去（张某某，Q13）",
    )
    mask_legal_representative: bool = _key(
        True, "PUB-01", f"{LAW}第五十条", "公开文本中法定代表人的姓名须隐去（Q13）",
    )
    regime: str = _key("ndrc58", "PUB-04", "国家发展改革委令第58号", "默认的信用信息公示期制度（regimes 中的名称）")
    regimes: Mapping[str, PublicationRegime] = _key(
        _REGIMES, "PUB-04", "国家发展改革委令第58号；发改办财金〔2019〕527号",
        "公示期制度：名称 → {min_months 最短公示期, max_months 最长公示期}",
    )
    annual_statistics_due: str = _key("01-31", "TS-04", DOC_118, "上一年度行政执法统计年报的公开期限（月-日）")


@dataclass(frozen=True)
class Warnings:
    """预警 (deadlines at risk)."""

    yellow_wd: int = _key(3, "CAL-01", "rules.md“How the project applies it”", "期限届满前此数工作日内黄色预警")


_WEIGHTS: Final = {
    "执法主体": 10, "事实证据": 25, "适用法律": 15, "执法程序": 25, "自由裁量": 10, "法律文书": 10, "立卷归档": 5,
}

_DEFAULT_CATEGORIES: Final = {
    "PEN-02": "执法主体", "PEN-04": "执法主体", "PEN-06": "执法主体",
    "PEN-05": "事实证据", "PEN-07": "事实证据", "PEN-08": "事实证据",
    "PEN-01": "适用法律", "PEN-31": "适用法律", "PEN-32": "适用法律", "PEN-34": "适用法律",
    "PEN-33": "自由裁量", "PEN-35": "自由裁量", "PEN-36": "自由裁量", "PEN-37": "自由裁量",
    "PEN-21": "法律文书", "TS-07": "法律文书",
    "EVAL-04": "立卷归档", "EVAL-05": "立卷归档", "EVAL-06": "立卷归档", "EVAL-07": "立卷归档",
}


def default_category(rule: str) -> str | None:
    """The EVAL-02 category rules.md gives a rule; every other PEN/TS/PUB/RC/LIT is 执法程序."""
    if rule in _DEFAULT_CATEGORIES:
        return _DEFAULT_CATEGORIES[rule]
    if rule.split("-", 1)[0] in ("PEN", "TS", "PUB", "RC", "LIT"):
        return "执法程序"
    return None


@dataclass(frozen=True)
class Evaluation:
    """案卷评查 scoring (EVAL-01 to EVAL-07). Cut-offs have no source (Q17)."""

    major_points: int = _key(5, "EVAL-01", "rules.md“Findings and scoring”", "每项 MAJOR 发现扣分")
    minor_points: int = _key(2, "EVAL-01", "rules.md“Findings and scoring”", "每项 MINOR 发现扣分")
    info_points: int = _key(0, "EVAL-01", "rules.md“Findings and scoring”", "每项 INFO 发现扣分")
    weights: Mapping[str, int] = _key(
        _WEIGHTS, "EVAL-02", "测绘、浙江、河南评查标准（项目默认权重）", "各评查类别分值（合计 100，扣完为止）",
    )
    categories: Mapping[str, str] = _key(
        {}, "EVAL-02", "rules.md“Findings and scoring”", "规则 → 类别 的调整（未列出的按 rules.md 默认）",
    )
    severities: Mapping[str, str] = _key(
        {}, "EVAL-02", "rules.md §0 Severity", "规则 → 严重程度 的调整（如 TS-06 按本地规定调为 MAJOR）",
    )
    excellent_min: int = _key(90, "EVAL-03", "评查实践 [M]（Q17）", "优秀的最低分（且无否决项、无基本要素问题）")
    pass_min: int = _key(60, "EVAL-03", "评查实践 [M]（Q17）", "合格的最低分")
    archive_nd: int = _key(30, "EVAL-07", "地方评查标准", "结案后归档的期限（自然日）")
    file_order: str = _key(
        "chronological", "EVAL-04", "测绘评查标准（Q15）",
        "卷内文件顺序：chronological、result_first 或 split（正卷/副卷）",
    )

    def category(self, rule: str) -> str | None:
        """The category a rule's finding deducts from (configured, else rules.md's default)."""
        return self.categories.get(rule) or default_category(rule)


@dataclass(frozen=True)
class Retention:
    """保管期限 defaults (EVAL-06)."""

    general_penalty: str = _key(
        "permanent", "EVAL-06", "机关文件材料归档范围和文书档案保管期限规定",
        "普通程序处罚案卷",
    )
    transfer: str = _key("permanent", "EVAL-06", "机关文件材料归档范围和文书档案保管期限规定", "移送案卷")
    summary: str = _key("30y", "EVAL-06", "机关文件材料归档范围和文书档案保管期限规定", "简易程序案卷")
    no_penalty: str = _key("30y", "EVAL-06", "机关文件材料归档范围和文书档案保管期限规定", "不予处罚案卷")


@dataclass(frozen=True)
class Reconsideration:
    """行政复议 periods (RC-01 to RC-07; statutory)."""

    application_nd: int = _key(60, "RC-01", f"{RECONSIDERATION_LAW}第二十条第一款", "申请复议期限（自然日）")
    application_cap_years: int = _key(
        1, "RC-01", f"{RECONSIDERATION_LAW}第二十条第三款",
        "未告知救济时自知道行为之日起的最长期限（年）",
    )
    absolute_years: int = _key(5, "RC-01", f"{RECONSIDERATION_LAW}第二十一条", "自行为作出之日起的最长申请期限（年）")
    absolute_real_property_years: int = _key(
        20, "RC-01", f"{RECONSIDERATION_LAW}第二十一条",
        "涉及不动产的最长申请期限（年）",
    )
    acceptance_wd: int = _key(5, "RC-02", f"{RECONSIDERATION_LAW}第三十条", "受理审查期限（工作日）")
    copy_wd: int = _key(7, "RC-03", f"{RECONSIDERATION_LAW}第四十八条", "受理后发送申请书副本的期限（工作日）")
    copy_simple_wd: int = _key(3, "RC-03", f"{RECONSIDERATION_LAW}第五十四条", "简易程序发送副本的期限（工作日）")
    answer_wd: int = _key(10, "RC-03", f"{RECONSIDERATION_LAW}第四十八条", "被申请人答复期限（工作日）")
    answer_simple_wd: int = _key(5, "RC-03", f"{RECONSIDERATION_LAW}第五十四条", "简易程序答复期限（工作日）")
    hearing_notice_wd: int = _key(5, "RC-04", f"{RECONSIDERATION_LAW}第五十一条", "听证通知提前期（工作日）")
    decision_nd: int = _key(60, "RC-05", f"{RECONSIDERATION_LAW}第六十二条第一款", "复议决定期限（自然日）")
    extension_max_nd: int = _key(30, "RC-05", f"{RECONSIDERATION_LAW}第六十二条第一款", "复议决定最多延长（自然日）")
    decision_simple_nd: int = _key(
        30, "RC-05", f"{RECONSIDERATION_LAW}第六十二条第二款",
        "简易程序复议决定期限（自然日）",
    )
    opinion_answer_nd: int = _key(
        60, "RC-07", f"{RECONSIDERATION_LAW}第七十六条",
        "收到意见书后报告纠正情况的期限（自然日）",
    )


@dataclass(frozen=True)
class Litigation:
    """行政诉讼 periods (PEN-22, LIT-02, LIT-04; statutory)."""

    filing_months: int = _key(6, "LIT-04", f"{LITIGATION_LAW}第四十六条第一款", "直接起诉期限（月）")
    after_reconsideration_days: int = _key(15, "LIT-04", f"{LITIGATION_LAW}第四十五条", "复议决定后起诉期限（日）")
    appeal_days: int = _key(15, "LIT-04", f"{LITIGATION_LAW}第八十五条", "不服一审判决的上诉期限（日）")
    summons_notice_days: int = _key(3, "LIT-02", "法释〔2020〕3号第五条", "通知负责人出庭的提前期（日）")


@dataclass(frozen=True)
class Recording:
    """What the ledger accepts when a step is recorded live (not a legal number; STRUCT-TIME)."""

    future_at_hours: int = _key(
        24, "STRUCT-TIME", "steps.md：at 是事情在现实中发生的时间",
        "实时记录的步骤，其 at 最多可晚于账本记录时间 recorded_at 的小时数（补录不受此限）",
    )


_SECTIONS: Final[tuple[tuple[str, type], ...]] = (
    ("limitation", Limitation), ("officers", Officers), ("registration", Registration),
    ("preservation", Preservation), ("statement", Statement), ("hearing", Hearing),
    ("legal_review", LegalReview), ("collective_discussion", CollectiveDiscussion),
    ("decision", Decision), ("summary", Summary), ("payment", Payment), ("minors", Minors),
    ("no_penalty", NoPenalty), ("transfer", Transfer), ("publication", Publication),
    ("warnings", Warnings), ("evaluation", Evaluation), ("retention", Retention),
    ("reconsideration", Reconsideration), ("litigation", Litigation), ("recording", Recording),
)


@dataclass(frozen=True)
class Config:
    """Every configurable legal number, in TOML sections; ``Config()`` is the documented defaults."""

    limitation: Limitation = field(default_factory=Limitation)
    officers: Officers = field(default_factory=Officers)
    registration: Registration = field(default_factory=Registration)
    preservation: Preservation = field(default_factory=Preservation)
    statement: Statement = field(default_factory=Statement)
    hearing: Hearing = field(default_factory=Hearing)
    legal_review: LegalReview = field(default_factory=LegalReview)
    collective_discussion: CollectiveDiscussion = field(default_factory=CollectiveDiscussion)
    decision: Decision = field(default_factory=Decision)
    summary: Summary = field(default_factory=Summary)
    payment: Payment = field(default_factory=Payment)
    minors: Minors = field(default_factory=Minors)
    no_penalty: NoPenalty = field(default_factory=NoPenalty)
    transfer: Transfer = field(default_factory=Transfer)
    publication: Publication = field(default_factory=Publication)
    warnings: Warnings = field(default_factory=Warnings)
    evaluation: Evaluation = field(default_factory=Evaluation)
    retention: Retention = field(default_factory=Retention)
    reconsideration: Reconsideration = field(default_factory=Reconsideration)
    litigation: Litigation = field(default_factory=Litigation)
    recording: Recording = field(default_factory=Recording)

    def __post_init__(self) -> None:
        _validate(self)

    @classmethod
    def from_toml(cls, mapping: Mapping[str, Any]) -> Config:
        """The configuration a parsed TOML document states; absent keys keep their defaults.

        Raises ``ConfigError`` naming the key for an unknown section or key, a value
        of the wrong type, or an impossible value (a negative period, cut-offs out of
        order, an unknown penalty type, weights not totalling 100).
        """
        if not isinstance(mapping, Mapping):
            raise ConfigError("配置应为 TOML 表（键值映射）")
        sections = dict(_SECTIONS)
        unknown = sorted(set(mapping) - set(sections))
        if unknown:
            raise ConfigError(f"未知的配置节：{', '.join(map(str, unknown))}（可用：{', '.join(sections)}）")
        built: dict[str, Any] = {}
        for name, value in mapping.items():
            built[name] = _build(sections[name], value, name)
        return cls(**built)

    def as_toml(self) -> dict[str, Any]:
        """This configuration as a TOML-ready mapping (``from_toml(c.as_toml()) == c``)."""
        return {name: _plain(getattr(self, name)) for name, _ in _SECTIONS}


# --------------------------------------------------------------------------- reading TOML


def _build(cls: type, value: object, path: str) -> Any:
    if not isinstance(value, Mapping):
        raise ConfigError(f"{path} 应为 TOML 表")
    hints = typing.get_type_hints(cls)
    names = [f.name for f in fields(cls)]
    unknown = sorted(set(value) - set(names))
    if unknown:
        raise ConfigError(f"{path} 中有未知的配置项：{', '.join(map(str, unknown))}（可用：{', '.join(names)}）")
    kwargs = {key: _convert(item, hints[key], f"{path}.{key}") for key, item in value.items()}
    try:
        return cls(**kwargs)
    except TypeError as exc:  # a required member missing (PublicationRegime)
        raise ConfigError(f"{path} 缺少必填项（应为 {', '.join(names)}）") from exc


def _convert(value: object, hint: Any, path: str) -> object:
    origin = typing.get_origin(hint)
    if hint is bool:
        if not isinstance(value, bool):
            raise ConfigError(f"{path} 应为布尔值 true/false：{value!r}")
        return value
    if hint is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{path} 应为整数（金额以分计，期间以日/月/年计）：{value!r}")
        return value
    if hint is str:
        if not isinstance(value, str):
            raise ConfigError(f"{path} 应为字符串：{value!r}")
        return value
    if hint is date:
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            raise ConfigError(f"{path} 应为日期 YYYY-MM-DD：{value!r}") from None
    if origin is tuple:
        if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{path} 应为字符串列表：{value!r}")
        return tuple(value)
    if origin is Mapping:
        item_hint = typing.get_args(hint)[1]
        if not isinstance(value, Mapping):
            raise ConfigError(f"{path} 应为 TOML 表：{value!r}")
        out = {}
        for key, item in value.items():
            if isinstance(item_hint, type) and is_dataclass(item_hint):
                out[str(key)] = _build(item_hint, item, f"{path}.{key}")
            else:
                out[str(key)] = _convert(item, item_hint, f"{path}.{key}")
        return FrozenMap(out)
    raise ConfigError(f"{path}: 不支持的配置类型 {hint!r}")  # pragma: no cover - a coding error


def _plain(value: object) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, Mapping):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, tuple):
        return list(value)
    return value


# --------------------------------------------------------------------------- checks


def _validate(config: Config) -> None:
    for section, _ in _SECTIONS:
        part = getattr(config, section)
        for f in fields(part):
            value = getattr(part, f.name)
            if isinstance(value, int) and not isinstance(value, bool) and value < 0:
                raise ConfigError(f"{section}.{f.name} 不能为负数：{value}")
    for section, key in (("hearing", "penalty_types"), ("legal_review", "penalty_types"),
                         ("summary", "penalty_types")):
        bad = [t for t in getattr(getattr(config, section), key) if t not in PENALTY_TYPES]
        if bad:
            raise ConfigError(f"{section}.{key} 含未知的处罚种类：{', '.join(bad)}（可用：{', '.join(PENALTY_TYPES)}）")
    _choice("publication.withdrawal_clock", config.publication.withdrawal_clock, ("received", "effective"))
    _choice("publication.scope", config.publication.scope, ("all", "social_impact"))
    _choice("evaluation.file_order", config.evaluation.file_order, ("chronological", "result_first", "split"))
    for key in ("general_penalty", "transfer", "summary", "no_penalty"):
        _choice(f"retention.{key}", getattr(config.retention, key), RETENTIONS)
    pub = config.publication
    for name, regime in pub.regimes.items():
        if regime.min_months < 0 or regime.max_months < regime.min_months:
            raise ConfigError(f"publication.regimes.{name}: 应有 0 ≤ min_months ≤ max_months")
    if pub.regime not in pub.regimes:
        raise ConfigError(f"publication.regime = {pub.regime!r} 不在 publication.regimes 中")
    try:
        date.fromisoformat(f"2000-{pub.annual_statistics_due}")
    except ValueError:
        raise ConfigError(
            f"publication.annual_statistics_due 应为 月-日（如 01-31）：{pub.annual_statistics_due!r}"
        ) from None
    ev = config.evaluation
    if set(ev.weights) != set(CATEGORIES) or sum(ev.weights.values()) != 100:
        raise ConfigError(f"evaluation.weights 应恰为 {'、'.join(CATEGORIES)} 七类且合计 100 分")
    for rule, category in ev.categories.items():
        _choice(f"evaluation.categories.{rule}", category, CATEGORIES)
    for rule, severity in ev.severities.items():
        _choice(f"evaluation.severities.{rule}", severity, SEVERITIES)
    if not ev.pass_min <= ev.excellent_min <= 100:
        raise ConfigError("evaluation: 应有 pass_min ≤ excellent_min ≤ 100")
    if config.minors.no_penalty_under > config.minors.mitigation_under:
        raise ConfigError("minors: no_penalty_under 不能大于 mitigation_under")


def _choice(path: str, value: str, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise ConfigError(f"{path} 应为 {'、'.join(allowed)} 之一：{value!r}")


# --------------------------------------------------------------------------- reference


@dataclass(frozen=True, slots=True)
class ConfigKey:
    """One documented key: ``section.name``, its default, rule id, article and meaning."""

    key: str
    default: object
    rule: str
    basis: str
    doc: str


def config_keys() -> tuple[ConfigKey, ...]:
    """Every key with its documentation, in section order (what docs/configuration.md lists)."""
    out: list[ConfigKey] = []
    for section, cls in _SECTIONS:
        for f in fields(cls):
            if f.default is not MISSING:
                default: object = f.default
            else:
                assert f.default_factory is not MISSING
                default = f.default_factory()
            out.append(ConfigKey(f"{section}.{f.name}", default, f.metadata["rule"], f.metadata["basis"],
                                 f.metadata["doc"]))
    return tuple(out)


def toml_literal(value: object) -> str:
    """A default written as TOML (for the documentation)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return f"{value:_}" if value >= 10_000 else str(value)
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return "[" + ", ".join(toml_literal(v) for v in value) + "]"
    if is_dataclass(value) and not isinstance(value, type):
        return toml_literal({f.name: getattr(value, f.name) for f in fields(value)})
    if isinstance(value, Mapping):
        inner = ", ".join(f"{_toml_key(k)} = {toml_literal(v)}" for k, v in value.items())
        return "{ " + inner + " }" if inner else "{}"
    raise TypeError(f"no TOML literal for {value!r}")


_BARE_KEY: Final = re.compile(r"[A-Za-z0-9_-]+")


def _toml_key(key: object) -> str:
    text = str(key)
    return text if _BARE_KEY.fullmatch(text) else f'"{text}"'


# --------------------------------------------------------------------------- effective values


@dataclass(frozen=True, slots=True)
class Thresholds:
    """The 法制审核 and 听证 thresholds in force for one agency (fen; met at or above)."""

    review_person_fen: int
    review_organisation_fen: int
    hearing_person_fen: int
    hearing_organisation_fen: int
    source: str
    """``agency`` when the agency's ``LegalReviewCatalogPublished`` gave them, else ``config``."""

    def review_fen(self, party_kind: str | None) -> int:
        """The review threshold for a party; an unknown kind gets the lower, stricter one."""
        return _by_kind(party_kind, self.review_person_fen, self.review_organisation_fen)

    def hearing_fen(self, party_kind: str | None) -> int:
        """The 较大数额 for a party; an unknown kind gets the lower, stricter one."""
        return _by_kind(party_kind, self.hearing_person_fen, self.hearing_organisation_fen)


def _by_kind(kind: str | None, person: int, organisation: int) -> int:
    if kind == "person":
        return person
    if kind == "organisation":
        return organisation
    return min(person, organisation)


def effective_thresholds(config: Config, agency: AgencyState | None) -> Thresholds:
    """The agency's published catalogue (as of the caller's time) wins over the defaults."""
    catalogue = agency.catalogue if agency is not None else None
    if catalogue is not None:
        return Thresholds(catalogue.person_fen, catalogue.organisation_fen,
                          catalogue.hearing_person_fen, catalogue.hearing_organisation_fen, "agency")
    return Thresholds(config.legal_review.person_fen, config.legal_review.organisation_fen,
                      config.hearing.person_fen, config.hearing.organisation_fen, "config")


def effective_first_violation_months(config: Config, item: Item | None) -> int:
    """PEN-36's 初次 look-back: the item's published ``no_penalty`` months, else the default."""
    if item is not None and item.first_violation_months is not None:
        return item.first_violation_months
    return config.no_penalty.first_violation_months


def effective_regime(config: Config, name: str | None = None) -> PublicationRegime:
    """The PUB-04 regime a publication names, else the configured default one."""
    regimes = config.publication.regimes
    if name is not None and name in regimes:
        return regimes[name]
    return regimes[config.publication.regime]
