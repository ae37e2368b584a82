"""The owner's export of one client's whole record, as JSON and as a readable PDF; fresh login, audited.

A long record's PDF comes in volumes (casefile/volumes.py): the export page lists them, and each link names the
volume, the fingerprint of where the volumes were cut and the last audit row of the access history, so that a
download prints exactly the volume the list showed, or says the record changed since.
"""
from __future__ import annotations

import json
from datetime import date

from flask import Response, render_template, request
from flask_login import current_user
from sqlalchemy import func, select
from werkzeug.utils import secure_filename

from practice.access import fresh_login_required, owner_required
from practice.accounts.models import Practice
from practice.audit.models import AuditEvent
from practice.audit.operations import record_event
from practice.casefile.blueprint import bp
from practice.casefile.export import client_record, export_file_stem
from practice.casefile.record_pdf import record_volumes, volume_html
from practice.casefile.volumes import Volume, fingerprint
from practice.clients.access import get_client_or_404
from practice.extensions import db
from practice.parse import MAX_RECORD_ID, parse_int, parse_record_id
from practice.pdf import documents

#: how the export page names each part of the record, in reading order (a new table shows its own name)
PART_LABELS = {
    "clients": "Client details", "intakes": "Intake versions", "red_flag_actions": "Actions on warning signs",
    "questionnaire_responses": "Questionnaires", "plans": "Treatment plans",
    "plan_versions": "Published plan versions", "plan_steps": "Plan steps (working copy)",
    "session_notes": "Session notes", "session_amendments": "Note amendments", "home_logs": "Home logs",
    "portal_invitations": "Portal invitations", "portal_assignments": "Portal requests",
    "audit_events": "Access history (audit log entries)",
}
#: a volume may run long (a record of many years); its page cap is higher than a handout's
EXPORT_MAX_PAGES = 400
RECORD_CHANGED = ("The record changed since the export page was opened, so its volumes are no longer the same. "
                  "Open the export page again and download the volumes from there.")


@bp.route("/<id:client_id>/export")
@owner_required
@fresh_login_required
def export(client_id: int):
    """What the export holds, with the two downloads."""
    client = get_client_or_404(client_id)
    counts = client_record(client, exported_by=current_user)["row_counts"]
    parts = [(PART_LABELS.get(name, name.replace("_", " ").capitalize()), counts[name])
             for name in sorted(counts, key=lambda name: (list(PART_LABELS).index(name) if name in PART_LABELS
                                                         else len(PART_LABELS), name))]
    audit_until = db.session.scalar(select(func.max(AuditEvent.id))) or 0  # before this page's own row
    volumes = record_volumes(client, audit_until=audit_until)
    links = [(volume, {"volume": volume.number, "cut": fingerprint(volumes), "audit_until": audit_until})
             for volume in volumes] if len(volumes) > 1 else []
    record_event("client.export_page", target=client)
    return render_template("casefile/export.html", client=client, parts=parts, volume_links=links)


@bp.route("/<id:client_id>/export.json")
@owner_required
@fresh_login_required
def export_json(client_id: int):
    """Download every row of the client's record as JSON."""
    client = get_client_or_404(client_id)
    record = client_record(client, exported_by=current_user._get_current_object())
    record_event("client.export", target=client, detail=f"json, {sum(record['row_counts'].values())} rows")
    response = Response(json.dumps(record, ensure_ascii=False, indent=1), mimetype="application/json")
    return _as_attachment(response, export_file_stem(client, date.today()) + ".json")


@bp.route("/<id:client_id>/export.pdf")
@owner_required
@fresh_login_required
def export_pdf(client_id: int):
    """Download the client's record as a readable PDF: whole, or the volume the export page's link names."""
    client = get_client_or_404(client_id)
    chosen = _chosen_volume(client)
    if isinstance(chosen, str):
        return render_template("errors/error.html", status=409, title="This PDF cannot be made from this link",
                               message=chosen), 409
    volume, audit_until = chosen
    html = volume_html(client, volume, exported_by=current_user, audit_until=audit_until)
    practice = db.session.get(Practice, client.practice_id)
    try:
        pdf = documents.render(html, stylesheet="record.css", paper=practice.paper_size, max_pages=EXPORT_MAX_PAGES)
    except documents.RenderError as error:
        return documents.failure_page(error, action="client.export", target=client, detail=f"pdf: {error}")
    label = _volume_label(volume)
    record_event("client.export", target=client, detail=f"pdf, {label}" if label else "pdf")
    file_stem = export_file_stem(client, date.today()) + (f"-{label.replace(' ', '-')}" if label else "")
    return documents.download(pdf, file_stem + ".pdf")


def _chosen_volume(client) -> tuple[Volume, int | None] | str:
    """The volume the link asks for and the last audit row it prints, or why it cannot be printed."""
    if "volume" not in request.args:
        volumes = record_volumes(client, audit_until=None)
        if len(volumes) > 1:
            return (f"This record is too long for one PDF: it comes in {len(volumes)} volumes. Open the export "
                    "page again and download them from there.")
        return volumes[0], None
    number = parse_int(request.args.get("volume"), low=1, high=MAX_RECORD_ID)
    audit_until = parse_record_id(request.args.get("audit_until"))
    if number is None or audit_until is None:
        return RECORD_CHANGED
    volumes = record_volumes(client, audit_until=audit_until)
    if fingerprint(volumes) != request.args.get("cut") or not 1 <= number <= len(volumes):
        return RECORD_CHANGED
    return volumes[number - 1], audit_until


def _volume_label(volume: Volume) -> str:
    """'' for a record in one volume, else e.g. 'volume 2 of 4'."""
    return f"volume {volume.number} of {volume.count}" if volume.count > 1 else ""


def _as_attachment(response: Response, filename: str) -> Response:
    response.headers["Content-Disposition"] = f'attachment; filename="{secure_filename(filename)}"'
    response.headers["Cache-Control"] = "no-store"
    return response
