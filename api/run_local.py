"""``make run``: initialise ``./var`` on first run (with a demo passphrase file), then report.

The demo passphrase is written to ``<data>/passphrase`` with mode 0600 and used through
``LEDGER_KEY_PASSPHRASE_FILE``; a real deployment sets its own passphrase.
"""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path

from api.cli import main as cli_main
from api.settings import Settings


def ensure_passphrase(data: Path) -> None:
    if os.environ.get("LEDGER_KEY_PASSPHRASE") or os.environ.get("LEDGER_KEY_PASSPHRASE_FILE"):
        return
    path = data / "passphrase"
    if not path.exists():
        data.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(24) + "\n")
        print(f"已创建演示用密钥库口令文件 {path} (权限 0600); 生产环境请自行设置 LEDGER_KEY_PASSPHRASE")
    os.environ["LEDGER_KEY_PASSPHRASE_FILE"] = str(path)


def main() -> int:
    settings = Settings.load()
    ensure_passphrase(settings.data)
    if not settings.keystore_path.exists():
        status = cli_main(["init"])
        if status:
            return status
    return cli_main(["verify"])


if __name__ == "__main__":
    sys.exit(main())
