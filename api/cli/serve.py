"""``enforcement-ledger serve [--host H] [--port P]``: the HTTP service under uvicorn.

Needs the key store's passphrase (the service signs live steps with the keys it
keeps). By default the process also integrates the transparency log and signs the
scheduled checkpoints (``LEDGER_HTTP_INTEGRATE`` seconds between runs);
``--no-integrate`` leaves that to a separate ``log integrate --follow --checkpoint`` process
(several API processes over one PostgreSQL ledger). Likewise it keeps the projections
and the audit table current (``LEDGER_HTTP_FOLLOW`` seconds between runs); ``--no-follow``
leaves that to ``projections run`` and ``audit --follow`` beside it (docs/operations.md).
"""

from __future__ import annotations

import argparse
import logging
from typing import Any

from api.server.config import HttpSettings
from api.settings import Settings


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "serve", help="启动 HTTP 服务 (uvicorn)",
        description="环境变量: LEDGER_HTTP_HOST, LEDGER_HTTP_PORT, LEDGER_MAX_REQUEST_BYTES, "
                    "LEDGER_MAX_BATCH_BYTES, LEDGER_MAX_BATCH_STEPS, LEDGER_MAX_DOCUMENT_BYTES, "
                    "LEDGER_HTTP_INTEGRATE, LEDGER_HTTP_FOLLOW (见 docs/http.md)。",
    )
    p.add_argument("--host", help="监听地址 (LEDGER_HTTP_HOST, 默认 127.0.0.1)")
    p.add_argument("--port", type=int, help="端口 (LEDGER_HTTP_PORT, 默认 8000)")
    p.add_argument("--no-integrate", action="store_true",
                   help="不在本进程内集成透明日志和签署检查点（另行运行 log integrate --follow --checkpoint）")
    p.add_argument("--no-follow", action="store_true",
                   help="不在本进程内更新投影和评查表（另行运行 projections run 与 audit --follow）")
    p.add_argument("--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"],
                   help="日志级别 (默认 info)")
    p.add_argument("--no-access-log", action="store_true", help="不记录每个请求")
    p.set_defaults(run=run)


def run(settings: Settings, args: argparse.Namespace) -> int:
    import uvicorn

    from api.server import create_app

    http = HttpSettings.from_env()
    host = args.host or http.host
    port = args.port if args.port is not None else http.port
    logging.basicConfig(level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app = create_app(settings, http=http, integrate=False if args.no_integrate else None,
                     follow=not args.no_follow)
    uvicorn.run(app, host=host, port=port, log_level=args.log_level, access_log=not args.no_access_log,
                server_header=False)
    return 0
