"""The ``Config`` itself: its sections, reading TOML, the checks, and the key reference."""

from __future__ import annotations

import re
import typing
from collections.abc import Mapping
from dataclasses import MISSING, dataclass, field, fields, is_dataclass
from datetime import date
from typing import Any, Final

from domain.config.coercion import ALGORITHMS, Coercion, Enforcement, Inspection, SpotCheck, parse_night
from domain.config.keys import CATEGORIES, RETENTIONS, SEVERITIES, ConfigError, FrozenMap
from domain.config.kinds import Complaint, Licence
from domain.config.sections import (
    CollectiveDiscussion,
    Decision,
    Evaluation,
    Hearing,
    LegalReview,
    Limitation,
    Litigation,
    Minors,
    NoPenalty,
    Officers,
    Payment,
    Preservation,
    Publication,
    Reconsideration,
    Recording,
    Registration,
    Retention,
    Statement,
    Summary,
    Transfer,
    Warnings,
)
from domain.shapes import PENALTY_TYPES

_SECTIONS: Final[tuple[tuple[str, type], ...]] = (
    ("limitation", Limitation), ("officers", Officers), ("registration", Registration),
    ("preservation", Preservation), ("statement", Statement), ("hearing", Hearing),
    ("legal_review", LegalReview), ("collective_discussion", CollectiveDiscussion),
    ("decision", Decision), ("summary", Summary), ("payment", Payment), ("minors", Minors),
    ("no_penalty", NoPenalty), ("transfer", Transfer), ("publication", Publication),
    ("warnings", Warnings), ("evaluation", Evaluation), ("retention", Retention),
    ("reconsideration", Reconsideration), ("litigation", Litigation), ("recording", Recording),
    ("licence", Licence), ("complaint", Complaint), ("coercion", Coercion), ("enforcement", Enforcement),
    ("inspection", Inspection), ("spotcheck", SpotCheck),
)


@dataclass(frozen=True)
class Config:
    """Every configurable legal number, in TOML sections; ``Config()`` is the documented defaults."""

    limitation: Limitation = field(default_factory=Limitation)
    officers: Officers = field(default_factory=Officers)
    registration: Registration = field(default_factory=Registration)
    preservation: Preservation = field(default_factory=Preservation)
    statement: Statement = field(default_factory=Statement)
    hearing: Hearing = field(default_factory=Hearing)
    legal_review: LegalReview = field(default_factory=LegalReview)
    collective_discussion: CollectiveDiscussion = field(default_factory=CollectiveDiscussion)
    decision: Decision = field(default_factory=Decision)
    summary: Summary = field(default_factory=Summary)
    payment: Payment = field(default_factory=Payment)
    minors: Minors = field(default_factory=Minors)
    no_penalty: NoPenalty = field(default_factory=NoPenalty)
    transfer: Transfer = field(default_factory=Transfer)
    publication: Publication = field(default_factory=Publication)
    warnings: Warnings = field(default_factory=Warnings)
    evaluation: Evaluation = field(default_factory=Evaluation)
    retention: Retention = field(default_factory=Retention)
    reconsideration: Reconsideration = field(default_factory=Reconsideration)
    litigation: Litigation = field(default_factory=Litigation)
    recording: Recording = field(default_factory=Recording)
    licence: Licence = field(default_factory=Licence)
    complaint: Complaint = field(default_factory=Complaint)
    coercion: Coercion = field(default_factory=Coercion)
    enforcement: Enforcement = field(default_factory=Enforcement)
    inspection: Inspection = field(default_factory=Inspection)
    spotcheck: SpotCheck = field(default_factory=SpotCheck)

    def __post_init__(self) -> None:
        _validate(self)

    @classmethod
    def from_toml(cls, mapping: Mapping[str, Any]) -> Config:
        """The configuration a parsed TOML document states; absent keys keep their defaults.

        Raises ``ConfigError`` naming the key for an unknown section or key, a value
        of the wrong type, or an impossible value (a negative period, cut-offs out of
        order, an unknown penalty type, weights not totalling 100).
        """
        if not isinstance(mapping, Mapping):
            raise ConfigError("配置应为 TOML 表（键值映射）")
        sections = dict(_SECTIONS)
        unknown = sorted(set(mapping) - set(sections))
        if unknown:
            raise ConfigError(f"未知的配置节：{', '.join(map(str, unknown))}（可用：{', '.join(sections)}）")
        built: dict[str, Any] = {}
        for name, value in mapping.items():
            built[name] = _build(sections[name], value, name)
        return cls(**built)

    def as_toml(self) -> dict[str, Any]:
        """This configuration as a TOML-ready mapping (``from_toml(c.as_toml()) == c``)."""
        return {name: _plain(getattr(self, name)) for name, _ in _SECTIONS}


