"""Open the ledger the settings describe; create it on ``init``."""

from __future__ import annotations

import tomllib
from datetime import datetime
from zoneinfo import ZoneInfo

from api.settings import Settings, SettingsError
from domain.config import Config, ConfigError
from domain.identities import BOOTSTRAP
from ledger.keys import KeyStore
from ledger.service import Ledger
from ledger.store import EventStore

SHANGHAI = ZoneInfo("Asia/Shanghai")


def load_config(settings: Settings) -> Config:
    """The legal thresholds: ``--config``/``LEDGER_CONFIG``, else ``<data>/ledger.toml``, else defaults."""
    path = settings.config or settings.data / "ledger.toml"
    if settings.config is None and not path.exists():
        return Config()
    try:
        with open(path, "rb") as handle:
            return Config.from_toml(tomllib.load(handle))
    except OSError as exc:
        raise SettingsError(f"无法读取配置文件 {path}: {exc}") from exc
    except (tomllib.TOMLDecodeError, ConfigError) as exc:
        raise SettingsError(f"配置文件 {path} 有误: {exc}") from exc


def open_ledger(settings: Settings, *, keys: bool = True) -> Ledger:
    """The ledger at ``settings.data``; ``keys=False`` opens it read-only for verifiers."""
    if not settings.postgres_dsn and not settings.sqlite_path.exists():
        raise SettingsError(f"数据目录 {settings.data} 中没有账本; 先运行 enforcement-ledger init")
    keystore = KeyStore(settings.keystore_path, settings.passphrase()) if keys else None
    return Ledger(EventStore(settings.store_config()), keystore, config=load_config(settings))


def is_initialised(settings: Settings) -> bool:
    return settings.keystore_path.exists()


def init_ledger(settings: Settings) -> Ledger:
    """Create the data directory, the store, the key store and the bootstrap identity."""
    if is_initialised(settings):
        raise SettingsError(f"{settings.data} 已初始化 (存在 {settings.keystore_path})")
    settings.data.mkdir(parents=True, exist_ok=True)
    keystore = KeyStore.create(settings.keystore_path, settings.passphrase())
    ledger = Ledger(EventStore(settings.store_config()), keystore, config=load_config(settings))
    if ledger.store.head(BOOTSTRAP) is None:
        at = datetime.now(SHANGHAI).isoformat(timespec="seconds")
        ledger.record(
            [{"stream": BOOTSTRAP, "type": "OfficerRegistered", "at": at, "by": BOOTSTRAP,
              "data": {"name": "系统管理员", "roles": ["admin"]}}],
            actor=BOOTSTRAP,
        )
    return ledger
