"""The dashboard: the therapist's clients, the recently opened ones, and space for alerts."""
from __future__ import annotations

from flask import redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, select

from practice.clients.models import Client
from practice.clients.operations import recently_opened, visible_clients
from practice.dashboard import bp
from practice.extensions import db
from practice.intake.operations import unresolved_red_flags
from practice.plans.operations import recently_seen

DASHBOARD_CLIENTS = 8


@bp.route("/")
@login_required
def index():
    """Staff land on their dashboard; clients on their own page."""
    if not current_user.is_staff:
        return redirect(url_for("dashboard.client_home"))
    active = visible_clients(current_user).where(Client.is_archived.is_(False))
    count = db.session.scalar(select(func.count()).select_from(active.subquery()))
    my_clients = db.session.scalars(
        active.where(Client.therapist_id == current_user.id)
        .order_by(Client.updated_at.desc()).limit(DASHBOARD_CLIENTS)
    ).all()
    unassigned = []
    if current_user.is_owner:
        unassigned = db.session.scalars(
            active.where(Client.therapist_id.is_(None)).order_by(Client.created_at.desc()).limit(DASHBOARD_CLIENTS)
        ).all()
    return render_template("dashboard/index.html", client_count=count, my_clients=my_clients,
                           recent=recently_opened(current_user), unassigned=unassigned,
                           red_flags=unresolved_red_flags(visible_clients(current_user)),
                           seen=recently_seen(visible_clients(current_user)))


@bp.route("/me")
@login_required
def client_home():
    """A client's landing page until the portal arrives."""
    if current_user.is_staff:
        return redirect(url_for("dashboard.index"))
    return render_template("dashboard/client_home.html")
