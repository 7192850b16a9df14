"""The fixed material of the demo (``demo``): one district's agencies, their
enforcement items and review catalogues, the officers, and the words synthetic
records are made of (names, firms, streets, texts).

Everything here is data: the generator combines it with a seeded random number
generator and the working-day calendar. The district is 武汉市江岸区 (GB/T 2260
code 420102), chosen so that the demo never collides with the example records
(东西湖区, ``DXH-*``) in one ledger. Amounts are fen. Legal bases cite real
articles of the laws named; ranges and bands follow them where the law gives
numbers, and are plausible local 裁量基准 otherwise (demo data, not legal advice).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

DISTRICT: Final = "武汉市江岸区"
REGION_CODE: Final = "420102"
DISTRICT_GOVERNMENT: Final = "武汉市江岸区人民政府"
COURT: Final = "武汉市江岸区人民法院"
POLICE: Final = "武汉市公安局江岸区分局"
PORTAL: Final = "江岸区人民政府门户网站"
CASE_PREFIX: Final = "JA"
REVIEW_PREFIX: Final = "JA-FY"
LITIGATION_PREFIX: Final = "JA-XZ"

PENALTY_LAW: Final = "中华人民共和国行政处罚法"
AIR: Final = "中华人民共和国大气污染防治法"
SOLID: Final = "中华人民共和国固体废物污染环境防治法"
FOOD: Final = "中华人民共和国食品安全法"
PRICE: Final = "中华人民共和国价格法"
NOISE: Final = "中华人民共和国噪声污染防治法"
CITY: Final = "城市市容和环境卫生管理条例"
MARKET: Final = "中华人民共和国市场主体登记管理条例"
ROAD: Final = "中华人民共和国道路运输条例"
TAXI: Final = "巡游出租汽车经营服务管理规定"
RIDE: Final = "网络预约出租汽车经营服务管理暂行办法"

Basis = tuple[str, int, int | None, int | None]
"""(law, article, clause, item) — rendered as a steps.md legal basis."""
Band = tuple[str, int, int]
"""(circumstance, min_fen, max_fen)."""


@dataclass(frozen=True, slots=True)
class ItemSpec:
    """An enforcement item (执法事项) and how demo cases under it look."""

    code: str
    name: str
    basis: tuple[Basis, ...]
    sanction: tuple[Basis, ...]
    penalty_types: tuple[str, ...]
    min_fen: int
    max_fen: int
    bands: tuple[Band, ...]
    no_penalty: bool
    party: str
    """organisation, person, or either."""
    industry: str
    """Which kind of firm (a key of ``FIRM_PATTERNS``) an organisation party is."""
    procedures: tuple[str, ...]
    """general, summary, no_penalty, transfer: which demo paths use the item."""
    violations: tuple[str, ...]
    fact: str
    """The finding of fact, as the investigation report words it."""
    sources: tuple[tuple[str, str], ...]
    """(source kind, 案源 summary) pairs."""
    expert: str | None = None
    """An expert opinion or test report the investigation obtains, if any."""
    crime: str | None = None
    """The suspected crime for a transfer (两法衔接)."""
    confiscation_fen: tuple[int, int] | None = None
    """Range of 违法所得 confiscated alongside the fine, when the item allows it."""


@dataclass(frozen=True, slots=True)
class AgencySpec:
    code: str
    name: str
    short: str
    """The abbreviation in document numbers (岸城管罚决字〔2026〕第0012号)."""
    digit: str
    """The agency's digit in officer numbers (4201020 + digit + serial)."""
    field: str
    org_code: str
    """The first 8 characters of the agency's 组织机构代码 (GB 11714; the check is computed)."""
    reconsideration_bodies: tuple[str, ...]
    catalogue: tuple[int, int, int, int]
    """法制审核 person/organisation and 较大数额 hearing person/organisation thresholds (fen)."""
    officers: int
    reviewers: int
    unqualified_reviewer: bool = False


