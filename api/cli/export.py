"""``enforcement-ledger export --case ID DIR``: a case file a supervisor can take away and check offline.

The folder holds:

* ``events.jsonl`` — every event of the case and of the 复议 and lawsuits that target it,
  one per line, exactly as stored: ``{"event": <envelope>, "sig": "<Ed25519 signature>"}``;
* ``events/<n>.bin`` — the same bytes, one file per event (what ``log verify-receipt
  --event`` reads), and ``receipts/<n>.tlog-proof`` — a receipt (c2sp.org/tlog-proof)
  proving the event is in the transparency log, against the latest checkpoint;
* ``log.vkey`` — the log's public key; ``keys.json`` — the public keys of every signer
  of the exported events (with their validity), from the ledger's key history;
* ``evaluation.json`` and ``evaluation.html`` — the audit's evaluation (``--as-of``);
* ``manifest.json`` — each event's stream, version, type, log position and files;
* ``README.md`` — how to verify it all: ``enforcement-ledger verify-export DIR`` (``api.export_check``)
  checks every signature, chain and receipt in one process.

The log is integrated first; when the latest checkpoint does not cover every event of the
case, a new one is signed (unless ``--no-checkpoint``; events it does not cover are then
listed without a receipt). Exit status: 0 exported; 2 usage errors (unknown case, no log
key to sign with, a folder that is not empty).

``--format pdf`` writes one PDF to print and archive instead (``api.pdf_export``): with
``--case`` the whole case file (封面, 卷内目录 with this PDF's pages, 文书目录, 时间线, 期限,
评查, and an appendix with the signed checkpoint and how to check the file against it); with
``--rectification STREAM`` the 责令整改通知书 of that supervision stream, numbered
``监督责改〔year〕<stream id>号``.
"""

from __future__ import annotations

import argparse
import base64
import json
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any

from api.cli.audit import evaluate_cases
from api.log_settings import attach_signer, batch_size, opened
from api.pdf_export import (
    Checked,
    Rectification,
    case_file_pdf,
    load_case,
    names_of,
    notice_number,
    rectification_pdf,
)
from api.settings import Settings, SettingsError, iso_date
from api.wiring import load_config, open_ledger
from audit.report import as_html
from audit.store import LedgerSource, case_stream, stream_rows
from domain.calendar import SHANGHAI
from ledger.keyring import Keyring
from ledger.translog import LogError, TransparencyLog
from projections.labels import GRADE_LABELS
from projections.sql import Database

__all__ = ["export_case", "export_case_pdf", "export_notice_pdf", "register", "run"]

