"""A person using the app over real HTTP: a cookie jar, the real forms and their CSRF tokens, and timings."""
from __future__ import annotations

import html
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin

import requests

from tests.support.world import PASSWORD

# Long enough for 20 queued writers behind SQLite's write lock, short enough that a hang fails the test.
REQUEST_TIMEOUT_SECONDS = 30


@dataclass
class Form:
    """One <form> of a page as a browser would submit it: its action and its successful controls."""

    action: str
    fields: list[tuple[str, str]] = field(default_factory=list)

    def value(self, name: str) -> str | None:
        """The first value of control `name`, or None."""
        return next((value for key, value in self.fields if key == name), None)

    def set(self, name: str, *values: str) -> "Form":
        """Replace every value of control `name` (several values for a group of checkboxes)."""
        self.fields = [(key, value) for key, value in self.fields if key != name] + [(name, v) for v in values]
        return self


class _FormParser(HTMLParser):
    """Collect the forms of a page with the values a browser would send (checked boxes, selected options)."""

    def __init__(self, page_url: str):
        super().__init__(convert_charrefs=True)
        self._page_url = page_url
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._textarea: str | None = None
        self._select: str | None = None
        self._select_first: str | None = None
        self._select_chosen = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._form = Form(action=urljoin(self._page_url, attrs.get("action") or self._page_url))
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input":
            self._input(attrs)
        elif tag == "textarea":
            self._textarea = attrs.get("name")
            self._form.fields.append((self._textarea, ""))
        elif tag == "select":
            self._select, self._select_first, self._select_chosen = attrs.get("name"), None, False
        elif tag == "option" and self._select:
            value = attrs.get("value", "")
            if self._select_first is None:
                self._select_first = value
            if "selected" in attrs and not self._select_chosen:
                self._select_chosen = True
                self._form.fields.append((self._select, value))

    def _input(self, attrs: dict) -> None:
        kind = (attrs.get("type") or "text").lower()
        name = attrs.get("name")
        if not name or kind in ("submit", "button", "image", "reset", "file"):
            return  # buttons are sent only when clicked: see HttpUser.submit(button=...)
        if kind in ("checkbox", "radio") and "checked" not in attrs:
            return
        self._form.fields.append((name, attrs.get("value", "on" if kind in ("checkbox", "radio") else "")))

    def handle_data(self, data):
        if self._form is not None and self._textarea is not None:
            name, text = self._form.fields[-1]
            self._form.fields[-1] = (name, text + data)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea" and self._textarea is not None:
            name, text = self._form.fields[-1]
            # Browsers drop the single newline that may follow <textarea>.
            self._form.fields[-1] = (name, text[1:] if text.startswith("\n") else text)
            self._textarea = None
        elif tag == "select" and self._select:
            if not self._select_chosen and self._select_first is not None:
                self._form.fields.append((self._select, self._select_first))
            self._select = None


def forms_of(page_html: str, page_url: str) -> list[Form]:
    """Every form of a page."""
    parser = _FormParser(page_url)
    parser.feed(page_html)
    return parser.forms


class PageError(AssertionError):
    """The app answered something a user would see as a failure."""


@dataclass
class Timed:
    """A response and how long the request took, in seconds."""

    response: requests.Response
    seconds: float


class HttpUser:
    """One person with their own browser session: logs in through the real form, submits real forms."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.session = requests.Session()

    def url(self, path: str) -> str:
        """The absolute address of a path of the app."""
        return urljoin(self.base_url, path)

    def get(self, path: str, *, expect: int = 200) -> requests.Response:
        """Open a page; anything but `expect` is a failure with the page's heading in the message."""
        response = self.session.get(self.url(path), timeout=REQUEST_TIMEOUT_SECONDS)
        _expect(response, expect)
        return response

    def form(self, path: str, action: str | None = None) -> Form:
        """Open a page and take its form whose action ends with `action` (the page's own form when None)."""
        response = self.get(path)
        wanted = self.url(action or path)
        found = [form for form in forms_of(response.text, response.url) if form.action == wanted]
        if len(found) != 1:
            raise PageError(f"{path}: expected one form posting to {wanted}, found {len(found)}")
        return found[0]

    def submit(self, form: Form, *, button: tuple[str, str] | None = None) -> Timed:
        """Post a form as it is (with its CSRF token) without following the redirect; time the request."""
        fields = form.fields + ([button] if button else [])
        started = time.perf_counter()
        response = self.session.post(form.action, data=fields, allow_redirects=False,
                                     timeout=REQUEST_TIMEOUT_SECONDS)
        return Timed(response, time.perf_counter() - started)

    def follow(self, timed: Timed) -> requests.Response:
        """Open the page a successful POST redirected to, as the browser does next."""
        _expect(timed.response, 302)
        return self.get(timed.response.headers["Location"])

    def login(self, email: str, password: str = PASSWORD) -> "HttpUser":
        """Log in through the login page, token and all."""
        form = self.form("/login").set("email", email).set("password", password)
        self.follow(self.submit(form))
        return self


def _expect(response: requests.Response, status: int) -> None:
    if response.status_code != status:
        raise PageError(f"{response.request.method} {response.url}: expected {status}, got "
                        f"{response.status_code}: {heading_of(response.text)}")


def heading_of(page_html: str) -> str:
    """The first <h1> of a page, to make failures readable."""
    start = page_html.find("<h1")
    if start < 0:
        return page_html[:200]
    start = page_html.find(">", start) + 1
    return html.unescape(page_html[start:page_html.find("</h1>", start)]).strip()


def text_of(response: requests.Response) -> str:
    """The page with its HTML entities decoded, for looking for a message a user reads."""
    return html.unescape(response.text)
