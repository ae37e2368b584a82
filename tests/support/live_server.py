"""The app served over real HTTP from a background thread, for the browser and concurrency tests."""
from __future__ import annotations

import threading

from werkzeug.serving import make_server


class LiveServer:
    """The app answering HTTP on 127.0.0.1 from a background thread, one thread per request."""

    def __init__(self, app):
        self.app = app
        # threaded: each request gets its own thread, so requests from several clients really overlap.
        self._server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        # A short poll interval: stop() waits for the serving loop to notice, once per test.
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="live-server", daemon=True)

    def start(self) -> "LiveServer":
        """Start answering requests."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop answering and close the listening socket."""
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)
