"""The fixed material of the demo's 行政强制 and 行政检查 files (``demo``): the coercion and inspection
items the enforcement agencies publish (``EnforcementItemPublished`` with ``kind: coercion`` /
``kind: inspection``) and the words the files are made of. Data only; like ``demo.catalogue`` it
cites real articles (demo data, not legal advice).

Why no agency publishes a 冻结 item: 行政强制法 第29条 reserves freezing to agencies a 法律 names
(税务, 海关, 证券监管 …), none of them a district department; the demo's one freezing is therefore
a defect (COE-01), as it would be in life.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from demo.catalogue import AIR, FOOD, Basis

ENVIRONMENT: Final = "中华人民共和国环境保护法"
COERCION_LAW: Final = "中华人民共和国行政强制法"
ROADS_REGULATION: Final = "城市道路管理条例"


@dataclass(frozen=True, slots=True)
class CoercionItemSpec:
    """A 行政强制措施 item and what the demo's measures under it seize."""

    agency: str
    code: str
    name: str
    basis: Basis
    measures: tuple[str, ...]
    summaries: tuple[str, ...]
    """Why the measure was taken (``CoercionOpened.summary``)."""
    things: tuple[tuple[str, int, str], ...]
    """(name, quantity, unit) of what is seized or sealed."""
    industry: str
    destroyed: bool = False
    """The agency's own 处理决定 destroys the items (不符合食品安全标准的食品); else they are returned."""


COERCION_ITEMS: Final = (
    CoercionItemSpec("JA-CGJ", "CGJ-QZ-DQ-30", "对违法排放大气污染物的设施、设备、物品实施查封、扣押",
                     (AIR, 30, None, None), ("seal", "seize"),
                     ("夜间巡查发现在禁止区域露天烧烤", "巡查发现餐馆油烟直排且拒不停止"),
                     (("烧烤炉", 1, "台"), ("木炭", 2, "袋"), ("油烟排放风机", 1, "台")), "catering"),
    CoercionItemSpec("JA-SCJ", "SCJ-QZ-SP-110", "对不符合食品安全标准的食品及其原料、工具设备实施查封、扣押",
                     (FOOD, 110, None, 4), ("seal", "seize"),
                     ("抽检发现经营超过保质期的食品", "检查发现使用来源不明的食品原料"),
                     (("预包装食品", 36, "件"), ("食品原料", 12, "袋"), ("冷藏柜", 1, "台")), "retail",
                     destroyed=True),
    CoercionItemSpec("JA-SHJ", "SHJ-QZ-HB-25", "对违法排放污染物造成或者可能造成严重污染的设施、设备实施查封、扣押",
                     (ENVIRONMENT, 25, None, None), ("seal", "seize"),
                     ("检查发现危险废物贮存设施渗漏", "监测发现废气处理设施停运直排"),
                     (("废气处理设施", 1, "套"), ("危险废物暂存间", 1, "间"), ("喷涂设备", 2, "台")), "chemical"),
)


@dataclass(frozen=True, slots=True)
class InspectionItemSpec:
    """A 行政检查 item (in the 随机抽查事项清单 when ``random``) and how its checks read."""

    agency: str
    code: str
    name: str
    basis: Basis
    industry: str
    checked: tuple[str, ...]
    population: str
    corrections: tuple[str, ...]
    """Findings that lead to a 责令改正 (the rest of the checks find nothing)."""


INSPECTION_ITEMS: Final = (
    InspectionItemSpec("JA-CGJ", "CGJ-JC-YY-01", "餐饮服务单位油烟净化设施使用情况检查", (AIR, 81, 1, None), "catering",
                       ("油烟净化设施安装情况", "油烟净化设施运行及清洗维护记录"), "江岸区餐饮服务单位名录库",
                       ("油烟净化设施清洗维护记录不全", "油烟管道积油未按期清洗")),
    InspectionItemSpec("JA-SCJ", "SCJ-JC-SP-01", "食品经营者食品安全监督检查", (FOOD, 110, None, None), "retail",
                       ("食品经营许可及从业人员健康证明", "进货查验记录", "食品贮存条件"), "江岸区食品经营者名录库",
                       ("进货查验记录不全", "从业人员健康证明过期")),
    InspectionItemSpec("JA-SHJ", "SHJ-JC-PW-01", "排污单位污染物排放情况检查", (ENVIRONMENT, 24, None, None),
                       "chemical",
                       ("排污许可执行情况", "污染防治设施运行记录", "危险废物贮存管理"), "江岸区排污单位名录库",
                       ("危险废物标识不规范", "污染防治设施运行台账不全")),
)

SUBSTITUTE_AGENCY: Final = "JA-CGJ"
"""代履行 (第50条: 危害交通安全) by the 城管 of obstructions it ordered removed."""
OBSTRUCTIONS: Final = (
    ("堆放在道路上的建筑材料约{n}立方米", "清运", "擅自占用城市道路堆放物料"),
    ("在人行道上搭建的彩钢棚一处（约{n}平方米）", "拆除清运", "擅自在人行道上搭建构筑物"),
    ("占用消防通道堆放的杂物约{n}立方米", "清运", "占用道路堆放杂物影响通行"),
)
PERFORMERS: Final = ("武汉江岸某清运服务有限公司", "武汉某市政工程有限公司")
RETURN_GROUNDS: Final = (("no_violation", "经查明当事人违法行为不成立"),
                         ("other", "违法行为已改正，不再需要查封、扣押"))
CHANNEL: Final = "江岸区人民政府门户网站 行政执法公示"
