"""A step as stated (steps.md): stream, type, at, by, data, override — parsed and checked."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from functools import lru_cache
from typing import Any

from domain.errors import StepRefused
from domain.fields import parse_stream

_RFC3339 = re.compile(
    r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$"
)
_BEIJING = timezone(timedelta(hours=8))
STEP_FIELDS = frozenset({"stream", "type", "at", "by", "data", "override"})


def parse_timestamp(text: object, field: str) -> datetime:
    """An RFC 3339 timestamp with an offset; naive times are refused, never assumed."""
    if not isinstance(text, str) or not _RFC3339.match(text):
        raise StepRefused("STRUCT-TIME", f"{field} 应为带时区偏移的 RFC 3339 时间: {text!r}")
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
        value.astimezone(UTC)  # 0001-01-01T00:00+14:00 has no UTC instant,
        value.astimezone(_BEIJING)  # 9999-12-31T23:00Z no Beijing date (deadlines count in those)
    except (ValueError, OverflowError) as exc:
        raise StepRefused("STRUCT-TIME", f"{field} 不是存在的时间: {text!r} ({exc})") from exc
    return value


@lru_cache(maxsize=65536)
def stream_kind(stream: str) -> str:
    """The kind of a stream name (cached: the same few thousand names recur)."""
    return parse_stream(stream)[0].value


@dataclass(frozen=True, slots=True)
class Step:
    """An immutable step; ``raw`` keeps the JSON exactly as stated, for canonical bytes."""

    raw: Mapping[str, Any]
    kind: str

    @classmethod
    def parse(cls, obj: object) -> Step:
        if not isinstance(obj, Mapping):
            raise StepRefused("STRUCT-SHAPE", "步骤应为 JSON 对象")
        unknown = set(obj) - STEP_FIELDS
        if unknown:
            raise StepRefused("STRUCT-SHAPE", f"步骤含未知字段: {', '.join(sorted(unknown))}")
        for field in ("stream", "type", "at", "by"):
            if not isinstance(obj.get(field), str) or not obj[field]:
                raise StepRefused("STRUCT-SHAPE", f"缺少必填字段 {field}")
        if not isinstance(obj.get("data"), Mapping):
            raise StepRefused("STRUCT-SHAPE", "data 应为 JSON 对象")
        override = obj.get("override")
        if override is not None and not isinstance(override, Mapping | list):
            raise StepRefused("STRUCT-SHAPE", "override 应为对象或对象列表")
        kind = stream_kind(obj["stream"])
        if stream_kind(obj["by"]) != "officer":
            raise StepRefused("STRUCT-BY", f"by 应为 officer/<id>: {obj['by']!r}")
        parse_timestamp(obj["at"], "at")
        return cls(dict(obj), kind)

    @property
    def stream(self) -> str:
        return str(self.raw["stream"])

    @property
    def type(self) -> str:
        return str(self.raw["type"])

    @property
    def at(self) -> datetime:
        return parse_timestamp(self.raw["at"], "at")

    @property
    def by(self) -> str:
        return str(self.raw["by"])

    @property
    def data(self) -> Mapping[str, Any]:
        data: Mapping[str, Any] = self.raw["data"]
        return data

    @property
    def overrides(self) -> list[Mapping[str, Any]]:
        override = self.raw.get("override")
        if override is None:
            return []
        return list(override) if isinstance(override, list) else [override]
