"""The owner's export of one client's whole record, as JSON and as a readable PDF; fresh login, audited."""
from __future__ import annotations

import json
from datetime import date

from flask import Response, render_template
from flask_login import current_user
from werkzeug.utils import secure_filename

from practice.access import fresh_login_required, owner_required
from practice.accounts.models import Practice
from practice.audit.operations import record_event
from practice.casefile.blueprint import bp
from practice.casefile.export import client_record, export_file_stem, record_for_print
from practice.clients.access import get_client_or_404
from practice.extensions import db
from practice.intake.contraindications import TECHNIQUES
from practice.intake.questionnaires import QUESTIONNAIRES
from practice.pdf import documents
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
    return render_template("casefile/export.html", client=client, parts=parts)


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
    html = render_template("casefile/record_export.html", client=client, practice=practice,
                           exported_by=current_user, exported_on=date.today(),
                           warning_labels=WARNING_SIGN_LABELS, questionnaire_names=QUESTIONNAIRE_NAMES,
                           technique_names=TECHNIQUE_NAMES, **record_for_print(client))
    try:
        pdf = documents.render(html, stylesheet="record.css", paper=practice.paper_size, max_pages=EXPORT_MAX_PAGES)
    except documents.RenderError as error:
        return documents.failure_page(error, action="client.export", target=client, detail=f"pdf: {error}")
    record_event("client.export", target=client, detail="pdf")
    return documents.download(pdf, export_file_stem(client, date.today()) + ".pdf")


def _as_attachment(response: Response, filename: str) -> Response:
    response.headers["Content-Disposition"] = f'attachment; filename="{secure_filename(filename)}"'
    response.headers["Cache-Control"] = "no-store"
    return response
