"""Where a page's time goes: cProfile over requests made with Flask's test client, on generated data.

Run from the repository root:

    python bench/profile_pages.py                          # every page of bench_http.py, 10,000 clients
    python bench/profile_pages.py --pages dashboard,plan   # only pages whose name contains a word
    python bench/profile_pages.py --clients 100 --top 25

It uses bench_http.py's cached generated database (a copy of it), logs in as bench_http.py does, warms each
page up, then profiles --requests requests of it. For each page it prints the time per request (in-process, with
the profiler's overhead), the share of time by layer (database driver, SQLAlchemy, templates, WTForms,
Flask/Werkzeug, the app's own code), and the functions with the most cumulative and the most own time.
"""
from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.bench_http import page_facts, pages_of, sqlite_database  # noqa: E402
from bench.common import bench_config  # noqa: E402
from practice import create_app  # noqa: E402
from practice.extensions import db  # noqa: E402
from practice.generate import GENERATED_PASSWORD  # noqa: E402

#: (layer, words that place a function's file in it), first match wins
LAYERS = (
    ("templates (Jinja code of our .html)", ("/templates/",)),
    ("database driver (sqlite3/psycopg)", ("sqlite3", "/psycopg")),
    ("SQLAlchemy", ("/sqlalchemy/",)),
    ("Jinja runtime", ("/jinja2/", "/markupsafe/")),
    ("WTForms / Flask-WTF", ("/wtforms/", "/flask_wtf/")),
    ("Flask / Werkzeug / extensions", ("/flask/", "/werkzeug/", "/flask_", "/itsdangerous/", "/talisman")),
    ("the app (practice/)", ("/practice/",)),
)


def layer_of(filename: str, function: str) -> str:
    """The layer a profiled function belongs to, from its file (or its name, for built-ins)."""
    where = f"{filename} {function}"
    for layer, words in LAYERS:
        if any(word in where for word in words):
            return layer
    return "other (Python, stdlib)"


def layer_shares(stats: pstats.Stats) -> dict[str, float]:
    """Own time (tottime) summed by layer, as shares of the total."""
    totals: dict[str, float] = defaultdict(float)
    for (filename, _line, function), (_calls, _primitive, own, _cumulative, _callers) in stats.stats.items():
        totals[layer_of(filename, function)] += own
    everything = sum(totals.values()) or 1
    return {layer: seconds / everything for layer, seconds in sorted(totals.items(), key=lambda item: -item[1])}


def profile_page(http, path: str, requests: int) -> tuple[float, pstats.Stats]:
    """Profile `requests` GETs of `path`; the mean time per request (ms) and the stats."""
    for _ in range(3):
        http.get(path)
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    for _ in range(requests):
        response = http.get(path)
        if response.status_code != 200:
            raise SystemExit(f"GET {path} answered {response.status_code}")
    profiler.disable()
    elapsed_ms = (time.perf_counter() - started) * 1000 / requests
    return elapsed_ms, pstats.Stats(profiler)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=10_000, help="size of the generated data (default: 10000)")
    parser.add_argument("--pages", default="", help="comma-separated words; only pages whose name has one")
    parser.add_argument("--requests", type=int, default=20, help="profiled requests per page (default: 20)")
    parser.add_argument("--top", type=int, default=15, help="functions listed per page (default: 15)")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="practice-profile-") as tmp:
        url = sqlite_database(args.clients, 1, Path(tmp))
        facts = page_facts(url)
        wanted = [word.strip() for word in args.pages.split(",") if word.strip()]
        pages = [page for page in pages_of(facts) if not wanted or any(word in page.name for word in wanted)]
        app = create_app(bench_config(url))
        clients = {}
        for login, email in facts["emails"].items():
            clients[login] = app.test_client()
            if clients[login].post("/login", data={"email": email, "password": GENERATED_PASSWORD}).status_code != 302:
                raise SystemExit(f"login as {email} failed")
        for page in pages:
            per_request_ms, stats = profile_page(clients[page.login], page.path, args.requests)
            print(f"\n=== {page.name} ({page.path}) at {args.clients:,} clients: {per_request_ms:.1f} ms per request "
                  f"under the profiler, {args.requests} requests")
            for layer, share in layer_shares(stats).items():
                print(f"  {share * 100:5.1f} %  {layer}")
            print("  by cumulative time (a function and what it calls):")
            stats.sort_stats("cumulative").print_stats(args.top)
            print("  by own time (the function's own code):")
            stats.sort_stats("tottime").print_stats(args.top)
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
