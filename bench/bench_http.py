"""Benchmark over real HTTP: the app under gunicorn, loaded with `wrk`, against a bare Flask "hello" app.

Run from the repository root (needs Debian's `wrk`: `apt-get install -y wrk`):

    python bench/bench_http.py                        # SQLite, 100 and 10,000 generated clients
    python bench/bench_http.py --postgres throwaway   # the same on a private PostgreSQL cluster
    python bench/bench_http.py --postgres postgresql+psycopg://user@host/db   # on a server of yours
    python bench/bench_http.py --sizes 10000 --pages dashboard --memory-requests 0   # one page, quickly

For each size it serves the generated data with gunicorn (one sync worker), logs in once as the owner, a
therapist and a portal client, and runs `wrk` on each page. It prints requests per second, the ratio to the
hello app measured in the same run, the 95th-percentile latency at 4 connections, and the SQL queries per
request at each size (counted separately, in-process with Flask's test client). Then it sends 10,000 requests
spread over the pages to a fresh worker and reads its resident memory.

These are figures, not tests: the exit code is 0 whatever they are, and "MISSED" marks a figure off its target
(ratio >= 0.5, the same query count at every size, worker memory < 150 MB).
"""
from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import requests  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import func, select  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from bench.common import QueryCounter, bench_config, measure  # noqa: E402
from practice import create_app  # noqa: E402
from practice.accounts.models import ROLE_OWNER, User  # noqa: E402
from practice.clients.models import Client  # noqa: E402
from practice.extensions import db  # noqa: E402
from practice.generate import GENERATED_PASSWORD, generate  # noqa: E402
from practice.plans.models import STATUS_ACTIVE, Plan  # noqa: E402

SIZES = (100, 10_000)
CONNECTIONS = 4
DURATION_S = 5
WARMUP_S = 1
MEMORY_REQUESTS = 10_000
RATIO_TARGET = 0.5
MEMORY_TARGET_MB = 150
#: a last name of generate.py's list, present at every size from a few hundred clients up
SEARCH_WORD = "Lindqvist"
SECRET_KEY = "bench-http-secret-key-long-enough-0123456789"
#: generated databases are kept here between runs, named by size, seed, day and the code that made them
CACHE = Path(tempfile.gettempdir()) / "practice-bench-data"
REPORT_SCRIPT = Path(__file__).with_name("wrk_report.lua")
MIX_SCRIPT = Path(__file__).with_name("wrk_mix.lua")


@dataclass(frozen=True)
class Page:
    """One benchmarked page: what the table calls it, its URL and who is logged in."""

    name: str
    path: str
    login: str  # "owner", "therapist" or "portal"; "" for the reference pages, seen without a login


# --- Generated data, cached between runs ---------------------------------------------------------------------


@cache
def data_key(size: int, seed: int) -> str:
    """A name for one generated database: a new day, a new migration or a change to the generator makes a new one."""
    digest = hashlib.sha256((ROOT / "practice" / "generate.py").read_bytes())
    for migration in sorted((ROOT / "migrations" / "versions").glob("*.py")):
        digest.update(migration.name.encode() + migration.read_bytes())
    return f"c{size}-s{seed}-{date.today():%Y%m%d}-{digest.hexdigest()[:10]}"


def populate(url: str, size: int, seed: int) -> None:
    """Migrate an empty database at `url` and generate one practice of `size` clients into it."""
    app = create_app(bench_config(url))
    with app.app_context():
        upgrade()
        generate(size, seed=seed)
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


