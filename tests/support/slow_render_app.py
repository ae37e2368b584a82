"""The app as gunicorn serves it, with every PDF render made slow on purpose (for the load test only).

Each render first touches the file named by PRACTICE_TEST_RENDER_STARTED, so the test knows one is under way,
then waits PRACTICE_TEST_RENDER_SECONDS before rendering: a long export, without the CPU a real one would take
from the requests the test times. Serve it as `tests.support.slow_render_app:app`.
"""
from __future__ import annotations

import os
import time
from pathlib import Path

from practice import create_app
from practice.pdf import rendering

_render = rendering._Worker.run


def _slow_render(worker, job, timeout):
    Path(os.environ["PRACTICE_TEST_RENDER_STARTED"]).touch()
    time.sleep(float(os.environ["PRACTICE_TEST_RENDER_SECONDS"]))
    return _render(worker, job, timeout)


rendering._Worker.run = _slow_render
app = create_app()
