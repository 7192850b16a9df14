"""Chinese names for what the read models show: steps, stages, statuses, outcomes.

Identifiers stay English in code and tables (``DecisionMade``, ``penalty``); every text a
person reads comes from these tables, so one place holds the wording.
"""

from __future__ import annotations

from typing import Final

from domain.roles import HEAD_LABELS, ROLE_NAMES

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
    # licensing (行政许可)
    "LicenceApplied": "行政许可申请", "SupplementRequested": "一次性告知补正", "SupplementReceived": "补正材料接收",
    "LicenceAccepted": "行政许可受理", "LicenceNotAccepted": "行政许可不予受理", "SiteVerificationRecorded": "核查",
    "LicenceReviewed": "审查意见", "InterestedPartyNotified": "告知利害关系人", "HearingRightsNotified": "告知听证权利",
    "HearingAnnounced": "听证公告", "ExcludedPeriodNotified": "告知不计入期限的时间",
    "ExcludedPeriodEnded": "不计入期限的时间结束", "LicenceGranted": "准予行政许可", "LicenceDenied": "不予行政许可",
    "LicenceIssued": "颁发送达许可证件", "LicenceProceedingOpened": "许可撤回/撤销/注销程序启动",
    "ProposedActionNoticeServed": "拟撤回/撤销告知",
    "LicenceWithdrawn": "撤回行政许可", "LicenceRevoked": "撤销行政许可",
    "LicenceCancelled": "注销行政许可",
    # coercion and enforcement (行政强制)
    "CoercionOpened": "行政强制立卷", "CoercionApprovalDecided": "行政强制措施审批", "SeizureImposed": "查封扣押",
    "FreezeImposed": "冻结", "FreezeDecisionServed": "冻结决定书送达", "CoercionExtended": "强制措施延长",
    "CoercionReleased": "解除强制措施", "SeizedItemsReturned": "退还财物", "SeizureDisposed": "查封扣押物品处理决定",
    "PerformanceDemanded": "履行催告", "EnforcementDecided": "强制执行决定",
    "SubstituteDecisionServed": "代履行决定书送达",
    "DemolitionNoticePublished": "强制拆除公告", "EnforcementCarriedOut": "强制执行实施",
    "SubstituteCostAssessed": "代履行费用确定", "TransferOrdered": "划拨", "AuctionCommissioned": "委托拍卖",
    "ProceedsRemitted": "拍卖所得上缴", "EnforcementAgreementMade": "执行协议", "EnforcementSuspended": "中止执行",
    "EnforcementResumed": "恢复执行", "EnforcementTerminated": "终结执行", "RestitutionMade": "执行回转",
    "CourtEnforcementRuled": "法院强制执行裁定",
    # inspections (行政检查, 双随机)
    "SpotCheckPlanned": "抽查计划", "DirectorySnapshotTaken": "名录库快照", "RandomDrawPerformed": "随机抽取",
    "InspectorReplaced": "检查人员替换", "DrawnObjectSkipped": "抽中对象未检查", "SpotCheckCompleted": "抽查任务完成",
    "InspectionOpened": "行政检查审批", "SiteInspectionRecorded": "现场检查", "RemoteCheckRecorded": "非现场检查",
    "InspectionConcluded": "检查结果", "CorrectionVerified": "整改复查", "InspectionReferred": "检查移送",
    # complaints (行政执法投诉举报)
    "ComplaintReceived": "投诉举报登记",
    "ComplaintAccepted": "投诉举报受理", "ComplaintNotAccepted": "投诉举报不予受理",
    "ComplaintTransferred": "投诉举报转送交办", "ComplaintAgencyReported": "被投诉机关办结报告",
    "ComplaintInvestigated": "投诉举报调查核实",
    "ComplaintConcluded": "投诉举报处理意见", "ComplaintAnswered": "投诉举报答复",
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


