"""The building blocks of the configuration: the law names its keys cite, the key declaration
(``setting``: default, rule id, article, meaning) and the read-only mapping a ``Config`` hashes."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import field
from typing import Any, Final, Generic, TypeVar

from domain.errors import DomainError

LAW: Final = "《中华人民共和国行政处罚法》"
COERCION_LAW: Final = "《中华人民共和国行政强制法》"
RECONSIDERATION_LAW: Final = "《中华人民共和国行政复议法》"
LITIGATION_LAW: Final = "《中华人民共和国行政诉讼法》"
TRANSFER_RULE: Final = "《行政执法机关移送涉嫌犯罪案件的规定》"
DOC_118: Final = "国办发〔2018〕118号"
OGI: Final = "《中华人民共和国政府信息公开条例》"
JUDICIAL: Final = "《最高人民法院关于行政机关负责人出庭应诉若干问题的规定》"
LICENSING_LAW: Final = "《中华人民共和国行政许可法》"
PETITION_RULE: Final = "《信访工作条例》"

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


def setting(default: Any, rule: str, basis: str, doc: str) -> Any:
    """A configuration key with its default and where it comes from (rule id, article)."""
    meta = {"rule": rule, "basis": basis, "doc": doc}
    if isinstance(default, dict):
        frozen = FrozenMap(default)
        return field(default_factory=lambda: frozen, metadata=meta)
    return field(default=default, metadata=meta)

