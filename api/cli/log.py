"""``enforcement-ledger log ...``: the transparency log from the command line.

Settings of the log (environment variables, like every setting of the ledger):

| variable | default | meaning |
|---|---|---|
| ``LEDGER_LOG_ORIGIN`` | ``<data>/log-origin``, chosen by ``init`` | first line of every checkpoint, \
name of the log key; fixed by ``init`` (data directories made before: \
``enforcement-ledger.local/<data dir name>``, fixed at first use) |
| ``LEDGER_LOG_CHECKPOINT_INTERVAL`` | ``300`` | seconds between scheduled checkpoints \
(``log integrate --checkpoint``) |
| ``LEDGER_LOG_BATCH`` | ``1000`` | notifications the integrator appends per transaction |

The log's signing key lives in the key store (``LEDGER_KEY_PASSPHRASE``) under the
identity ``log/<origin>``, created on first use; only the commands that sign
(``checkpoint``, ``integrate --checkpoint``, the first ``key``) need the passphrase.
``verify-receipt`` needs no ledger at all. A witness keeps its own key and its
last cosigned checkpoint in its own state directory (``--state``).

Exit status: 0 success; 1 the subject is bad (an invalid receipt, a refused
checkpoint, a position no checkpoint covers, problems found); 2 usage errors.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from api.cli.stopping import stop_on_signals
from api.log_settings import attach_signer, batch_size, checkpoint_interval, opened
from api.settings import Settings, SettingsError
from ledger import merkle, notes
from ledger.follow import how
from ledger.store import EventStore
from ledger.translog import (
    ConsistencyProof,
    IntegrationRound,
    LogError,
    LogFollower,
    StoredCheckpoint,
    TransparencyLog,
    encode_hash,
    verify_log,
)
from ledger.witness import Witness, WitnessError

EPILOG = """\
环境变量: LEDGER_LOG_ORIGIN (日志 origin, 默认为 init 选定并记在 <数据目录>/log-origin 中的名称),
LEDGER_LOG_CHECKPOINT_INTERVAL (定时检查点间隔秒数, 默认 300), LEDGER_LOG_BATCH (每批叶子数, 默认 1000).

例:
  enforcement-ledger log checkpoint
  enforcement-ledger log prove --position 12 --json
  enforcement-ledger log receipt --position 12 > receipt.txt
  enforcement-ledger log event --position 12 --out event.bin
  enforcement-ledger log verify-receipt receipt.txt --key "$(enforcement-ledger log key)" --event event.bin
  enforcement-ledger log witness init --state ./witness --name witness.example
  enforcement-ledger log witness cosign --state ./witness --submit
"""

INTEGRATE_EPILOG = """\
--follow 的工作方式: 每一轮把尚未集成的事件追加为叶子 (每批 LEDGER_LOG_BATCH 个, 与树的跟踪位置在同一事务中
提交, 崩溃或 kill -9 后从上次提交处继续, 不重复也不遗漏); 带 --checkpoint 时, 树有增长且最新检查点已满
LEDGER_LOG_CHECKPOINT_INTERVAL 秒 (默认 300) 时签署新检查点。没有新事件时等待: PostgreSQL 上等账本插入时发出的
NOTIFY, SQLite 上每 --poll 秒检查一次。SIGTERM 或 Ctrl-C: 做完当前一轮后退出 (退出码 0)。
进度写在标准错误: 启动一行, 每轮有新叶子或新检查点时一行, 停止时一行汇总。
同一账本上多个集成进程是安全的 (日志写锁与跟踪记录防止重复追加), 但一个就够。

例:
  enforcement-ledger log integrate                                  # 一次, 至当前末尾
  enforcement-ledger log integrate --checkpoint --json              # 一次, 到期则签署检查点
  LEDGER_LOG_CHECKPOINT_INTERVAL=60 enforcement-ledger log integrate --follow --checkpoint
