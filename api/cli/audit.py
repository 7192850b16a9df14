"""``enforcement-ledger audit``: evaluate case files (案卷评查), keep the table current, record an evaluation.

::

    enforcement-ledger audit --case DXH-CGJ-2026-0012 [--format text|json|html|pdf] [--as-of DATE] [-o FILE]
    enforcement-ledger audit --all | --agency DXH-CGJ | --sample 20 --seed 7 [--agency CODE]
    enforcement-ledger audit --all --format xlsx -o 评查.xlsx           # or csv: a row per case
    enforcement-ledger audit --refresh [--as-of DATE]        # bring audit_evaluations up to date
    enforcement-ledger audit --follow [--poll S]             # keep it up to date (a process of its own)
    enforcement-ledger --as officer/SFJ-0001 audit --case … --record [--adjust PEN-24=0:理由 …]

The evaluation is computed from the ledger (``audit.store``: the case's events and those
of the 复议 and lawsuits that target it, the registry, the calendar) as of ``--as-of``
(default: today in Asia/Shanghai). ``--format json`` prints one object for ``--case`` and
an array otherwise (codes: ``severity``, ``grade``); ``html`` one self-contained printable page;
``csv`` and ``xlsx`` a spreadsheet with a row per case (``api.tables_export``); ``pdf`` (``--case``
only) the 评查意见书 to sign (``api.pdf_export.evaluation_pdf``; the evaluator is the acting
identity). Spreadsheets and PDFs go to ``-o FILE`` or, in binary, to standard output. Exit status is 0 whatever
the findings; 2 for a usage error (bad options, an unknown case) or a storage error.

``--record`` signs the evaluation into the ledger as a ``CaseFileEvaluated`` step on a
supervision stream (default ``supervision/PC-<case number>-<YYYYMMDD>``) by the acting
identity (``--as``, a supervisor or legal reviewer), after the reviewer's adjustments:
``--adjust RULE=POINTS:REASON`` sets the points a rule deducts (a rule the audit did not
find is added). The printable report, with the adjustments and their reasons, is stored
in the document store and referenced by hash from the step.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from api.cli.stopping import stop_on_signals
from api.settings import Settings, SettingsError, iso_date
from api.tables_export import FORMATS, Names, evaluations_table, save, write
from api.wiring import load_config, open_ledger
from audit.context import AuditContext
from audit.engine import deduct, grade_of
from audit.files import OTHER_FILES, evaluate_stream, file_stream
from audit.model import MAJOR, Evaluation, Finding, sort_findings
from audit.parallel import evaluate_all, evaluate_raw
from audit.report import as_html, as_json, as_text
from audit.store import LedgerSource
from audit.table import AuditFollower
from domain.calendar import SHANGHAI
from domain.config import Config
from domain.errors import StepRefused
from ledger.follow import how
from projections.sql import Database

__all__ = ["Adjustment", "adjusted", "evaluate_cases", "register", "run"]

EPILOG = """\
评查结果表 audit_evaluations 是案件列表、页面按等次/分数/规则筛选所读的表, 每件案卷一行 (最新评查)。
--refresh 更新一次; --follow 作为常驻进程持续更新 (部署时 serve 以 --no-follow 启动, 见 docs/operations.md):
每一轮读取上次之后的新事件, 只重新评查它们涉及的案卷 (及同一当事人的其他案卷), 并与跟踪位置在同一事务中
提交 (崩溃后从上次提交处继续); 跨入新的一天时, 重算期限可能已届满的案卷。没有新事件时等待: PostgreSQL 上
等账本插入时发出的 NOTIFY, SQLite 上每 --poll 秒检查一次。SIGTERM 或 Ctrl-C: 做完当前一轮后退出 (退出码 0)。
进度写在标准错误: 启动一行, 每轮有改动时一行, 停止时一行汇总。

例:
  enforcement-ledger audit --case DXH-CGJ-2026-0012
  enforcement-ledger audit --all --format xlsx -o 评查.xlsx
  enforcement-ledger audit --refresh
  enforcement-ledger audit --follow
