"""Making a PDF in a request: the render set-up, the page shown when it fails, and the download's headers.

Every PDF of the app (handouts, referral letters, the record export) goes through these three, and through the
bounded worker and the static-only URL fetcher under them (`rendering.py`, `fetcher.py`).
"""
from __future__ import annotations

from pathlib import Path

from flask import Response, current_app, render_template
from werkzeug.utils import secure_filename

from practice.audit.models import OUTCOME_FAILURE
from practice.audit.operations import record_event
from practice.extensions import db
from practice.pdf.rendering import RenderError, RenderRequest, render_pdf

__all__ = ["RenderError", "download", "failure_page", "render"]


def render(html: str, *, stylesheet: str, paper: str, max_pages: int) -> bytes:
    """`html` as a PDF on A4 or US Letter with one of our stylesheets (static/css/), within the app's time limit."""
    root = Path(current_app.static_folder).resolve()
    job = RenderRequest(html=html, base_url=root.as_uri() + "/", static_root=str(root),
                        stylesheets=(str(root / "css" / stylesheet),),
                        extra_css=f"@page {{ size: {'letter' if paper == 'letter' else 'A4'}; }}",
                        max_pages=max_pages)
    return render_pdf(job, timeout=current_app.config["HANDOUT_RENDER_TIMEOUT"])


def failure_page(error: RenderError, *, action: str, target, detail: str | None = None,
                 title: str = "The PDF could not be made", message: str | None = None):
    """The 503 page of a PDF that could not be made; the failure is audited, nothing else the request did is kept."""
    db.session.rollback()
    record_event(action, target=target, outcome=OUTCOME_FAILURE, detail=(detail or str(error))[:120])
    return render_template("errors/error.html", status=503, title=title, message=message or str(error)), 503


def download(pdf: bytes, filename: str) -> Response:
    """A PDF sent as an attachment with a safe file name, never cached."""
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{secure_filename(filename) or "document.pdf"}"'
    response.headers["Cache-Control"] = "no-store"
    return response
