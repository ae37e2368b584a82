"""The practice owner's audit log: who did what, to which client's record, when, from where; and its CSV."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, render_template, request
from flask_login import current_user
from sqlalchemy import select

from practice.access import fresh_login_required, owner_required
from practice.accounts.models import User
from practice.audit.forms import AuditFilterForm
from practice.audit.operations import record_event
from practice.audit.viewer import AuditFilter, audit_query, to_csv
from practice.clients.access import get_client_or_404
from practice.clients.models import Client
from practice.extensions import db
from practice.forms import page_number

bp = Blueprint("audit", __name__, url_prefix="/audit")

EVENTS_PER_PAGE = 50
#: a CSV export holds at most this many rows; narrow the filters for more
MAX_EXPORT_ROWS = 50_000


def _filter_form() -> tuple[AuditFilterForm, AuditFilter | None, Client | None]:
    """The form read from the URL, the filter it asks for (None when the form has errors), and the client."""
    form = AuditFilterForm(request.args)
    people = db.session.scalars(select(User).where(User.practice_id == current_user.practice_id)
                                .order_by(User.name)).all()
    form.actor.choices = [(None, "Anyone"), *[(person.id, f"{person.name} ({person.role})") for person in people]]
    client = get_client_or_404(form.client.data, denied_action="audit.client_denied") \
        if form.client.data is not None else None
    if not form.validate():
        return form, None, client
    wanted = AuditFilter(actor_id=form.actor.data, client_id=client.id if client else None,
                         action=form.action.data or None, since=form.since.data, until=form.until.data)
    return form, wanted, client


@bp.route("/")
@owner_required
def index():
    """Filter the practice's audit log, newest first."""
    form, wanted, client = _filter_form()
    page = None
    if wanted is not None:
        page = db.paginate(audit_query(current_user.practice_id, wanted), page=page_number(),
                           per_page=EVENTS_PER_PAGE, error_out=False)
    record_event("audit.view", client_id=client.id if client else None, detail=request.query_string.decode()[:200])
    filters = {key: value for key, value in request.args.items() if key != "page" and value}
    return render_template("audit/index.html", form=form, page=page, client=client, filters=filters,
                           names=_names(page.items if page else [])), 200 if wanted is not None else 400


def _names(events) -> dict:
    """Names of the people and clients the shown events mention, in two queries: only those of the owner's own
    practice, so a row that named another practice's record (written before rows were kept apart) shows no name."""
    practice_id = current_user.practice_id
    actor_ids = {event.actor_id for event in events if event.actor_id}
    client_ids = {event.client_id for event in events if event.client_id}
    people = dict(db.session.execute(select(User.id, User.name).where(
        User.id.in_(actor_ids), User.practice_id == practice_id)).all()) if actor_ids else {}
    clients = {row.id: f"{row.first_name} {row.last_name}" for row in db.session.execute(
        select(Client.id, Client.first_name, Client.last_name).where(
            Client.id.in_(client_ids), Client.practice_id == practice_id))} if client_ids else {}
    return {"people": people, "clients": clients}


@bp.route("/export.csv")
@owner_required
@fresh_login_required
def export():
    """The filtered log as CSV; cells that a spreadsheet would run as formulas are neutralised."""
    form, wanted, client = _filter_form()
    if wanted is None:
        return render_template("audit/index.html", form=form, page=None, client=client, filters={}, names={}), 400
    events = db.session.scalars(audit_query(current_user.practice_id, wanted).limit(MAX_EXPORT_ROWS)).all()
    names = _names(events)
    rows = [{"at_utc": event.at.isoformat(timespec="seconds"), "actor_id": event.actor_id,
             "actor_name": names["people"].get(event.actor_id), "actor_role": event.actor_role,
             "action": event.action, "outcome": event.outcome, "target_type": event.target_type,
             "target_id": event.target_id, "client_id": event.client_id,
             "client_name": names["clients"].get(event.client_id), "ip_address": event.ip_address,
             "detail": event.detail} for event in events]
    record_event("audit.export", client_id=client.id if client else None, detail=f"{len(rows)} rows")
    response = Response(to_csv(rows), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="audit-log-{date.today().isoformat()}.csv"'
    response.headers["Cache-Control"] = "no-store"
    return response
