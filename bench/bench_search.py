"""Client search at 100,000 clients on PostgreSQL, with and without the trigram indexes.

Run from the repository root (needs Debian's postgresql package; a private cluster is started and removed):

    python bench/bench_search.py                    # 100,000 generated clients (generating takes ~10 minutes)
    python bench/bench_search.py --clients 20000    # quicker
    python bench/bench_search.py --postgres postgresql+psycopg://user@host/postgres --reuse   # a server of yours;
                                                    # --reuse keeps the generated database between runs

It generates one practice with `flask generate-data`'s code into the database `bench_search`, vacuums it (as
autovacuum would have after a bulk load), then times the search exactly as the client list sends it
(`client_list_page`: the page of 25 and its count, which stops past SEARCH_COUNT_CAP matches; over SQLAlchemy
and psycopg, logged in as the owner, who sees every client) for a few words: as the app sends it now (trigram
indexes, ordered by lower-cased names, capped count); as it was sent before migration f13ee8f8b4be, with the full
count (downgraded to 2bab8c0cd2ee: the trigram indexes, the case-sensitive name order and its index); and
downgraded to before the trigram indexes (no index, full count).
It upgrades again at the end, and prints the median and 95th percentile of each, and the plan of the page query
(EXPLAIN ANALYZE with the same parameters).

Target: under 50 ms with the index. The exit code is 0 whatever the figures; "MISSED" marks a miss.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from flask import current_app  # noqa: E402
from flask_migrate import downgrade, upgrade  # noqa: E402
from flask_sqlalchemy.pagination import Pagination  # noqa: E402
from sqlalchemy import func, select  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from bench.common import bench_config  # noqa: E402
from practice import create_app  # noqa: E402
from practice.accounts.models import ROLE_OWNER, User  # noqa: E402
from practice.clients.models import Client  # noqa: E402
from practice.clients.operations import client_list_page, search_clients  # noqa: E402
from practice.extensions import db  # noqa: E402
from practice.generate import generate  # noqa: E402

CLIENTS = 100_000
TARGET_MS = 50
PER_PAGE = 25
WARMUP = 3
MEASURED = 30
#: the trigram indexes, with the case-sensitive name order and its index ix_clients_practice_name
PREVIOUS_REVISION = "2bab8c0cd2ee"
BEFORE_INDEX_REVISION = "9c1d2e3f4a5b"
DATABASE = "bench_search"
#: what a receptionist types: a full last name, three letters of a name, a piece of an e-mail address, two words
WORDS = (
    ("full last name", "Lindqvist"),
    ("3-letter fragment", "sen"),
    ("e-mail fragment", "tariq.kh"),
    ("two words", "maya hughes"),
    # Under three letters no trigram index can help: the whole practice matches nearly.
    ("2-letter fragment", "an"),
)


@contextmanager
def postgres_server(url: str | None) -> Iterator[str]:
    """A URL to a maintenance database of a PostgreSQL server: the one given, or a throwaway cluster's."""
    if url:
        yield url
        return
    from tests.support.postgres import ThrowawayCluster

    cluster = ThrowawayCluster().start()
    try:
        yield cluster.url("postgres")
    finally:
        cluster.stop()


def prepared_database(server_url: str, clients: int, reuse: bool) -> str:
    """The URL of DATABASE with `clients` generated clients: kept from a previous run (--reuse) or made now."""
    import psycopg

    url = make_url(server_url)
    with psycopg.connect(url.set(drivername="postgresql").render_as_string(hide_password=False),
                         autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (DATABASE,)).fetchone()
        if not (reuse and exists):
            connection.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
            connection.execute(f'CREATE DATABASE "{DATABASE}"')
    database_url = url.set(database=DATABASE).render_as_string(hide_password=False)
    app = create_app(bench_config(database_url))
    with app.app_context():
        upgrade()
        present = db.session.scalar(select(func.count()).select_from(Client))
        if present != clients:
            if present:
                raise SystemExit(f"database {DATABASE} holds {present:,} clients, not {clients:,}: run without --reuse")
            started = time.perf_counter()
            generate(clients, seed=1)
            db.session.commit()
            print(f"Generated {clients:,} clients (with their records) on PostgreSQL in "
                  f"{time.perf_counter() - started:.0f} s.", flush=True)
        db.session.remove()
        # After a bulk load autovacuum would soon do this: statistics, the visibility map, and the GIN indexes'
        # pending lists merged. Without it the planner still reads the whole table for the count.
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE")
        db.engine.dispose()
    return database_url


def owner_email() -> str:
    """The e-mail of the owner of the generated practice."""
    first = db.session.scalars(select(Client).order_by(Client.id).limit(1)).one()
    return db.session.scalar(select(User.email).where(User.practice_id == first.practice_id, User.role == ROLE_OWNER))


def previous_shape(statement):
    """The search as the app sent it before migration f13ee8f8b4be: in the case-sensitive name order."""
    return statement.order_by(None).order_by(Client.last_name, Client.first_name, Client.id)


