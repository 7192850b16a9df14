"""The transparency log's settings and handles, shared by the ``log`` command, the
export and the HTTP service (``LEDGER_LOG_ORIGIN``, ``LEDGER_LOG_CHECKPOINT_INTERVAL``,
``LEDGER_LOG_BATCH``; see ``api.cli.log``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from api.settings import Settings, SettingsError, env_number
from api.wiring import open_keystore
from ledger import notes
from ledger.keys import KeyStoreError
from ledger.store import EventStore
from ledger.translog import DEFAULT_BATCH, TransparencyLog, log_signer

DEFAULT_INTERVAL = 300.0


def log_origin(settings: Settings) -> str:
    """The log's origin: ``LEDGER_LOG_ORIGIN``, else ``<data>/log-origin`` (see ``Settings.log_origin``)."""
    return settings.log_origin()


def checkpoint_interval() -> float:
    """``LEDGER_LOG_CHECKPOINT_INTERVAL`` in seconds (default 300)."""
    return env_number("LEDGER_LOG_CHECKPOINT_INTERVAL", DEFAULT_INTERVAL, minimum=0, exclusive=True)


def batch_size() -> int:
    """``LEDGER_LOG_BATCH`` (default 1000)."""
    return int(env_number("LEDGER_LOG_BATCH", DEFAULT_BATCH, minimum=1, integer=True))


@contextmanager
def opened(settings: Settings, *, sign: bool = False) -> Iterator[TransparencyLog]:
    """The ledger's log (created on first use); with ``sign``, its key from the key store."""
    if not settings.postgres_dsn and not settings.sqlite_path.exists():
        raise SettingsError(f"数据目录 {settings.data} 中没有账本; 先运行 enforcement-ledger init")
    store = EventStore(settings.store_config())
    try:
        log = TransparencyLog(store, origin=log_origin(settings))
        try:
            if sign:
                attach_signer(settings, log)
            yield log
        finally:
            log.close()
    finally:
        store.close()


def attach_signer(settings: Settings, log: TransparencyLog) -> notes.Ed25519Signer:
    try:
        store_keys = open_keystore(settings, log.store)
        return log_signer(log, store_keys)
    except KeyStoreError as exc:
        raise SettingsError(str(exc)) from exc
