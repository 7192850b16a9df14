"""Reading step data into Python values (``StepData``, overrides) and finding the spec at a
problem path; for readers of recorded events and for the API's error hints."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TypeVar

from domain.errors import StepRefused
from domain.fields import JSON_KINDS, NULL, Field, FieldType, Obj, Problem, StreamKind, parse_stream
from domain.shapes import ANY, OVERRIDE, Override
from domain.vocabulary.checks import check_override, check_step_data, placement, spec


class InvalidStepData(StepRefused, ValueError):
    """Data that fails the structural checks; ``problems`` lists every defect."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("STRUCT-FIELD", "; ".join(str(p) for p in problems))


T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class StepData:
    """A step's data read into Python values: dates, aware datetimes, shape dataclasses,
    tuples. For reading only; the ledger keeps (and exports) the JSON as written.

    ``values`` holds the vocabulary's fields that are given and not null; ``extra``
    the fields steps.md does not (yet) list, frozen as found.
    """

    step_type: str
    values: Mapping[str, object]
    extra: Mapping[str, object]

    def __contains__(self, name: object) -> bool:
        return name in self.values

    def __iter__(self) -> Iterator[str]:
        return iter(self.values)

    def get(self, name: str, kind: type[T]) -> T | None:
        """The value of ``name`` as ``kind`` (``str``, ``date``, ``DocumentRef``...), or None."""
        value = self.values.get(name)
        if value is None:
            return None
        if not isinstance(value, kind):
            raise TypeError(f"{self.step_type}.{name} is {type(value).__name__}, not {kind.__name__}")
        return value

    def require(self, name: str, kind: type[T]) -> T:
        """Like ``get`` for a field that must be there (a required, non-null field)."""
        value = self.get(name, kind)
        if value is None:
            raise KeyError(f"{self.step_type}.{name} is absent or null")
        return value

    def items(self, name: str, kind: type[T]) -> tuple[T, ...]:
        """The elements of a list field, each checked as ``kind``; () when absent or null."""
        value = self.values.get(name)
        if value is None:
            return ()
        assert isinstance(value, tuple)
        for element in value:
            if not isinstance(element, kind):
                raise TypeError(f"{self.step_type}.{name} holds {type(element).__name__}, "
                                f"not {kind.__name__}")
        return value


def parse_data(
    step_type: str, data: Mapping[str, object], *, backfill: bool = True,
    stream: str | None = None,
) -> StepData:
    """Check and read a step's data; raises ``InvalidStepData`` (or ``UnknownStepType``).

    Backfill is allowed by default because readers see recorded events, and
    imported history is recorded too; pass ``backfill=False`` to read live input.
    ``stream``, when given, reads the fields the step has on that kind of stream too
    (``HearingHeld.record_confirmed`` on a licence stream).
    """
    step = spec(step_type)
    problems = check_step_data(step_type, data, backfill=backfill, stream=stream)
    if problems:
        raise InvalidStepData(problems)
    data_spec = step.data if stream is None else _data_on(step_type, stream)
    values = data_spec.parse_members(data)
    extra = {key: ANY.parse(value) for key, value in data.items() if key not in data_spec.by_name}
    return StepData(step.name, MappingProxyType(values), MappingProxyType(extra))


def _data_on(step_type: str, stream: str) -> Obj:
    kind, _ = parse_stream(stream)
    return placement(step_type, kind).data


def parse_override(override: object) -> tuple[Override, ...]:
    """The overrides of a step as dataclasses (none when absent); raises ``InvalidStepData``."""
    problems = check_override(override)
    if problems:
        raise InvalidStepData(problems)
    if override is None:
        return ()
    items: list[object] = [override] if isinstance(override, Mapping) else []
    if isinstance(override, list | tuple):
        items = list(override)
    return tuple(_as_override(OVERRIDE.parse(item)) for item in items)


def _as_override(value: object) -> Override:
    assert isinstance(value, Override)
    return value


# --------------------------------------------------------------------------- paths


def _tokens(path: str) -> list[str | int] | None:
    if not path.startswith("data"):
        return None
    rest = path[len("data"):]
    tokens: list[str | int] = []
    for match in re.finditer(r"\.([^.\[\]]+)|\[(\d+)\]|(.)", rest):
        key, index, junk = match.groups()
        if junk is not None:
            return None
        tokens.append(key if key is not None else int(index))
    return tokens


def field_at(
    step_type: str, path: str, kind: StreamKind | None = None
) -> tuple[FieldType, Field | None] | None:
    """The type at a problem path (``data.basis[0].article``) and its member spec, if any,
    on stream ``kind`` (home when None); None when the path is not in the vocabulary (an
    unknown, open field)."""
    tokens = _tokens(path)
    if tokens is None:
        return None
    current: tuple[FieldType, Field | None] = (placement(step_type, kind).data, None)
    for token in tokens:
        found = current[0].child(token)
        if found is None:
            return None
        current = found
    return current


def accepted_kinds_at(
    step_type: str, path: str, *, backfill: bool = False, kind: StreamKind | None = None
) -> frozenset[str]:
    """The JSON kinds a value at ``path`` may have (``null`` included where allowed).

    Paths outside the vocabulary accept any JSON (more optional fields may be added).
    """
    found = field_at(step_type, path, kind)
    if found is None or found[0].open:
        return JSON_KINDS
    value_type, member = found
    if member is not None and member.accepts_null(backfill):
        return value_type.kinds | {NULL}
    return value_type.kinds
