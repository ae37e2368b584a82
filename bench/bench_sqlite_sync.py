"""Benchmark: what SQLite's synchronous=FULL costs a save, against NORMAL, on this machine's disk.

Run from the repository root:

    python bench/bench_sqlite_sync.py                 # 200 saves of each kind per setting, in a folder under instance/
    python bench/bench_sqlite_sync.py --saves 500 --folder /var/lib/practice   # on the disk production uses

For each setting it makes a fresh SQLite file (migrated, with the demo practice), logs in through the real forms,
and times saves through the app (Flask's test client: routing, the view, the form, the operation, the audit row
and the commit): a client's home log (`POST /me/log/<day>`, the pain changed each time so every save writes) and a
therapist's edit of a client record (`POST /clients/<id>/edit`); and, to show the sync alone, a bare commit of one
row through `sqlite3`. It prints the median and 95th-percentile time of a save and the saves per second.

In WAL mode, NORMAL syncs the log only at checkpoints, so the last acknowledged saves can roll back on a power cut
(SQLite's documentation, "PRAGMA synchronous"); FULL syncs the log at every commit. The file must be on the disk
being judged: a tmpfs would sync nothing. These are figures, not tests: the exit code is 0 whatever they are.
"""
from __future__ import annotations

import argparse
import sqlite3
import statistics
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

from bench.common import bench_config  # noqa: E402
from practice import create_app  # noqa: E402
from practice.cli import DEMO_CLIENT_LOGIN, DEMO_LOGINS, seed_demo  # noqa: E402
from practice.clients.models import Client  # noqa: E402
from practice.extensions import db  # noqa: E402

SETTINGS = ("NORMAL", "FULL")
KINDS = ("home log", "client edit", "bare commit")
WARMUP = 10


def demo_app(folder: Path, synchronous: str):
    """The app on a fresh, migrated SQLite file in `folder` holding the demo practice."""
    url = f"sqlite:///{folder / f'sync-{synchronous.lower()}.sqlite3'}"
    app = create_app({**bench_config(url), "SQLITE_SYNCHRONOUS": synchronous})
    with app.app_context():
        upgrade()
        seed_demo()
        db.session.commit()
    return app


def logged_in(app, email: str, password: str):
    """A test client logged in through the login form."""
    http = app.test_client()
    if http.post("/login", data={"email": email, "password": password}).status_code != 302:
        raise SystemExit(f"could not log in as {email}")
    return http


def home_log_saves(app):
    """A callable that saves one home log (today or up to six days back), each time with another pain score."""
    http = logged_in(app, *DEMO_CLIENT_LOGIN[1:3])
    count = iter(range(10**9))

    def save():
        n = next(count)
        day = date.today() - timedelta(days=n % 7)
        return http.post(f"/me/log/{day.isoformat()}", data={"pain": str(n % 11), "note": f"save {n}"})
    return save


def client_edit_saves(app):
    """A callable that saves one edit of a client record (the owner changes the phone number each time)."""
    owner = next(login for login in DEMO_LOGINS if login[3] == "owner")
    http = logged_in(app, owner[1], owner[2])
    with app.app_context():
        client = db.session.scalars(select(Client).order_by(Client.id)).first()
        form = {"first_name": client.first_name, "last_name": client.last_name,
                "date_of_birth": client.date_of_birth.isoformat(), "email": client.email or ""}
        path = f"/clients/{client.id}/edit"
        db.session.remove()
    count = iter(range(10**9))

    def save():
        return http.post(path, data={**form, "phone": f"07700 9{next(count):05d}"})
    return save


def bare_commits(folder: Path, synchronous: str):
    """A callable that commits one small row through sqlite3 in WAL mode: the sync without the app around it."""
    connection = sqlite3.connect(folder / f"bare-{synchronous.lower()}.sqlite3", isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute(f"PRAGMA synchronous={synchronous}")
    connection.execute("CREATE TABLE IF NOT EXISTS saves (id INTEGER PRIMARY KEY, note TEXT)")
    committed = type("Committed", (), {"status_code": 302})  # answers like a save that redirected

    def save():
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("INSERT INTO saves (note) VALUES ('a note of a few words')")
        connection.execute("COMMIT")
        return committed
    return save


def time_saves(save, saves: int) -> list[float]:
    """Seconds each of `saves` saves took (after a warm-up); every one must redirect, as a successful save does."""
    for _ in range(WARMUP):
        save()
    durations = []
    for _ in range(saves):
        started = time.perf_counter()
        response = save()
        durations.append(time.perf_counter() - started)
        if response.status_code != 302:
            raise SystemExit(f"a save answered {response.status_code}")
    return durations


def summary(durations: list[float]) -> tuple[float, float, float]:
    """Median ms, 95th-percentile ms, saves per second."""
    ordered = sorted(durations)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * len(ordered))) - 1)]
    return statistics.median(ordered) * 1000, p95 * 1000, len(ordered) / sum(ordered)


def main() -> None:
    """Measure both settings, both kinds of save, and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--saves", type=int, default=200, help="measured saves of each kind per setting")
    parser.add_argument("--folder", type=Path, default=ROOT / "instance",
                        help="where the SQLite files go: on the disk to judge (not a tmpfs)")
    arguments = parser.parse_args()
    arguments.folder.mkdir(parents=True, exist_ok=True)
    results = {}
    with tempfile.TemporaryDirectory(prefix="bench-sync-", dir=arguments.folder) as folder:
        for synchronous in SETTINGS:
            app = demo_app(Path(folder), synchronous)
            for kind, make_save in (("home log", home_log_saves), ("client edit", client_edit_saves)):
                results[synchronous, kind] = summary(time_saves(make_save(app), arguments.saves))
            results[synchronous, "bare commit"] = summary(time_saves(bare_commits(Path(folder), synchronous),
                                                                     arguments.saves))
            with app.app_context():
                db.engine.dispose()
    print(f"SQLite synchronous, {arguments.saves} saves each, files in {arguments.folder}")
    print(f"{'setting':<8} {'save':<12} {'median ms':>10} {'p95 ms':>8} {'saves/s':>8}")
    for (synchronous, kind), (median, p95, rate) in sorted(results.items(), key=lambda item: KINDS.index(item[0][1])):
        print(f"{synchronous:<8} {kind:<12} {median:>10.2f} {p95:>8.2f} {rate:>8.0f}")
    for kind in KINDS:
        normal, full = results["NORMAL", kind], results["FULL", kind]
        print(f"FULL against NORMAL, {kind}: median {full[0] - normal[0]:+.2f} ms "
              f"({full[0] / normal[0]:.2f}x), saves/s {full[2] / normal[2]:.2f}x")


if __name__ == "__main__":
    main()
