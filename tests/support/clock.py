"""A clock the test moves by hand, for the session limits (the app reads it through its CLOCK setting)."""
from __future__ import annotations

import time
from datetime import timedelta


class HandClock:
    """Stands still at the moment it was made until the test moves it on; call it for seconds since the epoch."""

    def __init__(self, start: float | None = None):
        self.now = time.time() if start is None else start

    def __call__(self) -> float:
        return self.now

    def advance(self, **duration) -> None:
        """Move on by a timedelta's worth (minutes=61, hours=10, ...), as the hours passing would."""
        self.now += timedelta(**duration).total_seconds()
