"""The words the 行政强制 read models, pages and public rows use for measures and enforcement.

Why a module of its own rather than more lines in :mod:`projections.labels`: the measures are read
from two kinds of stream (``coercion/`` and ``case/``) by the tables, the queries, the statistics
and the pages alike, and their words (a measure's status, an item's disposition, an enforcement's
method and its stage) belong together.
"""

from __future__ import annotations

from typing import Final

from projections.measures import NAMES

__all__ = [
    "CONCLUSION_LABELS",
    "DISPOSITION_LABELS",
    "ENFORCEMENT_STATUS_LABELS",
    "MEASURE_NAMES",
    "MEASURE_STATUS_LABELS",
    "METHOD_LABELS",
    "measure_status",
]

MEASURE_NAMES: Final[dict[str, str]] = dict(NAMES)
"""seal, seize, freeze → 查封, 扣押, 冻结."""

MEASURE_STATUS_LABELS: Final[dict[str, str]] = {"running": "实施中", "released": "已解除", "disposed": "已处理"}
"""A measure: running until every item is disposed of or released (a freezing: released or disposed of)."""

DISPOSITION_LABELS: Final[dict[str, str]] = {
    "confiscated": "没收", "destroyed": "销毁", "transferred_to_judicial": "移送司法机关", "transferred": "移送",
    "auctioned_for_fine": "拍卖抵缴罚款", "returned": "退还", "released": "解除",
}
"""What became of a sealed or seized item (``SeizureDisposed``, ``DecisionMade.disposes``, 解除, 退还)."""

CONCLUSION_LABELS: Final[dict[str, str]] = {key: f"已{label}" for key, label in DISPOSITION_LABELS.items()}
"""A measure's conclusion as PUB-06 publishes it (已没收, 已解除 …)."""

METHOD_LABELS: Final[dict[str, str]] = {
    "account_transfer": "划拨存款、汇款", "auction": "拍卖、依法处理查封扣押的场所设施或财物",
    "demolition": "强制拆除", "restore": "排除妨碍、恢复原状", "substitute": "代履行",
    "utility_cutoff": "停止供水供电等",
    "other": "其他强制执行方式",
}
"""The methods of the agency's own enforcement (行政强制法 第12条, ``EnforcementDecided.enforcement_method``)."""

ENFORCEMENT_STATUS_LABELS: Final[dict[str, str]] = {
    "demanded": "已催告", "decided": "已决定强制执行", "carried_out": "已执行完毕", "terminated": "已终结",
}


def measure_status(status: str) -> str:
    """``MeasureRecord.status`` as the read models say it (``open`` is ``running``)."""
    return "running" if status == "open" else status