"""

_ADJUST = re.compile(r"^([A-Z]+-[0-9]+[A-Za-z]?)=(\d+):(.+)$", re.S)



def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "audit", help="案卷评查: 按规则目录评查案卷, 评分定级 (优秀/合格/不合格)",
        description="按 rules.md 的规则评查案卷: 每项发现给出规则编号、严重程度、类别、扣分、法律依据和涉及的事件。"
                    "无论发现什么问题, 退出码均为 0; 用法或存储错误为 2。",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--case", help="一件案卷: 处罚案件 (DXH-CGJ-2026-0012 或 case/DXH-CGJ-2026-0012)、"
                                  "许可 (licence/DXH-SPJ-XK-2026-0031)、投诉举报 (complaint/DXH-SFJ-TS-2026-0007)、"
                                  "行政检查 (inspection/DXH-CGJ-JC-2026-0001) 或抽查任务 "
                                  "(spotcheck/DXH-CGJ-CC-2026-01)")
    p.add_argument("--all", action="store_true",
                   help="全部案卷：处罚案件，以及许可、投诉举报、强制、检查案卷和双随机抽查任务")
    p.add_argument("--agency", help="一个执法机关的案卷 (DXH-CGJ 或 agency/DXH-CGJ); 与 --sample 连用时限定抽样范围")
    p.add_argument("--sample", type=int, help="随机抽取 N 件 (双随机, 与 --seed 一起可重现)")
    p.add_argument("--seed", type=int, default=1, help="抽样的随机种子 (默认 1)")
    p.add_argument("--format", choices=("text", "json", "html", "pdf", *FORMATS), default=None,
                   help="输出格式 (默认 text); csv/xlsx: 每件一行的表格; "
                        "pdf: 评查意见书 (仅 --case; 评查人员为 --as 身份), "
                        "例: audit --case DXH-CGJ-2026-0012 --format pdf -o 评查意见书.pdf")
    p.add_argument("--json", action="store_true", help="同 --format json")
    p.add_argument("--as-of", type=iso_date, default=None, help="评查基准日 YYYY-MM-DD (默认今天, 北京时间)")
    p.add_argument("--output", "-o", help="写入文件 (默认标准输出)")
    p.add_argument("--refresh", action="store_true", help="更新评查结果表 audit_evaluations (增量)")
    p.add_argument("--follow", action="store_true",
                   help="常驻: 新步骤一到即更新评查结果表 (PostgreSQL: LISTEN/NOTIFY; SQLite: 每 --poll 秒), "
                        "每天重算到期的期限; SIGTERM/Ctrl-C 停止。部署时与 serve --no-follow 并列运行")
    p.add_argument("--poll", type=float, default=1.0, help="--follow 时两次检查之间最长的等待秒数 (默认 1)")
    p.add_argument("--record", action="store_true", help="把评查结果作为 CaseFileEvaluated 签名记入账本 (仅 --case)")
    p.add_argument("--adjust", action="append", default=[], metavar="RULE=POINTS:REASON",
                   help="人工调整某规则的扣分并说明理由 (可重复; 与 --record 连用)")
    p.add_argument("--stream", help="记录评查的执法监督流 (默认 supervision/PC-<案号>-<日期>)")
    p.set_defaults(run=run)


@dataclass(frozen=True)
class Adjustment:
    """A reviewer's change to the points one rule deducts, with the reason."""

    rule: str
    points: int
    reason: str


def parse_adjustments(items: Sequence[str]) -> list[Adjustment]:
    out = []
    for item in items:
        found = _ADJUST.match(item.strip())
        if found is None:
            raise SettingsError(f"--adjust 应为 规则=分数:理由 (如 PEN-24=0:送达延误系邮政原因): {item!r}")
        out.append(Adjustment(found.group(1), int(found.group(2)), found.group(3).strip()))
    return out


def adjusted(ev: Evaluation, adjustments: Sequence[Adjustment], config: Config) -> Evaluation:
    """The evaluation after a reviewer's adjustments: points per rule changed, rules added; re-scored."""
    if not adjustments:
        return ev
    by_rule = {a.rule: a for a in adjustments}
    findings = []
    for f in ev.findings:
        change = by_rule.pop(f.rule, None)
        findings.append(f if change is None else replace(f, points=change.points,
                                                         message=f"{f.message}（评查人员调整：{change.reason}）"))
    for a in by_rule.values():
        category = config.evaluation.category(a.rule) or "执法程序"
        findings.append(Finding(a.rule, MAJOR, category, a.points, "评查人员认定", f"评查人员认定：{a.reason}",
                                title="人工评查发现"))
    ordered = sort_findings(findings)
    deductions = deduct(ordered, config)
    score = 100 - sum(deductions.values())
    return replace(ev, findings=ordered, deductions=deductions, score=score,
                   grade=grade_of(score, ev.veto, ordered, config) if ev.grade is not None else None)




