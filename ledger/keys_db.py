"""The server-kept keys in the ledger's own database, so every node of one ledger holds them.

Two tables in the PostgreSQL schema of the events (a SQLite ledger is one data directory and
keeps ``keys.json``; its keys could not be written from inside the SQLite append
transaction, which holds the file's only write lock while a new officer's key is made):

| table | columns | holds |
|---|---|---|
| ``key_store`` | ``name`` (``header``), ``value`` (JSON) | scrypt salt and work factor, the check value |
| ``signing_keys`` | ``key_id``, ``identity``, ``public_key``, ``nonce``, ``ct`` | one AES-256-GCM sealed seed each |

The sealing is :class:`ledger.keys.KeyStore`'s, unchanged: the passphrase never reaches the
database, only what it encrypts. A key added by one node is found by another at its next
lookup (a cache miss reads the table), without a restart. Rows are only ever inserted.

An existing ``keys.json`` (the store of a data directory made before) is migrated on
open: every key it holds is unsealed with the same passphrase, sealed again under the
database's header and inserted (a key already there is left as it is); each is read back
before the file is renamed ``keys.json.migrated`` — kept, never deleted.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson

from ledger.keys import KeyStore, KeyStoreError, new_header, open_header, unseal
from ledger.side_tables import SideTables
from ledger.store import EventStore

HEADER_TABLE = "key_store"
KEYS_TABLE = "signing_keys"
MIGRATED_SUFFIX = ".migrated"


class DbKeyStore(KeyStore, SideTables):
    """:class:`KeyStore` whose header and sealed entries live in the ledger's database."""

    def __init__(self, store: EventStore, passphrase: str, *, legacy: Path | None = None,
                 create: bool = False, work_factor: int | None = None) -> None:
        """``create``: make the header when the database has none (``init``); otherwise only
        an old key file to migrate (``legacy``, the data directory's ``keys.json``) may
        start one, with that file's salt and work factor. ``path`` names that file only."""
        super().__init__(legacy or Path("keys.json"), passphrase)
        if not store.config.postgres_dsn:
            raise KeyStoreError("数据库密钥库只用于 PostgreSQL; SQLite 账本使用数据目录中的 keys.json")
        self.store = store
        self._open_tables(store, {"h": HEADER_TABLE, "k": KEYS_TABLE})
        self._create_tables(
            "CREATE TABLE IF NOT EXISTS {h} (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
            "CREATE TABLE IF NOT EXISTS {k} (key_id TEXT PRIMARY KEY, identity TEXT NOT NULL, "
            "public_key TEXT NOT NULL, nonce TEXT NOT NULL, ct TEXT NOT NULL)",
        )
        if self._header_row() is None:
            if legacy is not None and legacy.exists():  # the old file's salt and work factor, as they were
                header = KeyStore(legacy, passphrase)._read_header()
                self._insert_header({name: header[name] for name in ("format", "kdf", "check")})
            elif create:
                self._insert_header(new_header(passphrase, work_factor))
            else:
                raise KeyStoreError("数据库中没有密钥库 (先运行 enforcement-ledger init)")
        self._cipher()  # a wrong passphrase is refused now, before anything is migrated
        if legacy is not None and legacy.exists():
            self.migrate(legacy)

    # -- SQL -------------------------------------------------------------------------------

    def _header_row(self) -> dict[str, Any] | None:
        with self._cursor(write=False) as cur:
            cur.execute(self._q("SELECT value FROM {h} WHERE name = 'header'"))
            row = cur.fetchone()
        if row is None:
            return None
        header: dict[str, Any] = orjson.loads(row[0])
        return header

    def _insert_header(self, header: dict[str, Any]) -> None:
        # Two nodes starting at once: the first header wins, the other node reads it back.
        with self._cursor(write=True) as cur:
            cur.execute(self._q("INSERT INTO {h} (name, value) VALUES ('header', ?) ON CONFLICT (name) DO NOTHING"),
                        (orjson.dumps(header).decode("utf-8"),))

    # -- storage -----------------------------------------------------------------------------

    def _read_header(self) -> dict[str, Any]:
        header = self._header_row()
        if header is None:
            raise KeyStoreError("数据库中没有密钥库 (先运行 init)")
        return header

    def _read_entry(self, kid: str) -> dict[str, Any] | None:
        with self._cursor(write=False) as cur:
            cur.execute(self._q("SELECT identity, public_key, nonce, ct FROM {k} WHERE key_id = ?"), (kid,))
            row = cur.fetchone()
        if row is None:
            return None
        return {"identity": str(row[0]), "public_key": str(row[1]), "nonce": str(row[2]), "ct": str(row[3])}

    def _write_entry(self, kid: str, entry: dict[str, Any]) -> None:
        with self._cursor(write=True) as cur:
            cur.execute(self._q("INSERT INTO {k} (key_id, identity, public_key, nonce, ct) VALUES (?, ?, ?, ?, ?) "
                                "ON CONFLICT (key_id) DO NOTHING"),
                        (kid, entry["identity"], entry["public_key"], entry["nonce"], entry["ct"]))

    def entries(self) -> dict[str, dict[str, Any]]:
        with self._cursor(write=False) as cur:
            cur.execute(self._q("SELECT key_id, identity, public_key, nonce, ct FROM {k} ORDER BY key_id"))
            rows = cur.fetchall()
        return {str(r[0]): {"identity": str(r[1]), "public_key": str(r[2]), "nonce": str(r[3]), "ct": str(r[4])}
                for r in rows}

    # -- migration ---------------------------------------------------------------------------

    def migrate(self, path: Path) -> int:
        """Copy every key of the key file at ``path`` into the database; returns how many were new.

        The file is renamed ``<name>.migrated`` only after each of its keys reads back from
        the database as the same key; on any error it stays where it is, untouched.
        """
        old = KeyStore(path, self._passphrase)
        entries = old.entries()
        aes = open_header(old._read_header(), self._passphrase)
        added = 0
        for kid, entry in entries.items():
            key = unseal(aes, entry)
            if key.key_id != kid:
                raise KeyStoreError(f"{path} 中的密钥 {kid} 与其公钥不符; 未迁移")
            if self._read_entry(kid) is None:
                self.add(str(entry["identity"]), key)
                added += 1
        for kid in entries:
            self._cache.pop(kid, None)
            if self.get(kid).key_id != kid:  # pragma: no cover - get() reads the row back
                raise KeyStoreError(f"迁移后读不回密钥 {kid}; 保留 {path}")
        path.rename(backup_name(path))
        return added


def backup_name(path: Path) -> Path:
    """``keys.json.migrated``, or ``keys.json.migrated.N`` when that exists: a backup is never replaced."""
    target = path.with_name(path.name + MIGRATED_SUFFIX)
    n = 1
    while target.exists():
        target = path.with_name(f"{path.name}{MIGRATED_SUFFIX}.{n}")
        n += 1
    return target
