"""A TCP server that accepts every connection and never answers: to a client, a Redis that has frozen."""
from __future__ import annotations

import socket
import threading


class SilentServer:
    """Listens on a free local port, accepts connections, reads nothing and sends nothing until closed."""

    def __init__(self):
        self._socket = socket.create_server(("127.0.0.1", 0))
        self.port = self._socket.getsockname()[1]
        self._accepted: list[socket.socket] = []
        threading.Thread(target=self._accept_forever, daemon=True).start()

    def _accept_forever(self) -> None:
        while True:
            try:
                connection, _ = self._socket.accept()
            except OSError:
                return  # closed
            self._accepted.append(connection)  # kept open: the client waits for an answer that never comes

    def close(self) -> None:
        """Stop listening and drop every connection."""
        self._socket.close()
        for connection in self._accepted:
            connection.close()

    def __enter__(self) -> SilentServer:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()
