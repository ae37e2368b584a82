"""A full disk: records stay closed while their access cannot be audited, and everyone is told why.

The disk is made full by refusing every write with the database's own "disk full" error (tests/support/faults.py),
on SQLite and on PostgreSQL. A page that would show a record answers the app's own 503 page saying the disk is
full (failing closed is right: every look at a record must be audited); the login page and static files are still
served; a form posted meanwhile says honestly that it was not saved; commands say so without a traceback; and the
owner sees the free space on the dashboard, with a warning before it runs out.
"""
from __future__ import annotations

import html
import re
import shutil
from datetime import date

import pytest
from sqlalchemy import func, select

from practice.extensions import db
from practice.portal.models import HomeLog
from tests.support.faults import disk_full
from tests.support.helpers import login, text_of

CANNOT_SAVE = "The server cannot save anything right now"
NOT_SAVED = "What you just sent was not saved"
#: a threshold no disk reaches (a million terabytes), and one every disk passes
ALWAYS_LOW_MB, NEVER_LOW_MB = 10**12, 0


@pytest.fixture
def served(make_app):
    """The app as production serves it: an error at the request's commit reaches the error pages."""
    return make_app(PROPAGATE_EXCEPTIONS=False)


@pytest.fixture
def full_disk(app):
    """Enter it to fill the disk: every write of the test's database then fails as on a full disk."""
    return disk_full(db.engine)


def _page(response) -> str:
    return html.unescape(text_of(response))


def _assert_disk_full_page(response, *, was_a_save: bool = False) -> None:
    page = _page(response)
    assert response.status_code == 503, page[:300]
    assert response.headers["Retry-After"] == "300"
    assert CANNOT_SAVE in page and "disk is full" in page
    assert "Internal Server Error" not in page and "Something went wrong" not in page
    assert (NOT_SAVED in page) == was_a_save


def test_with_the_disk_full_a_client_record_is_refused_with_a_503_that_says_why(served, world, full_disk):
    browser = served.test_client()
    login(browser, world.therapist)
    with full_disk:
        _assert_disk_full_page(browser.get(f"/clients/{world.record.id}"))  # its view could not be audited
        _assert_disk_full_page(browser.post(f"/clients/{world.record.id}/edit",
                                            data={"first_name": "Amira", "last_name": "Changed"}), was_a_save=True)
    assert world.record.last_name == "Hassan"


def test_with_the_disk_full_the_login_page_and_static_files_are_still_served(served, world, full_disk):
    browser = served.test_client()
    with full_disk:
        login_page = browser.get("/login")
        assert login_page.status_code == 200 and "Log in" in _page(login_page)
        assert browser.get("/static/css/app.css").status_code == 200
        # Logging in writes its audit row: refused, and said so.
        _assert_disk_full_page(browser.post("/login", data={"email": world.therapist.email,
                                                            "password": "tranquil-maple-orbit-42"}), was_a_save=True)


def test_a_day_log_sent_while_the_disk_is_full_is_reported_not_saved_and_kept_on_the_device(served, world,
                                                                                            full_disk):
    browser = served.test_client()
    login(browser, world.client_user)
    form = _page(browser.get("/me"))
    assert 'class="log-form" data-keep-draft' in form  # form-draft.js keeps what is typed until a save succeeds
    with full_disk:
        response = browser.post(f"/me/log/{date.today().isoformat()}", data={"pain": "3", "note": "Tight today"})
    _assert_disk_full_page(response, was_a_save=True)
    assert "Nothing you entered before this was lost" not in _page(response)
    assert "it still holds what you typed on this device" in _page(response)
    logged_today = select(func.count()).select_from(HomeLog).where(HomeLog.client_id == world.record.id,
                                                                    HomeLog.logged_on == date.today())
    assert db.session.scalar(logged_today) == 0


def test_any_other_failed_save_says_what_was_not_saved(make_app, world):
    app = make_app(PROPAGATE_EXCEPTIONS=False)

    @app.post("/failing-save")
    def failing_save():
        raise RuntimeError("a bug while saving")

    browser = app.test_client()
    login(browser, world.therapist)
    page = _page(browser.post("/failing-save"))
    assert "Something went wrong on our side" in page and NOT_SAVED in page
    assert "Nothing you entered before this was lost" not in page


def test_a_command_on_a_full_disk_says_so_without_a_traceback(app, full_disk):
    with full_disk:
        result = app.test_cli_runner().invoke(args=[
            "create-practice", "--name", "Harbour Clinic", "--owner-name", "Hana Owner",
            "--owner-email", "hana@harbour.example", "--owner-password", "tidal-pools-at-noon"])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert "Stopped: the database's disk is full (" in result.output
    assert "Traceback" not in result.output


def test_the_owner_sees_the_free_disk_space_and_is_warned_before_it_runs_out(make_app, world, database_url,
                                                                             backend):
    quiet, warned = make_app(DISK_WARNING_MB=NEVER_LOW_MB), make_app(DISK_WARNING_MB=ALWAYS_LOW_MB)
    folder = database_url.removeprefix("sqlite:///").rsplit("/", 1)[0] if backend == "sqlite" else quiet.instance_path

    owner = quiet.test_client()
    login(owner, world.owner)
    page = _page(owner.get("/"))
    shown = re.search(r"Free disk space for the practice's data: <strong>([\d.]+) (MB|GB)</strong>", page)
    assert shown, page
    free_bytes = float(shown.group(1)) * {"MB": 10**6, "GB": 10**9}[shown.group(2)]
    # Others write on this disk meanwhile: the figure is right to within a few per cent.
    assert free_bytes == pytest.approx(shutil.disk_usage(folder).free, rel=0.05)
    assert "The server's disk is nearly full" not in page

    owner = warned.test_client()
    login(owner, world.owner)
    page = _page(owner.get("/"))
    assert "The server's disk is nearly full:" in page and "nothing can be saved" in page

    therapist = warned.test_client()
    login(therapist, world.therapist)
    page = _page(therapist.get("/"))
    assert "disk" not in page.lower()
