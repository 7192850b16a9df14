"""A populated HTTP world for the read routes (public, cases, supervision): no tests here.

Beside the registry of ``tests.helpers.http_world``: the general example case of DXH-CGJ in
full (published), a DXH-CGJ case whose publication was withdrawn, a case of DXH-SCJ
(supervised by nobody in particular), a case of XYZ-ZFJ (supervised by XYZ-SFJ only), and
a rectification order to DXH-CGJ; all backfilled by the admin, then the projections run once.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from domain.config import Config
from projections.runner import Runner
from tests.helpers.http_world import ADMIN, FAR, OFFICER, OTHER, SUPERVISOR, World, case_steps, world_at


@dataclass
class Populated:
    world: World
    full: str  # case/…: the full general case of DXH-CGJ
    withdrawn: str  # case/…: DXH-CGJ, publication withdrawn
    scj: str  # case/…: DXH-CGJ steps moved to DXH-SCJ
    far: str  # case/…: moved to XYZ-ZFJ
    rectification: str  # supervision/…


def moved(steps: list[dict[str, Any]], agency: str, by: str) -> list[dict[str, Any]]:
    out = copy.deepcopy(steps)
    for step in out:
        step["by"] = by
        if step["type"] == "CaseRegistered":
            step["data"].update(agency=agency, handlers=[by], approved_by=by)
    return out


def project(world: World) -> int:
    runner = Runner(world.ledger.store, config=Config())
    try:
        return runner.run_once()
    finally:
        runner.close()


def populate(world: World) -> Populated:
    full = world.number()
    withdrawn = world.number()
    scj = world.number("DXH-SCJ-2026-T")
    far = world.number("XYZ-ZFJ-2026-T")
    steps = case_steps(full)
    registered = case_steps(withdrawn, 2)
    published = {"stream": f"case/{withdrawn}", "type": "DecisionPublished", "by": OFFICER,
                 "at": "2026-04-21T09:00:00+08:00",
                 "data": {"published_at": "2026-04-21T09:00:00+08:00", "channel": "门户网站",
                          "text": "某公司超标排放油烟, 罚款 2 万元", "max_until": "2099-12-31"}}
    withdrawal = {**published, "type": "PublicationWithdrawn", "at": "2026-05-20T09:00:00+08:00",
                  "data": {"withdrawn_at": "2026-05-20T09:00:00+08:00", "reason": "决定被撤销",
                           "explanation": "复议决定撤销原处罚决定"}}
    steps += [*registered, published, withdrawal]
    steps += moved(case_steps(scj, 2), "agency/DXH-SCJ", OTHER)
    steps += moved(case_steps(far, 2), "agency/XYZ-ZFJ", FAR)
    rectification = f"supervision/ZG-{full}"
    steps.append({"stream": rectification, "type": "RectificationOrdered", "at": "2026-05-02T10:00:00+08:00",
                  "by": SUPERVISOR, "data": {"agency": "agency/DXH-CGJ", "case": f"case/{full}",
                                             "findings": ["PEN-10"], "due_at": "2026-05-16T17:00:00+08:00"}})
    response = world.client.post("/v1/steps:batch", json={"steps": steps}, headers=world.h(ADMIN),
                                 params={"backfill": "true"})
    assert response.status_code == 201, response.text
    assert project(world) > 0
    return Populated(world, f"case/{full}", f"case/{withdrawn}", f"case/{scj}", f"case/{far}", rectification)


@contextmanager
def populated_at(tmp: Path) -> Iterator[Populated]:
    from api.server.config import HttpSettings

    http = HttpSettings(max_request_bytes=1024 * 1024, max_batch_bytes=4 * 1024 * 1024, max_batch_steps=100,
                        max_document_bytes=4096, integrate_interval=0, auth_cache_seconds=0)
    with world_at(tmp, http=http) as world:
        yield populate(world)
