"""The owner's export of one client's whole record, as JSON and as a readable PDF; fresh login, audited."""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from flask import Response, current_app, render_template
from flask_login import current_user
from werkzeug.utils import secure_filename

from practice.access import fresh_login_required, owner_required
from practice.accounts.models import Practice
from practice.audit.operations import record_event
from practice.clients.access import get_client_or_404
from practice.clients.blueprint import bp
from practice.clients.export import client_record, export_file_stem, record_for_print
from practice.extensions import db
from practice.handouts.rendering import RenderError, RenderRequest, render_pdf
from practice.handouts.views import pdf_response
from practice.intake.contraindications import TECHNIQUES
from practice.intake.questionnaires import QUESTIONNAIRES
from practice.portal.warning_signs import WARNING_SIGN_LABELS

QUESTIONNAIRE_NAMES = {key: q.name for key, q in QUESTIONNAIRES.items()} | {"intake": "Pre-visit intake"}
TECHNIQUE_NAMES = {technique.key: technique.name for technique in TECHNIQUES}
#: how the export page names each part of the record, in reading order (a new table shows its own name)
PART_LABELS = {
    "clients": "Client details", "intakes": "Intake versions", "red_flag_actions": "Actions on warning signs",
    "questionnaire_responses": "Questionnaires", "plans": "Treatment plans",
    "plan_versions": "Published plan versions", "plan_steps": "Plan steps (working copy)",
    "session_notes": "Session notes", "session_amendments": "Note amendments", "home_logs": "Home logs",
    "portal_invitations": "Portal invitations", "portal_assignments": "Portal requests",
    "audit_events": "Access history (audit log entries)",
}
#: an export may run long for a client of many years; its page cap is higher than a handout's
EXPORT_MAX_PAGES = 400


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
    record_event("client.export_page", target=client)
    return render_template("clients/export.html", client=client, parts=parts)


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
    """Download the client's record as a readable PDF."""
    client = get_client_or_404(client_id)
    practice = db.session.get(Practice, client.practice_id)
    html = render_template("clients/record_export.html", client=client, practice=practice,
                           exported_by=current_user, exported_on=date.today(),
                           warning_labels=WARNING_SIGN_LABELS, questionnaire_names=QUESTIONNAIRE_NAMES,
                           technique_names=TECHNIQUE_NAMES, **record_for_print(client))
    try:
        pdf = _render(html, paper=practice.paper_size)
    except RenderError as error:
        db.session.rollback()
        record_event("client.export", target=client, outcome="failure", detail=f"pdf: {error}"[:120])
        return render_template("errors/error.html", status=503, title="The PDF could not be made",
                               message=str(error)), 503
    record_event("client.export", target=client, detail="pdf")
    return pdf_response(pdf, export_file_stem(client, date.today()) + ".pdf")


def _render(html: str, *, paper: str) -> bytes:
    root = Path(current_app.static_folder).resolve()
    job = RenderRequest(html=html, base_url=root.as_uri() + "/", static_root=str(root),
                        stylesheets=(str(root / "css" / "record.css"),),
                        extra_css=f"@page {{ size: {'letter' if paper == 'letter' else 'A4'}; }}",
                        max_pages=EXPORT_MAX_PAGES)
    return render_pdf(job, timeout=current_app.config["HANDOUT_RENDER_TIMEOUT"])


def _as_attachment(response: Response, filename: str) -> Response:
    response.headers["Content-Disposition"] = f'attachment; filename="{secure_filename(filename)}"'
    response.headers["Cache-Control"] = "no-store"
    return response
