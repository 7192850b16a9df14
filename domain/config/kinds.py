"""The sections of the other kinds of enforcement: 行政许可 (LIC) and 投诉举报 (CMP); the
行政强制 and 行政检查 ones (COE, ENF, INS) are in ``domain.config.coercion``.

Why their own sections: the periods of 行政许可法 are working days by its 第82条 and the
complaint periods are local rules or 信访工作条例's; neither is a penalty period. An item's
published ``licence`` terms (``statutory_days``, ``promised_days``, ``extension_days``,
``joint``) win over ``[licence]`` for that item: read them through
``domain.config.effective_licence_terms``.
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.config.keys import LICENSING_LAW, PETITION_RULE
from domain.config.keys import setting as _key

_LOCAL_COMPLAINTS = "地方行政执法投诉举报办法（Q27）"


@dataclass(frozen=True)
class Licence:
    """行政许可 periods (LIC-03 to LIC-19; CAL-06: the agency's periods are working days)."""

    supplement_notice_wd: int = _key(
        5, "LIC-03", f"{LICENSING_LAW}第三十二条第一款第四项、第八十二条",
        "收到申请材料后一次告知补正的期限（工作日）；逾期不告知的，自收到申请材料之日起即为受理",
    )
    decision_wd: int = _key(
        20, "LIC-10", f"{LICENSING_LAW}第四十二条第一款",
        "自受理之日起作出许可决定的期限（工作日；事项公布的 statutory_days 优先）",
    )
    extension_wd: int = _key(
        10, "LIC-10", f"{LICENSING_LAW}第四十二条第一款",
        "经本机关负责人批准可延长的期限（工作日；事项公布的 extension_days 优先）",
    )
    joint_decision_wd: int = _key(
        45, "LIC-10", f"{LICENSING_LAW}第四十二条第二款", "统一办理、联合办理、集中办理的决定期限（工作日）",
    )
    joint_extension_wd: int = _key(
        15, "LIC-10", f"{LICENSING_LAW}第四十二条第二款", "联合办理经本级人民政府负责人批准可延长的期限（工作日）",
    )
    issue_wd: int = _key(10, "LIC-13", f"{LICENSING_LAW}第四十四条", "作出准予决定后颁发、送达许可证件的期限（工作日）")
    hearing_request_wd: int = _key(
        5, "LIC-08", f"{LICENSING_LAW}第四十七条第一款",
        "被告知听证权利后提出听证申请的期限（工作日，不缩短申请人的期间，Q21）",
    )
    hearing_within_wd: int = _key(
        20, "LIC-09", f"{LICENSING_LAW}第四十七条第一款",
        "收到听证申请后组织听证的期限（工作日）",
    )
    hearing_notice_wd: int = _key(
        7, "LIC-09", f"{LICENSING_LAW}第四十八条第一款第一项", "听证通知至举行听证的最短间隔（工作日，两端不计，Q4）",
    )
    renewal_apply_nd: int = _key(
        30, "LIC-16", f"{LICENSING_LAW}第五十条第一款", "有效期届满前提出延续申请的期限（自然日；逾期仅为提示，Q21）",
    )
    cancellation_wd: int = _key(
        20, "LIC-19", f"{LICENSING_LAW}第七十条", "许可依法终止后办理注销手续的期限（工作日，项目默认 [M]）",
    )
    publish_denials: bool = _key(
        False, "LIC-15", f"{LICENSING_LAW}第四十条", "是否公开不予许可、不予受理决定（Q26）",
    )


@dataclass(frozen=True)
class Complaint:
    """行政执法投诉举报 periods (CMP-02, CMP-06); the 信访 ones are statutory bounds."""

    accept_wd: int = _key(5, "CMP-02", _LOCAL_COMPLAINTS, "收到投诉举报后决定受理、不予受理或转送的期限（工作日）")
    petition_notice_nd: int = _key(
        15, "CMP-02", f"{PETITION_RULE}第二十三条第二款", "信访渠道转来的，书面告知投诉举报人的期限（自然日）",
    )
    answer_nd: int = _key(30, "CMP-06", _LOCAL_COMPLAINTS, "自受理之日起书面答复投诉举报人的期限（自然日）")
    extension_nd: int = _key(30, "CMP-06", _LOCAL_COMPLAINTS, "经司法行政机关负责人批准可延长的期限（自然日）")
    petition_answer_nd: int = _key(
        60, "CMP-06", f"{PETITION_RULE}第三十四条", "信访渠道转来的，自受理之日起办结的法定期限（自然日）",
    )
    petition_extension_nd: int = _key(
        30, "CMP-06", f"{PETITION_RULE}第三十四条", "信访事项经负责人批准可延长的上限（自然日）",
    )
