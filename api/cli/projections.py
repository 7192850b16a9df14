"""``enforcement-ledger projections ...``: the read models (案卷、公示、登记簿、统计、预警).

* ``projections status [--json]``: each projection's position (events applied) and lag.
* ``projections run [--once] [--batch N] [--poll S]``: keep the projections current
  (SQLite: polling; PostgreSQL: LISTEN/NOTIFY); ``--once`` applies what is pending and stops.
* ``projections rebuild [NAME ...] [--json]``: rebuild from zero into fresh tables, swap them in.
* ``projections show CASE [--as-of DATE] [--json]``: a case file — 卷内目录, records,
  timeline, deadlines with their state.
* ``projections warnings [--as-of DATE] [--agency A] [--officer O] [--format text|json|csv|xlsx] [-o FILE]``:
  running deadlines, yellow (due within 3 WD) or red (missed).
* ``projections cases [--agency A] [--status S] [--grade G] [--colour red|yellow] [--q TEXT] [--as-of DATE]
  [--format text|json|csv|xlsx] [-o FILE]``: the case list the pages show (``/ui/cases``: the same
  query and filters), every matching case.
* ``projections stats [--agency A] [--year Y] [--format text|json|csv|xlsx] [-o FILE]``: statistics per
  agency and year (TS-04), with 纠错率、出庭率、公开及时率; money in yuan where a person reads it.

``--format csv|xlsx`` writes the spreadsheet of :mod:`api.tables_export` to ``-o FILE`` (standard
output when absent, XLSX as bytes); ``--json`` is ``--format json`` (codes, money in fen).

``--as-of`` defaults to today (Asia/Shanghai), so every answer can be reproduced with it.
Exit status: 0 success; 1 the subject is bad (an unknown case); 2 usage errors.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any

from api.cli.stopping import stop_on_signals
from api.settings import Settings, SettingsError
from api.tables_export import FORMATS, Names, Table, cases_table, save, statistics_table, warnings_table, write
from api.wiring import load_config
from domain.calendar import SHANGHAI
from domain.money import yuan
from ledger.follow import how
from ledger.store import EventStore
from projections import queries
from projections.definitions import ALL
from projections.labels import STATUS_LABELS
from projections.runner import DEFAULT_BATCH, REBUILD_BATCH, Runner, parked, rebuild, status
from projections.sql import Database
from projections.statistics import MONEY_METRICS

GRADES = ("优秀", "合格", "不合格")
EVERY_CASE = 10_000_000
"""``projections cases`` lists every matching case (no pages)."""
CATCH_UP_BY_REBUILD = 10_000
"""``run`` on empty read models with at least this many events rebuilds them instead (one fold per file)."""

EPILOG = """\
投影: casefiles (案卷), records (执法全过程记录), registers (法制审核、复议、诉讼、越权与补录登记),
statistics (统计), disclosure (事后公开), registry (事前公开)。

例:
  enforcement-ledger projections run --once
  enforcement-ledger projections status --json
  enforcement-ledger projections rebuild disclosure
  enforcement-ledger projections show DXH-CGJ-2026-0012 --as-of 2026-04-20
  enforcement-ledger projections warnings --agency DXH-CGJ --as-of 2026-04-20
  enforcement-ledger projections stats --year 2026 --format xlsx -o 统计.xlsx
  enforcement-ledger projections cases --agency DXH-CGJ --status archived --format xlsx -o 案件.xlsx
