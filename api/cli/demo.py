"""``enforcement-ledger demo``: record a generated year of enforcement (``demo``).

The generator gives the steps and the order to record them in; this module records
them the way ``import`` does (``ledger.importer.import_lines``: batches, one
transaction each, steps already in their stream skipped by identity), lawful streams
live through every gate and the defective cases as 补录 (backfill) signed by the
acting administrator. So a demo costs what importing the same steps costs, and
running the same demo again records nothing new.

One ledger holds one demo: a demo of another date (or a registry changed by hand)
conflicts with the agencies and officers already recorded and is refused before
anything is written; a demo of the same date with another seed is refused at its
first case, whose number is taken. Use a fresh data directory for another demo.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import orjson

from api.demo_spill import SpillSink
from api.documents import DocumentStore
from api.server.config import HttpSettings
from api.settings import Settings, iso_date
from api.wiring import SHANGHAI, open_ledger
from demo import DemoData, DemoFile, generate
from demo.generator import COMPLAINTS_PER_CASE, LICENCES_PER_CASE
from demo.model import Raw
from domain.beacon import covering_size
from domain.identities import BOOTSTRAP
from ledger.envelope import step_identity
from ledger.importer import DEFAULT_BATCH, import_lines
from ledger.service import Ledger
from ledger.translog import LogError, TransparencyLog, log_signer

DEFAULT_CASES = 200
DEFAULT_SEED = 1
DEFAULT_DEFECTS = 0.15
OPENING = frozenset({"AgencyRegistered", "OfficerRegistered", "HolidayNoticePublished"})

PROCEDURE_NAMES = {"general": "普通程序", "summary": "简易程序", "no_penalty": "不予处罚", "transfer": "移送"}
STAGE_NAMES = {"registered": "已立案", "investigating": "调查中", "notice_served": "已告知", "decided": "已决定",
               "enforcing": "催告/强制执行", "paid": "已缴款", "transferred": "已移送", "closed": "已结案",
               "archived": "已归档"}

LICENCE_PATH_NAMES = {"new": "准予", "on_the_spot": "当场准予", "denied": "不予许可", "not_accepted": "不予受理",
                      "renewal": "延续", "change": "变更", "revocation": "撤销并注销", "withdrawal": "撤回并注销"}
COERCION_PATH_NAMES = {"emergency": "紧急扣押", "approved": "批准后查封扣押", "not_approved": "紧急扣押未获批准",
                       "extended": "延长期限", "freeze": "冻结", "substitute": "代履行", "enforcement": "强制执行决定"}
CASE_COERCION_PATH_NAMES = {"case_seizure/case": "立案后查封扣押的案件", "case_emergency/coercion": "紧急扣押",
                            "case_emergency/case": "处理紧急扣押的案件", "case_substitute/case": "代履行的案件"}
INSPECTION_PATH_NAMES = {"spotcheck": "抽查任务", "random": "随机抽查检查", "routine": "日常检查",
                         "complaint": "投诉举报检查", "key_sector": "重点监管检查"}
COMPLAINT_PATH_NAMES = {"accepted": "受理", "assigned": "受理并交办", "not_accepted": "不予受理", "transferred": "转送"}

Progress = Callable[[int, int], None]
"""``progress(done, total)``: steps handled so far (recorded or skipped) of the demo's total; while
generating, ``progress(generated, 0)``."""


class DemoConflict(Exception):
    """The ledger already holds a different demo or registry; nothing was written."""


@dataclass
class DemoSummary:
    """What a demo run generated and recorded."""

    cases: int
    seed: int
    as_of: date
    defect_share: float
    steps: int
    lawful: int = 0
    defective: int = 0
    reviews: int = 0
    lawsuits: int = 0
    rectifications: int = 0
    recorded: int = 0
    skipped: int = 0
    seconds: float = 0.0
    documents: int = 0
    """Generated documents put in the document store by this run (in ``documents_seconds``)."""
    documents_seconds: float = 0.0
    procedures: dict[str, int] = field(default_factory=dict)
    stages: dict[str, int] = field(default_factory=dict)
    defects: dict[str, int] = field(default_factory=dict)
    refusal: dict[str, Any] | None = None
    licences: int = 0
    complaints: int = 0
    licence_paths: dict[str, int] = field(default_factory=dict)
    complaint_paths: dict[str, int] = field(default_factory=dict)
    file_defects: dict[str, int] = field(default_factory=dict)
    """Rules of the defective 行政许可 and 投诉举报 files."""
    coercions: int = 0
    inspections: int = 0
    coercion_paths: dict[str, int] = field(default_factory=dict)
    inspection_paths: dict[str, int] = field(default_factory=dict)
    kind_defects: dict[str, int] = field(default_factory=dict)
    """Rules of the defective 行政强制 and 行政检查 files."""
    case_coercion_paths: dict[str, int] = field(default_factory=dict)
    """Streams of the 行政强制 in penalty cases (``DemoData.case_coercions``) by path."""
    live_draws: int = 0
    """Spot checks drawn live with a checkpoint of this ledger (the others are 补录)."""

    @property
    def rate(self) -> float:
        return (self.recorded + self.skipped) / self.seconds if self.seconds > 0 else 0.0

    def as_json(self) -> dict[str, Any]:
        return {
            "cases": self.cases, "seed": self.seed, "as_of": self.as_of.isoformat(),
            "defect_share": self.defect_share, "lawful": self.lawful, "defective": self.defective,
            "reviews": self.reviews, "lawsuits": self.lawsuits, "rectifications": self.rectifications,
            "steps": self.steps,
            "recorded": self.recorded, "skipped": self.skipped, "seconds": round(self.seconds, 3),
            "steps_per_second": round(self.rate, 1), "documents": self.documents,
            "documents_seconds": round(self.documents_seconds, 3),
            "procedures": self.procedures, "stages": self.stages,
            "defects": self.defects, "refused": self.refusal,
            "licences": self.licences, "complaints": self.complaints, "licence_paths": self.licence_paths,
            "complaint_paths": self.complaint_paths, "file_defects": self.file_defects,
            "coercions": self.coercions, "inspections": self.inspections, "coercion_paths": self.coercion_paths,
            "inspection_paths": self.inspection_paths, "kind_defects": self.kind_defects,
            "live_draws": self.live_draws, "case_coercion_paths": self.case_coercion_paths,
        }


def summarise(data: DemoData, defect_share: float, steps: int | None = None) -> DemoSummary:
    """The counts of a generated demo (before anything is recorded); ``steps``: how many a streamed
    demo generated (its ``data`` holds none)."""
    summary = DemoSummary(data.cases_requested, data.seed, data.as_of, defect_share,
                          data.step_count if steps is None else steps)
    summary.defective = sum(1 for c in data.cases if c.backfill)
    summary.lawful = len(data.cases) - summary.defective
    summary.reviews = sum(1 for p in data.proceedings if p.stream.startswith("review/"))
    summary.lawsuits = sum(1 for p in data.proceedings if p.stream.startswith("litigation/"))
    summary.rectifications = len(data.rectifications)
    summary.procedures = dict(sorted(Counter(c.procedure for c in data.cases).items()))
    summary.stages = dict(sorted(Counter(c.stage for c in data.cases).items()))
    summary.defects = dict(sorted(Counter(c.defect.rule for c in data.cases if c.defect).items()))
    summary.licences, summary.complaints = len(data.licences), len(data.complaints)
    summary.licence_paths = dict(sorted(Counter(f.path for f in data.licences).items()))
    summary.complaint_paths = dict(sorted(Counter(f.path for f in data.complaints).items()))
    files = (*data.licences, *data.complaints)
    summary.file_defects = dict(sorted(Counter(f.defect.rule for f in files if f.defect).items()))
    summary.coercions, summary.inspections = len(data.coercions), len(data.inspections)
    summary.coercion_paths = dict(sorted(Counter(f.path for f in data.coercions).items()))
    summary.inspection_paths = dict(sorted(Counter(f.path for f in data.inspections).items()))
    summary.case_coercion_paths = dict(sorted(Counter(
        f"{f.path}/{f.stream.split('/', 1)[0]}" for f in data.case_coercions).items()))
    kinds = (*data.coercions, *data.inspections, *data.case_coercions)
    summary.kind_defects = dict(sorted(Counter(f.defect.rule for f in kinds if f.defect).items()))
    summary.live_draws = len(data.draws)
    return summary


def check_compatible(ledger: Ledger, firsts: Iterable[Raw]) -> None:
    """Refuse (``DemoConflict``) when a stream the demo opens already exists with another
    opening step (``firsts``: ``opening_steps``). The ledger then holds another demo or a
    hand-made registry."""
    for step in firsts:
        stored = ledger.store.stream(step["stream"])
        if stored and step_identity(stored[0].envelope) != step_identity(step):
            raise DemoConflict(f"{step['stream']} 已有不同的记录 (另一次演示、其他参数或手工登记); "
                               "演示数据请使用新的数据目录 (--data)")


def opening_steps(data: DemoData, spill: SpillSink) -> list[Raw]:
    """The steps that open the streams a demo shares with another one: the registry streams', and
    each agency's first case of a year (a demo of another seed numbers its cases the same way)."""
    return [step for step in data.registry if step["type"] in OPENING] + spill.first_steps("-0001")


