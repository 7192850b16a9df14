"""Chinese names for what the read models show: steps, stages, statuses, outcomes.

Identifiers stay English in code and tables (``DecisionMade``, ``penalty``); every text a
person reads comes from these tables, so one place holds the wording.
"""

from __future__ import annotations

from typing import Final

from domain.roles import HEAD_LABELS

STEP_LABELS: Final[dict[str, str]] = {
    # registry
    "AgencyRegistered": "执法主体登记", "EnforcementItemPublished": "执法事项公布",
    "LegalReviewCatalogPublished": "法制审核目录清单公布", "OfficerRegistered": "执法人员登记",
    "CredentialRenewed": "执法证换发", "CredentialRevoked": "执法证注销", "KeyRotated": "签名密钥更换",
    "KeyRevoked": "签名密钥撤销", "HolidayNoticePublished": "节假日安排公布",
    # case
    "CaseSourceRecorded": "案件来源登记", "CaseRegistered": "立案", "InquiryRecorded": "询问",
    "InspectionRecorded": "现场检查（勘验）", "EvidenceCollected": "证据收集", "EvidencePreserved": "先行登记保存",
    "PreservationResolved": "先行登记保存处理决定", "RecusalRequested": "回避申请", "RecusalDecided": "回避决定",
    "InvestigationConcluded": "调查终结", "PenaltyNoticeServed": "行政处罚事先告知",
    "StatementSubmitted": "陈述申辩", "StatementReviewed": "陈述申辩复核", "RightsWaived": "放弃陈述申辩或听证权利",
    "HearingRequested": "听证申请", "HearingNoticeServed": "听证通知", "HearingHeld": "听证",
    "HearingAbandoned": "听证终止", "LegalReviewRequested": "法制审核送审", "LegalReviewCompleted": "法制审核",
    "CollectiveDiscussionHeld": "集体讨论", "TimeLimitExtended": "办案期限延长", "DecisionMade": "行政处罚决定",
    "SummaryDecisionMade": "当场行政处罚决定（简易程序）", "EducationGiven": "批评教育",
    "DecisionServed": "决定书送达", "PaymentRecorded": "罚没款缴纳", "CashHandedOver": "当场收缴罚款交存",
    "PaymentDeferred": "暂缓或分期缴纳", "PaymentDemanded": "催告", "CourtEnforcementApplied": "申请法院强制执行",
    "TransferDecided": "移送决定", "TransferredToJudicialOrgan": "移送司法机关", "DecisionPublished": "处罚决定公开",
    "PublicationSuppressed": "决定不予公开", "PublicationCorrectionRequested": "公开信息更正申请",
    "PublicationCorrected": "公开信息更正", "PublicationWithdrawn": "公开信息撤下", "DecisionCorrected": "决定纠错",
    "RecordCorrected": "记录补正", "CaseClosed": "结案", "CaseArchived": "归档",
    # reconsideration
    "ReconsiderationApplied": "行政复议申请", "ReconsiderationAccepted": "复议受理",
    "ReconsiderationRejected": "复议不予受理", "AnswerRequested": "发送答复通知", "AnswerFiled": "被申请人答复",
    "ReconsiderationHearingHeld": "复议听证", "ReconsiderationExtended": "复议期限延长",
    "ReconsiderationDecided": "复议决定", "OpinionLetterIssued": "行政复议意见书",
    "SuggestionLetterIssued": "行政复议建议书",
    "OpinionLetterAnswered": "意见书回复",
    # litigation
    "LawsuitFiled": "行政诉讼立案", "CourtHearingAttended": "出庭应诉", "JudgmentReceived": "收到裁判",
    "JudicialSuggestionReceived": "收到司法建议",
    # supervision
    "CaseFileEvaluated": "案卷评查", "RectificationOrdered": "责令整改", "RectificationReported": "整改报告",
}

STAGES: Final[dict[str, str]] = {
    "start": "启动", "investigation": "调查取证", "notice": "告知与听证", "review": "审核",
    "decision": "决定", "service": "送达", "execution": "执行", "transfer": "移送", "publication": "公示",
    "closing": "结案", "correction": "纠错", "reconsideration": "行政复议", "litigation": "行政诉讼",
    "supervision": "执法监督", "registry": "登记",
}
"""The stages of PEN-38 (受案、立案、调查取证、审核、决定、送达、执行、结案) and the others a file shows."""

