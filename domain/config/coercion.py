"""The sections of 行政强制 and 行政检查: coercive measures (COE), enforcement by the agency (ENF),
inspections and 双随机 spot checks (INS).

Why their own sections: 行政强制法's periods mix natural days without roll-forward (the 30-day
maximum of a measure, CAL-08), clock hours (the 24-hour emergency report, 第19条) and working days
(every period of ten days or less, 第69条); 行政检查 has no statute of its own and its numbers are
local rule. An item's published ``coercion.max_days``/``max_extension_days`` (where a law or
administrative regulation provides otherwise) and ``spot_check.max_per_year`` win over these for
that item: read them through ``domain.config.effective_coercion_terms`` and
``effective_inspection_cap``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time
from typing import Final

from domain.config.keys import COERCION_LAW, ConfigError
from domain.config.keys import setting as _key

_NOISE_LAW: Final = "《中华人民共和国噪声污染防治法》"
_BUSINESS_RULE: Final = "《优化营商环境条例》"
_WUHAN_RULE: Final = "《武汉市规范涉企行政检查办法》"
ALGORITHMS: Final = ("ledger-draw-v1",)
"""The draw algorithms the gates can re-derive (INS-02; ``domain.draw``)."""
_NIGHT: Final = re.compile(r"([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)")


@dataclass(frozen=True)
class Coercion:
    """行政强制措施 periods (COE-04, COE-07, COE-10, COE-11; CAL-08)."""

    max_days: int = _key(
        30, "COE-07", f"{COERCION_LAW}第二十五条第一款、第三十二条",
        "查封、扣押、冻结的最长期限（自然日，自实施次日起算；事项公布的 coercion.max_days 优先）",
    )
    max_extension_days: int = _key(
        30, "COE-07", f"{COERCION_LAW}第二十五条第一款、第三十二条",
        "经行政机关负责人批准可延长一次的最长期限（自然日；事项公布的 coercion.max_extension_days 优先）",
    )
    roll_forward: bool = _key(
        False, "CAL-08", f"{COERCION_LAW}第二十五条、第二十七条、第二十八条（Q23）",
        "期限末日为节假日时是否顺延（默认不顺延：届满前应作出处理决定或解除）",
    )
    emergency_report_hours: int = _key(
        24, "COE-04", f"{COERCION_LAW}第十九条", "情况紧急当场实施后向行政机关负责人报告的期限（小时，按钟点计）",
    )
    emergency_approval_hours: int = _key(
        24, "COE-04", f"{COERCION_LAW}第十九条（Q22）", "情况紧急当场实施后补办批准手续的期限（小时，按钟点计）",
    )
    return_days: int = _key(
        0, "COE-10", f"{COERCION_LAW}第二十八条第二款",
        "解除查封、扣押后退还财物的期限（自然日；0 为当日，“立即退还”）",
    )
    freeze_decision_wd: int = _key(
        3, "COE-11", f"{COERCION_LAW}第三十一条、第六十九条", "冻结后向当事人交付冻结决定书的期限（工作日）",
    )


@dataclass(frozen=True)
class Enforcement:
    """行政机关强制执行 (ENF-04, ENF-06, ENF-08, ENF-09; CAL-09)."""

    night: str = _key(
        "22:00-06:00", "CAL-09", f"{COERCION_LAW}第四十三条第一款；{_NOISE_LAW}第八十八条第二项",
        "不得实施强制执行的夜间（北京时间 时:分-时:分，跨午夜）",
    )
    weekends_protected: bool = _key(
        True, "CAL-09", f"{COERCION_LAW}第四十三条第一款（Q24）",
        "“法定节假日”是否包括一切非工作日（含普通周末；调休上班日为工作日）",
    )
    min_officers: int = _key(2, "ENF-04", f"{COERCION_LAW}第四十三条（Q35）", "实施强制执行时到场的最少执法人员数")
    substitute_notice_wd: int = _key(
        3, "ENF-08", f"{COERCION_LAW}第五十一条第一款第二项、第六十九条",
        "代履行前催告的最少间隔（工作日，两端不计，Q4）",
    )
    surcharge_wait_nd: int = _key(
        30, "ENF-09", f"{COERCION_LAW}第四十六条第一款", "加处罚款或者滞纳金超过此日数后方可强制执行（自然日）",
    )

    def night_window(self) -> tuple[time, time]:
        """``night`` as (from, until) Asia/Shanghai clock times; until < from when it spans midnight."""
        return parse_night(self.night)


def parse_night(text: str) -> tuple[time, time]:
    """``HH:MM-HH:MM`` as two clock times; ConfigError naming the key when it is not one."""
    found = _NIGHT.fullmatch(text)
    if found is None:
        raise ConfigError(f"enforcement.night 应为 时:分-时:分（如 22:00-06:00）：{text!r}")
    start = time(int(found.group(1)), int(found.group(2)))
    end = time(int(found.group(3)), int(found.group(4)))
    if start == end:
        raise ConfigError(f"enforcement.night 的起止时刻不能相同：{text!r}")
    return start, end


@dataclass(frozen=True)
class Inspection:
    """行政检查 (INS-04, INS-06)."""

    min_officers: int = _key(
        2, "INS-04", f"{_WUHAN_RULE}第十八条第一项；《中华人民共和国行政处罚法》第五十五条第一款",
        "实施行政检查的最少执法人员数",
    )
    max_per_year: int = _key(
        0, "INS-06", f"{_WUHAN_RULE}第十五条（Q30）",
        "同一对象每年日常、专项检查的频次上限（0 为不设上限，仅作提示；事项公布的 spot_check.max_per_year 优先）",
    )


@dataclass(frozen=True)
class SpotCheck:
    """双随机 抽查 (INS-02)."""

    algorithm: str = _key(
        "ledger-draw-v1", "INS-02", f"{_BUSINESS_RULE}第五十四条第一款",
        "随机抽取检查对象与检查人员的可复算算法",
    )