def run_demo(ledger: Ledger, cases: int, seed: int, as_of: date, defect_share: float = DEFAULT_DEFECTS,
             progress: Progress | None = None, *, actor: str = BOOTSTRAP,
             batch_size: int = DEFAULT_BATCH, documents: DocumentStore | None = None,
             licences: int | None = None, complaints: int | None = None,
             kinds: tuple[int, int, int, int] | None = None, log_origin: str | None = None) -> DemoSummary:
    """Generate the demo and record it: registry and lawful streams live, defective cases as
    backfill signed by ``actor`` (an administrator). Stops at the first refused step
    (``summary.refusal``); steps already recorded are skipped, so a re-run records nothing.
    With ``documents``, the 文书 the steps cite (one-page PDFs) are put in that store, with
    the case's agency as owner, so a reviewer can open them. ``licences``/``complaints``: how
    many 行政许可 and 投诉举报 files, ``kinds`` how many 查封扣押, 代履行, 抽查任务 and targeted inspections
    (None: proportional to ``cases``, ``demo.generator``). The live spot checks draw with a checkpoint
    of this ledger's transparency log (``log_origin``: the log's origin, by default the one it has),
    signed after their snapshots are recorded (INS-02).

    The demo streams (``api.demo_spill``): the generator hands each stream's steps to a temporary
    file as it builds them, and they are recorded from there in order, a chunk at a time, so memory
    stays bounded whatever ``cases`` is. ``progress(done, 0)`` reports generation, ``progress(done,
    total)`` recording."""
    began = time.perf_counter()

    def generated(n: int) -> None:
        if progress is not None:
            progress(n, 0)

    with SpillSink(documents=documents is not None, generated=generated) as spill:
        data = generate(cases, seed, as_of, defect_share=defect_share, config=ledger.config, licences=licences,
                        complaints=complaints, kinds=kinds, sink=spill)
        summary = summarise(data, defect_share, spill.count)
        check_compatible(ledger, opening_steps(data, spill))
        log = _open_log(ledger, log_origin) if data.draws else None
        try:
            _record(ledger, spill, data, summary, progress, actor, batch_size,
                    ledger_beacon(ledger, log) if log is not None else None)
            if log is not None and summary.refusal is None:
                log.integrate()  # a checkpoint covers the whole demo, as it covers each draw's snapshots
                log.checkpoint()
        finally:
            if log is not None:
                log.close()
        summary.seconds = time.perf_counter() - began
        if documents is not None:
            summary.documents = store_documents(documents, spill.stored_documents(), actor)
            summary.documents_seconds = time.perf_counter() - began - summary.seconds
    return summary


