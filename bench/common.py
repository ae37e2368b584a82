"""What every benchmark shares: the app settings, a SQL statement counter, and the timing loop."""
from __future__ import annotations

import statistics
import time

from sqlalchemy import event

WARMUP = 5
MEASURED = 50


def bench_config(url: str) -> dict:
    """The settings of the benchmarked app."""
    return {
        "ENV_NAME": "testing",
        "SECRET_KEY": "bench-secret-key-long-enough-0123456789",
        "SQLALCHEMY_DATABASE_URI": url,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
    }


class QueryCounter:
    """Records the SQL statements the engine sends while `recording` is on."""

    def __init__(self, engine):
        self.statements: list[str] = []
        event.listen(engine, "before_cursor_execute", self._record)

    def _record(self, _connection, _cursor, statement, _parameters, _context, _executemany):
        self.statements.append(statement)

    def reset(self) -> None:
        self.statements = []


def measure(http, counter: QueryCounter, url: str) -> dict:
    """Warm up, then time MEASURED requests and count the queries of each."""
    for _ in range(WARMUP):
        response = http.get(url)
        if response.status_code != 200:
            raise SystemExit(f"GET {url} answered {response.status_code} during warm-up")
    durations, counts, sample = [], [], []
    for _ in range(MEASURED):
        counter.reset()
        started = time.perf_counter()
        response = http.get(url)
        durations.append(time.perf_counter() - started)
        if response.status_code != 200:
            raise SystemExit(f"GET {url} answered {response.status_code}")
        counts.append(len(counter.statements))
        sample = list(counter.statements)
    durations.sort()
    p95 = durations[min(len(durations) - 1, int(round(0.95 * len(durations))) - 1)]
    return {"counts": counts, "median_ms": statistics.median(durations) * 1000, "p95_ms": p95 * 1000,
            "sql": sample}