"""


def register(subparsers: Any) -> None:
    """Add the ``projections`` command group to the CLI's subparsers."""
    group = subparsers.add_parser(
        "projections", help="读模型: 案卷、公示、登记簿、统计与预警 (运行、状态、重建、查询)",
        description="读模型 (投影) 由账本事件重建: 案卷与卷内目录、事前/事后公开、全过程记录、登记簿、统计、预警。",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = group.add_subparsers(dest="projections_command", required=True, metavar="PROJECTIONS_COMMAND")

    p = sub.add_parser("status", help="每个投影的位置 (已处理事件数) 与滞后")
    p.add_argument("--json", action="store_true", help="输出 JSON")

    p = sub.add_parser("run", help="持续更新投影 (SQLite 轮询, PostgreSQL LISTEN/NOTIFY); --once 处理完即停")
    p.add_argument("--once", action="store_true", help="处理完当前待处理事件后退出")
    p.add_argument("--batch", type=int, default=DEFAULT_BATCH, help=f"每批事件数 (默认 {DEFAULT_BATCH})")
    p.add_argument("--poll", type=float, default=1.0, help="无新事件时的等待秒数 (默认 1)")
    p.add_argument("--json", action="store_true", help="输出 JSON")

    names = ", ".join(p.name for p in ALL)
    p = sub.add_parser("rebuild", help="从零重建投影到新表并原子替换", description=f"可重建的投影: {names}")
    p.add_argument("names", nargs="*", metavar="NAME", help="投影名 (默认全部)")
    p.add_argument("--batch", type=int, default=REBUILD_BATCH, help=f"每批事件数 (默认 {REBUILD_BATCH})")
    p.add_argument("--workers", type=int, default=None,
                   help="并行折叠案卷的进程数 (默认为 CPU 数, 最多 4)")
    p.add_argument("--json", action="store_true", help="输出 JSON")

    p = sub.add_parser("show", help="案卷: 卷内目录、记录、时间线、期限及其状态")
    p.add_argument("case", help="案件编号 (DXH-CGJ-2026-0012 或 case/DXH-CGJ-2026-0012)")
    p.add_argument("--as-of", help="按此日期计算期限状态 (默认今天)")
    p.add_argument("--json", action="store_true", help="输出 JSON")

    p = sub.add_parser("warnings", help="预警: 即将到期 (黄) 与已逾期 (红) 的期限")
    p.add_argument("--as-of", help="按此日期计算 (默认今天)")
    p.add_argument("--agency", help="执法机关 (DXH-CGJ 或 agency/DXH-CGJ)")
    p.add_argument("--officer", help="执法人员 (42011219001 或 officer/42011219001)")
    p.add_argument("--days", type=int, help="黄色预警的工作日数 (默认配置 warnings.yellow_wd = 3)")
    p.add_argument("--provisional", action="store_true", help="也列出因日历未知而待定的期限")
    _output_options(p)

    p = sub.add_parser("cases", help="案件列表 (与页面 /ui/cases 相同的查询与筛选), 可导出 CSV/XLSX")
    p.add_argument("--agency", help="执法机关 (DXH-CGJ 或 agency/DXH-CGJ)")
    p.add_argument("--status", choices=sorted(STATUS_LABELS), help="案件状态")
    p.add_argument("--grade", choices=GRADES, help="评查等级")
    p.add_argument("--colour", choices=("red", "yellow"), help="预警颜色")
    p.add_argument("--q", default="", help="案号、文书号或当事人中的文字")
    p.add_argument("--as-of", help="按此日期计算预警 (默认今天)")
    _output_options(p)

    p = sub.add_parser("stats", help="按机关和年度的执法统计 (TS-04), 含纠错率、出庭率、公开及时率")
    p.add_argument("--agency", help="执法机关 (DXH-CGJ 或 agency/DXH-CGJ)")
    p.add_argument("--year", type=int, help="年度")
    _output_options(p)
    group.set_defaults(run=run)


def _output_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", choices=("text", "json", *FORMATS), default=None,
                   help="输出格式: text (默认)、json、csv (UTF-8 BOM) 或 xlsx")
    p.add_argument("--json", action="store_true", help="同 --format json")
    p.add_argument("--output", "-o", help="写入文件 (默认标准输出)")


def _format(args: argparse.Namespace) -> str:
    return "json" if args.json else (args.format or "text")


def _emit(args: argparse.Namespace, text: str | None = None, table: Table | None = None) -> None:
    """Print ``text`` or write ``table`` as ``--format`` says, to ``-o FILE`` or standard output."""
    if table is not None:
        save(write(table, _format(args)), args.output)
    elif args.output:
        Path(args.output).write_text(text or "", encoding="utf-8")
    else:
        sys.stdout.write(text or "")


def _stream(kind: str, value: str | None) -> str | None:
    if value is None:
        return None
    return value if value.startswith(f"{kind}/") else f"{kind}/{value}"


def _as_of(value: str | None) -> date:
    if value is None:
        return datetime.now(SHANGHAI).date()
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise SettingsError(f"--as-of 应为日期 YYYY-MM-DD: {value!r}") from exc


def _store(settings: Settings) -> EventStore:
    if not settings.postgres_dsn and not settings.sqlite_path.exists():
        raise SettingsError(f"数据目录 {settings.data} 中没有账本; 先运行 enforcement-ledger init")
    return EventStore(settings.store_config())


def _print_json(doc: Any) -> None:
    print(json.dumps(doc, ensure_ascii=False, indent=2))


def run(settings: Settings, args: argparse.Namespace) -> int:
    """Run one ``projections`` subcommand; the exit status."""
    handlers = {"status": cmd_status, "run": cmd_run, "rebuild": cmd_rebuild, "show": cmd_show,
                "warnings": cmd_warnings, "cases": cmd_cases, "stats": cmd_stats}
    return handlers[args.projections_command](settings, args)


