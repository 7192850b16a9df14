"""Field types of the step vocabulary: what a JSON value must look like, and what it reads as.

Each type checks a raw JSON value (as ``json.loads`` gives it) and reports every
problem at its path, so a refused step names all that is wrong at once; the same
type turns a checked value into an immutable Python value for readers. The ledger
stores the raw JSON as written: nothing here re-serialises.
"""

from __future__ import annotations

import base64
import binascii
import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from enum import StrEnum
from types import MappingProxyType
from typing import Final

from domain.errors import StepRefused

# --------------------------------------------------------------------------- problems


@dataclass(frozen=True, slots=True)
class Problem:
    """One structural defect: where (``data.party.kind``) and what, in Chinese for the user."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


# --------------------------------------------------------------------------- streams


class StreamKind(StrEnum):
    """What a stream is about; the part of ``stream`` before the slash."""

    AGENCY = "agency"
    OFFICER = "officer"
    CASE = "case"
    REVIEW = "review"
    LITIGATION = "litigation"
    SUPERVISION = "supervision"
    CALENDAR = "calendar"
    LICENCE = "licence"
    COMPLAINT = "complaint"
    COERCION = "coercion"
    """行政强制: a coercive measure or an enforcement outside a registered penalty case."""
    SPOTCHECK = "spotcheck"
    """双随机 抽查任务: plan, directory snapshots, draw."""
    INSPECTION = "inspection"
    """行政检查 of one object."""


class MalformedStream(StepRefused, ValueError):
    """A stream name that is not ``<kind>/<id>``; a ValueError too, for CLI parsing."""

    def __init__(self, stream: object, reason: str) -> None:
        super().__init__("STRUCT-STREAM", f"stream 格式错误: {stream!r} ({reason})")


# Ids are ASCII (codes, numbers, years): they appear in URLs, file names and CLI options.
_STREAM_ID: Final = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._-]{0,126}[A-Za-z0-9])?")
_YEAR: Final = re.compile(r"\d{4}")


def parse_stream(stream: str) -> tuple[StreamKind, str]:
    """Split ``case/DXH-CGJ-2026-0012`` into kind and id, refusing anything else."""
    if not isinstance(stream, str):
        raise MalformedStream(stream, "应为字符串")
    kind_text, slash, ident = stream.partition("/")
    if not slash:
        raise MalformedStream(stream, "应为 <类别>/<编号>")
    try:
        kind = StreamKind(kind_text)
    except ValueError:
        kinds = ", ".join(k.value for k in StreamKind)
        raise MalformedStream(stream, f"类别应为 {kinds} 之一") from None
    if not _STREAM_ID.fullmatch(ident):
        raise MalformedStream(
            stream, "编号只能含字母、数字、点、下划线和连字符, 且以字母或数字开头结尾"
        )
    if kind is StreamKind.CALENDAR and not _YEAR.fullmatch(ident):
        raise MalformedStream(stream, "calendar 流的编号应为四位年份")
    return kind, ident


# --------------------------------------------------------------------------- JSON values

NULL: Final = "null"
BOOL: Final = "bool"
INT: Final = "int"
FLOAT: Final = "float"
STR: Final = "str"
LIST: Final = "list"
OBJECT: Final = "object"
JSON_KINDS: Final = frozenset({NULL, BOOL, INT, STR, LIST, OBJECT})
"""The JSON kinds a step may hold; floats never (money is integer fen, canonical bytes)."""

# The ledger's canonical bytes hold integers exactly representable in a 64-bit float
# (I-JSON, |n| <= 2^53-1: ledger.canonical.MAX_SAFE_INT); a step beyond them is refused
# here, structurally, rather than failing when it is sealed.
INT_MIN: Final = -(2**53 - 1)
INT_MAX: Final = 2**53 - 1


def json_kind(value: object) -> str | None:
    """The JSON kind of a Python value, ``None`` when it is not JSON at all."""
    if value is None:
        return NULL
    if isinstance(value, bool):
        return BOOL
    if isinstance(value, int):
        return INT
    if isinstance(value, float):
        return FLOAT
    if isinstance(value, str):
        return STR
    if isinstance(value, list | tuple):
        return LIST
    if isinstance(value, Mapping):
        return OBJECT
    return None


def join(path: str, key: str | int) -> str:
    """``data`` + ``party`` → ``data.party``; ``data.basis`` + 0 → ``data.basis[0]``."""
    return f"{path}[{key}]" if isinstance(key, int) else f"{path}.{key}"


def _check_text(value: str, path: str, out: list[Problem]) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        out.append(Problem(path, "字符串含无效的 Unicode 字符 (孤立代理项)"))
        return False
    return True


def _check_int_range(value: int, path: str, out: list[Problem]) -> bool:
    if not INT_MIN <= value <= INT_MAX:
        out.append(Problem(path, "整数超出 64 位浮点数可精确表示的范围 (|n| ≤ 2^53-1)"))
        return False
    return True


def check_json(value: object, path: str, out: list[Problem]) -> None:
    """Any JSON without floats: for open-typed and unknown fields, which are stored as given."""
    kind = json_kind(value)
    if kind is None:
        out.append(Problem(path, f"不是 JSON 值 ({type(value).__name__})"))
    elif kind == FLOAT:
        out.append(Problem(path, "不得使用浮点数 (金额以分为单位的整数表示)"))
    elif kind == INT:
        assert isinstance(value, int)
        _check_int_range(value, path, out)
    elif kind == STR:
        assert isinstance(value, str)
        _check_text(value, path, out)
    elif kind == LIST:
        assert isinstance(value, list | tuple)
        for index, item in enumerate(value):
            check_json(item, join(path, index), out)
    elif kind == OBJECT:
        assert isinstance(value, Mapping)
        for key, item in value.items():
            if not isinstance(key, str):
                out.append(Problem(path, f"对象的键应为字符串: {key!r}"))
                continue
            check_json(item, join(path, key), out)


def freeze(value: object) -> object:
    """An immutable copy of a JSON value (tuples, read-only mappings) for open-typed fields."""
    if isinstance(value, list | tuple):
        return tuple(freeze(item) for item in value)
    if isinstance(value, Mapping):
        return MappingProxyType({key: freeze(item) for key, item in value.items()})
    return value


_KIND_NAMES: Final = {
    NULL: "null",
    BOOL: "布尔值",
    INT: "整数",
    FLOAT: "浮点数",
    STR: "字符串",
    LIST: "列表",
    OBJECT: "对象",
}


def _wrong_kind(value: object, expected: str, path: str, out: list[Problem]) -> None:
    kind = json_kind(value)
    if kind == FLOAT:
        got = "不得使用浮点数"
    elif kind is None:
        got = f"不是 JSON 值 ({type(value).__name__})"
    else:
        got = f"实为{_KIND_NAMES[kind]}"
    out.append(Problem(path, f"应为{expected} ({got})"))


# --------------------------------------------------------------------------- field types


class FieldType(ABC):
    """How one JSON value is checked and read."""

    @property
    @abstractmethod
    def kinds(self) -> frozenset[str]:
        """The JSON kinds this type can accept (a format may still refuse the value)."""

    @property
    @abstractmethod
    def label(self) -> str:
        """A Chinese description used in messages (``日期 YYYY-MM-DD``)."""

    @abstractmethod
    def check(self, value: object, path: str, out: list[Problem], backfill: bool) -> None:
        """Append a problem for every defect of ``value`` (which is not None here)."""

    @abstractmethod
    def parse(self, value: object) -> object:
        """The immutable Python value of a checked ``value``."""

    def child(self, key: str | int) -> tuple[FieldType, Field | None] | None:
        """The type at ``key`` inside this one, with its member spec when it is a named field."""
        return None

    @property
    def open(self) -> bool:
        """True when any JSON value is acceptable (the vocabulary leaves it free)."""
        return False


@dataclass(frozen=True, slots=True)
class Text(FieldType):
    """A string; by default non-empty, optionally matching a pattern (ids, hashes)."""

    pattern: re.Pattern[str] | None = None
    what: str = "字符串"
    allow_empty: bool = False

    @property
    def kinds(self) -> frozenset[str]:
        return frozenset({STR})

    @property
    def label(self) -> str:
        return self.what

    def check(self, value: object, path: str, out: list[Problem], backfill: bool) -> None:
        if not isinstance(value, str):
            _wrong_kind(value, self.what, path, out)
        elif not _check_text(value, path, out):
            return
        elif not value and not self.allow_empty:
            out.append(Problem(path, "不能为空字符串"))
        elif self.pattern is not None and not self.pattern.fullmatch(value):
            out.append(Problem(path, f"应为{self.what}: {value!r}"))

    def parse(self, value: object) -> object:
        assert isinstance(value, str)
        return value


@dataclass(frozen=True, slots=True)
class Integer(FieldType):
    """An integer (never a bool, never a float: money is fen, counts are whole)."""

    minimum: int | None = None
    maximum: int | None = None

    @property
    def kinds(self) -> frozenset[str]:
        return frozenset({INT})

    @property
    def label(self) -> str:
        return "整数"

    def check(self, value: object, path: str, out: list[Problem], backfill: bool) -> None:
        if isinstance(value, bool) or not isinstance(value, int):
            _wrong_kind(value, "整数", path, out)
        elif not _check_int_range(value, path, out):
            return
        elif self.minimum is not None and value < self.minimum:
            out.append(Problem(path, f"应为不小于 {self.minimum} 的整数: {value}"))
        elif self.maximum is not None and value > self.maximum:
            out.append(Problem(path, f"应为不大于 {self.maximum} 的整数: {value}"))

    def parse(self, value: object) -> object:
        assert isinstance(value, int)
        return value


@dataclass(frozen=True, slots=True)
class Boolean(FieldType):
    """``true`` or ``false``; 0/1 and "true" are refused, they are how mistakes look."""

    @property
    def kinds(self) -> frozenset[str]:
        return frozenset({BOOL})

    @property
    def label(self) -> str:
        return "布尔值"

    def check(self, value: object, path: str, out: list[Problem], backfill: bool) -> None:
        if not isinstance(value, bool):
            _wrong_kind(value, "布尔值 true/false", path, out)

    def parse(self, value: object) -> object:
        assert isinstance(value, bool)
        return value


_DATE: Final = re.compile(r"\d{4}-\d{2}-\d{2}")
_TIMESTAMP: Final = re.compile(
    r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})"
)


@dataclass(frozen=True, slots=True)
class Date(FieldType):
    """A calendar date ``YYYY-MM-DD`` (``_on`` fields, ``until``, ``due``, ``valid_*``)."""

    @property
    def kinds(self) -> frozenset[str]:
        return frozenset({STR})

    @property
    def label(self) -> str:
        return "日期 YYYY-MM-DD"

    def check(self, value: object, path: str, out: list[Problem], backfill: bool) -> None:
        if not isinstance(value, str):
            _wrong_kind(value, "日期 YYYY-MM-DD", path, out)
            return
        ok = _DATE.fullmatch(value) is not None
        if ok:
            try:
                date.fromisoformat(value)
            except ValueError:
                ok = False
        if not ok:
            out.append(Problem(path, f"应为日期 YYYY-MM-DD: {value!r}"))

    def parse(self, value: object) -> object:
        assert isinstance(value, str)
        return date.fromisoformat(value)


@dataclass(frozen=True, slots=True)
class Timestamp(FieldType):
    """An RFC 3339 time with an offset (``_at`` fields); naive times are never guessed."""

    @property
    def kinds(self) -> frozenset[str]:
        return frozenset({STR})

    @property
    def label(self) -> str:
        return "带时区偏移的 RFC 3339 时间"

    def check(self, value: object, path: str, out: list[Problem], backfill: bool) -> None:
        if not isinstance(value, str):
            _wrong_kind(value, self.label, path, out)
            return
        ok = _TIMESTAMP.fullmatch(value) is not None
        if ok:
            try:
                moment = datetime.fromisoformat(value)
                moment.astimezone(UTC)  # an instant that exists, with a Beijing date
                moment.astimezone(timezone(timedelta(hours=8)))
            except (ValueError, OverflowError):
                ok = False
        if not ok:
            example = "如 2026-03-04T10:15:00+08:00"
            out.append(Problem(path, f"应为带时区偏移的 RFC 3339 时间 ({example}): {value!r}"))

    def parse(self, value: object) -> object:
        assert isinstance(value, str)
        return datetime.fromisoformat(value)


@dataclass(frozen=True, slots=True)
class Choice(FieldType):
    """One of a closed set of codes (enumerations of steps.md)."""

    values: tuple[str, ...]

    @property
    def kinds(self) -> frozenset[str]:
        return frozenset({STR})

    @property
    def label(self) -> str:
        return "以下取值之一: " + ", ".join(self.values)

    def check(self, value: object, path: str, out: list[Problem], backfill: bool) -> None:
        if not isinstance(value, str):
            _wrong_kind(value, self.label, path, out)
        elif value not in self.values:
            out.append(Problem(path, f"应为{self.label} (实为 {value!r})"))

    def parse(self, value: object) -> object:
        assert isinstance(value, str)
        return value


@dataclass(frozen=True, slots=True)
class Ref(FieldType):
    """A reference to a stream (``officer/<id>``, ``agency/<code>``, ...), or a fixed word."""

    to: frozenset[StreamKind]
    words: frozenset[str] = frozenset()

    @property
    def kinds(self) -> frozenset[str]:
        return frozenset({STR})

    @property
    def label(self) -> str:
        forms = [f"{kind.value}/<编号>" for kind in sorted(self.to)]
        forms += [repr(word) for word in sorted(self.words)]
        return " 或 ".join(forms) + " 形式的引用"

    def check(self, value: object, path: str, out: list[Problem], backfill: bool) -> None:
        if not isinstance(value, str):
            _wrong_kind(value, self.label, path, out)
            return
        if value in self.words:
            return
        try:
            kind, _ = parse_stream(value)
        except MalformedStream:
            out.append(Problem(path, f"应为{self.label}: {value!r}"))
            return
        if kind not in self.to:
            out.append(Problem(path, f"应为{self.label}: {value!r}"))

    def parse(self, value: object) -> object:
        assert isinstance(value, str)
        return value


@dataclass(frozen=True, slots=True)
class PublicKey(FieldType):
    """An Ed25519 public key, standard base64 of its 32 bytes (checked here, used by ledger)."""

    @property
    def kinds(self) -> frozenset[str]:
        return frozenset({STR})

    @property
    def label(self) -> str:
        return "Ed25519 公钥 (32 字节的 base64)"

    def check(self, value: object, path: str, out: list[Problem], backfill: bool) -> None:
        if not isinstance(value, str):
            _wrong_kind(value, self.label, path, out)
            return
        try:
            raw = base64.b64decode(value.encode("ascii"), validate=True)
        except (binascii.Error, UnicodeEncodeError, ValueError):
            raw = b""
        if len(raw) != 32:
            out.append(Problem(path, f"应为{self.label}"))

    def parse(self, value: object) -> object:
        assert isinstance(value, str)
        return value


@dataclass(frozen=True, slots=True)
class AnyJson(FieldType):
    """Left open by the vocabulary (``old``/``new`` of a correction): any JSON but floats."""

    @property
    def kinds(self) -> frozenset[str]:
        return JSON_KINDS

    @property
    def label(self) -> str:
        return "任意 JSON 值"

    @property
    def open(self) -> bool:
        return True

    def check(self, value: object, path: str, out: list[Problem], backfill: bool) -> None:
        check_json(value, path, out)

    def parse(self, value: object) -> object:
        return freeze(value)


@dataclass(frozen=True, slots=True)
class ListOf(FieldType):
    """A JSON array of one item type; read as a tuple."""

    item: FieldType
    min_items: int = 0

    @property
    def kinds(self) -> frozenset[str]:
        return frozenset({LIST})

    @property
    def label(self) -> str:
        return f"列表 [{self.item.label}]"

    def check(self, value: object, path: str, out: list[Problem], backfill: bool) -> None:
        if not isinstance(value, list | tuple):
            _wrong_kind(value, self.label, path, out)
            return
        if len(value) < self.min_items:
            out.append(Problem(path, f"至少应有 {self.min_items} 项"))
        for index, item in enumerate(value):
            where = join(path, index)
            if item is None:
                out.append(Problem(where, f"不能为 null, 应为{self.item.label}"))
            else:
                self.item.check(item, where, out, backfill)

    def parse(self, value: object) -> object:
        assert isinstance(value, list | tuple)
        return tuple(self.item.parse(item) for item in value)

    def child(self, key: str | int) -> tuple[FieldType, Field | None] | None:
        return (self.item, None) if isinstance(key, int) else None


@dataclass(frozen=True, slots=True)
class OneOf(FieldType):
    """Either of several types of different JSON kinds (a text, or a document reference)."""

    options: tuple[FieldType, ...]

    @property
    def kinds(self) -> frozenset[str]:
        return frozenset().union(*(option.kinds for option in self.options))

    @property
    def label(self) -> str:
        return " 或 ".join(option.label for option in self.options)

    def _pick(self, value: object) -> FieldType | None:
        kind = json_kind(value)
        for option in self.options:
            if kind in option.kinds:
                return option
        return None

    def check(self, value: object, path: str, out: list[Problem], backfill: bool) -> None:
        option = self._pick(value)
        if option is None:
            _wrong_kind(value, self.label, path, out)
        else:
            option.check(value, path, out, backfill)

    def parse(self, value: object) -> object:
        option = self._pick(value)
        assert option is not None
        return option.parse(value)

    def child(self, key: str | int) -> tuple[FieldType, Field | None] | None:
        for option in self.options:
            found = option.child(key)
            if found is not None:
                return found
        return None


@dataclass(frozen=True, slots=True)
class Field:
    """One named member of an object: its type and what may stand in for a value.

    ``legal_fact`` marks a field recording a seal, an approval, a signature,
    credentials shown, a legal basis or a document: in backfilled history it may
    be ``null`` (what the paper shows; the audit judges it). ``must_hold`` names
    the role the referenced person (each, in a list) must hold in the agency
    (approvals by heads);
    ``unless_stream`` exempts one stream from a required field (the bootstrap
    ``officer/admin`` has no agency).
    """

    name: str
    type: FieldType
    required: bool = True
    legal_fact: bool = False
    nullable: bool = False
    must_hold: str | None = None
    unless_stream: str | None = None
    note: str = ""

    def accepts_null(self, backfill: bool) -> bool:
        """Null is a value here (``item: null``), or a legal fact missing from the paper."""
        return self.nullable or (backfill and self.legal_fact)


@dataclass(frozen=True, slots=True)
class AnyOf:
    """At least one of ``names`` must be given (``until`` or ``instalments``)."""

    names: tuple[str, ...]
    exclusive: bool = False

    def check(
        self, obj: Mapping[str, object], fields: Mapping[str, Field], path: str,
        out: list[Problem], backfill: bool,
    ) -> None:
        given = [name for name in self.names if _given(obj, fields[name], backfill)]
        listing = " 或 ".join(self.names)
        if not given:
            out.append(Problem(join(path, self.names[0]), f"缺少必填字段: 应提供 {listing}"))
        elif self.exclusive and len(given) > 1:
            out.append(Problem(join(path, given[1]), f"{listing} 只能提供其一"))


@dataclass(frozen=True, slots=True)
class RequiredWhen:
    """``name`` is required when ``when`` holds one of ``values`` (approval: general procedure)."""

    name: str
    when: str
    values: tuple[str, ...]
    reason: str

    def check(
        self, obj: Mapping[str, object], fields: Mapping[str, Field], path: str,
        out: list[Problem], backfill: bool,
    ) -> None:
        if obj.get(self.when) in self.values and not _given(obj, fields[self.name], backfill):
            out.append(Problem(join(path, self.name), f"缺少必填字段 ({self.reason})"))


def _given(obj: Mapping[str, object], spec: Field, backfill: bool) -> bool:
    if spec.name not in obj:
        return False
    return obj[spec.name] is not None or spec.accepts_null(backfill)


Condition = AnyOf | RequiredWhen


@dataclass(frozen=True, slots=True)
class Obj(FieldType):
    """A JSON object with named fields; unknown members are allowed (the vocabulary grows)."""

    fields: tuple[Field, ...]
    model: Callable[..., object] | None = None
    conditions: tuple[Condition, ...] = ()
    what: str = "对象"
    by_name: Mapping[str, Field] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        names = [f.name for f in self.fields]
        if len(set(names)) != len(names):
            raise ValueError(f"duplicate field names in {names}")
        object.__setattr__(self, "by_name", MappingProxyType({f.name: f for f in self.fields}))

    @property
    def kinds(self) -> frozenset[str]:
        return frozenset({OBJECT})

    @property
    def label(self) -> str:
        return self.what

    def check(self, value: object, path: str, out: list[Problem], backfill: bool) -> None:
        self.check_members(value, path, out, backfill, stream=None)

    def check_members(
        self, value: object, path: str, out: list[Problem], backfill: bool, stream: str | None
    ) -> None:
        """Check every member; ``stream`` lifts ``unless_stream`` requirements."""
        if not isinstance(value, Mapping):
            _wrong_kind(value, self.what, path, out)
            return
        for spec in self.fields:
            where = join(path, spec.name)
            if spec.name not in value:
                exempt = spec.unless_stream is not None and stream == spec.unless_stream
                if spec.required and not exempt:
                    out.append(Problem(where, "缺少必填字段"))
                continue
            member = value[spec.name]
            if member is None:
                if not spec.accepts_null(backfill):
                    hint = " (补录历史中此项可为 null)" if spec.legal_fact else ""
                    out.append(Problem(where, f"不能为 null, 应为{spec.type.label}{hint}"))
                continue
            spec.type.check(member, where, out, backfill)
        for key, member in value.items():
            if not isinstance(key, str):
                out.append(Problem(path, f"对象的键应为字符串: {key!r}"))
            elif key not in self.by_name:
                check_json(member, join(path, key), out)
        for condition in self.conditions:
            condition.check(value, self.by_name, path, out, backfill)

    def parse_members(self, value: object) -> dict[str, object]:
        """Parsed values of the known members that are given (absent and null are left out)."""
        assert isinstance(value, Mapping)
        parsed: dict[str, object] = {}
        for spec in self.fields:
            member = value.get(spec.name)
            if member is not None:
                parsed[spec.name] = spec.type.parse(member)
        return parsed

    def parse(self, value: object) -> object:
        parsed = self.parse_members(value)
        if self.model is None:
            return MappingProxyType(parsed)
        return self.model(**{spec.name: parsed.get(spec.name) for spec in self.fields})

    def child(self, key: str | int) -> tuple[FieldType, Field | None] | None:
        spec = self.by_name.get(key) if isinstance(key, str) else None
        return None if spec is None else (spec.type, spec)

    def field_named(self, name: str) -> Field | None:
        """The member spec called ``name``, if the vocabulary lists it."""
        return self.by_name.get(name)


def walk_fields(obj: Obj, prefix: str = "") -> Iterable[tuple[str, Field]]:
    """Every field spec reachable from ``obj`` with its dotted path (lists as ``[]``)."""
    for spec in obj.fields:
        path = f"{prefix}.{spec.name}" if prefix else spec.name
        yield path, spec
        yield from _walk_type(spec.type, path)


def _walk_type(kind: FieldType, path: str) -> Iterable[tuple[str, Field]]:
    if isinstance(kind, Obj):
        yield from walk_fields(kind, path)
    elif isinstance(kind, ListOf):
        yield from _walk_type(kind.item, path + "[]")
    elif isinstance(kind, OneOf):
        for option in kind.options:
            yield from _walk_type(option, path)