README = """# 案卷导出 {case}

导出时间 {exported}；评查基准日 {as_of}；透明日志 {origin}，检查点大小 {size}。

## 内容

| 文件 | 内容 |
|---|---|
| `events.jsonl` | 本案及针对本案的复议、诉讼的全部事件，每行一个，同账本所存字节：`{{"event": 信封, "sig": 签名}}` |
| `events/<n>.bin` | 同一事件的签名字节，每个事件一个文件（`manifest.json` 给出对应关系） |
| `receipts/<n>.tlog-proof` | 该事件在透明日志中的包含证明（c2sp.org/tlog-proof，针对最新检查点） |
| `log.vkey` | 透明日志的公钥 |
| `keys.json` | 各事件签名人的公钥（Ed25519，base64）及其有效期 |
| `evaluation.json`、`evaluation.html` | 案卷评查结果（可打印） |
| `manifest.json` | 每个事件的流、版本、类型、日志位置和文件名 |

## 如何离线核验

一条命令核验全部（不需要访问账本；本目录或页面下载的 zip 均可）：

```sh
enforcement-ledger verify-export .
```

它逐一校验：

1. 每个事件的签名：`events/<n>.bin` 是 `{{"event":E,"sig":S}}`，签名 `S` 是 `keys.json` 中
   `E.signer.key` 对应公钥对 `E` 的规范字节（即文件中 `"event":` 之后、`,"sig":` 之前的字节）
   的 Ed25519 签名；签名时间 `E.recorded_at` 应在该密钥的有效期内。
2. 同一流的事件按 `version` 连续，每个事件的 `prev` 是前一事件签名字节的哈希（见 docs/ledger.md）。
3. 每个事件都在账本的透明日志中：回执 `receipts/<n>.tlog-proof` 上检查点的日志签名（`log.vkey`），
   并由事件字节重算叶子、沿包含证明算到检查点的根；全部回执针对同一检查点。

全部通过时退出码为 0，否则逐条列出失败处并以 1 退出。请另把 `log.vkey` 与机关公布的日志公钥比对
（`enforcement-ledger log key` 的输出）。单个回执也可单独核验：
`enforcement-ledger log verify-receipt receipts/<n>.tlog-proof --key log.vkey --event events/<n>.bin`。

{uncovered}"""


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "export", help="导出一件案卷供离线核验 (目录), 或打印用的 PDF (案卷、责令整改通知书)",
        description="默认 (--format dir) 把案卷导出到目录: 事件 (JSON Lines, 含签名)、每个事件的透明日志回执、公钥、"
                    "评查结果 (JSON 与 HTML) 和核验说明 README.md。--format pdf 写一个 PDF 文件: 与 --case 连用为"
                    "整本案卷 (封面、卷内目录、文书目录、时间线、期限、评查、核验附录); 与 --rectification 连用为"
                    "责令整改通知书。例: export --case DXH-CGJ-2026-0012 --format pdf 案卷.pdf; "
                    "export --rectification supervision/ZG-20260302-1A2B3C --format pdf 整改通知书.pdf",
    )
    p.add_argument("--case", help="案件 (DXH-CGJ-2026-0012 或 case/DXH-CGJ-2026-0012)")
    p.add_argument("--rectification", metavar="STREAM",
                   help="执法监督流 (supervision/ZG-… 或 ZG-…): 其责令整改通知书 (仅 --format pdf)")
    p.add_argument("dir", metavar="OUT", help="输出目录 (不存在或为空); --format pdf 时为输出文件 (如 案卷.pdf)")
    p.add_argument("--format", choices=("dir", "pdf"), default="dir",
                   help="dir: 离线核验目录 (默认); pdf: 打印、归档用的 PDF")
    p.add_argument("--as-of", type=iso_date, default=None, help="评查基准日 (默认今天, 北京时间)")
    p.add_argument("--no-checkpoint", action="store_true", help="不签署新检查点, 只用已有的最新检查点")
    p.add_argument("--json", action="store_true", help="输出 JSON 摘要")
    p.set_defaults(run=run)


def _slug(stream: str, version: int) -> str:
    return f"{stream.replace('/', '_')}_v{version:04d}"


def _file_rows(db: Database, source: LedgerSource, stream: str) -> list[tuple[int, str, int, bytes]]:
    """(id, stream, version, stored bytes) of every event of a case file: the case, its reviews and suits."""
    group = source.group(stream)
    if group is None:
        raise SettingsError(f"账本中没有案件 {stream}")
    streams = [stream, *sorted(group.reviews), *sorted(group.lawsuits)]
    return [(r[0], r[1], r[2], r[4]) for r in stream_rows(db, streams, source.upto)]


