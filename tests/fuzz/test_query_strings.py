"""Fuzzing of query strings: every page answers any query string without a 5xx.

Each page that reads its query string gets every edge value of every parameter it reads, one at a time; every GET
route of the access table also gets random mixes (Hypothesis) of all the parameters the app reads, and names it
never reads. Each is opened by an actor allowed to see it. Every answer must be below 500, and a 4xx page must say
why. Before issue 16, `?page=99999999999999999999` on the client list and the audit log, and `?until=9999-12-31`
on the audit log and its CSV, were 500s.
"""
from __future__ import annotations

import ast
import os
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from wtforms.fields.core import UnboundField

from tests.fuzz.query_table import QUERY_PARAMETERS, ROUTE_PARAMETERS, edge_cases, examples_for, query_strings
from tests.support.access_table import ACTORS, ROUTES, url_values
from tests.support.helpers import login

EXAMPLES_SCALE = int(os.environ.get("PRACTICE_FUZZ_SCALE", "1"))
PACKAGE = Path(__file__).resolve().parents[2] / "practice"
# What a page that refuses something shows: field errors, the error summary, an error flash, an error page.
MESSAGE_MARKERS = ('class="error-message"', 'class="error-summary"', 'class="flash flash-error"',
                   'class="error-page"', "This invitation")
#: the actor who opens each page: the first one the access table lets in
PREFERRED_ACTORS = ("owner", "therapist", "client", "anonymous")
GET_ROUTES = sorted(endpoint for endpoint, (method, _path, _expected) in ROUTES.items() if method == "GET")


def _opener(endpoint: str) -> str | None:
    """The first actor who sees the page (200), else the first sent on by the view itself (302)."""
    expected = ROUTES[endpoint][2]
    return next((actor for status in (200, 302) for actor in PREFERRED_ACTORS if expected[actor] == status), None)


def _page_of(app, world, endpoint: str):
    """A browser of the actor who opens the page, and the page's path."""
    actor = _opener(endpoint)
    browser = app.test_client()
    if actor != "anonymous":
        login(browser, world.actor(actor))
    return browser, ROUTES[endpoint][1].format(**url_values(world))


def _check_answer(browser, path: str, pairs: list) -> None:
    # Values go out exactly as given: invalid UTF-8 and control characters included.
    url = f"{path}?{urlencode(pairs, quote_via=quote)}"
    response = browser.get(url)
    assert response.status_code < 500, f"{response.status_code} for {url}"
    if response.status_code >= 400 and response.mimetype == "text/html":
        page = response.get_data(as_text=True)
        assert any(marker in page for marker in MESSAGE_MARKERS), f"a {response.status_code} page says nothing: {url}"


@pytest.mark.parametrize("endpoint", sorted(ROUTE_PARAMETERS))
def test_every_parameter_at_each_of_its_edges(app, world, endpoint):
    browser, path = _page_of(app, world, endpoint)
    for name, value in edge_cases(endpoint):
        _check_answer(browser, path, [(name, value)])


@pytest.mark.parametrize("endpoint", GET_ROUTES)
def test_hostile_query_strings_never_fail(app, world, endpoint):
    browser, path = _page_of(app, world, endpoint)

    @settings(max_examples=examples_for(endpoint) * EXAMPLES_SCALE, deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(pairs=query_strings())
    def fuzz(pairs):
        _check_answer(browser, path, pairs)

    fuzz()


def test_every_get_route_is_opened_by_someone_allowed_in():
    """Each route is fuzzed past its login and role checks, where the query string is read."""
    assert [endpoint for endpoint in GET_ROUTES if _opener(endpoint) not in ACTORS] == []


def _names_read_from_query_strings() -> set[str]:
    """Every name the app reads with `request.args.get("...")`, and the fields of forms built from request.args."""
    names, form_classes = set(), set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call):
                continue
            if _is_request_args(getattr(node.func, "value", None)) and getattr(node.func, "attr", "") == "get":
                names.add(node.args[0].value)
            elif node.args and _is_request_args(node.args[0]) and isinstance(node.func, ast.Name):
                form_classes.add((path, node.func.id))
    for path, class_name in form_classes:
        module = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        form_class = getattr(__import__(module, fromlist=[class_name]), class_name)
        names |= {name for name in dir(form_class) if isinstance(getattr(form_class, name), UnboundField)}
    return names


def _is_request_args(node) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == "args" and getattr(node.value, "id", "") == "request"


def test_every_query_parameter_the_app_reads_is_fuzzed():
    read = _names_read_from_query_strings()
    assert {"page", "q", "since", "until", "variant", "next"} <= read, "the source scan found too little"
    assert read - QUERY_PARAMETERS.keys() == set(), "add these to QUERY_PARAMETERS in tests/fuzz/query_table.py"
    swept = {name for names in ROUTE_PARAMETERS.values() for name in names}
    assert read - swept == set(), "name the pages that read these in ROUTE_PARAMETERS (tests/fuzz/query_table.py)"
    assert set(ROUTE_PARAMETERS) <= set(GET_ROUTES)