"""


# --- parser ----------------------------------------------------------------------------------


def register(subparsers: Any) -> None:
    """Add the ``log`` command group to the CLI's subparsers."""
    log = subparsers.add_parser(
        "log", help="透明日志: Merkle 树、签名检查点、证明、回执、见证与瓦片导出",
        description="透明日志: 全局事件序列上的 RFC 9162 Merkle 树, C2SP 签名检查点与证明。",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = log.add_subparsers(dest="log_command", required=True, metavar="LOG_COMMAND")

    p = sub.add_parser(
        "integrate", help="把新事件追加为叶子 (一次运行至当前末尾; --follow 持续运行)",
        description="把账本的新事件追加为透明日志的叶子。不带 --follow 时运行一次至当前末尾; 带 --follow 时"
                    "作为常驻进程持续集成 (部署时与两个 serve --no-integrate --no-follow 进程、projections run、"
                    "audit --follow 并列, 见 docs/operations.md)。",
        epilog=INTEGRATE_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--checkpoint", action="store_true",
                   help="随后按 LEDGER_LOG_CHECKPOINT_INTERVAL 定时签署检查点 (需要口令)")
    p.add_argument("--rebuild", action="store_true", help="从零重建树 (检查点保留)")
    p.add_argument("--follow", action="store_true",
                   help="常驻: 新事件一到即集成 (PostgreSQL: LISTEN/NOTIFY; SQLite: 轮询), SIGTERM/Ctrl-C 停止")
    p.add_argument("--poll", type=float, default=1.0,
                   help="--follow 时两次检查之间最长的等待秒数 (SQLite 轮询间隔; 默认 1)")
    p.add_argument("--json", action="store_true", help="输出 JSON (--follow 时每轮一行)")

    p = sub.add_parser("checkpoint", help="集成新事件并签署检查点 (需要口令); 输出签名检查点")
    p.add_argument("--show", action="store_true", help="只显示已保存的最新检查点, 不签署")
    p.add_argument("--size", type=int, help="显示这个大小的已保存检查点")
    p.add_argument("--json", action="store_true", help="输出 JSON")

    p = sub.add_parser("prove", help="事件在检查点中的包含证明")
    p.add_argument("--position", type=int, required=True, help="事件位置 (从 0 起的叶子序号)")
    p.add_argument("--size", type=int, help="检查点大小 (默认最新检查点)")
    p.add_argument("--json", action="store_true", help="输出 JSON")

    p = sub.add_parser("consistency", help="两个树大小之间的一致性证明")
    p.add_argument("--from", dest="old", type=int, required=True, help="旧的树大小")
    p.add_argument("--to", dest="new", type=int, help="新的树大小 (默认最新检查点)")
    p.add_argument("--json", action="store_true", help="输出 JSON")

    p = sub.add_parser("receipt", help="事件回执 (C2SP tlog-proof), 可离线校验")
    p.add_argument("--position", type=int, required=True, help="事件位置")
    p.add_argument("--size", type=int, help="检查点大小 (默认最新检查点)")
    p.add_argument("--out", help="写入文件 (默认标准输出)")

    p = sub.add_parser("verify-receipt", help="离线校验回执: 日志签名与包含证明 (不需要账本)")
    p.add_argument("file", help="回执文件 (- 为标准输入)")
    p.add_argument("--key", required=True, help="日志公钥 (vkey 文本, 或含它的文件)")
    p.add_argument("--event", required=True, help="事件字节文件 (log event 的输出)")
    p.add_argument("--witness", action="append", default=[], help="见证人公钥 (可重复)")
    p.add_argument("--min-cosignatures", type=int, default=0, help="至少需要的见证人副署数")
    p.add_argument("--json", action="store_true", help="输出 JSON")

    p = sub.add_parser("event", help="事件的签名字节 (用于重算叶子)")
    p.add_argument("--position", type=int, required=True, help="事件位置")
    p.add_argument("--out", help="写入文件 (默认标准输出)")

    p = sub.add_parser("export-tiles", help="把最新检查点的树导出为静态 C2SP tlog-tiles")
    p.add_argument("dir", help="输出目录")
    p.add_argument("--json", action="store_true", help="输出 JSON")

    sub.add_parser("key", help="日志公钥 (C2SP vkey 形式)")

    p = sub.add_parser("verify", help="只校验透明日志: 叶子对事件、节点、检查点签名与一致性、副署")
    p.add_argument("--key", help="日志公钥 (默认日志记录的自身公钥)")
    p.add_argument("--json", action="store_true", help="输出 JSON")

    _register_witness(sub)
    log.set_defaults(run=run)


def _register_witness(sub: Any) -> None:
    """``log witness …``: a witness that cosigns the log's checkpoints."""
    w = sub.add_parser("witness", help="见证人: 校验一致性后副署检查点; 日志保存副署")
    wsub = w.add_subparsers(dest="witness_command", required=True, metavar="WITNESS_COMMAND")
    p = wsub.add_parser("init", help="创建见证人 (密钥与状态目录), 输出其公钥")
    p.add_argument("--state", required=True, help="见证人状态目录")
    p.add_argument("--name", required=True, help="见证人名称 (公钥名)")
    p.add_argument("--log-key", action="append", default=[], help="跟随的日志公钥 (默认本账本的日志)")
    p = wsub.add_parser("trust", help="见证人再跟随一个日志")
    p.add_argument("vkey", help="日志公钥")
    p.add_argument("--state", required=True, help="见证人状态目录")
    p = wsub.add_parser("key", help="见证人公钥 (cosignature/v1 vkey)")
    p.add_argument("--state", required=True, help="见证人状态目录")
    p = wsub.add_parser("cosign", help="校验新检查点与上次副署的一致性, 然后副署")
    p.add_argument("checkpoint", nargs="?", help="签名检查点文件 (默认本账本的最新检查点)")
    p.add_argument("--state", required=True, help="见证人状态目录")
    p.add_argument("--proof", help="一致性证明 JSON 文件 (log consistency --json; 默认向本账本索取)")
    p.add_argument("--out", help="把副署后的检查点写入文件 (默认标准输出)")
    p.add_argument("--submit", action="store_true", help="把副署交给本账本的日志保存")
    p = wsub.add_parser("register", help="日志接受这个见证人的副署")
    p.add_argument("vkey", help="见证人公钥 (或含它的文件)")
    p = wsub.add_parser("submit", help="日志保存已登记见证人在检查点上的副署")
    p.add_argument("file", help="副署后的检查点文件 (- 为标准输入)")
    p = wsub.add_parser("list", help="已登记的见证人")
    p.add_argument("--json", action="store_true", help="输出 JSON")


# --- helpers ----------------------------------------------------------------------------------


def _read(path: str) -> bytes:
    if path == "-":
        return sys.stdin.buffer.read()
    return Path(path).read_bytes()


def _key_text(value: str) -> str:
    """A vkey given as text, or the first line of the file that holds it."""
    candidate = Path(value)
    if "+" not in value or candidate.is_file():
        try:
            return candidate.read_text(encoding="utf-8").strip().splitlines()[0].strip()
        except (OSError, IndexError):
            return value.strip()
    return value.strip()


def _emit(data: bytes, out: str | None) -> None:
    if out:
        Path(out).write_bytes(data)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()


def _print_json(doc: Any) -> None:
    print(json.dumps(doc, ensure_ascii=False, indent=2))


def _checkpoint_json(cp: StoredCheckpoint) -> dict[str, Any]:
    return {
        "size": cp.size,
        "root": encode_hash(cp.root),
        "created_at": cp.created_at,
        "cosignatures": [s.name for s in cp.cosignatures],
        "checkpoint": cp.signed.decode("utf-8"),
    }


def _fail(message: str) -> int:
    print(f"错误: {message}", file=sys.stderr)
    return 1


# --- commands ----------------------------------------------------------------------------------


def run(settings: Settings, args: argparse.Namespace) -> int:
    """Run one ``log`` subcommand; the exit status."""
    handlers = {
        "integrate": cmd_integrate, "checkpoint": cmd_checkpoint, "prove": cmd_prove,
        "consistency": cmd_consistency, "receipt": cmd_receipt, "verify-receipt": cmd_verify_receipt,
        "event": cmd_event, "export-tiles": cmd_export_tiles, "key": cmd_key, "verify": cmd_verify,
        "witness": cmd_witness,
    }
    try:
        return handlers[args.log_command](settings, args)
    except (LogError, WitnessError) as exc:
        return _fail(str(exc))


def cmd_integrate(settings: Settings, args: argparse.Namespace) -> int:
    if args.poll <= 0:
        print("错误: --poll 应为正数", file=sys.stderr)
        return 2
    with opened(settings) as log:
        if args.rebuild:
            log.reset()
        if args.checkpoint:
            attach_signer(settings, log)
        follower = LogFollower(log, interval=checkpoint_interval() if args.checkpoint else None, batch=batch_size())
        if args.follow:
            return _follow_log(follower, args)
        found = follower.run_once()
        if args.json:
            _print_json(_round_json(found, log))
        else:
            print(f"已集成 {found.added} 个事件; 树大小 {found.size}")
            if found.checkpoint is not None:
                print(f"已签署检查点 (大小 {found.checkpoint.size})")
    return 0


def _round_json(found: IntegrationRound, log: TransparencyLog) -> dict[str, Any]:
    return {"added": found.added, "size": found.size, "root": encode_hash(log.root()),
            "checkpoint": None if found.checkpoint is None else _checkpoint_json(found.checkpoint)}


def _follow_log(follower: LogFollower, args: argparse.Namespace) -> int:
    """``integrate --follow``: rounds until SIGTERM/SIGINT; a status line per round that did something."""
    log = follower.log
    cadence = (f"每 {follower.interval:g} 秒 (有新叶子时) 签署检查点" if follower.signs
               else "不签署检查点 (未给 --checkpoint)")
    print(f"透明日志集成运行中 ({how(log.store, args.poll)}; {cadence}); 树大小 {log.size}; "
          "SIGTERM 或 Ctrl-C 停止", file=sys.stderr, flush=True)

    def report(found: IntegrationRound) -> None:
        if args.json:
            print(json.dumps(_round_json(found, log), ensure_ascii=False), flush=True)
            return
        line = f"已集成 {found.added} 个事件; 树大小 {found.size}"
        if found.checkpoint is not None:
            line += f"; 已签署检查点 (大小 {found.checkpoint.size}, 根 {encode_hash(found.checkpoint.root)})"
        print(line, file=sys.stderr, flush=True)

    with stop_on_signals() as stop:
        follower.follow(stop, poll=args.poll, on_round=report)
    print(f"已停止: 共集成 {follower.added} 个事件, 签署 {follower.signed} 个检查点; 树大小 {log.size}",
          file=sys.stderr, flush=True)
    return 0


def cmd_checkpoint(settings: Settings, args: argparse.Namespace) -> int:
    show = args.show or args.size is not None
    with opened(settings, sign=not show) as log:
        if show:
            cp = log.latest_checkpoint() if args.size is None else log.checkpoint_at(args.size)
            if cp is None:
                return _fail("没有这样的检查点" if args.size is not None else "还没有检查点 (运行 log checkpoint)")
        else:
            log.integrate(batch=batch_size())
            cp = log.checkpoint()
            stored = log.checkpoint_at(cp.size)
            cp = stored or cp
    if args.json:
        _print_json(_checkpoint_json(cp))
    else:
        _emit(cp.signed, None)
    return 0


def cmd_prove(settings: Settings, args: argparse.Namespace) -> int:
    with opened(settings) as log:
        proof = log.prove(args.position, args.size)
    _print_proof(args, proof.as_json(), f"位置 {proof.index} 包含于大小为 {proof.tree_size} 的树中",
                 {"叶子哈希": proof.leaf_hash, "根": proof.root}, proof.proof)
    return 0


def cmd_consistency(settings: Settings, args: argparse.Namespace) -> int:
    with opened(settings) as log:
        proof = log.prove_consistency(args.old, args.new)
    _print_proof(args, proof.as_json(), f"大小 {proof.old_size} 的树是大小 {proof.new_size} 的树的前缀",
                 {"旧根": proof.old_root, "新根": proof.new_root}, proof.proof)
    return 0


def _print_proof(args: argparse.Namespace, as_json: dict[str, Any], claim: str, hashes: dict[str, bytes],
                 path: Sequence[bytes]) -> None:
    """A proof as JSON (``--json``), or its claim, its named hashes and its path, one per line."""
    if args.json:
        _print_json(as_json)
        return
    print(claim)
    for label, value in hashes.items():
        print(f"{label} {encode_hash(value)}")
    for h in path:
        print(f"  {encode_hash(h)}")


def cmd_receipt(settings: Settings, args: argparse.Namespace) -> int:
    with opened(settings) as log:
        receipt = log.receipt(args.position, args.size)
    _emit(receipt, args.out)
    return 0


def cmd_verify_receipt(settings: Settings, args: argparse.Namespace) -> int:
    """Offline: the receipt, the log's vkey and the event bytes; nothing from the ledger."""
    try:
        receipt = _read(args.file)
        event = _read(args.event)
        verifier = notes.parse_vkey(_key_text(args.key))
        witnesses = [notes.parse_vkey(_key_text(w)) for w in args.witness]
    except OSError as exc:
        return _fail(f"无法读取: {exc}")
    except notes.NoteError as exc:
        return _fail(f"公钥无效: {exc}")
    commitment = hashlib.sha256(event).digest()
    try:
        verified = notes.verify_tlog_proof(
            receipt, commitment, verifier, is_data=True,
            witnesses=witnesses, min_cosignatures=args.min_cosignatures,
        )
    except (notes.NoteError, merkle.ProofError, ValueError) as exc:
        if args.json:
            _print_json({"valid": False, "error": str(exc)})
        else:
            print(f"回执无效: {exc}")
        return 1
    cp = verified.checkpoint
    if args.json:
        _print_json({"valid": True, "index": verified.index, "tree_size": cp.size, "origin": cp.origin,
                     "root": encode_hash(cp.root_hash), "leaf_hash": encode_hash(verified.leaf_hash)})
    else:
        print(f"回执有效: 事件位于 {cp.origin} 的位置 {verified.index}, 检查点大小 {cp.size}")
    return 0


def cmd_event(settings: Settings, args: argparse.Namespace) -> int:
    with opened(settings) as log:
        data = log.event_bytes(args.position)
    _emit(data, args.out)
    return 0


def cmd_export_tiles(settings: Settings, args: argparse.Namespace) -> int:
    with opened(settings) as log:
        result = log.export_tiles(args.dir)
    if args.json:
        _print_json(asdict(result))
    else:
        print(f"已导出大小 {result.size} 的树 (自 {result.since} 起): {len(result.written)} 个文件写入 {args.dir}")
    return 0


def cmd_key(settings: Settings, args: argparse.Namespace) -> int:
    with opened(settings) as log:
        vkey = log.vkey() or attach_signer(settings, log).vkey()
    print(vkey)
    return 0


def cmd_verify(settings: Settings, args: argparse.Namespace) -> int:
    if not settings.postgres_dsn and not settings.sqlite_path.exists():
        raise SettingsError(f"数据目录 {settings.data} 中没有账本; 先运行 enforcement-ledger init")
    store = EventStore(settings.store_config())
    try:
        problems = verify_log(store, _key_text(args.key) if args.key else None)
    finally:
        store.close()
    if args.json:
        _print_json({"ok": not problems, "problems": [asdict(p) for p in problems]})
    else:
        for p in problems:
            print(f"位置 {p.position} (通知号 {p.notification_id}) {p.stream} v{p.version}: {p.what}")
        print("透明日志校验: " + ("完好" if not problems else f"发现 {len(problems)} 个问题"))
    return 0 if not problems else 1


# --- witness ----------------------------------------------------------------------------------------


def cmd_witness(settings: Settings, args: argparse.Namespace) -> int:
    command = args.witness_command
    if command == "init":
        keys = [_key_text(k) for k in args.log_key]
        if not keys:
            with opened(settings) as log:
                keys = [log.vkey() or attach_signer(settings, log).vkey()]
        witness = Witness.init(args.state, args.name, keys)
        print(witness.vkey())
        return 0
    if command == "trust":
        origin = Witness.open(args.state).trust(_key_text(args.vkey))
        print(f"见证人现在跟随 {origin}")
        return 0
    if command == "key":
        print(Witness.open(args.state).vkey())
        return 0
    if command == "cosign":
        return _witness_cosign(settings, args)
    if command == "register":
        with opened(settings) as log:
            verifier = log.register_witness(_key_text(args.vkey))
        print(f"已登记见证人 {verifier.name}")
        return 0
    if command == "submit":
        with opened(settings) as log:
            kept = log.add_cosignatures(_read(args.file))
        if not kept:
            return _fail("检查点上没有已登记见证人的副署 (log witness register)")
        print("已保存副署: " + ", ".join(kept))
        return 0
    if command == "list":
        with opened(settings) as log:
            witnesses = log.witnesses()
        if args.json:
            _print_json([{"name": w.name, "vkey": w.vkey()} for w in witnesses])
        else:
            for w in witnesses:
                print(w.vkey())
        return 0
    raise SettingsError(f"未知的 witness 子命令 {command}")


def _witness_cosign(settings: Settings, args: argparse.Namespace) -> int:
    witness = Witness.open(args.state)
    proof_doc: ConsistencyProof | None = None
    if args.proof:
        try:
            proof_doc = ConsistencyProof.from_json(json.loads(_read(args.proof)))
        except (ValueError, KeyError, TypeError) as exc:
            return _fail(f"一致性证明文件无效: {exc}")
    local = args.checkpoint is None or args.submit or (proof_doc is None and _has_ledger(settings))
    if not local:
        raw = _read(args.checkpoint)
        cosigned = witness.cosign(raw, _proof_source(proof_doc, None))
    else:
        with opened(settings) as log:
            if args.checkpoint is None:
                latest = log.latest_checkpoint()
                if latest is None:
                    return _fail("日志还没有检查点 (运行 log checkpoint)")
                raw = latest.signed
            else:
                raw = _read(args.checkpoint)
            cosigned = witness.cosign(raw, _proof_source(proof_doc, log))
            if args.submit:
                log.add_cosignatures(cosigned)
    _emit(cosigned, args.out)
    if args.submit:
        print(f"见证人 {witness.name} 的副署已交给日志", file=sys.stderr)
    return 0


def _has_ledger(settings: Settings) -> bool:
    return bool(settings.postgres_dsn) or settings.sqlite_path.exists()


def _proof_source(doc: ConsistencyProof | None, log: TransparencyLog | None) -> Any:
    """The witness asks for a proof from its last size; a file's proof must be from that size."""

    def source(old: int, new: int) -> list[bytes]:
        if doc is not None:
            if (doc.old_size, doc.new_size) != (old, new):
                raise WitnessError(
                    f"一致性证明是从 {doc.old_size} 到 {doc.new_size}, 见证人需要从 {old} 到 {new}"
                )
            return list(doc.proof)
        if log is None:
            raise WitnessError(f"需要从大小 {old} 到 {new} 的一致性证明 (--proof)")
        return log.consistency_proof(old, new)

    return source