KIND_STEP_LABELS: Final[dict[str, dict[str, str]]] = {
    "licence": {
        "DecisionPublished": "许可决定公开", "PublicationSuppressed": "许可决定不予公开",
        "PublicationCorrected": "许可公开信息更正", "PublicationWithdrawn": "许可公开信息撤下",
        "DecisionServed": "许可决定送达", "DecisionCorrected": "许可决定纠错",
        "LegalReviewRequested": "法制审核送审（许可）", "LegalReviewCompleted": "法制审核（许可）",
        "CaseClosed": "办结", "CaseArchived": "归档",
    },
    "complaint": {"TimeLimitExtended": "答复期限延长", "CaseClosed": "办结", "CaseArchived": "归档"},
}
"""A step placed on several stream kinds, as it reads on a kind other than its home (a case): on a
licence stream ``DecisionPublished`` publishes a licensing decision, not a penalty (PUB-06)."""


def step_label(step_type: str, stream: str | None = None) -> str:
    """A step's Chinese name; with its ``stream``, as it reads on that kind of stream."""
    kind = stream.split("/", 1)[0] if stream else ""
    return KIND_STEP_LABELS.get(kind, {}).get(step_type) or STEP_LABELS.get(step_type, step_type)


# --------------------------------------------------------------------------- issue 13: every code and field
# One table for every field of the step vocabulary (domain/vocabulary.py, nested fields too) and
# every code a person reads (choices, severities, grades, statuses, roles, levels); a test checks
# that the vocabulary has no step type, field or choice without a label here.

