"""Servers that misbehave on purpose, on 127.0.0.1: one that accepts and never answers, one that drips its answer.

They stand for a frozen database or a stalled mail server. Each serves from a background thread until `stop()`,
which also closes every connection it accepted.
"""
from __future__ import annotations

import socket
import threading


def unused_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (connecting to it is refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class MisbehavingServer:
    """Accepts connections and hands each to `talk(connection, stopped)`; subclasses say how they (do not) talk."""

    def __init__(self):
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self.connected = threading.Event()  # set once someone has connected
        self._stopped = threading.Event()
        self._connections: list[socket.socket] = []
        self._threads: list[threading.Thread] = []

    def __enter__(self) -> "MisbehavingServer":
        thread = threading.Thread(target=self._accept, name=type(self).__name__, daemon=True)
        thread.start()
        self._threads.append(thread)
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def _accept(self) -> None:
        while not self._stopped.is_set():
            try:
                connection, _ = self._listener.accept()
            except OSError:
                return  # the listener was closed
            self._connections.append(connection)
            self.connected.set()
            thread = threading.Thread(target=self.talk, args=(connection, self._stopped), daemon=True)
            thread.start()
            self._threads.append(thread)

    def talk(self, connection: socket.socket, stopped: threading.Event) -> None:
        """Say nothing at all until stopped (a frozen server: the kernel accepted, the program never answers)."""
        stopped.wait()

    def stop(self) -> None:
        """Stop accepting, close every connection and wait for the threads (once; later calls do nothing)."""
        if self._stopped.is_set():
            return
        self._stopped.set()
        try:
            self._listener.shutdown(socket.SHUT_RDWR)  # wakes the thread waiting in accept(); close() alone does not
        except OSError:
            pass
        self._listener.close()
        for connection in self._connections:
            connection.close()
        for thread in self._threads:
            thread.join(timeout=5)


class SilentServer(MisbehavingServer):
    """Accepts and never says a word."""


class DrippingServer(MisbehavingServer):
    """Sends `text` one byte every `interval` seconds, forever: each read gets something, so no read times out.

    The default is an SMTP greeting whose continuation lines ("220-") never end, so it is never finished.
    """

    def __init__(self, text: bytes = b"220-mail.example.test is still thinking\r\n", interval: float = 0.05):
        super().__init__()
        self._text, self._interval = text, interval

    def talk(self, connection: socket.socket, stopped: threading.Event) -> None:
        position = 0
        while not stopped.wait(self._interval):
            try:
                connection.sendall(self._text[position % len(self._text):][:1])
            except OSError:
                return  # the client gave up and closed
            position += 1