def store_documents(store: DocumentStore, files: Iterable[DemoFile], actor: str) -> int:
    """Put the demo's generated documents in the store (one sync at the end, not one per file);
    the number of files stored anew."""
    added = 0
    for doc in files:
        if not store.exists(doc.sha256):
            added += store.add_bytes(doc.content, media_type=doc.media_type, uploader=actor, agency=doc.agency,
                                     sync=False)[1]
    os.sync()
    return added


DEMO_ORIGIN = "demo.enforcement-ledger.invalid/log"
"""The log origin of an in-memory or unnamed ledger whose log has none yet, when the caller names none."""


def _open_log(ledger: Ledger, origin: str | None) -> TransparencyLog:
    """The ledger's log: under ``origin``, else the one it has, else the one its data directory's
    settings give (``Settings.log_origin``: ``LEDGER_LOG_ORIGIN``, ``log-origin``, the old default),
    so a caller that passes only a ``Ledger`` fixes the origin ``init`` chose, not another."""
    if origin is None:
        try:
            return TransparencyLog(ledger.store)
        except LogError:
            path = ledger.store.config.sqlite_path
            origin = Settings(data=Path(path).parent).log_origin() if path else DEMO_ORIGIN
    return TransparencyLog(ledger.store, origin=origin)


Beacon = Callable[[str], tuple[int, bytes]]
"""``beacon(spotcheck stream)``: (tree size, root) of the first signed checkpoint of the ledger's log
that covers the stream's plan and both snapshots (INS-02), signed now when none does."""