AGENCIES: Final = (
    AgencySpec("JA-CGJ", "武汉市江岸区城市管理执法局", "岸城管", "1", "城市管理", "MB153718",
               (DISTRICT_GOVERNMENT,), (200_000, 2_000_000, 200_000, 2_000_000), officers=8, reviewers=2),
    AgencySpec("JA-SCJ", "武汉市江岸区市场监督管理局", "岸市监", "2", "市场监管", "MB152095",
               (DISTRICT_GOVERNMENT,), (500_000, 5_000_000, 200_000, 1_000_000), officers=6, reviewers=1,
               unqualified_reviewer=True),
    AgencySpec("JA-SHJ", "武汉市生态环境局江岸区分局", "武环岸", "3", "生态环境", "MB156247",
               ("武汉市生态环境局",), (500_000, 3_000_000, 200_000, 1_000_000), officers=4, reviewers=1),
    AgencySpec("JA-JTJ", "武汉市江岸区交通运输局", "岸交", "4", "交通运输", "MB154833",
               (DISTRICT_GOVERNMENT,), (500_000, 3_000_000, 200_000, 1_000_000), officers=4, reviewers=1),
)
JUSTICE: Final = AgencySpec("JA-SFJ", "武汉市江岸区司法局", "岸司", "5", "行政执法监督", "MB150951",
                            (DISTRICT_GOVERNMENT, "武汉市司法局"), (0, 0, 0, 0), officers=0, reviewers=0)
"""The district justice bureau: supervisors and the district government's 复议机构 staff."""

NO_PENALTY_CONDITIONS: Final = ("初次违法", "危害后果轻微", "及时改正")

