"""Open the ledger the settings describe; create it on ``init``."""

from __future__ import annotations

import tomllib
from datetime import datetime

from api.settings import Settings, SettingsError, new_origin
from domain.calendar import SHANGHAI as SHANGHAI  # also read here by api.cli.demo
from domain.config import Config, ConfigError
from domain.identities import BOOTSTRAP
from ledger.keys import KeyStore
from ledger.keys_db import DbKeyStore
from ledger.service import Ledger
from ledger.store import EventStore
from ledger.translog import LogError, TransparencyLog


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


def open_keystore(settings: Settings, store: EventStore, *, create: bool = False) -> KeyStore:
    """The server-kept keys: in the PostgreSQL schema of the events, shared by every node
    (an old ``keys.json`` in the data directory is migrated into it on open), else ``keys.json``."""
    if settings.postgres_dsn:
        return DbKeyStore(store, settings.passphrase(), legacy=settings.keystore_path, create=create)
    if create:
        return KeyStore.create(settings.keystore_path, settings.passphrase())
    return KeyStore(settings.keystore_path, settings.passphrase())


def open_ledger(settings: Settings, *, keys: bool = True) -> Ledger:
    """The ledger at ``settings.data``; ``keys=False`` opens it read-only for verifiers."""
    if not settings.postgres_dsn and not settings.sqlite_path.exists():
        raise SettingsError(f"数据目录 {settings.data} 中没有账本; 先运行 enforcement-ledger init")
    store = EventStore(settings.store_config())
    try:
        keystore = open_keystore(settings, store) if keys else None
    except BaseException:
        store.close()
        raise
    return Ledger(store, keystore, config=load_config(settings))


def is_initialised(settings: Settings) -> bool:
    """This data directory went through ``init`` (a key file, or the log origin ``init`` keeps)."""
    return settings.keystore_path.exists() or settings.origin_path.exists()


def init_ledger(settings: Settings) -> Ledger:
    """Create the data directory, the store, the key store, the bootstrap identity and the log origin.

    On PostgreSQL a second node joins a ledger another node made: the key store and the
    log origin already in the database are taken as they are (same passphrase needed).
    """
    if is_initialised(settings):
        raise SettingsError(f"{settings.data} 已初始化 (存在 {settings.keystore_path} 或 {settings.origin_path})")
    settings.data.mkdir(parents=True, exist_ok=True)
    store = EventStore(settings.store_config())
    try:
        keystore = open_keystore(settings, store, create=True)
    except BaseException:
        store.close()
        raise
    ledger = Ledger(store, keystore, config=load_config(settings))
    try:
        if ledger.store.head(BOOTSTRAP) is None:
            at = datetime.now(SHANGHAI).isoformat(timespec="seconds")
            ledger.record(
                [{"stream": BOOTSTRAP, "type": "OfficerRegistered", "at": at, "by": BOOTSTRAP,
                  "data": {"name": "系统管理员", "roles": ["admin"]}}],
                actor=BOOTSTRAP,
            )
        fix_origin(settings, store)
    except BaseException:
        ledger.close()
        raise
    return ledger


def fix_origin(settings: Settings, store: EventStore) -> str:
    """Choose this ledger's log origin and keep it in the data directory (``log-origin``).

    ``LEDGER_LOG_ORIGIN`` if set; else, on PostgreSQL, the origin the ledger's log already
    has (a node joining a shared schema); else a new one, unique to this ledger. On
    PostgreSQL the log records it at once, so every node that joins later finds the same
    one; a SQLite ledger (one data directory) fixes it at the log's first use, as before.
    """
    chosen = settings.log_origin_override()
    if settings.postgres_dsn:
        try:
            existing = TransparencyLog(store, load=False)  # no origin given: the one the log has
        except LogError:
            existing = None
        if existing is not None:
            existing.close()
            if chosen is not None and chosen != existing.origin:
                raise SettingsError(f"账本的透明日志 origin 是 {existing.origin!r}, 而 LEDGER_LOG_ORIGIN 为 {chosen!r}")
            chosen = existing.origin
    chosen = chosen or new_origin(settings.data)
    if settings.postgres_dsn:
        try:
            TransparencyLog(store, origin=chosen, load=False).close()
        except LogError as exc:  # another node fixed another origin meanwhile
            raise SettingsError(str(exc)) from exc
    settings.origin_path.write_text(chosen + "\n", encoding="utf-8")
    return chosen