def sqlite_database(size: int, seed: int, workdir: Path) -> str:
    """A working copy of the cached SQLite file of `size` clients (generated first if missing); its URL."""
    CACHE.mkdir(exist_ok=True)
    key = data_key(size, seed)
    cached = CACHE / f"{key}.sqlite3"
    if not cached.exists():
        for stale in CACHE.glob(f"c{size}-s{seed}-*.sqlite3*"):
            stale.unlink()
        building = cached.with_suffix(".building")
        building.unlink(missing_ok=True)
        started = time.perf_counter()
        populate(f"sqlite:///{building}", size, seed)
        building.rename(cached)
        print(f"  generated {size:,} clients in {time.perf_counter() - started:.0f} s (cached as {cached})", flush=True)
    # Every page view writes an audit row: each run works on a copy so that the cached file stays as generated.
    copy = workdir / f"bench-{size}.sqlite3"
    shutil.copyfile(cached, copy)
    return f"sqlite:///{copy}"


class PostgresServer:
    """Databases on a PostgreSQL server: generated ones kept as templates, and a fresh copy of one per run."""

    def __init__(self, url: str):
        self.url = make_url(url)

    def _admin(self, statement: str) -> list[tuple]:
        import psycopg

        plain = self.url.set(drivername="postgresql").render_as_string(hide_password=False)
        with psycopg.connect(plain, autocommit=True) as connection:
            cursor = connection.execute(statement)
            return cursor.fetchall() if cursor.description else []

    def url_of(self, database: str) -> str:
        """The SQLAlchemy URL of `database` on this server."""
        return self.url.set(database=database).render_as_string(hide_password=False)

    def database(self, size: int, seed: int) -> str:
        """A fresh copy of the generated database of `size` clients (generated first if missing); its URL."""
        key = data_key(size, seed).replace("-", "_")
        cached = f"bench_{key}"
        names = {row[0] for row in self._admin("SELECT datname FROM pg_database")}
        if cached not in names:
            for stale in names:
                if stale.startswith(f"bench_c{size}_s{seed}_"):
                    self._admin(f'DROP DATABASE "{stale}" WITH (FORCE)')
            building = f"{cached}_building"
            self._admin(f'DROP DATABASE IF EXISTS "{building}" WITH (FORCE)')
            self._admin(f'CREATE DATABASE "{building}"')
            started = time.perf_counter()
            populate(self.url_of(building), size, seed)
            self._admin(f'ALTER DATABASE "{building}" RENAME TO "{cached}"')
            print(f"  generated {size:,} clients in {time.perf_counter() - started:.0f} s (kept as database "
                  f"{cached})", flush=True)
        run = f"bench_run_{size}"
        self._admin(f'DROP DATABASE IF EXISTS "{run}" WITH (FORCE)')
        self._admin(f'CREATE DATABASE "{run}" TEMPLATE "{cached}"')
        return self.url_of(run)


@contextmanager
def database_source(postgres: str | None, workdir: Path) -> Iterator:
    """A callable (size, seed) -> database URL, on SQLite or on the PostgreSQL that `postgres` names."""
    if not postgres:
        yield lambda size, seed: sqlite_database(size, seed, workdir)
        return
    if postgres != "throwaway":
        yield PostgresServer(postgres).database
        return
    from tests.support.postgres import ThrowawayCluster

    cluster = ThrowawayCluster().start()
    try:
        yield PostgresServer(cluster.url()).database
    finally:
        cluster.stop()