FIELD_LABELS: Final[dict[str, str]] = {
    "actions": "整改措施", "adopted": "是否采纳", "agency": "执法机关", "agents": "代理人", "amount_fen": "金额",
    "answered_at": "回复时间", "appeared": "出庭人员", "applicant": "申请人", "applied_at": "申请时间",
    "approval_form": "审批表", "approved_at": "批准时间", "approved_by": "批准人", "archive_no": "档案号",
    "attendees": "参加人员", "av": "音像记录", "bands": "裁量基准", "basis": "依据", "case": "案件",
    "categories": "审核类别", "channel": "缴款方式", "circumstance": "违法情节", "code": "编码",
    "collected_by": "收集人", "conclusion": "结论", "consent": "当事人同意", "content": "内容",
    "corrected_at": "更正时间", "correction": "更正内容", "correction_due": "改正期限",
    "correction_ordered": "责令改正", "court": "法院", "credential_no": "执法证号",
    "credential_valid_from": "执法证有效期起", "credential_valid_to": "执法证有效期至",
    "credentials_shown": "出示执法证件", "credit_code": "统一社会信用代码", "days": "天数", "decided_at": "决定时间",
    "decided_by": "决定人", "deposited_at": "交存时间", "disposition": "处理方式", "document": "文书",
    "document_no": "文书编号", "due_at": "期限", "effective_at": "生效时间", "ended_at": "结束时间",
    "evaluator": "评查人", "evidence": "证据", "evidence_id": "证据编号", "explanation": "说明", "facts": "事实",
    "field": "字段", "fields": "执法领域", "file": "文件", "filed_at": "立案时间", "findings": "问题（规则编号）",
    "form_no": "表单编号", "grade": "等次", "granted": "是否准许", "grounds": "理由", "handed_over_at": "交付时间",
    "handlers": "承办人", "head_absent_reason": "负责人未出庭理由", "hearing_at": "开庭时间",
    "hearing_organisation_fen": "听证标准（单位）", "hearing_person_fen": "听证标准（个人）", "held_at": "举行时间",
    "holidays": "节假日", "identifies_party": "可识别当事人", "illegally_obtained": "违法所得",
    "instalments": "分期", "instance": "审级", "interviewee": "被询问人", "issued_at": "制发时间", "item": "执法事项",
    "items": "事项", "key_id": "密钥编号", "kind": "类型", "learned_at": "知道时间",
    "legal_qualification_no": "法律职业资格证号", "level": "层级", "list_served_at": "清单送达时间",
    "materials": "材料", "max_fen": "罚款上限", "max_until": "公示截止", "method": "方式", "min_fen": "罚款下限",
    "min_until": "最短公示至", "name": "名称", "new": "更正后", "no_penalty": "不予处罚清单",
    "no_penalty_grounds": "不予处罚理由", "officer": "执法人员", "officers": "执法人员", "old": "更正前",
    "on_the_spot_reason": "当场收缴理由", "opinions": "审核意见", "order_remake": "责令重作",
    "organ": "机关", "organisation_fen": "审核标准（单位）", "outcome": "结果", "paid_at": "缴纳时间",
    "party": "当事人", "payment_due_days": "缴纳期限（日）", "penalties": "处罚", "penalty_types": "处罚种类",
    "person_fen": "审核标准（个人）", "place": "地点", "points": "扣分", "presider": "主持人", "procedure": "程序",
    "proposed": "拟处理意见", "proves": "证明事项", "public": "公开", "public_key": "公钥",
    "published_at": "公开时间", "reason": "原因", "reason_if_absent": "缺席原因", "receipt": "回证",
    "receipt_no": "收据编号", "received_at": "收到时间", "reconsideration_bodies": "复议机关", "record": "笔录",
    "refusal_noted": "注明拒签", "regime": "制度", "region": "地区", "rejected": "不予采纳", "remedies": "救济途径",
    "replacement": "替代文书", "report": "报告", "reported_at": "报告时间", "requested_at": "申请时间",
    "respondent_head_attended": "被申请人负责人参加", "retention": "保管期限", "reviewer": "审核人员",
    "rights": "权利", "rights_told": "告知权利", "roles": "角色", "rule": "规则", "sanction_basis": "处罚依据",
    "score": "得分", "sealed_by": "盖章机关", "sent_at": "发送时间", "served_at": "送达时间",
    "signed_by_interviewee": "被询问人签名", "source": "来源", "started_at": "开始时间", "statement": "陈述申辩",
    "summary": "摘要", "summoned_head": "通知负责人出庭", "supervised_by": "监督机关",
    "surcharge_told": "告知加处罚款", "target": "对象", "text": "文字", "to": "至", "transfer": "是否移送",
    "transferred_at": "移送时间", "triggered_by": "引起纠错的程序", "type": "种类", "until": "截止",
    "url": "网址", "valid_to": "有效期至", "violation": "违法行为", "withdrawn_at": "撤下时间",
    "workdays": "工作日", "year": "年度",
    # nested
    "address": "地址", "article": "条", "birth_date": "出生日期", "bytes": "大小（字节）", "clause": "款",
    "competence": "职权", "conditions": "条件", "crime_transfer": "涉嫌犯罪移送", "discovered_on": "发现日期",
    "discretion": "裁量", "documents": "文书", "due": "期限", "ended_on": "结束日期",
    "first_violation_months": "首违期间（月）", "hearing": "听证", "id": "编号", "id_number": "身份证件号码",
    "law": "法律法规", "legal_representative": "法定代表人", "litigation_months": "起诉期限（月）",
    "media_type": "文件类型", "person": "人员", "phone": "联系电话", "point": "要点",
    "reconsideration_days": "复议期限（日）", "role": "身份", "sha256": "SHA-256", "started_on": "开始日期",
    "stream": "流", "subject": "主体", "version": "版本",
    # licensing and complaints (issue 15)
    "action": "拟作决定", "affects_third_parties": "涉及他人重大利益", "against": "投诉对象", "agent": "委托代理人",
    "anonymous": "匿名", "application": "申请类型", "authorization": "授权委托书", "batch": "公示批次",
    "by_superior": "上级机关撤销", "cancelled_on": "注销日期",
    "certificate": "许可证件", "compensation": "补偿（赔偿）",
    "competent_body": "有权机关", "complainant": "投诉举报人", "complainant_identity_shared": "告知被投诉方投诉人身份",
    "complainant_told_at": "告知投诉人时间", "complaint": "投诉举报", "contact": "联系方式",
    "corrected_on_spot": "当场更正事项", "cost_borne_by": "费用承担", "decided": "已作决定", "effective_on": "生效日期",
    "extension_days": "延长期限（工作日）", "fee": "收费", "fee_basis": "收费依据", "fee_fen": "收费标准",
    "from_on": "起始日期", "ground": "事由", "hearing_record_considered": "依听证笔录作出决定",
    "hearing_required": "依法应当听证", "holder": "被许可人", "interested_parties": "利害关系人",
    "investigators": "调查人员", "joint": "统一、联合、集中办理", "licence": "许可", "licence_no": "许可证号",
    "measure_id": "强制措施编号", "measures": "处理措施", "methods": "调查方式", "nature": "性质", "notice": "告知书",
    "on_the_spot": "当场作出", "opinion": "审查意见", "origin": "来源案卷", "paragraph": "适用款项",
    "promised_days": "承诺时限（工作日）", "promised_on": "承诺办结日期", "public_interest": "公共利益",
    "public_interest_check": "公共利益审查", "rank": "效力层级", "reasons": "理由", "record_confirmed": "笔录经确认",
    "regarding": "所针对的文书", "requested_by": "申请人", "requests": "诉求", "result": "结果",
    "route": "救济渠道", "signed_by_applicant": "申请人签名",
    "staff": "核查人员", "statutory_days": "法定时限（工作日）",
    "streams_examined": "调阅案卷", "supervision": "监督案卷", "technical_standards": "技术标准、技术规范",
    "testing": "需检验检测检疫", "told_at": "告知时间", "trigger": "启动方式", "valid_from": "有效期起",
    "validity_months": "有效期（月）",
    # coercion, enforcement and inspections (issue 16)
    "account": "账号", "algorithm": "抽取算法", "already_sealed_by": "已被他机关查封",
    "amount_involved_fen": "涉案金额",
    "approved": "是否批准", "auctioneer": "拍卖机构", "beacon": "信标检查点", "check_code": "检查码",
    "check_method": "检查方式", "checked_at": "检查时间", "coercion": "强制措施事项", "compensation_fen": "补偿金额",
    "completed_on": "完成日期", "cost_budget_fen": "费用预算", "count": "数量", "custody": "保管", "damage": "损毁情况",
    "decision": "决定", "decision_no": "被执行决定文号", "directory": "名录库", "disposes": "处理查封扣押物品",
    "emergency": "紧急情况", "emergency_reason": "紧急情况理由", "enforcement": "强制执行事项",
    "enforcement_method": "执行方式", "excluded": "排除", "frozen_at": "冻结时间", "handed_over": "当场交付",
    "harm": "危害后果", "immediate": "立即执行", "immediate_grounds": "立即执行理由", "index": "序号",
    "inspectors_drawn": "抽中检查人员", "inspectors_per_object": "每个对象检查人员数", "institution": "金融机构",
    "institution_notified_at": "通知金融机构时间", "items_checked": "检查事项", "joint_agencies": "联合抽查部门",
    "key": "名录键", "key_sector": "重点监管", "list": "清单", "max_days": "最长期限（日）",
    "max_extension_days": "最长延长期限（日）", "max_per_year": "年度检查频次上限", "measure": "强制措施",
    "necessity": "生活必需品", "object": "对象", "object_index": "对象序号", "objects_drawn": "抽中对象",
    "objects_snapshot": "对象名录快照", "obligation": "义务", "party_notice": "告知当事人文书",
    "party_notified": "通知当事人到场", "party_notified_at": "事后通知当事人时间", "party_present": "当事人到场",
    "payment_method": "给付方式", "performance_method": "履行方式", "performer": "代履行人", "period": "期间",
    "perishable": "鲜活易腐", "place_posted": "张贴地点", "plan": "检查方案", "population": "抽查范围",
    "proceeds_fen": "变卖所得", "purpose": "目的", "quantity": "数量", "random": "随机抽查", "ratio": "抽查比例（%）",
    "referred_at": "移送时间", "remedial_measures": "补救措施", "remitted_at": "上缴时间", "remote": "非现场检查",
    "returned_at": "退还时间", "root": "根哈希", "ruling": "裁定", "sample_size": "抽取数量",
    "scheduled_at": "执行时间", "seed": "随机种子", "seed_commitment": "种子承诺", "seed_secret": "种子秘密值",
    "served_on": "送达日期", "signatures": "签名", "signed": "已签名", "signed_by": "签署人",
    "signed_by_party": "当事人签名", "snapshot": "名录快照", "spot_check": "抽查事项", "spotcheck": "抽查任务",
    "statement_heard": "听取陈述申辩", "substitute_method": "代履行方式", "surcharge_reduced_fen": "减免加处罚款",
    "taken_at": "快照时间", "terms": "协议内容", "third_party": "第三人", "tree_size": "日志条数", "unit": "单位",
    "urgent": "情况紧急", "urgent_reason": "紧急理由", "verified_at": "复查时间", "witness": "见证人",
    "witnesses": "见证人",
}
"""Every field name of the step vocabulary, in Chinese (event pages, exports)."""

