"""A populated HTTP world for the 行政强制 read routes and pages: no tests here.

Beside the registry of ``tests.helpers.http_world``: the general example case, the coercion examples
(a seizure inside case 0058, the stand-alone emergency seizure and the 代履行 of case 0021), and two
truncated copies — a seizure still running (case 0059) and a 催告 whose period runs (case 0022) —
imported live by the admin; then the projections run once.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson

from ledger.importer import import_lines
from tests.helpers.http_reads import project
from tests.helpers.http_world import ADMIN, World, example, world_on

COERCION = "DXH-CGJ-QZ-2026-0003"
SEIZED_CASE = "DXH-CGJ-2026-0058"
ENFORCED_CASE = "DXH-CGJ-2026-0021"
PARTY = ("张建华", "420112198805120318", "田园小区")
RUNNING_CASE = "DXH-CGJ-2026-0059"
DEMANDED_CASE = "DXH-CGJ-2026-0022"


def running_steps() -> list[dict[str, Any]]:
    """The seizure case up to its seizure, and the 代履行 case up to its first 催告, as other cases:
    a measure still running (from 7-07; its 30th day 8-06) and a 催告 period running (2-09 to 2-11)."""
    seized = example("coercion-case")[:4]
    demanded = [s for s in example("coercion-standalone") if s["stream"] == f"case/{ENFORCED_CASE}"]
    demanded = demanded[:next(i for i, s in enumerate(demanded) if s["type"] == "PerformanceDemanded") + 1]
    text = orjson.dumps([*seized, *demanded]).decode().replace(SEIZED_CASE, RUNNING_CASE).replace(
        ENFORCED_CASE, DEMANDED_CASE).replace("第0012号", "第0059号").replace("第0021号", "第0022号")
    out: list[dict[str, Any]] = orjson.loads(text)
    return out


@contextmanager
def coercion_world(tmp: Path, backend: str = "sqlite") -> Iterator[World]:
    """``backend``: ``postgres`` keeps the events and read models in a PostgreSQL schema of its own."""
    with world_on(backend, tmp) as made:
        for name, steps in (*((n, example(n)) for n in ("general-case", "coercion-case", "coercion-standalone")),
                            ("running", running_steps())):
            result = import_lines(made.ledger, [orjson.dumps(s) for s in steps], actor=ADMIN)
            assert result.refusal is None, (name, result.refusal)
        project(made)
        yield made


__all__ = ["COERCION", "DEMANDED_CASE", "ENFORCED_CASE", "PARTY", "RUNNING_CASE", "SEIZED_CASE", "coercion_world",
           "running_steps"]
