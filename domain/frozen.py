"""A quicker constructor for frozen slots dataclasses built by the hundred thousand (a rebuild's folds).

A frozen dataclass's generated ``__init__`` writes each field through ``object.__setattr__`` (its own
``__setattr__`` refuses); :func:`quick_init` writes them through the slots' own descriptors instead,
about twice as fast (measured: 2.3 µs → 1.1 µs for 14 fields). The class stays frozen: assigning to a
field after construction still raises ``FrozenInstanceError``.
"""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

__all__ = ["quick_init"]

T = TypeVar("T")


def quick_init(cls: type[T]) -> type[T]:
    """Give a frozen ``slots=True`` dataclass (fields without factories, no ``__post_init__``) the quicker
    ``__init__``: same parameters, defaults and order."""
    params = getattr(cls, "__dataclass_params__", None)
    if params is None or not params.frozen or "__slots__" not in cls.__dict__ or hasattr(cls, "__post_init__"):
        raise TypeError(f"{cls.__name__}: quick_init wants a frozen slots dataclass without __post_init__")
    names: list[str] = []
    setters: dict[str, Any] = {}
    signature: list[str] = []
    for i, f in enumerate(dataclasses.fields(cls)):  # type: ignore[arg-type]
        if not f.init or f.kw_only or f.default_factory is not dataclasses.MISSING:
            raise TypeError(f"{cls.__name__}.{f.name}: quick_init wants plain init fields")
        setters[f"_s{i}"] = cls.__dict__[f.name].__set__
        if f.default is not dataclasses.MISSING:
            setters[f"_d{i}"] = f.default
            signature.append(f"{f.name}=_d{i}")
        else:
            signature.append(f.name)
        names.append(f.name)
    body = "\n".join(f"    _s{i}(self, {name})" for i, name in enumerate(names)) or "    pass"
    source = f"def __init__(self, {', '.join(signature)}):\n{body}\n"
    exec(source, setters)  # the source is built from the class's own field names
    init = setters["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__doc__ = cls.__init__.__doc__
    cls.__init__ = init  # type: ignore[method-assign]
    return cls
