"""The OpenAPI schemas of the steps, generated from the vocabulary (``domain.vocabulary.STEPS``).

Each step type is a component ``<Type>Step`` whose ``type`` is a constant, and ``Step``
is their ``oneOf`` with a discriminator on ``type``. Nested shapes of
``domain.shapes`` (``Document``, ``Party``, ``LegalBasis`` …) are components of their
own. Request bodies are *not* parsed through these schemas: the service keeps the JSON
exactly as sent (its canonical bytes are signed) and the domain checks it, answering
with the rule that failed; the schemas document the contract and drive the tests.

Legal-fact fields (seals, approvals, signatures, documents, legal bases) accept
``null`` only in 补录 (``backfill=true``); the schemas allow ``null`` there and say so.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from domain import shapes
from domain.fields import (
    AnyJson,
    Boolean,
    Choice,
    Date,
    Field,
    FieldType,
    Integer,
    ListOf,
    Obj,
    OneOf,
    PublicKey,
    Ref,
    StreamKind,
    Text,
    Timestamp,
)
from domain.vocabulary import STEPS, StepSpec
from ledger.canonical import MAX_SAFE_INT

TIMESTAMP_PATTERN = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$"
DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"
STREAM_ID_PATTERN = r"[A-Za-z0-9](?:[A-Za-z0-9._-]{0,126}[A-Za-z0-9])?"
ID_PATTERN = "^" + STREAM_ID_PATTERN + "$"


def _component_name(constant: str) -> str:
    return "".join(part.capitalize() for part in constant.lower().split("_"))


@lru_cache(maxsize=1)
def _shape_names() -> dict[int, str]:
    """Named nested shapes (``domain.shapes.DOCUMENT`` → ``Document``)."""
    names: dict[int, str] = {}
    for constant, value in vars(shapes).items():
        if constant.isupper() and isinstance(value, Obj):
            names.setdefault(id(value), _component_name(constant))
    return names


def stream_pattern(kinds: frozenset[StreamKind] | set[StreamKind]) -> str:
    ordered = "|".join(sorted(k.value for k in kinds))
    if kinds == {StreamKind.CALENDAR}:
        return r"^calendar/\d{4}$"
    return f"^({ordered})/{STREAM_ID_PATTERN}$"


class _Builder:
    def __init__(self) -> None:
        self.components: dict[str, dict[str, Any]] = {}

    def ref(self, name: str) -> dict[str, Any]:
        return {"$ref": f"#/components/schemas/{name}"}

    def type_schema(self, kind: FieldType) -> dict[str, Any]:
        if isinstance(kind, Obj):
            name = _shape_names().get(id(kind))
            if name is None:
                return self.object_schema(kind)
            if name not in self.components:
                self.components[name] = {}  # placeholder against recursion
                self.components[name] = self.object_schema(kind, title=name)
            return self.ref(name)
        if isinstance(kind, Text):
            out: dict[str, Any] = {"type": "string", "description": kind.what}
            if not kind.allow_empty:
                out["minLength"] = 1
            if kind.pattern is not None:
                out["pattern"] = f"^(?:{kind.pattern.pattern})$"
            return out
        if isinstance(kind, Integer):
            return {"type": "integer",
                    "minimum": -MAX_SAFE_INT if kind.minimum is None else max(kind.minimum, -MAX_SAFE_INT),
                    "maximum": MAX_SAFE_INT if kind.maximum is None else min(kind.maximum, MAX_SAFE_INT)}
        if isinstance(kind, Boolean):
            return {"type": "boolean"}
        if isinstance(kind, Date):
            return {"type": "string", "format": "date", "pattern": DATE_PATTERN}
        if isinstance(kind, Timestamp):
            return {"type": "string", "format": "date-time", "pattern": TIMESTAMP_PATTERN,
                    "description": "RFC 3339 时间, 须带时区偏移 (如 2026-03-04T10:15:00+08:00)"}
        if isinstance(kind, Choice):
            return {"type": "string", "enum": list(kind.values)}
        if isinstance(kind, Ref):
            refs: dict[str, Any] = {"type": "string", "pattern": stream_pattern(set(kind.to)),
                                    "description": kind.label}
            if not kind.words:
                return refs
            return {"anyOf": [refs, {"type": "string", "enum": sorted(kind.words)}]}
        if isinstance(kind, PublicKey):
            return {"type": "string", "pattern": r"^[A-Za-z0-9+/]{43}=$",
                    "description": "Ed25519 公钥 (32 字节, 标准 base64)"}
        if isinstance(kind, ListOf):
            items: dict[str, Any] = {"type": "array", "items": self.type_schema(kind.item)}
            if kind.min_items:
                items["minItems"] = kind.min_items
            return items
        if isinstance(kind, OneOf):
            return {"oneOf": [self.type_schema(option) for option in kind.options]}
        if isinstance(kind, AnyJson):
            return {"description": "任意 JSON 值 (不含浮点数)"}
        return {}

    def field_schema(self, spec: Field) -> dict[str, Any]:
        schema = self.type_schema(spec.type)
        notes = [spec.note] if spec.note else []
        if spec.nullable:
            schema = {"anyOf": [schema, {"type": "null"}]}
        elif spec.legal_fact:
            schema = {"anyOf": [schema, {"type": "null"}]}
            notes.append("法律事实: 仅补录 (backfill) 时可为 null")
        if spec.must_hold:
            notes.append(f"须具有 {spec.must_hold} 角色")
        if notes:
            schema = {**schema, "description": "; ".join(notes)}
        return schema

    def object_schema(self, obj: Obj, *, title: str | None = None) -> dict[str, Any]:
        schema: dict[str, Any] = {
            "type": "object",
            "properties": {f.name: self.field_schema(f) for f in obj.fields},
            "additionalProperties": True,
            "description": obj.what,
        }
        required = [f.name for f in obj.fields if f.required and f.unless_stream is None]
        if required:
            schema["required"] = required
        if title:
            schema["title"] = title
        return schema

    def step_schema(self, spec: StepSpec) -> dict[str, Any]:
        override = self.type_schema(shapes.OVERRIDE)
        data = self.object_schema(spec.data)
        places = []
        for kind, placement in spec.placements.items():
            roles = "/".join(sorted(r.value for r in placement.record.roles))
            place = f"流 {kind.value}/<编号>; 记录人角色 {roles} ({placement.record.scope.value})"
            for name in placement.added:  # fields only this kind has: optional in the shared schema
                data["properties"][name] = self.field_schema(placement.data.by_name[name])
            if placement.added:
                place += f"; 此流上另有字段 {', '.join(placement.added)}"
            places.append(place)
        description = f"{spec.name}: " + " | ".join(places)
        if spec.opens:
            description += "; 可作为流的首个步骤"
        if spec.note:
            description += f"; {spec.note}"
        return {
            "type": "object",
            "title": f"{spec.name}Step",
            "description": description,
            "required": ["stream", "type", "at", "by", "data"],
            "properties": {
                "stream": {"type": "string", "pattern": stream_pattern(set(spec.streams))},
                "type": {"type": "string", "enum": [spec.name]},
                "at": self.type_schema(Timestamp()),
                "by": {"type": "string", "pattern": stream_pattern({StreamKind.OFFICER})},
                "data": data,
                "override": {"anyOf": [override, {"type": "array", "items": override, "minItems": 1}]},
            },
            "additionalProperties": False,
        }


@lru_cache(maxsize=1)
def step_components() -> dict[str, dict[str, Any]]:
    """Component schemas: every shape, every ``<Type>Step``, ``Step``, ``SealedEnvelope``, ``StepBatch``."""
    builder = _Builder()
    mapping: dict[str, str] = {}
    for name, spec in sorted(STEPS.items()):
        component = f"{name}Step"
        builder.components[component] = builder.step_schema(spec)
        mapping[name] = f"#/components/schemas/{component}"
    components = dict(builder.components)
    components["Step"] = {
        "title": "Step",
        "description": "一个步骤 (steps.md): stream, type, at, by, data, override?",
        "oneOf": [{"$ref": ref} for ref in mapping.values()],
        "discriminator": {"propertyName": "type", "mapping": mapping},
    }
    components["SealedEnvelope"] = {
        "title": "SealedEnvelope",
        "description": "客户端自行签名的事件: 规范编码的 {\"event\":<信封>,\"sig\":\"<base64 Ed25519 签名>\"}; "
                       "请求体的字节须与规范编码完全一致",
        "type": "object",
        "required": ["event", "sig"],
        "properties": {
            "event": {"type": "object", "additionalProperties": True,
                      "required": ["format", "stream", "type", "at", "by", "data", "recorded_at", "version",
                                   "prev", "nonce", "signer"]},
            "sig": {"type": "string", "pattern": r"^[A-Za-z0-9+/]{86}==$"},
        },
        "additionalProperties": False,
    }
    components["StepBatch"] = {
        "title": "StepBatch",
        "type": "object",
        "required": ["steps"],
        "properties": {
            "steps": {"type": "array", "items": {"$ref": "#/components/schemas/Step"}, "minItems": 1},
            "expect": {
                "type": "object",
                "description": "乐观并发: 流 → 期望的当前版本 (0 表示流尚不存在)",
                "additionalProperties": {"type": "integer", "minimum": 0},
            },
        },
        "additionalProperties": False,
    }
    return components


def step_body_schema() -> dict[str, Any]:
    return {"oneOf": [{"$ref": "#/components/schemas/Step"}, {"$ref": "#/components/schemas/SealedEnvelope"}]}