def ledger_beacon(ledger: Ledger, log: TransparencyLog) -> Beacon:
    """The beacon of a live draw, read from this ledger's transparency log as the INS-02 gate reads it
    (``Ledger.log``, ``domain.beacon``): the log integrates what is recorded, and the first stored
    checkpoint covering the plan's and snapshots' leaves is the beacon; when none is stored yet, the
    log signs one (so a re-run finds the same one)."""
    if ledger.keystore is None:
        raise DemoConflict("账本未以签名密钥打开, 不能签署抽查所需的检查点")
    log_signer(log, ledger.keystore)

    def beacon(stream: str) -> tuple[int, bytes]:
        log.integrate()
        needed = covering_size(ledger.log, [(stream, version) for version in (1, 2, 3)])
        if needed is None:
            raise DemoConflict(f"{stream} 的抽查计划和名录库快照尚未进入透明日志")
        size = ledger.log.first_checkpoint(needed)
        root = ledger.log.checkpoint_root(size) if size is not None else None
        if size is None or root is None:
            signed = log.checkpoint()
            return signed.size, signed.root
        return size, bytes.fromhex(root)

    return beacon


CHUNK = 20
"""Batches of steps handed to ``import_lines`` at a time (a refused step is found in its chunk)."""


def _record(ledger: Ledger, spill: SpillSink, data: DemoData, summary: DemoSummary, progress: Progress | None,
            actor: str, batch_size: int, beacon: Beacon | None = None) -> None:
    done = 0
    for backfill, steps in spill.segments():
        for part in _parts(backfill, steps, data, beacon):
            for chunk in _chunks(part, CHUNK * batch_size):
                offset = done

                def tick(line: int, offset: int = offset) -> None:
                    if progress is not None:
                        progress(offset + line, summary.steps)

                result = import_lines(ledger, (orjson.dumps(step) for step in chunk), actor=actor,
                                      backfill=backfill, batch_size=batch_size, progress=tick)
                summary.recorded += result.recorded
                summary.skipped += result.skipped
                done += len(chunk)
                if result.refusal is not None:
                    step = chunk[result.refusal.line - 1]
                    summary.refusal = {"stream": step["stream"], "type": step["type"], "at": step["at"],
                                       "backfill": backfill, "rule": result.refusal.rule,
                                       "message": result.refusal.message, "basis": result.refusal.basis}
                    return


