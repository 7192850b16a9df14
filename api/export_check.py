"""``enforcement-ledger verify-export DIR|ZIP``: check a case export offline, all of it, in one process.

An export (``api.cli.export``, or the pages' 导出案卷 zip) used to be checked one receipt at a
time, one ``log verify-receipt`` process each: 28 receipts took 47 s, mostly interpreter
start-up. This checks the whole bundle at once, with nothing from the ledger:

* each event's bytes (``events/<n>.bin``) are those of its line in ``events.jsonl`` and of
  the manifest's stream, version and type;
* its Ed25519 signature, by a key of ``keys.json`` that belongs to the signer and was valid
  at the event's ``recorded_at`` (a key revoked as compromised is reported);
* each stream's chain: versions from 1 without gaps, each ``prev`` the hash of the one before;
* each receipt (c2sp.org/tlog-proof): the checkpoint's signature by ``log.vkey``, the event's
  leaf at the manifest's position, all receipts against one checkpoint of the manifest's size.

Exit status 0 when every check passes, 1 when one fails (each failure is listed), 2 when the
bundle cannot be read.
"""

from __future__ import annotations

import base64
import hashlib
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from api.settings import SettingsError
from ledger import canonical, merkle, notes
from ledger.envelope import SealedEvent, check_shape, content_hash, split
from ledger.keyring import parse_time
from ledger.keys import verify as verify_signature

__all__ = ["ExportReport", "check_export"]


@dataclass
class ExportReport:
    """What the check found: counts, and one line per failure (empty when all is well)."""

    case: str = ""
    events: int = 0
    signatures: int = 0
    receipts: int = 0
    streams: int = 0
    uncovered: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_json(self) -> dict[str, Any]:
        return {"valid": self.ok, "case": self.case, "events": self.events, "signatures": self.signatures,
                "receipts": self.receipts, "streams": self.streams, "uncovered": self.uncovered,
                "problems": self.problems}


def _reader(path: Path) -> Callable[[str], bytes | None]:
    """Read a member of the bundle by its relative name, from a folder or a zip."""
    if path.is_dir():
        def from_dir(name: str) -> bytes | None:
            target = path / name
            return target.read_bytes() if target.is_file() else None
        return from_dir
    if zipfile.is_zipfile(path):
        archive = zipfile.ZipFile(path)
        names = set(archive.namelist())

        def from_zip(name: str) -> bytes | None:
            return archive.read(name) if name in names else None
        return from_zip
    raise SettingsError(f"{path} 既不是导出目录也不是 zip 文件")


def check_export(path: Path) -> ExportReport:
    """Check every event, signature, chain and receipt of the export at ``path``."""
    read = _reader(path)
    report = ExportReport()
    try:
        manifest = json.loads(read("manifest.json") or b"null")
        keys = json.loads(read("keys.json") or b"null")
        vkey = (read("log.vkey") or b"").decode("utf-8").strip()
    except (ValueError, UnicodeDecodeError) as exc:
        raise SettingsError(f"导出的 manifest.json、keys.json 或 log.vkey 无法读取: {exc}") from exc
    if not isinstance(manifest, dict) or not isinstance(manifest.get("events"), list) or not isinstance(keys, list):
        raise SettingsError("导出缺少 manifest.json 或 keys.json (或其格式不对)")
    report.case = str(manifest.get("case", ""))
    verifier = None
    try:
        verifier = notes.parse_vkey(vkey)
    except notes.NoteError as exc:
        report.problems.append(f"log.vkey 不是有效的日志公钥: {exc}")
    by_id = {str(k.get("key_id")): k for k in keys if isinstance(k, dict)}
    lines = (read("events.jsonl") or b"").split(b"\n")
    heads: dict[str, tuple[int, bytes]] = {}
    checkpoints: set[bytes] = set()
    size = manifest.get("checkpoint_size")
    for i, entry in enumerate(manifest["events"]):
        report.events += 1
        label = f"{entry.get('stream')} v{entry.get('version')} ({entry.get('n')})"
        stored = read(str(entry.get("event")))
        if stored is None:
            report.problems.append(f"{label}: 缺少事件文件 {entry.get('event')}")
            continue
        if i >= len(lines) or lines[i] != stored:
            report.problems.append(f"{label}: events.jsonl 第 {i + 1} 行与 {entry.get('event')} 不同")
        event = _event(stored, label, report)
        if event is None:
            continue
        if (event.stream, event.version, event.type) != (entry.get("stream"), entry.get("version"), entry.get("type")):
            report.problems.append(f"{label}: 清单的流/版本/类型与签名内容 ({event.stream} v{event.version} "
                                   f"{event.type}) 不符")
        _signature(event, by_id, label, report)
        _chain(event, heads, label, report)
        if entry.get("receipt") is None:
            report.uncovered.append(label)
        elif verifier is not None:
            _receipt(read, entry, stored, verifier, size, checkpoints, label, report)
    report.streams = len(heads)
    if len(lines) - (1 if lines and lines[-1] == b"" else 0) != report.events:
        report.problems.append(f"events.jsonl 有 {len(lines) - 1} 行, 清单列出 {report.events} 个事件")
    return report