def export_case(settings: Settings, case: str, out: Path, *, as_of: date, sign: bool = True) -> dict[str, Any]:
    """Write the case's export folder; returns the summary (events, receipts, uncovered)."""
    stream = case_stream(case)
    config = load_config(settings)
    ledger = open_ledger(settings, keys=False)
    try:
        db = Database(ledger.store)
        source = LedgerSource(db)
        rows = _file_rows(db, source, stream)
        evaluation = evaluate_cases(source, source.context(as_of, config), case=stream)[0]
        keyring = Keyring()
        signers: set[str] = set()
        for _, _, _, state in rows:
            envelope = json.loads(state)["event"]
            signer = envelope.get("signer") or {}
            if isinstance(signer.get("id"), str):
                signers.add(signer["id"])
        for identity in sorted(signers):
            for event in ledger.store.stream(identity):
                keyring.apply(event)
    finally:
        ledger.close()
    with opened(settings) as log:
        latest = _cover(settings, log, [nid for nid, _, _, _ in rows], sign)
        positions = {nid: log.position_of(nid) for nid, _, _, _ in rows}
        size = latest.size if latest is not None else 0
        out.mkdir(parents=True, exist_ok=True)
        if any(out.iterdir()):
            raise SettingsError(f"输出目录 {out} 不为空")
        (out / "events").mkdir()
        (out / "receipts").mkdir()
        manifest = []
        uncovered = []
        with open(out / "events.jsonl", "wb") as lines:
            for n, (nid, name, version, state) in enumerate(rows, start=1):
                lines.write(state + b"\n")
                slug = f"{n:04d}"
                (out / "events" / f"{slug}.bin").write_bytes(state)
                envelope = json.loads(state)["event"]
                position = positions.get(nid)
                entry: dict[str, Any] = {"n": slug, "stream": name, "version": version,
                                         "type": envelope.get("type"), "position": position,
                                         "event": f"events/{slug}.bin", "receipt": None}
                if position is not None and position < size:
                    (out / "receipts" / f"{slug}.tlog-proof").write_bytes(log.receipt(position, size))
                    entry["receipt"] = f"receipts/{slug}.tlog-proof"
                else:
                    uncovered.append(entry)
                manifest.append(entry)
        (out / "log.vkey").write_text((log.vkey() or "") + "\n", encoding="utf-8")
        origin = log.origin
    (out / "keys.json").write_text(json.dumps(_keys(keyring), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    (out / "evaluation.json").write_text(json.dumps(evaluation.as_json(), ensure_ascii=False, indent=2) + "\n",
                                         encoding="utf-8")
    (out / "evaluation.html").write_text(as_html([evaluation], config, generated=as_of), encoding="utf-8")
    (out / "manifest.json").write_text(json.dumps({"case": stream, "checkpoint_size": size, "origin": origin,
                                                   "events": manifest}, ensure_ascii=False, indent=2) + "\n",
                                       encoding="utf-8")
    note = ""
    if uncovered:
        note = ("## 尚无回执的事件\n\n以下事件在导出时尚未被检查点覆盖（再次导出即可取得回执）：\n\n"
                + "\n".join(f"- {u['stream']} v{u['version']} {u['type']}" for u in uncovered) + "\n")
    (out / "README.md").write_text(README.format(
        case=stream, exported=datetime.now(SHANGHAI).isoformat(timespec="seconds"), as_of=as_of.isoformat(),
        origin=origin, size=size, uncovered=note), encoding="utf-8")
    return {"case": stream, "dir": str(out), "events": len(manifest), "receipts": len(manifest) - len(uncovered),
            "uncovered": len(uncovered), "checkpoint_size": size, "score": evaluation.score,
            "grade": evaluation.grade}


def _keys(keyring: Keyring) -> list[dict[str, Any]]:
    """``keys.json``: every key of the signers, with its validity (what ``verify-export`` checks against)."""
    return [{"key_id": r.key_id, "identity": r.identity, "public_key": base64.b64encode(r.public_key).decode(),
             "valid_from": r.valid_from.isoformat(), "retired_at": r.retired_at.isoformat() if r.retired_at else None,
             "compromised_since": r.compromised_since.isoformat() if r.compromised_since else None}
            for r in sorted(keyring.keys.values(), key=lambda r: (r.identity, r.valid_from))]


def run(settings: Settings, args: argparse.Namespace) -> int:
    as_of = args.as_of or datetime.now(SHANGHAI).date()
    if (args.case is None) == (args.rectification is None):
        print("错误: 请指定 --case 或 --rectification 之一", file=sys.stderr)
        return 2
    if args.rectification is not None and args.format != "pdf":
        print("错误: --rectification 只能与 --format pdf 连用 (责令整改通知书)", file=sys.stderr)
        return 2
    try:
        if args.format == "pdf":
            if args.rectification is not None:
                summary = export_notice_pdf(settings, args.rectification, Path(args.dir))
            else:
                summary = export_case_pdf(settings, args.case, Path(args.dir), as_of=as_of,
                                          sign=not args.no_checkpoint)
        else:
            summary = export_case(settings, args.case, Path(args.dir), as_of=as_of, sign=not args.no_checkpoint)
    except LogError as exc:
        print(f"错误: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(summary, ensure_ascii=False))
    elif args.format == "pdf":
        print(f"已写入 {summary['file']}: {summary['title']}, {summary['bytes']} 字节")
    else:
        print(f"已导出 {summary['case']} 到 {summary['dir']}: {summary['events']} 个事件, "
              f"{summary['receipts']} 个回执 (检查点大小 {summary['checkpoint_size']}); "
              f"评查 {summary['score']} 分 {GRADE_LABELS[summary['grade']]}")
    return 0


def export_case_pdf(settings: Settings, case: str, out: Path, *, as_of: date, sign: bool = True) -> dict[str, Any]:
    """Write the whole case file as one PDF (``api.pdf_export.case_file_pdf``), against a checkpoint
    that covers every event of the file (signed now when needed, unless ``sign`` is false)."""
    stream = case_stream(case)
    config = load_config(settings)
    ledger = open_ledger(settings, keys=False)
    try:
        db = Database(ledger.store)
        source = LedgerSource(db)
        loaded = load_case(source, stream, as_of, config)
        if loaded is None:
            raise SettingsError(f"账本中没有案件 {stream}")
        cf, evaluation, registry = loaded
        rows = _file_rows(db, source, stream)
        calendar = source.calendar()
    finally:
        ledger.close()
    with opened(settings) as log:
        _cover(settings, log, [nid for nid, _, _, _ in rows], sign)
        checked = Checked.of(log, rows)
    data = case_file_pdf(cf, evaluation, config, as_of=as_of, names=names_of(registry), calendar=calendar,
                         checked=checked)
    _write_new(out, data)
    return {"case": stream, "file": str(out), "title": f"行政执法案卷 {cf.number}", "bytes": len(data),
            "events": len(rows), "checkpoint_size": checked.size,
            "score": evaluation.score if evaluation else None, "grade": evaluation.grade if evaluation else None}


def export_notice_pdf(settings: Settings, rectification: str, out: Path) -> dict[str, Any]:
    """Write the 责令整改通知书 of a supervision stream's (last) ``RectificationOrdered``."""
    stream = rectification if rectification.startswith("supervision/") else f"supervision/{rectification}"
    ledger = open_ledger(settings, keys=False)
    try:
        envelopes = [{**e.envelope, "version": e.version} for e in ledger.store.stream(stream)]
        order = Rectification.of(stream, envelopes)
        if order is None:
            raise SettingsError(f"{stream} 中没有责令整改 (RectificationOrdered)")
        source = LedgerSource(Database(ledger.store))
        names = names_of(source.registry())
    finally:
        ledger.close()
    data = rectification_pdf(order, names=names)
    _write_new(out, data)
    return {"stream": stream, "file": str(out), "title": f"责令整改通知书 {notice_number(order)}",
            "number": notice_number(order), "bytes": len(data)}


def _write_new(out: Path, data: bytes) -> None:
    if out.is_dir():
        raise SettingsError(f"{out} 是目录; --format pdf 需要文件名 (如 案卷.pdf)")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)


def _cover(settings: Settings, log: TransparencyLog, nids: list[int], sign: bool) -> Any:
    """Integrate the log; sign a checkpoint when the latest does not cover ``nids`` (and ``sign``)."""
    log.integrate(batch=batch_size())
    positions = [log.position_of(nid) for nid in nids]
    latest = log.latest_checkpoint()
    needed = max((p for p in positions if p is not None), default=-1) + 1
    if sign and (latest is None or latest.size < needed):
        attach_signer(settings, log)
        latest = log.checkpoint()
    return latest