def page_facts(url: str) -> dict:
    """The logins and record ids the pages need, read back from the generated data."""
    app = create_app(bench_config(url))
    with app.app_context():
        # generate.py's first client is always on an active plan with a portal login, at any size.
        showcase = db.session.scalars(select(Client).order_by(Client.id).limit(1)).one()
        owner = db.session.scalars(select(User).where(User.practice_id == showcase.practice_id,
                                                      User.role == ROLE_OWNER)).one()
        plan_id = db.session.scalar(select(Plan.id).where(Plan.client_id == showcase.id, Plan.status == STATUS_ACTIVE)
                                    .order_by(Plan.id.desc()).limit(1))
        active = db.session.scalar(select(func.count()).select_from(Client).where(
            Client.practice_id == showcase.practice_id, Client.is_archived.is_(False)))
        facts = {"emails": {"owner": owner.email, "therapist": showcase.therapist.email,
                            "portal": showcase.portal_user.email},
                 "client_id": showcase.id, "plan_id": plan_id,
                 "deep_page": max(1, -(-active // app.config["CLIENTS_PER_PAGE"]) // 2), "active": active}
        db.session.remove()
        db.engine.dispose()
    return facts


#: what the app costs before any query: a file from static/, and the login form (template, session, no query)
REFERENCES = [Page("  static CSS file", "/static/css/app.css", ""), Page("  login form", "/login", "")]
#: issue 8's yardstick: a bare Flask-SQLAlchemy page of 50 rows (bench/plain_rows_app.py)
PLAIN_ROWS = "  plain 50-row page"


def pages_of(facts: dict) -> list[Page]:
    """The benchmarked pages for one generated practice."""
    client, plan = facts["client_id"], facts["plan_id"]
    return [
        Page("therapist dashboard", "/", "therapist"),
        Page("client list, page 1", "/clients/", "owner"),
        Page(f"client list, page {facts['deep_page']}", f"/clients/?page={facts['deep_page']}", "owner"),
        Page(f"search '{SEARCH_WORD}'", f"/clients/?q={SEARCH_WORD}", "owner"),
        Page("client page", f"/clients/{client}", "therapist"),
        Page("plan page", f"/clients/{client}/plans/{plan}", "therapist"),
        Page("portal home", "/me", "portal"),
    ]


# --- gunicorn and wrk ------------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    """A running gunicorn: its address and its master's process id."""

    base: str
    master_pid: int

    def worker_pid(self) -> int:
        """The one worker's process id (the master's only child)."""
        children = Path(f"/proc/{self.master_pid}/task/{self.master_pid}/children").read_text().split()
        return int(children[0])

    def worker_rss_mb(self) -> float:
        """The worker's resident memory (VmRSS), in MB."""
        status = Path(f"/proc/{self.worker_pid()}/status").read_text()
        return int(re.search(r"^VmRSS:\s+(\d+) kB", status, re.M).group(1)) / 1024


@contextmanager
def gunicorn(app_spec: str, database_url: str | None, log: Path, workers: int = 1) -> Iterator[Server]:
    """Serve `app_spec` with `workers` sync workers and no access log on a free local port until the block ends."""
    port = _free_port()
    env = {key: value for key, value in os.environ.items() if key not in ("FLASK_DEBUG", "FLASK_ENV")}
    env.update({"PRACTICE_ENV": "development", "SECRET_KEY": SECRET_KEY, "RATELIMIT_STORAGE_URI": "memory://"})
    if database_url:
        env["DATABASE_URL"] = database_url
    command = [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--worker-class", "sync",
               "--bind", f"127.0.0.1:{port}", app_spec]
    with log.open("ab") as output:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
    server = Server(f"http://127.0.0.1:{port}", process.pid)
    try:
        _wait_until_up(server.base, process, log)
        yield server
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_up(base: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn stopped at start (exit {process.returncode}); see {log}")
        try:
            requests.get(base + "/", timeout=5, allow_redirects=False)
            return
        except requests.ConnectionError:
            time.sleep(0.2)
    raise SystemExit(f"gunicorn did not answer within 60 s; see {log}")


def login_cookie(base: str, email: str) -> str:
    """Log in through the login form (with its CSRF token) and return the session as a Cookie header value."""
    session = requests.Session()
    form = session.get(base + "/login", timeout=30).text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form) or \
        re.search(r'value="([^"]+)"[^>]*name="csrf_token"', form)
    if token is None:
        raise SystemExit("the login page has no csrf_token field")
    answer = session.post(base + "/login", data={"csrf_token": token.group(1), "email": email,
                                                 "password": GENERATED_PASSWORD}, allow_redirects=False, timeout=30)
    if answer.status_code != 302:
        raise SystemExit(f"logging in as {email} answered {answer.status_code}, expected a redirect")
    return "; ".join(f"{cookie.name}={cookie.value}" for cookie in session.cookies)


def check_page(base: str, page: Page, cookie: str) -> None:
    """Stop with a message unless the page answers 200 to this login (not a redirect to the login form)."""
    answer = requests.get(base + page.path, headers={"Cookie": cookie}, allow_redirects=False, timeout=30)
    if answer.status_code != 200:
        raise SystemExit(f"{page.name} ({page.path}) answered {answer.status_code} before the benchmark")


def wrk_missing() -> bool:
    """True, after saying so, when Debian's `wrk` is not installed."""
    if shutil.which("wrk") is not None:
        return False
    print("wrk is not installed: it is Debian's package 'wrk' (apt-get install -y wrk). Nothing was measured.")
    return True


def run_wrk(url: str, cookie: str | None, duration: float, connections: int = CONNECTIONS, threads: int = 1) -> dict:
    """One wrk run: requests per second, 95th-percentile latency (ms) and how many answers were not 200."""
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration:g}s", "--latency", "-s", str(REPORT_SCRIPT),
               url]
    if cookie:
        command[1:1] = ["-H", f"Cookie: {cookie}"]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    errors = re.search(r"Socket errors: (.*)", output)
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
            "p95_ms": int(re.search(r"p95_us (\d+)", output).group(1)) / 1000,
            "not_200": int(re.search(r"not_200 (\d+)", output).group(1)),
            "socket_errors": errors.group(1) if errors else None}


