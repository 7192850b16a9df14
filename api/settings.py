"""One settings object: environment variables prefixed ``LEDGER_``, every default documented.

| variable | default | meaning |
|---|---|---|
| ``LEDGER_DATA`` | ``./var`` | data directory (SQLite store, key store, documents) |
| ``LEDGER_CONFIG`` | ``<data>/ledger.toml`` if present | TOML file of legal thresholds |
| ``LEDGER_ACTOR`` | ``officer/admin`` | the acting identity of the CLI |
| ``LEDGER_POSTGRES_DSN`` | unset (SQLite) | store events in PostgreSQL instead |
| ``LEDGER_POSTGRES_SCHEMA`` | ``public`` | PostgreSQL schema for the ledger's tables |
| ``LEDGER_KEY_PASSPHRASE`` | — | passphrase of the key store |
| ``LEDGER_KEY_PASSPHRASE_FILE`` | — | file holding that passphrase (first line) |
| ``LEDGER_LOG_ORIGIN`` | ``<data>/log-origin`` (written by ``init``) | the transparency log's origin |

Where the server-kept keys live: ``<data>/keys.json`` with SQLite; in the PostgreSQL schema
of the events (``ledger.keys_db``) with PostgreSQL, shared by every node of the ledger.
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ledger import notes
from ledger.store import StoreConfig

DEFAULT_DATA = "./var"
DEFAULT_ACTOR = "officer/admin"


class SettingsError(Exception):
    """A setting is missing or wrong; the message says which and how to set it."""


@dataclass(frozen=True)
class Settings:
    data: Path
    actor: str = DEFAULT_ACTOR
    config: Path | None = None
    postgres_dsn: str | None = None
    postgres_schema: str = "public"

    @classmethod
    def load(cls, data: str | None = None, actor: str | None = None,
             config: str | None = None) -> Settings:
        env = os.environ
        data_dir = Path(data or env.get("LEDGER_DATA") or DEFAULT_DATA)
        config_path = config or env.get("LEDGER_CONFIG")
        return cls(
            data=data_dir,
            actor=_identity(actor or env.get("LEDGER_ACTOR") or DEFAULT_ACTOR),
            config=Path(config_path) if config_path else None,
            postgres_dsn=env.get("LEDGER_POSTGRES_DSN") or None,
            postgres_schema=env.get("LEDGER_POSTGRES_SCHEMA") or "public",
        )

    @property
    def sqlite_path(self) -> Path:
        return self.data / "ledger.sqlite"

    @property
    def keystore_path(self) -> Path:
        return self.data / "keys.json"

    @property
    def origin_path(self) -> Path:
        """The log origin ``init`` chose, one line (``LEDGER_LOG_ORIGIN`` overrides it)."""
        return self.data / "log-origin"

    def log_origin_override(self) -> str | None:
        """``LEDGER_LOG_ORIGIN`` when set (checked), else None."""
        value = os.environ.get("LEDGER_LOG_ORIGIN", "").strip()
        if not value:
            return None
        if not notes.is_valid_key_name(value):
            raise SettingsError(f"LEDGER_LOG_ORIGIN 不能含空白或 '+': {value!r}")
        return value

    def log_origin(self) -> str:
        """``LEDGER_LOG_ORIGIN``, else ``<data>/log-origin`` (from ``init``), else the name data
        directories made before ``init`` wrote that file used (their logs keep verifying)."""
        override = self.log_origin_override()
        if override is not None:
            return override
        try:
            kept = self.origin_path.read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return legacy_origin(self.data)
        except OSError as exc:
            raise SettingsError(f"无法读取 {self.origin_path}: {exc}") from exc
        if not notes.is_valid_key_name(kept):
            raise SettingsError(f"{self.origin_path} 中的 origin 无效: {kept!r}")
        return kept

    def store_config(self) -> StoreConfig:
        if self.postgres_dsn:
            return StoreConfig(postgres_dsn=self.postgres_dsn, postgres_schema=self.postgres_schema)
        return StoreConfig(sqlite_path=str(self.sqlite_path))

    def passphrase(self) -> str:
        value = os.environ.get("LEDGER_KEY_PASSPHRASE")
        if value:
            return value
        path = os.environ.get("LEDGER_KEY_PASSPHRASE_FILE")
        if path:
            try:
                return Path(path).read_text(encoding="utf-8").splitlines()[0].strip()
            except (OSError, IndexError) as exc:
                raise SettingsError(f"无法读取口令文件 {path}: {exc}") from exc
        raise SettingsError(
            "未设置密钥库口令: 请设置 LEDGER_KEY_PASSPHRASE 或 LEDGER_KEY_PASSPHRASE_FILE"
        )


def _dir_label(data: Path) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", data.resolve().name).strip("-") or "ledger"


def legacy_origin(data: Path) -> str:
    """The old default ``enforcement-ledger.local/<data dir name>``: the same for every ``./var``."""
    return f"enforcement-ledger.local/{_dir_label(data)}"


def new_origin(data: Path) -> str:
    """A default origin no other ledger has: the directory's name and 48 random bits."""
    return f"enforcement-ledger.local/{_dir_label(data)}-{secrets.token_hex(6)}"


def iso_date(text: str) -> date:
    """An argparse type for ``YYYY-MM-DD`` options (``--as-of``, ``--expires``)."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期格式应为 YYYY-MM-DD: {text!r}") from None


def env_number(
    name: str, default: float, *, minimum: float, integer: bool = False, exclusive: bool = False
) -> float:
    """A numeric setting from the environment, refused with its name when malformed or too small."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw) if integer else float(raw)
    except ValueError as exc:
        raise SettingsError(f"{name} 应为{'整数' if integer else '数字'}: {raw!r}") from exc
    if value < minimum or (exclusive and value == minimum):
        bound = f"大于 {minimum}" if exclusive else f"不小于 {minimum}"
        raise SettingsError(f"{name} 应{bound}: {raw!r}")
    return value


def _identity(value: str) -> str:
    return value if value.startswith("officer/") else f"officer/{value}"
