"""Settings of the HTTP service: environment variables prefixed ``LEDGER_``, every default documented.

| variable | default | meaning |
|---|---|---|
| ``LEDGER_HTTP_HOST`` | ``127.0.0.1`` | address ``serve`` listens on |
| ``LEDGER_HTTP_PORT`` | ``8000`` | port ``serve`` listens on |
| ``LEDGER_MAX_REQUEST_BYTES`` | ``1048576`` (1 MiB) | largest JSON request body (one step, a sealed envelope) |
| ``LEDGER_MAX_BATCH_BYTES`` | ``16777216`` (16 MiB) | largest body of ``POST /v1/steps:batch`` |
| ``LEDGER_MAX_BATCH_STEPS`` | ``1000`` | most steps in one batch |
| ``LEDGER_MAX_DOCUMENT_BYTES`` | ``536870912`` (512 MiB) | largest document \
(``PUT /v1/documents``, ``documents add``) |
| ``LEDGER_HTTP_THREADS`` | ``8`` | worker threads for blocking work (storage, signing); more requests wait \
in the event loop, not in threads (keeps SQLite's connection pool and the GIL uncontended) |
| ``LEDGER_HTTP_AUTH_CACHE`` | ``1`` | seconds a token's identity and roles are remembered by a process \
(``0``: read them at every request); a revocation or a change of roles takes effect within this time |
| ``LEDGER_HTTP_INTEGRATE`` | ``2`` | seconds between runs of the in-process log integrator (``0``: none, \
when a separate ``log integrate`` process runs) |

The documents live under ``<data>/documents`` (see ``api.documents``); tokens in the
ledger's database (see ``api.tokens``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from api.settings import env_number

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
MiB = 1 << 20


def _int(name: str, default: int, *, minimum: int = 1) -> int:
    return int(env_number(name, default, minimum=minimum, integer=True))


def _float(name: str, default: float) -> float:
    return env_number(name, default, minimum=0)


@dataclass(frozen=True)
class HttpSettings:
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    max_request_bytes: int = MiB
    max_batch_bytes: int = 16 * MiB
    max_batch_steps: int = 1000
    max_document_bytes: int = 512 * MiB
    integrate_interval: float = 2.0
    follow_interval: float = 2.0
    worker_threads: int = 8
    auth_cache_seconds: float = 1.0

    @classmethod
    def from_env(cls) -> HttpSettings:
        return cls(
            host=os.environ.get("LEDGER_HTTP_HOST", "").strip() or DEFAULT_HOST,
            port=_int("LEDGER_HTTP_PORT", DEFAULT_PORT),
            max_request_bytes=_int("LEDGER_MAX_REQUEST_BYTES", MiB),
            max_batch_bytes=_int("LEDGER_MAX_BATCH_BYTES", 16 * MiB),
            max_batch_steps=_int("LEDGER_MAX_BATCH_STEPS", 1000),
            max_document_bytes=_int("LEDGER_MAX_DOCUMENT_BYTES", 512 * MiB),
            integrate_interval=_float("LEDGER_HTTP_INTEGRATE", 2.0),
            follow_interval=_float("LEDGER_HTTP_FOLLOW", 2.0),
            worker_threads=_int("LEDGER_HTTP_THREADS", 8),
            auth_cache_seconds=_float("LEDGER_HTTP_AUTH_CACHE", 1.0),
        )