def measure_page(url: str, cookie: str | None, duration: float) -> dict:
    """A short warm-up run, then the measured one."""
    run_wrk(url, cookie, WARMUP_S)
    return run_wrk(url, cookie, duration)


# --- One size --------------------------------------------------------------------------------------------------


def count_queries(url: str, facts: dict, pages: list[Page]) -> dict[str, list[int]]:
    """SQL statements per request of each page, counted in-process with the test client (BEGIN included)."""
    app = create_app(bench_config(url))
    with app.app_context():
        counter = QueryCounter(db.engine)
    clients = {}
    for login, email in facts["emails"].items():
        clients[login] = app.test_client()
        answer = clients[login].post("/login", data={"email": email, "password": GENERATED_PASSWORD})
        if answer.status_code != 302:
            raise SystemExit(f"test client login as {email} answered {answer.status_code}")
    counts = {page.name: measure(clients[page.login], counter, page.path)["counts"] for page in pages}
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    return counts


def benchmark_size(url: str, size: int, duration: float, workdir: Path, words: list[str]) -> dict:
    """Hello before and after, then every page (or those named by `words`) under wrk, then the query counts."""
    facts = page_facts(url)
    pages = [page for page in pages_of(facts) if not words or any(word in page.name for word in words)]
    log = workdir / "gunicorn.log"
    hello = []
    with gunicorn("bench.hello_app:app", None, log) as server:
        hello.append(measure_page(server.base + "/", None, duration))
    references = {}
    with gunicorn("bench.plain_rows_app:app", f"sqlite:///{workdir / 'plain-rows.sqlite3'}", log) as server:
        references[PLAIN_ROWS] = measure_page(server.base + "/", None, duration)
    results = {}
    with gunicorn("practice.wsgi:app", url, log) as server:
        references.update({page.name: measure_page(server.base + page.path, None, duration) for page in REFERENCES})
        cookies = {login: login_cookie(server.base, email) for login, email in facts["emails"].items()}
        for page in pages:
            check_page(server.base, page, cookies[page.login])
            results[page.name] = measure_page(server.base + page.path, cookies[page.login], duration)
            print(f"  {size:>6,} clients  {page.name:<26} {results[page.name]['rps']:>7.1f} req/s", flush=True)
            check_page(server.base, page, cookies[page.login])
    # The hello app again after the pages: the machine's load may have changed meanwhile.
    with gunicorn("bench.hello_app:app", None, log) as server:
        hello.append(measure_page(server.base + "/", None, duration))
    print(f"  {size:>6,} clients  hello: {hello[0]['rps']:.0f} req/s before, {hello[1]['rps']:.0f} after", flush=True)
    counts = count_queries(url, facts, pages)
    return {"facts": facts, "pages": pages, "results": results, "counts": counts, "references": references,
            "hello_rps": sum(run["rps"] for run in hello) / len(hello), "hello_p95": max(r["p95_ms"] for r in hello)}