# --------------------------------------------------------------------------- reading TOML


def _build(cls: type, value: object, path: str) -> Any:
    if not isinstance(value, Mapping):
        raise ConfigError(f"{path} 应为 TOML 表")
    hints = typing.get_type_hints(cls)
    names = [f.name for f in fields(cls)]
    unknown = sorted(set(value) - set(names))
    if unknown:
        raise ConfigError(f"{path} 中有未知的配置项：{', '.join(map(str, unknown))}（可用：{', '.join(names)}）")
    kwargs = {key: _convert(item, hints[key], f"{path}.{key}") for key, item in value.items()}
    try:
        return cls(**kwargs)
    except TypeError as exc:  # a required member missing (PublicationRegime)
        raise ConfigError(f"{path} 缺少必填项（应为 {', '.join(names)}）") from exc


def _convert(value: object, hint: Any, path: str) -> object:
    origin = typing.get_origin(hint)
    if hint is bool:
        if not isinstance(value, bool):
            raise ConfigError(f"{path} 应为布尔值 true/false：{value!r}")
        return value
    if hint is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{path} 应为整数（金额以分计，期间以日/月/年计）：{value!r}")
        return value
    if hint is str:
        if not isinstance(value, str):
            raise ConfigError(f"{path} 应为字符串：{value!r}")
        return value
    if hint is date:
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            raise ConfigError(f"{path} 应为日期 YYYY-MM-DD：{value!r}") from None
    if origin is tuple:
        if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{path} 应为字符串列表：{value!r}")
        return tuple(value)
    if origin is Mapping:
        item_hint = typing.get_args(hint)[1]
        if not isinstance(value, Mapping):
            raise ConfigError(f"{path} 应为 TOML 表：{value!r}")
        out = {}
        for key, item in value.items():
            if isinstance(item_hint, type) and is_dataclass(item_hint):
                out[str(key)] = _build(item_hint, item, f"{path}.{key}")
            else:
                out[str(key)] = _convert(item, item_hint, f"{path}.{key}")
        return FrozenMap(out)
    raise ConfigError(f"{path}: 不支持的配置类型 {hint!r}")  # pragma: no cover - a coding error


def _plain(value: object) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, Mapping):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, tuple):
        return list(value)
    return value


# --------------------------------------------------------------------------- checks


