"""``enforcement-ledger documents add FILE...``: put files into the content-addressed store.

Does what ``PUT /v1/documents/{sha256}`` does, from the command line: each file is
hashed while copied into ``<data>/documents`` (``LEDGER_MAX_DOCUMENT_BYTES`` applies),
recorded as brought by the acting identity (``--as``) and its agency, and the
reference a step puts in its data is printed (``{"sha256", "bytes", "media_type",
"name"}``; ``name`` is the file name, to be replaced by the document's title).
"""

from __future__ import annotations

import argparse
import json
import mimetypes
import sys
from pathlib import Path
from typing import Any

from api.documents import DocumentError, DocumentStore
from api.server.config import HttpSettings
from api.settings import Settings
from api.wiring import open_ledger


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("documents", help="文件库 (内容寻址): 添加笔录、决定书、音视频等文件")
    sub = p.add_subparsers(dest="documents_command", required=True, metavar="DOCUMENTS_COMMAND")
    a = sub.add_parser("add", help="添加文件, 输出步骤中引用它的对象")
    a.add_argument("files", nargs="+", help="文件路径")
    a.add_argument("--media-type", help="媒体类型 (默认按扩展名推断)")
    a.add_argument("--json", action="store_true", help="输出 JSON (每个文件一行)")
    p.set_defaults(run=run)


def run(settings: Settings, args: argparse.Namespace) -> int:
    http = HttpSettings.from_env()
    ledger = open_ledger(settings, keys=False)
    try:
        officer = ledger.officer(settings.actor)
    finally:
        ledger.close()
    if officer is None:
        print(f"错误: 身份 {settings.actor} 在账本中未登记", file=sys.stderr)
        return 1
    store = DocumentStore(settings.data / "documents", max_bytes=http.max_document_bytes)
    status = 0
    for name in args.files:
        path = Path(name)
        media_type = args.media_type or mimetypes.guess_type(path.name)[0]
        try:
            meta, created = store.add_file(path, media_type=media_type, uploader=settings.actor,
                                           agency=officer.agency)
        except (OSError, DocumentError) as exc:
            print(f"错误: {name}: {exc}", file=sys.stderr)
            status = 1
            continue
        reference = meta.reference(path.name)
        if args.json:
            print(json.dumps({**reference, "created": created}, ensure_ascii=False))
        else:
            state = "已添加" if created else "已存在"
            print(f"{state} {name}: {json.dumps(reference, ensure_ascii=False)}")
    return status