def memory_run(url: str, requests_total: int, rate_guess: float, workdir: Path, log: Path) -> dict:
    """A fresh worker answers `requests_total` requests cycling through the pages; its resident memory after."""
    facts = page_facts(url)
    pages = pages_of(facts)
    with gunicorn("practice.wsgi:app", url, log) as server:
        cookies = {login: login_cookie(server.base, email) for login, email in facts["emails"].items()}
        for page in pages:
            check_page(server.base, page, cookies[page.login])
        started_mb = server.worker_rss_mb()
        listing = workdir / "pages.tsv"
        listing.write_text("".join(f"{page.path}\t{cookies[page.login]}\n" for page in pages))
        answered = not_200 = 0
        rate = rate_guess  # wrk stops at the count, so a chunk longer than needed only wastes its idle rest
        started = time.perf_counter()
        while answered < requests_total:
            remaining = requests_total - answered
            chunk_s = max(2, min(120, round(remaining / rate * 1.2)))
            command = ["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{chunk_s}s", "-s", str(MIX_SCRIPT), server.base,
                       "--", str(listing), str(remaining)]
            output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
            done = int(re.search(r"answered (\d+)", output).group(1))
            not_200 += int(re.search(r"not_200 (\d+)", output).group(1))
            answered += done
            rate = max(1.0, done / chunk_s)
        seconds = time.perf_counter() - started
        return {"answered": answered, "not_200": not_200, "start_mb": started_mb, "end_mb": server.worker_rss_mb(),
                "seconds": seconds}


# --- Report ----------------------------------------------------------------------------------------------------


def _mark(missed: bool) -> str:
    return "  MISSED" if missed else ""


def print_table(by_size: dict[int, dict], connections: int) -> None:
    """The table: page | per size req/s, ratio to hello, p95 | queries per request at each size."""
    sizes = list(by_size)
    head = f"{'page':<22}"
    for size in sizes:
        head += f" | {f'{size:,} clients: req/s  ratio  p95 ms':>36}"
    head += " | queries/request at " + " / ".join(f"{size:,}" for size in sizes)
    print(head)
    print("-" * len(head))
    line = f"{'hello (bare Flask)':<22}"
    for size in sizes:
        line += f" | {by_size[size]['hello_rps']:>20.0f} {1:>6.2f} {by_size[size]['hello_p95']:>7.1f}"
    print(line)
    notes = {PLAIN_ROWS: "(bare Flask-SQLAlchemy, 1 query)"}
    for name in [PLAIN_ROWS] + [reference.name for reference in REFERENCES]:
        line = f"{name:<22}"
        for size in sizes:
            result = by_size[size]["references"][name]
            ratio = result["rps"] / by_size[size]["hello_rps"]
            line += f" | {result['rps']:>20.1f} {ratio:>6.2f} {result['p95_ms']:>7.1f}"
        print(line + " | " + notes.get(name, "(the app, no query)"))
    for index, page in enumerate(by_size[sizes[0]]["pages"]):
        line, slow = f"{_short(page.name):<22}", False
        for size in sizes:
            data = by_size[size]
            result = data["results"][data["pages"][index].name]
            ratio = result["rps"] / data["hello_rps"]
            slow |= ratio < RATIO_TARGET
            line += f" | {result['rps']:>20.1f} {ratio:>6.2f} {result['p95_ms']:>7.1f}"
        counts = [by_size[size]["counts"][by_size[size]["pages"][index].name] for size in sizes]
        line += " | " + " / ".join("-".join(str(n) for n in sorted({min(c), max(c)})) for c in counts)
        # Equal means one count for every request of every size (a count that varies is no better).
        unequal = len({n for c in counts for n in c}) > 1
        missed = [what for what, off in (("ratio", slow), ("queries", unequal)) if off]
        print(line + (f"  MISSED: {', '.join(missed)}" if missed else ""))
    print(f"\nratio: requests/s of the page / requests/s of the hello app (mean of a run before and after the "
          f"pages), both under gunicorn with 1 sync worker, wrk -t1 -c{connections}; target >= {RATIO_TARGET}. "
          f"Queries: SQL statements per request, BEGIN included; target: equal at every size. The indented lines "
          f"are references, not pages of the target: a bare Flask-SQLAlchemy page of 50 rows, and what the app "
          f"costs before it sends any query.")
    for size in sizes:
        for name, result in by_size[size]["results"].items():
            if result["not_200"] or result["socket_errors"]:
                print(f"Warning: {size:,} clients, {name}: {result['not_200']} answers were not 200"
                      + (f", socket errors: {result['socket_errors']}" if result["socket_errors"] else ""))


