"""The brief's licence and complaint examples as step lists (examples-notes.md §1 and §5), with the
registry additions they need, for the limit and gate tests of 行政许可 and 投诉举报.

Read from ``examples/`` (licence-case.jsonl, complaint.jsonl, registry.jsonl): each function returns
fresh copies, so a test may edit them (``edit_step``) to make a defect.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from domain.step import Step
from tests.helpers.gate_context import Raw, load

LICENCE = "licence/DXH-SPJ-XK-2026-0031"
COMPLAINT = "complaint/DXH-SFJ-TS-2026-0007"
SPJ = "agency/DXH-SPJ"
SFJ = "agency/DXH-SFJ"
SPJ_HEAD = "officer/42011230003"
SPJ_OFFICER = "officer/42011230001"
SFJ_HEAD = "officer/SFJ-0002"
SFJ_SUPERVISOR = "officer/SFJ-0001"
ITEM = "SPJ-SR-11-2"
DOC = {"sha256": "a" * 64, "bytes": 1024, "media_type": "application/pdf", "name": "文书.pdf"}


def _admin(stream: str, step_type: str, at: str, data: dict[str, Any]) -> Raw:
    return {"stream": stream, "type": step_type, "at": at, "by": "officer/admin", "data": data}


def licence_item(at: str = "2026-01-06T09:00:00+08:00", **terms: Any) -> Raw:
    """The 大型户外广告设置审批 item of DXH-SPJ (``terms`` added to its ``licence`` object)."""
    return _admin(SPJ, "EnforcementItemPublished", at, {
        "code": ITEM, "name": "大型户外广告设置审批", "kind": "licence",
        "basis": [{"law": "城市市容和环境卫生管理条例", "article": 11, "clause": 2, "item": None,
                   "rank": "administrative_regulation"}],
        "licence": {"statutory_days": 20, "validity_months": 12,
                    "materials": ["申请书", "营业执照", "设计效果图", "结构安全计算书", "场地使用证明", "设置位置图"],
                    **terms}})


def registry_additions() -> list[Raw]:
    """examples-notes.md "Registry additions" as ``examples/registry.jsonl`` holds them: DXH-SPJ, its
    officers and item, SFJ's head (the lines that concern them)."""
    return [raw for raw in load("registry.jsonl")
            if raw["stream"] in {SPJ, SFJ_HEAD} or raw["stream"].startswith("officer/4201123")]


def licence_steps() -> list[Raw]:
    """examples-notes.md §1: the lawful licence file (steps 1–13), ``examples/licence-case.jsonl``."""
    return load("licence-case.jsonl")


def complaint_steps() -> list[Raw]:
    """examples-notes.md §5: the lawful complaint file, ``examples/complaint.jsonl``."""
    return load("complaint.jsonl")


def index_of(steps: list[Raw], step_type: str, nth: int = 0) -> int:
    return [i for i, s in enumerate(steps) if s["type"] == step_type][nth]


def edit_step(steps: list[Raw], step_type: str, change: Callable[[Raw], None], nth: int = 0) -> list[Raw]:
    """A copy of ``steps`` with ``change`` applied to the ``nth`` step of ``step_type``."""
    out = copy.deepcopy(steps)
    change(out[index_of(out, step_type, nth)])
    return out


def at(step: Raw, when: str, *members: str) -> None:
    """Move a step (and its named ``_at`` members) to ``when`` (``2026-…`` with offset)."""
    step["at"] = when
    for member in members:
        step["data"][member] = when


def versioned(steps: list[Raw]) -> list[Raw]:
    """The steps as stored (each with its ``version``), for the pure limit functions."""
    return [{**copy.deepcopy(s), "version": i + 1} for i, s in enumerate(steps)]


def as_step(raw: Raw) -> Step:
    """A ``Step`` of a licence or complaint stream. Built directly rather than by ``Step.parse``,
    which knows these stream kinds once the vocabulary of issue #15 is merged."""
    return Step(dict(raw), raw["stream"].split("/", 1)[0])