def _chunks(steps: Iterable[Raw], size: int) -> Iterator[list[Raw]]:
    chunk: list[Raw] = []
    for step in steps:
        chunk.append(step)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _parts(backfill: bool, steps: Iterable[Raw], data: DemoData, beacon: Beacon | None) -> Iterator[Iterator[Raw]]:
    """The segment's steps in runs to record one after the other: a live segment is cut before each
    live draw, whose beacon (``beacon``) is read once the run before it is recorded; the draw and the
    steps that depend on it (``SpotCheck.realise``) then replace the generated ones."""
    draws = {c.stream: c for c in data.draws} if beacon is not None and not backfill else {}
    source: Iterator[Raw] = iter(steps)
    if not draws:
        yield source
        return
    real: dict[tuple[str, str, str], Raw] = {}
    held: list[Raw] = []
    real_draws: set[str] = set()

    def run() -> Iterator[Raw]:
        """Steps up to (not including) the next live draw, which is left in ``held``."""
        for step in source:
            if step["type"] == "RandomDrawPerformed" and step["stream"] in draws and step["stream"] not in real_draws:
                held.append(step)
                return
            yield real.get((step["stream"], step["type"], step["at"]), step)

    while True:
        yield run()
        if not held:
            return
        step = held.pop()
        real_draws.add(step["stream"])
        assert beacon is not None
        spot, inspections, _ = draws[step["stream"]].realise(*beacon(step["stream"]))
        for s in (*spot.steps, *(s for f in inspections for s in f.steps)):
            real[(s["stream"], s["type"], s["at"])] = s
        source = itertools.chain([real.get((step["stream"], step["type"], step["at"]), step)], source)


# --------------------------------------------------------------------------- command line



def register(subparsers: Any) -> None:
    """Add the ``demo`` subcommand to the CLI's subparsers."""
    p = subparsers.add_parser(
        "demo", help="生成并记录一年可重现的演示执法数据 (合法案件实时记录, 含缺陷案件以补录记录)",
        description="生成 --as-of 之前一年的演示数据: 机关、执法事项、执法人员, 普通程序、简易程序、"
                    "不予处罚和移送案件 (各阶段), 行政复议和行政诉讼, 行政许可和投诉举报, "
                    "查封扣押、代履行和双随机抽查 (以本账本检查点抽取) 及其他行政检查; 按 --defects 的比例, "
                    "部分案件、许可、投诉、强制和检查各含一处"
                    "典型缺陷 (实时关卡会拒绝的以补录 (--backfill) 记录)。"
                    "同样的 --cases/--seed/--as-of 生成同样的数据; "
                    "重复运行不会重复记录。",
    )
    p.add_argument("--cases", type=int, default=DEFAULT_CASES, help=f"案件数 (默认 {DEFAULT_CASES})")
    p.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"随机种子 (默认 {DEFAULT_SEED})")
    p.add_argument("--as-of", type=iso_date, default=None,
                   help="截止日期 YYYY-MM-DD, 数据在其前一年内 (默认: 今天, 北京时间)")
    p.add_argument("--defects", type=float, default=DEFAULT_DEFECTS,
                   help=f"含缺陷案件的比例 0–1 (默认 {DEFAULT_DEFECTS})")
    p.add_argument("--licences", type=int, default=None,
                   help=f"行政许可申请数 (默认: 案件数的 {LICENCES_PER_CASE * 100:.0f}%%)")
    p.add_argument("--complaints", type=int, default=None,
                   help=f"投诉举报数 (默认: 案件数的 {COMPLAINTS_PER_CASE * 100:.0f}%%)")
    p.add_argument("--batch", type=int, default=DEFAULT_BATCH, help=f"每批提交的步骤数 (默认 {DEFAULT_BATCH})")
    p.add_argument("--json", action="store_true", help="输出 JSON")
    p.set_defaults(run=run)


def terminal_progress() -> Progress | None:
    if not sys.stderr.isatty():
        return None

    began = time.monotonic()

    def show(done: int, total: int) -> None:
        if not total:
            sys.stderr.write(f"\r演示数据: 已生成 {done} 步")
        else:
            filled = 30 * done // total
            rate = done / max(time.monotonic() - began, 1e-9)
            sys.stderr.write(f"\r演示数据: [{'#' * filled}{'.' * (30 - filled)}] {100 * done / total:5.1f}% "
                             f"{done}/{total} 步 ({rate:.0f} 步/秒)")
        sys.stderr.flush()

    return show