def evaluate_cases(source: LedgerSource, ctx: AuditContext, *, case: str | None = None, agency: str | None = None,
                   sample: int | None = None, seed: int = 1, workers: int | None = None) -> list[Evaluation]:
    """Evaluate one file, an agency's cases, a sample, or (no selector) every file of every kind — the
    cases on ``workers`` processes (default: one per CPU, at most four), then the licence, complaint,
    强制, inspection and spot-check files (``OTHER_FILES``); files not begun by ``ctx.as_of`` are left
    out."""
    if case is not None:
        found = evaluate_stream(source, file_stream(case), ctx)
        if found is None:
            raise SettingsError(f"账本中没有案卷 {file_stream(case)}")
        return [found]
    if sample is None and agency is None:
        cases = [ev for ev in evaluate_all(source, ctx, workers=workers) if ev is not None]
        return cases + [ev for kind in OTHER_FILES for stream in source.db.streams_with_prefix(kind, source.upto)
                        if (ev := evaluate_stream(source, stream, ctx)) is not None]
    only = source.sample(sample, seed, agency) if sample is not None else None
    raw = source.raw_groups(only=only, agency=agency if only is None else None)
    return [ev for ev in evaluate_raw(raw, ctx, workers=workers) if ev is not None]


def run(settings: Settings, args: argparse.Namespace) -> int:
    fmt = "json" if args.json else (args.format or "text")
    selectors = [args.case is not None, args.all, args.sample is not None, args.agency is not None and
                 args.sample is None]
    if args.follow:
        if sum(selectors) or args.refresh or args.record or args.adjust or args.poll <= 0:
            print("错误: --follow 独自使用 (可加 --poll 正数秒与 --as-of)", file=sys.stderr)
            return 2
        return _follow(settings, args)
    if not args.refresh and sum(selectors) != 1:
        print("错误: 请指定 --case、--all、--agency 或 --sample 之一", file=sys.stderr)
        return 2
    if args.sample is not None and args.sample < 1:
        print("错误: --sample 应为正整数", file=sys.stderr)
        return 2
    if fmt == "pdf" and args.case is None:
        print("错误: --format pdf (评查意见书) 只能用于 --case", file=sys.stderr)
        return 2
    if (args.record or args.adjust) and args.case is None:
        print("错误: --record 和 --adjust 只能用于 --case", file=sys.stderr)
        return 2
    if args.case is not None and not file_stream(args.case).startswith("case/") and (
            fmt == "pdf" or args.record or args.adjust):
        print("错误: 许可、投诉举报、行政检查案卷暂不支持 --format pdf、--record 和 --adjust (仅行政处罚案卷)",
              file=sys.stderr)
        return 2
    try:
        adjustments = parse_adjustments(args.adjust)
    except SettingsError as exc:
        print(f"错误: {exc}", file=sys.stderr)
        return 2
    as_of = args.as_of or datetime.now(SHANGHAI).date()
    config = load_config(settings)
    ledger = open_ledger(settings, keys=args.record)
    try:
        db = Database(ledger.store)
        if args.refresh:
            written = AuditFollower(db, config=config).run_once(as_of)
            print(f"评查结果表已更新: 重新评查 {written} 件案卷 (截至 {as_of})")
            if sum(selectors) == 0:
                return 0
        source = LedgerSource(db)
        ctx = source.context(as_of, config)
        try:
            evaluations = evaluate_cases(source, ctx, case=args.case, agency=None if args.all else args.agency,
                                         sample=args.sample, seed=args.seed)
        except SettingsError as exc:
            print(f"错误: {exc}", file=sys.stderr)
            return 2
        if args.case is not None and adjustments:
            evaluations = [adjusted(evaluations[0], adjustments, config)]
        if args.record:
            code = _record(settings, ledger, evaluations[0], adjustments, config, args.stream)
            if code:
                return code
        paper = _paper(source, evaluations[0], config, settings.actor) if fmt == "pdf" else None
        names = Names.of(db) if fmt in FORMATS else Names()
    finally:
        ledger.close()
    if fmt in FORMATS:
        save(write(evaluations_table(evaluations, names), fmt), args.output)
        return 0
    if paper is not None:
        save(paper, args.output)
        return 0
    if fmt == "json":
        text = as_json(evaluations, single=args.case is not None)
    elif fmt == "html":
        text = as_html(evaluations, config, generated=as_of)
    else:
        text = as_text(evaluations, config)
    if args.output:
        Path(args.output).write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return 0


