"""The sections of the penalty procedure and its follow-up (行政处罚, 复议, 诉讼, 公示, 评查).

Each member is a ``setting``: its default with the rule id and article it comes from.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Final

from domain.config.keys import (
    COERCION_LAW,
    DOC_118,
    LAW,
    LICENSING_LAW,
    LITIGATION_LAW,
    RECONSIDERATION_LAW,
    TRANSFER_RULE,
)
from domain.config.keys import setting as _key


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
        "其他执法决定（强制、检查结果，及设置公开时的不予许可决定）公开的期限（工作日；即 publication.other_wd）",
    )
    withdrawal_wd: int = _key(
        3, "PEN-41", f"{LAW}第四十八条第二款",
        "决定被变更、撤销、确认违法或无效后撤下公开信息的期限（工作日）",
    )
    licence_wd: int = _key(
        7, "LIC-15", f"{DOC_118}；{LICENSING_LAW}第四十条",
        "行政许可决定（准予、变更、延续、撤回、撤销、注销）作出后公开的期限（工作日；即 TS-03 的 7 个工作日）",
    )
    withdraw_wd: int = _key(
        3, "PUB-07", f"{DOC_118}（“及时撤下”，参照{LAW}第四十八条第二款，Q26）",
        "非处罚决定被变更、撤销、确认违法或无效后撤下或更正公开信息的期限（工作日）",
    )
    coercion: bool = _key(
        True, "TS-03", f"{DOC_118}；{COERCION_LAW}",
        "是否公开行政强制措施和强制执行决定（20 个工作日，publication.other_decision_wd）",
    )
    inspection_no_issue: bool = _key(
        False, "INS-10", f"{DOC_118}；《优化营商环境条例》第五十四条第一款",
        "非随机抽查的行政检查，未发现问题的结果是否也公开（随机抽查的结果一律公开）",
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
    "LIC-01": "执法主体", "LIC-06": "事实证据", "LIC-04": "法律文书", "LIC-12": "法律文书", "LIC-13": "法律文书",
    "EVAL-09": "立卷归档", "CAL-06": "执法程序", "CAL-07": "执法程序",
    "CMP-05": "执法主体", "EVAL-12": "立卷归档",
    "INS-01": "执法主体", "INS-04": "执法主体", "INS-05": "事实证据", "INS-07": "事实证据", "EVAL-11": "立卷归档",
    "COE-01": "执法主体", "COE-02": "执法主体", "ENF-01": "执法主体", "COE-05": "事实证据",
    "COE-06": "法律文书", "ENF-03": "法律文书", "ENF-11": "法律文书", "EVAL-10": "立卷归档",
}


def default_category(rule: str) -> str | None:
    """The EVAL-02 category rules.md gives a rule; every other PEN/TS/PUB/RC/LIT/LIC/CMP/INS/COE/ENF is 执法程序
    (CAL-06/07, judged on licence files, too; the other CAL rules act through the deadlines)."""
    if rule in _DEFAULT_CATEGORIES:
        return _DEFAULT_CATEGORIES[rule]
    if rule.split("-", 1)[0] in ("PEN", "TS", "PUB", "RC", "LIT", "LIC", "CMP", "INS", "COE", "ENF"):
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
    licence: str = _key("30y", "EVAL-06", "机关文件材料归档范围和文书档案保管期限规定（Q32）", "行政许可案卷")
    complaint: str = _key("10y", "EVAL-06", "机关文件材料归档范围和文书档案保管期限规定（Q32）", "行政执法投诉举报案卷")
    coercion: str = _key("30y", "EVAL-06", "机关文件材料归档范围和文书档案保管期限规定（Q32）", "行政强制案卷")
    inspection: str = _key("10y", "EVAL-06", "机关文件材料归档范围和文书档案保管期限规定（Q32）", "行政检查案卷")


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