def cmd_status(settings: Settings, args: argparse.Namespace) -> int:
    store = _store(settings)
    try:
        found = status(store)
        count, first = parked(store)
    finally:
        store.close()
    if args.json:
        _print_json({"projections": [s.as_json() for s in found],
                     "parked": {"count": count, "events": [p.as_json() for p in first]}})
        return 0
    for s in found:
        state = "已是最新" if s.lag == 0 else f"滞后 {s.lag} 个事件"
        extra = f"; 重建中 (已处理 {s.rebuilding})" if s.rebuilding is not None else ""
        print(f"{s.name:<11} {s.title}: 已处理 {s.position} 个事件, {state}{extra}")
    if count:
        print(f"已搁置 {count} 个无法应用的事件 (其余事件照常应用; 见 docs/projections.md):")
        for p in first:
            where = f"通知号 {p.nid} {p.stream} v{p.version} {p.type}" if p.source != "audit" else f"审计 {p.stream}"
            print(f"  {where} [{p.projection}]: {p.reason}")
    return 0


def cmd_run(settings: Settings, args: argparse.Namespace) -> int:
    if args.batch < 1 or args.poll <= 0:
        print("错误: --batch 应为正整数, --poll 应为正数", file=sys.stderr)
        return 2
    store = _store(settings)
    config = load_config(settings)
    found = status(store)
    rebuilt = 0
    if all(s.position == 0 for s in found) and min(s.lag for s in found) >= CATCH_UP_BY_REBUILD:
        print(f"读模型为空而账本有 {found[0].lag} 个事件: 先从零重建 (更快)", file=sys.stderr)
        rebuilt = min(rebuild(store, config=config).values())
    runner = Runner(store, config=config, batch=args.batch)
    try:
        if args.once:
            applied = rebuilt + runner.run_once()
            if args.json:
                _print_json({"applied": applied, "position": runner.position})
            else:
                print(f"已处理 {applied} 个事件")
            return 0
        print(f"投影运行中 ({how(store, args.poll)}); 已处理至通知号 {runner.position}; SIGTERM 或 Ctrl-C 停止",
              file=sys.stderr, flush=True)
        total = 0

        def report(applied: int) -> None:
            nonlocal total
            total += applied
            print(f"已处理 {applied} 个事件 (至通知号 {runner.position})", file=sys.stderr, flush=True)

        with stop_on_signals() as stop:
            runner.follow(stop, poll=args.poll, on_batch=report)
        print(f"已停止: 共处理 {total} 个事件; 已处理至通知号 {runner.position}", file=sys.stderr, flush=True)
        return 0
    finally:
        runner.close()
        store.close()


def cmd_rebuild(settings: Settings, args: argparse.Namespace) -> int:
    if args.batch < 1 or (args.workers is not None and args.workers < 1):
        print("错误: --batch 与 --workers 应为正整数", file=sys.stderr)
        return 2
    known = [p.name for p in ALL]
    unknown = [n for n in args.names if n not in known]
    if unknown:
        print(f"错误: 没有名为 {'、'.join(unknown)} 的投影 (可用: {'、'.join(known)})", file=sys.stderr)
        return 2
    store = _store(settings)
    try:
        done = rebuild(store, args.names or None, config=load_config(settings), batch=args.batch,
                       progress=_progress() if not args.json else None, workers=args.workers)
    finally:
        store.close()
        if sys.stderr.isatty() and not args.json:
            sys.stderr.write("\n")
    if args.json:
        _print_json({"rebuilt": done})
    else:
        for name, events in done.items():
            print(f"已重建 {name}: {events} 个事件")
    return 0


def _progress() -> Any:
    if not sys.stderr.isatty():
        return None

    def show(position: int) -> None:
        sys.stderr.write(f"\r重建中… 通知号 {position}")
        sys.stderr.flush()

    return show


def cmd_show(settings: Settings, args: argparse.Namespace) -> int:
    as_of = _as_of(args.as_of)
    case = _stream("case", args.case) or ""
    store = _store(settings)
    try:
        db = Database(store)
        found = queries.case_file(db, case, as_of=as_of, calendar=queries.calendar_of(store),
                                  config=load_config(settings))
    finally:
        store.close()
    if found is None:
        print(f"错误: 读模型中没有案件 {case} (先运行 projections run)", file=sys.stderr)
        return 1
    if args.json:
        _print_json(found)
        return 0
    print(f"案件 {found['number']} ({found['status_label']}): {found['agency']} "
          f"{'普通程序' if found['procedure'] == 'general' else '简易程序'}; 当事人 {found['party_name']}")
    if found["outcome_label"]:
        print(f"处理结果: {found['outcome_label']} {found['document_no'] or ''}".rstrip())
    print("卷内目录:")
    for entry in found["catalogue"]:
        when = f" {entry['on_date']}" if entry["on_date"] else ""
        print(f"  {entry['volume']} {entry['seq']:>3}. [{entry['item']:>2}] {entry['title']}{when}")
    print(f"期限 (截至 {as_of}):")
    for d in found["deadlines"]:
        done = f", 完成于 {d['done_on']}" if d["done_on"] else ""
        print(f"  {d['rule']} {d['title']}: 自 {d['start_on']} 起, 截止 {d['due_on']}{done} — "
              f"{d['state_label']}")
    print(f"时间线: {len(found['timeline'])} 个事件; 记录 {len(found['records'])} 份")
    return 0


