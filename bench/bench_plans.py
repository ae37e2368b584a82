"""Benchmark of the plan pages and the client page: time and SQL queries per request as a plan and its notes grow.

Run from the repository root:

    python bench/bench_plans.py            # the table, and whether query counts grow
    python bench/bench_plans.py --verbose  # also the SQL of every query of one request per page

For a plan of 5 and then 30 home steps it measures the plan page and its frozen version 1; for a client
with 5 and then 50 session notes (half signed, a few amended) it measures the client page. It prints
figures and asserts nothing about time. The target is a fixed number of SQL queries per request, whatever
the number of steps or notes; the exit code is 1 when a count grows, 0 otherwise.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import select  # noqa: E402

from bench.common import MEASURED, WARMUP, QueryCounter, bench_config, measure  # noqa: E402
from practice import create_app  # noqa: E402
from practice.accounts.operations import create_practice, create_user  # noqa: E402
from practice.clients.operations import create_client  # noqa: E402
from practice.extensions import db  # noqa: E402
from practice.intake import contraindications  # noqa: E402
from practice.intake.operations import create_intake, record_action  # noqa: E402
from practice.library.operations import practice_library, seed_library  # noqa: E402
from practice.notes.models import SessionAmendment
from practice.plans.models import PlanStep, SessionNote  # noqa: E402
from practice.plans.operations import activate, add_step, client_table, create_plan  # noqa: E402
from practice.notes.operations import amend_note, create_note  # noqa: E402

# Each run builds one database: (home steps in the plan, session notes of the client).
SIZES = ((5, 5), (30, 50))
SQL_CHARS = 150
OWNER_EMAIL = "owner@bench.example"
THERAPIST_EMAIL = "theo@bench.example"
PASSWORD = "bench-quiet-harbour-lantern-58"
AMEND_EVERY = 4  # every 4th note (they are signed: even positions) gets an amendment


def grow_plan(plan, client, therapist, steps: int) -> None:
    """Add home steps until the plan has `steps`, cycling through the home items not marked "avoid"."""
    table = client_table(client)
    usable = []
    for item in practice_library(client.practice_id, kind="home"):
        verdict = table.get(item.contraindication_key) if item.contraindication_key else None
        if verdict is None or verdict.level != contraindications.AVOID:
            usable.append(item)
    if not usable:
        raise SystemExit("no home library item is usable for the bench client")
    index = 0
    while len(plan.steps) < steps:
        item = usable[index % len(usable)]
        verdict = table.get(item.contraindication_key) if item.contraindication_key else None
        reason = ("Bench: discussed with the client" if verdict is not None
                  and verdict.level == contraindications.AVOID else None)
        add_step(plan, item, client, values={"minutes": 5 + index % 10, "frequency": "Once a day",
                                             "note": f"Step {index + 1}: go gently."},
                 override_reason=reason, seen_row_version=plan.row_version, actor=therapist)
        index += 1
    del plan.steps[steps:]  # the suggestion may have started with more than `steps`
    db.session.flush()


def add_notes(client, therapist, count: int) -> None:
    """`count` session notes, newest first in time; even positions signed, every AMEND_EVERY-th amended."""
    today = date.today()
    for index in range(count):
        signed = index % 2 == 0
        note = create_note(client, {
            "seen_on": today - timedelta(days=7 * index), "duration_minutes": 60,
            "subjective": f"Visit {index + 1}: lower back stiff in the morning.",
            "objective": "Tight paraspinals, full range of movement.",
            "assessment": "Improving.", "plan_text": "Continue the home routine.",
            "techniques": ["swedish", "myofascial_release"], "pain_before": 6 - index % 4, "pain_after": 3,
        }, actor=therapist, sign=signed)
        if signed and index % AMEND_EVERY == 0:
            amend_note(note, f"Amendment to visit {index + 1}: the client reported a headache afterwards.",
                       actor=therapist)


def build_database(app, steps: int, notes: int) -> dict:
    """Migrate, create the practice, its staff, the library, one client with intake, plan and notes."""
    with app.app_context():
        upgrade()
        practice = create_practice(practice_name="Bench Massage", owner_name="Olivia Owner",
                                   owner_email=OWNER_EMAIL, owner_password=PASSWORD)
        owner = next(user for user in practice.users if user.role == "owner")
        therapist = create_user(practice, name="Theo Therapist", email=THERAPIST_EMAIL, password=PASSWORD,
                                role="therapist")
        seed_library()
        client = create_client(practice.id, {"first_name": "Amira", "last_name": "Hassan",
                                             "date_of_birth": date(1985, 5, 17), "email": "amira@bench.example"},
                               therapist=therapist, actor=owner)
        intake = create_intake(client, {}, actor=therapist)
        record_action(intake, advice="Reviewed in person", referred_to=None, acted_on=date.today(), actor=therapist)
        plan = create_plan(client, intake, actor=therapist)
        grow_plan(plan, client, therapist, steps)
        activate(plan, client, seen_row_version=plan.row_version, actor=therapist)
        add_notes(client, therapist, notes)
        db.session.commit()
        facts = {
            "client_id": client.id, "plan_id": plan.id,
            "steps": db.session.scalar(select(db.func.count()).select_from(PlanStep)
                                       .where(PlanStep.plan_id == plan.id)),
            "distinct_items": db.session.scalar(select(db.func.count(PlanStep.library_item_id.distinct()))
                                                .where(PlanStep.plan_id == plan.id)),
            "notes": db.session.scalar(select(db.func.count()).select_from(SessionNote)
                                       .where(SessionNote.client_id == client.id)),
            "amendments": db.session.scalar(select(db.func.count()).select_from(SessionAmendment)),
        }
        db.session.remove()
    return facts


def run_size(steps: int, notes: int, workdir: Path, verbose: bool) -> dict[str, dict]:
    """Build a database with a plan of `steps` steps and `notes` notes, and measure every page on it."""
    url = f"sqlite:///{workdir / f'bench-plans-{steps}-{notes}.sqlite3'}"
    app = create_app(bench_config(url))
    started = time.perf_counter()
    facts = build_database(app, steps, notes)
    print(f"  plan of {facts['steps']} steps ({facts['distinct_items']} different library items), "
          f"{facts['notes']} session notes ({facts['amendments']} amendments): built in "
          f"{(time.perf_counter() - started) * 1000:.0f} ms", flush=True)
    with app.app_context():
        counter = QueryCounter(db.engine)
    http = app.test_client()
    response = http.post("/login", data={"email": THERAPIST_EMAIL, "password": PASSWORD})
    if response.status_code != 302:
        raise SystemExit(f"login answered {response.status_code}, expected a redirect")
    client_id, plan_id = facts["client_id"], facts["plan_id"]
    pages = {
        "plan page": (f"{steps} steps", f"/clients/{client_id}/plans/{plan_id}"),
        "version page": (f"{steps} steps", f"/clients/{client_id}/plans/{plan_id}/versions/1"),
        "client page": (f"{notes} notes", f"/clients/{client_id}"),
    }
    results = {}
    for name, (size, path) in pages.items():
        result = measure(http, counter, path)
        result.update(path=path, size=size)
        results[name] = result
        if verbose:
            print(f"\n  -- {name}, {size} ({path}): {len(result['sql'])} queries in the last request")
            for number, statement in enumerate(result["sql"], 1):
                print(f"  [{number}] " + " ".join(statement.split())[:SQL_CHARS])
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

    print(f"Plan and client pages: {WARMUP} warm-up + {MEASURED} measured requests per page, "
          "logged in as the client's therapist.")
    runs: list[dict[str, dict]] = []
    with tempfile.TemporaryDirectory(prefix="practice-bench-") as tmp:
        for steps, notes in SIZES:
            runs.append(run_size(steps, notes, Path(tmp), args.verbose))

    print()
    header = f"{'page':<14} {'size':>9} {'queries/request':>15} {'median ms':>10} {'p95 ms':>8}"
    print(header)
    print("-" * len(header))
    unstable = False
    for name in runs[0]:
        for results in runs:
            result = results[name]
            counts = set(result["counts"])
            if len(counts) == 1:
                shown = str(result["counts"][0])
            else:
                unstable = True
                shown = f"{min(counts)}-{max(counts)} (varies)"
            print(f"{name:<14} {result['size']:>9} {shown:>15} {result['median_ms']:>10.1f} "
                  f"{result['p95_ms']:>8.1f}")

    print()
    grows = False
    small, large = runs[0], runs[-1]
    for name in small:
        before, after = max(small[name]["counts"]), max(large[name]["counts"])
        sizes = small[name]["size"], large[name]["size"]
        if after > before:
            grows = True
            print(f"{name:<14} GROWS: {before} queries at {sizes[0]}, {after} at {sizes[1]}")
        else:
            print(f"{name:<14} fixed number of queries: OK ({before} at {sizes[0]}, {after} at {sizes[1]})")
    if unstable:
        print("\nWarning: the query count varied between requests of the same page (see 'varies' above).")
    if grows:
        print("\nRun with --verbose to see the SQL of each query and find the repeated one.")
    return 1 if grows else 0


if __name__ == "__main__":
    sys.exit(main())
