"""Benchmark of the client pages: time and SQL queries per request, with 100 and 10,000 clients.

Run from the repository root:

    python bench/bench_clients.py            # the table, and whether query counts grow
    python bench/bench_clients.py --verbose  # also the SQL of every query of one request per page

It prints figures and asserts nothing about time. The target is that the number of SQL queries per
request does not grow with the number of clients; the exit code is 1 when it does, 0 otherwise.
"""
from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import insert, select  # noqa: E402

from bench.common import MEASURED, WARMUP, QueryCounter, bench_config, measure  # noqa: E402
from practice import create_app  # noqa: E402
from practice.accounts.operations import create_practice, create_user  # noqa: E402
from practice.clients.models import Client  # noqa: E402
from practice.extensions import db  # noqa: E402

SIZES = (100, 10_000)
ARCHIVED_SHARE = 0.08
OWNER_EMAIL = "owner@bench.example"
PASSWORD = "bench-quiet-harbour-lantern-58"
SEARCH_LAST_NAME = "Lindqvist"  # always present: the first client gets it, the rest are random

FIRST_NAMES = (
    "Amira", "Ben", "Chloe", "Daniel", "Eva", "Felix", "Grace", "Hugo", "Isla", "Jonas", "Keira", "Liam",
    "Maya", "Noah", "Olivia", "Pablo", "Quinn", "Rosa", "Samir", "Tessa", "Umar", "Valeria", "William",
    "Ximena", "Yusuf", "Zoe", "Aoife", "Bjorn", "Camille", "Dmitri", "Elif", "Farah", "Giulia", "Hiroshi",
    "Ingrid", "Jamal", "Kasia", "Lucia", "Mateo", "Nadia", "Oskar", "Priya", "Rafael", "Sofia", "Tomasz",
    "Ulla", "Vikram", "Wen", "Yara", "Zainab",
)
LAST_NAMES = (
    "Hassan", "Carter", "Dubois", "Evans", "Fischer", "Garcia", "Huang", "Ivanov", "Jones", "Kowalski",
    "Lopez", "Murphy", "Nakamura", "O'Brien", "Patel", "Quintero", "Rossi", "Schmidt", "Tanaka", "Usman",
    "Van der Berg", "Williams", "Xu", "Yilmaz", "Zielinski", "Andersson", "Brennan", "Costa", "Dimitrov",
    "Eriksen", "Fernandes", "Gallagher", "Horvat", "Iqbal", "Jensen", "Kaur", "Lindqvist", "Moreau",
    "Novak", "Okafor", "Petrov", "Ramirez", "Santos", "Thompson", "Ueda", "Vasquez", "Walsh", "Young",
    "Zhang", "McAllister", "Nguyen", "Silva", "Kim", "Haddad", "Mensah", "Popescu", "Richter", "Sørensen",
)
EMAIL_DOMAINS = ("example.com", "example.org", "example.net", "mail.example", "post.example")


def client_rows(count: int, practice_id: int, therapist_ids: list[int], rng: random.Random) -> list[dict]:
    """`count` varied client rows, spread across therapists (a few unassigned), some archived."""
    now = datetime.now(timezone.utc)
    assignees = therapist_ids + [None]
    rows = []
    for index in range(count):
        first = rng.choice(FIRST_NAMES)
        last = SEARCH_LAST_NAME if index == 0 else rng.choice(LAST_NAMES)
        local = f"{first}.{last}".lower().replace(" ", "").replace("'", "").replace("ø", "o")
        email = None if rng.random() < 0.15 else f"{local}{index}@{rng.choice(EMAIL_DOMAINS)}"
        born = None if rng.random() < 0.05 else date(1940, 1, 1) + timedelta(days=rng.randrange(0, 365 * 65))
        created = now - timedelta(days=rng.randrange(0, 3 * 365), minutes=rng.randrange(0, 1440))
        consent = (created.date() if rng.random() < 0.9 else None)
        rows.append({
            "practice_id": practice_id,
            "therapist_id": rng.choice(assignees) if rng.random() < 0.97 else None,
            "first_name": first,
            "last_name": last,
            "date_of_birth": born,
            "email": email,
            "phone": f"07700 9{index % 100000:05d}",
            "consent_treatment_on": consent,
            "consent_health_data_on": consent,
            "is_archived": rng.random() < ARCHIVED_SHARE,
            "created_at": created,
            "updated_at": created,
        })
    return rows


