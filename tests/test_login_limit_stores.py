"""The login rate limit under gunicorn with several workers, whatever its store does.

Issue 16: with a Redis that accepts connections and never answers, each login hung until gunicorn killed the worker
(31 s, then a 500), and two such logins took both workers, so even the login form timed out for everyone.
"""
from __future__ import annotations

import os
import re
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.support.gunicorn import gunicorn_serving
from tests.support.silent_server import SilentServer

# The store is what these tests are about, not the database: SQLite, with real commits the workers see.
pytestmark = [pytest.mark.committed, pytest.mark.parametrize("backend", ["sqlite"], indirect=True)]

SECRET_KEY = "a-secret-key-for-the-login-limit-store-tests"
#: how long a test waits for any answer: far past the store's time-out, far short of gunicorn's 30 s
NO_ANSWER_AFTER_SECONDS = 10
NO_ANSWER = "no answer"


def _environment(database_url: str, tmp_path, **settings: str) -> dict:
    return {**os.environ, "PRACTICE_ENV": "development", "FLASK_DEBUG": "", "SECRET_KEY": SECRET_KEY,
            "DATABASE_URL": database_url, "MAIL_OUTBOX_DIR": str(tmp_path / "outbox"), **settings}


class Browser:
    """One browser: its cookie and CSRF token, shared by requests sent at once, each on its own connection."""

    def __init__(self, base: str):
        self.base = base
        self._session = requests.Session()
        page = self._session.get(f"{base}/login", timeout=NO_ANSWER_AFTER_SECONDS)
        self.token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text).group(1)

    def _tab(self) -> requests.Session:
        tab = requests.Session()
        tab.cookies.update(self._session.cookies)
        return tab

    def wrong_login(self) -> int | str:
        """The status of a login with a wrong password, or NO_ANSWER."""
        data = {"email": "nobody@example.com", "password": "not-the-password", "csrf_token": self.token}
        return self._answer(lambda tab: tab.post(f"{self.base}/login", data=data, allow_redirects=False,
                                                 timeout=NO_ANSWER_AFTER_SECONDS))

    def login_form(self) -> int | str:
        """The status of the login form, or NO_ANSWER."""
        return self._answer(lambda tab: tab.get(f"{self.base}/login", timeout=NO_ANSWER_AFTER_SECONDS))

    def _answer(self, send) -> int | str:
        with self._tab() as tab:
            try:
                return send(tab).status_code
            except requests.exceptions.RequestException:
                return NO_ANSWER

    def at_once(self, *requests_to_send) -> list[int | str]:
        """Send the requests together (each a method of this browser); their answers in the same order."""
        with ThreadPoolExecutor(len(requests_to_send)) as pool:
            return list(pool.map(lambda send: send(), requests_to_send))


def test_a_frozen_redis_holds_no_login_and_the_limit_still_holds(database_url, tmp_path):
    limit = 3
    with SilentServer() as frozen_redis:
        env = _environment(database_url, tmp_path, LOGIN_RATE_LIMIT=f"{limit} per minute",
                           RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{frozen_redis.port}/0")
        with gunicorn_serving(env, tmp_path / "gunicorn.log", workers=2) as base:
            browser = Browser(base)
            first = browser.at_once(*[browser.wrong_login] * 4, browser.login_form)
            assert first == [400, 400, 400, 400, 200], "every login and the form answer, none hangs or fails"
            # Each worker now counts in its own memory until Redis answers again: still a limit, never none.
            later = [browser.wrong_login() for _ in range(2 * limit + 1 - 4)]
            assert set(later) <= {400, 429} and 429 in later