CODE_LABELS: Final[dict[str, str]] = {
    **OUTCOME_LABELS, **PENALTY_LABELS, **REVIEW_DECISION_LABELS, **ROLE_NAMES, "coercion": "行政强制",
    "retired": "停用", "compromised": "泄露", "complaint": "投诉举报", "referral": "上级交办或其他机关移交",
    "general": "普通程序", "summary": "简易程序", "person": "自然人", "organisation": "单位",
    "party": "当事人", "legal_representative": "法定代表人", "witness": "证人", "documentary": "书证",
    "physical": "物证", "audiovisual": "视听资料", "electronic": "电子数据", "statement": "当事人陈述",
    "expert_opinion": "鉴定意见", "inspection_record": "勘验笔录、现场笔录", "returned": "退还",
    "confiscated": "没收", "transferred": "移送", "released": "解除", "in_person": "直接送达",
    "mail": "邮寄送达", "left_at_residence": "留置送达", "public_notice": "公告送达", "hearing": "听证",
    "approved": "同意", "issues_found": "提出问题", "bank": "银行缴款", "on_the_spot": "当场收缴",
    "minor": "情节轻微", "secret": "涉及国家秘密", "privacy": "涉及个人隐私", "security": "危及安全稳定",
    "designated": "法律规定不予公开", "permanent": "永久", "30y": "30 年", "10y": "10 年",
    "principal_head": "正职负责人", "deputy_head": "副职负责人", "responsible_head": "其他负责人",
    "staff": "工作人员", "lawyer": "律师", "first": "一审", "second": "二审", "retrial": "再审",
    "inspection": "行政检查", "transfer": "移送", "other": "其他", "district": "区（县）级",
    "city": "市级", "province": "省级", "national": "国家级",
    # licensing and complaints (issue 15)
    "licence": "行政许可", "new": "新申请", "change": "变更", "renewal": "延续", "cancellation": "注销",
    "withdrawal": "撤回", "revocation": "撤销", "fax": "传真", "hotline_12345": "12345 热线", "letter": "来信",
    "online": "网上", "petition_transfer": "信访转送", "phone": "来电", "visit": "来访", "agency": "行政机关",
    "abuse_of_power": "滥用职权、玩忽职守",
    "beyond_competence": "超越法定职权", "circumstances_changed": "客观情况重大变化",
    "expired": "有效期届满未延续", "force_majeure": "不可抗力", "fraud_or_bribery": "以欺骗、贿赂等不正当手段取得",
    "holder_died": "被许可人死亡或丧失行为能力", "law_changed": "所依据的法律法规规章修改或废止",
    "organisation_terminated": "法人或其他组织终止", "other_law": "法律法规规定的其他情形", "procedure": "违反法定程序",
    "revoked_or_withdrawn": "许可已被撤销、撤回或吊销", "unqualified": "申请人不具备申请资格或条件",
    "assign": "交办", "accountability_referral": "移送追责", "circular": "通报", "interview": "约谈",
    "none": "无", "opinion_letter": "监督意见书", "rectification": "责令整改", "file_review": "查阅案卷",
    "inquiry": "询问", "ledger_records": "调阅台账记录", "site": "实地核查", "report": "检举、举报", "deny": "不予许可",
    "grant": "准予许可", "partly_substantiated": "部分属实", "substantiated": "属实", "unsubstantiated": "不属实",
    "withdrawn": "撤回投诉", "administrative_regulation": "行政法规", "law": "法律", "local_regulation": "地方性法规",
    "normative": "规范性文件", "rule": "规章", "already_decided": "已作处理", "appraisal": "鉴定", "auction": "拍卖",
    "duplicate": "重复投诉", "expert_review": "专家评审", "false_materials": "隐瞒情况或提供虚假材料",
    "in_review_or_litigation": "已进入复议或诉讼",
    "no_target": "无明确被投诉对象", "not_competent": "不属于本机关职权范围",
    "not_required": "依法不需要取得许可", "not_supplemented": "逾期未补正", "outside_scope": "不属于受理范围",
    "quarantine": "检疫", "tender": "招标", "testing": "检验、检测", "unverifiable": "无法核实",
    "ex_officio": "依职权", "interested_party": "利害关系人请求", "superior_agency": "上级机关",
    # coercion, enforcement and inspections (issue 16)
    "ledger-draw-v1": "ledger-draw-v1 可复算抽取", "data": "数据比对", "documents": "书面审查",
    "monitoring": "在线监测",
    "inspectors": "检查人员名录", "objects": "检查对象名录", "auctioned_for_fine": "拍卖抵缴罚款", "destroyed": "销毁",
    "transferred_to_judicial": "随案移送司法机关", "account_transfer": "划拨存款汇款", "demolition": "强制拆除",
    "restore": "恢复原状", "substitute": "代履行", "utility_cutoff": "停水停电停热停气", "decided": "已作出处理决定",
    "no_violation": "没有违法行为", "not_approved": "负责人未批准", "unrelated": "与违法行为无关",
    "environmental_pollution": "造成环境污染", "natural_resources": "破坏自然资源", "traffic_safety": "危害交通安全",
    "third_party": "第三人", "compensated": "赔偿", "enforcement": "行政强制执行", "facility": "设施", "place": "场所",
    "property": "财物", "key_sector": "重点监管", "random": "随机抽取", "restored": "恢复原状", "routine": "日常检查",
    "special": "专项检查", "freeze": "冻结", "seal": "查封", "seize": "扣押", "demolish": "拆除", "remove": "排除妨碍",
    "stop": "停止违法行为", "agency_enforcement": "行政机关强制执行", "court_application": "申请法院强制执行",
    "measure": "行政强制措施", "substitute_prior": "代履行前催告", "conflict": "回避", "deregistered": "已注销",
    "not_found": "查无下落", "unavailable": "不能到场", "compliant": "未发现问题", "corrected": "已整改",
    "corrected_on_spot": "当场整改", "correction_ordered": "责令改正", "done": "执行完毕", "not_corrected": "未整改",
    "partly": "部分执行", "stopped": "停止执行", "unreachable": "无法联系", "violation_found": "发现违法行为",
    "accepted": "受理", "enforce": "准予执行", "not_accepted": "不予受理", "not_enforce": "不准予执行",
    "judicial": "司法机关",
}
"""Codes a person reads, in Chinese; :data:`FIELD_CODE_LABELS` where one code means two things."""