def cmd_warnings(settings: Settings, args: argparse.Namespace) -> int:
    as_of = _as_of(args.as_of)
    fmt = _format(args)
    store = _store(settings)
    try:
        db = Database(store)
        found = queries.warnings(db, as_of, agency=_stream("agency", args.agency),
                                 officer=_stream("officer", args.officer), calendar=queries.calendar_of(store),
                                 soon_days=args.days, config=load_config(settings),
                                 include_provisional=args.provisional)
        names = Names.of(db) if fmt in FORMATS else Names()
    finally:
        store.close()
    if fmt in FORMATS:
        _emit(args, table=warnings_table(found, names))
        return 0
    if fmt == "json":
        _emit(args, _json({"as_of": as_of.isoformat(), "warnings": [w.as_json() for w in found]}))
        return 0
    red = sum(w.colour == "red" for w in found)
    yellow = sum(w.colour == "yellow" for w in found)
    lines = [f"截至 {as_of}: 红色预警 {red} 项, 黄色预警 {yellow} 项"]
    for w in found:
        label = {"red": "红", "yellow": "黄", "provisional": "待定"}[w.colour]
        lines.append(f"  [{label}] {w.case} {w.rule} {w.title}: 截止 {w.due_on} ({w.agency or '—'}; "
                     f"{'、'.join(w.officers) or '—'})")
    _emit(args, "\n".join(lines) + "\n")
    return 0


def cmd_cases(settings: Settings, args: argparse.Namespace) -> int:
    from api.pages.reads import CaseFilter, Reads

    as_of = _as_of(args.as_of)
    fmt = _format(args)
    flt = CaseFilter(text=args.q[:100], agency=_stream("agency", args.agency) or "", status=args.status or "",
                     grade=args.grade or "", colour=args.colour or "")
    store = _store(settings)
    try:
        reads = Reads(Database(store), load_config(settings))
        if not reads.ready():
            print("错误: 读模型尚未建立; 先运行 projections run --once", file=sys.stderr)
            return 1
        rows = reads.cases(None, flt, as_of, size=EVERY_CASE).rows
        evaluated = reads.has_audit()
        names = Names.of(reads.db)
    finally:
        store.close()
    if fmt in FORMATS:
        _emit(args, table=cases_table(rows, names, evaluated=evaluated, coloured=True))
        return 0
    if fmt == "json":
        _emit(args, _json({"as_of": as_of.isoformat(), "cases": [{"stream": r.pop("grp"), **r} for r in rows]}))
        return 0
    lines = [f"共 {len(rows)} 件 (截至 {as_of})"]
    for r in rows:
        fine = f" 罚款 {yuan(r['fine_fen'])}" if r.get("fine_fen") else ""
        grade = f" 评查 {r['grade']} {r['score']}" if r.get("grade") else ""
        lines.append(f"  {r['number']} {names.agency(r['agency']) or r['agency'] or '未确定机关'} "
                     f"{r['status_label'] or r['status']} {r['party_name'] or '—'}{fine}{grade}")
    _emit(args, "".join(line + "\n" for line in lines))
    return 0


def cmd_stats(settings: Settings, args: argparse.Namespace) -> int:
    fmt = _format(args)
    store = _store(settings)
    try:
        db = Database(store)
        found = queries.statistics(db, agency=_stream("agency", args.agency), year=args.year)
        names = Names.of(db) if fmt in FORMATS else Names()
    finally:
        store.close()
    if fmt in FORMATS:
        _emit(args, table=statistics_table(found, names))
        return 0
    if fmt == "json":
        _emit(args, _json({"statistics": found}))
        return 0
    lines = []
    for block in found:
        lines.append(f"{block['agency'] or '（未知机关）'} {block['year']} 年:")
        for metric, item in sorted(block["counts"].items()):
            if metric in MONEY_METRICS:
                lines.append(f"  {MONEY_METRICS[metric]}: {yuan(item['value'])}")
            elif not metric.startswith("steps."):
                lines.append(f"  {item['label']}: {item['value']}")
        for item in block["rates"].values():
            value = "—" if item["value"] is None else f"{item['value'] * 100:.1f}%"
            lines.append(f"  {item['label']}: {value}")
    _emit(args, "".join(line + "\n" for line in lines))
    return 0


def _json(doc: Any) -> str:
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