def _short(name: str) -> str:
    if name.startswith("client list, page 1"):
        return "client list, page 1"
    if name.startswith("client list, page"):
        return "client list, deep page"
    return name


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", metavar="URL", help="a PostgreSQL server to use instead of SQLite (its user "
                        "must create databases), or 'throwaway' for a private cluster started for the run")
    parser.add_argument("--sizes", default=",".join(str(size) for size in SIZES),
                        help="numbers of clients, comma-separated (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=1, help="generate-data's seed (default: %(default)s)")
    parser.add_argument("--duration", type=float, default=DURATION_S, help="seconds of wrk per page (default: 5)")
    parser.add_argument("--pages", default="", help="only the pages whose name contains one of these comma-separated "
                        "words, e.g. 'dashboard,search' (default: every page)")
    parser.add_argument("--memory-requests", type=int, default=MEMORY_REQUESTS,
                        help="requests before reading the worker's memory; 0 skips it (default: %(default)s)")
    args = parser.parse_args(argv)
    if wrk_missing():
        return 0
    sizes = [int(size) for size in args.sizes.split(",")]
    backend = "PostgreSQL" if args.postgres else "SQLite"
    print(f"Pages under gunicorn (1 sync worker) on {backend}, wrk -t1 -c{CONNECTIONS} -d{args.duration:g}s "
          f"after a {WARMUP_S} s warm-up; generated data (seed {args.seed}).", flush=True)
    with ExitStack() as stack:
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="practice-bench-http-")))
        database_for = stack.enter_context(database_source(args.postgres, workdir))
        by_size = {}
        for size in sizes:
            by_size[size] = benchmark_size(database_for(size, args.seed), size, args.duration, workdir,
                                           [word for word in args.pages.split(",") if word])
        memory = None
        if args.memory_requests:
            print(f"  memory: {args.memory_requests:,} requests over the pages at {sizes[-1]:,} clients ...",
                  flush=True)
            # One request of each page in turn: the mix goes at the harmonic mean of the pages' rates.
            rates = [result["rps"] for result in by_size[sizes[-1]]["results"].values()]
            memory = memory_run(database_for(sizes[-1], args.seed), args.memory_requests,
                                len(rates) / sum(1 / rate for rate in rates), workdir, workdir / "gunicorn.log")
    print()
    print_table(by_size, CONNECTIONS)
    if memory:
        print(f"\nWorker memory (VmRSS) after {memory['answered']:,} requests over the pages at {sizes[-1]:,} "
              f"clients: {memory['end_mb']:.0f} MB (after one request per page: {memory['start_mb']:.0f} MB; "
              f"{memory['answered'] / memory['seconds']:.0f} req/s); target < {MEMORY_TARGET_MB} MB"
              f"{_mark(memory['end_mb'] >= MEMORY_TARGET_MB)}")
        if memory["not_200"]:
            print(f"Warning: {memory['not_200']} of those answers were not 200.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