def build_database(app, size: int) -> dict:
    """Migrate, create the practice and its staff, bulk-insert the clients; return ids for the pages."""
    rng = random.Random(size)
    with app.app_context():
        upgrade()
        practice = create_practice(practice_name="Bench Massage", owner_name="Olivia Owner",
                                   owner_email=OWNER_EMAIL, owner_password=PASSWORD)
        therapists = [create_user(practice, name=f"{name} Therapist", email=f"{name.lower()}@bench.example",
                                  password=PASSWORD, role="therapist") for name in ("Theo", "Tara", "Tomas")]
        owner = next(user for user in practice.users if user.role == "owner")
        ids = [owner.id] + [therapist.id for therapist in therapists]
        started = time.perf_counter()
        db.session.execute(insert(Client), client_rows(size, practice.id, ids, rng))
        db.session.commit()
        inserted_s = time.perf_counter() - started
        active = db.session.scalar(select(db.func.count()).select_from(Client).where(Client.is_archived.is_(False)))
        # The client page opened: one in the middle of the list, assigned to a therapist who is not the
        # logged-in owner, so its therapist is loaded by a query at both sizes (like with like).
        assigned = select(Client.id).where(Client.is_archived.is_(False),
                                           Client.therapist_id.in_([t.id for t in therapists]))
        middle = db.session.scalars(assigned.order_by(Client.last_name, Client.first_name, Client.id)
                                    .offset(db.session.scalar(select(db.func.count()).select_from(
                                        assigned.subquery())) // 2).limit(1)).one()
        per_page = app.config["CLIENTS_PER_PAGE"]
        db.session.remove()
    pages = max(1, -(-active // per_page))
    return {"active": active, "pages": pages, "middle_page": max(1, (pages + 1) // 2), "client_id": middle,
            "inserted_s": inserted_s}


def run_size(size: int, workdir: Path, verbose: bool) -> dict[str, dict]:
    """Build a database of `size` clients and measure every page on it."""
    url = f"sqlite:///{workdir / f'bench-{size}.sqlite3'}"
    app = create_app(bench_config(url))
    facts = build_database(app, size)
    print(f"  {size:>6} clients: inserted in {facts['inserted_s'] * 1000:.0f} ms; {facts['active']} active, "
          f"{facts['pages']} pages", flush=True)
    with app.app_context():
        counter = QueryCounter(db.engine)
    http = app.test_client()
    response = http.post("/login", data={"email": OWNER_EMAIL, "password": PASSWORD})
    if response.status_code != 302:
        raise SystemExit(f"login answered {response.status_code}, expected a redirect")
    pages = {
        "list (first page)": "/clients/",
        "list (deep page)": f"/clients/?page={facts['middle_page']}",
        "search (last name)": f"/clients/?q={SEARCH_LAST_NAME}",
        "client page": f"/clients/{facts['client_id']}",
    }
    results = {}
    for name, path in pages.items():
        result = measure(http, counter, path)
        result["path"] = path
        results[name] = result
        if verbose:
            print(f"\n  -- {size} clients, {name} ({path}): {len(result['sql'])} queries in the last request")
            for number, statement in enumerate(result["sql"], 1):
                print(f"  [{number}] " + " ".join(statement.split()))
    if verbose:
        print()
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", action="store_true", help="print the SQL of each query of a request")
    args = parser.parse_args(argv)

    print(f"Client pages: {WARMUP} warm-up + {MEASURED} measured requests per page, logged in as the owner.")
    all_results: dict[int, dict[str, dict]] = {}
    with tempfile.TemporaryDirectory(prefix="practice-bench-") as tmp:
        for size in SIZES:
            all_results[size] = run_size(size, Path(tmp), args.verbose)

    print()
    header = f"{'clients':>8}  {'page':<20} {'queries/request':>15} {'median ms':>10} {'p95 ms':>8}"
    print(header)
    print("-" * len(header))
    unstable = False
    for size, results in all_results.items():
        for name, result in results.items():
            counts = set(result["counts"])
            if len(counts) == 1:
                shown = str(result["counts"][0])
            else:
                unstable = True
                shown = f"{min(counts)}-{max(counts)} (varies)"
            print(f"{size:>8}  {name:<20} {shown:>15} {result['median_ms']:>10.1f} {result['p95_ms']:>8.1f}")

    print()
    small, large = SIZES[0], SIZES[-1]
    grows = False
    for name in all_results[small]:
        before, after = max(all_results[small][name]["counts"]), max(all_results[large][name]["counts"])
        if after > before:
            grows = True
            print(f"{name:<20} GROWS: {before} -> {after}")
        else:
            print(f"{name:<20} query count does not grow: OK ({before} at {small:,}, {after} at {large:,})")
    if unstable:
        print("\nWarning: the query count varied between requests of the same page (see 'varies' above).")
    if grows:
        print("\nRun with --verbose to see the SQL of each query and find the repeated one.")
    return 1 if grows else 0


if __name__ == "__main__":
    sys.exit(main())