ITEMS: Final[dict[str, tuple[ItemSpec, ...]]] = {
    "JA-CGJ": (
        ItemSpec(
            "CGJ-DQ-118-1", "餐饮服务业经营者未正常使用油烟净化设施或超标排放油烟",
            ((AIR, 81, 1, None),), ((AIR, 118, 1, None),), ("fine",), 500_000, 5_000_000,
            (("轻微", 500_000, 1_500_000), ("一般", 1_500_000, 3_500_000), ("严重", 3_500_000, 5_000_000)),
            True, "organisation", "catering", ("general", "no_penalty"),
            ("超标排放油烟", "油烟净化设施未正常使用", "未安装油烟净化设施排放油烟"),
            "当事人经营的餐馆未正常使用油烟净化设施，油烟排放浓度超过国家规定的排放标准",
            (("complaint", "群众投诉餐馆油烟扰民"), ("inspection", "日常巡查发现餐馆油烟直排"),
             ("referral", "12345市民服务热线转办油烟扰民诉求")),
            expert="油烟排放检测报告",
        ),
        ItemSpec(
            "CGJ-GF-111-1", "个人随意倾倒、抛撒、堆放生活垃圾",
            ((SOLID, 49, 2, None),), ((SOLID, 111, 3, None),), ("fine",), 10_000, 50_000, (),
            False, "person", "", ("summary",),
            ("随意抛撒生活垃圾", "随意倾倒生活垃圾", "在人行道堆放生活垃圾"),
            "当事人在公共场所随意倾倒、抛撒生活垃圾",
            (("inspection", "巡查发现随意抛撒生活垃圾"),),
        ),
        ItemSpec(
            "CGJ-GF-111-2", "单位随意倾倒、抛撒、堆放生活垃圾或建筑垃圾",
            ((SOLID, 49, 2, None), (SOLID, 60, None, None)), ((SOLID, 111, 2, None),), ("fine", "confiscation"),
            5_000_000, 50_000_000,
            (("一般", 5_000_000, 20_000_000), ("较重", 20_000_000, 35_000_000), ("严重", 35_000_000, 50_000_000)),
            False, "organisation", "construction", ("general", "transfer"),
            ("随意倾倒建筑垃圾", "运输途中抛撒建筑垃圾", "在空地堆放垃圾"),
            "当事人在未经批准的场地倾倒建筑垃圾及生活垃圾",
            (("inspection", "巡查发现空地被倾倒大量垃圾"), ("complaint", "群众举报夜间偷倒渣土")),
            expert="固体废物属性鉴别报告", crime="涉嫌污染环境罪", confiscation_fen=(500_000, 3_000_000),
        ),
        ItemSpec(
            "CGJ-SR-34-2", "在城市建筑物、设施以及树木上涂写、刻画或者未经批准张贴宣传品",
            ((CITY, 17, 1, None),), ((CITY, 34, None, 2),), ("warning", "fine"), 5_000, 50_000, (),
            False, "person", "", ("summary",),
            ("在公共设施上张贴小广告", "在建筑物外墙涂写广告", "在行道树上张挂宣传品"),
            "当事人未经批准在城市公共设施上张贴宣传品",
            (("inspection", "巡查发现张贴小广告"),),
        ),
    ),
    "JA-SCJ": (
        ItemSpec(
            "SCJ-SP-124-5", "经营超过保质期的食品",
            ((FOOD, 34, None, 10),), ((FOOD, 124, 1, 5),), ("fine", "confiscation"), 5_000_000, 10_000_000,
            (("一般", 5_000_000, 7_000_000), ("较重", 7_000_000, 9_000_000), ("严重", 9_000_000, 10_000_000)),
            False, "organisation", "retail", ("general",),
            ("销售超过保质期的食品", "贮存待售超过保质期的食品"),
            "当事人在经营场所陈列销售超过保质期的预包装食品",
            (("inspection", "食品安全日常监督检查"), ("complaint", "消费者投诉购买到过期食品")),
            expert="食品标签及保质期核查记录", confiscation_fen=(20_000, 300_000),
        ),
        ItemSpec(
            "SCJ-JG-42", "经营者不按照规定明码标价",
            ((PRICE, 13, 1, None),), ((PRICE, 42, None, None),), ("warning", "fine"), 0, 500_000,
            (("轻微", 0, 100_000), ("一般", 100_000, 300_000), ("严重", 300_000, 500_000)),
            True, "organisation", "shop", ("summary", "general", "no_penalty"),
            ("商品未明码标价", "服务项目未公示收费标准", "标价签内容不全"),
            "当事人销售的商品未按规定标示品名、价格等内容",
            (("inspection", "价格监督检查"), ("complaint", "消费者投诉结账价格与标示不符")),
        ),
        ItemSpec(
            "SCJ-DJ-48", "未按照规定将营业执照置于住所或者主要经营场所的醒目位置",
            ((MARKET, 22, None, None),), ((MARKET, 48, 1, None),), ("fine",), 0, 3_000_000,
            (("轻微", 0, 500_000), ("一般", 500_000, 1_500_000), ("严重", 1_500_000, 3_000_000)),
            True, "organisation", "shop", ("general", "no_penalty", "summary"),
            ("未在经营场所醒目位置悬挂营业执照",),
            "当事人未按规定将营业执照置于主要经营场所的醒目位置，经责令改正后逾期未改正",
            (("inspection", "双随机抽查发现未悬挂营业执照"),),
        ),
    ),
    "JA-SHJ": (
        ItemSpec(
            "SHJ-ZS-77", "在噪声敏感建筑物集中区域夜间进行产生噪声的建筑施工作业",
            ((NOISE, 43, 2, None),), ((NOISE, 77, 1, 2),), ("fine",), 1_000_000, 10_000_000,
            (("一般", 1_000_000, 4_000_000), ("较重", 4_000_000, 7_000_000), ("严重", 7_000_000, 10_000_000)),
            False, "organisation", "construction", ("general",),
            ("夜间违规施工产生噪声", "未经批准夜间连续施工"),
            "当事人在噪声敏感建筑物集中区域夜间进行产生噪声的建筑施工作业，未取得夜间施工证明",
            (("complaint", "居民投诉工地夜间施工噪声扰民"), ("referral", "12345热线转办夜间施工噪声投诉")),
            expert="建筑施工场界环境噪声监测报告",
        ),
        ItemSpec(
            "SHJ-DQ-117-1", "未密闭贮存易产生扬尘的物料",
            ((AIR, 72, 1, None),), ((AIR, 117, None, 1),), ("fine", "suspension"), 1_000_000, 10_000_000,
            (("一般", 1_000_000, 4_000_000), ("较重", 4_000_000, 7_000_000), ("严重", 7_000_000, 10_000_000)),
            False, "organisation", "construction", ("general",),
            ("砂石物料未覆盖", "易产生扬尘的物料露天堆放"),
            "当事人在施工现场露天堆放砂石等易产生扬尘的物料，未采取密闭或者覆盖措施",
            (("inspection", "大气污染防治专项检查"),),
        ),
        ItemSpec(
            "SHJ-GF-114-1", "无许可证从事收集、贮存、处置危险废物经营活动",
            ((SOLID, 80, 2, None),), ((SOLID, 114, 1, None),), ("fine", "confiscation", "suspension"),
            100_000_000, 500_000_000,
            (("一般", 100_000_000, 250_000_000), ("严重", 250_000_000, 500_000_000)),
            False, "organisation", "chemical", ("transfer",),
            ("无证收集贮存废机油", "无证处置废铅蓄电池"),
            "当事人未取得危险废物经营许可证，收集、贮存危险废物",
            (("complaint", "群众举报厂房内堆放大量废机油桶"), ("inspection", "危险废物专项执法检查")),
            expert="危险废物鉴别报告", crime="涉嫌污染环境罪",
        ),
    ),
    "JA-JTJ": (
        ItemSpec(
            "JTJ-YS-63", "未取得道路运输经营许可，擅自从事道路普通货物运输经营",
            ((ROAD, 24, None, None),), ((ROAD, 63, None, None),), ("fine", "confiscation"),
            1_000_000, 10_000_000,
            (("一般", 1_000_000, 3_000_000), ("较重", 3_000_000, 6_000_000), ("严重", 6_000_000, 10_000_000)),
            False, "either", "logistics", ("general",),
            ("无道路运输经营许可从事货物运输", "使用未取得营运证的车辆从事货运经营"),
            "当事人未取得道路运输经营许可，使用自有货车从事道路普通货物运输经营并收取运费",
            (("inspection", "路面联合执法检查"), ("referral", "公安交管部门移送线索")),
            confiscation_fen=(50_000, 800_000),
        ),
        ItemSpec(
            "JTJ-CZ-49", "巡游出租汽车驾驶员拒载、议价或者故意绕道行驶",
            ((TAXI, 41, None, None),), ((TAXI, 49, None, 1),), ("fine",), 5_000, 20_000, (),
            False, "person", "", ("summary",),
            ("巡游出租汽车拒载", "巡游出租汽车不打表议价", "巡游出租汽车故意绕道行驶"),
            "当事人驾驶巡游出租汽车营运时拒载乘客",
            (("inspection", "火车站出租汽车营运秩序检查"),),
        ),
        ItemSpec(
            "JTJ-WY-34", "未取得网络预约出租汽车运输证从事网约车经营",
            ((RIDE, 13, None, None),), ((RIDE, 34, None, 1),), ("warning", "fine"), 300_000, 1_000_000,
            (("一般", 300_000, 600_000), ("严重", 600_000, 1_000_000)),
            False, "person", "", ("general",),
            ("未取得网约车运输证从事网约车经营",),
            "当事人驾驶未取得《网络预约出租汽车运输证》的车辆，通过网络平台承接订单从事网约车经营",
            (("inspection", "网约车专项整治检查"),),
        ),
    ),
}

