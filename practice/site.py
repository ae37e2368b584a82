"""Addresses of this site as its clients reach it: built from SITE_URL, never from the request.

A request's Host header (and X-Forwarded-Host behind a proxy) is whatever the visitor sent. A link built from it
and then e-mailed, printed on a handout or kept in the handout cache would carry that choice to a client, so
every link that leaves the page it was made on comes from here.
"""
from __future__ import annotations

from flask import current_app, url_for


def public_url(endpoint: str, **values) -> str:
    """The full address of `endpoint` on the configured public site (SITE_URL)."""
    return current_app.config["SITE_URL"].rstrip("/") + url_for(endpoint, **values)