def run(settings: Settings, args: argparse.Namespace) -> int:
    """The ``demo`` command: 0 recorded (or already there), 1 refused or conflicting, 2 usage."""
    counts = (args.cases, args.licences or 0, args.complaints or 0)
    if min(counts) < 0 or not 0 <= args.defects <= 1 or args.batch < 1:
        print("错误: --cases、--licences、--complaints 应为非负整数, --defects 应在 0 到 1 之间, --batch 应为正整数",
              file=sys.stderr)
        return 2
    as_of = args.as_of or datetime.now(SHANGHAI).date()
    ledger = open_ledger(settings)
    progress = terminal_progress()
    store = DocumentStore(settings.data / "documents", max_bytes=HttpSettings.from_env().max_document_bytes)
    try:
        summary = run_demo(ledger, args.cases, args.seed, as_of, args.defects, progress,
                           actor=settings.actor, batch_size=args.batch, documents=store, licences=args.licences,
                           complaints=args.complaints, log_origin=settings.log_origin())
    except DemoConflict as exc:
        print(f"拒绝: {exc}", file=sys.stderr)
        return 1
    finally:
        ledger.close()
        if progress is not None:
            sys.stderr.write("\n")
    if args.json:
        print(json.dumps(summary.as_json(), ensure_ascii=False))
    else:
        for line in describe(summary):
            print(line)
    if summary.refusal is not None:
        r = summary.refusal
        basis = f" ({r['basis']})" if r["basis"] else ""
        print(f"拒绝: {r['stream']} {r['type']} ({r['at']}): [{r['rule']}] {r['message']}{basis}", file=sys.stderr)
        return 1
    return 0


def _paths(counts: dict[str, int], names: dict[str, str]) -> str:
    return "，".join(f"{names.get(k, k)} {v}" for k, v in counts.items()) or "无"


def describe(summary: DemoSummary) -> list[str]:
    procedures = "，".join(f"{PROCEDURE_NAMES.get(k, k)} {v}" for k, v in summary.procedures.items())
    stages = "，".join(f"{STAGE_NAMES.get(k, k)} {v}" for k, v in summary.stages.items())
    defects = "，".join(f"{k} {v}" for k, v in summary.defects.items()) or "无"
    return [
        f"演示数据 (种子 {summary.seed}, 截至 {summary.as_of.isoformat()} 前一年): {summary.cases} 件案件 "
        f"(合法 {summary.lawful} 件实时记录, 含缺陷 {summary.defective} 件以补录记录), "
        f"行政复议 {summary.reviews} 件, 行政诉讼 {summary.lawsuits} 件, 责令整改 {summary.rectifications} 件",
        f"行政许可 {summary.licences} 件 ({_paths(summary.licence_paths, LICENCE_PATH_NAMES)}), "
        f"投诉举报 {summary.complaints} 件 ({_paths(summary.complaint_paths, COMPLAINT_PATH_NAMES)}); "
        f"含缺陷的规则: {'，'.join(f'{k} {v}' for k, v in summary.file_defects.items()) or '无'}",
        f"行政强制 {summary.coercions} 件 ({_paths(summary.coercion_paths, COERCION_PATH_NAMES)}), "
        f"行政检查 {summary.inspections} 件 ({_paths(summary.inspection_paths, INSPECTION_PATH_NAMES)}, "
        f"其中 {summary.live_draws} 个抽查任务以本账本检查点实时抽取), "
        f"案件中的行政强制 ({_paths(summary.case_coercion_paths, CASE_COERCION_PATH_NAMES)}); "
        f"含缺陷的规则: {'，'.join(f'{k} {v}' for k, v in summary.kind_defects.items()) or '无'}",
        f"程序: {procedures}",
        f"阶段: {stages}",
        f"缺陷所涉规则: {defects}",
        f"记录 {summary.recorded} 步, 跳过已记录 {summary.skipped} 步, 共 {summary.steps} 步, "
        f"用时 {summary.seconds:.1f} 秒 ({summary.rate:.0f} 步/秒)",
        f"文书文件: 新存入文件库 {summary.documents} 个 (一页 PDF, 可在案卷页面打开), "
        f"用时 {summary.documents_seconds:.1f} 秒",
    ]