FIELD_CODE_LABELS: Final[dict[tuple[str, str], str]] = {
    ("source", "inspection"): "检查发现", ("source", "transfer"): "其他机关移送",
    ("outcome", "transfer"): "移送司法机关",
    ("kind", "penalty"): "行政处罚", ("outcome", "penalty"): "行政处罚", ("method", "electronic"): "电子送达",
    ("channel", "electronic"): "电子缴款", ("kind", "electronic"): "电子数据", ("kind", "statement"): "当事人陈述",
    ("rights", "statement"): "陈述申辩", ("rights", "hearing"): "听证", ("reason", "revoked"): "撤销",
    ("disposition", "transferred"): "移送有关机关", ("level", "district"): "区（县）级",
    ("nature", "complaint"): "投诉", ("outcome", "transferred"): "已转送", ("reason", "inspection"): "检验",
    ("channel", "phone"): "来电", ("opinion", "grant"): "准予许可",
    ("to", "case"): "移送立案", ("kind", "restored"): "恢复原状", ("purpose", "enforcement"): "强制执行",
}
"""Codes whose wording depends on their field (``source: inspection`` 检查发现, ``kind: inspection`` 行政检查)."""

SEVERITY_LABELS: Final[dict[str, str]] = {"BLOCKER": "否决", "MAJOR": "严重", "MINOR": "一般", "INFO": "提示"}
GRADE_LABELS: Final[dict[str | None, str]] = {"优秀": "优秀", "合格": "合格", "不合格": "不合格", None: "办理中"}
"""The EVAL-03 grades; a file without its concluding step has none yet (办理中, issue 13)."""
IN_PROGRESS: Final = "办理中"
CREDENTIAL_STATUS_LABELS: Final[dict[str, str]] = {
    "valid": "有效", "expired": "已过期", "not_yet_valid": "尚未生效", "revoked": "已注销", "none": "未持证",
}
ROLE_LABELS: Final = ROLE_NAMES
"""The registry's roles (``domain.roles.ROLE_NAMES``)."""
PROCEDURE_LABELS: Final[dict[str, str]] = {"general": "普通程序", "summary": "简易程序"}
PARTY_KIND_LABELS: Final[dict[str, str]] = {"person": "自然人", "organisation": "法人或其他组织"}
RECORD_KIND_LABELS: Final[dict[str, str]] = {"written": "文字记录", "av": "音像记录"}
LEGAL_REVIEW_LABELS: Final[dict[str, str]] = {"approved": "同意", "issues_found": "提出问题"}


