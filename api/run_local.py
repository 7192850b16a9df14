"""``make run``: on first run initialise ``./var`` with a demo, then serve on 127.0.0.1 (``LEDGER_HTTP_PORT``, 8000).

First run: a demo key-store passphrase in ``<data>/passphrase`` (mode 0600, used through
``LEDGER_KEY_PASSPHRASE_FILE``), ``init``, a reproducible ``demo`` (``LEDGER_DEMO_CASES``,
default 2000 cases), the read models, the transparency log with a first checkpoint, and an
admin token kept in ``<data>/demo-token`` and a 司法局 supervisor's in ``<data>/demo-supervisor-token``
(mode 0600). Every run verifies the ledger,
prints where to log in (``/ui/`` on the chosen port) with which tokens and how to run the
signing commands against the demo (``LEDGER_KEY_PASSPHRASE_FILE``), and serves. A real deployment sets its own
passphrase and creates its own tokens.
"""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path

from api.cli import main as cli_main
from api.server.config import HttpSettings
from api.settings import Settings
from api.wiring import is_initialised
from demo import SUPERVISOR


def _write_private(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)


def ensure_passphrase(data: Path) -> None:
    if os.environ.get("LEDGER_KEY_PASSPHRASE") or os.environ.get("LEDGER_KEY_PASSPHRASE_FILE"):
        return
    path = data / "passphrase"
    if not path.exists():
        data.mkdir(parents=True, exist_ok=True)
        _write_private(path, secrets.token_urlsafe(24) + "\n")
        print(f"已创建演示用密钥库口令文件 {path} (权限 0600); 生产环境请自行设置 LEDGER_KEY_PASSPHRASE")
    os.environ["LEDGER_KEY_PASSPHRASE_FILE"] = str(path)


def first_run(settings: Settings) -> int:
    cases = os.environ.get("LEDGER_DEMO_CASES", "2000")
    for command in (["init"], ["demo", "--cases", cases, "--seed", "1"], ["projections", "run", "--once"],
                    ["audit", "--refresh"], ["log", "integrate", "--checkpoint"]):
        print(f"$ enforcement-ledger {' '.join(command)}", flush=True)
        status = cli_main(command)
        if status:
            return status
    return 0


def demo_token(settings: Settings, identity: str = "officer/admin", file: str = "demo-token") -> str | None:
    """A token for ``identity`` kept in ``<data>/<file>`` (mode 0600), created on first use."""
    path = settings.data / file
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    import contextlib
    import io
    import json

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        status = cli_main(["token", "create", "--as-identity", identity, "--name", f"make run demo ({file})",
                           "--json"])
    if status:
        return None
    secret = str(json.loads(out.getvalue())["token"])
    _write_private(path, secret + "\n")
    return secret


def main(argv: list[str] | None = None) -> int:
    settings = Settings.load()
    ensure_passphrase(settings.data)
    if not is_initialised(settings):
        status = first_run(settings)
        if status:
            return status
    status = cli_main(["verify"])
    if status or (argv and "--no-serve" in argv):
        return status
    token = demo_token(settings)
    port = HttpSettings.from_env().port
    print("\n" + "\n".join(addresses(port)))
    if token:
        print(f"演示管理员令牌 (officer/admin): {token}   — 也保存在 {settings.data / 'demo-token'}")
    supervisor = demo_token(settings, SUPERVISOR, "demo-supervisor-token")
    if supervisor:
        print(f"演示监督人员令牌 ({SUPERVISOR}, 司法局): {supervisor}   — 也保存在 "
              f"{settings.data / 'demo-supervisor-token'}")
    passphrase = os.environ.get("LEDGER_KEY_PASSPHRASE_FILE")
    if passphrase:
        print(f"命令行 (另开终端): . .venv/bin/activate; export LEDGER_KEY_PASSPHRASE_FILE={passphrase}")
    return cli_main(["serve", "--host", "127.0.0.1", "--port", str(port)])


def addresses(port: int) -> list[str]:
    """The lines ``make run`` prints: where to log in, the public pages, the API documentation."""
    base = f"http://127.0.0.1:{port}"
    return [f"登录页面: {base}/ui/", f"公开页面: {base}/public/", f"API 文档: {base}/docs"]


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
