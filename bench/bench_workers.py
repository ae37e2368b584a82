"""Benchmark: how the read pages scale with gunicorn workers, beside a bare Flask "hello" app.

Run from the repository root (needs Debian's `wrk`: `apt-get install -y wrk`):

    python bench/bench_workers.py                         # SQLite, 10,000 generated clients, 1 and 2 workers here
    python bench/bench_workers.py --workers 1,2,4,8       # on a machine with 8 cores or more
    python bench/bench_workers.py --postgres throwaway    # the same on a private PostgreSQL cluster

For each number of sync workers it serves the hello app, then the practice on a fresh copy of the generated data,
logs in once as the owner, a therapist and a portal client, and loads each read page with `wrk` (as many threads
as workers, four connections each). It prints requests per second, the 95th-percentile latency and the throughput
as a multiple of one worker's, beside the hello app's multiple: the hello app shows what the machine (cores, wrk
itself) allows, the pages show what the app adds (a page view writes an audit row, which on SQLite takes the
database's one write lock).

Target (issue 15), on a machine with 8 cores or more: every read page at least 4x at 8 workers, on SQLite and on
PostgreSQL. These are figures, not tests: the exit code is 0 whatever they are.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.bench_http import (  # noqa: E402
    WARMUP_S,
    check_page,
    database_source,
    gunicorn,
    login_cookie,
    page_facts,
    pages_of,
    run_wrk,
    wrk_missing,
)

#: the read pages of the target, by their name in bench_http's list
READ_PAGES = ("therapist dashboard", "client list, page 1", "client page", "plan page", "portal home")
WORKER_COUNTS = (1, 2, 4, 8)
CONNECTIONS_PER_WORKER = 4
SIZE = 10_000
DURATION_S = 5
MULTIPLE_TARGET, TARGET_WORKERS = 4.0, 8
HELLO = "hello (bare Flask)"


def default_workers() -> list[int]:
    """1, 2, 4 and 8 workers, up to the number of cores of this machine."""
    return [count for count in WORKER_COUNTS if count <= (os.cpu_count() or 1)] or [1]


def load(url: str, cookie: str | None, workers: int, duration: float) -> dict:
    """A short warm-up, then the measured wrk run, with load to keep every worker busy."""
    options = {"connections": CONNECTIONS_PER_WORKER * workers, "threads": workers}
    run_wrk(url, cookie, WARMUP_S, **options)
    return run_wrk(url, cookie, duration, **options)


def measure_workers(database_url: str, workers: int, duration: float, workdir: Path) -> dict[str, dict]:
    """The hello app and every read page under `workers` sync workers: wrk's figures by page name."""
    log = workdir / "gunicorn.log"
    results = {}
    with gunicorn("bench.hello_app:app", None, log, workers=workers) as server:
        results[HELLO] = load(server.base + "/", None, workers, duration)
    facts = page_facts(database_url)
    pages = [page for page in pages_of(facts) if page.name in READ_PAGES]
    with gunicorn("practice.wsgi:app", database_url, log, workers=workers) as server:
        cookies = {login: login_cookie(server.base, email) for login, email in facts["emails"].items()}
        for page in pages:
            check_page(server.base, page, cookies[page.login])
            results[page.name] = load(server.base + page.path, cookies[page.login], workers, duration)
            print(f"  {workers} worker(s)  {page.name:<22} {results[page.name]['rps']:>7.1f} req/s", flush=True)
    return results


def print_table(by_workers: dict[int, dict[str, dict]]) -> None:
    """Per page: req/s and p95 at each worker count, and the multiple of one worker's req/s."""
    counts = list(by_workers)
    head = f"{'page':<22}" + "".join(f" | {f'{count} worker(s): req/s  p95 ms  x1':>34}" for count in counts)
    print(head)
    print("-" * len(head))
    for name in [HELLO, *READ_PAGES]:
        line, multiple = f"{name:<22}", 1.0
        for count in counts:
            result = by_workers[count][name]
            multiple = result["rps"] / by_workers[counts[0]][name]["rps"]
            line += f" | {result['rps']:>19.1f} {result['p95_ms']:>7.0f} {multiple:>5.2f}"
        missed = name != HELLO and counts[-1] >= TARGET_WORKERS and multiple < MULTIPLE_TARGET
        print(line + ("  MISSED" if missed else ""))
    print(f"\nx1: requests/s as a multiple of {counts[0]} worker(s)' on the same page; wrk with as many threads as "
          f"workers and {CONNECTIONS_PER_WORKER} connections per worker. Target on 8 cores or more: every read page "
          f">= {MULTIPLE_TARGET:g}x at {TARGET_WORKERS} workers (the hello app shows what the machine allows).")
    for count, results in by_workers.items():
        for name, result in results.items():
            if result["not_200"] or result["socket_errors"]:
                print(f"Warning: {count} worker(s), {name}: {result['not_200']} answers were not 200"
                      + (f", socket errors: {result['socket_errors']}" if result["socket_errors"] else ""))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", default=",".join(str(count) for count in default_workers()),
                        help="numbers of gunicorn workers, comma-separated (default here: %(default)s)")
    parser.add_argument("--postgres", metavar="URL", help="a PostgreSQL server to use instead of SQLite (its user "
                        "must create databases), or 'throwaway' for a private cluster started for the run")
    parser.add_argument("--clients", type=int, default=SIZE, help="generated clients (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=1, help="generate-data's seed (default: %(default)s)")
    parser.add_argument("--duration", type=float, default=DURATION_S, help="seconds of wrk per page (default: 5)")
    args = parser.parse_args(argv)
    if wrk_missing():
        return 0
    counts = [int(count) for count in args.workers.split(",")]
    backend = "PostgreSQL" if args.postgres else "SQLite"
    print(f"Read pages under gunicorn with {', '.join(map(str, counts))} sync workers on {backend}, "
          f"{args.clients:,} generated clients (seed {args.seed}), {os.cpu_count()} cores.", flush=True)
    with ExitStack() as stack:
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="practice-bench-workers-")))
        database_for = stack.enter_context(database_source(args.postgres, workdir))
        # A fresh copy of the data for each count: the audit rows one run writes do not slow the next.
        by_workers = {count: measure_workers(database_for(args.clients, args.seed), count, args.duration, workdir)
                      for count in counts}
    print()
    print_table(by_workers)
    return 0


if __name__ == "__main__":
    sys.exit(main())
