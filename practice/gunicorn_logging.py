"""gunicorn's access log without secrets or health details.

A request line or Referer can carry a one-time token (an invitation, `/invite/<token>`, or a link that lets a new
browser in, `/login/new-browser/<token>`) or a search for a client's
name (`?q=...`). Whoever reads the log must learn neither, so both are replaced before the line is written.
Used by the Dockerfile: `gunicorn --logger-class practice.gunicorn_logging.RedactingLogger`.
"""
from __future__ import annotations

import re

from gunicorn.glogging import Logger

_ONE_TIME_TOKEN = re.compile(r"(/invite/|/login/new-browser/)[^/?#\s\"]+")
_QUERY = re.compile(r"\?[^\s\"#]*")
#: the access-log atoms that hold a path, a query or a full URL
_URL_ATOMS = ("r", "U", "q", "f", "{referer}i", "{raw_uri}e")


def redact(text: str) -> str:
    """Replace one-time tokens and query strings in a request line, path or URL."""
    text = _ONE_TIME_TOKEN.sub(r"\1[token]", text)
    return _QUERY.sub("?[query]", text)


class RedactingLogger(Logger):
    """gunicorn's logger, with paths, queries and referers redacted in every access-log line."""

    def atoms(self, resp, req, environ, request_time):
        """The values the access-log format draws on, with secrets replaced."""
        atoms = super().atoms(resp, req, environ, request_time)
        for key in _URL_ATOMS:
            value = atoms.get(key)
            if isinstance(value, str) and value not in ("", "-"):
                atoms[key] = "[query]" if key == "q" else redact(value)
        return atoms