def _event(stored: bytes, label: str, report: ExportReport) -> SealedEvent | None:
    try:
        outer = canonical.decode(stored, values=False)
        if not isinstance(outer, dict) or len(outer) != 2 or "sig" not in outer:
            raise ValueError("外层应只含 event 与 sig")
        split(stored)
        event = SealedEvent(stored, check_shape(outer["event"]))
        parse_time(event.recorded_at)
    except (ValueError, KeyError, TypeError) as exc:
        report.problems.append(f"{label}: 事件字节损坏或不是规范编码: {exc}")
        return None
    return event


def _signature(event: SealedEvent, by_id: dict[str, Any], label: str, report: ExportReport) -> None:
    signer, kid = event.signer
    key = by_id.get(kid)
    if key is None:
        report.problems.append(f"{label}: keys.json 中没有签名密钥 {kid}")
        return
    if key.get("identity") != signer:
        report.problems.append(f"{label}: 密钥 {kid} 属于 {key.get('identity')}, 不属于签名人 {signer}")
        return
    recorded = parse_time(event.recorded_at)
    try:
        if recorded < parse_time(str(key["valid_from"])):
            report.problems.append(f"{label}: 密钥 {kid} 在 {key['valid_from']} 才生效")
        if key.get("retired_at") and recorded >= parse_time(str(key["retired_at"])):
            report.problems.append(f"{label}: 密钥 {kid} 已于 {key['retired_at']} 停用或撤销")
        if key.get("compromised_since") and recorded >= parse_time(str(key["compromised_since"])):
            report.problems.append(f"{label}: 由已泄露密钥 {kid} 签名 (自 {key['compromised_since']} 起泄露)")
        public_key = base64.b64decode(str(key["public_key"]), validate=True)
    except (KeyError, ValueError) as exc:
        report.problems.append(f"{label}: keys.json 中密钥 {kid} 的内容无效: {exc}")
        return
    unsigned, signature = split(event.stored)
    if verify_signature(public_key, unsigned, signature):
        report.signatures += 1
    else:
        report.problems.append(f"{label}: 签名验证失败 (内容被改动或签名伪造)")


def _chain(event: SealedEvent, heads: dict[str, tuple[int, bytes]], label: str, report: ExportReport) -> None:
    last = heads.get(event.stream)
    expected = 1 if last is None else last[0] + 1
    if event.version != expected:
        report.problems.append(f"{label}: 版本不连续: 期望 v{expected}, 实为 v{event.version}")
    elif event.prev != (None if last is None else last[1].hex()):
        report.problems.append(f"{label}: prev 与本流前一事件的哈希不符 (删除、插入或调换了事件)")
    heads[event.stream] = (event.version, content_hash(split(event.stored)[0]))


def _receipt(read: Callable[[str], bytes | None], entry: dict[str, Any], stored: bytes, verifier: Any,
             size: Any, checkpoints: set[bytes], label: str, report: ExportReport) -> None:
    receipt = read(str(entry["receipt"]))
    if receipt is None:
        report.problems.append(f"{label}: 缺少回执 {entry['receipt']}")
        return
    try:
        verified = notes.verify_tlog_proof(receipt, hashlib.sha256(stored).digest(), verifier, is_data=True)
    except (notes.NoteError, merkle.ProofError, ValueError) as exc:
        report.problems.append(f"{label}: 回执无效: {exc}")
        return
    if verified.index != entry.get("position"):
        report.problems.append(f"{label}: 回执证明位置 {verified.index}, 清单为 {entry.get('position')}")
    elif verified.checkpoint.size != size:
        report.problems.append(f"{label}: 回执的检查点大小 {verified.checkpoint.size}, 清单为 {size}")
    else:
        checkpoints.add(verified.checkpoint.root_hash)
        if len(checkpoints) > 1:
            report.problems.append(f"{label}: 回执针对的检查点与其他回执不同 (同一大小, 不同的根)")
        else:
            report.receipts += 1
