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
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

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


def _identity(value: str) -> str:
    return value if value.startswith("officer/") else f"officer/{value}"
