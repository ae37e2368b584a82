"""The only URL fetcher WeasyPrint may use: data: URLs and files inside our static folder, nothing else.

WeasyPrint would otherwise fetch file:// and http(s):// URLs from any markup it renders, and embed a local
file linked with rel=attachment. User text is escaped before it reaches the HTML, and this fetcher is the
second wall: even markup that slipped through can read nothing outside static/ and reach no server.
"""
from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint.urls import URLFetcher


class RefusedURL(ValueError):
    """A URL outside the allow-list."""


class StaticOnlyFetcher(URLFetcher):
    """Allow `data:` URLs, and `file:` URLs whose real path lies inside `static_root`."""

    def __init__(self, static_root: str | os.PathLike, **kwargs):
        super().__init__(allowed_protocols={"data", "file"}, allow_redirects=False, timeout=2, **kwargs)
        self.static_root = Path(static_root).resolve()
        self.refused: list[str] = []

    def fetch(self, url, headers=None):
        """Fetch an allowed URL; refuse (and remember) anything else."""
        scheme = url.split(":", 1)[0].lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file" and self.is_allowed_file(url):
            return super().fetch(url, headers)
        self.refused.append(url[:200])
        raise RefusedURL(f"Refused to fetch {url[:200]!r}: only data: URLs and our static files are allowed.")

    def is_allowed_file(self, url: str) -> bool:
        """True when the file URL resolves (links and '..' followed) to a file inside the static folder."""
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            return False
        path = Path(unquote(parts.path)).resolve()
        return path.is_file() and (path == self.static_root or self.static_root in path.parents)
