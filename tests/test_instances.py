"""Two app instances (gunicorn, one worker each) over one PostgreSQL and one Redis behave as one site.

Nothing may live only in one process: a login made on one instance works on the other, failed logins on both
count toward one limit, and a handout PDF rendered by one is served by the other from the shared cache.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import requests
from sqlalchemy import func, select

from practice.extensions import db
from practice.handouts.models import RenderedHandout
from tests.support.helpers import audit_events
from tests.support.world import PASSWORD
from tests.support.gunicorn import dockerfile_gunicorn_args, free_port, wait_until_listening

ROOT = Path(__file__).resolve().parent.parent
LOGIN_LIMIT = 4
SHARED_SECRET_KEY = "one-secret-key-shared-by-every-instance-of-the-site"
# Several instances share one database: they run on PostgreSQL whatever PRACTICE_TEST_BACKENDS says, with real
# commits that the gunicorn processes see.
pytestmark = [pytest.mark.parametrize("backend", ["postgresql"], indirect=True), pytest.mark.committed]


class Processes:
    """Processes started for the module, with their output in files; stopped together."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.running: list[subprocess.Popen] = []

    def start(self, name: str, args: list[str], port: int, env: dict | None = None) -> None:
        """Start `args` and wait until it listens on `port`."""
        log = self.folder / f"{name}.log"
        process = subprocess.Popen(args, cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)
        self.running.append(process)
        wait_until_listening(port, process, log)

    def stop(self) -> None:
        """Stop every process started here."""
        for process in self.running:
            process.terminate()
        for process in self.running:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


@pytest.fixture(scope="module")
def redis_port(tmp_path_factory):
    """A throwaway Redis server without persistence, for the module."""
    if shutil.which("redis-server") is None:
        pytest.fail("redis-server is not installed: bin/install-system-packages installs Debian's package")
    folder = tmp_path_factory.mktemp("redis")
    port = free_port()
    processes = Processes(folder)
    processes.start("redis", ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                              "--appendonly", "no", "--dir", str(folder)], port)
    yield port
    processes.stop()


@pytest.fixture(scope="module")
def instances(worker_databases, redis_port, tmp_path_factory) -> tuple[str, str]:
    """Two app instances on different ports: same SECRET_KEY, same PostgreSQL, same Redis."""
    folder = tmp_path_factory.mktemp("instances")
    env = {**os.environ, "PRACTICE_ENV": "development", "FLASK_DEBUG": "", "SECRET_KEY": SHARED_SECRET_KEY,
           "DATABASE_URL": worker_databases.committed("postgresql").url, "RATELIMIT_STORAGE_URI": f"redis://127.0.0.1:{redis_port}/0",
           "LOGIN_RATE_LIMIT": f"{LOGIN_LIMIT} per minute", "MAIL_OUTBOX_DIR": str(folder / "outbox"),
           # Behind one proxy every instance prints the same portal address on handouts (part of the cache key).
           "PORTAL_URL": "https://clinic.example/me"}
    processes = Processes(folder)
    ports = [free_port(), free_port()]
    for name, port in zip(("first", "second"), ports):
        processes.start(name, dockerfile_gunicorn_args(port), port, env)
    yield tuple(f"http://127.0.0.1:{port}" for port in ports)
    processes.stop()


@pytest.fixture
def site(instances, redis_port, world):
    """The two instances, with the rate-limit counters of earlier tests cleared and the world's data in place."""
    import redis

    redis.Redis(port=redis_port).flushdb()
    return instances


def _csrf_token(browser: requests.Session, url: str) -> str:
    page = browser.get(url, timeout=30)
    assert page.status_code == 200, page.text[:500]
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text).group(1)


def _login(browser: requests.Session, base: str, email: str, password: str, token: str) -> requests.Response:
    return browser.post(f"{base}/login", data={"email": email, "password": password, "csrf_token": token},
                        allow_redirects=False, timeout=30)


def test_a_login_made_on_one_instance_works_on_the_other(site, world):
    first, second = site
    browser = requests.Session()
    token = _csrf_token(browser, f"{first}/login")
    assert _login(browser, first, world.owner.email, PASSWORD, token).status_code == 302
    dashboard = browser.get(f"{second}/", allow_redirects=False, timeout=30)
    assert dashboard.status_code == 200 and world.owner.name in dashboard.text
    assert requests.get(f"{second}/", allow_redirects=False, timeout=30).status_code == 302  # not without the cookie
    # Logging out on the second instance ends the session on the first too.
    logout = browser.post(f"{second}/logout", data={"csrf_token": _csrf_token(browser, f"{second}/")},
                          allow_redirects=False, timeout=30)
    assert logout.status_code == 302
    assert browser.get(f"{first}/", allow_redirects=False, timeout=30).status_code == 302


def test_failed_logins_on_both_instances_count_toward_one_limit(site, redis_port):
    import redis

    first, second = site
    browser = requests.Session()
    token = _csrf_token(browser, f"{first}/login")  # the cookie and token are valid on both instances

    def attempt(base: str) -> requests.Response:
        return _login(browser, base, "nobody@example.com", "wrong-password-again", token)

    spread = [attempt(base) for base in (first, second) * (LOGIN_LIMIT // 2)]
    assert [response.status_code for response in spread] == [400] * LOGIN_LIMIT
    assert all("do not match an active account" in response.text for response in spread)
    # Each instance has seen only half the limit, yet both refuse: the count is kept in Redis.
    assert attempt(first).status_code == 429 and attempt(second).status_code == 429
    assert redis.Redis(port=redis_port).keys("LIMITS*")


def test_a_handout_rendered_by_one_instance_is_served_by_the_other_from_the_cache(site, world):
    first, second = site
    browser = requests.Session()
    token = _csrf_token(browser, f"{first}/login")
    assert _login(browser, first, world.owner.email, PASSWORD, token).status_code == 302
    path = f"/clients/{world.record.id}/plans/{world.plan.id}/versions/1/handout.pdf"
    rendered = browser.get(f"{first}{path}", timeout=60)
    assert rendered.status_code == 200 and rendered.content.startswith(b"%PDF")
    assert db.session.scalar(select(func.count()).select_from(RenderedHandout)) == 1
    served = browser.get(f"{second}{path}", timeout=60)
    assert served.status_code == 200 and served.content == rendered.content
    assert db.session.scalar(select(func.count()).select_from(RenderedHandout)) == 1
    downloads = [event.detail for event in audit_events("handout.download")]
    assert downloads == ["version 1, standard", "version 1, standard, cached"]