# --------------------------------------------------------------------------- people and places

SURNAMES: Final = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万严覃武戴莫孔向汤"
)
MALE_NAMES: Final = (
    "伟", "强", "磊", "军", "洋", "勇", "杰", "涛", "斌", "超", "明", "刚", "平", "辉", "鹏", "飞", "鑫", "波",
    "宇", "浩", "凯", "健", "俊", "帆", "旭", "宁", "建国", "志强", "志明", "海波", "国庆", "文博", "子轩",
    "浩然", "宇航", "俊杰", "家豪", "天宇", "振华", "立新", "红兵", "卫东", "德明", "世杰", "学文", "永红",
)
FEMALE_NAMES: Final = (
    "芳", "娜", "敏", "静", "丽", "艳", "娟", "霞", "秀英", "桂英", "玲", "婷", "雪", "慧", "莹", "琳", "倩",
    "颖", "晶", "欣怡", "梓涵", "雨桐", "诗涵", "佳怡", "思琪", "美玲", "丽华", "春燕", "晓红", "玉兰",
    "淑珍", "海燕", "雅琴", "小红", "婉清", "紫薇",
)
BRANDS: Final = (
    "鑫源", "恒达", "隆昌", "金鼎", "顺通", "宏图", "天诚", "博雅", "佳乐", "楚韵", "江城", "汉味", "福满",
    "合兴", "万利", "永盛", "荣发", "百佳", "惠民", "锦程", "德隆", "兴旺", "润丰", "凯达", "银河", "瑞祥",
    "长丰", "汇川", "众鑫", "久安", "新纪元", "华中", "大江", "三镇", "临江", "沿江", "黄浦", "后湖",
)
FIRM_PATTERNS: Final[dict[str, tuple[str, ...]]] = {
    "catering": ("武汉{b}餐饮管理有限公司", "武汉市江岸区{b}酒楼", "武汉市江岸区{b}烧烤店", "武汉市江岸区{b}小吃店",
                 "武汉市江岸区{b}热干面馆"),
    "construction": ("湖北{b}建筑工程有限公司", "武汉{b}建设工程有限公司", "武汉{b}渣土运输有限公司",
                     "武汉{b}市政工程有限公司"),
    "retail": ("武汉市江岸区{b}超市", "武汉{b}商贸有限公司", "武汉市江岸区{b}便利店", "武汉{b}连锁超市有限公司"),
    "shop": ("武汉市江岸区{b}五金店", "武汉市江岸区{b}服装店", "武汉市江岸区{b}水果店", "武汉市江岸区{b}理发店",
             "武汉{b}商贸有限公司"),
    "chemical": ("武汉{b}环保科技有限公司", "武汉{b}汽车维修有限公司", "湖北{b}化工有限公司"),
    "logistics": ("武汉{b}物流有限公司", "武汉{b}货运有限公司", "武汉市江岸区{b}搬家服务部"),
}
SOLE_TRADER_SUFFIXES: Final = ("店", "馆", "部")
"""Firm names ending so are 个体工商户 (credit code 92…); the rest companies (91…)."""

