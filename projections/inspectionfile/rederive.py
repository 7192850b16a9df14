"""Re-derive a recorded 双随机 draw (``ledger-draw-v1``, INS-02) step by step, for ``draw verify``, the
audit and the spot-check read model (``projections.inspection_tables``).

Why apart from the INS-02 gate: the gate refuses at the first problem; whoever re-derives a draw
offline wants every check with its outcome — the commitment, the seed, the beacon, each drawn index
and each object's inspectors — in one report, in Chinese and English. The arithmetic is
``domain.draw``'s, run on the recorded secret, beacon root and snapshot counts; the beacon is
``domain.beacon``'s (this ledger's first signed checkpoint covering the plan and both snapshots, as
the gate judges it), or "unverified" for a 补录 (backfilled) draw whose checkpoint is not this
ledger's, or when the log was not read.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Final

from domain.beacon import CheckpointLog, beacon_problem
from domain.draw import ALGORITHM, pick, population
from projections.inspectionfile.model import SpotCheckTask

__all__ = ["FAIL", "OK", "UNVERIFIED", "DrawCheck", "DrawReport", "beacon_check", "verify_draw"]

OK: Final = "ok"
FAIL: Final = "fail"
UNVERIFIED: Final = "unverified"


@dataclass(frozen=True, slots=True)
class DrawCheck:
    """One check: what (Chinese, English), its outcome, and the values compared."""

    what: str
    what_en: str
    status: str
    detail: str


@dataclass(frozen=True, slots=True)
class DrawReport:
    stream: str
    checks: tuple[DrawCheck, ...]

    @property
    def ok(self) -> bool:
        """Every check re-derived or left unverified (never failed), and there was a draw."""
        return bool(self.checks) and all(c.status != FAIL for c in self.checks)

    def as_json(self) -> dict[str, object]:
        return {"stream": self.stream, "ok": self.ok,
                "checks": [{"what": c.what, "what_en": c.what_en, "status": c.status, "detail": c.detail}
                           for c in self.checks]}


def _check(what: str, en: str, passed: bool, detail: str) -> DrawCheck:
    return DrawCheck(what, en, OK if passed else FAIL, detail)


def _hex(text: str | None) -> bytes | None:
    try:
        return bytes.fromhex(text) if text is not None else None
    except ValueError:
        return None


def beacon_check(task: SpotCheckTask, log: CheckpointLog | None, backfilled: bool) -> DrawCheck:
    """The beacon against this ledger's log (``domain.beacon``: its first signed checkpoint covering
    the plan and both snapshots): ok; failed for a draw recorded live; "unverified" for a 补录 draw
    whose checkpoint is not this ledger's, or when the log was not read."""
    assert task.draw is not None
    size, root = task.draw.beacon_size, task.draw.beacon_root
    what, en = "信标检查点", "beacon checkpoint"
    if log is None:
        problem: str | None = "未读取本账本的透明日志"
    elif size is None or root is None:
        problem = "beacon 未载明 tree_size 与 root"
    else:
        problem = beacon_problem(log, size, root, task.beacon_covers())
    if problem is None:
        return DrawCheck(what, en, OK, f"tree_size {size} 为本账本覆盖抽查计划和两份快照的第一个已签名检查点 / "
                                       "this ledger's first signed checkpoint covering the plan and both snapshots")
    if log is None:
        return DrawCheck(what, en, UNVERIFIED, f"tree_size {size}：{problem}，未核验 / "
                                               "the log was not read: unverified")
    if backfilled:
        return DrawCheck(what, en, UNVERIFIED, f"tree_size {size}：补录的抽取，检查点不在本账本中，未核验 / "
                                               "backfilled draw, checkpoint not in this ledger: unverified")
    return DrawCheck(what, en, FAIL, f"tree_size {size}：{problem} / not this ledger's first signed checkpoint "
                                     "covering the plan and both snapshots")


def verify_draw(task: SpotCheckTask, log: CheckpointLog | None = None, *, backfilled: bool = False) -> DrawReport:
    """Every check of ``task``'s recorded draw (``log``: this ledger's transparency log, None when not
    read; ``backfilled``: the draw was recorded as 补录)."""
    draw = task.draw
    if draw is None:
        missing = _check("随机抽取", "random draw", False, "尚未记录随机抽取 / no draw recorded")
        return DrawReport(task.stream, (missing,))
    checks = [_check("算法", "algorithm", task.algorithm == ALGORITHM, f"{task.algorithm}")]
    secret, root = _hex(draw.seed_secret), _hex(draw.beacon_root)
    commitment = hashlib.sha256(secret).hexdigest() if secret is not None else None
    checks.append(_check("秘密值承诺", "seed commitment", commitment is not None and commitment == task.seed_commitment,
                         f"SHA-256(seed_secret) = {commitment}；计划承诺 / committed {task.seed_commitment}"))
    seed = hashlib.sha256(secret + root).digest() if secret is not None and root is not None else None
    checks.append(_check("种子", "seed", seed is not None and seed.hex() == draw.seed,
                         f"SHA-256(seed_secret ‖ root) = {seed.hex() if seed else None}；记录 / recorded {draw.seed}"))
    checks.append(beacon_check(task, log, backfilled))
    objects, inspectors = task.snapshot("objects"), task.snapshot("inspectors")
    recorded_hash = objects.sha256 if objects is not None else None
    checks.append(_check("对象名录库快照", "objects snapshot",
                         recorded_hash is not None and recorded_hash == draw.objects_snapshot,
                         f"快照 / snapshot {recorded_hash}；抽取记录 / draw {draw.objects_snapshot}"))
    n, k, per = (objects.count if objects else None), task.sample_size, task.inspectors_per_object
    pool = population(inspectors.officers) if inspectors is not None else []
    if seed is None or n is None or k is None or per is None or not 0 <= k <= n or per > len(pool):
        checks.append(_check("复算", "re-derivation", False, "计划或快照的数量不能复算 / counts cannot be re-derived"))
        return DrawReport(task.stream, tuple(checks))
    indices = pick(seed, n, k, "objects")
    recorded = [index for index, _ in draw.objects]
    checks.append(_check("抽中对象序号", "drawn object indices", recorded == indices,
                         f"复算 / re-derived {indices}（{n} 取 {k}）；记录 / recorded {recorded}"))
    keys = [key for _, key in draw.objects]
    checks.append(DrawCheck("抽中对象的键", "drawn object keys", UNVERIFIED,
                            f"{keys}：快照文件不在账本中，键未与文件逐行核对 / the snapshot file is not in the "
                            "ledger: keys not checked against its lines"))
    assigned = dict(draw.inspectors)
    for m, index in enumerate(indices):
        order = [pool[i] for i in pick(seed, len(pool), len(pool), f"inspectors/{m}")]
        expected, reserves = order[:per], order[per:]
        got = list(assigned.get(index, ()))
        checks.append(_check(f"对象 {index} 的检查人员", f"inspectors of object {index}", got == expected,
                             f"复算 / re-derived {expected}；记录 / recorded {got}"))
        for r in (r for r in task.replacements if r.object_index == index):
            ok = bool(reserves) and r.replacement == reserves[0]
            checks.append(_check(f"对象 {index} 的替补人员", f"replacement for object {index}", ok,
                                 f"{r.officer} → {r.replacement}；按序应为 / next in order {reserves[:1]}"))
            reserves = reserves[1:]
    return DrawReport(task.stream, tuple(checks))
