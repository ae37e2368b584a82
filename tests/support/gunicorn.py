"""Starting the production server in tests: the Dockerfile's own gunicorn command, on a free local port."""
from __future__ import annotations

import re
import shlex
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def dockerfile_gunicorn_args(port: int) -> list[str]:
    """The Dockerfile's gunicorn command with one worker, bound to a local port."""
    command = re.search(r'"(?:exec )?(gunicorn [^"]+)"', (PROJECT_ROOT / "Dockerfile").read_text()).group(1)
    args = shlex.split(command.replace("${WEB_CONCURRENCY:-3}", "1"))
    args[args.index("--bind") + 1] = f"127.0.0.1:{port}"
    # The gunicorn installed beside this Python (the virtualenv's), which need not be on PATH.
    args[0] = str(Path(sys.executable).with_name("gunicorn"))
    return args


def wait_until_listening(port: int, process: subprocess.Popen | None = None, log: Path | None = None,
                         timeout: float = 20) -> None:
    """Wait for `port` to accept connections; fail with the process's output if it stops or never listens."""
    output = (lambda: log.read_text()[-2000:]) if log else (lambda: "")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            pytest.fail(f"the process on port {port} stopped: {output()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"nothing listens on port {port}: {output()}")


@contextmanager
def gunicorn_serving(env: dict, log: Path, workers: int = 1, app: str = "practice.wsgi:app") -> Iterator[str]:
    """`app` under the Dockerfile's gunicorn command with `workers` sync workers and `env`: yields its address."""
    port = free_port()
    args = dockerfile_gunicorn_args(port)
    args[args.index("--workers") + 1] = str(workers)
    args[-1] = app
    with log.open("w") as output:
        server = subprocess.Popen(args, cwd=PROJECT_ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
    try:
        wait_until_listening(port, server, log)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