STREETS: Final = (
    "大智街道", "一元街道", "车站街道", "四唯街道", "永清街道", "西马街道", "球场街道", "劳动街道", "二七街道",
    "新村街道", "丹水池街道", "台北街道", "花桥街道", "谌家矶街道", "后湖街道", "塔子湖街道",
)
ROADS: Final = (
    "解放大道", "中山大道", "沿江大道", "建设大道", "黄浦大街", "后湖大道", "二七路", "台北路", "竹叶山路",
    "兴业路", "江大路", "百步亭路", "惠济路", "三阳路", "胜利街", "京汉大道", "金桥大道", "堤角路",
)
ESTATES: Final = ("百步亭花园", "后湖花园", "塔子湖小区", "台北一路小区", "二七新村", "三眼桥小区", "惠济路小区",
                  "江大花园", "黄浦花园", "新村社区")
WUHAN_REGIONS: Final = ("420102", "420103", "420104", "420105", "420106", "420107", "420111", "420112",
                        "420113", "420114", "420115", "420116", "420117")
MOBILE_PREFIXES: Final = ("130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152",
                          "153", "155", "156", "158", "159", "177", "180", "185", "186", "187", "188", "189",
                          "199")

STATEMENT_POINTS: Final = (
    ("已立即整改", "整改发生在违法行为被发现之后，不影响违法事实认定"),
    ("初次违法，请求从轻处罚", "已在裁量档次内综合考虑，处罚幅度适当"),
    ("经营困难，请求减免罚款", "经营困难不属于法定从轻、减轻情节"),
    ("对检测结果有异议", "检测机构具备资质，检测程序合法，结果可以采信"),
)
REVIEW_GROUNDS: Final[dict[str, str]] = {
    "upheld": "认定事实清楚，证据确凿，适用依据正确，程序合法，内容适当",
    "dismissed": "申请人的复议请求缺乏事实和法律依据",
    "revoked": "主要事实不清、证据不足",
    "changed": "处罚内容不适当，依法予以变更",
    "confirmed_illegal": "程序轻微违法，但对申请人权利不产生实际影响",
    "terminated": "申请人撤回行政复议申请",
}