def _follow(settings: Settings, args: argparse.Namespace) -> int:
    """``audit --follow``: keep ``audit_evaluations`` current until SIGTERM/SIGINT."""
    config = load_config(settings)
    ledger = open_ledger(settings, keys=False)
    db = Database(ledger.store)
    try:
        follower = AuditFollower(db, config=config)
        pinned = args.as_of

        def today() -> date:
            return pinned or datetime.now(SHANGHAI).date()

        print(f"评查结果表跟随中 ({how(ledger.store, args.poll)}); 已处理至通知号 {follower.position()}; "
              "SIGTERM 或 Ctrl-C 停止", file=sys.stderr, flush=True)
        written = 0

        def report(rows: int) -> None:
            nonlocal written
            written += rows
            print(f"重新评查 {rows} 件案卷 (截至 {today()}; 已处理至通知号 {follower.position()})",
                  file=sys.stderr, flush=True)

        with stop_on_signals() as stop:
            rounds = follower.follow(stop, poll=args.poll, today=today, on_round=report)
        print(f"已停止: {rounds} 轮, 共重新评查 {written} 件案卷; 已处理至通知号 {follower.position()}",
              file=sys.stderr, flush=True)
    finally:
        db.close()
        ledger.close()
    return 0


def _paper(source: LedgerSource, ev: Evaluation, config: Config, evaluator: str) -> bytes:
    """The 评查意见书 of ``ev`` (after any adjustments), with the acting identity as evaluator."""
    from api.pdf_export import evaluation_pdf, load_case, names_of

    loaded = load_case(source, ev.case, ev.as_of, config, evaluate=False)
    assert loaded is not None  # the case was just evaluated
    cf, _, registry = loaded
    return evaluation_pdf(cf, ev, config, evaluator=evaluator, names=names_of(registry))


def _record(settings: Settings, ledger: Any, ev: Evaluation, adjustments: Sequence[Adjustment], config: Config,
            stream: str | None) -> int:
    from api.documents import DocumentStore
    from api.server.config import HttpSettings

    if ev.grade is None:
        print(f"拒绝: {ev.case} 办理中（尚无处罚决定、移送决定或结案），不评定等次，不能记录评查结果", file=sys.stderr)
        return 1
    number = ev.case.split("/", 1)[1]
    target = stream or f"supervision/PC-{number}-{ev.as_of:%Y%m%d}"
    page = as_html([ev], config, title="行政执法案卷评查报告（评查人员确认）", generated=ev.as_of)
    if adjustments:
        rows = "".join(f"<li>{a.rule}：{a.points} 分——{a.reason}</li>" for a in adjustments)
        page = page.replace("</body>", f"<h2>人工调整</h2><ul>{rows}</ul><p>评查人员：{settings.actor}</p></body>")
    http = HttpSettings.from_env()
    store = DocumentStore(settings.data / "documents", max_bytes=http.max_document_bytes)
    upload = store.begin()
    try:
        upload.write(page.encode("utf-8"))
    except BaseException:
        upload.discard()
        raise
    officer = ledger.officer(settings.actor)
    meta, _ = store.finish(upload, media_type="text/html", uploader=settings.actor,
                           agency=officer.agency if officer is not None else None)
    step = {
        "stream": target, "type": "CaseFileEvaluated", "at": datetime.now(SHANGHAI).isoformat(timespec="seconds"),
        "by": settings.actor,
        "data": {"case": ev.case, "evaluator": settings.actor, "score": ev.score, "grade": ev.grade,
                 "findings": [{"rule": f.rule, "points": f.points} for f in ev.findings],
                 "report": meta.reference(f"案卷评查报告-{number}.html")},
    }
    try:
        appended = ledger.record([step], actor=settings.actor)[0]
    except StepRefused as exc:
        print(f"拒绝: {exc}", file=sys.stderr)
        return 1
    print(f"已记录评查结果 {appended.stream} v{appended.version} (得分 {ev.score}, {ev.grade}; 报告 {meta.sha256})",
          file=sys.stderr)
    return 0



