"""``domain.frozen.quick_init``: the quicker constructor keeps a frozen dataclass's parameters and its immutability."""

from __future__ import annotations

import dataclasses
import pickle

import pytest

from domain.frozen import quick_init


@quick_init
@dataclasses.dataclass(frozen=True, slots=True)
class _Point:
    x: int
    y: int
    label: str = "p"


def test_same_parameters_defaults_and_immutability() -> None:
    p = _Point(1, y=2)
    assert (p.x, p.y, p.label) == (1, 2, "p")
    assert p == _Point(1, 2, "p") and hash(p) == hash(_Point(1, 2))
    assert dataclasses.replace(p, label="q") == _Point(1, 2, "q")
    assert pickle.loads(pickle.dumps(p)) == p
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.x = 3  # type: ignore[misc]
    with pytest.raises(TypeError):
        _Point(1)  # type: ignore[call-arg]


def test_refuses_what_it_cannot_reproduce() -> None:
    @dataclasses.dataclass(slots=True)
    class Mutable:
        x: int

    @dataclasses.dataclass(frozen=True, slots=True)
    class Factory:
        xs: list[int] = dataclasses.field(default_factory=list)

    for cls in (Mutable, Factory):
        with pytest.raises(TypeError):
            quick_init(cls)
