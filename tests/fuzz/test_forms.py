"""Property-based fuzzing of every form: random and hostile posts never get a 5xx, and never lose saved work.

For each POST route (a route without an entry in `FORMS` fails the suite), Hypothesis posts its real fields with
random and hostile values (too long, unicode, control characters, RTL marks, emoji, HTML, SQL-looking text,
numbers out of range, impossible dates, invalid UTF-8, missing and repeated fields, ids of other practices'
records), in the URL and in the form, as the actor who may use the form. Every answer must be:

- never a 5xx;
- a refusal (4xx, or a redirect with an error message) shows its message, and changes nothing already saved;
- an id out of the actor's reach changes nothing and is never answered as a success;
- a success saved only valid data (each route's `accepted` check, column limits, no NUL), and nothing of the
  other practice;
- a form page answered 2xx shows no field error: refused forms answer 400.
"""
from __future__ import annotations

import os
from datetime import date
from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select
from werkzeug.datastructures import MultiDict
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from practice.accounts.models import LoginSource, User
from practice.extensions import db
from practice.library.operations import create_item
from practice.notes.operations import create_note
from practice.plans.models import PlanVersion
from practice.plans.operations import create_plan
from practice.plans.operations import snapshot as frozen_plan
from practice.portal.operations import create_invitation
from tests.fuzz import snapshot
from tests.fuzz.forms_table import FORMS, FormFuzz, Outcome, Same
from tests.fuzz.strategies import Example, Later, examples
from tests.support.helpers import login

FORM_TYPE = "application/x-www-form-urlencoded"
# Moderate by default so the module stays quick; PRACTICE_FUZZ_SCALE=10 runs ten times as many examples.
EXAMPLES_SCALE = int(os.environ.get("PRACTICE_FUZZ_SCALE", "1"))
# What a page that refuses something shows: field errors, the error summary, an error flash, an error page.
MESSAGE_MARKERS = ('class="error-message"', 'class="error-summary"', 'class="flash flash-error"',
                   'class="error-page"')
# The invitation pages say in words why a link no longer works (404 and 410).
INVITATION_REFUSALS = ("This invitation link is not valid", "This invitation has already been used",
                       "This invitation has expired", "This invitation is no longer valid")


def post_routes(app) -> set[str]:
    """Every endpoint that accepts a POST."""
    return {rule.endpoint for rule in app.url_map.iter_rules() if "POST" in rule.methods}


def test_every_post_route_is_fuzzed(app):
    """A new form without a fuzz entry fails here, like a route without a row in the access table."""
    assert post_routes(app) - FORMS.keys() == set(), "add these POST routes to FORMS in tests/fuzz/forms_table.py"
    assert FORMS.keys() - post_routes(app) == set(), "these FORMS entries name routes that no longer exist"


@pytest.fixture
def fuzz_world(world):
    """The shared world, plus what some forms act on: another practice's plan, note and invitation, an item of
    the practice's own, a signed note."""
    other_steps = {"name": "Other clinic stretch", "kind": "home", "steps": ["Stretch"]}
    world.own_item = create_item(world.practice.id, {**other_steps, "name": "Our own stretch"}, actor=world.owner)
    world.other_plan = create_plan(world.other_record, world.other_intake, actor=world.other_therapist)
    db.session.flush()
    world.other_step = world.other_plan.steps[0]
    world.other_version = PlanVersion(plan=world.other_plan, number=1, created_by_id=world.other_therapist.id,
                                      content=frozen_plan(world.other_plan, world.other_record).to_json())
    db.session.add(world.other_version)
    world.other_note = create_note(world.other_record, {"seen_on": date.today(), "subjective": "Theirs"},
                                   actor=world.other_therapist)
    world.signed_note = create_note(world.record, {"seen_on": date.today(), "subjective": "Signed"},
                                    actor=world.therapist, sign=True)
    world.other_record.email = "olga@example.com"
    _, world.other_invitation_token = create_invitation(world.other_record, actor=world.other_therapist, days=7)
    db.session.commit()
    world.password_hashes = {user.id: user.password_hash for user in db.session.scalars(select(User))}
    return world


def _restore_logins(world, actor: User | None) -> None:
    """Undo what earlier examples did to logins: changed passwords, lockouts, and a deactivated actor."""
    for user in db.session.scalars(select(User).where(User.id.in_(world.password_hashes))):
        user.password_hash = world.password_hashes[user.id]
    db.session.execute(delete(LoginSource))  # failure counts and locks
    if actor is not None:
        actor.is_active = True


def _resolve(value, world, chosen: dict) -> str | bytes:
    if isinstance(value, Later):
        return value.read(world)
    if isinstance(value, Same):
        return chosen.get(value.name, "")
    return value


class UnlimitedRequest(Request):
    """Decodes a post the way the app does, without the app's size cap (a post over it is the app's to refuse)."""

    max_form_memory_size = None
    max_form_parts = None


def _body(pairs: list, world) -> tuple[bytes, MultiDict]:
    """The urlencoded body exactly as posted (invalid UTF-8 included) and the values as the app decodes them."""
    # A value typed again (a password confirmation) copies the first value of its field, wherever that comes.
    firsts = {}
    for name, value in pairs:
        if not isinstance(value, Same):
            firsts.setdefault(name, _resolve(value, world, {}))
    resolved = [(name, _resolve(value, world, firsts)) for name, value in pairs]
    body = urlencode(resolved, quote_via=quote).encode("ascii")
    decoded = UnlimitedRequest(EnvironBuilder(method="POST", data=body, content_type=FORM_TYPE).get_environ()).form
    return body, decoded


