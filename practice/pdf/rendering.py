"""Bounded PDF rendering: capped input, capped pages, and a time limit enforced in a worker process.

WeasyPrint cannot be interrupted inside a thread, so renders run in a small warm worker process; a render
that runs past its limit has its worker killed and the request gets a clear error instead of a stuck worker.
"""
from __future__ import annotations

import multiprocessing
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass

MAX_HTML_BYTES = 2 * 1024 * 1024
MAX_PAGES = 30
RENDER_TIMEOUT_SECONDS = 20.0
MAX_CACHED_IMAGES = 200


class RenderError(Exception):
    """A render refused or stopped, with a message for the user."""


@dataclass(frozen=True)
class RenderRequest:
    """Everything a worker needs: plain values only, so it crosses the process boundary."""

    html: str
    base_url: str
    static_root: str
    stylesheets: tuple[str, ...] = ()
    #: small CSS made by the app itself (the practice's paper size), never user text
    extra_css: str = ""
    max_pages: int = MAX_PAGES
    pdf_variant: str | None = "pdf/ua-1"


# Kept for the life of a warm worker: parsed stylesheets and decoded images (our drawings, QR codes)
# are the same from one handout to the next, so each render skips parsing them again.
_STYLESHEETS: dict[tuple, object] = {}
_IMAGES: dict = {}
_FONT_CONFIG = None


def _font_config():
    """The worker's one font configuration, made on first use and kept.

    WeasyPrint otherwise loads fontconfig's configuration and a new Pango font map for every document, and
    Pango's font and glyph caches start cold each time: reusing them saves about 15 ms per handout.
    It never takes fonts from a document's @font-face rules, so one document cannot change another's fonts.
    """
    global _FONT_CONFIG
    if _FONT_CONFIG is None:
        from weasyprint.text.fonts import FontConfiguration

        class SystemFontsOnly(FontConfiguration):
            """The system's fonts; @font-face rules are ignored (our handouts use none)."""

            def add_font_face(self, rule_descriptors, url_fetcher):
                return None

        _FONT_CONFIG = SystemFontsOnly()
    return _FONT_CONFIG


def _stylesheet(path: str, extra_css: str, fetcher):
    from weasyprint import CSS

    key = (path, extra_css)
    if key not in _STYLESHEETS:
        source = {"filename": path} if path else {"string": extra_css}
        _STYLESHEETS[key] = CSS(**source, url_fetcher=fetcher, font_config=_font_config())
    return _STYLESHEETS[key]


def render_in_process(job: RenderRequest) -> bytes:
    """Render `job` here and now (the worker's entry point)."""
    from weasyprint import HTML

    from practice.pdf.fetcher import StaticOnlyFetcher

    fetcher = StaticOnlyFetcher(job.static_root)
    stylesheets = [_stylesheet(path, "", fetcher) for path in job.stylesheets]
    if job.extra_css:
        stylesheets.append(_stylesheet("", job.extra_css, fetcher))
    if len(_IMAGES) > MAX_CACHED_IMAGES:
        _IMAGES.clear()
    document = HTML(string=job.html, base_url=job.base_url, url_fetcher=fetcher).render(
        stylesheets=stylesheets, cache=_IMAGES, font_config=_font_config())
    if len(document.pages) > job.max_pages:
        raise RenderError(f"The document would have {len(document.pages)} pages; the limit is {job.max_pages}.")
    options = {"pdf_variant": job.pdf_variant} if job.pdf_variant else {}
    return document.write_pdf(**options)


class _Worker:
    """One warm worker process, replaced when a render overruns."""

    def __init__(self):
        self._lock = threading.Lock()
        self._executor: ProcessPoolExecutor | None = None

    def _pool(self) -> ProcessPoolExecutor:
        if self._executor is None:
            # forkserver: no fork of a threaded web process, and the worker stays warm between renders.
            self._executor = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("forkserver"))
        return self._executor

    def run(self, job: RenderRequest, timeout: float) -> bytes:
        with self._lock:
            future = self._pool().submit(render_in_process, job)
            try:
                return future.result(timeout=timeout)
            except FutureTimeout:
                self._kill()
                raise RenderError("Making the PDF took too long and was stopped. Please try again in a moment.")
            except BrokenProcessPool:
                self._kill()
                raise RenderError("The PDF maker stopped unexpectedly. Please try again.")

    def _kill(self) -> None:
        executor, self._executor = self._executor, None
        if executor is not None:
            for process in list(getattr(executor, "_processes", {}).values()):
                process.kill()
            executor.shutdown(wait=False, cancel_futures=True)


_worker = _Worker()


def worker_cpu_seconds() -> float:
    """CPU seconds the warm worker has used so far, starting it if need be (for benchmarks)."""
    with _worker._lock:
        return _worker._pool().submit(time.process_time).result(timeout=RENDER_TIMEOUT_SECONDS)


def render_pdf(job: RenderRequest, *, timeout: float = RENDER_TIMEOUT_SECONDS) -> bytes:
    """Render within the size, page and time limits; raise RenderError with a user-facing reason otherwise."""
    if len(job.html.encode("utf-8")) > MAX_HTML_BYTES:
        raise RenderError("This document is too large to print. Shorten the notes and try again.")
    return _worker.run(job, timeout)
