"""How long the login form takes to answer on each path, with the production password hash (issue 16, item 5).

Prints the median and spread of the answer time for: an unknown address, a wrong password, the right password,
an account locked out of this address (right and wrong password), an inactive account, and an address with
accounts in two practices. With the same work on every path the medians agree within the noise; before issue 16
a locked account answered in ~10 ms and the others in ~140-290 ms.

    python bench/bench_login_timing.py [--rounds 15]

It talks to the app only through POST /login (Flask's test client), so it runs unchanged against older code.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade  # noqa: E402

from bench.common import bench_config  # noqa: E402
from practice import create_app  # noqa: E402
from practice.accounts.models import User  # noqa: E402
from practice.accounts.operations import create_practice, create_user  # noqa: E402
from practice.extensions import db  # noqa: E402

PASSWORD = "bench-login-timing-words"
WRONG = "not-the-password-at-all"


def _build(folder: Path, rounds: int):
    # The production hash (Werkzeug's scrypt default), not the cheap one the other benchmarks use.
    config = {**bench_config(f"sqlite:///{folder / 'bench.sqlite3'}"), "PASSWORD_HASH_METHOD": "scrypt"}
    app = create_app(config)
    with app.app_context():
        upgrade()
        first = create_practice(practice_name="First", owner_name="Owner One", owner_email="owner@first.example",
                                owner_password=PASSWORD)
        # A wrong password is tried on a fresh account each round, so that no lock is ever reached on that path.
        wrong = [f"wrong{n}@first.example" for n in range(rounds)] + [f"twice{n}@first.example" for n in range(rounds)]
        for email in ("right@first.example", "locked@first.example", "inactive@first.example", *wrong):
            create_user(first, name="Theo Bench", email=email, password=PASSWORD, role="therapist")
        db.session.commit()
        second = create_practice(practice_name="Second", owner_name="Owner Two", owner_email="owner@second.example",
                                 owner_password=PASSWORD)
        try:  # one address in two practices (refused before issue 16, item 6)
            for n in range(rounds):
                create_user(second, name="Theo Bench", email=f"twice{n}@first.example", password=PASSWORD,
                            role="client")
            db.session.commit()
            two_practices = True
        except Exception:  # noqa: BLE001 - the older schema refuses it; the path is then left out
            db.session.rollback()
            two_practices = False
        db.session.scalars(db.select(User).where(User.email == "inactive@first.example")).first().is_active = False
        db.session.commit()
    return app, two_practices


def _time(client, email: str, password: str) -> float:
    started = time.perf_counter()
    client.post("/login", data={"email": email, "password": password})
    return (time.perf_counter() - started) * 1000


def main() -> None:
    """Build a practice, lock one account out of this address, and time each path of the login form."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    rounds = parser.parse_args().rounds
    with tempfile.TemporaryDirectory() as folder:
        app, two_practices = _build(Path(folder), rounds)
        client = app.test_client()
        for _ in range(5):
            client.post("/login", data={"email": "locked@first.example", "password": WRONG})
        paths = {
            "unknown address": lambda n: ("nobody@first.example", WRONG),
            "wrong password": lambda n: (f"wrong{n}@first.example", WRONG),
            "right password": lambda n: ("right@first.example", PASSWORD),
            "locked, right password": lambda n: ("locked@first.example", PASSWORD),
            "locked, wrong password": lambda n: ("locked@first.example", WRONG),
            "inactive, right password": lambda n: ("inactive@first.example", PASSWORD),
        }
        if two_practices:
            paths["address in two practices, wrong"] = lambda n: (f"twice{n}@first.example", WRONG)
        times = {name: [] for name in paths}
        for n in range(rounds):  # interleaved, so a busy moment of the machine falls on every path alike
            for name, credentials in paths.items():
                fresh = app.test_client() if name == "right password" else client  # stays logged out
                times[name].append(_time(fresh, *credentials(n)))
        print(f"login answer time, production scrypt, {rounds} rounds (ms)")
        print(f"{'path':34} {'median':>8} {'min':>8} {'max':>8}")
        for name, values in times.items():
            print(f"{name:34} {statistics.median(values):8.1f} {min(values):8.1f} {max(values):8.1f}")


if __name__ == "__main__":
    main()