def _flashed_errors(browser) -> list[str]:
    with browser.session_transaction() as session:
        return [message for category, message in session.get("_flashes", []) if category == "error"]


class Browser:
    """The actor's browser: logged in once, or afresh for each post on routes that may end the session."""

    def __init__(self, app, world, spec: FormFuzz):
        self.app, self.world, self.spec, self._kept = app, world, spec, None
        self.actor = world.actor(spec.actor)

    def ready(self):
        """A browser logged in as the actor (anonymous for login and invitation pages), with no message pending."""
        _restore_logins(self.world, self.actor)
        self.spec.prepare(self.world)
        db.session.commit()
        if self._kept is not None and not self.spec.ends_session:
            with self._kept.session_transaction() as session:
                session.pop("_flashes", None)  # a message left by the previous example is not this post's
            return self._kept
        browser = self.app.test_client()
        if self.actor is not None:
            login(browser, self.actor)
        self._kept = browser
        return browser


def post_once(browser: Browser, example: Example) -> Outcome:
    """Put the records in shape, post as the actor, and say what changed."""
    world, spec = browser.world, browser.spec
    client = browser.ready()
    places = {name: _resolve(value, world, {}) for name, value in example.places.items()}
    body, posted = _body(example.pairs, world)
    before = snapshot.take()
    response = client.post(spec.path.format(**places), data=body, content_type=FORM_TYPE)
    return Outcome(world, client, places, posted, response, snapshot.Changes(before, snapshot.take()))


def check(outcome: Outcome, spec: FormFuzz, out_of_reach: bool) -> None:
    """The promises every answer to a hostile post keeps."""
    response, changes = outcome.response, outcome.changes
    status = response.status_code
    page = response.get_data(as_text=True) if response.mimetype == "text/html" else ""
    assert status < 500, f"{status} for {outcome.posted}"
    refused = status >= 400 or (300 <= status < 400 and _flashed_errors(outcome.browser))
    if status >= 400 and page:
        assert any(marker in page for marker in MESSAGE_MARKERS + INVITATION_REFUSALS), \
            f"a {status} page without a message"
    if 200 <= status < 300 and page:
        assert 'class="error-message"' not in page, "a form refused with field errors must answer 400, not 200"
    if refused or out_of_reach:
        what = "a post with an id out of reach" if out_of_reach else "a refused post"
        assert not changes, f"{what} ({status}) changed saved data: {changes.describe()}"
    if out_of_reach:
        assert not 200 <= status < 300, f"a record out of reach answered {status}"
        return
    if refused:
        return
    assert snapshot.limit_breaches(changes) == []
    owners = snapshot.practice_of_rows({**changes.before, **changes.after})
    touched = [(table, row["id"]) for table, row in changes.touched_rows() + changes.removed]
    assert all(owners.get(key) != outcome.world.other_practice.id for key in touched), \
        f"a post changed another practice's data: {changes.describe()}"
    spec.accepted(outcome)


@pytest.mark.parametrize("endpoint", sorted(FORMS))
def test_hostile_posts_never_fail_and_never_lose_saved_work(app, fuzz_world, endpoint):
    spec = FORMS[endpoint]
    browser = Browser(app, fuzz_world, spec)
    forbidden = st.sampled_from([str(fuzz_world.other_practice.id), str(fuzz_world.other_record.id), "owner", "1"])

    @settings(max_examples=spec.max_examples * EXAMPLES_SCALE, deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                     HealthCheck.data_too_large])
    @given(example=examples(spec.places(fuzz_world), spec.fields(fuzz_world), forbidden))
    def fuzz(example):
        check(post_once(browser, example), spec, out_of_reach=example.out_of_reach)

    fuzz()


def test_a_nul_character_in_any_form_is_refused_before_any_view(app, client, fuzz_world):
    """PostgreSQL cannot store NUL; every form refuses it with a 400 page, and nothing is saved."""
    login(client, fuzz_world.therapist)
    before = snapshot.take()
    for path in ("/clients/new", f"/clients/{fuzz_world.record.id}/edit", "/library/new",
                 f"/clients/{fuzz_world.record.id}/sessions/new"):
        response = client.post(path, data={"first_name": "A\x00", "last_name": "B", "name": "x\x00",
                                           "steps": "one", "seen_on": date.today().isoformat()})
        assert response.status_code == 400 and b'class="error-page"' in response.data, path
    assert not snapshot.Changes(before, snapshot.take())


ORDINARY_POSTS = {
    "clients.new": {"first_name": "Nia", "last_name": "Quinn"},
    "library.new": {"name": "Calf stretch", "kind": "home", "steps": "Stretch"},
    "intake.action": {"advice": "Rest", "acted_on": date.today().isoformat()},
    "notes.amend": {"text": "Amended"},
    "portal_staff.review": {"note": "Called"},
    "portal_staff.assign_form": {"kind": "psfs"},
    "portal.log_day": {"pain": "3", "note": "Fine"},
}


@pytest.mark.parametrize("endpoint", sorted(ORDINARY_POSTS))
def test_an_ordinary_post_passes_the_same_checks(app, fuzz_world, endpoint):
    """Guards the fuzz itself: an ordinary post is accepted, saves something, and passes every check."""
    spec = FORMS[endpoint]
    places = {name: place.own[0] for name, place in spec.places(fuzz_world).items()}
    example = Example(places, list(ORDINARY_POSTS[endpoint].items()), out_of_reach=False)
    outcome = post_once(Browser(app, fuzz_world, spec), example)
    assert outcome.response.status_code == 302 and outcome.changes, outcome.response.status_code
    check(outcome, spec, out_of_reach=False)