def field_label(name: str) -> str:
    """A field, or a path into a step's data (``materials[1]`` → 材料第 2 项, ``party.name`` → 当事人·名称)."""
    if name in FIELD_LABELS:
        return FIELD_LABELS[name]
    parts = []
    for part in name.split("."):
        key, _, index = part.partition("[")
        text = FIELD_LABELS.get(key, key)
        if index.rstrip("]").isdigit():
            text += f"第 {int(index.rstrip(']')) + 1} 项"
        parts.append(text)
    return "·".join(parts)


def code_label(code: object, field: str | None = None) -> str:
    """A code as a person reads it (its field decides where one code means two things)."""
    text = "" if code is None else str(code)
    if field is not None and (field, text) in FIELD_CODE_LABELS:
        return FIELD_CODE_LABELS[(field, text)]
    return CODE_LABELS.get(text, text)

RETENTION_LABELS: Final[dict[str, str]] = {"permanent": "永久", "30y": "30年", "10y": "10年"}
"""保管期限 of ``CaseArchived.retention``."""

RECTIFICATION_STATE_LABELS: Final[dict[str, str]] = {
    "open": "整改中", "overdue": "逾期未报告", "reported": "已报告整改", "late": "逾期后报告",
}

LICENCE_DECISION_LABELS: Final[dict[str, str]] = {
    "LicenceGranted": "准予行政许可", "LicenceDenied": "不予行政许可", "LicenceWithdrawn": "撤回行政许可",
    "LicenceRevoked": "撤销行政许可", "LicenceCancelled": "注销行政许可", "LicenceNotAccepted": "不予受理",
}
"""A licence file's decision (its step type) as the register and the public rows name it."""
LICENCE_APPLICATION_LABELS: Final[dict[str, str]] = {
    "new": "新办", "change": "变更", "renewal": "延续", "cancellation": "注销申请",
}
LICENCE_ENDINGS: Final = frozenset({"LicenceWithdrawn", "LicenceRevoked", "LicenceCancelled"})
"""The decisions that end a licence (撤回, 撤销, 注销): its public grant is then withdrawn (PUB-07)."""
DISCLOSURE_KIND_LABELS: Final[dict[str, str]] = {
    "decision": "处罚决定公开", "withdrawal": "撤回公示", "licence": "行政许可",
    "licence_withdrawal": "行政许可撤回公示", "inspection": "行政检查结果公示", "spotcheck": "双随机抽查任务公示",
    "coercion": "行政强制公示",
}
"""The kinds of entry of the public disclosure list and feeds."""
