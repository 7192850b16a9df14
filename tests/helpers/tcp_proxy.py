"""A TCP proxy a test puts between the service and PostgreSQL, to cut the link without stopping the server.

``cut()`` closes every forwarded connection and refuses new ones (what a stopped server or a
dead network path looks like to the client); ``mend()`` forwards again. ``hold()`` keeps
connections open but forwards nothing (a black hole: requests wait), ``mend()`` ends it.
The shared PostgreSQL server is never touched.
"""

from __future__ import annotations

import socket
import struct
import threading
from types import TracebackType


class TcpProxy:
    """127.0.0.1:<port> → (host, port), one thread per direction of each connection."""

    def __init__(self, host: str = "127.0.0.1", port: int = 5432) -> None:
        self.target = (host, port)
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._listener.getsockname()[1]
        self._lock = threading.Lock()
        self._sockets: set[socket.socket] = set()
        self._open = threading.Event()
        self._open.set()
        self._flowing = threading.Event()
        self._flowing.set()
        self._closed = False
        threading.Thread(target=self._accept, daemon=True, name="tcp-proxy").start()

    def dsn(self, database: str = "test", user: str = "postgres") -> str:
        return f"postgresql://{user}@127.0.0.1:{self.port}/{database}"

    # -- control ------------------------------------------------------------------------------

    def cut(self) -> None:
        """Close every connection through the proxy and refuse new ones until :meth:`mend`."""
        self._open.clear()
        with self._lock:
            sockets, self._sockets = set(self._sockets), set()
        for s in sockets:
            _close(s)

    def hold(self) -> None:
        """Forward nothing (connections stay open) until :meth:`mend`."""
        self._flowing.clear()

    def mend(self) -> None:
        self._open.set()
        self._flowing.set()

    def close(self) -> None:
        self._closed = True
        self.cut()
        _close(self._listener)

    def __enter__(self) -> TcpProxy:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    # -- forwarding -----------------------------------------------------------------------------

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            if not self._open.is_set():
                _reset(client)
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
                upstream.settimeout(None)
            except OSError:
                _reset(client)
                continue
            with self._lock:
                self._sockets.update((client, upstream))
            threading.Thread(target=self._pipe, args=(client, upstream), daemon=True).start()
            threading.Thread(target=self._pipe, args=(upstream, client), daemon=True).start()

    def _pipe(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                self._flowing.wait()
                if not self._open.is_set():
                    break
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                with self._lock:
                    self._sockets.discard(s)
                _close(s)


def _close(s: socket.socket) -> None:
    try:
        s.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    try:
        s.close()
    except OSError:
        pass


def _reset(s: socket.socket) -> None:
    """Close with RST, as a refused connection does."""
    try:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    except OSError:
        pass
    _close(s)