def _validate(config: Config) -> None:
    for section, _ in _SECTIONS:
        part = getattr(config, section)
        for f in fields(part):
            value = getattr(part, f.name)
            if isinstance(value, int) and not isinstance(value, bool) and value < 0:
                raise ConfigError(f"{section}.{f.name} 不能为负数：{value}")
    for section, key in (("hearing", "penalty_types"), ("legal_review", "penalty_types"),
                         ("summary", "penalty_types")):
        bad = [t for t in getattr(getattr(config, section), key) if t not in PENALTY_TYPES]
        if bad:
            raise ConfigError(f"{section}.{key} 含未知的处罚种类：{', '.join(bad)}（可用：{', '.join(PENALTY_TYPES)}）")
    _choice("publication.withdrawal_clock", config.publication.withdrawal_clock, ("received", "effective"))
    _choice("publication.scope", config.publication.scope, ("all", "social_impact"))
    _choice("evaluation.file_order", config.evaluation.file_order, ("chronological", "result_first", "split"))
    for key in ("general_penalty", "transfer", "summary", "no_penalty", "licence", "complaint", "coercion",
                "inspection"):
        _choice(f"retention.{key}", getattr(config.retention, key), RETENTIONS)
    parse_night(config.enforcement.night)
    _choice("spotcheck.algorithm", config.spotcheck.algorithm, ALGORITHMS)
    pub = config.publication
    for name, regime in pub.regimes.items():
        if regime.min_months < 0 or regime.max_months < regime.min_months:
            raise ConfigError(f"publication.regimes.{name}: 应有 0 ≤ min_months ≤ max_months")
    if pub.regime not in pub.regimes:
        raise ConfigError(f"publication.regime = {pub.regime!r} 不在 publication.regimes 中")
    try:
        date.fromisoformat(f"2000-{pub.annual_statistics_due}")
    except ValueError:
        raise ConfigError(
            f"publication.annual_statistics_due 应为 月-日（如 01-31）：{pub.annual_statistics_due!r}"
        ) from None
    ev = config.evaluation
    if set(ev.weights) != set(CATEGORIES) or sum(ev.weights.values()) != 100:
        raise ConfigError(f"evaluation.weights 应恰为 {'、'.join(CATEGORIES)} 七类且合计 100 分")
    for rule, category in ev.categories.items():
        _choice(f"evaluation.categories.{rule}", category, CATEGORIES)
    for rule, severity in ev.severities.items():
        _choice(f"evaluation.severities.{rule}", severity, SEVERITIES)
    if not ev.pass_min <= ev.excellent_min <= 100:
        raise ConfigError("evaluation: 应有 pass_min ≤ excellent_min ≤ 100")
    if config.minors.no_penalty_under > config.minors.mitigation_under:
        raise ConfigError("minors: no_penalty_under 不能大于 mitigation_under")


def _choice(path: str, value: str, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise ConfigError(f"{path} 应为 {'、'.join(allowed)} 之一：{value!r}")


# --------------------------------------------------------------------------- reference


@dataclass(frozen=True, slots=True)
class ConfigKey:
    """One documented key: ``section.name``, its default, rule id, article and meaning."""

    key: str
    default: object
    rule: str
    basis: str
    doc: str


def config_keys() -> tuple[ConfigKey, ...]:
    """Every key with its documentation, in section order (what docs/configuration.md lists)."""
    out: list[ConfigKey] = []
    for section, cls in _SECTIONS:
        for f in fields(cls):
            if f.default is not MISSING:
                default: object = f.default
            else:
                assert f.default_factory is not MISSING
                default = f.default_factory()
            out.append(ConfigKey(f"{section}.{f.name}", default, f.metadata["rule"], f.metadata["basis"],
                                 f.metadata["doc"]))
    return tuple(out)


def toml_literal(value: object) -> str:
    """A default written as TOML (for the documentation)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return f"{value:_}" if value >= 10_000 else str(value)
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return "[" + ", ".join(toml_literal(v) for v in value) + "]"
    if is_dataclass(value) and not isinstance(value, type):
        return toml_literal({f.name: getattr(value, f.name) for f in fields(value)})
    if isinstance(value, Mapping):
        inner = ", ".join(f"{_toml_key(k)} = {toml_literal(v)}" for k, v in value.items())
        return "{ " + inner + " }" if inner else "{}"
    raise TypeError(f"no TOML literal for {value!r}")


_BARE_KEY: Final = re.compile(r"[A-Za-z0-9_-]+")


def _toml_key(key: object) -> str:
    text = str(key)
    return text if _BARE_KEY.fullmatch(text) else f'"{text}"'

