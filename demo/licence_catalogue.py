"""The fixed material of the demo's 行政许可 and 投诉举报 (``demo``): the district's 行政审批局, its
licence items (``EnforcementItemPublished`` with ``kind: licence``) and the words the licence and
complaint files are made of. Data only; like ``demo.catalogue`` it cites real articles, while the
periods, materials and the hearing requirement are plausible local terms (demo data, not legal
advice)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from demo.catalogue import DISTRICT_GOVERNMENT, AgencySpec, Basis

LICENSING: Final = AgencySpec("JA-SPJ", "武汉市江岸区行政审批局", "岸审批", "6", "行政审批", "MB158406",
                              (DISTRICT_GOVERNMENT,), (0, 0, 0, 0), officers=5, reviewers=1)
"""The district's licensing agency (相对集中行政许可权改革): officers, a principal and a deputy head,
and a qualified 法制审核 reviewer (a hearing's decision is reviewed, TS-10)."""

LICENSING_LAW: Final = "中华人民共和国行政许可法"


@dataclass(frozen=True, slots=True)
class LicenceItemSpec:
    """A licence item (行政许可事项) and how demo applications under it look."""

    code: str
    name: str
    basis: Basis
    rank: str
    statutory_days: int
    materials: tuple[str, ...]
    validity_months: int
    industry: str
    """Which kind of firm applies (a key of ``demo.catalogue.FIRM_PATTERNS``)."""
    certificate: str
    """The 许可证件's name (LicenceIssued)."""
    word: str
    """The licence number's word (岸审批<word>字〔2026〕第0001号)."""
    summaries: tuple[str, ...]
    """What an applicant asks for (``LicenceApplied.summary``); {place} is the address."""
    hearing_required: bool = False
    on_the_spot: bool = False


LICENCE_ITEMS: Final = (
    LicenceItemSpec(
        "SPJ-SR-11-2", "大型户外广告设置审批", ("城市市容和环境卫生管理条例", 11, 2, None),
        "administrative_regulation", 20,
        ("申请书", "营业执照", "设计效果图", "结构安全计算书", "场地使用证明", "设置位置图"), 12, "shop",
        "户外广告设置许可证", "广",
        ("在{place}设置大型户外广告牌一块（10m×5m）", "在{place}楼顶设置大型户外广告牌一块（12m×6m）")),
    LicenceItemSpec(
        "SPJ-SP-35-1", "食品经营许可", ("中华人民共和国食品安全法", 35, 1, None), "law", 20,
        ("食品经营许可申请书", "营业执照", "经营场所平面布局图", "设备设施清单", "食品安全管理制度"), 60, "catering",
        "食品经营许可证", "食",
        ("在{place}经营餐馆（热食类食品制售）", "在{place}经营小吃店（热食类、冷食类食品制售）")),
    LicenceItemSpec(
        "SPJ-WS-8", "公共场所卫生许可", ("公共场所卫生管理条例", 8, None, None), "administrative_regulation", 20,
        ("卫生许可申请书", "营业执照", "卫生管理制度", "从业人员健康合格证明", "场所平面图"), 48, "shop",
        "公共场所卫生许可证", "卫", ("在{place}经营理发店", "在{place}经营宾馆（客房 32 间）")),
    LicenceItemSpec(
        "SPJ-DL-31", "临时占用城市道路审批", ("城市道路管理条例", 31, 1, None), "administrative_regulation", 20,
        ("占道申请书", "营业执照", "占道位置图", "安全保障措施"), 3, "construction", "临时占用城市道路许可证", "占",
        ("因施工在{place}临时占用人行道 60 平方米", "因设备吊装在{place}临时占用车行道 30 平方米"), on_the_spot=True),
    LicenceItemSpec(
        "SPJ-YL-9", "娱乐场所经营许可", ("娱乐场所管理条例", 9, 1, None), "administrative_regulation", 20,
        ("娱乐场所经营申请书", "营业执照", "场所平面图", "消防安全检查合格证明", "周边居民意见"), 24, "shop",
        "娱乐经营许可证", "娱", ("在{place}经营歌舞娱乐场所（KTV 包厢 18 间）",), hearing_required=True),
)
"""The items the 行政审批局 publishes: five, one decided on the spot when complete, one heard (第46条)."""

ARCHIVE_PREFIX: Final = "SPJ"
CHANNEL: Final = "江岸区政务服务网 双公示"
DENIAL_REASONS: Final = (
    "经现场核查，经营场所面积与申请材料不符，不符合法定条件",
    "设置位置位于户外广告设置规划禁设区内",
    "消防安全检查不合格，不具备开办条件",
)
REVOCATION_GROUNDS: Final = ("申请时提交的场地使用证明系伪造，被许可人不具备申请资格",
                             "被许可人以欺骗手段取得行政许可")
WITHDRAWAL_REASONS: Final = ("所在道路拓宽改造，许可事项位于规划红线内",
                             "城市规划调整，原许可所依据的客观情况发生重大变化")
NOT_COMPETENT: Final = (("该事项由市级机关许可，不属本机关许可范围", "武汉市行政审批局"),
                        ("该广告设置于高速公路建筑控制区内，不属本机关许可范围", "湖北省交通运输厅"))

COMPLAINT_SUMMARIES: Final = (
    "反映执法人员现场检查时未出示执法证件",
    "反映执法人员态度粗暴，未告知陈述申辩权利",
    "反映处罚决定罚款过重，同类情况处理不一",
    "反映执法人员未依法送达文书",
    "举报执法人员在检查中吃拿卡要",
    "举报执法人员对违法行为选择性执法",
)
COMPLAINT_REQUESTS: Final = (("核实执法人员行为是否规范", "书面答复"), ("依法查处", "书面答复"), ("核实并纠正",))
OTHER_BODIES: Final = ("武汉市江岸区纪委监委", "武汉市江岸区信访局", "武汉市江岸区人民政府办公室")