STEP_STAGE: Final[dict[str, str]] = {
    "CaseSourceRecorded": "start", "CaseRegistered": "start", "RecusalRequested": "investigation",
    "RecusalDecided": "investigation", "InquiryRecorded": "investigation", "InspectionRecorded": "investigation",
    "EvidenceCollected": "investigation", "EvidencePreserved": "investigation",
    "PreservationResolved": "investigation", "InvestigationConcluded": "investigation",
    "PenaltyNoticeServed": "notice", "StatementSubmitted": "notice", "StatementReviewed": "notice",
    "RightsWaived": "notice", "HearingRequested": "notice", "HearingNoticeServed": "notice",
    "HearingHeld": "notice", "HearingAbandoned": "notice", "LegalReviewRequested": "review",
    "LegalReviewCompleted": "review", "CollectiveDiscussionHeld": "review", "TimeLimitExtended": "decision",
    "DecisionMade": "decision", "SummaryDecisionMade": "decision", "EducationGiven": "decision",
    "TransferDecided": "decision", "DecisionServed": "service", "PaymentRecorded": "execution",
    "CashHandedOver": "execution", "PaymentDeferred": "execution", "PaymentDemanded": "execution",
    "CourtEnforcementApplied": "execution", "TransferredToJudicialOrgan": "transfer",
    "DecisionPublished": "publication", "PublicationSuppressed": "publication",
    "PublicationCorrectionRequested": "publication", "PublicationCorrected": "publication",
    "PublicationWithdrawn": "publication", "DecisionCorrected": "correction", "RecordCorrected": "correction",
    "CaseClosed": "closing", "CaseArchived": "closing",
}

STATUS_LABELS: Final[dict[str, str]] = {
    "source": "案源登记", "registered": "已立案", "investigated": "调查终结", "notified": "已告知",
    "decided": "已作出决定", "served": "已送达", "transferred": "已移送", "closed": "已结案",
    "archived": "已归档", "not_transferred": "决定不移送",
}

OUTCOME_LABELS: Final[dict[str, str]] = {
    "penalty": "行政处罚", "no_penalty_minor": "不予处罚（违法行为轻微）",
    "no_penalty_first_violation": "不予处罚（初次违法）", "no_penalty_no_fault": "不予处罚（无主观过错）",
    "no_penalty_unproven": "不予处罚（违法事实不能成立）", "transfer": "移送司法机关",
}

PENALTY_LABELS: Final[dict[str, str]] = {
    "warning": "警告", "fine": "罚款", "confiscation": "没收", "suspension": "责令停产停业/暂扣许可证件",
    "revocation": "吊销许可证件", "detention": "行政拘留", "other": "其他处罚",
}

REVIEW_DECISION_LABELS: Final[dict[str, str]] = {
    "upheld": "维持", "dismissed": "驳回", "changed": "变更", "revoked": "撤销", "partially_revoked": "部分撤销",
    "confirmed_illegal": "确认违法", "confirmed_void": "确认无效", "ordered_to_perform": "责令履行",
    "mediated": "调解", "terminated": "终止",
}

CORRECTIVE: Final = frozenset(
    {"changed", "revoked", "partially_revoked", "confirmed_illegal", "confirmed_void", "ordered_to_perform"}
)
"""Outcomes of 复议 and 诉讼 counted as 纠错 (RC-06 check 3)."""

HEAD_ROLES: Final = HEAD_LABELS
"""The role labels of a 负责人 appearing in court (LIT-01); each must also hold the registry's
``head`` role of the defendant agency (``domain.roles.heads_named``)."""

DEADLINE_STATE_LABELS: Final[dict[str, str]] = {
    "met": "按期完成", "pending": "进行中", "due_soon": "即将到期", "missed": "已逾期", "elapsed": "期间届满",
    "provisional": "待定（日历未知）",
}

def deadline_label(state: str, holder: str | None) -> str:
    """A deadline state in Chinese; a party's window used after its end is the party's lateness."""
    return "当事人逾期行使" if state == "missed" and holder == "party" else DEADLINE_STATE_LABELS[state]


WARNING_LABELS: Final[dict[str, str]] = {"yellow": "黄色预警", "red": "红色预警", "provisional": "待定"}


def step_label(step_type: str) -> str:
    return STEP_LABELS.get(step_type, step_type)


PROCEDURE_LABELS: Final[dict[str, str]] = {"general": "普通程序", "summary": "简易程序"}
"""``CaseRegistered.procedure`` (the case list's 程序 filter)."""
