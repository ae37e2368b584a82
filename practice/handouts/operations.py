"""Making handout and referral PDFs: context, cache lookup, bounded render. Flushes, never commits."""
from __future__ import annotations

import hashlib
from datetime import date
from functools import lru_cache
from pathlib import Path

import segno
from flask import current_app, render_template
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from practice.accounts.models import Practice
from practice.clients.models import Client
from practice.extensions import db
from practice.handouts import context as pure_context
from practice.handouts.models import RenderedHandout
from practice.intake import screening
from practice.intake.models import Intake
from practice.pdf import documents
from practice.plans.models import PlanVersion
from practice.site import public_url

HANDOUT_TEMPLATE = "handouts/handout.html"
REFERRAL_TEMPLATE = "handouts/referral.html"


def portal_url() -> str:
    """Where clients log in, printed on handouts: PORTAL_URL, or the client home page on SITE_URL (never the Host
    header a request came with: the handout and its cache row would keep whatever a visitor sent)."""
    return current_app.config.get("PORTAL_URL") or public_url("portal.home")


def _static_root() -> Path:
    return Path(current_app.static_folder).resolve()


@lru_cache(maxsize=4)
def _revision_of(template_folder: str, static_folder: str) -> str:
    digest = hashlib.sha256()
    files = [Path(template_folder) / "handouts" / "handout.html", Path(static_folder) / "css" / "handout.css",
             *sorted((Path(static_folder) / "img" / "library").glob("*.svg"))]
    for path in files:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def template_revision() -> str:
    """A hash of the handout template, its stylesheet and the drawings: a new revision renders afresh."""
    return _revision_of(current_app.template_folder, current_app.static_folder)


@lru_cache(maxsize=64)
def qr_data_uri(url: str) -> str:
    """A QR code of `url` as an SVG data: URL (the only kind of URL the PDF fetcher allows besides static).

    Cached: every handout of a site prints the same portal link, and encoding it costs a few milliseconds.
    """
    return segno.make(url, error="m").svg_data_uri(scale=4, border=2, dark="#1f2a2e")


def handout_context(version: PlanVersion, practice: Practice, variant: str, portal_url: str) -> dict:
    """The plain-values context of a version's handout."""
    return pure_context.build_context(
        version.frozen, version_number=version.number, saved_on=version.created_at.date().isoformat(),
        practice=pure_context.Practice(practice.name, practice.phone, practice.email, practice.paper_size),
        portal_url=portal_url, qr_data_uri=qr_data_uri(portal_url), variant=variant)


def handout_html(context: dict, *, for_screen: bool) -> str:
    """The handout as HTML: for the PDF (file URLs into static/) or for the browser's print view."""
    static_url = "/static/" if for_screen else _static_root().as_uri() + "/"
    return render_template(HANDOUT_TEMPLATE, **context, static_url=static_url, for_screen=for_screen)


def handout_pdf(version: PlanVersion, practice: Practice, variant: str, portal_url: str,
                cache: bool = True) -> tuple[bytes, bool]:
    """The version's handout PDF and whether it came from the cache; renders and keeps it otherwise.

    cache=False renders without keeping the result: used when the link printed is a one-time invitation.
    """
    context = handout_context(version, practice, variant, portal_url)
    if not cache:
        return _render(handout_html(context, for_screen=False), paper=context["paper_size"]), False
    key = pure_context.context_key(context, template_revision())
    cached = db.session.scalar(select(RenderedHandout.pdf).where(RenderedHandout.key == key))
    if cached is not None:
        return cached, True
    pdf = _render(handout_html(context, for_screen=False), paper=context["paper_size"])
    _keep(key, version.id, variant, pdf)
    return pdf, False


def _render(html: str, *, paper: str) -> bytes:
    return documents.render(html, stylesheet="handout.css", paper=paper,
                            max_pages=current_app.config["HANDOUT_MAX_PAGES"])


def _keep(key: str, version_id: int, variant: str, pdf: bytes) -> None:
    """Keep a new render: it replaces the version's older render of the same variant, and the cache stays in
    HANDOUT_CACHE_BYTES, the oldest renders going first."""
    # Two requests may render the same handout at once; the second insert is simply not needed.
    try:
        with db.session.begin_nested():
            # An older render of this version and variant shows an old practice detail, portal address or
            # template: nothing asks for it again, so it goes now rather than waiting to be the oldest.
            db.session.execute(delete(RenderedHandout).where(RenderedHandout.plan_version_id == version_id,
                                                             RenderedHandout.variant == variant))
            db.session.add(RenderedHandout(key=key, plan_version_id=version_id, variant=variant, pdf=pdf))
    except IntegrityError:
        return
    _evict_beyond(current_app.config["HANDOUT_CACHE_BYTES"])


def _evict_beyond(budget: int) -> None:
    """Delete the oldest renders until the rest fit in `budget` bytes; the newest always stays."""
    newest_first = db.session.execute(select(RenderedHandout.id, func.length(RenderedHandout.pdf))
                                      .order_by(RenderedHandout.id.desc()))
    kept, too_old = 0, []
    for position, (row_id, size) in enumerate(newest_first):
        kept += size
        if kept > budget and position > 0:
            too_old.append(row_id)
    if too_old:
        db.session.execute(delete(RenderedHandout).where(RenderedHandout.id.in_(too_old)))


def referral_context(client: Client, intake: Intake, practice: Practice, *, therapist_name: str) -> dict:
    """The referral letter's plain values: the screening saved with the intake, its answers, and what was done."""
    result = intake.screening
    return {
        "client_name": client.full_name,
        "date_of_birth": client.date_of_birth.isoformat() if client.date_of_birth else None,
        "age": intake.age_at_intake, "intake_date": intake.taken_on.isoformat(), "today": date.today().isoformat(),
        "level_label": screening.LEVEL_LABELS[result.level], "level_action": result.action,
        "findings": [{"reason": f.reason, "source": f.source,
                      "answers": [(k, t, screening.ANSWER_LABELS.get(a, a)) for k, t, a in f.answers]}
                     for f in result.findings],
        "actions": [{"acted_on": a.acted_on.isoformat(), "advice": a.advice, "referred_to": a.referred_to}
                    for a in intake.actions],
        "therapist_name": therapist_name,
        "practice": {"name": practice.name, "phone": practice.phone, "email": practice.email},
    }


def referral_pdf(context: dict, practice: Practice) -> bytes:
    """The one-page referral summary for the client's doctor."""
    html = render_template(REFERRAL_TEMPLATE, **context, for_screen=False)
    return _render(html, paper=practice.paper_size)