def list_page(owner: User, text: str, shape) -> tuple[Pagination, bool]:
    """The first page and its count: as the client list asks for them now (a count that stops at the cap), or, for
    an earlier shape of the query, with the full count the list used before."""
    if shape is None:
        return client_list_page(owner, text, archived=False, page=1, per_page=PER_PAGE,
                                count_cap=current_app.config["SEARCH_COUNT_CAP"])
    return db.paginate(shape(search_clients(owner, text)), page=1, per_page=PER_PAGE, error_out=False), False


def time_search(owner: User, text: str, shape) -> dict:
    """Median and p95 (ms) of the client list's search for `text`: the first page and its count."""
    durations = []
    for run in range(WARMUP + MEASURED):
        db.session.rollback()  # each search in its own transaction, as each request is
        started = time.perf_counter()
        page, is_capped = list_page(owner, text, shape)
        elapsed = time.perf_counter() - started
        if run >= WARMUP:
            durations.append(elapsed * 1000)
    durations.sort()
    matches = f"> {page.total - 1:,}" if is_capped else f"{page.total:,}"
    return {"median": statistics.median(durations), "p95": durations[round(0.95 * len(durations)) - 1],
            "matches": matches}


def plan_of(owner: User, text: str, shape) -> list[str]:
    """EXPLAIN ANALYZE of the page query for `text` in the given shape, with the same parameters."""
    statement = (shape or (lambda query: query))(search_clients(owner, text)).limit(PER_PAGE).offset(0)
    compiled = statement.compile(dialect=db.engine.dialect)
    rows = db.session.connection().exec_driver_sql("EXPLAIN (ANALYZE, COSTS OFF) " + str(compiled),
                                                    compiled.params).all()
    db.session.rollback()
    return [row[0] for row in rows]


def scan_lines(plan: list[str]) -> str:
    """The plan's nodes that read the clients table, and the execution time, on one line."""
    wanted = [line.strip().removeprefix("->  ") for line in plan
              if "clients" in line and ("Scan" in line or "BitmapOr" in line) or "Bitmap Index Scan" in line]
    timing = next((line.strip() for line in plan if line.startswith("Execution Time")), "")
    return "; ".join(dict.fromkeys(wanted)) + (f"  [{timing}]" if timing else "")


def measure_all(email: str, label: str, shape=None) -> dict[str, dict]:
    """Time every word as the owner, and take the plan of each."""
    owner = db.session.scalars(select(User).where(User.email == email)).one()
    results = {}
    for name, text in WORDS:
        result = time_search(owner, text, shape)
        result["plan"] = scan_lines(plan_of(owner, text, shape))
        results[name] = result
        print(f"  {label:<22} {name:<18} {result['median']:>7.1f} ms median  ({result['matches']} matches)",
              flush=True)
    db.session.remove()
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=CLIENTS, help="clients to generate (default: %(default)s)")
    parser.add_argument("--postgres", metavar="URL", help="a PostgreSQL server (its maintenance database) whose "
                        "user may create databases; default: a throwaway cluster started for the run")
    parser.add_argument("--reuse", action="store_true", help=f"keep the database {DATABASE} if it holds the "
                        "generated clients (with --postgres)")
    args = parser.parse_args(argv)

    with postgres_server(args.postgres) as server_url:
        app = create_app(bench_config(prepared_database(server_url, args.clients, args.reuse)))
        with app.app_context():
            email = owner_email()
            with_index = measure_all(email, "with the indexes")
            downgrade(revision=PREVIOUS_REVISION)
            previous = measure_all(email, "before (name order)", previous_shape)
            downgrade(revision=BEFORE_INDEX_REVISION)
            without_index = measure_all(email, "without index", lambda statement: statement)
            upgrade()
            db.session.remove()
            db.engine.dispose()

    print(f"\nClient search as the owner at {args.clients:,} clients on PostgreSQL: the first page of {PER_PAGE} and "
          f"its count, median / p95 of {MEASURED} runs (ms); target < {TARGET_MS} ms with the index")
    head = (f"{'search':<32} {'matches':>8} {'now':>16}   {'before f13ee8f8b4be':>20} {'without index':>16}")
    print(head)
    print("-" * len(head))
    for name, text in WORDS:
        on, before, off = with_index[name], previous[name], without_index[name]
        missed = "  MISSED" if on["p95"] >= TARGET_MS else ""
        print(f"{name + ' ' + repr(text):<32} {on['matches']:>8} {on['median']:>7.1f} / {on['p95']:>6.1f}   "
              f"{before['median']:>11.1f} / {before['p95']:>6.1f} {off['median']:>7.1f} / {off['p95']:>6.1f}{missed}")
    print("\nPlans of the page query (EXPLAIN ANALYZE):")
    for name, _ in WORDS:
        print(f"  {name}, now:           {with_index[name]['plan']}")
        print(f"  {name}, before:        {previous[name]['plan']}")
        print(f"  {name}, without index: {without_index[name]['plan']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
