"""The dashboard: who needs attention first, then the therapist's clients and the recently seen ones."""
from __future__ import annotations

from datetime import date

from flask import current_app, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, select

from practice.clients.access import visible_clients
from practice.clients.models import Client
from practice.clients.operations import recently_opened
from practice.dashboard import bp
from practice.dashboard.attention import clients_needing_attention
from practice.extensions import db
from practice.intake.screening import LEVELS
from practice.notes.operations import recently_seen
from practice.outages import DiskSpace, data_folder, disk_space

DASHBOARD_CLIENTS = 8


@bp.route("/")
@login_required
def index():
    """Staff land on their dashboard; clients on their portal home page."""
    if not current_user.is_staff:
        return redirect(url_for("portal.home"))
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
                           attention=clients_needing_attention(visible_clients(current_user), today=date.today()),
                           seen=recently_seen(visible_clients(current_user)),
                           disk=_disk_space() if current_user.is_owner else None)


def _disk_space() -> DiskSpace:
    """The free space where the data is written: the owner hears of a filling disk before saving stops."""
    config = current_app.config
    folder = data_folder(config["SQLALCHEMY_DATABASE_URI"], current_app.instance_path)
    return disk_space(folder, warning_bytes=config["DISK_WARNING_MB"] * 1_000_000)


@bp.app_template_global()
def attention_level(rank: int) -> str:
    """The CSS level of an attention rank: screening levels above 10, home-care signals below."""
    return LEVELS[rank - 10] if rank >= 10 else "notice"


@bp.app_template_global()
def attention_word(rank: int) -> str:
    """A one-word label for an attention rank, readable without colour."""
    words = {"emergency": "Emergency", "urgent": "Urgent", "incomplete": "Review", "caution": "Caution",
             "clear": "Review", "notice": "Follow up"}
    return words[attention_level(rank)]
